"""Read one document by its suffix, or every document a list of paths stands for.

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as tmp:
...     folder = Path(tmp, "corpus")
...     folder.mkdir()
...     _ = (folder / "a.txt").write_text("Origins\\n\\nSeoul is a city.\\n")
...     _ = (folder / "b.txt").write_bytes(b"")
...     docs, errors = read_all([folder])
...     [(d.source, d.title) for d in docs], [e.reason for e in errors]
([('corpus/a.txt', 'Origins')], ['the file is empty'])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from kg.errors import ReadError, UsageError
from kg.ingest.discovery import SUFFIXES, discover
from kg.model import Document

Reader = Callable[[bytes, str, str], Document]
"""A reader takes a file's bytes, its path for messages and its source name."""


def _reader(suffix: str) -> Reader:
    """The reader for a suffix; importing lazily keeps ``import kg.ingest`` light."""
    if suffix in (".txt",):
        from kg.ingest.text import read_plain

        return read_plain
    if suffix in (".md", ".markdown"):
        from kg.ingest.text import read_markdown

        return read_markdown
    if suffix in (".html", ".htm"):
        from kg.ingest.html import read_html

        return read_html
    from kg.ingest.pdf import read_pdf

    return read_pdf


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, or ReadError saying why they cannot be had."""
    try:
        return path.read_bytes()
    except PermissionError:
        raise ReadError(str(path), "permission denied") from None
    except IsADirectoryError:
        raise ReadError(str(path), "it is a folder, not a file") from None
    except FileNotFoundError:
        raise ReadError(str(path), "the file does not exist") from None
    except OSError as err:
        raise ReadError(str(path), str(err.strerror or err).lower()) from None


def read_document(path: Path, source: str) -> Document:
    """Read one file into a Document whose ``source`` is ``source``.

    Raises ``ReadError(str(path), reason)`` when the file cannot be read, and
    ``UsageError`` when its suffix is not one kg reads.
    """
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        readable = ", ".join(SUFFIXES)
        raise UsageError(f"{path}: unsupported file type '{suffix}'; kg reads {readable}")
    return _reader(suffix)(_read_bytes(path), str(path), source)


def read_all(paths: Sequence[Path]) -> tuple[list[Document], list[ReadError]]:
    """Discover and read every document; a bad file becomes an error and the rest go on.

    Documents come in ``discover`` order (sorted by source). ``UsageError`` from
    ``discover`` (a missing path, an unsupported named file) is raised, not collected.
    """
    errors: list[ReadError] = []
    documents: list[Document] = []
    for path, source in discover(paths, errors=errors):
        try:
            documents.append(read_document(path, source))
        except ReadError as err:
            errors.append(err)
    return documents, errors
