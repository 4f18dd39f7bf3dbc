r"""The one exception root of kg, and its branches.

Every message says what was wrong and where (a file, a line and column, a query position).

>>> try:
...     raise ReadError("notes.txt", "the file is empty")
... except KgError as err:
...     print(err)
notes.txt: the file is empty

Names and text that come from the input are shown with ``visible``, so a file name cannot
move the cursor, clear the screen or forge a line of a report:

>>> print(ReadError("evil\x1b[2J\nkg: all fine.txt", "the file is empty"))
evil\x1b[2J\nkg: all fine.txt: the file is empty
"""

from __future__ import annotations

import re

#: Characters that act on a terminal instead of showing: C0 controls, DEL, C1 controls and the
#: bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069). Lone
#: surrogates (file-name bytes that are not UTF-8) are escaped as well, since no terminal
#: encoding takes them.
_ACTIVE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {ord("\t"): "\\t", ord("\n"): "\\n", ord("\r"): "\\r"}


def _escape(char: str) -> str:
    """The visible escape of one active character."""
    code = ord(char)
    if code in _NAMED:
        return _NAMED[code]
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, as ``printable_name`` shows it
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, *, keep: str = "") -> str:
    r"""Text safe to print on a terminal: every control character shown as an escape.

    C0 and C1 controls, DEL, bidirectional overrides and isolates, and lone surrogates
    become ``\x1b``, ``\n``, ``\u202e``...; everything else is unchanged. ``keep`` names
    characters to leave as they are (``"\n"`` for a message of several lines).

    >>> visible("a\x1b]0;title\x07b\nc\u202ed\x9b")
    'a\\x1b]0;title\\x07b\\nc\\u202ed\\x9b'
    >>> visible("caf\udce9.txt"), visible("Seoul — 서울.txt")
    ('caf\\xe9.txt', 'Seoul — 서울.txt')
    >>> visible("line one\nline\ttwo\x1b", keep="\n\t")
    'line one\nline\ttwo\\x1b'
    """
    if not _ACTIVE.search(text):
        return text
    return _ACTIVE.sub(lambda m: m.group() if m.group() in keep else _escape(m.group()), text)


class KgError(Exception):
    """The root of every error kg raises on purpose."""


class UsageError(KgError):
    """The user asked for something that cannot be done as asked (bad option, missing path)."""


class InputError(KgError):
    """Something the user named does not exist or cannot be opened: a graph file, a store,
    an input path, a query file, an entity. An input failure (exit 1), not a usage error."""


class ServeError(KgError):
    """``kg serve`` cannot start or go on: the port is taken, the address is not this host's."""


class ReadError(KgError):
    """A document could not be read; carries the path and the reason."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{visible(path)}: {visible(reason)}")
        self.path = path
        self.reason = reason


class GraphParseError(KgError):
    """An RDF file could not be parsed; the message names the file, line and column."""


class QueryError(KgError):
    """A SPARQL query is malformed, not allowed (an update), or failed to run."""


class ExportError(KgError):
    """A graph file could not be written (disk full, permission, unknown format)."""


class ModelError(KgError):
    """The spaCy pipeline asked for is not installed or cannot be loaded."""


class EndpointError(KgError):
    """A remote SPARQL endpoint failed or refused a request; names the URL, status and reply."""


class StoreError(KgError):
    """A kg store folder is damaged, locked by another build, or cannot be written."""
