"""Validate a kg graph against the packaged SHACL shapes, with a readable report.

The data graph is checked as it is, without inference (``inference="none"``): the shapes
target every contract class explicitly, and the ontology is mixed in only so that
``sh:class`` also accepts subclasses. The input graph is never changed.

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

from dataclasses import dataclass

import pyshacl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, NamespaceManager
from rdflib.term import Node

from kg.errors import UsageError
from kg.ontology_files import ONTOLOGY_FILE, SHAPES_FILE, load_graph
from kg.vocab import DEFAULT_BASE

_PREFIXES: dict[str, str] = {
    "kgo": "https://w3id.org/kg/ontology#",
    "kgr": DEFAULT_BASE,
    "schema": "https://schema.org/",
    "prov": "http://www.w3.org/ns/prov#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "sh": "http://www.w3.org/ns/shacl#",
}
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
        value = f" (value: {self.value})" if self.value else ""
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
    shapes_graph = load_shapes() if shapes is None else shapes
    try:
        conforms, results_graph, _ = pyshacl.validate(
            graph,
            shacl_graph=shapes_graph,
            ont_graph=load_ontology(),
            inference="none",
            advanced=False,
            do_owl_imports=False,
            allow_warnings=False,
        )
    except pyshacl.errors.ReportableRuntimeError as err:
        raise UsageError(f"the shapes graph cannot be used for validation: {err}") from err
    names = _namespaces(graph)
    results = tuple(sorted(set(_results(results_graph, names))))
    return ValidationReport(bool(conforms), _report_text(bool(conforms), results), results)


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
    messages = sorted(
        (m for m in results_graph.objects(node, SH.resultMessage) if isinstance(m, Literal)),
        key=lambda m: (m.language not in (None, "en"), str(m)),
    )
    return str(messages[0]) if messages else "constraint not satisfied"


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
    than the full IRI and is not meant to be parsed back.
    """
    best = ""
    for prefix, namespace in names.namespaces():
        ns = str(namespace)
        if prefix and iri.startswith(ns) and len(ns) > len(best) and len(iri) > len(ns):
            best, chosen = ns, prefix
    if not best:
        return f"<{iri}>"
    return f"{chosen}:{iri[len(best):]}"


def _local_name(iri: Node) -> str:
    """``Violation`` for ``sh:Violation``.

    >>> _local_name(SH.Warning)
    'Warning'
    """
    return str(iri).rsplit("#", 1)[-1]
