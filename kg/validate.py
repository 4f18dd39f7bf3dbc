"""Validate a kg graph against the packaged SHACL shapes, with a readable report.

The data graph is checked as it is, without inference (``inference="none"``): the shapes
target every contract class explicitly, and the ontology is mixed in only so that
``sh:class`` also accepts subclasses. The input graph is never changed.

pyshacl runs a SPARQL constraint once per focus node and parses the query text each time,
which costs seconds per hundred nodes. So SPARQL constraints of unreferenced node shapes with
plain targets, whose query starts by matching ``$this``, are run here instead: once over the
whole graph, keeping the rows whose ``$this`` is a focus node of the shape (the same results,
since ``$this`` is bound by the first pattern before anything else is evaluated). On a graph
file or a store (:func:`validate_source`) Oxigraph runs them, and their focus nodes, on the
union of its graphs; a constraint may give the same query written for Oxigraph as
``kgsh:graphSelect`` (Oxigraph evaluates ``NOT EXISTS`` slowly, rdflib ``OPTIONAL``).

>>> from rdflib import Graph
>>> report = validate(Graph().parse(format="turtle", data='''
...     @prefix kgo: <https://w3id.org/kg/ontology#> .
...     <https://w3id.org/kg/id/entity/seoul> a kgo:City .
... '''))
>>> report.conforms
False
>>> print(report.text)
Does not conform: 1 violation
kgr:entity/seoul rdfs:label: entity has no rdfs:label: it needs exactly one canonical name
>>> validate(Graph()).text
'Conforms: no violations'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import pyshacl
from pyparsing import ParseException
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, NamespaceManager
from rdflib.term import Node

from kg.errors import UsageError
from kg.ontology_files import ONTOLOGY_FILE, SHAPES_FILE, load_graph
from kg.vocab import prefixes

if TYPE_CHECKING:
    from kg.graphs import GraphSource

_PREFIXES: dict[str, str] = {**prefixes(), "sh": "http://www.w3.org/ns/shacl#"}
_MAX_VALUE_CHARS = 60


@dataclass(frozen=True, order=True)
class ValidationResult:
    """One SHACL result, rendered readably (prefixed names, short values).

    ``focus`` is the node that failed, ``path`` the property checked ("" when the check is
    about the node itself), ``value`` the offending value ("" when there is none).

    >>> r = ValidationResult("kgr:document/0a", "kgo:sha256", "document needs a kgo:sha256")
    >>> r.line()
    'kgr:document/0a kgo:sha256: document needs a kgo:sha256'
    """

    focus: str
    path: str
    message: str
    value: str = ""
    severity: str = "Violation"

    def line(self) -> str:
        """Return the one-line form used in :attr:`ValidationReport.text`."""
        where = f"{self.focus} {self.path}".rstrip()
        level = "" if self.severity == "Violation" else f"[{self.severity}] "
        value = f" (value: {self.value})" if self.value and self.value != self.focus else ""
        return f"{level}{where}: {self.message}{value}"


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of :func:`validate`: whether the graph conforms, and every problem found."""

    conforms: bool
    text: str
    results: tuple[ValidationResult, ...]


def load_ontology() -> Graph:
    """Return a new graph holding the kg OWL ontology (``ontology/kg.ttl``).

    >>> from rdflib import OWL
    >>> (None, RDF.type, OWL.Ontology) in load_ontology()
    True
    """
    return load_graph(ONTOLOGY_FILE)


def load_shapes() -> Graph:
    """Return a new graph holding the kg SHACL shapes (``ontology/shapes.ttl``).

    >>> len(set(load_shapes().subjects(RDF.type, SH.NodeShape)))
    5
    """
    return load_graph(SHAPES_FILE)


def validate(graph: Graph, *, shapes: Graph | None = None) -> ValidationReport:
    """Check ``graph`` against ``shapes`` (default: the packaged kg shapes).

    Raises :class:`~kg.errors.UsageError` when the shapes graph is not usable SHACL.
    """
    return _validate(graph, _RdflibData(graph), shapes)


def validate_source(source: GraphSource, *, shapes: Graph | None = None) -> ValidationReport:
    """Check a graph source (``kg.graphs``: a file, a store, an endpoint) as :func:`validate`
    checks its rdflib graph, with the same results.

    A source held by Oxigraph (a file or a store) answers the SPARQL constraints run once per
    graph (see the module doc) and their focus nodes itself, on the union of its graphs;
    pyshacl checks the rest on ``source.to_rdflib()``.

    >>> from kg.graphs import memory_source
    >>> validate_source(memory_source(Graph())).text
    'Conforms: no violations'
    """
    from kg.graphs.oxigraph import MemorySource, OxigraphSource

    graph = source.to_rdflib()
    if isinstance(source, OxigraphSource):
        # a file's or a store's rdflib graph is a new copy: pyshacl mixes the ontology into
        # it in place instead of copying it again (a memory source gives back its own graph)
        own = not isinstance(source, MemorySource)
        return _validate(graph, _OxigraphData(source.store), shapes, inplace=own)
    return _validate(graph, _RdflibData(graph), shapes)


def _validate(
    graph: Graph, data: _Data, shapes: Graph | None, *, inplace: bool = False
) -> ValidationReport:
    ontology = load_ontology()
    core_shapes, sparql_checks = _split_sparql(load_shapes() if shapes is None else shapes)
    names = _namespaces(graph)  # before pyshacl mixes the ontology in
    try:
        conforms, results_graph, _ = pyshacl.validate(
            graph,
            shacl_graph=core_shapes,
            ont_graph=ontology,
            inference="none",
            advanced=False,
            do_owl_imports=False,
            allow_warnings=False,
            inplace=inplace,
        )
        found = _results(results_graph, names)
        for check in sparql_checks:
            found.extend(check.run(data, ontology, names))
    except (pyshacl.errors.ReportableRuntimeError, ParseException) as err:
        raise UsageError(f"the shapes graph cannot be used for validation: {err}") from err
    results = tuple(sorted(set(found)))
    ok = bool(conforms) and len(results) == 0
    return ValidationReport(ok, _report_text(ok, results), results)


def _report_text(conforms: bool, results: tuple[ValidationResult, ...]) -> str:
    """Summary line, then one line per result.

    >>> _report_text(True, ())
    'Conforms: no violations'
    """
    if conforms and not results:
        return "Conforms: no violations"
    count = len(results)
    head = f"{'Conforms' if conforms else 'Does not conform'}: {count} "
    head += "violation" if count == 1 else "violations"
    return "\n".join([head, *(r.line() for r in results)])


def _namespaces(graph: Graph) -> NamespaceManager:
    """A prefix map for rendering: the data graph's own prefixes, then the kg defaults."""
    names = NamespaceManager(Graph(bind_namespaces="core"), bind_namespaces="core")
    for prefix, namespace in graph.namespaces():
        if prefix:
            names.bind(prefix, namespace, override=True, replace=True)
    for prefix, iri in _PREFIXES.items():
        names.bind(prefix, URIRef(iri), override=False)
    return names


def _results(results_graph: Graph, names: NamespaceManager) -> list[ValidationResult]:
    """Read every sh:ValidationResult of a pyshacl results graph."""
    found = []
    for node in results_graph.subjects(RDF.type, SH.ValidationResult):
        severity = results_graph.value(node, SH.resultSeverity)
        found.append(
            ValidationResult(
                focus=_render(results_graph.value(node, SH.focusNode), names),
                path=_render(results_graph.value(node, SH.resultPath), names),
                message=_message(results_graph, node),
                value=_render(results_graph.value(node, SH.value), names),
                severity=_local_name(severity) if severity is not None else "Violation",
            )
        )
    return found


def _message(results_graph: Graph, node: Node) -> str:
    """The English (or else the first, in sorted order) sh:resultMessage of a result."""
    return _pick_message(results_graph.objects(node, SH.resultMessage)) or "constraint not met"


def _pick_message(messages: Iterable[Node]) -> str:
    """The English or untagged message, else the first in sorted order; "" when there is none.

    >>> _pick_message([Literal("fehlt", lang="de"), Literal("missing", lang="en")])
    'missing'
    """
    texts = sorted(
        (m for m in messages if isinstance(m, Literal)),
        key=lambda m: (m.language not in (None, "en"), str(m)),
    )
    return str(texts[0]) if texts else ""


def _render(node: Node | None, names: NamespaceManager) -> str:
    """A short, stable text for a node: prefixed name, ``[]`` for blank nodes, cut literals.

    >>> names = _namespaces(Graph())
    >>> _render(URIRef("https://w3id.org/kg/id/entity/us"), names)
    'kgr:entity/us'
    >>> _render(Literal("1.5", datatype="http://www.w3.org/2001/XMLSchema#decimal"), names)
    '"1.5"^^xsd:decimal'
    >>> _render(BNode(), names), _render(None, names)
    ('[]', '')
    """
    if node is None:
        return ""
    if isinstance(node, BNode):
        return "[]"
    if isinstance(node, URIRef):
        return _prefixed(node, names)
    if isinstance(node, Literal):
        text = str(node)
        if len(text) > _MAX_VALUE_CHARS:
            text = text[: _MAX_VALUE_CHARS - 1] + "…"
        shown = Literal(text, lang=node.language, datatype=node.datatype)
        return shown.n3(names)
    return str(node)


def _prefixed(iri: URIRef, names: NamespaceManager) -> str:
    """``prefix:local`` when a bound namespace covers the IRI, else ``<iri>``.

    Unlike ``URIRef.n3``, local parts with ``/`` are allowed: ``kgr:entity/us`` reads better
    than the full IRI and is not meant to be parsed back. Where several namespaces cover the
    IRI the shortest wins, so kg's own ``kgr:`` names stay the same whatever finer prefixes a
    file binds (``ent:`` for ``kgr:entity/``, say).
    """
    best: tuple[int, str, str] | None = None
    for prefix, namespace in names.namespaces():
        ns = str(namespace)
        if prefix and iri.startswith(ns) and len(iri) > len(ns):
            if best is None or (len(ns), prefix) < (best[0], best[1]):
                best = (len(ns), prefix, ns)
    if best is None:
        return f"<{iri}>"
    return f"{best[1]}:{iri[len(best[2]) :]}"


def _local_name(iri: Node) -> str:
    """``Violation`` for ``sh:Violation``.

    >>> _local_name(SH.Warning)
    'Warning'
    """
    return str(iri).rsplit("#", 1)[-1]


# -- SPARQL constraints, run once per graph ----------------------------------------------------

_PLAIN_TARGETS = frozenset({SH.targetNode, SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf})
#: ``SELECT`` projecting ``$this`` (or ``*``), whose WHERE group (or its first sub-group) opens
#: with a triple pattern on ``$this``; only such queries are run once for the whole graph.
_STARTS_WITH_THIS = re.compile(
    r"(?is)^\s*SELECT\s[^{]*?(\$this|\*)[^{]*\bWHERE\s*\{\s*(\{\s*)?\$this\s"
)
_SELECT = re.compile(r"(?i)\bSELECT\b")
_GRAPH_SELECT = URIRef("https://w3id.org/kg/shapes#graphSelect")
_THIS = re.compile(r"\$this\b")
_MESSAGE_VAR = re.compile(r"\{[?$](\w+)\}")


@dataclass(frozen=True, eq=False)
class _SparqlCheck:
    """One SPARQL-based constraint of a node shape, evaluated for the whole graph at once."""

    shapes: Graph
    shape: Node
    query: str
    message: str
    severity: str
    #: The same query written for Oxigraph (``kgsh:graphSelect``), when the shapes give one.
    graph_query: str | None = None

    def run(self, data: _Data, ontology: Graph, names: NamespaceManager) -> list[ValidationResult]:
        """Run the query once; one result per row whose ``this`` is a focus node."""
        focus = set(_targets(self.shapes, self.shape, data, ontology))
        if not focus:
            return []
        found = []
        query = self.graph_query if data.oxigraph and self.graph_query else self.query
        for bound in data.select(query):
            if bound.get("this") not in focus:
                continue
            found.append(
                ValidationResult(
                    focus=_render(bound.get("this"), names),
                    path=_render(bound.get("path"), names),
                    message=_fill(self.message, bound),
                    value=_render(bound.get("value"), names),
                    severity=self.severity,
                )
            )
        return found


def _fill(message: str, bound: dict[str, Any]) -> str:
    """A SPARQL constraint's message with its ``{?var}`` / ``{$var}`` placeholders filled."""
    return _MESSAGE_VAR.sub(lambda m: str(bound.get(m.group(1), m.group(0))), message)


def _split_sparql(shapes: Graph) -> tuple[Graph, list[_SparqlCheck]]:
    """A copy of ``shapes`` without the SPARQL constraints run here, and those constraints."""
    core = Graph()
    for prefix, namespace in shapes.namespaces():
        core.bind(prefix, namespace, override=True, replace=True)
    core += shapes
    checks = []
    for shape, constraint in sorted(shapes.subject_objects(SH.sparql)):
        query = _bulk_query(shapes, shape, constraint)
        if query is None:
            continue
        core.remove((shape, SH.sparql, constraint))
        severity = shapes.value(shape, SH.severity)
        checks.append(
            _SparqlCheck(
                shapes=shapes,
                shape=shape,
                query=query,
                message=_first_message(shapes, constraint)
                or _first_message(shapes, shape)
                or "SPARQL constraint not satisfied",
                severity="Violation" if severity is None else _local_name(severity),
                graph_query=_graph_query(shapes, constraint),
            )
        )
    return core, checks


def _graph_query(shapes: Graph, constraint: Node) -> str | None:
    """The constraint's ``kgsh:graphSelect`` (the same rows as its ``sh:select``, written for
    Oxigraph) with prefixes and ``?this``, or None."""
    text = shapes.value(constraint, _GRAPH_SELECT)
    if not isinstance(text, Literal):
        return None
    return _prefix_lines(shapes, constraint) + _THIS.sub("?this", str(text))


def _bulk_query(shapes: Graph, shape: Node, constraint: Node) -> str | None:
    """The constraint's query with prefixes and ``?this``, or None to leave it to pyshacl."""
    select = shapes.value(constraint, SH.select)
    if not isinstance(select, Literal) or shapes.value(constraint, SH.deactivated) is not None:
        return None
    text = str(select)
    referenced = any(True for _ in shapes.subjects(None, shape))
    keys = set(shapes.predicates(shape, None))
    plain = any(k in _PLAIN_TARGETS for k in keys)
    plain = plain and not keys & {SH.path, SH.target, SH.deactivated}
    implicit = {RDFS.Class, OWL.Class} & set(shapes.objects(shape, RDF.type))
    if referenced or not plain or implicit or len(_SELECT.findall(text)) != 1:
        return None
    if not _STARTS_WITH_THIS.search(text):
        return None
    return _prefix_lines(shapes, constraint) + _THIS.sub("?this", text)


def _prefix_lines(shapes: Graph, constraint: Node) -> str:
    """``PREFIX`` lines for the sh:declare entries that the constraint's sh:prefixes point to."""
    lines = []
    for source in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(source, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                lines.append(f"PREFIX {prefix}: <{namespace}>\n")
    return "".join(sorted(lines))


def _targets(shapes: Graph, shape: Node, data: _Data, ontology: Graph) -> Iterator[Node]:
    """Focus nodes of the plain targets of ``shape`` (``sh:targetClass`` with subclasses)."""
    yield from shapes.objects(shape, SH.targetNode)
    for prop in shapes.objects(shape, SH.targetSubjectsOf):
        yield from data.subjects(prop, None)
    for prop in shapes.objects(shape, SH.targetObjectsOf):
        yield from data.objects(None, prop)
    for cls in shapes.objects(shape, SH.targetClass):
        for sub in _subclasses(cls, data, ontology):
            yield from data.subjects(RDF.type, sub)


def _subclasses(cls: Node, data: _Data, ontology: Graph) -> set[Node]:
    """``cls`` and its subclasses by ``rdfs:subClassOf*`` in the data graph and the ontology."""
    found, todo = {cls}, [cls]
    while todo:
        current = todo.pop()
        for graph in (data, ontology):
            for sub in graph.subjects(RDFS.subClassOf, current):
                if sub not in found:
                    found.add(sub)
                    todo.append(sub)
    return found


class _Data(Protocol):
    """What the SPARQL constraints read of the data: their rows and their focus nodes."""

    #: True when the data is an Oxigraph store (``kgsh:graphSelect`` queries are run on it).
    oxigraph: bool

    def select(self, query: str) -> Iterator[dict[str, Node]]:
        """Each row of a SELECT query, its bound variables by name."""
        ...

    def subjects(self, predicate: Node, obj: Node | None) -> Iterator[Node]:
        """The subjects of the triples with ``predicate`` (and ``obj`` when given)."""
        ...

    def objects(self, subject: None, predicate: Node) -> Iterator[Node]:
        """The objects of the triples with ``predicate``."""
        ...


class _RdflibData:
    """An rdflib graph, queried by rdflib."""

    oxigraph = False

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def select(self, query: str) -> Iterator[dict[str, Node]]:
        for row in self.graph.query(query):
            yield dict(row.asdict())  # type: ignore[union-attr]

    def subjects(self, predicate: Node, obj: Node | None) -> Iterator[Node]:
        return self.graph.subjects(predicate, obj)

    def objects(self, subject: None, predicate: Node) -> Iterator[Node]:
        return self.graph.objects(subject, predicate)


class _OxigraphData:
    """An Oxigraph store (the union of its graphs), queried by Oxigraph; terms come back as
    rdflib's, so that they compare and render as those of the rdflib graph."""

    oxigraph = True

    def __init__(self, store: Any) -> None:
        self.store = store

    def select(self, query: str) -> Iterator[dict[str, Node]]:
        from kg.sparql.oxigraph import to_rdflib

        solutions = self.store.query(query, use_default_graph_as_union=True)
        names = [variable.value for variable in solutions.variables]
        for solution in solutions:
            yield {name: to_rdflib(term) for name, term in zip(names, solution, strict=True)
                   if term is not None}

    def subjects(self, predicate: Node, obj: Node | None) -> Iterator[Node]:
        return self._terms(None, predicate, obj, "subject")

    def objects(self, subject: None, predicate: Node) -> Iterator[Node]:
        return self._terms(subject, predicate, None, "object")

    def _terms(self, subject: None, predicate: Node, obj: Node | None, part: str) -> Iterator[Node]:
        """The distinct subjects or objects of the matching triples, in every graph."""
        from kg.sparql.oxigraph import from_rdflib, to_rdflib

        if not isinstance(predicate, URIRef):  # no triple has any other predicate
            return
        pattern = self.store.quads_for_pattern(
            None, from_rdflib(predicate), None if obj is None else from_rdflib(obj)
        )
        seen = set()
        for quad in pattern:
            term = getattr(quad, part)
            if term not in seen:
                seen.add(term)
                yield to_rdflib(term)


def _first_message(shapes: Graph, node: Node) -> str:
    """The English (or else the first, in sorted order) ``sh:message`` of a node, or ""."""
    return _pick_message(shapes.objects(node, SH.message))
