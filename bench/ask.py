"""Benchmark of ``kg ask``: accuracy on questions about the bench documents, refusals, speed.

Run from the repository root::

    .venv/bin/python bench/ask.py --data ../shared/bench [--questions bench/ask-questions.json]
        [--triples 100000] [--no-speed]

Graphs are built with kg from ``practice/docs`` and ``news/docs`` (read where they are). Each
question of the question file has an expected answer (rows as a set, a boolean, labels the
answer must contain) or must be refused. Accuracy counts answerable questions answered
exactly; the refusal rate counts unanswerable questions that got ``understood: false``.
Speed: a synthetic graph in kg's shape (``bench/scale.py``) loaded into an on-disk Oxigraph
store, each question type asked about its entities, timed end to end (names read, SPARQL
run, evidence fetched). Figures are printed as Markdown; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kg.ask import Answer, Source, ask  # noqa: E402
from kg.query import QueryResult  # noqa: E402


def build(folder: Path) -> Source:
    from kg.ask import graph_source
    from kg.build import build as kg_build

    return graph_source(kg_build([folder], progress=False).graph)


def correct(answer: Answer, case: dict[str, Any]) -> bool:
    if case.get("refuse"):
        return not answer.understood
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
    sources = {name: build(data / name / "docs") for name in sorted({c["graph"] for c in cases})}
    lines = ["| question | expected | kg ask | ok |", "|---|---|---|---|"]
    good = refused = answerable = unanswerable = 0
    for case in cases:
        answer = ask(sources[case["graph"]], case["question"])
        ok = correct(answer, case)
        if case.get("refuse"):
            unanswerable += 1
            refused += ok
        else:
            answerable += 1
            good += ok
        got = ("refused" if not answer.understood else
               str(answer.boolean).lower() if answer.boolean is not None else
               "; ".join(r[0] for r in answer.rows[:4]) or "(none stated)")
        want = ("refuse" if case.get("refuse") else str(case.get("boolean", "")).lower()
                or "; ".join(case.get("rows", case.get("contains", []))))
        lines.append(f"| {case['question']} | {want} | {got[:80]} | {'yes' if ok else 'NO'} |")
    lines += ["", f"answerable: {good}/{answerable} correct ({good / answerable:.0%}); "
              f"unanswerable: {refused}/{unanswerable} refused ({refused / unanswerable:.0%})"]
    return lines


def store_source(folder: Path, triples: int) -> tuple[Source, dict[str, Any]]:
    """A synthetic graph in an on-disk Oxigraph store, queried as ``kg.oxstore`` does."""
    import pyoxigraph as ox

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from scale import synthetic_graph

    from kg.graphs.oxigraph import to_rdflib
    from kg.query import PREFIXES, answer, prepare

    info = synthetic_graph(folder, triples)
    store = ox.Store(str(folder / "store"))
    store.bulk_load(path=folder / "graph.nq", format=ox.RdfFormat.N_QUADS)
    namespaces = {prefix: str(ns) for prefix, ns in PREFIXES.items()}

    def run(sparql: str) -> QueryResult:
        prepared = prepare(sparql, namespaces)
        outcome = store.query(sparql, prefixes=namespaces, use_default_graph_as_union=True)
        if isinstance(outcome, ox.QueryBoolean):
            return answer(prepared, namespaces, boolean=bool(outcome))
        assert isinstance(outcome, ox.QuerySolutions)
        names = tuple(v.value for v in outcome.variables)
        rows = [tuple(None if t is None else to_rdflib(t) for t in s) for s in outcome]
        return answer(prepared, namespaces, names=names, rows=rows)

    return Source(run), info


def speed(triples: int) -> list[str]:
    questions = [
        "Which entities invest in Entity 4242?", "Who does Entity 4242 cooperate with?",
        "Does Entity 4242 trade with Entity 7?", "When did Entity 4242 start?",
        "Tell me about Entity 4242", "How is Entity 4242 connected to Entity 3?",
        "How many companies are there?", "Which entities are mentioned most?",
        "List all policies", "Who leads Entity 12?", "Tell me about Entyty 4242",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        source, info = store_source(Path(tmp), triples)
        setup = time.perf_counter() - started
        started = time.perf_counter()
        source.names()
        names = time.perf_counter() - started
        lines = [f"synthetic graph: {info['triples']:,} triples, {info['entities']:,} entities "
                 f"(generated and loaded in {setup:.1f} s; names read once in {names:.2f} s)",
                 "", "| question | understood | answer rows | seconds (median of 3) |",
                 "|---|---|---|---|"]
        times = []
        for question in questions:
            runs = []
            for _ in range(3):
                fresh = Source(source.run, _names=source.names())
                started = time.perf_counter()
                answer = ask(fresh, question)
                runs.append(time.perf_counter() - started)
            times.append(statistics.median(runs))
            lines.append(f"| {question} | {answer.understood} | {len(answer.rows)} | "
                         f"{times[-1]:.3f} |")
        cold = Source(source.run)
        started = time.perf_counter()
        ask(cold, "Tell me about Entity 4242")
        lines += ["", f"slowest: {max(times):.3f} s; first question of a session (names read "
                  f"too): {time.perf_counter() - started:.3f} s"]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/bench"))
    parser.add_argument("--questions", type=Path,
                        default=Path(__file__).with_name("ask-questions.json"))
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--no-speed", action="store_true")
    args = parser.parse_args()
    if not (args.data / "practice" / "docs").is_dir():
        sys.exit(f"--data {args.data}: no practice/docs folder there")
    print("\n".join(accuracy(args.data, args.questions)))
    if not args.no_speed:
        print()
        print("\n".join(speed(args.triples)))


if __name__ == "__main__":
    main()
