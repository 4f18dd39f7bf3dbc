"""What the viewer reads of a graph, as rows of plain strings and numbers.

:class:`NetworkRows` holds the entities, their descriptions, the relations and the evidence
behind them; ``kg.analysis.build_network`` turns it into the viewer's networkx multigraph.
Rows come from an rdflib Graph (``kg.analysis.network_rows``) or straight from an Oxigraph
store (:func:`oxigraph_rows`: a few SELECT queries, no rdflib terms), and give the same
network either way.

>>> import pyoxigraph as ox
>>> store = ox.Store()
>>> seoul = ox.NamedNode("https://w3id.org/kg/id/entity/seoul")
>>> kgo = "https://w3id.org/kg/ontology#"
>>> store.add(ox.Quad(seoul, ox.NamedNode(RDF_TYPE), ox.NamedNode(kgo + "City")))
>>> store.add(ox.Quad(seoul, ox.NamedNode(kgo + "mentionCount"),
...                   ox.Literal("2", datatype=ox.NamedNode(XSD + "integer"))))
>>> rows = oxigraph_rows(store, {"kgo": kgo})
>>> rows.classes[0][1], rows.counts[0][1:]
('City', ('2', 2))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox

from kg.sparql.prefixes import standard_namespaces
from kg.vocab import ENTITY_CLASSES, RELATION_PROPERTIES

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {XSD + name for name in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
    "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort",
    "unsignedByte")}
_FLOATS = {XSD + "float", XSD + "double"}

#: (subject, value) pairs; (statement subject, predicate name, object, confidence,
#: document, sentence text, rule) evidence rows.
Pairs = list[tuple[str, str]]
EvidenceRow = tuple[str, str, str, float, str, str, str]


@dataclass
class NetworkRows:
    """The parts of a graph the viewer draws, as plain strings (IRIs, literal values).

    ``classes`` pairs an entity IRI with each contract class it is typed with; ``counts``
    gives each ``kgo:mentionCount`` as (entity, lexical form, number or None);
    ``relations`` are (subject, predicate local name, object) for the typed relations and
    ``mentionedWith``, both ends IRIs; ``evidence`` has one row per statement and sentence
    (a statement without sentences gives one row with empty text and document).
    """

    classes: Pairs = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    titles: Pairs = field(default_factory=list)
    sources: Pairs = field(default_factory=list)
    labels: Pairs = field(default_factory=list)
    aliases: Pairs = field(default_factory=list)
    mentioned_in: Pairs = field(default_factory=list)
    starts: Pairs = field(default_factory=list)
    ends: Pairs = field(default_factory=list)
    counts: list[tuple[str, str, float | None]] = field(default_factory=list)
    relations: list[tuple[str, str, str]] = field(default_factory=list)
    evidence: list[EvidenceRow] = field(default_factory=list)


def literal_number(lexical: str, datatype: str) -> float | None:
    """A numeric literal's value (as rdflib reads it: integers, decimals, floats, doubles);
    None for any other datatype or an ill-formed number.

    >>> literal_number("12", XSD + "integer"), literal_number("x", XSD + "integer")
    (12, None)
    >>> literal_number("0.5", XSD + "decimal"), literal_number("12", XSD + "string")
    (0.5, None)
    """
    try:
        if datatype in _INTEGERS:
            return int(lexical)
        if datatype == XSD + "decimal":
            return float(Decimal(lexical))
        if datatype in _FLOATS:
            return float(lexical)
    except (ValueError, InvalidOperation):
        return None
    return None


_KGO = "https://w3id.org/kg/ontology#"
_DESCRIPTIONS = {
    "http://www.w3.org/2000/01/rdf-schema#label": "labels",
    "http://www.w3.org/2004/02/skos/core#altLabel": "aliases",
    _KGO + "mentionedIn": "mentioned_in",
    _KGO + "startDate": "starts",
    _KGO + "endDate": "ends",
}
_ENTITIES = f"""
SELECT DISTINCT ?s ?c WHERE {{
  VALUES ?c {{ {" ".join(f"kgo:{name}" for name in ENTITY_CLASSES)} }}
  ?s a ?c . FILTER(isIRI(?s))
}}"""
_RELATIONS = f"""
SELECT DISTINCT ?s ?p ?o WHERE {{
  VALUES ?p {{ {" ".join(f"kgo:{name}" for name in (*RELATION_PROPERTIES, "mentionedWith"))} }}
  ?s ?p ?o . FILTER(isIRI(?s) && isIRI(?o))
}}"""
_DOCUMENTS = """
SELECT DISTINCT ?d ?p ?v WHERE {
  ?d a kgo:Document .
  OPTIONAL { VALUES ?p { dcterms:title dcterms:source } ?d ?p ?v }
}"""
_DESCRIBED = """
SELECT DISTINCT ?s ?p ?v WHERE {
  VALUES ?p { rdfs:label skos:altLabel kgo:mentionedIn kgo:startDate kgo:endDate }
  ?s ?p ?v
}"""
_COUNTS = "SELECT DISTINCT ?s ?v WHERE { ?s kgo:mentionCount ?v FILTER(isLiteral(?v)) }"
# A statement's subject, predicate, object and rule are its first values in string order,
# its confidence the highest (as kg.graphs.evidence.read_statements reads them).
_STATEMENTS = """
SELECT ?st (MIN(STR(?s)) AS ?sub) (MIN(STR(?p)) AS ?pred) (MIN(STR(?o)) AS ?obj)
       (MAX(?score) AS ?conf) (MIN(STR(?r)) AS ?rule) WHERE {
  ?st rdf:predicate ?p ; rdf:subject ?s ; rdf:object ?o .
  OPTIONAL { ?st kgo:confidence ?c FILTER(isLiteral(?c)) BIND(xsd:decimal(STR(?c)) AS ?score) }
  OPTIONAL { ?st kgo:extractor ?r }
} GROUP BY ?st"""
_DERIVED = """
SELECT DISTINCT ?st ?sentence WHERE { ?st prov:wasDerivedFrom ?sentence ; rdf:predicate ?p }"""
_SENTENCES = """
SELECT DISTINCT ?x ?p ?v WHERE { VALUES ?p { kgo:text kgo:inDocument } ?x ?p ?v }"""


def _value(term: Any) -> str:
    return "" if term is None else str(term.value)


def oxigraph_rows(store: ox.Store, namespaces: dict[str, str]) -> NetworkRows:
    """The viewer's rows read from an Oxigraph store (the union of its graphs) with a few
    SELECT queries; ``namespaces`` must bind kgo, rdf, rdfs, skos, dcterms, prov and xsd."""
    prefixes = {**namespaces, **_PREFIXES}

    def select(sparql: str) -> Any:
        return store.query(sparql, prefixes=prefixes, use_default_graph_as_union=True)

    rows = NetworkRows()
    rows.classes = [(s.value, c.value[len(_KGO):]) for s, c in select(_ENTITIES)]
    rows.relations = [(s.value, p.value[len(_KGO):], o.value) for s, p, o in select(_RELATIONS)]
    documents: set[str] = set()
    for d, p, v in select(_DOCUMENTS):
        documents.add(d.value)
        if p is not None:
            (rows.titles if p.value.endswith("title") else rows.sources).append((d.value, v.value))
    rows.documents = sorted(documents)
    for s, p, v in select(_DESCRIBED):
        getattr(rows, _DESCRIPTIONS[p.value]).append((s.value, v.value))
    rows.counts = [
        (s.value, v.value, literal_number(v.value, v.datatype.value)) for s, v in select(_COUNTS)
    ]
    rows.evidence = _evidence_rows(select)
    return rows


def _evidence_rows(select: Callable[[str], Any]) -> list[EvidenceRow]:
    texts: dict[str, list[str]] = {}
    documents: dict[str, list[str]] = {}
    for x, p, v in select(_SENTENCES):
        (texts if p.value.endswith("text") else documents).setdefault(x.value, []).append(v.value)
    derived: dict[str, list[str]] = {}
    for st, sentence in select(_DERIVED):
        derived.setdefault(st.value, []).append(sentence.value)
    rows: list[EvidenceRow] = []
    for st, sub, pred, obj, conf, rule in select(_STATEMENTS):
        if pred.value[len(_KGO):] not in RELATION_PROPERTIES or not pred.value.startswith(_KGO):
            continue
        confidence = float(Decimal(conf.value)) if conf is not None else 0.0
        head = (sub.value, pred.value[len(_KGO):], obj.value, confidence)
        sentences = derived.get(st.value)
        if not sentences:
            rows.append((*head, "", "", _value(rule)))
        for sentence in sentences or ():
            text, doc = texts.get(sentence), documents.get(sentence)
            rows.append((*head, min(doc) if doc else "", min(text) if text else "", _value(rule)))
    return rows


#: The prefixes the queries above use, whatever the store's own namespaces say.
_PREFIXES = {prefix: iri for prefix, iri in standard_namespaces().items() if prefix != "kgr"}
