"""The library path in one call: ``kg.build`` and the ``KnowledgeGraph`` facade.

The sample is built once for the module; everything else uses short invented texts.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS
from rdflib.term import Node

from kg.api import KnowledgeGraph
from kg.build import (
    BuildChanges,
    BuildOptions,
    BuildReport,
    BuildResult,
    build,
    build_documents,
    build_texts,
    sample_path,
)
from kg.cache import ExtractionCache
from kg.errors import InputError, ReadError, UsageError
from kg.export import serialize
from kg.graphs.file import load_graph
from kg.ingest import InputFile, Outcome
from kg.model import Document
from kg.vocab import DEFAULT_BASE, ENTITY_CLASSES, KGO, RELATION_PROPERTIES

KGO_NS = str(KGO._NS)
TYPED_PROPERTIES = frozenset(p for p in RELATION_PROPERTIES if p != "mentionedWith")

#: Invented texts (not from the sample): countries, companies, a treaty, a date.
TEXTS = [
    ("brief/energy.txt", "Nokia invested in Portugal in 2019. Volvo opened a plant in Mexico."),
    (
        "brief/treaty.txt",
        "Canada and Chile signed the Pacific Fisheries Treaty in 2004. "
        "Brazil trades with Argentina.",
    ),
]


def local(iri: object) -> str:
    return str(iri)[len(KGO_NS) :] if str(iri).startswith(KGO_NS) else ""


def entity_classes(graph: Graph) -> dict[str, str]:
    """Label -> contract class of every entity in ``graph``."""
    found = {}
    for node, cls in graph.subject_objects(RDF.type):
        if local(cls) in ENTITY_CLASSES:
            found[str(graph.value(node, RDFS.label))] = local(cls)
    return found


def entity_nodes(graph: Graph) -> set[Node]:
    return {s for s, c in graph.subject_objects(RDF.type) if local(c) in ENTITY_CLASSES}


def node_labelled(graph: Graph, label: str) -> Node:
    (node,) = set(graph.subjects(RDFS.label, Literal(label)))
    return node


def evidence_sentences(graph: Graph, s: Node, p: URIRef, o: Node) -> list[str]:
    """The kgo:text of every sentence a statement of ``s p o`` was derived from."""
    return sorted(
        str(graph.value(sentence, KGO.text))
        for st in graph.subjects(RDF.subject, s)
        if graph.value(st, RDF.predicate) == p and graph.value(st, RDF.object) == o
        for sentence in graph.objects(st, PROV.wasDerivedFrom)
    )


@pytest.fixture(scope="module")
def sample() -> BuildResult:
    return build()


@pytest.fixture(scope="module")
def invented() -> BuildResult:
    return build_texts(TEXTS)


# --- the sample --------------------------------------------------------------------------------


def test_sample_build_reads_the_bundled_sample(sample: BuildResult) -> None:
    assert [d.source for d in sample.documents] == [sample_path().name]
    report = sample.report
    assert report.documents_read == 1 and report.skipped == []
    assert len(sample.extractions) == 1


def test_sample_report_counts_match_the_graph(sample: BuildResult) -> None:
    graph, report = sample.graph, sample.report
    assert report.triples == len(graph)
    assert report.documents_read == len(set(graph.subjects(RDF.type, KGO.Document)))
    classes = Counter(
        local(c) for _, c in graph.subject_objects(RDF.type) if local(c) in ENTITY_CLASSES
    )
    assert report.entities_by_class == dict(classes)
    assert sum(report.entities_by_class.values()) == len(entity_nodes(graph)) > 0
    properties = Counter(local(p) for _, p, _ in graph if local(p) in TYPED_PROPERTIES)
    assert report.relations_by_property == dict(properties)
    assert sum(properties.values()) > 0
    dated = {s for s in entity_nodes(graph) if graph.value(s, KGO.startDate) is not None
             or graph.value(s, KGO.endDate) is not None}
    assert report.dated_entities == len(dated)
    pairs = {frozenset(pair) for pair in graph.subject_objects(KGO.mentionedWith)}
    assert report.cooccurrences == len(pairs)


def test_report_format_names_the_counts(sample: BuildResult) -> None:
    text = sample.report.format()
    total = sum(sample.report.entities_by_class.values())
    relations = sum(sample.report.relations_by_property.values())
    assert "documents: 1 read, 0 skipped" in text
    assert f"entities: {total}\n" in text
    assert f"relations: {relations} typed" in text
    assert f"triples: {sample.report.triples};" in text


def test_sample_graph_uses_the_default_base(sample: BuildResult) -> None:
    entities = entity_nodes(sample.graph)
    assert all(str(e).startswith(DEFAULT_BASE + "entity/") for e in entities)


# --- invented texts ----------------------------------------------------------------------------


def test_build_texts_finds_entities_with_their_classes(invented: BuildResult) -> None:
    classes = entity_classes(invented.graph)
    assert classes["Portugal"] == "Country"
    assert classes["Canada"] == "Country"
    assert classes["Nokia"] == "Company"
    assert classes["Volvo"] == "Company"
    assert classes["Pacific Fisheries Treaty"] in ("Treaty", "TradeAgreement")


def test_build_texts_finds_a_typed_relation_with_evidence(invented: BuildResult) -> None:
    graph = invented.graph
    nokia, portugal = node_labelled(graph, "Nokia"), node_labelled(graph, "Portugal")
    assert (nokia, KGO.investsIn, portugal) in graph
    assert evidence_sentences(graph, nokia, KGO.investsIn, portugal) == [
        "Nokia invested in Portugal in 2019."
    ]
    treaty = node_labelled(graph, "Pacific Fisheries Treaty")
    parties = {str(graph.value(s, RDFS.label)) for s in graph.subjects(KGO.partyTo, treaty)}
    assert {"Canada", "Chile"} <= parties


def test_build_texts_records_documents_with_their_sources(invented: BuildResult) -> None:
    graph = invented.graph
    sources = sorted(str(s) for s in graph.objects(None, DCTERMS.source))
    assert sources == ["brief/energy.txt", "brief/treaty.txt"]
    assert [d.source for d in invented.documents] == sources
    for document in invented.documents:
        node = next(graph.subjects(KGO.sha256, Literal(document.sha256)))
        assert str(node) == f"{DEFAULT_BASE}document/{document.sha256[:16]}"


def test_same_input_gives_identical_turtle(invented: BuildResult) -> None:
    again = build_texts(TEXTS)
    assert serialize(again.graph, "turtle") == serialize(invented.graph, "turtle")
    assert serialize(again.graph, "nt") == serialize(invented.graph, "nt")


def test_text_order_does_not_change_the_graph(invented: BuildResult) -> None:
    reversed_build = build_texts(list(reversed(TEXTS)))
    assert [d.source for d in reversed_build.documents] == [d.source for d in invented.documents]
    assert serialize(reversed_build.graph, "turtle") == serialize(invented.graph, "turtle")


def test_path_order_does_not_change_documents_or_graph(tmp_path: Path) -> None:
    paths = []
    for name, text in TEXTS:
        path = tmp_path / Path(name).name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    forward, backward = build(paths), build(list(reversed(paths)))
    assert [d.source for d in forward.documents] == ["energy.txt", "treaty.txt"]
    assert [d.source for d in backward.documents] == ["energy.txt", "treaty.txt"]
    assert serialize(forward.graph, "turtle") == serialize(backward.graph, "turtle")


def test_base_changes_every_minted_iri() -> None:
    base = "https://example.org/graph/"
    rebased = build_texts(TEXTS[:1], base=base)
    minted = {str(t) for triple in rebased.graph for t in triple if isinstance(t, URIRef)}
    assert {t for t in minted if t.startswith(base + "entity/")}
    assert {t for t in minted if t.startswith(base + "document/")}
    assert {t for t in minted if t.startswith(base + "sentence/")}
    assert {t for t in minted if t.startswith(base + "statement/")}
    assert not {t for t in minted if t.startswith(DEFAULT_BASE)}
    plain = build_texts(TEXTS[:1])
    assert len(rebased.graph) == len(plain.graph)


Triple = tuple[Node | None, Node | None, Node | None]


def best_confidences(graph: Graph) -> dict[Triple, float]:
    """Each asserted typed relation with the highest confidence of its statements."""
    best: dict[Triple, float] = {}
    for st in graph.subjects(RDF.type, RDF.Statement):
        p = graph.value(st, RDF.predicate)
        if local(p) not in TYPED_PROPERTIES:
            continue
        key = (graph.value(st, RDF.subject), p, graph.value(st, RDF.object))
        confidence = float(graph.value(st, KGO.confidence))  # type: ignore[arg-type]
        assert 0.0 <= confidence <= 1.0
        best[key] = max(best.get(key, 0.0), confidence)
    return best


def test_min_confidence_drops_relations_and_the_report_follows(invented: BuildResult) -> None:
    extra = ("brief/extra.txt", "Lithuania signed the Baltic Energy Agreement with Poland.")
    texts = [*TEXTS, extra]
    everything = best_confidences(build_texts(texts).graph)
    threshold = max(everything.values())
    expected = {key for key, confidence in everything.items() if confidence >= threshold}
    assert expected, "no relation reaches the highest confidence"
    assert len(expected) < len(everything), "the texts must give relations of two confidences"
    strict = build_texts(texts, min_confidence=threshold)
    kept = {(s, p, o) for s, p, o in strict.graph if local(p) in TYPED_PROPERTIES}
    assert kept == expected
    assert set(best_confidences(strict.graph)) == kept  # no statement for a dropped relation
    assert strict.report.relations_by_property == dict(Counter(local(p) for _, p, _ in kept))


def test_options_object_and_keywords_build_the_same_graph(invented: BuildResult) -> None:
    base = "https://example.org/graph/"
    options = BuildOptions(base=base, min_confidence=0.5)
    by_object = build_texts(TEXTS, options)
    by_keywords = build_texts(TEXTS, base=base, min_confidence=0.5)
    mixed = build_texts(TEXTS, BuildOptions(base=base), min_confidence=0.5)  # keywords win
    turtle = serialize(by_object.graph, "turtle")
    assert turtle == serialize(by_keywords.graph, "turtle") == serialize(mixed.graph, "turtle")
    assert (base + "entity/").encode() in turtle
    assert turtle != serialize(invented.graph, "turtle")
    assert options == BuildOptions(base=base, min_confidence=0.5)  # not changed by the build
    facade = KnowledgeGraph.from_texts(TEXTS, options)
    assert serialize(facade.graph, "turtle") == turtle


def test_build_options_are_frozen_and_checked() -> None:
    options = BuildOptions()
    with pytest.raises(AttributeError):
        options.jobs = 2  # type: ignore[misc]
    assert options.with_changes(jobs=2).jobs == 2 and options.jobs == 1
    assert options.with_changes() is options
    with pytest.raises(UsageError, match="jobs must be at least 1, not 0"):
        BuildOptions(jobs=0)
    with pytest.raises(UsageError, match="min_confidence must be between 0 and 1, not 1.5"):
        build_texts(TEXTS, min_confidence=1.5)
    with pytest.raises(TypeError, match="jobz"):
        build_texts(TEXTS, jobz=2)  # type: ignore[call-arg]


def test_build_changes_name_every_option_with_its_type() -> None:
    """The keyword form (``BuildChanges``) and the dataclass have the same fields and types."""
    fields = {f.name: str(f.type) for f in dataclasses.fields(BuildOptions)}
    keywords = {
        name: getattr(kind, "__forward_arg__", str(kind))
        for name, kind in BuildChanges.__annotations__.items()
    }
    assert keywords == fields
    assert not BuildChanges.__required_keys__


def test_a_cache_of_extractions_spares_parsing_and_changes_no_byte(
    invented: BuildResult, tmp_path: Path
) -> None:
    """The hook a store build uses: documents the cache holds are not parsed again."""
    cache = ExtractionCache(tmp_path / "cache", "v1")
    docs = invented.documents
    first = build_documents(docs, cache=cache)
    assert first.report.extracted == len(docs) == 2
    assert all(cache.holds(d.sha256) for d in docs)
    changed = Document.from_text("Volvo opened a plant in Peru.", source="brief/energy.txt")
    again = build_documents([changed, docs[1]], cache=cache)
    assert again.report.extracted == 1  # only the changed document
    fresh = build_documents([changed, docs[1]])
    assert serialize(again.graph, "turtle") == serialize(fresh.graph, "turtle")
    unchanged = build_documents(docs, cache=cache)
    assert unchanged.report.extracted == 0
    assert serialize(unchanged.graph, "turtle") == serialize(invented.graph, "turtle")


def test_missing_path_raises_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nowhere.txt"):
        build([tmp_path / "nowhere.txt"])


def test_unreadable_files_are_reported_not_raised(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(TEXTS[0][1], encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    result = build([tmp_path])
    assert [d.source for d in result.documents] == [f"{tmp_path.name}/good.txt"]
    assert [(Path(e.path).name, e.reason) for e in result.report.skipped] == [
        ("empty.txt", "the file is empty")
    ]


def _pdf(text: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text=text)
    return bytes(pdf.output())


def test_every_input_file_is_in_the_report(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    (folder / ".git").mkdir(parents=True)
    (folder / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    text = "Nokia invested in Portugal in 2019."
    (folder / "a.txt").write_text(text + "\n", encoding="utf-8")
    (folder / "b.txt").write_text(text + "\n", encoding="utf-8")  # the same file again
    (folder / "c.pdf").write_bytes(_pdf(text))  # a PDF whose text is the same
    (folder / "d.txt").write_bytes("Volvo paid \u00a32m for a plant in Mexico.\n".encode("cp1252"))
    (folder / "empty.txt").write_bytes(b"")
    (folder / ".hidden.txt").write_text("Volvo opened a plant in Mexico.\n", encoding="utf-8")
    (folder / "table.xlsx").write_bytes(b"PK\x03\x04")
    result = build([folder], jobs=1)
    assert [d.source for d in result.documents] == ["docs/c.pdf", "docs/d.txt"]
    report = result.report
    assert report.documents_read == 2 and [e.reason for e in report.skipped] == [
        "the file is empty"
    ]
    text_report = report.format()
    head = text_report.split("\nentities:")[0].replace(str(folder), "DIR")
    assert head.splitlines() == [
        "documents: 2 read, 4 skipped (3 hidden or of a type kg does not read), 2 duplicates",
        "  read DIR/c.pdf",
        "  read DIR/d.txt: not UTF-8; read as cp1252",
        "  duplicate DIR/a.txt: the same text as DIR/c.pdf; merged into it",
        "  duplicate DIR/b.txt: the same text as DIR/c.pdf; merged into it",
        "  skipped DIR/empty.txt: the file is empty",
        "  skipped DIR/.git: a hidden folder; not searched",
        "  skipped DIR/.hidden.txt: a hidden file",
        "  skipped DIR/table.xlsx: unsupported type '.xlsx'",
    ]
    assert report.skipped_lines() == [line.strip() for line in text_report.splitlines()[5:9]]
    names = {Path(f.path).name for f in report.files}
    assert names == {".git", "a.txt", "b.txt", "c.pdf", "d.txt", "empty.txt", ".hidden.txt",
                     "table.xlsx"}


def test_a_report_without_a_file_list_still_lists_the_skipped_files() -> None:
    report = BuildReport(documents_read=1, skipped=[ReadError("a\x1b[2J.txt", "the file is empty")])
    assert report.format().splitlines()[:2] == [
        "documents: 1 read, 1 skipped",
        "  skipped a\\x1b[2J.txt: the file is empty",
    ]
    assert report.skipped_lines() == ["skipped a\\x1b[2J.txt: the file is empty"]
    lone = BuildReport(files=[InputFile("x.txt", "x.txt", Outcome.READ, "", "s")])
    assert lone.format().splitlines()[:2] == ["documents: 0 read, 0 skipped", "  read x.txt"]


# --- the KnowledgeGraph facade -----------------------------------------------------------------


@pytest.fixture(scope="module")
def facade() -> KnowledgeGraph:
    return KnowledgeGraph.from_texts(TEXTS)


def test_facade_query(facade: KnowledgeGraph) -> None:
    result = facade.query(
        "SELECT ?label WHERE { ?c a kgo:Company ; rdfs:label ?label } ORDER BY ?label"
    )
    assert result.kind == "select"
    assert [str(row[0]) for row in result.rows] == ["Nokia", "Volvo"]
    assert facade.query("ASK { ?t a kgo:Treaty }").boolean is True


def test_facade_why(facade: KnowledgeGraph) -> None:
    facts = facade.why("Nokia", "investsIn", "Portugal")
    assert [(f.subject, f.predicate, f.object) for f in facts] == [
        ("Nokia", "investsIn", "Portugal")
    ]
    assert facts[0].sentence == "Nokia invested in Portugal in 2019."
    assert facts[0].source == "brief/energy.txt"
    assert facts[0].confidence is not None and 0 < facts[0].confidence <= 1
    with pytest.raises(InputError, match="did you mean"):
        facade.why("Nokai")


def test_facade_stats_and_report_agree(facade: KnowledgeGraph) -> None:
    counts = facade.stats()
    assert facade.report is not None
    assert counts.documents == facade.report.documents_read == 2
    assert dict(counts.entities_by_class) == facade.report.entities_by_class
    assert dict(counts.relations_by_property) == facade.report.relations_by_property
    assert counts.triples == facade.report.triples == len(facade.graph)


def test_facade_validate(facade: KnowledgeGraph) -> None:
    report = facade.validate()
    assert report.conforms, report.text
    assert report.results == ()


def test_facade_export_and_load(facade: KnowledgeGraph, tmp_path: Path) -> None:
    assert facade.export(tmp_path / "g.ttl") == "turtle"
    assert facade.export(tmp_path / "g.data", "json-ld") == "json-ld"
    assert (tmp_path / "g.ttl").read_bytes() == serialize(facade.graph, "turtle")
    items = json.loads((tmp_path / "g.data").read_text(encoding="utf-8"))
    assert any(item.get("@id", "").endswith("/entity/nokia") for item in items)
    loaded = KnowledgeGraph.load(tmp_path / "g.ttl")
    assert loaded.report is None
    assert len(loaded.graph) == len(facade.graph)
    assert len(load_graph(tmp_path / "g.ttl")) == len(facade.graph)


def test_facade_networkx_and_html(facade: KnowledgeGraph) -> None:
    network = facade.to_networkx(include_cooccurrence=False)
    nokia = str(node_labelled(facade.graph, "Nokia"))
    portugal = str(node_labelled(facade.graph, "Portugal"))
    assert network.has_edge(nokia, portugal, key="investsIn")
    page = facade.html(title="Invented")
    assert "Invented" in page and "Nokia" in page
