"""The OWL ontology implements every term of the vocabulary contract, as the contract says."""

from __future__ import annotations

import pyoxigraph
import pytest
from rdflib import OWL, RDF, RDFS, Graph, Namespace, URIRef

from kg.ontology_files import ONTOLOGY_FILE, SHAPES_FILE, load_graph, read_text

KGO = Namespace("https://w3id.org/kg/ontology#")
SCHEMA = Namespace("https://schema.org/")
PROV = Namespace("http://www.w3.org/ns/prov#")

#: The contract's classes: (class, direct kgo superclass or prov:Entity, schema.org alignment).
CLASSES = [
    ("Country", KGO.Entity, SCHEMA.Country),
    ("Organization", KGO.Entity, SCHEMA.Organization),
    ("Company", KGO.Organization, SCHEMA.Corporation),
    ("GovernmentAgency", KGO.Organization, SCHEMA.GovernmentOrganization),
    ("InternationalOrganization", KGO.Organization, SCHEMA.Organization),
    ("MediaOrganization", KGO.Organization, SCHEMA.NewsMediaOrganization),
    ("ResearchOrganization", KGO.Organization, SCHEMA.ResearchOrganization),
    ("Person", KGO.Entity, SCHEMA.Person),
    ("Place", KGO.Entity, SCHEMA.Place),
    ("City", KGO.Place, SCHEMA.City),
    ("Region", KGO.Place, SCHEMA.AdministrativeArea),
    ("Facility", KGO.Place, SCHEMA.Place),
    ("Treaty", KGO.Entity, SCHEMA.Legislation),
    ("TradeAgreement", KGO.Treaty, SCHEMA.Legislation),
    ("Policy", KGO.Entity, SCHEMA.Legislation),
    ("Event", KGO.Entity, SCHEMA.Event),
    ("War", KGO.Event, SCHEMA.Event),
    ("Product", KGO.Entity, SCHEMA.Product),
    ("WeaponSystem", KGO.Product, SCHEMA.Product),
    ("Sector", KGO.Entity, SCHEMA.DefinedTerm),
    ("Document", PROV.Entity, SCHEMA.CreativeWork),
]
RELATIONS = [
    "alliedWith",
    "tradesWith",
    "cooperatesWith",
    "competesWith",
    "opposes",
    "investsIn",
    "operatesIn",
    "headquarteredIn",
    "subsidiaryOf",
    "produces",
    "partyTo",
    "issuedBy",
    "memberOf",
    "participatedIn",
    "leaderOf",
    "locatedIn",
    "capitalOf",
    "deployedIn",
    "partOf",
    "foundedBy",
    "suppliesTo",
    "funds",
    "restricts",
    "relatedTo",
    "mentionedWith",
]
OTHER_PROPERTIES = [
    "mentionCount",
    "mentionedIn",
    "startDate",
    "endDate",
    "confidence",
    "extractor",
    "text",
    "inDocument",
    "charStart",
    "charEnd",
    "sha256",
]
SYMMETRIC = {"alliedWith", "tradesWith", "cooperatesWith", "competesWith", "mentionedWith"}


@pytest.fixture(scope="module")
def onto() -> Graph:
    return load_graph(ONTOLOGY_FILE)


def test_is_an_owl_ontology_with_metadata(onto: Graph) -> None:
    node = URIRef("https://w3id.org/kg/ontology")
    assert (node, RDF.type, OWL.Ontology) in onto
    assert onto.value(node, OWL.versionInfo) is not None
    assert onto.value(node, RDFS.comment) is not None


@pytest.mark.parametrize(("name", "parent", "aligned"), CLASSES)
def test_every_class_has_label_comment_parent_and_alignment(
    onto: Graph, name: str, parent: URIRef, aligned: URIRef
) -> None:
    cls = KGO[name]
    assert (cls, RDF.type, OWL.Class) in onto
    assert onto.value(cls, RDFS.label) is not None and onto.value(cls, RDFS.comment) is not None
    assert (cls, RDFS.subClassOf, parent) in onto
    assert (cls, RDFS.subClassOf, aligned) in onto


def test_sentence_is_a_prov_entity(onto: Graph) -> None:
    assert (KGO.Sentence, RDFS.subClassOf, PROV.Entity) in onto


@pytest.mark.parametrize("name", RELATIONS + OTHER_PROPERTIES)
def test_every_property_has_label_and_comment(onto: Graph, name: str) -> None:
    prop = KGO[name]
    assert any(onto.triples((prop, RDF.type, None))), name
    assert onto.value(prop, RDFS.label) is not None and onto.value(prop, RDFS.comment) is not None


def test_symmetric_and_transitive_flags(onto: Graph) -> None:
    symmetric = {str(p).split("#")[1] for p in onto.subjects(RDF.type, OWL.SymmetricProperty)}
    assert symmetric == SYMMETRIC
    assert {str(p).split("#")[1] for p in onto.subjects(RDF.type, OWL.TransitiveProperty)} == {
        "locatedIn"
    }


def test_domains_and_ranges_are_annotations_not_axioms(onto: Graph) -> None:
    assert not [p for p in onto.subjects(RDFS.domain, None) if str(p).startswith(str(KGO))]
    assert not [p for p in onto.subjects(RDFS.range, None) if str(p).startswith(str(KGO))]
    assert onto.value(KGO.investsIn, SCHEMA.domainIncludes) is not None


def test_files_parse_in_a_second_parser() -> None:
    for name in (ONTOLOGY_FILE, SHAPES_FILE):
        triples = list(pyoxigraph.parse(read_text(name), format=pyoxigraph.RdfFormat.TURTLE))
        assert len(triples) == len(load_graph(name)), name
