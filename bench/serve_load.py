"""How fast a trivial query answers on ``kg serve`` while hostile queries run.

Starts ``kg serve`` on 127.0.0.1 over a graph (the sample's by default), measures a trivial
``ASK`` alone (the baseline), then again while N hostile queries run at once: each is a
``FILTER`` of thousands of ``||`` terms, which rdflib's parser takes tens of seconds to read.
The target (issue 10): the trivial query keeps answering in under 1 s. Only loopback is used,
every request has a timeout, and the server is stopped at the end.

    python bench/serve_load.py [--graph exports/graph.ttl] [--hostile 10] [--trials 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRIVIAL = "ASK { ?s ?p ?o }"


def hostile_query(terms: int) -> str:
    return "SELECT * WHERE { FILTER(" + " || ".join(["?a"] * terms) + ") }"


def start(graph: Path, timeout: float, log: Path) -> tuple[subprocess.Popen[bytes], int]:
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "kg.cli", "serve", str(graph), "--port", "0",
             "--timeout", str(timeout)], stdout=subprocess.DEVNULL, stderr=handle, cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        text = log.read_text()
        if "viewer http://127.0.0.1:" in text:
            return process, int(text.split("viewer http://127.0.0.1:")[1].split("/")[0])
        if process.poll() is not None:
            raise SystemExit(f"kg serve exited: {text}")
        time.sleep(0.05)
    process.kill()
    raise SystemExit("kg serve did not start")


def post(port: int, query: str) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/sparql", data=query.encode(),
        headers={"Content-Type": "application/sparql-query"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as err:
        return int(err.code)


def timed(port: int) -> tuple[float, int]:
    started = time.perf_counter()
    status = post(port, TRIVIAL)
    return time.perf_counter() - started, status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", type=Path, default=ROOT / "exports" / "graph.ttl")
    parser.add_argument("--hostile", type=int, default=10, help="hostile queries at once (10)")
    parser.add_argument("--terms", type=int, default=10_000, help="|| terms in each (10000)")
    parser.add_argument("--trials", type=int, default=5, help="trivial queries timed (5)")
    parser.add_argument("--timeout", type=float, default=5.0, help="kg serve --timeout (5)")
    args = parser.parse_args()
    log = Path("/dev/shm" if Path("/dev/shm").is_dir() else "/tmp") / "kg-serve-load.log"
    process, port = start(args.graph, args.timeout, log)
    try:
        alone = [timed(port) for _ in range(args.trials)]
        statuses: list[int] = []
        attack = hostile_query(args.terms)
        threads = [threading.Thread(target=lambda: statuses.append(post(port, attack)))
                   for _ in range(args.hostile)]
        for thread in threads:
            thread.start()
        time.sleep(1.0)
        loaded = []
        for _ in range(args.trials):
            loaded.append(timed(port))
            time.sleep(0.2)
        running = args.hostile - len(statuses)
        for thread in threads:
            thread.join()
    finally:
        process.terminate()
        process.wait(timeout=15)
    base = statistics.median(seconds for seconds, _ in alone)
    under = statistics.median(seconds for seconds, _ in loaded)
    print(f"graph {args.graph.name}; {args.hostile} hostile queries of {args.terms} terms "
          f"({len(attack) // 1024} KB each); kg serve --timeout {args.timeout:g}")
    print(f"{'trivial ASK':32} {'median s':>9} {'max s':>7}  statuses")
    print(f"{'alone (baseline)':32} {base:9.3f} {max(s for s, _ in alone):7.3f}  "
          f"{sorted({code for _, code in alone})}")
    print(f"{'while the hostile ones run':32} {under:9.3f} {max(s for s, _ in loaded):7.3f}  "
          f"{sorted({code for _, code in loaded})}")
    print(f"hostile queries still running when the last trivial one answered: {running}; "
          f"their statuses: {sorted(set(statuses))}")
    worst = max(seconds for seconds, _ in loaded)
    print(f"target: every trivial answer under 1 s: {'met' if worst < 1 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
