"""Shared fixtures: a tiny hand-written graph in exactly the shape ``kg build`` produces."""

from __future__ import annotations

import pytest
from rdflib import Graph

from kg.sparql.prefixes import bind_prefixes

#: Two documents, five entities, four typed relations backed by five statement nodes,
#: one start date (with its own statement node) and one co-occurrence (no statement node).
TINY_TURTLE = """\
@prefix kgo: <https://w3id.org/kg/ontology#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

# --- documents -------------------------------------------------------------------------
<https://w3id.org/kg/id/document/d26369e99a4f5c86> a kgo:Document ;
    dcterms:title "Chip makers expand abroad" ;
    dcterms:source "docs/chips.txt" ;
    dcterms:format "text/plain" ;
    kgo:sha256 "d26369e99a4f5c86410ea62e8424b39f5bb325f24ac0555253f47068d1ae0b23" .

<https://w3id.org/kg/id/document/5cd261e60cebbd8f> a kgo:Document ;
    dcterms:title "The alliance at seventy" ;
    dcterms:source "docs/alliance.md" ;
    dcterms:format "text/markdown" ;
    kgo:sha256 "5cd261e60cebbd8fdd2c31fe707c79b77a5fb99188be04d5288be41d9c512956" .

# --- sentences ---------------------------------------------------------------------------
<https://w3id.org/kg/id/sentence/d26369e99a4f5c86-0-85> a kgo:Sentence ;
    kgo:text
        "Samsung Electronics will invest $17 billion in a new chip plant in the United States." ;
    kgo:inDocument <https://w3id.org/kg/id/document/d26369e99a4f5c86> ;
    kgo:charStart 0 ; kgo:charEnd 85 .

<https://w3id.org/kg/id/sentence/d26369e99a4f5c86-86-162> a kgo:Sentence ;
    kgo:text "The company, based in South Korea, competes with Intel in the memory market." ;
    kgo:inDocument <https://w3id.org/kg/id/document/d26369e99a4f5c86> ;
    kgo:charStart 86 ; kgo:charEnd 162 .

<https://w3id.org/kg/id/sentence/5cd261e60cebbd8f-0-75> a kgo:Sentence ;
    kgo:text "The United States and South Korea signed the Mutual Defense Treaty in 1953." ;
    kgo:inDocument <https://w3id.org/kg/id/document/5cd261e60cebbd8f> ;
    kgo:charStart 0 ; kgo:charEnd 75 .

<https://w3id.org/kg/id/sentence/5cd261e60cebbd8f-76-131> a kgo:Sentence ;
    kgo:text "Korean firms such as Samsung invest heavily in America." ;
    kgo:inDocument <https://w3id.org/kg/id/document/5cd261e60cebbd8f> ;
    kgo:charStart 76 ; kgo:charEnd 131 .

# --- entities ----------------------------------------------------------------------------
<https://w3id.org/kg/id/entity/samsung-electronics> a kgo:Company ;
    rdfs:label "Samsung Electronics" ;
    skos:altLabel "Samsung" ;
    kgo:mentionCount 3 ;
    kgo:mentionedIn <https://w3id.org/kg/id/document/d26369e99a4f5c86>,
        <https://w3id.org/kg/id/document/5cd261e60cebbd8f> .

<https://w3id.org/kg/id/entity/united-states> a kgo:Country ;
    rdfs:label "United States" ;
    skos:altLabel "US", "America", "the U.S." ;
    kgo:mentionCount 3 ;
    kgo:mentionedIn <https://w3id.org/kg/id/document/d26369e99a4f5c86>,
        <https://w3id.org/kg/id/document/5cd261e60cebbd8f> .

<https://w3id.org/kg/id/entity/south-korea> a kgo:Country ;
    rdfs:label "South Korea" ;
    skos:altLabel "ROK", "Korea" ;
    kgo:mentionCount 2 ;
    kgo:mentionedIn <https://w3id.org/kg/id/document/d26369e99a4f5c86>,
        <https://w3id.org/kg/id/document/5cd261e60cebbd8f> .

<https://w3id.org/kg/id/entity/intel> a kgo:Company ;
    rdfs:label "Intel" ;
    kgo:mentionCount 1 ;
    kgo:mentionedIn <https://w3id.org/kg/id/document/d26369e99a4f5c86> .

<https://w3id.org/kg/id/entity/mutual-defense-treaty> a kgo:Treaty ;
    rdfs:label "Mutual Defense Treaty" ;
    kgo:mentionCount 1 ;
    kgo:mentionedIn <https://w3id.org/kg/id/document/5cd261e60cebbd8f> ;
    kgo:startDate "1953"^^xsd:gYear .

# --- asserted typed relations --------------------------------------------------------------
<https://w3id.org/kg/id/entity/samsung-electronics>
    kgo:investsIn <https://w3id.org/kg/id/entity/united-states> ;
    kgo:headquarteredIn <https://w3id.org/kg/id/entity/south-korea> ;
    kgo:competesWith <https://w3id.org/kg/id/entity/intel> .
<https://w3id.org/kg/id/entity/united-states>
    kgo:alliedWith <https://w3id.org/kg/id/entity/south-korea> .

# --- co-occurrence: no statement node ------------------------------------------------------
<https://w3id.org/kg/id/entity/intel>
    kgo:mentionedWith <https://w3id.org/kg/id/entity/south-korea> .

# --- evidence ------------------------------------------------------------------------------
<https://w3id.org/kg/id/statement/0a1b2c3d4e5f6071> a rdf:Statement ;
    rdf:subject <https://w3id.org/kg/id/entity/samsung-electronics> ;
    rdf:predicate kgo:investsIn ;
    rdf:object <https://w3id.org/kg/id/entity/united-states> ;
    prov:wasDerivedFrom <https://w3id.org/kg/id/sentence/d26369e99a4f5c86-0-85> ;
    kgo:confidence "0.85"^^xsd:decimal ;
    kgo:extractor "verb-invest-in" ;
    kgo:trigger "invest" .

<https://w3id.org/kg/id/statement/1b2c3d4e5f607182> a rdf:Statement ;
    rdf:subject <https://w3id.org/kg/id/entity/samsung-electronics> ;
    rdf:predicate kgo:investsIn ;
    rdf:object <https://w3id.org/kg/id/entity/united-states> ;
    prov:wasDerivedFrom <https://w3id.org/kg/id/sentence/5cd261e60cebbd8f-76-131> ;
    kgo:confidence "0.6"^^xsd:decimal ;
    kgo:extractor "verb-invest-in" ;
    kgo:trigger "invest" .

<https://w3id.org/kg/id/statement/2c3d4e5f60718293> a rdf:Statement ;
    rdf:subject <https://w3id.org/kg/id/entity/samsung-electronics> ;
    rdf:predicate kgo:headquarteredIn ;
    rdf:object <https://w3id.org/kg/id/entity/south-korea> ;
    prov:wasDerivedFrom <https://w3id.org/kg/id/sentence/d26369e99a4f5c86-86-162> ;
    kgo:confidence "0.7"^^xsd:decimal ;
    kgo:extractor "appos-based-in" ;
    kgo:trigger "based" .

<https://w3id.org/kg/id/statement/3d4e5f60718293a4> a rdf:Statement ;
    rdf:subject <https://w3id.org/kg/id/entity/samsung-electronics> ;
    rdf:predicate kgo:competesWith ;
    rdf:object <https://w3id.org/kg/id/entity/intel> ;
    prov:wasDerivedFrom <https://w3id.org/kg/id/sentence/d26369e99a4f5c86-86-162> ;
    kgo:confidence "0.8"^^xsd:decimal ;
    kgo:extractor "verb-compete-with" ;
    kgo:trigger "competes" .

<https://w3id.org/kg/id/statement/4e5f60718293a4b5> a rdf:Statement ;
    rdf:subject <https://w3id.org/kg/id/entity/united-states> ;
    rdf:predicate kgo:alliedWith ;
    rdf:object <https://w3id.org/kg/id/entity/south-korea> ;
    prov:wasDerivedFrom <https://w3id.org/kg/id/sentence/5cd261e60cebbd8f-0-75> ;
    kgo:confidence "0.9"^^xsd:decimal ;
    kgo:extractor "treaty-signatories" ;
    kgo:trigger "signed" .

<https://w3id.org/kg/id/statement/5f60718293a4b5c6> a rdf:Statement ;
    rdf:subject <https://w3id.org/kg/id/entity/mutual-defense-treaty> ;
    rdf:predicate kgo:startDate ;
    rdf:object "1953"^^xsd:gYear ;
    prov:wasDerivedFrom <https://w3id.org/kg/id/sentence/5cd261e60cebbd8f-0-75> ;
    kgo:confidence "0.9"^^xsd:decimal ;
    kgo:extractor "date-in-year" .
"""


@pytest.fixture
def tiny_turtle() -> str:
    """The Turtle text of the tiny graph (for tests that need a file)."""
    return TINY_TURTLE


@pytest.fixture
def tiny_graph() -> Graph:
    """A fresh copy of the tiny graph with kg's prefixes bound (tests may modify it)."""
    graph = Graph(bind_namespaces="core")
    graph.parse(data=TINY_TURTLE, format="turtle")
    return bind_prefixes(graph)
