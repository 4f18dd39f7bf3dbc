"""Reader for PDF, with pypdf: page text, hyphenated line breaks rejoined, lines into paragraphs.

Headings are found the same way as in plain text. Encrypted, damaged and image-only PDFs
raise ``ReadError`` with a reason that says which.

>>> read_pdf(b"%PDF-1.4 junk", "a.pdf", "a.pdf")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
kg.errors.ReadError: a.pdf: the PDF is damaged: ...
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from pypdf import PasswordType, PdfReader

from kg.errors import ReadError
from kg.ingest.decode import normalize
from kg.ingest.segment import build_document, segment_plain
from kg.model import Document

PDF = "application/pdf"

_PAGE_NUMBER = re.compile(r"^\s*(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?\s*$", re.I)


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence pypdf's log lines and warnings about files it can still read."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def _damaged(where: str, err: Exception) -> ReadError:
    """A ReadError for a PDF pypdf cannot make sense of, quoting pypdf's complaint."""
    detail = " ".join(str(err).split()) or type(err).__name__
    return ReadError(where, f"the PDF is damaged: {detail}")


def _open(data: bytes, where: str) -> PdfReader:
    """Open the PDF, unlocking it when it has an empty user password."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
    except Exception as err:  # pypdf raises many kinds on broken files
        raise _damaged(where, err) from None
    if encrypted and not _unlock(reader):
        raise ReadError(where, "the PDF is encrypted; save a copy without a password and read that")
    return reader


def _unlock(reader: PdfReader) -> bool:
    """Try the empty password (owner-only protection); say whether the PDF is readable."""
    try:
        return reader.decrypt("") != PasswordType.NOT_DECRYPTED
    except Exception:  # unsupported algorithm, missing crypto library
        return False


def _metadata_title(reader: PdfReader) -> str | None:
    """The title in the PDF's metadata, if present and not blank."""
    try:
        title = reader.metadata.title if reader.metadata else None
    except Exception:
        return None
    text = " ".join(normalize(str(title)).split()) if title else ""
    return text or None


def _page_lines(reader: PdfReader, where: str) -> list[str]:
    """Every page's text lines in order, bare page numbers dropped."""
    try:
        pages = list(reader.pages)
    except Exception as err:
        raise _damaged(where, err) from None
    if not pages:
        raise ReadError(where, "the PDF is damaged: it has no pages")
    lines: list[str] = []
    for number, page in enumerate(pages, start=1):
        try:
            text = page.extract_text() or ""
        except Exception as err:
            raise _damaged(where, Exception(f"page {number}: {err}")) from None
        lines.extend(ln for ln in normalize(text).split("\n") if not _PAGE_NUMBER.match(ln))
    return lines


def read_pdf(data: bytes, where: str, source: str) -> Document:
    """Read a PDF's bytes; its metadata title, if any, names the document."""
    if not data:
        raise ReadError(where, "the file is empty")
    if b"%PDF-" not in data[:1024]:
        raise ReadError(where, "the file is not a PDF (it has no %PDF header)")
    with _quiet():
        reader = _open(data, where)
        title = _metadata_title(reader)
        lines = _page_lines(reader, where)
    parts = segment_plain("\n".join(lines), dehyphenate=True)
    if not parts:
        raise ReadError(where, "the PDF has no extractable text (scanned images?)")
    return build_document(parts, where=where, source=source, format=PDF, title=title)
