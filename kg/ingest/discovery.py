"""Find the documents to read: files as named, folders searched recursively.

Each file comes with its ``source``, the name stored in the graph, which never depends on
the current working directory: ``<folder name>/<relative posix path>`` for a file found in a
folder, the file name for a file named directly.

Nothing in a folder is passed over in silence: given an ``ignored`` list, ``discover`` adds
an ``InputFile`` for each file of a type kg does not read, each hidden file (a name that
starts with ``.``) and each hidden folder (one entry for the folder: ``.git`` is not searched).

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as tmp:
...     root = Path(tmp, "docs")
...     (root / "sub").mkdir(parents=True)
...     (root / ".git").mkdir()
...     for name in ("b.md", "a.TXT", "sub/c.html", "skip.xlsx", ".hidden.txt"):
...         _ = (root / name).write_text("x")
...     ignored = []
...     [source for _, source in discover([root], ignored=ignored)]
...     [(f.source, f.detail) for f in ignored]
['docs/a.TXT', 'docs/b.md', 'docs/sub/c.html']
[('docs/.git', 'a hidden folder; not searched'), ('docs/.hidden.txt', 'a hidden file'), \
('docs/skip.xlsx', "unsupported type '.xlsx'")]
"""

from __future__ import annotations

import enum
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from kg.errors import InputError, ReadError, UsageError, visible

SUFFIXES: tuple[str, ...] = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx")
"""The file suffixes kg reads (compared case-insensitively)."""


class Outcome(enum.Enum):
    """What became of one input file in a build."""

    READ = "read"
    #: Read, but its text equals another file's: merged into that one (one document).
    DUPLICATE = "duplicate"
    #: Of a type kg reads, but it could not be read (the detail says why).
    UNREADABLE = "unreadable"
    #: Hidden, or of a type kg does not read: not opened.
    IGNORED = "ignored"


@dataclass(frozen=True)
class InputFile:
    """One input file (or hidden folder) and what became of it, for the build report.

    ``detail`` is the reason for an unreadable or ignored file, a note on how a file was
    read ("read as cp1252"), or the path of the file a duplicate was merged into.

    >>> print(InputFile("docs/a.txt", "docs/a.txt", Outcome.READ, "read as cp1252").describe())
    read docs/a.txt: read as cp1252
    >>> print(InputFile("d/b.txt", "d/b.txt", Outcome.DUPLICATE, "d/a.txt").describe())
    duplicate d/b.txt: the same text as d/a.txt; merged into it
    >>> print(InputFile("d/x\\nkg: ok", "", Outcome.UNREADABLE, "the file is empty").describe())
    skipped d/x\\nkg: ok: the file is empty
    """

    path: str
    source: str
    outcome: Outcome
    detail: str = ""
    #: The content hash of a read file's document ("" for the others).
    sha256: str = ""

    @property
    def skipped(self) -> bool:
        """Whether the file gave no document (unreadable or ignored)."""
        return self.outcome in (Outcome.UNREADABLE, Outcome.IGNORED)

    def describe(self) -> str:
        """One report line, safe to print on a terminal (see ``kg.errors.visible``)."""
        name, detail = visible(self.path), visible(self.detail)
        if self.outcome is Outcome.READ:
            return f"read {name}: {detail}" if detail else f"read {name}"
        if self.outcome is Outcome.DUPLICATE:
            return f"duplicate {name}: the same text as {detail}; merged into it"
        return f"skipped {name}: {detail}"


def supported(path: Path) -> bool:
    """Whether kg can read a file with this name.

    >>> supported(Path("a.PDF")), supported(Path("a.xlsx")), supported(Path("README"))
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


def unsupported_type(path: Path) -> str:
    """Why a file is not read, naming its type.

    >>> unsupported_type(Path("sheet.XLSX")), unsupported_type(Path("README"))
    ("unsupported type '.xlsx'", 'unsupported type (no suffix)')
    """
    if not path.suffix:
        return "unsupported type (no suffix)"
    return f"unsupported type '{path.suffix.lower()}'"


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


def _walk(
    folder: Path, errors: list[ReadError] | None, ignored: list[InputFile] | None
) -> Iterator[tuple[Path, str]]:
    """Every supported file under ``folder`` with its source; each real folder once.

    Hidden entries (names starting with ".") and files of other types are not read (and
    listed in ``ignored`` when given); symlinks are followed, but a folder already visited
    through another path (a symlink loop) is not entered again.
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
                if ignored is not None:
                    ignored.append(_hidden(entry, path, source))
            elif _is_dir(entry):
                stack.append((path, source))
            elif supported(path) and _is_file(entry):
                yield path, source
            elif supported(path):  # say so, rather than skip in silence
                if errors is not None:
                    errors.append(ReadError(str(path), _not_regular(path)))
            elif ignored is not None:
                reason = unsupported_type(path)
                ignored.append(InputFile(str(path), source, Outcome.IGNORED, reason))


def _hidden(entry: os.DirEntry[str], path: Path, source: str) -> InputFile:
    """The report entry of a hidden file or folder (a folder is not searched)."""
    what = "a hidden folder; not searched" if _is_dir(entry) else "a hidden file"
    return InputFile(str(path), source, Outcome.IGNORED, what)


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


def _expand(
    given: Path, errors: list[ReadError] | None, ignored: list[InputFile] | None
) -> Iterator[tuple[Path, str]]:
    """The files one argument stands for, or UsageError when it cannot stand for any."""
    name = visible(str(given))
    if not given.exists():
        what = "a broken symlink" if given.is_symlink() else "no such file or folder"
        raise InputError(f"{name}: {what}")
    if given.is_dir():
        yield from _walk(given, errors, ignored)
    elif not given.is_file():
        raise InputError(f"{name}: not a regular file or folder")
    elif not supported(given):
        kind = f"'{visible(given.suffix)}'" if given.suffix else "(no suffix)"
        readable = ", ".join(SUFFIXES)
        raise UsageError(f"{name}: unsupported file type {kind}; kg reads {readable}")
    else:
        yield given, printable_name(given.name)


def discover(
    paths: Sequence[Path],
    *,
    errors: list[ReadError] | None = None,
    ignored: list[InputFile] | None = None,
) -> list[tuple[Path, str]]:
    """Expand files and folders into ``(path, source)`` pairs, sorted by source, no duplicates.

    A file reached twice (named and inside a named folder, or through a symlink) appears
    once, under its smallest source. A missing path, or a named file kg cannot read, raises
    ``UsageError``. A folder's hidden entries and files of other types are not read: when
    ``ignored`` is given, each is added to it once (sorted by source). A folder that cannot
    be listed raises ``ReadError``, or is appended to ``errors`` when a list is given.
    """
    chosen: dict[str, tuple[str, str, Path]] = {}
    passed: list[InputFile] | None = [] if ignored is not None else None
    for given in paths:
        for path, source in _expand(Path(given), errors, passed):
            real = os.path.realpath(path)
            candidate = (source, str(path), path)
            if real not in chosen or candidate[:2] < chosen[real][:2]:
                chosen[real] = candidate
    if ignored is not None and passed:
        ignored.extend(_once(passed))
    return [(path, source) for source, _, path in sorted(chosen.values(), key=lambda c: c[:2])]


def _once(entries: list[InputFile]) -> list[InputFile]:
    """Each ignored entry once (a folder may be walked from two arguments), by source."""
    by_real: dict[str, InputFile] = {}
    for entry in entries:
        real = os.path.realpath(entry.path)
        if real not in by_real or (entry.source, entry.path) < (
            by_real[real].source, by_real[real].path
        ):
            by_real[real] = entry
    return sorted(by_real.values(), key=lambda e: (e.source, e.path))
