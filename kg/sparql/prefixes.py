"""The one prefix table of kg, made from the vocabulary (``kg.vocab.prefixes``).

Every query kg runs may use these prefixes without declaring them, every graph kg writes or
reads binds them, and results show IRIs compactly with them. ``kgr`` is the build's base:
the default one unless a build chose another (``--base``).

This module depends on ``kg.vocab`` and rdflib only, so any layer may use it.

>>> standard_namespaces()["kgo"], standard_namespaces("https://example.org/")["kgr"]
('https://w3id.org/kg/ontology#', 'https://example.org/')
>>> graph = bind_prefixes(Graph(bind_namespaces="none"), "https://example.org/")
>>> str(dict(graph.namespaces())["kgr"])
'https://example.org/'
>>> query_namespaces(graph)["kgr"]
'https://example.org/'
"""

from __future__ import annotations

from rdflib import Graph, Namespace

from kg.vocab import prefixes

#: The prefixes every kg graph and query knows; ``kgr`` is the default base (overridable).
PREFIXES: dict[str, Namespace] = {prefix: Namespace(ns) for prefix, ns in prefixes().items()}


def standard_namespaces(base: str | None = None) -> dict[str, str]:
    """The prefixes every kg query may use without declaring them; ``base`` overrides kgr.

    >>> sorted(standard_namespaces())
    ['dcterms', 'kgo', 'kgr', 'owl', 'prov', 'rdf', 'rdfs', 'schema', 'skos', 'xsd']
    """
    return prefixes() if base is None else prefixes(base)


def query_namespaces(graph: Graph) -> dict[str, str]:
    """The prefixes a query on ``graph`` may use without declaring them.

    The graph's own bindings come first, the standard prefixes override them, except that a
    graph built with its own base keeps its ``kgr``.

    >>> query_namespaces(Graph(bind_namespaces="none"))["kgo"]
    'https://w3id.org/kg/ontology#'
    """
    own = {prefix: str(namespace) for prefix, namespace in graph.namespaces()}
    merged = {**own, **standard_namespaces()}
    if "kgr" in own:
        merged["kgr"] = own["kgr"]
    return merged


def bind_prefixes(graph: Graph, base: str | None = None) -> Graph:
    """Bind the standard kg prefixes on ``graph`` (in place) and return it.

    Each contract namespace gets its contract prefix, replacing whatever the graph bound to
    that prefix before. ``kgr`` is bound to ``base`` when it is given (a new build's graph);
    without ``base`` a graph that already binds ``kgr`` (read from a build with ``--base``)
    keeps it, and any other gets the default base.

    >>> graph = bind_prefixes(Graph(bind_namespaces="none"))
    >>> sorted(prefix for prefix, _ in graph.namespaces())
    ['dcterms', 'kgo', 'kgr', 'owl', 'prov', 'rdf', 'rdfs', 'schema', 'skos', 'xsd']
    >>> _ = graph.bind("kgr", "https://example.org/", override=True, replace=True)
    >>> str(dict(bind_prefixes(graph).namespaces())["kgr"])
    'https://example.org/'
    """
    bound = {prefix for prefix, _ in graph.namespaces()}
    for prefix, namespace in standard_namespaces(base).items():
        if prefix == "kgr" and base is None and prefix in bound:
            continue
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph
