"""A remote SPARQL 1.1 endpoint as a graph source: the kg graphs stored there by
``kg build --endpoint`` (see ``kg.remote``), queried over HTTP.

Queries are checked here exactly as for a file or a store before the endpoint sees them;
the default graph is the union of the kg graphs on the endpoint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rdflib import Graph

from kg.graphs.source import GraphSource

if TYPE_CHECKING:
    from kg.remote import Endpoint
    from kg.sparql.results import QueryResult


class EndpointSource(GraphSource):
    """The kg graphs of a remote SPARQL endpoint."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        self.name = endpoint.query_url

    def query(self, sparql: str) -> QueryResult:
        from kg.remote import remote_query

        return remote_query(self.endpoint, sparql)

    def to_rdflib(self) -> Graph:
        from kg.remote import remote_graph

        return remote_graph(self.endpoint)
