"""A graph held by Oxigraph: rdflib/pyoxigraph term conversion and the one query runner.

A graph file (``kg.graphs.file``) and a kg store (``kg.graphs.store``) are both an open
``pyoxigraph.Store`` seen through :class:`OxigraphSource`; queries run on the union of its
graphs, checked first by ``kg.sparql.prepare.prepare`` (updates, ``SERVICE`` and ``FROM`` refused).

>>> import pyoxigraph as ox
>>> store = ox.Store()
>>> seoul = ox.NamedNode("https://w3id.org/kg/id/entity/seoul")
>>> store.add(ox.Quad(seoul, ox.NamedNode(str(RDF.type)),
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
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from kg.errors import KgError, QueryError, StoreError
from kg.graphs.source import VIEW_QUERY, GraphSource
from kg.sparql.guard import checked_query
from kg.sparql.prepare import describe_error, prepare
from kg.sparql.results import QueryResult, answer

if TYPE_CHECKING:
    import networkx as nx

_XSD_STRING = str(XSD.string)
_LANG_STRING = str(RDF.langString)


def to_rdflib(term: Any) -> Node:
    """A pyoxigraph term as the rdflib term kg's own graphs use (plain strings stay plain).

    >>> to_rdflib(ox.Literal("Seoul")), to_rdflib(ox.NamedNode("urn:x"))
    (rdflib.term.Literal('Seoul'), rdflib.term.URIRef('urn:x'))
    """
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise StoreError(f"unsupported term in the store: {term!r}")


def from_rdflib(term: Node) -> Any:
    """An rdflib term as a pyoxigraph term.

    >>> from_rdflib(Literal("1953", datatype=XSD.gYear)).datatype.value
    'http://www.w3.org/2001/XMLSchema#gYear'
    """
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None and str(term.datatype) != _LANG_STRING:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise StoreError(f"cannot store the term {term!r}")


def rdflib_graph(triples: Any, namespaces: dict[str, str]) -> Graph:
    """pyoxigraph triples or quads as an rdflib Graph (graph names dropped) with
    ``namespaces`` bound."""
    graph = Graph(bind_namespaces="core")
    for prefix, namespace in namespaces.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    conv = cache(to_rdflib)  # a graph repeats the same terms over and over
    graph.addN((conv(t.subject), conv(t.predicate), conv(t.object), graph) for t in triples)
    return graph


def memory_store(graph: Graph) -> ox.Store:
    """An in-memory Oxigraph store holding the triples of an rdflib ``graph``."""
    store = ox.Store()
    conv = cache(from_rdflib)
    store.bulk_extend(ox.Quad(conv(s), conv(p), conv(o)) for s, p, o in graph)
    return store


def query_oxigraph(store: ox.Store, sparql: str, namespaces: dict[str, str]) -> QueryResult:
    """Run a read-only query on an open Oxigraph store (the union of its graphs), checked as
    ``kg.sparql.prepare.prepare`` checks it; a ``kg.sparql.results.QueryResult``."""
    sparql = checked_query(sparql)  # Oxigraph runs the very text that was checked
    prepared = prepare(sparql, namespaces)
    try:
        outcome = store.query(sparql, prefixes=namespaces, use_default_graph_as_union=True)
        if isinstance(outcome, ox.QueryBoolean):
            return answer(prepared, namespaces, boolean=bool(outcome))
        if isinstance(outcome, ox.QuerySolutions):
            names = tuple(v.value for v in outcome.variables)
            conv = cache(to_rdflib)
            rows = [
                tuple(None if term is None else conv(term) for term in solution)
                for solution in outcome
            ]
            return answer(prepared, namespaces, names=names, rows=rows)
        return answer(prepared, namespaces, graph=rdflib_graph(outcome, {}))
    except KgError:
        raise
    except Exception as err:  # evaluation errors of any kind: no traceback for the user
        raise QueryError(f"the query failed: {describe_error(err)}") from None


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
        return query_oxigraph(self.store, sparql, self.namespaces)

    def to_rdflib(self) -> Graph:
        return rdflib_graph(self.store, self.namespaces)

    def view_graph(self) -> Graph:
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
