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

from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

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


def stats(graph: Graph) -> GraphStats:
    """Count ``graph``'s contents (it is not modified).

    An entity is a node typed with a contract entity class and is counted once, under its
    most specific class. Typed relations are the asserted ``S kgo:P O`` triples of the
    contract's relation properties (``mentionedWith`` is counted apart, as unordered pairs);
    statements are ``rdf:Statement`` nodes; dates are ``kgo:startDate``/``kgo:endDate`` values.
    """
    by_class = Counter(_most_specific(graph, node) for node in _entities(graph))
    by_property = Counter(
        {
            name: count
            for name in RELATION_PROPERTIES
            if (count := _count(graph, URIRef(_KGO + name)))
        }
    )
    pairs = {frozenset((a, b)) for a, b in graph.subject_objects(KGO.mentionedWith) if a != b}
    return GraphStats(
        triples=len(graph),
        documents=len(set(graph.subjects(RDF.type, KGO.Document))),
        sentences=len(set(graph.subjects(RDF.type, KGO.Sentence))),
        entities=sum(by_class.values()),
        entities_by_class=_ranked(by_class),
        relations=sum(by_property.values()),
        relations_by_property=_ranked(by_property),
        statements=len(set(graph.subjects(RDF.type, RDF.Statement))),
        dates=_count(graph, KGO.startDate) + _count(graph, KGO.endDate),
        mentioned_with_pairs=len(pairs),
    )


def _entities(graph: Graph) -> set[Node]:
    classes = {URIRef(_KGO + name) for name in ENTITY_CLASSES}
    return {node for node, cls in graph.subject_objects(RDF.type) if cls in classes}


def _most_specific(graph: Graph, node: Node) -> str:
    """The deepest contract class of ``node`` (alphabetically first among equals)."""
    return most_specific(
        str(cls)[len(_KGO) :]
        for cls in graph.objects(node, RDF.type)
        if str(cls).startswith(_KGO) and str(cls)[len(_KGO) :] in ENTITY_CLASSES
    )


def _count(graph: Graph, prop: URIRef) -> int:
    return sum(1 for _ in graph.triples((None, prop, None)))


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
