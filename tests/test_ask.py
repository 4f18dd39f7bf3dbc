"""kg ask: each question form on a small graph in kg's shape, refusals, typos, the CLI."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from kg.ask import Answer, ask_graph, format_answer
from kg.ask.parse import parse
from kg.ask.vocabulary import load_vocabulary
from kg.cli import main
from kg.vocab import KGO
from tests.store_helpers import store_folder

BASE = "https://w3id.org/kg/id/"
DOC = URIRef(BASE + "document/0123456789abcdef")

ENTITIES = {
    "Samsung Electronics": ("Company", ["Samsung"], 9),
    "Hanwha Ocean": ("Company", [], 2),
    "Hanwha Group": ("Company", ["Hanwha"], 2),
    "LG Energy Solution": ("Company", [], 3),
    "United States": ("Country", ["US", "America", "U.S."], 12),
    "South Korea": ("Country", ["ROK"], 10),
    "China": ("Country", [], 8),
    "Japan": ("Country", [], 4),
    "Seoul": ("City", [], 2),
    "Mutual Defense Treaty": ("Treaty", [], 2),
    "New Southern Policy": ("Policy", [], 1),
    "Yoon Suk Yeol": ("Person", ["Yoon"], 3),
    "memory chips": ("Product", [], 1),
}

FACTS = [  # subject, property, object, sentence
    ("Samsung Electronics", "investsIn", "United States",
     "Samsung Electronics will invest $17 billion in a plant in the United States."),
    ("LG Energy Solution", "investsIn", "United States",
     "LG Energy Solution is building battery plants across America."),
    ("Samsung Electronics", "headquarteredIn", "Seoul", "Samsung is based in Seoul."),
    ("LG Energy Solution", "headquarteredIn", "South Korea", "LG is a South Korean firm."),
    ("Seoul", "capitalOf", "South Korea", "Seoul is the capital of South Korea."),
    ("South Korea", "alliedWith", "United States", "The ROK and the US are allies."),
    ("South Korea", "tradesWith", "China", "China is South Korea's largest trading partner."),
    ("China", "restricts", "South Korea", "Beijing restricted Korean imports."),
    ("South Korea", "partyTo", "Mutual Defense Treaty", "Seoul signed the treaty."),
    ("United States", "partyTo", "Mutual Defense Treaty", "Washington signed the treaty."),
    ("Hanwha Ocean", "subsidiaryOf", "Hanwha Group", "Hanwha Ocean is a Hanwha unit."),
    ("Yoon Suk Yeol", "leaderOf", "South Korea", "President Yoon leads South Korea."),
    ("New Southern Policy", "issuedBy", "South Korea", "Seoul launched the policy."),
    ("Samsung Electronics", "produces", "memory chips", "Samsung makes memory chips."),
    ("Japan", "competesWith", "China", "Japan competes with China."),
]
DATES = [("Mutual Defense Treaty", "startDate", "1953", "The treaty was signed in 1953."),
         ("New Southern Policy", "startDate", "2017", "The policy began in 2017.")]


def _slug(label: str) -> URIRef:
    return URIRef(BASE + "entity/" + label.lower().replace(" ", "-"))


def _sentence(graph: Graph, text: str) -> URIRef:
    start = int(hashlib.sha256(text.encode()).hexdigest()[:4], 16)
    node = URIRef(f"{BASE}sentence/0123456789abcdef-{start}-{start + len(text)}")
    graph.add((node, RDF.type, KGO.Sentence))
    graph.add((node, KGO.text, Literal(text)))
    graph.add((node, KGO.inDocument, DOC))
    graph.add((node, KGO.charStart, Literal(start)))
    graph.add((node, KGO.charEnd, Literal(start + len(text))))
    return node


def _statement(graph: Graph, s: URIRef, p: URIRef, o: URIRef | Literal, text: str) -> None:
    st = URIRef(BASE + "statement/" + hashlib.sha256(f"{s}{p}{o}".encode()).hexdigest()[:16])
    for prop, value in ((RDF.type, RDF.Statement), (RDF.subject, s), (RDF.predicate, p),
                        (RDF.object, o), (PROV.wasDerivedFrom, _sentence(graph, text)),
                        (KGO.confidence, Literal("0.85", datatype=XSD.decimal)),
                        (KGO.extractor, Literal("test-rule"))):
        graph.add((st, prop, value))


@pytest.fixture(scope="module")
def graph() -> Graph:
    g = Graph()
    g.add((DOC, RDF.type, KGO.Document))
    g.add((DOC, DCTERMS.title, Literal("Alliance notes")))
    for label, (cls, aliases, count) in ENTITIES.items():
        node = _slug(label)
        g.add((node, RDF.type, KGO[cls]))
        g.add((node, RDFS.label, Literal(label)))
        for alias in aliases:
            g.add((node, SKOS.altLabel, Literal(alias)))
        g.add((node, KGO.mentionCount, Literal(count)))
        g.add((node, KGO.mentionedIn, DOC))
    for s, p, o, text in FACTS:
        g.add((_slug(s), KGO[p], _slug(o)))
        _statement(g, _slug(s), KGO[p], _slug(o), text)
    for s, p, year, text in DATES:
        value = Literal(year, datatype=XSD.gYear)
        g.add((_slug(s), KGO[p], value))
        _statement(g, _slug(s), KGO[p], value, text)
    g.add((_slug("Japan"), KGO.mentionedWith, _slug("China")))
    return g


def _rows(answer: Answer) -> list[str]:
    return [row[0] for row in answer.rows]


# --- which / who / what ------------------------------------------------------------------


@pytest.mark.parametrize("question", [
    "Which companies invest in the United States?",
    "what firms are investors in America",
    "Which companies have investments in the US?",
    "Who invests in the U.S.?",
    "Which corporations are investing in the united states?",
])
def test_which_class_property_entity(graph: Graph, question: str) -> None:
    answer = ask_graph(graph, question)
    assert answer.understood and answer.form == "which"
    assert _rows(answer) == ["LG Energy Solution", "Samsung Electronics"]
    assert {e.sentence for e in answer.evidence} == {FACTS[0][3], FACTS[1][3]}


def test_object_side_and_symmetric(graph: Graph) -> None:
    assert _rows(ask_graph(graph, "What countries is South Korea allied with?")) == [
        "United States"]
    assert _rows(ask_graph(graph, "Which countries are allied with the US?")) == ["South Korea"]
    assert _rows(ask_graph(graph, "Who does China restrict?")) == ["South Korea"]
    assert _rows(ask_graph(graph, "What does Samsung produce?")) == ["memory chips"]
    assert _rows(ask_graph(graph, "Which treaties is South Korea party to?")) == [
        "Mutual Defense Treaty"]
    assert _rows(ask_graph(graph, "Where is LG Energy Solution headquartered?")) == [
        "South Korea"]


def test_verbs_and_nouns_of_a_property(graph: Graph) -> None:
    for question in ("Who sanctions South Korea?", "Who bans South Korea?",
                     "Which countries impose restrictions on South Korea?",
                     "Who has sanctions on South Korea?"):
        assert _rows(ask_graph(graph, question)) == ["China"], question


def test_leader_forms(graph: Graph) -> None:
    for question in ("Who leads South Korea?", "Who is the leader of South Korea?",
                     "Who is South Korea's president?", "South Korea is led by whom?"):
        assert _rows(ask_graph(graph, question)) == ["Yoon Suk Yeol"], question


def test_passive_and_inverse_verbs(graph: Graph) -> None:
    assert _rows(ask_graph(graph, "Who owns Hanwha Ocean?")) == ["Hanwha Group"]
    assert _rows(ask_graph(graph, "Hanwha Ocean is owned by whom?")) == ["Hanwha Group"]
    assert _rows(ask_graph(graph, "Which countries are restricted by China?")) == [
        "South Korea"]
    assert _rows(ask_graph(graph, "Who launched the New Southern Policy?")) == ["South Korea"]


def test_demonym_qualifies_the_answer(graph: Graph) -> None:
    answer = ask_graph(graph, "Which Korean companies invest in the United States?")
    assert _rows(answer) == ["LG Energy Solution", "Samsung Electronics"]  # via Seoul, too
    assert _rows(ask_graph(graph, "Which American companies invest in the US?")) == []


def test_demonym_names_the_country(graph: Graph) -> None:
    assert _rows(ask_graph(graph, "Who do the Chinese restrict?")) == ["South Korea"]


# --- yes/no -------------------------------------------------------------------------------


def test_yes_no(graph: Graph) -> None:
    yes = ask_graph(graph, "Does South Korea trade with China?")
    assert yes.boolean is True and yes.evidence[0].sentence == FACTS[6][3]
    assert ask_graph(graph, "Does China trade with South Korea?").boolean is True  # symmetric
    assert ask_graph(graph, "Is Hanwha Ocean a subsidiary of anything?").boolean is True
    no = ask_graph(graph, "Does Japan trade with China?")
    assert no.understood and no.boolean is False
    assert "states no such fact" in no.text and "not mean it is false" in no.text
    assert ask_graph(graph, "Is Samsung a company?").boolean is True
    assert ask_graph(graph, "Is Seoul a country?").boolean is False


# --- when, about, connected, counts and lists ------------------------------------------


def test_when(graph: Graph) -> None:
    answer = ask_graph(graph, "When was the Mutual Defense Treaty signed?")
    assert answer.rows == (("1953", "startDate"),)
    assert answer.evidence[0].sentence == DATES[0][3]
    assert ask_graph(graph, "When did the New Southern Policy start?").rows[0][0] == "2017"
    assert "states no such fact" in ask_graph(graph, "When did the treaty end?").text or \
        not ask_graph(graph, "When did the Mutual Defense Treaty end?").rows


def test_about(graph: Graph) -> None:
    for question in ("Tell me about South Korea", "What do we know about the ROK?"):
        answer = ask_graph(graph, question)
        assert answer.form == "about"
        assert ("South Korea", "class", "Country") in answer.rows
        assert ("South Korea", "alias", "ROK") in answer.rows
        assert ("Yoon Suk Yeol", "leaderOf", "South Korea") in answer.rows
        assert len(answer.evidence) == 8


def test_connected(graph: Graph) -> None:
    answer = ask_graph(graph, "How is Samsung connected to China?")
    assert answer.form == "connect"
    assert len(answer.rows) == 4 and (
        "Samsung Electronics —headquarteredIn→ Seoul —capitalOf→ South Korea "
        "←restricts— China",) in answer.rows
    assert all(item.sentence for item in answer.evidence)


def test_counts_lists_and_top(graph: Graph) -> None:
    assert ask_graph(graph, "How many companies are in the graph?").rows == (("4",),)
    assert ask_graph(graph, "How many countries are there?").rows == (("4",),)
    assert ask_graph(graph, "How many companies invest in the US?").rows == (("2",),)
    assert _rows(ask_graph(graph, "List all policies")) == ["New Southern Policy"]
    assert _rows(ask_graph(graph, "List all treaties")) == ["Mutual Defense Treaty"]
    top = ask_graph(graph, "Which entities are mentioned most?")
    assert top.rows[:2] == (("United States", "12"), ("South Korea", "10"))
    assert ask_graph(graph, "What are the 2 most mentioned companies?").rows == (
        ("Samsung Electronics", "9"), ("LG Energy Solution", "3"))


# --- names and refusals -------------------------------------------------------------------


def test_typos_are_tolerated_and_said(graph: Graph) -> None:
    answer = ask_graph(graph, "Who invests in the Untied States?")
    assert _rows(answer) == ["LG Energy Solution", "Samsung Electronics"]
    assert "taking 'the Untied States' to mean 'United States'" in answer.text


def test_unknown_name_suggests(graph: Graph) -> None:
    answer = ask_graph(graph, "Tell me about Hanhwa Grup Holdings")
    assert not answer.understood
    assert "no entity named 'Hanhwa Grup Holdings'; did you mean 'Hanwha Group'" in answer.text


@pytest.mark.parametrize("question", [
    "Why did Samsung invest in the United States?",
    "How much did Samsung invest in the US?",
    "Which companies do not invest in the US?",
    "What is the GDP of South Korea?",
    "Will China sanction Japan next year?",
    "Which companies invested in the US in 2022?",
    "Is the alliance good for Korea?",
    "",
])
def test_refusals_never_guess(graph: Graph, question: str) -> None:
    answer = ask_graph(graph, question)
    assert not answer.understood and answer.rows == () and answer.boolean is None
    assert "I understand these kinds of question" in answer.text


def test_answers_are_deterministic(graph: Graph) -> None:
    first = ask_graph(graph, "Tell me about South Korea").to_dict()
    assert json.dumps(first) == json.dumps(ask_graph(graph, "Tell me about South Korea").to_dict())


def test_parse_reads_the_roles() -> None:
    vocab = load_vocabulary()
    intent = parse("What does TSMC produce?", vocab, set())[0]
    assert (intent.form, intent.names, intent.props, intent.answer_role) == (
        "which", ("TSMC",), ("produces",), "object")
    yesno = parse("Is Hanwha a subsidiary of anything?", vocab, set())[0]
    assert (yesno.form, yesno.names, yesno.props) == ("yesno", ("Hanwha", ""), ("subsidiaryOf",))


def test_format_answer_shows_evidence_and_sparql(graph: Graph) -> None:
    text = format_answer(ask_graph(graph, "Who owns Hanwha Ocean?"), sparql=True)
    assert "Hanwha Ocean —subsidiaryOf→ Hanwha Group" in text
    assert '"Hanwha Ocean is a Hanwha unit."' in text
    assert "SPARQL:" in text and "subsidiaryOf" in text


# --- the CLI ------------------------------------------------------------------------------


def test_cli_json(graph: Graph, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "g.ttl"
    graph.serialize(path, format="turtle")
    assert main(["ask", str(path), "Does South Korea trade with China?", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"question", "understood", "sparql", "columns", "rows", "boolean",
            "evidence"} <= set(out)
    assert out["boolean"] is True and out["understood"] is True
    assert out["evidence"][0]["sentence"] == FACTS[6][3]
    assert main(["ask", str(path), "Why is the sky blue?", "--format", "json"]) == 1
    refused = json.loads(capsys.readouterr().out)
    assert refused["understood"] is False and refused["rows"] == []


def test_cli_table_with_sparql(graph: Graph, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "g.ttl"
    graph.serialize(path, format="turtle")
    assert main(["ask", str(path), "Which companies invest in the US?", "--sparql"]) == 0
    out = capsys.readouterr().out
    assert "Samsung Electronics" in out and "SELECT DISTINCT" in out and "Evidence:" in out
    assert main(["ask", str(path)]) == 2


# --- sources: a store answers as a graph does; the lean name path -----------------------------

SAME_QUESTIONS = [
    "Which companies invest in the United States?", "Who leads South Korea?",
    "Does South Korea trade with China?", "When was the Mutual Defense Treaty signed?",
    "Tell me about Samsung", "How is Samsung connected to China?",
    "How many companies are there?", "Which entities are mentioned most?",
    "Which Korean companies invest in the US?", "Tell me about Samsnug Electronics",
    "Who leads Nowhereland?",
]




def test_store_and_oxigraph_sources_answer_as_the_graph_does(graph: Graph,
                                                             tmp_path: Path) -> None:
    import pyoxigraph as ox

    from kg.ask import ask, graph_source, oxigraph_source, store_source
    from kg.query import PREFIXES

    memory = ox.Store()
    memory.bulk_load(graph.serialize(format="nt", encoding="utf-8"), ox.RdfFormat.N_TRIPLES)
    namespaces = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    sources = [graph_source(graph), store_source(store_folder(graph, tmp_path / "s")),
               oxigraph_source(memory, namespaces)]
    assert sources[1].lean is not None and sources[2].lean is not None
    assert sources[0].names() == sources[1].names() == sources[2].names()
    for question in SAME_QUESTIONS:
        first, *others = [ask(source, question).to_dict() for source in sources]
        assert all(other == first for other in others), question


def test_store_source_sees_a_new_generation(graph: Graph, tmp_path: Path) -> None:
    from kg.ask import ask, store_source

    root = store_folder(graph, tmp_path / "s")
    source = store_source(root)
    assert ask(source, "Does South Korea trade with China?").boolean is True
    smaller = Graph()
    for triple in graph:
        if triple[1] != KGO.tradesWith:
            smaller.add(triple)
    store_folder(smaller, root, "gen-000002")
    assert ask(source, "Does South Korea trade with China?").boolean is False


def test_only_kg_name_queries_take_the_lean_path(graph: Graph) -> None:
    import pyoxigraph as ox

    from kg.ask import graph_source, lean_cells
    from kg.ask.engine import ALIASES_QUERY
    from kg.errors import QueryError
    from kg.query import PREFIXES

    memory = ox.Store()
    memory.bulk_load(graph.serialize(format="nt", encoding="utf-8"), ox.RdfFormat.N_TRIPLES)
    namespaces = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    cells = lean_cells(memory, ALIASES_QUERY, namespaces)
    assert (str(_slug("United States")), "America") in cells
    with pytest.raises(QueryError, match="name-reading"):
        lean_cells(memory, "SELECT ?s WHERE { ?s ?p ?o }", namespaces)
    with pytest.raises(ValueError, match="name-reading"):
        graph_source(graph).cells("SELECT ?s WHERE { ?s ?p ?o }")
    assert sorted(graph_source(graph).cells(ALIASES_QUERY)) == sorted(cells)


def test_vocabulary_reads_every_class_and_relation_of_the_ontology() -> None:
    from rdflib.namespace import OWL

    from kg.ask.vocabulary import _ontology_terms
    from kg.ontology_files import ONTOLOGY_FILE, load_graph

    ontology = load_graph(ONTOLOGY_FILE)  # rdflib's reading, to compare with pyoxigraph's
    classes, parents, props, symmetric = _ontology_terms()
    kgo = str(KGO._NS)
    for cls in ontology.subjects(RDF.type, OWL.Class):
        name = str(cls).removeprefix(kgo)
        if str(cls).startswith(kgo) and name not in {"Document", "Sentence"}:
            assert classes[name] == str(ontology.value(cls, RDFS.label))
    for prop in ontology.subjects(RDF.type, OWL.ObjectProperty):
        name = str(prop).removeprefix(kgo)
        if str(prop).startswith(kgo) and name not in {"mentionedWith", "mentionedIn",
                                                      "inDocument"}:
            assert props[name] == str(ontology.value(prop, RDFS.label))
            if (prop, RDF.type, OWL.SymmetricProperty) in ontology:
                assert name in symmetric
    assert parents["Company"] == "Organization" and "tradesWith" in symmetric


# --- more ways of wording a question -----------------------------------------------------

WORDING_ENTITIES = {
    "Nordwind Energy": "Company", "Baltic Grid": "Company", "Kestrel Motors": "Company",
    "Freedonia": "Country", "Sylvania": "Country", "Marlow": "City",
    "Harbour League": "InternationalOrganization", "Clean Power Act": "Policy",
    "Anna Berg": "Person",
}
WORDING_FACTS = [
    ("Nordwind Energy", "investsIn", "Baltic Grid", "Nordwind bought 20% of Baltic Grid."),
    ("Kestrel Motors", "operatesIn", "Sylvania", "Kestrel runs a plant in Sylvania."),
    ("Marlow", "locatedIn", "Freedonia", "Marlow lies in Freedonia."),
    ("Freedonia", "memberOf", "Harbour League", "Freedonia joined the Harbour League."),
    ("Sylvania", "memberOf", "Harbour League", "Sylvania is a League member."),
    ("Clean Power Act", "issuedBy", "Anna Berg", "Berg signed the act into law."),
    ("Freedonia", "alliedWith", "Sylvania", "The two states are allies."),
    ("Sylvania", "tradesWith", "Freedonia", "Sylvania trades with Freedonia."),
    ("Freedonia", "restricts", "Kestrel Motors", "Freedonia sanctioned Kestrel."),
]


@pytest.fixture(scope="module")
def wording() -> Graph:
    g = Graph()
    for label, cls in WORDING_ENTITIES.items():
        g.add((_slug(label), RDF.type, KGO[cls]))
        g.add((_slug(label), RDFS.label, Literal(label)))
        g.add((_slug(label), KGO.mentionedIn, DOC))
    for s, p, o, text in WORDING_FACTS:
        g.add((_slug(s), KGO[p], _slug(o)))
        _statement(g, _slug(s), KGO[p], _slug(o), text)
    return g


@pytest.mark.parametrize("question", [
    "List the members of the Harbour League",
    "Show me the members of the Harbour League.",
    "Give me all members of the Harbour League",
    "Tell me which countries belong to the Harbour League",
])
def test_imperative_lead_ins(wording: Graph, question: str) -> None:
    assert _rows(ask_graph(wording, question)) == ["Freedonia", "Sylvania"]


@pytest.mark.parametrize("question", [
    "Which companies own shares in Baltic Grid?",
    "Who holds a stake in Baltic Grid?",
    "Who is a shareholder in Baltic Grid?",
    "Which firms have holdings in Baltic Grid?",
])
def test_more_investment_phrases(wording: Graph, question: str) -> None:
    assert _rows(ask_graph(wording, question)) == ["Nordwind Energy"]


def test_light_verb_name_boundary(wording: Graph) -> None:
    """A lower-case verb or auxiliary after a name is not part of the name."""
    assert ask_graph(wording, "Does Nordwind Energy hold a stake in Baltic Grid?").boolean
    assert ask_graph(wording, "Did Nordwind Energy have holdings in Baltic Grid?").boolean
    assert ask_graph(wording, "Does Baltic Grid hold shares in Nordwind Energy?").boolean \
        is False
    assert _rows(ask_graph(wording, "Which companies does Freedonia impose sanctions on?")) \
        == ["Kestrel Motors"]
    assert _rows(ask_graph(wording, "Who does Freedonia put restrictions on?")) == [
        "Kestrel Motors"]
    unknown_verb = ask_graph(wording, "Who does Freedonia lift restrictions on?")
    assert not unknown_verb.understood and unknown_verb.rows == ()


def test_where_and_fronted_prepositions(wording: Graph) -> None:
    assert _rows(ask_graph(wording, "Where does Kestrel Motors operate?")) == ["Sylvania"]
    assert _rows(ask_graph(wording, "Where is Marlow located?")) == ["Freedonia"]
    assert _rows(ask_graph(wording, "In what country is Marlow?")) == ["Freedonia"]
    assert _rows(ask_graph(wording, "What country is Marlow in?")) == ["Freedonia"]
    assert _rows(ask_graph(wording, "Kestrel Motors has operations in which countries?")) == [
        "Sylvania"]


def test_verb_wrapping_its_object(wording: Graph) -> None:
    assert _rows(ask_graph(wording, "Who signed the Clean Power Act into law?")) == [
        "Anna Berg"]
    assert _rows(ask_graph(wording, "The Clean Power Act was signed into law by whom?")) == [
        "Anna Berg"]


def test_two_subjects_of_a_symmetric_property(wording: Graph) -> None:
    for question in ("Are Freedonia and Sylvania allies?", "Are Sylvania and Freedonia allied?",
                     "Do Freedonia and Sylvania trade?",
                     "Do Freedonia and Sylvania trade with each other?",
                     "Are Freedonia and Sylvania trading partners?"):
        answer = ask_graph(wording, question)
        assert answer.form == "yesno" and answer.boolean is True, question
    assert ask_graph(wording, "Are Freedonia and Sylvania rivals?").boolean is False
    # not symmetric: two subjects of memberOf are not read as one fact
    assert not ask_graph(wording, "Are Freedonia and Sylvania members?").understood


def test_new_phrases_parse_roles() -> None:
    vocab = load_vocabulary()
    intent = parse("Name the investors in Baltic Grid", vocab, set())[0]
    assert (intent.names, intent.props, intent.answer_role) == (
        ("Baltic Grid",), ("investsIn",), "subject")
    intent = parse("Are Alpha and Beta and Gamma partners?", vocab, set())[0]
    assert intent.form == "yesno" and intent.props == ("cooperatesWith",)
    assert intent.names == ("Alpha", "Beta and Gamma")
