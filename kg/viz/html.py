"""One self-contained HTML page that draws the graph with vis-network (through pyvis).

The page works offline: vis-network is inlined, nothing is fetched, and pyvis never writes
its ``lib/`` folder because only ``Network.generate_html`` is called (``write_html`` is what
copies files). Positions are computed in Python (``kg.viz.layout``) and physics is off by
default, so the same graph always gives the same bytes and a large graph draws at once.

The data travels as JSON blocks (``kg-nodes``, ``kg-edges``, ``kg-meta``, ``kg-options``);
the page's script (``kg.viz.template``) turns them into vis-network items and builds every
tooltip, panel, search result and legend entry with ``textContent``.

>>> from rdflib import Graph
>>> page = render_html(Graph(), title="Empty <graph>")
>>> "<h1>Empty &lt;graph&gt;</h1>" in page, "0 entities · 0 relations · 0 documents" in page
(True, True)
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import networkx as nx
from jinja2 import ChoiceLoader, DictLoader, Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from pyvis.network import Network
from rdflib import Graph

from kg.analysis import COOCCURRENCE, EvidenceItem, communities, to_networkx
from kg.errors import UsageError
from kg.viz.layout import positions
from kg.viz.template import PAGE, PAGE_NAME
from kg.vocab import SUPERCLASS, SYMMETRIC_PROPERTIES

__all__ = [
    "CLASS_COLORS",
    "COMMUNITY_COLORS",
    "ViewOptions",
    "render_html",
    "render_networkx",
    "script_json",
    "top_nodes",
]

ColorBy = Literal["class", "community"]
SizeBy = Literal["degree", "mentions"]

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

#: Colours for communities 0, 1, 2, … (repeated past the end; small communities share grey).
COMMUNITY_COLORS: list[str] = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
    "#17becf", "#bcbd22", "#393b79", "#ad494a", "#637939", "#843c39", "#7b4173",
    "#3182bd", "#e6550d", "#31a354", "#756bb1", "#636363", "#9c9ede",
]  # fmt: skip

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

MAX_LABEL = 40  # characters of a label drawn on the canvas
#: From this many nodes on, labels are drawn only once zoomed in and edges carry no label.
LABELS_WHEN_ZOOMED = 1000
#: Up to this many nodes the page offers a physics toggle.
PHYSICS_MAX = 1500
#: Up to this many nodes a selection dims the rest of the graph; above, it marks neighbours.
DIM_MAX = 2000
#: Up to this many nodes communities are always computed (above: only for ``color_by``).
COMMUNITIES_MAX = 5000

_OPTIONS: dict[str, Any] = {
    "autoResize": True,
    "physics": {
        "enabled": False,
        "solver": "barnesHut",
        "barnesHut": {"gravitationalConstant": -3000, "springLength": 120},
        "stabilization": {"enabled": False},
    },
    "layout": {"improvedLayout": False},
    "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": False},
    "nodes": {
        "borderWidth": 1,
        "font": {"size": 14, "strokeWidth": 3, "strokeColor": "#ffffff"},
        "scaling": {"label": {"drawThreshold": 5}},
    },
    "edges": {
        "smooth": False,
        "arrowStrikethrough": False,
        "color": {"color": "#9aa5b1", "highlight": "#323f4b", "hover": "#323f4b"},
        "font": {"size": 10, "color": "#52606d", "strokeWidth": 3, "strokeColor": "#ffffff"},
        "scaling": {"label": {"drawThreshold": 5}},
    },
}

_JS_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


@dataclass(frozen=True)
class ViewOptions:
    """How the page starts out; the reader can change colour, size and physics in the page.

    ``max_nodes`` keeps the best connected entities only (see ``top_nodes``); ``physics``
    None means off (positions come from Python); ``labels`` "auto" hides labels until
    zoomed in from ``LABELS_WHEN_ZOOMED`` nodes on.

    >>> ViewOptions(color_by="community").size_by
    'degree'
    >>> ViewOptions(max_nodes=0)
    Traceback (most recent call last):
    kg.errors.UsageError: max_nodes must be at least 1, not 0
    """

    title: str = "Knowledge graph"
    color_by: ColorBy = "class"
    size_by: SizeBy = "degree"
    physics: bool = False
    max_nodes: int | None = None
    labels: Literal["auto", "always", "zoomed"] = "auto"

    def __post_init__(self) -> None:
        if self.color_by not in ("class", "community"):
            raise UsageError(f"color_by must be 'class' or 'community', not {self.color_by!r}")
        if self.size_by not in ("degree", "mentions"):
            raise UsageError(f"size_by must be 'degree' or 'mentions', not {self.size_by!r}")
        if self.labels not in ("auto", "always", "zoomed"):
            raise UsageError(f"labels must be auto, always or zoomed, not {self.labels!r}")
        if self.max_nodes is not None and self.max_nodes < 1:
            raise UsageError(f"max_nodes must be at least 1, not {self.max_nodes}")


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


def _shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis.

    >>> _shorten("abcdef", 4), _shorten("abc", 4)
    ('abc…', 'abc')
    """
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plural(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def _typed_degree(nxg: nx.MultiDiGraph) -> dict[str, int]:
    """Typed relations per node (co-occurrence links not counted)."""
    degree: Counter[str] = Counter()
    for u, v, key in nxg.edges(keys=True):
        if key != COOCCURRENCE:
            degree[u] += 1
            degree[v] += 1
    return {str(node): degree[node] for node in nxg.nodes}


def top_nodes(nxg: nx.MultiDiGraph, limit: int) -> list[str]:
    """The ``limit`` entities with the most typed relations (ties: mentions, then IRI).

    >>> g = nx.MultiDiGraph([("a", "b", "r"), ("a", "c", "r"), ("d", "d", "r")])
    >>> top_nodes(g, 2)
    ['a', 'd']
    """
    degree = _typed_degree(nxg)
    mentions = {n: int(attrs.get("mention_count", 0)) for n, attrs in nxg.nodes(data=True)}
    ranked = sorted(degree, key=lambda n: (-degree[n], -mentions[n], n))
    return sorted(ranked[:limit])


class _Tables:
    """Sentences and documents stored once, referred to by number from the edges."""

    def __init__(self, documents: dict[str, dict[str, str]]) -> None:
        self.doc_index = {iri: number for number, iri in enumerate(sorted(documents))}
        self.documents = [
            [documents[iri].get("title", ""), documents[iri].get("source", "")]
            for iri in sorted(documents)
        ]
        self.sentences: list[list[Any]] = []
        self._sentence_index: dict[tuple[str, str], int] = {}

    def document(self, iri: str) -> int:
        if iri not in self.doc_index:
            self.doc_index[iri] = len(self.documents)
            self.documents.append([iri, ""])
        return self.doc_index[iri]

    def sentence(self, text: str, document: str) -> int:
        key = (text, document)
        if key not in self._sentence_index:
            self._sentence_index[key] = len(self.sentences)
            self.sentences.append([text, self.document(document) if document else -1])
        return self._sentence_index[key]


def _node(
    node_id: str, attrs: dict[str, Any], xy: tuple[float, float], extra: dict[str, Any]
) -> dict[str, Any]:
    cls = str(attrs.get("cls", "Entity"))
    node: dict[str, Any] = {
        "id": node_id,
        "name": str(attrs.get("label", node_id)),
        "label": _shorten(str(attrs.get("label", node_id)), MAX_LABEL),
        "x": xy[0],
        "y": xy[1],
        "cls": cls,
        "shape": FAMILY_SHAPES[_family(cls)],
        "aliases": list(attrs.get("aliases", ())),
        "mentions": int(attrs.get("mention_count", 0)),
        **extra,
    }
    for key, name in (("start_date", "start"), ("end_date", "end")):
        if attrs.get(key):
            node[name] = str(attrs[key])
    return node


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


def _edges(nxg: nx.MultiDiGraph, tables: _Tables) -> list[dict[str, Any]]:
    edges: list[dict[str, Any]] = []
    for u, v, predicate, items, directed in _typed_edges(nxg):
        evidence = [
            [
                tables.sentence(str(item["text"]), str(item["document"])),
                round(float(item["confidence"]), 3),
                str(item["rule"]),
            ]
            for item in items
        ]
        edge: dict[str, Any] = {"id": f"r{len(edges)}", "from": u, "to": v, "p": predicate}
        if directed:
            edge["d"] = 1
        if evidence:
            edge["ev"] = evidence
        edges.append(edge)
    for number, (u, v) in enumerate(_cooccurrence_pairs(nxg)):
        edges.append({"id": f"c{number}", "from": u, "to": v, "p": COOCCURRENCE})
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


def _visible_graph(nxg: nx.MultiDiGraph, options: ViewOptions) -> nx.MultiDiGraph:
    if options.max_nodes is None or options.max_nodes >= nxg.number_of_nodes():
        return nxg
    view = nxg.subgraph(top_nodes(nxg, options.max_nodes))
    return view


def _page_options(count: int, options: ViewOptions) -> dict[str, Any]:
    page_options = json.loads(json.dumps(_OPTIONS))
    page_options["physics"]["enabled"] = bool(options.physics)
    zoomed = options.labels == "zoomed" or (
        options.labels == "auto" and count >= LABELS_WHEN_ZOOMED
    )
    if zoomed:  # labels appear once a 14 px label would be drawn at 11 px or more
        page_options["nodes"]["scaling"]["label"]["drawThreshold"] = 12
        page_options["edges"]["scaling"]["label"]["drawThreshold"] = 12
    return page_options


def _stats(nxg: nx.MultiDiGraph, shown: nx.MultiDiGraph, edges: list[dict[str, Any]]) -> str:
    typed = sum(1 for edge in edges if edge["p"] != COOCCURRENCE)
    parts = [
        _plural(nxg.number_of_nodes(), "entity", "entities"),
        _plural(typed, "relation", "relations"),
        _plural(len(nxg.graph.get("documents", {})), "document", "documents"),
    ]
    if shown.number_of_nodes() < nxg.number_of_nodes():
        parts[0] = (
            f"{shown.number_of_nodes():,} of {_plural(nxg.number_of_nodes(), 'entity', 'entities')}"
            " (the best connected)"
        )
    return " · ".join(parts)


def render_networkx(nxg: nx.MultiDiGraph, options: ViewOptions | None = None) -> str:
    """The HTML page for a graph made by ``kg.analysis.to_networkx``; ``nxg`` is not changed."""
    options = options or ViewOptions()
    shown = _visible_graph(nxg, options)
    count = shown.number_of_nodes()
    xy = positions(shown)
    with_communities = options.color_by == "community" or count <= COMMUNITIES_MAX
    community = communities(shown) if with_communities else {}
    degree = _typed_degree(shown)
    tables = _Tables(nxg.graph.get("documents", {}))
    nodes = [
        _node(
            str(n),
            attrs,
            xy[str(n)],
            {
                "degree": degree[str(n)],
                "docs": [tables.document(str(doc)) for doc in attrs.get("documents", ())],
                **({"group": community[n]} if with_communities else {}),
            },
        )
        for n, attrs in sorted(shown.nodes(data=True), key=lambda p: str(p[0]))
    ]
    edges = _edges(shown, tables)
    predicates = Counter(edge["p"] for edge in edges)
    meta = {
        "documents": tables.documents,
        "sentences": tables.sentences,
        "classColors": CLASS_COLORS,
        "communityColors": COMMUNITY_COLORS,
        "communities": len(set(community.values())),
        "colorBy": options.color_by,
        "sizeBy": options.size_by,
        "physics": options.physics,
        "physicsToggle": options.physics or count <= PHYSICS_MAX,
        "edgeLabels": count < LABELS_WHEN_ZOOMED or options.labels == "always",
        "cooccurrence": COOCCURRENCE,
        "dimMax": DIM_MAX,
    }
    page = {
        "title": options.title,
        "stats": _stats(nxg, shown, edges),
        "legend": _legend(node["cls"] for node in nodes),
        "predicates": sorted(predicates.items(), key=lambda p: (p[0] == COOCCURRENCE, p[0])),
        "cooccurrence": COOCCURRENCE,
        "communities": with_communities,
        "color_by": options.color_by,
        "size_by": options.size_by,
        "physics_toggle": meta["physicsToggle"],
        "physics": options.physics,
        "options": _page_options(count, options),
        "meta": meta,
    }
    network = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    network.nodes = nodes
    network.edges = edges
    network.options = page["options"]
    network.path = PAGE_NAME
    network.templateEnv = _environment(network, page)
    return str(network.generate_html())


def render_html(
    graph: Graph, *, title: str = "Knowledge graph", options: ViewOptions | None = None
) -> str:
    """One self-contained HTML page showing the entities and relations of ``graph``.

    Nodes are coloured and shaped by class (a legend that filters by class) or coloured by
    community, and sized by degree or mention count; edges are as wide as their evidence is
    long; co-occurrence (``mentionedWith``) links are hidden until their filter is ticked.
    A search box finds entities by label or alias; clicking an entity or a relation opens a
    panel with every fact and its evidence sentences. Every string from the documents is
    shown as text. ``options`` (when given) sets the title too. The caller writes the
    returned string (UTF-8).
    """
    options = options or ViewOptions(title=title)
    return render_networkx(to_networkx(graph, include_cooccurrence=True), options)
