"""Loading graph files: every format, prefixes, and errors that say where."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic

from kg.errors import GraphParseError, InputError, KgError, UsageError
from kg.graphs.file import graph_format, load_graph
from kg.query import PREFIXES

KGR = "https://w3id.org/kg/id/"
HEAD = "@prefix ex: <http://example.org/> .\n"

pytestmark = pytest.mark.filterwarnings(  # rdflib's serializers, used here to write fixtures
    "ignore::DeprecationWarning", "ignore:NTSerializer:UserWarning"
)


@pytest.mark.parametrize(
    ("suffix", "fmt"),
    [(".ttl", "turtle"), (".nt", "nt"), (".n3", "n3"), (".jsonld", "json-ld"),
     (".json", "json-ld"), (".rdf", "xml"), (".owl", "xml"), (".xml", "xml")],
)
def test_each_format_loads(tiny_graph: Graph, tmp_path: Path, suffix: str, fmt: str) -> None:
    path = tmp_path / f"graph{suffix}"
    tiny_graph.serialize(destination=path, format=fmt)
    loaded = load_graph(path)
    assert len(loaded) == len(tiny_graph) == 112
    assert isomorphic(loaded, tiny_graph)


@pytest.mark.parametrize(("suffix", "fmt"), [(".trig", "trig"), (".nq", "nquads")])
def test_named_graphs_are_merged(tiny_graph: Graph, tmp_path: Path, suffix: str, fmt: str) -> None:
    dataset = Dataset()
    triples = sorted(tiny_graph, key=str)
    first, second = dataset.graph(URIRef("urn:g:1")), dataset.graph(URIRef("urn:g:2"))
    for i, triple in enumerate(triples):
        (first if i % 2 else second).add(triple)
    path = tmp_path / f"graph{suffix}"
    dataset.serialize(destination=path, format=fmt)
    loaded = load_graph(path)
    assert type(loaded) is Graph
    assert isomorphic(loaded, tiny_graph)


def test_standard_prefixes_are_bound(tiny_graph: Graph, tmp_path: Path) -> None:
    path = tmp_path / "graph.nt"  # N-Triples carries no prefixes of its own
    tiny_graph.serialize(destination=path, format="nt")
    bound = {prefix: str(ns) for prefix, ns in load_graph(path).namespaces()}
    for prefix in ("kgo", "kgr", "schema", "prov", "skos", "dcterms"):
        assert bound[prefix] == str(PREFIXES[prefix])
    assert bound["kgr"] == KGR
    assert bound["schema"] == "https://schema.org/"


def test_own_base_keeps_its_kgr_prefix(tmp_path: Path) -> None:
    path = tmp_path / "custom.ttl"
    path.write_text(
        "@prefix kgr: <https://example.org/id/> .\n"
        "@prefix kgo: <https://w3id.org/kg/ontology#> .\n"
        "<https://example.org/id/entity/x> a kgo:Country .\n",
        encoding="utf-8",
    )
    bound = {prefix: str(ns) for prefix, ns in load_graph(path).namespaces()}
    assert bound["kgr"] == "https://example.org/id/"
    assert bound["kgo"] == "https://w3id.org/kg/ontology#"


def test_empty_turtle_file_is_an_empty_graph(tmp_path: Path) -> None:
    path = tmp_path / "empty.ttl"
    path.write_text("", encoding="utf-8")
    assert len(load_graph(path)) == 0


@pytest.mark.parametrize(
    ("body", "where"),
    [
        # a statement without its final '.' is noticed where the next one starts
        (HEAD + "ex:a ex:b ex:c\nex:d ex:e ex:f .\n",
         "line 3, column 1: expected '.' or '}' or ']' at end of statement"),
        (HEAD + "ex:a ex:b foo:c .\n", 'line 2, column 11: Prefix "foo:" not bound'),
        (HEAD + 'ex:a ex:b "open .\n', "line 2, column 18: newline found in string literal"),
        (HEAD + "ex:a ex:b ex:c ;\n   ex:d .\n", "line 3, column 9: objectList expected"),
        (HEAD + "  ex:a ex:b ex:c ] .\n", "line 2, column 18: expected directive or statement"),
    ],
)
def test_malformed_turtle_gives_line_and_column(tmp_path: Path, body: str, where: str) -> None:
    path = tmp_path / "bad.ttl"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(GraphParseError) as caught:
        load_graph(path)
    assert str(caught.value) == f"{path}, {where}"
    assert caught.value.__suppress_context__  # the user sees the KgError only


@pytest.mark.parametrize(
    ("name", "body", "where"),
    [
        ("bad.nt", "<http://e/a> <http://e/b> <http://e/c> .\n\n<http://e/a> b <http://e/c> .\n",
         "line 3, column 14: Predicate must be uriref"),
        ("bad.nt", '<http://e/a> <http://e/b> "x"\n',
         "line 1, column 30: unexpected end of line (a triple ends with ' .')"),
        ("bad.nq",
         "<http://e/a> <http://e/b> <http://e/c> <http://e/g> .\n<http://e/a> <http://e/b> .\n",
         "line 2, column 27: Unrecognised object type"),
        ("bad.jsonld", '{"@id": "http://e/a",\n "http://e/b": [1,]}\n',
         "line 2, column 19: Expecting value"),
        ("bad.rdf",
         '<?xml version="1.0"?>\n'
         '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
         '  <rdf:Description rdf:about="http://e/a">\n  </rdf:Descriptio>\n</rdf:RDF>\n',
         "line 4, column 5: mismatched tag"),
        ("bad.trig", HEAD + "ex:g { ex:a ex:b ex:c .\n",
         "line 2, column 24: needed '}', found end."),
    ],
)
def test_other_formats_give_line_and_column(
    tmp_path: Path, name: str, body: str, where: str
) -> None:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    with pytest.raises(GraphParseError) as caught:
        load_graph(path)
    assert str(caught.value) == f"{path}, {where}"


def test_invalid_utf8_is_located(tmp_path: Path) -> None:
    path = tmp_path / "latin1.ttl"
    path.write_bytes(HEAD.encode() + 'ex:a ex:b "caf\xe9" .\n'.encode("latin-1"))
    with pytest.raises(GraphParseError, match=r"line 2, column 15: not valid UTF-8 text"):
        load_graph(path)


def test_rdfxml_may_declare_another_encoding(tmp_path: Path) -> None:
    path = tmp_path / "latin1.rdf"
    path.write_bytes(
        b'<?xml version="1.0" encoding="ISO-8859-1"?>\n'
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        b'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">\n'
        b'<rdf:Description rdf:about="urn:x"><rdfs:label>Cor\xe9e</rdfs:label></rdf:Description>'
        b"\n</rdf:RDF>\n"
    )
    assert [str(label) for label in load_graph(path).objects()] == ["Corée"]


def test_remote_jsonld_context_is_refused_without_fetching(tmp_path: Path) -> None:
    path = tmp_path / "remote.jsonld"
    path.write_text('{"@context": "https://schema.org/", "@id": "urn:x", "name": "X"}')
    with pytest.raises(GraphParseError, match="offline") as caught:
        load_graph(path)
    assert "https://schema.org/" in str(caught.value)


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such graph file"):
        load_graph(tmp_path / "nowhere.ttl")


def test_directory_is_an_input_error(tmp_path: Path) -> None:
    folder = tmp_path / "graph.ttl"
    folder.mkdir()
    with pytest.raises(InputError, match="not a file"):
        load_graph(folder)


@pytest.mark.parametrize("name", ["graph.csv", "graph", "page.html"])
def test_unknown_suffix_is_a_usage_error(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("x", encoding="utf-8")
    with pytest.raises(UsageError, match="unknown graph file suffix"):
        load_graph(path)


def test_errors_share_the_kg_root() -> None:
    assert issubclass(GraphParseError, KgError) and issubclass(UsageError, KgError)


def test_graph_format_ignores_case() -> None:
    assert graph_format(Path("A.TTL")) == "turtle"
