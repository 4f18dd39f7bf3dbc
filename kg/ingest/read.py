"""Read one document by its suffix, or every document a list of paths stands for.

``read_inputs`` also accounts for every input file: read (and how), unreadable (and why), or
not read at all (hidden, or of a type kg does not read).

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as tmp:
...     folder = Path(tmp, "corpus")
...     folder.mkdir()
...     _ = (folder / "a.txt").write_text("Origins\\n\\nSeoul is a city.\\n")
...     _ = (folder / "b.txt").write_bytes(b"")
...     _ = (folder / "c.txt").write_bytes("The club paid £5m for him.".encode("cp1252"))
...     _ = (folder / "d.png").write_bytes(b"\\x89PNG")
...     found = read_inputs([folder])
>>> [(d.source, d.title) for d in found.documents], [e.reason for e in found.errors]
([('corpus/a.txt', 'Origins'), ('corpus/c.txt', 'c')], ['the file is empty'])
>>> [(f.source, f.outcome.value, f.detail) for f in found.files]  # doctest: +NORMALIZE_WHITESPACE
[('corpus/a.txt', 'read', ''), ('corpus/b.txt', 'unreadable', 'the file is empty'),
 ('corpus/c.txt', 'read', 'not UTF-8; read as cp1252'),
 ('corpus/d.png', 'ignored', "unsupported type '.png'")]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import ReadError, UsageError, visible
from kg.ingest.decode import declared_charset, transcode
from kg.ingest.discovery import SUFFIXES, InputFile, Outcome, discover, printable_name
from kg.model import Document

Reader = Callable[[bytes, str, str], Document]
"""A reader takes a file's bytes, its path for messages and its source name."""

#: Suffixes of text formats, whose encoding is detected when they are not UTF-8.
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")


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
    if suffix == ".docx":
        from kg.ingest.docx import read_docx

        return read_docx
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


def read_file(path: Path, source: str) -> tuple[Document, str]:
    """Read one file into a Document, with a note on how it was read ("" when plainly).

    Text that is not UTF-8 is read in the charset an HTML page declares or in the one
    detected (see ``kg.ingest.decode.transcode``); the note names it. Raises
    ``ReadError(str(path), reason)`` when the file cannot be read, and ``UsageError``
    when its suffix is not one kg reads.
    """
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        readable = ", ".join(SUFFIXES)
        raise UsageError(
            f"{visible(str(path))}: unsupported file type '{visible(suffix)}'; kg reads {readable}"
        )
    data, where, note = _read_bytes(path), str(path), ""
    if suffix in TEXT_SUFFIXES:
        declared = declared_charset(data) if suffix in (".html", ".htm") else None
        data, codec = transcode(data, where, declared=declared)
        if codec is not None:
            note = f"not UTF-8; read as {codec}"
    return _reader(suffix)(data, where, source), note


def read_document(path: Path, source: str) -> Document:
    """Read one file into a Document whose ``source`` is ``source``.

    Raises ``ReadError(str(path), reason)`` when the file cannot be read, and
    ``UsageError`` when its suffix is not one kg reads.
    """
    return read_file(path, source)[0]


@dataclass
class Inputs:
    """The documents read from some paths, the files that failed, and every file's fate."""

    documents: list[Document] = field(default_factory=list)
    errors: list[ReadError] = field(default_factory=list)
    #: One entry per input file (and hidden folder), in source order: read, unreadable or
    #: ignored. Duplicates are marked by the build, which merges them.
    files: list[InputFile] = field(default_factory=list)


def read_inputs(paths: Sequence[Path]) -> Inputs:
    """Discover and read every document, and account for every file found.

    A bad file becomes an error and the rest go on. Documents come in ``discover`` order
    (sorted by source). ``UsageError`` from ``discover`` (a missing path, an unsupported
    named file) is raised, not collected.
    """
    found = Inputs()
    ignored: list[InputFile] = []
    listed = discover(paths, errors=found.errors, ignored=ignored)
    found.files.extend(
        InputFile(err.path, printable_name(err.path), Outcome.UNREADABLE, err.reason)
        for err in found.errors
    )
    for path, source in listed:
        try:
            document, note = read_file(path, source)
        except ReadError as err:
            found.errors.append(err)
            found.files.append(InputFile(err.path, source, Outcome.UNREADABLE, err.reason))
        else:
            found.documents.append(document)
            found.files.append(InputFile(str(path), source, Outcome.READ, note, document.sha256))
    found.files.extend(ignored)
    found.files.sort(key=lambda entry: (entry.source, entry.path))
    return found


def read_all(paths: Sequence[Path]) -> tuple[list[Document], list[ReadError]]:
    """Discover and read every document; a bad file becomes an error and the rest go on.

    The documents and errors of ``read_inputs``.
    """
    found = read_inputs(paths)
    return found.documents, found.errors
