"""The one exception root of kg, and its branches.

Every message says what was wrong and where (a file, a line and column, a query position).

>>> try:
...     raise ReadError("notes.txt", "the file is empty")
... except KgError as err:
...     print(err)
notes.txt: the file is empty
"""

from __future__ import annotations


class KgError(Exception):
    """The root of every error kg raises on purpose."""


class UsageError(KgError):
    """The user asked for something that cannot be done as asked (bad option, missing path)."""


class ReadError(KgError):
    """A document could not be read; carries the path and the reason."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
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
