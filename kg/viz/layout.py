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


def positions(graph: nx.Graph, *, seed: int = 7) -> dict[str, tuple[float, float]]:
    """Deterministic (x, y) pixel positions for every node of ``graph`` (any networkx graph).

    Edge direction and multiplicity are ignored. Graphs under ``LARGE`` nodes use a seeded
    spring layout, graphs up to ``HUGE`` nodes a seeded ForceAtlas2 with fewer steps as they
    grow, larger ones a spiral of communities. The drawing spans about ``150 * sqrt(n)``
    pixels and coordinates are rounded to 0.1 px so the same graph gives the same numbers.
    """
    simple = _projection(graph)
    count = simple.number_of_nodes()
    if count == 0:
        return {}
    if count == 1:
        return {str(node): (0.0, 0.0) for node in simple}
    if count < LARGE:
        raw = nx.spring_layout(simple, seed=seed, iterations=100)
    elif count <= HUGE:
        steps = max(25, min(100, 50_000 // count))
        raw = nx.forceatlas2_layout(simple, seed=seed, max_iter=steps)
    else:
        raw = _spiral(simple, seed=seed)
    scaled = nx.rescale_layout_dict(raw, scale=150.0 * math.sqrt(count))
    return {
        str(node): (round(float(xy[0]), 1) + 0.0, round(float(xy[1]), 1) + 0.0)
        for node, xy in scaled.items()
    }
