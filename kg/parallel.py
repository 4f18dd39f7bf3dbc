"""The NLP step on all cores: documents stream through worker processes, results come back in order.

Documents go out in fixed-size chunks (``CHUNK_DOCUMENTS``) whatever the number of jobs, and at
most ``2 * jobs`` chunks are in flight, so memory stays flat however many documents there are:
no more than a few chunks of parsed documents exist at once. Each worker loads the pipeline
once (a pool initializer). Results are yielded in the input order, and every chunk is parsed
by the same ``Extractor.extract`` call whatever ``jobs`` is, so the output is the same bytes
for any number of jobs. ``jobs=1`` runs in this process, with no pool.

>>> from kg.model import Document
>>> docs = [Document.from_text(t, source=f"{i}.txt")
...         for i, t in enumerate(["Toyota invested in Poland.", "Chile borders Peru."])]
>>> [len(ex.mentions) for ex in extract_stream(docs, jobs=1)]
[2, 2]
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from pathlib import Path

from kg.model import Document, Extraction
from kg.nlp.extract import Extractor
from kg.nlp.pipeline import DEFAULT_MODEL

#: Documents per unit of work (the same for any number of jobs: output is job-independent).
CHUNK_DOCUMENTS = 8

_WORKER: Extractor | None = None


def default_jobs() -> int:
    """All cores (``os.cpu_count()``), at least 1."""
    return max(1, os.cpu_count() or 1)


def _init_worker(model: str, entity_rules: Path | None, relation_rules: Path | None) -> None:
    global _WORKER
    _WORKER = Extractor(model, entity_rules=entity_rules, relation_rules=relation_rules)


def _extract_chunk(chunk: list[Document]) -> list[Extraction]:
    assert _WORKER is not None, "worker not initialised"
    return _WORKER.extract(chunk)


def _chunks(documents: Iterable[Document], size: int) -> Iterator[list[Document]]:
    it = iter(documents)
    while chunk := list(islice(it, size)):
        yield chunk


def _context() -> multiprocessing.context.BaseContext:
    """fork where the platform has it (fast: workers share the loaded code), else spawn."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def extract_stream(
    documents: Iterable[Document],
    *,
    jobs: int = 1,
    model: str = DEFAULT_MODEL,
    entity_rules: Path | None = None,
    relation_rules: Path | None = None,
    on_document: Callable[[Document], None] | None = None,
) -> Iterator[Extraction]:
    """Extract every document, in order, using ``jobs`` processes (1: in this process).

    ``documents`` is read lazily, a few chunks ahead of the results.
    """
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    if isinstance(documents, Sequence) and len(documents) <= CHUNK_DOCUMENTS:
        jobs = 1  # one chunk: a worker pool would only add the cost of starting it
    chunks = _chunks(documents, CHUNK_DOCUMENTS)
    if jobs == 1:
        extractor = Extractor(model, entity_rules=entity_rules, relation_rules=relation_rules)
        for chunk in chunks:
            yield from _notify(extractor.extract(chunk), on_document)
        return
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=_context(),
        initializer=_init_worker,
        initargs=(model, entity_rules, relation_rules),
    ) as pool:
        pending: deque[Future[list[Extraction]]] = deque()
        try:
            for chunk in chunks:
                pending.append(pool.submit(_extract_chunk, chunk))
                if len(pending) >= 2 * jobs:
                    yield from _notify(pending.popleft().result(), on_document)
            while pending:
                yield from _notify(pending.popleft().result(), on_document)
        finally:
            for future in pending:
                future.cancel()


def _notify(
    extractions: list[Extraction], on_document: Callable[[Document], None] | None
) -> Iterator[Extraction]:
    for ex in extractions:
        if on_document is not None:
            on_document(ex.document)
        yield ex
