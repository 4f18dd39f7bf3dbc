"""Scale benchmarks: throughput on all cores, the Oxigraph store against rdflib, incremental builds.

Run from the repository root::

    .venv/bin/python bench/scale.py --data ../shared/bench/redocred/dev_subset.jsonl \
        [--words 1000000] [--sizes 100000 1000000] [--big] [--docs 1000] [--memory-docs 10000]
        [--parts throughput,graphs,incremental,memory]

(a) throughput: kg with 1 job and with all jobs against spaCy's bare ``nlp.pipe`` (one
process) on the same Re-DocRED texts, repeated (each copy made unique) to ``--words`` words.
(b) graphs: synthetic graphs in kg's shape (documents, sentences, entities, relations with
``rdf:Statement`` evidence) of each ``--sizes`` triples (5M with ``--big``): load time, peak
memory and five queries, Oxigraph (an on-disk pyoxigraph store) against plain rdflib. Every
measurement runs in its own subprocess; rdflib queries stop after ``--timeout`` seconds.
(c) incremental: ``--docs`` small documents built into a store, then one changed and rebuilt.
(d) memory: the peak memory of a store build of ``--memory-docs`` documents.
Figures are printed as Markdown tables; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

KGO = "https://w3id.org/kg/ontology#"
KGR = "https://w3id.org/kg/id/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
PROV = "http://www.w3.org/ns/prov#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PREDICATES = ("investsIn", "tradesWith", "alliedWith", "suppliesTo", "operatesIn", "competesWith")
CLASSES = ("Country", "Company", "City", "Person", "Organization")

QUERIES = {
    "label lookup": 'SELECT ?e WHERE { ?e rdfs:label "Entity 4242" }',
    "1-hop": f"SELECT ?p ?o ?l WHERE {{ <{KGR}entity/e4242> ?p ?o . ?o rdfs:label ?l }}",
    "2-hop": "SELECT (COUNT(*) AS ?n) WHERE { ?a kgo:investsIn ?b . ?b kgo:tradesWith ?c }",
    "aggregation by property": (
        "SELECT ?p (COUNT(*) AS ?n) WHERE { ?st rdf:predicate ?p } GROUP BY ?p ORDER BY ?p"
    ),
    "evidence lookup": (
        f"SELECT ?p ?text WHERE {{ ?st rdf:subject <{KGR}entity/e4242> ; rdf:predicate ?p ; "
        "prov:wasDerivedFrom ?s . ?s kgo:text ?text }"
    ),
}
PREFIXES = (
    f"PREFIX kgo: <{KGO}> PREFIX kgr: <{KGR}> PREFIX rdf: <{RDF}> PREFIX rdfs: <{RDFS}> "
    f"PREFIX prov: <{PROV}>\n"
)


def peak_mb() -> float:
    """Peak resident memory of this process, in MB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- (a) throughput ---------------------------------------------------------------------------


def redocred_documents(data: Path, words: int) -> list[Any]:
    from kg.ingest.text import read_plain

    items = [json.loads(line) for line in data.read_text(encoding="utf-8").splitlines() if line]
    docs, total, copy = [], 0, 0
    while total < words:
        for item in items:
            text = item["text"] + f" (Copy {copy}.)"  # a unique document; 2 more words
            name = f"{item['id']}-{copy}"
            docs.append(read_plain(text.encode("utf-8"), name, name))
            total += len(item["text"].split())
            if total >= words:
                break
        copy += 1
    return docs


def bench_throughput(args: argparse.Namespace) -> list[str]:
    from kg.build import build_documents
    from kg.nlp.extract import _split_long, blocks_of
    from kg.nlp.pipeline import load_pipeline
    from kg.parallel import default_jobs

    docs = redocred_documents(args.data, args.words)
    words = sum(len(d.text.split()) for d in docs)
    nlp = load_pipeline()
    texts = [b.text for d in docs for blk in blocks_of(d) for b in _split_long(blk)]
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=32):
        pass
    spacy_s = time.perf_counter() - start
    timings = {}
    for jobs in sorted({1, default_jobs()}):
        start = time.perf_counter()
        build_documents(docs, jobs=jobs)
        timings[jobs] = time.perf_counter() - start
    rows = [
        f"Documents: {len(docs)}, words: {words}, cores: {default_jobs()}",
        "",
        "| run | seconds | words/s | vs nlp.pipe |",
        "|---|---:|---:|---:|",
        f"| spaCy nlp.pipe (baseline, 1 process) | {spacy_s:.1f} | {words / spacy_s:,.0f} | 1.00 |",
    ]
    for jobs, seconds in timings.items():
        rows.append(
            f"| kg build, {jobs} job{'s' if jobs > 1 else ''} | {seconds:.1f} | "
            f"{words / seconds:,.0f} | {seconds / spacy_s:.2f} |"
        )
    if len(timings) > 1:
        top = max(timings)
        rows.append("")
        rows.append(f"Speed-up with {top} jobs over 1 job: {timings[1] / timings[top]:.2f}x")
    return rows


# --- (b) synthetic graphs -----------------------------------------------------------------------


def synthetic_nt(path: Path, triples: int) -> int:
    """Write an N-Triples graph in kg's shape with about ``triples`` triples."""
    entities = max(100, triples // 40)
    written = 0
    with path.open("w", encoding="utf-8") as out:

        def t(s: str, p: str, o: str) -> None:
            nonlocal written
            out.write(f"{s} {p} {o} .\n")
            written += 1

        n = 0
        while written < triples:
            doc = f"<{KGR}document/{n:016x}>"
            t(doc, f"<{RDF}type>", f"<{KGO}Document>")
            t(doc, "<http://purl.org/dc/terms/title>", f'"Document {n}"')
            for k in range(5):
                sent = f"<{KGR}sentence/{n:016x}-{k * 100}-{k * 100 + 90}>"
                t(sent, f"<{RDF}type>", f"<{KGO}Sentence>")
                t(sent, f"<{KGO}text>", f'"Sentence {k} of document {n} about trade."')
                t(sent, f"<{KGO}inDocument>", doc)
                a, b = (n * 7 + k * 13) % entities, (n * 11 + k * 17 + 1) % entities
                pred = PREDICATES[(n + k) % len(PREDICATES)]
                sa, sb = f"<{KGR}entity/e{a}>", f"<{KGR}entity/e{b}>"
                t(sa, f"<{KGO}{pred}>", sb)
                st = f"<{KGR}statement/{n:08x}{k:08x}>"
                t(st, f"<{RDF}type>", f"<{RDF}Statement>")
                t(st, f"<{RDF}subject>", sa)
                t(st, f"<{RDF}predicate>", f"<{KGO}{pred}>")
                t(st, f"<{RDF}object>", sb)
                t(st, f"<{PROV}wasDerivedFrom>", sent)
                t(st, f"<{KGO}confidence>", f'"0.8"^^<{XSD}decimal>')
                t(st, f"<{KGO}extractor>", '"verb-rule"')
                t(sa, f"<{KGO}mentionedIn>", doc)
            n += 1
        for e in range(entities):
            node = f"<{KGR}entity/e{e}>"
            t(node, f"<{RDF}type>", f"<{KGO}{CLASSES[e % len(CLASSES)]}>")
            t(node, f"<{RDFS}label>", f'"Entity {e}"')
            t(node, f"<{KGO}mentionCount>", f'"{e % 50 + 1}"^^<{XSD}integer>')
            t(node, f"<{KGO}mentionedWith>", f"<{KGR}entity/e{(e + 1) % entities}>")
    return written


class _Timeout(Exception):
    pass


def _alarm(_signum: int, _frame: Any) -> None:
    raise _Timeout


def child_graph(engine: str, path: Path, timeout: float) -> dict[str, Any]:
    """Load ``path`` with one engine and run the five queries (in a fresh process)."""
    out: dict[str, Any] = {}
    start = time.perf_counter()
    if engine == "oxigraph":
        import pyoxigraph as ox

        folder = Path(tempfile.mkdtemp(prefix="kg-bench-ox-"))
        store = ox.Store(str(folder / "db"))
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
        store.flush()
        out["load"] = time.perf_counter() - start

        def run(q: str) -> int:
            return len(list(store.query(PREFIXES + q, use_default_graph_as_union=True)))
    else:
        from rdflib import Graph

        graph = Graph()
        graph.parse(str(path), format="nt")
        out["load"] = time.perf_counter() - start

        def run(q: str) -> int:
            return len(list(graph.query(PREFIXES + q)))
    out["load_peak_mb"] = peak_mb()
    signal.signal(signal.SIGALRM, _alarm)
    for name, q in QUERIES.items():
        start = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            rows = run(q)
            out[name] = (time.perf_counter() - start, rows)
        except _Timeout:
            out[name] = (None, None)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    out["peak_mb"] = peak_mb()
    if engine == "oxigraph":
        del store
        shutil.rmtree(folder, ignore_errors=True)
    return out


def bench_graphs(args: argparse.Namespace) -> list[str]:
    sizes = list(args.sizes) + ([5_000_000] if args.big else [])
    rows = [
        f"rdflib queries are stopped after {args.timeout:.0f} s. Peak memory is the process's "
        "maximum resident set after loading and querying.",
        "",
        "| triples | engine | load s | peak MB | " + " | ".join(QUERIES) + " |",
        "|---:|---|---:|---:|" + "---:|" * len(QUERIES),
    ]
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "graph.nt"
            written = synthetic_nt(path, size)
            results = {}
            for engine in ("oxigraph", "rdflib"):
                proc = subprocess.run(
                    [sys.executable, __file__, "_child", engine, str(path), str(args.timeout)],
                    capture_output=True, text=True, check=False,
                )
                if proc.returncode != 0:
                    print(proc.stderr, file=sys.stderr)
                    continue
                results[engine] = json.loads(proc.stdout.strip().splitlines()[-1])
            for engine, res in results.items():
                cells = []
                for name in QUERIES:
                    seconds, _count = res[name]
                    cells.append(f"> {args.timeout:.0f} s" if seconds is None else f"{seconds:.3f}")
                rows.append(
                    f"| {written:,} | {engine} | {res['load']:.1f} | {res['peak_mb']:.0f} | "
                    + " | ".join(cells) + " |"
                )
            if len(results) == 2:
                ratios = []
                for name in QUERIES:
                    ox_s, rd_s = results["oxigraph"][name][0], results["rdflib"][name][0]
                    rd_s = rd_s if rd_s is not None else args.timeout
                    ratios.append(f"{rd_s / max(ox_s, 1e-4):,.0f}x" if ox_s is not None else "?")
                load = results["rdflib"]["load"] / results["oxigraph"]["load"]
                rows.append(
                    f"| {written:,} | rdflib / oxigraph | {load:.1f}x | "
                    f"{results['rdflib']['peak_mb'] / results['oxigraph']['peak_mb']:.1f}x | "
                    + " | ".join(ratios) + " |"
                )
    return rows


# --- (c) incremental and (d) memory ---------------------------------------------------------------


def _write_docs(folder: Path, data: Path, count: int) -> None:
    items = [json.loads(line) for line in data.read_text(encoding="utf-8").splitlines() if line]
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        item = items[i % len(items)]
        (folder / f"doc{i:05d}.txt").write_text(
            item["text"] + f" (Copy {i // len(items)}.)", encoding="utf-8"
        )


def child_build(folder: Path, store: Path, jobs: int) -> dict[str, Any]:
    from kg.oxstore import build_store

    start = time.perf_counter()
    report = build_store([folder], store, jobs=jobs).report
    return {
        "seconds": time.perf_counter() - start,
        "peak_mb": peak_mb(),
        "children_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "extracted": report.extracted,
        "triples": report.triples,
        "changed": report.changed,
    }


def _build(folder: Path, store: Path, jobs: int) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, __file__, "_build", str(folder), str(store), str(jobs)],
        capture_output=True, text=True, check=True,
    )
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def bench_incremental(args: argparse.Namespace) -> list[str]:
    from kg.parallel import default_jobs

    with tempfile.TemporaryDirectory() as tmp:
        folder, store = Path(tmp) / "docs", Path(tmp) / "store"
        _write_docs(folder, args.data, args.docs)
        full = _build(folder, store, default_jobs())
        target = folder / "doc00000.txt"
        target.write_text(target.read_text(encoding="utf-8") + "Chile trades with Peru.\n",
                          encoding="utf-8")
        again = _build(folder, store, default_jobs())
    ratio = again["seconds"] / full["seconds"]
    return [
        f"{args.docs} documents, {default_jobs()} jobs, {full['triples']:,} triples",
        "",
        "| build | seconds | documents parsed |",
        "|---|---:|---:|",
        f"| full build into a new store (baseline) | {full['seconds']:.1f} | {full['extracted']} |",
        f"| re-build after changing 1 document | {again['seconds']:.1f} | {again['extracted']} |",
        "",
        f"Re-build / full build: {ratio:.1%}",
    ]


def bench_memory(args: argparse.Namespace) -> list[str]:
    from kg.parallel import default_jobs

    with tempfile.TemporaryDirectory() as tmp:
        folder, store = Path(tmp) / "docs", Path(tmp) / "store"
        _write_docs(folder, args.data, args.memory_docs)
        size_mb = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
        res = _build(folder, store, default_jobs())
    return [
        f"A store build of {args.memory_docs:,} documents ({size_mb:.1f} MB of text, "
        f"{res['triples']:,} triples, {default_jobs()} jobs) took {res['seconds']:.0f} s; "
        f"peak memory {res['peak_mb']:.0f} MB in the main process, "
        f"{res['children_peak_mb']:.0f} MB in the largest worker.",
    ]


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_child":
        print(json.dumps(child_graph(sys.argv[2], Path(sys.argv[3]), float(sys.argv[4]))))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "_build":
        print(json.dumps(child_build(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default_data = Path("../shared/bench/redocred/dev_subset.jsonl")
    parser.add_argument("--data", type=Path, default=default_data)
    parser.add_argument("--words", type=int, default=1_000_000)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--big", action="store_true", help="add a 5M-triple graph")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--memory-docs", type=int, default=10_000)
    parser.add_argument("--parts", default="throughput,graphs,incremental,memory")
    args = parser.parse_args()
    benches = {
        "throughput": ("Throughput (words per second)", bench_throughput),
        "graphs": ("Oxigraph store against rdflib", bench_graphs),
        "incremental": ("Incremental re-build", bench_incremental),
        "memory": ("Peak memory of a large build", bench_memory),
    }
    for part in args.parts.split(","):
        title, func = benches[part]
        print(f"\n### {title}\n", flush=True)
        print("\n".join(func(args)), flush=True)
    print(f"\n(measured on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
