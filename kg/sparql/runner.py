"""The one timeout runner: a query runs in its own forked process, killed at its deadline.

Neither rdflib nor Oxigraph can be interrupted from another thread, so the only way to really
stop a query that runs too long is to run it in a process and kill that. :class:`Runner`
forks one process per task; the answer comes back through a pipe (so it must pickle), and a
``KgError`` raised by the task is raised again in the caller with its class and message.

``kg serve`` runs every request through one Runner with all its :class:`Limits`: a deadline,
a number of workers, a memory cap per process (``RLIMIT_AS``, set after the task's ``setup``,
for instance opening a store), and preemption: a task that has run ``preempt_after / 2``
seconds is reniced, and when every worker is busy and another task waits, the one that has
run longest (past ``preempt_after``) is stopped. ``kg query --timeout`` runs its one query
through the same Runner with one worker, no memory cap and no preemption
(:func:`with_timeout`).

>>> with_timeout(lambda: "done", 5)
'done'
>>> with_timeout(lambda: 1 / 0, 5)
Traceback (most recent call last):
...
kg.sparql.runner.TaskFailed: the query failed: division by zero
>>> import time
>>> with_timeout(lambda: time.sleep(30), 0.5)
Traceback (most recent call last):
...
kg.sparql.runner.TimedOut: the query ran longer than 0.5 s and was stopped
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar, cast

from kg.errors import KgError, QueryError
from kg.sparql.prepare import describe_error

T = TypeVar("T")


@dataclass(frozen=True)
class Limits:
    """What a Runner allows each task: ``timeout`` seconds, ``workers`` tasks at once,
    ``max_memory`` bytes beyond what the process holds after setup (None: no cap), and
    preemption after ``preempt_after`` seconds (None: a task is never reniced or stopped
    before its deadline)."""

    timeout: float
    workers: int = 1
    max_memory: int | None = None
    preempt_after: float | None = None


class Stopped(QueryError):
    """A task that gave no answer: the runner refused or stopped it."""


class TimedOut(Stopped):
    """The task ran past its deadline and was killed."""


class Preempted(Stopped):
    """The task was stopped to make room for another (every worker was busy)."""


class Busy(Stopped):
    """No worker came free before the deadline."""


class OutOfMemory(Stopped):
    """The task needed more memory than ``max_memory``."""


class NoAnswer(Stopped):
    """The task's process ended without sending an answer (it crashed or was killed)."""


class TaskFailed(QueryError):
    """The task raised something other than a ``KgError``."""


@dataclass
class _Running:
    started: float
    stopped: bool = False


class Runner:
    """Runs tasks in forked processes within :class:`Limits`; safe to call from threads."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.slots = threading.BoundedSemaphore(limits.workers)
        self.running: dict[multiprocessing.process.BaseProcess, _Running] = {}
        self.lock = threading.Lock()
        self.context = multiprocessing.get_context("fork")

    def run(self, task: Callable[[], T], *, setup: Callable[[], object] | None = None) -> T:
        """``task()`` run in a new process (after ``setup()`` there, before the memory cap).

        Raises what the task raised (a ``KgError`` keeps its class), else a :class:`Stopped`
        or :class:`TaskFailed` saying why there is no answer.
        """
        if not self._acquire():
            raise Busy("every query worker is busy; try again later")
        try:
            return self._run(task, setup)
        finally:
            self.slots.release()

    def stop(self) -> None:
        """Kill every task still running."""
        with self.lock:
            for process in list(self.running):
                process.kill()

    def _acquire(self) -> bool:
        """A worker slot; when all are busy, stop the longest-running task past
        ``preempt_after`` to make room. False when none frees up within the timeout."""
        deadline = time.monotonic() + self.limits.timeout
        while True:
            if self.slots.acquire(timeout=0.05):
                return True
            self._preempt()
            if time.monotonic() > deadline:
                return False

    def _preempt(self) -> None:
        after = self.limits.preempt_after
        if after is None:
            return
        now = time.monotonic()
        with self.lock:
            waiting = [(state.started, id(process), process)
                       for process, state in self.running.items()
                       if not state.stopped and now - state.started >= after]
            if waiting:
                _, _, process = min(waiting)
                self.running[process].stopped = True
                process.kill()

    def _run(self, task: Callable[[], T], setup: Callable[[], object] | None) -> T:
        receive, send = self.context.Pipe(duplex=False)
        process = self.context.Process(
            target=_child, args=(send, task, setup, self.limits.max_memory), daemon=True
        )
        with self.lock:
            process.start()
            state = self.running[process] = _Running(time.monotonic())
        send.close()
        try:
            if not self._wait(receive, process, state):
                process.kill()
                raise TimedOut(f"the query ran longer than {self.limits.timeout:g} s "
                               "and was stopped")
            try:
                ok, value = receive.recv()
            except EOFError:
                process.join(timeout=5)
                raise self._no_answer(process, state) from None
        finally:
            receive.close()
            process.join(timeout=5)
            with self.lock:
                self.running.pop(process, None)
        if ok:
            return cast(T, value)
        kind, message = value
        raise kind(message)

    def _wait(self, receive: Connection, process: multiprocessing.process.BaseProcess,
              state: _Running) -> bool:
        """Wait for the answer up to the timeout, lowering the process's priority once it has
        run half of ``preempt_after``."""
        timeout, after = self.limits.timeout, self.limits.preempt_after
        niced = after is None
        while True:
            elapsed = time.monotonic() - state.started
            if elapsed >= timeout:
                return False
            step = timeout - elapsed
            if not niced and after is not None:
                step = min(step, max(after / 2 - elapsed, 0.01))
            if receive.poll(step):
                return True
            if not niced and after is not None and time.monotonic() - state.started >= after / 2:
                niced = True
                try:
                    os.setpriority(os.PRIO_PROCESS, process.pid or 0, 15)
                except (OSError, AttributeError):
                    pass

    def _no_answer(self, process: multiprocessing.process.BaseProcess,
                   state: _Running) -> Stopped:
        if state.stopped:
            return Preempted(f"the query was stopped after {self.limits.preempt_after:g} s "
                             "to make room for others: every worker was busy; try again later")
        if self.limits.max_memory is not None:
            return NoAnswer("the query process stopped without an answer: it needed more than "
                            f"{self.limits.max_memory >> 20} MB of memory or crashed "
                            f"(exit code {process.exitcode})")
        return NoAnswer(f"the query process ended without an answer (exit code "
                        f"{process.exitcode})")


def _child(send: Connection, task: Callable[[], object], setup: Callable[[], object] | None,
           max_memory: int | None) -> None:
    """The body of a task's process: set up, cap the memory, run, send (ok, value)."""
    reply: tuple[bool, Any]
    try:
        if setup is not None:
            setup()
        if max_memory is not None:
            limit_memory(max_memory)
        reply = (True, task())
    except MemoryError:
        reply = (False, (OutOfMemory, f"the query needed more than {(max_memory or 0) >> 20} MB "
                                      "of memory and was stopped"))
    except KgError as err:  # the same class again in the caller, when it can be made so
        kind = type(err) if type(err).__init__ is KgError.__init__ else QueryError
        reply = (False, (kind, str(err)))
    except BaseException as err:  # anything: the caller must get an answer
        reply = (False, (TaskFailed, f"the query failed: {describe_error(err)}"))
    try:
        send.send(reply)
    except Exception as err:  # an answer that does not pickle
        send.send((False, (TaskFailed, f"the query failed: {describe_error(err)}")))
    send.close()


def with_timeout(task: Callable[[], T], seconds: float | None) -> T:
    """``task()`` run in a forked process and stopped after ``seconds`` (None: run here, no
    limit); :class:`TimedOut` at the deadline. The answer must pickle (a formatted one does).
    """
    if seconds is None:
        return task()
    return Runner(Limits(timeout=seconds)).run(task)


def _virtual_size() -> int | None:
    """This process's virtual memory size in bytes (Linux), else None."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


def limit_memory(extra: int) -> bool:
    """Let this process grow by at most ``extra`` bytes of address space (``RLIMIT_AS``).

    Returns False where the limit cannot be set (no ``/proc``, no ``resource``).
    """
    size = _virtual_size()
    if size is None:
        return False
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (size + extra, size + extra))
    except (ImportError, ValueError, OSError):
        return False
    return True
