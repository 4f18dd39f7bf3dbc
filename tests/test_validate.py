"""Tests for kg.validate: the packaged SHACL shapes on good and broken graphs."""

from __future__ import annotations

import pytest
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef

from kg.errors import UsageError
from kg.validate import ValidationReport, ValidationResult, load_shapes, validate

# plain Namespaces (not rdflib's closed DefinedNamespaces, which upset doctest collection)
KGO = Namespace("https://w3id.org/kg/ontology#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
PROV = Namespace("http://www.w3.org/ns/prov#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
ENT = Namespace("https://w3id.org/kg/id/entity/")
STMT = Namespace("https://w3id.org/kg/id/statement/")
SENT = Namespace("https://w3id.org/kg/id/sentence/")
DOC = URIRef("https://w3id.org/kg/id/document/0123456789abcdef")
SENTENCE = SENT["0123456789abcdef-0-71"]
STATEMENT = STMT["00000000000000a1"]

# Exactly the shape of the RDF in the project's shared context (kg/rdf.py output).
GOOD = """
@prefix kgo: <https://w3id.org/kg/ontology#> .
@prefix ent: <https://w3id.org/kg/id/entity/> .
@prefix stmt: <https://w3id.org/kg/id/statement/> .
@prefix sent: <https://w3id.org/kg/id/sentence/> .
@prefix doc: <https://w3id.org/kg/id/document/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

ent:united-states a kgo:Country ;
    rdfs:label "United States" ;
    skos:altLabel "US", "America", "the U.S." ;
    kgo:mentionCount 12 ;
    kgo:mentionedIn doc:0123456789abcdef .

ent:samsung a kgo:Company ;
    rdfs:label "Samsung" ;
    kgo:mentionCount 3 ;
    kgo:mentionedIn doc:0123456789abcdef .

ent:south-korea a kgo:Country ;
    rdfs:label "South Korea" ;
    skos:altLabel "ROK" ;
    kgo:mentionCount 7 ;
    kgo:mentionedIn doc:0123456789abcdef .

ent:mutual-defense-treaty a kgo:Treaty ;
    rdfs:label "Mutual Defense Treaty" ;
    kgo:mentionCount 1 ;
    kgo:mentionedIn doc:0123456789abcdef ;
    kgo:startDate "1953"^^xsd:gYear .

ent:samsung kgo:investsIn ent:united-states .
ent:united-states kgo:alliedWith ent:south-korea .
ent:samsung kgo:mentionedWith ent:united-states .

stmt:00000000000000a1 a rdf:Statement ;
    rdf:subject ent:samsung ; rdf:predicate kgo:investsIn ; rdf:object ent:united-states ;
    prov:wasDerivedFrom sent:0123456789abcdef-0-71 ;
    kgo:confidence "0.85"^^xsd:decimal ;
    kgo:extractor "verb-invest-in" ;
    kgo:trigger "invest" .

# A symmetric relation: the statement states the other direction, which is enough.
stmt:00000000000000a2 a rdf:Statement ;
    rdf:subject ent:south-korea ; rdf:predicate kgo:alliedWith ; rdf:object ent:united-states ;
    prov:wasDerivedFrom sent:0123456789abcdef-72-140 ;
    kgo:confidence "0.9"^^xsd:decimal ;
    kgo:extractor "noun-alliance" .

stmt:00000000000000a3 a rdf:Statement ;
    rdf:subject ent:mutual-defense-treaty ; rdf:predicate kgo:startDate ;
    rdf:object "1953"^^xsd:gYear ;
    prov:wasDerivedFrom sent:0123456789abcdef-72-140 ;
    kgo:confidence "0.7"^^xsd:decimal ;
    kgo:extractor "date-signed-in" .

sent:0123456789abcdef-0-71 a kgo:Sentence ;
    kgo:text "Samsung will invest billions of dollars in the United States next year." ;
    kgo:inDocument doc:0123456789abcdef ;
    kgo:charStart 0 ; kgo:charEnd 71 .

sent:0123456789abcdef-72-140 a kgo:Sentence ;
    kgo:text "South Korea and the US signed the Mutual Defense Treaty in 1953." ;
    kgo:inDocument doc:0123456789abcdef ;
    kgo:charStart 72 ; kgo:charEnd 140 .

doc:0123456789abcdef a kgo:Document ;
    dcterms:title "Alliance notes" ;
    dcterms:source "docs/a.txt" ;
    kgo:sha256 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" ;
    dcterms:format "text/plain" .
"""


@pytest.fixture()
def good() -> Graph:
    """The good graph, without the Turtle's prefixes (as kg/rdf.py builds it: kgr: only)."""
    graph = Graph()
    graph += Graph().parse(data=GOOD, format="turtle")
    return graph


def assert_reported(graph: Graph, focus: str, path: str, *words: str) -> ValidationReport:
    """The graph does not conform and one result names the focus, the path and every word."""
    report = validate(graph)
    assert not report.conforms
    matching = [
        r
        for r in report.results
        if r.focus == focus and r.path == path and all(w in r.message for w in words)
    ]
    assert matching, report.text
    assert any(r.line() in report.text.splitlines() for r in matching)
    return report


def test_good_graph_conforms(good: Graph) -> None:
    report = validate(good)
    assert report.conforms, report.text
    assert report.results == ()
    assert report.text == "Conforms: no violations"


def test_validate_does_not_change_the_graph(good: Graph) -> None:
    before = len(good)
    good.remove((ENT.samsung, RDFS.label, None))
    validate(good)
    assert len(good) == before - 1


def test_missing_label(good: Graph) -> None:
    good.remove((ENT.samsung, RDFS.label, None))
    assert_reported(good, "kgr:entity/samsung", "rdfs:label", "no rdfs:label")


def test_two_labels(good: Graph) -> None:
    good.add((ENT.samsung, RDFS.label, Literal("Samsung Electronics")))
    report = assert_reported(good, "kgr:entity/samsung", "rdfs:label", "more than one rdfs:label")
    assert len(report.results) == 1


def test_label_with_language_tag(good: Graph) -> None:
    good.set((ENT.samsung, RDFS.label, Literal("Samsung", lang="en")))
    assert_reported(good, "kgr:entity/samsung", "rdfs:label", "plain string")


def test_relation_endpoint_without_contract_class(good: Graph) -> None:
    good.remove((ENT["south-korea"], RDF.type, None))
    good.add((ENT["south-korea"], RDF.type, KGO.Contry))  # misspelt: not a contract class
    assert_reported(good, "kgr:entity/south-korea", "", "no contract class")


def test_relation_to_unlabelled_node(good: Graph) -> None:
    good.add((ENT.samsung, KGO.mentionedWith, ENT.nobody))
    assert_reported(good, "kgr:entity/nobody", "rdfs:label", "no rdfs:label")


def test_negative_mention_count(good: Graph) -> None:
    good.set((ENT.samsung, KGO.mentionCount, Literal(-1)))
    assert_reported(good, "kgr:entity/samsung", "kgo:mentionCount", "non-negative")


def test_start_date_as_plain_string(good: Graph) -> None:
    good.set((ENT["mutual-defense-treaty"], KGO.startDate, Literal("1953")))
    assert_reported(good, "kgr:entity/mutual-defense-treaty", "kgo:startDate", "xsd:gYear")


def test_start_date_as_xsd_date_conforms(good: Graph) -> None:
    good.set(
        (ENT["mutual-defense-treaty"], KGO.startDate, Literal("1953-10-01", datatype=XSD.date))
    )
    assert validate(good).conforms


def test_confidence_above_one(good: Graph) -> None:
    good.set((STATEMENT, KGO.confidence, Literal("1.5", datatype=XSD.decimal)))
    report = assert_reported(
        good, "kgr:statement/00000000000000a1", "kgo:confidence", "between 0 and 1"
    )
    assert '"1.5"^^xsd:decimal' in report.text


def test_confidence_as_double(good: Graph) -> None:
    good.set((STATEMENT, KGO.confidence, Literal(0.5)))
    assert_reported(good, "kgr:statement/00000000000000a1", "kgo:confidence", "xsd:decimal")


def test_statement_without_sentence(good: Graph) -> None:
    good.remove((STATEMENT, PROV.wasDerivedFrom, None))
    report = assert_reported(
        good, "kgr:statement/00000000000000a1", "prov:wasDerivedFrom", "no prov:wasDerivedFrom"
    )
    # ...and the relation it backed now lacks evidence
    assert any(
        r.focus == "kgr:entity/samsung" and r.path == "kgo:investsIn" for r in report.results
    ), report.text


def test_statement_derived_from_non_sentence(good: Graph) -> None:
    good.set((STATEMENT, PROV.wasDerivedFrom, DOC))
    assert_reported(good, "kgr:statement/00000000000000a1", "prov:wasDerivedFrom", "kgo:Sentence")


def test_statement_without_extractor(good: Graph) -> None:
    good.remove((STATEMENT, KGO.extractor, None))
    assert_reported(good, "kgr:statement/00000000000000a1", "kgo:extractor", "kgo:extractor")


def test_statement_about_a_sentence(good: Graph) -> None:
    good.set((STATEMENT, RDF.subject, SENTENCE))
    assert_reported(good, "kgr:statement/00000000000000a1", "rdf:subject", "must be an entity")


def test_statement_with_unknown_predicate(good: Graph) -> None:
    good.set((STATEMENT, RDF.predicate, KGO.mentionedWith))
    assert_reported(good, "kgr:statement/00000000000000a1", "rdf:predicate", "typed kgo relation")


def test_date_statement_with_entity_object(good: Graph) -> None:
    good.set((STMT["00000000000000a3"], RDF.object, ENT["united-states"]))
    assert_reported(
        good, "kgr:statement/00000000000000a3", "rdf:object", "does not fit its predicate"
    )


def test_document_without_sha256(good: Graph) -> None:
    good.remove((DOC, KGO.sha256, None))
    assert_reported(good, "kgr:document/0123456789abcdef", "kgo:sha256", "kgo:sha256")


def test_document_sha256_uppercase(good: Graph) -> None:
    good.set((DOC, KGO.sha256, Literal("0123456789ABCDEF" * 4)))
    assert_reported(good, "kgr:document/0123456789abcdef", "kgo:sha256", "lowercase hexadecimal")


def test_document_without_title(good: Graph) -> None:
    good.remove((DOC, DCTERMS.title, None))
    assert_reported(good, "kgr:document/0123456789abcdef", "dcterms:title", "dcterms:title")


def test_char_end_before_char_start(good: Graph) -> None:
    good.set((SENTENCE, KGO.charEnd, Literal(0)))
    good.set((SENTENCE, KGO.charStart, Literal(10)))
    assert_reported(
        good,
        "kgr:sentence/0123456789abcdef-0-71",
        "kgo:charStart",
        "charEnd must be greater than kgo:charStart",
    )


def test_char_end_equal_to_char_start(good: Graph) -> None:
    good.set((SENTENCE, KGO.charEnd, Literal(0)))
    assert not validate(good).conforms


def test_sentence_without_document(good: Graph) -> None:
    good.remove((SENTENCE, KGO.inDocument, None))
    assert_reported(good, "kgr:sentence/0123456789abcdef-0-71", "kgo:inDocument", "kgo:inDocument")


def test_relation_without_statement(good: Graph) -> None:
    good.add((ENT.samsung, KGO.operatesIn, ENT["south-korea"]))
    report = assert_reported(good, "kgr:entity/samsung", "kgo:operatesIn", "no evidence")
    assert "kgr:entity/south-korea" in report.text
    assert len(report.results) == 1


def test_relation_with_statement_in_wrong_direction(good: Graph) -> None:
    # investsIn is not symmetric: a statement for O P S is no evidence for S P O
    good.set((STATEMENT, RDF.subject, ENT["united-states"]))
    good.set((STATEMENT, RDF.object, ENT.samsung))
    assert_reported(good, "kgr:entity/samsung", "kgo:investsIn", "no evidence")


def test_mentioned_with_needs_no_statement(good: Graph) -> None:
    good.add((ENT["south-korea"], KGO.mentionedWith, ENT.samsung))
    assert validate(good).conforms


def test_report_is_deterministic_and_sorted(good: Graph) -> None:
    good.remove((ENT.samsung, RDFS.label, None))
    good.remove((DOC, KGO.sha256, None))
    good.set((STATEMENT, KGO.confidence, Literal("1.5", datatype=XSD.decimal)))
    first, second = validate(good), validate(good)
    assert first == second
    assert list(first.results) == sorted(first.results)
    lines = first.text.splitlines()
    assert lines[0] == "Does not conform: 3 violations"
    assert lines[1:] == [r.line() for r in first.results]


def test_base_override_uses_graph_prefixes(good: Graph) -> None:
    other = Graph()
    other.bind("ex", "https://example.org/kg/")
    other.add((URIRef("https://example.org/kg/entity/x"), RDF.type, KGO.Person))
    report = validate(other)
    assert report.results[0].focus == "ex:entity/x"


def test_custom_shapes(good: Graph) -> None:
    shapes = Graph().parse(
        format="turtle",
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix kgo: <https://w3id.org/kg/ontology#> .
        <urn:s> a sh:NodeShape ; sh:targetClass kgo:Country ;
            sh:property [ sh:path kgo:capitalOf ; sh:minCount 1 ] .
    """,
    )
    report = validate(good, shapes=shapes)
    assert not report.conforms
    assert {r.focus for r in report.results} == {
        "kgr:entity/united-states",
        "kgr:entity/south-korea",
    }
    # a shape without sh:message still gets pyshacl's description
    assert all(r.message for r in report.results)


def test_unusable_shapes_raise_usage_error(good: Graph) -> None:
    shapes = Graph().parse(
        format="turtle",
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:s> a sh:NodeShape ; sh:targetNode <urn:x> ;
            sh:property [ sh:path <urn:p> ; sh:minCount "many" ] .
    """,
    )
    with pytest.raises(UsageError, match="shapes graph"):
        validate(good, shapes=shapes)


def test_load_shapes_returns_fresh_graphs() -> None:
    first = load_shapes()
    first.remove((None, None, None))
    assert len(load_shapes()) > 100


def test_result_line_marks_non_violations() -> None:
    result = ValidationResult("kgr:entity/x", "", "odd", severity="Warning", value='"v"')
    assert result.line() == '[Warning] kgr:entity/x: odd (value: "v")'


def test_large_graph_validates(good: Graph) -> None:
    """~10k triples in the contract's shape: every node is checked (no timing assert)."""
    big = Graph()
    big += good
    for i in range(600):
        a, b = ENT[f"org-{i}"], ENT[f"org-{i + 1}"]
        st, se = STMT[f"big{i:013x}"], SENT[f"0123456789abcdef-{i}-{i + 5}"]
        big.add((a, RDF.type, KGO.Company))
        big.add((a, RDFS.label, Literal(f"Org {i}")))
        big.add((a, KGO.mentionCount, Literal(1)))
        big.add((a, KGO.mentionedIn, DOC))
        big.add((a, KGO.suppliesTo, b))
        big.add((a, KGO.mentionedWith, b))
        for p, o in (
            (RDF.type, RDF.Statement),
            (RDF.subject, a),
            (RDF.predicate, KGO.suppliesTo),
            (RDF.object, b),
            (PROV.wasDerivedFrom, se),
            (KGO.confidence, Literal("0.5", datatype=XSD.decimal)),
            (KGO.extractor, Literal("verb-supply")),
        ):
            big.add((st, p, o))
        for p, o in (
            (RDF.type, KGO.Sentence),
            (KGO.text, Literal(f"Org {i} supplies.")),
            (KGO.inDocument, DOC),
            (KGO.charStart, Literal(i)),
            (KGO.charEnd, Literal(i + 5)),
        ):
            big.add((se, p, o))
    # the last one points at an entity that was never described
    report = validate(big)
    assert len(big) > 10_000
    assert not report.conforms
    assert {r.focus for r in report.results} == {"kgr:entity/org-600"}


def test_sparql_constraints_run_once_give_pyshacl_results(good: Graph) -> None:
    """validate() runs SPARQL constraints once per graph; pyshacl, once per node: same results."""
    import pyshacl

    from kg.validate import _namespaces, _results, load_ontology

    good.add((ENT.samsung, KGO.operatesIn, ENT["south-korea"]))
    good.set((STMT["00000000000000a3"], RDF.object, ENT["united-states"]))
    conforms, results, _ = pyshacl.validate(
        good, shacl_graph=load_shapes(), ont_graph=load_ontology(), inference="none"
    )
    expected = tuple(sorted(set(_results(results, _namespaces(good)))))
    report = validate(good)
    assert not conforms and not report.conforms
    assert report.results == expected
    assert [r.path for r in report.results] == ["kgo:operatesIn", "rdf:object"]


def test_other_sparql_constraints_are_left_to_pyshacl(good: Graph) -> None:
    shapes = Graph().parse(
        format="turtle",
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:s> a sh:NodeShape ; sh:targetClass <https://w3id.org/kg/ontology#Country> ;
            sh:sparql [ sh:message "no treaty mentions this country" ; sh:select '''
                SELECT $this WHERE {
                    FILTER NOT EXISTS { ?t <urn:mentions> $this }
                }''' ] .
    """,
    )
    report = validate(good, shapes=shapes)
    assert [r.focus for r in report.results] == [
        "kgr:entity/south-korea",
        "kgr:entity/united-states",
    ]
    assert {r.message for r in report.results} == {"no treaty mentions this country"}


def test_a_source_on_oxigraph_validates_as_pyshacl_does(good: Graph) -> None:
    """Relations with and without evidence, each way round: validate_source (the SPARQL
    constraints on Oxigraph) and validate (on rdflib) give pyshacl's own results."""
    import random

    import pyshacl

    from kg.graphs import memory_source
    from kg.validate import _namespaces, _results, load_ontology, validate_source

    rng = random.Random(4)
    entities = [ENT[f"e{i}"] for i in range(10)]
    sentences = [SENT[f"0123456789abcdef-{i}-{i + 3}"] for i in range(4)]
    for sentence in sentences[::2]:  # the others are not typed kgo:Sentence
        good.add((sentence, RDF.type, KGO.Sentence))
    relations = [KGO.alliedWith, KGO.tradesWith, KGO.investsIn, KGO.locatedIn, KGO.mentionedWith]
    for n in range(120):
        a, b, predicate = rng.choice(entities), rng.choice(entities), rng.choice(relations)
        good.add((a, predicate, b))
        mode = n % 6  # 0: stated, 1: stated the other way, 2: untyped, 3: bad source, 5: none
        if mode == 5:
            continue
        statement = STMT[f"x{n:014x}"]
        subject, obj = (b, a) if mode in (1, 4) else (a, b)
        for p, o in ((RDF.subject, subject), (RDF.predicate, predicate), (RDF.object, obj),
                     (PROV.wasDerivedFrom, sentences[1] if mode == 3 else rng.choice(sentences))):
            good.add((statement, p, o))
        if mode != 2:
            good.add((statement, RDF.type, RDF.Statement))
    conforms, results, _ = pyshacl.validate(
        good, shacl_graph=load_shapes(), ont_graph=load_ontology(), inference="none"
    )
    expected = tuple(sorted(set(_results(results, _namespaces(good)))))
    no_evidence = [r for r in expected if r.message.startswith("relation has no evidence")]
    assert not conforms and len(no_evidence) > 20
    assert {r.path for r in no_evidence} >= {"kgo:alliedWith", "kgo:investsIn"}
    assert validate(good).results == expected
    assert validate_source(memory_source(good)).results == expected
