"""Reading and extraction do work in proportion to the input (issue: quadratic reading).

No test here times anything: each pins the behaviour (the same output as the simple,
quadratic way) or counts the work (characters looked at, scans, pieces handed to spaCy).
"""

from __future__ import annotations

import random
import re
import textwrap
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import spacy
from spacy.tokens import Doc

import kg.ingest.segment as segment
from kg.ingest.segment import collapse_spaces, join_lines, segment_lines, segment_plain
from kg.ingest.text import read_plain
from kg.model import Block, Document
from kg.nlp.coref import chunks_by_sentence
from kg.nlp.dates import YEAR, YearIndex, text_after
from kg.nlp.entities import DocumentContext
from kg.nlp.extract import (
    BATCH_CHARS,
    MAX_BLOCK_CHARS,
    Extractor,
    RememberingContext,
    batches,
    by_sentence,
    split_long,
)
from tests.nlp_helpers import nlp

SAMPLE = Path(__file__).parent.parent / "kg" / "data" / "sample" / "us-korea-alliance.txt"


def _paragraphs() -> list[str]:
    return [p.strip() for p in SAMPLE.read_text(encoding="utf-8").split("\n\n") if p.strip()]


def _joined_the_old_way(lines: Sequence[str], *, dehyphenate: bool = False) -> str:
    """join_lines as it was: the whole text so far is searched and copied for every line."""
    out = lines[0] if lines else ""
    for line in lines[1:]:
        if not (re.search(r"[^\W\d_]-$", out) and line[:1].isalpha()):
            out = f"{out} {line}"
        elif dehyphenate and line[:1].islower():
            out = out[:-1] + line
        else:
            out += line
    return out


_PIECES = ["word", "Word", "inter-", "-", "a-", "A-", "1-", "é-", "", " ", "x\n", "b-\n", "ß"]


def _random_lines(rnd: random.Random) -> list[str]:
    return ["".join(rnd.choices(_PIECES, k=rnd.randint(0, 4))) for _ in range(rnd.randint(0, 12))]


@pytest.mark.parametrize("dehyphenate", [False, True])
def test_join_lines_gives_what_the_quadratic_join_gave(dehyphenate: bool) -> None:
    rnd = random.Random(10)
    for _ in range(3000):
        lines = _random_lines(rnd)
        assert join_lines(lines, dehyphenate=dehyphenate) == _joined_the_old_way(
            lines, dehyphenate=dehyphenate
        ), lines
    wrapped = textwrap.fill(" ".join(_paragraphs()), 72, break_on_hyphens=True).split("\n")
    assert join_lines(wrapped, dehyphenate=dehyphenate) == _joined_the_old_way(
        wrapped, dehyphenate=dehyphenate
    )


class _CountingPattern:
    """Stands in for a compiled pattern and adds up the characters it is asked to search."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern, self.chars, self.calls = pattern, 0, 0

    def search(self, text: str) -> re.Match[str] | None:
        self.calls += 1
        self.chars += len(text)
        return self.pattern.search(text)


def test_join_lines_looks_at_a_few_characters_a_line(monkeypatch: pytest.MonkeyPatch) -> None:
    spy = _CountingPattern(segment._HYPHENATED)
    monkeypatch.setattr(segment, "_HYPHENATED", spy)
    lines = textwrap.fill(" ".join(_paragraphs() * 5), 72).split("\n")
    assert len(lines) > 1000
    join_lines(lines)
    assert spy.calls == len(lines) - 1
    assert spy.chars <= 3 * spy.calls  # before: the whole text joined so far, every line


def test_a_long_run_of_lines_is_not_joined_whole_to_test_for_a_heading(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    joined: list[int] = []

    def counting_join(lines: Sequence[str], *, dehyphenate: bool = False) -> str:
        joined.append(sum(len(line) for line in lines))
        return join_lines(lines, dehyphenate=dehyphenate)

    monkeypatch.setattr(segment, "join_lines", counting_join)
    lines = textwrap.fill(" ".join(_paragraphs()), 72).split("\n")
    parts = segment_lines(lines)
    assert sum(joined) == sum(len(line) for line in lines)  # every line joined exactly once
    assert "".join(text for text, _ in parts).count("alliance") > 5


def test_hard_wrapped_text_reads_as_the_same_words_in_paragraphs() -> None:
    paragraphs = _paragraphs() * 10
    wrapped = "\n".join(textwrap.fill(p, 72) for p in paragraphs)
    parts = segment_plain(wrapped)
    assert " ".join(text for text, _ in parts).split() == " ".join(paragraphs).split()
    assert len(parts) > len(paragraphs) // 2  # paragraph ends are found again, mostly


@pytest.mark.parametrize("seed", range(5))
def test_collapse_spaces_is_split_and_join(seed: int) -> None:
    rnd = random.Random(seed)
    pieces = ["a", "bc", " ", "  ", "\t", "\n", "\u00a0", "\u2003", "\x1c", "\u3000", "é"]
    for _ in range(2000):
        text = "".join(rnd.choices(pieces, k=rnd.randint(0, 12)))
        assert collapse_spaces(text) == " ".join(text.split()), repr(text)


def test_a_tidy_long_line_is_not_copied() -> None:
    line = "word " * 100_000 + "end"
    assert collapse_spaces(line) is line


def test_one_long_line_reads_as_one_block_with_the_same_text() -> None:
    text = " ".join(_paragraphs() * 20)
    document = read_plain(f"  {text}\n".encode(), "a.txt", "a.txt")
    assert document.text == " ".join(text.split())
    assert [(b.start, b.end) for b in document.blocks] == [(0, len(document.text))]


def test_a_long_unbroken_block_is_cut_into_bounded_pieces_between_words() -> None:
    words = " ".join(f"word{i}" for i in range(20_000))  # no full stop, no line break
    block = Block(7, 7 + len(words), words)
    pieces = list(split_long(block))
    assert len(pieces) > len(words) // MAX_BLOCK_CHARS
    assert all(len(p.text) <= MAX_BLOCK_CHARS for p in pieces)
    assert "".join(p.text for p in pieces) == words
    assert all(p.text == words[p.start - 7 : p.end - 7] for p in pieces)
    assert all(p.text.startswith(" word") for p in pieces[1:])  # never inside a word


def test_a_long_block_is_cut_after_a_full_stop() -> None:
    sentence = "Seoul and Busan grew quickly in the years after the war. "
    text = (sentence * 400).strip()
    pieces = list(split_long(Block(0, len(text), text)))
    assert len(pieces) > 1
    assert all(p.text.endswith(".") for p in pieces[:-1])
    assert all(len(p.text) <= MAX_BLOCK_CHARS for p in pieces)


def test_one_huge_word_is_cut_at_the_limit() -> None:
    pieces = list(split_long(Block(0, 25_000, "x" * 25_000)))
    assert [len(p.text) for p in pieces] == [MAX_BLOCK_CHARS, MAX_BLOCK_CHARS, 5_000]


def test_batches_are_bounded_in_characters_and_keep_the_order() -> None:
    texts = [f"{i:05d}" * (i % 7 * 300 + 1) for i in range(500)]
    grouped = list(batches(texts, blocks=32, chars=20_000))
    assert [t for batch in grouped for t in batch] == texts
    assert all(len(batch) <= 32 for batch in grouped)
    assert all(sum(map(len, batch)) <= 20_000 for batch in grouped)


class _SpyPipeline:
    """Wraps a pipeline and records the texts each ``pipe`` call is given."""

    def __init__(self, nlp: Any) -> None:
        self.nlp, self.calls = nlp, []  # type: ignore[var-annotated]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.nlp, name)

    def pipe(self, texts: Any, **kwargs: Any) -> Iterator[Doc]:
        texts = list(texts)
        self.calls.append([len(t) for t in texts])
        return self.nlp.pipe(texts, **kwargs)  # type: ignore[no-any-return]


def test_a_long_one_line_document_reaches_spacy_in_bounded_pieces() -> None:
    text = " ".join(_paragraphs() * 3)
    document = read_plain(text.encode(), "a.txt", "a.txt")
    assert len(document.blocks) == 1 and len(document.text) > 4 * MAX_BLOCK_CHARS
    spy = _SpyPipeline(nlp())
    [extraction] = Extractor(nlp=spy).extract([document])  # type: ignore[arg-type]
    sizes = [size for call in spy.calls for size in call]
    assert sum(sizes) == len(document.text) and max(sizes) <= MAX_BLOCK_CHARS
    assert all(sum(call) <= BATCH_CHARS for call in spy.calls)
    assert all(document.text[s.start : s.end] == s.text for s in extraction.sentences)
    assert len(extraction.sentences) > 100 and len(extraction.mentions) > 100


def _parsed_blank() -> Doc:
    words = ["Peru", "signed", "the", "pact", ".", "It", "cut", "the", "tariffs", "."]
    words += ["The", "company", "grew", "."]
    pos = ["PROPN", "VERB", "DET", "NOUN", "PUNCT", "PRON", "VERB", "DET", "NOUN", "PUNCT"]
    pos += ["DET", "NOUN", "VERB", "PUNCT"]
    heads = [1, 1, 3, 1, 1, 6, 6, 8, 6, 6, 11, 12, 12, 12]
    deps = ["nsubj", "ROOT", "det", "dobj", "punct", "nsubj", "ROOT", "det", "dobj", "punct"]
    deps += ["det", "nsubj", "ROOT", "punct"]
    return Doc(spacy.blank("en").vocab, words=words, pos=pos, heads=heads, deps=deps)


def test_noun_chunks_by_sentence_match_spacys_own() -> None:
    doc = _parsed_blank()
    sents = list(doc.sents)
    assert len(sents) == 3
    assert chunks_by_sentence(doc, sents) == [list(s.noun_chunks) for s in sents]
    parsed = nlp()(" ".join(_paragraphs()[:6]))
    sents = list(parsed.sents)
    assert chunks_by_sentence(parsed, sents) == [list(s.noun_chunks) for s in sents]


def test_mentions_by_sentence_match_a_filter_per_sentence() -> None:
    parsed = nlp()(" ".join(_paragraphs()[:4]))
    sents = list(parsed.sents)
    found = [(ent, ent.text) for ent in reversed(parsed.ents)]
    expected = [[(s, m) for s, m in found if sent.start <= s.start < sent.end] for sent in sents]
    assert by_sentence(sents, found) == expected  # type: ignore[arg-type]


def test_text_after_a_span_is_the_docs_text_after_it() -> None:
    doc = spacy.blank("en")("The  Korean War (1950-1953)\tended ;  in 1953 the   pact  ")
    for start in range(len(doc)):
        for end in range(start + 1, len(doc) + 1):
            span = doc[start:end]
            for size in (1, 5, 20):
                assert text_after(span, size) == doc.text[span.end_char : span.end_char + size]


def test_the_last_year_before_a_position_is_what_a_prefix_scan_finds() -> None:
    rnd = random.Random(3)
    for _ in range(300):
        text = "".join(rnd.choices(["1953", "2019", "19", "5", "x", " ", "é", "_"], k=20))
        years = YearIndex(text)
        for position in range(-3, len(text) + 3):
            found = YEAR.findall(text[:position])
            assert years.last_before(position) == (found[-1] if found else None), (text, position)


def test_a_word_is_looked_for_in_the_document_once(monkeypatch: pytest.MonkeyPatch) -> None:
    scans: list[list[str]] = []
    original = DocumentContext.mentions_any

    def counting(self: DocumentContext, forms: list[str]) -> bool:
        scans.append(list(forms))
        return original(self, forms)

    monkeypatch.setattr(DocumentContext, "mentions_any", counting)
    ctx = RememberingContext.of(Document.from_text("Georgia grew. " * 1000, source="t"))
    answers = [ctx.mentions_any(["Tbilisi", "Georgian"]) for _ in range(500)]
    answers += [ctx.mentions_any(["Georgia"]) for _ in range(500)]
    assert answers == [False] * 500 + [True] * 500
    assert scans == [["Tbilisi"], ["Georgian"], ["Georgia"]]


def test_markdown_inline_rules_look_across_bounded_spans_only() -> None:
    """Every inline rule's spans are bounded (``{0,N}``), so no rule is tried across the rest
    of a long line from each ``*``, ``_``, ``[`` or ``<``: reading stays linear."""
    import re

    from kg.ingest.markdown import _INLINE, SPAN, clean_inline

    unbounded = re.compile(r"(?<!\\)(?:\.|\])[*+]")
    for pattern, _ in _INLINE:
        assert not unbounded.search(pattern.pattern), pattern.pattern
    assert clean_inline("**" + "a" * (SPAN - 2) + "**") == "a" * (SPAN - 2)
    long = "**" + "a " * SPAN + "**"
    assert clean_inline(long).startswith("**")  # longer than a span: the markers stay as text
    assert clean_inline("*a " * 5000).strip() == ("*a " * 5000).strip()
