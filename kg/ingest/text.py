"""Readers for plain text (.txt) and Markdown (.md, .markdown).

>>> doc = read_plain(b"Origins\\n\\nSeoul is the capital.\\n", "notes/a.txt", "notes/a.txt")
>>> doc.title, doc.format, [b.heading for b in doc.blocks]
('Origins', 'text/plain', [True, False])
>>> read_plain(b"Jos&#233; met Tate &amp; Lyle.", "b.txt", "b.txt").text
'José met Tate & Lyle.'
>>> read_markdown(b"Seoul is *big*.", "b.md", "b.md").text
'Seoul is big.'
"""

from __future__ import annotations

from kg.ingest.decode import decode_entities, decode_text
from kg.ingest.markdown import markdown_parts
from kg.ingest.segment import build_document, segment_plain
from kg.model import Document

PLAIN = "text/plain"
MARKDOWN = "text/markdown"


def read_plain(data: bytes, where: str, source: str) -> Document:
    """Read a plain-text file's bytes; ``where`` names the file in errors."""
    parts = segment_plain(decode_entities(decode_text(data, where)))
    return build_document(parts, where=where, source=source, format=PLAIN)


def read_markdown(data: bytes, where: str, source: str) -> Document:
    """Read a Markdown file's bytes; a front-matter ``title:`` names the document."""
    parts, title = markdown_parts(decode_text(data, where))
    return build_document(parts, where=where, source=source, format=MARKDOWN, title=title)
