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
import os
import re
import shutil
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Unpack

import pyoxigraph as ox
from rdflib import URIRef

from kg.cache import ExtractionCache, extractor_version, write_json_atomic
from kg.errors import ReadError, StoreError, UsageError
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
from kg.ingest import InputFile, read_inputs
from kg.model import Document

if TYPE_CHECKING:
    from kg.build import BuildChanges, BuildOptions, BuildReport, BuildResult
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
    from kg.sparql.oxigraph import from_rdflib  # the SPARQL layer: imported once a build writes

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
    whose facts changed, and the entities graph, are replaced. When the live generation
    already holds exactly this build, nothing is written.
    """
    if state is not None and _holds(state, emitter, documents, options):
        database = open_store(root)
        try:
            return len(database)
        finally:
            del database
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


def _holds(
    state: StoreState, emitter: Emitter, documents: Sequence[Document], options: dict[str, Any]
) -> bool:
    """Whether the live generation holds this build already: the same options and code, the
    same documents (names too), every document graph with the same fingerprint, and the
    same entities graph."""
    if state.options != options or state.graphs != {
        d.sha256: emitter.fingerprint(d) for d in documents
    }:
        return False
    listed = [StoredDocument(d.sha256, d.source, d.title, d.format) for d in documents]
    if state.documents != listed:
        return False
    entities = emitter.parts(only=[])[emitter.entities_graph]
    database = open_store(state.root)
    try:
        graph = ox.NamedNode(str(emitter.entities_graph))
        old = set(database.quads_for_pattern(None, None, None, graph))
    finally:
        del database
    return old == set(_quads({emitter.entities_graph: entities}))


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


def _stored_document(state: StoreState, stored: StoredDocument, cache: ExtractionCache) -> Document:
    """A document of the store that is not in this build's input, from the cached text."""
    doc = cache.any_document(stored.sha256)
    if doc is None:
        raise StoreError(
            f"{state.root}: the cached text of {stored.source} ({stored.sha256[:16]}) is missing; "
            f"give the document again or remove it with kg remove {stored.source}"
        )
    return replace(doc, source=stored.source, title=stored.title, format=stored.format)


def _manifest_options(options: BuildOptions) -> dict[str, Any]:
    """The options a store's manifest keeps (rule files by absolute path)."""
    return {
        "model": options.model,
        "base": options.base,
        "min_confidence": options.min_confidence,
        "entity_rules": str(Path(options.entity_rules).resolve()) if options.entity_rules else None,
        "relation_rules": (
            str(Path(options.relation_rules).resolve()) if options.relation_rules else None
        ),
    }


def _commit(
    root: Path,
    state: StoreState | None,
    docs: list[Document],
    options: BuildOptions,
    *,
    errors: Sequence[ReadError] = (),
    files: Sequence[InputFile] = (),
    scout: ProcessPoolExecutor | None = None,
) -> BuildResult:
    """Run the build path (``kg.build.build_documents``) over ``docs`` with the store's cache
    of extractions, and write its result as a new generation."""
    from kg.build import build_documents
    from kg.rdf import emitter_version

    manifest = _manifest_options(options)
    entity_rules, relation_rules = (
        Path(manifest[key]) if manifest[key] else None for key in ("entity_rules", "relation_rules")
    )
    options = options.with_changes(entity_rules=entity_rules, relation_rules=relation_rules)
    version = extractor_version(
        options.model, entity_rules=entity_rules, relation_rules=relation_rules
    )
    manifest = {**manifest, "extractor": version, "emitter": emitter_version()}
    if options.llm is not None:  # the model's answers are kept in the store (kg.llm.cache)
        from kg.llm.run import cache_folder

        options = options.with_changes(
            llm=replace(options.llm, cache=cache_folder(options.llm, root))
        )
    cache = ExtractionCache(root / "cache", version)

    def write(result: BuildResult) -> int:
        return _write_generation(root, state, result.emitter(), result.documents, manifest)

    result = build_documents(
        docs, options, errors=errors, files=files, cache=cache, pool=scout, write=write
    )
    cache.prune({d.sha256 for d in docs})
    return result


def build_store(
    paths: Sequence[Path] | None,
    store: Path,
    options: BuildOptions | None = None,
    *,
    prune: bool = False,
    **changes: Unpack[BuildChanges],
) -> BuildResult:
    """Build documents into the store at ``store``, parsing only new and changed ones.

    ``options`` (or its fields as keywords, see ``kg.build.BuildOptions``) say how, as for a
    file build. A document whose source is in the store with other content replaces it
    (``changed``). Documents in the store but not in ``paths`` stay, unless ``prune``
    removes them.
    """
    from kg.build import BuildOptions, sample_path
    from kg.parallel import start_worker, stop_worker

    started = time.perf_counter()
    opts = (options or BuildOptions()).with_changes(**changes)
    root = Path(store)
    scout = None
    if opts.jobs > 1 and is_store(root):  # a re-build: a worker loads the model meanwhile
        from kg.nlp.lexicon import load_lexicon

        saved = _manifest_options(opts)  # the rule files by absolute path, as the build has them
        entity_rules, relation_rules = (
            Path(saved[key]) if saved[key] else None for key in ("entity_rules", "relation_rules")
        )
        # the worker's rules and this process's resolution both need the lexicon: loaded once,
        # here, and the forked worker has it too
        load_lexicon(entity_rules)
        scout = start_worker(opts.model, entity_rules=entity_rules, relation_rules=relation_rules)
        # what writing the store needs (the SPARQL layer's term conversion, rdflib's query
        # parser with it) is imported now, while the worker loads the model, not after it
        import kg.sparql.oxigraph  # noqa: F401
    try:
        result = _build_into(
            root, list(paths) if paths else [sample_path()], opts, prune=prune, scout=scout
        )
    finally:
        if scout is not None:
            stop_worker(scout)
    result.report.seconds = time.perf_counter() - started
    return result


def _build_into(
    root: Path,
    chosen: list[Path],
    options: BuildOptions,
    *,
    prune: bool,
    scout: ProcessPoolExecutor | None,
) -> BuildResult:
    from kg.build import unique_documents

    found = read_inputs(chosen)
    inputs = unique_documents(found.documents)
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
        kept: list[Document] = []
        if not prune and state is not None:
            old_cache = ExtractionCache(root / "cache", "")
            kept = [_stored_document(state, old[sha], old_cache) for sha in absent]
        docs = unique_documents([*inputs, *kept])
        result = _commit(
            root, state, docs, options, errors=found.errors, files=found.files, scout=scout
        )
    report = result.report
    report.documents_read = len(inputs)
    report.new, report.changed, report.unchanged = (
        counts["new"], counts["changed"], counts["unchanged"]
    )
    report.removed = len(absent) if prune else 0
    report.kept = len(kept)
    report.store = str(root)
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
    """Drop documents (by source, or sha256 prefix) from the store and re-resolve the rest.

    The rest is built again with the options the store was built with.
    """
    from kg.build import BuildOptions, unique_documents

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
        saved = state.options
        options = BuildOptions(
            model=saved["model"],
            base=saved["base"],
            min_confidence=saved["min_confidence"],
            entity_rules=Path(saved["entity_rules"]) if saved.get("entity_rules") else None,
            relation_rules=Path(saved["relation_rules"]) if saved.get("relation_rules") else None,
            jobs=jobs,
            progress=progress,
        )
        result = _commit(root, state, docs, options)
    report: BuildReport = result.report
    report.documents_read = 0
    report.unchanged = len(docs)
    report.removed = len(removed)
    report.store = str(root)
    report.seconds = time.perf_counter() - started
    return RemoveResult(removed, result)
