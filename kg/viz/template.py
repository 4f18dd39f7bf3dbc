"""The Jinja template of the HTML view, rendered by pyvis's ``Network.generate_html``.

Everything is inline: the vis-network script and stylesheet come from pyvis's own
``templates/lib`` folder through ``{% include %}``; nothing links to the network.
Untrusted text (labels, aliases, sentences, titles) reaches the page only in two ways:
Jinja-escaped inside markup (autoescape is on) or as JSON inside
``<script type="application/json">`` blocks (see ``kg.viz.html.script_json``), which the
page's script parses and turns into DOM nodes with ``textContent``, never ``innerHTML``.

Variables: ``page`` (title, stats, legend, filters, options, meta) is a global of the
environment; ``nodes`` and ``edges`` are the lists pyvis passes to every template.

The page keeps pyvis's globals ``network``, ``nodes`` and ``edges`` (vis DataSets: what is
drawn now), exposes the network as ``window.kgNetwork``, offers ``window.kgFocus(label)``
(draw an entity's neighbourhood) and ``window.kg`` (search, focus, panels, the entity table,
documents, PNG export), and sets ``document.body.dataset.kgReady = "true"`` once the first
view is drawn.

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
  function plural(count, one, many) { return count.toLocaleString("en-US") + " " + (count === 1 ? one : many); }
  function button(text, cls, onClick) {
    var b = el("button", cls, text);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }

  var meta = read("kg-meta");
  var all = read("kg-nodes");
  var typedEdges = read("kg-edges");
  var CO = meta.cooccurrence;
  var index = {}, edgeInfo = {}, incident = [], coAdjacent = [], byClass = {};
  all.forEach(function (n, i) {
    n.i = i; index[n.id] = i; incident.push([]); coAdjacent.push([]);
    n.aliases = n.aliases || [];
    n.label = n.name.length <= meta.maxLabel ? n.name : n.name.slice(0, meta.maxLabel - 1) + "…";
    n.shape = meta.classShapes[n.cls] || "dot";
    var year = parseInt(n.start || n.end || "", 10);
    n.year = isNaN(year) ? null : year;
    (byClass[n.cls] = byClass[n.cls] || []).push(i);
  });
  typedEdges.forEach(function (e) {
    edgeInfo[e.id] = e;
    incident[index[e.from]].push(e.id);
    if (e.to !== e.from) { incident[index[e.to]].push(e.id); }
  });
  for (var k = 0; k < meta.co.length; k += 2) {
    coAdjacent[meta.co[k]].push(k / 2); coAdjacent[meta.co[k + 1]].push(k / 2);
  }
  function coEdge(number) {
    return {id: "c" + number, from: all[meta.co[2 * number]].id, to: all[meta.co[2 * number + 1]].id, p: CO};
  }
  function edgeById(eid) { return eid.charAt(0) === "c" ? coEdge(parseInt(eid.slice(1), 10)) : edgeInfo[eid]; }
  var isolated = all.filter(function (n) { return !n.degree && !coAdjacent[n.i].length; }).length;

  var state = {colorBy: meta.colorBy, sizeBy: meta.sizeBy, hiddenClasses: {}, hiddenPredicates: {},
               selected: null, dimmed: false, years: null, view: null, hops: 1};
  state.hiddenPredicates[CO] = true;

  // -- styles -------------------------------------------------------------------------
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
  var unit = 1;  // how much smaller the view draws nodes (a crowded overview: smaller)
  function nodeSize(n) {
    var v = state.sizeBy === "mentions" ? n.mentions : n.degree;
    return Math.round(Math.min(40, 8 + 5 * Math.log2(1 + v)) * unit * 10) / 10;
  }
  function edgeColor(e, dim) {
    if (dim) { return {color: "#eef0f2", highlight: "#323f4b", hover: "#323f4b"}; }
    if (e.p === CO) { return {color: "#cbd2d9", highlight: "#7b8794", hover: "#7b8794"}; }
    return {color: "#9aa5b1", highlight: "#323f4b", hover: "#323f4b"};
  }
  function nodeHidden(n) {
    if (state.hiddenClasses[n.cls]) { return true; }
    return !!(state.years && n.year !== null && (n.year < state.years[0] || n.year > state.years[1]));
  }
  function edgeHidden(e) {
    return !!(state.hiddenPredicates[e.p] || nodeHidden(all[index[e.from]]) || nodeHidden(all[index[e.to]]));
  }

  // -- the drawn view: an overview of the most important entities, or a neighbourhood --
  var drawn = {}, font = {}, place = {};
  function visNode(n) {
    var p = place[n.id];
    return {id: n.id, label: n.label, x: p[0], y: p[1], shape: n.shape, size: nodeSize(n),
            color: nodeColor(n, false), hidden: nodeHidden(n), font: {size: font[n.id]}};
  }
  function visEdge(e) {
    var count = e.ev ? e.ev.length : 0;
    var item = {id: e.id, from: e.from, to: e.to, arrows: e.d ? "to" : "",
                width: Math.round((e.p === CO ? 1 : Math.min(6, 1 + Math.log2(Math.max(1, count)))) * 100) / 100,
                color: edgeColor(e, false)};
    if (e.p === CO) { item.dashes = true; } else { item.label = e.p; item.font = {size: edgeFont()}; }
    return item;
  }
  function edgeFont() { return Math.round(10 * labelScale / 14 * 10) / 10; }
  function wantedEdges() {
    var out = [];
    typedEdges.forEach(function (e) {
      if (drawn[e.from] && drawn[e.to] && !edgeHidden(e)) { out.push(visEdge(e)); }
    });
    if (!state.hiddenPredicates[CO]) {
      for (var number = 0; number < meta.co.length / 2; number++) {
        var e = coEdge(number);
        if (drawn[e.from] && drawn[e.to] && !edgeHidden(e)) { out.push(visEdge(e)); }
      }
    }
    return out;
  }
  function syncEdges() {
    var want = wantedEdges(), keep = {};
    want.forEach(function (e) { keep[e.id] = true; });
    var gone = edges.getIds().filter(function (eid) { return !keep[eid]; });
    if (gone.length) { edges.remove(gone); }
    var fresh = want.filter(function (e) { return edges.get(e.id) === null; });
    if (fresh.length) { edges.add(fresh); }
  }

  function overviewLayout(size) {
    var layout = meta.views[String(size)];
    var ids = [], at = {}, sizes = {}, major = {};
    if (!layout) { return {ids: ids, at: at, font: sizes}; }
    layout.labels.forEach(function (i) { major[i] = true; });
    for (var i = 0; i < size; i++) {
      var id = all[i].id;
      ids.push(id);
      at[id] = [layout.xy[2 * i], layout.xy[2 * i + 1]];
      sizes[id] = (major[i] || meta.labels === "always") ? layout.font : Math.round(layout.font * 7) / 10;
    }
    return {ids: ids, at: at, font: sizes, scale: layout.font, nodeScale: layout.nodeScale};
  }
  function neighbourIndices(i) {
    var found = [], seen = {};
    seen[i] = true;
    incident[i].forEach(function (eid) {
      var e = edgeInfo[eid];
      [index[e.from], index[e.to]].forEach(function (j) { if (!seen[j]) { seen[j] = true; found.push(j); } });
    });
    if (!state.hiddenPredicates[CO] || !found.length) {
      coAdjacent[i].forEach(function (number) {
        [meta.co[2 * number], meta.co[2 * number + 1]].forEach(function (j) {
          if (!seen[j]) { seen[j] = true; found.push(j); }
        });
      });
    }
    return found.sort(function (a, b) { return a - b; });
  }
  var RING_MAX = 120, SECOND_MAX = 240;
  function labelWidth(i) { return Math.min(all[i].label.length, 24) * 8.4 + 24; }
  function focusLayout(id, hops) {
    var c = index[id], at = {}, ids = [id], sizes = {};
    at[id] = [0, 0];
    var first = neighbourIndices(c).slice(0, RING_MAX);
    var taken = {};
    taken[c] = true;
    first.forEach(function (j) { taken[j] = true; });
    var around = first.reduce(function (sum, j) { return sum + labelWidth(j); }, 0);
    var r1 = Math.max(180, around / (2 * Math.PI));
    var angle = {};
    first.forEach(function (j, k) {
      var a = -Math.PI / 2 + 2 * Math.PI * k / Math.max(1, first.length);
      var r = r1 + (first.length > 24 ? (k % 2) * 70 : 0);
      angle[j] = a;
      ids.push(all[j].id); at[all[j].id] = [r * Math.cos(a), r * Math.sin(a)];
    });
    if (hops > 1) {
      var second = [];
      first.forEach(function (j) {
        neighbourIndices(j).forEach(function (m) {
          if (!taken[m] && second.length < SECOND_MAX) { taken[m] = true; second.push([m, j]); }
        });
      });
      var width = second.reduce(function (sum, pair) { return sum + labelWidth(pair[0]); }, 0);
      var r2 = Math.max(r1 + 260, width / (2 * Math.PI) / 2);
      second.forEach(function (pair, k) {
        var a = -Math.PI / 2 + 2 * Math.PI * k / second.length;
        var r = r2 + (k % 3) * 90;
        ids.push(all[pair[0]].id); at[all[pair[0]].id] = [r * Math.cos(a), r * Math.sin(a)];
      });
    }
    ids.forEach(function (nid) { sizes[nid] = 14; });
    return {ids: ids, at: at, font: sizes, scale: 14};
  }

  var startScale = 1, labelScale = 14;
  function thresholds() {
    startScale = network.getScale();
    var nodeT, edgeT;
    if (meta.labels === "always") { nodeT = 5; edgeT = 5; }
    else if (meta.labels === "zoomed" && state.view.kind === "overview") {
      nodeT = 12; edgeT = 12;
    } else {
      nodeT = Math.max(1, 0.85 * labelScale * startScale + 1);
      var few = state.view.kind === "focus" && edges.length <= 150;
      edgeT = few ? 1 : Math.max(5, edgeFont() * startScale * 1.6 + 1);
    }
    network.setOptions({nodes: {scaling: {label: {drawThreshold: nodeT}}},
                        edges: {scaling: {label: {drawThreshold: edgeT}}}});
  }
  function draw(view) {
    var layout = view.kind === "overview" ? overviewLayout(view.size) : focusLayout(view.id, view.hops);
    state.view = view; state.selected = null; state.dimmed = false; marked = [];
    drawn = {}; place = layout.at; font = layout.font; labelScale = layout.scale || 14;
    unit = layout.nodeScale || 1;
    layout.ids.forEach(function (id) { drawn[id] = true; });
    edges.clear();
    nodes.clear();
    nodes.add(layout.ids.map(function (id) { return visNode(all[index[id]]); }));
    syncEdges();
    network.fit({animation: false});
    thresholds();
    updateVisible();
    renderCrumbs();
  }

  // -- tooltips, built when first hovered --------------------------------------------
  function tipLine(cls, key, value) {
    var line = el("div", cls);
    if (key) { line.appendChild(el("span", "kg-tip-key", key + ": ")); }
    line.appendChild(document.createTextNode(String(value)));
    line.dir = "auto";
    return line;
  }
  function documentTitle(i) { return i >= 0 && meta.documents[i] ? meta.documents[i][0] : ""; }
  function nodeTip(n) {
    var box = el("div", "kg-tip");
    box.appendChild(tipLine("kg-tip-head", "", n.name));
    box.appendChild(tipLine("kg-tip-field", "class", n.cls));
    if (n.aliases.length) { box.appendChild(tipLine("kg-tip-field", "also known as", n.aliases.join("; "))); }
    box.appendChild(tipLine("kg-tip-field", "mentions", n.mentions));
    box.appendChild(tipLine("kg-tip-field", "relations", n.degree));
    box.appendChild(tipLine("kg-tip-note", "", "click for every fact and its evidence; double-click to focus"));
    return box;
  }
  function nameOf(id) { return all[index[id]].name; }
  function factText(e) {
    var arrow = e.d ? " → " : " ↔ ";
    return nameOf(e.from) + arrow + e.p + arrow + nameOf(e.to);
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

  nodes = new vis.DataSet([]);
  edges = new vis.DataSet([]);
  var container = byId("kg-graph");
  network = new vis.Network(container, {nodes: nodes, edges: edges}, read("kg-options"));
  window.kgNetwork = network;
  network.on("beforeDrawing", function (ctx) {  // a white background, also in the PNG
    ctx.save(); ctx.setTransform(1, 0, 0, 1, 0, 0); ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height); ctx.restore();
    drawGroups(ctx);
  });
  network.on("hoverNode", function (p) {
    var item = nodes.get(p.node);
    if (item && !item.title) { nodes.update({id: p.node, title: nodeTip(all[index[p.node]])}); }
  });
  network.on("hoverEdge", function (p) {  // the label shows on hover, whatever the zoom
    var item = edges.get(p.edge);
    if (!item) { return; }
    var change = {id: p.edge, font: {size: Math.max(edgeFont(), Math.ceil(30 / network.getScale()))}};
    if (!item.title) { change.title = edgeTip(edgeById(p.edge)); }
    edges.update(change);
  });
  network.on("blurEdge", function (p) {
    if (edges.get(p.edge)) { edges.update({id: p.edge, font: {size: edgeFont()}}); }
  });

  // -- communities drawn as groups, named by their most important members --------------
  function drawGroups(ctx) {
    if (state.colorBy !== "community" || state.view === null || state.view.kind !== "overview") { return; }
    var groups = {};
    nodes.getIds().forEach(function (id) {
      var n = all[index[id]];
      if (n.group === undefined || nodeHidden(n)) { return; }
      (groups[n.group] = groups[n.group] || []).push(n);
    });
    var positions = network.getPositions();
    Object.keys(groups).forEach(function (g) {
      var members = groups[g];
      if (members.length < 4) { return; }
      var xs = members.map(function (n) { return positions[n.id].x; });
      var ys = members.map(function (n) { return positions[n.id].y; });
      var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs);
      var y0 = Math.min.apply(null, ys), y1 = Math.max.apply(null, ys);
      var color = meta.communityColors[parseInt(g, 10) % meta.communityColors.length];
      ctx.save();
      ctx.globalAlpha = 0.08; ctx.fillStyle = color;
      ctx.beginPath();
      ctx.ellipse((x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2 + 40, (y1 - y0) / 2 + 40, 0, 0, 2 * Math.PI);
      ctx.fill();
      ctx.globalAlpha = 0.9; ctx.fillStyle = darker(color);
      ctx.font = "bold " + Math.round(13 / network.getScale()) + "px system-ui, sans-serif";
      ctx.textAlign = "center";
      var names = members.slice(0, 3).map(function (n) { return n.label; }).join(" · ");
      ctx.fillText(names, (x0 + x1) / 2, y0 - 44);
      ctx.restore();
    });
  }

  // -- neighbourhood highlight -------------------------------------------------------
  var marked = [];
  function highlight(id) {
    var near = {}, nearEdges = {};
    near[id] = true;
    edges.getIds().forEach(function (eid) {
      var e = edgeById(eid);
      if (e.from === id || e.to === id) { nearEdges[eid] = true; near[e.from] = true; near[e.to] = true; }
    });
    var ids = nodes.getIds();
    if (ids.length > meta.dimMax) {  // large: mark the neighbours, leave the rest alone
      unmark();
      marked = Object.keys(near);
      nodes.update(marked.map(function (nid) {
        return {id: nid, borderWidth: 4, color: {background: baseColor(all[index[nid]]), border: "#1f2933"}};
      }));
      return;
    }
    nodes.update(ids.map(function (nid) {
      var n = all[index[nid]];
      return {id: nid, color: nodeColor(n, !near[nid]), font: {size: font[nid], color: near[nid] ? "#1f2933" : "#c1c7cd"}};
    }));
    edges.update(edges.getIds().map(function (eid) {
      return {id: eid, color: edgeColor(edgeById(eid), !nearEdges[eid])};
    }));
    state.dimmed = true;
  }
  function unmark() {
    nodes.update(marked.filter(function (nid) { return drawn[nid]; }).map(function (nid) {
      return {id: nid, borderWidth: 1, color: nodeColor(all[index[nid]], false)};
    }));
    marked = [];
  }
  function restore() {
    state.selected = null;
    unmark();
    if (!state.dimmed) { return; }
    nodes.update(nodes.getIds().map(function (nid) {
      return {id: nid, color: nodeColor(all[index[nid]], false), font: {size: font[nid], color: "#1f2933"}};
    }));
    edges.update(edges.getIds().map(function (eid) {
      return {id: eid, color: edgeColor(edgeById(eid), false)};
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
    return button(nameOf(id), "kg-link", function () { focusEntity(id); });
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
    head.appendChild(button(e.p, "kg-link kg-pred", function () { showEdge(e.id); }));
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
  function documentsOf(n, typed) {  // document -> the sentences of n's facts in it
    var found = {};
    (n.docs || []).forEach(function (d) { found[d] = []; });
    typed.forEach(function (e) {
      (e.ev || []).forEach(function (item) {
        var sentence = meta.sentences[item[0]];
        var list = found[sentence[1]] = found[sentence[1]] || [];
        if (list.indexOf(sentence[0]) < 0) { list.push(sentence[0]); }
      });
    });
    return found;
  }
  function showNode(id) {
    var n = all[index[id]];
    clear(panelBody);
    panelBody.appendChild(el("h2", "kg-panel-title", n.name));
    if (!(state.view && state.view.kind === "focus" && state.view.id === id)) {
      panelBody.appendChild(button("Focus on its neighbourhood", "kg-action", function () { focusEntity(id); }));
    }
    var fields = el("dl", "kg-fields");
    field(fields, "class", n.cls);
    field(fields, "also known as", n.aliases.join("; "));
    field(fields, "mentions", n.mentions);
    field(fields, "relations", n.degree);
    if (n.group !== undefined) { field(fields, "community", n.group + 1); }
    field(fields, "start", n.start);
    field(fields, "end", n.end);
    field(fields, "IRI", n.id);
    panelBody.appendChild(fields);
    var typed = incident[n.i].map(function (eid) { return edgeInfo[eid]; });
    panelBody.appendChild(el("h3", null, typed.length === 1 ? "1 fact" : typed.length + " facts"));
    var facts = el("ol", "kg-facts");
    typed.forEach(function (e) {
      var li = el("li");
      li.appendChild(factHeading(e, "div"));
      li.appendChild(evidenceList(e));
      facts.appendChild(li);
    });
    panelBody.appendChild(facts);
    var docs = documentsOf(n, typed), docKeys = Object.keys(docs).map(Number).sort(function (a, b) { return a - b; });
    if (docKeys.length) {
      panelBody.appendChild(el("h3", null, "Named in " + plural(docKeys.length, "document", "documents")));
      var list = el("ul", "kg-docs");
      docKeys.forEach(function (d) {
        if (d < 0) { return; }
        var li = el("li");
        li.appendChild(button(documentTitle(d), "kg-link", function () { showDocument(d); }));
        if (meta.documents[d][1]) { li.appendChild(el("span", "kg-source", " " + meta.documents[d][1])); }
        docs[d].forEach(function (text) { li.appendChild(el("blockquote", "kg-quote", text)); });
        list.appendChild(li);
      });
      panelBody.appendChild(list);
    }
    var co = coAdjacent[n.i];
    if (co.length) {
      panelBody.appendChild(el("h3", null, "Named in the same sentence as (" + co.length + ")"));
      var names = el("p", "kg-cooccurring");
      co.slice(0, 200).forEach(function (number, k) {
        var e = coEdge(number);
        if (k) { names.appendChild(document.createTextNode(", ")); }
        names.appendChild(entityButton(e.from === id ? e.to : e.from));
      });
      panelBody.appendChild(names);
    }
    openPanel("node", id);
  }
  function showEdge(eid) {
    var e = edgeById(eid);
    clear(panelBody);
    var title = factHeading(e, "h2");
    title.className = "kg-panel-title kg-fact";
    panelBody.appendChild(title);
    var fields = el("dl", "kg-fields");
    field(fields, "relation", e.p);
    field(fields, "subject", nameOf(e.from));
    field(fields, "object", nameOf(e.to));
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

  // -- the entity table ------------------------------------------------------------------
  var table = null, rows = [], tableSort = {key: "rank", down: false}, tableCount = null;
  var tableFilter = {name: "", cls: "", isolated: false};
  var COLUMNS = [["name", "Entity"], ["cls", "Class"], ["mentions", "Mentions"], ["docs", "Documents"], ["degree", "Relations"]];
  function sortValue(n, key) {
    if (key === "docs") { return (n.docs || []).length; }
    if (key === "name") { return n.name.toLowerCase(); }
    return key === "rank" ? n.i : n[key];
  }
  function sortRows() {
    var key = tableSort.key, sign = tableSort.down ? -1 : 1;
    var order = all.slice().sort(function (a, b) {
      var x = sortValue(a, key), y = sortValue(b, key);
      return (x < y ? -sign : x > y ? sign : 0) || a.i - b.i;
    });
    var body = table.tBodies[0], fragment = document.createDocumentFragment();
    order.forEach(function (n) { fragment.appendChild(rows[n.i]); });
    body.appendChild(fragment);
  }
  function filterRows() {
    var q = normalizeLabel(tableFilter.name), shown = 0;
    all.forEach(function (n) {
      var hide = (tableFilter.cls && n.cls !== tableFilter.cls) ||
                 (tableFilter.isolated && (n.degree || coAdjacent[n.i].length)) ||
                 (q && entry[n.i].names.every(function (name) { return name.indexOf(q) < 0; }));
      rows[n.i].hidden = !!hide;
      if (!hide) { shown++; }
    });
    tableCount.textContent = plural(shown, "entity", "entities") + " of " + all.length.toLocaleString("en-US");
  }
  function buildTable() {
    var box = el("div", "kg-table-box");
    var controls = el("div", "kg-table-controls");
    var name = el("input");
    name.type = "search"; name.placeholder = "Filter by name"; name.id = "kg-table-name";
    name.addEventListener("input", function () { tableFilter.name = name.value; filterRows(); });
    var cls = el("select");
    cls.id = "kg-table-class";
    cls.appendChild(el("option", null, "every class")).value = "";
    Object.keys(byClass).sort().forEach(function (c) {
      cls.appendChild(el("option", null, c + " (" + byClass[c].length + ")")).value = c;
    });
    cls.addEventListener("change", function () { tableFilter.cls = cls.value; filterRows(); });
    var alone = el("input");
    alone.type = "checkbox"; alone.id = "kg-table-isolated";
    alone.addEventListener("change", function () { tableFilter.isolated = alone.checked; filterRows(); });
    var aloneLabel = el("label");
    aloneLabel.appendChild(alone);
    aloneLabel.appendChild(document.createTextNode(" isolated only"));
    controls.appendChild(name); controls.appendChild(cls); controls.appendChild(aloneLabel);
    box.appendChild(controls);
    tableCount = el("p", "kg-source");
    box.appendChild(tableCount);
    table = el("table", "kg-table");
    table.id = "kg-entity-table";
    var head = table.createTHead().insertRow();
    COLUMNS.forEach(function (column) {
      var th = el("th");
      th.appendChild(button(column[1], "kg-sort", function () {
        tableSort = {key: column[0], down: tableSort.key === column[0] ? !tableSort.down : column[0] !== "name" && column[0] !== "cls"};
        sortRows();
      }));
      th.dataset.key = column[0];
      head.appendChild(th);
    });
    var body = table.createTBody();
    all.forEach(function (n) {
      var row = el("tr");
      row.dataset.id = n.id;
      var first = el("td");
      first.appendChild(button(n.name, "kg-link", function () { focusEntity(n.id); }));
      row.appendChild(first);
      row.appendChild(el("td", null, n.cls));
      row.appendChild(el("td", "kg-num", n.mentions));
      row.appendChild(el("td", "kg-num", (n.docs || []).length));
      row.appendChild(el("td", "kg-num", n.degree));
      rows.push(row);
      body.appendChild(row);
    });
    box.appendChild(table);
    return box;
  }
  var tableBox = null;
  function showTable(options) {
    if (tableBox === null) { tableBox = buildTable(); }
    if (options) {
      if (options.isolated !== undefined) { tableFilter.isolated = !!options.isolated; byId("kg-table-isolated").checked = tableFilter.isolated; }
    }
    clear(panelBody);
    panelBody.appendChild(el("h2", "kg-panel-title", "Entities"));
    panelBody.appendChild(tableBox);
    filterRows();
    openPanel("table", "");
  }

  // -- documents -------------------------------------------------------------------------
  var docEntities = null;
  function entitiesByDocument() {
    if (docEntities === null) {
      docEntities = meta.documents.map(function () { return []; });
      all.forEach(function (n) { (n.docs || []).forEach(function (d) { docEntities[d].push(n.i); }); });
    }
    return docEntities;
  }
  function showDocuments() {
    var lists = entitiesByDocument();
    clear(panelBody);
    panelBody.appendChild(el("h2", "kg-panel-title", plural(meta.documents.length, "document", "documents")));
    var list = el("ol", "kg-docs");
    meta.documents.forEach(function (doc, d) {
      var li = el("li");
      li.appendChild(button(doc[0], "kg-link", function () { showDocument(d); }));
      li.appendChild(el("span", "kg-source", " " + [doc[1], plural(lists[d].length, "entity", "entities")].filter(Boolean).join(" · ")));
      list.appendChild(li);
    });
    panelBody.appendChild(list);
    openPanel("documents", "");
  }
  function showDocument(d) {
    var members = entitiesByDocument()[d];
    clear(panelBody);
    panelBody.appendChild(button("‹ all documents", "kg-link", showDocuments));
    panelBody.appendChild(el("h2", "kg-panel-title", meta.documents[d][0]));
    var fields = el("dl", "kg-fields");
    field(fields, "source", meta.documents[d][1]);
    field(fields, "entities", members.length);
    panelBody.appendChild(fields);
    var names = el("p", "kg-cooccurring");
    members.forEach(function (i, k) {
      if (k) { names.appendChild(document.createTextNode(", ")); }
      names.appendChild(entityButton(all[i].id));
    });
    panelBody.appendChild(names);
    openPanel("document", String(d));
  }

  // -- selecting in place, and focus (a neighbourhood view) ------------------------------
  function selectNode(id) {
    var n = all[index[id]];
    if (!n) { return; }
    if (!drawn[id]) { focusEntity(id); return; }
    if (state.hiddenClasses[n.cls]) { setClassHidden(n.cls, false); }
    state.selected = id;
    network.selectNodes([id]);
    network.focus(id, {scale: Math.max(network.getScale(), 1.2), animation: false});
    showNode(id);
    setTimeout(function () { if (state.selected === id) { highlight(id); } }, 0);
  }
  var crumbs = [];
  function focusEntity(target, hops) {
    var id = index[target] !== undefined ? target : (search(target)[0] || {}).id;
    if (id === undefined) { return false; }
    var n = all[index[id]];
    if (state.hiddenClasses[n.cls]) { setClassHidden(n.cls, false); }
    var view = {kind: "focus", id: id, hops: hops || state.hops};
    var last = crumbs[crumbs.length - 1];
    if (last && last.kind === "focus" && last.id === id) { crumbs[crumbs.length - 1] = view; } else { crumbs.push(view); }
    draw(view);
    state.selected = id;
    network.selectNodes([id]);
    showNode(id);
    setTimeout(function () { if (state.selected === id) { highlight(id); } }, 0);
    return true;
  }
  var crumbBar = byId("kg-crumbs");
  function crumbName(view) {
    return view.kind === "overview" ? "Overview (" + view.size.toLocaleString("en-US") + ")" : nameOf(view.id);
  }
  function renderCrumbs() {
    clear(crumbBar);
    crumbs.forEach(function (view, k) {
      if (k) { crumbBar.appendChild(el("span", "kg-crumb-sep", " › ")); }
      if (k === crumbs.length - 1) { crumbBar.appendChild(el("span", "kg-crumb-here", crumbName(view))); return; }
      crumbBar.appendChild(button(crumbName(view), "kg-link kg-crumb", function () {
        crumbs = crumbs.slice(0, k + 1); draw(view);
      }));
    });
    if (state.view && state.view.kind === "focus") {
      var hops = el("select");
      hops.id = "kg-hops";
      hops.setAttribute("aria-label", "How far the neighbourhood reaches");
      [1, 2].forEach(function (h) { hops.appendChild(el("option", null, h === 1 ? "1 hop" : "2 hops")).value = String(h); });
      hops.value = String(state.view.hops);
      hops.addEventListener("change", function () { state.hops = parseInt(hops.value, 10); focusEntity(state.view.id, state.hops); });
      crumbBar.appendChild(document.createTextNode(" "));
      crumbBar.appendChild(hops);
    }
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
  network.on("doubleClick", function (p) { if (p.nodes.length) { focusEntity(p.nodes[0]); } });

  // -- search: the CLI's name rules (kg.explain.normalize_label), exact labels first -----
  function normalizeLabel(text) {
    var t = String(text).toLowerCase().replace(/ß/g, "ss").split(/\s+/).filter(Boolean).join(" ");
    t = t.replace(/^the\s+/, "");
    return t.replace(/['’]s$/, "").trim();
  }
  function bare(text) { return text.replace(/\./g, "").replace(/\s+/g, " ").trim(); }
  var entry = all.map(function (n) {
    var names = [normalizeLabel(n.name)].concat(n.aliases.map(normalizeLabel));
    return {names: names, bare: names.map(bare)};
  });
  function search(text) {
    var q = normalizeLabel(text);
    if (!q) { return []; }
    var qb = bare(q), found = [];
    entry.forEach(function (item, i) {
      var rank = -1, alias = null;
      if (item.names[0] === q) { rank = 0; }
      else {
        for (var a = 1; a < item.names.length; a++) {
          if (item.names[a] === q) { rank = 1; alias = all[i].aliases[a - 1]; break; }
        }
      }
      if (rank < 0 && qb) {
        for (var b = 0; b < item.bare.length; b++) {
          if (item.bare[b] === qb) { rank = 2; alias = b ? all[i].aliases[b - 1] : null; break; }
        }
      }
      if (rank < 0 && item.names[0].indexOf(q) === 0) { rank = 3; }
      if (rank < 0 && item.names[0].indexOf(q) > 0) { rank = 4; }
      if (rank < 0) {
        for (var c = 1; c < item.names.length; c++) {
          if (item.names[c].indexOf(q) >= 0) { rank = 5; alias = all[i].aliases[c - 1]; break; }
        }
      }
      if (rank >= 0) { found.push({id: all[i].id, rank: rank, alias: alias, i: i}); }
    });
    found.sort(function (a, b) { return a.rank - b.rank || a.i - b.i; });
    return found.slice(0, 20);
  }
  var searchBox = byId("kg-search"), results = byId("kg-results");
  function showResults() {
    clear(results);
    var found = search(searchBox.value);
    found.forEach(function (hit) {
      var li = el("li");
      var b = button(nameOf(hit.id), "kg-result", function () { focusEntity(hit.id); clear(results); });
      b.dataset.id = hit.id;
      if (hit.alias !== null) { b.appendChild(el("span", "kg-result-alias", " (" + hit.alias + ")")); }
      b.appendChild(el("span", "kg-result-class", " " + all[hit.i].cls));
      li.appendChild(b);
      results.appendChild(li);
    });
    if (searchBox.value.trim() && !found.length) { results.appendChild(el("li", "kg-source", "no entity found")); }
  }
  searchBox.addEventListener("input", showResults);
  searchBox.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      var found = search(searchBox.value);
      if (found.length) { focusEntity(found[0].id); clear(results); }
      event.preventDefault();
    } else if (event.key === "Escape") { searchBox.value = ""; clear(results); }
  });

  // -- filters: relation properties, classes, years ------------------------------------
  var visibleLine = byId("kg-visible");
  function updateVisible() {
    clear(visibleLine);
    var ids = nodes.getIds();
    var shown = ids.filter(function (id) { return !nodeHidden(all[index[id]]); }).length;
    var text = "showing " + shown.toLocaleString("en-US") + " of " + plural(all.length, "entity", "entities");
    if (all.length > shown) { text += " (" + (all.length - shown).toLocaleString("en-US") + " hidden)"; }
    visibleLine.appendChild(document.createTextNode(text + " and " + plural(edges.length, "link", "links")));
    if (isolated) {
      visibleLine.appendChild(document.createTextNode(" · "));
      visibleLine.appendChild(button(plural(isolated, "isolated entity", "isolated entities"), "kg-link", function () {
        showTable({isolated: true});
      }));
    }
  }
  function refilter() {
    nodes.update(nodes.getIds().map(function (id) { return {id: id, hidden: nodeHidden(all[index[id]])}; }));
    syncEdges();
    if (state.selected && drawn[state.selected]) { highlight(state.selected); }
    updateVisible();
  }
  function setPredicateHidden(p, hidden) {
    state.hiddenPredicates[p] = hidden;
    syncEdges();
    if (state.selected && drawn[state.selected]) { highlight(state.selected); }
    updateVisible();
  }
  var legendIndex = {};
  function setClassHidden(cls, hidden) {
    state.hiddenClasses[cls] = hidden;
    var b = document.querySelector('.kg-class[data-index="' + legendIndex[cls] + '"]');
    if (b) { b.setAttribute("aria-pressed", hidden ? "false" : "true"); }
    refilter();
  }
  Array.prototype.forEach.call(document.querySelectorAll(".kg-predicate"), function (box) {
    box.checked = !state.hiddenPredicates[box.dataset.predicate];
    box.addEventListener("change", function () { setPredicateHidden(box.dataset.predicate, !box.checked); });
  });
  Array.prototype.forEach.call(document.querySelectorAll(".kg-class"), function (b, i) {
    legendIndex[b.dataset.cls] = String(i);
    b.dataset.index = String(i);
    b.addEventListener("click", function () { setClassHidden(b.dataset.cls, !state.hiddenClasses[b.dataset.cls]); });
  });
  var legendToggle = byId("kg-legend-toggle");  // shown only in a small frame
  legendToggle.addEventListener("click", function () {
    var open = byId("kg-legend").classList.toggle("kg-open");
    legendToggle.setAttribute("aria-expanded", open ? "true" : "false");
  });
  function setYears(from, to) {
    state.years = from === null && to === null ? null : [from === null ? -1e9 : from, to === null ? 1e9 : to];
    refilter();
  }
  var yearFrom = byId("kg-year-from"), yearTo = byId("kg-year-to");
  if (yearFrom && yearTo) {
    var years = all.filter(function (n) { return n.year !== null; }).map(function (n) { return n.year; });
    yearFrom.placeholder = String(Math.min.apply(null, years));
    yearTo.placeholder = String(Math.max.apply(null, years));
    var onYears = function () {
      var a = parseInt(yearFrom.value, 10), b = parseInt(yearTo.value, 10);
      setYears(isNaN(a) ? null : a, isNaN(b) ? null : b);
    };
    yearFrom.addEventListener("change", onYears);
    yearTo.addEventListener("change", onYears);
  }

  // -- colour, size, overview size, physics, PNG ----------------------------------------
  var colorSelect = byId("kg-color-by"), sizeSelect = byId("kg-size-by");
  function restyle() {
    nodes.update(nodes.getIds().map(function (id) {
      var n = all[index[id]];
      return {id: id, color: nodeColor(n, false), size: nodeSize(n)};
    }));
    if (state.selected && drawn[state.selected]) { highlight(state.selected); } else { state.dimmed = false; }
    network.redraw();
  }
  colorSelect.value = state.colorBy;
  sizeSelect.value = state.sizeBy;
  colorSelect.addEventListener("change", function () { state.colorBy = colorSelect.value; restyle(); });
  sizeSelect.addEventListener("change", function () { state.sizeBy = sizeSelect.value; restyle(); });
  var overviewSelect = byId("kg-overview");
  function showOverview(size) {
    var view = {kind: "overview", size: size};
    crumbs = [view];
    draw(view);
    if (overviewSelect) { overviewSelect.value = String(size); }
  }
  if (overviewSelect) {
    overviewSelect.addEventListener("change", function () { showOverview(parseInt(overviewSelect.value, 10)); });
  }
  var physics = byId("kg-physics");
  physics.checked = !!meta.physics;
  physics.addEventListener("change", function () {
    network.setOptions({physics: {enabled: physics.checked}});
  });
  byId("kg-table").addEventListener("click", function () { showTable(); });
  byId("kg-documents").addEventListener("click", showDocuments);

  function exportCanvas() {  // the drawing with the title above it and the legend on it
    var graph = container.querySelector("canvas");
    var ratio = graph.width / Math.max(1, graph.clientWidth);
    var band = Math.round(40 * ratio);
    var out = document.createElement("canvas");
    out.width = graph.width; out.height = graph.height + band;
    var ctx = out.getContext("2d");
    ctx.fillStyle = "#ffffff"; ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(graph, 0, band);
    ctx.scale(ratio, ratio);
    ctx.fillStyle = "#1f2933"; ctx.font = "bold 18px system-ui, sans-serif"; ctx.textBaseline = "middle";
    ctx.fillText(document.querySelector("h1").textContent, 12, 20, graph.clientWidth - 24);
    var present = {};
    nodes.get().forEach(function (item) { if (!item.hidden) { var c = all[index[item.id]].cls; present[c] = (present[c] || 0) + 1; } });
    var keys = Object.keys(present).sort();
    var y = 40 + graph.clientHeight - 12 - 18 * keys.length;
    ctx.font = "13px system-ui, sans-serif";
    ctx.fillStyle = "rgba(255,255,255,0.85)";
    ctx.fillRect(6, y - 12, 230, 18 * keys.length + 8);
    keys.forEach(function (cls, k) {
      ctx.fillStyle = meta.classColors[cls] || meta.classColors.Entity;
      ctx.beginPath(); ctx.arc(18, y + 18 * k, 5, 0, 2 * Math.PI); ctx.fill();
      ctx.fillStyle = "#1f2933";
      ctx.fillText(cls + " (" + present[cls] + ")", 30, y + 18 * k);
    });
    return out;
  }
  function exportPng() { return exportCanvas().toDataURL("image/png"); }
  byId("kg-export").addEventListener("click", function () {
    var link = el("a");
    link.href = exportPng();
    link.download = "graph.png";
    document.body.appendChild(link);
    link.click();
    document.body.removeChild(link);
  });

  // -- Ask (only in a page served by kg serve) ----------------------------------------
  function markAnswer(ids) {
    var shown = ids.filter(function (nid) { return drawn[nid]; });
    unmark();
    marked = shown;
    nodes.update(shown.map(function (nid) {
      return {id: nid, borderWidth: 4, color: {background: baseColor(all[index[nid]]), border: "#1f2933"}};
    }));
    if (shown.length) { network.fit({nodes: shown, animation: false}); }
  }
  function showAnswer(answer) {
    clear(panelBody);
    panelBody.appendChild(el("h2", "kg-panel-title", answer.question || "Answer"));
    panelBody.appendChild(el("p", "kg-answer", answer.answer || answer.error || ""));
    var ids = (answer.entities || []).filter(function (nid) { return index[nid] !== undefined; });
    if (ids.length) {
      var names = el("p", "kg-cooccurring");
      ids.forEach(function (nid, k) {
        if (k) { names.appendChild(document.createTextNode(", ")); }
        names.appendChild(entityButton(nid));
      });
      panelBody.appendChild(names);
    }
    if ((answer.evidence || []).length) {
      panelBody.appendChild(el("h3", null, "Evidence"));
      var list = el("ul", "kg-evidence");
      answer.evidence.forEach(function (item) {
        var li = el("li");
        li.appendChild(el("div", "kg-fact", item.fact || ""));
        if (item.sentence) { li.appendChild(el("blockquote", "kg-quote", item.sentence)); }
        if (item.document) { li.appendChild(el("div", "kg-source", item.document)); }
        list.appendChild(li);
      });
      panelBody.appendChild(list);
    }
    if (answer.sparql) {
      var details = el("details", "kg-sparql");
      details.appendChild(el("summary", null, "SPARQL"));
      details.appendChild(el("pre", null, answer.sparql));
      panelBody.appendChild(details);
    }
    openPanel("answer", "");
    markAnswer(ids);
  }
  function ask(question) {
    return fetch(meta.ask + "?q=" + encodeURIComponent(question), {headers: {Accept: "application/json"}})
      .then(function (response) {
        if (!response.ok) {
          return response.text().then(function (text) { return {question: question, error: text}; });
        }
        return response.json();
      })
      .then(function (answer) { showAnswer(answer); return answer; },
            function (error) { var failed = {question: question, error: String(error)}; showAnswer(failed); return failed; });
  }
  if (meta.ask && byId("kg-ask")) {
    byId("kg-ask").addEventListener("submit", function (event) {
      event.preventDefault();
      var question = byId("kg-ask-input").value.trim();
      if (question) { ask(question); }
    });
  }

  network.once("afterDrawing", function () {
    if (window.performance && performance.mark) { performance.mark("kg-ready"); }
    document.body.dataset.kgReady = "true";
  });
  showOverview(meta.overview);
  window.kgFocus = function (label, hops) { return focusEntity(label, hops); };
  window.kg = {network: network, nodes: nodes, edges: edges, search: search, normalizeLabel: normalizeLabel,
               focus: focusEntity, focusNode: selectNode, showNode: showNode, showEdge: showEdge,
               showTable: showTable, showDocuments: showDocuments, showDocument: showDocument,
               showOverview: showOverview, closePanel: closePanel, exportPng: exportPng,
               setClassHidden: setClassHidden, setPredicateHidden: setPredicateHidden,
               setYears: setYears, state: state, entities: all, isolated: isolated, ask: ask};
})();
"""  # noqa: E501

PAGE = (
    """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; \
script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\
{% if page.ask %}; connect-src 'self'{% endif %}">
<meta name="generator" content="kg">
<title>{{ page.title }}</title>
<style>{% include 'lib/vis-9.1.2/vis-network.css' %}</style>
<style>
html, body { margin: 0; height: 100%; }
body { display: flex; flex-direction: column; color: #1f2933; background: #ffffff;
       font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans",
             "NanumGothic", sans-serif; }
header { padding: 6px 12px 4px; border-bottom: 1px solid #d9dee3; }
h1 { margin: 0; font-size: 19px; unicode-bidi: plaintext; white-space: nowrap; overflow: hidden;
     text-overflow: ellipsis; }
.kg-stats { margin: 0 0 4px; color: #52606d; font-size: 13px; }
.kg-row { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 10px; margin: 0 0 2px; }
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
.kg-year { width: 5em; font: inherit; }
details.kg-more { position: relative; }
details.kg-more summary { cursor: pointer; }
.kg-filters { position: absolute; z-index: 9; top: 100%; left: 0; width: min(640px, 90vw);
              display: flex; flex-wrap: wrap; gap: 2px 12px; padding: 6px 10px; font-size: 13px;
              background: #ffffff; box-shadow: 0 2px 8px #0003; }
main { flex: 1; display: flex; min-height: 0; position: relative; }
#kg-graph { flex: 1; min-height: 300px; min-width: 0; }
#kg-crumbs { position: absolute; top: 4px; right: 8px; z-index: 5; font-size: 13px;
             background: #ffffffd9; padding: 1px 6px; border-radius: 4px; }
#kg-crumbs:empty { display: none; }
.kg-crumb-here { font-weight: 600; }
.kg-legend { flex: none; list-style: none; margin: 0; padding: 6px 4px; display: flex;
             flex-direction: column; gap: 1px; overflow: auto; max-width: 210px;
             border-right: 1px solid #e4e7eb; font-size: 12px; }
.kg-class { border: 0; background: none; padding: 0 4px; font: inherit; cursor: pointer;
            text-align: left; white-space: nowrap; }
.kg-class[aria-pressed="false"] { opacity: 0.4; text-decoration: line-through; }
.kg-glyph { font-size: 13px; }
#kg-panel { position: absolute; top: 0; right: 0; bottom: 0; width: 420px; max-width: 60vw;
            border-left: 1px solid #d9dee3; display: flex; flex-direction: column;
            background: #fbfcfdf5; box-shadow: -2px 0 8px #0001; z-index: 8; }
#kg-panel[hidden] { display: none; }
#kg-panel-close { align-self: flex-end; margin: 6px 8px 0; font: inherit; cursor: pointer; }
#kg-panel-body { overflow: auto; padding: 0 14px 14px; unicode-bidi: plaintext; }
.kg-panel-title { font-size: 17px; margin: 4px 0 8px; overflow-wrap: anywhere; }
.kg-action { font: inherit; margin: 0 0 8px; cursor: pointer; }
.kg-fields { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 0; }
.kg-fields dt { color: #52606d; }
.kg-fields dd { margin: 0; overflow-wrap: anywhere; }
h3 { font-size: 14px; margin: 14px 0 4px; }
.kg-facts, .kg-docs { padding-left: 18px; margin: 0; }
.kg-facts > li, .kg-docs > li { margin-bottom: 10px; }
.kg-evidence { list-style: none; padding: 0; margin: 2px 0 0; }
.kg-answer { white-space: pre-wrap; }
.kg-sparql pre { white-space: pre-wrap; font-size: 12px; background: #f5f7fa; padding: 6px; }
.kg-ask { display: inline-flex; gap: 4px; }
.kg-quote { margin: 4px 0 0; padding-left: 8px; border-left: 3px solid #cbd2d9;
            font-style: italic; overflow-wrap: anywhere; }
.kg-source { color: #52606d; font-size: 12px; overflow-wrap: anywhere; }
.kg-link { border: 0; background: none; padding: 0; color: #1f4f99; cursor: pointer;
           font: inherit; text-decoration: underline; unicode-bidi: plaintext; text-align: left; }
.kg-pred { color: #3e4c59; }
.kg-table-controls { display: flex; flex-wrap: wrap; gap: 4px 8px; }
.kg-table-controls input[type=search] { width: 150px; font: inherit; }
.kg-table { border-collapse: collapse; width: 100%; font-size: 13px; }
.kg-table th { position: sticky; top: 0; background: #f0f2f4; text-align: left; }
.kg-table td { border-top: 1px solid #e4e7eb; padding: 1px 4px; overflow-wrap: anywhere; }
.kg-num { text-align: right; }
.kg-sort { border: 0; background: none; font: inherit; font-weight: 600; cursor: pointer;
           padding: 2px 4px; }
div.vis-tooltip { white-space: normal; max-width: 520px; padding: 6px 8px;
                  font: 13px/1.35 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
                  unicode-bidi: plaintext; }
.kg-tip-head { font-weight: bold; margin-bottom: 2px; }
.kg-tip-key { color: #52606d; }
.kg-tip-quote { margin-top: 4px; font-style: italic; }
.kg-tip-source, .kg-tip-note { color: #52606d; font-size: 12px; }
#kg-legend-toggle { display: none; }
/* A small frame (a notebook's show(), a narrow or low window): the title and the counts share
   a line, the toolbar drops its words, and the legend folds into a button over the drawing. */
@media (max-width: 760px), (max-height: 720px) {
  header { padding: 3px 8px 2px; display: flex; flex-wrap: wrap; align-items: baseline;
           column-gap: 10px; }
  h1 { font-size: 16px; flex: none; max-width: 45%; }
  .kg-stats { flex: 1; min-width: 0; margin: 0; font-size: 12px; white-space: nowrap;
              overflow: hidden; text-overflow: ellipsis; }
  .kg-row { flex-basis: 100%; gap: 2px 8px; font-size: 13px; }
  #kg-search { width: 150px; }
  .kg-year { width: 4.2em; }
  .kg-wide { display: none; }
  #kg-graph { min-height: 160px; }
  #kg-legend-toggle { display: block; position: absolute; top: 4px; left: 6px; z-index: 6;
                      font: 12px/1.4 inherit; cursor: pointer; }
  .kg-legend { display: none; position: absolute; top: 28px; left: 6px; z-index: 6;
               max-height: calc(100% - 36px); background: #fffffff2; border: 1px solid #d9dee3;
               box-shadow: 0 2px 8px #0002; }
  .kg-legend.kg-open { display: flex; }
}
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
{% if page.ask %}<form id="kg-ask" class="kg-ask" role="search"><input id="kg-ask-input" \
type="search" autocomplete="off" placeholder="Ask a question" aria-label="Ask the graph a \
question in plain English"> <button type="submit" id="kg-ask-button">Ask</button></form>
{% endif %}{% if page.levels %}<label><span class="kg-wide">Show </span><select id="kg-overview" \
aria-label="How many entities the overview shows">{% for size in page.levels %}\
<option value="{{ size }}"{% if size == page.overview %} selected{% endif %}>\
{{ "{:,}".format(size) }} of {{ "{:,}".format(page.total) }}</option>{% endfor %}\
</select></label>
{% endif %}<button type="button" id="kg-table">Entities</button>
<button type="button" id="kg-documents">Documents</button>
<label><span class="kg-wide">Colour by </span><select id="kg-color-by" aria-label="Colour by">\
<option value="class">class</option>\
<option value="community"{% if not page.communities %} disabled{% endif %}>community</option>\
</select></label>
<label><span class="kg-wide">Size by </span><select id="kg-size-by" aria-label="Size by">\
<option value="degree">relations</option><option value="mentions">mentions</option>\
</select></label>
{% if page.years %}<label>Years <input class="kg-year" id="kg-year-from" type="number" \
aria-label="From year"> – <input class="kg-year" id="kg-year-to" type="number" \
aria-label="To year"></label>
{% endif %}<details class="kg-more" id="kg-more"><summary>Relations</summary>\
<div class="kg-filters" id="kg-predicates" aria-label="Relation filter">
{% for name, count in page.predicates %}<label><input type="checkbox" class="kg-predicate" \
data-predicate="{{ name }}"{% if name != page.cooccurrence %} checked{% endif %}> \
{{ name }} ({{ count }})</label>
{% endfor %}</div></details>
<label class="kg-wide"><input type="checkbox" id="kg-physics"> Physics</label>
<button type="button" id="kg-export">Export PNG</button>
</div>
</header>
<main>
<button type="button" id="kg-legend-toggle" aria-controls="kg-legend" aria-expanded="false">\
Classes</button>
<ul class="kg-legend" id="kg-legend" aria-label="Entity classes (click to hide or show)">
{% for item in page.legend %}<li><button type="button" class="kg-class" \
data-cls="{{ item.cls }}" aria-pressed="true"><span class="kg-glyph" \
style="color: {{ item.color }}" aria-hidden="true">{{ item.glyph }}</span> {{ item.cls }} \
({{ item.count }})</button></li>
{% endfor %}</ul>
<div id="kg-graph"></div>
<nav id="kg-crumbs" aria-label="Where you are"></nav>
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
