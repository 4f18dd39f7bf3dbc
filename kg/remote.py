"""Any SPARQL 1.1 server as the store: a small Protocol and Graph Store Protocol client.

``Endpoint`` speaks the SPARQL 1.1 Protocol (queries and updates, POSTed as forms) and the
Graph Store Protocol (a whole named graph PUT as N-Triples), on the standard library only.
It works with Oxigraph server, Apache Jena Fuseki, GraphDB, Virtuoso, QLever and Amazon
Neptune. Every query kg sends names its graphs (``GRAPH ?g`` or ``default-graph-uri``),
because servers differ in whether the default graph is the union of all graphs.

Connection errors and 5xx answers are retried a bounded number of times with a growing
pause; after that, or at once for a 4xx answer, an ``EndpointError`` names the URL, the HTTP
status and what the server said.

``push_build`` stores a build as one named graph per document plus the entities graph
(``kg.rdf.Emitter``), skipping documents the endpoint already holds unchanged and dropping
the graphs of documents replaced by a new version of the same source.

>>> endpoint = Endpoint("http://127.0.0.1:7878/query", token="s3cret")
>>> endpoint.headers()["Authorization"]
'Bearer s3cret'
>>> Endpoint("http://h/q", user="ann", password="pw").headers()["Authorization"]
'Basic YW5uOnB3'
>>> parse_term({"type": "literal", "value": "Seoul", "xml:lang": "ko"})
rdflib.term.Literal('Seoul', lang='ko')
"""

from __future__ import annotations

import base64
import http.client
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from kg.errors import EndpointError, GraphParseError, UsageError
from kg.rdf import ENTITIES_GRAPH, Triple, document_graph_iri
from kg.sparql.prefixes import bind_prefixes, standard_namespaces
from kg.vocab import DEFAULT_BASE, KGO

if TYPE_CHECKING:
    from kg.build import BuildResult
    from kg.sparql.results import QueryResult

Row = tuple[Node | None, ...]

#: What kg asks for: SPARQL JSON results for SELECT/ASK, N-Triples (else Turtle) for graphs.
RESULTS_JSON = "application/sparql-results+json"
GRAPH_TYPES = "application/n-triples, text/turtle;q=0.9"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_DOCUMENT_GRAPH = re.compile(r"^(?P<base>.*)graph/document/[0-9a-f]{16}$")


@dataclass(frozen=True)
class RemoteDocument:
    """A document graph found on an endpoint: its graph IRI, content hash and source."""

    graph: URIRef
    sha256: str
    source: str


class Endpoint:
    """A SPARQL 1.1 server: query URL, optional update and Graph Store Protocol URLs.

    ``retries`` is how many times a request is tried again after a connection error or a
    5xx answer (so at most ``retries + 1`` tries), pausing ``backoff``, then twice as long, …
    ``chunk_size`` is the number of triples per ``INSERT DATA`` when there is no GSP URL.
    """

    def __init__(
        self,
        query_url: str,
        update_url: str | None = None,
        gsp_url: str | None = None,
        *,
        user: str | None = None,
        password: str | None = None,
        token: str | None = None,
        timeout: float = 30.0,
        retries: int = 3,
        backoff: float = 0.5,
        chunk_size: int = 10_000,
    ) -> None:
        for url in (query_url, update_url, gsp_url):
            if url is not None and urllib.parse.urlsplit(url).scheme not in ("http", "https"):
                raise UsageError(f"{url}: an endpoint URL must start with http:// or https://")
        if token is not None and (user is not None or password is not None):
            raise UsageError("give either a user and password or a token, not both")
        if (user is None) != (password is None):
            raise UsageError("an endpoint user needs a password, and a password a user")
        self.query_url = query_url
        self.update_url = update_url
        self.gsp_url = gsp_url
        self.timeout = timeout
        self.retries = max(0, retries)
        self.backoff = backoff
        self.chunk_size = max(1, chunk_size)
        self._auth: str | None = None
        if token is not None:
            self._auth = f"Bearer {token}"
        elif user is not None and password is not None:
            pair = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
            self._auth = f"Basic {pair}"

    def __repr__(self) -> str:
        return f"Endpoint({self.query_url!r})"

    # --- HTTP ---------------------------------------------------------------------------

    def headers(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """The headers of every request: a User-Agent, the credentials, then ``extra``."""
        headers = {"User-Agent": "kg (SPARQL 1.1 Protocol client)"}
        if self._auth is not None:
            headers["Authorization"] = self._auth
        headers.update(extra or {})
        return headers

    def request(
        self,
        method: str,
        url: str,
        data: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[int, str, bytes]:
        """Send one request (retrying as described); returns status, content type and body."""
        request = urllib.request.Request(url, data=data, headers=self.headers(headers))
        request.method = method
        problem = ""
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    body = response.read()
                    return response.status, response.headers.get_content_type(), body
            except urllib.error.HTTPError as err:
                message = _server_message(err)
                problem = f"HTTP {err.code} {err.reason}: {message}" if message else (
                    f"HTTP {err.code} {err.reason}"
                )
                if err.code not in _RETRY_STATUSES:
                    raise EndpointError(f"{method} {url}: {problem}") from None
            except urllib.error.URLError as err:
                problem = f"cannot connect: {_reason(err.reason)}"
            except (OSError, http.client.HTTPException) as err:  # reset, timeout, bad reply
                problem = f"the connection failed: {_reason(err)}"
        tries = self.retries + 1
        raise EndpointError(
            f"{method} {url}: {problem} (gave up after {tries} tr{'y' if tries == 1 else 'ies'})"
        )

    def _post_form(
        self, url: str, fields: Sequence[tuple[str, str]], accept: str | None = None
    ) -> tuple[str, bytes]:
        data = urllib.parse.urlencode(list(fields)).encode("ascii")
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if accept:
            headers["Accept"] = accept
        _, content_type, body = self.request("POST", url, data, headers)
        return content_type, body

    def _query(self, sparql: str, accept: str, default_graphs: Iterable[str]) -> tuple[str, bytes]:
        fields = [("query", sparql)] + [("default-graph-uri", str(g)) for g in default_graphs]
        return self._post_form(self.query_url, fields, accept)

    # --- SPARQL 1.1 Protocol --------------------------------------------------------------

    def select(
        self, sparql: str, *, default_graphs: Iterable[str] = ()
    ) -> tuple[tuple[str, ...], list[Row]]:
        """Run a SELECT query; returns the variable names and rows of rdflib terms."""
        document = self._results(sparql, default_graphs)
        names = tuple(str(name) for name in document.get("head", {}).get("vars", []))
        rows: list[Row] = []
        for binding in document.get("results", {}).get("bindings", []):
            rows.append(tuple(
                parse_term(binding[name]) if name in binding else None for name in names
            ))
        return names, rows

    def ask(self, sparql: str, *, default_graphs: Iterable[str] = ()) -> bool:
        """Run an ASK query."""
        document = self._results(sparql, default_graphs)
        if not isinstance(document.get("boolean"), bool):
            raise EndpointError(f"{self.query_url}: the ASK answer has no boolean")
        return bool(document["boolean"])

    def construct(self, sparql: str, *, default_graphs: Iterable[str] = ()) -> Graph:
        """Run a CONSTRUCT or DESCRIBE query; the answer (N-Triples or Turtle) as a Graph."""
        content_type, body = self._query(sparql, GRAPH_TYPES, default_graphs)
        fmt = {"application/n-triples": "nt", "text/plain": "nt"}.get(content_type, "turtle")
        if content_type not in ("application/n-triples", "text/plain", "text/turtle"):
            raise EndpointError(
                f"{self.query_url}: answered a CONSTRUCT with {content_type!r}, "
                "not N-Triples or Turtle"
            )
        graph = Graph()
        try:
            graph.parse(data=body.decode("utf-8"), format=fmt)
        except Exception as err:
            raise GraphParseError(
                f"{self.query_url}: the CONSTRUCT answer cannot be parsed as {fmt}: {err}"
            ) from None
        return graph

    def _results(self, sparql: str, default_graphs: Iterable[str]) -> dict[str, Any]:
        content_type, body = self._query(sparql, RESULTS_JSON, default_graphs)
        try:
            document = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise EndpointError(
                f"{self.query_url}: the answer ({content_type}) is not SPARQL JSON results: {err}"
            ) from None
        if not isinstance(document, dict):
            raise EndpointError(f"{self.query_url}: the answer is not SPARQL JSON results")
        return document

    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 Update (needs the update URL)."""
        if self.update_url is None:
            raise UsageError(
                f"{self.query_url}: storing needs an update endpoint (--update-endpoint) "
                "or a Graph Store Protocol endpoint (--gsp-endpoint)"
            )
        self._post_form(self.update_url, [("update", sparql)])

    # --- named graphs -----------------------------------------------------------------

    def replace_graph(self, graph_iri: str, graph: Graph) -> None:
        """Make the named graph ``graph_iri`` hold exactly ``graph``, in bulk.

        With a GSP URL: one ``PUT`` of N-Triples. Otherwise ``DROP SILENT GRAPH`` and
        ``INSERT DATA`` in chunks of ``chunk_size`` triples; the ``kgo:sha256`` triples go
        in the last chunk, so a push that fails half-way never looks complete to ``graphs``.
        Blank nodes in different chunks would become different nodes (kg graphs have none).
        """
        if self.gsp_url is not None:
            body = graph.serialize(format="nt", encoding="utf-8")
            self.request("PUT", self._gsp(graph_iri), body,
                         {"Content-Type": "application/n-triples"})
            return
        name = URIRef(graph_iri).n3()
        chunks = list(_chunks(_sha_last(graph), self.chunk_size))
        self.update(f"DROP SILENT GRAPH {name}" + (_insert(name, chunks[0]) if chunks else ""))
        for chunk in chunks[1:]:
            self.update(_insert(name, chunk).lstrip(" ;\n"))

    def drop_graph(self, graph_iri: str) -> None:
        """Remove the named graph ``graph_iri`` (no error when it is not there)."""
        if self.gsp_url is not None:
            try:
                self.request("DELETE", self._gsp(graph_iri))
            except EndpointError as err:
                if "HTTP 404" not in str(err):
                    raise
            return
        self.update(f"DROP SILENT GRAPH {URIRef(graph_iri).n3()}")

    def _gsp(self, graph_iri: str) -> str:
        assert self.gsp_url is not None
        joiner = "&" if urllib.parse.urlsplit(self.gsp_url).query else "?"
        return self.gsp_url + joiner + urllib.parse.urlencode({"graph": str(graph_iri)})

    def graphs(self) -> dict[URIRef, RemoteDocument]:
        """The kg document graphs on the endpoint, with each document's sha256 and source."""
        _, rows = self.select(
            f"SELECT ?g ?sha ?source WHERE {{ GRAPH ?g {{ ?d a {KGO.Document.n3()} ; "
            f"{KGO.sha256.n3()} ?sha . OPTIONAL {{ ?d <http://purl.org/dc/terms/source> "
            "?source } } }"
        )
        found: dict[URIRef, RemoteDocument] = {}
        for graph, sha, source in rows:
            if isinstance(graph, URIRef) and _DOCUMENT_GRAPH.match(str(graph)) and sha:
                found[graph] = RemoteDocument(graph, str(sha), str(source or ""))
        return dict(sorted(found.items()))

    def fingerprints(self, base: str) -> dict[URIRef, str]:
        """What kg's manifest graph on the endpoint says each document graph holds.

        Empty when there is no manifest (a store pushed by an older kg, or by hand): then
        every document graph counts as changed.
        """
        manifest = URIRef(base + MANIFEST_GRAPH).n3()
        _, rows = self.select(
            f"SELECT ?g ?key WHERE {{ GRAPH {manifest} {{ ?g {KGO.fingerprint.n3()} ?key }} }}"
        )
        return {g: str(key) for g, key in rows if isinstance(g, URIRef) and key is not None}

    def kg_graphs(self) -> list[URIRef]:
        """Every kg graph on the endpoint: the document graphs and their entities graphs.

        Raises ``EndpointError`` when there is none, so a query never silently runs on
        whatever the server's own default graph happens to be.
        """
        documents = self.graphs()
        if not documents:
            raise EndpointError(
                f"{self.query_url}: holds no kg graphs (no named graph with a kgo:Document); "
                "store a build there first with kg build --endpoint"
            )
        return sorted(set(documents) | {URIRef(base + ENTITIES_GRAPH)
                                        for base in _bases(documents)})

    def base(self) -> str:
        """The base IRI of the kg graphs on the endpoint (the default one when unknown)."""
        bases = _bases(self.graphs())
        return bases[0] if bases else DEFAULT_BASE


#: The graph (under the base IRI) in which a push records each document graph's fingerprint.
MANIFEST_GRAPH = "graph/manifest"


def _bases(documents: Iterable[URIRef]) -> list[str]:
    return sorted({m["base"] for m in map(_DOCUMENT_GRAPH.match, map(str, documents)) if m})


def _server_message(err: urllib.error.HTTPError) -> str:
    try:
        text = err.read().decode("utf-8", errors="replace")
    except Exception:
        return ""
    return " ".join(text.split())[:300]


def _reason(reason: object) -> str:
    text = str(getattr(reason, "strerror", None) or reason).strip()
    return text or type(reason).__name__


def parse_term(value: Mapping[str, Any]) -> Node:
    """One RDF term of the SPARQL 1.1 JSON results format as an rdflib term.

    An ``xsd:string`` datatype is dropped, as rdflib keeps plain literals without one.

    >>> parse_term({"type": "uri", "value": "https://w3id.org/kg/id/entity/seoul"})
    rdflib.term.URIRef('https://w3id.org/kg/id/entity/seoul')
    >>> parse_term({"type": "literal", "value": "x",
    ...             "datatype": "http://www.w3.org/2001/XMLSchema#string"})
    rdflib.term.Literal('x')
    """
    kind, text = value.get("type"), str(value.get("value", ""))
    if kind == "uri":
        return URIRef(text)
    if kind == "bnode":
        return BNode(text)
    if kind in ("literal", "typed-literal"):
        lang = value.get("xml:lang")
        datatype = value.get("datatype")
        if lang:
            return Literal(text, lang=lang)
        if datatype and datatype != _XSD_STRING:
            return Literal(text, datatype=URIRef(datatype))
        return Literal(text)
    raise EndpointError(f"an unsupported term in the SPARQL results: {dict(value)!r}")


def _as_graph(triples: Iterable[Triple]) -> Graph:
    graph = Graph()
    graph += triples
    return graph


def _sha_last(graph: Graph) -> list[tuple[Node, Node, Node]]:
    """The triples of ``graph`` in a stable order, ``kgo:sha256`` triples last."""
    triples = sorted(graph, key=lambda t: (t[1] == KGO.sha256, t[1] != RDF.type, t))
    return triples


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _insert(name: str, triples: Sequence[tuple[Node, Node, Node]]) -> str:
    lines = "\n".join(f"  {s.n3()} {p.n3()} {o.n3()} ." for s, p, o in triples)
    return f" ;\nINSERT DATA {{ GRAPH {name} {{\n{lines}\n}} }}"


# --- queries through an endpoint, as kg query runs them ----------------------------------

_DECLARED = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?\s*:", re.IGNORECASE)


def with_prefixes(sparql: str, namespaces: Mapping[str, str]) -> str:
    """``sparql`` with PREFIX lines for the standard prefixes it uses but does not declare.

    >>> print(with_prefixes("SELECT * { ?x a kgo:City }", {"kgo": "https://w3id.org/kg/ontology#"}))
    PREFIX kgo: <https://w3id.org/kg/ontology#>
    SELECT * { ?x a kgo:City }
    >>> with_prefixes("PREFIX kgo: <urn:x#> ASK {}", {"kgo": "https://w3id.org/kg/ontology#"})
    'PREFIX kgo: <urn:x#> ASK {}'
    """
    declared = {(match[1] or "").lower() for match in _DECLARED.finditer(sparql)}
    lines = [f"PREFIX {prefix}: <{iri}>" for prefix, iri in sorted(namespaces.items())
             if prefix.lower() not in declared and re.search(rf"\b{re.escape(prefix)}:", sparql)]
    return "\n".join([*lines, sparql])


def remote_query(endpoint: Endpoint, sparql: str) -> QueryResult:
    """Run a read-only query on the kg graphs of ``endpoint``, checked as on any source.

    Updates, ``SERVICE`` and ``FROM`` are refused locally with the same messages; the
    standard prefixes are predeclared; rows without ORDER BY are sorted.
    """
    from kg.sparql.guard import checked_query
    from kg.sparql.prepare import prepare, query_kind
    from kg.sparql.results import answer

    sparql = checked_query(sparql)  # the endpoint gets the very text that was checked
    graphs = endpoint.kg_graphs()
    bases = _bases(graphs)
    namespaces = standard_namespaces(bases[0] if bases else DEFAULT_BASE)
    prepared = prepare(sparql, namespaces)
    text = with_prefixes(sparql, namespaces)
    kind = query_kind(prepared)
    if kind == "ask":
        return answer(prepared, namespaces, boolean=endpoint.ask(text, default_graphs=graphs))
    if kind == "select":
        names, rows = endpoint.select(text, default_graphs=graphs)
        return answer(prepared, namespaces, names=tuple(names), rows=list(rows))
    graph = endpoint.construct(text, default_graphs=graphs)
    return answer(prepared, namespaces, graph=graph)


def remote_graph(endpoint: Endpoint) -> Graph:
    """The union of the kg graphs on ``endpoint`` as one Graph with kg's prefixes bound."""
    graphs = endpoint.kg_graphs()
    graph = endpoint.construct(
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", default_graphs=graphs
    )
    bases = _bases(graphs)
    return bind_prefixes(graph, bases[0] if bases else DEFAULT_BASE)


# --- pushing a build -------------------------------------------------------------------


@dataclass
class PushReport:
    """What ``push_build`` stored on an endpoint, skipped, dropped and could not store."""

    endpoint: str
    pushed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    not_stored: list[str] = field(default_factory=list)
    others: int = 0
    triples: int = 0
    error: str | None = None

    @property
    def ok(self) -> bool:
        """True when everything of the build is on the endpoint."""
        return self.error is None and not self.not_stored

    def format(self) -> str:
        """A short human-readable report.

        >>> print(PushReport("http://h/query", pushed=["g1", "g2"], skipped=["g3"]).format())
        endpoint http://h/query: 2 graphs pushed (0 triples), 1 skipped (unchanged), 0 dropped
        """
        lines = [
            f"endpoint {self.endpoint}: {len(self.pushed)} graph"
            f"{'' if len(self.pushed) == 1 else 's'} pushed ({self.triples} triples), "
            f"{len(self.skipped)} skipped (unchanged), {len(self.dropped)} dropped"
            + (" (replaced by a new version)" if self.dropped else "")
        ]
        if self.others:
            lines.append(
                f"  {self.others} other document{'s' if self.others != 1 else ''} on the "
                "endpoint were kept; the entities graph now describes this build's documents"
            )
        if self.not_stored:
            lines.append(f"  NOT stored ({len(self.not_stored)}): " + ", ".join(self.not_stored))
        if self.error:
            lines.append(f"  error: {self.error}")
        return "\n".join(lines)


def push_build(result: BuildResult, endpoint: Endpoint, *, force: bool = False) -> PushReport:
    """Store a build on ``endpoint``: one named graph per document, then the entities graph.

    A document graph that the endpoint already holds with the same fingerprint (kg's
    manifest graph records them, see ``Endpoint.fingerprints``) is skipped; ``force`` pushes
    it anyway, for a server whose graphs were changed by other means. A document whose
    facts moved (another document renamed an entity it mentions, say) has another
    fingerprint and is pushed again. After every document is stored, graphs of older
    versions of the same sources are dropped, and the manifest is written last. The first
    failure stops the push; the report lists every document that is not stored (old versions
    stay, so nothing is lost), and ``report.ok`` is False.
    """
    report = PushReport(endpoint.query_url)
    base = result.base
    documents = sorted(result.documents, key=lambda d: (d.source, d.sha256))
    try:
        existing = endpoint.graphs()
        fingerprints = endpoint.fingerprints(base) if existing else {}
    except EndpointError as err:
        report.not_stored = [d.source for d in documents]
        report.error = str(err)
        return report
    emitter = result.emitter()
    pending = []
    for doc in documents:
        iri = emitter.graph_of(doc)
        if iri in existing and fingerprints.get(iri) == emitter.fingerprint(doc) and not force:
            report.skipped.append(str(iri))
        else:
            pending.append((doc, iri))
    parts = emitter.parts(only=[doc.sha256 for doc, _ in pending])
    for index, (_doc, iri) in enumerate(pending):
        part = _as_graph(parts[iri])
        try:
            endpoint.replace_graph(str(iri), part)
        except EndpointError as err:
            report.not_stored = [d.source for d, _ in pending[index:]]
            report.error = str(err)
            return report
        report.pushed.append(str(iri))
        report.triples += len(part)
    entities = emitter.entities_graph
    try:
        endpoint.replace_graph(str(entities), _as_graph(parts[entities]))
    except EndpointError as err:
        report.error = f"the entities graph was not stored: {err}"
        return report
    report.pushed.append(str(entities))
    report.triples += len(parts[entities])
    current = {document_graph_iri(base, d.sha256) for d in documents}
    sources = {d.source for d in documents}
    for iri, remote in existing.items():
        if iri in current:
            continue
        if remote.source not in sources:
            report.others += 1
            continue
        try:
            endpoint.drop_graph(str(iri))
        except EndpointError as err:
            report.error = f"the old version {iri} of {remote.source} was not dropped: {err}"
            return report
        report.dropped.append(str(iri))
    keys = {iri: key for iri, key in fingerprints.items() if iri in existing}  # other documents'
    keys.update((emitter.graph_of(doc), emitter.fingerprint(doc)) for doc in documents)
    manifest = Graph()
    for iri, key in sorted(keys.items()):
        if str(iri) not in report.dropped:
            manifest.add((iri, KGO.fingerprint, Literal(key)))
    try:
        endpoint.replace_graph(base + MANIFEST_GRAPH, manifest)
    except EndpointError as err:
        report.error = f"the manifest graph was not stored: {err}"
    return report
