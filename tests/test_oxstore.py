"""The persistent Oxigraph store: incremental builds, removal, atomicity, ``--store`` commands.

Texts are invented; each test builds into its own temporary store.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS

from kg import cli
from kg.build import build, build_documents, build_texts
from kg.cache import extraction_from_json, extraction_to_json
from kg.errors import StoreError, UsageError
from kg.export import serialize
from kg.graphs.store import StoreSource
from kg.ingest.text import read_plain
from kg.model import Document
from kg.oxstore import (
    CURRENT,
    build_store,
    open_store,
    read_state,
    remove_documents,
)
from kg.query import QueryResult
from kg.rdf import ENTITIES_GRAPH, Triple, document_graph_iri
from kg.vocab import DEFAULT_BASE, KGO

REPO = Path(__file__).resolve().parent.parent

DOCS = {
    "energy.txt": "Nokia invested in Portugal in 2019. Volvo opened a plant in Mexico.",
    "treaty.txt": "Canada and Chile signed the Pacific Fisheries Treaty in 2004. "
    "Brazil trades with Argentina. Nokia competes with Ericsson in Portugal.",
    "ports.txt": "Maersk invested in Vietnam. Vietnam trades with Japan.",
}


def _query_store(root: Path, sparql: str) -> QueryResult:
    return StoreSource(root).query(sparql)


def _store_graph(root: Path) -> Graph:
    return StoreSource(root).to_rdflib()


def write_corpus(folder: Path, docs: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in docs.items():
        (folder / name).write_text(text + "\n", encoding="utf-8")
    return folder


def labels(store: Path, cls: str) -> list[str]:
    result = _query_store(store, f"SELECT ?l WHERE {{ ?e a kgo:{cls} ; rdfs:label ?l }}")
    return sorted(str(row[0]) for row in result.rows)


def dataset(store: Path) -> list[str]:
    """Every quad of the store as sorted N-Quads lines (named graphs included)."""
    database = open_store(store)
    lines = sorted(str(quad) for quad in database)
    del database
    return lines


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "corpus", DOCS)


# --- building, re-building, changing, removing ---------------------------------------------------


def test_build_into_a_store_and_query_it(corpus: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    result = build_store([corpus], store)
    report = result.report
    assert (report.new, report.changed, report.unchanged, report.removed) == (3, 0, 0, 0)
    assert report.extracted == 3 and report.documents_read == 3
    assert "3 new, 0 changed, 0 unchanged, 0 removed" in report.format()
    assert "Portugal" in labels(store, "Country") and "Nokia" in labels(store, "Company")
    state = read_state(store)
    assert sorted(d.source for d in state.documents) == [
        "corpus/energy.txt", "corpus/ports.txt", "corpus/treaty.txt"
    ]
    database = open_store(store)
    graphs = {g.value for g in database.named_graphs()}
    del database
    expected = {str(document_graph_iri(DEFAULT_BASE, d.sha256)) for d in state.documents}
    assert graphs == expected | {DEFAULT_BASE + ENTITIES_GRAPH}
    assert report.triples == len(_store_graph(store)) == len(result.graph)


def test_rebuild_of_unchanged_documents_parses_nothing(corpus: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    first = build_store([corpus], store)
    before = dataset(store)
    again = build_store([corpus], store).report
    assert (again.new, again.changed, again.unchanged, again.removed) == (0, 0, 3, 0)
    assert again.extracted == 0
    assert dataset(store) == before
    assert serialize(_store_graph(store), "turtle") == serialize(first.graph, "turtle")


def test_a_rebuild_that_changes_nothing_writes_nothing(corpus: Path, tmp_path: Path) -> None:
    """The live generation stays when it holds the build already; any change writes anew."""
    store = tmp_path / "store"
    first = build_store([corpus], store).report
    live = read_state(store).generation
    again = build_store([corpus], store).report
    assert read_state(store).generation == live
    assert sorted(p.name for p in store.iterdir() if p.name.startswith("gen-")) == [live]
    assert again.triples == first.triples
    stricter = build_store([corpus], store, min_confidence=0.99).report  # other options
    assert read_state(store).generation != live
    assert stricter.triples < first.triples
    (corpus / "energy.txt").write_text("Nokia invested in Chile.\n", encoding="utf-8")
    moved = read_state(store).generation
    build_store([corpus], store, min_confidence=0.99)  # a changed document
    assert read_state(store).generation != moved


def test_a_changed_document_replaces_its_old_facts(corpus: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    build_store([corpus], store)
    assert "Volvo" in labels(store, "Company")
    (corpus / "energy.txt").write_text(
        "Nokia invested in Poland in 2021. Siemens opened a plant in Portugal.\n", encoding="utf-8"
    )
    report = build_store([corpus], store).report
    assert (report.new, report.changed, report.unchanged, report.removed) == (0, 1, 2, 0)
    assert report.extracted == 1
    companies = labels(store, "Company")
    assert "Volvo" not in companies and "Siemens" in companies
    assert "Mexico" not in labels(store, "Country")
    assert len(read_state(store).documents) == 2 + 1
    graph = _store_graph(store)
    # Nokia is still one entity, mentioned in both documents that name it
    (nokia,) = list(graph.subjects(RDFS.label, Literal("Nokia")))
    assert len(list(graph.objects(nokia, KGO.mentionedIn))) == 2
    # and the store holds exactly what a fresh build of the same files holds
    fresh = build([corpus]).graph
    assert serialize(graph, "turtle") == serialize(fresh, "turtle")


def test_incremental_rebuilds_hold_what_a_fresh_store_holds(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each named graph, quad for quad, after edits that also move other documents' facts."""
    from kg.rdf import Emitter

    written: list[str] = []
    original = Emitter.document_triples

    def spy(self: Emitter, doc: Document) -> list[Triple]:
        written.append(doc.source)
        return original(self, doc)

    monkeypatch.setattr(Emitter, "document_triples", spy)
    store = tmp_path / "store"
    build_store([corpus], store)
    assert sorted(written) == sorted(f"corpus/{name}" for name in DOCS)
    edits = [
        # one document changes: only its graph is written again
        ("ports.txt", "Maersk invested in Vietnam. Vietnam trades with Japan and Peru.",
         ["corpus/ports.txt"]),
        # a short form in one document only: the others keep their graphs
        ("ports.txt", "Nokia Oyj (Nokia) invested in Vietnam.", ["corpus/ports.txt"]),
        # a longer name, now the most used, gives Nokia's entity another label and IRI; that
        # moves energy.txt's and treaty.txt's facts: their graphs are written again as well
        ("ports.txt", "Nokia Corporation invested in Vietnam. Nokia Corporation trades with "
         "Japan. Nokia Corporation left Peru. Nokia grew.",
         ["corpus/energy.txt", "corpus/ports.txt", "corpus/treaty.txt"]),
        ("new.txt", "Peru trades with Chile.", ["corpus/new.txt"]),
    ]
    for name, text, expected in edits:
        (corpus / name).write_text(text + "\n", encoding="utf-8")
        written.clear()
        report = build_store([corpus], store).report
        assert sorted(written) == expected, name
        fresh = tmp_path / f"fresh-{len(os.listdir(tmp_path))}"
        fresh_report = build_store([corpus], fresh).report
        assert dataset(store) == dataset(fresh)
        assert report.triples == fresh_report.triples
    written.clear()
    remove_documents(store, ["corpus/new.txt"])
    assert written == []  # the others' graphs are kept as they are
    fresh = tmp_path / "fresh-after-remove"
    (corpus / "new.txt").unlink()
    build_store([corpus], fresh)
    assert dataset(store) == dataset(fresh)


def test_a_relation_two_documents_state_is_one_row_as_in_the_file(tmp_path: Path) -> None:
    """The union of the store's graphs repeats no triple, so answers match the file's."""
    from kg.query import run_query

    corpus = write_corpus(tmp_path / "corpus", {
        "a.txt": "Nokia invested in Portugal. Chile trades with Peru.",
        "b.txt": "Nokia invested in Portugal in 2019.",
    })
    store = tmp_path / "store"
    graph = build_store([corpus], store).graph
    for sparql in (
        "SELECT ?s ?o WHERE { ?s kgo:investsIn ?o }",
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
        "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p",
        "SELECT ?e ?d WHERE { ?e kgo:mentionedIn ?d }",
    ):
        stored, local = _query_store(store, sparql), run_query(graph, sparql)
        assert sorted(stored.rows) == sorted(local.rows), sparql
    rows = _query_store(store, "SELECT ?s WHERE { ?s kgo:investsIn ?o }").rows
    assert len(rows) == 1  # stated twice, asserted once
    evidence = _query_store(store, "SELECT ?st WHERE { ?st rdf:predicate kgo:investsIn }").rows
    assert len(evidence) == 2  # one statement per document, each with its sentence


def test_a_store_written_by_other_code_is_rewritten_whole(corpus: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    build_store([corpus], store)
    before = dataset(store)
    state = read_state(store)
    manifest_path = store / state.generation / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["options"]["emitter"] = "an older layout"
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    database = ox.Store(str(state.database))  # a stray quad the old code might have left
    database.add(ox.Quad(ox.NamedNode("urn:x"), ox.NamedNode("urn:p"), ox.Literal("stale"),
                         ox.NamedNode(str(document_graph_iri(DEFAULT_BASE, "ab" * 32)))))
    database.flush()
    del database
    build_store([corpus], store)
    assert dataset(store) == before


def test_documents_missing_from_the_input_are_kept_unless_pruned(
    corpus: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    build_store([corpus], store)
    kept = build_store([corpus / "energy.txt"], store).report
    assert (kept.new, kept.changed, kept.unchanged, kept.removed, kept.kept) == (0, 0, 1, 0, 2)
    assert kept.extracted == 0
    assert len(read_state(store).documents) == 3
    pruned = build_store([corpus / "energy.txt"], store, prune=True).report
    assert (pruned.unchanged, pruned.removed, pruned.kept) == (1, 2, 0)
    # a file given on its own is named by its file name, one in a folder by folder/file
    assert [d.source for d in read_state(store).documents] == ["energy.txt"]
    assert "Maersk" not in labels(store, "Company")
    assert len(list((store / "cache").iterdir())) == 1  # the dropped documents' cache went too


def test_remove_by_source_and_by_hash_prefix(corpus: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    build_store([corpus], store)
    outcome = remove_documents(store, ["corpus/ports.txt"])
    assert [d.source for d in outcome.removed] == ["corpus/ports.txt"]
    assert outcome.result.report.removed == 1 and outcome.result.report.extracted == 0
    assert "Maersk" not in labels(store, "Company")
    assert "Vietnam" not in labels(store, "Country")
    energy = next(d for d in read_state(store).documents if d.source == "corpus/energy.txt")
    remove_documents(store, [energy.sha256[:10]])
    assert [d.source for d in read_state(store).documents] == ["corpus/treaty.txt"]
    graph = _store_graph(store)
    assert sorted(str(s) for s in graph.objects(None, DCTERMS.source)) == ["corpus/treaty.txt"]
    alone = write_corpus(tmp_path / "alone" / "corpus", {"treaty.txt": DOCS["treaty.txt"]})
    assert serialize(graph, "turtle") == serialize(build([alone]).graph, "turtle")
    with pytest.raises(UsageError, match="no document 'corpus/treaty.tx'.*did you mean"):
        remove_documents(store, ["corpus/treaty.tx"])


def test_leftover_generation_of_an_interrupted_build_is_cleaned(
    corpus: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    build_store([corpus], store)
    live = read_state(store).generation
    (store / "gen-999999" / "oxigraph").mkdir(parents=True)  # as a killed build leaves it
    before = dataset(store)
    assert read_state(store).generation == live
    build_store([corpus], store)
    assert not (store / "gen-999999").exists()
    assert dataset(store) == before


# --- determinism -------------------------------------------------------------------------------


def test_store_export_is_byte_identical_to_a_file_build(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store, out = tmp_path / "store", tmp_path / "files"
    assert cli.main(["build", str(corpus), "--store", str(store), "-q", "--jobs", "1"]) == 0
    assert cli.main(["build", str(corpus), "--out", str(out), "-q", "--no-html"]) == 0
    assert cli.main(["export", "--store", str(store), str(tmp_path / "s.ttl")]) == 0
    assert (tmp_path / "s.ttl").read_bytes() == (out / "graph.ttl").read_bytes()
    capsys.readouterr()


def test_jobs_do_not_change_the_output() -> None:
    subjects = ["Nokia", "Volvo", "Siemens", "Toyota", "Maersk", "Samsung", "Airbus"]
    places = ["Portugal", "Mexico", "Poland", "Vietnam", "Chile", "Kenya", "Peru", "Norway"]
    texts = [
        (f"doc{i:02d}.txt",
         f"{subjects[i % 7]} invested in {places[i % 8]} in {2000 + i}. "
         f"{places[(i + 3) % 8]} trades with {places[(i + 5) % 8]}.")
        for i in range(21)  # more than two chunks of documents
    ]
    documents = [read_plain(t.encode("utf-8"), n, n) for n, t in texts]
    one = serialize(build_documents(documents, jobs=1).graph, "turtle")
    two = serialize(build_documents(documents, jobs=2).graph, "turtle")
    assert one == two
    assert one == serialize(build_texts(texts).graph, "turtle")


def test_cached_extractions_round_trip_exactly(corpus: Path) -> None:
    result = build([corpus])
    for ex in result.extractions:
        data = json.loads(json.dumps(extraction_to_json(ex)))
        assert extraction_from_json(data) == ex


# --- atomicity: kill a build at random points ----------------------------------------------------


def _run_build(corpus: Path, store: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "build", str(corpus), "--store", str(store),
         "-q", "--jobs", "1"],
        env={**os.environ, "PYTHONHASHSEED": "0"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_a_killed_build_leaves_the_old_or_the_new_store(tmp_path: Path) -> None:
    old_docs = {f"n{i:02d}.txt": f"Nokia invested in Portugal in {1990 + i}." for i in range(6)}
    corpus = write_corpus(tmp_path / "corpus", old_docs)
    pristine = tmp_path / "pristine"
    build_store([corpus], pristine)
    old_state = dataset(pristine)
    # the next build changes two documents and adds twelve
    (corpus / "n00.txt").write_text("Volvo opened a plant in Mexico.\n", encoding="utf-8")
    (corpus / "n01.txt").write_text("Chile trades with Peru.\n", encoding="utf-8")
    write_corpus(corpus, {f"m{i:02d}.txt": f"Maersk invested in Vietnam in {2000 + i}. "
                          "Japan trades with Vietnam." for i in range(12)})
    finished = tmp_path / "finished"
    shutil.copytree(pristine, finished)
    started = time.perf_counter()
    assert _run_build(corpus, finished).wait(timeout=600) == 0
    duration = time.perf_counter() - started
    new_state = dataset(finished)
    assert new_state != old_state
    rng = random.Random(5)
    outcomes = []
    for trial in range(10):
        store = tmp_path / f"trial{trial}"
        shutil.copytree(pristine, store)
        process = _run_build(corpus, store)
        time.sleep(rng.uniform(0.05, duration * 1.05))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        state = dataset(store)  # the store opens ...
        assert state in (old_state, new_state), f"trial {trial}: a mixed store"  # ... whole
        outcomes.append("new" if state == new_state else "old")
        # and the next build completes it, reusing what the killed one parsed
        report = build_store([corpus], store).report
        assert dataset(store) == new_state
        assert report.extracted <= 14
        assert [p.name for p in store.iterdir() if p.name.startswith("gen-")] == [
            (store / CURRENT).read_text(encoding="utf-8").strip()
        ]
    assert "old" in outcomes, outcomes  # at least one kill landed inside the build


# --- the --store option of every query command ---------------------------------------------------


@pytest.fixture
def built_store(corpus: Path, tmp_path: Path) -> Path:
    store = tmp_path / "store"
    build_store([corpus], store)
    return store


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_query_with_store(built_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = str(built_store)
    sparql = "SELECT ?l WHERE { ?c a kgo:Country ; rdfs:label ?l } ORDER BY ?l"
    code, out, err = run(capsys, "query", "--store", store, sparql, "--format", "csv")
    assert code == 0, err
    assert out.splitlines()[0] == "l" and "Portugal" in out.splitlines()
    # the same as a query on the exported file
    ttl = built_store.parent / "g.ttl"
    assert run(capsys, "export", "--store", store, str(ttl))[0] == 0
    for fmt in ("table", "csv", "json"):
        from_store = run(capsys, "query", "--store", store, sparql, "--format", fmt)[1]
        assert from_store == run(capsys, "query", str(ttl), sparql, "--format", fmt)[1]
    construct = "CONSTRUCT { ?c rdfs:label ?l } WHERE { ?c a kgo:Company ; rdfs:label ?l }"
    from_store = run(capsys, "query", "--store", store, construct)[1]
    assert from_store == run(capsys, "query", str(ttl), construct)[1]
    assert run(capsys, "query", "--store", store, "ASK { ?c a kgo:Treaty }")[1] == "true\n"


def test_query_with_store_is_read_only(
    built_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = dataset(built_store)
    code, out, err = run(
        capsys, "query", "--store", str(built_store), "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    )
    assert code == 1 and out == "" and "read-only" in err
    code, _, err = run(capsys, "query", "--store", str(built_store), "SELECT ?x\nWHERE { ?x ?y }")
    assert code == 1 and "line 2, column" in err
    assert dataset(built_store) == before


def test_other_commands_with_store(
    built_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = str(built_store)
    code, out, _ = run(capsys, "stats", "--store", store)
    assert code == 0 and "documents              3" in out
    code, out, _ = run(capsys, "validate", "--store", store)
    assert code == 0 and out.startswith("Conforms")
    code, out, _ = run(capsys, "why", "--store", store, "Nokia", "investsIn", "Portugal")
    assert code == 0 and '"Nokia invested in Portugal in 2019."' in out
    code, out, _ = run(capsys, "why", "--store", store, "Nokia")
    assert code == 0 and "competesWith" in out
    page = tmp_path / "view.html"
    code, _, _ = run(capsys, "view", "--store", store, "-o", str(page))
    assert code == 0 and "Maersk" in page.read_text(encoding="utf-8")
    out_nt = tmp_path / "g.nt"
    assert run(capsys, "export", "--store", store, str(out_nt))[0] == 0
    triples = [line for line in out_nt.read_text(encoding="utf-8").splitlines() if line]
    assert len(triples) == len(_store_graph(built_store))


def test_remove_command(built_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "remove", "corpus/ports.txt", "--store", str(built_store))
    assert code == 0, err
    assert "removed corpus/ports.txt" in err and "1 removed" in err
    code, _, err = run(capsys, "remove", "nothing.txt", "--store", str(built_store))
    assert code == 2 and "no document 'nothing.txt'" in err


def test_bad_store_paths_are_input_errors(
    built_store: Path, corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = str(tmp_path / "nowhere")
    for command in (["query", "--store", missing, "ASK {}"], ["stats", "--store", missing],
                    ["why", "--store", missing, "Nokia"], ["remove", "x", "--store", missing]):
        code, out, err = run(capsys, *command)
        assert code == 1, command
        assert "nowhere: no such store" in err and out == ""
    not_store = tmp_path / "plain"
    not_store.mkdir()
    (not_store / "notes.txt").write_text("x", encoding="utf-8")
    code, _, err = run(capsys, "stats", "--store", str(not_store))
    assert code == 1 and "not a kg store" in err
    code, _, err = run(capsys, "build", str(corpus), "--store", str(not_store), "-q")
    assert code == 2 and "not empty and is not a kg store" in err
    assert sorted(p.name for p in not_store.iterdir()) == ["notes.txt"]
    code, _, err = run(capsys, "stats", "--store", str(corpus / "energy.txt"))
    assert code == 1 and "this is a file" in err
    code, _, err = run(capsys, "stats", str(tmp_path / "g.ttl"), "--store", str(built_store))
    assert code == 2 and "not both" in err
    code, _, err = run(capsys, "build", str(corpus), "--prune", "-q")
    assert code == 2 and "--prune needs --store" in err
    code, _, err = run(capsys, "build", str(corpus), "--store", str(built_store), "--jobs", "0")
    assert code == 2 and "--jobs" in err


def test_store_build_writes_files_only_with_out(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "build", str(corpus), "--store", "st", "-q")[0] == 0
    assert not (tmp_path / "exports").exists()
    assert run(capsys, "build", str(corpus), "--store", "st", "--out", "o", "-q")[0] == 0
    assert (tmp_path / "o" / "graph.ttl").read_bytes() == serialize(
        _store_graph(tmp_path / "st"), "turtle"
    )


def test_store_terms_round_trip(built_store: Path) -> None:
    graph = _store_graph(built_store)
    years = {o for o in graph.objects(None, KGO.startDate)}
    assert years and all(isinstance(y, Literal) and y.datatype for y in years)
    assert all(isinstance(o, Literal) and o.datatype is None
               for o in graph.objects(None, RDFS.label))
    assert URIRef(DEFAULT_BASE + "entity/nokia") in set(graph.subjects())
    assert isinstance(ox.Store, type)


@pytest.mark.parametrize("damage", ["sst", "current", "manifest"])
def test_a_corrupted_store_gives_a_clear_error_not_a_traceback(
    built_store: Path, corpus: Path, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    database = read_state(built_store).database
    if damage == "sst":  # same sizes, garbage content: RocksDB's "Bad table magic number"
        for table in database.glob("*.sst"):
            size = table.stat().st_size
            table.write_bytes(bytes(random.Random(size).randrange(256) for _ in range(size)))
    elif damage == "current":
        (database / "CURRENT").write_text("garbage\n", encoding="utf-8")
    else:
        for manifest in database.glob("MANIFEST-*"):
            manifest.write_bytes(b"\x00" * 100)
    store = str(built_store)
    for command in (["stats", "--store", store], ["query", "--store", store, "ASK {}"],
                    ["export", "--store", store, str(built_store.parent / "g.ttl")],
                    ["build", str(corpus), "--store", store, "-q"]):
        code, out, err = run(capsys, *command)
        assert code == 1, (command, err)
        assert "Traceback" not in err and out == ""
        assert f"{store}: the store database is damaged and cannot be opened (" in err, err
        assert f"delete the folder and rebuild it: kg build DOCS --store {store}" in err
    with pytest.raises(StoreError, match="Corruption"):
        open_store(built_store)


def test_a_store_build_report_accounts_for_every_file(corpus: Path, tmp_path: Path) -> None:
    (corpus / "copy.txt").write_text(DOCS["ports.txt"] + "\n", encoding="utf-8")
    (corpus / ".hidden.txt").write_text("Volvo opened a plant in Chile.\n", encoding="utf-8")
    (corpus / "empty.txt").write_bytes(b"")
    result = build_store([corpus], tmp_path / "store")
    outcomes = {Path(f.path).name: (f.outcome.value, f.detail) for f in result.report.files}
    assert outcomes == {
        "energy.txt": ("read", ""),
        "treaty.txt": ("read", ""),
        "copy.txt": ("duplicate", str(corpus / "ports.txt")),
        "ports.txt": ("read", ""),
        ".hidden.txt": ("ignored", "a hidden file"),
        "empty.txt": ("unreadable", "the file is empty"),
    }
    text = result.report.format()
    assert text.startswith("documents: 3 read, 2 skipped (1 hidden or of a type kg does not "
                           "read), 1 duplicate\n")
    assert f"store {tmp_path / 'store'}: 3 new" in text


def test_export_a_store_as_trig_and_nquads_keeps_the_named_graphs(
    built_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from rdflib import Dataset

    quads = len(open_store(built_store))
    graphs = {name.value for name in open_store(built_store).named_graphs()}
    for name, fmt in (("all.trig", "trig"), ("all.nq", "nquads")):
        out = tmp_path / name
        code, _, err = run(capsys, "export", "--store", str(built_store), str(out))
        assert code == 0, err
        dataset = Dataset()
        dataset.parse(out, format=fmt)
        assert len(dataset.default_context) == 0  # every triple kept its named graph
        assert sum(len(g) for g in dataset.graphs()) == quads
        assert {str(g.identifier) for g in dataset.graphs() if len(g)} == graphs
        first = out.read_bytes()
        run(capsys, "export", "--store", str(built_store), str(out))
        assert out.read_bytes() == first  # the same store, the same bytes
