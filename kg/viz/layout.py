"""Node positions computed in Python, so the page opens laid out and never has to simulate.

>>> pos = positions(nx.path_graph(["a", "b", "c"]))
>>> sorted(pos), pos == positions(nx.path_graph(["a", "b", "c"]))
(['a', 'b', 'c'], True)
>>> positions(nx.Graph()), positions(nx.Graph([("x", "x")]))
({}, {'x': (0.0, 0.0)})
"""

from __future__ import annotations

import math
from typing import Any

import networkx as nx
import numpy as np

__all__ = ["positions"]

#: From this many nodes on, igraph's grid Fruchterman–Reingold (about 1.5 s for 10,000
#: nodes) replaces networkx's spring layout (quadratic, and it needs scipy from 500 on).
LARGE = 500
#: Pixels per square root of a component's node count, and the gap between components.
RADIUS = 60.0
GAP = 40.0
#: Half the room an isolated entity gets, so that a row of loners keeps its labels apart.
LONER_RADIUS = 60.0


def _projection(graph: nx.Graph) -> nx.Graph:
    """The undirected simple graph on the same nodes, built in sorted order."""
    pairs = {(u, v) if str(u) <= str(v) else (v, u) for u, v in graph.edges() if u != v}
    simple = nx.Graph()
    simple.add_nodes_from(sorted(graph.nodes, key=str))
    simple.add_edges_from(sorted(pairs, key=lambda pair: (str(pair[0]), str(pair[1]))))
    return simple


def _igraph_layout(simple: nx.Graph, *, seed: int) -> dict[str, Any] | None:
    """Grid Fruchterman–Reingold in igraph from seeded start positions; None without igraph."""
    try:
        import igraph
    except ImportError:  # pragma: no cover - igraph is a dependency; this is a fallback
        return None
    order = list(simple)
    index = {node: number for number, node in enumerate(order)}
    ig = igraph.Graph(n=len(order), edges=[(index[u], index[v]) for u, v in simple.edges()])
    spread = math.sqrt(len(order)) / 2
    start = np.random.default_rng(seed).uniform(-spread, spread, (len(order), 2)).tolist()
    coords = ig.layout_fruchterman_reingold(seed=start, niter=300, grid=True).coords
    return {node: (float(x), float(y)) for node, (x, y) in zip(order, coords, strict=True)}


def _component_layout(simple: nx.Graph, *, seed: int) -> dict[str, Any]:
    count = simple.number_of_nodes()
    if count == 1:
        return {node: (0.0, 0.0) for node in simple}
    raw: dict[str, Any] | None = None
    if count >= LARGE:
        raw = _igraph_layout(simple, seed=seed)
        if raw is None:  # pragma: no cover
            raw = dict(nx.forceatlas2_layout(simple, seed=seed, max_iter=50))
    if raw is None:
        raw = dict(nx.spring_layout(simple, seed=seed, iterations=100))
    return dict(nx.rescale_layout_dict(raw, scale=RADIUS * math.sqrt(count)))


def _pack(parts: list[tuple[float, dict[str, Any]]]) -> dict[str, tuple[float, float]]:
    """Place laid-out components: the largest in the middle, the rest in rows beneath it."""
    placed: dict[str, tuple[float, float]] = {}
    main_radius, main = parts[0]
    placed.update({n: (float(x), float(y)) for n, (x, y) in main.items()})
    width = max(2 * main_radius, 600.0)
    x0, y = -width / 2, main_radius + GAP
    x, row_height = x0, 0.0
    for radius, layout in parts[1:]:
        size = 2 * radius + GAP
        if x + size > x0 + width and x > x0:
            x, y, row_height = x0, y + row_height, 0.0
        cx, cy = x + radius, y + radius
        placed.update({n: (cx + float(px), cy + float(py)) for n, (px, py) in layout.items()})
        x += size
        row_height = max(row_height, size)
    return placed


def positions(graph: nx.Graph, *, seed: int = 7) -> dict[str, tuple[float, float]]:
    """Deterministic (x, y) pixel positions for every node of ``graph`` (any networkx graph).

    Edge direction and multiplicity are ignored. Each connected component is laid out on its
    own (a seeded networkx spring layout under ``LARGE`` nodes, igraph's grid
    Fruchterman–Reingold from seeded start positions above), spanning about
    ``RADIUS * sqrt(n)`` pixels; the largest sits in the middle and the others, isolated
    entities included, in rows beneath it, so that a few loners never squash the main
    picture. Coordinates are rounded to 0.1 px.
    """
    simple = _projection(graph)
    if simple.number_of_nodes() == 0:
        return {}
    components = sorted(
        (sorted(c, key=str) for c in nx.connected_components(simple)),
        key=lambda c: (-len(c), str(c[0])),
    )
    parts = []
    for nodes in components:
        radius = RADIUS * math.sqrt(len(nodes)) if len(nodes) > 1 else LONER_RADIUS
        parts.append((radius, _component_layout(_projection(simple.subgraph(nodes)), seed=seed)))
    placed = _pack(parts)
    return {
        str(node): (round(xy[0], 1) + 0.0, round(xy[1], 1) + 0.0) for node, xy in placed.items()
    }
