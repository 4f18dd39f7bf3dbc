"""From the RDF graph to networkx: entities become nodes, relations become edges.

``to_networkx`` reads the shape every build produces (see ``kg.rdf``) with one scan per
predicate, so the cost grows with the number of triples, never with its square.

>>> g = Graph().parse(format="turtle", data='''
... @prefix kgo: <https://w3id.org/kg/ontology#> .
... @prefix e: <https://w3id.org/kg/id/entity/> .
... @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
... e:seoul a kgo:City ; rdfs:label "Seoul" ; kgo:mentionCount 2 .
... e:korea a kgo:Country ; rdfs:label "South Korea" ; kgo:mentionCount 3 .
... e:seoul kgo:capitalOf e:korea ; kgo:mentionedWith e:korea .
... ''')
>>> nxg = to_networkx(g)
>>> nxg.nodes["https://w3id.org/kg/id/entity/seoul"]["cls"]
'City'
>>> sorted(key for _, _, key in nxg.edges(keys=True))
['capitalOf', 'mentionedWith']
>>> len(to_networkx(g, include_cooccurrence=False).edges)
1
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS
from rdflib.term import Node

from kg.graphs.evidence import read_statements, values_by_subject
from kg.vocab import (
    ENTITY_CLASSES,
    KGO,
    RELATION_PROPERTIES,
    SYMMETRIC_PROPERTIES,
    most_specific,
)

__all__ = ["EvidenceItem", "communities", "local_name", "to_graphml_ready", "to_networkx"]

#: One piece of evidence on an edge: the sentence, its document IRI, the rule, the confidence.
EvidenceItem = dict[str, Any]

_KGO_NS = str(KGO.Entity)[: -len("Entity")]
_CLASS_BY_IRI: dict[Node, str] = {URIRef(_KGO_NS + name): name for name in ENTITY_CLASSES}
_RELATION_BY_IRI: dict[Node, str] = {URIRef(_KGO_NS + name): name for name in RELATION_PROPERTIES}
COOCCURRENCE = "mentionedWith"

# Characters XML 1.0 cannot carry at all (GraphML is XML): C0 controls but tab/LF/CR,
# lone surrogates and the two non-characters U+FFFE/U+FFFF.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def local_name(iri: str) -> str:
    """The part of an IRI after its last ``#`` or ``/``.

    >>> local_name("https://w3id.org/kg/ontology#investsIn"), local_name("https://x.org/a/b")
    ('investsIn', 'b')
    """
    return re.split(r"[#/]", iri)[-1]


def _node_key(node: Node) -> tuple[str, str]:
    return str(node), repr(node)


def _first_text(values: dict[Node, list[Node]], subject: Node) -> str | None:
    objects = values.get(subject)
    return str(objects[0]) if objects else None


def _number(node: Node) -> float | None:
    if not isinstance(node, Literal):
        return None
    value = node.toPython()
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    return float(value)


def _entity_classes(graph: Graph) -> dict[Node, list[str]]:
    classes: dict[Node, list[str]] = defaultdict(list)
    for subject, cls in graph.subject_objects(RDF.type):
        name = _CLASS_BY_IRI.get(cls)
        if name is not None and isinstance(subject, URIRef):
            classes[subject].append(name)
    return classes


def _documents(graph: Graph) -> dict[str, dict[str, str]]:
    titles = values_by_subject(graph, DCTERMS.title)
    sources = values_by_subject(graph, DCTERMS.source)
    documents = {}
    for doc in sorted(set(graph.subjects(RDF.type, KGO.Document)), key=_node_key):
        documents[str(doc)] = {
            "title": _first_text(titles, doc) or local_name(str(doc)),
            "source": _first_text(sources, doc) or "",
        }
    return documents


def _evidence(graph: Graph) -> dict[tuple[Node, str, Node], list[EvidenceItem]]:
    """Evidence per (subject, predicate local name, object), from the statement nodes."""
    found: dict[tuple[Node, str, Node], set[tuple[float, str, str, str]]] = defaultdict(set)
    for statement in read_statements(graph):
        name = _RELATION_BY_IRI.get(statement.predicate)
        if name is None:
            continue
        confidence = statement.confidence if statement.confidence is not None else 0.0
        key = (statement.subject, name, statement.object)
        for support in statement.sentences or (None,):
            if support is None:
                found[key].add((confidence, "", "", statement.extractor))
                continue
            found[key].add(
                (confidence, _text(support.document), support.text, statement.extractor)
            )
    return {
        key: [
            {"text": text, "document": document, "rule": rule, "confidence": confidence}
            for confidence, document, text, rule in sorted(
                items, key=lambda item: (-item[0], item[1], item[2], item[3])
            )
        ]
        for key, items in found.items()
    }


def _text(node: Node | None) -> str:
    return str(node) if node is not None else ""


def _node_attributes(graph: Graph, classes: dict[Node, list[str]]) -> dict[str, dict[str, Any]]:
    labels = values_by_subject(graph, RDFS.label)
    aliases = values_by_subject(graph, SKOS.altLabel)
    counts = values_by_subject(graph, KGO.mentionCount)
    mentioned_in = values_by_subject(graph, KGO.mentionedIn)
    starts = values_by_subject(graph, KGO.startDate)
    ends = values_by_subject(graph, KGO.endDate)
    nodes: dict[str, dict[str, Any]] = {}
    for entity in sorted(classes, key=_node_key):
        names = tuple(sorted({str(alias) for alias in aliases.get(entity, [])}))
        count = next((n for n in map(_number, counts.get(entity, [])) if n is not None), 0.0)
        attrs: dict[str, Any] = {
            "label": _first_text(labels, entity) or local_name(str(entity)),
            "cls": most_specific(classes[entity]),
            "aliases": names,
            "aliases_text": "; ".join(names),
            "mention_count": int(count),
            "documents": tuple(sorted({str(doc) for doc in mentioned_in.get(entity, [])})),
        }
        if entity in starts:
            attrs["start_date"] = min(str(value) for value in starts[entity])
        if entity in ends:
            attrs["end_date"] = max(str(value) for value in ends[entity])
        nodes[str(entity)] = attrs
    return nodes


def _relation_triples(graph: Graph, names: Iterable[str]) -> list[tuple[URIRef, str, URIRef]]:
    triples: list[tuple[URIRef, str, URIRef]] = []
    for name in names:
        for subject, obj in graph.subject_objects(URIRef(_KGO_NS + name)):
            if isinstance(subject, URIRef) and isinstance(obj, URIRef):
                triples.append((subject, name, obj))
    return sorted(triples)


def to_networkx(graph: Graph, *, include_cooccurrence: bool = True) -> nx.MultiDiGraph:
    """The entities and relations of ``graph`` as a networkx multigraph; ``graph`` is not changed.

    Nodes are entity IRIs (strings) with ``label``, ``cls`` (most specific contract class),
    ``aliases`` (sorted tuple), ``aliases_text`` ("; "-joined), ``mention_count``,
    ``documents`` (sorted document IRIs) and, when known, ``start_date``/``end_date``.
    Edges follow the asserted triples, keyed by the predicate's local name, with
    ``predicate``, ``evidence`` (a list of ``{text, document, rule, confidence}``, best
    first), ``evidence_count`` and ``confidence`` (the best one; absent without evidence).
    A symmetric relation also takes the evidence stated in the other direction.
    ``mentionedWith`` edges (co-occurrence, no evidence) are added when
    ``include_cooccurrence`` is true. ``nxg.graph["documents"]`` maps document IRIs to
    their ``title`` and ``source``. A relation end that is not typed as an entity still
    becomes a node, of class ``Entity``.

    >>> g = Graph().parse(format="turtle", data='''
    ... @prefix kgo: <https://w3id.org/kg/ontology#> .
    ... @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
    ... @prefix prov: <http://www.w3.org/ns/prov#> .
    ... <urn:a> a kgo:Company ; kgo:investsIn <urn:b> .
    ... <urn:b> a kgo:Country .
    ... <urn:st> rdf:subject <urn:a> ; rdf:predicate kgo:investsIn ; rdf:object <urn:b> ;
    ...     prov:wasDerivedFrom <urn:s> ; kgo:confidence 0.8 ; kgo:extractor "verb" .
    ... <urn:s> kgo:text "A invests in B." .
    ... ''')
    >>> edge = to_networkx(g).edges["urn:a", "urn:b", "investsIn"]
    >>> edge["confidence"], edge["evidence_count"], edge["evidence"][0]["text"]
    (0.8, 1, 'A invests in B.')
    """
    classes = _entity_classes(graph)
    typed = _relation_triples(graph, RELATION_PROPERTIES)
    cooccurring = _relation_triples(graph, [COOCCURRENCE]) if include_cooccurrence else []
    for subject, _, obj in typed + cooccurring:
        classes.setdefault(subject, [])
        classes.setdefault(obj, [])

    nxg = nx.MultiDiGraph()
    nxg.graph["documents"] = _documents(graph)
    nxg.add_nodes_from(_node_attributes(graph, classes).items())

    evidence = _evidence(graph)
    for subject, name, obj in typed:
        items = list(evidence.get((subject, name, obj), []))
        if name in SYMMETRIC_PROPERTIES and subject != obj:
            items = _merge_evidence(items, evidence.get((obj, name, subject), []))
        attrs: dict[str, Any] = {
            "predicate": name,
            "evidence": items,
            "evidence_count": len(items),
        }
        if items:
            attrs["confidence"] = max(item["confidence"] for item in items)
        nxg.add_edge(str(subject), str(obj), key=name, **attrs)
    for subject, name, obj in cooccurring:
        nxg.add_edge(
            str(subject), str(obj), key=name, predicate=name, evidence=[], evidence_count=0
        )
    return nxg


def _merge_evidence(first: list[EvidenceItem], second: list[EvidenceItem]) -> list[EvidenceItem]:
    """Both lists without duplicates, best confidence first.

    >>> a = {"text": "t", "document": "d", "rule": "r", "confidence": 0.5}
    >>> b = {"text": "u", "document": "d", "rule": "r", "confidence": 0.9}
    >>> [item["text"] for item in _merge_evidence([a], [a, b])]
    ['u', 't']
    """
    unique = {(i["confidence"], i["document"], i["text"], i["rule"]): i for i in first + second}
    return [unique[key] for key in sorted(unique, key=lambda k: (-k[0], k[1], k[2], k[3]))]


def _graphml_value(value: Any) -> Any:
    """A value GraphML can hold: scalars stay, containers become JSON text, XML-safe.

    >>> _graphml_value(("a", "b")), _graphml_value(3), _graphml_value("bell\\x07")
    ('["a", "b"]', 3, 'bell\ufffd')
    """
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, list | tuple | dict | set | frozenset):
        if isinstance(value, set | frozenset):
            value = sorted(value)
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return _XML_INVALID.sub("\ufffd", str(value))


def _graphml_attrs(attrs: dict[str, Any]) -> dict[str, Any]:
    return {key: _graphml_value(value) for key, value in attrs.items() if value is not None}


def to_graphml_ready(nxg: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of ``nxg`` that ``networkx.write_graphml`` accepts; ``nxg`` is not changed.

    Lists, tuples and dicts become JSON text (``json.loads`` gives them back), ``None``
    values are dropped, and characters XML cannot carry become U+FFFD.

    >>> g = nx.MultiDiGraph(documents={"d": {"title": "T"}})
    >>> g.add_node("a", aliases=("A", "B"))
    >>> ready = to_graphml_ready(g)
    >>> ready.nodes["a"]["aliases"], ready.graph["documents"]
    ('["A", "B"]', '{"d": {"title": "T"}}')
    """
    ready = nx.MultiDiGraph(**_graphml_attrs(dict(nxg.graph)))
    ready.add_nodes_from((node, _graphml_attrs(attrs)) for node, attrs in nxg.nodes(data=True))
    ready.add_edges_from(
        (u, v, key, _graphml_attrs(attrs)) for u, v, key, attrs in nxg.edges(keys=True, data=True)
    )
    return ready


def communities(nxg: nx.Graph, *, seed: int = 0) -> dict[str, int]:
    """A community number for every node, by Louvain on the undirected simple projection.

    Parallel and reverse edges between two nodes add up to the projected edge's weight.
    Communities are numbered from 0, largest first (ties: the smallest node id first),
    so the same graph and seed always give the same numbers.

    >>> g = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "a"), ("x", "y"), ("y", "z")])
    >>> communities(g)
    {'a': 0, 'b': 0, 'c': 0, 'x': 1, 'y': 1, 'z': 1}
    """
    weights: Counter[tuple[str, str]] = Counter()
    for u, v in nxg.edges():
        if u != v:
            weights[(u, v) if u <= v else (v, u)] += 1
    simple = nx.Graph()
    simple.add_nodes_from(sorted(nxg.nodes))
    simple.add_weighted_edges_from((u, v, w) for (u, v), w in sorted(weights.items()))
    parts = nx.community.louvain_communities(simple, weight="weight", seed=seed)
    ordered = sorted((sorted(part) for part in parts), key=lambda part: (-len(part), part[0]))
    return {node: number for number, part in enumerate(ordered) for node in sorted(part)}
