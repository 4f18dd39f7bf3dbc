"""The NLP step on several processes: same results in the same order, workers that stop."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys

import pytest

from kg.model import Document
from kg.nlp import extract
from kg.parallel import CHUNK_DOCUMENTS, extract_stream

TEXTS = ["Toyota invested in Poland.", "Chile borders Peru.", "Nokia competes with Ericsson."]


@pytest.fixture(autouse=True)
def _no_workers_from_other_tests() -> None:
    """A store build in another test may leave its unused early worker (``start_worker``),
    which exits once its model has loaded; counting workers here starts from none."""
    for child in multiprocessing.active_children():
        child.join(timeout=60)
    assert multiprocessing.active_children() == []


def _docs(count: int) -> list[Document]:
    return [Document.from_text(TEXTS[i % 3] + f" ({i})", source=f"{i}.txt") for i in range(count)]


def test_no_documents_load_no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the model was loaded for nothing")

    monkeypatch.setattr(extract, "Extractor", refuse)  # kg.parallel imports it when needed
    assert list(extract_stream([], jobs=1)) == []
    assert list(extract_stream([], jobs=2)) == []
    assert list(extract_stream(iter([]), jobs=1)) == []


def test_no_more_workers_start_than_there_are_chunks() -> None:
    docs = _docs(CHUNK_DOCUMENTS + 1)  # two chunks
    stream = extract_stream(docs, jobs=4)
    assert len(multiprocessing.active_children()) == 2  # each would load the model
    assert list(stream) == list(extract_stream(docs, jobs=1))


def test_many_chunks_come_back_in_order_and_the_workers_stop() -> None:
    docs = _docs(3 * CHUNK_DOCUMENTS + 1)
    seen: list[str] = []
    results = list(extract_stream(docs, jobs=2, on_document=lambda d: seen.append(d.source)))
    assert [ex.document.source for ex in results] == [d.source for d in docs]
    assert seen == [d.source for d in docs]
    assert multiprocessing.active_children() == []


def test_closing_an_unfinished_stream_stops_its_workers() -> None:
    stream = extract_stream(_docs(4 * CHUNK_DOCUMENTS), jobs=2)
    first = next(stream)
    assert first.document.source == "0.txt"
    stream.close()  # type: ignore[attr-defined]
    assert multiprocessing.active_children() == []
    with pytest.raises(StopIteration):
        next(stream)


def test_a_worker_started_ahead_parses_what_comes_later() -> None:
    from kg.parallel import start_worker

    others = set(multiprocessing.active_children())  # processes other tests left running

    def ours() -> list[multiprocessing.process.BaseProcess]:
        return [child for child in multiprocessing.active_children() if child not in others]

    pool = start_worker()
    assert len(ours()) == 1  # loading the model already
    docs = _docs(3)
    assert list(extract_stream(docs, jobs=1, pool=pool)) == list(extract_stream(docs, jobs=1))
    assert ours() == []  # the stream stopped it when done
    unused = start_worker()
    assert list(extract_stream([], pool=unused)) == []  # nothing to parse: stopped at once
    assert ours() == []  # not left to finish loading its model


def test_stopping_a_worker_does_not_wait_for_its_start_to_finish() -> None:
    import time
    from concurrent.futures import ProcessPoolExecutor

    from kg.parallel import stop_worker

    before = set(multiprocessing.active_children())
    context = multiprocessing.get_context("fork")
    stuck = ProcessPoolExecutor(1, mp_context=context, initializer=time.sleep, initargs=(3600,))
    stuck.submit(int)
    (worker,) = set(multiprocessing.active_children()) - before
    stop_worker(stuck)
    assert not worker.is_alive()  # a start that never ends cannot keep it, or the build, waiting


THREAD_COUNT = '''
import io, os, sys
import kg.build

seen = []
real = kg.build.extract_stream


def counting(documents, **options):
    """extract_stream, noting the threads of the parsing process after each document."""
    inner = options.get("on_document")

    def on_document(document):
        seen.append(len(os.listdir("/proc/self/task")))
        if inner is not None:
            inner(document)

    options["on_document"] = on_document
    return real(documents, **options)


class Terminal(io.StringIO):
    def isatty(self):
        return True


kg.build.extract_stream = counting
sys.stderr = Terminal()  # a terminal: the progress bar is drawn
kg.build.build_texts([("a.txt", "Samsung invested in Vietnam."), ("b.txt", "Chile borders Peru.")],
                     jobs=1, progress=True)
print(len(seen), max(seen))
'''


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="counts threads in /proc")
def test_the_process_that_parses_runs_no_second_thread() -> None:
    """One more thread (tqdm's monitor, OpenBLAS's pool) puts glibc's malloc on its locked path
    for the life of the process, and spaCy parses about 13% slower: a build with its progress
    bar drawn parses with one thread, and so do the workers forked from it."""
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    run = subprocess.run(
        [sys.executable, "-c", THREAD_COUNT], env=env, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["2", "1"]
