"""Faults and determinism: killed builds, full disks, runaway queries, bad graphs, stable bytes.

Builds run as real ``kg`` subprocesses over small invented corpora, so every trial is short.
What is covered elsewhere, and not repeated here:

- a killed store build, then resumed (``tests/test_oxstore.py``, 10 trials);
- failing and unreachable SPARQL endpoints, bounded retries and the list of documents not
  stored (``tests/test_remote.py``);
- kg serve's limits, refused updates and CORS (``tests/test_serve.py``; raw-socket cases below).
"""

from __future__ import annotations

import os
import random
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg import cli
from kg.export import serialize
from kg.graphs.store import open_store

KG = [sys.executable, "-m", "kg.cli"]

DOCS = {
    f"d{i:02d}.txt": f"{company} invested in {place} in {1990 + i}. {place} trades with {other}."
    for i, (company, place, other) in enumerate(
        [
            ("Nokia", "Portugal", "Spain"),
            ("Volvo", "Mexico", "Chile"),
            ("Maersk", "Vietnam", "Japan"),
            ("Siemens", "Poland", "Norway"),
            ("Toyota", "Kenya", "Peru"),
            ("Airbus", "Chile", "Brazil"),
            ("Samsung", "Peru", "Canada"),
            ("Ericsson", "Norway", "Sweden"),
            ("Unilever", "Brazil", "Argentina"),
            ("Heineken", "Canada", "Mexico"),
        ]
    )
}
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o }"


def write_corpus(folder: Path, docs: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in docs.items():
        (folder / name).write_text(text + "\n", encoding="utf-8")
    return folder


def kg(*args: str, cwd: Path | None = None, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """Run ``kg`` in a subprocess; extra keyword arguments go to ``subprocess.run``."""
    options: dict[str, object] = {"timeout": 600, **kwargs}
    return subprocess.run(  # type: ignore[call-overload]
        [*KG, *args], cwd=cwd, capture_output=True, text=True, **options
    )


def no_traceback(stderr: str) -> None:
    assert "Traceback" not in stderr, stderr


def dataset(store: Path) -> list[str]:
    database = open_store(store)
    lines = sorted(str(quad) for quad in database)
    del database
    return lines


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A graph file built from the corpus (by the library: no subprocess needed)."""
    from kg.build import build

    folder = tmp_path_factory.mktemp("built")
    corpus = write_corpus(folder / "corpus", DOCS)
    path = folder / "graph.ttl"
    path.write_bytes(serialize(build([corpus], jobs=1).graph, "turtle"))
    return path


# --- a build killed at random points --------------------------------------------------------------


def test_a_killed_build_leaves_old_or_new_exports_and_store(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", dict(list(DOCS.items())[:4]))
    pristine, out = tmp_path / "pristine", "out"
    command = ["build", str(corpus), "--store", "store", "--out", out, "-q", "--jobs", "1"]
    pristine.mkdir()
    assert kg(*command, cwd=pristine).returncode == 0
    old_files = {name: (pristine / out / name).read_bytes() for name in ("graph.ttl", "graph.html")}
    old_store = dataset(pristine / "store")
    # the next build changes one document and adds two
    (corpus / "d00.txt").write_text("Volvo opened a plant in Mexico.\n", encoding="utf-8")
    write_corpus(corpus, dict(list(DOCS.items())[4:6]))
    finished = tmp_path / "finished"
    shutil.copytree(pristine, finished)
    started = time.monotonic()
    assert kg(*command, cwd=finished).returncode == 0
    duration = time.monotonic() - started
    new_files = {name: (finished / out / name).read_bytes() for name in old_files}
    new_store = dataset(finished / "store")
    assert all(new_files[name] != old_files[name] for name in old_files)
    assert new_store != old_store
    rng = random.Random(20)
    seen: set[str] = set()
    for trial in range(20):
        work = tmp_path / f"trial{trial:02d}"
        shutil.copytree(pristine, work)
        process = subprocess.Popen(
            [*KG, *command], cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(rng.uniform(0.02, duration * 1.1))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        for name in old_files:
            data = (work / out / name).read_bytes()
            assert data in (old_files[name], new_files[name]), f"trial {trial}: partial {name}"
            seen.add(f"{name}:{'new' if data == new_files[name] else 'old'}")
        state = dataset(work / "store")
        assert state in (old_store, new_store), f"trial {trial}: a mixed store"
        seen.add("store:" + ("new" if state == new_store else "old"))
        shutil.rmtree(work)
    assert "graph.ttl:old" in seen and "store:old" in seen, seen  # kills landed mid-build


# --- a full disk ----------------------------------------------------------------------------------


def _file_size_limit(limit: int) -> None:
    """In the child: writes past ``limit`` bytes fail with EFBIG (SIGXFSZ ignored)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_a_full_disk_is_a_clear_error_and_leaves_no_partial_export(
    tmp_path: Path, built: Path
) -> None:
    corpus = write_corpus(tmp_path / "corpus", dict(list(DOCS.items())[:3]))
    out = tmp_path / "out"
    out.mkdir()
    old_html = b"<html>the previous view</html>\n"
    (out / "graph.html").write_bytes(old_html)
    # the Turtle (a few kB) fits, the HTML viewer (hundreds of kB) does not
    done = kg("build", str(corpus), "--out", str(out), "-q", "--jobs", "1",
              preexec_fn=lambda: _file_size_limit(64_000))
    no_traceback(done.stderr)
    assert done.returncode == 1
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("kg build: ") and "graph.html" in line and "too large" in line
    assert (out / "graph.html").read_bytes() == old_html  # the old file, whole
    assert sorted(p.name for p in out.iterdir()) == ["graph.html", "graph.ttl"]  # no temp left
    assert (out / "graph.ttl").read_bytes().endswith(b".\n\n")  # the new one is complete


def test_a_full_disk_during_a_store_build_keeps_the_old_store(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", dict(list(DOCS.items())[:2]))
    store = tmp_path / "store"
    assert kg("build", str(corpus), "--store", str(store), "-q", "--jobs", "1").returncode == 0
    before = dataset(store)
    write_corpus(corpus, dict(list(DOCS.items())[2:4]))
    done = kg("build", str(corpus), "--store", str(store), "-q", "--jobs", "1",
              preexec_fn=lambda: _file_size_limit(4_000))
    no_traceback(done.stderr)
    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1 and "too large" in done.stderr.lower()
    assert dataset(store) == before
    # with room again, the next build completes
    assert kg("build", str(corpus), "--store", str(store), "-q", "--jobs", "1").returncode == 0
    assert dataset(store) != before


# --- queries that run too long, bad graphs ------------------------------------------------------


def test_query_timeout_stops_a_runaway_query(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["query", str(built), "--timeout", "1", SLOW]) == 1
    err = capsys.readouterr().err
    assert err == ("kg query: the query ran longer than 1 s and was stopped; "
                   "simplify it or raise --timeout\n")
    # a quick query under the same limit answers as without it
    assert cli.main(["query", str(built), "--timeout", "30", "ASK { ?s a kgo:Country }"]) == 0
    assert capsys.readouterr().out == "true\n"
    # errors inside the query process keep their class, message and exit status
    assert cli.main(["query", str(built), "--timeout", "30", "SELECT ?x WHERE { ?x }"]) == 1
    assert "SPARQL syntax error at line 1, column" in capsys.readouterr().err
    assert cli.main(["query", str(built), "--timeout", "30", "--format", "turtle",
                     "SELECT ?s { ?s ?p ?o }"]) == 2
    assert cli.main(["query", str(built), "--timeout", "0", "ASK {}"]) == 2
    capsys.readouterr()


def test_query_timeout_on_a_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kg.oxstore import build_store

    store = tmp_path / "store"
    build_store([write_corpus(tmp_path / "corpus", DOCS)], store, jobs=1)
    assert cli.main(["query", "--store", str(store), "--timeout", "1", SLOW]) == 1
    assert "ran longer than 1 s and was stopped" in capsys.readouterr().err
    assert cli.main(["query", "--store", str(store), "--timeout", "1",
                     "DELETE WHERE { ?s ?p ?o }"]) == 1
    assert "not allowed" in capsys.readouterr().err
    assert len(dataset(store)) > 0


def test_query_timeout_in_a_subprocess_has_no_traceback(built: Path) -> None:
    done = kg("query", str(built), "--timeout", "1", SLOW)
    assert done.returncode == 1
    assert done.stderr.startswith("kg query: the query ran longer than 1 s")
    no_traceback(done.stderr)


BAD_TURTLE = (
    "@prefix kgo: <https://w3id.org/kg/ontology#> .\n"
    "<https://w3id.org/kg/id/entity/a> a kgo:City\n"
    "<https://w3id.org/kg/id/entity/b> a kgo:City .\n"
)


@pytest.mark.parametrize(
    "command",
    [
        ["query", "{graph}", "ASK {{}}"],
        ["view", "{graph}", "-o", "{out}"],
        ["validate", "{graph}"],
        ["stats", "{graph}"],
        ["why", "{graph}", "a"],
        ["export", "{graph}", "{out}"],
    ],
)
def test_malformed_turtle_gives_line_and_column_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    graph = tmp_path / "bad.ttl"
    graph.write_text(BAD_TURTLE, encoding="utf-8")
    out = tmp_path / "out.html"
    args = [part.format(graph=graph, out=out) for part in command]
    assert cli.main(args) == 1
    err = capsys.readouterr().err
    assert err.splitlines()[0].startswith(f"kg {command[0]}: {graph}, line 3, column 1: ")
    assert not out.exists()


def test_malformed_turtle_to_kg_view_in_a_subprocess(tmp_path: Path) -> None:
    graph = tmp_path / "bad.ttl"
    graph.write_text(BAD_TURTLE, encoding="utf-8")
    view = ["view", str(graph), "-o", str(tmp_path / "v.html")]
    for command in (view, ["validate", str(graph)]):
        done = kg(*command)
        assert done.returncode == 1
        no_traceback(done.stderr)
        assert "line 3, column 1" in done.stderr


# --- kg serve: what tests/test_serve.py does not send ------------------------------------------


@pytest.fixture(scope="module")
def served(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [*KG, "serve", str(built), "--port", "0", "--max-body", "4KB", "--timeout", "3"],
            stdout=subprocess.DEVNULL, stderr=handle,
        )
    try:
        deadline = time.monotonic() + 60
        while "viewer http" not in log.read_text() and time.monotonic() < deadline:
            assert process.poll() is None, log.read_text()
            time.sleep(0.05)
        port = int(log.read_text().split("viewer http://127.0.0.1:")[1].split("/")[0])
        yield "127.0.0.1", port
    finally:
        process.terminate()
        process.wait(timeout=15)


def _raw(address: tuple[str, int], request: bytes) -> bytes:
    with socket.create_connection(address, timeout=30) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def _host(served: tuple[str, int]) -> bytes:
    return f"Host: {served[0]}:{served[1]}\r\n".encode()


def test_serve_refuses_lying_and_oversized_bodies(served: tuple[str, int]) -> None:
    head = (b"POST /sparql HTTP/1.1\r\n" + _host(served)
            + b"Content-Type: application/sparql-query\r\n")
    huge = _raw(served, head + b"Content-Length: 99999999999\r\n\r\nASK {}")
    assert huge.startswith(b"HTTP/1.1 413 ")
    negative = _raw(served, head + b"Content-Length: -1\r\n\r\nASK {}")
    assert negative.startswith(b"HTTP/1.1 400 ")
    chunked = _raw(served, head + b"Transfer-Encoding: chunked\r\n\r\n6\r\nASK {}\r\n0\r\n\r\n")
    assert chunked.startswith(b"HTTP/1.1 411 ")
    twice = _raw(served, head + b"Content-Length: 6\r\nContent-Length: 60\r\n\r\nASK {}")
    assert twice.startswith(b"HTTP/1.1 400 ") and b"more than one Content-Length" in twice
    preflight = _raw(served, b"OPTIONS /sparql HTTP/1.1\r\n" + _host(served) +
                             b"Origin: https://evil.example\r\n"
                             b"Access-Control-Request-Method: POST\r\nConnection: close\r\n\r\n")
    assert b"access-control" not in preflight.lower()
    assert preflight.startswith(b"HTTP/1.1 204 ")
    assert b"Allow: GET, HEAD, POST, OPTIONS" in preflight
    ask = _raw(served, b"GET /sparql?query=ASK%20%7B%7D HTTP/1.1\r\n" + _host(served) +
                       b"Origin: https://evil.example\r\nConnection: close\r\n\r\n")
    assert ask.startswith(b"HTTP/1.1 200 ") and b"access-control" not in ask.lower()


# --- determinism ---------------------------------------------------------------------------------


def test_jobs_order_and_working_directory_do_not_change_the_bytes(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "data" / "corpus", DOCS)  # more than one chunk of 8
    files = sorted(str(p) for p in corpus.iterdir())
    elsewhere = tmp_path / "elsewhere" / "deeper"
    elsewhere.mkdir(parents=True)
    runs = {
        "folder, 1 job": (["--jobs", "1", str(corpus)], tmp_path, "0"),
        "folder, 2 jobs, other cwd": (["--jobs", "2", "../../data/corpus"], elsewhere, "1"),
        "files, 2 jobs": (["--jobs", "2", *files], tmp_path, "2"),
        "files reversed, 1 job, other cwd": (["--jobs", "1", *reversed(files)], elsewhere, "3"),
    }
    turtle: dict[str, bytes] = {}
    for name, (args, cwd, seed) in runs.items():
        out = tmp_path / "out" / name.replace(" ", "_").replace(",", "")
        done = kg("build", *args, "--out", str(out), "--no-html", "-q", cwd=cwd,
                  env={**os.environ, "PYTHONHASHSEED": seed})
        assert done.returncode == 0, done.stderr
        turtle[name] = (out / "graph.ttl").read_bytes()
    assert turtle["folder, 1 job"] == turtle["folder, 2 jobs, other cwd"]
    assert turtle["files, 2 jobs"] == turtle["files reversed, 1 job, other cwd"]
    assert b'dcterms:source "corpus/d00.txt"' in turtle["folder, 1 job"]
    assert b'dcterms:source "d00.txt"' in turtle["files, 2 jobs"]


def test_concurrent_requests_are_classified_without_spurious_errors() -> None:
    """rdflib's SPARQL parser is not thread-safe; kg serve parses in one thread at a time."""
    import threading

    from kg.serve import QueryRefused, classify

    queries = [("ASK { ?s kgo:alliedWith ?o }", "ask"),
               ("SELECT ?s WHERE { ?s a kgo:Country } ORDER BY ?s", "select"),
               ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3", "graph")]
    failures: list[str] = []

    def hammer(offset: int) -> None:
        for i in range(150):
            query, kind = queries[(i + offset) % len(queries)]
            try:
                assert classify(query) == kind
            except (QueryRefused, AssertionError) as err:
                failures.append(f"{query}: {err}")
        try:
            classify("DELETE WHERE { ?s ?p ?o }")
            failures.append("an update was not refused")
        except QueryRefused as err:
            if err.status != 403:
                failures.append(str(err))

    threads = [threading.Thread(target=hammer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_an_entity_expansion_bomb_is_refused_quickly(tmp_path: Path) -> None:
    """A "billion laughs" RDF/XML file: refused with a reason, not expanded for ever."""
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {n} "{("&" + p + ";") * 10}">'
        for p, n in zip("abcdefg", "bcdefgh", strict=True)
    )
    graph = tmp_path / "bomb.rdf"
    graph.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE r [{entities}]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">\n'
        '<rdf:Description rdf:about="urn:a"><rdfs:label>&h;</rdfs:label></rdf:Description>\n'
        "</rdf:RDF>\n", encoding="utf-8")
    done = kg("query", str(graph), "ASK { ?s ?p ?o }", timeout=60)
    assert done.returncode == 1
    assert "expand to far more text than the file holds" in done.stderr
    no_traceback(done.stderr)
    # and an external entity is never read
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret", encoding="utf-8")
    xxe = tmp_path / "xxe.rdf"
    xxe.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "{secret.as_uri()}">]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">\n'
        '<rdf:Description rdf:about="urn:a"><rdfs:label>&x;</rdfs:label></rdf:Description>\n'
        "</rdf:RDF>\n", encoding="utf-8")
    done = kg("query", str(xxe), "--format", "csv", "SELECT ?l { ?s rdfs:label ?l }")
    assert "top secret" not in done.stdout + done.stderr
