"""Where graphs live, behind one interface (``GraphSource``): a graph file (parsed by
Oxigraph into memory), a kg store folder (Oxigraph on disk), a remote SPARQL endpoint, or an
rdflib Graph already in memory. Every read command and the Python API go through it.

>>> from kg.errors import UsageError
>>> open_source()
Traceback (most recent call last):
...
kg.errors.UsageError: no graph given: pass a graph file, --store DIR or --endpoint URL
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph

from kg.errors import UsageError
from kg.graphs.source import GraphSource

if TYPE_CHECKING:
    from kg.remote import Endpoint

__all__ = ["GraphSource", "memory_source", "open_source"]


def open_source(
    graph: str | Path | None = None,
    *,
    store: str | Path | None = None,
    endpoint: Endpoint | None = None,
) -> GraphSource:
    """The source named by a graph file, a store folder or an endpoint (exactly one of them).

    Raises ``UsageError`` when none or more than one is given, and what opening the source
    raises (a missing file, a malformed one, a folder that is no kg store).
    """
    given = [name for name, value in (("a graph file", graph), ("--store DIR", store),
                                      ("--endpoint URL", endpoint)) if value]
    if not given:
        raise UsageError("no graph given: pass a graph file, --store DIR or --endpoint URL")
    if len(given) > 1:
        raise UsageError(f"give either {' or '.join(given)}, not both")
    if endpoint is not None:
        from kg.graphs.endpoint import EndpointSource

        return EndpointSource(endpoint)
    if store:
        from kg.graphs.store import StoreSource

        return StoreSource(Path(store))
    from kg.graphs.file import FileSource

    return FileSource(Path(str(graph)))


def memory_source(graph: Graph) -> GraphSource:
    """An rdflib Graph in memory as a source: copied once into an in-memory Oxigraph store,
    so that queries run on Oxigraph; ``to_rdflib()`` gives ``graph`` itself back."""
    from kg.graphs.oxigraph import MemorySource

    return MemorySource(graph)
