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

from kg.graphs.evidence import read_statements
from kg.graphs.network import EvidenceRow, NetworkRows
from kg.vocab import (
    ENTITY_CLASSES,
    KGO,
    RELATION_PROPERTIES,
    SYMMETRIC_PROPERTIES,
    most_specific,
)

__all__ = [
    "EvidenceItem",
    "build_network",
    "communities",
    "local_name",
    "network_rows",
    "to_graphml_ready",
    "to_networkx",
]

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


def _text(node: Node | None) -> str:
    return str(node) if node is not None else ""


def _number(node: Node) -> float | None:
    if not isinstance(node, Literal):
        return None
    value = node.toPython()
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    return float(value)


def _pairs(graph: Graph, predicate: URIRef) -> list[tuple[str, str]]:
    return [(str(s), str(o)) for s, o in graph.subject_objects(predicate)]


def _evidence_rows(graph: Graph) -> list[EvidenceRow]:
    rows: list[EvidenceRow] = []
    for statement in read_statements(graph):
        name = _RELATION_BY_IRI.get(statement.predicate)
        if name is None:
            continue
        confidence = statement.confidence if statement.confidence is not None else 0.0
        head = (str(statement.subject), name, str(statement.object), confidence)
        if not statement.sentences:
            rows.append((*head, "", "", statement.extractor))
        for support in statement.sentences:
            rows.append((*head, _text(support.document), support.text, statement.extractor))
    return rows


def network_rows(graph: Graph) -> NetworkRows:
    """What the viewer reads of an rdflib ``graph``, as rows of strings (see
    ``kg.graphs.network.NetworkRows``; an Oxigraph source reads the same rows with SELECTs)."""
    rows = NetworkRows()
    for subject, cls in graph.subject_objects(RDF.type):
        name = _CLASS_BY_IRI.get(cls)
        if name is not None and isinstance(subject, URIRef):
            rows.classes.append((str(subject), name))
    rows.documents = sorted({str(doc) for doc in graph.subjects(RDF.type, KGO.Document)})
    rows.titles, rows.sources = _pairs(graph, DCTERMS.title), _pairs(graph, DCTERMS.source)
    rows.labels, rows.aliases = _pairs(graph, RDFS.label), _pairs(graph, SKOS.altLabel)
    rows.mentioned_in = _pairs(graph, KGO.mentionedIn)
    rows.starts, rows.ends = _pairs(graph, KGO.startDate), _pairs(graph, KGO.endDate)
    rows.counts = [
        (str(s), str(o), _number(o)) for s, o in graph.subject_objects(KGO.mentionCount)
    ]
    for name in (*RELATION_PROPERTIES, COOCCURRENCE):
        for subject, obj in graph.subject_objects(URIRef(_KGO_NS + name)):
            if isinstance(subject, URIRef) and isinstance(obj, URIRef):
                rows.relations.append((str(subject), name, str(obj)))
    rows.evidence = _evidence_rows(graph)
    return rows


def _grouped(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for subject, value in pairs:
        found[subject].append(value)
    return found


def _first(values: dict[str, list[str]], subject: str) -> str | None:
    found = values.get(subject)
    return min(found) if found else None


def _documents(rows: NetworkRows) -> dict[str, dict[str, str]]:
    titles, sources = _grouped(rows.titles), _grouped(rows.sources)
    return {
        doc: {"title": _first(titles, doc) or local_name(doc), "source": _first(sources, doc) or ""}
        for doc in sorted(set(rows.documents))
    }


def _evidence(rows: NetworkRows) -> dict[tuple[str, str, str], list[EvidenceItem]]:
    """Evidence per (subject, predicate local name, object), best first."""
    found: dict[tuple[str, str, str], set[tuple[float, str, str, str]]] = defaultdict(set)
    for subject, name, obj, confidence, document, text, rule in rows.evidence:
        found[(subject, name, obj)].add((confidence, document, text, rule))
    return {
        key: [
            {"text": text, "document": document, "rule": rule, "confidence": confidence}
            for confidence, document, text, rule in sorted(
                items, key=lambda item: (-item[0], item[1], item[2], item[3])
            )
        ]
        for key, items in found.items()
    }


def _node_attributes(
    rows: NetworkRows, classes: dict[str, list[str]]
) -> dict[str, dict[str, Any]]:
    labels, aliases = _grouped(rows.labels), _grouped(rows.aliases)
    mentioned_in = _grouped(rows.mentioned_in)
    starts, ends = _grouped(rows.starts), _grouped(rows.ends)
    counts: dict[str, list[tuple[str, float | None]]] = defaultdict(list)
    for subject, lexical, value in rows.counts:
        counts[subject].append((lexical, value))
    nodes: dict[str, dict[str, Any]] = {}
    for entity in sorted(classes):
        names = tuple(sorted(set(aliases.get(entity, []))))
        count = next((n for _, n in sorted(counts.get(entity, []), key=_lexical)
                      if n is not None), 0.0)
        attrs: dict[str, Any] = {
            "label": _first(labels, entity) or local_name(entity),
            "cls": most_specific(classes[entity]),
            "aliases": names,
            "aliases_text": "; ".join(names),
            "mention_count": int(count),
            "documents": tuple(sorted(set(mentioned_in.get(entity, [])))),
        }
        if entity in starts:
            attrs["start_date"] = min(starts[entity])
        if entity in ends:
            attrs["end_date"] = max(ends[entity])
        nodes[entity] = attrs
    return nodes


def _lexical(item: tuple[str, float | None]) -> str:
    return item[0]


def build_network(rows: NetworkRows, *, include_cooccurrence: bool = True) -> nx.MultiDiGraph:
    """The viewer's networkx multigraph from ``rows`` (the one builder behind
    ``to_networkx`` and ``GraphSource.view_network``; see ``to_networkx`` for its shape).

    >>> rows = NetworkRows(classes=[("urn:a", "Company"), ("urn:b", "Country")],
    ...                    relations=[("urn:a", "investsIn", "urn:b")])
    >>> nxg = build_network(rows)
    >>> nxg.nodes["urn:b"]["cls"], list(nxg.edges(keys=True))
    ('Country', [('urn:a', 'urn:b', 'investsIn')])
    """
    classes: dict[str, list[str]] = defaultdict(list)
    for entity, name in sorted(set(rows.classes)):
        classes[entity].append(name)
    relations = sorted(set(rows.relations))
    typed = [triple for triple in relations if triple[1] != COOCCURRENCE]
    cooccurring = (
        [triple for triple in relations if triple[1] == COOCCURRENCE]
        if include_cooccurrence else []
    )
    for subject, _, obj in typed + cooccurring:
        classes.setdefault(subject, [])
        classes.setdefault(obj, [])

    nxg = nx.MultiDiGraph()
    nxg.graph["documents"] = _documents(rows)
    nxg.add_nodes_from(_node_attributes(rows, classes).items())

    evidence = _evidence(rows)
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
        nxg.add_edge(subject, obj, key=name, **attrs)
    for subject, name, obj in cooccurring:
        nxg.add_edge(subject, obj, key=name, predicate=name, evidence=[], evidence_count=0)
    return nxg


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
    return build_network(network_rows(graph), include_cooccurrence=include_cooccurrence)


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


def communities(
    nxg: nx.Graph, *, seed: int = 0, nodes: Iterable[str] | None = None
) -> dict[str, int]:
    """A community number for every node, by Louvain on the undirected simple projection.

    Parallel and reverse edges between two nodes add up to the projected edge's weight.
    Communities are numbered from 0, largest first (ties: the smallest node id first),
    so the same graph and seed always give the same numbers. ``nodes`` restricts it to
    those nodes and the edges among them (as ``nxg.subgraph(nodes)`` would, faster).

    >>> g = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "a"), ("x", "y"), ("y", "z")])
    >>> communities(g)
    {'a': 0, 'b': 0, 'c': 0, 'x': 1, 'y': 1, 'z': 1}
    >>> communities(g, nodes=["a", "b", "x"])
    {'a': 0, 'b': 0, 'x': 1}
    """
    keep = set(nxg.nodes) if nodes is None else set(nodes) & set(nxg.nodes)
    weights: Counter[tuple[str, str]] = Counter()
    # edges(keep) reports each edge once: a directed graph's out-edges, an undirected one's
    # edges at those nodes; a multigraph's parallel edges one by one
    for u, v in nxg.edges(keep):
        if u != v and v in keep:
            weights[(u, v) if u <= v else (v, u)] += 1
    simple = nx.Graph()
    simple.add_nodes_from(sorted(keep))
    simple.add_weighted_edges_from((u, v, w) for (u, v), w in sorted(weights.items()))
    parts = nx.community.louvain_communities(simple, weight="weight", seed=seed)
    ordered = sorted((sorted(part) for part in parts), key=lambda part: (-len(part), part[0]))
    return {node: number for number, part in enumerate(ordered) for node in sorted(part)}
