"""The one interface every read command goes through: a graph source.

A source is a graph file (``kg.graphs.file``), a kg store folder (``kg.graphs.store``) or a
remote SPARQL endpoint (``kg.graphs.endpoint``). Each answers read-only SPARQL
(:meth:`GraphSource.query`); the other operations are written once here on top of it, and
an implementation overrides one only where its engine does it better.

>>> from kg.graphs import memory_source
>>> from rdflib import Graph, URIRef
>>> from rdflib.namespace import RDF
>>> from kg.vocab import KGO
>>> graph = Graph()
>>> _ = graph.add((URIRef("https://w3id.org/kg/id/entity/seoul"), RDF.type, KGO.City))
>>> source = memory_source(graph)
>>> source.query("SELECT ?x { ?x a kgo:City }").rows[0][0]
rdflib.term.URIRef('https://w3id.org/kg/id/entity/seoul')
>>> len(source.construct("CONSTRUCT { ?x a ?c } WHERE { ?x a ?c }"))
1
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph

from kg.errors import QueryError

if TYPE_CHECKING:
    import networkx as nx

    from kg.graphs.evidence import Statement
    from kg.sparql.results import QueryResult

#: The triples the viewer (``kg.analysis.to_networkx``) reads: all but the few it never
#: looks at (sentence offsets, triggers, document hashes and formats).
VIEW_QUERY = """
CONSTRUCT { ?s ?p ?o } WHERE {
  ?s ?p ?o .
  FILTER(?p NOT IN (kgo:charStart, kgo:charEnd, kgo:trigger, kgo:sha256, dcterms:format))
}
"""


class GraphSource(ABC):
    """Where a graph lives, behind the operations kg's commands need."""

    #: A short name for messages and page titles (a file or folder name, a URL).
    name: str = "graph"

    @abstractmethod
    def query(self, sparql: str) -> QueryResult:
        """Run a read-only SELECT, ASK, CONSTRUCT or DESCRIBE query (``kg.sparql.prepare``
        checks it first); rows of a query without ORDER BY come sorted."""

    def construct(self, sparql: str) -> Graph:
        """The subgraph a CONSTRUCT (or DESCRIBE) query builds, as an rdflib Graph."""
        result = self.query(sparql)
        if result.graph is None:
            raise QueryError("construct() needs a CONSTRUCT or DESCRIBE query")
        return result.graph

    def evidence(
        self, subjects: frozenset[str] | None = None, objects: frozenset[str] | None = None
    ) -> list[Statement]:
        """The statement nodes (with their sentences and documents) of facts whose subject is
        in ``subjects`` or whose object is in ``objects`` (entity IRIs); all when both are None.
        """
        from kg.graphs.evidence import evidence_query, read_statements

        return read_statements(self.construct(evidence_query(subjects, objects)))

    def view_graph(self) -> Graph:
        """The part of the graph the viewer draws, as an rdflib Graph (``VIEW_QUERY``)."""
        return self.construct(VIEW_QUERY)

    def view_network(self, *, include_cooccurrence: bool = True) -> nx.MultiDiGraph:
        """The entities and relations the viewer draws, as ``kg.analysis.to_networkx`` gives
        them for ``view_graph()``."""
        from kg.analysis import build_network, network_rows

        return build_network(network_rows(self.view_graph()),
                             include_cooccurrence=include_cooccurrence)

    def to_rdflib(self) -> Graph:
        """The whole graph as an in-memory rdflib Graph (for pyshacl and API users)."""
        return self.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")

    def export(self, path: Path, fmt: str | None = None, *, title: str = "Knowledge graph") -> str:
        """Write the graph to ``path`` atomically (the suffix picks the format unless ``fmt``
        is given); returns the format used. The viewer page (html) and GraphML are made
        from ``view_network()``, the RDF formats from ``to_rdflib()``."""
        from kg.export import export, format_for, graphml_bytes, write_atomic

        chosen = format_for(Path(path), fmt)
        if chosen == "html":
            from kg.viz.html import ViewOptions, render_networkx

            page = render_networkx(self.view_network(), ViewOptions(title=title))
            write_atomic(Path(path), page.encode("utf-8"))
            return chosen
        if chosen == "graphml":
            write_atomic(Path(path), graphml_bytes(self.view_network()))
            return chosen
        return export(self.to_rdflib(), Path(path), chosen, title=title)
