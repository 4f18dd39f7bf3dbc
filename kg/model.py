"""The data that flows through kg, as frozen dataclasses.

``path -> Document -> Mention -> Entity + Relation (with Evidence) -> rdflib Graph``

>>> doc = Document.from_text("Seoul is the capital of South Korea.", source="a.txt")
>>> doc.title, doc.sha256[:12]
('a', 'facc0cf1167e')
>>> s = Sentence(doc.sha256, 0, 36, doc.text)
>>> Relation("seoul", "capitalOf", "south korea", Evidence(s, "copula-capital", 0.9)).predicate
'capitalOf'
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import PurePath

#: ``Evidence.rule`` of a statement a language model proposed starts with this ("llm:<model>");
#: such statements stay apart from the rules' statements of the same fact.
MODEL_EXTRACTOR_PREFIX = "llm:"


@dataclass(frozen=True)
class Block:
    """A run of text in a document: a heading or a paragraph, with its offsets.

    >>> Block(0, 9, "Headline", True).heading
    True
    """

    start: int
    end: int
    text: str
    heading: bool = False


@dataclass(frozen=True)
class Document:
    """One readable source document: its text, where it came from and its content hash."""

    source: str
    title: str
    text: str
    sha256: str
    format: str = "text/plain"  # a media type
    blocks: tuple[Block, ...] = ()

    @classmethod
    def from_text(
        cls,
        text: str,
        *,
        source: str,
        title: str | None = None,
        format: str = "text/plain",
        blocks: tuple[Block, ...] = (),
    ) -> Document:
        """Build a Document, hashing its text and naming it after its file when untitled."""
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return cls(
            source=source,
            title=title or PurePath(source).stem or source,
            text=text,
            sha256=digest,
            format=format,
            blocks=blocks,
        )


@dataclass(frozen=True)
class Sentence:
    """A sentence of a document, the unit of evidence; offsets index ``Document.text``."""

    doc_sha256: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Mention:
    """A surface form of an entity in one sentence.

    ``key`` is the canonical key that all mentions of one entity share (see ``kg.resolve``);
    ``label`` is the canonical label this mention proposes; ``cls`` is a contract class local
    name; ``source`` names the rule or model that found it. ``strength`` says how sure the
    typing is (a gazetteer hit beats a guess from a bare NER label).
    """

    text: str
    start: int
    end: int
    key: str
    label: str
    cls: str
    sentence: Sentence
    source: str = "ner"
    strength: float = 0.5
    heading: bool = False


@dataclass(frozen=True)
class Evidence:
    """Why a relation holds: the sentence that states it, the rule that fired, a confidence."""

    sentence: Sentence
    rule: str
    confidence: float
    trigger: str = ""


@dataclass(frozen=True)
class Relation:
    """A typed relation between two entities (by key), with one piece of evidence."""

    subject: str
    predicate: str
    object: str
    evidence: Evidence


@dataclass(frozen=True)
class DateFact:
    """A start or end year for an entity (by key), with the sentence that gives it."""

    key: str
    which: str  # "startDate" or "endDate"
    value: str  # "1953" or "1953-07-27"
    sentence: Sentence


@dataclass
class Entity:
    """A canonical entity merged from its mentions across every document of a build."""

    key: str
    label: str
    cls: str
    aliases: set[str] = field(default_factory=set)
    mention_count: int = 0
    documents: set[str] = field(default_factory=set)
    start_date: str | None = None
    end_date: str | None = None


@dataclass(frozen=True)
class Extraction:
    """What the NLP step found in one document."""

    document: Document
    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...]
    relations: tuple[Relation, ...]
    dates: tuple[DateFact, ...] = ()
