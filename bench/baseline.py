"""The "afternoon notebook" baseline that kg is compared against.

What a competent person gets in an afternoon with spaCy alone: the same NER model as kg, a naive
NER-label -> class map, one entity per exact surface text (no alias resolution, no gazetteer),
and subject-verb-object triples between entities emitted as untyped ``kgo:relatedTo`` with the
verb as trigger. No typed relations, no dates. The output is an rdflib graph in the shape kg
produces (label, class, statements with sentence evidence), so one scorer judges both.

>>> entity_class("GPE"), entity_class("NORP")
('Country', None)
>>> entity_iri("U.S.", "https://w3id.org/kg/id/")
rdflib.term.URIRef('https://w3id.org/kg/id/entity/u-s-5e4eb7c5')
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SKOS
from spacy.tokens import Span

from kg.nlp.pipeline import DEFAULT_MODEL, load_pipeline
from kg.vocab import DEFAULT_BASE, KGO

PROV = Namespace("http://www.w3.org/ns/prov#")

#: spaCy NER label -> contract class; labels not listed (NORP, WORK_OF_ART, DATE, ...) are dropped.
NER_CLASSES: dict[str, str] = {
    "GPE": "Country",
    "ORG": "Organization",
    "PERSON": "Person",
    "LOC": "Place",
    "FAC": "Facility",
    "EVENT": "Event",
    "LAW": "Policy",
    "PRODUCT": "Product",
}

EXTRACTOR = "baseline-svo"


def entity_class(ner_label: str) -> str | None:
    """The contract class the notebook gives an NER label, or None when it drops the entity.

    >>> entity_class("ORG"), entity_class("WORK_OF_ART")
    ('Organization', None)
    """
    return NER_CLASSES.get(ner_label)


def _digest(text: str, size: int = 16) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:size]


def entity_iri(surface: str, base: str) -> URIRef:
    """One IRI per exact surface text: a readable slug plus a hash that keeps "US" and "U.S." apart.

    >>> entity_iri("Joe Biden", "http://x/")
    rdflib.term.URIRef('http://x/entity/joe-biden-d99d0b12')
    """
    slug = re.sub(r"[^a-z0-9]+", "-", surface.lower()).strip("-") or "entity"
    return URIRef(f"{base}entity/{slug}-{_digest(surface, 8)}")


def svo_triples(sent: Span) -> list[tuple[Span, str, Span]]:
    """(subject entity, verb lemma, object entity) for each verb whose ``nsubj`` and ``dobj``
    (or ``prep`` -> ``pobj``) fall inside two different kept entities of the sentence.

    >>> from spacy.tokens import Doc
    >>> from spacy.vocab import Vocab
    >>> words = ["Sony", "backs", "Rapidus", "in", "Japan"]
    >>> doc = Doc(Vocab(), words=words, heads=[1, 1, 1, 1, 3],
    ...           deps=["nsubj", "ROOT", "dobj", "prep", "pobj"],
    ...           pos=["PROPN", "VERB", "PROPN", "ADP", "PROPN"],
    ...           lemmas=["Sony", "back", "Rapidus", "in", "Japan"],
    ...           ents=["B-ORG", "O", "B-ORG", "O", "B-GPE"])
    >>> [(s.text, v, o.text) for s, v, o in svo_triples(doc[:])]
    [('Sony', 'back', 'Rapidus'), ('Sony', 'back', 'Japan')]
    """
    entity_at: dict[int, Span] = {}
    for ent in sent.ents:
        if entity_class(ent.label_) is not None:
            for token in ent:
                entity_at[token.i] = ent
    found: list[tuple[Span, str, Span]] = []
    for verb in sent:
        if verb.pos_ not in ("VERB", "AUX"):
            continue
        subjects = [c for c in verb.children if c.dep_ == "nsubj"]
        objects = [c for c in verb.children if c.dep_ == "dobj"]
        objects += [g for c in verb.children if c.dep_ == "prep" for g in c.children
                    if g.dep_ == "pobj"]
        for subj in subjects:
            for obj in objects:
                s_ent, o_ent = entity_at.get(subj.i), entity_at.get(obj.i)
                if s_ent is not None and o_ent is not None and s_ent.text != o_ent.text:
                    found.append((s_ent, verb.lemma_ or verb.text, o_ent))
    return found


@dataclass
class _Seen:
    """What the notebook remembers about one surface text."""

    labels: Counter[str] = field(default_factory=Counter)
    mentions: int = 0
    documents: set[str] = field(default_factory=set)


def build_baseline(
    docs: Sequence[tuple[str, str]], *, model: str = DEFAULT_MODEL, base: str = DEFAULT_BASE
) -> Graph:
    """Run the notebook on (name, text) pairs and return its graph in kg's RDF shape."""
    nlp = load_pipeline(model)
    graph = Graph()
    for prefix, ns in (("kgo", KGO._NS), ("kgr", Namespace(base)), ("prov", PROV),
                       ("skos", SKOS), ("dcterms", DCTERMS)):
        graph.bind(prefix, ns)
    seen: dict[str, _Seen] = {}
    for name, text in docs:
        sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
        doc_iri = URIRef(f"{base}document/{sha[:16]}")
        graph.add((doc_iri, RDF.type, KGO.Document))
        graph.add((doc_iri, DCTERMS.title, Literal(name)))
        graph.add((doc_iri, DCTERMS.source, Literal(name)))
        graph.add((doc_iri, KGO.sha256, Literal(sha)))
        parsed = nlp(text)
        for ent in parsed.ents:
            if entity_class(ent.label_) is not None:
                info = seen.setdefault(ent.text, _Seen())
                info.labels[ent.label_] += 1
                info.mentions += 1
                info.documents.add(str(doc_iri))
        for sent in parsed.sents:
            triples = svo_triples(sent)
            if not triples:
                continue
            sent_iri = URIRef(f"{base}sentence/{sha[:16]}-{sent.start_char}-{sent.end_char}")
            graph.add((sent_iri, RDF.type, KGO.Sentence))
            graph.add((sent_iri, KGO.text, Literal(sent.text)))
            graph.add((sent_iri, KGO.inDocument, doc_iri))
            graph.add((sent_iri, KGO.charStart, Literal(sent.start_char, datatype=XSD.integer)))
            graph.add((sent_iri, KGO.charEnd, Literal(sent.end_char, datatype=XSD.integer)))
            for s_ent, verb, o_ent in triples:
                s_iri, o_iri = entity_iri(s_ent.text, base), entity_iri(o_ent.text, base)
                graph.add((s_iri, KGO.relatedTo, o_iri))
                st = URIRef(f"{base}statement/{_digest(f'{s_iri} {o_iri} {sent_iri} {verb}')}")
                graph.add((st, RDF.type, RDF.Statement))
                graph.add((st, RDF.subject, s_iri))
                graph.add((st, RDF.predicate, KGO.relatedTo))
                graph.add((st, RDF.object, o_iri))
                graph.add((st, PROV.wasDerivedFrom, sent_iri))
                graph.add((st, KGO.confidence, Literal("0.5", datatype=XSD.decimal)))
                graph.add((st, KGO.extractor, Literal(EXTRACTOR)))
                graph.add((st, KGO.trigger, Literal(verb)))
    for surface in sorted(seen):
        info = seen[surface]
        iri = entity_iri(surface, base)
        label = info.labels.most_common(1)[0][0]  # ties: first seen
        graph.add((iri, RDF.type, KGO[NER_CLASSES[label]]))
        graph.add((iri, RDFS.label, Literal(surface)))
        graph.add((iri, KGO.mentionCount, Literal(info.mentions, datatype=XSD.integer)))
        for doc_iri_text in sorted(info.documents):
            graph.add((iri, KGO.mentionedIn, URIRef(doc_iri_text)))
    return graph
