"""Property tests over the whole path: arbitrary text and file names in, valid RDF out.

Hypothesis runs derandomised (the same examples on every run, so CI is reproducible) and with a
bounded number of examples; ``HYPOTHESIS_PROFILE=deep`` runs many more locally. The spaCy
model loads once per process (``kg.nlp.pipeline.load_pipeline`` is cached), so an example
costs milliseconds.

What each example must satisfy (``check_graph``):

- the build does not crash (a text with nothing readable is a ``ReadError``, never a traceback);
- the Turtle it writes parses in rdflib and in Oxigraph, to the same triples;
- parsing and re-serialising gives an isomorphic graph;
- every IRI is a valid absolute IRI (RFC 3987, checked by ``is_iri`` below);
- every literal round-trips exactly: labels, alternative labels, sentences, titles, sources.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDFS, SKOS

from kg.build import BuildResult, build, build_texts
from kg.errors import ReadError
from kg.export import serialize
from kg.ingest.discovery import printable_name
from kg.rdf import Minter
from kg.vocab import DEFAULT_BASE, KGO

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("deep", parent=settings.get_profile("ci"), derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

DEEP = os.environ.get("HYPOTHESIS_PROFILE") == "deep"
TEXT_EXAMPLES = 400 if DEEP else 60
FILE_EXAMPLES = 100 if DEEP else 15

# --- RFC 3987: a strict checker for absolute IRIs ------------------------------------------------

_UCS = (
    "\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef"
    "\U00010000-\U0001fffd\U00020000-\U0002fffd\U00030000-\U0003fffd"
    "\U00040000-\U0004fffd\U00050000-\U0005fffd\U00060000-\U0006fffd"
    "\U00070000-\U0007fffd\U00080000-\U0008fffd\U00090000-\U0009fffd"
    "\U000a0000-\U000afffd\U000b0000-\U000bfffd\U000c0000-\U000cfffd"
    "\U000d0000-\U000dfffd\U000e1000-\U000efffd"
)
_PRIVATE = "\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd"
_UNRESERVED = rf"A-Za-z0-9\-._~{_UCS}"
_SUB_DELIMS = r"!$&'()*+,;="
_PCT = r"%[0-9A-Fa-f]{2}"
_IPCHAR = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}:@]|{_PCT})"
_SEGMENT = rf"{_IPCHAR}*"
_REG_NAME = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}]|{_PCT})*"
_USERINFO = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}:]|{_PCT})*"
_AUTHORITY = rf"(?:{_USERINFO}@)?{_REG_NAME}(?::[0-9]*)?"
_HIER = (
    rf"(?://{_AUTHORITY}(?:/{_SEGMENT})*"  # "//" iauthority ipath-abempty
    rf"|/(?:{_IPCHAR}+(?:/{_SEGMENT})*)?"  # ipath-absolute
    rf"|{_IPCHAR}+(?:/{_SEGMENT})*"  # ipath-rootless
    r"|)"  # ipath-empty
)
_IRI = re.compile(
    rf"[A-Za-z][A-Za-z0-9+\-.]*:{_HIER}"
    rf"(?:\?(?:{_IPCHAR}|[{_PRIVATE}/?])*)?"
    rf"(?:#(?:{_IPCHAR}|[/?])*)?"
)


def is_iri(text: str) -> bool:
    """Whether ``text`` is an absolute IRI by RFC 3987 (IP-literal hosts aside).

    >>> is_iri("https://w3id.org/kg/id/entity/seoul"), is_iri("https://x/a b")
    (True, False)
    """
    return _IRI.fullmatch(text) is not None


def test_the_iri_checker_accepts_and_refuses() -> None:
    good = [
        "https://w3id.org/kg/id/entity/e-0123abcd",
        "https://w3id.org/kg/ontology#Country",
        "http://example.org/caf\u00e9?q=1#x",
        "urn:isbn:0451450523",
        "http://user@host:8080/p/%C3%A9",
    ]
    bad = [
        "no-scheme",
        "https://x/a b",
        "https://x/<a>",
        'https://x/"q"',
        "https://x/{a}",
        "https://x/a|b",
        "https://x/a\\b",
        "https://x/a^b",
        "https://x/a`b",
        "https://x/%zz",
        "https://x/\u0001",
        "https://x/\ufffe",
        "1http://x/",
    ]
    assert all(is_iri(iri) for iri in good)
    assert not any(is_iri(iri) for iri in bad)


# --- strategies --------------------------------------------------------------------------------

HOSTILE = '<>"{}|\\^`' + "\x00\x01\x07\x1b\x7f\x85\u200e\u200f\u202e\u2066\u2028\u2029\ufeff\ufffe"
NAMES = ["Samsung", "Nokia", "Korea", "United States", "Seoul", "Vietnam", "Toyota", "NATO"]
VERBS = ["invested in", "signed", "trades with", "competes with", "is based in", "borders"]


def _name_like() -> st.SearchStrategy[str]:
    """Capitalised words with hostile characters inside, so NER may take them as names."""
    word = st.text(
        alphabet=st.one_of(st.sampled_from(HOSTILE), st.characters(codec="utf-8")),
        min_size=1,
        max_size=8,
    )
    return st.builds(lambda w, n: f"{n}{w}", word, st.sampled_from(NAMES + ["Acme", "Zeta"]))


_PIECE = st.one_of(
    st.sampled_from(NAMES),
    st.sampled_from(VERBS),
    _name_like(),
    st.sampled_from(["in 1953", "and", ".", "\n", "\n\n", "the", "Corp.", "Inc."]),
    st.text(alphabet=st.sampled_from(HOSTILE + "😀👩‍🚀🇰🇷 ab\u0301"), max_size=6),
    st.text(min_size=1, max_size=12),  # any code point, lone surrogates included
    st.builds(lambda c, n: c * n, st.sampled_from("xA9-<😀"), st.integers(200, 3000)),
)
TEXTS = st.lists(_PIECE, min_size=1, max_size=25).map(" ".join)
TITLES = st.text(min_size=1, max_size=40).map(lambda t: t + ".txt")


# --- the checks --------------------------------------------------------------------------------


def check_graph(result: BuildResult) -> Graph:
    """Assert every promise of the module docstring about one build; return the parsed graph."""
    graph = result.graph
    turtle = serialize(graph, "turtle")
    parsed = Graph().parse(data=turtle, format="turtle")
    assert isomorphic(parsed, graph), "rdflib does not read back the graph it wrote"
    again = Graph().parse(data=serialize(parsed, "turtle"), format="turtle")
    assert isomorphic(again, graph), "re-serialising changed the graph"
    from_oxigraph = list(ox.parse(turtle, ox.RdfFormat.TURTLE))
    assert len(from_oxigraph) == len(graph)
    nt = ox.serialize(from_oxigraph, format=ox.RdfFormat.N_TRIPLES)
    assert isomorphic(Graph().parse(data=nt, format="nt"), graph), "Oxigraph reads another graph"
    for triple in graph:
        for term in triple:
            if isinstance(term, URIRef):
                assert is_iri(str(term)), f"not an IRI: {str(term)!r}"
    _check_literals(result, parsed)
    return parsed


def _one(graph: Graph, subject: URIRef, predicate: URIRef) -> str:
    values = list(graph.objects(subject, predicate))
    assert len(values) == 1, (subject, predicate, values)
    assert isinstance(values[0], Literal)
    return str(values[0])


def _check_literals(result: BuildResult, parsed: Graph) -> None:
    mint = Minter(DEFAULT_BASE, result.resolution.entities.values())
    for doc in result.documents:
        node = mint.document(doc.sha256)
        assert _one(parsed, node, DCTERMS.title) == doc.title
        assert _one(parsed, node, DCTERMS.source) == doc.source
    by_sha = {doc.sha256: doc for doc in result.documents}
    for sentence in parsed.subjects(KGO.inDocument, None):
        text = _one(parsed, sentence, KGO.text)  # type: ignore[arg-type]
        start = int(_one(parsed, sentence, KGO.charStart))  # type: ignore[arg-type]
        end = int(_one(parsed, sentence, KGO.charEnd))  # type: ignore[arg-type]
        sha = str(sentence).rsplit("/", 1)[1].split("-")[0]
        [doc] = [d for s, d in by_sha.items() if s.startswith(sha)]
        assert text == doc.text[start:end]
    for key, entity in result.resolution.entities.items():
        node = mint.entity[key]
        assert _one(parsed, node, RDFS.label) == entity.label
        assert sorted(str(a) for a in parsed.objects(node, SKOS.altLabel)) == sorted(
            entity.aliases
        )


def _build_text(name: str, text: str) -> BuildResult | None:
    try:
        return build_texts([(name, text)], jobs=1)
    except ReadError as err:  # nothing readable in it: a clear error, not a crash
        assert err.reason.startswith("the file"), err.reason
        return None


# --- properties ----------------------------------------------------------------------------------


@settings(max_examples=TEXT_EXAMPLES)
@given(text=TEXTS)
def test_any_text_builds_into_valid_rdf(text: str) -> None:
    result = _build_text("fuzz.txt", text)
    assume(result is not None)
    assert result is not None
    check_graph(result)


@settings(max_examples=TEXT_EXAMPLES // 2)
@given(name=TITLES, text=TEXTS)
def test_any_source_name_round_trips(name: str, text: str) -> None:
    result = _build_text(name, "Samsung invested in Vietnam. " + text)
    assume(result is not None)  # a NUL makes any text binary: a ReadError, tested above
    assert result is not None
    [doc] = result.documents
    assert doc.source == printable_name(name)
    assert doc.source.encode("utf-8")  # always encodable: no lone surrogates left
    check_graph(result)


def test_lone_surrogates_are_escaped_not_fatal() -> None:
    result = build_texts([("a\udce9\ud800.txt", "Nokia invested in Portugal.\ud800 Fine.")])
    [doc] = result.documents
    assert doc.source == "a\\udce9\\ud800.txt"
    assert "\\ud800" in doc.text
    check_graph(result)
    serialize(result.graph, "html").decode("utf-8")  # the viewer too


_FILE_NAME = st.text(
    alphabet=st.one_of(st.sampled_from(HOSTILE.replace("\x00", "") + " 😀é"),
                       st.characters(codec="utf-8", exclude_characters="/\x00")),
    min_size=1,
    max_size=30,
).filter(lambda n: n not in (".", "..") and len(n.encode("utf-8")) < 200)


@settings(max_examples=FILE_EXAMPLES, suppress_health_check=list(HealthCheck))
@given(
    files=st.lists(
        st.tuples(_FILE_NAME, st.sampled_from([".txt", ".md", ".html", ".TXT", ".xlsx"]), TEXTS),
        min_size=1,
        max_size=4,
        unique_by=lambda f: (f[0] + f[1]).lower(),
    ),
    raw_name=st.binary(min_size=1, max_size=6).filter(lambda b: b"/" not in b and b"\0" not in b),
)
def test_files_with_odd_names_and_contents_build(
    tmp_path_factory: pytest.TempPathFactory,
    files: list[tuple[str, str, str]],
    raw_name: bytes,
) -> None:
    folder = tmp_path_factory.mktemp("fuzz") / "corpus"
    folder.mkdir()
    for index, (stem, suffix, text) in enumerate(files):  # distinct texts: no duplicates
        body = f"File {index} says: {text}"
        (folder / f"{stem}{suffix}").write_text(body, encoding="utf-8", errors="surrogatepass")
    # a name that is not UTF-8 at all, as Linux allows
    odd = os.path.join(os.fsencode(folder), b"x" + raw_name + b".txt")
    with open(odd, "wb") as handle:
        handle.write(b"Toyota invested in Poland.\n")
    result = build([folder], jobs=1)
    seen = {doc.source for doc in result.documents} | {
        printable_name(Path(err.path).relative_to(folder.parent).as_posix())
        for err in result.report.skipped
    }
    hidden_or_other = [n for n in os.listdir(folder) if n.startswith(".") or n.endswith(".xlsx")]
    assert len(seen) == len(os.listdir(folder)) - len(hidden_or_other), "neither read nor reported"
    accounted = sorted(os.path.basename(entry.path) for entry in result.report.files)
    assert accounted == sorted(os.listdir(folder)), "a file is missing from the report"
    for err in result.report.skipped:
        assert "\n" not in err.reason
    report = result.report.format()  # terminal-safe: no control or bidi character, no surrogate
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]",
                         report), report
    check_graph(result)
    for fmt in ("nt", "json-ld", "graphml", "html"):
        assert serialize(result.graph, fmt)  # every export format copes with the names
