"""kg serve in a subprocess over the sample's built graph, queried with SPARQLWrapper."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.compare import isomorphic
from SPARQLWrapper import CSV, JSON, POST, POSTDIRECTLY, TSV, TURTLE, XML, SPARQLWrapper

from kg.build import build
from kg.export import export
from kg.graphs.file import load_graph
from kg.query import run_query
from kg.serve import Reply, classify, execute, negotiate, parse_size

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
COUNTRIES = "SELECT ?label WHERE { ?e a kgo:Country ; rdfs:label ?label } ORDER BY ?label"


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample document built into a Turtle file."""
    path = tmp_path_factory.mktemp("sample") / "graph.ttl"
    export(build().graph, path, "turtle")
    return path


def _start(arguments: list[str], log: Path) -> tuple[subprocess.Popen[bytes], str]:
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "kg.cli", "serve", *arguments, "--port", "0"],
            stdout=subprocess.DEVNULL, stderr=handle,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = re.search(r"viewer (http://127\.0\.0\.1:\d+/)", log.read_text())
        if found:
            return process, found[1]
        if process.poll() is not None:
            raise RuntimeError(f"kg serve exited: {log.read_text()}")
        time.sleep(0.05)
    process.kill()
    raise RuntimeError("kg serve did not start")


def _stop(process: subprocess.Popen[bytes]) -> int:
    process.terminate()  # SIGTERM: a clean shutdown
    try:
        return process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise


@pytest.fixture(scope="module")
def served(sample: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``kg serve`` over the sample with small limits; yields its base URL."""
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    process, url = _start(
        [str(sample), "--timeout", "3", "--max-results", "50", "--max-body", "4KB"], log
    )
    try:
        yield url
    finally:
        assert _stop(process) == 0, log.read_text()
    assert "kg serve: stopped" in log.read_text()


def _client(url: str, fmt: str, query: str) -> SPARQLWrapper:
    client = SPARQLWrapper(url + "sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client


def _http(url: str, data: bytes | None = None,
          headers: dict[str, str] | None = None, method: str | None = None
          ) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def _local_labels(sample: Path) -> list[str]:
    result = run_query(load_graph(sample), COUNTRIES)
    return [str(row[0]) for row in result.rows]


def test_sparqlwrapper_json_xml_csv_tsv(served: str, sample: Path) -> None:
    expected = _local_labels(sample)
    assert expected  # the sample has countries
    document = _client(served, JSON, COUNTRIES).query().convert()
    assert isinstance(document, dict)
    assert [b["label"]["value"] for b in document["results"]["bindings"]] == expected
    xml = _client(served, XML, COUNTRIES).query().convert()
    literals = xml.getElementsByTagName("literal")  # type: ignore[union-attr]
    assert [node.firstChild.data for node in literals] == expected
    text = _client(served, CSV, COUNTRIES).query().convert()
    rows = list(csv.reader(io.StringIO(text.decode("utf-8"))))  # type: ignore[union-attr]
    assert rows[0] == ["label"] and [r[0] for r in rows[1:]] == expected
    tsv = _client(served, TSV, COUNTRIES).query().convert()
    lines = tsv.decode("utf-8").splitlines()  # type: ignore[union-attr]
    assert lines[0] == "?label" and lines[1:] == [Literal(x).n3() for x in expected]


def test_ask_and_post_forms(served: str) -> None:
    client = _client(served, JSON, "ASK { ?x kgo:alliedWith ?y }")
    client.setMethod(POST)
    assert client.query().convert()["boolean"] is True  # type: ignore[index]
    client = _client(served, JSON, "ASK { ?x kgo:alliedWith <urn:nothing> }")
    client.setMethod(POST)
    client.setRequestMethod(POSTDIRECTLY)  # application/sparql-query
    assert client.query().convert()["boolean"] is False  # type: ignore[index]


def test_construct_as_turtle_and_ntriples(served: str, sample: Path) -> None:
    query = "CONSTRUCT { ?s kgo:alliedWith ?o } WHERE { ?s kgo:alliedWith ?o }"
    local = run_query(load_graph(sample), query).graph
    assert local is not None and len(local) > 0
    turtle = _client(served, TURTLE, query).query().convert()
    assert isomorphic(Graph().parse(data=turtle, format="turtle"), local)
    status, headers, body = _http(served + "sparql?" + urllib.parse.urlencode({"query": query}),
                                  headers={"Accept": "application/n-triples"})
    assert status == 200 and headers["Content-Type"] == "application/n-triples"
    assert isomorphic(Graph().parse(data=body, format="nt"), local)
    status, _, body = _http(served + "sparql?" + urllib.parse.urlencode({"query": query}),
                            headers={"Accept": "text/csv"})
    assert status == 406 and b"text/turtle" in body


def test_sparqlwrapper_defaults_for_every_query_form(served: str, sample: Path) -> None:
    """SPARQLWrapper with no format set: XML for SELECT and ASK, RDF/XML for CONSTRUCT and
    DESCRIBE (what it asks for by default); each answer parses."""
    graph = load_graph(sample)
    construct = "CONSTRUCT { ?s kgo:alliedWith ?o } WHERE { ?s kgo:alliedWith ?o }"
    local = run_query(graph, construct).graph
    assert local is not None and len(local) > 0
    for query in (COUNTRIES, "ASK { ?x kgo:alliedWith ?y }"):
        client = SPARQLWrapper(served + "sparql")
        client.setQuery(query)
        assert client.query().convert().getElementsByTagName("sparql")  # type: ignore[union-attr]
    client = SPARQLWrapper(served + "sparql")
    client.setQuery(construct)
    answer = client.query().convert()
    assert isinstance(answer, Graph) and isomorphic(answer, local)
    client = SPARQLWrapper(served + "sparql")
    client.setQuery("DESCRIBE <https://w3id.org/kg/id/entity/south-korea>")
    described = client.query().convert()
    assert isinstance(described, Graph) and len(described) > 0


def test_construct_in_json_ld_and_turtle_without_escaped_slashes(
    served: str, sample: Path
) -> None:
    query = "CONSTRUCT { ?s kgo:alliedWith ?o } WHERE { ?s kgo:alliedWith ?o }"
    local = run_query(load_graph(sample), query).graph
    url = served + "sparql?" + urllib.parse.urlencode({"query": query})
    status, headers, body = _http(url, headers={"Accept": "application/ld+json"})
    assert status == 200 and headers["Content-Type"] == "application/ld+json"
    assert local is not None and isomorphic(Graph().parse(data=body, format="json-ld"), local)
    status, _, body = _http(url, headers={"Accept": "text/turtle"})
    assert status == 200 and b"\\/" not in body and b"entity/south-korea" in body
    status, headers, _ = _http(url, headers={"Accept": "text/csv;q=1, text/turtle;q=0.2"})
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    status, headers, _ = _http(url, headers={"Accept": "application/rdf+xml;q=0.5, "
                                                       "application/n-triples;q=0.9"})
    assert headers["Content-Type"] == "application/n-triples"


def test_rdflib_sparqlstore_against_kg_serve(served: str, sample: Path) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    remote = Graph(store=SPARQLStore(served + "sparql"))
    rows = remote.query("SELECT ?label WHERE { ?e a <https://w3id.org/kg/ontology#Country> ; "
                        "<http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?label")
    assert [str(row[0]) for row in rows] == _local_labels(sample)  # type: ignore[index]


def test_ask_answers_plain_english_as_json(served: str, sample: Path) -> None:
    from kg.ask import ask_graph

    question = "Which countries is South Korea allied with?"
    local = ask_graph(load_graph(sample), question).to_dict()
    status, headers, body = _http(served + "ask?" + urllib.parse.urlencode({"q": question}))
    assert status == 200 and headers["Content-Type"] == "application/json"
    answer = json.loads(body)
    assert answer["understood"] is True and answer["rows"] == local["rows"] != []
    assert answer["evidence"] and answer["evidence"][0]["sentence"]
    status, _, body = _http(served + "ask?" + urllib.parse.urlencode({"q": "Why is it so?"}))
    assert status == 200 and json.loads(body)["understood"] is False
    assert _http(served + "ask")[0] == 400


def test_updates_are_refused(served: str) -> None:
    client = _client(served, JSON, "INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    client.setMethod(POST)  # SPARQLWrapper sends it as update=… in a form
    with pytest.raises(urllib.error.HTTPError) as caught:
        client.query()
    assert caught.value.code == 403
    status, _, body = _http(served + "sparql", b"DELETE WHERE { ?s ?p ?o }",
                            {"Content-Type": "application/sparql-update"})
    assert status == 403 and b"read-only" in body
    form = urllib.parse.urlencode({"query": "CLEAR DEFAULT"}).encode()
    status, _, _ = _http(served + "sparql", form,
                         {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 403
    assert _http(served + "sparql", b"x", method="PUT")[0] == 405
    document = _client(served, JSON, "ASK { <urn:a> <urn:b> <urn:c> }").query().convert()
    assert document["boolean"] is False  # type: ignore[index]


def test_bad_queries_get_400_with_the_reason(served: str) -> None:
    query = urllib.parse.urlencode({"query": "SELECT ?x WHERE { ?x ?y }}"})
    status, _, body = _http(served + "sparql?" + query)
    assert status == 400 and b"line 1" in body
    service = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    status, _, body = _http(served + "sparql?" + urllib.parse.urlencode({"query": service}))
    assert status == 400 and b"SERVICE" in body


def test_a_slow_query_is_stopped_and_the_server_stays_responsive(served: str) -> None:
    slow: dict[str, object] = {}

    def run_slow() -> None:
        form = urllib.parse.urlencode({"query": SLOW}).encode()
        slow["answer"] = _http(served + "sparql", form,
                               {"Content-Type": "application/x-www-form-urlencoded"})

    thread = threading.Thread(target=run_slow)
    thread.start()
    time.sleep(0.3)  # let the slow query start
    document = _client(served, JSON, "ASK { ?s ?p ?o }").query().convert()
    still_running = thread.is_alive()
    thread.join(timeout=60)
    assert document["boolean"] is True  # type: ignore[index]
    assert still_running  # the fast query was answered while the slow one ran
    status, _, body = slow["answer"]  # type: ignore[misc]
    assert status == 503 and b"was stopped" in body


def test_long_answers_are_cut_at_the_limit_with_a_header(served: str) -> None:
    query = urllib.parse.urlencode({"query": "SELECT * WHERE { ?s ?p ?o }"})
    status, headers, body = _http(served + "sparql?" + query)
    assert status == 200
    assert headers["KG-Result-Truncated"] == "true" and headers["KG-Result-Limit"] == "50"
    assert len(json.loads(body)["results"]["bindings"]) == 50
    query = urllib.parse.urlencode({"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 5"})
    status, headers, body = _http(served + "sparql?" + query)
    assert "KG-Result-Truncated" not in headers
    assert len(json.loads(body)["results"]["bindings"]) == 5


def test_oversized_requests_get_413(served: str) -> None:
    padding = "# " + "x" * 5000 + "\nASK { ?s ?p ?o }"
    status, _, _ = _http(served + "sparql", padding.encode(),
                         {"Content-Type": "application/sparql-query"})
    assert status == 413
    status, _, _ = _http(served + "sparql?" + urllib.parse.urlencode({"query": padding}))
    assert status == 413


def test_no_cors_headers(served: str) -> None:
    query = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
    _, headers, _ = _http(served + "sparql?" + query,
                          headers={"Origin": "https://evil.example"})
    assert not any(name.lower().startswith("access-control") for name in headers)


def test_viewer_and_turtle(served: str, sample: Path) -> None:
    status, headers, body = _http(served)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert b"<html" in body.lower() and b"vis-network" in body.lower()
    status, _, body = _http(served + "graph.ttl")
    assert status == 200
    assert isomorphic(Graph().parse(data=body, format="turtle"), load_graph(sample))
    assert _http(served + "nothing")[0] == 404


def test_serving_a_store(sample: Path, tmp_path: Path) -> None:
    """``kg serve --store DIR`` over a store made by ``kg build --store``."""
    from kg.cli import main

    store = tmp_path / "store"
    doc = tmp_path / "note.txt"
    doc.write_text("Samsung invested in Vietnam. Seoul is the capital of South Korea.",
                   encoding="utf-8")
    assert main(["build", str(doc), "--store", str(store), "-q", "--jobs", "1"]) == 0
    process, url = _start(["--store", str(store)], tmp_path / "serve.log")
    try:
        document = _client(url, JSON, "ASK { ?x kgo:investsIn ?y }").query().convert()
        assert document["boolean"] is True  # type: ignore[index]
        assert b"<html" in _http(url)[2].lower()
    finally:
        assert _stop(process) == 0


# --- in-process units ------------------------------------------------------------------------


def test_execute_formats_and_limit() -> None:
    import pyoxigraph as ox

    store = ox.Store()
    for n in range(3):
        store.add(ox.Quad(ox.NamedNode(f"urn:s{n}"), ox.NamedNode("urn:p"),
                          ox.Literal(f"a\tb {n}", language="en")))
    reply = execute(store, "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s", "select", "tsv", 2)
    assert isinstance(reply, Reply) and dict(reply.headers)["KG-Result-Truncated"] == "true"
    assert reply.body.decode().splitlines() == [
        "?s\t?o", '<urn:s0>\t"a\\tb 0"@en', '<urn:s1>\t"a\\tb 1"@en'
    ]
    xml = execute(store, "SELECT ?o WHERE { ?s ?p ?o } LIMIT 1", "select", "xml", 10).body
    assert b'<literal xml:lang="en">' in xml
    assert execute(store, "ASK { ?s ?p ?o }", "ask", "csv", 10).body == b"true\r\n"


def test_negotiation_and_classification() -> None:
    assert negotiate("select", "text/csv;q=0.9, application/json;q=0.1") == "csv"
    assert negotiate("select", "text/*") == "xml"  # text/xml is SPARQL XML results
    assert negotiate("select", "text/turtle", "json") == "json"  # format= wins when it fits
    assert negotiate("ask", "application/sparql-results+xml") == "xml"
    assert classify("CONSTRUCT WHERE { ?s ?p ?o }") == "graph"
    assert classify("DESCRIBE <urn:x>") == "graph"
    assert parse_size("4KB") == 4096
