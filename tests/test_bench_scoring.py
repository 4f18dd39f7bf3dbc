"""The benchmark's scoring functions, on small gold and predicted graphs written here.

Nothing under ../shared is read: every gold document and graph is made in the test.
"""

from __future__ import annotations

import doctest
import sys
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SKOS

from kg.vocab import KGO

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import baseline  # noqa: E402
import quality as q  # noqa: E402

PROV = Namespace("http://www.w3.org/ns/prov#")
E = "http://example.org/entity/"


# ---------------------------------------------------------------------------- helpers


class GraphMaker:
    """Builds a predicted graph in kg's RDF shape, one call per entity or relation."""

    def __init__(self) -> None:
        self.graph = Graph()
        self.n = 0

    def entity(self, key: str, label: str, cls: str, *aliases: str, start: str = "") -> str:
        node = URIRef(E + key)
        self.graph.add((node, RDF.type, KGO[cls]))
        self.graph.add((node, RDFS.label, Literal(label)))
        for alias in aliases:
            self.graph.add((node, SKOS.altLabel, Literal(alias)))
        if start:
            self.graph.add((node, KGO.startDate, Literal(start, datatype=XSD.gYear)))
        return key

    def relation(self, s: str, p: str, o: str, evidence: str | None = "It says so.") -> None:
        subj, obj = URIRef(E + s), URIRef(E + o)
        self.graph.add((subj, KGO[p], obj))
        if evidence is None:
            return
        self.n += 1
        st = URIRef(f"http://example.org/statement/{self.n}")
        sent = URIRef(f"http://example.org/sentence/{self.n}")
        for pred, value in ((RDF.type, RDF.Statement), (RDF.subject, subj),
                            (RDF.predicate, KGO[p]), (RDF.object, obj),
                            (PROV.wasDerivedFrom, sent)):
            self.graph.add((st, pred, value))
        self.graph.add((sent, RDF.type, KGO.Sentence))
        self.graph.add((sent, KGO.text, Literal(evidence)))


def gold_doc(relations: list[dict[str, object]] | None = None, **extra: object) -> q.GoldDoc:
    """A small practice-format gold standard about two countries, a treaty and a company."""
    data: dict[str, object] = {
        "entities": [
            {"label": "United States", "class": "Country", "aliases": ["US", "America"],
             "demonyms": ["American"], "metonyms": ["Washington"]},
            {"label": "Japan", "class": "Country", "aliases": ["Japan"]},
            {"label": "Security Treaty", "class": "Treaty", "aliases": ["the pact"]},
            {"label": "Rapidus", "class": "Company", "aliases": ["Rapidus"]},
            {"label": "Quad", "class": "InternationalOrganization", "aliases": [],
             "alt_classes": ["Organization"]},
        ],
        "relations": relations if relations is not None else [
            {"s": "United States", "p": "alliedWith", "o": "Japan", "core": True,
             "evidence": "The US and Japan are allies."},
            {"s": "Japan", "p": "partyTo", "o": "Security Treaty", "evidence": "Japan signed."},
            {"s": "Rapidus", "p": "headquarteredIn", "o": "Japan", "evidence": "R is in J.",
             "alt": [{"s": "Rapidus", "p": "locatedIn", "o": "Japan"}]},
        ],
        "dates": [{"entity": "Security Treaty", "startDate": "1960", "evidence": "In 1960."}],
        **extra,
    }
    return q.practice_gold(data, "text", "doc.txt")


def score(gold: q.GoldDoc, maker: GraphMaker, **kwargs: object) -> q.Score:
    return q.score_document(gold, maker.graph, **kwargs)  # type: ignore[arg-type]


def all_entities(maker: GraphMaker) -> GraphMaker:
    maker.entity("us", "United States", "Country", "the U.S.")
    maker.entity("jp", "Japan", "Country")
    maker.entity("treaty", "Security Treaty", "Treaty", start="1960")
    maker.entity("rapidus", "Rapidus", "Company")
    maker.entity("quad", "Quad", "Organization")
    return maker


# ---------------------------------------------------------------------------- normalisation


@pytest.mark.parametrize(("text", "key"), [
    ("The United States", "united states"),
    ("the U.S.", "us"),
    ("U.S.", "us"),
    ("Japan's", "japan"),
    ("Japan’s", "japan"),
    ("  Ministry   of Economy ", "ministry of economy"),
    ("Theodore", "theodore"),  # only a whole leading word "the" goes
    ("Mathis", "mathis"),  # a trailing s without an apostrophe stays
])
def test_normalise(text: str, key: str) -> None:
    assert q.normalise(text) == key


def test_entity_matches_by_alias_and_prefers_the_node_named_like_the_gold() -> None:
    maker = GraphMaker()
    maker.entity("a", "US", "Region")
    maker.entity("b", "United States", "Country", "America")
    maker.entity("c", "Washington", "City")  # a metonym: matches no gold entity
    gold = gold_doc()
    pred = q.read_graph(maker.graph)
    matches = q.match_entities(gold.entities, pred)
    assert matches["United States"] == (E + "b", E + "a")
    assert matches["Japan"] == ()
    result = q.score_entities(gold, pred, matches)
    assert result.counts["typed_ok"] == 1  # the primary node b is a Country
    assert result.counts["spurious_entities"] == 0  # Washington is neutral, not a false positive


# ---------------------------------------------------------------------------- typing


def test_typing_accepts_subclasses_and_alt_classes_only() -> None:
    maker = GraphMaker()
    maker.entity("us", "United States", "Country")
    maker.entity("jp", "Japan", "City")  # wrong: City is not a Country
    maker.entity("treaty", "Security Treaty", "TradeAgreement")  # subclass of Treaty: right
    maker.entity("rapidus", "Rapidus", "Organization")  # more general than Company: wrong
    maker.entity("quad", "Quad", "Organization")  # an alt class: right
    result = score(gold_doc(), maker)
    assert result.counts["entities_found"] == 5
    assert result.counts["typed_ok"] == 3
    assert q.figures(result)["typing"] == pytest.approx(0.6)
    assert result.classes[("Country", "fn")] == 1 and result.classes[("City", "fp")] == 1
    assert result.classes[("Company", "fn")] == 1
    mistyped = result.errors["mistyped entities"]
    assert any("Japan" in line and "City" in line for line in mistyped)
    assert any("Rapidus" in line for line in mistyped)


def test_missed_and_spurious_entities() -> None:
    maker = GraphMaker()
    maker.entity("us", "America", "Country")
    maker.entity("x", "Outlook", "Organization")
    result = score(gold_doc(), maker)
    assert result.counts["entities"] == 5 and result.counts["entities_found"] == 1
    assert q.figures(result)["entity_recall"] == pytest.approx(0.2)
    assert result.counts["spurious_entities"] == 1
    assert result.classes[("Organization", "fp")] == 1
    assert len(result.errors["missed entities"]) == 4


# ---------------------------------------------------------------------------- relations


def test_symmetric_property_counts_in_either_direction() -> None:
    maker = all_entities(GraphMaker())
    maker.relation("jp", "alliedWith", "us")  # gold says United States alliedWith Japan
    result = score(gold_doc(), maker)
    assert result.properties[("alliedWith", "found")] == 1
    assert result.counts["core_found"] == 1 and result.counts["core"] == 1
    assert result.properties[("alliedWith", "right")] == 1


def test_asymmetric_property_needs_the_gold_direction() -> None:
    maker = all_entities(GraphMaker())
    maker.relation("treaty", "partyTo", "jp")
    result = score(gold_doc(), maker)
    assert result.properties[("partyTo", "missed")] == 1
    assert result.properties[("partyTo", "wrong")] == 1
    assert any("Security Treaty partyTo Japan" in line
               for line in result.errors["wrong relations"])


def test_alt_encoding_counts_for_recall_and_precision() -> None:
    maker = all_entities(GraphMaker())
    maker.relation("rapidus", "locatedIn", "jp")
    result = score(gold_doc(), maker)
    assert result.properties[("headquarteredIn", "found")] == 1
    assert result.properties[("locatedIn", "right")] == 1
    assert result.counts["relations_found"] == 1 and result.counts["relations"] == 3


def test_relation_found_through_an_alias_node() -> None:
    maker = all_entities(GraphMaker())
    maker.entity("us2", "America", "Country")  # a duplicate node, matched by alias
    maker.relation("us2", "alliedWith", "jp")
    assert score(gold_doc(), maker).properties[("alliedWith", "found")] == 1


def test_negative_relation_is_an_error() -> None:
    gold = gold_doc(negative_relations=[{"s": "Japan", "p": "opposes", "o": "United States"}])
    maker = all_entities(GraphMaker())
    maker.relation("jp", "opposes", "us")
    result = score(gold, maker)
    assert result.counts["judged"] == 1 and result.counts["judged_right"] == 0
    assert result.counts["negatives_extracted"] == 1
    assert "[NEGATIVE]" in result.errors["wrong relations"][0]


def test_optional_relation_neither_rewards_nor_penalises() -> None:
    gold = gold_doc(optional_relations=[{"s": "Japan", "p": "cooperatesWith",
                                         "o": "United States"}])
    maker = all_entities(GraphMaker())
    maker.relation("us", "cooperatesWith", "jp")  # symmetric: matches the optional reading
    result = score(gold, maker)
    assert result.counts["judged"] == 0
    assert q.figures(result)["typed_precision"] is None


def test_precision_only_on_relations_whose_both_ends_are_gold() -> None:
    maker = all_entities(GraphMaker())
    maker.entity("x", "Toyota", "Company")  # not in the gold
    maker.relation("x", "investsIn", "rapidus")  # one end unknown: not judged
    maker.relation("rapidus", "relatedTo", "jp")  # untyped: not judged
    maker.relation("rapidus", "headquarteredIn", "jp")  # right
    maker.relation("rapidus", "operatesIn", "us")  # both ends gold, not in gold: wrong
    result = score(gold_doc(), maker)
    assert result.counts["judged"] == 2 and result.counts["judged_right"] == 1
    assert q.figures(result)["typed_precision"] == pytest.approx(0.5)
    assert result.properties[("operatesIn", "wrong")] == 1
    wrong = result.errors["wrong relations"]
    assert len(wrong) == 1 and "Rapidus operatesIn United States" in wrong[0]
    assert "It says so." in wrong[0]  # the kg evidence sentence is shown


def test_judged_properties_can_be_restricted() -> None:
    maker = all_entities(GraphMaker())
    maker.relation("rapidus", "operatesIn", "us")
    result = score(gold_doc(), maker, judged=frozenset({"locatedIn"}))
    assert result.counts["judged"] == 0


def test_linked_pairs_count_any_property() -> None:
    maker = all_entities(GraphMaker())
    maker.relation("jp", "relatedTo", "treaty")
    result = score(gold_doc(), maker)
    assert result.counts["relations_found"] == 0 and result.counts["pairs_linked"] == 1


# ---------------------------------------------------------------------------- dates, evidence


def test_start_year_is_compared_by_year() -> None:
    maker = all_entities(GraphMaker())
    result = score(gold_doc(), maker)
    assert result.counts["dates_right"] == 1 and result.properties[("startDate", "right")] == 1
    wrong = GraphMaker()
    wrong.entity("treaty", "Security Treaty", "Treaty", start="1961")
    result = score(gold_doc(), wrong)
    assert result.counts["dates_right"] == 0 and result.properties[("startDate", "wrong")] == 1
    assert "1961" in result.errors["missed dates"][0]


def test_evidence_share_needs_a_statement_with_sentence_text() -> None:
    maker = all_entities(GraphMaker())
    maker.relation("jp", "alliedWith", "us")
    maker.relation("jp", "partyTo", "treaty", evidence=None)
    maker.relation("rapidus", "locatedIn", "jp", evidence="")  # a sentence without text
    result = score(gold_doc(), maker)
    assert result.counts["asserted"] == 3 and result.counts["with_evidence"] == 1


def test_read_graph_ignores_co_occurrence_and_untyped_nodes() -> None:
    maker = all_entities(GraphMaker())
    maker.graph.add((URIRef(E + "jp"), KGO.mentionedWith, URIRef(E + "us")))
    maker.graph.add((URIRef(E + "noise"), RDFS.label, Literal("noise")))
    maker.graph.add((URIRef(E + "jp"), RDF.type, KGO.Entity))
    pred = q.read_graph(maker.graph)
    assert pred.relations == ()
    assert E + "noise" not in pred.entities
    assert pred.entities[E + "jp"].cls == "Country"  # the most specific of its classes
    assert pred.entities[E + "treaty"].start_years == frozenset({"1960"})


def test_scores_add_up_over_documents() -> None:
    maker = all_entities(GraphMaker())
    maker.relation("jp", "alliedWith", "us")
    one = score(gold_doc(), maker)
    two = one.add(one)
    assert two.counts["relations"] == 6 and two.counts["relations_found"] == 2
    assert len(two.errors["missed relations"]) == 2 * len(one.errors["missed relations"])
    assert q.figures(two)["relation_recall"] == q.figures(one)["relation_recall"]


# ---------------------------------------------------------------------------- Re-DocRED


@pytest.mark.parametrize(("pid", "expected"), [
    ("P131", ("H", "locatedIn", "T")),
    ("P276", ("H", "locatedIn", "T")),
    ("P159", ("H", "headquarteredIn", "T")),
    ("P463", ("H", "memberOf", "T")),
    ("P355", ("T", "subsidiaryOf", "H")),
    ("P749", ("H", "subsidiaryOf", "T")),
    ("P127", ("H", "subsidiaryOf", "T")),
    ("P1344", ("H", "participatedIn", "T")),
    ("P710", ("T", "participatedIn", "H")),
    ("P607", ("H", "participatedIn", "T")),
    ("P36", ("T", "capitalOf", "H")),
    ("P1376", ("H", "capitalOf", "T")),
    ("P6", ("T", "leaderOf", "H")),
    ("P35", ("T", "leaderOf", "H")),
    ("P488", ("T", "leaderOf", "H")),
    ("P176", ("T", "produces", "H")),
    ("P1001", ("H", "issuedBy", "T")),
])
def test_redocred_mapping_and_direction(pid: str, expected: q.Triple) -> None:
    assert q.redocred_mapping(pid, "H", "T")[0] == expected


def test_redocred_jurisdiction_accepts_either_reading() -> None:
    assert q.redocred_mapping("P1001", "Act", "Spain") == (
        ("Act", "issuedBy", "Spain"), ("Spain", "partyTo", "Act"))
    assert q.redocred_mapping("P17", "Tokyo", "Japan") == ()


def redocred_record() -> dict[str, object]:
    def ent(name: str, kind: str, *mentions: str) -> dict[str, object]:
        return {"name": name, "type": kind, "mentions": list(mentions or [name])}

    def rel(head: str, pid: str, tail: str, evidence: list[int] | None = None) -> dict[str, object]:
        return {"head": head, "relation_id": pid, "tail": tail, "evidence": evidence or []}

    return {
        "id": "redocred-dev-999",
        "text": "Airbus makes the A320. Airbus Defence belongs to Airbus.",
        "sentences": ["Airbus makes the A320.", "Airbus Defence belongs to Airbus."],
        "entities": [
            ent("Airbus", "ORG", "Airbus", "Airbus SE"),
            ent("Airbus Defence", "ORG"),
            ent("A320", "MISC"),
            ent("Gulf War", "MISC"),
            ent("France", "LOC", "France", "French"),
            ent("Jane Doe", "PER"),
            ent("1970", "TIME"),
            ent("Toulouse", "LOC"),
            ent("Treaty of Nice", "MISC"),
        ],
        "relations": [
            rel("Airbus", "P355", "Airbus Defence", [1]),
            rel("Airbus Defence", "P749", "Airbus", [1]),  # the inverse: scored once
            rel("A320", "P176", "Airbus", [0]),
            rel("Gulf War", "P710", "France"),
            rel("France", "P1344", "Gulf War"),  # the inverse: scored once
            rel("Airbus", "P571", "1970"),
            rel("Airbus", "P17", "France"),  # optional reading only
            rel("Jane Doe", "P1001", "France"),  # a person's jurisdiction: not mapped
            rel("Treaty of Nice", "P1001", "France"),
            rel("Airbus", "P159", "Toulouse"),
            rel("Jane Doe", "P569", "1970"),  # unmapped
        ],
    }


def test_redocred_gold_maps_dedups_and_keeps_dates() -> None:
    gold = q.redocred_gold(redocred_record())
    assert [e.label for e in gold.entities if e.kind == "TIME"] == []
    triples = {(r.s, r.p, r.o) for r in gold.relations}
    assert triples == {
        ("Airbus Defence", "subsidiaryOf", "Airbus"),
        ("Airbus", "produces", "A320"),
        ("France", "participatedIn", "Gulf War"),
        ("Treaty of Nice", "issuedBy", "France"),
        ("Airbus", "headquarteredIn", "Toulouse"),
    }
    treaty = next(r for r in gold.relations if r.s == "Treaty of Nice")
    assert treaty.alts == (("France", "partyTo", "Treaty of Nice"),)
    subsidiary = next(r for r in gold.relations if r.p == "subsidiaryOf")
    assert subsidiary.evidence == "Airbus Defence belongs to Airbus."
    assert ("Airbus", "locatedIn", "France") in gold.optional
    assert ("Airbus", "locatedIn", "Toulouse") in gold.optional
    assert gold.dates == (q.GoldDate("Airbus", frozenset({"1970"}), ""),)


def test_redocred_scoring_end_to_end() -> None:
    gold = q.redocred_gold(redocred_record())
    maker = GraphMaker()
    maker.entity("airbus", "Airbus SE", "Company", start="1970")  # matched by a mention
    maker.entity("defence", "Airbus Defence", "Company")
    maker.entity("a320", "A320", "Product")
    maker.entity("france", "France", "Country", "French")
    maker.entity("war", "Gulf War", "War")
    maker.entity("doe", "Jane Doe", "Organization")  # coarse type wrong (PER)
    maker.entity("nice", "Treaty of Nice", "Treaty")
    maker.relation("defence", "subsidiaryOf", "airbus")  # right
    maker.relation("france", "partyTo", "nice")  # right through the P1001 alt
    maker.relation("airbus", "locatedIn", "france")  # optional (P17): not judged
    maker.relation("airbus", "leaderOf", "france")  # wrong
    maker.relation("france", "alliedWith", "airbus")  # not a mapped property: not judged
    result = q.score_document(gold, maker.graph, judged=q.REDOCRED_PROPERTIES,
                              kind_of=q.coarse_type)
    figures = q.figures(result)
    assert result.counts["entities"] == 8  # TIME left out
    assert figures["entity_recall"] == pytest.approx(7 / 8)  # Toulouse missed
    assert figures["typing"] == pytest.approx(6 / 7)
    assert result.classes[("PER", "fn")] == 1 and result.classes[("ORG", "fp")] == 1
    assert result.counts["relations_found"] == 2 and result.counts["relations"] == 5
    assert result.properties[("issuedBy", "found")] == 1
    assert result.counts["judged"] == 3 and result.counts["judged_right"] == 2
    assert figures["start_year"] == 1.0


def test_coarse_types() -> None:
    assert [q.coarse_type(c) for c in ("Region", "Facility", "GovernmentAgency", "Person",
                                       "TradeAgreement", "Sector")] == [
        "LOC", "LOC", "ORG", "PER", "MISC", "MISC"]


# ---------------------------------------------------------------------------- the baseline


def test_baseline_graph_has_the_shape_the_scorer_reads() -> None:
    text = "Sony acquired Toyota in Japan. Joe Biden visited Tokyo."
    graph = baseline.build_baseline([("a.txt", text)])
    pred = q.read_graph(graph)
    labels = {e.label: e.cls for e in pred.entities.values()}
    assert labels.get("Joe Biden") == "Person"
    assert all(r.p == "relatedTo" for r in pred.relations)
    assert pred.relations, "the notebook finds at least one subject-verb-object pair"
    assert all(r.evidence and r.evidence[0] in text for r in pred.relations)


def test_baseline_is_deterministic() -> None:
    docs = [("a.txt", "Sony acquired Toyota in Japan.")]
    first = baseline.build_baseline(docs).serialize(format="nt")
    assert sorted(first.splitlines()) == sorted(
        baseline.build_baseline(docs).serialize(format="nt").splitlines())


# ---------------------------------------------------------------------------- doctests


@pytest.mark.parametrize("module", [q, baseline], ids=["quality", "baseline"])
def test_bench_doctests(module: object) -> None:
    failures, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)  # type: ignore[arg-type]
    assert tried > 0 and failures == 0
