"""One self-contained HTML page that draws the graph with vis-network (through pyvis).

The page works offline: vis-network is inlined, nothing is fetched, and pyvis never writes
its ``lib/`` folder because only ``Network.generate_html`` is called (``write_html`` is what
copies files). Positions are computed in Python (``kg.viz.layout``) and physics is off, so
the same graph always gives the same bytes.

>>> from rdflib import Graph
>>> page = render_html(Graph(), title="Empty <graph>")
>>> "<h1>Empty &lt;graph&gt;</h1>" in page, "0 entities · 0 relations · 0 documents" in page
(True, True)
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable
from typing import Any

import networkx as nx
from jinja2 import ChoiceLoader, DictLoader, Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from pyvis.network import Network
from rdflib import Graph

from kg.analysis import COOCCURRENCE, EvidenceItem, to_networkx
from kg.viz.layout import positions
from kg.viz.template import PAGE, PAGE_NAME
from kg.vocab import SUPERCLASS, SYMMETRIC_PROPERTIES

__all__ = ["CLASS_COLORS", "render_html", "render_networkx", "script_json"]

#: A colour per contract class (the legend shows the classes present in the graph).
CLASS_COLORS: dict[str, str] = {
    "Entity": "#7b8794",
    "Organization": "#3f51b5",
    "Company": "#1e88e5",
    "GovernmentAgency": "#5e35b1",
    "InternationalOrganization": "#00897b",
    "MediaOrganization": "#8e24aa",
    "ResearchOrganization": "#039be5",
    "Person": "#e53935",
    "Country": "#fb8c00",
    "Place": "#6d4c41",
    "City": "#c0ca33",
    "Region": "#8d6e63",
    "Facility": "#546e7a",
    "Treaty": "#43a047",
    "TradeAgreement": "#7cb342",
    "Policy": "#d81b60",
    "Event": "#f9a825",
    "War": "#b71c1c",
    "Product": "#00acc1",
    "WeaponSystem": "#37474f",
    "Sector": "#9e9d24",
}

#: A vis-network shape per top-level class (the child of Entity a class descends from).
FAMILY_SHAPES: dict[str, str] = {
    "Entity": "dot",
    "Organization": "dot",
    "Country": "diamond",
    "Person": "triangle",
    "Place": "square",
    "Treaty": "hexagon",
    "Policy": "hexagon",
    "Event": "star",
    "Product": "triangleDown",
    "Sector": "triangleDown",
}

_GLYPHS = {
    "dot": "●",
    "diamond": "◆",
    "triangle": "▲",
    "triangleDown": "▼",
    "square": "■",
    "hexagon": "⬢",
    "star": "★",
}

MAX_EVIDENCE = 5  # quotes shown in an edge tooltip; the rest are counted
MAX_QUOTE = 400  # characters of one quoted sentence
MAX_LABEL = 40  # characters of a label drawn on the canvas

_OPTIONS: dict[str, Any] = {
    "autoResize": True,
    "physics": {"enabled": False},
    "layout": {"improvedLayout": False},
    "interaction": {"hover": True, "tooltipDelay": 120, "multiselect": True},
    "nodes": {
        "borderWidth": 1,
        "font": {"size": 14, "strokeWidth": 3, "strokeColor": "#ffffff"},
    },
    "edges": {
        "smooth": False,
        "arrowStrikethrough": False,
        "color": {"color": "#9aa5b1", "highlight": "#323f4b", "hover": "#323f4b"},
        "font": {"size": 10, "color": "#52606d", "strokeWidth": 3, "strokeColor": "#ffffff"},
    },
}

_JS_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def script_json(value: Any) -> str:
    """JSON that is safe inside an HTML ``<script>`` element, with sorted keys.

    ``<``, ``>``, ``&``, U+2028 and U+2029 become ``\\uXXXX`` escapes, so the text can
    never close the element or open a comment; ``JSON.parse`` gives the value back.

    >>> script_json({"b": "</script>", "a": "x & y"})
    '{"a":"x \\\\u0026 y","b":"\\\\u003c/script\\\\u003e"}'
    >>> json.loads(script_json(["<!--\u2028"])) == ["<!--\u2028"]
    True
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return "".join(_JS_ESCAPES.get(char, char) for char in text)


def _family(cls: str) -> str:
    while SUPERCLASS.get(cls, "Entity") != "Entity":
        cls = SUPERCLASS[cls]
    return cls if cls in FAMILY_SHAPES else "Entity"


def _darker(color: str, factor: float = 0.7) -> str:
    """A darker shade of a ``#rrggbb`` colour.

    >>> _darker("#ffffff")
    '#b2b2b2'
    """
    rgb = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{int(part * factor):02x}" for part in rgb)


def _shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis.

    >>> _shorten("abcdef", 4), _shorten("abc", 4)
    ('abc…', 'abc')
    """
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _node(node_id: str, attrs: dict[str, Any], xy: tuple[float, float]) -> dict[str, Any]:
    cls = str(attrs.get("cls", "Entity"))
    color = CLASS_COLORS.get(cls, CLASS_COLORS["Entity"])
    label = str(attrs.get("label", node_id))
    mentions = int(attrs.get("mention_count", 0))
    tip: list[list[str]] = [["head", "", label], ["field", "class", cls]]
    if attrs.get("aliases_text"):
        tip.append(["field", "also known as", str(attrs["aliases_text"])])
    tip.append(["field", "mentions", str(mentions)])
    if attrs.get("documents"):
        tip.append(["field", "documents", str(len(attrs["documents"]))])
    for key, name in (("start_date", "start"), ("end_date", "end")):
        if attrs.get(key):
            tip.append(["field", name, str(attrs[key])])
    tip.append(["field", "IRI", node_id])
    return {
        "id": node_id,
        "label": _shorten(label, MAX_LABEL),
        "x": xy[0],
        "y": xy[1],
        "shape": FAMILY_SHAPES[_family(cls)],
        "size": round(min(40.0, 8.0 + 5.0 * math.log2(1 + mentions)), 1),
        "color": {
            "background": color,
            "border": _darker(color),
            "highlight": {"background": color, "border": "#1f2933"},
            "hover": {"background": color, "border": "#1f2933"},
        },
        "cls": cls,
        "tip": tip,
    }


def _evidence_rows(items: list[EvidenceItem], titles: dict[str, str]) -> list[list[str]]:
    rows = []
    for item in items[:MAX_EVIDENCE]:
        document = titles.get(item["document"], item["document"])
        source = f"{item['confidence']:.2f} · {item['rule']}" + (
            f" · {document}" if document else ""
        )
        rows.append(["quote", "", "“" + _shorten(str(item["text"]), MAX_QUOTE) + "”"])
        rows.append(["source", "", source])
    if len(items) > MAX_EVIDENCE:
        rows.append(["note", "", f"and {len(items) - MAX_EVIDENCE} more"])
    return rows


def _typed_edges(nxg: nx.MultiDiGraph) -> list[tuple[str, str, str, list[EvidenceItem], bool]]:
    """(source, target, predicate, evidence, directed), one per fact.

    A symmetric relation stated in both directions is drawn once, undirected.
    """
    merged: dict[tuple[str, str, str], list[EvidenceItem]] = {}
    for u, v, key, attrs in nxg.edges(keys=True, data=True):
        if key == COOCCURRENCE:
            continue
        if key in SYMMETRIC_PROPERTIES and v < u:
            u, v = v, u
        seen = merged.setdefault((u, v, key), [])
        for item in attrs.get("evidence", []):
            if item not in seen:
                seen.append(item)
    return [
        (u, v, key, sorted(items, key=_evidence_order), key not in SYMMETRIC_PROPERTIES)
        for (u, v, key), items in sorted(merged.items())
    ]


def _evidence_order(item: EvidenceItem) -> tuple[float, str, str, str]:
    return (-float(item["confidence"]), item["document"], item["text"], item["rule"])


def _cooccurrence_pairs(nxg: nx.MultiDiGraph) -> list[tuple[str, str]]:
    pairs = {
        (u, v) if u <= v else (v, u)
        for u, v, key in nxg.edges(keys=True)
        if key == COOCCURRENCE and u != v
    }
    return sorted(pairs)


def _edges(nxg: nx.MultiDiGraph) -> list[dict[str, Any]]:
    titles = {iri: doc.get("title", "") for iri, doc in nxg.graph.get("documents", {}).items()}
    label = {node: str(attrs.get("label", node)) for node, attrs in nxg.nodes(data=True)}
    edges: list[dict[str, Any]] = []
    for u, v, predicate, items, directed in _typed_edges(nxg):
        arrow = "→" if directed else "↔"
        head = f"{label[u]} {arrow} {predicate} {arrow} {label[v]}"
        tip = [["head", "", head], ["field", "evidence", str(len(items))]]
        edges.append(
            {
                "id": f"r{len(edges)}",
                "from": u,
                "to": v,
                "label": predicate,
                "arrows": "to" if directed else "",
                "width": round(min(6.0, 1.0 + math.log2(max(1, len(items)))), 2),
                "predicate": predicate,
                "tip": tip + _evidence_rows(items, titles),
            }
        )
    for number, (u, v) in enumerate(_cooccurrence_pairs(nxg)):
        edges.append(
            {
                "id": f"c{number}",
                "from": u,
                "to": v,
                "hidden": True,
                "cooccurrence": True,
                "dashes": True,
                "width": 1,
                "color": {"color": "#cbd2d9", "highlight": "#7b8794", "hover": "#7b8794"},
                "predicate": COOCCURRENCE,
                "tip": [
                    ["head", "", f"{label[u]} ↔ {COOCCURRENCE} ↔ {label[v]}"],
                    ["note", "", "named in the same sentence"],
                ],
            }
        )
    return edges


def _legend(classes: Iterable[str]) -> list[dict[str, Any]]:
    counts = Counter(classes)
    order = list(CLASS_COLORS)
    return [
        {
            "cls": cls,
            "count": counts[cls],
            "color": CLASS_COLORS.get(cls, CLASS_COLORS["Entity"]),
            "glyph": _GLYPHS[FAMILY_SHAPES[_family(cls)]],
        }
        for cls in sorted(counts, key=lambda c: (order.index(c) if c in order else len(order), c))
    ]


def _environment(network: Network, page: dict[str, Any]) -> Environment:
    loader = ChoiceLoader([DictLoader({PAGE_NAME: PAGE}), FileSystemLoader(network.template_dir)])
    env = Environment(loader=loader, autoescape=True, undefined=StrictUndefined)
    env.filters["script_json"] = lambda value: Markup(script_json(value))
    env.globals["page"] = page
    return env


def render_networkx(nxg: nx.MultiDiGraph, *, title: str = "Knowledge graph") -> str:
    """The HTML page for a graph made by ``kg.analysis.to_networkx``; ``nxg`` is not changed."""
    xy = positions(nxg)
    nodes = [
        _node(str(n), attrs, xy[str(n)])
        for n, attrs in sorted(nxg.nodes(data=True), key=lambda p: str(p[0]))
    ]
    edges = _edges(nxg)
    cooccurrence = sum(1 for edge in edges if edge.get("cooccurrence"))
    stats = " · ".join(
        [
            _plural(len(nodes), "entity", "entities"),
            _plural(len(edges) - cooccurrence, "relation", "relations"),
            _plural(len(nxg.graph.get("documents", {})), "document", "documents"),
        ]
    )
    page = {
        "title": title,
        "stats": stats,
        "legend": _legend(node["cls"] for node in nodes),
        "cooccurrence": cooccurrence,
        "options": _OPTIONS,
    }
    network = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    network.nodes = nodes
    network.edges = edges
    network.options = _OPTIONS
    network.path = PAGE_NAME
    network.templateEnv = _environment(network, page)
    return str(network.generate_html())


def render_html(graph: Graph, *, title: str = "Knowledge graph") -> str:
    """One self-contained HTML page showing the entities and relations of ``graph``.

    Nodes are coloured and shaped by class (with a legend) and sized by mention count;
    edges are as wide as their evidence is long; co-occurrence (``mentionedWith``) links
    are hidden until the checkbox shows them. Tooltips give the label, class and aliases of
    a node, and the predicate and supporting sentences of an edge. Every string from the
    documents is shown as text. The caller writes the returned string (UTF-8).
    """
    return render_networkx(to_networkx(graph, include_cooccurrence=True), title=title)
