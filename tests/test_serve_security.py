"""The hostile findings against kg serve, kg query and the API, each reproduced and refused.

A real listener on 127.0.0.1 counts every connection: the SSRF tests prove that a query with a
hidden ``SERVICE`` reaches it from bare pyoxigraph (so the payloads are live), and never from kg.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from xml.dom import minidom

import pyoxigraph as ox
import pytest
from rdflib import Graph

from kg.errors import QueryError
from kg.graphs.store import StoreSource
from kg.oxstore import build_store
from kg.query import run_query
from kg.sparql.guard import checked_query

KG = [sys.executable, "-m", "kg.cli"]
SAMPLE = Path(__file__).resolve().parents[1] / "kg" / "data" / "sample"


class Listener:
    """A TCP listener on 127.0.0.1 that counts connections and answers a tiny SPARQL result."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        body = b'{"head":{"vars":["x"]},"results":{"bindings":[]}}'
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            with conn:
                conn.settimeout(2)
                try:
                    conn.recv(65536)
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results"
                                 b"+json\r\nContent-Length: " + str(len(body)).encode()
                                 + b"\r\nConnection: close\r\n\r\n" + body)
                except OSError:
                    pass

    def close(self) -> None:
        self.sock.close()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def payloads(port: int) -> list[str]:
    """Every known way to hide a SERVICE call from one parser but not another."""
    url = f"http://127.0.0.1:{port}/p"
    service = f"SERVICE <{url}> {{ ?x ?y ?z }}"
    return [
        f"SELECT * WHERE {{ # x\r {service} \n }}",                 # a bare CR: Oxigraph's end
        f"SELECT * WHERE {{ # x\x0c {service} \n }}",               # form feed
        f"SELECT * WHERE {{ # x\x0b {service} \n }}",               # vertical tab
        f"SELECT * WHERE {{ # x\u2028 {service} \n }}",             # line separator
        f"SELECT * WHERE {{ # x\u2029 {service} \n }}",             # paragraph separator
        f"SELECT * WHERE {{ # x\x85 {service} \n }}",               # NEL
        f"SELECT * WHERE {{ # x\\u000D {service} \n }}",            # an escaped CR
        f"SELECT * WHERE {{ # x\\U0000000d {service} \n }}",
        f"SELECT * WHERE {{ {service} }}",                          # plain
        f"select * where {{ service silent <{url}> {{ ?x ?y ?z }} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?x ?y ?z }} }}",  # an escaped keyword
        f"SELECT * WHERE {{ ?a ?b trueSERVICE <{url}> {{ ?x ?y ?z }} }}",
        f"SELECT * WHERE {{ ?a ?b <urn:x#>{service} }}",            # '#' inside an IRI
        f'SELECT * WHERE {{ ?a ?b "#" . {service} }}',              # '#' inside a string
        f"SELECT * WHERE {{ ?a ?b '''x\n# ''' . {service} }}",      # a long string
        f"PREFIX s: <http://127.0.0.1:{port}/>\nSELECT * WHERE {{ SERVICE s:p {{ ?x ?y ?z }} }}",
    ]


def test_the_payloads_are_live_against_bare_oxigraph(listener: Listener) -> None:
    """Without kg's check, Oxigraph does call out: so a count of 0 below means something."""
    before = listener.connections
    store = ox.Store()
    list(store.query(payloads(listener.port)[0]))
    assert listener.connections > before


def test_no_payload_reaches_the_listener_through_the_library(
    listener: Listener, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    build_store([SAMPLE / "us-korea-alliance.txt"], store, jobs=1)
    before = listener.connections
    for payload in payloads(listener.port):
        with pytest.raises(QueryError):
            checked_query(payload)
        with pytest.raises(QueryError):
            StoreSource(store).query(payload)
        with pytest.raises(QueryError):
            run_query(Graph(), payload)
    assert listener.connections == before


def test_service_words_in_strings_iris_and_comments_are_fine() -> None:
    for query in ['SELECT * { ?s ?p "customer service" }',
                  "SELECT * { ?s <http://example.org/service> ?o }  # SERVICE here is a comment",
                  "PREFIX ex: <http://example.org/>\nSELECT ?service { ?service ex:service ?o }"]:
        assert checked_query(query) == query


def test_no_payload_reaches_the_listener_through_kg_query(
    listener: Listener, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    build_store([SAMPLE / "us-korea-alliance.txt"], store, jobs=1)
    graph = tmp_path / "graph.ttl"
    graph.write_text("<urn:a> <urn:b> <urn:c> .\n")
    before = listener.connections
    for payload in payloads(listener.port):
        for source in (["--store", str(store)], [str(graph)]):
            done = subprocess.run([*KG, "query", *source, payload],
                                  capture_output=True, text=True, timeout=120)
            assert done.returncode == 1, done.stderr
            assert "SERVICE" in done.stderr or "disagree" in done.stderr, done.stderr
    assert listener.connections == before


# --- kg serve --------------------------------------------------------------------------------


def _start(arguments: list[str], log: Path) -> tuple[subprocess.Popen[bytes], int]:
    with log.open("wb") as handle:
        process = subprocess.Popen([*KG, "serve", *arguments, "--port", "0"],
                                   stdout=subprocess.DEVNULL, stderr=handle)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        text = log.read_text()
        if "viewer http://127.0.0.1:" in text:
            return process, int(text.split("viewer http://127.0.0.1:")[1].split("/")[0])
        assert process.poll() is None, text
        time.sleep(0.05)
    process.kill()
    raise RuntimeError("kg serve did not start")


@pytest.fixture(scope="module")
def graph_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("built")
    subprocess.run([*KG, "build", str(SAMPLE), "--out", str(out), "-q"], check=True,
                   timeout=300, capture_output=True)
    return out / "graph.ttl"


@pytest.fixture(scope="module")
def served(graph_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    process, port = _start([str(graph_file), "--timeout", "5", "--max-bytes", "4KB",
                            "--max-memory", "256MB", "--workers", "4",
                            "--allow-host", "kg.internal"], log)
    try:
        yield port
    finally:
        process.terminate()
        process.wait(timeout=15)


def _get(port: int, path: str, headers: dict[str, str] | None = None,
         data: bytes | None = None, method: str | None = None
         ) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data,
                                     headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def _ask(port: int, query: str, accept: str = "application/sparql-results+json",
         ) -> tuple[int, dict[str, str], bytes]:
    return _get(port, "/sparql?" + urllib.parse.urlencode({"query": query}),
                {"Accept": accept})


def test_serve_refuses_every_payload_in_every_encoding(listener: Listener, served: int) -> None:
    before = listener.connections
    for payload in payloads(listener.port):
        by_get = _ask(served, payload)
        direct = _get(served, "/sparql", {"Content-Type": "application/sparql-query"},
                      payload.encode())
        form = _get(served, "/sparql", {"Content-Type": "application/x-www-form-urlencoded"},
                    urllib.parse.urlencode({"query": payload}).encode())
        assert {by_get[0], direct[0], form[0]} == {400}, (payload, by_get, direct, form)
    assert listener.connections == before


def test_a_trivial_query_answers_while_ten_hostile_ones_run(served: int) -> None:
    """Parsing happens in each query's own process: nothing waits on a hostile parse."""
    hostile = "SELECT * WHERE { FILTER(" + " || ".join(["?a"] * 6000) + ") }"
    finished: list[int] = []

    def attack() -> None:
        status, _, _ = _get(served, "/sparql", {"Content-Type": "application/sparql-query"},
                            hostile.encode())
        finished.append(status)

    threads = [threading.Thread(target=attack) for _ in range(10)]
    for thread in threads:
        thread.start()
    time.sleep(1.5)  # the ten are parsing (each takes far longer than this)
    status, _, body = _ask(served, "ASK { ?s ?p ?o }")
    answered_while_running = len(finished)
    for thread in threads:
        thread.join()
    assert status == 200 and json.loads(body)["boolean"] is True
    assert answered_while_running < 10  # the hostile ones were still running
    assert set(finished) <= {400, 503}


def test_long_and_deep_queries_get_a_clear_400(served: int) -> None:
    long = "SELECT * WHERE { " + " . ".join(f"?s{i} ?p ?o" for i in range(10_000)) + " }"
    status, _, body = _get(served, "/sparql", {"Content-Type": "application/sparql-query"},
                           long.encode())
    assert status in (400, 413, 503) and b"recursion" not in body
    deep = "ASK " + "{" * 100 + "}" * 100
    status, _, body = _ask(served, deep)
    assert status == 400 and b"nests brackets more than 64 deep" in body


def test_host_header_must_name_the_server(served: int) -> None:
    assert _get(served, "/", {"Host": "evil.example"})[0] == 421
    assert _get(served, "/", {"Host": f"evil.example:{served}"})[0] == 421
    for good in (f"127.0.0.1:{served}", f"localhost:{served}", f"kg.internal:{served}"):
        assert _get(served, "/", {"Host": good})[0] == 200, good


def test_the_viewer_has_a_strict_policy(served: int) -> None:
    status, headers, page = _get(served, "/")
    assert status == 200
    policy = headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src 'sha256-" in policy
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert b"<script>" in page


def test_answers_are_bounded_in_bytes(served: int) -> None:
    status, headers, body = _ask(served, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    assert status == 200 and len(body) <= 4096
    assert headers["KG-Result-Truncated"] == "true" and headers["KG-Result-Limit-Bytes"] == "4096"
    json.loads(body)  # still a whole document
    huge = ("SELECT (GROUP_CONCAT(STR(?o)) AS ?all) WHERE { "
            "{ SELECT ?o WHERE { ?a ?b ?o } LIMIT 300 } "
            "{ SELECT ?e WHERE { ?c ?d ?e } LIMIT 100 } }")
    status, _, body = _ask(served, huge)
    assert status == 503 and b"larger than the 4096-byte limit" in body


def test_memory_is_bounded_per_query(served: int) -> None:
    heavy = ("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } "
             "ORDER BY ?a ?b ?c ?d ?e ?f ?g ?h ?i")
    status, _, body = _ask(served, heavy)
    assert status == 503, body
    assert b"memory" in body or b"longer than" in body
    assert _ask(served, "ASK { ?s ?p ?o }")[0] == 200  # the server is fine


def test_xml_answers_are_well_formed_or_refused(tmp_path: Path) -> None:
    data = tmp_path / "controls.ttl"
    data.write_text('<urn:a> <urn:bell> "a\\u0007b" .\n<urn:a> <urn:cr> "a\\rb" .\n')
    process, port = _start([str(data), "--timeout", "5"], tmp_path / "serve.log")
    try:
        xml = "application/sparql-results+xml"
        status, _, body = _ask(port, "SELECT ?x WHERE { ?s <urn:bell> ?x }", xml)
        assert status == 406 and b"U+0007" in body
        assert _ask(port, "SELECT ?x WHERE { ?s <urn:bell> ?x }")[0] == 200  # JSON carries it
        status, _, body = _ask(port, "SELECT ?x WHERE { ?s <urn:cr> ?x }", xml)
        assert status == 200 and b"a&#13;b" in body
        literal = minidom.parseString(body).getElementsByTagName("literal")[0].firstChild
        assert literal is not None and literal.nodeValue == "a\rb"
        status, _, body = _ask(port, "CONSTRUCT WHERE { ?s <urn:cr> ?x }", "application/rdf+xml")
        assert status == 200 and b"a&#13;b" in body
        minidom.parseString(body)
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_head_options_and_dataset_parameters(served: int) -> None:
    status, headers, body = _get(served, "/", method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 0
    status, headers, _ = _get(served, "/sparql", method="OPTIONS")
    assert status == 204 and headers["Allow"] == "GET, HEAD, POST, OPTIONS"
    status, headers, body = _get(served, "/sparql", method="TRACE")
    assert status == 501 and headers["Content-Type"].startswith("text/plain")
    query = urllib.parse.urlencode({"query": "ASK {}", "default-graph-uri": "not an iri"})
    status, _, body = _get(served, "/sparql?" + query)
    assert status == 400 and b"not an absolute IRI" in body


def test_the_served_viewer_works_under_its_policy(served: int) -> None:
    """Chromium enforces the policy: the page still draws, and nothing breaks it."""
    from kg.viz.chromium import CHROMIUM, FLAGS

    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    violations: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            page = browser.new_page()
            page.on("console", lambda message: violations.append(message.text)
                    if "Content Security Policy" in message.text else None)
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"http://127.0.0.1:{served}/")
            page.wait_for_function("() => document.body.dataset.kgReady === 'true'",
                                   timeout=30_000)
            assert errors == [] and violations == []
            fetched = page.evaluate(
                "() => fetch('https://example.org/').then(() => 'fetched', () => 'blocked')")
            assert fetched == "blocked"
        finally:
            browser.close()


def test_query_output_on_a_terminal_cannot_drive_it(tmp_path: Path) -> None:
    """A label from a hostile document reaches the terminal escaped: as a table always, and
    in any format when stdout is a terminal (a pseudo-terminal here)."""
    import os

    graph = tmp_path / "g.ttl"
    graph.write_text('<urn:a> <http://www.w3.org/2000/01/rdf-schema#label> "x\\u001b[2Jy" .\n')
    query = "SELECT ?l WHERE { ?s rdfs:label ?l }"
    table = subprocess.run([*KG, "query", str(graph), query], capture_output=True, timeout=120)
    assert b"\x1b" not in table.stdout and b"x\\x1b[2Jy" in table.stdout
    as_csv = subprocess.run([*KG, "query", str(graph), query, "--format", "csv"],
                            capture_output=True, timeout=120)
    assert b"x\x1b[2Jy" in as_csv.stdout  # piped data stays exact
    main, child = os.openpty()
    try:
        done = subprocess.run([*KG, "query", str(graph), query, "--format", "csv"],
                              stdout=child, stderr=subprocess.PIPE, timeout=120)
        os.close(child)
        shown = b""
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(main)
    assert done.returncode == 0 and b"\x1b" not in shown and b"\\x1b[2J" in shown


def test_the_served_viewer_has_an_ask_box_that_answers(served: int, graph_file: Path) -> None:
    """The served page asks /ask, shows the answer with its evidence and marks its nodes;
    the standalone page (no server) has no Ask box."""
    from kg.viz.chromium import CHROMIUM, FLAGS

    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    question = "Which countries is South Korea allied with?"
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"http://127.0.0.1:{served}/")
            page.wait_for_function("() => document.body.dataset.kgReady === 'true'",
                                   timeout=30_000)
            page.fill("#kg-ask-input", question)
            page.click("#kg-ask-button")
            page.wait_for_function(
                "() => document.getElementById('kg-panel').dataset.kind === 'answer'",
                timeout=30_000)
            text = page.inner_text("#kg-panel")
            assert "United States" in text and "Evidence" in text, text
            marked = page.evaluate(
                "() => window.kg.nodes.get().filter(n => n.borderWidth === 4).map(n => n.id)")
            assert marked == ["https://w3id.org/kg/id/entity/united-states"]
            assert errors == []
            standalone = browser.new_page()
            standalone.goto(graph_file.with_suffix(".html").as_uri())
            standalone.wait_for_function("() => document.body.dataset.kgReady === 'true'",
                                         timeout=30_000)
            assert standalone.query_selector("#kg-ask") is None
        finally:
            browser.close()
