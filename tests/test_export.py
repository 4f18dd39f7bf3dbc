"""Writing graph files: every format, atomic writes, byte-stable output, clear errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.errors import ExportError, UsageError
from kg.export import export, format_for, serialize, write_atomic


def test_every_format_round_trips_or_parses(tiny_graph: Graph, tmp_path: Path) -> None:
    for name, fmt in (("g.ttl", "turtle"), ("g.nt", "nt"), ("g.jsonld", "json-ld")):
        export(tiny_graph, tmp_path / name)
        assert isomorphic(Graph().parse(tmp_path / name, format=fmt), tiny_graph), name
    export(tiny_graph, tmp_path / "g.graphml")
    assert nx.read_graphml(tmp_path / "g.graphml").number_of_nodes() > 0
    export(tiny_graph, tmp_path / "g.html")
    assert (tmp_path / "g.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_ntriples_are_sorted_and_json_ld_is_canonical(tiny_graph: Graph) -> None:
    lines = serialize(tiny_graph, "nt").decode().splitlines()
    assert lines == sorted(lines)
    assert json.loads(serialize(tiny_graph, "json-ld")) == json.loads(
        serialize(tiny_graph, "json-ld")
    )


def test_turtle_is_identical_across_processes_with_different_hash_seeds(tmp_path: Path) -> None:
    script = (
        "import sys; from kg.graphs.file import load_graph; from kg.export import serialize;"
        "sys.stdout.buffer.write(serialize(load_graph(__import__('pathlib').Path(sys.argv[1])),"
        " sys.argv[2]))"
    )
    src = tmp_path / "in.ttl"
    from tests.conftest import TINY_TURTLE

    src.write_text(TINY_TURTLE, encoding="utf-8")
    for fmt in ("turtle", "json-ld", "graphml"):
        outs = set()
        for seed in ("1", "2", "3"):
            env = {**os.environ, "PYTHONHASHSEED": seed}
            out = subprocess.run(
                [sys.executable, "-c", script, str(src), fmt],
                env=env,
                capture_output=True,
                check=True,
            ).stdout
            outs.add(out)
        assert len(outs) == 1, fmt


def test_unknown_format_and_suffix_are_clear_errors() -> None:
    with pytest.raises(UsageError, match="cannot tell the format"):
        format_for(Path("graph.xyz"))
    with pytest.raises(UsageError, match="unknown export format 'yaml'"):
        format_for(Path("graph.ttl"), "yaml")


def test_atomic_write_replaces_whole_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "out" / "graph.ttl"
    write_atomic(target, b"old")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in target.parent.iterdir()] == ["graph.ttl"]


def test_write_into_unwritable_place_is_an_export_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ExportError, match="cannot write here"):
        write_atomic(blocker / "graph.ttl", b"data")
