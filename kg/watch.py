"""Keep a store up to date: build it, then re-build it whenever its input files change.

``kg build DOCS --store DIR --watch`` runs ``watch``. A one-shot re-build pays Python's start,
spaCy's import and the model's load each time: about 0.7 s of a 200-document store's 5 s
full build, before the one changed document is read at all. A watching build pays them once.
Between builds it only looks at the inputs' sizes and modification times, every ``interval``
seconds. When they change, and then hold still for one more interval (a file still being
written is not read half-way), it re-builds: the store parses only new and changed documents
(``kg.oxstore.build_store``), with the model already loaded.

>>> import tempfile, threading
>>> with tempfile.TemporaryDirectory() as tmp:
...     note = Path(tmp, "note.txt")
...     _ = note.write_text("Samsung invested in Vietnam.")
...     before = snapshot([note])
...     _ = note.write_text("Samsung invested in Vietnam and Chile.")
...     [entry[0] for entry in before], snapshot([note]) == before
(['note.txt'], False)
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from kg.build import BuildOptions, BuildResult, sample_path
from kg.errors import InputError, KgError, ReadError
from kg.ingest import discover
from kg.oxstore import build_store
from kg.parallel import preload

#: Seconds between two looks at the inputs, by default and at most (a day).
DEFAULT_INTERVAL, MAX_INTERVAL = 1.0, 86_400.0

#: What the inputs look like: each file's source, size and modification time (nanoseconds),
#: and the folders that could not be listed.
Snapshot = tuple[tuple[str, int, int], ...] | str


def snapshot(paths: Sequence[Path]) -> Snapshot:
    """The inputs' sources, sizes and modification times, as ``kg build`` would find them.

    Nothing is read but the folders' listings and the files' metadata. A path that is gone,
    or names a file kg cannot read, gives its error message: the build will report it.
    """
    errors: list[ReadError] = []
    try:
        found = discover(paths, errors=errors)
    except KgError as err:
        return str(err)
    seen = [(source, *_stamp(path)) for path, source in found]
    # a file gone since the listing is left out: the next look sees the folder without it
    return tuple(e for e in seen if e[1] >= 0) + tuple((str(e), -1, -1) for e in errors)


def stamps(files: Sequence[Path]) -> tuple[tuple[str, int, int], ...]:
    """Each file's path, size and modification time; -1s for a file that cannot be read.

    >>> stamps([Path("no-such.json")])
    (('no-such.json', -1, -1),)
    """
    return tuple((str(path), *_stamp(path)) for path in files)


def _stamp(path: Path) -> tuple[int, int]:
    """The file's size and modification time (nanoseconds), or -1s when it cannot be read."""
    try:
        info = path.stat()
    except OSError:
        return -1, -1
    return info.st_size, info.st_mtime_ns


def watch(
    paths: Sequence[Path] | None,
    store: Path,
    options: BuildOptions | None = None,
    *,
    on_build: Callable[[BuildResult], None],
    on_error: Callable[[KgError], None] | None = None,
    on_wait: Callable[[Snapshot], None] | None = None,
    interval: float = DEFAULT_INTERVAL,
    prune: bool = False,
    stop: threading.Event | None = None,
) -> None:
    """Build ``paths`` into ``store``, then again after each change, until ``stop`` is set.

    ``on_build`` gets each build's result, the first one included. A build that fails
    with a ``KgError`` (a path that is gone, a store another build holds) goes to
    ``on_error``, or is raised when there is none; watching goes on either way once it is
    handled. ``on_wait`` is told what the inputs look like each time watching resumes.
    ``stop`` is checked once per ``interval``; Ctrl-C (``KeyboardInterrupt``) stops too.

    The rule files are read once, with the model: when one changes, watching ends with an
    ``InputError`` that says so (the store would otherwise mix extractions of the old rules
    with the new), and a new ``watch`` builds with the new rules.
    """
    if not 0 < interval <= MAX_INTERVAL:
        raise ValueError(f"interval must be more than 0 seconds and at most a day, not {interval}")
    chosen = list(paths) if paths else [sample_path()]
    opts = options or BuildOptions()
    stop = stop or threading.Event()
    rules = [Path(p) for p in (opts.entity_rules, opts.relation_rules) if p is not None]
    rules_read = stamps(rules)
    built: Snapshot | None = None
    loaded = False  # the model, in this process
    while not stop.is_set():
        changed = [now[0] for now, was in zip(stamps(rules), rules_read, strict=True) if now != was]
        if changed:
            raise InputError(
                f"{', '.join(changed)}: the rule file changed while watching; "
                "start watching again to build with it"
            )
        now = snapshot(chosen)
        if now == built:
            stop.wait(interval)
            continue
        if built is not None:  # a change: build once it holds still for one interval
            stop.wait(interval)
            if stop.is_set() or snapshot(chosen) != now:
                continue
        built = now
        try:
            on_build(build_store(chosen, store, opts, prune=prune))
            if not loaded:  # loaded here once, it is shared by every worker forked later
                preload(opts.model, entity_rules=opts.entity_rules,
                        relation_rules=opts.relation_rules)
                loaded = True
        except KgError as err:
            if on_error is None:
                raise
            on_error(err)
        if on_wait is not None:
            on_wait(built)
