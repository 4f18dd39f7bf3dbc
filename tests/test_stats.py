"""stats(): what a graph holds, counted."""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from kg.stats import GraphStats, format_stats, stats
from kg.vocab import KGO

E = "https://w3id.org/kg/id/entity/"


def test_tiny_graph_counts(tiny_graph: Graph) -> None:
    assert stats(tiny_graph) == GraphStats(
        triples=112,
        documents=2,
        sentences=4,
        entities=5,
        entities_by_class=(("Company", 2), ("Country", 2), ("Treaty", 1)),
        relations=4,
        relations_by_property=(
            ("alliedWith", 1), ("competesWith", 1), ("headquarteredIn", 1), ("investsIn", 1)
        ),
        statements=6,
        dates=1,
        mentioned_with_pairs=1,
    )


def test_entity_with_several_types_counts_once_under_the_most_specific(tiny_graph: Graph) -> None:
    intel = URIRef(E + "intel")
    tiny_graph.add((intel, RDF.type, KGO.Organization))
    tiny_graph.add((intel, RDF.type, KGO.Entity))
    counts = stats(tiny_graph)
    assert counts.entities == 5
    assert dict(counts.entities_by_class)["Company"] == 2
    assert "Organization" not in dict(counts.entities_by_class)


def test_relations_count_asserted_triples_and_pairs_are_unordered(tiny_graph: Graph) -> None:
    samsung = URIRef(E + "samsung-electronics")
    us, korea = URIRef(E + "united-states"), URIRef(E + "south-korea")
    tiny_graph.add((samsung, KGO.investsIn, korea))  # a second investsIn triple
    tiny_graph.add((korea, KGO.mentionedWith, URIRef(E + "intel")))  # the same pair reversed
    tiny_graph.add((us, KGO.mentionedWith, us))  # a self-pair does not count
    counts = stats(tiny_graph)
    assert counts.relations == 5
    assert counts.relations_by_property[0] == ("investsIn", 2)
    assert counts.mentioned_with_pairs == 1


def test_empty_graph() -> None:
    counts = stats(Graph())
    assert (counts.triples, counts.entities, counts.entities_by_class) == (0, 0, ())


def test_format_stats(tiny_graph: Graph) -> None:
    assert format_stats(stats(tiny_graph)) == (
        "triples              112\n"
        "documents              2\n"
        "sentences              4\n"
        "entities               5\n"
        "  Company              2\n"
        "  Country              2\n"
        "  Treaty               1\n"
        "typed relations        4\n"
        "  alliedWith           1\n"
        "  competesWith         1\n"
        "  headquarteredIn      1\n"
        "  investsIn            1\n"
        "statements             6\n"
        "dates                  1\n"
        "mentionedWith pairs    1"
    )
