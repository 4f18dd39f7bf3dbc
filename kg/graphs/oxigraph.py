"""A graph held by Oxigraph as a graph source.

A graph file (``kg.graphs.file``) and a kg store (``kg.graphs.store``) are both an open
``pyoxigraph.Store`` seen through :class:`OxigraphSource`; queries run on the union of its
graphs through ``kg.sparql.oxigraph.query_oxigraph`` (checked first: updates, ``SERVICE`` and
``FROM`` refused).

>>> import pyoxigraph as ox
>>> store = ox.Store()
>>> seoul = ox.NamedNode("https://w3id.org/kg/id/entity/seoul")
>>> store.add(ox.Quad(seoul, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
...                   ox.NamedNode("https://w3id.org/kg/ontology#City")))
>>> source = OxigraphSource(store, {"kgo": "https://w3id.org/kg/ontology#"})
>>> source.query("ASK { ?x a kgo:City }").boolean
True
>>> len(source.to_rdflib())
1
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import Graph

from kg.graphs.source import VIEW_QUERY, GraphSource

if TYPE_CHECKING:
    import networkx as nx

    from kg.sparql.results import QueryResult

# The SPARQL layer (rdflib's query parser comes with it) is imported where a query runs: a
# store build, which opens this module's stores to write them, never needs it.


def memory_store(graph: Graph) -> ox.Store:
    """An in-memory Oxigraph store holding the triples of an rdflib ``graph``."""
    from kg.sparql.oxigraph import from_rdflib

    store = ox.Store()
    conv = cache(from_rdflib)
    store.bulk_extend(ox.Quad(conv(s), conv(p), conv(o)) for s, p, o in graph)
    return store


class OxigraphSource(GraphSource):
    """An open Oxigraph store (in memory or on disk) as a graph source.

    ``namespaces`` are the prefixes a query may use without declaring them (and that show
    IRIs compactly in results); the default graph is the union of the store's graphs.
    """

    def __init__(self, store: ox.Store, namespaces: dict[str, str], name: str = "graph") -> None:
        self.store = store
        self.namespaces = dict(namespaces)
        self.name = name

    def query(self, sparql: str) -> QueryResult:
        from kg.sparql.oxigraph import query_oxigraph

        return query_oxigraph(self.store, sparql, self.namespaces)

    def to_rdflib(self) -> Graph:
        from kg.sparql.oxigraph import rdflib_graph

        return rdflib_graph(self.store, self.namespaces)

    def view_graph(self) -> Graph:
        from kg.sparql.oxigraph import rdflib_graph

        # a constant query of kg's own: run as it is, without a copy through
        # kg.sparql.results.answer
        triples = self.store.query(VIEW_QUERY, prefixes=self.namespaces,
                                   use_default_graph_as_union=True)
        return rdflib_graph(triples, self.namespaces)

    def view_network(self, *, include_cooccurrence: bool = True) -> nx.MultiDiGraph:
        # SELECTs of plain strings straight from the store: no rdflib Graph, no term copies
        from kg.analysis import build_network
        from kg.graphs.network import oxigraph_rows

        return build_network(oxigraph_rows(self.store, self.namespaces),
                             include_cooccurrence=include_cooccurrence)

    def export(self, path: Path, fmt: str | None = None, *, title: str = "Knowledge graph") -> str:
        from kg.export import format_for, write_atomic

        chosen = format_for(Path(path), fmt)
        if chosen == "nt":  # Oxigraph writes it; kg's N-Triples are its lines, sorted
            write_atomic(Path(path), self.ntriples())
            return chosen
        return super().export(path, chosen, title=title)

    def ntriples(self) -> bytes:
        """The graph (the union of the store's graphs) as N-Triples, lines sorted."""
        buffer = io.BytesIO()
        triples = (ox.Triple(q.subject, q.predicate, q.object) for q in self.store)
        ox.serialize(triples, buffer, ox.RdfFormat.N_TRIPLES)
        lines = sorted(set(line for line in buffer.getvalue().splitlines() if line.strip()))
        return b"\n".join(lines) + b"\n" if lines else b""


class MemorySource(OxigraphSource):
    """An rdflib Graph as a source (see ``kg.graphs.memory_source``)."""

    def __init__(self, graph: Graph) -> None:
        from kg.sparql.prefixes import query_namespaces

        super().__init__(memory_store(graph), query_namespaces(graph))
        self.graph = graph

    def to_rdflib(self) -> Graph:
        return self.graph
