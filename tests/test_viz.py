"""kg.viz: the self-contained, text-safe HTML view and its layout."""

from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS
from test_analysis import TURTLE  # the hand-built graph in the kg.rdf shape

from kg.analysis import to_networkx
from kg.errors import UsageError
from kg.viz.html import ViewOptions, render_html, render_networkx, script_json, top_nodes
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
    assert {node["name"] for node in _block(page, "kg-nodes")} == labels  # type: ignore[attr-defined]


def test_nodes_carry_position_class_degree_and_documents(page: str) -> None:
    nodes = {node["id"]: node for node in _block(page, "kg-nodes")}  # type: ignore[attr-defined]
    meta = _block(page, "kg-meta")
    us, seoul = nodes[BASE + "entity/united-states"], nodes[BASE + "entity/seoul"]
    view = meta["views"][str(meta["overview"])]  # type: ignore[index]
    order = [node["id"] for node in _block(page, "kg-nodes")]  # type: ignore[attr-defined]
    spot = order.index(us["id"])
    assert all(isinstance(value, float) for value in view["xy"][2 * spot : 2 * spot + 2])
    assert len(view["xy"]) == 2 * len(order) and spot in view["labels"]
    assert us["cls"] == "Country" and meta["classShapes"]["Country"] == "diamond"  # type: ignore[index]
    assert (us["degree"], us["mentions"]) == (3, 12)
    assert (seoul["degree"], seoul["mentions"]) == (1, 1)
    assert us["aliases"] == ["America", "US", "the U.S."]
    assert sorted(meta["documents"][i][0] for i in us["docs"]) == ["Alliance", "Trade"]  # type: ignore[index]
    assert isinstance(us["group"], int)  # a community, for "colour by community"
    assert nodes[BASE + "entity/korus-fta"]["start"] == "2012"
    assert all("title" not in node for node in nodes.values())  # built as DOM in the page


def test_edges_evidence_and_cooccurrence(page: str) -> None:
    edges = _block(page, "kg-edges")
    meta = _block(page, "kg-meta")
    assert isinstance(edges, list) and isinstance(meta, dict)
    typed = list(edges)
    predicates = sorted(edge["p"] for edge in typed)
    assert predicates == ["alliedWith", "capitalOf", "investsIn", "partyTo"]
    assert len(meta["co"]) == 2 * 2  # type: ignore[index]  # both directions of a pair: once
    invests = next(edge for edge in typed if edge["p"] == "investsIn")
    assert invests["d"] == 1 and len(invests["ev"]) == 2
    sentence, confidence, rule = invests["ev"][0]
    text, document = meta["sentences"][sentence]
    assert text == "Samsung will invest $17 billion in the United States."
    assert meta["documents"][document][0] == "Alliance"
    assert (confidence, rule) == (0.85, "verb-invest-in")
    allied = next(edge for edge in typed if edge["p"] == "alliedWith")
    assert "d" not in allied  # symmetric: no direction
    assert 'data-predicate="mentionedWith">' in page  # its filter box, not ticked
    assert 'data-predicate="investsIn" checked>' in page


def test_legend_lists_present_classes(page: str) -> None:
    legend = page[page.index('id="kg-legend"') : page.index("</ul>", page.index('id="kg-legend"'))]
    for cls in ("Company", "Country", "City", "TradeAgreement"):
        assert f'data-cls="{cls}"' in legend and f" {cls} (" in legend
    assert "Person" not in legend
    assert "Country (2)" in legend


def test_physics_off_and_straight_edges(page: str) -> None:
    options = _block(page, "kg-options")
    assert options["physics"]["enabled"] is False  # type: ignore[index]
    assert options["edges"]["smooth"] is False  # type: ignore[index]
    assert 'id="kg-physics"' in page


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
        # vis-network, four JSON blocks, the page's script (vis-network's code holds the
        # text "<script>" in a string, but no "</script" or "<!--" that could end it early)
        assert html.count("</script") == 6
        assert html.count('<script type="application/json"') == 4
        assert html.count("<!--") == 0
        assert html.count("<body>") == 1
    assert page.count("<script") == hostile_page.count("<script")
    assert "<h1>&lt;img src=x onerror=alert(1)&gt;&lt;/script&gt;" in hostile_page
    assert "{{ 7*7 }} {% if 1 %}jinja{% endif %}</h1>" in hostile_page  # not evaluated


def test_hostile_strings_survive_as_data(hostile_page: str) -> None:
    nodes = _block(hostile_page, "kg-nodes")
    edges = _block(hostile_page, "kg-edges")
    meta = _block(hostile_page, "kg-meta")
    assert isinstance(nodes, list) and isinstance(edges, list) and isinstance(meta, dict)
    assert sorted(node["name"] for node in nodes) == sorted(HOSTILE)
    assert {"alias " + text for text in HOSTILE} == {a for n in nodes for a in n["aliases"]}
    assert {text for text, _ in meta["sentences"]} == {f"Sentence says {t}" for t in HOSTILE[:-1]}
    assert meta["documents"] == [["</script><b>doc title</b>", "docs/<evil>.txt"]]
    rules = {item[2] for edge in edges for item in edge.get("ev", [])}
    assert rules == {"rule <b>" + text for text in HOSTILE[:-1]}


def test_page_script_sets_text_only() -> None:
    from kg.viz.template import PAGE

    script = PAGE[PAGE.rindex("<script>") :]
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in script
    assert "textContent" in script and "createTextNode" in script


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


def test_show_returns_an_iframe_for_jupyter(graph: Graph) -> None:
    display = pytest.importorskip("IPython.display")
    from kg.api import KnowledgeGraph

    shown = KnowledgeGraph(graph).show("US <Korea>", height=500, color_by="community")
    assert isinstance(shown, display.HTML)
    assert shown.data.startswith('<iframe srcdoc="&lt;!DOCTYPE html&gt;')
    assert 'sandbox="allow-scripts allow-downloads"' in shown.data
    assert "height:500px" in shown.data and 'title="US &lt;Korea&gt;"' in shown.data
    assert shown.data.count("<") == 2  # the iframe's tags; the page is all escaped


def test_view_options_validated() -> None:
    with pytest.raises(UsageError, match="color_by"):
        ViewOptions(color_by="rainbow")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="size_by"):
        ViewOptions(size_by="weight")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="max_nodes"):
        ViewOptions(max_nodes=0)


def test_max_nodes_keeps_the_best_connected(graph: Graph) -> None:
    page = render_html(graph, options=ViewOptions(max_nodes=2))
    names = sorted(node["name"] for node in _block(page, "kg-nodes"))  # type: ignore[attr-defined]
    assert names == ["South Korea", "United States"]  # 3 and 2 relations
    assert "2 entities" in page
    edges = _block(page, "kg-edges")
    assert [edge["p"] for edge in edges] == ["alliedWith"]  # type: ignore[index]
    assert top_nodes(to_networkx(graph), 1) == [BASE + "entity/united-states"]


def test_options_reach_the_page(graph: Graph) -> None:
    chosen = ViewOptions(color_by="community", size_by="mentions", physics=True, labels="zoomed")
    page = render_html(graph, options=chosen)
    meta, options = _block(page, "kg-meta"), _block(page, "kg-options")
    assert (meta["colorBy"], meta["sizeBy"], meta["physics"]) == ("community", "mentions", True)  # type: ignore[index]
    assert options["physics"]["enabled"] is True  # type: ignore[index]
    assert meta["labels"] == "zoomed"  # type: ignore[index]


def test_large_graph_defaults() -> None:
    nxg = nx.MultiDiGraph(documents={})
    for number in range(1200):
        nxg.add_node(f"n{number:04d}", label=f"N{number}", cls="Company", mention_count=1)
    for number in range(1, 1200):
        nxg.add_edge(f"n{number:04d}", f"n{number // 2:04d}", key="ownedBy", predicate="ownedBy")
    page = render_networkx(nxg)
    meta = _block(page, "kg-meta")
    assert meta["overview"] == 300 and meta["levels"] == [100, 300, 1000]  # type: ignore[index]
    assert len(meta["views"]["300"]["labels"]) == 30  # type: ignore[index]
    assert len(_block(page, "kg-nodes")) == 1200  # type: ignore[arg-type]


def test_labelled_boxes_never_overlap() -> None:
    from bench.viewer import news_like
    from kg.viz.html import LABELLED, _labelled, _Sizes, node_size
    from kg.viz.layout import Box, overlapping_pairs
    from kg.viz.overview import importance, ranked, typed_degree

    nxg = news_like(3000)
    chosen = ranked(nxg)[:300]
    degree = typed_degree(nxg)
    sizes = _Sizes({n: node_size(degree[n]) for n in chosen}, degree, importance(nxg))
    named = _labelled(chosen, sizes)
    assert len(named) == LABELLED
    boxes = {n: Box.node(0.6 * sizes.radius[n]) for n in chosen}
    boxes.update({n: Box.labelled(0.6 * sizes.radius[n], n[-12:], 22) for n in named})
    graph = nx.Graph()
    graph.add_nodes_from(chosen)
    found = positions(graph, boxes=boxes)
    xy = np.array([found[n] for n in chosen])
    room = np.array([(boxes[n].half_width, boxes[n].up, boxes[n].down) for n in chosen])
    first, _ = overlapping_pairs(xy, room)
    assert len(first) == 0
    span = xy.max(axis=0) - xy.min(axis=0)  # loners packed around, not a long grid
    assert span[0] / span[1] < 4 and span[1] / span[0] < 4


def test_overview_ranks_and_title() -> None:
    from kg.viz.overview import levels, page_title, ranked

    nxg = nx.MultiDiGraph([("a", "b", "investsIn"), ("c", "d", "mentionedWith")])
    nxg.nodes["d"].update(mention_count=50, documents=("x", "y"))
    assert ranked(nxg)[0] == "d" and ranked(nxg)[1] == "a"
    assert levels(12000, 300) == [100, 300, 1000]
    assert page_title(["bbc/a.txt", "bbc/b.txt"], ["A", "B"]) == "2 documents: bbc"


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


def test_positions_same_under_every_hash_seed() -> None:
    import os
    import subprocess
    import sys

    code = (
        "import networkx as nx; from kg.viz.layout import positions; "
        "g = nx.relabel_nodes(nx.karate_club_graph(), lambda n: f'n{n}'); "
        "g.add_nodes_from(['x', 'y']); print(sorted(positions(g).items()))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1
