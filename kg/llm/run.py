"""The model step of a build: ask (or read the cache), anchor, merge with the rules' facts.

It runs after the rules: the documents' sentences (from the NLP step) go to the model in
chunks; the anchored facts join the extractions as mentions and relations, and the same
resolver merges everything again, so a name from the model and one from the rules become one
entity. The same triple from both becomes one relation with two statements (one
``kgo:extractor`` each), and both statements' confidence rises to ``1 - (1 - r)(1 - m)``.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from kg.llm.anchor import Anchorer
from kg.llm.cache import AnswerCache, answer_key, default_cache_folder
from kg.llm.client import ChatClient, ChunkFault, LLMError, one_line, scrub
from kg.llm.config import ChunkFailure, LLMConfig, LLMReport
from kg.llm.prompt import AnswerError, Chunk, chunk_sentences, messages, parse_answer
from kg.llm.prompt import prompt_version as current_prompt_version
from kg.model import MODEL_EXTRACTOR_PREFIX, Extraction, Mention, Relation, Sentence
from kg.nlp.lexicon import Lexicon
from kg.resolve import Resolution, resolve

#: The folder inside a store that keeps the model's answers.
STORE_FOLDER = "llm"


@dataclass(frozen=True)
class _Outcome:
    content: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    failure: str | None = None
    fatal: str | None = None


def cache_folder(config: LLMConfig, store: Path | None = None) -> Path:
    """Where the answers go: ``config.cache``, else the store's folder, else the user cache."""
    if config.cache is not None:
        return Path(config.cache)
    if store is not None:
        return Path(store) / STORE_FOLDER
    return default_cache_folder()


def document_chunks(ex: Extraction, config: LLMConfig) -> list[Chunk]:
    """The chunks of one document's sentences (headings left out)."""
    headings = [(b.start, b.end) for b in ex.document.blocks if b.heading]
    sentences = [
        s for s in ex.sentences
        if s.text.strip() and not any(a <= s.start < b for a, b in headings)
    ]
    return chunk_sentences(
        sentences,
        max_chars=config.chunk_chars,
        max_sentences=config.chunk_sentences,
        source=ex.document.source,
    )


def _number_in_document(ex: Extraction) -> dict[Sentence, int]:
    return {s: n for n, s in enumerate(ex.sentences, 1)}


class _Asker:
    """Asks for one chunk's answer and caches it when it parses."""

    def __init__(self, config: LLMConfig, cache: AnswerCache) -> None:
        self.config = config
        self.cache = cache
        self.client = ChatClient(config)
        self.stop = threading.Event()

    def __call__(self, key: str, chunk: Chunk) -> _Outcome:
        secret = self.config.key()
        try:
            answer = self.client.chat(messages(chunk), self.stop)
            content = scrub(answer.content, secret)
            parse_answer(content)
        except LLMError as err:
            self.stop.set()
            return _Outcome(fatal=scrub(str(err), secret))
        except (ChunkFault, AnswerError) as err:
            return _Outcome(failure=scrub(one_line(str(err)), secret))
        self.cache.put(key, self.config.model, content, answer.prompt_tokens,
                       answer.completion_tokens)
        return _Outcome(content, answer.prompt_tokens, answer.completion_tokens)


def ask_all(
    chunks: Sequence[Chunk], config: LLMConfig, cache: AnswerCache, report: LLMReport
) -> list[_Outcome]:
    """One outcome per chunk, from the cache or the server (``config.jobs`` at a time)."""
    version = current_prompt_version()
    outcomes: list[_Outcome | None] = []
    todo: list[tuple[int, str]] = []
    for index, chunk in enumerate(chunks):
        key = answer_key(config.model, version, chunk.prompt)
        hit = cache.get(key)
        if hit is None:
            todo.append((index, key))
            outcomes.append(None)
        else:
            report.cache_hits += 1
            outcomes.append(_Outcome(hit[0]))
    if todo:
        asker = _Asker(config, cache)
        with ThreadPoolExecutor(max_workers=min(config.jobs, len(todo))) as pool:
            futures = [(i, pool.submit(asker, key, chunks[i])) for i, key in todo]
            for index, future in futures:
                outcomes[index] = future.result()
        report.requests = asker.client.requests
    done = [o if o is not None else _Outcome(failure="not asked") for o in outcomes]
    for outcome in done:
        report.prompt_tokens += outcome.prompt_tokens
        report.completion_tokens += outcome.completion_tokens
    return done


def agree(resolution: Resolution) -> tuple[Resolution, int]:
    """Raise the confidence of facts both the rules and a model found; (result, how many).

    Every statement of such a fact gets ``1 - (1 - r)(1 - m)``, ``r`` and ``m`` the best
    confidence of the rules' and of the model's statements.
    """
    best: dict[tuple[str, str, str], list[float]] = {}
    for rel in resolution.relations:
        slot = best.setdefault((rel.subject, rel.predicate, rel.object), [-1.0, -1.0])
        index = 1 if rel.evidence.rule.startswith(MODEL_EXTRACTOR_PREFIX) else 0
        slot[index] = max(slot[index], rel.evidence.confidence)
    both = {t: 1 - (1 - r) * (1 - m) for t, (r, m) in best.items() if r >= 0 and m >= 0}
    relations = [
        replace(rel, evidence=replace(rel.evidence, confidence=both[triple]))
        if (triple := (rel.subject, rel.predicate, rel.object)) in both
        else rel
        for rel in resolution.relations
    ]
    return replace(resolution, relations=relations), len(both)


def add_model_facts(
    extractions: Sequence[Extraction],
    resolution: Resolution,
    config: LLMConfig,
    *,
    lexicon: Lexicon | None = None,
    store: Path | None = None,
) -> tuple[Resolution, LLMReport]:
    """The rules' resolution with the model's anchored facts merged in, and the step's report.

    When the server cannot be used at all (``report.fatal``), the rules' resolution comes
    back unchanged; chunks that failed on their own are listed in ``report.failed``.
    """
    report = LLMReport(config.model, config.shown_url())
    per_doc = [(ex, document_chunks(ex, config)) for ex in extractions]
    chunks = [c for _, cs in per_doc for c in cs]
    report.chunks = len(chunks)
    outcomes = iter(ask_all(chunks, config, AnswerCache(cache_folder(config, store)), report))
    anchorer = Anchorer(extractions, resolution, config.extractor, config.confidence)
    merged: list[Extraction] = []
    fatal: str | None = None
    for ex, doc_chunks in per_doc:
        numbers = _number_in_document(ex)
        mentions: list[Mention] = []
        relations: list[Relation] = []
        for chunk in doc_chunks:
            outcome = next(outcomes)
            fatal = fatal or outcome.fatal
            reason = outcome.failure or outcome.fatal
            if outcome.content is not None:
                try:
                    found = anchorer.anchor(chunk, parse_answer(outcome.content))
                except AnswerError as err:
                    reason = str(err)
                else:
                    mentions += found.mentions
                    relations += found.relations
                    report.proposed += found.proposed
                    report.kept += len(found.relations)
                    for why, n in found.dropped.items():
                        report.dropped[why] = report.dropped.get(why, 0) + n
            if reason is not None and outcome.fatal is None:
                first, last = (numbers[chunk.sentences[0]], numbers[chunk.sentences[-1]])
                report.failed.append(ChunkFailure(chunk.source, first, last, reason))
        merged.append(
            replace(ex, mentions=ex.mentions + tuple(mentions),
                    relations=ex.relations + tuple(relations))
            if relations else ex
        )
    if fatal is not None:
        report.fatal = fatal
        report.failed = []  # one clear line (report.fatal), not one per chunk
        report.proposed = report.kept = 0
        report.dropped = {}
        return resolution, report
    if report.kept == 0:
        return resolution, report
    combined, report.agreed = agree(resolve(merged, lexicon=lexicon))
    return combined, report
