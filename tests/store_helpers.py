"""A kg store folder written by hand, for the tests of what reads one."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from kg.graphs.store import STORE_FORMAT


def store_folder(
    graph: Graph, root: Path, generation: str = "gen-000001", base: str | None = None
) -> Path:
    """Write ``graph`` as the live generation of a kg store folder at ``root``; return ``root``."""
    folder = root / generation
    folder.mkdir(parents=True)
    database = ox.Store(str(folder / "oxigraph"))
    database.bulk_load(graph.serialize(format="nt", encoding="utf-8"), ox.RdfFormat.N_TRIPLES)
    database.flush()
    del database
    options = {} if base is None else {"base": base}
    manifest = {"kg_store": STORE_FORMAT, "documents": [], "options": options, "graphs": {}}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (root / "CURRENT").write_text(generation + "\n", encoding="utf-8")
    return root
