"""SPARQL on a graph: query kinds, predeclared prefixes, refusals, errors, formatters."""

from __future__ import annotations

import csv
import io
import json

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from kg.errors import QueryError, UsageError
from kg.query import (
    UPDATE_REFUSED,
    QueryResult,
    format_csv,
    format_json,
    format_result,
    format_table,
    format_turtle,
    named_queries,
    named_query,
    run_query,
)
from kg.vocab import KGO

E = "https://w3id.org/kg/id/entity/"
XSD = "http://www.w3.org/2001/XMLSchema#"
COUNTRIES = "SELECT ?c ?label WHERE { ?c a kgo:Country ; rdfs:label ?label }"


def test_select_with_predeclared_prefixes(tiny_graph: Graph) -> None:
    result = run_query(tiny_graph, COUNTRIES)
    assert result.kind == "select"
    assert result.vars == ("c", "label")
    assert result.rows == (
        (URIRef(E + "south-korea"), Literal("South Korea")),
        (URIRef(E + "united-states"), Literal("United States")),
    )


def test_every_standard_prefix_is_predeclared(tiny_graph: Graph) -> None:
    query = """SELECT ?x WHERE {
      ?x rdf:type kgo:Company ; rdfs:label ?l ; skos:altLabel ?a ; kgo:mentionedIn ?d .
      ?d dcterms:title ?t . ?st prov:wasDerivedFrom ?s ; rdf:subject ?x .
      FILTER(?x != owl:Thing && ?x != schema:Thing && DATATYPE(?t) = xsd:string
             && STRSTARTS(STR(?x), STR(kgr:)))
    }"""
    rows = run_query(tiny_graph, query).rows
    assert {row[0] for row in rows} == {URIRef(E + "samsung-electronics")}


def test_declared_prefixes_still_work(tiny_graph: Graph) -> None:
    query = "PREFIX k: <https://w3id.org/kg/ontology#>\nSELECT ?c WHERE { ?c a k:Treaty }"
    assert run_query(tiny_graph, query).rows == ((URIRef(E + "mutual-defense-treaty"),),)


def test_ask(tiny_graph: Graph) -> None:
    assert run_query(tiny_graph, "ASK { ?s kgo:alliedWith ?o }").boolean is True
    no = run_query(tiny_graph, "ASK { ?s kgo:opposes ?o }")
    assert (no.kind, no.boolean) == ("ask", False)


def test_construct_is_a_graph(tiny_graph: Graph) -> None:
    result = run_query(
        tiny_graph, "CONSTRUCT { ?o kgo:investsIn ?s } WHERE { ?s kgo:investsIn ?o }"
    )
    assert result.kind == "graph" and result.graph is not None
    expected = Graph()
    expected.add((URIRef(E + "united-states"), KGO.investsIn, URIRef(E + "samsung-electronics")))
    assert isomorphic(result.graph, expected)
    assert isomorphic(Graph().parse(data=format_turtle(result), format="turtle"), expected)
    assert "@prefix kgo: <https://w3id.org/kg/ontology#>" in format_turtle(result)


def test_describe(tiny_graph: Graph) -> None:
    result = run_query(tiny_graph, f"DESCRIBE <{E}intel>")
    assert result.kind == "graph" and result.graph is not None
    assert (URIRef(E + "intel"), KGO.mentionCount, Literal(1)) in result.graph
    assert all(s == URIRef(E + "intel") for s in result.graph.subjects())


def test_query_does_not_modify_the_graph(tiny_graph: Graph) -> None:
    before = len(tiny_graph)
    run_query(tiny_graph, "CONSTRUCT { ?s kgo:x ?o } WHERE { ?s kgo:investsIn ?o }")
    assert len(tiny_graph) == before


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { kgr:a kgo:investsIn kgr:b }",
        "DELETE WHERE { ?s ?p ?o }",
        "DELETE { ?s ?p ?o } INSERT { ?o ?p ?s } WHERE { ?s kgo:investsIn ?o }",
        "LOAD <http://example.org/data.ttl>",
        "CLEAR ALL",
        "DROP GRAPH <urn:g>",
        "CREATE GRAPH <urn:g>",
        "PREFIX ex: <http://example.org/>\nINSERT DATA { ex:a ex:b ex:c } ;\nCLEAR DEFAULT",
        "INSERT DATA { <urn:a> <urn:b> <urn:c> } ; nonsense",  # an update, then junk
    ],
)
def test_updates_are_refused(tiny_graph: Graph, update: str) -> None:
    before = len(tiny_graph)
    with pytest.raises(QueryError) as caught:
        run_query(tiny_graph, update)
    assert str(caught.value) == UPDATE_REFUSED
    assert len(tiny_graph) == before


def test_syntax_error_has_position_and_caret(tiny_graph: Graph) -> None:
    with pytest.raises(QueryError) as caught:
        run_query(tiny_graph, "SELECT ?s\nWHERE { ?s ?p ?o")
    lines = str(caught.value).splitlines()
    assert lines[0].startswith("SPARQL syntax error at line 2, column 17: ")
    assert lines[1] == "  WHERE { ?s ?p ?o"
    assert lines[2] == "                  ^"


def test_syntax_error_at_the_first_keyword(tiny_graph: Graph) -> None:
    with pytest.raises(QueryError) as caught:
        run_query(tiny_graph, "SELEC ?s WHERE { ?s ?p ?o }")
    assert str(caught.value).splitlines() == [
        "SPARQL syntax error at line 1, column 1: expected SELECT, CONSTRUCT, DESCRIBE or ASK",
        "  SELEC ?s WHERE { ?s ?p ?o }",
        "  ^",
    ]


def test_syntax_error_inside_a_group(tiny_graph: Graph) -> None:
    with pytest.raises(QueryError) as caught:
        run_query(tiny_graph, "SELECT ?s WHERE { ?s ?p ?o . FILTER(?o > ) }")
    assert str(caught.value).splitlines() == [
        "SPARQL syntax error at line 1, column 30: the SELECT query cannot be read from here on",
        "  SELECT ?s WHERE { ?s ?p ?o . FILTER(?o > ) }",
        "                               ^",
    ]


def test_trailing_text_is_located(tiny_graph: Graph) -> None:
    with pytest.raises(QueryError, match=r"line 1, column 30: unexpected text after the end"):
        run_query(tiny_graph, "SELECT ?s WHERE { ?s ?p ?o } }")


def test_unknown_prefix_is_a_query_error(tiny_graph: Graph) -> None:
    with pytest.raises(QueryError, match="foo"):
        run_query(tiny_graph, "SELECT ?s WHERE { ?s foo:bar ?o }")


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <http://example.org/g> WHERE { ?s ?p ?o }",
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    ],
)
def test_network_access_is_refused(tiny_graph: Graph, query: str) -> None:
    with pytest.raises(QueryError, match="not supported"):
        run_query(tiny_graph, query)


def test_rows_without_order_by_are_sorted(tiny_graph: Graph) -> None:
    rows = run_query(tiny_graph, "SELECT ?l WHERE { ?e skos:altLabel ?l }").rows
    assert [str(row[0]) for row in rows] == ["America", "Korea", "ROK", "Samsung", "US", "the U.S."]


def test_order_by_is_kept(tiny_graph: Graph) -> None:
    query = "SELECT ?l ?n WHERE { ?e rdfs:label ?l ; kgo:mentionCount ?n } ORDER BY DESC(?n) ?l"
    labels = [str(row[0]) for row in run_query(tiny_graph, query).rows]
    assert labels == [
        "Samsung Electronics", "United States", "South Korea", "Intel", "Mutual Defense Treaty"
    ]


def test_blank_nodes_are_renamed_in_order() -> None:
    graph = Graph()
    graph.add((BNode("zz9"), KGO.text, Literal("x")))
    result = run_query(graph, "SELECT ?s ?t WHERE { ?s kgo:text ?t }")
    assert result.rows == ((BNode("b0"), Literal("x")),)


def test_format_table(tiny_graph: Graph) -> None:
    query = "SELECT ?c ?label ?start WHERE { ?c a kgo:Country ; rdfs:label ?label " \
            "OPTIONAL { ?c kgo:startDate ?start } }"
    assert format_table(run_query(tiny_graph, query)) == (
        "c                         label          start\n"
        "------------------------  -------------  -----\n"
        "kgr:entity/south-korea    South Korea\n"
        "kgr:entity/united-states  United States\n"
        "2 rows"
    )


def test_format_table_shows_literals_plainly_and_one_row(tiny_graph: Graph) -> None:
    query = "SELECT ?class ?d ?c WHERE { ?t a ?class ; kgo:startDate ?d . " \
            "?st rdf:subject ?t ; kgo:confidence ?c }"
    assert format_table(run_query(tiny_graph, query)).splitlines() == [
        "class       d     c", "----------  ----  ---", "kgo:Treaty  1953  0.9", "1 row"
    ]


def test_format_table_for_ask_and_empty(tiny_graph: Graph) -> None:
    assert format_table(run_query(tiny_graph, "ASK { ?s kgo:funds ?o }")) == "false"
    empty = run_query(tiny_graph, "SELECT ?s WHERE { ?s kgo:funds ?o }")
    assert format_table(empty) == "s\n-\n0 rows"


def test_format_csv_parses_back(tiny_graph: Graph) -> None:
    query = "SELECT ?c ?label ?start WHERE { ?c rdfs:label ?label " \
            "OPTIONAL { ?c kgo:startDate ?start } } ORDER BY ?label"
    text = format_csv(run_query(tiny_graph, query))
    assert text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["c", "label", "start"]
    assert len(rows) == 6
    assert rows[1] == [E + "intel", "Intel", ""]
    assert rows[2] == [E + "mutual-defense-treaty", "Mutual Defense Treaty", "1953"]


def test_format_csv_quotes_commas(tiny_graph: Graph) -> None:
    query = "SELECT ?t WHERE { ?s kgo:text ?t FILTER(CONTAINS(?t, ',')) }"
    rows = list(csv.reader(io.StringIO(format_csv(run_query(tiny_graph, query)), newline="")))
    assert rows == [["t"], ["The company, based in South Korea, competes with Intel in the "
                            "memory market."]]


def test_format_csv_for_ask(tiny_graph: Graph) -> None:
    text = format_csv(run_query(tiny_graph, "ASK { ?s kgo:investsIn ?o }"))
    assert list(csv.reader(io.StringIO(text, newline=""))) == [["_askResult"], ["true"]]


def test_format_json_select_parses_back(tiny_graph: Graph) -> None:
    query = "SELECT ?c ?label ?start ?n WHERE { ?c rdfs:label ?label ; kgo:mentionCount ?n " \
            "OPTIONAL { ?c kgo:startDate ?start } } ORDER BY ?label"
    document = json.loads(format_json(run_query(tiny_graph, query)))
    assert document["head"] == {"vars": ["c", "label", "start", "n"]}
    bindings = document["results"]["bindings"]
    assert len(bindings) == 5
    assert bindings[0] == {
        "c": {"type": "uri", "value": E + "intel"},
        "label": {"type": "literal", "value": "Intel"},
        "n": {"type": "literal", "value": "1", "datatype": XSD + "integer"},
    }  # the unbound ?start is left out
    assert bindings[1]["start"] == {"type": "literal", "value": "1953", "datatype": XSD + "gYear"}


def test_format_json_language_tag() -> None:
    graph = Graph()
    graph.add((URIRef("urn:x"), KGO.text, Literal("Corée", lang="fr")))
    document = json.loads(format_json(run_query(graph, "SELECT ?t WHERE { ?s kgo:text ?t }")))
    assert document["results"]["bindings"] == [
        {"t": {"type": "literal", "value": "Corée", "xml:lang": "fr"}}
    ]


def test_format_json_ask_is_the_boolean_form(tiny_graph: Graph) -> None:
    document = json.loads(format_json(run_query(tiny_graph, "ASK { ?s kgo:opposes ?o }")))
    assert document == {"head": {}, "boolean": False}


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib's JSON-LD parser
def test_format_json_graph_is_jsonld(tiny_graph: Graph) -> None:
    result = run_query(tiny_graph, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o ; a kgo:Company }")
    assert result.graph is not None
    text = format_json(result)
    assert isomorphic(Graph().parse(data=text, format="json-ld"), result.graph)
    assert text == format_json(run_query(
        tiny_graph, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o ; a kgo:Company }"
    ))


def test_formats_refuse_the_wrong_kind(tiny_graph: Graph) -> None:
    graph_result = run_query(tiny_graph, "CONSTRUCT WHERE { ?s kgo:alliedWith ?o }")
    with pytest.raises(UsageError):
        format_csv(graph_result)
    with pytest.raises(UsageError):
        format_turtle(run_query(tiny_graph, COUNTRIES))
    with pytest.raises(UsageError, match="unknown result format"):
        format_result(graph_result, "xlsx")
    assert format_result(graph_result, "table") == format_turtle(graph_result)


def test_output_is_deterministic(tiny_graph: Graph, tiny_turtle: str) -> None:
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    other = Graph().parse(data=tiny_turtle, format="turtle")
    first, second = run_query(tiny_graph, query), run_query(other, query)
    for fmt in ("table", "csv", "json"):
        assert format_result(first, fmt) == format_result(second, fmt)


def test_result_is_a_plain_value() -> None:
    result = QueryResult("ask", boolean=True)
    assert result == QueryResult("ask", boolean=True)


@pytest.mark.parametrize("name", named_queries())
def test_named_queries_run(tiny_graph: Graph, name: str) -> None:
    result = run_query(tiny_graph, named_query(name))
    assert result.kind == "select" and result.rows


def test_named_query_results(tiny_graph: Graph) -> None:
    assert {"entities", "relations", "evidence", "documents", "classes", "dates"} <= set(
        named_queries()
    )
    assert len(run_query(tiny_graph, named_query("evidence")).rows) == 6
    relations = run_query(tiny_graph, named_query("relations")).rows
    assert (Literal("Samsung Electronics"), Literal("investsIn"), Literal("United States"),
            Literal(2)) in relations
    with pytest.raises(UsageError, match="did you mean 'entities'"):
        named_query("entites")
