"""Find the documents to read: files as named, folders searched recursively.

Each file comes with its ``source``, the name stored in the graph, which never depends on
the current working directory: ``<folder name>/<relative posix path>`` for a file found in a
folder, the file name for a file named directly.

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as tmp:
...     root = Path(tmp, "docs")
...     (root / "sub").mkdir(parents=True)
...     for name in ("b.md", "a.TXT", "sub/c.html", "skip.docx"):
...         _ = (root / name).write_text("x")
...     [source for _, source in discover([root])]
['docs/a.TXT', 'docs/b.md', 'docs/sub/c.html']
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from kg.errors import ReadError, UsageError

SUFFIXES: tuple[str, ...] = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf")
"""The file suffixes kg reads (compared case-insensitively)."""


def supported(path: Path) -> bool:
    """Whether kg can read a file with this name.

    >>> supported(Path("a.PDF")), supported(Path("a.docx")), supported(Path("README"))
    (True, False, False)
    """
    return path.suffix.lower() in SUFFIXES


def printable_name(name: str) -> str:
    r"""A file name as text that any encoder takes: undecodable bytes become ``\xNN`` escapes.

    Linux file names are bytes; Python shows the bytes that are not UTF-8 as lone surrogates,
    which no UTF-8 file (Turtle, HTML) can hold. Valid names are returned unchanged.

    >>> printable_name("caf\udce9.txt"), printable_name("Seoul.txt"), printable_name("a\ud800")
    ('caf\\xe9.txt', 'Seoul.txt', 'a\\ud800')
    """
    try:
        raw = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that no file system byte gives
        return name.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


def _folder_name(folder: Path) -> str:
    """The name a folder argument gives its files' sources (``.`` uses the real name)."""
    if folder.name not in ("", ".", ".."):
        return printable_name(folder.name)
    return printable_name(Path(os.path.realpath(folder)).name)


def _folder_error(folder: Path, err: OSError, errors: list[ReadError] | None) -> None:
    """Report a folder that cannot be listed: collect it when asked, else raise."""
    reason = "permission denied" if isinstance(err, PermissionError) else str(err.strerror)
    error = ReadError(str(folder), f"{reason.lower()}; the folder was skipped")
    if errors is None:
        raise error
    errors.append(error)


def _walk(folder: Path, errors: list[ReadError] | None) -> Iterator[tuple[Path, str]]:
    """Every supported file under ``folder`` with its source; each real folder once.

    Hidden entries (names starting with ".") are skipped; symlinks are followed, but a
    folder already visited through another path (a symlink loop) is not entered again.
    """
    seen: set[str] = set()
    stack: list[tuple[Path, str]] = [(folder, _folder_name(folder))]
    while stack:
        current, prefix = stack.pop()
        real = os.path.realpath(current)
        if real in seen:
            continue
        seen.add(real)
        try:
            with os.scandir(current) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as err:
            _folder_error(current, err, errors)
            continue
        for entry in entries:
            path, source = current / entry.name, f"{prefix}/{printable_name(entry.name)}"
            if entry.name.startswith("."):
                continue
            if _is_dir(entry):
                stack.append((path, source))
            elif supported(path) and _is_file(entry):
                yield path, source
            elif supported(path) and errors is not None:  # say so, rather than skip in silence
                errors.append(ReadError(str(path), _not_regular(path)))


def _is_dir(entry: os.DirEntry[str]) -> bool:
    """Whether an entry is a folder (through symlinks); unreadable entries are not."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def _not_regular(path: Path) -> str:
    """Why a supported name in a folder is not read: a bad symlink, a FIFO, a device."""
    if path.is_symlink():
        return "a broken symlink or a symlink loop; it was skipped"
    return "not a regular file (a FIFO, socket or device); it was skipped"


def _is_file(entry: os.DirEntry[str]) -> bool:
    """Whether an entry is a regular file (through symlinks); unreadable entries are not."""
    try:
        return entry.is_file()
    except OSError:
        return False


def _expand(given: Path, errors: list[ReadError] | None) -> Iterator[tuple[Path, str]]:
    """The files one argument stands for, or UsageError when it cannot stand for any."""
    if not given.exists():
        what = "a broken symlink" if given.is_symlink() else "no such file or folder"
        raise UsageError(f"{given}: {what}")
    if given.is_dir():
        yield from _walk(given, errors)
    elif not given.is_file():
        raise UsageError(f"{given}: not a regular file or folder")
    elif not supported(given):
        kind = f"'{given.suffix}'" if given.suffix else "(no suffix)"
        readable = ", ".join(SUFFIXES)
        raise UsageError(f"{given}: unsupported file type {kind}; kg reads {readable}")
    else:
        yield given, printable_name(given.name)


def discover(
    paths: Sequence[Path], *, errors: list[ReadError] | None = None
) -> list[tuple[Path, str]]:
    """Expand files and folders into ``(path, source)`` pairs, sorted by source, no duplicates.

    A file reached twice (named and inside a named folder, or through a symlink) appears
    once, under its smallest source. A missing path, or a named file kg cannot read, raises
    ``UsageError``; a folder's unsupported files are skipped. A folder that cannot be
    listed raises ``ReadError``, or is appended to ``errors`` when a list is given.
    """
    chosen: dict[str, tuple[str, str, Path]] = {}
    for given in paths:
        for path, source in _expand(Path(given), errors):
            real = os.path.realpath(path)
            candidate = (source, str(path), path)
            if real not in chosen or candidate[:2] < chosen[real][:2]:
                chosen[real] = candidate
    return [(path, source) for source, _, path in sorted(chosen.values(), key=lambda c: c[:2])]
