"""How fast the HTML view is built and drawn, against pyvis's defaults on the same graph.

Run from the repository root::

    .venv/bin/python bench/viewer.py [--sizes 1000 10000 50000] [--cap 60] [--json FILE]

Each graph is a Barabási–Albert graph (m = 2, seeded) in the shape ``kg build`` produces:
entities with a class, label, alias, mention count and document; one typed relation per edge
with its statement node, evidence sentence and confidence; one ``mentionedWith`` link per
edge. For each size it reports:

- kg: the Python time of ``render_html`` (rdflib graph to page, layout included), the HTML
  size, the time from navigation to the first drawn frame (``kgReady``) in headless
  Chromium, and the time from a click on a node to its side panel being shown;
- pyvis: the same graph as pyvis 0.3.2's default ``Network()`` draws it (physics on,
  vis-network inlined so it can load offline), node and edge lists filled directly (its
  ``add_edge`` is quadratic), the Python time of ``generate_html``, the size, and the time
  to the first drawn frame, or "not drawn" after ``--cap`` seconds.

Every non-file request is blocked (pyvis's page asks a CDN for Bootstrap) and counted.
Numbers are measured here and written into bench/README.md by hand; nothing asserts them.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import networkx as nx
from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, XSD

from kg.viz.chromium import CHROMIUM, FLAGS
from kg.viz.html import render_html
from kg.vocab import KGO

BASE = "https://w3id.org/kg/id/"
CLASSES = ["Company", "Country", "Person", "City", "GovernmentAgency", "Treaty", "Sector"]
PREDICATES = ["investsIn", "cooperatesWith", "suppliesTo", "operatesIn", "relatedTo"]
# A first drawn frame of pyvis's page: wrap vis.Network when the inlined library defines it.
FIRST_FRAME = """
(() => {
  let lib;
  Object.defineProperty(window, "vis", {configurable: true, get() { return lib; }, set(value) {
    lib = value;
    const Original = value.Network;
    value.Network = function (container, data, options) {
      const network = new Original(container, data, options);
      network.once("afterDrawing", () => { window.__drawn = performance.now(); });
      return network;
    };
  }});
})();
"""


def synthetic(n: int, *, seed: int = 1) -> tuple[Graph, nx.Graph]:
    """A Barabási–Albert graph of ``n`` entities in kg's RDF shape (and the plain graph)."""
    rng = random.Random(seed)
    plain = nx.barabasi_albert_graph(n, 2, seed=seed)
    g = Graph()
    doc = URIRef(BASE + "document/0000000000000000")
    g.add((doc, RDF.type, KGO.Document))
    g.add((doc, DCTERMS.title, Literal("synthetic")))
    entity = [URIRef(f"{BASE}entity/e{i}") for i in range(n)]
    for i, node in enumerate(entity):
        g.add((node, RDF.type, KGO[rng.choice(CLASSES)]))
        g.add((node, RDFS.label, Literal(f"Entity {i}")))
        g.add((node, SKOS.altLabel, Literal(f"E{i}")))
        g.add((node, KGO.mentionCount, Literal(1 + plain.degree(i))))
        g.add((node, KGO.mentionedIn, doc))
    for number, (u, v) in enumerate(plain.edges()):
        predicate = KGO[PREDICATES[number % len(PREDICATES)]]
        g.add((entity[u], predicate, entity[v]))
        g.add((entity[u], KGO.mentionedWith, entity[v]))
        statement = URIRef(f"{BASE}statement/{number:016x}")
        sentence = URIRef(f"{BASE}sentence/0000000000000000-{number}-{number + 1}")
        g.add((statement, RDF.type, RDF.Statement))
        g.add((statement, RDF.subject, entity[u]))
        g.add((statement, RDF.predicate, predicate))
        g.add((statement, RDF.object, entity[v]))
        g.add((statement, PROV.wasDerivedFrom, sentence))
        g.add((statement, KGO.confidence, Literal("0.8", datatype=XSD.decimal)))
        g.add((statement, KGO.extractor, Literal("synthetic")))
        g.add((sentence, KGO.text, Literal(f"Entity {u} is related to entity {v}.")))
        g.add((sentence, KGO.inDocument, doc))
    return g, plain


SYLLABLES = ["ka", "lor", "ven", "mi", "sa", "dun", "tra", "bel", "os", "ri", "gan", "tek"]
SUFFIXES = ["", "", " Group", " Industries", " Council", " Bank", " City", " Party"]


def _name(rng: random.Random, number: int) -> str:
    words = [
        "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        for _ in range(rng.randint(1, 2))
    ]
    return " ".join(words) + rng.choice(SUFFIXES) + f" {number}"


def news_like(n: int, *, seed: int = 3, documents: int = 2000) -> nx.MultiDiGraph:
    """A graph shaped like a news build, as ``kg.analysis.to_networkx`` gives it.

    ``n`` entities, two-thirds of them isolated (named once or twice, no relation); the rest
    joined by about one typed relation each (preferential attachment, with an evidence
    sentence) and three co-occurrence links each; heavy-tailed mention counts, every entity
    named in one or more of ``documents`` documents.
    """
    rng = random.Random(seed)
    connected = n // 3
    nxg = nx.MultiDiGraph()
    nxg.graph["documents"] = {
        f"{BASE}document/{d:016x}": {"title": f"Article {d}", "source": f"news/{d:04d}.txt"}
        for d in range(documents)
    }
    docs = sorted(nxg.graph["documents"])
    ids = [f"{BASE}entity/e{i:05d}" for i in range(n)]
    plain = nx.barabasi_albert_graph(connected, 1, seed=seed)
    for i, node in enumerate(ids):
        hub = i < connected
        mentions = int(rng.paretovariate(1.2) * (3 if hub else 1))
        named_in = rng.sample(docs, min(len(docs), max(1, mentions // 2)))
        nxg.add_node(
            node,
            label=_name(rng, i),
            cls=rng.choice(CLASSES),
            aliases=(),
            mention_count=mentions,
            documents=tuple(sorted(named_in)),
        )
    for number, (u, v) in enumerate(sorted(plain.edges())):
        predicate = PREDICATES[number % len(PREDICATES)]
        doc = docs[number % len(docs)]
        evidence = [
            {
                "text": f"Sentence {number} links them.",
                "document": doc,
                "rule": "synthetic",
                "confidence": 0.8,
            }
        ]
        nxg.add_edge(ids[u], ids[v], key=predicate, predicate=predicate, evidence=evidence)
    for _ in range(3 * connected):
        u, v = rng.randrange(connected), rng.randrange(connected)
        if u != v:
            nxg.add_edge(ids[u], ids[v], key="mentionedWith", predicate="mentionedWith")
    return nxg


def pyvis_page(plain: nx.Graph) -> str:
    """pyvis's default Network with the same nodes and edges, vis-network inlined."""
    from pyvis.network import Network

    net = Network(cdn_resources="in_line")  # the default "local" would load from a CDN
    net.nodes = [
        {"id": i, "label": f"Entity {i}", "shape": "dot", "size": 10, "font": {"color": "black"}}
        for i in plain.nodes
    ]
    net.edges = [{"from": u, "to": v, "width": 1} for u, v in plain.edges()]
    return str(net.generate_html())


def drawn_after(browser: Any, path: Path, script: str, expression: str, cap: float) -> dict:
    """Milliseconds from navigation to the first drawn frame (None if over ``cap`` seconds)."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    blocked: list[str] = []

    def route(request_route: Any) -> None:
        if request_route.request.url.startswith("file:"):
            request_route.continue_()
        else:
            blocked.append(request_route.request.url)
            request_route.abort()

    page.route("**/*", route)
    if script:
        page.add_init_script(script)
    result: dict[str, Any] = {"drawn_ms": None, "blocked": 0, "click_ms": None}
    try:
        page.goto(path.as_uri(), timeout=cap * 1000, wait_until="commit")
        page.wait_for_function(expression, timeout=cap * 1000)
        result["drawn_ms"] = page.evaluate(
            "window.__drawn || performance.getEntriesByName('kg-ready')[0]?.startTime || null"
        )
    except Exception as err:  # noqa: BLE001 - a timeout means "not drawn"
        print(f"{path.name}: {str(err).splitlines()[0]}", file=sys.stderr)
    result["blocked"] = len(blocked)
    if result["drawn_ms"] is not None and "kgReady" in expression:
        result["click_ms"] = click_to_panel(page)
    page.close()
    return result


def click_to_panel(page: Any) -> float:
    """A real click on the best connected node, until its side panel is shown (ms)."""
    point = page.evaluate(
        """() => { const raw = JSON.parse(document.getElementById('kg-nodes').textContent);
                   const hub = raw.reduce((a, b) => (b.degree > a.degree ? b : a));
                   const d = network.canvasToDOM(network.getPositions([hub.id])[hub.id]);
                   const r = document.getElementById('kg-graph').getBoundingClientRect();
                   return {x: d.x + r.left, y: d.y + r.top}; }"""
    )
    start = time.perf_counter()
    page.mouse.click(point["x"], point["y"])
    page.wait_for_selector("#kg-panel:not([hidden])", timeout=30_000)
    return (time.perf_counter() - start) * 1000


def measure(n: int, browser: Any, folder: Path, cap: float) -> dict[str, Any]:
    graph, plain = synthetic(n)
    row: dict[str, Any] = {"nodes": n, "edges": plain.number_of_edges(), "triples": len(graph)}
    start = time.perf_counter()
    page = render_html(graph, title=f"BA {n}")
    row["kg_python_s"] = time.perf_counter() - start
    kg_path = folder / f"kg-{n}.html"
    kg_path.write_text(page, encoding="utf-8")
    row["kg_mb"] = kg_path.stat().st_size / 1e6
    # the page marks "kg-ready" (performance.mark) in its first afterDrawing handler
    ready = "() => document.body && document.body.dataset.kgReady === 'true'"
    kg = drawn_after(browser, kg_path, "", ready, cap)
    row.update({f"kg_{key}": value for key, value in kg.items()})
    start = time.perf_counter()
    page = pyvis_page(plain)
    row["pyvis_python_s"] = time.perf_counter() - start
    pyvis_path = folder / f"pyvis-{n}.html"
    pyvis_path.write_text(page, encoding="utf-8")
    row["pyvis_mb"] = pyvis_path.stat().st_size / 1e6
    pv = drawn_after(browser, pyvis_path, FIRST_FRAME, "() => window.__drawn !== undefined", cap)
    row.update({f"pyvis_{key}": value for key, value in pv.items()})
    return row


def table(rows: list[dict[str, Any]], cap: float) -> str:
    def seconds(ms: float | None) -> str:
        return f"{ms / 1000:.2f} s" if ms is not None else f"not drawn after {cap:.0f} s"

    lines = [
        "| nodes | edges | kg Python | kg HTML | kg first frame | kg click → panel "
        "| pyvis Python | pyvis HTML | pyvis first frame |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        click = f"{r['kg_click_ms']:.0f} ms" if r["kg_click_ms"] is not None else "n/a"
        lines.append(
            f"| {r['nodes']:,} | {r['edges']:,} | {r['kg_python_s']:.1f} s | {r['kg_mb']:.1f} MB "
            f"| {seconds(r['kg_drawn_ms'])} | {click} | {r['pyvis_python_s']:.1f} s "
            f"| {r['pyvis_mb']:.1f} MB | {seconds(r['pyvis_drawn_ms'])} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--cap", type=float, default=60.0, help="seconds to wait for a frame")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for n in args.sizes:
            rows.append(measure(n, browser, Path(tmp), args.cap))
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
        browser.close()
    print(table(rows, args.cap))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
