"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint over a graph file or a store.

The endpoint answers ``GET /sparql?query=…`` and ``POST /sparql`` (``application/sparql-query``
or an ``application/x-www-form-urlencoded`` form); ``/query`` is the same endpoint.
``GET /ask?q=…`` answers a plain-English question as ``kg ask --format json`` does. ``/`` is
the interactive viewer of the graph and ``/graph.ttl`` the graph itself, both made once at
start. Queries run on pyoxigraph with the default graph as the union of all graphs (unless
the request names ``default-graph-uri``), and the standard kg prefixes are predeclared.

Safety, by default:

- binds 127.0.0.1; no CORS headers, so other web sites cannot read answers in a browser;
- answers only requests whose ``Host`` names the address it listens on (or a name given
  with ``allow_hosts``), so a DNS-rebinding page cannot reach it (421 otherwise);
- updates (``update=``, ``application/sparql-update`` or an update in ``query=``) get 403,
  ``SERVICE`` (which would make the server fetch URLs) gets 400: the check is made on the
  text Oxigraph runs (``kg.sparql.guard``);
- a request body or query longer than ``max_body`` bytes gets 413;
- each query is parsed and run in its own forked process, so no request holds a lock that
  others wait on; when it takes longer than ``timeout`` seconds the process is killed (the
  work really stops) and the client gets 503. A process may use ``max_memory`` bytes of
  memory beyond what it starts with (``RLIMIT_AS``); one that needs more stops with 503;
- at most ``max_results`` rows (or triples) and ``max_bytes`` bytes are returned; a longer
  answer is cut there and carries the headers ``KG-Result-Truncated: true`` and
  ``KG-Result-Limit: N`` (or ``KG-Result-Limit-Bytes: N``);
- at most ``workers`` queries run at once. Queries that have run for a while give way: the
  process is reniced, and when every worker is busy and another request waits, the query
  that has run longest (past ``PREEMPT_AFTER`` seconds) is stopped with 503, so a trivial
  query keeps answering while heavy ones run. The server uses a thread per request;
- the viewer page is sent with a strict ``Content-Security-Policy`` (its own inline scripts
  by hash, no network), and every answer with ``X-Content-Type-Options: nosniff`` and
  ``Referrer-Policy: no-referrer``.

Answers: SPARQL JSON, XML, CSV and TSV for SELECT and ASK; Turtle, N-Triples, RDF/XML and
JSON-LD for CONSTRUCT and DESCRIBE, chosen by the ``Accept`` header and its q values (or a
``format``/``output`` parameter, as Virtuoso-style clients send). The SPARQL handling is
``kg.sparql``'s, as for ``kg query``: the check and classification of the query
(``kg.sparql.prepare``), the writers of every format (``kg.sparql.results``) and the timed,
memory-capped, preemptible process each query runs in (``kg.sparql.runner``).

>>> parse_size("1MB"), parse_size("512k"), parse_size("2048")
(1048576, 524288, 2048)
>>> negotiate("select", "text/csv;q=0.5, application/sparql-results+xml")
'xml'
>>> negotiate("graph", "*/*"), negotiate("select", None), negotiate("graph", "application/rdf+xml")
('turtle', 'json', 'rdfxml')
>>> print(negotiate("graph", "text/csv"))
None
"""
from __future__ import annotations

import base64
import hashlib
import ipaddress
import itertools
import json
import re
import signal
import socket
import sys
import threading
import urllib.parse
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.ask.engine import Source
from kg.errors import KgError, QueryError, ServeError, UsageError, visible
from kg.sparql.guard import checked_query
from kg.sparql.prefixes import standard_namespaces
from kg.sparql.prepare import UpdateRefused
from kg.sparql.prepare import classify as classify_query
from kg.sparql.results import (
    MEDIA_TYPES,
    Body,
    NotXml,
    serialize_boolean,
    serialize_solutions,
    serialize_triples,
)
from kg.sparql.runner import Limits, Runner, Stopped, TaskFailed

if TYPE_CHECKING:
    from kg.graphs import GraphSource

DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 7878
#: Above this many triples the viewer and /graph.ttl are not made (query /sparql instead).
VIEWER_MAX_TRIPLES = 300_000
ENDPOINT_PATHS = frozenset({"/sparql", "/query"})
#: Seconds a query runs before it gives way: its process is reniced, and it may be stopped
#: to make room when every worker is busy and another request waits.
PREEMPT_AFTER = 1.0
ALLOWED_METHODS = "GET, HEAD, POST, OPTIONS"
UPDATES_REFUSED = "SPARQL updates are refused: kg serve is read-only"

_ACCEPTED: dict[str, tuple[tuple[str, str], ...]] = {  # query kind -> (media type, format)
    "select": (
        ("application/sparql-results+json", "json"), ("application/json", "json"),
        ("application/sparql-results+xml", "xml"), ("application/xml", "xml"),
        ("text/xml", "xml"), ("text/csv", "csv"), ("text/tab-separated-values", "tsv"),
    ),
    "graph": (
        ("text/turtle", "turtle"), ("application/x-turtle", "turtle"),
        ("application/n-triples", "nt"), ("text/plain", "nt"),
        ("application/rdf+xml", "rdfxml"), ("application/xml", "rdfxml"),
        ("text/xml", "rdfxml"), ("application/ld+json", "jsonld"),
        ("application/json", "jsonld"),
    ),
}
_FORMAT_PARAMS: dict[str, str] = {
    "json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv",
    "turtle": "turtle", "ttl": "turtle", "nt": "nt", "ntriples": "nt", "n-triples": "nt",
    "rdfxml": "rdfxml", "rdf/xml": "rdfxml", "rdf": "rdfxml",
    "jsonld": "jsonld", "json-ld": "jsonld",
}


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
    workers: int = 16
    max_bytes: int = 8 << 20
    max_memory: int = 512 << 20
    allow_hosts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reply:
    """One HTTP answer."""

    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class QueryRequest:
    """What a client asked: the checked query text and how it wants the answer."""

    sparql: str
    accept: str | None = None
    param: str | None = None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    question: str | None = None  # a plain-English question for /ask instead of a query


def _text(status: int, message: str) -> Reply:
    return Reply(status, "text/plain; charset=utf-8", (message.rstrip("\n") + "\n").encode())


# --- opening the data ----------------------------------------------------------------------


def open_store(directory: Path) -> ox.Store:
    """Open a kg store (``kg build --store DIR``) read-only, through ``kg.graphs.store``.

    Each query process opens the store's live generation again, so queries see a build
    that finished after ``kg serve`` started (the viewer and /graph.ttl stay as at start).
    """
    from kg.graphs.store import open_store as open_kg_store

    return open_kg_store(Path(directory))


# --- negotiation and the request's query ---------------------------------------------------


def _accept(header: str | None) -> list[str]:
    """Media ranges of an Accept header, best first (stable among equal q)."""
    ranges: list[tuple[float, int, str]] = []
    for index, part in enumerate((header or "*/*").split(",")):
        items = [item.strip() for item in part.split(";")]
        quality = 1.0
        for item in items[1:]:
            if item.replace(" ", "").startswith("q="):
                try:
                    quality = float(item.split("=", 1)[1])
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


def classify(sparql: str) -> str:
    """``select``, ``ask`` or ``graph`` for a query (``kg.sparql.prepare.classify``), or
    QueryRefused with the status to answer: 403 for an update, 400 for anything else.

    It parses with rdflib, which can take long on a hostile query: the server calls it only
    in a query's own timed process, never in a request thread.

    >>> classify("ASK { ?s ?p ?o }")
    'ask'
    >>> classify("DELETE WHERE { ?s ?p ?o }")
    Traceback (most recent call last):
    ...
    kg.serve.QueryRefused: SPARQL updates are refused: kg serve is read-only
    """
    try:
        return classify_query(sparql)
    except UpdateRefused:
        raise QueryRefused(403, UPDATES_REFUSED) from None
    except QueryError as err:
        raise QueryRefused(400, str(err)) from None


class QueryRefused(Exception):
    """A request kg serve answers with an error status before running anything."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


# --- running a request's query (in its worker process) -------------------------------------


def execute(store: ox.Store, sparql: str, kind: str, fmt: str, max_results: int,
            default_graphs: Sequence[str] = (), named_graphs: Sequence[str] = (),
            max_bytes: int | None = None) -> Reply:
    """Run one checked query on ``store``; serialise at most ``max_results`` rows or triples
    and ``max_bytes`` bytes."""
    dataset: dict[str, Any] = {"use_default_graph_as_union": not default_graphs}
    if default_graphs:
        dataset["default_graph"] = [ox.NamedNode(iri) for iri in default_graphs]
    if named_graphs:
        dataset["named_graphs"] = [ox.NamedNode(iri) for iri in named_graphs]
    try:
        outcome = store.query(sparql, prefixes=standard_namespaces(), **dataset)
        if isinstance(outcome, ox.QueryBoolean):
            return Reply(200, MEDIA_TYPES[fmt], serialize_boolean(outcome, fmt))
        if isinstance(outcome, ox.QuerySolutions):
            body = serialize_solutions(outcome, fmt, max_results, max_bytes)
        else:
            items = list(itertools.islice(outcome, max_results + 1))
            over = len(items) > max_results
            body = serialize_triples(items[:max_results], fmt, max_bytes)
            if over and body.cut is None:
                body = Body(body.data, "rows", body.items)
    except NotXml as err:
        return _text(406, str(err))
    except MemoryError:
        return _text(503, "the query needed more memory than this server allows per query")
    except (SyntaxError, ValueError, OSError, RuntimeError) as err:
        return _text(400, f"the query failed: {err}")
    if body.cut is None:
        return Reply(200, MEDIA_TYPES[fmt], body.data)
    if body.cut == "bytes" and not body.items:
        return _text(503, f"the answer's first item is larger than the {max_bytes}-byte limit")
    limit = ("KG-Result-Limit", str(max_results)) if body.cut == "rows" else (
        "KG-Result-Limit-Bytes", str(max_bytes))
    return Reply(200, MEDIA_TYPES[fmt], body.data, (("KG-Result-Truncated", "true"), limit))


def respond_question(source: Source, question: str, max_bytes: int) -> Reply:
    """``kg ask``'s answer to a question, as JSON (in its worker process)."""
    from kg.ask import ask

    try:
        answer = ask(source, question)
    except QueryError as err:
        return _text(400, str(err))
    body = json.dumps(answer.to_dict(), ensure_ascii=False, indent=2).encode("utf-8")
    if len(body) > max_bytes:
        return _text(503, f"the answer is larger than the {max_bytes}-byte limit; "
                          "ask a narrower question")
    return Reply(200, "application/json", body)


def respond(store: ox.Store, request: QueryRequest, options: ServeOptions) -> Reply:
    """Classify, negotiate and run one request's query (in its worker process)."""
    try:
        kind = classify(request.sparql)
    except QueryRefused as refused:
        return _text(refused.status, str(refused))
    fmt = negotiate(kind, request.accept, request.param)
    if fmt is None:
        wanted = ", ".join(offer for offer, _ in
                           _ACCEPTED["graph" if kind == "graph" else "select"])
        return _text(406, f"cannot answer this query in {request.accept!r}; "
                          f"use one of {wanted}")
    return execute(store, request.sparql, kind, fmt, options.max_results,
                   request.default_graphs, request.named_graphs, options.max_bytes)


# --- the service -----------------------------------------------------------------------------


class Service:
    """The state of one ``kg serve``: the store, the pages and the running query processes."""

    def __init__(self, store: ox.Store, options: ServeOptions, *, viewer: bytes,
                 turtle: bytes | None, directory: Path | None = None) -> None:
        self.store = store
        self.options = options
        self.viewer = viewer
        self.viewer_policy = content_security_policy(viewer)
        self.turtle = turtle
        self.directory = directory
        self.runner = Runner(Limits(timeout=options.timeout, workers=options.workers,
                                    max_memory=options.max_memory, preempt_after=PREEMPT_AFTER))
        for warm_up in ("ASK { ?s ?p ?o }", "SELECT * { ?s ?p ?o } LIMIT 1"):
            classify(warm_up)  # the parser's first use is slow: pay it once, before forking
        self.source = self._question_source()

    def _question_source(self) -> Source:
        """What /ask questions run on; its entity names are read once, here, before forking."""
        from kg.ask import oxigraph_source, store_source

        if self.directory is not None:
            source = store_source(self.directory)
        else:
            source = oxigraph_source(self.store, standard_namespaces())
        try:
            source.names()
        except QueryError:
            pass  # an empty or odd graph: each question will say what is wrong
        return source

    def ask(self, question: str) -> Reply:
        """Answer a plain-English question (``kg ask``) in a timed process, as JSON."""
        if len(question.encode("utf-8")) > self.options.max_body:
            return _text(413, f"the question is longer than {self.options.max_body} bytes")
        if not question.strip():
            return _text(400, "no question: pass it as /ask?q=…")
        return self._run(QueryRequest("", question=question))

    def answer(self, sparql: str, accept: str | None, param: str | None,
               default_graphs: Sequence[str] = (), named_graphs: Sequence[str] = ()) -> Reply:
        """Check, run (in a process, with the timeout) and serialise one query."""
        if len(sparql.encode("utf-8")) > self.options.max_body:
            return _text(413, f"the query is longer than {self.options.max_body} bytes")
        try:
            text = checked_query(sparql)
            for iri in (*default_graphs, *named_graphs):
                _graph_name(iri)
        except QueryError as err:
            return _text(400, str(err))
        request = QueryRequest(text, accept, param, tuple(default_graphs), tuple(named_graphs))
        return self._run(request)

    def _run(self, request: QueryRequest) -> Reply:
        """Answer ``request`` in a process of its own, within the limits (``kg.sparql.runner``).

        A store folder is opened in that process, before its memory is capped, so that each
        query sees the store's live generation.
        """
        opened: list[ox.Store] = []

        def open_data() -> None:
            opened.append(self.store if self.directory is None else open_store(self.directory))

        def work() -> Reply:
            if request.question is not None:
                return respond_question(self.source, request.question, self.options.max_bytes)
            return respond(opened[0], request, self.options)

        try:
            return self.runner.run(work, setup=None if request.question else open_data)
        except Stopped as err:
            return _text(503, str(err))
        except TaskFailed as err:
            return _text(500, str(err))
        except KgError as err:
            return _text(500, f"the query process failed: {err}")

    def stop(self) -> None:
        """Kill every query process still running."""
        self.runner.stop()


def _graph_name(iri: str) -> ox.NamedNode:
    """A dataset parameter as a graph name; QueryError when it is not an absolute IRI."""
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        node = None
    if node is None or ":" not in iri:
        raise QueryError(f"default-graph-uri/named-graph-uri {visible(iri)!r} "
                         "is not an absolute IRI")
    return node


_SCRIPT = re.compile(rb"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S | re.I)


def content_security_policy(page: bytes) -> str:
    """A strict policy for a page: its inline scripts by hash, no network, no framing.

    >>> content_security_policy(b"<script>go()</script>").split("; ")[:2]
    ["default-src 'none'", "script-src 'sha256-5KYv+PUboo5h+0+YAtGRPbwv5d/QxzHslP4YGnUaxRw='"]
    """
    hashes = sorted({
        "'sha256-" + base64.b64encode(hashlib.sha256(match["body"]).digest()).decode() + "'"
        for match in _SCRIPT.finditer(page)
        if b"application/json" not in match["attrs"].lower()
    })
    return "; ".join([
        "default-src 'none'", f"script-src {' '.join(hashes) or chr(39) + 'none' + chr(39)}",
        "style-src 'unsafe-inline'", "img-src data: blob:", "font-src data:",
        "connect-src 'self'", "base-uri 'none'", "form-action 'none'",
        "frame-ancestors 'none'",
    ])


def allowed_hosts(host: str, port: int, extra: Sequence[str] = ()) -> frozenset[str]:
    """The ``Host`` header values a server on ``host:port`` answers (lower case).

    >>> sorted(allowed_hosts("127.0.0.1", 8000))
    ['127.0.0.1:8000', '[::1]:8000', 'localhost:8000']
    """
    names = {host.lower(), *(name.lower() for name in extra)}
    loopback = is_loopback(host)
    if loopback:
        names |= {"localhost", "127.0.0.1", "::1"}
    if host in ("0.0.0.0", "::", ""):
        names |= {socket.gethostname().lower(), socket.getfqdn().lower(), "localhost"}
    with_port = set()
    for name in names:
        shown = f"[{name}]" if ":" in name and not name.startswith("[") else name
        with_port.add(f"{shown}:{port}")
        if port == 80:
            with_port.add(shown)
    return frozenset(with_port)


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address or ``localhost``."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host.lower() == "localhost"


def _is_ip_literal(host: str) -> bool:
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    if name.startswith("[") and "]" in name:
        name = name[1:name.index("]")]
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class Handler(BaseHTTPRequestHandler):
    """HTTP for one request; ``service`` and ``hosts`` are set on a subclass per server."""

    service: Service
    hosts: frozenset[str] = frozenset()
    any_ip_host: bool = False
    server_version = "kg-serve"
    protocol_version = "HTTP/1.1"
    #: Seconds a client may stay silent (headers, body, keep-alive) before it is dropped, so
    #: idle connections do not hold threads for ever.
    timeout = 60

    def version_string(self) -> str:
        return self.server_version

    def _host_ok(self) -> bool:
        """Answer 421 (and False) unless the Host header names this server."""
        hosts = self.headers.get_all("Host") or []
        if len(hosts) > 1:
            self._send(_text(400, "more than one Host header"), close=True)
            return False
        if not hosts:
            if self.request_version == "HTTP/1.0":
                return True
            self._send(_text(400, "an HTTP/1.1 request needs a Host header"), close=True)
            return False
        host = hosts[0].strip().lower()
        if host in self.hosts or (self.any_ip_host and _is_ip_literal(host)):
            return True
        self._send(_text(421, f"this server does not answer for host {visible(host)!r}; "
                              "start it with --allow-host NAME to allow a name"), close=True)
        return False

    def do_GET(self) -> None:  # noqa: N802 (the http.server naming)
        if not self._host_ok():
            return
        url = urllib.parse.urlsplit(self.path)
        params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if url.path == "/":
            self._send(Reply(200, "text/html; charset=utf-8", self.service.viewer),
                       (("Content-Security-Policy", self.service.viewer_policy),))
        elif url.path == "/graph.ttl":
            if self.service.turtle is None:
                self._send(_text(404, "the graph is too large to send whole; query /sparql"))
            else:
                self._send(Reply(200, "text/turtle; charset=utf-8", self.service.turtle))
        elif url.path in ENDPOINT_PATHS:
            if "update" in params:
                self._send(_text(403, UPDATES_REFUSED))
            elif "query" not in params:
                self._send(_text(400, "no query: pass it as ?query=…"))
            else:
                self._query(params)
        elif url.path == "/ask":
            questions = params.get("q", [])
            if len(questions) != 1:
                self._send(_text(400, "ask one question: /ask?q=…"))
            else:
                self._send(self.service.ask(questions[0]))
        else:
            self._send(_text(404, f"{visible(url.path)}: not found (try /, /sparql or /ask)"))

    do_HEAD = do_GET  # noqa: N815 (the same answer; _send leaves out the body)

    def do_OPTIONS(self) -> None:  # noqa: N802
        if self._host_ok():
            self._send(Reply(204, "text/plain; charset=utf-8", b""),
                       (("Allow", ALLOWED_METHODS),))

    def do_POST(self) -> None:  # noqa: N802
        if not self._host_ok():
            return
        url = urllib.parse.urlsplit(self.path)
        params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if url.path not in ENDPOINT_PATHS:
            self._send(_text(403 if url.path in ("/update", "/store") else 404,
                             f"{visible(url.path)}: kg serve is read-only; query /sparql"))
            return
        body = self._body()
        if body is None:
            return
        media = (self.headers.get_content_type() or "").lower()
        if media == "application/sparql-update":
            self._send(_text(403, UPDATES_REFUSED))
        elif media == "application/sparql-query":
            params["query"] = [body.decode("utf-8", errors="replace")]
            self._query(params)
        elif media == "application/x-www-form-urlencoded":
            form = urllib.parse.parse_qs(body.decode("utf-8", errors="replace"),
                                         keep_blank_values=True)
            for key, values in form.items():
                params.setdefault(key, []).extend(values)
            if "update" in params:
                self._send(_text(403, UPDATES_REFUSED))
            elif "query" not in params:
                self._send(_text(400, "no query: the form has no query field"))
            else:
                self._query(params)
        else:
            self._send(_text(415, f"unsupported Content-Type {visible(media)!r}; use "
                                  "application/sparql-query or a form"))

    def _refuse_write(self) -> None:
        self._send(_text(405, "kg serve is read-only"), (("Allow", ALLOWED_METHODS),))

    do_PUT = do_DELETE = do_PATCH = _refuse_write

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        """http.server's own errors (bad request line, unknown method) as plain text."""
        text = message or self.responses.get(code, ("error",))[0]
        extra = (("Allow", ALLOWED_METHODS),) if code in (405, 501) else ()
        self._send(_text(code, visible(text)), extra, close=True)

    def _body(self) -> bytes | None:
        """The request body, or None after answering 400/411/413."""
        if self.headers.get("Transfer-Encoding"):
            self._send(_text(411, "send a Content-Length (chunked bodies are not accepted)"),
                       close=True)
            return None
        lengths = self.headers.get_all("Content-Length") or []
        if len(lengths) > 1:
            self._send(_text(400, "more than one Content-Length header"), close=True)
            return None
        if not lengths:
            self._send(_text(411, "a POST needs a Content-Length"), close=True)
            return None
        text = lengths[0].strip()
        if not re.fullmatch(r"[0-9]{1,18}", text):
            self._send(_text(400, f"the Content-Length {visible(text)!r} is not a byte "
                                  "count"), close=True)
            return None
        length = int(text)
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
        self.send_header("Referrer-Policy", "no-referrer")
        for name, value in (*reply.headers, *extra):
            self.send_header(name, value)
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        sys.stderr.write(f"kg serve: {self.address_string()} {visible(format % args)}\n")


def prepare(graph_path: Path | None, store_dir: Path | None,
            options: ServeOptions) -> Service:
    """Open the data and make the viewer page and /graph.ttl once."""
    from kg.export import serialize

    if (graph_path is None) == (store_dir is None):
        raise UsageError("give either a graph file or --store DIR")
    source: GraphSource
    if graph_path is not None:
        from kg.graphs.file import FileSource

        source = FileSource(Path(graph_path))  # read and checked as every kg command does
        store, name = source.store, graph_path.name
        drawn = True
    else:
        assert store_dir is not None
        from kg.graphs.store import StoreSource

        source = StoreSource(store_dir)
        store, name = source.store, store_dir.name
        drawn = len(store) <= VIEWER_MAX_TRIPLES
    if drawn:
        from kg.viz.html import ViewOptions, render_networkx

        options_page = ViewOptions(title=f"Knowledge graph: {name}", ask="/ask")
        viewer = render_networkx(source.view_network(), options_page).encode("utf-8")
        turtle: bytes | None = serialize(source.to_rdflib(), "turtle")
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
    options = service.options
    handler: type[Handler] = type("BoundHandler", (Handler,), {"service": service})
    try:
        httpd = _Server((options.host, options.port), handler)
    except OSError as err:
        raise ServeError(f"cannot listen on {options.host}:{options.port}: "
                         f"{err.strerror or err}") from None
    httpd.daemon_threads = True
    host, port = str(httpd.server_address[0]), int(httpd.server_address[1])
    handler.hosts = allowed_hosts(options.host, port, options.allow_hosts)
    handler.any_ip_host = options.host in ("0.0.0.0", "::", "")
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
