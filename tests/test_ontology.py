"""Tests for ontology/kg.ttl and ontology/shapes.ttl: the vocabulary contract, term by term.

The term lists below are copied from the vocabulary contract (tests never read the design
folder); if the contract changes, change them here too.
"""

from __future__ import annotations

from importlib.resources import files

import pyoxigraph
import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef

from kg import vocab
from kg.ontology_files import ONTOLOGY_IRI, load_graph, read_text
from kg.validate import load_ontology, load_shapes

KGO = Namespace("https://w3id.org/kg/ontology#")
SCHEMA = Namespace("https://schema.org/")
PROV = Namespace("http://www.w3.org/ns/prov#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
SH = Namespace("http://www.w3.org/ns/shacl#")
ONTOLOGY = URIRef(ONTOLOGY_IRI)

#: class -> (contract superclass, schema.org alignment or None), from the contract's table
CLASSES: dict[str, tuple[URIRef, URIRef | None]] = {
    "Country": (KGO.Entity, SCHEMA.Country),
    "Organization": (KGO.Entity, SCHEMA.Organization),
    "Company": (KGO.Organization, SCHEMA.Corporation),
    "GovernmentAgency": (KGO.Organization, SCHEMA.GovernmentOrganization),
    "InternationalOrganization": (KGO.Organization, SCHEMA.Organization),
    "MediaOrganization": (KGO.Organization, SCHEMA.NewsMediaOrganization),
    "ResearchOrganization": (KGO.Organization, SCHEMA.ResearchOrganization),
    "Person": (KGO.Entity, SCHEMA.Person),
    "Place": (KGO.Entity, SCHEMA.Place),
    "City": (KGO.Place, SCHEMA.City),
    "Region": (KGO.Place, SCHEMA.AdministrativeArea),
    "Facility": (KGO.Place, SCHEMA.Place),
    "Treaty": (KGO.Entity, SCHEMA.Legislation),
    "TradeAgreement": (KGO.Treaty, SCHEMA.Legislation),
    "Policy": (KGO.Entity, SCHEMA.Legislation),
    "Event": (KGO.Entity, SCHEMA.Event),
    "War": (KGO.Event, SCHEMA.Event),
    "Product": (KGO.Entity, SCHEMA.Product),
    "WeaponSystem": (KGO.Product, SCHEMA.Product),
    "Sector": (KGO.Entity, SCHEMA.DefinedTerm),
    "Document": (PROV.Entity, SCHEMA.CreativeWork),
    "Sentence": (PROV.Entity, None),
}
ALL_CLASSES = ["Entity", *CLASSES]

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
SYMMETRIC = {"alliedWith", "tradesWith", "cooperatesWith", "competesWith", "mentionedWith"}
TRANSITIVE = {"locatedIn"}
#: datatype properties with the datatypes their values take
DATATYPE_PROPERTIES = {
    "mentionCount": {XSD.integer},
    "startDate": {XSD.gYear, XSD.date},
    "endDate": {XSD.gYear, XSD.date},
    "confidence": {XSD.decimal},
    "extractor": {XSD.string},
    "trigger": {XSD.string},
    "text": {XSD.string},
    "charStart": {XSD.integer},
    "charEnd": {XSD.integer},
    "sha256": {XSD.string},
    # added by kg beyond the contract (allowed: terms may be added, never renamed)
    "fingerprint": {XSD.string},
}
OBJECT_PROPERTIES = [*RELATIONS, "mentionedIn", "inDocument"]
ALL_PROPERTIES = [*OBJECT_PROPERTIES, *DATATYPE_PROPERTIES]


@pytest.fixture(scope="module")
def onto() -> Graph:
    return load_ontology()


def english(graph: Graph, term: URIRef, prop: URIRef) -> list[Literal]:
    return [o for o in graph.objects(term, prop) if isinstance(o, Literal) and o.language == "en"]


def test_ontology_file_is_packaged() -> None:
    path = files("kg.ontology") / "kg.ttl"
    assert path.is_file()
    assert read_text("kg.ttl") == path.read_text(encoding="utf-8")


def test_ontology_header(onto: Graph) -> None:
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in onto
    assert english(onto, ONTOLOGY, RDFS.label)
    comment = " ".join(english(onto, ONTOLOGY, RDFS.comment))
    assert "schema:domainIncludes" in comment and "rdfs:domain" in comment
    assert onto.value(ONTOLOGY, OWL.versionInfo) == Literal("0.1.0")
    assert onto.value(ONTOLOGY, DCTERMS.license) is not None


@pytest.mark.parametrize("name", ALL_CLASSES)
def test_class_is_declared_with_label_and_comment(onto: Graph, name: str) -> None:
    term = KGO[name]
    assert (term, RDF.type, OWL.Class) in onto
    assert len(english(onto, term, RDFS.label)) == 1
    comments = english(onto, term, RDFS.comment)
    assert len(comments) == 1 and "\n" not in comments[0]
    assert (term, RDFS.isDefinedBy, ONTOLOGY) in onto


@pytest.mark.parametrize("name", list(CLASSES))
def test_class_hierarchy_and_alignment(onto: Graph, name: str) -> None:
    parent, schema = CLASSES[name]
    supers = set(onto.objects(KGO[name], RDFS.subClassOf))
    assert parent in supers
    if schema is not None:
        assert schema in supers
    assert supers <= {parent, schema}


def test_entity_is_the_root(onto: Graph) -> None:
    assert set(onto.objects(KGO.Entity, RDFS.subClassOf)) <= {SCHEMA.Thing}
    for name in ("Document", "Sentence"):
        assert (KGO[name], OWL.disjointWith, KGO.Entity) in onto


def test_hierarchy_matches_vocab(onto: Graph) -> None:
    for child, parent in vocab.SUPERCLASS.items():
        assert (KGO[child], RDFS.subClassOf, KGO[parent]) in onto


@pytest.mark.parametrize("name", ALL_PROPERTIES)
def test_property_is_declared_with_label_comment_and_hints(onto: Graph, name: str) -> None:
    term = KGO[name]
    kind = OWL.ObjectProperty if name in OBJECT_PROPERTIES else OWL.DatatypeProperty
    assert (term, RDF.type, kind) in onto
    assert len(english(onto, term, RDFS.label)) == 1
    comments = english(onto, term, RDFS.comment)
    assert len(comments) == 1 and "\n" not in comments[0]
    assert (term, RDFS.isDefinedBy, ONTOLOGY) in onto
    assert set(onto.objects(term, SCHEMA.domainIncludes))
    assert set(onto.objects(term, SCHEMA.rangeIncludes))


@pytest.mark.parametrize("name", list(DATATYPE_PROPERTIES))
def test_datatype_property_ranges(onto: Graph, name: str) -> None:
    assert set(onto.objects(KGO[name], SCHEMA.rangeIncludes)) == DATATYPE_PROPERTIES[name]


def test_object_property_ranges(onto: Graph) -> None:
    assert set(onto.objects(KGO.mentionedIn, SCHEMA.rangeIncludes)) == {KGO.Document}
    assert set(onto.objects(KGO.inDocument, SCHEMA.rangeIncludes)) == {KGO.Document}
    assert set(onto.objects(KGO.capitalOf, SCHEMA.domainIncludes)) == {KGO.City}


def test_symmetric_and_transitive_flags(onto: Graph) -> None:
    symmetric = {
        str(t).removeprefix(str(KGO)) for t in onto.subjects(RDF.type, OWL.SymmetricProperty)
    }
    transitive = {
        str(t).removeprefix(str(KGO)) for t in onto.subjects(RDF.type, OWL.TransitiveProperty)
    }
    assert symmetric == SYMMETRIC == set(vocab.SYMMETRIC_PROPERTIES)
    assert transitive == TRANSITIVE


def test_no_domain_or_range_axioms(onto: Graph) -> None:
    constrained = [s for s, p, _ in onto if p in (RDFS.domain, RDFS.range)]
    assert constrained == []


def test_typed_relations_are_sub_properties_of_related_to(onto: Graph) -> None:
    for name in vocab.RELATION_PROPERTIES:
        if name != "relatedTo":
            assert (KGO[name], RDFS.subPropertyOf, KGO.relatedTo) in onto, name
    assert set(onto.objects(KGO.relatedTo, RDFS.subPropertyOf)) == set()
    assert set(onto.objects(KGO.mentionedWith, RDFS.subPropertyOf)) == set()


def test_schema_alignments_keep_the_direction(onto: Graph) -> None:
    aligned = {
        "memberOf": SCHEMA.memberOf,
        "locatedIn": SCHEMA.containedInPlace,
        "subsidiaryOf": SCHEMA.parentOrganization,
        "headquarteredIn": SCHEMA.location,
        "foundedBy": SCHEMA.founder,
        "startDate": SCHEMA.startDate,
        "endDate": SCHEMA.endDate,
    }
    for name, target in aligned.items():
        assert (KGO[name], RDFS.subPropertyOf, target) in onto, name
    # inverse-direction schema.org terms must not be used
    for name, wrong in (
        ("produces", SCHEMA.manufacturer),
        ("funds", SCHEMA.funder),
        ("subsidiaryOf", SCHEMA.subOrganization),
    ):
        assert (KGO[name], RDFS.subPropertyOf, wrong) not in onto, name
    # and nothing gets pulled into SKOS concepts
    assert not any(
        o == URIRef("http://www.w3.org/2004/02/skos/core#related")
        for o in onto.objects(None, RDFS.subPropertyOf)
    )


def test_every_kgo_term_is_documented_and_in_vocab(onto: Graph) -> None:
    declared = {s for s in onto.subjects() if isinstance(s, URIRef) and s.startswith(str(KGO))}
    expected = {KGO[n] for n in [*ALL_CLASSES, *ALL_PROPERTIES]}
    assert declared == expected
    for term in declared:
        assert english(onto, term, RDFS.label) and english(onto, term, RDFS.comment), term
        # the closed namespace the code uses knows every term
        assert getattr(vocab.KGO, str(term).removeprefix(str(KGO))) == term


def test_every_vocab_term_is_in_the_ontology(onto: Graph) -> None:
    for name in vocab.ENTITY_CLASSES:
        assert (KGO[name], RDF.type, OWL.Class) in onto
    for name in vocab.RELATION_PROPERTIES:
        assert (KGO[name], RDF.type, OWL.ObjectProperty) in onto


@pytest.mark.parametrize("name", ["kg.ttl", "shapes.ttl"])
def test_files_parse_in_pyoxigraph_too(name: str) -> None:
    text = read_text(name)
    quads = list(pyoxigraph.parse(text, format=pyoxigraph.RdfFormat.TURTLE))
    assert len(quads) == len(load_graph(name))


def test_shapes_are_well_formed_shacl() -> None:
    """The shapes graph conforms to the SHACL-for-SHACL shapes (pyshacl's meta validation)."""
    from pyshacl.entrypoints import meta_validate

    conforms, _, text = meta_validate(load_shapes())
    assert conforms, text


def test_shapes_target_every_entity_class() -> None:
    shapes = load_shapes()
    shape = URIRef("https://w3id.org/kg/shapes#EntityShape")
    assert set(shapes.objects(shape, SH.targetClass)) == {KGO[n] for n in vocab.ENTITY_CLASSES}
    typed = {KGO[n] for n in vocab.RELATION_PROPERTIES if n != "mentionedWith"}
    evidence = URIRef("https://w3id.org/kg/shapes#RelationEvidenceShape")
    assert set(shapes.objects(evidence, SH.targetSubjectsOf)) == typed
