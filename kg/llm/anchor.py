"""Keep only the model's facts that a sentence of the document supports.

A proposed fact is kept when its predicate is a contract property, both classes are contract
classes, the cited sentence exists, and the subject and the object each occur in that
sentence: as an entity the rules found there, named by its label or a known alias, or else
literally, where it is not part of a longer name the rules found. Everything else is
dropped and counted by reason.

>>> from kg.build import build_texts
>>> result = build_texts([("a.txt", "Samsung invested in the U.S. last year.")])
>>> anchor = Anchorer(result.extractions, result.resolution, "llm:m", 0.6)
>>> chunk = Chunk("a.txt", result.extractions[0].sentences, (1, 1))
>>> found = anchor.anchor(chunk, [
...     {"subject": "Samsung", "subject_class": "Company", "predicate": "investsIn",
...      "object": "United States", "object_class": "Country", "sentence": 1},
...     {"subject": "Samsung", "subject_class": "Company", "predicate": "investsIn",
...      "object": "Japan", "object_class": "Country", "sentence": 1}])
>>> [(r.subject, r.predicate, r.object) for r in found.relations], dict(found.dropped)
([('samsung', 'investsIn', 'united states')], {'name not in sentence': 1})
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kg.llm.prompt import Chunk
from kg.model import Evidence, Extraction, Mention, Relation, Sentence
from kg.nlp.keys import normalise_key
from kg.resolve import Resolution
from kg.vocab import ENTITY_CLASSES, RELATION_PROPERTIES

#: How sure a class the model gave is, beside the rules' typing (a bare NER guess is 0.5).
MODEL_CLASS_STRENGTH = 0.4
_CLASSES = frozenset(ENTITY_CLASSES)
_PROPERTIES = frozenset(RELATION_PROPERTIES)


@dataclass
class Anchored:
    """What survived anchoring in one chunk: new mentions, relations, and drop counts."""

    mentions: list[Mention] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    dropped: Counter[str] = field(default_factory=Counter)
    proposed: int = 0


def local_name(value: Any) -> str:
    """A term's local name: ``kgo:investsIn`` and ``investsIn`` give ``investsIn``.

    >>> local_name("kgo:Company"), local_name("https://w3id.org/kg/ontology#partOf"), local_name(3)
    ('Company', 'partOf', '')
    """
    if not isinstance(value, str):
        return ""
    return re.split(r"[#:/]", value.strip())[-1]


def _sentence_number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().strip("[]").isdigit():
        return int(value.strip().strip("[]"))
    return None


def occurrences(name: str, text: str) -> list[tuple[int, int]]:
    """Where ``name`` occurs in ``text`` as whole words (short or all-capital names by case).

    >>> occurrences("US", "us and the US"), occurrences("samsung", "Samsung's plant")
    ([(11, 13)], [(0, 7)])
    """
    words = name.split()
    if not words:
        return []
    pattern = r"\s+".join(re.escape(w) for w in words)
    flags = 0 if len(name) < 4 or name.isupper() else re.IGNORECASE
    found = re.finditer(rf"(?<!\w){pattern}(?!\w)", text, flags)
    return [(m.start(), m.end()) for m in found]


class Anchorer:
    """Anchors proposed facts against the rules' sentences, mentions and entities."""

    def __init__(
        self,
        extractions: Sequence[Extraction],
        resolution: Resolution,
        extractor: str,
        confidence: float,
    ) -> None:
        self.extractor = extractor
        self.confidence = confidence
        self.entities = resolution.entities
        self.final = resolution.final_key
        self.in_sentence: dict[Sentence, list[Mention]] = defaultdict(list)
        for ex in extractions:
            for m in ex.mentions:
                if not m.heading:
                    self.in_sentence[m.sentence].append(m)
        self.names: dict[str, set[str]] = {}
        self.known: dict[str, list[str]] = defaultdict(list)
        for key in sorted(self.entities):
            ent = self.entities[key]
            names = {normalise_key(n) for n in (ent.label, *ent.aliases)} | {key}
            names.discard("")
            self.names[key] = names
            for name in sorted(names):
                self.known[name].append(key)

    def anchor(self, chunk: Chunk, proposals: Sequence[Any]) -> Anchored:
        """The facts among ``proposals`` that ``chunk``'s sentences support."""
        out = Anchored(proposed=len(proposals))
        for item in proposals:
            reason = self._one(chunk, item, out)
            if reason is not None:
                out.dropped[reason] += 1
        return out

    def _one(self, chunk: Chunk, item: Any, out: Anchored) -> str | None:
        """Adds the fact to ``out``, or returns why it was dropped."""
        if not isinstance(item, dict):
            return "malformed"
        subject, obj = item.get("subject"), item.get("object")
        number = _sentence_number(item.get("sentence"))
        if not isinstance(subject, str) or not isinstance(obj, str) or number is None:
            return "malformed"
        predicate = local_name(item.get("predicate"))
        if predicate not in _PROPERTIES:
            return "unknown predicate"
        s_cls, o_cls = local_name(item.get("subject_class")), local_name(item.get("object_class"))
        if s_cls not in _CLASSES or o_cls not in _CLASSES:
            return "bad class"
        if not 1 <= number <= len(chunk.sentences):
            return "no such sentence"
        sentence = chunk.sentences[number - 1]
        s_found = self.find(subject, s_cls, sentence)
        o_found = self.find(obj, o_cls, sentence)
        if s_found is None or o_found is None:
            return "name not in sentence"
        doc = sentence.doc_sha256  # a short form ("Smith") means its document's full name
        s_key, o_key = self.final(s_found[0], doc), self.final(o_found[0], doc)
        if s_key == o_key:
            return "same entity"
        out.mentions += [m for m in (s_found[1], o_found[1]) if m is not None]
        evidence = Evidence(sentence, self.extractor, self.confidence)
        out.relations.append(Relation(s_key, predicate, o_key, evidence))
        return None

    def find(self, name: str, cls: str, sentence: Sentence) -> tuple[str, Mention | None] | None:
        """The entity key ``name`` means in ``sentence``, with a new mention if the rules had none.

        First the entities the rules found in the sentence, by label or alias; then the name
        itself in the text, where no mention of the rules covers it (a name the build knows
        elsewhere keeps its entity; any other becomes a new one of the model's class).
        """
        key = normalise_key(name)
        if not key:
            return None
        mentions = self.in_sentence.get(sentence, [])
        present: dict[str, set[str]] = defaultdict(set)
        for m in mentions:
            final = self.final(m.key, m.sentence.doc_sha256)
            if final in self.entities:
                present[final] |= {normalise_key(m.text), normalise_key(m.label)}
        for ent_key in sorted(present):
            if key in present[ent_key] or key in self.names.get(ent_key, ()):
                return ent_key, None
        for start, end in occurrences(name.strip(), sentence.text):
            a, b = sentence.start + start, sentence.start + end
            if any(m.start < b and a < m.end and not a <= m.start <= m.end <= b for m in mentions):
                continue  # within or across a name the rules found: that is another entity
            surface = sentence.text[start:end]
            known = self.known.get(key)
            if known:
                ent = self.entities[known[0]]
                return ent.key, self._mention(surface, a, b, ent.key, ent.label, ent.cls, sentence)
            return key, self._mention(surface, a, b, key, surface, cls, sentence)
        return None

    def _mention(
        self, text: str, start: int, end: int, key: str, label: str, cls: str, sentence: Sentence
    ) -> Mention:
        return Mention(
            text, start, end, key, label, cls, sentence,
            source=self.extractor, strength=MODEL_CLASS_STRENGTH,
        )
