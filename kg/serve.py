"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint over a graph file or a store.

The endpoint answers ``GET /sparql?query=…`` and ``POST /sparql`` (``application/sparql-query``
or an ``application/x-www-form-urlencoded`` form); ``/query`` is the same endpoint. ``/`` is
the interactive viewer of the graph and ``/graph.ttl`` the graph itself, both made once at
start. Queries run on pyoxigraph with the default graph as the union of all graphs (unless
the request names ``default-graph-uri``), and the standard kg prefixes are predeclared.

Safety, by default:

- binds 127.0.0.1; no CORS headers, so other web sites cannot read answers in a browser;
- updates (``update=``, ``application/sparql-update`` or an update in ``query=``) get 403,
  ``SERVICE`` (which would make the server fetch URLs) gets 400;
- a request body or query longer than ``max_body`` bytes gets 413;
- each query runs in its own forked process; when it takes longer than ``timeout`` seconds
  the process is killed (the work really stops) and the client gets 503;
- at most ``max_results`` rows (or triples) are returned; a longer answer is cut there and
  carries the headers ``KG-Result-Truncated: true`` and ``KG-Result-Limit: N``;
- at most ``workers`` queries run at once; a request that waits longer than the timeout for
  a free worker gets 503. The server uses a thread per request, so it stays responsive while
  a slow query runs.

Answers: SPARQL JSON, XML, CSV and TSV for SELECT and ASK; Turtle and N-Triples for
CONSTRUCT and DESCRIBE, chosen by the ``Accept`` header (or a ``format``/``output``
parameter, as Virtuoso-style clients send).

>>> parse_size("1MB"), parse_size("512k"), parse_size("2048")
(1048576, 524288, 2048)
>>> negotiate("select", "text/csv;q=0.5, application/sparql-results+xml")
'xml'
>>> negotiate("graph", "*/*"), negotiate("select", None)
('turtle', 'json')
>>> print(negotiate("graph", "text/csv"))
None
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import multiprocessing
import os
import re
import signal
import sys
import threading
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

import pyoxigraph as ox
from pyparsing import ParseBaseException, ParseResults
from rdflib import Graph
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue

from kg.errors import UsageError
from kg.store import PREFIXES

DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 7878
#: Above this many triples the viewer and /graph.ttl are not made (query /sparql instead).
VIEWER_MAX_TRIPLES = 300_000
ENDPOINT_PATHS = frozenset({"/sparql", "/query"})

#: Answer formats: name -> media type.
MEDIA_TYPES: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8",
    "nt": "application/n-triples",
}
_ACCEPTED: dict[str, tuple[tuple[str, str], ...]] = {  # query kind -> (media type, format)
    "select": (
        ("application/sparql-results+json", "json"), ("application/json", "json"),
        ("application/sparql-results+xml", "xml"), ("application/xml", "xml"),
        ("text/xml", "xml"), ("text/csv", "csv"), ("text/tab-separated-values", "tsv"),
    ),
    "graph": (
        ("text/turtle", "turtle"), ("application/x-turtle", "turtle"),
        ("application/n-triples", "nt"), ("text/plain", "nt"),
    ),
}
_FORMAT_PARAMS: dict[str, str] = {
    "json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv",
    "turtle": "turtle", "ttl": "turtle", "nt": "nt", "ntriples": "nt", "n-triples": "nt",
}
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_KINDS = {"SelectQuery": "select", "AskQuery": "ask", "ConstructQuery": "graph",
          "DescribeQuery": "graph"}


def parse_size(text: str) -> int:
    """A byte count from ``1MB``, ``512KB``, ``64k`` or a plain number."""
    match = re.fullmatch(r"\s*(\d+)\s*([kmg]?)i?b?\s*", text.lower())
    if not match:
        raise UsageError(f"{text!r} is not a size (use e.g. 1MB, 512KB or 65536)")
    return int(match[1]) * 1024 ** " kmg".index(match[2] or " ")


@dataclass(frozen=True)
class ServeOptions:
    """Where to listen and the limits of each request."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    timeout: float = 10.0
    max_results: int = 10_000
    max_body: int = 1 << 20
    workers: int = field(default_factory=lambda: max(2, os.cpu_count() or 2))


@dataclass(frozen=True)
class Reply:
    """One HTTP answer."""

    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


def _text(status: int, message: str) -> Reply:
    return Reply(status, "text/plain; charset=utf-8", (message.rstrip("\n") + "\n").encode())


# --- opening the data ----------------------------------------------------------------------


def open_file(path: Path) -> tuple[ox.Store, Graph]:
    """Load a graph file (read and checked as every kg command does) into an in-memory store."""
    from kg.store import load_graph

    graph = load_graph(Path(path))
    store = ox.Store()
    store.bulk_load(graph.serialize(format="nt", encoding="utf-8"), ox.RdfFormat.N_TRIPLES)
    return store, graph


def open_store(directory: Path) -> ox.Store:
    """Open a kg store (``kg build --store DIR``) read-only, through ``kg.oxstore``.

    Each query process opens the store's live generation again, so queries see a build
    that finished after ``kg serve`` started (the viewer and /graph.ttl stay as at start).
    """
    from kg.oxstore import open_store as open_kg_store

    return open_kg_store(Path(directory))


# --- negotiation and the request's query ---------------------------------------------------


def _accept(header: str | None) -> list[str]:
    """Media ranges of an Accept header, best first (stable among equal q)."""
    ranges: list[tuple[float, int, str]] = []
    for index, part in enumerate((header or "*/*").split(",")):
        items = [item.strip() for item in part.split(";")]
        quality = 1.0
        for item in items[1:]:
            if item.startswith("q="):
                try:
                    quality = float(item[2:])
                except ValueError:
                    quality = 0.0
        if items[0] and quality > 0:
            ranges.append((-quality, index, items[0].lower()))
    return [media for _, _, media in sorted(ranges)]


def negotiate(kind: str, accept: str | None, param: str | None = None) -> str | None:
    """The answer format for a query ``kind`` (select, ask, graph), or None (406)."""
    offered = _ACCEPTED["graph" if kind == "graph" else "select"]
    if param and _FORMAT_PARAMS.get(param.lower()) in {fmt for _, fmt in offered}:
        return _FORMAT_PARAMS[param.lower()]
    for media in _accept(accept):
        for offer, fmt in offered:
            if media in (offer, "*/*") or (media.endswith("/*") and
                                             offer.startswith(media[:-1])):
                return fmt
    return None


def _tree_nodes(node: Any) -> Iterator[CompValue]:
    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _tree_nodes(value)
    elif isinstance(node, list | tuple | ParseResults):
        for item in node:
            yield from _tree_nodes(item)


#: rdflib's SPARQL grammar (pyparsing) keeps state while it parses and is not thread-safe:
#: concurrent requests gave spurious syntax errors, so one thread parses at a time.
_PARSING = threading.Lock()


def classify(sparql: str) -> str:
    """``select``, ``ask`` or ``graph`` for a query; QueryRefused for anything else.

    >>> classify("ASK { ?s ?p ?o }")
    'ask'
    >>> classify("DELETE WHERE { ?s ?p ?o }")
    Traceback (most recent call last):
    ...
    kg.serve.QueryRefused: SPARQL updates are refused: kg serve is read-only
    """
    from kg.query import _parses_as_update, _syntax_error

    try:
        with _PARSING:
            tree = parseQuery(sparql)
    except ParseBaseException as err:
        with _PARSING:
            update = _parses_as_update(sparql, err.loc)
        if update:
            raise QueryRefused(403, "SPARQL updates are refused: kg serve is read-only") from None
        raise QueryRefused(400, str(_syntax_error(err))) from None
    except Exception as err:
        raise QueryRefused(400, f"SPARQL syntax error: {err}") from None
    if any(node.name == "ServiceGraphPattern" for node in _tree_nodes(tree)):
        raise QueryRefused(400, "SERVICE is not allowed: kg serve does not fetch other URLs")
    return _KINDS.get(getattr(tree[1], "name", ""), "select")


class QueryRefused(Exception):
    """A request kg serve answers with an error status before running anything."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


# --- result serialisers (run in the worker process) ----------------------------------------


def _json_term(term: Any) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        value: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            value["xml:lang"] = term.language
        elif term.datatype.value != _XSD_STRING:
            value["datatype"] = term.datatype.value
        return value
    return {"type": "triple", "value": {
        "subject": _json_term(term.subject), "predicate": _json_term(term.predicate),
        "object": _json_term(term.object)}}


def _xml_term(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{xml_escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{xml_escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            language = quoteattr(term.language)
            return f"<literal xml:lang={language}>{xml_escape(term.value)}</literal>"
        if term.datatype.value != _XSD_STRING:
            return (f"<literal datatype={quoteattr(term.datatype.value)}>"
                    f"{xml_escape(term.value)}</literal>")
        return f"<literal>{xml_escape(term.value)}</literal>"
    return f"<literal>{xml_escape(str(term))}</literal>"


def _csv_term(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode | ox.Literal):
        return str(term.value)
    return str(term)


def _tsv_term(term: Any) -> str:
    return "" if term is None else str(term).replace("\t", "\\t").replace("\n", "\\n")


def serialize_solutions(names: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str) -> bytes:
    """SELECT rows (pyoxigraph terms, None when unbound) in a SPARQL results format."""
    if fmt == "json":
        bindings = [{name: _json_term(term) for name, term in zip(names, row, strict=True)
                     if term is not None} for row in rows]
        document = {"head": {"vars": list(names)}, "results": {"bindings": bindings}}
        return json.dumps(document, ensure_ascii=False).encode("utf-8")
    if fmt == "xml":
        out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
               "<head>", *(f"<variable name={quoteattr(n)}/>" for n in names), "</head>",
               "<results>"]
        for row in rows:
            cells = "".join(f"<binding name={quoteattr(n)}>{_xml_term(t)}</binding>"
                            for n, t in zip(names, row, strict=True) if t is not None)
            out.append(f"<result>{cells}</result>")
        out += ["</results>", "</sparql>\n"]
        return "\n".join(out).encode("utf-8")
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(names)
        writer.writerows([_csv_term(term) for term in row] for row in rows)
        return buffer.getvalue().encode("utf-8")
    lines = ["\t".join(f"?{n}" for n in names)]
    lines += ["\t".join(_tsv_term(term) for term in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def serialize_boolean(value: bool, fmt: str) -> bytes:
    """An ASK answer in a SPARQL results format."""
    word = "true" if value else "false"
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt == "xml":
        return ('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head/><boolean>{word}</boolean></sparql>\n").encode()
    return f"{word}\r\n".encode() if fmt == "csv" else f"{word}\n".encode()


def _prefixes() -> dict[str, str]:
    return {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}


def execute(store: ox.Store, sparql: str, kind: str, fmt: str, max_results: int,
            default_graphs: Sequence[str] = (), named_graphs: Sequence[str] = ()) -> Reply:
    """Run one query on ``store`` and serialise at most ``max_results`` rows or triples."""
    dataset: dict[str, Any] = {"use_default_graph_as_union": not default_graphs}
    if default_graphs:
        dataset["default_graph"] = [ox.NamedNode(iri) for iri in default_graphs]
    if named_graphs:
        dataset["named_graphs"] = [ox.NamedNode(iri) for iri in named_graphs]
    try:
        outcome = store.query(sparql, prefixes=_prefixes(), **dataset)
        if kind == "ask" or isinstance(outcome, ox.QueryBoolean):
            return Reply(200, MEDIA_TYPES[fmt], serialize_boolean(bool(outcome), fmt))
        items = list(itertools.islice(outcome, max_results + 1))
        cut = len(items) > max_results
        items = items[:max_results]
        if isinstance(outcome, ox.QuerySolutions):
            names = [variable.value for variable in outcome.variables]
            rows = [[row[name] for name in names] for row in items]
            body = serialize_solutions(names, rows, fmt)
        else:
            rdf_format = ox.RdfFormat.TURTLE if fmt == "turtle" else ox.RdfFormat.N_TRIPLES
            prefixes = _prefixes() if fmt == "turtle" else None
            body = ox.serialize(items, format=rdf_format, prefixes=prefixes) or b""
    except (SyntaxError, ValueError, OSError, RuntimeError) as err:
        return _text(400, f"the query failed: {err}")
    headers = ((("KG-Result-Truncated", "true"), ("KG-Result-Limit", str(max_results)))
               if cut else ())
    return Reply(200, MEDIA_TYPES[fmt], body, headers)


def _worker(conn: Connection, store: ox.Store | None, directory: str | None,
            arguments: tuple[Any, ...]) -> None:
    """The body of a query process: run, send the reply back, exit."""
    try:
        opened = store if store is not None else open_store(Path(directory or ""))
        reply = execute(opened, *arguments)
    except BaseException as err:  # anything: the parent must get an answer
        reply = _text(500, f"the query process failed: {err}")
    conn.send((reply.status, reply.content_type, reply.body, reply.headers))
    conn.close()


# --- the service -----------------------------------------------------------------------------


class Service:
    """The state of one ``kg serve``: the store, the pages and the running query processes."""

    def __init__(self, store: ox.Store, options: ServeOptions, *, viewer: bytes,
                 turtle: bytes | None, directory: Path | None = None) -> None:
        self.store = store
        self.options = options
        self.viewer = viewer
        self.turtle = turtle
        self.directory = directory
        self.slots = threading.BoundedSemaphore(options.workers)
        self.running: set[multiprocessing.process.BaseProcess] = set()
        self.lock = threading.Lock()
        self.context = multiprocessing.get_context("fork")

    def answer(self, sparql: str, accept: str | None, param: str | None,
               default_graphs: Sequence[str] = (), named_graphs: Sequence[str] = ()) -> Reply:
        """Check, run (in a process, with the timeout) and serialise one query."""
        if len(sparql.encode("utf-8")) > self.options.max_body:
            return _text(413, f"the query is longer than {self.options.max_body} bytes")
        try:
            kind = classify(sparql)
        except QueryRefused as refused:
            return _text(refused.status, str(refused))
        fmt = negotiate(kind, accept, param)
        if fmt is None:
            wanted = ", ".join(offer for offer, _ in
                               _ACCEPTED["graph" if kind == "graph" else "select"])
            return _text(406, f"cannot answer this query in {accept!r}; use one of {wanted}")
        if not self.slots.acquire(timeout=self.options.timeout):
            return _text(503, "every query worker is busy; try again later")
        try:
            return self._run((sparql, kind, fmt, self.options.max_results,
                              tuple(default_graphs), tuple(named_graphs)))
        finally:
            self.slots.release()

    def _run(self, arguments: tuple[Any, ...]) -> Reply:
        receive, send = self.context.Pipe(duplex=False)
        in_memory = self.store if self.directory is None else None
        directory = str(self.directory) if self.directory is not None else None
        process = self.context.Process(
            target=_worker, args=(send, in_memory, directory, arguments), daemon=True
        )
        with self.lock:
            process.start()
            self.running.add(process)
        send.close()
        try:
            if not receive.poll(self.options.timeout):
                process.kill()
                return _text(503, f"the query ran longer than {self.options.timeout:g} s "
                                  "and was stopped")
            try:
                status, content_type, body, headers = receive.recv()
            except EOFError:
                return _text(500, "the query process ended without an answer")
            return Reply(status, content_type, body, tuple(headers))
        finally:
            receive.close()
            process.join(timeout=5)
            with self.lock:
                self.running.discard(process)

    def stop(self) -> None:
        """Kill every query process still running."""
        with self.lock:
            for process in list(self.running):
                process.kill()


class Handler(BaseHTTPRequestHandler):
    """HTTP for one request; ``service`` is set on a subclass per server."""

    service: Service
    server_version = "kg-serve"
    protocol_version = "HTTP/1.1"
    #: Seconds a client may stay silent (headers, body, keep-alive) before it is dropped, so
    #: idle connections do not hold threads for ever.
    timeout = 60

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:  # noqa: N802 (the http.server naming)
        url = urllib.parse.urlsplit(self.path)
        params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if url.path == "/":
            self._send(Reply(200, "text/html; charset=utf-8", self.service.viewer))
        elif url.path == "/graph.ttl":
            if self.service.turtle is None:
                self._send(_text(404, "the graph is too large to send whole; query /sparql"))
            else:
                self._send(Reply(200, "text/turtle; charset=utf-8", self.service.turtle))
        elif url.path in ENDPOINT_PATHS:
            if "update" in params:
                self._send(_text(403, "SPARQL updates are refused: kg serve is read-only"))
            elif "query" not in params:
                self._send(_text(400, "no query: pass it as ?query=…"))
            else:
                self._query(params)
        else:
            self._send(_text(404, f"{url.path}: not found (try / or /sparql)"))

    def do_POST(self) -> None:  # noqa: N802
        url = urllib.parse.urlsplit(self.path)
        params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if url.path not in ENDPOINT_PATHS:
            self._send(_text(403 if url.path in ("/update", "/store") else 404,
                             f"{url.path}: kg serve is read-only; query /sparql"))
            return
        body = self._body()
        if body is None:
            return
        media = (self.headers.get_content_type() or "").lower()
        if media == "application/sparql-update":
            self._send(_text(403, "SPARQL updates are refused: kg serve is read-only"))
        elif media == "application/sparql-query":
            params["query"] = [body.decode("utf-8", errors="replace")]
            self._query(params)
        elif media == "application/x-www-form-urlencoded":
            form = urllib.parse.parse_qs(body.decode("utf-8", errors="replace"),
                                         keep_blank_values=True)
            for key, values in form.items():
                params.setdefault(key, []).extend(values)
            if "update" in params:
                self._send(_text(403, "SPARQL updates are refused: kg serve is read-only"))
            elif "query" not in params:
                self._send(_text(400, "no query: the form has no query field"))
            else:
                self._query(params)
        else:
            self._send(_text(415, f"unsupported Content-Type {media!r}; use "
                                  "application/sparql-query or a form"))

    def _refuse_write(self) -> None:
        self._send(_text(405, "kg serve is read-only"), (("Allow", "GET, POST"),))

    do_PUT = do_DELETE = do_PATCH = _refuse_write

    def _body(self) -> bytes | None:
        """The request body, or None after answering 411/413."""
        if self.headers.get("Transfer-Encoding"):
            self._send(_text(411, "send a Content-Length (chunked bodies are not accepted)"),
                       close=True)
            return None
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self._send(_text(411, "a POST needs a Content-Length"), close=True)
            return None
        if length < 0:  # read(-1) would read until the client stops sending: no bound
            self._send(_text(400, "the Content-Length is negative"), close=True)
            return None
        if length > self.service.options.max_body:
            self._send(_text(413, f"the request body is longer than "
                                  f"{self.service.options.max_body} bytes"), close=True)
            return None
        return self.rfile.read(length)

    def _query(self, params: dict[str, list[str]]) -> None:
        if len(params["query"]) != 1:
            self._send(_text(400, "give exactly one query"))
            return
        param = (params.get("format") or params.get("output") or [""])[0] or None
        reply = self.service.answer(
            params["query"][0], self.headers.get("Accept"), param,
            params.get("default-graph-uri", []), params.get("named-graph-uri", []),
        )
        self._send(reply)

    def _send(self, reply: Reply, extra: Iterable[tuple[str, str]] = (), *,
              close: bool = False) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in (*reply.headers, *extra):
            self.send_header(name, value)
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        sys.stderr.write(f"kg serve: {self.address_string()} {format % args}\n")


def prepare(graph_path: Path | None, store_dir: Path | None,
            options: ServeOptions) -> Service:
    """Open the data and make the viewer page and /graph.ttl once."""
    from kg.export import serialize

    if (graph_path is None) == (store_dir is None):
        raise UsageError("give either a graph file or --store DIR")
    if graph_path is not None:
        store, graph = open_file(graph_path)
        name = graph_path.name
    else:
        assert store_dir is not None
        from kg.oxstore import load_graph_from_store

        store = open_store(store_dir)
        small = len(store) <= VIEWER_MAX_TRIPLES
        graph = load_graph_from_store(store_dir) if small else Graph()
        name = store_dir.name
    if len(graph) or len(store) == 0:
        viewer = serialize(graph, "html", title=f"Knowledge graph: {name}")
        turtle: bytes | None = serialize(graph, "turtle")
    else:
        viewer = (f"<!doctype html><meta charset=utf-8><title>kg serve</title><p>The graph has "
                  f"more than {VIEWER_MAX_TRIPLES} triples, too many to draw; query it at "
                  "<a href='/sparql'>/sparql</a>.").encode()
        turtle = None
    return Service(store, options, viewer=viewer, turtle=turtle,
                   directory=Path(store_dir) if store_dir is not None else None)


class _Server(ThreadingHTTPServer):
    #: Connections the kernel queues before accept (the default, 5, reset clients at once
    #: when dozens connected together).
    request_queue_size = 128


def serve(service: Service, *, announce: Callable[[str], None] | None = None) -> None:
    """Serve until SIGINT or SIGTERM; then stop the query processes and close the socket."""
    handler = type("BoundHandler", (Handler,), {"service": service})
    options = service.options
    try:
        httpd = _Server((options.host, options.port), handler)
    except OSError as err:
        raise UsageError(f"cannot listen on {options.host}:{options.port}: "
                         f"{err.strerror or err}") from None
    httpd.daemon_threads = True
    host, port = str(httpd.server_address[0]), int(httpd.server_address[1])
    stopping = threading.Event()

    def stop(_signum: int, _frame: object) -> None:
        if not stopping.is_set():
            stopping.set()
            threading.Thread(target=httpd.shutdown, daemon=True).start()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        if announce is not None:
            shown = f"[{host}]" if ":" in host else host
            announce(f"http://{shown}:{port}/")
        httpd.serve_forever(poll_interval=0.2)
    finally:
        service.stop()
        httpd.server_close()
        for sig, handler_before in previous.items():
            signal.signal(sig, handler_before)
