"""The SPARQL layer (kg.sparql): preparing, prefixes, result writers with their limits, and
the timeout runner."""

from __future__ import annotations

import csv
import io
import json
import threading
from pathlib import Path
from xml.dom import minidom

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef

from kg.errors import QueryError, UsageError
from kg.query import run_query
from kg.sparql.prefixes import bind_prefixes, query_namespaces, standard_namespaces
from kg.sparql.prepare import UpdateRefused, classify, prepare, query_kind
from kg.sparql.results import (
    FORMATS,
    NotXml,
    format_result,
    serialize_boolean,
    serialize_solutions,
)
from kg.sparql.runner import Busy, Limits, Preempted, Runner, TimedOut, with_timeout
from kg.vocab import DEFAULT_BASE

#: Values that look like the end of a row in one results format or another.
TRICKY = ["a,b", 'say "hi"', "two\nlines", "cr\r\nlf", "</result>x", '}},{"o":{"type":"uri"',
          "tab\there", "]}}", "Corée"]


def _store(values: list[str]) -> ox.Store:
    store = ox.Store()
    store.extend(ox.Quad(ox.NamedNode(f"urn:s{n:02d}"), ox.NamedNode("urn:p"), ox.Literal(v))
                 for n, v in enumerate(values))
    return store


def _rows(store: ox.Store) -> ox.QuerySolutions:
    solutions = store.query("SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s")
    assert isinstance(solutions, ox.QuerySolutions)
    return solutions


def _values(data: bytes, fmt: str) -> list[str]:
    """The ?o values of an answer, read back by a parser of the format."""
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
        assert rows[0] == ["s", "o"]
        return [row[1] for row in rows[1:]]
    if fmt == "xml":
        minidom.parseString(data)  # well-formed
    if fmt == "json":
        json.loads(data)
    parsed = ox.parse_query_results(data, getattr(ox.QueryResultsFormat, fmt.upper()))
    assert isinstance(parsed, ox.QuerySolutions)
    return [solution["o"].value for solution in parsed]


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_whole_answers_read_back_exactly(fmt: str) -> None:
    body = serialize_solutions(_rows(_store(TRICKY)), fmt)
    assert body.cut is None and body.items == len(TRICKY)
    expected = [v.replace("\r", "\n") if fmt == "csv" else v for v in TRICKY]
    got = _values(body.data, fmt)
    assert [v.replace("\r", "\n") if fmt == "csv" else v for v in got] == expected


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_answers_are_cut_at_a_row_and_stay_whole_documents(fmt: str) -> None:
    values = TRICKY * 30
    body = serialize_solutions(_rows(_store(values)), fmt, max_rows=4)
    assert body.cut == "rows" and body.items == 4
    assert len(_values(body.data, fmt)) == 4
    whole = serialize_solutions(_rows(_store(values)), fmt).data
    limit = len(whole) // 3
    body = serialize_solutions(_rows(_store(values)), fmt, max_rows=10_000, max_bytes=limit)
    assert body.cut == "bytes" and 0 < body.items < len(values)
    assert len(body.data) <= limit
    assert len(_values(body.data, fmt)) == body.items
    tiny = serialize_solutions(_rows(_store(values)), fmt, max_bytes=8)
    assert tiny.cut == "bytes" and tiny.items == 0


def test_csv_quotes_an_iri_that_holds_a_comma() -> None:
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://dbpedia.org/resource/Washington,_D.C."),
                      ox.NamedNode("urn:p"), ox.Literal("x")))
    data = serialize_solutions(store.query("SELECT ?s ?o { ?s ?p ?o }"), "csv").data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    assert rows == [["s", "o"], ["http://dbpedia.org/resource/Washington,_D.C.", "x"]]


def test_xml_keeps_a_carriage_return_and_refuses_a_control_character() -> None:
    body = serialize_solutions(_rows(_store(["a\rb"])), "xml")
    assert b"a&#13;b" in body.data
    node = minidom.parseString(body.data).getElementsByTagName("literal")[0].firstChild
    assert node is not None and node.nodeValue == "a\rb"
    with pytest.raises(NotXml, match="U\\+0007"):
        serialize_solutions(_rows(_store(["bell\x07"])), "xml")


def test_booleans_in_every_results_format() -> None:
    store = _store(["x"])
    answers = {}
    for fmt in ("json", "xml", "csv", "tsv"):
        outcome = store.query("ASK { ?s ?p ?o }")
        assert isinstance(outcome, ox.QueryBoolean)
        answers[fmt] = serialize_boolean(outcome, fmt)
    assert json.loads(answers["json"])["boolean"] is True
    node = minidom.parseString(answers["xml"]).getElementsByTagName("boolean")[0].firstChild
    assert node is not None and node.nodeValue == "true"
    assert answers["csv"] == b"true\r\n" and answers["tsv"] == b"true\n"


def test_kg_query_formats_read_back(tiny_graph: Graph) -> None:
    result = run_query(tiny_graph, "SELECT ?c ?l WHERE { ?c a kgo:Country ; rdfs:label ?l }")
    labels = [str(row[1]) for row in result.rows]
    assert labels
    for fmt in ("json", "xml", "tsv"):
        parsed = ox.parse_query_results(format_result(result, fmt).encode("utf-8"),
                                        getattr(ox.QueryResultsFormat, fmt.upper()))
        assert [solution["l"].value for solution in parsed] == labels  # type: ignore[union-attr]
    rows = list(csv.reader(io.StringIO(format_result(result, "csv"), newline="")))
    assert [row[1] for row in rows[1:]] == labels
    ask = run_query(tiny_graph, "ASK { ?s ?p ?o }")
    assert format_result(ask, "tsv") == "true\n"
    graph = run_query(tiny_graph, "CONSTRUCT WHERE { ?s a kgo:Country }")
    with pytest.raises(UsageError):
        format_result(graph, "xml")


def test_classify_and_prepare_refuse_updates_and_service() -> None:
    assert classify("SELECT * { ?s ?p ?o }") == "select"
    assert classify("CONSTRUCT WHERE { ?s ?p ?o }") == "graph"
    assert query_kind(prepare("ASK { ?s ?p ?o }", {})) == "ask"
    for update in ("DELETE WHERE { ?s ?p ?o }", "INSERT DATA { <urn:a> <urn:b> <urn:c> }"):
        with pytest.raises(UpdateRefused):
            classify(update)
        with pytest.raises(UpdateRefused):
            prepare(update, {})
    with pytest.raises(QueryError, match="SERVICE"):
        classify("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    with pytest.raises(QueryError, match="FROM"):
        prepare("SELECT * FROM <http://example.org/g> { ?s ?p ?o }", {})
    with pytest.raises(QueryError, match="line 1, column"):
        classify("SELECT ?x WHERE { ?x }")


def test_one_prefix_table_and_bind_prefixes() -> None:
    assert standard_namespaces()["kgr"] == DEFAULT_BASE
    assert standard_namespaces("https://example.org/")["kgr"] == "https://example.org/"
    graph = Graph(bind_namespaces="none")
    graph.bind("kgo", "urn:not-kgo#")
    bind_prefixes(graph, "https://example.org/")
    bound = {prefix: str(ns) for prefix, ns in graph.namespaces()}
    assert bound["kgo"] == "https://w3id.org/kg/ontology#"
    assert bound["kgr"] == "https://example.org/"
    bind_prefixes(graph)  # a graph that binds kgr keeps it
    assert query_namespaces(graph)["kgr"] == "https://example.org/"
    fresh = bind_prefixes(Graph(bind_namespaces="none"))
    assert dict(fresh.namespaces())["kgr"] == URIRef(DEFAULT_BASE)


def test_the_runner_keeps_errors_and_stops_at_the_deadline() -> None:
    assert with_timeout(lambda: Literal("x"), 10) == Literal("x")

    def refuse() -> None:
        raise UsageError("no such thing")

    with pytest.raises(UsageError, match="no such thing"):
        with_timeout(refuse, 10)
    with pytest.raises(TimedOut, match="ran longer than 0.5 s"):
        with_timeout(lambda: threading.Event().wait(60), 0.5)


def test_the_runner_preempts_the_longest_task_when_every_worker_is_busy() -> None:
    runner = Runner(Limits(timeout=20, workers=1, preempt_after=0.2))
    outcome: list[BaseException] = []
    started = threading.Event()

    def long_task() -> None:
        started.set()
        try:
            runner.run(lambda: threading.Event().wait(60))
        except BaseException as err:
            outcome.append(err)

    thread = threading.Thread(target=long_task)
    thread.start()
    started.wait(5)
    assert runner.run(lambda: "quick") == "quick"
    thread.join(20)
    assert len(outcome) == 1 and isinstance(outcome[0], Preempted)
    busy = Runner(Limits(timeout=0.3, workers=1))  # no preemption: a waiting task gives up
    assert busy.slots.acquire(timeout=1)
    try:
        with pytest.raises(Busy):
            busy.run(lambda: "never")
    finally:
        busy.slots.release()


def test_kg_query_offers_every_format(tiny_turtle: str, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    from kg import cli

    graph = tmp_path / "g.ttl"
    graph.write_text(tiny_turtle, encoding="utf-8")
    select = "SELECT ?c WHERE { ?c a kgo:Country }"
    for fmt in FORMATS:
        assert cli.main(["query", str(graph), select, "--format", fmt]) == (
            2 if fmt == "turtle" else 0), fmt
        out = capsys.readouterr().out
        assert fmt == "turtle" or "south-korea" in out
