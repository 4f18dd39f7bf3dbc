"""Ask the graph in plain English, offline: the question becomes SPARQL, the answer cites
the sentences behind it.

The words come from one data file (``kg.ask.vocabulary``); the question is read into
intents (``kg.ask.parse``); the engine resolves names, writes the SPARQL and runs it
through kg's query path, so the same checks as ``kg query`` apply (``kg.ask.engine``).
Nothing is guessed: a question that cannot be mapped gets an answer that says so.

>>> from kg.api import KnowledgeGraph
>>> graph = KnowledgeGraph.from_texts([("n.txt", "Toyota invested in Poland.")]).graph
>>> answer = ask_graph(graph, "Which companies invest in Poland?")
>>> answer.rows, answer.evidence[0].sentence
((('Toyota',),), 'Toyota invested in Poland.')
>>> ask_graph(graph, "Why is the sky blue?").understood
False
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph

from kg.ask.engine import LEAN_QUERIES, Answer, Cells, EvidenceItem, Source, ask

if TYPE_CHECKING:
    import pyoxigraph as ox

    from kg.graphs import GraphSource
    from kg.remote import Endpoint

__all__ = ["Answer", "EvidenceItem", "Source", "ask", "ask_endpoint", "ask_graph",
           "ask_store", "format_answer", "graph_source", "store_source", "endpoint_source",
           "oxigraph_source", "lean_cells", "source_of"]


def source_of(graph: GraphSource) -> Source:
    """Any graph source (``kg.graphs``: a file, a store, an endpoint) to ask."""
    return Source(graph.query)


def graph_source(graph: Graph) -> Source:
    """An rdflib graph in memory as a source (``kg.graphs.memory_source``)."""
    from kg.graphs import memory_source

    return source_of(memory_source(graph))


def store_source(path: Path) -> Source:
    """A kg store folder as a source, queried as ``kg.oxstore.query_store`` queries it.

    The store is opened once and kept while its live generation stays the same (a build
    that replaces it is seen by the next query), and opened again in a forked process.
    """
    from kg.graphs.store import StoreSource

    source = StoreSource(Path(path))
    return Source(source.query,
                  lean=lambda sparql: lean_cells(source.store, sparql, source.namespaces))


def oxigraph_source(store: ox.Store, namespaces: dict[str, str]) -> Source:
    """An open Oxigraph store (what ``kg serve`` holds) as a source."""
    from kg.sparql.oxigraph import query_oxigraph

    return Source(lambda sparql: query_oxigraph(store, sparql, namespaces),
                  lean=lambda sparql: lean_cells(store, sparql, namespaces))


def lean_cells(store: ox.Store, sparql: str, namespaces: dict[str, str]) -> list[Cells]:
    """The rows of one of kg's constant name-reading queries (``kg.ask.engine.LEAN_QUERIES``)
    on an Oxigraph store, each cell its plain string.

    The text is checked by ``kg.sparql.guard.checked_query`` as every query is; rdflib's
    re-parse (``kg.sparql.prepare.prepare``) is skipped because the text is a constant kg wrote
    itself, never user text: anything else is refused here.
    """
    import pyoxigraph as ox

    from kg.errors import QueryError
    from kg.sparql.guard import checked_query
    from kg.sparql.prepare import describe_error

    if sparql not in LEAN_QUERIES:
        raise QueryError("only kg's own name-reading queries run without kg.sparql.prepare")
    sparql = checked_query(sparql)
    try:
        outcome = store.query(sparql, prefixes=namespaces, use_default_graph_as_union=True)
        assert isinstance(outcome, ox.QuerySolutions)
        return [tuple(None if term is None or isinstance(term, ox.BlankNode) else term.value
                      for term in solution) for solution in outcome]
    except Exception as err:  # evaluation errors of any kind: no traceback for the user
        raise QueryError(f"the query failed: {describe_error(err)}") from None


def endpoint_source(endpoint: Endpoint) -> Source:
    """A remote SPARQL endpoint as a source (``kg.graphs.endpoint.EndpointSource``)."""
    from kg.graphs.endpoint import EndpointSource

    return source_of(EndpointSource(endpoint))


def ask_graph(graph: Graph, question: str) -> Answer:
    """Answer ``question`` on an rdflib graph."""
    return ask(graph_source(graph), question)


def ask_store(path: Path, question: str) -> Answer:
    """Answer ``question`` on a kg store folder."""
    return ask(store_source(path), question)


def ask_endpoint(endpoint: Endpoint, question: str) -> Answer:
    """Answer ``question`` on the kg graphs of a SPARQL endpoint."""
    return ask(endpoint_source(endpoint), question)


def format_answer(answer: Answer, *, sparql: bool = False) -> str:
    """The answer as text: what was found, the evidence sentence of each fact, and
    (with ``sparql``) the queries that ran."""
    lines = [answer.text]
    if answer.evidence:
        lines += ["", "Evidence:"]
        for item in answer.evidence:
            lines.append(f"  {item.fact}")
            if item.sentence:
                where = f" ({item.document})" if item.document else ""
                lines.append(f'    "{item.sentence}"{where}')
            else:
                lines.append("    (no supporting sentence recorded)")
    if sparql and answer.sparql:
        lines += ["", "SPARQL:", answer.sparql]
    return "\n".join(lines)
