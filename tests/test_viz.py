"""kg.viz: the self-contained, text-safe HTML view and its layout."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS
from test_analysis import TURTLE  # the hand-built graph in the kg.rdf shape

from kg.analysis import to_networkx
from kg.viz.html import render_html, render_networkx, script_json
from kg.viz.layout import positions
from kg.vocab import KGO

BASE = "https://w3id.org/kg/id/"
DECIMAL = URIRef("http://www.w3.org/2001/XMLSchema#decimal")
HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    "\"double\" 'single' `back`",
    "back\\slash \\u003c \\",
    "line one\nline two\r\nthree",
    "مرحبا \u202eevil\u202c עברית",
    "<!-- open comment",
    "sep\u2028ara\u2029tors",
    '<a href="https://evil.example/x">link</a>',
    "{{ 7*7 }} {% if 1 %}jinja{% endif %}",
    "&lt;already&gt; & &amp;",
]
EXTERNAL = re.compile(
    r"""(?:\b(?:src|href|action|poster|data)\s*=\s*["']?\s*|url\(\s*["']?\s*|@import\s+["']?)"""
    r"""(?:https?:)?//""",
    re.IGNORECASE,
)


def _block(page: str, block_id: str) -> object:
    """The JSON of a ``<script type="application/json">`` block, parsed as a browser would."""
    match = re.search(
        rf'<script type="application/json" id="{block_id}">(.*?)</script>', page, re.DOTALL
    )
    assert match, block_id
    return json.loads(match.group(1))


def _hostile_graph() -> Graph:
    """The kg.rdf shape, with every untrusted string made hostile."""
    g = Graph()
    doc = URIRef(BASE + "document/0000000000000000")
    g.add((doc, RDF.type, KGO.Document))
    g.add((doc, DCTERMS.title, Literal("</script><b>doc title</b>")))
    g.add((doc, DCTERMS.source, Literal("docs/<evil>.txt")))
    entities = []
    for number, text in enumerate(HOSTILE):
        entity = URIRef(f"{BASE}entity/e{number}")
        entities.append(entity)
        g.add((entity, RDF.type, KGO.Organization))
        g.add((entity, RDFS.label, Literal(text)))
        g.add((entity, SKOS.altLabel, Literal("alias " + text)))
        g.add((entity, KGO.mentionCount, Literal(number + 1)))
        g.add((entity, KGO.mentionedIn, doc))
    for number, (subject, obj) in enumerate(zip(entities, entities[1:], strict=False)):
        g.add((subject, KGO.cooperatesWith, obj))
        statement = URIRef(f"{BASE}statement/{number:016x}")
        sentence = URIRef(f"{BASE}sentence/0000000000000000-{number}-{number + 1}")
        g.add((statement, RDF.type, RDF.Statement))
        g.add((statement, RDF.subject, subject))
        g.add((statement, RDF.predicate, KGO.cooperatesWith))
        g.add((statement, RDF.object, obj))
        g.add((statement, PROV.wasDerivedFrom, sentence))
        g.add((statement, KGO.confidence, Literal("0.5", datatype=DECIMAL)))
        g.add((statement, KGO.extractor, Literal("rule <b>" + HOSTILE[number])))
        g.add((sentence, RDF.type, KGO.Sentence))
        g.add((sentence, KGO.text, Literal("Sentence says " + HOSTILE[number])))
        g.add((sentence, KGO.inDocument, doc))
        g.add((subject, KGO.mentionedWith, obj))
    return g


@pytest.fixture(scope="module")
def graph() -> Graph:
    return Graph().parse(data=TURTLE, format="turtle")


@pytest.fixture(scope="module")
def page(graph: Graph) -> str:
    return render_html(graph, title="US–Korea")


@pytest.fixture(scope="module")
def hostile_page() -> str:
    return render_html(_hostile_graph(), title=HOSTILE[0] + HOSTILE[1] + HOSTILE[9])


def test_page_is_one_html_document(page: str) -> None:
    assert page.startswith("<!DOCTYPE html>")
    assert page.rstrip().endswith("</html>")
    assert '<meta charset="utf-8">' in page
    page.encode("utf-8")  # the caller writes UTF-8: nothing unencodable


def test_no_external_resources(page: str, hostile_page: str) -> None:
    for html in (page, hostile_page):
        assert EXTERNAL.search(html) is None
        assert "<link" not in html
        assert not re.search(r"<script[^>]*\bsrc\s*=", html)
        assert "vis.Network" in html and "vis-network" in html  # the library is inline


def test_content_security_policy_blocks_the_network(page: str) -> None:
    assert "default-src 'none'" in page


def test_title_and_stats(page: str) -> None:
    assert "<title>US–Korea</title>" in page
    assert "<h1>US–Korea</h1>" in page
    assert "5 entities · 4 relations · 2 documents" in page


def test_every_entity_label_present(graph: Graph, page: str) -> None:
    labels = {str(label) for label in graph.objects(None, RDFS.label)}
    assert len(labels) == 5
    for label in labels:
        assert label in page
    assert {node["label"] for node in _block(page, "kg-nodes")} == labels  # type: ignore[attr-defined]


def test_nodes_carry_position_class_size_and_tooltip(page: str) -> None:
    nodes = {node["id"]: node for node in _block(page, "kg-nodes")}  # type: ignore[attr-defined]
    us, seoul = nodes[BASE + "entity/united-states"], nodes[BASE + "entity/seoul"]
    assert isinstance(us["x"], float) and isinstance(us["y"], float)
    assert us["cls"] == "Country" and us["shape"] == "diamond"
    assert us["size"] > seoul["size"]  # 12 mentions against 1
    tip = [row[2] for row in us["tip"]]
    assert "United States" in tip and "Country" in tip and "America; US; the U.S." in tip
    assert all("title" not in node for node in nodes.values())  # built as DOM in the page


def test_edges_width_tooltip_and_hidden_cooccurrence(page: str) -> None:
    edges = _block(page, "kg-edges")
    assert isinstance(edges, list)
    typed = [edge for edge in edges if not edge.get("cooccurrence")]
    cooccurring = [edge for edge in edges if edge.get("cooccurrence")]
    assert sorted(edge["predicate"] for edge in typed) == [
        "alliedWith",
        "capitalOf",
        "investsIn",
        "partyTo",
    ]
    assert all(edge.get("hidden") is not True for edge in typed)
    assert len(cooccurring) == 2  # both directions of one pair are drawn once
    assert all(
        edge["hidden"] is True and edge["predicate"] == "mentionedWith" for edge in cooccurring
    )
    invests = next(edge for edge in typed if edge["predicate"] == "investsIn")
    capital = next(edge for edge in typed if edge["predicate"] == "capitalOf")
    assert invests["width"] > capital["width"]  # two pieces of evidence against one
    assert invests["arrows"] == "to"
    texts = [row[2] for row in invests["tip"]]
    assert "“Samsung will invest $17 billion in the United States.”" in texts
    assert any("verb-invest-in" in text and "Alliance" in text for text in texts)
    allied = next(edge for edge in typed if edge["predicate"] == "alliedWith")
    assert allied["arrows"] == ""  # symmetric: no direction
    assert 'id="kg-show-cooccurrence"' in page


def test_legend_lists_present_classes(page: str) -> None:
    legend = page[page.index('id="kg-legend"') : page.index("</ul>")]
    for cls in ("Company", "Country", "City", "TradeAgreement"):
        assert f" {cls} (" in legend
    assert "Person" not in legend
    assert "Country (2)" in legend


def test_physics_off_and_straight_edges(page: str) -> None:
    options = _block(page, "kg-options")
    assert options["physics"]["enabled"] is False  # type: ignore[index]
    assert options["edges"]["smooth"] is False  # type: ignore[index]


def test_same_graph_same_bytes(graph: Graph, page: str) -> None:
    assert render_html(Graph().parse(data=TURTLE, format="turtle"), title="US–Korea") == page


def test_nothing_written_to_the_working_directory(
    graph: Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    render_html(graph)
    render_html(_hostile_graph())
    assert list(tmp_path.iterdir()) == []


def test_hostile_strings_never_appear_raw(hostile_page: str) -> None:
    for text in HOSTILE:
        if any(char in text for char in "<>&\u2028\u2029"):
            assert text not in hostile_page, text
    assert "</script><b>doc title</b>" not in hostile_page
    assert "alert(1)</script>" not in hostile_page
    assert "<img" not in hostile_page
    assert "\u2028" not in hostile_page and "\u2029" not in hostile_page


def test_hostile_page_has_the_structure_of_a_benign_one(page: str, hostile_page: str) -> None:
    for html in (page, hostile_page):
        # vis-network, three JSON blocks, the page's script (vis-network's code holds the
        # text "<script>" in a string, but no "</script" or "<!--" that could end it early)
        assert html.count("</script") == 5
        assert html.count('<script type="application/json"') == 3
        assert html.count("<!--") == 0
        assert html.count("<body>") == 1
    assert page.count("<script") == hostile_page.count("<script")
    assert "<h1>&lt;img src=x onerror=alert(1)&gt;&lt;/script&gt;" in hostile_page
    assert "{{ 7*7 }} {% if 1 %}jinja{% endif %}</h1>" in hostile_page  # not evaluated


def test_hostile_strings_survive_as_data(hostile_page: str) -> None:
    nodes = _block(hostile_page, "kg-nodes")
    edges = _block(hostile_page, "kg-edges")
    assert isinstance(nodes, list) and isinstance(edges, list)
    assert sorted(node["tip"][0][2] for node in nodes) == sorted(HOSTILE)
    assert {"alias " + text for text in HOSTILE} <= {row[2] for n in nodes for row in n["tip"]}
    quotes = {row[2] for edge in edges for row in edge["tip"] if row[0] == "quote"}
    assert quotes == {f"“Sentence says {text}”" for text in HOSTILE[:-1]}
    sources = [row[2] for edge in edges for row in edge["tip"] if row[0] == "source"]
    assert all(source.endswith(" · </script><b>doc title</b>") for source in sources)


def test_script_json_escapes_markup_and_separators() -> None:
    text = script_json(HOSTILE)
    for char in "<>&\u2028\u2029":
        assert char not in text
    assert json.loads(text) == HOSTILE


def test_empty_graph_renders() -> None:
    page = render_html(Graph())
    assert "0 entities · 0 relations · 0 documents" in page
    assert _block(page, "kg-nodes") == [] and _block(page, "kg-edges") == []
    assert 'id="kg-show-cooccurrence"' not in page


def test_singular_stats() -> None:
    nxg = nx.MultiDiGraph(documents={"d": {"title": "t", "source": "s"}})
    nxg.add_node("a", label="A", cls="Person", mention_count=1)
    nxg.add_node("b", label="B", cls="Country", mention_count=1)
    nxg.add_edge("a", "b", key="leaderOf", predicate="leaderOf", evidence=[], evidence_count=0)
    assert "2 entities · 1 relation · 1 document" in render_networkx(nxg)


def test_positions_deterministic_and_cover_every_node(graph: Graph) -> None:
    nxg = to_networkx(graph)
    first = positions(nxg)
    assert set(first) == set(nxg.nodes)
    assert first == positions(to_networkx(Graph().parse(data=TURTLE, format="turtle")))
    assert len(set(first.values())) == len(first)


def test_positions_large_graph_without_scipy() -> None:
    big = nx.relabel_nodes(nx.cycle_graph(520), lambda n: f"n{n:03d}")
    found = positions(big)
    assert len(found) == 520 and len(set(found.values())) == 520


def test_positions_huge_graph_is_quick_and_complete() -> None:
    huge = nx.relabel_nodes(nx.path_graph(3100), lambda n: f"n{n:04d}")
    found = positions(huge)
    assert len(found) == 3100 and len(set(found.values())) == 3100


# A stand-in DOM and vis for node.js: it runs the page's own script on the page's own data
# and reports what reached the DOM, to check that text is only ever set as text.
_HARNESS = """
const blocks = %s;
function El(tag) { this.tag = tag; this.children = []; this.textContent = ""; }
El.prototype.appendChild = function (child) { this.children.push(child); return child; };
const toggle = {checked: false, listeners: [],
                addEventListener: function (name, f) { this.listeners.push(f); }};
const updates = [];
var document = {
  getElementById: function (id) {
    if (id in blocks) return {textContent: blocks[id]};
    if (id === "kg-show-cooccurrence") return toggle;
    return {id: id};
  },
  createElement: function (tag) { return new El(tag); },
  createTextNode: function (text) { const el = new El("#text"); el.textContent = text; return el; }
};
var window = {};
var vis = {
  DataSet: function (items) {
    this.items = items; this.update = function (u) { updates.push(u); };
  },
  Network: function (container, data, options) { this.data = data; this.options = options; }
};
%s
function text(el) { return el.textContent + el.children.map(text).join(""); }
function tags(el) { return [el.tag].concat(...el.children.map(tags)); }
toggle.checked = true; toggle.listeners.forEach(function (f) { f(); });
const net = window.kgNetwork;
console.log(JSON.stringify({
  nodes: net.data.nodes.items.map(function (n) { return [n.label, text(n.title), tags(n.title)]; }),
  edges: net.data.edges.items.map(function (e) { return [e.id, !!e.hidden, text(e.title)]; }),
  physics: net.options.physics.enabled,
  updates: updates
}));
"""


def test_page_script_builds_text_only_tooltips(hostile_page: str, tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node.js is not installed")
    blocks = {
        block_id: re.search(
            rf'<script type="application/json" id="{block_id}">(.*?)</script>',
            hostile_page,
            re.DOTALL,
        ).group(1)  # type: ignore[union-attr]
        for block_id in ("kg-nodes", "kg-edges", "kg-options")
    }
    script = hostile_page[hostile_page.rindex("<script>") + len("<script>") :]
    script = script[: script.index("</script>")]
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script
    harness = tmp_path / "harness.js"
    harness.write_text(_HARNESS % (json.dumps(blocks), script), encoding="utf-8")
    run = subprocess.run([node, str(harness)], capture_output=True, text=True, check=True)
    out = json.loads(run.stdout)
    assert out["physics"] is False
    heads = []
    for label, tip_text, tags in out["nodes"]:
        head = next(text for text in HOSTILE if tip_text.startswith(text))
        heads.append(head)
        assert label == (head if len(head) <= 40 else head[:39] + "…")
        assert set(tags) <= {"div", "span", "#text"}
    assert sorted(heads) == sorted(HOSTILE)
    hidden = {edge_id: flag for edge_id, flag, _ in out["edges"]}
    assert hidden == {edge_id: edge_id.startswith("c") for edge_id in hidden}
    assert any("Sentence says </script><script>alert(1)</script>" in t for *_, t in out["edges"])
    # the initial sync hides co-occurrence links, the checkbox shows them
    assert out["updates"][0] and all(u["hidden"] is True for u in out["updates"][0])
    assert all(u["hidden"] is False for u in out["updates"][-1])
