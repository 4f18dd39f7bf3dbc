"""Run read-only SPARQL queries on an rdflib Graph, and the queries kg ships.

The SPARQL handling itself lives in ``kg.sparql`` (the text check, preparing and classifying
a query, result formats, the prefix table, the timeout runner); this module runs a query on
rdflib's own engine, for a Graph already in memory, and keeps the public names of that
layer importable from here (``kg.query.format_result``, ``kg.query.QueryResult``, …).
Graph files, stores and endpoints are queried through ``kg.graphs`` (on Oxigraph).

The standard prefixes (kgo, kgr, rdf, rdfs, owl, xsd, skos, prov, dcterms, schema) are
predeclared, so a query may omit its PREFIX lines. Updates are refused, and so is anything
that would reach the network (``SERVICE``, ``FROM``): kg works offline.

>>> from rdflib import Graph, Literal, URIRef
>>> from rdflib.namespace import RDF, RDFS
>>> from kg.vocab import KGO
>>> graph = Graph()
>>> seoul = URIRef("https://w3id.org/kg/id/entity/seoul")
>>> _ = graph.add((seoul, RDF.type, KGO.City)).add((seoul, RDFS.label, Literal("Seoul")))
>>> result = run_query(graph, "SELECT ?place ?name WHERE { ?place a kgo:City ; rdfs:label ?name }")
>>> print(format_table(result))
place             name
----------------  -----
kgr:entity/seoul  Seoul
1 row
>>> format_csv(result).splitlines()
['place,name', 'https://w3id.org/kg/id/entity/seoul,Seoul']
>>> run_query(graph, "ASK { ?x a kgo:City }").boolean
True
"""

from __future__ import annotations

import difflib
from importlib import resources

from rdflib import Graph

from kg.errors import KgError, QueryError, UsageError
from kg.sparql.prefixes import PREFIXES, query_namespaces
from kg.sparql.prepare import TOO_DEEP, UPDATE_REFUSED, describe_error, prepare
from kg.sparql.results import (
    FORMATS,
    QueryResult,
    Row,
    answer,
    compact,
    format_csv,
    format_json,
    format_result,
    format_table,
    format_tsv,
    format_turtle,
    format_xml,
)
from kg.sparql.runner import with_timeout

__all__ = [
    "FORMATS", "PREFIXES", "TOO_DEEP", "UPDATE_REFUSED", "QueryResult", "Row", "answer",
    "compact", "describe_error", "format_csv", "format_json", "format_result", "format_table",
    "format_tsv", "format_turtle", "format_xml", "named_queries", "named_query", "prepare",
    "query_namespaces", "run_query", "with_timeout",
]


def run_query(graph: Graph, sparql: str) -> QueryResult:
    """Run a SELECT, ASK, CONSTRUCT or DESCRIBE query on ``graph`` with rdflib's engine
    (never modifying it).

    Rows of a query without ORDER BY are sorted, so the same graph gives the same output.
    Raises ``QueryError`` for a syntax error (with line, column and a caret), an update, a
    ``SERVICE`` or ``FROM`` clause, or a failure while evaluating.
    """
    namespaces = query_namespaces(graph)
    prepared = prepare(sparql, namespaces)
    try:
        outcome = graph.query(prepared)
        if outcome.type == "ASK":
            return answer(prepared, namespaces, boolean=bool(outcome.askAnswer))
        if outcome.type == "SELECT":
            names = tuple(str(var) for var in outcome.vars or ())
            rows: list[Row] = [tuple(row) for row in outcome if isinstance(row, tuple)]
            return answer(prepared, namespaces, names=names, rows=rows)
        return answer(prepared, namespaces, graph=outcome.graph)
    except KgError:
        raise
    except Exception as err:  # evaluation errors of any kind: no traceback for the user
        raise QueryError(f"the query failed: {describe_error(err)}") from None


# --- named queries ---------------------------------------------------------------------------


def named_queries() -> tuple[str, ...]:
    """The names of the queries shipped in ``kg/queries/*.rq``, sorted.

    >>> "entities" in named_queries()
    True
    """
    folder = resources.files("kg").joinpath("queries")
    return tuple(sorted(
        entry.name[: -len(".rq")] for entry in folder.iterdir() if entry.name.endswith(".rq")
    ))


def named_query(name: str) -> str:
    """The SPARQL text of a shipped query; UsageError with suggestions for an unknown name.

    >>> named_query("entitys")
    Traceback (most recent call last):
    ...
    kg.errors.UsageError: no named query 'entitys'; did you mean 'entities'?
    """
    names = named_queries()
    if name not in names:
        close = difflib.get_close_matches(name, names, n=3)
        hint = (
            f"; did you mean {' or '.join(repr(c) for c in close)}?" if close
            else f" (available: {', '.join(names)})"
        )
        raise UsageError(f"no named query {name!r}{hint}")
    return (resources.files("kg") / "queries" / f"{name}.rq").read_text(encoding="utf-8")
