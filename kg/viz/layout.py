"""Node positions computed in Python, so the page opens laid out and never moves.

>>> from typing import Any

import networkx as nx

from kg.analysis import communities
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

from kg.analysis import communities

__all__ = ["positions"]

#: From this many nodes on, ForceAtlas2 (numpy only) replaces networkx's spring layout,
#: which needs scipy from 500 nodes on.
LARGE = 500
#: Above this many nodes even ForceAtlas2 (quadratic memory and time per step) is too slow,
#: and nodes go on a spiral, grouped by community and sorted by degree.
HUGE = 3000
#: Pixels per square root of a component's node count, and the gap between components.
RADIUS = 60.0
GAP = 40.0


def _projection(graph: nx.Graph) -> nx.Graph:
    """The undirected simple graph on the same nodes, built in sorted order."""
    pairs = {(u, v) if str(u) <= str(v) else (v, u) for u, v in graph.edges() if u != v}
    simple = nx.Graph()
    simple.add_nodes_from(sorted(graph.nodes, key=str))
    simple.add_edges_from(sorted(pairs, key=lambda pair: (str(pair[0]), str(pair[1]))))
    return simple


def _spiral(simple: nx.Graph, *, seed: int) -> dict[str, Any]:
    """Nodes along a spiral: communities stay together, the best connected first."""
    community = communities(simple, seed=seed)
    order = sorted(simple, key=lambda n: (community[n], -simple.degree(n), str(n)))
    ordered = nx.Graph()
    ordered.add_nodes_from(order)
    return dict(nx.spiral_layout(ordered, equidistant=True))


def _component_layout(simple: nx.Graph, *, seed: int) -> dict[str, Any]:
    count = simple.number_of_nodes()
    if count == 1:
        return {node: (0.0, 0.0) for node in simple}
    if count < LARGE:
        raw = nx.spring_layout(simple, seed=seed, iterations=100)
    elif count <= HUGE:
        steps = max(25, min(100, 50_000 // count))
        raw = nx.forceatlas2_layout(simple, seed=seed, max_iter=steps)
    else:
        raw = _spiral(simple, seed=seed)
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
    own (a seeded spring layout under ``LARGE`` nodes, a seeded ForceAtlas2 up to ``HUGE``,
    a spiral of communities above), spanning about ``RADIUS * sqrt(n)`` pixels; the largest
    sits in the middle and the others, isolated entities included, in rows beneath it, so
    that a few loners never squash the main picture. Coordinates are rounded to 0.1 px.
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
        sub = simple.subgraph(nodes)
        radius = RADIUS * math.sqrt(len(nodes)) if len(nodes) > 1 else 20.0
        parts.append((radius, _component_layout(_projection(sub), seed=seed)))
    placed = _pack(parts)
    return {
        str(node): (round(xy[0], 1) + 0.0, round(xy[1], 1) + 0.0) for node, xy in placed.items()
    }
