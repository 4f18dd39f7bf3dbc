"""What kg asks the model, and how it reads the answer.

A document's sentences go in chunks of whole sentences (``chunk_sentences``). The messages
name the contract's classes and properties with one line each from the ontology; the last
user message lists the chunk's sentences as ``[n] sentence text``. The answer is a JSON
object ``{"relations": [...]}``, possibly wrapped in a Markdown code fence
(``parse_answer``).

>>> from kg.model import Sentence
>>> s = [Sentence("d", 0, 5, "A b."), Sentence("d", 6, 12, "C\\nd e.")]
>>> [c.number for c in chunk_sentences(s, max_chars=100, max_sentences=10)]
[(1, 2)]
>>> print(chunk_sentences(s, max_chars=100, max_sentences=10)[0].prompt)
[1] A b.
[2] C d e.
>>> parse_answer('```json\\n{"relations": [{"subject": "A"}]}\\n```')
[{'subject': 'A'}]
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from rdflib import RDFS, Literal, Namespace

from kg.model import Sentence
from kg.vocab import ENTITY_CLASSES, KGO, RELATION_PROPERTIES

#: Bumped when the wording below changes in a way the ontology lines do not show.
PROMPT_FORMAT = 1
SCHEMA = Namespace("https://schema.org/")

INSTRUCTIONS = """\
You extract facts for a knowledge graph from numbered sentences.
Use only the classes and properties listed here.

Classes (name: meaning):
{classes}

Properties (name (subject classes -> object classes): meaning):
{properties}

Rules:
- State only facts that one numbered sentence says itself; give that sentence's number.
- Write the subject and the object exactly as they are named in that sentence.
- subject_class and object_class are class names above; predicate is a property name above.
- Answer with one JSON object and nothing else, in this form:
{{"relations": [{{"subject": "Samsung", "subject_class": "Company", "predicate": "investsIn",\
 "object": "United States", "object_class": "Country", "sentence": 3}}]}}
- When the sentences state no such fact, answer {{"relations": []}}."""


class AnswerError(ValueError):
    """The model's message is not the JSON object asked for."""


@dataclass(frozen=True)
class Chunk:
    """Consecutive sentences of one document, sent together; ``number`` is 1-based, inclusive."""

    source: str
    sentences: tuple[Sentence, ...]
    number: tuple[int, int]

    @property
    def prompt(self) -> str:
        """The last user message: ``[n] sentence text``, one sentence per line."""
        return "\n".join(
            f"[{n}] {' '.join(s.text.split())}" for n, s in enumerate(self.sentences, 1)
        )


def chunk_sentences(
    sentences: Sequence[Sentence], *, max_chars: int, max_sentences: int, source: str = ""
) -> list[Chunk]:
    """Runs of whole sentences of at most ``max_chars`` characters (a longer one goes alone)."""
    chunks: list[Chunk] = []
    run: list[tuple[int, Sentence]] = []
    size = 0
    for index, sentence in enumerate(sentences, 1):
        length = len(sentence.text) + 6
        if run and (size + length > max_chars or len(run) >= max_sentences):
            chunks.append(_chunk(source, run))
            run, size = [], 0
        run.append((index, sentence))
        size += length
    if run:
        chunks.append(_chunk(source, run))
    return chunks


def _chunk(source: str, run: list[tuple[int, Sentence]]) -> Chunk:
    return Chunk(source, tuple(s for _, s in run), (run[0][0], run[-1][0]))


def _comment(graph: Any, name: str) -> str:
    value = graph.value(KGO[name], RDFS.comment) or graph.value(KGO[name], RDFS.label) or ""
    return " ".join(str(value).split())


def _names(graph: Any, name: str, predicate: Any) -> str:
    found = sorted(
        str(o).rsplit("#", 1)[-1] for o in graph.objects(KGO[name], predicate)
        if not isinstance(o, Literal) and str(o).startswith(str(KGO._NS))
    )
    return ", ".join(found) or "any"


@cache
def system_message() -> str:
    """The instructions, with each contract class and property and its meaning.

    >>> "- investsIn (Company, Country -> Company, Country, Place, Sector):" in system_message()
    True
    """
    from kg.ontology_files import load_graph

    graph = load_graph("kg.ttl")
    classes = "\n".join(f"- {c}: {_comment(graph, c)}" for c in ENTITY_CLASSES)
    properties = "\n".join(
        f"- {p} ({_names(graph, p, SCHEMA.domainIncludes)} -> "
        f"{_names(graph, p, SCHEMA.rangeIncludes)}): {_comment(graph, p)}"
        for p in RELATION_PROPERTIES
    )
    return INSTRUCTIONS.format(classes=classes, properties=properties)


@cache
def prompt_version() -> str:
    """A short key that changes whenever the instructions change (part of the cache key).

    >>> len(prompt_version())
    12
    """
    text = f"{PROMPT_FORMAT}\x1f{system_message()}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def messages(chunk: Chunk) -> list[dict[str, str]]:
    """The chat messages for one chunk; the last lists its sentences."""
    return [
        {"role": "system", "content": system_message()},
        {"role": "user", "content": chunk.prompt},
    ]


_FENCE = re.compile(r"```[A-Za-z0-9_-]*[ \t]*\n?(.*?)```", re.DOTALL)


def parse_answer(content: str) -> list[Any]:
    """The ``relations`` list of a model's answer (a code fence around it is fine).

    >>> parse_answer('{"relations": []}'), parse_answer('Here: {"relations": [1]} ok')
    ([], [1])
    >>> parse_answer("I cannot help")
    Traceback (most recent call last):
    ...
    kg.llm.prompt.AnswerError: the model's answer is not a JSON object: I cannot help
    """
    text = content.strip()
    fenced = _FENCE.search(text)
    candidates = [fenced.group(1).strip()] if fenced else []
    candidates.append(text)
    if "{" in text and "}" in text:
        candidates.append(text[text.index("{") : text.rindex("}") + 1])
    for candidate in candidates:
        try:
            data = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(data, dict) and isinstance(data.get("relations"), list):
            return list(data["relations"])
        if isinstance(data, list):
            return data
    snippet = " ".join(text.split())[:80]
    raise AnswerError(f"the model's answer is not a JSON object: {snippet}")
