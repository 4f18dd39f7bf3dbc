"""kg.remote against a real Oxigraph server (the ``oxigraph`` package of the test extra).

Each test starts ``oxigraph serve`` on a free 127.0.0.1 port over a temporary directory and
stops it afterwards. Failing endpoints are a closed port and a tiny local server answering 500.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from kg.build import BuildResult, build_texts
from kg.cli import main
from kg.errors import EndpointError, QueryError, UsageError
from kg.export import export
from kg.query import run_query
from kg.rdf import document_graph_iri
from kg.remote import Endpoint, PushReport, push_build, remote_graph, remote_query
from kg.vocab import DEFAULT_BASE

TEXT_A = "Samsung invested in Vietnam. The company competes with Intel."
TEXT_A2 = "Samsung invested in Vietnam and Mexico. Hyundai competes with Toyota."
TEXT_B = "The United States and South Korea signed the Mutual Defense Treaty in 1953."


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _oxigraph() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(found).exists():
        pytest.skip("the oxigraph server is not installed (pip install 'oxigraph>=0.5,<0.6')")
    return found


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """A fresh Oxigraph server; yields its base URL (``/query``, ``/update``, ``/store``)."""
    port = _free_port()
    process = subprocess.Popen(
        [_oxigraph(), "serve", "--location", str(tmp_path / "oxigraph"),
         "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("oxigraph did not start") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        assert process.stderr is not None
        process.stderr.close()


def _endpoint(url: str, *, gsp: bool = True, **options: object) -> Endpoint:
    return Endpoint(f"{url}/query", f"{url}/update", f"{url}/store" if gsp else None,
                    **options)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def first() -> BuildResult:
    return build_texts([("docs/a.txt", TEXT_A), ("docs/b.txt", TEXT_B)])


@pytest.fixture(scope="module")
def second() -> BuildResult:
    """The same sources after docs/a.txt changed."""
    return build_texts([("docs/a.txt", TEXT_A2), ("docs/b.txt", TEXT_B)])


def _sha(result: BuildResult, source: str) -> str:
    return next(d.sha256 for d in result.documents if d.source == source)


def test_push_stores_one_graph_per_document_and_the_entities_graph(
    server: str, first: BuildResult
) -> None:
    endpoint = _endpoint(server)
    report = push_build(first, endpoint)
    assert report.ok, report.format()
    entities = DEFAULT_BASE + "graph/entities"
    documents = sorted(str(document_graph_iri(DEFAULT_BASE, d.sha256)) for d in first.documents)
    assert sorted(report.pushed) == sorted([*documents, entities])
    parts = first.emitter().parts()
    assert report.triples == sum(len(triples) for triples in parts.values())
    remote = endpoint.graphs()
    assert sorted(map(str, remote)) == documents
    assert {r.source for r in remote.values()} == {"docs/a.txt", "docs/b.txt"}
    for iri, part in parts.items():  # each named graph holds its part
        stored = endpoint.construct(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"
        )
        assert set(stored) == set(part), iri


def test_pushing_again_skips_unchanged_documents(server: str, first: BuildResult) -> None:
    endpoint = _endpoint(server)
    push_build(first, endpoint)
    again = push_build(first, endpoint)
    assert again.ok
    assert len(again.skipped) == 2 and again.dropped == []
    assert again.pushed == [DEFAULT_BASE + "graph/entities"]
    assert "0 dropped" in again.format() and "2 skipped" in again.format()


def test_a_changed_document_replaces_its_old_graph(
    server: str, first: BuildResult, second: BuildResult
) -> None:
    endpoint = _endpoint(server)
    push_build(first, endpoint)
    report = push_build(second, endpoint)
    old = str(document_graph_iri(DEFAULT_BASE, _sha(first, "docs/a.txt")))
    new = str(document_graph_iri(DEFAULT_BASE, _sha(second, "docs/a.txt")))
    assert report.ok and report.dropped == [old]
    assert new in report.pushed and len(report.skipped) == 1
    assert old not in map(str, endpoint.graphs())
    assert isomorphic(remote_graph(endpoint), second.graph)


def test_an_unchanged_document_whose_facts_moved_is_pushed_again(server: str) -> None:
    """Its text is the same, but another document renamed an entity it mentions."""
    endpoint = _endpoint(server)
    nokia = "Nokia invested in Portugal. Nokia competes with Ericsson."
    before = build_texts([("docs/n.txt", nokia), ("docs/p.txt", "Maersk invested in Peru.")])
    assert push_build(before, endpoint).ok
    renamed = "Nokia Corporation invested in Peru. Nokia Corporation trades with Chile. " \
        "Nokia Corporation left Japan. Nokia grew."
    after = build_texts([("docs/n.txt", nokia), ("docs/p.txt", renamed)])
    (label,) = {e.label for e in after.resolution.entities.values() if "Nokia" in e.label}
    assert label == "Nokia Corporation"  # the entity of docs/n.txt has another IRI now
    report = push_build(after, endpoint)
    unchanged = str(document_graph_iri(DEFAULT_BASE, _sha(after, "docs/n.txt")))
    assert report.ok and unchanged in report.pushed and report.skipped == []
    assert isomorphic(remote_graph(endpoint), after.graph)
    again = push_build(after, endpoint)
    assert len(again.skipped) == 2  # the manifest now knows both
    assert "graph/manifest" not in " ".join(map(str, endpoint.kg_graphs()))  # never queried


def test_update_fallback_without_gsp_loads_in_chunks(server: str, first: BuildResult) -> None:
    endpoint = _endpoint(server, gsp=False, chunk_size=7)
    assert push_build(first, endpoint).ok
    assert isomorphic(remote_graph(endpoint), first.graph)
    endpoint.drop_graph(DEFAULT_BASE + "graph/entities")
    assert len(remote_graph(endpoint)) < len(first.graph)


def test_query_and_export_through_the_endpoint_match_the_local_graph(
    server: str, first: BuildResult, tmp_path: Path
) -> None:
    endpoint = _endpoint(server)
    push_build(first, endpoint)
    assert isomorphic(remote_graph(endpoint), first.graph)
    for sparql in (
        "SELECT ?e ?label WHERE { ?e rdfs:label ?label }",
        "SELECT ?s ?p ?o WHERE { ?s ?p ?o }",
        "ASK { ?x kgo:investsIn ?y }",
        "CONSTRUCT { ?s kgo:investsIn ?o } WHERE { ?s kgo:investsIn ?o }",
    ):
        local, remote = run_query(first.graph, sparql), remote_query(endpoint, sparql)
        assert (remote.kind, remote.vars, remote.rows, remote.boolean) == (
            local.kind, local.vars, local.rows, local.boolean
        ), sparql
        if local.graph is not None:
            assert remote.graph is not None and isomorphic(local.graph, remote.graph)
    with pytest.raises(QueryError, match="updates are not allowed"):
        remote_query(endpoint, "INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    local_file, remote_file = tmp_path / "local.ttl", tmp_path / "remote.ttl"
    export(first.graph, local_file)
    code = main(["export", "--endpoint", f"{server}/query", str(remote_file)])
    assert code == 0
    assert remote_file.read_bytes() == local_file.read_bytes()


def test_cli_build_query_and_refused_update(
    server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = tmp_path / "note.txt"
    doc.write_text(TEXT_A, encoding="utf-8")
    options = ["--endpoint", f"{server}/query", "--gsp-endpoint", f"{server}/store"]
    assert main(["build", str(doc), "--out", str(tmp_path / "out"), "-q", *options]) == 0
    assert "2 graphs pushed" in capsys.readouterr().err
    code = main(["query", *options[:2], "--format", "csv",
                 "SELECT ?label WHERE { ?e a kgo:Company ; rdfs:label ?label }"])
    assert code == 0
    assert capsys.readouterr().out.splitlines()[1:] == ["Intel", "Samsung"]
    code = main(["query", *options[:2], "DELETE WHERE { ?s ?p ?o }"])
    assert code == 1 and "not allowed" in capsys.readouterr().err
    assert len(_endpoint(server).graphs()) == 1


def test_an_empty_endpoint_is_an_error_not_an_empty_answer(server: str) -> None:
    with pytest.raises(EndpointError, match="holds no kg graphs"):
        remote_query(_endpoint(server), "SELECT * WHERE { ?s ?p ?o }")


# --- failing endpoints ---------------------------------------------------------------------


class _Recorder(BaseHTTPRequestHandler):
    """Answers every request with ``status`` and remembers the requests' headers."""

    status = 500
    seen: list[dict[str, str]] = []

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        type(self).seen.append(dict(self.headers))
        body = b"the disk is on fire"
        self.send_response(self.status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def broken() -> Iterator[tuple[str, type[_Recorder]]]:
    handler = type("Handler", (_Recorder,), {"seen": []})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", handler
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def test_a_server_answering_500_gives_a_clear_error_after_bounded_retries(
    broken: tuple[str, type[_Recorder]], first: BuildResult
) -> None:
    url, handler = broken
    endpoint = Endpoint(f"{url}/query", gsp_url=f"{url}/store", retries=2, backoff=0.01,
                        token="t0ken")
    with pytest.raises(EndpointError) as caught:
        endpoint.select("SELECT * WHERE { ?s ?p ?o }")
    message = str(caught.value)
    assert f"{url}/query" in message and "HTTP 500" in message
    assert "the disk is on fire" in message and "after 3 tries" in message
    assert len(handler.seen) == 3
    assert all(h.get("Authorization") == "Bearer t0ken" for h in handler.seen)
    report = push_build(first, endpoint)
    assert not report.ok
    assert report.not_stored == ["docs/a.txt", "docs/b.txt"]
    assert "NOT stored (2): docs/a.txt, docs/b.txt" in report.format()


def test_a_client_error_is_not_retried(broken: tuple[str, type[_Recorder]]) -> None:
    url, handler = broken
    handler.status = 400
    endpoint = Endpoint(f"{url}/query", retries=5, backoff=0.01, user="ann", password="pw")
    with pytest.raises(EndpointError, match="HTTP 400"):
        endpoint.ask("ASK {}")
    assert len(handler.seen) == 1
    assert handler.seen[0]["Authorization"] == "Basic YW5uOnB3"


def test_a_closed_port_fails_the_build_push_and_names_the_documents(
    first: BuildResult, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"http://127.0.0.1:{_free_port()}"
    endpoint = Endpoint(f"{url}/query", f"{url}/update", retries=1, backoff=0.01)
    with pytest.raises(EndpointError, match=r"cannot connect.*after 2 tries"):
        endpoint.graphs()
    report = push_build(first, endpoint)
    assert isinstance(report, PushReport) and not report.ok
    assert report.pushed == [] and report.not_stored == ["docs/a.txt", "docs/b.txt"]
    doc = tmp_path / "note.txt"
    doc.write_text(TEXT_B, encoding="utf-8")
    code = main(["build", str(doc), "--out", str(tmp_path / "out"), "-q",
                 "--endpoint", f"{url}/query", "--update-endpoint", f"{url}/update"])
    err = capsys.readouterr().err
    assert code == 1
    assert "NOT stored (1): note.txt" in err and "cannot connect" in err
    assert (tmp_path / "out" / "graph.ttl").exists()  # the local build is still written


def test_a_failure_half_way_lists_the_documents_not_stored(
    server: str, first: BuildResult
) -> None:
    endpoint = _endpoint(server)
    calls: list[str] = []
    real = endpoint.replace_graph

    def flaky(iri: str, graph: Graph) -> None:
        calls.append(iri)
        if len(calls) == 2:
            raise EndpointError("PUT …: HTTP 503 Service Unavailable")
        real(iri, graph)

    endpoint.replace_graph = flaky  # type: ignore[method-assign]
    report = push_build(first, endpoint)
    assert not report.ok and len(report.pushed) == 1
    assert report.not_stored == ["docs/b.txt"] and "503" in (report.error or "")
    assert len(endpoint.graphs()) == 1


def test_option_errors() -> None:
    with pytest.raises(UsageError, match="not both"):
        Endpoint("http://h/q", user="a", password="b", token="c")
    with pytest.raises(UsageError, match="http"):
        Endpoint("ftp://h/q")
    with pytest.raises(UsageError, match="update endpoint"):
        Endpoint("http://h/q").replace_graph("urn:g", Graph().add(
            (URIRef("urn:a"), URIRef("urn:b"), URIRef("urn:c"))))
