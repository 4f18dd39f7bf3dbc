"""kg's one SPARQL layer, used by ``kg query``, ``kg serve``, ``kg ask`` and the Python API.

- ``kg.sparql.guard``: decides, on the very text an engine will execute, that a query makes
  no outbound request and that its lexical form reads the same to every parser kg uses.
- ``kg.sparql.prepare``: parses a query and says what kind it is; updates are refused.
- ``kg.sparql.prefixes``: the one prefix table (from ``kg.vocab``) and ``bind_prefixes``.
- ``kg.sparql.results``: ``QueryResult`` and every format a result is written in (pyoxigraph's
  own serialisers for SPARQL JSON, XML and TSV).
- ``kg.sparql.oxigraph``: runs a checked query on a pyoxigraph store.
- ``kg.sparql.runner``: the one timeout runner (a forked process per query).

The layer depends on ``kg.errors`` and ``kg.vocab`` only; nothing here imports the graph
sources, the CLI or the server. Importing the package itself loads nothing.
"""
