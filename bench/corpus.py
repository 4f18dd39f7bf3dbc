"""Build a folder of many documents and measure it, each figure beside its baseline.

Run from the repository root::

    .venv/bin/python bench/corpus.py DIR [--jobs N] [--limit N] [--out DIR] [--no-viewer]
                                         [--json FILE]
    .venv/bin/python bench/corpus.py --generate 300 /tmp/synthetic   # a folder to try it on

``DIR`` is any folder that ``kg build`` reads (for example the BBC News research dataset,
which users fetch themselves). The figures:

- build: the wall time of ``python -m kg build DIR --out OUT -q --jobs N`` as a subprocess
  (start-up, model load, reading, parsing, resolving, Turtle and HTML) and words/s, beside a
  baseline subprocess that loads the same spaCy pipeline and runs bare ``nlp.pipe`` over the
  same texts (the blocks kg parses) with ``n_process`` = the same number of jobs; measured in
  the same run, the baseline first;
- peak memory of each: the largest single process (``ru_maxrss`` from ``os.wait4``, which
  covers the process and its waited-for children) and the whole process tree (the sum of
  the RSS of the process and its descendants, sampled every 50 ms from ``/proc``);
- entities and relations per document, counted by SPARQL on the built Turtle with
  pyoxigraph, beside spaCy's distinct entity names per document from the baseline run;
- the viewer (the built ``graph.html``): its size, the time from navigation to the first
  drawn frame (``kg-ready``) and from a click on the hub to its panel (``bench.viewer``'s
  ``drawn_after``), and the time of ``window.kgFocus`` on the most connected entity until the
  next drawn frame, in headless Debian Chromium; targets at 12,000 entities: ready <= 2 s,
  focus <= 300 ms, HTML <= 15 MB.

Numbers are measured here and written into bench/README.md by hand; nothing asserts them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make ``kg`` and ``bench`` importable
    sys.path.insert(0, str(ROOT))

TARGETS = {"ready_ms": 2000.0, "focus_ms": 300.0, "html_mb": 15.0}
SAMPLE_EVERY = 0.05
READY = "() => document.body && document.body.dataset.kgReady === 'true'"
PREFIXES = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX kgo: <https://w3id.org/kg/ontology#>
"""
COUNTS = {
    "documents": "SELECT (COUNT(?d) AS ?n) { ?d a kgo:Document }",
    "entities": "SELECT (COUNT(?e) AS ?n) { ?e kgo:mentionCount ?c }",
    "entity_document_pairs": "SELECT (COUNT(*) AS ?n) { ?e kgo:mentionedIn ?d }",
    "typed_relations": """SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o {
        ?st a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
        FILTER (?p NOT IN (kgo:startDate, kgo:endDate, kgo:relatedTo)) } }""",
    "related_to": "SELECT (COUNT(*) AS ?n) { ?s kgo:relatedTo ?o }",
    "statements": """SELECT (COUNT(?st) AS ?n) { ?st a rdf:Statement ; rdf:predicate ?p .
        FILTER (?p NOT IN (kgo:startDate, kgo:endDate)) }""",
    "cooccurrence_pairs": "SELECT (COUNT(*) AS ?n) { ?s kgo:mentionedWith ?o }",
    "dates": "SELECT (COUNT(*) AS ?n) { ?e kgo:startDate|kgo:endDate ?y }",
}


# -- the documents -----------------------------------------------------------------------


def documents_of(folder: Path, limit: int | None) -> tuple[list[Path], list[Any]]:
    """The files kg reads in ``folder`` (sorted, the first ``limit``) and their Documents."""
    from kg.ingest.discovery import discover
    from kg.ingest.read import read_all

    files = [path for path, _ in discover([folder])][:limit]
    documents, _ = read_all(files)
    return files, documents


def texts_of(documents: Sequence[Any]) -> list[tuple[str, int]]:
    """``(text, document number)`` for every block kg parses: the baseline's input."""
    from kg.nlp.extract import blocks_of

    return [(block.text, i) for i, doc in enumerate(documents) for block in blocks_of(doc)]


# -- a measured subprocess -----------------------------------------------------------------


def _tree_rss(root: int) -> int:
    """Bytes of resident memory of ``root`` and all its descendants (0 without ``/proc``)."""
    parents: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(parents.get(pid, []))
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return total * os.sysconf("SC_PAGE_SIZE")


def measured(command: list[str], *, cwd: Path = ROOT) -> dict[str, Any]:
    """Run ``command``; its wall time, exit code, stdout, and peak memory in MB.

    ``largest_mb`` is ``ru_maxrss`` from ``os.wait4`` (the largest single process among it and
    its waited-for children); ``tree_mb`` the largest sum over the process tree, sampled.
    """
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=err)
        tree = 0
        can_sample = Path("/proc/self/statm").exists()
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if can_sample:
                tree = max(tree, _tree_rss(proc.pid))
            time.sleep(SAMPLE_EVERY)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command[:4])} … exited {proc.returncode}:\n{stderr[-2000:]}")
    return {
        "seconds": seconds,
        "largest_mb": usage.ru_maxrss / 1024,
        "tree_mb": tree / 1e6 if tree else None,
        "stdout": stdout,
    }


# -- the baseline: bare nlp.pipe -----------------------------------------------------------


def pipe_worker(texts_file: Path, model: str, jobs: int) -> dict[str, Any]:
    """Load the pipeline and run ``nlp.pipe`` over the texts (the baseline subprocess)."""
    start = time.perf_counter()
    import spacy

    nlp = spacy.load(model)
    loaded = time.perf_counter()
    items = [(text, number) for text, number in json.loads(texts_file.read_text("utf-8"))]
    names: dict[int, set[str]] = {}
    for doc, number in nlp.pipe(items, as_tuples=True, n_process=jobs, batch_size=32):
        names.setdefault(number, set()).update(ent.text for ent in doc.ents)
    done = time.perf_counter()
    return {
        "load_s": loaded - start,
        "pipe_s": done - loaded,
        "entity_names": sum(len(found) for found in names.values()),
    }


def run_baseline(texts: list[tuple[str, int]], model: str, jobs: int, tmp: Path) -> dict[str, Any]:
    texts_file = tmp / "texts.json"
    texts_file.write_text(json.dumps(texts), encoding="utf-8")
    command = [sys.executable, str(Path(__file__).resolve()), "--pipe-worker", str(texts_file)]
    run = measured(command + ["--model", model, "--jobs", str(jobs)])
    run.update(json.loads(run.pop("stdout")))
    return run


# -- kg build and its graph ----------------------------------------------------------------


def run_build(
    files: list[Path], folder: Path, limited: bool, out: Path, model: str, jobs: int
) -> dict[str, Any]:
    inputs = [str(path) for path in files] if limited else [str(folder)]
    command = [
        sys.executable,
        "-m",
        "kg",
        "build",
        *inputs,
        "--out",
        str(out),
        "-q",
        "--jobs",
        str(jobs),
        "--model",
        model,
    ]
    run = measured(command)
    run.pop("stdout")
    return run


def graph_counts(turtle: Path) -> dict[str, int]:
    """The counts of ``COUNTS`` on a built graph, by SPARQL in pyoxigraph."""
    from pyoxigraph import RdfFormat, Store

    store = Store()
    store.bulk_load(path=str(turtle), format=RdfFormat.TURTLE)
    counts = {}
    for name, query in COUNTS.items():
        rows = list(store.query(PREFIXES + query))  # type: ignore[arg-type]
        counts[name] = int(rows[0]["n"].value) if rows else 0
    return counts


# -- the viewer ------------------------------------------------------------------------------


def hub_label(page: Path) -> str | None:
    """The label of the best connected entity of a built page (what focus is timed on)."""
    text = page.read_text(encoding="utf-8")
    found = re.search(r'<script type="application/json" id="kg-nodes">(.*?)</script>', text, re.S)
    nodes = json.loads(found.group(1)) if found else []
    if not nodes:
        return None
    return str(max(nodes, key=lambda n: (n.get("degree", 0), n.get("mentions", 0)))["name"])


def focus_ms(browser: Any, page_path: Path, label: str, cap: float) -> float | None:
    """Milliseconds from ``window.kgFocus(label)`` to the next drawn frame."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    try:
        page.goto(page_path.as_uri(), timeout=cap * 1000)
        page.wait_for_function(READY, timeout=cap * 1000)
        return page.evaluate(  # type: ignore[no-any-return]
            """label => new Promise(done => {
                 const start = performance.now();
                 window.kgNetwork.once("afterDrawing", () => done(performance.now() - start));
                 if (!window.kgFocus(label)) { done(null); }
               })""",
            label,
        )
    finally:
        page.close()


def measure_viewer(page_path: Path, cap: float) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    from bench.viewer import drawn_after
    from kg.viz.chromium import CHROMIUM, FLAGS

    row: dict[str, Any] = {"html_mb": page_path.stat().st_size / 1e6}
    label = hub_label(page_path)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        drawn = drawn_after(browser, page_path, "", READY, cap)
        row.update(
            ready_ms=drawn["drawn_ms"],
            click_ms=drawn["click_ms"],
            blocked=drawn["blocked"],
            focus_label=label,
        )
        row["focus_ms"] = focus_ms(browser, page_path, label, cap) if label else None
        browser.close()
    return row


# -- the report ----------------------------------------------------------------------------


def measure(
    folder: Path, *, jobs: int, limit: int | None, out: Path, model: str, viewer: bool, cap: float
) -> dict[str, Any]:
    """Every figure of the report as a dict (see the module docstring)."""
    files, documents = documents_of(folder, limit)
    if not documents:
        raise SystemExit(f"{folder}: no documents that kg reads")
    texts = texts_of(documents)
    report: dict[str, Any] = {
        "folder": str(folder),
        "documents": len(documents),
        "jobs": jobs,
        "model": model,
        "words": sum(len(doc.text.split()) for doc in documents),
        "characters": sum(len(doc.text) for doc in documents),
    }
    with tempfile.TemporaryDirectory() as tmp:
        report["baseline"] = run_baseline(texts, model, jobs, Path(tmp))
    report["build"] = run_build(files, folder, limit is not None, out, model, jobs)
    for run in (report["baseline"], report["build"]):
        run["words_per_s"] = report["words"] / run["seconds"]
    report["graph"] = graph_counts(out / "graph.ttl")
    page = out / "graph.html"
    report["viewer"] = measure_viewer(page, cap) if viewer and page.exists() else None
    return report


def _mb(value: float | None) -> str:
    return f"{value:,.0f} MB" if value is not None else "n/a"


def _ms(value: float | None) -> str:
    return f"{value:,.0f} ms" if value is not None else "not drawn"


def table(report: dict[str, Any]) -> str:
    """The report as a Markdown table: measure | kg | baseline | target."""
    b, k, g, n = report["baseline"], report["build"], report["graph"], report["documents"]
    rows = [
        ("documents / words", f"{n:,} / {report['words']:,}", "same texts", ""),
        (
            "wall time",
            f"{k['seconds']:.1f} s",
            f"{b['seconds']:.1f} s (load {b['load_s']:.1f} s, pipe {b['pipe_s']:.1f} s)",
            "",
        ),
        ("words/s", f"{k['words_per_s']:,.0f}", f"{b['words_per_s']:,.0f}", ""),
        ("kg / nlp.pipe time", f"{k['seconds'] / b['seconds']:.2f}×", "1.00×", ""),
        ("peak RSS, largest process", _mb(k["largest_mb"]), _mb(b["largest_mb"]), ""),
        ("peak RSS, process tree", _mb(k["tree_mb"]), _mb(b["tree_mb"]), ""),
        ("entities (distinct)", f"{g['entities']:,}", "", ""),
        (
            "entities per document",
            f"{g['entity_document_pairs'] / n:.1f}",
            f"{b['entity_names'] / n:.1f} (spaCy names)",
            "",
        ),
        ("typed relations per document", f"{g['typed_relations'] / n:.2f}", "—", ""),
        ("relatedTo per document", f"{g['related_to'] / n:.2f}", "—", ""),
        ("co-occurrence pairs per document", f"{g['cooccurrence_pairs'] / n:.1f}", "—", ""),
    ]
    v = report["viewer"]
    if v is not None:
        rows += [
            ("HTML size", f"{v['html_mb']:.1f} MB", "", f"≤ {TARGETS['html_mb']:.0f} MB"),
            ("viewer ready (kg-ready)", _ms(v["ready_ms"]), "", f"≤ {TARGETS['ready_ms']:.0f} ms"),
            (
                f"kgFocus({v['focus_label']!r})",
                _ms(v["focus_ms"]),
                "",
                f"≤ {TARGETS['focus_ms']:.0f} ms",
            ),
            ("click on the hub → panel", _ms(v["click_ms"]), "", ""),
        ]
    lines = [
        f"{report['folder']}: {n:,} documents, {report['jobs']} jobs, {report['model']}",
        "",
        "| measure | kg | baseline (bare nlp.pipe) | target (12,000 entities) |",
        "|---|---|---|---|",
    ]
    lines += [f"| {' | '.join(row)} |" for row in rows]
    return "\n".join(lines)


# -- a synthetic folder ----------------------------------------------------------------------

SYLLABLES = ["ka", "lor", "ven", "mi", "sa", "dun", "tra", "bel", "os", "ri", "gan", "tek", "mar"]


def generate(count: int, folder: Path, *, seed: int = 7) -> list[Path]:
    """Write ``count`` varied documents made from the bundled sample into ``folder``.

    Each takes 3 to 8 of the sample's paragraphs, in order, and renames about half of its
    capitalised words that never occur in lower case (names) to made-up names, the same
    name throughout the document, so that the documents share some entities and not others.
    """
    from kg.build import sample_path

    text = sample_path().read_text(encoding="utf-8")
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if len(p.split()) > 20]
    lower = set(re.findall(r"\b[a-z][a-z]+\b", text))
    names = sorted({w for w in re.findall(r"\b[A-Z][a-z]{2,}\b", text) if w.lower() not in lower})
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for number in range(count):
        chosen = sorted(rng.sample(range(len(paragraphs)), min(len(paragraphs), rng.randint(3, 8))))
        renamed = {
            name: "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
            for name in names
            if rng.random() < 0.5
        }
        body = "\n\n".join(paragraphs[i] for i in chosen)
        if renamed:
            pattern = re.compile(r"\b(" + "|".join(map(re.escape, renamed)) + r")\b")
            body = pattern.sub(lambda m, names=renamed: names[m.group(1)], body)
        path = folder / f"doc-{number:04d}.txt"
        path.write_text(f"Report {number}\n\n{body}\n", encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path, help="the folder of documents to build")
    parser.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="processes for kg build and for nlp.pipe (default: all cores)",
    )
    parser.add_argument("--limit", type=int, help="only the first N documents (sorted)")
    parser.add_argument("--out", type=Path, help="where kg build writes (default: a temp folder)")
    parser.add_argument("--model", help="the spaCy pipeline of both (default: kg's)")
    parser.add_argument("--no-viewer", action="store_true", help="skip the Chromium timings")
    parser.add_argument("--cap", type=float, default=60.0, help="seconds to wait in Chromium")
    parser.add_argument("--json", type=Path, help="also write every figure as JSON")
    parser.add_argument(
        "--generate", type=int, metavar="N", help="write N synthetic documents into FOLDER and stop"
    )
    parser.add_argument("--pipe-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.model is None:  # the baseline worker is always given one, and never imports kg
        from kg.nlp.pipeline import DEFAULT_MODEL

        args.model = DEFAULT_MODEL
    if args.pipe_worker:
        print(json.dumps(pipe_worker(args.folder, args.model, args.jobs)))
        return 0
    if args.generate is not None:
        print(f"wrote {len(generate(args.generate, args.folder))} documents to {args.folder}")
        return 0
    if not args.folder.is_dir():
        parser.error(f"{args.folder}: not a folder")
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp) / "out"
        report = measure(
            args.folder.resolve(),
            jobs=args.jobs,
            limit=args.limit,
            out=out.resolve(),
            model=args.model,
            viewer=not args.no_viewer,
            cap=args.cap,
        )
    print(table(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
