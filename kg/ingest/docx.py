"""Reader for Word documents (.docx), with python-docx: headings, paragraphs and table cells.

Paragraphs styled ``Title`` or ``Heading 1``-``Heading 9`` become heading blocks; other
paragraphs, list items and each table cell's paragraphs become blocks of their own, in
document order (nested tables too). The core properties' title, if any, names the document.

A .docx is a zip archive of XML parts, so it is checked before python-docx opens it: at most
``MAX_PARTS`` parts that unpack to at most ``MAX_UNPACKED`` bytes (``MAX_XML`` for the XML
parts), and no part may declare a DTD or entities (Word never writes them), so nothing is
expanded or fetched. A damaged, oversized or hostile file raises ``ReadError``.

>>> import io, docx
>>> word = docx.Document()
>>> word.core_properties.title = "Allies"
>>> _ = word.add_heading("Origins", level=1)
>>> _ = word.add_paragraph("Seoul is a city.")
>>> buffer = io.BytesIO()
>>> word.save(buffer)
>>> doc = read_docx(buffer.getvalue(), "a.docx", "a.docx")
>>> doc.title, doc.text, [b.heading for b in doc.blocks]
('Allies', 'Origins\\n\\nSeoul is a city.', [True, False])
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from kg.errors import ReadError
from kg.ingest.decode import normalize
from kg.ingest.segment import Part, build_document, segment_lines, split_paragraphs
from kg.model import Document

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: The most parts a .docx may hold, and the most bytes they may unpack to (all of them, and
#: the XML parts, which are parsed into trees). Larger files are refused as likely zip bombs.
MAX_PARTS = 10_000
MAX_UNPACKED = 256 * 1024 * 1024
MAX_XML = 64 * 1024 * 1024
_DECLARATIONS = tuple(
    marker.encode(codec)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for codec in ("utf-8", "utf-16-le", "utf-16-be")
)
_HEADING_STYLE = re.compile(r"(?:Title|Heading [1-9])\Z")


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def _check_package(data: bytes, where: str) -> None:
    """Refuse a .docx that is no zip, too big unpacked, or declares a DTD or entities."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as err:
        reason = f"the .docx is damaged: not a readable zip archive ({err})"
        raise ReadError(where, reason) from None
    with archive:
        parts = archive.infolist()
        if len(parts) > MAX_PARTS:
            raise ReadError(where, f"the .docx holds {len(parts)} parts, more than {MAX_PARTS}; "
                                   "it was not read (a zip bomb?)")
        total = sum(part.file_size for part in parts)
        xml = [part for part in parts if part.filename.lower().endswith((".xml", ".rels"))]
        xml_total = sum(part.file_size for part in xml)
        if total > MAX_UNPACKED or xml_total > MAX_XML:
            raise ReadError(where, f"the .docx unpacks to {_megabytes(total)} "
                                   f"({_megabytes(xml_total)} of XML), more than kg reads "
                                   f"({_megabytes(MAX_UNPACKED)}, {_megabytes(MAX_XML)} of XML); "
                                   "it was not read (a zip bomb?)")
        for part in xml:  # zipfile stops at the declared size, so this stays within MAX_XML
            try:
                blob = archive.read(part)
            except Exception as err:  # bad CRC, unknown compression, encryption, truncation
                detail = " ".join(str(err).split()) or type(err).__name__
                raise ReadError(where, f"the .docx is damaged: {detail}") from None
            if any(marker in blob for marker in _DECLARATIONS):
                raise ReadError(where, f"the .docx part {part.filename} declares a DTD or "
                                       "entities, which Word never writes; it was not read")


def _open(data: bytes, where: str) -> Any:
    """The python-docx Document of a checked package, or ReadError."""
    import docx  # imported here: only .docx files need it

    try:
        return docx.Document(io.BytesIO(data))
    except ValueError as err:  # a .docm, .dotx or other package that is not a Word document
        raise ReadError(where, f"the file is not a Word document ({err})") from None
    except Exception as err:  # python-docx raises many kinds on broken packages
        detail = " ".join(str(err).split()) or type(err).__name__
        raise ReadError(where, f"the .docx is damaged: {detail}") from None


def _is_heading(paragraph: Any) -> bool:
    """Whether a paragraph's style is Title or Heading 1-9 (by its built-in name)."""
    try:
        name = paragraph.style.name if paragraph.style is not None else ""
    except Exception:  # a style id that names no style
        return False
    return bool(name and _HEADING_STYLE.match(name))


def _paragraph_parts(paragraph: Any) -> list[Part]:
    """A paragraph as parts: one heading, or the paragraphs and lines it holds."""
    text = normalize(paragraph.text)
    if _is_heading(paragraph):
        heading = " ".join(text.split())
        return [(heading, True)] if heading else []
    parts: list[Part] = []
    for run in split_paragraphs(text):
        parts.extend(segment_lines(run, detect_headings=False))
    return parts


def _items(container: Any) -> Iterator[Any]:
    """Paragraphs and tables in document order, table cells walked without recursion.

    Merged cells, which python-docx gives once per grid position, are read once.
    """
    from docx.table import Table

    stack: list[Iterator[Any]] = [iter(container.iter_inner_content())]
    seen: set[Any] = set()  # the cells' XML elements, kept alive so that identity holds
    while stack:
        item = next(stack[-1], None)
        if item is None:
            stack.pop()
        elif isinstance(item, Table):
            cells = []
            for row in item.rows:
                for cell in row.cells:
                    if cell._tc not in seen:
                        seen.add(cell._tc)
                        cells.append(cell)
            stack.append(_cell_contents(cells))
        else:
            yield item


def _cell_contents(cells: list[Any]) -> Iterator[Any]:
    """The paragraphs and tables of a table's cells, cell after cell."""
    for cell in cells:
        yield from cell.iter_inner_content()


def _title(word: Any) -> str | None:
    """The title in the core properties, if present and not blank."""
    try:
        title = word.core_properties.title
    except Exception:
        return None
    text = " ".join(normalize(str(title)).split()) if title else ""
    return text or None


def read_docx(data: bytes, where: str, source: str) -> Document:
    """Read a .docx file's bytes; ``where`` names the file in errors."""
    if not data:
        raise ReadError(where, "the file is empty")
    _check_package(data, where)
    word = _open(data, where)
    parts: list[Part] = []
    try:
        for paragraph in _items(word):
            parts.extend(_paragraph_parts(paragraph))
    except Exception as err:  # a body python-docx cannot walk
        detail = " ".join(str(err).split()) or type(err).__name__
        raise ReadError(where, f"the .docx is damaged: {detail}") from None
    if not any(text.strip() for text, _ in parts):
        raise ReadError(where, "the Word document has no text")
    return build_document(parts, where=where, source=source, format=DOCX, title=_title(word))
