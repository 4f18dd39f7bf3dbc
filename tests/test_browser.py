"""The HTML view in a real browser: Debian's Chromium driven by playwright, offline.

Every page is loaded from disk with every non-file request blocked and counted. The module
is skipped when ``/usr/bin/chromium`` or playwright is missing (``scripts/check`` installs
both). Set ``KG_UPDATE_SCREENSHOT=1`` to also write ``docs/sample-view.png`` (the README's
picture), taken by ``test_screenshot`` below; ``python tests/test_browser.py`` does the same.
"""

from __future__ import annotations

import json
import os
import struct
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph

from kg.viz.chromium import CHROMIUM as CHROMIUM_PATH
from kg.viz.chromium import FLAGS

CHROMIUM = Path(CHROMIUM_PATH)
if not CHROMIUM.exists():
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")

from kg.analysis import to_networkx  # noqa: E402
from kg.build import build  # noqa: E402
from kg.cli import main as kg_main  # noqa: E402
from kg.export import export  # noqa: E402

SCREENSHOT = Path(__file__).resolve().parent.parent / "docs" / "sample-view.png"
PAYLOADS = [
    "<img src=x onerror=window.__pwned=1>",
    "</script><script>window.__pwned=1</script>",
]
READY = "() => document.body.dataset.kgReady === 'true'"


@dataclass
class Loaded:
    """A page, the requests it tried to make, and the script errors it raised."""

    page: Any
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield chromium
        chromium.close()


def _open(
    browser: Any, path: Path, *, width: int = 1400, height: int = 900, ready: str = READY
) -> Loaded:
    context = browser.new_context(
        viewport={"width": width, "height": height}, accept_downloads=True
    )
    page = context.new_page()
    loaded = Loaded(page)

    def block(route: Any) -> None:
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            loaded.requests.append(route.request.url)
            route.abort()

    page.route("**/*", block)
    page.on("pageerror", lambda error: loaded.errors.append(str(error)))
    page.goto(path.as_uri())
    page.wait_for_function(ready, timeout=30_000)
    return loaded


@pytest.fixture()
def opened(browser: Any) -> Iterator[Any]:
    pages: list[Loaded] = []

    def open_page(path: Path, **options: Any) -> Loaded:
        pages.append(_open(browser, path, **options))
        return pages[-1]

    yield open_page
    for loaded in pages:
        assert loaded.requests == [], loaded.requests
        assert loaded.errors == [], loaded.errors
        loaded.page.context.close()


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Graph, Path]:
    out = tmp_path_factory.mktemp("sample")
    graph = build(None, progress=False).graph
    export(graph, out / "graph.ttl", "turtle")
    export(graph, out / "graph.html", "html", title="Knowledge graph: us-korea-alliance")
    return graph, out


@pytest.fixture(scope="module")
def fact(sample: tuple[Graph, Path]) -> dict[str, str]:
    """A typed fact of the sample with its evidence, read from the graph (not hard-coded)."""
    return _facts(sample[0])[0]


def _facts(graph: Graph) -> list[dict[str, str]]:
    """Every typed fact of a graph with its evidence, in a stable order."""
    rows = graph.query(
        """
        SELECT ?s ?o ?p ?sl ?ol ?text ?title WHERE {
          ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?sen .
          ?s rdfs:label ?sl . ?o rdfs:label ?ol .
          ?sen kgo:text ?text ; kgo:inDocument ?doc . ?doc dcterms:title ?title .
          FILTER (?s != ?o && ?p != kgo:mentionedWith)
        } ORDER BY ?s ?p ?o ?text""",
        initNs={
            "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
            "prov": "http://www.w3.org/ns/prov#",
            "kgo": "https://w3id.org/kg/ontology#",
            "dcterms": "http://purl.org/dc/terms/",
        },
    )
    names = ("s", "o", "p", "sl", "ol", "text", "title")
    found = []
    for row in rows:
        item = {name: str(value) for name, value in zip(names, row, strict=True)}  # type: ignore[arg-type]
        item["p"] = item["p"].rsplit("#", 1)[-1]
        found.append(item)
    return found


def _dom_point(page: Any, node: str) -> dict[str, float]:
    return page.evaluate(
        """id => { const p = network.getPositions([id])[id];
                   const d = network.canvasToDOM(p);
                   const r = document.getElementById('kg-graph').getBoundingClientRect();
                   return {x: d.x + r.left, y: d.y + r.top}; }""",
        node,
    )


def _click_node(page: Any, node: str) -> None:
    page.evaluate(
        "id => network.moveTo({position: network.getPositions([id])[id], scale: 2.5})", node
    )
    point = _dom_point(page, node)
    page.mouse.click(point["x"], point["y"])


def _edge_id(page: Any, source: str, target: str, predicate: str) -> str:
    edge_id = page.evaluate(
        """([s, t, p]) => kg.edges.getIds().find(id => {
             const e = JSON.parse(document.getElementById('kg-edges').textContent)
               .find(x => x.id === id);
             return e.p === p && ((e.from === s && e.to === t) || (e.from === t && e.to === s));
           })""",
        [source, target, predicate],
    )
    assert edge_id, (source, target, predicate)
    return str(edge_id)


def _click_edge(page: Any, edge_id: str, source: str, target: str) -> bool:
    page.evaluate("ids => network.fit({nodes: ids, animation: false})", [source, target])
    shares = sorted((k / 40 for k in range(4, 37)), key=lambda f: abs(f - 0.5))
    for share in shares:  # from the middle outwards: the first point only this edge covers
        a, b = _dom_point(page, source), _dom_point(page, target)
        x, y = a["x"] + share * (b["x"] - a["x"]), a["y"] + share * (b["y"] - a["y"])
        box = page.evaluate(
            "() => document.getElementById('kg-graph').getBoundingClientRect().toJSON()"
        )
        local = {"x": x - box["x"], "y": y - box["y"]}
        hit = page.evaluate(
            "p => [network.getNodeAt(p) || null, network.getEdgeAt(p) || null]", local
        )
        if hit == [None, edge_id]:
            page.mouse.click(x, y)
            return True
    return False


def _panel_text(page: Any) -> str:
    page.wait_for_selector("#kg-panel:not([hidden])")
    return str(page.inner_text("#kg-panel"))


# -- the sample ---------------------------------------------------------------------------


def test_offline_and_every_entity_drawn(opened: Any, sample: tuple[Graph, Path]) -> None:
    graph, out = sample
    loaded = opened(out / "graph.html")
    drawn = loaded.page.evaluate("[nodes.getIds(), Object.keys(network.body.nodes)]")
    entities = sorted(to_networkx(graph).nodes)
    assert sorted(drawn[0]) == entities and sorted(drawn[1]) == entities
    assert loaded.page.evaluate("window.kgNetwork === network && typeof edges.get === 'function'")
    assert sorted(p.name for p in out.iterdir()) == ["graph.html", "graph.ttl"]  # no lib/
    stats = loaded.page.inner_text(".kg-stats")
    assert f"{len(entities)} entities" in stats


def test_search_by_label_and_alias(
    opened: Any, sample: tuple[Graph, Path], fact: dict[str, str]
) -> None:
    page = opened(sample[1] / "graph.html").page
    page.fill("#kg-search", fact["sl"][:4])
    assert fact["sl"] in page.inner_text("#kg-results")
    page.fill("#kg-search", fact["sl"])
    page.press("#kg-search", "Enter")
    assert page.evaluate("network.getSelectedNodes()") == [fact["s"]]
    assert fact["sl"] in _panel_text(page)
    nxg = to_networkx(sample[0])
    node, alias = next(
        (n, a[0])
        for n, a in sorted(nxg.nodes(data="aliases"))
        if a and a[0] != nxg.nodes[n]["label"]
    )
    page.fill("#kg-search", alias)
    button = page.locator(".kg-result", has_text=nxg.nodes[node]["label"]).first
    button.click()
    assert page.evaluate("network.getSelectedNodes()") == [node]
    assert page.evaluate("document.getElementById('kg-panel').dataset.id") == node


def test_relation_filter_hides_cooccurrence_by_default(
    opened: Any, sample: tuple[Graph, Path], fact: dict[str, str]
) -> None:
    page = opened(sample[1] / "graph.html").page
    count = """p => p === 'mentionedWith'
        ? JSON.parse(document.getElementById('kg-meta').textContent).co.length / 2
        : JSON.parse(document.getElementById('kg-edges').textContent)
            .filter(e => e.p === p).length"""
    visible = """p => edges.get().filter(e => (p === 'mentionedWith' ? e.dashes === true
                 : e.label === p) && !e.hidden).length"""
    page.click("#kg-more summary")
    co = page.evaluate(count, "mentionedWith")
    assert co > 0 and page.evaluate(visible, "mentionedWith") == 0
    page.check('.kg-predicate[data-predicate="mentionedWith"]')
    assert page.evaluate(visible, "mentionedWith") == co
    page.uncheck(f'.kg-predicate[data-predicate="{fact["p"]}"]')
    assert page.evaluate(visible, fact["p"]) == 0
    assert "showing" in page.inner_text("#kg-visible")


def test_legend_filters_classes(opened: Any, sample: tuple[Graph, Path]) -> None:
    page = opened(sample[1] / "graph.html").page
    nxg = to_networkx(sample[0])
    cls = sorted(c for _, c in nxg.nodes(data="cls"))[0]
    members = sorted(n for n, c in nxg.nodes(data="cls") if c == cls)
    hidden = "cls => nodes.get({filter: n => n.hidden}).map(n => n.id).sort()"
    page.click(f'.kg-class[data-cls="{cls}"]')
    assert page.evaluate(hidden, cls) == members
    assert page.get_attribute(f'.kg-class[data-cls="{cls}"]', "aria-pressed") == "false"
    page.click(f'.kg-class[data-cls="{cls}"]')
    assert page.evaluate(hidden, cls) == []


def test_node_panel_shows_facts_with_evidence_and_highlights(
    opened: Any, sample: tuple[Graph, Path], fact: dict[str, str]
) -> None:
    page = opened(sample[1] / "graph.html").page
    _click_node(page, fact["s"])
    text = _panel_text(page)
    nxg = to_networkx(sample[0])
    assert fact["sl"] in text and nxg.nodes[fact["s"]]["cls"] in text
    assert fact["p"] in text and fact["ol"] in text
    assert fact["text"] in text and fact["title"] in text
    for alias in nxg.nodes[fact["s"]]["aliases"]:
        assert alias in text
    colors = page.evaluate(
        "() => Object.fromEntries(nodes.get().map(n => [n.id, n.color.background]))"
    )
    neighbours = set(nxg.successors(fact["s"])) | set(nxg.predecessors(fact["s"]))
    assert colors[fact["o"]] != "#e4e7eb"  # the neighbourhood keeps its colours
    assert any(c == "#e4e7eb" for n, c in colors.items() if n not in neighbours | {fact["s"]})


def test_edge_panel_shows_the_fact_and_its_sentence(
    opened: Any, sample: tuple[Graph, Path]
) -> None:
    page = opened(sample[1] / "graph.html").page
    for fact in _facts(sample[0])[:12]:  # the first fact whose edge has a point of its own
        edge_id = _edge_id(page, fact["s"], fact["o"], fact["p"])
        if _click_edge(page, edge_id, fact["s"], fact["o"]):
            break
    else:
        pytest.fail("no edge among the first facts had a free point to click")
    assert page.evaluate("document.getElementById('kg-panel').dataset.kind") == "edge"
    text = _panel_text(page)
    for key in ("sl", "ol", "p", "text", "title"):
        assert fact[key] in text


def test_tooltip_on_hover(opened: Any, sample: tuple[Graph, Path], fact: dict[str, str]) -> None:
    page = opened(sample[1] / "graph.html").page
    page.evaluate(
        "id => network.moveTo({position: network.getPositions([id])[id], scale: 2.5})", fact["s"]
    )
    point = _dom_point(page, fact["s"])
    page.mouse.move(point["x"] - 1, point["y"] - 1)
    page.mouse.move(point["x"], point["y"])
    page.wait_for_selector("div.vis-tooltip", state="visible")
    assert fact["sl"] in page.inner_text("div.vis-tooltip")


def test_png_export(opened: Any, sample: tuple[Graph, Path]) -> None:
    page = opened(sample[1] / "graph.html").page
    assert page.evaluate("kg.exportPng()").startswith("data:image/png;base64,")
    with page.expect_download() as download:
        page.click("#kg-export")
    assert download.value.suggested_filename == "graph.png"


def test_screenshot(opened: Any, sample: tuple[Graph, Path], tmp_path: Path) -> None:
    target = SCREENSHOT if os.environ.get("KG_UPDATE_SCREENSHOT") else tmp_path / "view.png"
    take_screenshot(opened(sample[1] / "graph.html").page, target)
    data = target.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1400, 900)


def take_screenshot(page: Any, path: Path) -> None:
    """The README's picture: the drawn sample, 1,400 by 900 pixels."""
    path.parent.mkdir(parents=True, exist_ok=True)
    page.wait_for_function(READY)
    page.screenshot(path=str(path))


# -- the first view, focus, the entity table ------------------------------------------------

FIRST_VIEW = """() => {
  const ids = nodes.getIds();
  const raw = JSON.parse(document.getElementById('kg-nodes').textContent);
  const degree = Object.fromEntries(raw.map(n => [n.id, n.degree]));
  const rank = Object.fromEntries(raw.map((n, i) => [n.id, i]));  // most important first
  const top = ids.slice().sort((a, b) => degree[b] - degree[a] || rank[a] - rank[b]).slice(0, 30);
  const boxes = top.map(id => { const n = network.body.nodes[id];
    const l = n.labelModule.size; return [l.left, l.top, l.left + l.width, l.top + l.height,
    n.options.font.size * network.getScale()]; });
  let clashes = 0;
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    if (a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]) clashes++; }
  const canvas = document.querySelector('#kg-graph canvas');
  const pts = ids.map(id => network.canvasToDOM(network.getPositions([id])[id]));
  const xs = pts.map(p => p.x), ys = pts.map(p => p.y);
  return {clashes: clashes, drawn: ids.length, smallest: Math.min(...boxes.map(b => b[4])),
          fill: Math.max((Math.max(...xs) - Math.min(...xs)) / canvas.clientWidth,
                         (Math.max(...ys) - Math.min(...ys)) / canvas.clientHeight)}; }"""


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated news-like graph of 12,000 entities, two-thirds of them isolated."""
    from bench.viewer import news_like
    from kg.viz.html import render_networkx

    path = tmp_path_factory.mktemp("large") / "graph.html"
    path.write_text(render_networkx(news_like(12000)), encoding="utf-8")
    return path


def test_first_view_of_the_sample_is_readable(opened: Any, sample: tuple[Graph, Path]) -> None:
    found = opened(sample[1] / "graph.html").page.evaluate(FIRST_VIEW)
    assert found["clashes"] == 0 and found["fill"] >= 0.6, found
    assert found["smallest"] >= 9, found  # label pixels on screen


def test_first_view_of_a_large_graph(opened: Any, large: Path) -> None:
    page = opened(large).page
    found = page.evaluate(FIRST_VIEW)
    assert found["drawn"] == 300 and found["clashes"] == 0 and found["fill"] >= 0.6, found
    assert found["smallest"] >= 9, found
    assert "11,700 hidden" in page.inner_text("#kg-visible")
    assert "8,000 isolated entities" in page.inner_text("#kg-visible")
    page.select_option("#kg-overview", "100")
    assert page.evaluate("nodes.length") == 100


def test_focus_any_entity_of_a_large_graph(opened: Any, large: Path) -> None:
    page = opened(large).page
    raw = page.evaluate("kg.entities.map(n => [n.id, n.name, n.degree])")
    for node, name, degree in (raw[0], raw[5000], raw[-1]):  # in the overview, or not
        assert page.evaluate("name => window.kgFocus(name)", name) is True
        drawn = page.evaluate("nodes.getIds()")
        assert node in drawn and len(drawn) >= 1 + min(degree, 1)
        assert page.evaluate("network.getSelectedNodes()") == [node]
        assert name in _panel_text(page)
    crumbs = page.locator("#kg-crumbs .kg-crumb")
    crumbs.first.click()  # back to the overview
    assert page.evaluate("nodes.length") == 300


def test_entity_table_lists_every_entity(opened: Any, large: Path) -> None:
    page = opened(large).page
    page.click("#kg-table")
    assert page.evaluate("document.querySelectorAll('#kg-entity-table tbody tr').length") == 12000
    page.fill("#kg-table-name", "group 1")
    shown = page.evaluate(
        "Array.from(document.querySelectorAll('#kg-entity-table tbody tr'))"
        ".filter(r => !r.hidden).map(r => r.dataset.id)"
    )
    assert 0 < len(shown) < 12000
    page.click('#kg-entity-table th[data-key="mentions"] button')
    first = page.evaluate("document.querySelector('#kg-entity-table tbody tr').dataset.id")
    most = page.evaluate("kg.entities.reduce((a, b) => b.mentions > a.mentions ? b : a).mentions")
    assert page.evaluate("id => kg.entities.find(n => n.id === id).mentions", first) == most
    page.locator("#kg-entity-table tbody tr:not([hidden]) .kg-link").first.click()
    assert page.evaluate("kg.state.view.kind") == "focus"


def test_search_agrees_with_the_cli(opened: Any, sample: tuple[Graph, Path]) -> None:
    from kg.explain import find_entities, normalize_label

    page = opened(sample[1] / "graph.html").page
    for query in ("the U.S.", "U.S.", "us", "United States", "  SOUTH korea's", "Samsung"):
        expected = {str(node) for node in find_entities(sample[0], query)}
        assert page.evaluate("q => kg.normalizeLabel(q)", query) == normalize_label(query)
        first = page.evaluate("q => (kg.search(q)[0] || {}).id || null", query)
        if expected:
            assert first in expected, (query, first, expected)
    united_states = "https://w3id.org/kg/id/entity/united-states"
    for query in ("the U.S.", "U.S.", "US", "us"):  # both find the country, and rank it first
        assert {str(node) for node in find_entities(sample[0], query)} == {united_states}, query
        assert page.evaluate("q => kg.search(q)[0].id", query) == united_states, query


def test_png_has_title_and_legend(opened: Any, sample: tuple[Graph, Path]) -> None:
    page = opened(sample[1] / "graph.html").page
    size = page.evaluate(
        """() => new Promise(done => { const img = new Image();
             img.onload = () => done([img.width, img.height]); img.src = kg.exportPng(); })"""
    )
    canvas = page.evaluate(
        "[document.querySelector('#kg-graph canvas').width,"
        " document.querySelector('#kg-graph canvas').height]"
    )
    assert size[0] == canvas[0] and size[1] > canvas[1]  # a band for the title


def test_narrow_window_keeps_the_canvas(opened: Any, sample: tuple[Graph, Path]) -> None:
    page = opened(sample[1] / "graph.html", width=640, height=640).page
    header = page.evaluate("document.querySelector('header').getBoundingClientRect().height")
    assert header < 160


# -- options and formats -----------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".ttl", ".nt", ".jsonld"])
def test_view_from_each_graph_format(
    opened: Any, sample: tuple[Graph, Path], tmp_path: Path, suffix: str
) -> None:
    source = tmp_path / f"graph{suffix}"
    export(sample[0], source)
    assert kg_main(["view", str(source), "-o", str(tmp_path / "v.html")]) == 0
    page = opened(tmp_path / "v.html").page
    assert sorted(page.evaluate("nodes.getIds()")) == sorted(to_networkx(sample[0]).nodes)


def _view(opened: Any, sample: tuple[Graph, Path], tmp_path: Path, *options: str) -> Any:
    out = tmp_path / "v.html"
    assert kg_main(["view", str(sample[1] / "graph.ttl"), "-o", str(out), *options]) == 0
    return opened(out).page


def _styles(page: Any) -> dict[str, Any]:
    return page.evaluate(
        """() => { const raw = JSON.parse(document.getElementById('kg-nodes').textContent);
                   const meta = JSON.parse(document.getElementById('kg-meta').textContent);
                   return {raw: raw, meta: meta, drawn: Object.fromEntries(nodes.get().map(
                     n => [n.id, [n.color.background, n.size]]))}; }"""
    )


def test_color_by_class(opened: Any, sample: tuple[Graph, Path], tmp_path: Path) -> None:
    styles = _styles(_view(opened, sample, tmp_path, "--color-by", "class"))
    for node in styles["raw"]:
        assert styles["drawn"][node["id"]][0] == styles["meta"]["classColors"][node["cls"]]


def test_color_by_community(opened: Any, sample: tuple[Graph, Path], tmp_path: Path) -> None:
    page = _view(opened, sample, tmp_path, "--color-by", "community")
    styles = _styles(page)
    palette = styles["meta"]["communityColors"]
    for node in styles["raw"]:
        assert styles["drawn"][node["id"]][0] == palette[node["group"] % len(palette)]
    assert page.input_value("#kg-color-by") == "community"
    page.select_option("#kg-color-by", "class")  # and back, in the page
    styles = _styles(page)
    node = styles["raw"][0]
    assert styles["drawn"][node["id"]][0] == styles["meta"]["classColors"][node["cls"]]


@pytest.mark.parametrize("size_by,key", [("degree", "degree"), ("mentions", "mentions")])
def test_size_by(
    opened: Any, sample: tuple[Graph, Path], tmp_path: Path, size_by: str, key: str
) -> None:
    page = _view(opened, sample, tmp_path, "--size-by", size_by)
    styles = _styles(page)
    by_value = sorted((node[key], styles["drawn"][node["id"]][1]) for node in styles["raw"])
    assert [size for _, size in by_value] == sorted(size for _, size in by_value)
    assert by_value[0][1] < by_value[-1][1]
    assert page.input_value("#kg-size-by") == size_by


def test_max_nodes(opened: Any, sample: tuple[Graph, Path], tmp_path: Path) -> None:
    page = _view(opened, sample, tmp_path, "--max-nodes", "10")
    assert page.evaluate("nodes.length") == 10
    assert "10 entities" in page.inner_text("#kg-stats")


def test_physics(opened: Any, sample: tuple[Graph, Path], tmp_path: Path) -> None:
    page = _view(opened, sample, tmp_path, "--physics")
    assert page.evaluate("network.physics.physicsEnabled") is True
    assert page.is_checked("#kg-physics")
    page.uncheck("#kg-physics")
    assert page.evaluate("network.physics.physicsEnabled") is False


@pytest.mark.parametrize("labels,threshold", [("always", 5), ("zoomed", 12)])  # page units
def test_labels(
    opened: Any, sample: tuple[Graph, Path], tmp_path: Path, labels: str, threshold: int
) -> None:
    page = _view(opened, sample, tmp_path, "--labels", labels)
    found = page.evaluate("network.nodesHandler.options.scaling.label.drawThreshold")
    assert found == threshold


def test_empty_graph_is_drawn(opened: Any, tmp_path: Path) -> None:
    export(Graph(), tmp_path / "empty.html", "html")
    page = opened(tmp_path / "empty.html").page
    assert page.evaluate("nodes.length") == 0


def test_show_in_a_notebook_iframe(opened: Any, sample: tuple[Graph, Path], tmp_path: Path) -> None:
    pytest.importorskip("IPython")
    from kg.api import KnowledgeGraph

    host = tmp_path / "notebook.html"
    cell = KnowledgeGraph(sample[0]).show(max_nodes=20, height=640).data
    host.write_text(f'<body style="margin:0"><div style="width:900px">{cell}</div>', "utf-8")
    loaded = opened(host, ready="() => document.querySelector('iframe') !== null")
    frame = loaded.page.frames[1]
    frame.wait_for_function(READY, timeout=30_000)
    assert frame.evaluate("nodes.length") == 20
    # a 900 x 640 frame: the drawing gets most of it, and every control is still in reach
    box = (
        "s => { const r = document.querySelector(s).getBoundingClientRect();"
        " return [r.left, r.top, r.width, r.height]; }"
    )
    size = frame.evaluate("[innerWidth, innerHeight]")
    assert size[1] == 640 and 880 <= size[0] <= 900, size
    canvas = frame.evaluate(box, "#kg-graph canvas")
    assert canvas[3] >= 0.7 * size[1] and canvas[2] >= 0.9 * size[0], canvas
    for control in ("#kg-search", "#kg-table", "#kg-documents", "#kg-export", "#kg-more summary"):
        left, top, width, height = frame.evaluate(box, control)
        assert width > 0 and height > 0 and left + width <= size[0] and top + height <= size[1]
    assert not frame.is_visible("#kg-legend")
    frame.click("#kg-legend-toggle")
    assert frame.get_attribute("#kg-legend-toggle", "aria-expanded") == "true"
    cls = frame.get_attribute(".kg-class", "data-cls")
    frame.click(f'.kg-class[data-cls="{cls}"]')
    assert frame.evaluate("c => kg.state.hiddenClasses[c]", cls) is True
    frame.click("#kg-legend-toggle")
    assert not frame.is_visible("#kg-legend")


def test_full_size_page_keeps_its_sidebar(opened: Any, sample: tuple[Graph, Path]) -> None:
    page = opened(sample[1] / "graph.html").page
    assert page.is_visible("#kg-legend") and not page.is_visible("#kg-legend-toggle")
    legend = page.evaluate("document.getElementById('kg-legend').getBoundingClientRect().right")
    graph = page.evaluate("document.getElementById('kg-graph').getBoundingClientRect().left")
    assert legend <= graph


# -- hostile text ---------------------------------------------------------------------------


def _exercise(page: Any) -> None:
    """Search, hover, open every panel and show every link."""
    if page.query_selector('.kg-predicate[data-predicate="mentionedWith"]'):
        page.click("#kg-more summary")
        page.check('.kg-predicate[data-predicate="mentionedWith"]')
    for text in ("<img", "script", "\\", '"', "window"):
        page.fill("#kg-search", text)
        page.inner_text("#kg-results")
    page.fill("#kg-search", "")
    ids = page.evaluate("nodes.getIds()")
    for node in ids[:30]:
        page.evaluate("id => kg.focusNode(id)", node)
        page.evaluate(
            "id => network.moveTo({position: network.getPositions([id])[id], scale: 2})", node
        )
        point = _dom_point(page, node)
        page.mouse.move(point["x"] - 1, point["y"])
        page.mouse.move(point["x"], point["y"])
        page.wait_for_timeout(200)
    for edge in page.evaluate("edges.getIds()"):
        page.evaluate("id => kg.showEdge(id)", edge)
        page.evaluate("id => edges.update({id: id, title: undefined})", edge)
    page.wait_for_timeout(100)


def _hostile_sample(tmp_path: Path) -> Path:
    text = (
        "Acme Corporation invested in Poland. "
        f'The report said "{PAYLOADS[0]}" about Acme Corporation and Poland. '
        f"Globex Industries signed a deal with Acme Corporation {PAYLOADS[1]} in Warsaw. "
        "Initech invested in Germany \\ with a backslash and 'quotes'. "
        "مرحبا بالعالم Globex Industries invested in Canada. \u202eevil\u202c\n"
    )
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "hostile.txt").write_text(PAYLOADS[0] + "\n\n" + text, encoding="utf-8")
    graph = build([folder], progress=False).graph
    export(graph, tmp_path / "graph.html", "html", title=PAYLOADS[0] + PAYLOADS[1])
    return tmp_path / "graph.html"


def test_hostile_document_executes_nothing(opened: Any, tmp_path: Path) -> None:
    page = opened(_hostile_sample(tmp_path)).page
    _exercise(page)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.inner_text("h1") == PAYLOADS[0] + PAYLOADS[1]
    sentences = page.evaluate(
        "JSON.parse(document.getElementById('kg-meta').textContent).sentences.map(s => s[0])"
    )
    with_payload = [s for s in sentences if PAYLOADS[0] in s or PAYLOADS[1] in s]
    assert with_payload, sentences  # the hostile sentences reached the page as evidence
    shown = page.evaluate(
        """() => { const raw = JSON.parse(document.getElementById('kg-edges').textContent);
                   const e = raw.find(x => x.ev && x.ev.some(v => {
                     const s = JSON.parse(document.getElementById('kg-meta').textContent)
                       .sentences[v[0]][0];
                     return s.includes('onerror') || s.includes('</script>'); }));
                   if (!e) return null;
                   kg.showEdge(e.id);
                   return document.getElementById('kg-panel').innerText; }"""
    )
    if shown is not None:
        assert PAYLOADS[0] in shown or PAYLOADS[1] in shown
    assert page.evaluate("document.querySelectorAll('img').length") == 0


def test_hostile_labels_show_as_text(opened: Any, tmp_path: Path) -> None:
    from test_viz import _hostile_graph  # the kg.rdf shape with every string made hostile

    graph = _hostile_graph()
    text = graph.serialize(format="nt").replace("alert(1)", "window.__pwned=1")
    graph = Graph().parse(data=text, format="nt")
    export(graph, tmp_path / "hostile.html", "html", title=PAYLOADS[1])
    page = opened(tmp_path / "hostile.html").page
    _exercise(page)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    labels = sorted(n["label"] for _, n in to_networkx(graph).nodes(data=True))
    for label in labels[:3]:
        page.fill("#kg-search", label)
        results = page.inner_text("#kg-results")
        assert label.split("\n")[0].strip() in results
    node = sorted(
        (n for n, d in to_networkx(graph).nodes(data=True) if d["label"].startswith("<img")),
    )[0]
    page.evaluate("id => kg.focusNode(id)", node)
    text = _panel_text(page)
    assert "<img src=x onerror=window.__pwned=1>" in text
    assert "alias <img src=x onerror=window.__pwned=1>" in text
    assert "</script><b>doc title</b>" in text
    assert page.evaluate("document.querySelectorAll('img, b, a[href]').length") == 0
    assert page.evaluate("typeof window.__pwned") == "undefined"


if __name__ == "__main__":  # write docs/sample-view.png with the code of test_screenshot
    import tempfile

    with tempfile.TemporaryDirectory() as folder, sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        graph = build(None, progress=False).graph
        page_path = Path(folder) / "graph.html"
        export(graph, page_path, "html", title="Knowledge graph: us-korea-alliance")
        loaded = _open(chromium, page_path)
        take_screenshot(loaded.page, SCREENSHOT)
        chromium.close()
        print(json.dumps({"wrote": str(SCREENSHOT), "requests": loaded.requests}))
        sys.exit(1 if loaded.requests or loaded.errors else 0)
