"""Entities, relations and their evidence as an rdflib Graph in the contract's shape. No I/O.

IRIs are minted deterministically: entities from their canonical label, documents from their
content hash, sentences from the hash and offsets, statements from what they state.

>>> slug("United States"), slug("Société Générale"), slug("北京")[:2]
('united-states', 'societe-generale', 'e-')
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS
from rdflib.term import Node

from kg.model import DateFact, Document, Entity, Evidence, Relation, Sentence
from kg.resolve import Resolution
from kg.vocab import DEFAULT_BASE, KGO, kgo, prefixes


def slug(label: str) -> str:
    """A readable, IRI-safe path segment for a label; non-Latin labels get a hash."""
    ascii_text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if not text:
        return "e-" + hashlib.sha256(label.encode("utf-8")).hexdigest()[:12]
    return text[:80].strip("-")


def bind_prefixes(graph: Graph, base: str = DEFAULT_BASE) -> Graph:
    """Bind the contract's prefixes on a graph (and return it)."""
    for prefix, ns in prefixes(base).items():
        graph.bind(prefix, ns, override=True)
    return graph


class Minter:
    """Mints the IRIs of one build under a base IRI."""

    def __init__(self, base: str, entities: Iterable[Entity]) -> None:
        self.ns = Namespace(base)
        self.entity: dict[str, URIRef] = {}
        used: set[str] = set()
        for ent in sorted(entities, key=lambda e: (slug(e.label), e.key)):
            name, n = slug(ent.label), 2
            while name in used:
                name, n = f"{slug(ent.label)}-{n}", n + 1
            used.add(name)
            self.entity[ent.key] = self.ns[f"entity/{name}"]

    def document(self, sha256: str) -> URIRef:
        return self.ns[f"document/{sha256[:16]}"]

    def sentence(self, s: Sentence) -> URIRef:
        return self.ns[f"sentence/{s.doc_sha256[:16]}-{s.start}-{s.end}"]

    def statement(self, *parts: str) -> URIRef:
        digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]
        return self.ns[f"statement/{digest}"]


def _add_document(g: Graph, mint: Minter, doc: Document) -> None:
    node = mint.document(doc.sha256)
    g.add((node, RDF.type, KGO.Document))
    g.add((node, DCTERMS.title, Literal(doc.title)))
    g.add((node, DCTERMS.source, Literal(doc.source)))
    g.add((node, KGO.sha256, Literal(doc.sha256)))
    g.add((node, DCTERMS.format, Literal(doc.format)))


def _add_sentence(g: Graph, mint: Minter, s: Sentence) -> URIRef:
    node = mint.sentence(s)
    g.add((node, RDF.type, KGO.Sentence))
    g.add((node, KGO.text, Literal(s.text)))
    g.add((node, KGO.inDocument, mint.document(s.doc_sha256)))
    g.add((node, KGO.charStart, Literal(s.start)))
    g.add((node, KGO.charEnd, Literal(s.end)))
    return node


def _add_entity(g: Graph, mint: Minter, ent: Entity) -> None:
    node = mint.entity[ent.key]
    g.add((node, RDF.type, kgo(ent.cls)))
    g.add((node, RDFS.label, Literal(ent.label)))
    for alias in sorted(ent.aliases):
        g.add((node, SKOS.altLabel, Literal(alias)))
    g.add((node, KGO.mentionCount, Literal(ent.mention_count)))
    for sha in sorted(ent.documents):
        g.add((node, KGO.mentionedIn, mint.document(sha)))
    if ent.start_date:
        g.add((node, KGO.startDate, Literal(ent.start_date, datatype=XSD.gYear)))
    if ent.end_date:
        g.add((node, KGO.endDate, Literal(ent.end_date, datatype=XSD.gYear)))


def _add_statement(
    g: Graph, mint: Minter, s: URIRef, p: URIRef, o: URIRef | Literal, ev: Evidence
) -> None:
    sentence = _add_sentence(g, mint, ev.sentence)
    node = mint.statement(str(s), str(p), str(o), str(sentence))
    g.add((node, RDF.type, RDF.Statement))
    g.add((node, RDF.subject, s))
    g.add((node, RDF.predicate, p))
    g.add((node, RDF.object, o))
    g.add((node, PROV.wasDerivedFrom, sentence))
    confidence = Decimal(str(round(min(max(ev.confidence, 0.0), 1.0), 3)))
    g.add((node, KGO.confidence, Literal(confidence, datatype=XSD.decimal)))
    g.add((node, KGO.extractor, Literal(ev.rule)))
    if ev.trigger:
        g.add((node, KGO.trigger, Literal(ev.trigger)))


def _add_relation(g: Graph, mint: Minter, rel: Relation) -> None:
    s, o = mint.entity[rel.subject], mint.entity[rel.object]
    p = kgo(rel.predicate)
    g.add((s, p, o))
    _add_statement(g, mint, s, p, o, rel.evidence)


def _add_date(g: Graph, mint: Minter, fact: DateFact) -> None:
    ent = mint.entity[fact.key]
    value = Literal(fact.value, datatype=XSD.gYear)
    _add_statement(g, mint, ent, kgo(fact.which), value, Evidence(fact.sentence, "date", 0.8))


def to_graph(
    resolution: Resolution,
    documents: Sequence[Document],
    *,
    base: str = DEFAULT_BASE,
    min_confidence: float = 0.0,
) -> Graph:
    """The whole build as one rdflib Graph in the contract's shape."""
    g = bind_prefixes(Graph(), base)
    mint = Minter(base, resolution.entities.values())
    for doc in sorted(documents, key=lambda d: d.sha256):
        _add_document(g, mint, doc)
    for ent in resolution.entities.values():
        _add_entity(g, mint, ent)
    for rel in resolution.relations:
        if rel.evidence.confidence >= min_confidence:
            _add_relation(g, mint, rel)
    for fact in resolution.dates:
        if (
            fact.which == "startDate" and resolution.entities[fact.key].start_date == fact.value
        ) or (fact.which == "endDate" and resolution.entities[fact.key].end_date == fact.value):
            _add_date(g, mint, fact)
    for a, b in resolution.cooccurrences:
        g.add((mint.entity[a], KGO.mentionedWith, mint.entity[b]))
    return g


ENTITIES_GRAPH = "graph/entities"


def document_graph_iri(base: str, sha256: str) -> URIRef:
    """The named graph that holds one document's contributions.

    >>> str(document_graph_iri("https://w3id.org/kg/id/", "ab" * 32))
    'https://w3id.org/kg/id/graph/document/abababababababab'
    """
    return URIRef(f"{base}graph/document/{sha256[:16]}")


Triple = tuple[Node, Node, Node]


def partition_triples(graph: Graph, *, base: str = DEFAULT_BASE) -> dict[URIRef, list[Triple]]:
    """The triples of each named graph of a build (see :func:`partition`), in graph order.

    Plain lists: a store loads them without building an rdflib graph per part.
    """
    mint = Namespace(base)
    entities = URIRef(mint[ENTITIES_GRAPH])
    parts: dict[URIRef, list[Triple]] = {entities: []}
    doc_of: dict[Node, URIRef] = {}
    for doc in graph.subjects(RDF.type, KGO.Document):
        doc_of[doc] = document_graph_iri(base, str(graph.value(doc, KGO.sha256)))
    for sent, doc in graph.subject_objects(KGO.inDocument):
        if doc in doc_of:
            doc_of[sent] = doc_of[doc]
    relation_home: dict[Triple, set[URIRef]] = {}
    for st in graph.subjects(RDF.type, RDF.Statement):
        target = doc_of.get(graph.value(st, PROV.wasDerivedFrom))  # type: ignore[arg-type]
        if target is None:
            continue
        doc_of[st] = target
        key = (
            graph.value(st, RDF.subject),
            graph.value(st, RDF.predicate),
            graph.value(st, RDF.object),
        )
        relation_home.setdefault(key, set()).add(target)  # type: ignore[arg-type]
    for target in set(doc_of.values()):
        parts.setdefault(target, [])
    for triple in graph:
        home = doc_of.get(triple[0])
        if home is not None:
            parts[home].append(triple)
        elif triple in relation_home:
            for target in sorted(relation_home[triple]):
                parts[target].append(triple)
        else:
            parts[entities].append(triple)
    return parts


def partition(graph: Graph, *, base: str = DEFAULT_BASE) -> dict[URIRef, Graph]:
    """Split a build's graph into named graphs: one per document, one for the entities.

    A document's graph holds its ``kgo:Document`` node, its sentences, the statements whose
    evidence it gives and the typed relation triples those statements support. The entities
    graph (``{base}graph/entities``) holds what is merged across documents: entity types,
    labels, aliases, counts, dates and ``kgo:mentionedWith``. The union of the parts is the
    whole graph, so a store keyed this way can replace one document's part on its own.
    """
    parts: dict[URIRef, Graph] = {}
    for name, triples in partition_triples(graph, base=base).items():
        part = parts[name] = Graph()
        for triple in triples:
            part.add(triple)
    return parts
