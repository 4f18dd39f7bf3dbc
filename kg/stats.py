"""Count what a kg graph holds: documents, sentences, entities by class, relations, evidence.

>>> from rdflib import Graph, URIRef
>>> from rdflib.namespace import RDF
>>> from kg.vocab import KGO
>>> graph = Graph()
>>> a, b = URIRef("urn:x:a"), URIRef("urn:x:b")
>>> for triple in [(a, RDF.type, KGO.Country), (b, RDF.type, KGO.City),
...                (b, KGO.capitalOf, a), (a, KGO.mentionedWith, b), (b, KGO.mentionedWith, a)]:
...     _ = graph.add(triple)
>>> counts = stats(graph)
>>> counts.entities, counts.entities_by_class, counts.mentioned_with_pairs
(2, (('City', 1), ('Country', 1)), 1)
>>> print(format_stats(counts))
triples              5
documents            0
sentences            0
entities             2
  City               1
  Country            1
typed relations      1
  capitalOf          1
statements           0
dates                0
mentionedWith pairs  1
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rdflib import Graph
from rdflib.namespace import RDF
from rdflib.term import Node

from kg.graphs import GraphSource, memory_source
from kg.vocab import ENTITY_CLASSES, KGO, RELATION_PROPERTIES, most_specific

_KGO = str(KGO._NS)


@dataclass(frozen=True)
class GraphStats:
    """What a graph holds. Per-class and per-property counts are sorted by count, then name."""

    triples: int
    documents: int
    sentences: int
    entities: int
    entities_by_class: tuple[tuple[str, int], ...]
    relations: int
    relations_by_property: tuple[tuple[str, int], ...]
    statements: int
    dates: int
    mentioned_with_pairs: int


def stats(graph: GraphSource | Graph) -> GraphStats:
    """Count the contents of a graph source (or of an rdflib Graph); nothing is modified.

    An entity is a node typed with a contract entity class and is counted once, under its
    most specific class. Typed relations are the asserted ``S kgo:P O`` triples of the
    contract's relation properties (``mentionedWith`` is counted apart, as unordered pairs);
    statements are ``rdf:Statement`` nodes; dates are ``kgo:startDate``/``kgo:endDate`` values.
    """
    source = memory_source(graph) if isinstance(graph, Graph) else graph
    by_class = Counter(
        most_specific(classes) for classes in _entity_classes(source).values()
    )
    per_property = _per_property(source)
    by_property = Counter({name: per_property[name] for name in RELATION_PROPERTIES
                           if per_property.get(name)})
    typed = _typed_nodes(source)
    return GraphStats(
        triples=_number(source, "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o "
                                "{ ?s ?p ?o } }"),
        documents=typed.get(str(KGO.Document), 0),
        sentences=typed.get(str(KGO.Sentence), 0),
        entities=sum(by_class.values()),
        entities_by_class=_ranked(by_class),
        relations=sum(by_property.values()),
        relations_by_property=_ranked(by_property),
        statements=typed.get(str(RDF.Statement), 0),
        dates=per_property.get("startDate", 0) + per_property.get("endDate", 0),
        mentioned_with_pairs=_pairs(source),
    )


def _number(source: GraphSource, sparql: str) -> int:
    rows = source.query(sparql).rows
    value = rows[0][0] if rows else None
    return int(str(value)) if value is not None else 0


def _entity_classes(source: GraphSource) -> dict[Node, list[str]]:
    """Each entity with its contract entity classes."""
    values = " ".join(f"kgo:{name}" for name in sorted(ENTITY_CLASSES))
    classes: dict[Node, list[str]] = {}
    for node, cls in source.query(f"SELECT DISTINCT ?e ?c {{ ?e a ?c VALUES ?c {{ {values} }} }}"
                                  ).rows:
        if node is not None and cls is not None:
            classes.setdefault(node, []).append(str(cls)[len(_KGO):])
    return classes


def _per_property(source: GraphSource) -> dict[str, int]:
    """Distinct triples per kgo property, by local name."""
    result = source.query(
        "SELECT ?p (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o "
        "FILTER(STRSTARTS(STR(?p), STR(kgo:))) } } GROUP BY ?p"
    )
    return {str(p)[len(_KGO):]: int(str(n)) for p, n in result.rows if p is not None}


def _typed_nodes(source: GraphSource) -> dict[str, int]:
    """Distinct nodes per class, for the classes counted apart (documents, sentences,
    statements)."""
    result = source.query(
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) { ?s a ?c "
        "VALUES ?c { kgo:Document kgo:Sentence rdf:Statement } } GROUP BY ?c"
    )
    return {str(c): int(str(n)) for c, n in result.rows if c is not None}


def _pairs(source: GraphSource) -> int:
    """Unordered pairs of distinct nodes linked by ``kgo:mentionedWith``."""
    rows = source.query("SELECT DISTINCT ?a ?b { ?a kgo:mentionedWith ?b FILTER(?a != ?b) }").rows
    return len({frozenset(row) for row in rows})


def _ranked(counts: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def format_stats(counts: GraphStats) -> str:
    """An aligned two-column summary, with per-class and per-property lines indented."""
    rows: list[tuple[str, int]] = [
        ("triples", counts.triples),
        ("documents", counts.documents),
        ("sentences", counts.sentences),
        ("entities", counts.entities),
        *((f"  {name}", n) for name, n in counts.entities_by_class),
        ("typed relations", counts.relations),
        *((f"  {name}", n) for name, n in counts.relations_by_property),
        ("statements", counts.statements),
        ("dates", counts.dates),
        ("mentionedWith pairs", counts.mentioned_with_pairs),
    ]
    label_width = max(len(label) for label, _ in rows) + 2
    number_width = max(len(str(n)) for _, n in rows)
    return "\n".join(f"{label.ljust(label_width)}{n:>{number_width}}" for label, n in rows)
