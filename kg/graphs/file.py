"""A graph file as a graph source: parsed by Oxigraph into an in-memory store.

:class:`FileSource` reads Turtle, N-Triples, N3, TriG, N-Quads, JSON-LD and RDF/XML, guessing
the format from the file suffix, with pyoxigraph; every read command then runs on Oxigraph.
``load_graph`` reads the same files into an rdflib Graph instead, for those who ask for one.
Either way a malformed file raises ``GraphParseError`` whose message names the file, line and
column; nothing is fetched from the network (a JSON-LD file that points at a remote
``@context`` is refused) and RDF/XML whose entities expand far beyond its size is refused
before any parser builds the text.

>>> import tempfile
>>> from pathlib import Path
>>> folder = Path(tempfile.mkdtemp())
>>> good = folder / "good.ttl"
>>> _ = good.write_text('@prefix kgo: <https://w3id.org/kg/ontology#> .\\n'
...                     '<https://w3id.org/kg/id/entity/seoul> a kgo:City .\\n')
>>> FileSource(good).query("SELECT ?c { ?c a kgo:City }").rows[0][0]
rdflib.term.URIRef('https://w3id.org/kg/id/entity/seoul')
>>> bad = folder / "bad.ttl"
>>> _ = bad.write_text('<https://w3id.org/kg/id/entity/seoul> a <urn:City>\\n'
...                    '<https://w3id.org/kg/id/entity/busan> a <urn:City> .\\n')
>>> FileSource(bad)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
kg.errors.GraphParseError: .../bad.ttl, line 2, column 1: A dot is expected at the end of statements
>>> graph = load_graph(good)
>>> len(graph), str(dict(graph.namespaces())["kgr"])
(1, 'https://w3id.org/kg/id/')
>>> bad = folder / "bad.ttl"
>>> _ = bad.write_text('@prefix kgo: <https://w3id.org/kg/ontology#> .\\n'
...                    '<https://w3id.org/kg/id/entity/seoul> a kgo:City\\n'
...                    '<https://w3id.org/kg/id/entity/busan> a kgo:City .\\n')
>>> load_graph(bad)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
kg.errors.GraphParseError: .../bad.ttl, line 3, column 1: expected '.' or '}' or ']' at end ...
"""

from __future__ import annotations

import io
import json
import re
import warnings
import xml.sax
import xml.sax.handler
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from xml.sax import SAXParseException

import pyoxigraph as ox
from rdflib import Dataset, Graph
from rdflib.exceptions import ParserError
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.plugins.parsers.nquads import NQuadsParser
from rdflib.plugins.parsers.ntriples import NTGraphSink, W3CNTriplesParser
from rdflib.util import guess_format

from kg.errors import GraphParseError, InputError, ReadError, UsageError
from kg.graphs.oxigraph import OxigraphSource
from kg.sparql.prefixes import bind_prefixes, query_namespaces

#: rdflib format names that ``load_graph`` reads (others rdflib guesses, like RDFa, it cannot).
READABLE_FORMATS: frozenset[str] = frozenset(
    {"turtle", "nt", "n3", "trig", "nquads", "json-ld", "xml"}
)
_DATASET_FORMATS = frozenset({"trig", "nquads"})
_N3_FAMILY = frozenset({"turtle", "n3", "trig"})
_LINE_FORMATS = frozenset({"nt", "nquads"})
_SUFFIXES = ".ttl, .nt, .n3, .trig, .nq, .jsonld, .json, .rdf, .owl, .xml"


def graph_format(path: Path) -> str:
    """The rdflib format name for a graph file, guessed from its suffix.

    >>> graph_format(Path("out/graph.jsonld")), graph_format(Path("onto.OWL"))
    ('json-ld', 'xml')
    >>> graph_format(Path("table.csv"))
    Traceback (most recent call last):
    ...
    kg.errors.UsageError: table.csv: unknown graph file suffix '.csv' (use one of .ttl, .nt, .n3, .trig, .nq, .jsonld, .json, .rdf, .owl, .xml)
    """  # noqa: E501
    fmt = guess_format(path.name)
    if fmt not in READABLE_FORMATS:
        suffix = path.suffix or "(none)"
        raise UsageError(
            f"{path}: unknown graph file suffix {suffix!r} (use one of {_SUFFIXES})"
        )
    return fmt


def read_file(path: Path) -> tuple[str, bytes]:
    """The rdflib format name and the bytes of the graph file at ``path``.

    Raises ``UsageError`` (unknown suffix), ``InputError`` (missing file) or ``ReadError``.
    """
    path = Path(path)
    fmt = graph_format(path)
    if not path.exists():
        raise InputError(f"{path}: no such graph file")
    if not path.is_file():
        raise InputError(f"{path}: not a file")
    try:
        return fmt, path.read_bytes()
    except OSError as err:
        raise ReadError(str(path), err.strerror or str(err)) from None


def load_graph(path: Path) -> Graph:
    """Read the graph file at ``path`` into a new in-memory Graph with kg's prefixes bound.

    Named graphs of TriG and N-Quads files are merged into the one returned graph.
    Raises ``UsageError`` (missing file, unknown suffix), ``ReadError`` (unreadable file) or
    ``GraphParseError`` (malformed content, with line and column where the parser gives one).
    """
    path = Path(path)
    fmt, data = read_file(path)
    graph = Graph(bind_namespaces="core")
    _parse_into(graph, data, fmt, path)
    return bind_prefixes(graph)


def _parse_into(graph: Graph, data: bytes, fmt: str, path: Path) -> None:
    """Parse ``data`` into ``graph``, turning every parser failure into a GraphParseError."""
    public_id = path.resolve().as_uri()
    source: str | bytes = data  # RDF/XML declares its own encoding
    if fmt == "xml":
        _check_expansion(data, path)
    if fmt != "xml":
        source = _decode(data, path)
        if fmt == "json-ld":
            _check_json(source, path)
    try:
        with warnings.catch_warnings():  # rdflib's parsers use its own deprecated classes
            warnings.simplefilter("ignore", DeprecationWarning)
            _parse(graph, source, fmt, public_id)
    except BadSyntax as err:
        raise _bad_syntax_error(err, path) from None
    except SAXParseException as err:
        line, column = err.getLineNumber() or 1, (err.getColumnNumber() or 0) + 1
        raise _located(path, line, column, err.getMessage()) from None
    except ParserError as err:
        raise _parser_error(err, source, fmt, path) from None
    except Exception as err:  # any other parser failure: still no traceback for the user
        raise GraphParseError(f"{path}: cannot parse as {fmt}: {_describe(err)}") from None


class _TextBudget(xml.sax.handler.ContentHandler):
    """Counts the text an XML document expands to; stops once it passes the budget."""

    def __init__(self, budget: int) -> None:
        super().__init__()
        self.left = budget

    def characters(self, content: str) -> None:
        self.left -= len(content)
        if self.left < 0:
            raise _ExpansionError


class _ExpansionError(Exception):
    pass


def _check_expansion(data: bytes, path: Path) -> None:
    """Refuse RDF/XML whose entities expand to far more text than the file holds.

    rdflib joins such text piece by piece in quadratic time, so a "billion laughs" file of a
    few hundred bytes would hang ``kg query``; expat's own limit stops only the worst cases.
    """
    parser = xml.sax.make_parser()
    for feature in (xml.sax.handler.feature_external_ges, xml.sax.handler.feature_external_pes):
        parser.setFeature(feature, False)
    parser.setContentHandler(_TextBudget(4 * len(data) + 65536))
    try:
        parser.parse(io.BytesIO(data))
    except _ExpansionError:
        raise GraphParseError(
            f"{path}: the XML entities expand to far more text than the file holds; "
            "kg refuses it (an entity expansion attack?)"
        ) from None
    except SAXParseException as err:
        line, column = err.getLineNumber() or 1, (err.getColumnNumber() or 0) + 1
        raise _located(path, line, column, err.getMessage()) from None


def _parse(graph: Graph, source: str | bytes, fmt: str, public_id: str) -> None:
    # bytes go in as a stream: ``data=bytes`` would be decoded as UTF-8 whatever XML declares
    stream = {"source": io.BytesIO(source)} if isinstance(source, bytes) else {"data": source}
    if fmt not in _DATASET_FORMATS:
        graph.parse(**stream, format=fmt, publicID=public_id)
        return
    dataset = Dataset()
    dataset.parse(**stream, format=fmt, publicID=public_id)
    for subject, predicate, obj, _ in dataset.quads((None, None, None, None)):
        graph.add((subject, predicate, obj))
    for prefix, namespace in dataset.namespaces():
        graph.bind(prefix, namespace, override=False)


def _decode(data: bytes, path: Path) -> str:
    """Decode UTF-8 (the only encoding of Turtle, N-Triples and JSON-LD), BOM allowed."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        text = data[: err.start].decode("utf-8", errors="replace")
        line, column = _position(text, len(text))
        raise _located(path, line, column, "not valid UTF-8 text") from None


def _check_json(text: str, path: Path) -> None:
    """Reject malformed JSON with its position, and remote contexts (kg never downloads)."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as err:
        raise _located(path, err.lineno, err.colno, err.msg) from None
    for url in _remote_contexts(document):
        raise GraphParseError(
            f"{path}: the JSON-LD @context refers to {url!r}; kg works offline and does not "
            "fetch remote contexts: inline the context in the file"
        )


def _remote_contexts(node: Any) -> Iterator[str]:
    """Every string-valued ``@context`` or ``@import`` found anywhere in a JSON document.

    >>> list(_remote_contexts({"@context": ["https://schema.org/", {"a": "b"}], "x": [1]}))
    ['https://schema.org/']
    """
    if isinstance(node, list):
        for item in node:
            yield from _remote_contexts(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in ("@context", "@import"):
                items = value if isinstance(value, list) else [value]
                yield from (item for item in items if isinstance(item, str))
            yield from _remote_contexts(value)


def _position(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of character ``offset`` in ``text``.

    >>> _position("ab\\ncd", 4)
    (2, 2)
    """
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def _located(path: Path, line: int, column: int, reason: str) -> GraphParseError:
    return GraphParseError(f"{path}, line {line}, column {column}: {reason}")


def _bad_syntax_error(err: BadSyntax, path: Path) -> GraphParseError:
    """Locate a Turtle/N3/TriG error from the character offset the parser kept."""
    raw = getattr(err, "_str", b"")
    offset = getattr(err, "_i", None)
    reason = str(getattr(err, "_why", "bad syntax"))
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else str(raw)
    if not isinstance(offset, int):
        return GraphParseError(f"{path}, line {err.lines + 1}: {reason}")
    if offset < 0 or offset > len(text):  # the parser ran out of input
        offset = len(text.rstrip())
    while offset < len(text) and text[offset] in " \t":  # point at the token, not the blank
        offset += 1
    line, column = _position(text, offset)
    return _located(path, line, column, reason)


_LOCATOR = re.compile(r":(\d+):(\d+): (.*)$", re.DOTALL)


def _parser_error(
    err: ParserError, source: str | bytes, fmt: str, path: Path
) -> GraphParseError:
    """Locate an rdflib ParserError: RDF/XML puts ``:line:col:`` in it, line formats do not."""
    message = str(err.msg if hasattr(err, "msg") else err)
    if fmt == "xml":
        match = _LOCATOR.search(message)
        if match:
            line, column, reason = int(match[1]), int(match[2]) + 1, match[3]
            return _located(path, line, column, reason)
    if fmt in _LINE_FORMATS and isinstance(source, str):
        located = _locate_line_error(source, fmt, path)
        if located is not None:
            return located
    return GraphParseError(f"{path}: {message}")


def _locate_line_error(text: str, fmt: str, path: Path) -> GraphParseError | None:
    """Re-parse an N-Triples/N-Quads text line by line to find the first bad line."""
    new_parser: Callable[[], W3CNTriplesParser] = (
        _nquads_line_parser if fmt == "nquads" else _ntriples_line_parser
    )
    for number, line in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        parser = new_parser()
        parser.line = line
        try:
            parser.parseline()
        except ParserError as err:
            rest = parser.line or ""
            column = len(line) - len(rest) + 1
            return _located(path, number, column, _line_reason(str(err.msg), rest))
    return None


def _ntriples_line_parser() -> W3CNTriplesParser:
    return W3CNTriplesParser(NTGraphSink(Graph()))


def _nquads_line_parser() -> W3CNTriplesParser:
    parser = NQuadsParser()
    parser.sink = Dataset()
    return parser


def _line_reason(reason: str, rest: str) -> str:
    """Say what went wrong on an N-Triples line in words rather than in regular expressions.

    >>> _line_reason("Failed to eat [ \\\\t]*\\\\.", "")
    "unexpected end of line (a triple ends with ' .')"
    >>> _line_reason("Failed to eat [ \\\\t]*\\\\.", "foo .")
    "unexpected 'foo .'"
    """
    if not rest.strip():
        return "unexpected end of line (a triple ends with ' .')"
    if reason.startswith("Failed to eat") or reason.startswith("Trailing garbage"):
        return f"unexpected {rest[:30]!r}"
    return reason


def _describe(err: Exception) -> str:
    text = str(err).strip()
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


# --- Oxigraph ----------------------------------------------------------------------------------

_OX_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "n3": ox.RdfFormat.N3,
    "trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS,
    "json-ld": ox.RdfFormat.JSON_LD, "xml": ox.RdfFormat.RDF_XML,
}
_TURTLE_PREFIX = re.compile(
    rb"^[ \t]*(?:@prefix|PREFIX)[ \t]+([A-Za-z][\w.-]*)?:[ \t]*<([^>\s]*)>", re.MULTILINE
)
_XML_PREFIX = re.compile(rb"xmlns:([A-Za-z][\w.-]*)=[\"']([^\"']*)[\"']")
_OX_POSITION = re.compile(r"^Parser error (?:at|between) line[^:]*: ", re.DOTALL)


class FileSource(OxigraphSource):
    """A graph file, parsed by Oxigraph into an in-memory store (see the module doc)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        fmt, data = read_file(self.path)
        store = read_into_store(data, fmt, self.path)
        super().__init__(store, file_namespaces(data, fmt), name=self.path.name)


def read_into_store(data: bytes, fmt: str, path: Path) -> ox.Store:
    """Check and parse a graph file's ``data`` into a new in-memory Oxigraph store.

    The checks are those of ``load_graph``: UTF-8 text (BOM allowed), JSON that refers to no
    remote context, XML whose entities stay within a budget; a syntax error becomes a
    ``GraphParseError`` with the file, line and column.
    """
    if fmt == "xml":
        _check_expansion(data, path)
        data = _xml_as_utf8(data, path)
    else:
        text = _decode(data, path)
        if fmt == "json-ld":
            _check_json(text, path)
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
    store = ox.Store()
    try:
        store.bulk_load(data, _OX_FORMATS[fmt], base_iri=path.resolve().as_uri())
    except SyntaxError as err:
        raise _oxigraph_error(err, fmt, path) from None
    except Exception as err:  # any other parser failure: still no traceback for the user
        raise GraphParseError(f"{path}: cannot parse as {fmt}: {_describe(err)}") from None
    return store


_XML_ENCODING = re.compile(rb"""^(<\?xml[^>]*?encoding\s*=\s*["'])([^"']+)(["'])""")


def _xml_as_utf8(data: bytes, path: Path) -> bytes:
    """RDF/XML in the encoding it declares (or UTF-16 by its BOM), re-encoded as UTF-8, the
    only one Oxigraph reads.

    >>> _xml_as_utf8(b'<?xml version="1.0" encoding="ISO-8859-1"?><a>\\xe9</a>', Path("x.rdf"))
    b'<?xml version="1.0" encoding="UTF-8"?><a>\\xc3\\xa9</a>'
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        data = _XML_ENCODING.sub(rb"\1UTF-8\3", data.decode("utf-16").encode("utf-8"))
    match = _XML_ENCODING.match(data)
    if match is None or match[2].decode("ascii", "replace").lower().replace("_", "-") in (
        "utf-8", "utf8"
    ):
        return data
    try:
        text = data.decode(match[2].decode("ascii", "replace"))
    except (LookupError, UnicodeDecodeError) as err:
        raise GraphParseError(f"{path}: cannot read the XML in its declared encoding: {err}"
                              ) from None
    return _XML_ENCODING.sub(rb"\1UTF-8\3", text.encode("utf-8"), count=1)


def _oxigraph_error(err: SyntaxError, fmt: str, path: Path) -> GraphParseError:
    """A pyoxigraph SyntaxError as "FILE, line L, column C: reason" where it has a position.

    >>> error = SyntaxError("Parser error at line 3 between columns 1 and 5: A dot is expected",
    ...                     (None, 3, 1, None, 3, 5))
    >>> str(_oxigraph_error(error, "turtle", Path("g.ttl")))
    'g.ttl, line 3, column 1: A dot is expected'
    """
    reason = _OX_POSITION.sub("", str(err.msg or err)).strip() or "bad syntax"
    if err.lineno:
        return _located(path, err.lineno, err.offset or 1, reason)
    return GraphParseError(f"{path}: cannot parse as {fmt}: {reason}")


def file_namespaces(data: bytes, fmt: str) -> dict[str, str]:
    """The prefixes a query on a graph file may use: the file's own and kg's (as
    ``kg.sparql.prefixes.query_namespaces`` merges them for an rdflib Graph read from the file).

    >>> file_namespaces(b"@prefix kgr: <https://example.org/> .", "turtle")["kgr"]
    'https://example.org/'
    """
    declared = _TURTLE_PREFIX if fmt in _N3_FAMILY else _XML_PREFIX if fmt == "xml" else None
    graph = Graph(bind_namespaces="core")
    if declared is not None:
        for match in declared.finditer(data):
            prefix = (match[1] or b"").decode("utf-8", errors="replace")
            graph.bind(prefix, match[2].decode("utf-8", errors="replace"))
    return query_namespaces(bind_prefixes(graph))
