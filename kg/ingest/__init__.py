"""Document readers: paths in, ``kg.model.Document`` out, with clear errors for bad files.

``discover`` expands paths, ``read_document`` reads one file by its suffix (.txt, .md,
.markdown, .html, .htm, .pdf), ``read_all`` does both and collects ``ReadError``s.
Every Document's text is its blocks joined with blank lines; each block's offsets index
``Document.text`` exactly, and headings are blocks of their own.

>>> import tempfile
>>> from pathlib import Path
>>> with tempfile.TemporaryDirectory() as tmp:
...     note = Path(tmp, "note.md")
...     _ = note.write_text("# Origins\\n\\nThe *war* began in 1950.\\n")
...     doc = read_document(note, "note.md")
>>> doc.title, doc.format, doc.text
('Origins', 'text/markdown', 'Origins\\n\\nThe war began in 1950.')
>>> all(doc.text[b.start:b.end] == b.text for b in doc.blocks)
True
"""

from kg.ingest.discovery import SUFFIXES, discover
from kg.ingest.read import read_all, read_document

__all__ = ["SUFFIXES", "discover", "read_all", "read_document"]
