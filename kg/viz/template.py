"""The Jinja template of the HTML view, rendered by pyvis's ``Network.generate_html``.

Everything is inline: the vis-network script and stylesheet come from pyvis's own
``templates/lib`` folder through ``{% include %}``; nothing links to the network.
Untrusted text (labels, aliases, sentences, titles) reaches the page only in two ways:
Jinja-escaped inside markup (autoescape is on) or as JSON inside
``<script type="application/json">`` blocks (see ``kg.viz.html.script_json``), which the
page's script parses and turns into DOM nodes with ``textContent``, never ``innerHTML``.

Variables: ``page`` (title, stats, legend, co-occurrence count, options) is a global of the
environment; ``nodes`` and ``edges`` are the lists pyvis passes to every template.

>>> "{% include 'lib/vis-9.1.2/vis-network.min.js' %}" in PAGE
True
"""

from __future__ import annotations

__all__ = ["PAGE", "PAGE_NAME"]

PAGE_NAME = "kg-network.html"

# The script of the page. Tooltip rows are [kind, key, value]; every string is set with
# textContent or createTextNode, so markup in the data shows as text.
_SCRIPT = r"""
(function () {
  "use strict";
  var KINDS = {head: "kg-tip-head", field: "kg-tip-field", quote: "kg-tip-quote",
               source: "kg-tip-source", note: "kg-tip-note"};

  function read(id) {
    return JSON.parse(document.getElementById(id).textContent);
  }

  function tooltip(rows) {
    var box = document.createElement("div");
    box.className = "kg-tip";
    rows.forEach(function (row) {
      var line = document.createElement("div");
      line.className = KINDS[row[0]] || KINDS.field;
      if (row[1]) {
        var key = document.createElement("span");
        key.className = "kg-tip-key";
        key.textContent = row[1] + ": ";
        line.appendChild(key);
      }
      line.appendChild(document.createTextNode(row[2]));
      box.appendChild(line);
    });
    return box;
  }

  function withTooltips(items) {
    items.forEach(function (item) {
      item.title = tooltip(item.tip || []);
      delete item.tip;
    });
    return items;
  }

  var nodes = new vis.DataSet(withTooltips(read("kg-nodes")));
  var edgeList = withTooltips(read("kg-edges"));
  var cooccurrence = edgeList.filter(function (edge) { return edge.cooccurrence; })
                             .map(function (edge) { return edge.id; });
  var edges = new vis.DataSet(edgeList);
  var container = document.getElementById("kg-graph");
  var network = new vis.Network(container, {nodes: nodes, edges: edges}, read("kg-options"));
  window.kgNetwork = network;

  var toggle = document.getElementById("kg-show-cooccurrence");
  function sync() {
    edges.update(cooccurrence.map(function (id) { return {id: id, hidden: !toggle.checked}; }));
  }
  if (toggle) {
    toggle.addEventListener("change", sync);
    sync();
  }
})();
"""

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
       font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header { padding: 8px 16px; border-bottom: 1px solid #d9dee3; }
h1 { margin: 0; font-size: 20px; }
.kg-stats { margin: 2px 0 6px; color: #52606d; }
.kg-controls { margin: 0 0 6px; }
.kg-legend { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap;
             gap: 2px 16px; }
.kg-legend li { white-space: nowrap; }
.kg-glyph { font-size: 16px; }
#kg-graph { flex: 1; min-height: 420px; }
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
<p class="kg-stats" id="kg-stats">{{ page.stats }}</p>
{% if page.cooccurrence %}<p class="kg-controls"><label><input type="checkbox" \
id="kg-show-cooccurrence"> Show co-occurrence links (mentionedWith, {{ page.cooccurrence }})\
</label></p>
{% endif %}<ul class="kg-legend" id="kg-legend" aria-label="Entity classes">
{% for item in page.legend %}<li><span class="kg-glyph" style="color: {{ item.color }}" \
aria-hidden="true">{{ item.glyph }}</span> {{ item.cls }} ({{ item.count }})</li>
{% endfor %}</ul>
</header>
<div id="kg-graph"></div>
<noscript><p>This view needs JavaScript to draw the graph.</p></noscript>
<script type="application/json" id="kg-nodes">{{ nodes|script_json }}</script>
<script type="application/json" id="kg-edges">{{ edges|script_json }}</script>
<script type="application/json" id="kg-options">{{ page.options|script_json }}</script>
<script>"""
    + _SCRIPT
    + """</script>
</body>
</html>
"""
)
