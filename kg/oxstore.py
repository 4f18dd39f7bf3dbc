"""A persistent graph: an on-disk Oxigraph store that builds incrementally.

A store is a folder::

    DIR/CURRENT                  the name of the live generation, replaced atomically
    DIR/gen-000007/oxigraph/     the Oxigraph (RocksDB) database of that generation
    DIR/gen-000007/manifest.json its documents, their graphs' fingerprints, the build options
    DIR/cache/SHA.VERSION.json   each document's Extraction (see ``kg.cache``)
    DIR/llm/                     a language model's answers, with --llm (see ``kg.llm.cache``)

The database holds one named graph per document (``{base}graph/document/{sha16}``: the
document node, the entities it mentions, its sentences, its statements and the relations they
support) and ``{base}graph/entities`` for what is merged across documents (see
``kg.rdf.Emitter``).

Every build parses only documents whose content or extractor changed (the rest come from the
cache), then re-resolves entities over all documents, so entities stay merged across them.
It writes a new generation beside the live one: a checkpoint of the live database (hard
links, no copy) in which only the graphs of documents whose fingerprint changed are written
again, and the entities graph is patched by its difference. Only when the generation is
complete does ``CURRENT`` move to it (an atomic rename), so a build killed at any point leaves
the previous store as it was; parsed documents already cached are reused by the next build.
Generations that an interrupted build left behind are deleted by the next build or removal.

This module writes stores; ``kg.graphs.store`` reads them (``StoreSource``: queries run on
Oxigraph over the union of all named graphs).
"""

from __future__ import annotations

import fcntl
import itertools
import os
import re
import shutil
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from rdflib import URIRef

from kg.cache import ExtractionCache, extractor_version, write_json_atomic
from kg.errors import ReadError, StoreError, UsageError
from kg.graphs.oxigraph import from_rdflib
from kg.graphs.store import (
    CURRENT,
    GENERATION,
    STORE_FORMAT,
    StoredDocument,
    StoreState,
    is_store,
    open_store,
    read_state,
)
from kg.ingest import read_inputs
from kg.model import Document, Extraction
from kg.nlp.lexicon import load_lexicon
from kg.vocab import DEFAULT_BASE

if TYPE_CHECKING:
    from kg.build import BuildReport, BuildResult
    from kg.llm import LLMConfig
    from kg.rdf import Emitter, Triple

# The build side (kg.build, kg.parallel, kg.rdf, kg.resolve) is imported where it is used:
# they bring spaCy, and reading or querying a store (kg ask, kg query) needs none of it.

#: Above this many quads, writes go through Oxigraph's bulk loader (new files, no transaction).
BULK_QUADS = 10_000
_GENERATION = GENERATION


@dataclass
class RemoveResult:
    """What ``remove_documents`` dropped, and the store rebuilt without them."""

    removed: list[StoredDocument]
    result: BuildResult


def _quads(parts: dict[URIRef, list[Triple]]) -> Iterator[ox.Quad]:
    conv = cache(from_rdflib)  # a graph repeats the same terms over and over
    for name in sorted(parts):
        graph_name = ox.NamedNode(str(name))
        for s, p, o in parts[name]:
            yield ox.Quad(conv(s), conv(p), conv(o), graph_name)


# --- writing -------------------------------------------------------------------------------------


@contextmanager
def _locked(root: Path) -> Iterator[None]:
    """Hold the store's write lock (one build or removal at a time)."""
    handle = open(root / ".lock", "a+b")  # noqa: SIM115
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreError(f"{root}: another kg build or remove is writing this store") from None
        yield
    finally:
        handle.close()


def _prepare_root(root: Path) -> None:
    if root.exists() and not root.is_dir():
        raise UsageError(f"{root}: a store is a folder, and this is a file")
    if root.is_dir() and not is_store(root) and any(root.iterdir()):
        raise UsageError(
            f"{root}: the folder is not empty and is not a kg store; choose a new or empty folder"
        )
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise UsageError(f"{root}: cannot create the store folder: {err.strerror}") from None


def _clean_leftovers(root: Path, live: str | None) -> None:
    """Delete generations that are not live (an interrupted build's or a replaced one)."""
    for entry in root.iterdir():
        if _GENERATION.fullmatch(entry.name) and entry.name != live:
            shutil.rmtree(entry, ignore_errors=True)
    for entry in root.glob(f".{CURRENT}.*"):
        entry.unlink(missing_ok=True)


def _next_generation(live: str | None) -> str:
    number = int(live[4:]) + 1 if live else 1
    return f"gen-{number:06d}"


def _reusable(state: StoreState | None, options: dict[str, Any]) -> dict[str, str]:
    """The part fingerprints of the live generation, when its parts may be kept as they are."""
    if state is None or state.options.get("emitter") != options["emitter"]:
        return {}
    return dict(state.graphs)


def _fill(
    database: ox.Store, emitter: Emitter, documents: Sequence[Document], keep: dict[str, str]
) -> None:
    """Make ``database`` hold the build.

    Document graphs named in ``keep`` (content hash -> fingerprint) whose fingerprint still
    matches stay as they are; every other document graph is dropped and written again. The
    entities graph changes by its difference only: a changed document moves a few counts.
    """
    kept = {emitter.graph_of(d) for d in documents if keep.get(d.sha256) == emitter.fingerprint(d)}
    entities = ox.NamedNode(str(emitter.entities_graph))
    for name in list(database.named_graphs()):
        if name != entities and URIRef(name.value) not in kept:
            database.remove_graph(name)
    parts = emitter.parts(only=[d.sha256 for d in documents if emitter.graph_of(d) not in kept])
    new = set(_quads({emitter.entities_graph: parts.pop(emitter.entities_graph)}))
    old = set(database.quads_for_pattern(None, None, None, entities))
    _add(database, _quads(parts), sum(map(len, parts.values())))
    added = new - old
    _add(database, added, len(added))
    for quad in old - new:
        database.remove(quad)


def _add(database: ox.Store, quads: Iterable[ox.Quad], count: int) -> None:
    """Add ``count`` quads: many through the bulk loader, a few in one transaction."""
    if count > BULK_QUADS:
        database.bulk_extend(quads)
    else:
        database.extend(quads)


def _write_generation(
    root: Path,
    state: StoreState | None,
    emitter: Emitter,
    documents: Sequence[Document],
    options: dict[str, Any],
) -> int:
    """Write the build as a new generation and make it live; returns its triple count.

    The new generation starts as a copy of the live one (a RocksDB checkpoint: hard links, no
    data copied) when that was written by the same code; then only the graphs of documents
    whose facts changed, and the entities graph, are replaced.
    """
    live = state.generation if state else None
    name = _next_generation(live)
    folder = root / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    path = folder / "oxigraph"
    keep = _reusable(state, options)
    try:
        if keep:
            assert state is not None
            open_store(root).backup(str(path))
        database = ox.Store(str(path))
        try:
            _fill(database, emitter, documents, keep)
            database.flush()
            triples = len(database)  # no triple is in two graphs (kg.rdf.Emitter)
        finally:
            del database  # closes it
    except OSError as err:
        raise StoreError(f"{root}: could not write the store: {err}") from None
    manifest = {
        "kg_store": STORE_FORMAT,
        "options": options,
        "documents": [
            {"sha256": d.sha256, "source": d.source, "title": d.title, "format": d.format}
            for d in documents
        ],
        "graphs": {d.sha256: emitter.fingerprint(d) for d in documents},
        "triples": triples,
    }
    write_json_atomic(folder / "manifest.json", manifest)
    _fsync_tree(folder)
    pointer = root / f".{CURRENT}.{name}"
    pointer.write_text(name + "\n", encoding="utf-8")
    os.replace(pointer, root / CURRENT)  # the commit point
    _fsync_dir(root)
    if live is not None:
        shutil.rmtree(root / live, ignore_errors=True)
    return triples


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(folder: Path) -> None:
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
    for path in [folder, *sorted(p for p in folder.rglob("*") if p.is_dir())]:
        _fsync_dir(path)


def _extract_missing(
    docs: Sequence[Document],
    cache: ExtractionCache,
    *,
    jobs: int,
    model: str,
    entity_rules: Path | None,
    relation_rules: Path | None,
    progress: bool,
    scout: ProcessPoolExecutor | None = None,
) -> tuple[list[Extraction], int]:
    """Extractions of ``docs`` from the cache, parsing (and caching) only the missing ones.

    The missing documents go out to be parsed first, so that with more than one job the
    workers parse while this process reads the cache. A few go to ``scout``, a worker
    started before the inputs were read (``kg.parallel.start_worker``), which has been
    loading the model all along.
    """
    from kg.build import in_order, paused_gc
    from kg.parallel import CHUNK_DOCUMENTS, extract_stream, stop_worker

    missing = [d for d in docs if not cache.path(d.sha256).is_file()]
    if scout is not None and not 0 < len(missing) <= CHUNK_DOCUMENTS:
        stop_worker(scout)
        scout = None
    bar = None
    if progress and missing:
        from kg.build import _progress

        bar = _progress(len(missing))
    parse = partial(
        extract_stream,
        model=model,
        entity_rules=entity_rules,
        relation_rules=relation_rules,
        on_document=(lambda _d: bar.update(1)) if bar is not None else None,
    )
    stream = parse(missing, jobs=jobs, pool=scout)
    try:
        found: dict[str, Extraction] = {}
        damaged: list[Document] = []  # a cache entry that cannot be read is parsed again
        absent = {d.sha256 for d in missing}
        with paused_gc():
            for doc in docs:
                if doc.sha256 in absent:
                    continue
                cached = cache.get(doc.sha256)
                if cached is None:
                    damaged.append(doc)
                else:
                    same = cached.document == doc
                    found[doc.sha256] = cached if same else replace(cached, document=doc)
        for ex in itertools.chain(stream, parse(damaged, jobs=1)):
            cache.put(ex)  # as soon as it exists: an interrupted build keeps its work
            found[ex.document.sha256] = ex
    finally:
        close = getattr(stream, "close", None)
        if close is not None:
            close()
        if bar is not None:
            bar.close()
    return in_order(docs, found.values()), len(missing) + len(damaged)


def _stored_document(state: StoreState, stored: StoredDocument, cache: ExtractionCache) -> Document:
    """A document of the store that is not in this build's input, from the cached text."""
    doc = cache.any_document(stored.sha256)
    if doc is None:
        raise StoreError(
            f"{state.root}: the cached text of {stored.source} ({stored.sha256[:16]}) is missing; "
            f"give the document again or remove it with kg remove {stored.source}"
        )
    return replace(doc, source=stored.source, title=stored.title, format=stored.format)


def _commit(
    root: Path,
    state: StoreState | None,
    docs: list[Document],
    errors: Sequence[ReadError],
    options: dict[str, Any],
    *,
    jobs: int,
    progress: bool,
    started: float,
    scout: ProcessPoolExecutor | None = None,
    llm: LLMConfig | None = None,
) -> tuple[BuildResult, int]:
    """Extract what is missing, resolve all, write a new generation; (result, parsed count)."""
    from kg.build import BuildResult, _report, paused_gc
    from kg.rdf import Emitter, emitter_version
    from kg.resolve import resolve

    entity_rules = Path(options["entity_rules"]) if options.get("entity_rules") else None
    relation_rules = Path(options["relation_rules"]) if options.get("relation_rules") else None
    version = extractor_version(
        options["model"], entity_rules=entity_rules, relation_rules=relation_rules
    )
    options = {**options, "extractor": version, "emitter": emitter_version()}
    cache = ExtractionCache(root / "cache", version)
    extractions, parsed = _extract_missing(
        docs,
        cache,
        jobs=jobs,
        model=options["model"],
        entity_rules=entity_rules,
        relation_rules=relation_rules,
        progress=progress,
        scout=scout,
    )
    base, min_confidence = options["base"], options["min_confidence"]
    llm_report = None
    with paused_gc():
        resolution = resolve(extractions, lexicon=load_lexicon(entity_rules))
        if llm is not None:  # the model's answers are kept in the store (kg.llm.cache)
            from kg.llm import add_model_facts

            resolution, llm_report = add_model_facts(
                extractions, resolution, llm, lexicon=load_lexicon(entity_rules), store=root
            )
        emitter = Emitter(resolution, docs, base=base, min_confidence=min_confidence)
        triples = _write_generation(root, state, emitter, docs, options)
    cache.prune({d.sha256 for d in docs})
    seconds = time.perf_counter() - started
    report = _report(triples, docs, list(errors), resolution, seconds, min_confidence)
    report.llm = llm_report
    return BuildResult(docs, extractions, resolution, report, base, min_confidence), parsed


def build_store(
    paths: Sequence[Path] | None,
    store: Path,
    *,
    model: str | None = None,
    base: str = DEFAULT_BASE,
    min_confidence: float = 0.0,
    entity_rules: Path | None = None,
    relation_rules: Path | None = None,
    jobs: int = 1,
    prune: bool = False,
    progress: bool = False,
    llm: LLMConfig | None = None,
) -> BuildResult:
    """Build documents into the store at ``store``, parsing only new and changed ones.

    A document whose source is in the store with other content replaces it (``changed``).
    Documents in the store but not in ``paths`` stay, unless ``prune`` removes them.
    ``model`` is the spaCy model (None: ``kg.nlp.pipeline.DEFAULT_MODEL``).
    """
    from kg.build import sample_path
    from kg.nlp.pipeline import DEFAULT_MODEL
    from kg.parallel import start_worker, stop_worker

    model = model or DEFAULT_MODEL
    started = time.perf_counter()
    root = Path(store)
    scout = None
    if jobs > 1 and is_store(root):  # a re-build: a worker loads the model while inputs are read
        scout = start_worker(model, entity_rules=entity_rules, relation_rules=relation_rules)
    try:
        return _build_into(
            root, list(paths) if paths else [sample_path()], scout, started,
            model=model, base=base, min_confidence=min_confidence, entity_rules=entity_rules,
            relation_rules=relation_rules, jobs=jobs, prune=prune, progress=progress, llm=llm,
        )
    finally:
        if scout is not None:
            stop_worker(scout)


def _build_into(
    root: Path,
    chosen: list[Path],
    scout: ProcessPoolExecutor | None,
    started: float,
    *,
    model: str,
    base: str,
    min_confidence: float,
    entity_rules: Path | None,
    relation_rules: Path | None,
    jobs: int,
    prune: bool,
    progress: bool,
    llm: LLMConfig | None = None,
) -> BuildResult:
    from kg.build import mark_duplicates, unique_documents

    found = read_inputs(chosen)
    documents, errors = found.documents, found.errors
    inputs = unique_documents(documents)
    _prepare_root(root)
    with _locked(root):
        state = read_state(root) if is_store(root) else None
        live = state.generation if state else None
        _clean_leftovers(root, live)
        old = {d.sha256: d for d in state.documents} if state else {}
        old_by_source = {d.source: d.sha256 for d in old.values()}
        input_shas = {d.sha256 for d in inputs}
        counts = {"new": 0, "changed": 0, "unchanged": 0}
        replaced: set[str] = set()
        for doc in inputs:
            if doc.sha256 in old:
                counts["unchanged"] += 1
            elif doc.source in old_by_source:
                counts["changed"] += 1
                replaced.add(old_by_source[doc.source])
            else:
                counts["new"] += 1
        absent = [sha for sha in old if sha not in input_shas and sha not in replaced]
        options = {
            "model": model,
            "base": base,
            "min_confidence": min_confidence,
            "entity_rules": str(Path(entity_rules).resolve()) if entity_rules else None,
            "relation_rules": str(Path(relation_rules).resolve()) if relation_rules else None,
        }
        kept: list[Document] = []
        if not prune and state is not None:
            old_cache = ExtractionCache(root / "cache", "")
            kept = [_stored_document(state, old[sha], old_cache) for sha in absent]
        docs = unique_documents([*inputs, *kept])
        result, parsed = _commit(
            root, state, docs, errors, options, jobs=jobs, progress=progress, started=started,
            scout=scout, llm=llm,
        )
    report = result.report
    report.documents_read = len(inputs)
    report.new, report.changed, report.unchanged = (
        counts["new"], counts["changed"], counts["unchanged"]
    )
    report.removed = len(absent) if prune else 0
    report.kept = len(kept)
    report.extracted = parsed
    report.store = str(root)
    report.files = mark_duplicates(found.files)
    return result


def _select(state: StoreState, selectors: Sequence[str]) -> list[StoredDocument]:
    """The stored documents named by source or by a sha256 prefix (at least 6 hex digits)."""
    import difflib

    chosen: dict[str, StoredDocument] = {}
    for selector in selectors:
        by_source = [d for d in state.documents if d.source == selector]
        by_hash = (
            [d for d in state.documents if d.sha256.startswith(selector.lower())]
            if re.fullmatch(r"[0-9a-fA-F]{6,64}", selector)
            else []
        )
        matches = by_source or by_hash
        if len(matches) > 1:
            raise UsageError(
                f"{selector!r} matches {len(matches)} documents; give more of the hash"
            )
        if not matches:
            close = difflib.get_close_matches(selector, [d.source for d in state.documents], n=3)
            hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            raise UsageError(f"{state.root}: no document {selector!r} in the store{hint}")
        chosen[matches[0].sha256] = matches[0]
    return sorted(chosen.values(), key=lambda d: (d.source, d.sha256))


def remove_documents(
    store: Path, selectors: Sequence[str], *, jobs: int = 1, progress: bool = False
) -> RemoveResult:
    """Drop documents (by source, or sha256 prefix) from the store and re-resolve the rest."""
    from kg.build import unique_documents

    started = time.perf_counter()
    root = Path(store)
    if not selectors:
        raise UsageError("name at least one document to remove (its source or sha256 prefix)")
    state = read_state(root)
    with _locked(root):
        state = read_state(root)
        _clean_leftovers(root, state.generation)
        removed = _select(state, selectors)
        gone = {d.sha256 for d in removed}
        any_cache = ExtractionCache(root / "cache", "")
        docs = unique_documents(
            _stored_document(state, d, any_cache) for d in state.documents if d.sha256 not in gone
        )
        options = {k: v for k, v in state.options.items() if k not in ("extractor", "emitter")}
        result, parsed = _commit(
            root, state, docs, (), options, jobs=jobs, progress=progress, started=started
        )
    report: BuildReport = result.report
    report.documents_read = 0
    report.unchanged = len(docs)
    report.removed = len(removed)
    report.extracted = parsed
    report.store = str(root)
    return RemoveResult(removed, result)
