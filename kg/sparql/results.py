r"""Query results: what a query gave, and every format kg writes it in.

A :class:`QueryResult` is what every graph source answers (``kg query``, the Python API):
rows of rdflib terms in a stable order, a truth value, or an rdflib Graph. ``kg serve`` does
not make one: it writes what the store answered straight away, cut to its limits
(:func:`serialize_solutions`, :func:`serialize_boolean`, :func:`serialize_triples`).

The SPARQL results formats (JSON, XML, CSV, TSV) are written from pyoxigraph's answers in
both cases: ``kg serve`` has the store's answer, and ``kg query`` turns its rows into SPARQL
JSON with :func:`json_term` (the one JSON term encoder) that pyoxigraph parses back. JSON, XML
and TSV come from pyoxigraph's own serialisers; only ``kg query``'s JSON keeps kg's indented
layout. CSV is kg's own, because pyoxigraph's leaves an IRI that holds a comma unquoted.
kg also writes what pyoxigraph has no form for: the text table, the ``_askResult`` CSV of an
ASK answer, and graphs as Turtle and JSON-LD (rdflib) for ``kg query``. XML answers are made
well-formed the same way everywhere: a carriage return is written ``&#13;``, and a character
that XML 1.0 cannot carry refuses the answer (:class:`NotXml`).

>>> from rdflib import Literal, URIRef
>>> seoul = URIRef("https://w3id.org/kg/id/entity/seoul")
>>> result = QueryResult("select", ("place", "name"), ((seoul, Literal("Seoul")),),
...                      namespaces=(("kgr", "https://w3id.org/kg/id/"),))
>>> print(format_table(result))
place             name
----------------  -----
kgr:entity/seoul  Seoul
1 row
>>> format_result(result, "csv")
'place,name\r\nhttps://w3id.org/kg/id/entity/seoul,Seoul\r\n'
>>> format_result(result, "tsv")
'?place\t?name\n<https://w3id.org/kg/id/entity/seoul>\t"Seoul"\n'
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, cast

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from kg.errors import QueryError, UsageError, visible
from kg.sparql.prefixes import standard_namespaces

#: Output formats of ``format_result`` (``kg query --format``).
FORMATS: tuple[str, ...] = ("table", "csv", "json", "xml", "tsv", "turtle")

#: Answer formats of ``kg serve``: name -> media type.
MEDIA_TYPES: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8",
    "nt": "application/n-triples",
    "rdfxml": "application/rdf+xml",
    "jsonld": "application/ld+json",
}

#: The SPARQL results formats pyoxigraph writes.
RESULTS_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
}
_RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML, "jsonld": ox.RdfFormat.JSON_LD,
}
#: What XML 1.0 cannot hold, even as a character reference.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

Row = tuple[Node | None, ...]


class NotXml(QueryError):
    """An answer holds a character that XML 1.0 cannot carry."""


@dataclass(frozen=True)
class QueryResult:
    """The outcome of a query: rows (``select``), a truth value (``ask``) or a graph (``graph``).

    ``namespaces`` are the (prefix, IRI) bindings used to show IRIs compactly.
    """

    kind: str
    vars: tuple[str, ...] = ()
    rows: tuple[Row, ...] = ()
    boolean: bool | None = None
    graph: Graph | None = field(default=None, compare=False)
    namespaces: tuple[tuple[str, str], ...] = ()


def answer(
    prepared: Query,
    namespaces: Mapping[str, str],
    *,
    boolean: bool | None = None,
    names: tuple[str, ...] = (),
    rows: list[Row] | None = None,
    graph: Graph | None = None,
) -> QueryResult:
    """The QueryResult of what an engine (rdflib, Oxigraph, a remote endpoint) answered to a
    query checked by ``kg.sparql.prepare.prepare``: a truth value, rows (sorted unless the
    query orders them) or a graph (with the query's prefixes bound).

    >>> from kg.sparql.prepare import prepare
    >>> q = prepare("SELECT ?x WHERE { ?x ?p ?o }", {})
    >>> answer(q, {}, names=("x",), rows=[(Literal("b"),), (Literal("a"),)]).rows
    ((rdflib.term.Literal('a'),), (rdflib.term.Literal('b'),))
    """
    if boolean is not None:
        return QueryResult("ask", boolean=boolean)
    if rows is not None:
        ordered = _select_rows(rows, _has_order_by(prepared.algebra))
        return QueryResult("select", names, ordered, namespaces=_sorted(namespaces))
    result = _result_graph(graph if graph is not None else Graph(), namespaces)
    return QueryResult("graph", graph=result, namespaces=_sorted(namespaces))


_SOLUTION_MODIFIERS = frozenset({"SelectQuery", "Slice", "Distinct", "Reduced", "Project"})


def _has_order_by(algebra: CompValue) -> bool:
    """True when the outermost query orders its rows (an ORDER BY in a subquery does not count).

    >>> from rdflib.plugins.sparql import prepareQuery
    >>> _has_order_by(prepareQuery("SELECT ?s { ?s ?p ?o } ORDER BY ?s LIMIT 2").algebra)
    True
    >>> _has_order_by(prepareQuery("SELECT * { { SELECT ?s { ?s ?p ?o } ORDER BY ?s } }").algebra)
    False
    """
    node: Any = algebra
    while isinstance(node, CompValue):
        if node.name == "OrderBy":
            return True
        if node.name not in _SOLUTION_MODIFIERS:
            return False
        node = node.get("p")
    return False


def _select_rows(rows: list[Row], ordered: bool) -> tuple[Row, ...]:
    """Rows in a stable order, with blank nodes renamed b0, b1, … by first appearance."""
    if not ordered:
        rows = sorted(rows, key=lambda row: tuple(_term_key(term) for term in row))
    names: dict[BNode, BNode] = {}

    def rename(term: Node | None) -> Node | None:
        if isinstance(term, BNode):
            return names.setdefault(term, BNode(f"b{len(names)}"))
        return term

    return tuple(tuple(rename(term) for term in row) for row in rows)


def _term_key(term: Node | None) -> tuple[int, str, str]:
    """A sort key for a result cell: unbound, blank nodes, IRIs, then literals."""
    if term is None:
        return (0, "", "")
    if isinstance(term, BNode):
        return (1, "", "")
    if isinstance(term, Literal):
        return (3, str(term), str(term.datatype or term.language or ""))
    return (2, str(term), "")


def _result_graph(result: Graph | None, namespaces: Mapping[str, str]) -> Graph:
    """A CONSTRUCT/DESCRIBE result as a graph with the query's prefixes and stable bnodes."""
    source: Graph = Graph()
    if result is not None:
        source = result
        if any(isinstance(term, BNode) for triple in result for term in triple):
            source = to_canonical_graph(result)
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in _sorted(namespaces):
        graph.bind(prefix, namespace, override=True, replace=True)
    for triple in source:
        graph.add(triple)
    return graph


def _sorted(namespaces: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(namespaces.items()))


# --- a QueryResult as text (kg query, the API) ------------------------------------------------

_COMPACT_REST = re.compile(r"[^\s<>\"{}|^`\\]+")


def compact(iri: str, namespaces: tuple[tuple[str, str], ...]) -> str:
    """Show an IRI as ``prefix:rest`` using the longest matching namespace, else ``<iri>``.

    >>> compact("https://w3id.org/kg/id/entity/seoul", (("kgr", "https://w3id.org/kg/id/"),))
    'kgr:entity/seoul'
    >>> compact("http://example.org/x", (("kgr", "https://w3id.org/kg/id/"),))
    '<http://example.org/x>'
    """
    best, shown = "", f"<{iri}>"
    for prefix, namespace in namespaces:
        rest = iri[len(namespace) :]
        fits = iri.startswith(namespace) and _COMPACT_REST.fullmatch(rest) is not None
        if fits and len(namespace) > len(best):
            best, shown = namespace, f"{prefix}:{rest}"
    return shown


def _cell(term: Node | None, namespaces: tuple[tuple[str, str], ...]) -> str:
    """How a term reads in a text table: compact IRIs, literals as their plain text."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return compact(str(term), namespaces)
    if isinstance(term, BNode):
        return f"_:{term}"
    return visible(" ".join(str(term).split()))


def format_table(result: QueryResult) -> str:
    """An aligned text table with a row count; ASK gives true/false, a graph gives Turtle."""
    if result.kind == "ask":
        return "true" if result.boolean else "false"
    if result.kind == "graph":
        return format_turtle(result)
    header = list(result.vars)
    body = [[_cell(term, result.namespaces) for term in row] for row in result.rows]
    widths = [max([len(name)] + [len(row[i]) for row in body]) for i, name in enumerate(header)]
    lines = [header, ["-" * width for width in widths], *body]
    text = ["  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
            for line in lines]
    count = len(result.rows)
    text.append(f"{count} row" if count == 1 else f"{count} rows")
    return "\n".join(text)


def json_term(term: Node) -> dict[str, str]:
    """One RDF term in the SPARQL 1.1 JSON results format (kg's one JSON term encoder; its
    inverse, for answers of a remote endpoint, is ``kg.remote.parse_term``).

    >>> from rdflib.namespace import XSD
    >>> json_term(Literal("0.85", datatype=XSD.decimal))["datatype"]
    'http://www.w3.org/2001/XMLSchema#decimal'
    >>> json_term(Literal("Corée", lang="fr"))
    {'type': 'literal', 'value': 'Corée', 'xml:lang': 'fr'}
    """
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    value: dict[str, str] = {"type": "literal", "value": str(term)}
    if isinstance(term, Literal) and term.language:
        value["xml:lang"] = term.language
    elif isinstance(term, Literal) and term.datatype:
        value["datatype"] = str(term.datatype)
    return value


def sparql_json(result: QueryResult) -> dict[str, Any]:
    """A SELECT or ASK result as a SPARQL 1.1 Query Results JSON document.

    >>> sparql_json(QueryResult("ask", boolean=True))
    {'head': {}, 'boolean': True}
    """
    if result.kind == "graph":
        raise UsageError("SPARQL results formats are for SELECT and ASK results; "
                         "format a graph result as turtle or json")
    if result.kind == "ask":
        return {"head": {}, "boolean": bool(result.boolean)}
    bindings = [
        {name: json_term(term) for name, term in zip(result.vars, row, strict=True)
         if term is not None}
        for row in result.rows
    ]
    return {"head": {"vars": list(result.vars)}, "results": {"bindings": bindings}}


def format_json(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results JSON (the boolean form for ASK), indented; a graph gives
    JSON-LD."""
    if result.kind == "graph":
        assert result.graph is not None
        expanded = json.loads(result.graph.serialize(format="json-ld"))
        return json.dumps(_stable_jsonld(expanded), indent=2, ensure_ascii=False) + "\n"
    return json.dumps(sparql_json(result), indent=2, ensure_ascii=False) + "\n"


def _stable_jsonld(node: Any) -> Any:
    """Sort JSON-LD node lists and value arrays (sets in RDF), never an ``@list``'s items.

    >>> _stable_jsonld([{"@id": "b", "p": [{"@id": "z"}, {"@id": "y"}]}, {"@id": "a"}])
    [{'@id': 'a'}, {'@id': 'b', 'p': [{'@id': 'y'}, {'@id': 'z'}]}]
    """
    if isinstance(node, dict):
        return {
            key: [_stable_jsonld(item) for item in value] if key == "@list"
            else _stable_jsonld(value)
            for key, value in sorted(node.items())
        }
    if isinstance(node, list):
        items = [_stable_jsonld(item) for item in node]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    return node


def _results_format(result: QueryResult, fmt: str) -> str:
    """A SELECT or ASK result in a SPARQL results format, written by pyoxigraph."""
    document = json.dumps(sparql_json(result), ensure_ascii=False).encode("utf-8")
    parsed = ox.parse_query_results(document, ox.QueryResultsFormat.JSON)
    if isinstance(parsed, ox.QueryBoolean):
        return serialize_boolean(parsed, fmt).decode("utf-8")
    return serialize_solutions(parsed, fmt).data.decode("utf-8")


def format_csv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results CSV (CRLF line ends); ASK gives a one-column ``_askResult``."""
    if result.kind == "ask":
        return f"_askResult\r\n{'true' if result.boolean else 'false'}\r\n"
    return _results_format(result, "csv")


def format_xml(result: QueryResult) -> str:
    """SPARQL Query Results XML; ``NotXml`` when a value holds what XML 1.0 cannot carry."""
    return _results_format(result, "xml")


def format_tsv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results TSV (terms as in Turtle); ASK gives ``true`` or ``false``."""
    return _results_format(result, "tsv")


def format_turtle(result: QueryResult) -> str:
    """A CONSTRUCT or DESCRIBE result as Turtle."""
    if result.kind != "graph" or result.graph is None:
        raise UsageError("Turtle is for CONSTRUCT and DESCRIBE results; "
                         "use table, csv, json, xml or tsv")
    return result.graph.serialize(format="turtle")


def format_result(result: QueryResult, fmt: str) -> str:
    """Format ``result`` as one of ``FORMATS`` (``ttl`` is accepted for ``turtle``)."""
    formatters: dict[str, Callable[[QueryResult], str]] = {
        "table": format_table, "csv": format_csv, "json": format_json, "xml": format_xml,
        "tsv": format_tsv, "turtle": format_turtle, "ttl": format_turtle,
    }
    if fmt not in formatters:
        raise UsageError(f"unknown result format {fmt!r} (use one of {', '.join(FORMATS)})")
    return formatters[fmt](result)


# --- a store's answer as bytes, cut to limits (kg serve) ------------------------------------


@dataclass(frozen=True)
class Body:
    """A serialised answer and why it was cut short, if it was: ``rows`` or ``bytes``."""

    data: bytes
    cut: str | None = None
    items: int = 0


def xml_text(value: str) -> str:
    r"""``value`` (XML text pyoxigraph wrote) made well-formed: a carriage return survives as
    ``&#13;``; ``NotXml`` for a character XML 1.0 cannot carry.

    >>> xml_text("a &lt; b\r\n")
    'a &lt; b&#13;\n'
    >>> xml_text("bell\x07")
    Traceback (most recent call last):
    ...
    kg.sparql.results.NotXml: the answer holds U+0007, which XML 1.0 cannot carry; ask for JSON
    """
    bad = _NOT_XML.search(value)
    if bad:
        raise NotXml(f"the answer holds U+{ord(bad[0]):04X}, which XML 1.0 cannot carry; "
                     "ask for JSON")
    return value.replace("\r", "&#13;")


class _Full(Exception):
    """Raised into pyoxigraph's serialiser to stop it: the sink holds enough."""


class _Sink:
    """A binary sink for pyoxigraph that stops the writing once it holds more than ``limit``
    bytes, or more than ``max_rows`` rows when each row's end can be counted (``row_end``,
    seen ``uncounted`` times outside the rows), so a huge answer is never written whole."""

    def __init__(self, limit: int | None, max_rows: int | None = None,
                 row_end: bytes | None = None, uncounted: int = 0) -> None:
        self.parts: list[bytes] = []
        self.size = 0
        self.limit = limit
        self.max_rows = max_rows if row_end else None
        self.row_end = row_end or b""
        self.rows = -uncounted  # a row end cut in two by a write is not counted: fewer, safe

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        self.size += len(data)
        if self.limit is not None and self.size > self.limit:
            raise _Full
        if self.max_rows is not None:
            self.rows += data.count(self.row_end)
            if self.rows > self.max_rows:
                raise _Full
        return len(data)

    def flush(self) -> None:
        pass


_JSON = json.JSONDecoder()


def _json_rows(text: str, start: int) -> Iterator[int]:
    position = start
    while position < len(text) and text[position] != "]":
        if position > start:
            if text[position] != ",":
                return
            position += 1
        try:
            _, position = _JSON.raw_decode(text, position)
        except ValueError:
            return
        yield position


def _found_rows(text: str, start: int, end: str) -> Iterator[int]:
    position = start
    while (found := text.find(end, position)) >= 0:
        position = found + len(end)
        yield position


#: How pyoxigraph lays out each results format it writes for kg: where the rows begin
#: (after this text), the end of each row (no value can look like one), the text after them.
_LAYOUTS: dict[str, tuple[str, Callable[[str, int], Iterator[int]], str]] = {
    "json": ('"bindings":[', _json_rows, "]}}"),
    "xml": ("<results>", lambda text, start: _found_rows(text, start, "</result>"),
            "</results></sparql>"),
    "tsv": ("\n", lambda text, start: _found_rows(text, start, "\n"), ""),
}
#: Row ends that the sink counts as the bytes come (and how often the head holds one), so
#: that pyoxigraph stops soon after ``max_rows`` rows; a JSON row end needs a parse.
_ROW_ENDS: dict[str, tuple[bytes, int]] = {"xml": (b"</result>", 0), "tsv": (b"\n", 1)}


def _by_pyoxigraph(solutions: ox.QuerySolutions, fmt: str, max_rows: int | None,
                   max_bytes: int | None) -> tuple[str, Iterator[str], str, bool]:
    """The head, rows and tail of what pyoxigraph writes, stopped soon after ``max_bytes``
    bytes (or ``max_rows`` rows), and whether it was stopped."""
    row_end, uncounted = _ROW_ENDS.get(fmt, (None, 0))
    sink = _Sink(max_bytes, max_rows, row_end, uncounted)
    try:
        solutions.serialize(cast(IO[bytes], sink), RESULTS_FORMATS[fmt])
        stopped = False
    except _Full:
        stopped = True
    # a character cut in two by the sink is after the last whole row
    text = b"".join(sink.parts).decode("utf-8", errors="replace")
    begin, row_ends, tail = _LAYOUTS[fmt]
    head_end = text.find(begin)
    if head_end < 0:
        return "", iter(()), "", True
    head_end += len(begin)

    def rows() -> Iterator[str]:
        start = head_end
        for end in row_ends(text, head_end):
            yield text[start:end]
            start = end

    return text[:head_end], rows(), tail, stopped


def _csv_line(cells: Sequence[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(cells)
    return buffer.getvalue()


def _csv_cell(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode | ox.Literal):
        return str(term.value)
    return str(term)


def _by_kg_csv(solutions: ox.QuerySolutions) -> tuple[str, Iterator[str], str, bool]:
    """SPARQL 1.1 CSV written by kg, row by row as the solutions come.

    pyoxigraph's CSV is not used: it leaves an IRI holding a comma (``urn:x,y``, DBpedia's
    ``Washington,_D.C.``) unquoted, which splits the cell in two.
    """
    names = [variable.value for variable in solutions.variables]
    rows = (_csv_line([_csv_cell(solution[name]) for name in names]) for solution in solutions)
    return _csv_line(names), rows, "", False


def serialize_solutions(solutions: ox.QuerySolutions, fmt: str, max_rows: int | None = None,
                        max_bytes: int | None = None) -> Body:
    r"""SELECT rows from pyoxigraph in a SPARQL results format (JSON, XML and TSV written by
    pyoxigraph, CSV by kg), cut after ``max_rows`` rows or before the row that would pass
    ``max_bytes`` bytes; the writing stops soon after either limit.

    >>> store = ox.Store()
    >>> store.extend([ox.Quad(ox.NamedNode(f"urn:s{n}"), ox.NamedNode("urn:p"),
    ...                       ox.Literal(str(n))) for n in range(5)])
    >>> def rows():
    ...     return store.query("SELECT ?n { ?s ?p ?n } ORDER BY ?n")
    >>> serialize_solutions(rows(), "csv", max_rows=2)
    Body(data=b'n\r\n0\r\n1\r\n', cut='rows', items=2)
    >>> serialize_solutions(rows(), "tsv", max_bytes=12)
    Body(data=b'?n\n"0"\n"1"\n', cut='bytes', items=2)
    >>> serialize_solutions(rows(), "json", max_rows=1).data
    b'{"head":{"vars":["n"]},"results":{"bindings":[{"n":{"type":"literal","value":"0"}}]}}'
    """
    if fmt == "csv":
        head, rows, tail, stopped = _by_kg_csv(solutions)
    else:
        head, rows, tail, stopped = _by_pyoxigraph(solutions, fmt, max_rows, max_bytes)
    if not head:
        return Body(b"", "bytes", 0)
    room = None if max_bytes is None else max_bytes - len(tail.encode("utf-8"))
    kept = [head]
    size, count, cut = len(head.encode("utf-8")), 0, None
    for row in rows:
        if max_rows is not None and count >= max_rows:
            cut = "rows"
            break
        piece = xml_text(row) if fmt == "xml" else row
        length = len(piece.encode("utf-8"))
        if room is not None and size + length > room:
            cut = "bytes"
            break
        kept.append(piece)
        size += length
        count += 1
    else:
        if stopped:  # pyoxigraph had more to write than it was let
            cut = "rows" if max_rows is not None and count >= max_rows else "bytes"
    return Body(("".join(kept) + tail).encode("utf-8"), cut, count)


def serialize_boolean(value: ox.QueryBoolean, fmt: str) -> bytes:
    r"""An ASK answer from pyoxigraph in a SPARQL results format; CSV and TSV end the line.

    >>> store = ox.Store()
    >>> serialize_boolean(store.query("ASK { ?s ?p ?o }"), "csv")
    b'false\r\n'
    """
    data = value.serialize(format=RESULTS_FORMATS[fmt]) or b""
    return data + (b"\r\n" if fmt == "csv" else b"\n" if fmt == "tsv" else b"")


def _turtle_prefixes() -> dict[str, str]:
    """Prefixes for Turtle answers: only those whose names need no escaped ``/``.

    kg's resource IRIs (``kgr:entity/…``) would read ``kgr:entity\\/…``: they are written whole.
    """
    return {prefix: iri for prefix, iri in standard_namespaces().items() if iri.endswith("#")
            or prefix in ("schema", "dcterms", "prov")}


def serialize_triples(triples: Sequence[Any], fmt: str, max_bytes: int | None = None) -> Body:
    """CONSTRUCT or DESCRIBE triples (pyoxigraph's) in an RDF format (``turtle``, ``nt``,
    ``rdfxml``, ``jsonld``), written by pyoxigraph and cut to at most ``max_bytes`` bytes."""
    rdf_format = _RDF_FORMATS[fmt]
    if fmt == "rdfxml":
        for triple in triples:
            if isinstance(triple.object, ox.Literal):
                xml_text(triple.object.value)  # raises NotXml
    count, cut = len(triples), None
    while True:
        chosen = list(triples[:count])
        prefixes = _turtle_prefixes() if fmt == "turtle" else None
        data = ox.serialize(chosen, format=rdf_format, prefixes=prefixes) or b""
        if fmt == "rdfxml":
            data = data.replace(b"\r", b"&#13;")
        if max_bytes is None or len(data) <= max_bytes:
            return Body(data, cut, count)
        cut = "bytes"
        count = min(count - 1, count * max_bytes // max(len(data), 1))
        if count <= 0:
            return Body(b"", cut, 0)
