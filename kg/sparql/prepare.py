"""Prepare a read-only query: check its text, parse it, say what kind it is; refuse updates.

Every path that runs user SPARQL comes through here (``kg query`` on a file, a store or an
endpoint, the Python API, ``kg serve``): the text is first checked by
:func:`kg.sparql.guard.checked_query`, then parsed with rdflib's SPARQL grammar. An update
raises :class:`UpdateRefused`, a syntax error a ``QueryError`` naming the line and column
with a caret under it.

:func:`classify` only parses (what ``kg serve`` needs to pick an answer format);
:func:`prepare` also translates the query with the predeclared prefixes and refuses
``FROM`` (kg runs on the loaded graph only). Both refuse ``SERVICE``.

>>> classify("ASK { ?s ?p ?o }"), classify("DESCRIBE <urn:x>")
('ask', 'graph')
>>> query_kind(prepare("SELECT ?x { ?x a kgo:City }", {"kgo": "https://w3id.org/kg/ontology#"}))
'select'
>>> classify("DELETE WHERE { ?s ?p ?o }")
Traceback (most recent call last):
...
kg.sparql.prepare.UpdateRefused: SPARQL updates are not allowed: kg query is read-only
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Mapping
from typing import Any

from pyparsing import ParseBaseException, ParseResults
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query

from kg.errors import QueryError
from kg.sparql.guard import checked_query

UPDATE_REFUSED = "SPARQL updates are not allowed: kg query is read-only"
TOO_DEEP = ("the query is nested too deeply or is too long for kg's SPARQL parser; "
            "split it into smaller queries")
SERVICE_REFUSED = "SERVICE is not supported: kg never makes a query fetch another URL"

#: Query forms (the names of rdflib's parse and algebra nodes) by the kind of their answer.
_KINDS = {"SelectQuery": "select", "AskQuery": "ask", "ConstructQuery": "graph",
          "DescribeQuery": "graph"}

#: rdflib's SPARQL grammar (pyparsing) keeps state while it parses and is not thread-safe:
#: concurrent calls gave spurious syntax errors, so one thread of a process parses at a time.
#: ``kg serve`` never parses in its request threads (only in each query's own process), so
#: no request waits on this lock there.
_PARSING = threading.Lock()


class UpdateRefused(QueryError):
    """A SPARQL update where only a read-only query may run."""


def describe_error(err: BaseException) -> str:
    """An exception's message, or its class name when it has none.

    >>> describe_error(ValueError()), describe_error(ValueError(" bad "))
    ('ValueError', 'bad')
    """
    text = str(err).strip()
    return text or type(err).__name__


def classify(sparql: str) -> str:
    """``select``, ``ask`` or ``graph`` (CONSTRUCT, DESCRIBE) for a read-only query text.

    Raises :class:`UpdateRefused` for an update and ``QueryError`` for a text the guard
    refuses, a syntax error or a ``SERVICE`` call. Parsing a hostile text can take long:
    ``kg serve`` calls this only in a query's own timed process.
    """
    _, tree = _parse(sparql)
    if any(node.name == "ServiceGraphPattern" for node in _nodes(tree)):
        raise QueryError(SERVICE_REFUSED)
    return _KINDS.get(getattr(tree[1], "name", ""), "select")


def prepare(sparql: str, namespaces: Mapping[str, str]) -> Query:
    """Parse and translate a read-only query with ``namespaces`` predeclared: updates,
    ``SERVICE`` and ``FROM`` are refused, and a syntax error shows its line and column
    (``QueryError``). Every engine kg queries (rdflib, Oxigraph, an endpoint) checks here.

    The text is first checked by :func:`kg.sparql.guard.checked_query`; an engine other than
    rdflib must run the text that function returns, so that the check holds for what it runs.
    """
    _, tree = _parse(sparql)
    try:
        query = translateQuery(tree, initNs=namespaces)
    except RecursionError:
        raise QueryError(TOO_DEEP) from None
    except Exception as err:
        raise QueryError(f"cannot run the query: {describe_error(err)}") from None
    _check_offline(query)
    return query


def query_kind(prepared: Query) -> str:
    """``select``, ``ask`` or ``graph`` for a query made by :func:`prepare`."""
    return _KINDS.get(prepared.algebra.name, "select")


def _parse(sparql: str) -> tuple[str, ParseResults]:
    """The checked text and rdflib's parse tree of a query; updates and bad syntax refused."""
    sparql = checked_query(sparql)
    try:
        with _PARSING:
            tree = parseQuery(sparql)
    except ParseBaseException as err:
        with _PARSING:
            update = parses_as_update(sparql, err.loc)
        if update:
            raise UpdateRefused(UPDATE_REFUSED) from None
        raise syntax_error(err) from None
    except RecursionError:
        raise QueryError(TOO_DEEP) from None
    except Exception as err:
        raise QueryError(f"SPARQL syntax error: {describe_error(err)}") from None
    return sparql, tree


def parses_as_update(sparql: str, query_error_at: int) -> bool:
    """True when ``sparql`` is an update, or gets further as an update than as a query.

    A malformed update (``INSERT DATA { <a> <b> }``) fails as both at its start and is
    reported as a syntax error; an update followed by junk still counts as an update.

    >>> parses_as_update("INSERT DATA { <urn:a> <urn:b> <urn:c> }", 0)
    True
    """
    try:
        update = parseUpdate(sparql)
    except ParseBaseException as err:
        return bool(err.loc > query_error_at)
    except Exception:  # rdflib fails this way on a prologue with no operation
        return False
    return bool(update.request)


def syntax_error(err: ParseBaseException) -> QueryError:
    r"""A QueryError naming the line and column, echoing the line with a caret under it.

    >>> from pyparsing import ParseException
    >>> print(syntax_error(ParseException("SELECT ?x\nWHERE { ?x ?y }}", 25, "Expected end of text")))
    SPARQL syntax error at line 2, column 16: unexpected text after the end of the query
      WHERE { ?x ?y }}
                     ^
    """  # noqa: E501
    line, column = err.lineno, err.col
    text = err.line.rstrip("\r\n")
    pad = "".join("\t" if char == "\t" else " " for char in text[: column - 1])
    return QueryError(
        f"SPARQL syntax error at line {line}, column {column}: {_reason(str(err.msg))}\n"
        f"  {text}\n  {pad}^"
    )


def _reason(message: str) -> str:
    """Say pyparsing's most common complaints in words a SPARQL user knows.

    >>> _reason("Expected SelectQuery")
    'the SELECT query cannot be read from here on'
    """
    if message.startswith("Expected {SelectQuery | ConstructQuery"):
        return "expected SELECT, CONSTRUCT, DESCRIBE or ASK"
    if message == "Expected end of text":
        return "unexpected text after the end of the query"
    kind = re.fullmatch(r"Expected (Select|Construct|Describe|Ask)Query", message)
    if kind:
        return f"the {kind[1].upper()} query cannot be read from here on"
    return message


def _check_offline(query: Query) -> None:
    """Refuse what rdflib would fetch over the network: FROM graphs and SERVICE calls."""
    if query.algebra.get("datasetClause"):
        raise QueryError(
            "FROM and FROM NAMED are not supported: kg query runs on the loaded graph only"
        )
    if any(node.name == "ServiceGraphPattern" for node in _nodes(query.algebra)):
        raise QueryError("SERVICE is not supported: kg query works offline")


def _nodes(node: Any) -> Iterator[CompValue]:
    """Every node of a parse tree or translated query (rdflib ``CompValue``), depth first."""
    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list | tuple | ParseResults):
        for item in node:
            yield from _nodes(item)
