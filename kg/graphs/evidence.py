"""The one reader of evidence: statement nodes with the sentences and documents behind them.

Every typed relation (and date) kg asserts has ``rdf:Statement`` nodes that name the fact
(``rdf:subject``, ``rdf:predicate``, ``rdf:object``), how it was found (``kgo:confidence``,
``kgo:extractor``, ``kgo:trigger``) and the sentences it was derived from
(``prov:wasDerivedFrom``, each with ``kgo:text``, offsets and ``kgo:inDocument``).
:func:`read_statements` reads them from a graph; a source fetches the part it needs with
:func:`evidence_query` (see ``GraphSource.evidence``). The viewer (``kg.analysis``) and
``kg why`` (``kg.explain``) both read evidence here.

>>> from rdflib import Graph
>>> graph = Graph().parse(format="turtle", data='''
... @prefix kgo: <https://w3id.org/kg/ontology#> .
... @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
... @prefix prov: <http://www.w3.org/ns/prov#> .
... <urn:st> rdf:subject <urn:a> ; rdf:predicate kgo:investsIn ; rdf:object <urn:b> ;
...     prov:wasDerivedFrom <urn:s> ; kgo:confidence 0.8 ; kgo:extractor "verb" .
... <urn:s> kgo:text "A invests in B." ; kgo:inDocument <urn:d> .
... ''')
>>> [statement] = read_statements(graph)
>>> statement.predicate_name, statement.confidence, statement.sentences[0].text
('investsIn', 0.8, 'A invests in B.')
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF
from rdflib.term import Node

from kg.vocab import KGO


@dataclass(frozen=True)
class Support:
    """A sentence a statement was derived from."""

    sentence: Node
    text: str
    document: Node | None
    char_start: int | None
    char_end: int | None


@dataclass(frozen=True)
class Statement:
    """A statement node: the fact, how it was found, and the sentences behind it (sorted)."""

    node: Node
    subject: Node
    predicate: Node
    object: Node
    confidence: float | None
    extractor: str
    trigger: str
    sentences: tuple[Support, ...]

    @property
    def predicate_name(self) -> str:
        """The predicate's local name (``investsIn``)."""
        return re.split(r"[#/]", str(self.predicate))[-1] or str(self.predicate)


def evidence_query(
    subjects: Iterable[str] | None = None, objects: Iterable[str] | None = None
) -> str:
    """A CONSTRUCT of the statements (with sentences and documents) about some entities.

    >>> "VALUES ?obj { <urn:a> }" in evidence_query({"urn:a"}, {"urn:a"})
    True
    """
    where = "?st rdf:subject ?sub ; rdf:predicate ?pred ; rdf:object ?obj ."
    if subjects is not None or objects is not None:
        ends = [(var, sorted(set(iris))) for var, iris in (("?sub", subjects), ("?obj", objects))
                if iris is not None]
        where = " UNION ".join(
            f"{{ VALUES {var} {{ {' '.join(f'<{iri}>' for iri in iris)} }} {where} }}"
            for var, iris in ends
        )
    return f"""
CONSTRUCT {{
  ?st rdf:subject ?sub ; rdf:predicate ?pred ; rdf:object ?obj ; ?sp ?sv .
  ?sentence ?tp ?tv . ?doc ?dp ?dv .
}} WHERE {{
  {where}
  OPTIONAL {{
    ?st ?sp ?sv .
    FILTER(?sp IN (kgo:confidence, kgo:extractor, kgo:trigger, prov:wasDerivedFrom))
  }}
  OPTIONAL {{
    ?st prov:wasDerivedFrom ?sentence .
    ?sentence ?tp ?tv .
    FILTER(?tp IN (kgo:text, kgo:inDocument, kgo:charStart, kgo:charEnd))
    OPTIONAL {{
      ?sentence kgo:inDocument ?doc . ?doc ?dp ?dv .
      FILTER(?dp IN (dcterms:title, dcterms:source))
    }}
  }}
}}"""


def values_by_subject(graph: Graph, predicate: URIRef) -> dict[Node, list[Node]]:
    """Every subject of ``predicate`` with its objects, sorted (one index scan)."""
    found: dict[Node, list[Node]] = defaultdict(list)
    for subject, obj in graph.subject_objects(predicate):
        found[subject].append(obj)
    for objects in found.values():
        objects.sort(key=lambda node: (str(node), repr(node)))
    return found


def number(node: Node | None) -> Decimal | None:
    """A literal's value as a Decimal, or None when it is no number.

    >>> number(Literal("0.85")), number(Literal("high"))
    (Decimal('0.85'), None)
    """
    if not isinstance(node, Literal):
        return None
    try:
        value = Decimal(str(node))
    except ArithmeticError:
        return None
    return value if value.is_finite() else None


def _first(values: dict[Node, list[Node]], node: Node) -> Node | None:
    found = values.get(node)
    return found[0] if found else None


def _text(node: Node | None) -> str:
    return str(node) if node is not None else ""


def read_statements(graph: Graph) -> list[Statement]:
    """Every complete statement node of ``graph`` (subject, predicate and object known), in
    a stable order; a value given twice counts once (the first in sort order, the highest
    confidence)."""
    subjects = values_by_subject(graph, RDF.subject)
    objects = values_by_subject(graph, RDF.object)
    sources = values_by_subject(graph, PROV.wasDerivedFrom)
    confidences = values_by_subject(graph, KGO.confidence)
    rules = values_by_subject(graph, KGO.extractor)
    triggers = values_by_subject(graph, KGO.trigger)
    texts = values_by_subject(graph, KGO.text)
    documents = values_by_subject(graph, KGO.inDocument)
    starts = values_by_subject(graph, KGO.charStart)
    ends = values_by_subject(graph, KGO.charEnd)
    found = []
    for node, predicates in sorted(values_by_subject(graph, RDF.predicate).items(), key=_by_node):
        s, o = _first(subjects, node), _first(objects, node)
        if s is None or o is None:
            continue
        scores = [float(n) for n in map(number, confidences.get(node, [])) if n is not None]
        support = tuple(
            Support(
                sentence,
                _text(_first(texts, sentence)),
                _first(documents, sentence),
                _int(_first(starts, sentence)),
                _int(_first(ends, sentence)),
            )
            for sentence in sources.get(node, [])
        )
        found.append(Statement(
            node, s, predicates[0], o, max(scores) if scores else None,
            _text(_first(rules, node)), _text(_first(triggers, node)), support,
        ))
    return found


def _by_node(item: tuple[Node, list[Node]]) -> tuple[str, str]:
    return str(item[0]), repr(item[0])


def _int(node: Node | None) -> int | None:
    value = number(node)
    return int(value) if value is not None else None
