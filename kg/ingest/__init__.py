"""Document readers: paths in, ``kg.model.Document`` out, with clear errors for bad files.

``discover`` expands paths, ``read_document`` reads one file by its suffix (.txt, .md,
.markdown, .html, .htm, .pdf, .docx), ``read_all`` does both and collects ``ReadError``s, and
``read_inputs`` also accounts for every input file (an ``InputFile`` each).
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

from kg.ingest.discovery import SUFFIXES, InputFile, Outcome, discover
from kg.ingest.read import Inputs, read_all, read_document, read_inputs

__all__ = [
    "SUFFIXES",
    "InputFile",
    "Inputs",
    "Outcome",
    "discover",
    "read_all",
    "read_document",
    "read_inputs",
]
