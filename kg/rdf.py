"""Entities, relations and their evidence as RDF in the contract's shape. No I/O.

IRIs are minted deterministically: entities from their canonical label, documents from their
content hash, sentences from the hash and offsets, statements from what they state.

A build's triples fall into named graphs (:class:`Emitter`): one per document (its
``kgo:Document`` node, which entities it mentions, and the statements it gives, with their
evidence sentences) and one for what is merged across documents (entity types, labels,
aliases, counts, dates, ``kgo:mentionedWith``, and each typed relation that at least one
statement supports). No triple is in two parts, so the union of the parts is the whole graph
(:func:`to_graph`) with nothing repeated: a query over the union of a store's graphs answers
as a query over the file does. A store keyed this way can replace one document's part on its
own, and a document whose statements did not change keeps its part
(:meth:`Emitter.fingerprint`).

>>> slug("United States"), slug("Société Générale"), slug("北京")[:2]
('united-states', 'societe-generale', 'e-')
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from importlib.resources import files

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS
from rdflib.term import Node

from kg.model import MODEL_EXTRACTOR_PREFIX, Document, Entity, Evidence, Sentence
from kg.resolve import Resolution
from kg.sparql.prefixes import bind_prefixes
from kg.vocab import DEFAULT_BASE, KGO, kgo

Triple = tuple[Node, Node, Node]
ENTITIES_GRAPH = "graph/entities"


def slug(label: str) -> str:
    """A readable, IRI-safe path segment for a label; non-Latin labels get a hash."""
    ascii_text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if not text:
        return "e-" + hashlib.sha256(label.encode("utf-8")).hexdigest()[:12]
    return text[:80].strip("-")


def document_graph_iri(base: str, sha256: str) -> URIRef:
    """The named graph that holds one document's contributions.

    >>> str(document_graph_iri("https://w3id.org/kg/id/", "ab" * 32))
    'https://w3id.org/kg/id/graph/document/abababababababab'
    """
    return URIRef(f"{base}graph/document/{sha256[:16]}")


def emitter_version() -> str:
    """A short key naming the code that lays out the triples (this module and the vocabulary).

    A store whose parts were written by other code is rewritten whole, never patched.

    >>> len(emitter_version()), emitter_version() == emitter_version()
    (16, True)
    """
    digest = hashlib.sha256()
    for name in ("rdf.py", "vocab.py"):
        digest.update((files("kg") / name).read_bytes())
    return digest.hexdigest()[:16]


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


@dataclass(frozen=True)
class Fact:
    """One statement a document gives, its IRIs minted: a typed relation or an entity's date."""

    subject: URIRef
    predicate: URIRef
    object: URIRef | Literal
    evidence: Evidence


def _facts(resolution: Resolution, mint: Minter, min_confidence: float) -> dict[str, list[Fact]]:
    """The facts each document states (by content hash), in resolution order."""
    facts: dict[str, list[Fact]] = {}
    for rel in resolution.relations:
        if rel.evidence.confidence >= min_confidence:
            s, o = mint.entity[rel.subject], mint.entity[rel.object]
            fact = Fact(s, kgo(rel.predicate), o, rel.evidence)
            facts.setdefault(rel.evidence.sentence.doc_sha256, []).append(fact)
    for date in resolution.dates:
        ent = resolution.entities[date.key]
        if date.value == (ent.start_date if date.which == "startDate" else ent.end_date):
            value = Literal(date.value, datatype=XSD.gYear)
            evidence = Evidence(date.sentence, "date", 0.8)
            fact = Fact(mint.entity[date.key], kgo(date.which), value, evidence)
            facts.setdefault(date.sentence.doc_sha256, []).append(fact)
    return facts


def _confidence(ev: Evidence) -> Literal:
    value = Decimal(str(round(min(max(ev.confidence, 0.0), 1.0), 3)))
    return Literal(value, datatype=XSD.decimal)


class Emitter:
    """The triples of one build, named graph by named graph.

    >>> from kg.build import build_texts
    >>> result = build_texts([("a.txt", "Samsung invested in Vietnam.")])
    >>> emitter = Emitter(result.resolution, result.documents)
    >>> parts = emitter.parts()
    >>> [str(name).rsplit("/", 2)[-2] for name in parts]
    ['graph', 'document']
    >>> set().union(*parts.values()) == set(result.graph)
    True
    """

    def __init__(
        self,
        resolution: Resolution,
        documents: Sequence[Document],
        *,
        base: str = DEFAULT_BASE,
        min_confidence: float = 0.0,
    ) -> None:
        self.resolution = resolution
        self.documents = sorted(documents, key=lambda d: d.sha256)
        self.base = base
        self.mint = Minter(base, resolution.entities.values())
        self.facts = _facts(resolution, self.mint, min_confidence)
        self.mentioned: dict[str, list[URIRef]] = {}  # content hash -> entities it mentions
        for ent in resolution.entities.values():
            for sha in ent.documents:
                self.mentioned.setdefault(sha, []).append(self.mint.entity[ent.key])
        for nodes in self.mentioned.values():
            nodes.sort()
        self.entities_graph = URIRef(base + ENTITIES_GRAPH)
        self._fingerprints: dict[str, str] = {}

    def graph_of(self, doc: Document) -> URIRef:
        """The named graph of ``doc``."""
        return document_graph_iri(self.base, doc.sha256)

    def fingerprint(self, doc: Document) -> str:
        """A key that changes whenever the triples of ``doc``'s graph would change.

        It covers what the part is made of: the document's metadata, the base IRI and each
        fact with its minted IRIs and evidence; the emitting code is covered by
        :func:`emitter_version`, which a store compares separately.
        """
        found = self._fingerprints.get(doc.sha256)
        if found is not None:
            return found
        fields = [self.base, doc.sha256, doc.title, doc.source, doc.format]
        fields += self.mentioned.get(doc.sha256, ())
        for f in self.facts.get(doc.sha256, ()):
            ev = f.evidence
            fields += [f.subject, f.predicate, f.object.n3(),
                       str(ev.sentence.start), str(ev.sentence.end), ev.rule,
                       str(_confidence(ev)), ev.trigger]
        found = hashlib.sha256("\x1f".join(fields).encode("utf-8")).hexdigest()[:32]
        self._fingerprints[doc.sha256] = found
        return found

    def document_triples(self, doc: Document) -> list[Triple]:
        """The triples of ``doc``'s graph, each once, in a fixed order."""
        mint = self.mint
        node = mint.document(doc.sha256)
        out: dict[Triple, None] = {
            (node, RDF.type, KGO.Document): None,
            (node, DCTERMS.title, Literal(doc.title)): None,
            (node, DCTERMS.source, Literal(doc.source)): None,
            (node, KGO.sha256, Literal(doc.sha256)): None,
            (node, DCTERMS.format, Literal(doc.format)): None,
        }
        for entity in self.mentioned.get(doc.sha256, ()):
            out[(entity, KGO.mentionedIn, node)] = None
        for fact in self.facts.get(doc.sha256, ()):
            for triple in self._statement(fact):
                out[triple] = None
        return list(out)

    def _statement(self, fact: Fact) -> list[Triple]:
        mint, ev = self.mint, fact.evidence
        sentence = mint.sentence(ev.sentence)
        s, p, o = fact.subject, fact.predicate, fact.object
        by_model = [ev.rule] if ev.rule.startswith(MODEL_EXTRACTOR_PREFIX) else []
        node = mint.statement(str(s), str(p), str(o), str(sentence), *by_model)
        triples: list[Triple] = [
            (sentence, RDF.type, KGO.Sentence),
            (sentence, KGO.text, Literal(ev.sentence.text)),
            (sentence, KGO.inDocument, mint.document(ev.sentence.doc_sha256)),
            (sentence, KGO.charStart, Literal(ev.sentence.start)),
            (sentence, KGO.charEnd, Literal(ev.sentence.end)),
            (node, RDF.type, RDF.Statement),
            (node, RDF.subject, s),
            (node, RDF.predicate, p),
            (node, RDF.object, o),
            (node, PROV.wasDerivedFrom, sentence),
            (node, KGO.confidence, _confidence(ev)),
            (node, KGO.extractor, Literal(ev.rule)),
        ]
        if ev.trigger:
            triples.append((node, KGO.trigger, Literal(ev.trigger)))
        return triples

    def entity_triples(self) -> list[Triple]:
        """The triples of the entities graph: what is merged across documents."""
        out: list[Triple] = []
        for ent in self.resolution.entities.values():
            out += self._entity(ent)
        entity = self.mint.entity
        out += [(entity[a], KGO.mentionedWith, entity[b]) for a, b in self.resolution.cooccurrences]
        relations = {
            (fact.subject, fact.predicate, fact.object): None
            for doc in self.documents
            for fact in self.facts.get(doc.sha256, ())
            if isinstance(fact.object, URIRef)  # a date's triple is on its entity already
        }
        return out + list(relations)

    def _entity(self, ent: Entity) -> list[Triple]:
        mint = self.mint
        node = mint.entity[ent.key]
        triples: list[Triple] = [
            (node, RDF.type, kgo(ent.cls)),
            (node, RDFS.label, Literal(ent.label)),
        ]
        triples += [(node, SKOS.altLabel, Literal(alias)) for alias in sorted(ent.aliases)]
        triples.append((node, KGO.mentionCount, Literal(ent.mention_count)))
        if ent.start_date:
            triples.append((node, KGO.startDate, Literal(ent.start_date, datatype=XSD.gYear)))
        if ent.end_date:
            triples.append((node, KGO.endDate, Literal(ent.end_date, datatype=XSD.gYear)))
        return triples

    def parts(self, only: Collection[str] | None = None) -> dict[URIRef, list[Triple]]:
        """The entities graph, then each document's graph (by content hash).

        ``only`` limits the documents to those content hashes (the entities graph is always
        there).
        """
        parts = {self.entities_graph: self.entity_triples()}
        for doc in self.documents:
            if only is None or doc.sha256 in only:
                parts[self.graph_of(doc)] = self.document_triples(doc)
        return parts


def to_graph(
    resolution: Resolution,
    documents: Sequence[Document],
    *,
    base: str = DEFAULT_BASE,
    min_confidence: float = 0.0,
) -> Graph:
    """The whole build as one rdflib Graph in the contract's shape (the union of the parts)."""
    g = bind_prefixes(Graph(), base)
    emitter = Emitter(resolution, documents, base=base, min_confidence=min_confidence)
    for triples in emitter.parts().values():
        g += triples
    return g
