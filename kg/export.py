"""The one module that writes graph files: every write is atomic and byte-stable.

A file is written to a temporary sibling, flushed and fsynced, then renamed over the target,
so a reader sees the old complete file or the new complete file, never a partial one.

>>> from rdflib import Graph, Literal, URIRef
>>> g = Graph(); _ = g.add((URIRef("urn:a"), URIRef("urn:p"), Literal("x")))
>>> serialize(g, "nt")
b'<urn:a> <urn:p> "x" .\\n'
>>> format_for(Path("graph.jsonld"))
'json-ld'
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import Graph

from kg.errors import ExportError, UsageError

if TYPE_CHECKING:
    import networkx as nx

SUFFIX_FORMATS = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".graphml": "graphml",
    ".html": "html",
    ".htm": "html",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
    ".trig": "trig",
    ".nq": "nquads",
}
FORMATS = ("turtle", "nt", "json-ld", "xml", "graphml", "html", "trig", "nquads")
#: Formats that keep named graphs: only a store (``--store DIR``) has them to keep.
DATASET_FORMATS = ("trig", "nquads")


def format_for(path: Path, fmt: str | None = None) -> str:
    """The export format named, or the one the file suffix implies (``UsageError`` when
    neither says).

    >>> format_for(Path("g.owl")), format_for(Path("g.ttl"), "nt")
    ('xml', 'nt')
    """
    if fmt:
        if fmt not in FORMATS:
            raise UsageError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
        return fmt
    found = SUFFIX_FORMATS.get(path.suffix.lower())
    if found is None:
        raise UsageError(
            f"{path}: cannot tell the format from the suffix {path.suffix!r}; "
            f"use one of {', '.join(sorted(SUFFIX_FORMATS))} or pass --format"
        )
    return found


def format_mismatch(path: Path, fmt: str | None) -> str | None:
    """A warning when ``--format`` names another format than the file's suffix implies.

    >>> format_mismatch(Path("g.ttl"), "nt")
    "g.ttl: the suffix '.ttl' means turtle, but the file is written as nt (--format wins)"
    >>> print(format_mismatch(Path("g.ttl"), "turtle"))
    None
    """
    implied = SUFFIX_FORMATS.get(Path(path).suffix.lower())
    if not fmt or implied is None or implied == fmt:
        return None
    return (f"{path}: the suffix {Path(path).suffix!r} means {implied}, but the file is written "
            f"as {fmt} (--format wins)")


def _graphml(graph: Graph) -> bytes:
    from kg.analysis import to_networkx

    return graphml_bytes(to_networkx(graph))


def graphml_bytes(nxg: nx.MultiDiGraph) -> bytes:
    """The viewer's network (``kg.analysis.to_networkx``, ``GraphSource.view_network``) as
    GraphML."""
    import networkx as nx

    from kg.analysis import to_graphml_ready

    buffer = io.BytesIO()
    nx.write_graphml(to_graphml_ready(nxg), buffer, encoding="utf-8")
    return buffer.getvalue()


def serialize(graph: Graph, fmt: str, *, title: str = "Knowledge graph") -> bytes:
    """The graph in ``fmt`` as bytes; the same graph always gives the same bytes."""
    if fmt == "nt":
        text = graph.serialize(format="nt")
        lines = sorted(line for line in text.splitlines() if line.strip())
        return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""
    if fmt == "turtle":
        return graph.serialize(format="turtle").encode("utf-8")
    if fmt == "json-ld":
        return _jsonld(graph)
    if fmt == "xml":
        return graph.serialize(format="pretty-xml", encoding="utf-8")
    if fmt in DATASET_FORMATS:
        raise UsageError(f"{fmt} keeps named graphs, and a graph file has none: export a store "
                         f"(kg export --store DIR OUT) or choose turtle or nt")
    if fmt == "graphml":
        return _graphml(graph)
    if fmt == "html":
        from kg.viz.html import render_html

        return render_html(graph, title=title).encode("utf-8")
    raise ExportError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")


def _jsonld(graph: Graph) -> bytes:
    import json

    data = json.loads(graph.serialize(format="json-ld"))
    items = data if isinstance(data, list) else data.get("@graph", [data])
    for item in items:
        for key, value in item.items():
            if isinstance(value, list):
                item[key] = sorted(value, key=lambda v: json.dumps(v, sort_keys=True))
    items = sorted(items, key=lambda i: str(i.get("@id", "")))
    return (json.dumps(items, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (temporary file, fsync, rename)."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as err:
        raise ExportError(f"{path}: cannot write here: {err.strerror or err}") from err
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        raise ExportError(f"{path}: could not be written: {err.strerror or err}") from err


def export_dataset(store: ox.Store, path: Path, fmt: str) -> str:
    """Write every named graph of an Oxigraph store as TriG or N-Quads, atomically; the
    same store gives the same bytes (quads sorted)."""
    chosen = format_for(Path(path), fmt)
    if chosen not in DATASET_FORMATS:
        raise UsageError(f"{chosen} holds one graph; export_dataset writes trig or nquads")
    quads = sorted(store.quads_for_pattern(None, None, None, None), key=str)
    rdf_format = ox.RdfFormat.TRIG if chosen == "trig" else ox.RdfFormat.N_QUADS
    write_atomic(Path(path), ox.serialize(quads, format=rdf_format) or b"")
    return chosen


def export(
    graph: Graph, path: Path, fmt: str | None = None, *, title: str = "Knowledge graph"
) -> str:
    """Serialise ``graph`` to ``path`` atomically; returns the format used."""
    chosen = format_for(Path(path), fmt)
    write_atomic(Path(path), serialize(graph, chosen, title=title))
    return chosen
