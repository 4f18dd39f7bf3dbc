"""Chains of places in one description: "X is a village in the district of A, within B, in
northern C" puts X in A, B and C.

The relation rules take the first place a description names (``noun-place-in``);
:func:`place_chains` reads the whole chain of ``in`` / ``within`` / ``of`` phrases that
describes a place, as encyclopedias and gazetteers write it. A phrase that gives a direction or
a neighbour ("north of", "near", "between", "from") is no container, and nothing below it is.

>>> from kg.nlp.pipeline import load_pipeline
>>> from kg.model import Document
>>> from kg.nlp.entities import DocumentContext, find_mentions
>>> text = "Narvik is a town in Nordland county, in northern Norway."
>>> doc = load_pipeline()(text)
>>> found = find_mentions(doc, DocumentContext.of(Document.from_text(text, source="t")))
>>> [(r.subject, r.object) for r in place_chains(next(iter(doc.sents)), found)]
[('narvik', 'nordland county'), ('narvik', 'norway')]
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Span, Token

from kg.model import Evidence, Mention, Relation
from kg.vocab import is_subclass

__all__ = ["CHAIN_CONFIDENCE", "CHAIN_RULE", "PLACE_NOUNS", "place_chains"]

CHAIN_RULE, CHAIN_CONFIDENCE = "noun-place-chain", 0.6

#: Nouns that say what kind of place a name is ("a town", "a river").
PLACE_NOUNS = frozenset({
    "city", "town", "village", "hamlet", "settlement", "commune", "comune", "municipality",
    "suburb", "borough", "parish", "district", "county", "province", "region", "state",
    "prefecture", "department", "canton", "oblast", "voivodeship", "island", "archipelago",
    "peninsula", "river", "tributary", "lake", "mountain", "peak", "hill", "valley", "bay",
    "port", "neighbourhood", "neighborhood", "locality", "area", "capital", "seat",
})
#: Prepositions that put the described place inside their object.
_INSIDE = frozenset({"in", "within", "of", "inside"})
#: Dependencies along which a chain of containers runs.
_CHAIN_DEPS = frozenset({"prep", "pobj", "appos", "conj", "compound", "amod", "npadvmod"})
_PLACE_CLASSES = ("Place", "Country")
#: Tokens one description's walk may visit: a sentence's work stays linear in its length
#: however many place nouns it holds (blocks are bounded, see ``kg.nlp.extract``).
MAX_WALK = 120


def place_chains(sent: Span, mentions: Sequence[tuple[Span, Mention]]) -> list[Relation]:
    """The places a described place lies in, read off the whole chain of its description.

    The described place is the subject of a copula whose complement is a place noun ("X is a
    town in …"), or the name a place noun stands in apposition to ("X, a town in …"). The
    result has one fact per container, with this sentence as evidence.
    """
    by_token: dict[int, Mention] = {}
    for span, mention in mentions:
        if sent.start <= span.start and span.end <= sent.end:
            for tok in span:
                by_token[tok.i] = mention
    out: dict[tuple[str, str], Relation] = {}
    for noun in sent:
        if noun.pos_ != "NOUN" or noun.lemma_.lower() not in PLACE_NOUNS or noun.i in by_token:
            continue
        described = _described(noun, by_token)
        if described is None or not is_subclass(described.cls, "Place"):
            continue
        for place in _containers(noun, by_token):
            if place.key == described.key:
                continue
            evidence = Evidence(described.sentence, CHAIN_RULE, CHAIN_CONFIDENCE, noun.lemma_)
            out.setdefault((described.key, place.key),
                           Relation(described.key, "locatedIn", place.key, evidence))
    return [out[k] for k in sorted(out)]


def _described(noun: Token, by_token: dict[int, Mention]) -> Mention | None:
    """The named place a place noun describes: a copula's subject, or an apposition's head."""
    head = noun.head
    if noun.dep_ == "attr" and head.lemma_ == "be":
        for child in head.children:
            if child.dep_ in ("nsubj", "nsubjpass") and child.i in by_token:
                return by_token[child.i]
    if noun.dep_ == "appos" and head.i in by_token:
        return by_token[head.i]
    return None


def _containers(noun: Token, by_token: dict[int, Mention]) -> list[Mention]:
    """The places named along the ``in``/``of`` phrases below a place noun, in order."""
    found: list[Mention] = []
    hosts = [noun, *(c for c in noun.children if c.dep_ == "conj")]
    if noun.dep_ == "attr":  # "X is a town and comune in …", "X is a village …, within B"
        verb = noun.head
        hosts += [c for c in verb.children if c.i > noun.i and (
            c.dep_ == "prep" or (c.dep_ == "conj" and c.pos_ == "NOUN"))]
    stack = [p for h in hosts for p in ([h] if h.dep_ == "prep" else h.children)
             if p.dep_ == "prep" and p.lower_ in _INSIDE]
    seen: set[int] = set()
    while stack and len(seen) < MAX_WALK:
        tok = stack.pop(0)
        if tok.i in seen:
            continue
        seen.add(tok.i)
        if tok.dep_ == "prep" and tok.lower_ not in _INSIDE:
            continue  # "north of", "near", "between": no container below
        if _directional(tok):
            continue
        mention = by_token.get(tok.i)
        if mention is not None and any(is_subclass(mention.cls, c) for c in _PLACE_CLASSES):
            if mention not in found:
                found.append(mention)
        stack.extend(c for c in tok.children if c.dep_ in _CHAIN_DEPS)
    return found


def _directional(tok: Token) -> bool:
    """``north of X``: a compass word right before ``of`` makes X a neighbour, not a container."""
    if tok.dep_ != "prep" or tok.lower_ != "of" or tok.i == 0:
        return False
    before = tok.doc[tok.i - 1].lower_
    return before in {"north", "south", "east", "west", "northeast", "northwest", "southeast",
                      "southwest", "outside", "ahead", "instead"}
