"""Helpers shared by the NLP tests: one parsed pipeline per session, mentions of a sentence."""

from __future__ import annotations

from functools import lru_cache

from spacy.language import Language

from kg.model import Document, Mention
from kg.nlp.entities import DocumentContext, find_mentions, finder_for
from kg.nlp.pipeline import load_pipeline


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
