"""kg.analysis: the rdflib -> networkx bridge, GraphML readiness, communities."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph

from kg.analysis import communities, local_name, to_graphml_ready, to_networkx

KGR = "https://w3id.org/kg/id/"
US = KGR + "entity/united-states"
KR = KGR + "entity/south-korea"
SAMSUNG = KGR + "entity/samsung"
FTA = KGR + "entity/korus-fta"
SEOUL = KGR + "entity/seoul"
DOC = KGR + "document/0123456789abcdef"
DOC2 = KGR + "document/fedcba9876543210"

# The shape kg.rdf produces (see .notes/CONTEXT.md), written by hand.
TURTLE = """
@prefix kgo: <https://w3id.org/kg/ontology#> .
@prefix e: <https://w3id.org/kg/id/entity/> .
@prefix st: <https://w3id.org/kg/id/statement/> .
@prefix s: <https://w3id.org/kg/id/sentence/> .
@prefix d: <https://w3id.org/kg/id/document/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

e:united-states a kgo:Country ;
    rdfs:label "United States" ;
    skos:altLabel "US", "America", "the U.S." ;
    kgo:mentionCount 12 ;
    kgo:mentionedIn d:0123456789abcdef, d:fedcba9876543210 .
e:south-korea a kgo:Country ; rdfs:label "South Korea" ; skos:altLabel "ROK" ;
    kgo:mentionCount 9 ; kgo:mentionedIn d:0123456789abcdef .
e:samsung a kgo:Company, kgo:Organization, kgo:Entity ; rdfs:label "Samsung" ;
    kgo:mentionCount 3 ; kgo:mentionedIn d:0123456789abcdef .
e:korus-fta a kgo:TradeAgreement ; rdfs:label "KORUS FTA" ; kgo:mentionCount 2 ;
    kgo:mentionedIn d:fedcba9876543210 ;
    kgo:startDate "2012"^^xsd:gYear .
e:seoul a kgo:City ; rdfs:label "Seoul" ; kgo:mentionCount 1 ;
    kgo:mentionedIn d:0123456789abcdef .

e:samsung kgo:investsIn e:united-states .
e:united-states kgo:alliedWith e:south-korea .
e:united-states kgo:partyTo e:korus-fta .
e:seoul kgo:capitalOf e:south-korea .

st:aaaaaaaaaaaaaaaa a rdf:Statement ;
    rdf:subject e:samsung ; rdf:predicate kgo:investsIn ; rdf:object e:united-states ;
    prov:wasDerivedFrom s:0123456789abcdef-120-245 ;
    kgo:confidence "0.85"^^xsd:decimal ; kgo:extractor "verb-invest-in" ; kgo:trigger "invest" .
st:bbbbbbbbbbbbbbbb a rdf:Statement ;
    rdf:subject e:samsung ; rdf:predicate kgo:investsIn ; rdf:object e:united-states ;
    prov:wasDerivedFrom s:fedcba9876543210-0-50 ;
    kgo:confidence "0.6"^^xsd:decimal ; kgo:extractor "noun-investment" .
# a symmetric relation whose statement was made in the other direction
st:cccccccccccccccc a rdf:Statement ;
    rdf:subject e:south-korea ; rdf:predicate kgo:alliedWith ; rdf:object e:united-states ;
    prov:wasDerivedFrom s:0123456789abcdef-300-400 ;
    kgo:confidence "0.9"^^xsd:decimal ; kgo:extractor "noun-alliance" .
st:dddddddddddddddd a rdf:Statement ;
    rdf:subject e:united-states ; rdf:predicate kgo:partyTo ; rdf:object e:korus-fta ;
    prov:wasDerivedFrom s:fedcba9876543210-0-50 ;
    kgo:confidence "0.7"^^xsd:decimal ; kgo:extractor "signed" .
st:eeeeeeeeeeeeeeee a rdf:Statement ;
    rdf:subject e:seoul ; rdf:predicate kgo:capitalOf ; rdf:object e:south-korea ;
    prov:wasDerivedFrom s:0123456789abcdef-0-40 ;
    kgo:confidence "0.95"^^xsd:decimal ; kgo:extractor "copula-capital" .
# a date fact: its statement must not become an edge
st:ffffffffffffffff a rdf:Statement ;
    rdf:subject e:korus-fta ; rdf:predicate kgo:startDate ; rdf:object "2012"^^xsd:gYear ;
    prov:wasDerivedFrom s:fedcba9876543210-0-50 ;
    kgo:confidence "0.8"^^xsd:decimal ; kgo:extractor "date-in-force" .

s:0123456789abcdef-120-245 a kgo:Sentence ;
    kgo:text "Samsung will invest $17 billion in the United States." ;
    kgo:inDocument d:0123456789abcdef ; kgo:charStart 120 ; kgo:charEnd 245 .
s:0123456789abcdef-300-400 a kgo:Sentence ;
    kgo:text "The alliance between South Korea and the U.S. endures." ;
    kgo:inDocument d:0123456789abcdef ; kgo:charStart 300 ; kgo:charEnd 400 .
s:0123456789abcdef-0-40 a kgo:Sentence ;
    kgo:text "Seoul is the capital of South Korea." ;
    kgo:inDocument d:0123456789abcdef ; kgo:charStart 0 ; kgo:charEnd 40 .
s:fedcba9876543210-0-50 a kgo:Sentence ;
    kgo:text "The U.S. signed the KORUS FTA, which entered into force in 2012." ;
    kgo:inDocument d:fedcba9876543210 ; kgo:charStart 0 ; kgo:charEnd 50 .

d:0123456789abcdef a kgo:Document ; dcterms:title "Alliance" ;
    dcterms:source "docs/a.txt" ; kgo:sha256 "00" ; dcterms:format "text/plain" .
d:fedcba9876543210 a kgo:Document ; dcterms:title "Trade" ;
    dcterms:source "docs/b.md" ; kgo:sha256 "11" ; dcterms:format "text/markdown" .

e:samsung kgo:mentionedWith e:united-states .
e:united-states kgo:mentionedWith e:samsung .
e:seoul kgo:mentionedWith e:south-korea .
"""


@pytest.fixture(scope="module")
def graph() -> Graph:
    return Graph().parse(data=TURTLE, format="turtle")


@pytest.fixture(scope="module")
def nxg(graph: Graph) -> nx.MultiDiGraph:
    return to_networkx(graph)


def test_nodes_are_the_entities_only(nxg: nx.MultiDiGraph) -> None:
    assert sorted(nxg.nodes) == sorted([US, KR, SAMSUNG, FTA, SEOUL])


def test_node_attributes(nxg: nx.MultiDiGraph) -> None:
    us = nxg.nodes[US]
    assert us["label"] == "United States"
    assert us["cls"] == "Country"
    assert us["aliases"] == ("America", "US", "the U.S.")
    assert us["aliases_text"] == "America; US; the U.S."
    assert us["mention_count"] == 12
    assert us["documents"] == (DOC, DOC2)
    assert "start_date" not in us
    assert nxg.nodes[FTA]["start_date"] == "2012"
    assert nxg.nodes[FTA]["cls"] == "TradeAgreement"


def test_most_specific_class_wins(nxg: nx.MultiDiGraph) -> None:
    assert nxg.nodes[SAMSUNG]["cls"] == "Company"


def test_typed_edges_with_evidence(nxg: nx.MultiDiGraph) -> None:
    edge = nxg.edges[SAMSUNG, US, "investsIn"]
    assert edge["predicate"] == "investsIn"
    assert edge["confidence"] == pytest.approx(0.85)
    assert edge["evidence_count"] == 2
    assert edge["evidence"] == [
        {
            "text": "Samsung will invest $17 billion in the United States.",
            "document": DOC,
            "rule": "verb-invest-in",
            "confidence": pytest.approx(0.85),
        },
        {
            "text": "The U.S. signed the KORUS FTA, which entered into force in 2012.",
            "document": DOC2,
            "rule": "noun-investment",
            "confidence": pytest.approx(0.6),
        },
    ]


def test_symmetric_relation_takes_evidence_stated_the_other_way(nxg: nx.MultiDiGraph) -> None:
    edge = nxg.edges[US, KR, "alliedWith"]
    assert edge["evidence_count"] == 1
    assert edge["evidence"][0]["rule"] == "noun-alliance"


def test_date_statements_make_no_edge(nxg: nx.MultiDiGraph) -> None:
    keys = sorted(key for _, _, key in nxg.edges(keys=True))
    assert "startDate" not in keys
    assert keys.count("investsIn") == 1


def test_cooccurrence_edges_optional(graph: Graph, nxg: nx.MultiDiGraph) -> None:
    co = [(u, v) for u, v, key in nxg.edges(keys=True) if key == "mentionedWith"]
    assert sorted(co) == sorted([(SAMSUNG, US), (US, SAMSUNG), (SEOUL, KR)])
    edge = nxg.edges[SEOUL, KR, "mentionedWith"]
    assert edge["predicate"] == "mentionedWith" and edge["evidence_count"] == 0
    assert "confidence" not in edge
    without = to_networkx(graph, include_cooccurrence=False)
    assert all(key != "mentionedWith" for _, _, key in without.edges(keys=True))
    assert without.number_of_edges() == 4
    assert sorted(without.nodes) == sorted(nxg.nodes)


def test_documents_on_the_graph(nxg: nx.MultiDiGraph) -> None:
    assert nxg.graph["documents"] == {
        DOC: {"title": "Alliance", "source": "docs/a.txt"},
        DOC2: {"title": "Trade", "source": "docs/b.md"},
    }


def test_input_graph_unchanged(graph: Graph) -> None:
    before = len(graph)
    to_networkx(graph)
    assert len(graph) == before


def test_untyped_relation_end_becomes_entity_node() -> None:
    g = Graph().parse(
        format="turtle",
        data="""@prefix kgo: <https://w3id.org/kg/ontology#> .
        <urn:a> a kgo:Person ; kgo:leaderOf <urn:b/x> .""",
    )
    nxg = to_networkx(g)
    assert nxg.nodes["urn:b/x"] == {
        "label": "x",
        "cls": "Entity",
        "aliases": (),
        "aliases_text": "",
        "mention_count": 0,
        "documents": (),
    }
    assert nxg.edges["urn:a", "urn:b/x", "leaderOf"]["evidence"] == []
    assert "confidence" not in nxg.edges["urn:a", "urn:b/x", "leaderOf"]


def test_empty_graph() -> None:
    nxg = to_networkx(Graph())
    assert nxg.number_of_nodes() == 0 and nxg.number_of_edges() == 0
    assert communities(nxg) == {}


def test_same_input_same_output(graph: Graph) -> None:
    again = Graph().parse(data=TURTLE, format="turtle")
    a, b = to_networkx(graph), to_networkx(again)
    assert list(a.nodes(data=True)) == list(b.nodes(data=True))
    assert list(a.edges(keys=True, data=True)) == list(b.edges(keys=True, data=True))


def test_graphml_round_trip(nxg: nx.MultiDiGraph, tmp_path: Path) -> None:
    ready = to_graphml_ready(nxg)
    assert isinstance(nxg.nodes[US]["aliases"], tuple)  # the original keeps its types
    path = tmp_path / "g.graphml"
    nx.write_graphml(ready, path)
    back = nx.read_graphml(path)
    assert isinstance(back, nx.MultiDiGraph)
    assert sorted(back.nodes) == sorted(nxg.nodes)
    us = back.nodes[US]
    assert us["label"] == "United States" and us["cls"] == "Country"
    assert us["mention_count"] == 12
    assert json.loads(us["aliases"]) == ["America", "US", "the U.S."]
    edge = back.edges[SAMSUNG, US, "investsIn"]
    assert edge["confidence"] == pytest.approx(0.85)
    assert edge["evidence_count"] == 2
    assert json.loads(edge["evidence"]) == nxg.edges[SAMSUNG, US, "investsIn"]["evidence"]
    assert back.number_of_edges() == nxg.number_of_edges()
    assert json.loads(back.graph["documents"]) == nxg.graph["documents"]


def test_graphml_ready_makes_hostile_text_writable(tmp_path: Path) -> None:
    nxg = nx.MultiDiGraph()
    nxg.add_node("a", label="form\x0cfeed <b>&amp;</b> \u202eRTL", aliases=("x\x00y",), n=None)
    path = tmp_path / "g.graphml"
    nx.write_graphml(to_graphml_ready(nxg), path)
    back = nx.read_graphml(path)
    assert back.nodes["a"]["label"] == "form\ufffdfeed <b>&amp;</b> \u202eRTL"
    assert json.loads(back.nodes["a"]["aliases"]) == ["x\x00y"]  # JSON escapes it: lossless
    assert "n" not in back.nodes["a"]


def test_communities_deterministic_and_complete(nxg: nx.MultiDiGraph) -> None:
    found = communities(nxg)
    assert set(found) == set(nxg.nodes)
    assert found == communities(nxg) == communities(to_networkx(Graph().parse(data=TURTLE)))
    assert sorted(set(found.values())) == list(range(len(set(found.values()))))


def test_communities_split_two_cliques() -> None:
    g = nx.MultiDiGraph()
    left, right = ["a", "b", "c", "d"], ["w", "x", "y", "z"]
    for group in (left, right):
        g.add_edges_from((u, v) for u in group for v in group if u < v)
    g.add_edge("d", "w")
    g.add_node("lonely")
    found = communities(g)
    assert {found[n] for n in left} == {0}
    assert {found[n] for n in right} == {1}
    assert found["lonely"] == 2


def test_local_name() -> None:
    assert local_name("https://w3id.org/kg/ontology#partyTo") == "partyTo"
    assert local_name(US) == "united-states"
