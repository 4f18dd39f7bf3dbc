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
import math
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
from kg.viz.layout import Box, positions
from kg.viz.overview import DEFAULT_OVERVIEW, importance, levels, ranked, typed_degree
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
#: The first view labels all of up to ``LABEL_ALL`` entities, else its ``LABELLED`` best
#: connected (the rest once zoomed in): more labels would not fit a window at a readable size.
LABEL_ALL = 60
LABELLED = 30
#: The size of labels in the layout, and of labels and nodes in a view of many entities
#: (larger labels, smaller nodes: what a window shows of it must stay readable).
FONT = 14.0
CROWDED = (22.0, 0.6)
#: Co-occurrence pulls this much in the layout, against 1 for a typed relation.
COOCCURRENCE_PULL = 0.2
#: Up to this many nodes the page offers a physics toggle.
PHYSICS_MAX = 1500
#: Up to this many nodes a selection dims the rest of the graph; above, it marks neighbours.
DIM_MAX = 2000
#: Up to this many drawable entities communities are computed (above: only for ``color_by``).
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

    ``max_nodes`` keeps the best connected entities only (see ``top_nodes``) and leaves the
    rest out of the page; ``overview`` is how many of the most important entities the first
    view draws (the page has every entity, and a control shows more or fewer);
    ``physics`` False means positions come from Python; ``labels`` "auto" labels the best
    connected entities of the first view and the rest once zoomed in.

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
    overview: int = DEFAULT_OVERVIEW
    #: Where a server answers plain-English questions (``kg serve`` gives ``/ask``): the page
    #: then has an Ask box. A standalone file has no server, and no box.
    ask: str | None = None

    def __post_init__(self) -> None:
        if self.color_by not in ("class", "community"):
            raise UsageError(f"color_by must be 'class' or 'community', not {self.color_by!r}")
        if self.size_by not in ("degree", "mentions"):
            raise UsageError(f"size_by must be 'degree' or 'mentions', not {self.size_by!r}")
        if self.labels not in ("auto", "always", "zoomed"):
            raise UsageError(f"labels must be auto, always or zoomed, not {self.labels!r}")
        if self.max_nodes is not None and self.max_nodes < 1:
            raise UsageError(f"max_nodes must be at least 1, not {self.max_nodes}")
        if self.overview < 1:
            raise UsageError(f"overview must be at least 1, not {self.overview}")


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
    for char, escape in _JS_ESCAPES.items():  # str.replace runs in C, not per character
        text = text.replace(char, escape)
    return text


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


def top_nodes(nxg: nx.MultiDiGraph, limit: int) -> list[str]:
    """The ``limit`` entities with the most typed relations (ties: mentions, then IRI).

    >>> g = nx.MultiDiGraph([("a", "b", "r"), ("a", "c", "r"), ("d", "d", "r")])
    >>> top_nodes(g, 2)
    ['a', 'd']
    """
    degree = typed_degree(nxg)
    mentions = {n: int(attrs.get("mention_count", 0)) for n, attrs in nxg.nodes(data=True)}
    ranked_nodes = sorted(degree, key=lambda n: (-degree[n], -mentions[n], n))
    return sorted(ranked_nodes[:limit])


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


def node_size(value: int) -> float:
    """The radius the page draws a node with for ``value`` relations or mentions.

    >>> node_size(0), node_size(3), node_size(10**6)
    (8.0, 18.0, 40.0)
    """
    return round(min(40.0, 8 + 5 * math.log2(1 + value)), 1)


def _node(
    node_id: str, attrs: dict[str, Any], tables: _Tables, extra: dict[str, Any]
) -> dict[str, Any]:
    node: dict[str, Any] = {
        "id": node_id,
        "name": str(attrs.get("label", node_id)),
        "cls": str(attrs.get("cls", "Entity")),
        "mentions": int(attrs.get("mention_count", 0)),
        "docs": [tables.document(str(doc)) for doc in attrs.get("documents", ())],
        **extra,
    }
    if attrs.get("aliases"):
        node["aliases"] = list(attrs["aliases"])
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
    """The typed relations, each with its evidence as [sentence, confidence, rule] rows."""
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
    return nxg.subgraph(top_nodes(nxg, options.max_nodes))


def _page_options(options: ViewOptions) -> dict[str, Any]:
    page_options = json.loads(json.dumps(_OPTIONS))
    page_options["physics"]["enabled"] = bool(options.physics)
    return page_options


def _stats(nxg: nx.MultiDiGraph, typed: int) -> str:
    return " · ".join(
        [
            _plural(nxg.number_of_nodes(), "entity", "entities"),
            _plural(typed, "relation", "relations"),
            _plural(len(nxg.graph.get("documents", {})), "document", "documents"),
        ]
    )


@dataclass(frozen=True)
class _Sizes:
    """What the layout needs to know of each entity: its radius, relations and importance."""

    radius: dict[str, float]
    degree: dict[str, int]
    score: dict[str, float]


def _layout_graph(nxg: nx.MultiDiGraph, chosen: list[str]) -> nx.Graph:
    """The chosen entities, typed relations pulling 1 and co-occurrence ``COOCCURRENCE_PULL``."""
    keep = set(chosen)
    pull: dict[tuple[str, str], float] = {}
    for u, v, key in nxg.edges(keep, keys=True):  # the edges at the chosen entities
        if u == v or v not in keep:
            continue
        pair = (u, v) if u <= v else (v, u)
        weight = COOCCURRENCE_PULL if key == COOCCURRENCE else 1.0
        pull[pair] = max(pull.get(pair, 0.0), weight)
    graph = nx.Graph()
    graph.add_nodes_from(sorted(chosen))
    graph.add_weighted_edges_from((u, v, w) for (u, v), w in sorted(pull.items()))
    return graph


def _labelled(chosen: list[str], sizes: _Sizes) -> list[str]:
    """The entities of a view whose labels the first view draws: the best connected."""
    if len(chosen) <= LABEL_ALL:
        return list(chosen)
    rank = {node: number for number, node in enumerate(chosen)}  # most important first
    best = sorted(chosen, key=lambda n: (-sizes.degree[n], rank[n]))
    return best[:LABELLED]


def _overview(
    nxg: nx.MultiDiGraph, chosen: list[str], sizes: _Sizes, labels: dict[str, str]
) -> dict[str, Any]:
    """Positions for one overview size: no two nodes, and no two drawn labels, overlap."""
    graph = _layout_graph(nxg, chosen)
    named = _labelled(chosen, sizes)
    font, shrink = CROWDED if len(chosen) > LABEL_ALL else (FONT, 1.0)
    boxes = {n: Box.node(shrink * sizes.radius[n]) for n in chosen}
    boxes.update({n: Box.labelled(shrink * sizes.radius[n], labels[n], font) for n in named})
    xy = positions(graph, boxes=boxes)
    index = {node: number for number, node in enumerate(chosen)}
    return {
        "xy": [value for node in chosen for value in xy[node]],
        "labels": sorted(index[n] for n in named),
        "font": font,
        "nodeScale": shrink,
    }


def render_networkx(nxg: nx.MultiDiGraph, options: ViewOptions | None = None) -> str:
    """The HTML page for a graph made by ``kg.analysis.to_networkx``; ``nxg`` is not changed.

    Every entity is in the page (so that search, the entity table and focus reach all of
    them); the first view draws the ``options.overview`` most important ones, laid out here.
    """
    options = options or ViewOptions()
    full = _visible_graph(nxg, options)
    order = ranked(full)
    degree = typed_degree(full)
    score = importance(full)
    mentions = {str(n): int(a.get("mention_count", 0)) for n, a in full.nodes(data=True)}
    sizes = _Sizes(
        radius={
            n: node_size(degree[n] if options.size_by == "degree" else mentions[n]) for n in order
        },
        degree=degree,
        score=score,
    )
    sizes_offered = levels(len(order), options.overview) if order else [0]
    drawable = order[: max(sizes_offered)]  # communities among what an overview can draw
    with_communities = options.color_by == "community" or len(drawable) <= COMMUNITIES_MAX
    community = communities(full, nodes=drawable) if with_communities else {}
    tables = _Tables(full.graph.get("documents", {}))
    nodes = [
        _node(
            n,
            full.nodes[n],
            tables,
            {
                "degree": degree[n],
                **({"group": community[n]} if n in community else {}),
            },
        )
        for n in order
    ]
    labels = {node["id"]: _shorten(node["name"], MAX_LABEL) for node in nodes}
    edges = _edges(full, tables)
    index = {n: number for number, n in enumerate(order)}
    co_pairs = [index[x] for pair in _cooccurrence_pairs(full) for x in pair]
    predicates = Counter(edge["p"] for edge in edges)
    if co_pairs:
        predicates[COOCCURRENCE] = len(co_pairs) // 2
    default = min(options.overview, len(order))
    views = {
        str(size): _overview(full, order[:size], sizes, labels) for size in sizes_offered if size
    }
    meta = {
        "documents": tables.documents,
        "sentences": tables.sentences,
        "classColors": CLASS_COLORS,
        "classShapes": {
            cls: FAMILY_SHAPES[_family(cls)] for cls in sorted(set(SUPERCLASS) | set(CLASS_COLORS))
        },
        "communityColors": COMMUNITY_COLORS,
        "communities": len(set(community.values())),
        "colorBy": options.color_by,
        "sizeBy": options.size_by,
        "physics": options.physics,
        "physicsMax": PHYSICS_MAX,
        "labels": options.labels,
        "maxLabel": MAX_LABEL,
        "cooccurrence": COOCCURRENCE,
        "co": co_pairs,
        "dimMax": DIM_MAX,
        "levels": sizes_offered,
        "overview": default,
        "views": views,
        "ask": options.ask,
    }
    page = {
        "title": options.title,
        "stats": _stats(full, len(edges)),
        "legend": _legend(node["cls"] for node in nodes),
        "predicates": sorted(predicates.items(), key=lambda p: (p[0] == COOCCURRENCE, p[0])),
        "cooccurrence": COOCCURRENCE,
        "communities": with_communities,
        "levels": sizes_offered if len(sizes_offered) > 1 else [],
        "overview": default,
        "total": len(order),
        "years": any("start" in node or "end" in node for node in nodes),
        "options": _page_options(options),
        "meta": meta,
        "ask": options.ask,
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

    The first view draws the most important entities (``ViewOptions.overview``) laid out
    so that nodes and the labels of the best connected never overlap; the page holds every
    entity for search, the entity table, the document list and focus (an entity's
    neighbourhood, one or two hops, with every fact's evidence). Nodes are coloured and
    shaped by class (a legend that filters by class) or coloured by community, and sized by
    relations or mentions. Every string from the documents is shown as text. ``options``
    (when given) sets the title too. The caller writes the returned string (UTF-8).
    """
    options = options or ViewOptions(title=title)
    return render_networkx(to_networkx(graph, include_cooccurrence=True), options)
