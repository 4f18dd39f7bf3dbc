"""Run read-only SPARQL queries on a graph and format the results.

The standard prefixes (kgo, kgr, rdf, rdfs, owl, xsd, skos, prov, dcterms, schema) are
predeclared, so a query may omit its PREFIX lines. Updates are refused, and so is anything
that would reach the network (``SERVICE``, ``FROM``): kg works offline.

>>> from rdflib import Graph, Literal, URIRef
>>> from rdflib.namespace import RDF, RDFS
>>> from kg.vocab import KGO
>>> graph = Graph()
>>> seoul = URIRef("https://w3id.org/kg/id/entity/seoul")
>>> _ = graph.add((seoul, RDF.type, KGO.City)).add((seoul, RDFS.label, Literal("Seoul")))
>>> result = run_query(graph, "SELECT ?place ?name WHERE { ?place a kgo:City ; rdfs:label ?name }")
>>> print(format_table(result))
place             name
----------------  -----
kgr:entity/seoul  Seoul
1 row
>>> format_csv(result).splitlines()
['place,name', 'https://w3id.org/kg/id/entity/seoul,Seoul']
>>> run_query(graph, "ASK { ?x a kgo:City }").boolean
True
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import multiprocessing
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from multiprocessing.connection import Connection
from typing import Any, TypeVar, cast

from pyparsing import ParseBaseException
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from kg.errors import KgError, QueryError, UsageError, visible
from kg.sparql.guard import checked_query
from kg.sparql.prefixes import PREFIXES as PREFIXES
from kg.sparql.prefixes import query_namespaces

T = TypeVar("T")

UPDATE_REFUSED = "SPARQL updates are not allowed: kg query is read-only"
TOO_DEEP = ("the query is nested too deeply or is too long for kg's SPARQL parser; "
            "split it into smaller queries")

#: Output formats of ``format_result``.
FORMATS: tuple[str, ...] = ("table", "csv", "json", "turtle")

Row = tuple[Node | None, ...]


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


def run_query(graph: Graph, sparql: str) -> QueryResult:
    """Run a SELECT, ASK, CONSTRUCT or DESCRIBE query on ``graph`` (never modifying it).

    Rows of a query without ORDER BY are sorted, so the same graph gives the same output.
    Raises ``QueryError`` for a syntax error (with line, column and a caret), an update, a
    ``SERVICE`` or ``FROM`` clause, or a failure while evaluating.
    """
    namespaces = query_namespaces(graph)
    prepared = prepare(sparql, namespaces)
    try:
        outcome = graph.query(prepared)
        if outcome.type == "ASK":
            return answer(prepared, namespaces, boolean=bool(outcome.askAnswer))
        if outcome.type == "SELECT":
            names = tuple(str(var) for var in outcome.vars or ())
            rows: list[Row] = [tuple(row) for row in outcome if isinstance(row, tuple)]
            return answer(prepared, namespaces, names=names, rows=rows)
        return answer(prepared, namespaces, graph=outcome.graph)
    except KgError:
        raise
    except Exception as err:  # evaluation errors of any kind: no traceback for the user
        raise QueryError(f"the query failed: {describe_error(err)}") from None


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
    query checked by :func:`prepare`: a truth value, rows (sorted unless the query orders
    them) or a graph (with the query's prefixes bound).

    >>> q = prepare("SELECT ?x WHERE { ?x ?p ?o }", {})
    >>> from rdflib import Literal
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


def with_timeout(task: Callable[[], T], seconds: float | None) -> T:
    """Run ``task`` in a forked process and stop it after ``seconds`` (None: no limit).

    The result comes back through a pipe, so it must pickle (a formatted answer does). A
    ``KgError`` raised by the task is raised here again with the same class and message;
    a task still running at the deadline is killed and gives ``QueryError``.

    >>> with_timeout(lambda: "done", 5)
    'done'
    >>> with_timeout(lambda: run_query(Graph(), "SELEC"), 5)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: SPARQL syntax error at line 1, column 1: ...
    """
    if seconds is None:
        return task()
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_timed_child, args=(send, task), daemon=True)
    process.start()
    send.close()
    try:
        if not receive.poll(seconds):
            process.kill()
            raise QueryError(
                f"the query ran longer than {seconds:g} s and was stopped; "
                "simplify it or raise --timeout"
            )
        try:
            ok, value = receive.recv()
        except EOFError:
            raise QueryError("the query process ended without an answer") from None
    finally:
        receive.close()
        process.join(timeout=5)
    if ok:
        return cast(T, value)
    kind, message = value
    raise (kind if isinstance(kind, type) and issubclass(kind, KgError) else QueryError)(message)


def _timed_child(send: Connection, task: Callable[[], object]) -> None:
    """The body of a ``with_timeout`` process: run, send (ok, value) or (False, error)."""
    try:
        reply: tuple[bool, object] = (True, task())
    except KgError as err:
        reply = (False, (type(err) if type(err).__init__ is KgError.__init__ else QueryError,
                         str(err)))
    except BaseException as err:  # anything: the parent must get an answer
        reply = (False, (QueryError, f"the query failed: {str(err).strip() or type(err).__name__}"))
    send.send(reply)
    send.close()


def prepare(sparql: str, namespaces: Mapping[str, str]) -> Query:
    """Parse and translate a read-only query with ``namespaces`` predeclared: updates,
    ``SERVICE`` and ``FROM`` are refused, and a syntax error shows its line and column
    (``QueryError``). Every engine kg queries (rdflib, Oxigraph, an endpoint) checks here.

    The text is first checked by :func:`kg.sparql.guard.checked_query`; an engine other than
    rdflib must run the text that function returns, so that the check holds for what it runs.
    """
    sparql = checked_query(sparql)
    try:
        tree = parseQuery(sparql)
    except ParseBaseException as err:
        if parses_as_update(sparql, err.loc):
            raise QueryError(UPDATE_REFUSED) from None
        raise syntax_error(err) from None
    except RecursionError:
        raise QueryError(TOO_DEEP) from None
    except Exception as err:
        raise QueryError(f"SPARQL syntax error: {describe_error(err)}") from None
    try:
        query = translateQuery(tree, initNs=namespaces)
    except RecursionError:
        raise QueryError(TOO_DEEP) from None
    except Exception as err:
        raise QueryError(f"cannot run the query: {describe_error(err)}") from None
    _check_offline(query)
    return query


def parses_as_update(sparql: str, query_error_at: int) -> bool:
    """True when ``sparql`` is an update, or gets further as an update than as a query.

    A malformed update (``INSERT DATA { <a> <b> }``) fails as both at its start and is
    reported as a syntax error; an update followed by junk still counts as an update.
    """
    try:
        update = parseUpdate(sparql)
    except ParseBaseException as err:
        return bool(err.loc > query_error_at)
    except Exception:  # rdflib fails this way on a prologue with no operation
        return False
    return bool(update.request)


def syntax_error(err: ParseBaseException) -> QueryError:
    r"""A QueryError naming the line and column, echoing the line with a caret under it.

    >>> from pyparsing import ParseException
    >>> print(syntax_error(ParseException("SELECT ?x\nWHERE { ?x ?y }}", 25, "Expected end of text")))
    SPARQL syntax error at line 2, column 16: unexpected text after the end of the query
      WHERE { ?x ?y }}
                     ^
    """  # noqa: E501
    line, column = err.lineno, err.col
    text = err.line.rstrip("\r\n")
    pad = "".join("\t" if char == "\t" else " " for char in text[: column - 1])
    return QueryError(
        f"SPARQL syntax error at line {line}, column {column}: {_reason(str(err.msg))}\n"
        f"  {text}\n  {pad}^"
    )


def _reason(message: str) -> str:
    """Say pyparsing's most common complaints in words a SPARQL user knows.

    >>> _reason("Expected SelectQuery")
    'the SELECT query cannot be read from here on'
    """
    if message.startswith("Expected {SelectQuery | ConstructQuery"):
        return "expected SELECT, CONSTRUCT, DESCRIBE or ASK"
    if message == "Expected end of text":
        return "unexpected text after the end of the query"
    kind = re.fullmatch(r"Expected (Select|Construct|Describe|Ask)Query", message)
    if kind:
        return f"the {kind[1].upper()} query cannot be read from here on"
    return message


def _check_offline(query: Query) -> None:
    """Refuse what rdflib would fetch over the network: FROM graphs and SERVICE calls."""
    if query.algebra.get("datasetClause"):
        raise QueryError(
            "FROM and FROM NAMED are not supported: kg query runs on the loaded graph only"
        )
    if any(node.name == "ServiceGraphPattern" for node in _algebra_nodes(query.algebra)):
        raise QueryError("SERVICE is not supported: kg query works offline")


def _algebra_nodes(node: Any) -> Iterator[CompValue]:
    """Every algebra operator in a translated query, depth first."""
    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _algebra_nodes(value)
    elif isinstance(node, list | tuple):
        for item in node:
            yield from _algebra_nodes(item)


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


def describe_error(err: Exception) -> str:
    """An exception's message, or its class name when it has none."""
    text = str(err).strip()
    return text or type(err).__name__


# --- formatting ------------------------------------------------------------------------------

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


def _csv_cell(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def format_csv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results CSV (CRLF line ends); ASK gives a one-column ``_askResult``."""
    if result.kind == "graph":
        raise UsageError("CSV is for SELECT and ASK results; format a graph result as turtle")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if result.kind == "ask":
        writer.writerows([["_askResult"], ["true" if result.boolean else "false"]])
    else:
        writer.writerow(result.vars)
        writer.writerows([_csv_cell(term) for term in row] for row in result.rows)
    return buffer.getvalue()


def _json_term(term: Node) -> dict[str, str]:
    """One RDF term in the SPARQL 1.1 JSON results format.

    >>> from rdflib.namespace import XSD
    >>> _json_term(Literal("0.85", datatype=XSD.decimal))["datatype"]
    'http://www.w3.org/2001/XMLSchema#decimal'
    >>> _json_term(Literal("Corée", lang="fr"))
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


def format_json(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results JSON (the boolean form for ASK); a graph gives JSON-LD."""
    if result.kind == "graph":
        assert result.graph is not None
        expanded = json.loads(result.graph.serialize(format="json-ld"))
        return json.dumps(_stable_jsonld(expanded), indent=2, ensure_ascii=False) + "\n"
    document: dict[str, Any]
    if result.kind == "ask":
        document = {"head": {}, "boolean": bool(result.boolean)}
    else:
        bindings = [
            {name: _json_term(term) for name, term in zip(result.vars, row, strict=True)
             if term is not None}
            for row in result.rows
        ]
        document = {"head": {"vars": list(result.vars)}, "results": {"bindings": bindings}}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


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


def format_turtle(result: QueryResult) -> str:
    """A CONSTRUCT or DESCRIBE result as Turtle."""
    if result.kind != "graph" or result.graph is None:
        raise UsageError("Turtle is for CONSTRUCT and DESCRIBE results; use table, csv or json")
    return result.graph.serialize(format="turtle")


def format_result(result: QueryResult, fmt: str) -> str:
    """Format ``result`` as one of ``FORMATS`` (``ttl`` is accepted for ``turtle``)."""
    formatters = {
        "table": format_table, "csv": format_csv, "json": format_json,
        "turtle": format_turtle, "ttl": format_turtle,
    }
    if fmt not in formatters:
        raise UsageError(f"unknown result format {fmt!r} (use one of {', '.join(FORMATS)})")
    return formatters[fmt](result)


# --- named queries ---------------------------------------------------------------------------


def named_queries() -> tuple[str, ...]:
    """The names of the queries shipped in ``kg/queries/*.rq``, sorted.

    >>> "entities" in named_queries()
    True
    """
    folder = resources.files("kg").joinpath("queries")
    return tuple(sorted(
        entry.name[: -len(".rq")] for entry in folder.iterdir() if entry.name.endswith(".rq")
    ))


def named_query(name: str) -> str:
    """The SPARQL text of a shipped query; UsageError with suggestions for an unknown name.

    >>> named_query("entitys")
    Traceback (most recent call last):
    ...
    kg.errors.UsageError: no named query 'entitys'; did you mean 'entities'?
    """
    names = named_queries()
    if name not in names:
        close = difflib.get_close_matches(name, names, n=3)
        hint = (
            f"; did you mean {' or '.join(repr(c) for c in close)}?" if close
            else f" (available: {', '.join(names)})"
        )
        raise UsageError(f"no named query {name!r}{hint}")
    return (resources.files("kg") / "queries" / f"{name}.rq").read_text(encoding="utf-8")
