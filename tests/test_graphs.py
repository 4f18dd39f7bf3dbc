"""Graph sources: a file read by Oxigraph answers as rdflib did, and hostile files stay refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic

from kg.errors import GraphParseError, InputError, UsageError
from kg.graphs import memory_source, open_source
from kg.graphs.evidence import read_statements
from kg.graphs.file import FileSource, load_graph
from kg.query import format_result, run_query
from tests.store_helpers import store_folder

pytestmark = pytest.mark.filterwarnings(  # rdflib's serializers, used here to write fixtures
    "ignore::DeprecationWarning", "ignore:NTSerializer:UserWarning"
)

QUERIES = [
    "SELECT ?e ?label WHERE { ?e a ?c ; rdfs:label ?label }",
    "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p",
    "SELECT ?s ?o WHERE { ?s kgo:investsIn ?o } ORDER BY DESC(?s)",
    "ASK { ?x a kgo:Company }",
    "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s rdfs:label ?l }",
]


@pytest.mark.parametrize(
    ("suffix", "fmt"),
    [(".ttl", "turtle"), (".nt", "nt"), (".n3", "n3"), (".jsonld", "json-ld"),
     (".rdf", "xml"), (".owl", "xml")],
)
def test_each_format_is_read_by_oxigraph(
    tiny_graph: Graph, tmp_path: Path, suffix: str, fmt: str
) -> None:
    path = tmp_path / f"graph{suffix}"
    tiny_graph.serialize(destination=path, format=fmt)
    source = FileSource(path)
    assert len(source.store) == len(tiny_graph) == 112
    assert isomorphic(source.to_rdflib(), tiny_graph)


@pytest.mark.parametrize(("suffix", "fmt"), [(".trig", "trig"), (".nq", "nquads")])
def test_named_graphs_are_queried_as_one(
    tiny_graph: Graph, tmp_path: Path, suffix: str, fmt: str
) -> None:
    dataset = Dataset()
    first, second = dataset.graph(URIRef("urn:g:1")), dataset.graph(URIRef("urn:g:2"))
    for i, triple in enumerate(sorted(tiny_graph, key=str)):
        (first if i % 2 else second).add(triple)
    path = tmp_path / f"graph{suffix}"
    dataset.serialize(destination=path, format=fmt)
    assert isomorphic(FileSource(path).to_rdflib(), tiny_graph)


@pytest.mark.parametrize("sparql", QUERIES)
@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_a_file_answers_as_rdflib_did(
    tiny_graph: Graph, tmp_path: Path, sparql: str, fmt: str
) -> None:
    path = tmp_path / "graph.ttl"
    tiny_graph.serialize(destination=path, format="turtle")
    on_rdflib, on_oxigraph = run_query(load_graph(path), sparql), FileSource(path).query(sparql)
    if on_rdflib.kind == "graph":
        assert on_rdflib.graph is not None and on_oxigraph.graph is not None
        assert isomorphic(on_rdflib.graph, on_oxigraph.graph)
        fmt = "table"
    assert format_result(on_oxigraph, fmt) == format_result(on_rdflib, fmt)


def test_a_file_with_its_own_base_keeps_its_kgr_prefix(tmp_path: Path) -> None:
    path = tmp_path / "own.ttl"
    path.write_text("@prefix kgr: <https://example.org/kg/> .\n"
                    "@prefix kgo: <https://w3id.org/kg/ontology#> .\n"
                    "<https://example.org/kg/entity/x> a kgo:City .\n", encoding="utf-8")
    result = FileSource(path).query("SELECT ?x { ?x a kgo:City }")
    assert format_result(result, "table").splitlines()[2] == "kgr:entity/x"


@pytest.mark.parametrize(
    ("name", "body", "where"),
    [
        ("bad.ttl", "<urn:a> <urn:b> <urn:c>\n<urn:d> <urn:e> <urn:f> .\n", "line 2, column 1: "),
        ("bad.nt", '<http://e/a> <http://e/b> "x\n', "line 1, column 27: "),
        ("bad.jsonld", '{"@id": "http://e/a",\n "http://e/b": [1,]}\n',
         "line 2, column 19: Expecting value"),
        ("bad.rdf", '<?xml version="1.0"?>\n'
         '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
         '  <rdf:Description rdf:about="http://e/a">\n  </rdf:Descriptio>\n</rdf:RDF>\n',
         "line 4, column 5: mismatched tag"),
        ("bad.trig", "<urn:g> { <urn:a> <urn:b> <urn:c> .\n", "line 2, column 1: "),
    ],
)
def test_malformed_files_name_the_file_line_and_column(
    tmp_path: Path, name: str, body: str, where: str
) -> None:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    with pytest.raises(GraphParseError) as caught:
        FileSource(path)
    assert str(caught.value).startswith(f"{path}, {where}"), str(caught.value)
    assert "\n" not in str(caught.value) and caught.value.__suppress_context__


def test_entity_expansion_is_refused_before_oxigraph_parses(tmp_path: Path) -> None:
    entities = '<!ENTITY a "' + "a" * 50 + '">' + "".join(
        f'<!ENTITY {b} "{("&" + a + ";") * 10}">' for a, b in zip("abcde", "bcdef", strict=True)
    )
    path = tmp_path / "bomb.rdf"
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [{entities}]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">\n'
        '<rdf:Description rdf:about="urn:x"><rdfs:label>&f;</rdfs:label></rdf:Description>\n'
        "</rdf:RDF>\n", encoding="utf-8",
    )
    with pytest.raises(GraphParseError, match="entity expansion attack"):
        FileSource(path)


def test_remote_jsonld_context_is_never_fetched(tmp_path: Path) -> None:
    path = tmp_path / "remote.jsonld"
    path.write_text('{"@context": {"@import": "https://example.org/ctx"}, "@id": "urn:x"}')
    with pytest.raises(GraphParseError, match="offline"):
        FileSource(path)


def test_rdfxml_in_another_encoding_and_invalid_utf8(tmp_path: Path) -> None:
    latin = tmp_path / "latin1.rdf"
    latin.write_bytes(
        b'<?xml version="1.0" encoding="ISO-8859-1"?>\n'
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        b'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">\n'
        b'<rdf:Description rdf:about="urn:x"><rdfs:label>Cor\xe9e</rdfs:label></rdf:Description>'
        b"\n</rdf:RDF>\n"
    )
    assert [str(o) for o in FileSource(latin).to_rdflib().objects()] == ["Corée"]
    bad = tmp_path / "latin1.ttl"
    bad.write_bytes(b'<urn:a> <urn:b> "caf\xe9" .\n')
    with pytest.raises(GraphParseError, match=r"line 1, column 21: not valid UTF-8 text"):
        FileSource(bad)


def test_open_source_takes_exactly_one_place(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not both"):
        open_source(tmp_path / "g.ttl", store=tmp_path)
    with pytest.raises(InputError, match="no such graph file"):
        open_source(tmp_path / "g.ttl")
    with pytest.raises(UsageError, match="unknown graph file suffix"):
        open_source(tmp_path / "g.csv")


def test_evidence_is_read_once_for_viewer_and_why(tiny_graph: Graph) -> None:
    source = memory_source(tiny_graph)
    everything = source.evidence()
    assert everything == read_statements(tiny_graph)
    assert everything and all(st.sentences for st in everything)
    one = everything[0]
    about = source.evidence(frozenset({str(one.subject)}), frozenset({str(one.subject)}))
    assert one in about and len(about) < len(everything) + 1
    assert all(str(one.subject) in (str(st.subject), str(st.object)) for st in about)


def test_export_nt_from_oxigraph_matches_rdflib(tiny_graph: Graph, tmp_path: Path) -> None:
    from kg.export import serialize

    path = tmp_path / "graph.ttl"
    tiny_graph.serialize(destination=path, format="turtle")
    FileSource(path).export(tmp_path / "out.nt")
    assert (tmp_path / "out.nt").read_bytes() == serialize(load_graph(path), "nt")


def _network(nxg: object) -> tuple[object, ...]:
    import networkx as nx

    assert isinstance(nxg, nx.MultiDiGraph)
    return (
        list(nxg.nodes(data=True)),
        list(nxg.edges(keys=True, data=True)),
        nxg.graph,
    )


def test_view_network_from_selects_is_to_networkx(tiny_graph: Graph, tmp_path: Path) -> None:
    """Oxigraph's SELECT rows and rdflib's graph give the very same network, in order."""
    from kg.analysis import to_networkx

    extra = Graph().parse(format="turtle", data="""
@prefix kgo: <https://w3id.org/kg/ontology#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<urn:a> a kgo:Company, kgo:Organization ; kgo:partnersWith <urn:b> ;
    kgo:mentionCount "3"^^xsd:integer ;
    kgo:startDate "1953"^^xsd:gYear ; kgo:mentionedWith <urn:b> .
<urn:b> a kgo:Country ; kgo:partnersWith <urn:a> .
<urn:s1> rdf:subject <urn:a> ; rdf:predicate kgo:partnersWith ; rdf:object <urn:b> ;
    prov:wasDerivedFrom <urn:t> ; kgo:confidence "0.7"^^xsd:decimal ; kgo:extractor "r" .
<urn:s2> rdf:subject <urn:b> ; rdf:predicate kgo:partnersWith ; rdf:object <urn:a> ;
    kgo:confidence 0.9, 0.5 ; kgo:extractor "q" .
<urn:t> kgo:text "A and B." ; kgo:inDocument <urn:d> .
""")
    for graph in (tiny_graph, tiny_graph + extra):
        path = tmp_path / "g.ttl"
        graph.serialize(path, format="turtle")
        source = open_source(path)
        assert _network(source.view_network()) == _network(to_networkx(graph))
        assert _network(memory_source(graph).view_network()) == _network(to_networkx(graph))




def test_a_store_source_follows_the_live_generation(tiny_graph: Graph, tmp_path: Path) -> None:
    from kg.graphs.store import StoreSource

    root = tmp_path / "store"
    store_folder(tiny_graph, root, "gen-000001", "https://one.example/")
    source = StoreSource(root)
    first = source.store
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert int(source.query(count).rows[0][0]) == len(tiny_graph)
    assert source.store is first and source.namespaces["kgr"] == "https://one.example/"
    smaller = Graph()
    for triple in sorted(tiny_graph)[:10]:
        smaller.add(triple)
    store_folder(smaller, root, "gen-000002", "https://two.example/")
    assert int(source.query(count).rows[0][0]) == 10  # the next query sees the new build
    assert source.store is not first and source.namespaces["kgr"] == "https://two.example/"
    (root / "CURRENT").unlink()
    with pytest.raises(InputError, match="not a kg store"):
        source.query(count)
