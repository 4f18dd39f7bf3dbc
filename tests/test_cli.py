"""The ``kg`` command line, end to end.

One real ``kg build`` of the bundled sample runs in a subprocess from an empty folder (module
fixture); the other commands run in-process on the graph it wrote, through ``kg.cli.main``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pyoxigraph
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS

from kg import cli
from kg.build import sample_path
from kg.graphs.file import load_graph
from kg.ingest import read_document
from kg.model import Document
from kg.vocab import DEFAULT_BASE, ENTITY_CLASSES, KGO, RELATION_PROPERTIES, SYMMETRIC_PROPERTIES

REPO = Path(__file__).resolve().parent.parent
COMMANDS = ("build", "query", "export", "validate", "why", "stats", "view")
KGO_NS = str(KGO._NS)
TYPED_PROPERTIES = tuple(p for p in RELATION_PROPERTIES if p != "mentionedWith")
#: A remote resource loaded by a page: src/href to http(s) or protocol-relative URLs.
REMOTE_RESOURCE = re.compile(r"""\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


# --- helpers -----------------------------------------------------------------------------------


def run_kg(*args: str, cwd: Path, hash_seed: str = "0") -> subprocess.CompletedProcess[str]:
    """Run ``python -m kg.cli ARGS`` in ``cwd`` as a user would run ``kg``."""
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    return subprocess.run(
        [sys.executable, "-m", "kg.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``kg.cli.main(args)`` in-process; returns (exit code, stdout, stderr)."""
    code = cli.main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def files_under(folder: Path) -> set[str]:
    """Every file and folder below ``folder``, as posix paths relative to it."""
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


def subcommands() -> dict[str, tuple[argparse.ArgumentParser, str]]:
    """Each subcommand's parser and its one-line help, read from the real argument parser."""
    parser = cli._parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help or "" for choice in action._choices_actions}
            return {name: (sub, helps.get(name, "")) for name, sub in action.choices.items()}
    raise AssertionError("kg's parser has no subcommands")


def local(iri: object) -> str:
    return str(iri)[len(KGO_NS) :] if str(iri).startswith(KGO_NS) else ""


def is_entity(graph: Graph, node: object) -> bool:
    return any(local(cls) in ENTITY_CLASSES for cls in graph.objects(node, RDF.type))  # type: ignore[arg-type]


def typed_relations(graph: Graph) -> list[tuple[URIRef, URIRef, URIRef]]:
    """Every asserted typed relation (not mentionedWith) between two entities, sorted."""
    found = []
    for s, p, o in graph:
        if local(p) in TYPED_PROPERTIES and is_entity(graph, s) and is_entity(graph, o):
            assert isinstance(s, URIRef) and isinstance(p, URIRef) and isinstance(o, URIRef)
            found.append((s, p, o))
    return sorted(found)


def sample_document() -> Document:
    """The sample as kg reads it: sentence offsets index this Document's text."""
    path = sample_path()
    return read_document(path, path.name)


def select(graph: Graph, sparql: str) -> list[tuple[object, ...]]:
    return [tuple(row) for row in graph.query(sparql)]  # type: ignore[arg-type]


PREFIXES = """\
PREFIX kgo: <https://w3id.org/kg/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""


# --- fixtures ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SampleBuild:
    """A ``kg build`` of the sample, run with no paths from an empty working directory."""

    cwd: Path
    process: subprocess.CompletedProcess[str]

    @property
    def ttl(self) -> Path:
        return self.cwd / "exports" / "graph.ttl"

    @property
    def html(self) -> Path:
        return self.cwd / "exports" / "graph.html"


@pytest.fixture(scope="module")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> SampleBuild:
    cwd = tmp_path_factory.mktemp("empty-cwd")
    process = run_kg("build", cwd=cwd, hash_seed="1")
    assert process.returncode == 0, process.stderr
    return SampleBuild(cwd, process)


@pytest.fixture(scope="module")
def ttl(sample_build: SampleBuild) -> str:
    """The sample graph file the build wrote (tests must not modify it)."""
    return str(sample_build.ttl)


@pytest.fixture(scope="module")
def graph(sample_build: SampleBuild) -> Graph:
    return load_graph(sample_build.ttl)


@pytest.fixture(scope="module")
def countries(graph: Graph) -> list[str]:
    """The labels of the sample's countries, sorted."""
    labels = [str(row[0]) for row in select(graph, PREFIXES + """
        SELECT ?label WHERE { ?c a kgo:Country ; rdfs:label ?label }""")]
    assert labels, "the sample graph has no country"
    return sorted(labels)


# --- help and documentation --------------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main([command, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: kg {command}")
    assert len(out.splitlines()) > 3  # usage, a description and the options


def test_top_level_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for command in COMMANDS:
        assert re.search(rf"^\s+{command}\s+\S", out, re.MULTILINE), command


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main([])
    assert exit_info.value.code == 2
    assert "usage: kg" in capsys.readouterr().err


def test_walked_subcommands_all_have_help_and_a_description() -> None:
    found = subcommands()
    assert set(COMMANDS) <= set(found)
    for name, (parser, helptext) in found.items():
        assert helptext.strip(), f"kg {name} has no one-line help"
        assert (parser.description or "").strip(), f"kg {name} has no description"


def test_readme_documents_every_command() -> None:
    readme = REPO / "README.md"
    assert readme.is_file(), "README.md is missing"
    text = readme.read_text(encoding="utf-8")
    heading = re.search(r"^(#+)\s.*\b(CLI|command[- ]line)\b.*$", text, re.I | re.M)
    assert heading, "README.md has no CLI reference section"
    level = len(heading[1])
    rest = text[heading.end() :]
    following = re.search(rf"^#{{1,{level}}}\s", rest, re.M)
    section = rest[: following.start()] if following else rest
    missing = [name for name in subcommands() if not re.search(rf"\bkg {name}\b", section)]
    assert not missing, f"README.md's CLI reference does not mention kg {', kg '.join(missing)}"


def test_console_script_runs(sample_build: SampleBuild) -> None:
    script = Path(sys.executable).with_name("kg")
    if not script.exists():
        pytest.skip("the kg console script is not installed next to this Python")
    process = subprocess.run(
        [str(script), "stats", str(sample_build.ttl)],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert process.returncode == 0, process.stderr
    assert re.search(r"^documents\s+1$", process.stdout, re.M)


# --- kg build ----------------------------------------------------------------------------------


def test_build_without_paths_writes_only_the_two_exports(sample_build: SampleBuild) -> None:
    assert files_under(sample_build.cwd) == {"exports", "exports/graph.ttl", "exports/graph.html"}
    assert sample_build.process.stdout == ""


def test_build_reports_what_it_read_and_found(sample_build: SampleBuild, graph: Graph) -> None:
    err = sample_build.process.stderr
    assert "documents: 1 read, 0 skipped" in err
    entities = re.search(r"^entities: (\d+)$", err, re.M)
    relations = re.search(r"^relations: (\d+) typed", err, re.M)
    triples = re.search(r"^triples: (\d+)", err, re.M)
    assert entities and relations and triples, err
    assert int(entities[1]) == len({s for s in graph.subjects() if is_entity(graph, s)})
    assert int(relations[1]) == len(typed_relations(graph)) > 0
    assert int(triples[1]) == len(graph)
    assert "exports/graph.ttl" in err and "exports/graph.html" in err


def test_rebuild_gives_identical_bytes(
    sample_build: SampleBuild, tmp_path_factory: pytest.TempPathFactory
) -> None:
    cwd = tmp_path_factory.mktemp("rebuild")
    process = run_kg("build", "--quiet", cwd=cwd, hash_seed="2")
    assert process.returncode == 0, process.stderr
    assert (cwd / "exports" / "graph.ttl").read_bytes() == sample_build.ttl.read_bytes()
    assert (cwd / "exports" / "graph.html").read_bytes() == sample_build.html.read_bytes()
    assert process.stderr == ""  # --quiet: no report


def test_build_html_is_self_contained(sample_build: SampleBuild) -> None:
    page = sample_build.html.read_text(encoding="utf-8")
    assert page.lstrip().lower().startswith("<!doctype html>")
    assert not REMOTE_RESOURCE.search(page)


@pytest.fixture
def mixed_corpus(tmp_path: Path) -> Path:
    """Two good documents, an empty one and a binary one that claims to be text."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "good.txt").write_text("Toyota invested in Poland in 2019.\n", encoding="utf-8")
    (folder / "notes.md").write_text(
        "# Trade notes\n\nGermany trades with France.\n", encoding="utf-8"
    )
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blob.txt").write_bytes(bytes(range(256)) * 4)
    return folder


def test_build_skips_bad_files_and_still_writes(
    mixed_corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code, stdout, err = run_main(capsys, "build", str(mixed_corpus), "--out", str(out))
    assert code == 1
    assert stdout == ""
    assert (out / "graph.ttl").is_file() and (out / "graph.html").is_file()
    assert re.search(r"skipped \S*empty\.txt: .*empty", err), err
    assert re.search(r"skipped \S*blob\.txt: .*binary", err), err
    assert "documents: 2 read, 2 skipped" in err
    built = load_graph(out / "graph.ttl")
    sources = sorted(str(s) for s in built.objects(None, DCTERMS.source))
    assert sources == ["corpus/good.txt", "corpus/notes.md"]


def test_build_missing_path_is_an_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run_main(capsys, "build", "missing/path")
    assert code == 1
    assert "missing/path" in err
    assert files_under(tmp_path) == set()


@pytest.mark.parametrize("value", ["2", "-0.5"])
def test_build_rejects_confidence_outside_0_1(
    value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run_main(capsys, "build", f"--min-confidence={value}")
    assert code == 2
    assert "--min-confidence" in err
    assert files_under(tmp_path) == set()


def test_build_base_and_no_html(
    mixed_corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = mixed_corpus / "good.txt"
    out = tmp_path / "based"
    base = "https://example.org/mygraph/"
    code, _, err = run_main(
        capsys, "build", str(good), "--out", str(out), "--base", base, "--no-html", "-q"
    )
    assert code == 0, err
    assert files_under(out) == {"graph.ttl"}
    built = load_graph(out / "graph.ttl")
    subjects = {str(s) for s in built.subjects()}
    assert any(s.startswith(base + "entity/") for s in subjects)
    assert not any(str(term).startswith(DEFAULT_BASE) for triple in built for term in triple)


# --- kg validate and a second parser -----------------------------------------------------------


def test_sample_graph_validates(ttl: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_main(capsys, "validate", ttl)
    assert code == 0
    assert out.startswith("Conforms")


def test_nonconforming_graph_fails_validation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "nolabel.ttl"
    bad.write_text(
        "@prefix kgo: <https://w3id.org/kg/ontology#> .\n"
        "<https://w3id.org/kg/id/entity/seoul> a kgo:City .\n",
        encoding="utf-8",
    )
    code, out, _ = run_main(capsys, "validate", str(bad))
    assert code == 1
    assert "Does not conform" in out and "kgr:entity/seoul" in out


def test_second_parser_reads_the_same_triples(sample_build: SampleBuild, graph: Graph) -> None:
    quads = list(pyoxigraph.parse(path=sample_build.ttl, format=pyoxigraph.RdfFormat.TURTLE))
    assert len(quads) == len(graph) > 0
    oxigraph_subjects = {q.subject.value for q in quads}
    assert oxigraph_subjects == {str(s) for s in graph.subjects()}


# --- kg query ----------------------------------------------------------------------------------

COUNTRY_QUERY = "SELECT ?c ?label WHERE { ?c a kgo:Country ; rdfs:label ?label } ORDER BY ?label"


def test_query_table(ttl: str, countries: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_main(capsys, "query", ttl, COUNTRY_QUERY)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["c", "label"]
    assert set(lines[1]) <= {"-", " "}
    body = lines[2:-1]
    assert [line.split(None, 1)[1] for line in body] == countries
    assert all(line.startswith("kgr:entity/") for line in body)
    assert lines[-1] == f"{len(countries)} rows"


def test_query_csv(ttl: str, countries: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_main(capsys, "query", ttl, COUNTRY_QUERY, "--format", "csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert rows[0] == ["c", "label"]
    assert [row[1] for row in rows[1:]] == countries
    assert all(row[0].startswith(DEFAULT_BASE + "entity/") for row in rows[1:])


def test_query_json_with_options_before_the_query(
    ttl: str, countries: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_main(capsys, "query", ttl, "--format", "json", COUNTRY_QUERY)
    assert code == 0, err
    document = json.loads(out)
    assert document["head"]["vars"] == ["c", "label"]
    bindings = document["results"]["bindings"]
    assert [b["label"]["value"] for b in bindings] == countries
    assert all(b["c"]["type"] == "uri" for b in bindings)


def test_query_ask(ttl: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_main(capsys, "query", ttl, "ASK { ?c a kgo:Country }")[:2] == (0, "true\n")
    assert run_main(capsys, "query", ttl, "ASK { ?c a kgo:NoSuchClass }")[:2] == (0, "false\n")
    code, out, _ = run_main(capsys, "query", ttl, "ASK { ?c a kgo:Country }", "--format", "json")
    assert code == 0 and json.loads(out)["boolean"] is True


def test_query_construct(
    ttl: str, countries: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    sparql = "CONSTRUCT { ?c rdfs:label ?l } WHERE { ?c a kgo:Country ; rdfs:label ?l }"
    code, out, _ = run_main(capsys, "query", ttl, sparql)
    assert code == 0
    result = Graph().parse(data=out, format="turtle")
    assert sorted(str(o) for o in result.objects(None, RDFS.label)) == countries
    assert len(result) == len(countries)


def test_query_from_file(
    ttl: str, countries: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    query_file = tmp_path / "countries.rq"
    query_file.write_text(PREFIXES + COUNTRY_QUERY + "\n", encoding="utf-8")
    code, out, _ = run_main(capsys, "query", ttl, "-f", str(query_file), "--format", "csv")
    assert code == 0
    assert [row[1] for row in csv.reader(io.StringIO(out, newline=""))][1:] == countries
    code, _, err = run_main(capsys, "query", ttl, COUNTRY_QUERY, "-f", str(query_file))
    assert code == 2 and "not both" in err
    code, _, err = run_main(capsys, "query", ttl, "-f", str(tmp_path / "absent.rq"))
    assert code == 1 and "absent.rq" in err


def test_query_refuses_updates(ttl: str, capsys: pytest.CaptureFixture[str]) -> None:
    before = Path(ttl).read_bytes()
    code, out, err = run_main(capsys, "query", ttl, "INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    assert code == 1
    assert out == ""
    assert "read-only" in err
    assert Path(ttl).read_bytes() == before


def test_query_syntax_error_shows_line_and_column(
    ttl: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_main(capsys, "query", ttl, "SELECT ?x\nWHERE { ?x ?y }")
    assert code == 1
    assert re.search(r"line 2, column \d+", err), err
    assert "WHERE { ?x ?y }" in err and "^" in err


def test_query_missing_graph_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nothere.ttl"
    code, _, err = run_main(capsys, "query", str(missing), "ASK {}")
    assert code == 1
    assert "nothere.ttl" in err


def test_query_malformed_turtle_gives_a_position_not_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix kgo: <https://w3id.org/kg/ontology#> .\n"
        "<urn:a> a kgo:City\n"
        "<urn:b> a kgo:City .\n",
        encoding="utf-8",
    )
    process = run_kg("query", str(bad), "ASK { ?s ?p ?o }", cwd=tmp_path)
    assert process.returncode == 1
    assert "bad.ttl" in process.stderr and "line 3" in process.stderr
    assert "Traceback" not in process.stderr
    assert process.stdout == ""


# --- kg export ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "rdf_format"), [
    ("g.nt", "nt"), ("g.jsonld", "json-ld"), ("g.rdf", "xml"), ("g.owl", "xml"),
])
def test_export_rdf_formats_round_trip(
    name: str, rdf_format: str, ttl: str, graph: Graph, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / name
    code, _, err = run_main(capsys, "export", ttl, str(out))
    assert code == 0, err
    assert str(out) in err
    assert isomorphic(Graph().parse(out, format=rdf_format), graph)


def test_export_format_wins_over_the_suffix_with_a_warning(
    ttl: str, graph: Graph, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "g.ttl"
    code, _, err = run_main(capsys, "export", ttl, str(out), "--format", "nt")
    assert code == 0 and "warning" in err and "--format wins" in err
    assert isomorphic(Graph().parse(out, format="nt"), graph)
    code, _, err = run_main(capsys, "export", ttl, str(tmp_path / "g.trig"))
    assert code == 2 and "named graphs" in err


def test_exit_codes_follow_the_table(
    ttl: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """0 success; 1 an input, data or runtime failure; 2 a usage error only."""
    assert run_main(capsys, "stats", ttl)[0] == 0
    failures = [
        ("stats", str(tmp_path / "missing.ttl")),                  # a missing file
        ("why", ttl, "Atlantis Freedom Party"),                    # an unknown entity
        ("query", ttl, "SELECT ?x WHERE { ?x ?y }"),                # a malformed query
        ("build", str(tmp_path / "nothing-here")),                 # a missing input folder
    ]
    for args in failures:
        assert run_main(capsys, *args)[0] == 1, args
    usage = [
        ("export", ttl, str(tmp_path / "g.yaml")),                  # a suffix kg cannot write
        ("export", ttl, str(tmp_path / "g.ttl"), "--format", "toml"),
        ("query", ttl, "ASK {}", "-f", "q.rq"),                       # two queries at once
        ("query", ttl, "ASK {}", "--timeout", "-1"),
    ]
    for args in usage:
        code = run_main(capsys, *args)[0] if args[-1] != "toml" else _argparse_code(capsys, args)
        assert code == 2, args
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = run_kg("serve", ttl, "--port", str(port), cwd=tmp_path)
    assert busy.returncode == 1 and "cannot listen" in busy.stderr


def _argparse_code(capsys: pytest.CaptureFixture[str], args: tuple[str, ...]) -> int:
    """argparse rejects a bad choice by exiting 2 itself."""
    with pytest.raises(SystemExit) as caught:
        run_main(capsys, *args)
    return int(caught.value.code or 0)


def test_export_graphml(
    ttl: str, graph: Graph, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "g.graphml"
    assert run_main(capsys, "export", ttl, str(out))[0] == 0
    network = nx.read_graphml(out)
    entities = {str(s) for s in graph.subjects() if is_entity(graph, s)}
    assert entities <= set(network.nodes)
    edges = {(u, v) for u, v in network.edges()}
    for s, _, o in typed_relations(graph):
        assert (str(s), str(o)) in edges


def test_export_html(ttl: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "g.html"
    assert run_main(capsys, "export", ttl, str(out))[0] == 0
    page = out.read_text(encoding="utf-8")
    assert page.lstrip().lower().startswith("<!doctype html>")
    assert not REMOTE_RESOURCE.search(page)


def test_export_format_option_overrides_the_suffix(
    ttl: str, graph: Graph, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "triples.txt"
    assert run_main(capsys, "export", ttl, str(out), "--format", "nt")[0] == 0
    assert isomorphic(Graph().parse(out, format="nt"), graph)


def test_export_unknown_suffix(
    ttl: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "graph.xyz"
    code, _, err = run_main(capsys, "export", ttl, str(out))
    assert code == 2
    assert "graph.xyz" in err and ".xyz" in err and "--format" in err
    assert not out.exists()
    assert files_under(tmp_path) == set()


# --- kg why ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def evidenced_fact(graph: Graph) -> tuple[str, str, str, str]:
    """(subject label, property, object label, sentence) of a typed fact of the sample."""
    rows = select(graph, PREFIXES + """
        SELECT ?sl ?p ?ol ?text WHERE {
            ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
                prov:wasDerivedFrom/kgo:text ?text .
            ?s rdfs:label ?sl . ?o rdfs:label ?ol .
            FILTER(?p != kgo:mentionedWith)
        } ORDER BY ?sl ?p ?ol ?text""")
    assert rows, "the sample graph has no evidenced typed relation"
    sl, p, ol, text = rows[0]
    return str(sl), local(p), str(ol), str(text)


def test_why_prints_the_evidence_sentence(
    ttl: str, evidenced_fact: tuple[str, str, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    subject, prop, obj, sentence = evidenced_fact
    code, out, err = run_main(capsys, "why", ttl, subject, prop, obj)
    assert code == 0, err
    assert f'"{sentence}"' in out
    assert prop in out and subject in out and obj in out
    sample_text = sample_path().read_text(encoding="utf-8")
    quoted = re.findall(r'^  "(.*)"$', out, re.M)
    assert quoted
    for printed in quoted:
        assert printed in sample_text


def test_why_with_only_a_subject_covers_both_directions(
    ttl: str, evidenced_fact: tuple[str, str, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    subject, prop, obj, sentence = evidenced_fact
    for name in (subject, obj):
        code, out, _ = run_main(capsys, "why", ttl, name)
        assert code == 0
        assert f'"{sentence}"' in out


def test_why_unknown_label_suggests_a_close_one(
    ttl: str, countries: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    name = countries[0]
    typo = name[:-2] + name[-1] + name[-2]  # swap the last two letters
    code, out, err = run_main(capsys, "why", ttl, typo)
    assert code == 1
    assert out == ""
    assert repr(typo) in err and "did you mean" in err and repr(name) in err


# --- kg stats ----------------------------------------------------------------------------------


def parse_stats(text: str) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """(top-level counts, entities by class, relations by property) from ``kg stats``."""
    totals: dict[str, int] = {}
    nested: dict[str, dict[str, int]] = {"entities": {}, "typed relations": {}}
    section = ""
    for line in text.splitlines():
        match = re.fullmatch(r"(\s*)(\S.*?)\s+(\d+)", line)
        assert match, f"unexpected stats line {line!r}"
        indent, label, number = match[1], match[2], int(match[3])
        if indent:
            nested[section][label] = number
        else:
            totals[label] = number
            section = label
    return totals, nested["entities"], nested["typed relations"]


def count(graph: Graph, sparql: str) -> int:
    (row,) = select(graph, PREFIXES + sparql)
    return int(row[0])  # type: ignore[call-overload]


def test_stats_agree_with_sparql(
    ttl: str, graph: Graph, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_main(capsys, "stats", ttl)
    assert code == 0
    totals, by_class, by_property = parse_stats(out)
    classes = " ".join(f"kgo:{name}" for name in ENTITY_CLASSES)
    properties = " ".join(f"kgo:{name}" for name in TYPED_PROPERTIES)
    assert totals["triples"] == count(graph, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    assert totals["documents"] == count(
        graph, "SELECT (COUNT(DISTINCT ?d) AS ?n) { ?d a kgo:Document }"
    ) == 1
    assert totals["sentences"] == count(
        graph, "SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s a kgo:Sentence }"
    )
    assert totals["entities"] == count(
        graph, f"SELECT (COUNT(DISTINCT ?e) AS ?n) {{ ?e a ?c VALUES ?c {{ {classes} }} }}"
    )
    assert totals["statements"] == count(
        graph, "SELECT (COUNT(DISTINCT ?st) AS ?n) { ?st a rdf:Statement }"
    )
    assert totals["dates"] == count(
        graph, "SELECT (COUNT(*) AS ?n) { ?e ?p ?d VALUES ?p { kgo:startDate kgo:endDate } }"
    )
    assert totals["mentionedWith pairs"] == count(graph, """
        SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?a ?b {
            { ?a kgo:mentionedWith ?b } UNION { ?b kgo:mentionedWith ?a }
            FILTER(STR(?a) < STR(?b)) } }""")
    # The contract types each entity with exactly one class, so per-class counts are plain.
    per_class = select(graph, PREFIXES + f"""
        SELECT ?c (COUNT(DISTINCT ?e) AS ?n) {{ ?e a ?c VALUES ?c {{ {classes} }} }}
        GROUP BY ?c""")
    assert by_class == {local(c): int(n) for c, n in per_class}  # type: ignore[call-overload]
    per_property = select(graph, PREFIXES + f"""
        SELECT ?p (COUNT(*) AS ?n) {{ ?s ?p ?o VALUES ?p {{ {properties} }} }} GROUP BY ?p""")
    assert by_property == {local(p): int(n) for p, n in per_property}  # type: ignore[call-overload]
    assert totals["typed relations"] == sum(by_property.values()) > 0


# --- kg view -----------------------------------------------------------------------------------


def test_view_writes_a_self_contained_page(
    ttl: str, countries: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run_main(capsys, "view", ttl, "-o", "out.html", "--title", "Alliance map")
    assert code == 0, err
    assert files_under(tmp_path) == {"out.html"}  # in particular no lib/ folder
    page = (tmp_path / "out.html").read_text(encoding="utf-8")
    assert page.lstrip().lower().startswith("<!doctype html>")
    assert not REMOTE_RESOURCE.search(page)
    assert "Alliance map" in page
    assert all(name in page for name in countries)


# --- evidence for every typed relation ---------------------------------------------------------


def test_every_typed_relation_has_a_verbatim_evidence_sentence(graph: Graph) -> None:
    document = sample_document()
    documents = {
        doc: graph.value(doc, KGO.sha256) for doc in graph.subjects(RDF.type, KGO.Document)
    }
    assert list(documents.values()) == [Literal(document.sha256)]
    relations = typed_relations(graph)
    assert relations
    for s, p, o in relations:
        directions = [(s, o), (o, s)] if local(p) in SYMMETRIC_PROPERTIES else [(s, o)]
        statements = [
            st for subj, obj in directions for st in graph.subjects(RDF.subject, subj)
            if graph.value(st, RDF.predicate) == p and graph.value(st, RDF.object) == obj
            and (st, RDF.type, RDF.Statement) in graph
        ]
        assert statements, f"no statement for {s} {p} {o}"
        supported = False
        for statement in statements:
            for sentence in graph.objects(statement, PROV.wasDerivedFrom):
                assert (sentence, RDF.type, KGO.Sentence) in graph
                assert graph.value(sentence, KGO.inDocument) in documents
                start = graph.value(sentence, KGO.charStart)
                end = graph.value(sentence, KGO.charEnd)
                text = graph.value(sentence, KGO.text)
                assert isinstance(start, Literal) and isinstance(end, Literal)
                assert isinstance(text, Literal)
                assert document.text[start.toPython() : end.toPython()] == str(text), sentence
                supported = True
        assert supported, f"no evidence sentence for {s} {p} {o}"


# --- every input file accounted for, printed once and safely ------------------------------------


def _word(text: str) -> bytes:
    import docx

    word = docx.Document()
    word.add_heading("Trade", level=1)
    word.add_paragraph(text)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def odd_corpus(tmp_path: Path) -> Path:
    """A folder with one of each: read, Windows-1252, Word, duplicate, bad, hidden, unsupported."""
    folder = tmp_path / "odd"
    (folder / ".git").mkdir(parents=True)
    (folder / ".git" / "config").write_text("[core]\n", encoding="utf-8")
    (folder / "good.txt").write_text("Toyota invested in Poland in 2019.\n", encoding="utf-8")
    (folder / "copy.txt").write_text("Toyota invested in Poland in 2019.\n", encoding="utf-8")
    (folder / "sport-199.txt").write_bytes(
        "Chelsea paid \u00a312m to Lyon for the striker, the club said.\n".encode("cp1252")
    )
    (folder / "memo.docx").write_bytes(_word("Nokia invested in Portugal in 2020."))
    (folder / "empty.txt").write_bytes(b"")
    (folder / ".hidden.txt").write_text("Volvo opened a plant in Mexico.\n", encoding="utf-8")
    (folder / "budget.xlsx").write_bytes(b"PK\x03\x04")
    return folder


def test_build_accounts_for_every_file_once(
    odd_corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code, stdout, err = run_main(capsys, "build", str(odd_corpus), "--out", str(out), "-j", "1")
    assert code == 1 and stdout == ""  # empty.txt could not be read
    lines = err.splitlines()
    assert lines[0] == (
        "documents: 3 read, 4 skipped (3 hidden or of a type kg does not read), 1 duplicate"
    )
    expected = [
        f"  read {odd_corpus / 'good.txt'}",
        f"  read {odd_corpus / 'memo.docx'}",
        f"  read {odd_corpus / 'sport-199.txt'}: not UTF-8; read as cp1252",
        f"  duplicate {odd_corpus / 'copy.txt'}: the same text as {odd_corpus / 'good.txt'}; "
        "merged into it",
        f"  skipped {odd_corpus / 'empty.txt'}: the file is empty",
        f"  skipped {odd_corpus / '.git'}: a hidden folder; not searched",
        f"  skipped {odd_corpus / '.hidden.txt'}: a hidden file",
        f"  skipped {odd_corpus / 'budget.xlsx'}: unsupported type '.xlsx'",
    ]
    assert lines[1:9] == expected
    for name in ("empty.txt", ".hidden.txt", "budget.xlsx", "copy.txt", ".git"):
        assert sum(name in line for line in lines) == 1, (name, err)  # listed exactly once
    sources = sorted(str(s) for s in load_graph(out / "graph.ttl").objects(None, DCTERMS.source))
    assert sources == ["odd/good.txt", "odd/memo.docx", "odd/sport-199.txt"]

    code, _, quiet = run_main(capsys, "build", str(odd_corpus), "--out", str(out), "-q", "-j", "1")
    assert code == 1
    assert quiet.splitlines() == ["kg: " + line.strip() for line in expected[4:]]


def test_a_windows_1252_file_is_read_and_the_build_succeeds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "bbc"
    folder.mkdir()
    (folder / "sport-199.txt").write_bytes(
        "Chelsea paid \u00a312m to Lyon for the striker, the club said.\n".encode("cp1252")
    )
    code, _, err = run_main(capsys, "build", str(folder), "--out", str(tmp_path / "out"), "-j", "1")
    assert code == 0, err
    assert "sport-199.txt: not UTF-8; read as cp1252" in err
    graph = load_graph(tmp_path / "out" / "graph.ttl")
    sentences = {str(o) for o in graph.objects(None, KGO.text)}
    assert any("\u00a312m" in sentence for sentence in sentences), sentences


HOSTILE_NAMES = (
    "evil\x1b[2J\x1b]0;owned\x07.txt",  # clear the screen, set the window title
    "nl\nkg build: everything fine.txt",  # a forged report line
    "csi\x9b31m.txt",  # a C1 control
    "bidi\u202etxt.exe",  # right-to-left override: shows as "bidiexe.txt"
    "del\x7f\r.md",
)
ACTIVE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.mark.parametrize("quiet", [False, True])
def test_file_names_cannot_drive_the_terminal(tmp_path: Path, quiet: bool) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "good.txt").write_text("Toyota invested in Poland in 2019.\n", encoding="utf-8")
    for name in HOSTILE_NAMES:
        (folder / name).write_bytes(b"")
    (folder / "\x1b[31mread.txt").write_text("Nokia invested in Portugal.\n", encoding="utf-8")
    args = ["build", str(folder), "--out", str(tmp_path / "out"), "-j", "1", "--no-html"]
    process = run_kg(*args, *(["-q"] if quiet else []), cwd=tmp_path)
    assert process.returncode == 1 and "Traceback" not in process.stderr
    assert not ACTIVE.search(process.stderr), repr(process.stderr)
    lines = process.stderr.splitlines()
    assert not any(line.startswith("kg build: everything fine") for line in lines)
    assert "evil\\x1b[2J\\x1b]0;owned\\x07.txt: the file is empty" in process.stderr
    assert "nl\\nkg build: everything fine.txt: the file is empty" in process.stderr
    assert "csi\\x9b31m.txt: the file is empty" in process.stderr
    assert "bidi\\u202etxt.exe: unsupported type '.exe'" in process.stderr
    assert "del\\x7f\\r.md: the file is empty" in process.stderr
    if not quiet:
        assert f"read {folder}/\\x1b[31mread.txt" in process.stderr
    # the graph keeps the names as they are
    sources = {str(s) for s in load_graph(tmp_path / "out" / "graph.ttl").objects(
        None, DCTERMS.source)}
    assert "docs/\x1b[31mread.txt" in sources


def test_a_hostile_missing_path_is_escaped_in_the_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_main(capsys, "build", str(tmp_path / "gone\x1b[2J\nkg: fine.txt"))
    assert code == 1
    assert err == f"kg build: {tmp_path}/gone\\x1b[2J\\nkg: fine.txt: no such file or folder\n"


def test_every_command_and_option_has_help() -> None:
    """`kg --help` and each command's help say what every option does (sqlite-utils style)."""
    import argparse

    from kg.cli import _parser

    parser = _parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert {c.dest for c in commands._choices_actions if c.help} == set(commands.choices)
    for name, sub in commands.choices.items():
        for action in sub._actions:
            if not isinstance(action, argparse._HelpAction):
                assert action.help, f"kg {name}: {action.dest} has no help text"
        assert name in README_TEXT, f"kg {name} is not in the README"
    assert "DESCRIBE" in parser.format_help()


README_TEXT = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
