"""why(): the statements, sentences and documents behind facts, found by entity label."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS

from kg.errors import InputError, UsageError
from kg.explain import Explanation, format_explanations, normalize_label, why
from kg.vocab import KGO

KGO_NS = "https://w3id.org/kg/ontology#"
E = "https://w3id.org/kg/id/entity/"
XSD_DECIMAL = URIRef("http://www.w3.org/2001/XMLSchema#decimal")


def triples(facts: list[Explanation]) -> list[tuple[str, str, str]]:
    return [(fact.subject, fact.predicate, fact.object) for fact in facts]


def test_subject_alone_matches_subject_and_object_sides(tiny_graph: Graph) -> None:
    facts = why(tiny_graph, "United States")
    assert triples(facts) == [
        ("United States", "alliedWith", "South Korea"),
        ("Samsung Electronics", "investsIn", "United States"),
        ("Samsung Electronics", "investsIn", "United States"),
    ]
    assert [fact.confidence for fact in facts] == [0.9, 0.85, 0.6]


def test_facts_are_ordered_by_confidence_then_text(tiny_graph: Graph) -> None:
    facts = why(tiny_graph, "Samsung Electronics")
    assert [(fact.predicate, fact.confidence) for fact in facts] == [
        ("investsIn", 0.85), ("competesWith", 0.8), ("headquarteredIn", 0.7), ("investsIn", 0.6)
    ]


def test_equal_confidence_is_ordered_by_sentence_text(tiny_graph: Graph) -> None:
    st = URIRef("https://w3id.org/kg/id/statement/60718293a4b5c6d7")
    sentence = URIRef("https://w3id.org/kg/id/sentence/5cd261e60cebbd8f-76-131")
    for p, o in [(RDF.subject, URIRef(E + "samsung-electronics")), (RDF.predicate, KGO.partOf),
                 (RDF.object, URIRef(E + "south-korea")), (PROV.wasDerivedFrom, sentence),
                 (KGO.confidence, Literal("0.85", datatype=XSD_DECIMAL))]:
        tiny_graph.add((st, p, o))
    facts = why(tiny_graph, "Samsung")
    assert [(f.predicate, f.confidence) for f in facts[:2]] == [
        ("partOf", 0.85), ("investsIn", 0.85)  # "Korean firms…" sorts before "Samsung…"
    ]
    assert facts[0].extractor == "" and facts[0].trigger == ""


def test_an_explanation_carries_its_evidence(tiny_graph: Graph) -> None:
    fact = why(tiny_graph, "Samsung", "investsIn")[0]
    assert fact == Explanation(
        subject="Samsung Electronics",
        predicate="investsIn",
        object="United States",
        confidence=0.85,
        extractor="verb-invest-in",
        trigger="invest",
        sentence="Samsung Electronics will invest $17 billion in a new chip plant in the "
        "United States.",
        document="Chip makers expand abroad",
        source="docs/chips.txt",
        char_start=0,
        char_end=85,
        statement="https://w3id.org/kg/id/statement/0a1b2c3d4e5f6071",
    )


@pytest.mark.parametrize(
    "name", ["Samsung", "samsung", "SAMSUNG ELECTRONICS", "Samsung's", "Samsung’s", "the Samsung"]
)
def test_labels_and_aliases_match_loosely(tiny_graph: Graph, name: str) -> None:
    assert len(why(tiny_graph, name)) == 4


@pytest.mark.parametrize("name", ["US", "America", "the U.S.", "U.S.", "the United States"])
def test_aliases_of_the_united_states(tiny_graph: Graph, name: str) -> None:
    assert len(why(tiny_graph, name)) == 3


def test_canonical_label_beats_another_entitys_alias(tiny_graph: Graph) -> None:
    tiny_graph.add((URIRef("https://w3id.org/kg/id/entity/intel"), URIRef(
        "http://www.w3.org/2004/02/skos/core#altLabel"), Literal("South Korea")))
    assert {fact.subject for fact in why(tiny_graph, "South Korea")} == {
        "Samsung Electronics", "United States"
    }


@pytest.mark.parametrize(
    "predicate", ["investsIn", "investsin", "kgo:investsIn", f"{KGO_NS}investsIn",
                  f"<{KGO_NS}investsIn>"]
)
def test_predicate_forms(tiny_graph: Graph, predicate: str) -> None:
    facts = why(tiny_graph, "Samsung", predicate)
    assert triples(facts) == [("Samsung Electronics", "investsIn", "United States")] * 2
    assert [fact.document for fact in facts] == [
        "Chip makers expand abroad", "The alliance at seventy"
    ]


def test_predicate_direction_matters_for_asymmetric_properties(tiny_graph: Graph) -> None:
    assert why(tiny_graph, "United States", "investsIn") == []
    assert why(tiny_graph, "United States", "investsIn", "Samsung") == []


def test_symmetric_properties_match_either_side(tiny_graph: Graph) -> None:
    expected = [("United States", "alliedWith", "South Korea")]
    assert triples(why(tiny_graph, "South Korea", "alliedWith")) == expected
    assert triples(why(tiny_graph, "South Korea", "alliedWith", "America")) == expected
    assert triples(why(tiny_graph, "Korea", obj="US")) == expected
    assert triples(why(tiny_graph, "Intel", "competesWith", "Samsung")) == [
        ("Samsung Electronics", "competesWith", "Intel")
    ]


def test_by_object(tiny_graph: Graph) -> None:
    assert triples(why(tiny_graph, "Samsung", obj="South Korea")) == [
        ("Samsung Electronics", "headquarteredIn", "South Korea")
    ]
    assert triples(why(tiny_graph, "Intel")) == [("Samsung Electronics", "competesWith", "Intel")]


def test_date_facts_by_literal_object(tiny_graph: Graph) -> None:
    facts = why(tiny_graph, "the Mutual Defense Treaty", "startDate", "1953")
    assert triples(facts) == [("Mutual Defense Treaty", "startDate", "1953")]
    assert facts[0].extractor == "date-in-year" and facts[0].trigger == ""
    assert why(tiny_graph, "Samsung", obj="1953") == []  # a known value, not Samsung's
    with pytest.raises(InputError, match="no entity labelled '1954'"):
        why(tiny_graph, "Mutual Defense Treaty", "startDate", "1954")


def test_unknown_label_suggests_close_ones(tiny_graph: Graph) -> None:
    with pytest.raises(InputError) as caught:
        why(tiny_graph, "Samsnug")
    assert str(caught.value) == "no entity labelled 'Samsnug'; did you mean 'Samsung'?"
    with pytest.raises(InputError, match=r"^no entity labelled 'Zzyzx'$"):
        why(tiny_graph, "Zzyzx")


def test_unknown_object_label(tiny_graph: Graph) -> None:
    with pytest.raises(InputError, match="no entity labelled 'Untied States'; did you mean"):
        why(tiny_graph, "Samsung", "investsIn", "Untied States")


def test_unknown_property_suggests_close_names(tiny_graph: Graph) -> None:
    with pytest.raises(UsageError) as caught:
        why(tiny_graph, "Samsung", "investIn")
    assert str(caught.value) == "unknown property 'investIn'; did you mean 'investsIn'?"
    with pytest.raises(UsageError, match="known: alliedWith, capitalOf"):
        why(tiny_graph, "Samsung", "zzz")
    with pytest.raises(UsageError, match="unknown property"):
        why(tiny_graph, "Samsung", "http://example.org/investsIn")


def test_mentioned_with_has_no_evidence(tiny_graph: Graph) -> None:
    with pytest.raises(UsageError, match="no evidence statements"):
        why(tiny_graph, "Intel", "mentionedWith")


def test_ontology_terms_are_not_entities(tiny_graph: Graph) -> None:
    tiny_graph.add((KGO.Country, RDFS.label, Literal("Country")))
    with pytest.raises(InputError, match="no entity labelled 'country'"):
        why(tiny_graph, "country")


def test_format_explanations(tiny_graph: Graph) -> None:
    text = format_explanations(why(tiny_graph, "Samsung", "investsIn"))
    assert text == (
        "Samsung Electronics —investsIn→ United States (confidence 0.85, rule verb-invest-in)\n"
        '  "Samsung Electronics will invest $17 billion in a new chip plant in the United '
        'States."\n'
        "  — Chip makers expand abroad, chars 0–85\n"
        "\n"
        "Samsung Electronics —investsIn→ United States (confidence 0.6, rule verb-invest-in)\n"
        '  "Korean firms such as Samsung invest heavily in America."\n'
        "  — The alliance at seventy, chars 76–131"
    )


def test_format_without_evidence_details(tiny_graph: Graph) -> None:
    bare = Explanation("A", "relatedTo", "B", None, "", "", "", "", "", None, None, "urn:st")
    assert format_explanations([bare]) == (
        "A —relatedTo→ B\n  (no supporting sentence recorded)\n  — unknown document"
    )
    assert format_explanations([]) == "no supported facts found"


def test_normalize_label() -> None:
    assert normalize_label("The  Korean\nWar") == "korean war"
    assert normalize_label("Samsung's") == "samsung"
