"""Run a checked query on a pyoxigraph Store, and convert terms between rdflib and pyoxigraph.

:func:`query_oxigraph` is how every query on Oxigraph (a graph file, a store, an rdflib Graph
copied into memory, ``kg ask`` on them) becomes a ``kg.sparql.results.QueryResult``: the text
is checked by ``kg.sparql.guard`` and ``kg.sparql.prepare`` (updates, ``SERVICE`` and ``FROM``
refused), and Oxigraph runs the very text that was checked, on the union of the store's graphs.

>>> store = ox.Store()
>>> store.add(ox.Quad(ox.NamedNode("urn:x"), ox.NamedNode(str(RDF.type)), ox.NamedNode("urn:C")))
>>> query_oxigraph(store, "SELECT ?x { ?x a <urn:C> }", {}).rows
((rdflib.term.URIRef('urn:x'),),)
>>> query_oxigraph(store, "DROP ALL", {})
Traceback (most recent call last):
...
kg.sparql.prepare.UpdateRefused: SPARQL updates are not allowed: kg query is read-only
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from kg.errors import KgError, QueryError, StoreError
from kg.sparql.guard import checked_query
from kg.sparql.prepare import describe_error, prepare
from kg.sparql.results import QueryResult, answer

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


def query_oxigraph(store: ox.Store, sparql: str, namespaces: dict[str, str]) -> QueryResult:
    """Run a read-only query on an open Oxigraph store (the union of its graphs), checked as
    ``kg.sparql.prepare.prepare`` checks it, with ``namespaces`` predeclared."""
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
