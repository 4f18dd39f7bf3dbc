"""The NLP step on all cores: documents stream through worker processes, results come back in order.

Documents go out to the workers in fixed-size chunks (``CHUNK_DOCUMENTS``), and at most
``2 * jobs`` chunks are in flight, so memory stays flat however many documents there are: no
more than a few chunks of parsed documents exist at once. Each worker loads the pipeline once
(a pool initializer). ``jobs=1`` runs in this process, with no pool, reading
``IN_PROCESS_DOCUMENTS`` at a time. Results are yielded in the input order, and every document
is read by ``Extractor.extract`` on its own (spaCy's parse does not depend on how texts are
batched), so the output is the same bytes for any number of jobs.

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
from typing import TYPE_CHECKING

from kg.model import Document, Extraction
from kg.nlp.pipeline import DEFAULT_MODEL, one_blas_thread

if TYPE_CHECKING:
    from kg.nlp.extract import Extractor

# The extractor (and spaCy with it, about half a second) is imported where a model loads: in
# this process when it parses or starts a pool of workers (forked, they share the import),
# and in a worker started ahead (``start_worker``). A store re-build whose few changed
# documents go to that worker never imports spaCy in the main process: the worker imports
# it while the main process reads the inputs and the cache.

#: Documents per unit of work (the same for any number of jobs: output is job-independent).
CHUNK_DOCUMENTS = 8
#: Documents per ``Extractor.extract`` call when this process parses (``jobs=1``): enough to
#: fill spaCy's batches (``kg.nlp.extract.BATCH_BLOCKS``). A call with 8 documents parses
#: in smaller batches, about 5% slower (``bench/README.md``). Output does not depend on it.
IN_PROCESS_DOCUMENTS = 32

_WORKER: Extractor | None = None


def default_jobs() -> int:
    """All cores (``os.cpu_count()``), at least 1."""
    return max(1, os.cpu_count() or 1)


def _extractor_class() -> type[Extractor]:
    """``kg.nlp.extract.Extractor``, imported (spaCy and numpy with it) once numpy's OpenBLAS
    is told to start one thread (``one_blas_thread``)."""
    one_blas_thread()
    from kg.nlp.extract import Extractor

    return Extractor


def _init_worker(model: str, entity_rules: Path | None, relation_rules: Path | None) -> None:
    global _WORKER
    _WORKER = _extractor_class()(model, entity_rules=entity_rules, relation_rules=relation_rules)


def preload(
    model: str = DEFAULT_MODEL,
    *,
    entity_rules: Path | None = None,
    relation_rules: Path | None = None,
) -> None:
    """Load the model and kg's rules into this process now; once loaded, a call costs little.

    For a process that builds again and again (``kg.watch``): parsing here, and every worker
    forked from here later, then starts with them loaded instead of loading them again.

    >>> preload()  # the default model and the packaged rules
    >>> from kg.nlp.pipeline import load_pipeline
    >>> "parser" in load_pipeline().pipe_names
    True
    """
    _extractor_class()(model, entity_rules=entity_rules, relation_rules=relation_rules)


def _ready() -> None:
    """A no-op task: submitting it starts a pool's worker, and its model load, at once."""


def start_worker(
    model: str = DEFAULT_MODEL,
    *,
    entity_rules: Path | None = None,
    relation_rules: Path | None = None,
) -> ProcessPoolExecutor:
    """One worker process that starts loading the model now, for a few documents to come.

    Give it to ``extract_stream(..., pool=...)`` once the documents are known (a re-build
    reads and compares its inputs meanwhile), or ``stop_worker`` it when nothing needs parsing.
    """
    pool = ProcessPoolExecutor(
        max_workers=1,
        mp_context=_context(),
        initializer=_init_worker,
        initargs=(model, entity_rules, relation_rules),
    )
    pool.submit(_ready)
    return pool


def stop_worker(pool: ProcessPoolExecutor) -> None:
    """Stop the workers of ``pool`` now, without waiting for them to finish loading the model.

    For a worker started ahead (``start_worker``) that turns out to have nothing to parse. A
    polite ``shutdown`` would let it load the whole model first, and a worker that never
    finishes loading would keep the process from exiting; terminating it costs nothing, since
    it holds no work.
    """
    terminate = getattr(pool, "terminate_workers", None)  # Python 3.14 and later
    if terminate is not None:
        terminate()
        return
    # Before 3.14 the executor keeps its processes in ``_processes`` (pid -> Process).
    for worker in list((getattr(pool, "_processes", None) or {}).values()):
        worker.kill()
    # The executor's own thread sees the workers gone and reaps them; waiting for it, rather
    # than joining them here too, leaves one reaper (two race, and one may see a reaped
    # process as still running).
    pool.shutdown(wait=True, cancel_futures=True)


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
    pool: ProcessPoolExecutor | None = None,
) -> Iterator[Extraction]:
    """Extract every document, in order, using ``jobs`` processes (1: in this process).

    ``documents`` is read lazily, a few chunks ahead of the results. With ``jobs`` > 1 the
    workers start, and the first chunks go out, before this returns; no more workers start
    than there are chunks, and a single chunk is parsed in this process. ``pool`` (see
    ``start_worker``) parses in workers already started, whatever ``jobs`` says. Close the
    iterator (``.close()``) when leaving it unfinished: that stops the workers (a given
    ``pool`` too).
    """
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    if isinstance(documents, Sequence):
        if not documents:
            if pool is not None:
                stop_worker(pool)
            return iter(())
        if len(documents) <= CHUNK_DOCUMENTS:
            jobs = 1  # one chunk: a worker pool would only add the cost of starting it
        # fork starts every worker at once, and each loads the model: no more than needed
        jobs = min(jobs, -(-len(documents) // CHUNK_DOCUMENTS))
    if pool is None and jobs == 1:
        groups = _chunks(documents, IN_PROCESS_DOCUMENTS)
        return _in_process(groups, model, entity_rules, relation_rules, on_document)
    initargs = (model, entity_rules, relation_rules)
    return _PoolStream(_chunks(documents, CHUNK_DOCUMENTS), jobs, initargs, on_document, pool=pool)


def _in_process(
    groups: Iterator[list[Document]],
    model: str,
    entity_rules: Path | None,
    relation_rules: Path | None,
    on_document: Callable[[Document], None] | None,
) -> Iterator[Extraction]:
    extractor = None  # loaded with the first group
    for group in groups:
        extractor = extractor or _extractor_class()(
            model, entity_rules=entity_rules, relation_rules=relation_rules
        )
        yield from extractor.extract(group, on_document=on_document)


class _PoolStream(Iterator[Extraction]):
    """Extractions from worker processes, in input order, at most ``2 * jobs`` chunks ahead."""

    def __init__(
        self,
        chunks: Iterator[list[Document]],
        jobs: int,
        initargs: tuple[str, Path | None, Path | None],
        on_document: Callable[[Document], None] | None,
        *,
        pool: ProcessPoolExecutor | None = None,
    ) -> None:
        self.chunks, self.on_document = chunks, on_document
        if pool is None:
            # Several workers: import spaCy here once, and the forked workers share it,
            # rather than each importing it again (half a second of CPU each).
            _extractor_class()
        self.pool = pool or ProcessPoolExecutor(
            max_workers=jobs, mp_context=_context(), initializer=_init_worker, initargs=initargs
        )
        self.pending: deque[Future[list[Extraction]]] = deque(
            self.pool.submit(_extract_chunk, chunk) for chunk in islice(chunks, 2 * jobs)
        )
        self.ready: deque[Extraction] = deque()

    def __next__(self) -> Extraction:
        while not self.ready:
            if not self.pending:
                self.close()
                raise StopIteration
            try:
                done = self.pending.popleft().result()
            except BaseException:
                self.close()
                raise
            for chunk in islice(self.chunks, 1):
                self.pending.append(self.pool.submit(_extract_chunk, chunk))
            self.ready.extend(done)
        ex = self.ready.popleft()
        if self.on_document is not None:
            self.on_document(ex.document)
        return ex

    def close(self) -> None:
        """Stop the workers; results not yet taken are dropped."""
        for future in self.pending:
            future.cancel()
        self.pending.clear()
        self.ready.clear()
        self.pool.shutdown(wait=True, cancel_futures=True)

    def __del__(self) -> None:
        pool = getattr(self, "pool", None)  # absent when __init__ failed
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
