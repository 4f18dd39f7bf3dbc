"""The model step (kg.llm) against a real chat-completions server on 127.0.0.1.

The server is ``http.server`` in a thread on an ephemeral port; each test gives it a script
(a function from the request to a status and a body). No test needs a real model.
"""

from __future__ import annotations

import json
import re
import socket
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import PROV

from kg import cli
from kg.build import BuildResult, build_texts
from kg.llm import LLMConfig, LLMError
from kg.llm.cache import default_cache_folder
from kg.llm.client import ChatClient, ChunkFault
from kg.llm.prompt import Chunk, messages, parse_answer, system_message
from kg.model import Sentence
from kg.vocab import ENTITY_CLASSES, KGO, RELATION_PROPERTIES

KEY = "sk-test-5ecret-d0-not-print"
MODEL = "test-model"

TEXT = (
    "Samsung invested in Vietnam in 2020. Toyota supplies batteries to Honda in Japan.\n\n"
    "The report praised the U.S. and its ally South Korea."
)

Script = Callable[[dict[str, Any], dict[str, str]], tuple[int, Any]]


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up (a timeout test) is no failure of the server


class ChatServer:
    """Speaks POST /v1/chat/completions; answers from ``script``; records every request."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.requests: list[tuple[dict[str, str], dict[str, Any]]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                size = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(size) or b"{}")
                headers = {k: v for k, v in self.headers.items()}
                outer.requests.append((headers, body))
                if self.path != "/v1/chat/completions":
                    status, answer = 404, {"error": "no such path"}
                else:
                    status, answer = outer.script(body, headers)
                data = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
                self.send_response(status)
                if status in (301, 302, 307, 308):
                    self.send_header("Location", "http://example.org/v1/chat/completions")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def serve() -> Iterator[Callable[[Script], ChatServer]]:
    servers: list[ChatServer] = []

    def start(script: Script) -> ChatServer:
        servers.append(ChatServer(script))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def completion(content: str) -> dict[str, Any]:
    return {
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": 100, "completion_tokens": 20},
    }


def numbered(body: dict[str, Any]) -> dict[str, int]:
    """Sentence text -> its number, read from the last user message."""
    last = body["messages"][-1]["content"]
    return {m.group(2): int(m.group(1)) for m in re.finditer(r"^\[(\d+)\] (.*)$", last, re.M)}


def number_of(body: dict[str, Any], needle: str) -> int:
    return next(n for text, n in numbered(body).items() if needle in text)


def fact(s: str, sc: str, p: str, o: str, oc: str, n: int) -> dict[str, Any]:
    return {"subject": s, "subject_class": sc, "predicate": p, "object": o,
            "object_class": oc, "sentence": n}


def good_and_bad(body: dict[str, Any], _headers: dict[str, str]) -> tuple[int, Any]:
    """Three facts that anchor and four that must not."""
    if "Samsung" not in body["messages"][-1]["content"]:
        return 200, completion('{"relations": []}')
    one, two = number_of(body, "Samsung"), number_of(body, "Toyota")
    three = number_of(body, "praised")
    relations = [
        fact("Samsung", "Company", "investsIn", "Vietnam", "Country", one),  # the rules agree
        fact("Honda", "Company", "operatesIn", "Japan", "Country", two),
        fact("United States", "Country", "alliedWith", "South Korea", "Country", three),
        fact("Nissan", "Company", "competesWith", "Honda", "Company", two),  # invented name
        fact("Samsung", "Company", "investsIn", "Vietnam", "Country", 99),  # no such sentence
        fact("Toyota", "Company", "ownsStakeIn", "Honda", "Company", two),  # unknown predicate
        fact("Toyota", "Robot", "competesWith", "Honda", "Company", two),  # unknown class
    ]
    return 200, completion(json.dumps({"relations": relations}))


def config(server: ChatServer | str, tmp_path: Path, **options: Any) -> LLMConfig:
    url = server if isinstance(server, str) else server.url
    return LLMConfig(url=url, model=MODEL, cache=tmp_path / "answers", backoff=0.01, **options)


def build(llm: LLMConfig | None = None, text: str = TEXT) -> BuildResult:
    return build_texts([("a.txt", text)], llm=llm) if llm else build_texts([("a.txt", text)])


def statements(graph: Graph, predicate: str) -> list[tuple[str, str, str, float]]:
    """(subject label, object label, extractor, confidence) of each statement of a predicate."""
    out = []
    for node in graph.subjects(RDF.predicate, KGO[predicate]):
        s, o = graph.value(node, RDF.subject), graph.value(node, RDF.object)
        out.append((
            str(graph.value(s, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))),
            str(graph.value(o, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))),
            str(graph.value(node, KGO.extractor)),
            float(graph.value(node, KGO.confidence)),
        ))
    return sorted(out)


# --- the request ------------------------------------------------------------------------------


def test_the_request_lists_sentences_and_the_contract(serve: Any, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_LLM_API_KEY", KEY)
    server = serve(lambda body, headers: (200, completion('{"relations": []}')))
    build(config(server, tmp_path))
    assert len(server.requests) == 1
    headers, body = server.requests[0]
    assert headers["Authorization"] == f"Bearer {KEY}"
    assert body["model"] == MODEL and body["response_format"] == {"type": "json_object"}
    assert body["messages"][-1]["role"] == "user"
    assert body["messages"][-1]["content"].splitlines() == [
        "[1] Samsung invested in Vietnam in 2020.",
        "[2] Toyota supplies batteries to Honda in Japan.",
        "[3] The report praised the U.S. and its ally South Korea.",
    ]
    system = body["messages"][0]["content"]
    for name in (*ENTITY_CLASSES, *RELATION_PROPERTIES):
        assert re.search(rf"^- {name}\b.*: \S", system, re.M), name
    assert "- Company: A firm or conglomerate, or a named division of one." in system


def test_no_key_no_authorization_header(serve: Any, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KG_LLM_API_KEY", raising=False)
    server = serve(lambda body, headers: (200, completion('{"relations": []}')))
    build(config(server, tmp_path))
    assert "Authorization" not in server.requests[0][0]


def test_chunks_are_whole_sentences_within_the_limit(serve: Any, tmp_path: Path) -> None:
    server = serve(lambda body, headers: (200, completion('{"relations": []}')))
    result = build(config(server, tmp_path, chunk_chars=100))
    prompts = [body["messages"][-1]["content"] for _, body in server.requests]
    assert len(prompts) == result.report.llm.chunks == 2  # type: ignore[union-attr]
    assert sorted(prompts) == sorted([
        "[1] Samsung invested in Vietnam in 2020.\n"
        "[2] Toyota supplies batteries to Honda in Japan.",
        "[1] The report praised the U.S. and its ally South Korea.",
    ])


# --- anchoring and merging -------------------------------------------------------------------


def test_anchored_facts_are_kept_and_the_rest_dropped_and_counted(
    serve: Any, tmp_path: Path
) -> None:
    server = serve(good_and_bad)
    result = build(config(server, tmp_path))
    report = result.report.llm
    assert report is not None and report.ok
    # the rules read the alliance too ("the U.S. and its ally South Korea")
    assert (report.proposed, report.kept, report.agreed) == (7, 3, 2)
    assert report.dropped == {"name not in sentence": 1, "no such sentence": 1,
                              "unknown predicate": 1, "bad class": 1}
    graph = result.graph
    assert statements(graph, "operatesIn") == [("Honda", "Japan", "llm:test-model", 0.6)]
    assert statements(graph, "alliedWith") == [  # "United States" is the U.S. of sentence 3
        ("South Korea", "United States", "llm:test-model", 0.9),
        ("South Korea", "United States", "noun-ally-of", 0.9),
    ]
    labels = {str(o) for o in graph.objects(None, URIRef(
        "http://www.w3.org/2000/01/rdf-schema#label"))}
    assert "Nissan" not in labels and "Robot" not in graph.serialize(format="turtle")
    assert not list(graph.subjects(RDF.predicate, KGO.competesWith))
    text = "\n".join(report.lines())
    assert "7 proposed, 3 kept (2 also found by the rules), 4 dropped" in text
    assert "1 requests, 0 cache hits" in text and "tokens: 100 prompt, 20 completion" in text
    assert "llm test-model" in result.report.format()


def test_a_fact_both_found_is_one_relation_with_two_statements(
    serve: Any, tmp_path: Path
) -> None:
    rules_only = build()
    before = statements(rules_only.graph, "investsIn")
    assert before == [("Samsung", "Vietnam", "verb-invest-in", 0.8)]
    result = build(config(serve(good_and_bad), tmp_path))
    graph = result.graph
    assert len(list(graph.triples((None, KGO.investsIn, None)))) == 1
    found = statements(graph, "investsIn")
    assert [(s, o, e) for s, o, e, _ in found] == [
        ("Samsung", "Vietnam", "llm:test-model"), ("Samsung", "Vietnam", "verb-invest-in")]
    assert {c for *_, c in found} == {0.92}  # 1 - (1 - 0.8)(1 - 0.6): agreement raises both
    sentence = set(graph.objects(None, PROV.wasDerivedFrom))
    assert len({graph.value(n, PROV.wasDerivedFrom)
                for n in graph.subjects(RDF.predicate, KGO.investsIn)}) == 1 <= len(sentence)
    assert result.report.relations_by_property["investsIn"] == 1


def test_only_dropped_facts_leave_the_rules_graph_byte_identical(
    serve: Any, tmp_path: Path
) -> None:
    def invented(body: dict[str, Any], _h: dict[str, str]) -> tuple[int, Any]:
        n = number_of(body, "Samsung")
        return 200, completion(json.dumps({"relations": [
            fact("Samsung", "Company", "investsIn", "Laos", "Country", n)]}))

    rules = build().graph.serialize(format="turtle")
    result = build(config(serve(invented), tmp_path))
    assert result.report.llm is not None and result.report.llm.dropped == {
        "name not in sentence": 1}
    assert result.graph.serialize(format="turtle") == rules


def test_a_fenced_answer_is_read(serve: Any, tmp_path: Path) -> None:
    def fenced(body: dict[str, Any], _h: dict[str, str]) -> tuple[int, Any]:
        relations = [fact("Honda", "Company", "operatesIn", "Japan", "Country",
                          number_of(body, "Honda"))]
        return 200, completion("Here you are:\n```json\n" + json.dumps(
            {"relations": relations}, indent=2) + "\n```\n")

    result = build(config(serve(fenced), tmp_path))
    assert statements(result.graph, "operatesIn") == [("Honda", "Japan", "llm:test-model", 0.6)]


def test_a_new_name_in_the_sentence_becomes_an_entity(serve: Any, tmp_path: Path) -> None:
    text = "The ministry said that acme robotics builds drones for Vietnam."

    def script(body: dict[str, Any], _h: dict[str, str]) -> tuple[int, Any]:
        return 200, completion(json.dumps({"relations": [
            fact("Acme Robotics", "Company", "suppliesTo", "Vietnam", "Country", 1)]}))

    result = build(config(serve(script), tmp_path), text)
    entity = next(e for e in result.resolution.entities.values() if e.key == "acme robotics")
    assert (entity.label, entity.cls) == ("acme robotics", "Company")
    assert statements(result.graph, "suppliesTo")[0][2] == "llm:test-model"


# --- cache, retries, faults --------------------------------------------------------------------


def test_the_second_build_asks_nothing_and_gives_the_same_bytes(
    serve: Any, tmp_path: Path
) -> None:
    server = serve(good_and_bad)
    first = build(config(server, tmp_path))
    assert len(server.requests) == 1
    second = build(config(server, tmp_path))
    assert len(server.requests) == 1
    assert second.report.llm is not None
    assert (second.report.llm.requests, second.report.llm.cache_hits) == (0, 1)
    assert second.report.llm.prompt_tokens == 0
    assert first.graph.serialize(format="turtle") == second.graph.serialize(format="turtle")
    other = build(LLMConfig(url=server.url, model="other", cache=tmp_path / "answers"))
    assert len(server.requests) == 2 and other.report.llm is not None  # keyed by model


def test_429_then_200_is_retried(serve: Any, tmp_path: Path) -> None:
    calls: list[int] = []

    def busy_once(body: dict[str, Any], headers: dict[str, str]) -> tuple[int, Any]:
        calls.append(1)
        return (429, {"error": "slow down"}) if len(calls) == 1 else good_and_bad(body, headers)

    result = build(config(serve(busy_once), tmp_path))
    assert result.report.llm is not None and result.report.llm.ok
    assert result.report.llm.requests == 2 and result.report.llm.kept == 3


def test_a_failing_chunk_is_reported_by_document_and_sentences(
    serve: Any, tmp_path: Path
) -> None:
    server = serve(lambda body, headers: (503, {"error": "overloaded"}))
    result = build(config(server, tmp_path, retries=2))
    report = result.report.llm
    assert report is not None and not report.ok and report.fatal is None
    assert len(server.requests) == 3
    assert [str(f) for f in report.failed] == [
        "a.txt sentences 1-3: HTTP 503 Service Unavailable after 3 tries"]
    assert result.graph.serialize(format="turtle") == build().graph.serialize(format="turtle")
    assert not list((tmp_path / "answers").rglob("*.json"))  # failures are not cached


def test_unparsable_answers_fail_the_chunk(serve: Any, tmp_path: Path) -> None:
    result = build(config(serve(lambda b, h: (200, completion("Sorry, I cannot."))), tmp_path))
    assert result.report.llm is not None
    assert "not a JSON object" in result.report.llm.failed[0].reason


def test_the_server_is_not_followed_elsewhere(serve: Any, tmp_path: Path) -> None:
    with pytest.raises(LLMError, match="redirects to http://example.org.*follows no redirects"):
        ChatClient(config(serve(lambda b, h: (307, {})), tmp_path)).chat([])


def test_answers_are_bounded_in_size(serve: Any, tmp_path: Path) -> None:
    server = serve(lambda b, h: (200, completion("x" * 5000)))
    with pytest.raises(ChunkFault, match="larger than 1000 bytes"):
        ChatClient(config(server, tmp_path, max_response_bytes=1000)).chat([])


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(["build", "--jobs", "1", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_dead_server_gives_one_line_and_the_rules_graph(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    doc = tmp_path / "a.txt"
    doc.write_text(TEXT, encoding="utf-8")
    url = f"http://127.0.0.1:{closed_port()}/v1"
    code, _, err = run(capsys, str(doc), "--out", str(tmp_path / "out"), "--llm", url,
                       "--llm-model", MODEL)
    assert code == 1
    lines = [line for line in err.splitlines() if line.startswith("kg build:")]
    assert lines == [f"kg build: the LLM server at {url}: connection refused; is it running?; "
                     "the rules' graph was written without model facts"]
    assert "Traceback" not in err
    assert run(capsys, str(doc), "--out", str(tmp_path / "rules"))[0] == 0
    written = (tmp_path / "out" / "graph.ttl").read_bytes()
    assert written == (tmp_path / "rules" / "graph.ttl").read_bytes()


def test_a_refused_key_gives_one_line(
    serve: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("KG_LLM_API_KEY", KEY)
    server = serve(lambda b, h: (401, {"error": f"bad key {h.get('Authorization')}"}))
    doc = tmp_path / "a.txt"
    doc.write_text(TEXT + " " + TEXT, encoding="utf-8")
    code, out, err = run(capsys, str(doc), "--out", str(tmp_path / "out"), "--llm", server.url,
                         "-q")
    assert code == 1
    assert err.splitlines() == [
        f"kg build: the LLM server at {server.url} refused the key (HTTP 401 Unauthorized): "
        "check KG_LLM_API_KEY; the rules' graph was written without model facts"]
    assert KEY not in out + err


def test_the_key_is_never_echoed(
    serve: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("KG_LLM_API_KEY", KEY)

    def echo(body: dict[str, Any], headers: dict[str, str]) -> tuple[int, Any]:
        said = headers.get("Authorization", "")
        if "Toyota" in body["messages"][-1]["content"]:  # an error that quotes the request
            return 400, {"error": f"cannot parse request with header {said}"}
        relations = [fact(f"Samsung {said}", "Company", "investsIn", "Vietnam", "Country", 1)]
        return 200, completion(json.dumps({"relations": relations, "note": said}))

    server = serve(echo)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text("Samsung invested in Vietnam.", encoding="utf-8")
    (tmp_path / "docs" / "b.txt").write_text("Toyota supplies Honda.", encoding="utf-8")
    code, out, err = run(capsys, str(tmp_path / "docs"), "--out", str(tmp_path / "out"),
                         "--llm", server.url, "--llm-model", MODEL)
    assert code == 1 and "b.txt sentences 1-1: HTTP 400" in err and "***" in err
    assert all(KEY in h["Authorization"] for h, _ in server.requests)
    assert KEY not in out + err
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.suffix == ".json" for p in files)  # the cached answer is there, scrubbed
    for path in files:
        assert KEY.encode() not in path.read_bytes(), path


def test_the_cli_caches_in_the_user_cache_folder_and_the_view_names_the_extractor(
    serve: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    server = serve(good_and_bad)
    doc = tmp_path / "a.txt"
    doc.write_text(TEXT, encoding="utf-8")
    args = [str(doc), "--llm", server.url, "--llm-model", MODEL, "--llm-jobs", "2"]
    code, _, err = run(capsys, *args, "--out", str(tmp_path / "one"))
    assert code == 0, err
    assert "llm test-model at " in err and "1 requests, 0 cache hits" in err
    if default_cache_folder().is_relative_to(tmp_path):  # Linux: $XDG_CACHE_HOME/kg/llm
        assert list((tmp_path / "xdg" / "kg" / "llm").rglob("*.json"))
    code, _, err = run(capsys, *args, "--out", str(tmp_path / "two"))
    assert code == 0 and "0 requests, 1 cache hits" in err and len(server.requests) == 1
    for name in ("graph.ttl", "graph.html"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    assert "llm:test-model" in (tmp_path / "one" / "graph.html").read_text(encoding="utf-8")


def test_a_store_keeps_the_answers(serve: Any, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    server = serve(good_and_bad)
    doc = tmp_path / "a.txt"
    doc.write_text(TEXT, encoding="utf-8")
    args = [str(doc), "--store", str(tmp_path / "store"), "--llm", server.url,
            "--llm-model", MODEL]
    assert run(capsys, *args)[0] == 0
    assert list((tmp_path / "store" / "llm").rglob("*.json"))
    code, _, err = run(capsys, *args)
    assert code == 0 and "0 requests, 1 cache hits" in err and len(server.requests) == 1


# --- small parts --------------------------------------------------------------------------------


def test_parse_answer_tolerates_fences_and_rejects_prose() -> None:
    assert parse_answer('```\n{"relations": [{"a": 1}]}\n```') == [{"a": 1}]
    assert parse_answer('{"relations": [], "extra": true}') == []
    with pytest.raises(ValueError):
        parse_answer('{"facts": []}')


def test_messages_end_with_the_numbered_sentences() -> None:
    chunk = Chunk("a.txt", (Sentence("d", 0, 4, "A b."),), (1, 1))
    out = messages(chunk)
    assert out[0]["content"] == system_message() and out[-1] == {
        "role": "user", "content": "[1] A b."}


def test_bad_options_are_usage_errors() -> None:
    from kg.errors import UsageError

    for bad in ({"url": "ftp://x"}, {"url": "http://x", "jobs": 0},
                {"url": "http://x", "timeout": 0}):
        with pytest.raises(UsageError):
            LLMConfig(**bad)  # type: ignore[arg-type]
    assert "secret" not in repr(LLMConfig(url="http://x", api_key="secret"))
    assert Literal("x")  # rdflib imported for the graph checks above


def test_a_server_without_response_format_is_asked_again_without_it(
    serve: Any, tmp_path: Path
) -> None:
    def picky(body: dict[str, Any], headers: dict[str, str]) -> tuple[int, Any]:
        if "response_format" in body:
            return 400, {"error": "response_format is not supported"}
        return good_and_bad(body, headers)

    server = serve(picky)
    result = build(config(server, tmp_path))
    assert result.report.llm is not None and result.report.llm.kept == 3
    assert ["response_format" in body for _, body in server.requests] == [True, False]


def test_a_slow_server_times_out_and_the_chunk_fails(serve: Any, tmp_path: Path) -> None:
    release = threading.Event()

    def slow(body: dict[str, Any], headers: dict[str, str]) -> tuple[int, Any]:
        release.wait(5)
        return 200, completion('{"relations": []}')

    server = serve(slow)
    try:
        result = build(config(server, tmp_path, timeout=0.2, retries=1))
    finally:
        release.set()
    report = result.report.llm
    assert report is not None and report.requests == 2
    assert [f.reason for f in report.failed] == ["no answer within 0.2 s after 2 tries"]


def test_the_bench_keeps_only_the_model_statements() -> None:
    import doctest
    import importlib
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    bench_llm = importlib.import_module("llm")
    assert doctest.testmod(bench_llm).failed == 0
    assert bench_llm.parse_args(["--llm", "http://h/v1"]).llm_model == "llama3.1"


def test_the_python_api_takes_an_llm_config(serve: Any, tmp_path: Path) -> None:
    import kg

    doc = tmp_path / "a.txt"
    doc.write_text(TEXT, encoding="utf-8")
    llm = kg.LLMConfig(url=serve(good_and_bad).url, model=MODEL, cache=tmp_path / "answers")
    graph = kg.KnowledgeGraph.build([doc], llm=llm, jobs=1)
    assert graph.report is not None and graph.report.llm is not None
    assert graph.report.llm.kept == 3
    facts = graph.why("Honda", "operatesIn")
    assert [(f.object, f.extractor) for f in facts] == [("Japan", "llm:test-model")]
