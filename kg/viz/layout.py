"""Node positions computed in Python, so the page opens laid out and never has to simulate.

Each node has a box (the node and, when it is labelled, its label below it); the layout
keeps every box apart: a force layout per connected component (igraph's
Fruchterman–Reingold, edge weights as attraction), components packed around the largest one
into a canvas-shaped drawing, then overlap removal that pushes overlapping boxes apart.

>>> pos = positions(nx.path_graph(["a", "b", "c"]))
>>> sorted(pos), pos == positions(nx.path_graph(["a", "b", "c"]))
(['a', 'b', 'c'], True)
>>> positions(nx.Graph()), positions(nx.Graph([("x", "x")]))
({}, {'x': (0.0, 0.0)})
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass

import networkx as nx
import numpy as np

__all__ = ["Box", "positions", "overlapping_pairs"]

#: Width over height of the drawing the packing aims at (a browser window's canvas).
ASPECT = 1.9
#: Pixels kept free between two boxes.
MARGIN = 6.0
#: Room around a component when packing.
GAP = 24.0


@dataclass(frozen=True)
class Box:
    """The room a node takes around its centre: half its width, and how far up and down.

    >>> Box.node(10).half_width, Box.labelled(10, "Seoul", 14).down > 10
    (10.0, True)
    """

    half_width: float
    up: float
    down: float

    @classmethod
    def node(cls, radius: float) -> Box:
        return cls(float(radius), float(radius), float(radius))

    @classmethod
    def labelled(cls, radius: float, label: str, font: float) -> Box:
        """A node with its label drawn centred below it (vis-network's dot, diamond, …)."""
        width = 0.56 * font * len(label) + 6  # a generous average glyph width and the stroke
        return cls(max(float(radius), width / 2), float(radius), radius + 4 + 1.3 * font)


def _projection(graph: nx.Graph) -> nx.Graph:
    """The undirected simple graph on the same nodes (weights add up), in sorted order."""
    weights: dict[tuple[str, str], float] = {}
    for u, v, data in graph.edges(data=True):
        if u == v:
            continue
        pair = (u, v) if str(u) <= str(v) else (v, u)
        weights[pair] = weights.get(pair, 0.0) + float(data.get("weight", 1.0))
    simple = nx.Graph()
    simple.add_nodes_from(sorted(graph.nodes, key=str))
    for (u, v), weight in sorted(
        weights.items(), key=lambda item: (str(item[0][0]), str(item[0][1]))
    ):
        simple.add_edge(u, v, weight=weight)
    return simple


def _force(simple: nx.Graph, nodes: list[str], *, seed: int) -> np.ndarray:
    """Fruchterman–Reingold positions (unit-less) of one component, from seeded starts."""
    if len(nodes) == 1:
        return np.zeros((1, 2))
    import igraph

    index = {node: number for number, node in enumerate(nodes)}
    # not simple.subgraph(nodes).edges(): a subgraph view walks its nodes in set order
    edges = [(index[u], index[v]) for u in nodes for v in simple[u] if index[u] < index[v]]
    weights = [float(simple.edges[nodes[a], nodes[b]]["weight"]) for a, b in edges]
    ig = igraph.Graph(n=len(nodes), edges=edges)
    spread = math.sqrt(len(nodes))
    start = np.random.default_rng(seed).uniform(-spread, spread, (len(nodes), 2)).tolist()
    igraph.set_random_number_generator(random.Random(seed))  # it draws numbers even so
    try:
        coords = ig.layout_fruchterman_reingold(
            weights=weights,
            seed=start,
            niter=500 if len(nodes) < 500 else 250,
            grid=len(nodes) > 1000,
        ).coords
    finally:
        igraph.set_random_number_generator(random)
    return np.array(coords, dtype=float)


def _scaled(raw: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """``raw`` stretched so that its area is about twice the area of its boxes."""
    if len(raw) == 1:
        return raw
    raw = raw - raw.mean(axis=0)
    side = max(float(np.ptp(raw[:, 0])), float(np.ptp(raw[:, 1])), 1e-9)  # a line has no area
    area = float(np.sum(2 * boxes[:, 0] * (boxes[:, 1] + boxes[:, 2])))
    factor = math.sqrt(2.0 * area) / side
    return raw * factor


def _extent(xy: np.ndarray, boxes: np.ndarray) -> tuple[float, float, float, float]:
    return (
        float(np.min(xy[:, 0] - boxes[:, 0])),
        float(np.min(xy[:, 1] - boxes[:, 1])),
        float(np.max(xy[:, 0] + boxes[:, 0])),
        float(np.max(xy[:, 1] + boxes[:, 2])),
    )


def _ring(radius: float, step: float) -> np.ndarray:
    """Points on the canvas-shaped ellipse of ``radius``, about ``step`` apart, from the top."""
    around = 2 * math.pi * radius * (1 + ASPECT) / 2
    count = max(8, int(around / max(step, 1.0)))
    angle = -math.pi / 2 + 2 * math.pi * np.arange(count) / count
    return np.stack([ASPECT * radius * np.cos(angle), radius * np.sin(angle)], axis=1)


def _pack(parts: list[tuple[np.ndarray, np.ndarray]]) -> list[np.ndarray]:
    """Offsets that put the largest component in the middle and the others around it.

    Each further component (largest first) takes the first free spot on rings of growing
    size around the middle, so loners and small groups fill the room beside the main
    picture instead of a distant grid.
    """
    offsets = [np.zeros(2) for _ in parts]
    x0, y0, x1, y1 = _extent(*parts[0])
    offsets[0] = -np.array([(x0 + x1) / 2, (y0 + y1) / 2])
    placed = [np.array([x0, y0, x1, y1]) + np.tile(offsets[0], 2)]
    rects = np.array(placed)
    start: dict[int, float] = {}
    for number, (xy, boxes) in enumerate(parts[1:], start=1):
        x0, y0, x1, y1 = _extent(xy, boxes)
        w, h = x1 - x0 + GAP, y1 - y0 + GAP
        step = max(min(w, h), 12.0)
        key = int(max(w, h) // 8)
        radius = start.get(key, 0.0)
        while True:
            spots = _ring(radius, step)
            lo = spots - np.array([w / 2, h / 2])
            hi = spots + np.array([w / 2, h / 2])
            clash = (
                (lo[:, None, 0] < rects[None, :, 2])
                & (hi[:, None, 0] > rects[None, :, 0])
                & (lo[:, None, 1] < rects[None, :, 3])
                & (hi[:, None, 1] > rects[None, :, 1])
            ).any(axis=1)
            free = np.flatnonzero(~clash)
            if len(free):
                spot = spots[free[0]]
                break
            radius += step / 2
        start[key] = radius
        offsets[number] = spot - np.array([(x0 + x1) / 2, (y0 + y1) / 2])
        rects = np.vstack(
            [rects, [spot[0] - w / 2, spot[1] - h / 2, spot[0] + w / 2, spot[1] + h / 2]]
        )
    return offsets


def overlapping_pairs(
    xy: np.ndarray, boxes: np.ndarray, *, slack: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i < j) whose boxes, grown by ``slack`` on every side, overlap.

    ``boxes`` rows are (half width, up, down). A sweep along x keeps it near linear.

    >>> xy = np.array([[0.0, 0.0], [15.0, 0.0], [100.0, 0.0]])
    >>> i, j = overlapping_pairs(xy, np.full((3, 3), 10.0))
    >>> list(zip(i.tolist(), j.tolist()))
    [(0, 1)]
    """
    count = len(xy)
    left = xy[:, 0] - boxes[:, 0] - slack
    right = xy[:, 0] + boxes[:, 0] + slack
    order = np.argsort(left, kind="stable")
    sorted_left, sorted_right = left[order], right[order]
    ends = np.searchsorted(sorted_left, sorted_right, side="left")
    counts = np.maximum(ends - np.arange(count) - 1, 0)
    # every (i, j) with i < j < ends[i], in sweep order: the pairs whose x ranges meet
    first = np.repeat(np.arange(count), counts)
    second = np.arange(1, counts.sum() + 1) - np.repeat(np.cumsum(counts) - counts, counts)
    second += first
    # each box's top and bottom once, in sweep order, then compared pair by pair
    top = (xy[:, 1] - boxes[:, 1] - slack)[order]
    bottom = (xy[:, 1] + boxes[:, 2] + slack)[order]
    keep = (top[first] < bottom[second]) & (top[second] < bottom[first])
    a, b = order[first[keep]], order[second[keep]]
    return np.minimum(a, b), np.maximum(a, b)


def _separate(xy: np.ndarray, boxes: np.ndarray, *, rounds: int = 150) -> np.ndarray:
    """``xy`` with overlapping boxes pushed apart along the axis where they overlap least.

    Each round finds the pairs within reach (``overlapping_pairs``), then pushes the pairs
    that overlap apart, up to six times. A round in which no pair overlaps moves nothing, so
    every later round would find the same pairs and move nothing either: the loop stops.
    Only overlapping pairs push (the others would add zeros), so the sums are the same.

    >>> xy = _separate(np.array([[0.0, 0.0], [5.0, 0.0]]), np.full((2, 3), 10.0))
    >>> bool(xy[1, 0] - xy[0, 0] >= 26.0), xy[:, 1].tolist()
    (True, [0.0, 0.0])
    """
    xy = xy.copy()
    grown = boxes + MARGIN / 2
    count = len(xy)
    for _ in range(rounds):
        first, second = overlapping_pairs(xy, grown, slack=8.0)
        if not len(first):
            break
        # the room each pair needs, which does not change within a round
        room_x = grown[first, 0] + grown[second, 0]
        room_below = grown[first, 2] + grown[second, 1]
        room_above = grown[second, 2] + grown[first, 1]
        moved = False
        for _ in range(6):
            x, y = xy[:, 0], xy[:, 1]
            dx = x[second] - x[first]
            dy = y[second] - y[first]
            ox = room_x - np.abs(dx)
            below = dy >= 0
            oy = np.where(below, room_below - dy, room_above - (y[first] - y[second]))
            hit = np.flatnonzero((ox > 0) & (oy > 0))
            if not len(hit):
                break
            moved = True
            ox, oy, dx, below = ox[hit], oy[hit], dx[hit], below[hit]
            a, b = first[hit], second[hit]
            along_x = ox * 1.0 <= oy * ASPECT
            push_x = np.where(along_x, np.where(dx >= 0, 1.0, -1.0) * (ox / 2 + 0.5), 0.0)
            push_y = np.where(along_x, 0.0, np.where(below, 1.0, -1.0) * (oy / 2 + 0.5))
            moves = np.bincount(a, minlength=count) + np.bincount(b, minlength=count)
            scale = np.maximum(1.0, np.sqrt(moves))
            x += (np.bincount(b, push_x, count) - np.bincount(a, push_x, count)) / scale
            y += (np.bincount(b, push_y, count) - np.bincount(a, push_y, count)) / scale
        if not moved:
            break
    return xy


#: The share of the drawing's bounding box that its boxes should cover before separation.
DENSITY = 0.3


def _compacted(xy: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """``xy`` drawn towards its centre until the boxes cover ``DENSITY`` of its extent.

    Force layouts of sparse graphs (trees, stars) and the rings of packed loners leave most
    of a drawing empty; shrinking it and then pushing overlapping boxes apart keeps the
    arrangement and fills the canvas.
    """
    if len(xy) < 3:
        return xy
    width = float(np.ptp(xy[:, 0]) + 2 * boxes[:, 0].mean())
    height = float(np.ptp(xy[:, 1]) + (boxes[:, 1] + boxes[:, 2]).mean())
    area = float(np.sum(2 * boxes[:, 0] * (boxes[:, 1] + boxes[:, 2])))
    factor = math.sqrt(area / DENSITY / max(width * height, 1e-9))
    if factor >= 1:
        return xy
    centre = (xy.min(axis=0) + xy.max(axis=0)) / 2
    return centre + (xy - centre) * factor


def positions(
    graph: nx.Graph,
    *,
    boxes: Mapping[str, Box] | None = None,
    seed: int = 7,
) -> dict[str, tuple[float, float]]:
    """Deterministic (x, y) pixel positions for every node of ``graph`` (any networkx graph).

    Edge direction and multiplicity are ignored; an edge's ``weight`` (1 by default) is its
    pull. ``boxes`` gives each node's room (``Box``; a 10-pixel node when missing): no two
    boxes overlap in the result (up to a last few in very crowded drawings). Components are
    laid out on their own, the largest in the middle and the rest packed around it in a
    drawing about ``ASPECT`` times as wide as high. Coordinates are rounded to 0.1 px.
    """
    simple = _projection(graph)
    if simple.number_of_nodes() == 0:
        return {}
    room = boxes or {}
    default = Box.node(10)
    components = sorted(
        (sorted(c, key=str) for c in nx.connected_components(simple)),
        key=lambda c: (-len(c), str(c[0])),
    )
    parts = []
    for nodes in components:
        sizes = np.array(
            [(b.half_width, b.up, b.down) for b in (room.get(n, default) for n in nodes)]
        )
        parts.append((_scaled(_force(simple, nodes, seed=seed), sizes), sizes))
    offsets = _pack(parts)
    order = [node for nodes in components for node in nodes]
    xy = np.vstack([xy + offset for (xy, _), offset in zip(parts, offsets, strict=True)])
    sizes = np.vstack([sizes for _, sizes in parts])
    xy = _separate(_compacted(xy, sizes), sizes)
    xy -= (xy.min(axis=0) + xy.max(axis=0)) / 2
    return {
        str(node): (round(float(x), 1) + 0.0, round(float(y), 1) + 0.0)
        for node, (x, y) in zip(order, xy, strict=True)
    }
