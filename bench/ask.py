"""Benchmark of ``kg ask``: accuracy on questions about the bench documents, refusals, speed.

Run from the repository root::

    .venv/bin/python bench/ask.py --data ../shared/bench [--questions bench/ask-questions.json]
        [--triples 100000] [--no-speed]

Graphs are built with kg from ``practice/docs`` and ``news/docs`` (read where they are) and,
for questions whose ``graph`` is ``sample``, from the bundled sample (``kg/data/sample``). Each
question of the question file has an expected answer (rows as a set, a boolean, labels the
answer must contain) or must be refused. Accuracy counts answerable questions answered
exactly; the refusal rate counts unanswerable questions that got ``understood: false``. A
question marked ``unstated`` asks for a fact the graph does not hold: refusing it or answering
that the graph states no such fact (no rows, or "no" to a yes/no question) both count.
Speed: a synthetic graph in kg's shape (``bench/scale.py``) in an on-disk kg store folder,
each question type asked through ``kg.ask.store_source`` (what ``kg ask --store`` and
``kg serve`` run), timed end to end (names read, SPARQL run, evidence fetched): warm, in one
process, and cold, as the first question of a fresh interpreter (Python start-up, imports
and the answer timed apart) and through the CLI. Figures are printed as Markdown; nothing
is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kg.ask import Answer, Source, ask  # noqa: E402

SAMPLE = Path(__file__).resolve().parents[1] / "kg" / "data" / "sample"


def build(folder: Path) -> Source:
    from kg.ask import graph_source
    from kg.build import build as kg_build

    return graph_source(kg_build([folder], progress=False).graph)


def correct(answer: Answer, case: dict[str, Any]) -> bool:
    if case.get("refuse"):
        return not answer.understood
    if case.get("unstated"):
        return (not answer.understood or answer.boolean is False
                or (answer.boolean is None and not answer.rows))
    if not answer.understood:
        return False
    if "boolean" in case:
        return answer.boolean is case["boolean"]
    if "rows" in case:
        return {row[0] for row in answer.rows} == set(case["rows"])
    shown = [" ".join(row) for row in answer.rows]
    return all(any(label in line for line in shown) for label in case["contains"])


def accuracy(data: Path, questions: Path) -> list[str]:
    cases = json.loads(questions.read_text(encoding="utf-8"))["questions"]
    sources = {name: build(SAMPLE if name == "sample" else data / name / "docs")
               for name in sorted({c["graph"] for c in cases})}
    lines = ["| question | expected | kg ask | ok |", "|---|---|---|---|"]
    good = refused = answerable = unanswerable = 0
    for case in cases:
        answer = ask(sources[case["graph"]], case["question"])
        ok = correct(answer, case)
        if case.get("refuse") or case.get("unstated"):
            unanswerable += 1
            refused += ok
        else:
            answerable += 1
            good += ok
        got = ("refused" if not answer.understood else
               str(answer.boolean).lower() if answer.boolean is not None else
               "; ".join(r[0] for r in answer.rows[:4]) or "(none stated)")
        want = ("refuse" if case.get("refuse") else "refuse or none stated"
                if case.get("unstated") else str(case.get("boolean", "")).lower()
                or "; ".join(case.get("rows", case.get("contains", []))))
        lines.append(f"| {case['question']} | {want} | {got[:80]} | {'yes' if ok else 'NO'} |")
    lines += ["", f"answerable: {good}/{answerable} correct ({good / answerable:.0%}); "
              f"unanswerable: {refused}/{unanswerable} refused or answered as not stated "
              f"({refused / unanswerable:.0%})"]
    return lines


QUESTIONS = [
    "Which entities invest in Entity 4242?", "Who does Entity 4242 cooperate with?",
    "Does Entity 4242 trade with Entity 7?", "When did Entity 4242 start?",
    "Tell me about Entity 4242", "How is Entity 4242 connected to Entity 3?",
    "How many companies are there?", "Which entities are mentioned most?",
    "List all policies", "Who leads Entity 12?", "Tell me about Entyty 4242",
]

# One fresh interpreter: the imports kg ask needs, then the first question through
# kg.ask.store_source (what the CLI and kg serve use), each step timed.
_COLD = """
import json, sys, time
started = time.perf_counter()
import kg.ask, kg.graphs.store
imported = time.perf_counter()
from pathlib import Path
source = kg.ask.store_source(Path(sys.argv[1]))
answer = kg.ask.ask(source, sys.argv[2])
done = time.perf_counter()
print(json.dumps({"imports": imported - started, "first": done - imported,
                  "understood": answer.understood}))
"""


def kg_store(folder: Path, triples: int) -> tuple[Path, dict[str, Any]]:
    """A synthetic graph in kg's shape (``bench/scale.py``) as an on-disk kg store folder
    (the store layout ``kg.oxstore`` reads: CURRENT, a generation, its manifest)."""
    import pyoxigraph as ox

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from scale import synthetic_graph

    from kg.graphs.store import STORE_FORMAT

    info = synthetic_graph(folder, triples)
    root = folder / "store"
    generation = root / "gen-000001"
    generation.mkdir(parents=True)
    database = ox.Store(str(generation / "oxigraph"))
    database.bulk_load(path=folder / "graph.nq", format=ox.RdfFormat.N_QUADS)
    database.flush()
    del database
    manifest = {"kg_store": STORE_FORMAT, "documents": [], "options": {}, "graphs": {}}
    (generation / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (root / "CURRENT").write_text("gen-000001\n", encoding="utf-8")
    return root, info


def _python(*args: str) -> tuple[float, str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env,
                          check=False)
    return time.perf_counter() - started, done.stdout


def cold(root: Path, runs: int = 3) -> list[str]:
    """The first question of a fresh session, in fresh interpreters (median of ``runs``)."""
    lines = ["| first question of a fresh process | Python start-up | imports (kg.ask, "
             "kg.oxstore) | store_source + ask | CLI `python -m kg ask --store` end to end |",
             "|---|---|---|---|---|"]
    for question in QUESTIONS:
        startup = statistics.median(_python("-c", "pass")[0] for _ in range(runs))
        parts = [json.loads(_python("-c", _COLD, str(root), question)[1]) for _ in range(runs)]
        cli = statistics.median(
            _python("-m", "kg", "ask", "--store", str(root), question)[0] for _ in range(runs))
        lines.append(f"| {question} | {startup:.2f} | "
                     f"{statistics.median(p['imports'] for p in parts):.2f} | "
                     f"{statistics.median(p['first'] for p in parts):.2f} | {cli:.2f} |")
    return lines


def speed(triples: int) -> list[str]:
    from kg.ask import store_source

    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        root, info = kg_store(Path(tmp), triples)
        setup = time.perf_counter() - started
        source = store_source(root)
        started = time.perf_counter()
        source.names()
        names = time.perf_counter() - started
        lines = [f"synthetic graph: {info['triples']:,} triples, {info['entities']:,} entities "
                 f"(generated and loaded in {setup:.1f} s; names read in this process in "
                 f"{names:.2f} s)", "",
                 "| question (warm: names already read) | understood | answer rows "
                 "| seconds (median of 3) |", "|---|---|---|---|"]
        times = []
        for question in QUESTIONS:
            runs = []
            for _ in range(3):
                started = time.perf_counter()
                answer = ask(source, question)
                runs.append(time.perf_counter() - started)
            times.append(statistics.median(runs))
            lines.append(f"| {question} | {answer.understood} | {len(answer.rows)} | "
                         f"{times[-1]:.3f} |")
        lines += ["", f"slowest warm answer: {max(times):.3f} s", ""]
        lines += cold(root)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/bench"))
    parser.add_argument("--questions", type=Path,
                        default=Path(__file__).with_name("ask-questions.json"))
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--no-speed", action="store_true")
    parser.add_argument("--speed-only", action="store_true")
    args = parser.parse_args()
    if args.speed_only:
        print("\n".join(speed(args.triples)))
        return
    if not (args.data / "practice" / "docs").is_dir():
        sys.exit(f"--data {args.data}: no practice/docs folder there")
    print("\n".join(accuracy(args.data, args.questions)))
    if not args.no_speed:
        print()
        print("\n".join(speed(args.triples)))


if __name__ == "__main__":
    main()
