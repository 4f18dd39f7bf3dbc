"""kg serve under load: many concurrent clients send mixed queries to a local endpoint.

Builds the bundled sample into a temporary Turtle file, starts ``kg serve`` on 127.0.0.1 (a
free port; only loopback traffic), then runs ``--clients`` threads for ``--seconds`` seconds.
Each client keeps one HTTP/1.1 connection and sends queries drawn from a fixed mix (SELECT,
ASK, CONSTRUCT, an aggregate, the viewer page). One more client keeps a slow query running
the whole time (it must be stopped at the server's timeout with a 503 while the others are
answered). Prints throughput, latency percentiles and errors; ``--readme`` appends them to
bench/README.md as a "Serve under load" section.

    .venv/bin/python bench/load.py                      # 50 clients, 30 s
    .venv/bin/python bench/load.py --clients 10 --seconds 5
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
MIX: list[tuple[str, str, str]] = [  # (name, method, path or query)
    ("countries", "GET", "SELECT ?e ?label WHERE { ?e a kgo:Country ; rdfs:label ?label } "
                         "ORDER BY ?label"),
    ("ask", "GET", "ASK { ?s kgo:alliedWith ?o }"),
    ("relations", "POST", "SELECT ?s ?p ?o WHERE { ?st a rdf:Statement ; rdf:subject ?s ; "
                          "rdf:predicate ?p ; rdf:object ?o } LIMIT 100"),
    ("by-class", "GET", "SELECT ?c (COUNT(?e) AS ?n) WHERE { ?e a ?c } GROUP BY ?c "
                        "ORDER BY DESC(?n)"),
    ("construct", "GET", "CONSTRUCT { ?e rdfs:label ?l } WHERE { ?e rdfs:label ?l } LIMIT 200"),
    ("evidence", "POST", "SELECT ?text WHERE { ?st prov:wasDerivedFrom ?s . ?s kgo:text ?text } "
                         "LIMIT 20"),
    ("viewer", "GET", "/"),
]
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    slow: list[tuple[int, float]] = field(default_factory=list)
    samples: dict[int, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _request(conn: http.client.HTTPConnection, method: str, target: str) -> tuple[int, bytes]:
    if target.startswith("/"):
        conn.request("GET", target)
    elif method == "GET":
        conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": target}),
                     headers={"Accept": "application/sparql-results+json, text/turtle"})
    else:
        conn.request("POST", "/sparql", body=target.encode(),
                     headers={"Content-Type": "application/sparql-query",
                              "Accept": "application/sparql-results+json, text/turtle"})
    response = conn.getresponse()
    return response.status, response.read()


def _client(port: int, stop: float, seed: int, tally: Tally) -> None:
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while time.monotonic() < stop:
        _, method, target = rng.choice(MIX)
        started = time.monotonic()
        try:
            status, body = _request(conn, method, target)
        except (OSError, http.client.HTTPException) as err:
            with tally.lock:
                tally.errors.append(type(err).__name__)
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            continue
        elapsed = time.monotonic() - started
        with tally.lock:
            tally.latencies.append(elapsed)
            tally.statuses[status] = tally.statuses.get(status, 0) + 1
            if status != 200:
                tally.samples.setdefault(status, body[:200].decode("utf-8", "replace"))
    conn.close()


def _slow_client(port: int, stop: float, tally: Tally) -> None:
    while time.monotonic() < stop:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        started = time.monotonic()
        try:
            status, _ = _request(conn, "POST", SLOW)
        except (OSError, http.client.HTTPException) as err:
            status = -1
            tally.errors.append("slow:" + type(err).__name__)
        tally.slow.append((status, time.monotonic() - started))
        conn.close()


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def _start_server(graph: Path, timeout: float, log: Path) -> tuple[subprocess.Popen[bytes], int]:
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "kg.cli", "serve", str(graph), "--host", "127.0.0.1",
             "--port", "0", "--timeout", str(timeout)],
            stdout=subprocess.DEVNULL, stderr=handle,
        )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        found = re.search(r"viewer http://127\.0\.0\.1:(\d+)/", log.read_text())
        if found:
            return process, int(found[1])
        if process.poll() is not None:
            raise SystemExit(f"kg serve exited: {log.read_text()}")
        time.sleep(0.05)
    process.kill()
    raise SystemExit("kg serve did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (50)")
    parser.add_argument("--seconds", type=float, default=30.0, help="duration (30)")
    parser.add_argument("--timeout", type=float, default=5.0, help="kg serve --timeout (5)")
    parser.add_argument("--readme", action="store_true", help="append results to README.md")
    args = parser.parse_args()

    from kg.build import build
    from kg.export import export

    with tempfile.TemporaryDirectory() as tmp:
        graph = Path(tmp) / "graph.ttl"
        export(build(jobs=1).graph, graph, "turtle")
        process, port = _start_server(graph, args.timeout, Path(tmp) / "serve.log")
        try:
            tally = Tally()
            stop = time.monotonic() + args.seconds
            threads = [threading.Thread(target=_client, args=(port, stop, i, tally))
                       for i in range(args.clients)]
            threads.append(threading.Thread(target=_slow_client, args=(port, stop, tally)))
            started = time.monotonic()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - started
        finally:
            process.terminate()
            process.wait(timeout=30)
    ok = tally.statuses.get(200, 0)
    failed = sum(n for status, n in tally.statuses.items() if status != 200) + len(tally.errors)
    rows = [
        ("clients", f"{args.clients} (+1 running a slow query)"),
        ("duration", f"{elapsed:.1f} s"),
        ("requests answered", f"{len(tally.latencies)} ({ok} with 200)"),
        ("throughput", f"{len(tally.latencies) / elapsed:.1f} requests/s"),
        ("latency p50 / p95 / p99 / max",
         " / ".join(f"{_percentile(tally.latencies, q) * 1000:.0f} ms"
                    for q in (0.5, 0.95, 0.99, 1.0))),
        ("errors (non-200 or failed requests)",
         f"{failed} {dict(sorted(tally.statuses.items()))} {sorted(set(tally.errors))}"),
        ("slow query answers", ", ".join(f"{status} after {secs:.1f} s"
                                         for status, secs in tally.slow[:4])),
    ]
    text = "\n".join(f"{name:<38} {value}" for name, value in rows)
    print(text)
    for status, body in sorted(tally.samples.items()):
        print(f"  a {status} answer: {body.strip()}")
    if args.readme:
        machine = (f"{platform.machine()}, {os.cpu_count()} cores, "
                   f"Python {platform.python_version()}")
        section = (
            "\n## Serve under load\n\n"
            f"`bench/load.py --clients {args.clients} --seconds {args.seconds:g}`: `kg serve` "
            f"(--timeout {args.timeout:g}) over the sample's graph on 127.0.0.1, on {machine}; "
            "the clients run on the same machine. Mixed queries (SELECT, ASK, CONSTRUCT, an "
            "aggregate, the viewer page); one extra client keeps a slow query running, which "
            "the server stops at its timeout (503) while the others are answered.\n\n"
            "| measure | value |\n|---|---|\n"
            + "\n".join(f"| {name} | {value} |" for name, value in rows) + "\n"
        )
        with (HERE / "README.md").open("a", encoding="utf-8") as handle:
            handle.write(section)


if __name__ == "__main__":
    main()
