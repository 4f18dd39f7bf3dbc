"""The RDF shape of a resolution: IRIs, entity description, statements with evidence, dates."""

from __future__ import annotations

from decimal import Decimal

from rdflib import RDF, RDFS, XSD, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from kg.model import DateFact, Document, Entity, Evidence, Relation, Sentence
from kg.rdf import slug, to_graph
from kg.resolve import Resolution
from kg.vocab import KGO

BASE = "https://example.org/kg/"


def _resolution() -> tuple[Resolution, Document]:
    text = "Samsung invested in Vietnam. The Hanoi Accord was signed in 2001."
    doc = Document.from_text(text, source="docs/a.txt", title="A")
    s1 = Sentence(doc.sha256, 0, 28, text[0:28])
    s2 = Sentence(doc.sha256, 29, len(text), text[29:])
    ents = {
        "samsung": Entity("samsung", "Samsung", "Company", {"Samsung Group"}, 1, {doc.sha256}),
        "vietnam": Entity("vietnam", "Vietnam", "Country", set(), 1, {doc.sha256}),
        "hanoi accord": Entity(
            "hanoi accord", "Hanoi Accord", "Treaty", set(), 1, {doc.sha256}, start_date="2001"
        ),
    }
    rel = Relation("samsung", "investsIn", "vietnam", Evidence(s1, "verb-invest", 0.8, "invest"))
    date = DateFact("hanoi accord", "startDate", "2001", s2)
    return Resolution(ents, [rel], [date], {("samsung", "vietnam"): 1}), doc


def test_entities_have_label_class_aliases_and_counts() -> None:
    res, doc = _resolution()
    g = to_graph(res, [doc], base=BASE)
    samsung = URIRef(BASE + "entity/samsung")
    assert (samsung, RDF.type, KGO.Company) in g
    assert g.value(samsung, RDFS.label) == Literal("Samsung")
    assert set(g.objects(samsung, SKOS.altLabel)) == {Literal("Samsung Group")}
    assert g.value(samsung, KGO.mentionCount).toPython() == 1
    assert g.value(samsung, KGO.mentionedIn) == URIRef(BASE + f"document/{doc.sha256[:16]}")


def test_relation_has_statement_with_sentence_offsets_and_document() -> None:
    res, doc = _resolution()
    g = to_graph(res, [doc], base=BASE)
    s, o = URIRef(BASE + "entity/samsung"), URIRef(BASE + "entity/vietnam")
    assert (s, KGO.investsIn, o) in g
    (st,) = list(g.subjects(RDF.predicate, KGO.investsIn))
    assert (st, RDF.type, RDF.Statement) in g
    assert g.value(st, RDF.subject) == s and g.value(st, RDF.object) == o
    assert g.value(st, KGO.confidence) == Literal(Decimal("0.8"), datatype=XSD.decimal)
    assert str(g.value(st, KGO.extractor)) == "verb-invest"
    sent = g.value(st, PROV.wasDerivedFrom)
    assert str(g.value(sent, KGO.text)) == "Samsung invested in Vietnam."
    assert (g.value(sent, KGO.charStart).toPython(), g.value(sent, KGO.charEnd).toPython()) == (
        0,
        28,
    )
    document = g.value(sent, KGO.inDocument)
    assert str(g.value(document, KGO.sha256)) == doc.sha256
    assert str(g.value(document, DCTERMS.source)) == "docs/a.txt"


def test_dates_are_gyear_with_their_own_evidence() -> None:
    res, doc = _resolution()
    g = to_graph(res, [doc], base=BASE)
    accord = URIRef(BASE + "entity/hanoi-accord")
    assert g.value(accord, KGO.startDate) == Literal("2001", datatype=XSD.gYear)
    (st,) = list(g.subjects(RDF.predicate, KGO.startDate))
    assert "signed in 2001" in str(g.value(g.value(st, PROV.wasDerivedFrom), KGO.text))


def test_cooccurrence_has_no_statement() -> None:
    res, doc = _resolution()
    g = to_graph(res, [doc], base=BASE)
    assert (
        URIRef(BASE + "entity/samsung"),
        KGO.mentionedWith,
        URIRef(BASE + "entity/vietnam"),
    ) in g
    assert not list(g.subjects(RDF.predicate, KGO.mentionedWith))


def test_min_confidence_filters_typed_relations() -> None:
    res, doc = _resolution()
    g = to_graph(res, [doc], base=BASE, min_confidence=0.9)
    assert not list(g.triples((None, KGO.investsIn, None)))


def test_slugs_are_stable_and_collisions_get_suffixes() -> None:
    assert slug("Korea-US Free Trade Agreement") == "korea-us-free-trade-agreement"
    res, doc = _resolution()
    res.entities["samsung!"] = Entity("samsung!", "Samsung!", "Company", set(), 1, {doc.sha256})
    g = to_graph(res, [doc], base=BASE)
    labels = {
        str(g.value(URIRef(BASE + f"entity/{n}"), RDFS.label)) for n in ("samsung", "samsung-2")
    }
    assert labels == {"Samsung", "Samsung!"}


def test_parts_split_by_document_and_keep_the_union() -> None:
    from kg.rdf import Emitter, document_graph_iri

    res, doc = _resolution()
    g = to_graph(res, [doc], base=BASE)
    parts = Emitter(res, [doc], base=BASE).parts()
    assert list(parts) == [URIRef(BASE + "graph/entities"), document_graph_iri(BASE, doc.sha256)]
    union = set().union(*(set(p) for p in parts.values()))
    assert union == set(g)
    doc_part = parts[document_graph_iri(BASE, doc.sha256)]
    entities_part = parts[URIRef(BASE + "graph/entities")]
    assert len(doc_part) + len(entities_part) == len(g)  # no triple is in two parts
    s, o = URIRef(BASE + "entity/samsung"), URIRef(BASE + "entity/vietnam")
    assert (s, KGO.investsIn, o) in entities_part  # merged: once, whoever states it
    assert (s, RDFS.label, Literal("Samsung")) in entities_part
    (statement,) = [t[0] for t in doc_part if t[1:] == (RDF.predicate, KGO.investsIn)]
    assert (statement, RDF.subject, s) in doc_part  # the document's statement, with evidence
    assert (s, KGO.mentionedIn, URIRef(BASE + f"document/{doc.sha256[:16]}")) in doc_part


def test_fingerprint_changes_exactly_when_the_part_changes() -> None:
    from kg.rdf import Emitter

    res, doc = _resolution()
    before = Emitter(res, [doc], base=BASE)
    same = Emitter(res, [doc], base=BASE)
    assert before.fingerprint(doc) == same.fingerprint(doc)
    other_base = Emitter(res, [doc], base="http://example.org/other/")
    assert other_base.fingerprint(doc) != before.fingerprint(doc)
    stricter = Emitter(res, [doc], base=BASE, min_confidence=0.99)  # drops the relation
    assert stricter.fingerprint(doc) != before.fingerprint(doc)
    assert stricter.document_triples(doc) != before.document_triples(doc)
    # an entity renamed elsewhere changes the minted IRI its facts use here
    res.entities["samsung"] = Entity("samsung", "Samsung Group", "Company", set(), 1, {doc.sha256})
    renamed = Emitter(res, [doc], base=BASE)
    assert renamed.fingerprint(doc) != before.fingerprint(doc)
    assert renamed.document_triples(doc) != before.document_triples(doc)


