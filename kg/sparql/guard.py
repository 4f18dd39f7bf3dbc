r"""Check a query text before any engine runs it: no ``SERVICE``, nothing two parsers read apart.

kg checks a query's form with rdflib's parser but runs it on Oxigraph (stores, ``kg serve``) or
on a remote endpoint. Where two parsers read the same text differently, a check made on one
reading says nothing about the other: Oxigraph ends a ``#`` comment at a bare carriage
return, rdflib only at a line feed, so ``# x\r SERVICE <…> {…}`` hid a ``SERVICE`` call from
the check that Oxigraph then made. :func:`checked_query` closes that class of hole on the
text itself, before either parser sees it:

1. CRLF line ends become LF, so the text both engines get has a single kind of line end.
2. The text, with its ``\uXXXX`` escapes expanded as SPARQL expands them before parsing, may
   hold no character on which SPARQL parsers disagree: carriage returns, form and line feeds
   other than LF, NEL, the Unicode line and paragraph separators, NUL and other control
   characters except tab and LF.
3. A conservative scan of the tokens finds any word that could be read as ``SERVICE`` outside
   strings, IRIs and comments, whatever an engine's keyword rules (Oxigraph matches keywords
   without a word boundary, so ``trueSERVICE`` counts).
4. Brackets may nest at most :data:`MAX_DEPTH` deep, so no parser recurses without bound.

The normalised text is returned: it is what the engines must run.

>>> checked_query("SELECT * WHERE { ?s ?p ?o }\r\n")
'SELECT * WHERE { ?s ?p ?o }\n'
>>> checked_query('SELECT * WHERE { ?s ?p "a SERVICE desk" }  # SERVICE in a comment')
'SELECT * WHERE { ?s ?p "a SERVICE desk" }  # SERVICE in a comment'
>>> checked_query("SELECT * WHERE { # x\r SERVICE <http://127.0.0.1:9/p> { ?x ?y ?z } \n }")
Traceback (most recent call last):
...
kg.errors.QueryError: the query has a carriage return (U+000D) at line 1, column 21 that is not part of a CRLF line end; SPARQL parsers disagree on where a comment ends there, so kg refuses it
>>> checked_query("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
Traceback (most recent call last):
...
kg.errors.QueryError: SERVICE is not supported (line 1, column 12): kg never makes a query fetch another URL
"""  # noqa: E501

from __future__ import annotations

import re
import unicodedata

from kg.errors import QueryError

#: How deep ( [ { may nest in a query; deeper ones are refused before any parser sees them.
MAX_DEPTH = 64

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

#: Characters that SPARQL parsers do not agree on (as comment ends or white space).
_AMBIGUOUS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]")

_TOKENS = re.compile(
    r"""
      (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''
                |\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                |'(?:[^'\\\n]|\\.)*'
                |"(?:[^"\\\n]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<comment>\#[^\n]*)
    | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f\u2040]+)
    | (?P<word>[^\W\d][\w\-.:%\u00b7\u0300-\u036f\u203f\u2040]*|:[\w\-.:%]*)
    | (?P<open>[(\[{])
    | (?P<close>[)\]}])
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

_NAMES = {
    "\r": "a carriage return", "\x0b": "a vertical tab", "\x0c": "a form feed",
    "\x85": "a next-line character", "\u2028": "a line separator",
    "\u2029": "a paragraph separator", "\ufeff": "a byte order mark", "\x00": "a NUL byte",
}


def expand_escapes(text: str) -> str:
    r"""Expand ``\uXXXX`` and ``\UXXXXXXXX`` as SPARQL does before it parses a query.

    >>> expand_escapes(r"SELECT * { ?s ?p \u0022x\u0022 }")
    'SELECT * { ?s ?p "x" }'
    """
    def one(match: re.Match[str]) -> str:
        code = int(match[1] or match[2], 16)
        return chr(code) if code <= 0x10FFFF else match[0]

    return _ESCAPE.sub(one, text)


def _position(text: str, index: int) -> str:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return f"line {line}, column {column}"


def _refuse_ambiguous(text: str) -> None:
    """Raise for the first character that parsers read apart (in the escape-expanded text)."""
    found = _AMBIGUOUS.search(text)
    if found is None:
        return
    char = found[0]
    name = _NAMES.get(char) or f"the control character {unicodedata.name(char, 'without a name')}"
    what = f"{name} (U+{ord(char):04X}) at {_position(text, found.start())}"
    if char == "\r":
        what += " that is not part of a CRLF line end"
    raise QueryError(
        f"the query has {what}; SPARQL parsers disagree on where a comment ends there, "
        "so kg refuses it"
    )


def _could_be_service(word: str) -> bool:
    """Whether a bare word or a prefix could be read as the SERVICE keyword by some engine.

    >>> _could_be_service("trueSERVICE"), _could_be_service("ex:service"), _could_be_service("a")
    (True, False, False)
    """
    head = word.split(":", 1)[0] if ":" in word else word
    return "service" in head.casefold()


def _scan(text: str) -> None:
    """Refuse SERVICE-like words and nesting deeper than MAX_DEPTH, outside strings and IRIs."""
    depth = 0
    for token in _TOKENS.finditer(text):
        kind = token.lastgroup
        if kind == "word" and _could_be_service(token[0]):
            raise QueryError(
                f"SERVICE is not supported ({_position(text, token.start())}): "
                "kg never makes a query fetch another URL"
            )
        if kind == "open":
            depth += 1
            if depth > MAX_DEPTH:
                raise QueryError(
                    f"the query nests brackets more than {MAX_DEPTH} deep "
                    f"({_position(text, token.start())}); simplify it"
                )
        elif kind == "close":
            depth = max(0, depth - 1)


def checked_query(sparql: str) -> str:
    """The text to run for ``sparql``, after the checks above; ``QueryError`` when one fails.

    >>> checked_query("ASK { ?s ?p ?o }")
    'ASK { ?s ?p ?o }'
    >>> checked_query("ASK " + "{" * 70 + "}" * 70)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: the query nests brackets more than 64 deep (line 1, column 69); ...
    """
    text = sparql.removeprefix("\ufeff").replace("\r\n", "\n")
    expanded = expand_escapes(text)
    _refuse_ambiguous(expanded)
    _scan(expanded)
    return text
