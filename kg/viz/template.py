"""The Jinja template of the HTML view, rendered by pyvis's ``Network.generate_html``.

Everything is inline: the vis-network script and stylesheet come from pyvis's own
``templates/lib`` folder through ``{% include %}``; nothing links to the network.
Untrusted text (labels, aliases, sentences, titles) reaches the page only in two ways:
Jinja-escaped inside markup (autoescape is on) or as JSON inside
``<script type="application/json">`` blocks (see ``kg.viz.html.script_json``), which the
page's script parses and turns into DOM nodes with ``textContent``, never ``innerHTML``.

Variables: ``page`` (title, stats, legend, filters, options, meta) is a global of the
environment; ``nodes`` and ``edges`` are the lists pyvis passes to every template.

The page keeps pyvis's globals ``network``, ``nodes`` and ``edges`` (vis DataSets), also
offers ``window.kg`` (search, focus, panels, PNG export) and sets
``document.body.dataset.kgReady = "true"`` once the network is first drawn.

>>> "{% include 'lib/vis-9.1.2/vis-network.min.js' %}" in PAGE
True
>>> "innerHTML" in PAGE or "insertAdjacentHTML" in PAGE or "document.write" in PAGE
False
"""

from __future__ import annotations

__all__ = ["PAGE", "PAGE_NAME"]

PAGE_NAME = "kg-network.html"

# The script of the page. Every string from the data is set with textContent (the ``el``
# helper) or createTextNode; vis-network shows labels on the canvas and titles as elements.
_SCRIPT = r"""
var network, nodes, edges;
(function () {
  "use strict";
  function read(id) { return JSON.parse(document.getElementById(id).textContent); }
  function byId(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); node.dir = "auto"; }
    return node;
  }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }

  var meta = read("kg-meta");
  var rawNodes = read("kg-nodes");
  var rawEdges = read("kg-edges");
  var CO = meta.cooccurrence;
  var info = {}, edgeInfo = {}, incident = {}, byClass = {}, byPredicate = {};
  var state = {colorBy: meta.colorBy, sizeBy: meta.sizeBy, hiddenClasses: {},
               hiddenPredicates: {}, selected: null, dimmed: false};
  state.hiddenPredicates[CO] = true;
  rawNodes.forEach(function (n) {
    info[n.id] = n; incident[n.id] = [];
    (byClass[n.cls] = byClass[n.cls] || []).push(n.id);
  });
  rawEdges.forEach(function (e) {
    edgeInfo[e.id] = e;
    incident[e.from].push(e.id);
    if (e.to !== e.from) { incident[e.to].push(e.id); }
    (byPredicate[e.p] = byPredicate[e.p] || []).push(e.id);
  });

  function darker(color) {
    var out = "#";
    for (var i = 1; i < 7; i += 2) {
      var part = Math.floor(parseInt(color.substr(i, 2), 16) * 0.7).toString(16);
      out += part.length < 2 ? "0" + part : part;
    }
    return out;
  }
  function baseColor(n) {
    if (state.colorBy === "community" && n.group !== undefined) {
      return meta.communityColors[n.group % meta.communityColors.length];
    }
    return meta.classColors[n.cls] || meta.classColors.Entity;
  }
  var DIM = "#e4e7eb";
  function nodeColor(n, dim) {
    var c = dim ? DIM : baseColor(n);
    return {background: c, border: dim ? DIM : darker(c),
            highlight: {background: c, border: "#1f2933"}, hover: {background: c, border: "#1f2933"}};
  }
  function nodeSize(n) {
    var v = state.sizeBy === "mentions" ? n.mentions : n.degree;
    return Math.round(Math.min(40, 8 + 5 * Math.log2(1 + v)) * 10) / 10;
  }
  function edgeColor(e, dim) {
    if (dim) { return {color: "#eef0f2", highlight: "#323f4b", hover: "#323f4b"}; }
    if (e.p === CO) { return {color: "#cbd2d9", highlight: "#7b8794", hover: "#7b8794"}; }
    return {color: "#9aa5b1", highlight: "#323f4b", hover: "#323f4b"};
  }
  function edgeHidden(e) {
    return !!(state.hiddenPredicates[e.p] || state.hiddenClasses[info[e.from].cls] ||
              state.hiddenClasses[info[e.to].cls]);
  }
  function visNode(n) {
    return {id: n.id, label: n.label, x: n.x, y: n.y, shape: n.shape, size: nodeSize(n),
            color: nodeColor(n, false), hidden: false};
  }
  function visEdge(e) {
    var count = e.ev ? e.ev.length : 0;
    var item = {id: e.id, from: e.from, to: e.to, arrows: e.d ? "to" : "", hidden: edgeHidden(e),
                width: e.p === CO ? 1 : Math.round(Math.min(6, 1 + Math.log2(Math.max(1, count))) * 100) / 100,
                color: edgeColor(e, false)};
    if (e.p === CO) { item.dashes = true; } else if (meta.edgeLabels) { item.label = e.p; }
    return item;
  }

  // -- tooltips, built when first hovered --------------------------------------------
  function tipLine(cls, key, value) {
    var line = el("div", cls);
    if (key) { line.appendChild(el("span", "kg-tip-key", key + ": ")); }
    var text = document.createTextNode(String(value));
    line.appendChild(text);
    line.dir = "auto";
    return line;
  }
  function documentTitle(index) {
    return index >= 0 && meta.documents[index] ? meta.documents[index][0] : "";
  }
  function nodeTip(n) {
    var box = el("div", "kg-tip");
    box.appendChild(tipLine("kg-tip-head", "", n.name));
    box.appendChild(tipLine("kg-tip-field", "class", n.cls));
    if (n.aliases.length) { box.appendChild(tipLine("kg-tip-field", "also known as", n.aliases.join("; "))); }
    box.appendChild(tipLine("kg-tip-field", "mentions", n.mentions));
    box.appendChild(tipLine("kg-tip-field", "relations", n.degree));
    box.appendChild(tipLine("kg-tip-note", "", "click for every fact and its evidence"));
    return box;
  }
  function factText(e) {
    var arrow = e.d ? " → " : " ↔ ";
    return info[e.from].name + arrow + e.p + arrow + info[e.to].name;
  }
  function edgeTip(e) {
    var box = el("div", "kg-tip");
    box.appendChild(tipLine("kg-tip-head", "", factText(e)));
    if (e.p === CO) {
      box.appendChild(tipLine("kg-tip-note", "", "named in the same sentence"));
      return box;
    }
    var ev = e.ev || [];
    box.appendChild(tipLine("kg-tip-field", "evidence", ev.length));
    ev.slice(0, 2).forEach(function (item) {
      var sentence = meta.sentences[item[0]];
      box.appendChild(tipLine("kg-tip-quote", "", "“" + sentence[0] + "”"));
      box.appendChild(tipLine("kg-tip-source", "", documentTitle(sentence[1])));
    });
    return box;
  }

  nodes = new vis.DataSet(rawNodes.map(visNode));
  // the DataSet holds the shown edges only: hidden ones (co-occurrence by default) are
  // added when their filter is ticked, so a large graph does not pay for them at load
  edges = new vis.DataSet(rawEdges.filter(function (e) { return !edgeHidden(e); }).map(visEdge));
  var container = byId("kg-graph");
  network = new vis.Network(container, {nodes: nodes, edges: edges}, read("kg-options"));
  window.kgNetwork = network;
  network.on("beforeDrawing", function (ctx) {  // a white background, also in the PNG
    ctx.save(); ctx.setTransform(1, 0, 0, 1, 0, 0); ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height); ctx.restore();
  });
  network.once("afterDrawing", function () {
    if (window.performance && performance.mark) { performance.mark("kg-ready"); }
    document.body.dataset.kgReady = "true";
  });
  network.on("hoverNode", function (p) {  // large graphs: the panel, not a tooltip (no redraw)
    if (rawNodes.length > meta.dimMax) { return; }
    var item = nodes.get(p.node);
    if (item && !item.title) { nodes.update({id: p.node, title: nodeTip(info[p.node])}); }
  });
  network.on("hoverEdge", function (p) {
    if (rawNodes.length > meta.dimMax) { return; }
    var item = edges.get(p.edge);
    if (item && !item.title) { edges.update({id: p.edge, title: edgeTip(edgeInfo[p.edge])}); }
  });

  // -- neighbourhood highlight -------------------------------------------------------
  var marked = [];
  function highlight(id) {
    var near = {}, nearEdges = {};
    near[id] = true;
    incident[id].forEach(function (eid) {
      var e = edgeInfo[eid];
      if (edgeHidden(e)) { return; }
      nearEdges[eid] = true; near[e.from] = true; near[e.to] = true;
    });
    if (rawNodes.length > meta.dimMax) {  // large: mark the neighbours, leave the rest alone
      unmark();
      marked = Object.keys(near);
      nodes.update(marked.map(function (nid) {
        return {id: nid, borderWidth: 4, color: {background: baseColor(info[nid]), border: "#1f2933"}};
      }));
      return;
    }
    nodes.update(rawNodes.map(function (n) {
      return {id: n.id, color: nodeColor(n, !near[n.id]),
              font: {color: near[n.id] ? "#1f2933" : "#c1c7cd"}};
    }));
    edges.update(edges.getIds().map(function (eid) {
      return {id: eid, color: edgeColor(edgeInfo[eid], !nearEdges[eid])};
    }));
    state.dimmed = true;
  }
  function unmark() {
    nodes.update(marked.map(function (nid) {
      return {id: nid, borderWidth: 1, color: nodeColor(info[nid], false)};
    }));
    marked = [];
  }
  function restore() {
    state.selected = null;
    unmark();
    if (!state.dimmed) { return; }
    nodes.update(rawNodes.map(function (n) {
      return {id: n.id, color: nodeColor(n, false), font: {color: "#1f2933"}};
    }));
    edges.update(edges.getIds().map(function (eid) {
      return {id: eid, color: edgeColor(edgeInfo[eid], false)};
    }));
    state.dimmed = false;
  }

  // -- side panel --------------------------------------------------------------------
  var panel = byId("kg-panel"), panelBody = byId("kg-panel-body");
  function field(list, key, value) {
    if (value === undefined || value === null || value === "") { return; }
    list.appendChild(el("dt", null, key));
    list.appendChild(el("dd", null, value));
  }
  function entityButton(id) {
    var button = el("button", "kg-link", info[id].name);
    button.type = "button";
    button.addEventListener("click", function () { focusNode(id); });
    return button;
  }
  function evidenceList(e) {
    var list = el("ul", "kg-evidence");
    (e.ev || []).forEach(function (item) {
      var sentence = meta.sentences[item[0]];
      var li = el("li");
      li.appendChild(el("blockquote", "kg-quote", sentence[0]));
      var source = [documentTitle(sentence[1]), item[2], "confidence " + item[1].toFixed(2)];
      li.appendChild(el("div", "kg-source", source.filter(Boolean).join(" · ")));
      list.appendChild(li);
    });
    if (!e.ev || !e.ev.length) {
      list.appendChild(el("li", "kg-source", e.p === CO ? "named in the same sentence (no evidence is kept for co-occurrence)" : "no evidence sentence recorded"));
    }
    return list;
  }
  function factHeading(e, tag) {
    var head = el(tag, "kg-fact");
    var arrow = e.d ? " → " : " ↔ ";
    head.appendChild(entityButton(e.from));
    head.appendChild(document.createTextNode(arrow));
    var pred = el("button", "kg-link kg-pred", e.p);
    pred.type = "button";
    pred.addEventListener("click", function () { showEdge(e.id); });
    head.appendChild(pred);
    head.appendChild(document.createTextNode(arrow));
    head.appendChild(entityButton(e.to));
    return head;
  }
  function openPanel(kind, id) {
    panel.hidden = false;
    panel.dataset.kind = kind;
    panel.dataset.id = id;
    panelBody.scrollTop = 0;
  }
  function showNode(id) {
    var n = info[id];
    clear(panelBody);
    panelBody.appendChild(el("h2", "kg-panel-title", n.name));
    var fields = el("dl", "kg-fields");
    field(fields, "class", n.cls);
    field(fields, "also known as", n.aliases.join("; "));
    field(fields, "mentions", n.mentions);
    field(fields, "relations", n.degree);
    if (n.group !== undefined) { field(fields, "community", n.group + 1); }
    field(fields, "start", n.start);
    field(fields, "end", n.end);
    field(fields, "documents", (n.docs || []).map(documentTitle).join("; "));
    field(fields, "IRI", n.id);
    panelBody.appendChild(fields);
    var typed = incident[id].map(function (eid) { return edgeInfo[eid]; })
                            .filter(function (e) { return e.p !== CO; });
    var co = incident[id].map(function (eid) { return edgeInfo[eid]; })
                         .filter(function (e) { return e.p === CO; });
    panelBody.appendChild(el("h3", null, typed.length === 1 ? "1 fact" : typed.length + " facts"));
    var facts = el("ol", "kg-facts");
    typed.forEach(function (e) {
      var li = el("li");
      li.appendChild(factHeading(e, "div"));
      li.appendChild(evidenceList(e));
      facts.appendChild(li);
    });
    panelBody.appendChild(facts);
    if (co.length) {
      panelBody.appendChild(el("h3", null, "Named in the same sentence as (" + co.length + ")"));
      var names = el("p", "kg-cooccurring");
      co.slice(0, 200).forEach(function (e, index) {
        if (index) { names.appendChild(document.createTextNode(", ")); }
        names.appendChild(entityButton(e.from === id ? e.to : e.from));
      });
      panelBody.appendChild(names);
    }
    openPanel("node", id);
  }
  function showEdge(eid) {
    var e = edgeInfo[eid];
    clear(panelBody);
    var title = factHeading(e, "h2");
    title.className = "kg-panel-title kg-fact";
    panelBody.appendChild(title);
    var fields = el("dl", "kg-fields");
    field(fields, "relation", e.p);
    field(fields, "subject", info[e.from].name);
    field(fields, "object", info[e.to].name);
    field(fields, "direction", e.d ? "directed" : "symmetric");
    field(fields, "evidence", (e.ev || []).length);
    panelBody.appendChild(fields);
    panelBody.appendChild(el("h3", null, "Evidence"));
    panelBody.appendChild(evidenceList(e));
    openPanel("edge", eid);
  }
  function closePanel() {
    panel.hidden = true;
    clear(panelBody);
    delete panel.dataset.kind;
    delete panel.dataset.id;
  }
  byId("kg-panel-close").addEventListener("click", function () {
    closePanel(); restore(); network.unselectAll();
  });

  function focusNode(id) {
    var n = info[id];
    if (!n) { return; }
    if (state.hiddenClasses[n.cls]) { setClassHidden(n.cls, false); }
    state.selected = id;
    network.selectNodes([id]);
    network.focus(id, {scale: Math.max(network.getScale(), 1.2), animation: {duration: 300}});
    showNode(id);
    setTimeout(function () { if (state.selected === id) { highlight(id); } }, 0);
  }

  network.on("click", function (p) {
    if (p.nodes.length) {  // the panel first; the highlight (a redraw) right after it
      var id = p.nodes[0];
      state.selected = id; showNode(id);
      setTimeout(function () { if (state.selected === id) { highlight(id); } }, 0);
    }
    else if (p.edges.length) { restore(); showEdge(p.edges[0]); }
    else { restore(); closePanel(); }
  });

  // -- search ------------------------------------------------------------------------
  var searchBox = byId("kg-search"), results = byId("kg-results");
  var index = rawNodes.map(function (n) {
    return {id: n.id, name: n.name.toLowerCase(),
            aliases: n.aliases.map(function (a) { return a.toLowerCase(); })};
  });
  function search(text) {
    var q = String(text).trim().toLowerCase();
    if (!q) { return []; }
    var found = [];
    index.forEach(function (entry) {
      var rank = entry.name === q ? 0 : entry.name.indexOf(q) === 0 ? 1 : entry.name.indexOf(q) >= 0 ? 2 : -1;
      var alias = null;
      if (rank < 0 || rank === 2) {
        entry.aliases.forEach(function (a, i) {
          if (alias === null && a.indexOf(q) >= 0) { alias = info[entry.id].aliases[i]; }
        });
        if (alias !== null && rank < 0) { rank = 3; }
        if (rank === 2) { alias = null; }
      }
      if (rank >= 0) { found.push({id: entry.id, rank: rank, alias: alias}); }
    });
    found.sort(function (a, b) {
      return a.rank - b.rank || info[b.id].degree - info[a.id].degree ||
             (info[a.id].name < info[b.id].name ? -1 : 1);
    });
    return found.slice(0, 20);
  }
  function showResults() {
    clear(results);
    var found = search(searchBox.value);
    found.forEach(function (hit) {
      var li = el("li");
      var button = el("button", "kg-result", info[hit.id].name);
      button.type = "button";
      button.dataset.id = hit.id;
      if (hit.alias !== null) { button.appendChild(el("span", "kg-result-alias", " (" + hit.alias + ")")); }
      button.appendChild(el("span", "kg-result-class", " " + info[hit.id].cls));
      button.addEventListener("click", function () { focusNode(hit.id); clear(results); });
      li.appendChild(button);
      results.appendChild(li);
    });
    if (searchBox.value.trim() && !found.length) { results.appendChild(el("li", "kg-source", "no entity found")); }
  }
  searchBox.addEventListener("input", showResults);
  searchBox.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      var found = search(searchBox.value);
      if (found.length) { focusNode(found[0].id); clear(results); }
      event.preventDefault();
    } else if (event.key === "Escape") { searchBox.value = ""; clear(results); }
  });

  // -- filters: relation properties and classes ---------------------------------------
  var visibleLine = byId("kg-visible");
  function updateVisible() {
    var shownNodes = rawNodes.filter(function (n) { return !state.hiddenClasses[n.cls]; }).length;
    var shownEdges = edges.length;
    visibleLine.textContent = "showing " + shownNodes + " entities and " + shownEdges + " links";
  }
  function syncEdges(ids) {
    var show = [], hide = [];
    ids.forEach(function (eid) {
      var present = edges.get(eid) !== null, hidden = edgeHidden(edgeInfo[eid]);
      if (hidden && present) { hide.push(eid); }
      if (!hidden && !present) { show.push(visEdge(edgeInfo[eid])); }
    });
    if (hide.length) { edges.remove(hide); }
    if (show.length) { edges.add(show); }
  }
  function setPredicateHidden(p, hidden) {
    state.hiddenPredicates[p] = hidden;
    syncEdges(byPredicate[p] || []);
    if (state.selected) { highlight(state.selected); }
    updateVisible();
  }
  function setClassHidden(cls, hidden) {
    state.hiddenClasses[cls] = hidden;
    nodes.update((byClass[cls] || []).map(function (id) { return {id: id, hidden: hidden}; }));
    var touched = {};
    (byClass[cls] || []).forEach(function (id) { incident[id].forEach(function (eid) { touched[eid] = true; }); });
    syncEdges(Object.keys(touched));
    var button = document.querySelector('.kg-class[data-index="' + legendIndex[cls] + '"]');
    if (button) { button.setAttribute("aria-pressed", hidden ? "false" : "true"); }
    updateVisible();
  }
  Array.prototype.forEach.call(document.querySelectorAll(".kg-predicate"), function (box) {
    box.checked = !state.hiddenPredicates[box.dataset.predicate];
    box.addEventListener("change", function () { setPredicateHidden(box.dataset.predicate, !box.checked); });
  });
  var legendIndex = {};
  Array.prototype.forEach.call(document.querySelectorAll(".kg-class"), function (button, i) {
    legendIndex[button.dataset.cls] = String(i);
    button.dataset.index = String(i);
    button.addEventListener("click", function () {
      setClassHidden(button.dataset.cls, !state.hiddenClasses[button.dataset.cls]);
    });
  });

  // -- colour, size, physics, PNG ----------------------------------------------------
  var colorSelect = byId("kg-color-by"), sizeSelect = byId("kg-size-by");
  function restyle() {
    nodes.update(rawNodes.map(function (n) { return {id: n.id, color: nodeColor(n, false), size: nodeSize(n)}; }));
    if (state.selected) { highlight(state.selected); } else { state.dimmed = false; }
  }
  colorSelect.value = state.colorBy;
  sizeSelect.value = state.sizeBy;
  colorSelect.addEventListener("change", function () { state.colorBy = colorSelect.value; restyle(); });
  sizeSelect.addEventListener("change", function () { state.sizeBy = sizeSelect.value; restyle(); });
  var physics = byId("kg-physics");
  if (physics) {
    physics.checked = !!meta.physics;
    physics.addEventListener("change", function () {
      network.setOptions({physics: {enabled: physics.checked}});
    });
  }
  function exportPng() {
    return container.querySelector("canvas").toDataURL("image/png");
  }
  byId("kg-export").addEventListener("click", function () {
    var link = el("a");
    link.href = exportPng();
    link.download = "graph.png";
    document.body.appendChild(link);
    link.click();
    document.body.removeChild(link);
  });

  updateVisible();
  window.kg = {network: network, nodes: nodes, edges: edges, search: search,
               focusNode: focusNode, showNode: showNode, showEdge: showEdge,
               closePanel: closePanel, exportPng: exportPng, setClassHidden: setClassHidden,
               setPredicateHidden: setPredicateHidden, state: state};
})();
"""  # noqa: E501

PAGE = (
    """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; \
script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="kg">
<title>{{ page.title }}</title>
<style>{% include 'lib/vis-9.1.2/vis-network.css' %}</style>
<style>
html, body { margin: 0; height: 100%; }
body { display: flex; flex-direction: column; color: #1f2933; background: #ffffff;
       font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans",
             "NanumGothic", sans-serif; }
header { padding: 8px 16px 6px; border-bottom: 1px solid #d9dee3; }
h1 { margin: 0; font-size: 20px; unicode-bidi: plaintext; }
.kg-stats { margin: 2px 0 6px; color: #52606d; }
.kg-row { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 14px; margin: 0 0 6px; }
.kg-row label { white-space: nowrap; }
.kg-search-box { position: relative; }
#kg-search { width: 220px; padding: 3px 6px; font: inherit; }
#kg-results { position: absolute; z-index: 10; top: 100%; left: 0; min-width: 260px; margin: 0;
              padding: 0; list-style: none; background: #ffffff; box-shadow: 0 2px 8px #0003; }
#kg-results li { padding: 0; }
.kg-result { display: block; width: 100%; text-align: left; border: 0; background: none;
             padding: 4px 8px; font: inherit; cursor: pointer; unicode-bidi: plaintext; }
.kg-result:hover, .kg-result:focus { background: #e4e7eb; }
.kg-result-alias, .kg-result-class { color: #7b8794; }
.kg-legend { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap;
             gap: 2px 6px; }
.kg-class { border: 1px solid #d9dee3; border-radius: 12px; background: #ffffff; padding: 1px 8px;
            font: inherit; cursor: pointer; }
.kg-class[aria-pressed="false"] { opacity: 0.4; text-decoration: line-through; }
.kg-glyph { font-size: 15px; }
.kg-filters { font-size: 13px; }
main { flex: 1; display: flex; min-height: 0; position: relative; }
#kg-graph { flex: 1; min-height: 420px; min-width: 0; }
#kg-panel { position: absolute; top: 0; right: 0; bottom: 0; width: 400px; max-width: 45vw;
            border-left: 1px solid #d9dee3; display: flex; flex-direction: column;
            background: #fbfcfdf2; box-shadow: -2px 0 8px #0001; }
#kg-panel[hidden] { display: none; }
#kg-panel-close { align-self: flex-end; margin: 6px 8px 0; font: inherit; cursor: pointer; }
#kg-panel-body { overflow: auto; padding: 0 14px 14px; unicode-bidi: plaintext; }
.kg-panel-title { font-size: 17px; margin: 4px 0 8px; overflow-wrap: anywhere; }
.kg-fields { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 0; }
.kg-fields dt { color: #52606d; }
.kg-fields dd { margin: 0; overflow-wrap: anywhere; }
h3 { font-size: 14px; margin: 14px 0 4px; }
.kg-facts { padding-left: 18px; margin: 0; }
.kg-facts > li { margin-bottom: 10px; }
.kg-evidence { list-style: none; padding: 0; margin: 2px 0 0; }
.kg-quote { margin: 4px 0 0; padding-left: 8px; border-left: 3px solid #cbd2d9;
            font-style: italic; overflow-wrap: anywhere; }
.kg-source { color: #52606d; font-size: 12px; overflow-wrap: anywhere; }
.kg-link { border: 0; background: none; padding: 0; color: #1f4f99; cursor: pointer;
           font: inherit; text-decoration: underline; unicode-bidi: plaintext; }
.kg-pred { color: #3e4c59; }
div.vis-tooltip { white-space: normal; max-width: 520px; padding: 6px 8px;
                  font: 13px/1.35 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
                  unicode-bidi: plaintext; }
.kg-tip-head { font-weight: bold; margin-bottom: 2px; }
.kg-tip-key { color: #52606d; }
.kg-tip-quote { margin-top: 4px; font-style: italic; }
.kg-tip-source, .kg-tip-note { color: #52606d; font-size: 12px; }
</style>
<script>{% include 'lib/vis-9.1.2/vis-network.min.js' %}</script>
</head>
<body>
<header>
<h1>{{ page.title }}</h1>
<p class="kg-stats"><span id="kg-stats">{{ page.stats }}</span> · \
<span id="kg-visible"></span></p>
<div class="kg-row">
<div class="kg-search-box"><input id="kg-search" type="search" autocomplete="off" \
placeholder="Find an entity by name or alias" aria-label="Find an entity by name or alias">
<ul id="kg-results" aria-label="Search results"></ul></div>
<label>Colour by <select id="kg-color-by"><option value="class">class</option>\
<option value="community"{% if not page.communities %} disabled{% endif %}>community</option>\
</select></label>
<label>Size by <select id="kg-size-by"><option value="degree">relations</option>\
<option value="mentions">mentions</option></select></label>
{% if page.physics_toggle %}<label><input type="checkbox" id="kg-physics"> Physics</label>
{% endif %}<button type="button" id="kg-export">Export PNG</button>
</div>
<div class="kg-row kg-filters" id="kg-predicates" aria-label="Relation filter">Relations:
{% for name, count in page.predicates %}<label><input type="checkbox" class="kg-predicate" \
data-predicate="{{ name }}"{% if name != page.cooccurrence %} checked{% endif %}> \
{{ name }} ({{ count }})</label>
{% endfor %}</div>
<ul class="kg-legend" id="kg-legend" aria-label="Entity classes (click to hide or show)">
{% for item in page.legend %}<li><button type="button" class="kg-class" \
data-cls="{{ item.cls }}" aria-pressed="true"><span class="kg-glyph" \
style="color: {{ item.color }}" aria-hidden="true">{{ item.glyph }}</span> {{ item.cls }} \
({{ item.count }})</button></li>
{% endfor %}</ul>
</header>
<main>
<div id="kg-graph"></div>
<aside id="kg-panel" hidden aria-label="Details"><button type="button" id="kg-panel-close" \
aria-label="Close the panel">×</button><div id="kg-panel-body"></div></aside>
</main>
<noscript><p>This view needs JavaScript to draw the graph.</p></noscript>
<script type="application/json" id="kg-nodes">{{ nodes|script_json }}</script>
<script type="application/json" id="kg-edges">{{ edges|script_json }}</script>
<script type="application/json" id="kg-meta">{{ page.meta|script_json }}</script>
<script type="application/json" id="kg-options">{{ page.options|script_json }}</script>
<script>"""
    + _SCRIPT
    + """</script>
</body>
</html>
"""
)
