"""Helpers shared by the NLP tests: one parsed pipeline per session, mentions of a sentence."""

from __future__ import annotations

from functools import lru_cache

from spacy.language import Language

from kg.model import Document, Extraction, Mention
from kg.nlp.entities import DocumentContext, find_mentions, finder_for
from kg.nlp.extract import Extractor
from kg.nlp.pipeline import load_pipeline
from kg.resolve import Resolution, resolve


@lru_cache(maxsize=1)
def nlp() -> Language:
    return load_pipeline()


def mentions_of(text: str) -> list[Mention]:
    """The typed mentions kg finds in ``text`` parsed as one block."""
    document = Document.from_text(text, source="test.txt")
    pipeline = nlp()
    found = find_mentions(pipeline(text), DocumentContext.of(document), finder=finder_for(pipeline))
    return [m for _, m in found]


def labelled(text: str) -> dict[str, str]:
    """label -> class for every mention in ``text``."""
    return {m.label: m.cls for m in mentions_of(text)}


def extract(text: str) -> Extraction:
    """kg's extraction of ``text`` as one plain-text document."""
    return Extractor(nlp=nlp()).extract([Document.from_text(text, source="test.txt")])[0]


def resolved(text: str) -> Resolution:
    """The resolution of ``text`` as a corpus of one document."""
    return resolve([extract(text)])


def facts(text: str) -> set[tuple[str, str, str]]:
    """(subject label, property, object label) of every typed relation after resolution."""
    res = resolved(text)
    label = {k: e.label for k, e in res.entities.items()}
    return {
        (label[r.subject], r.predicate, label[r.object])
        for r in res.relations
        if r.predicate != "relatedTo"
    }
