"""bench/corpus.py on a tiny generated folder: the report's structure, every figure positive.

No timing is asserted: the figures only have to be there and be positive. The viewer part
runs only when Debian's Chromium and playwright are installed.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kg.viz.chromium import CHROMIUM

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "bench" / "corpus.py"
TEXTS = [
    "Toyota invested in Poland in 2019. Toyota opened a factory in Walbrzych.",
    "Chile borders Peru. Michelle Bachelet visited Lima with ministers from Chile.",
    "Samsung supplies chips to Apple. Samsung is based in Seoul, South Korea.",
]
VIEWER = Path(CHROMIUM).exists() and importlib.util.find_spec("playwright") is not None


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("corpus")
    docs = tmp / "docs"
    docs.mkdir()
    for number, text in enumerate(TEXTS):
        (docs / f"d{number}.txt").write_text(text + "\n", encoding="utf-8")
    (docs / "notes.xlsx").write_bytes(b"not read")
    out = tmp / "report.json"
    command = [
        sys.executable,
        str(SCRIPT),
        str(docs),
        "--jobs",
        "1",
        "--json",
        str(out),
        "--out",
        str(tmp / "built"),
    ]
    if not VIEWER:
        command.append("--no-viewer")
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    assert "| measure | kg | baseline (bare nlp.pipe) |" in done.stdout
    return dict(json.loads(out.read_text(encoding="utf-8")), stdout=done.stdout)


def test_counts_the_folder(report: dict) -> None:
    assert report["documents"] == 3
    assert report["words"] == sum(len(text.split()) for text in TEXTS)
    assert report["jobs"] == 1


def test_build_and_baseline_are_timed_and_weighed(report: dict) -> None:
    for run in (report["build"], report["baseline"]):
        assert run["seconds"] > 0 and run["words_per_s"] > 0
        assert run["largest_mb"] > 10
        assert run["tree_mb"] is None or run["tree_mb"] > 10
    assert report["baseline"]["pipe_s"] > 0 and report["baseline"]["load_s"] > 0
    assert report["baseline"]["entity_names"] > 0


def test_graph_counts_come_from_the_built_turtle(report: dict) -> None:
    graph = report["graph"]
    assert graph["documents"] == 3
    assert graph["entities"] > 0
    assert graph["entity_document_pairs"] >= graph["entities"]
    assert all(value >= 0 for value in graph.values())


def test_viewer_figures(report: dict) -> None:
    if not VIEWER:
        assert report["viewer"] is None
        pytest.skip("Debian's chromium or playwright is not installed")
    viewer = report["viewer"]
    assert viewer["html_mb"] > 0
    assert viewer["ready_ms"] > 0 and viewer["focus_ms"] > 0
    assert viewer["blocked"] == 0
    assert "kgFocus(" in report["stdout"]


def test_generate_writes_varied_documents(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("bench_corpus", SCRIPT)
    assert spec is not None and spec.loader is not None
    corpus = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(corpus)
    paths = corpus.generate(4, tmp_path / "synthetic")
    texts = [path.read_text(encoding="utf-8") for path in paths]
    assert len(set(texts)) == 4 and all(len(text.split()) > 60 for text in texts)
    assert [
        path.read_text(encoding="utf-8") for path in corpus.generate(4, tmp_path / "again")
    ] == texts  # deterministic
