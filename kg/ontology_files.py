"""Locate and load the packaged ontology (``kg.ttl``) and SHACL shapes (``shapes.ttl``).

Both files live in the ``kg.ontology`` package (the repository's ``ontology/`` folder), so they
are found the same way in a checkout, an editable install and a wheel.

>>> ONTOLOGY_IRI
'https://w3id.org/kg/ontology'
>>> read_text(ONTOLOGY_FILE).startswith("# The kg ontology")
True
>>> len(load_graph(SHAPES_FILE)) > 100
True
"""

from __future__ import annotations

from importlib.resources import files

from rdflib import Graph

from kg.errors import GraphParseError, UsageError

ONTOLOGY_PACKAGE = "kg.ontology"
ONTOLOGY_FILE = "kg.ttl"
SHAPES_FILE = "shapes.ttl"
ONTOLOGY_IRI = "https://w3id.org/kg/ontology"
SHAPES_IRI = "https://w3id.org/kg/shapes"

_KNOWN = (ONTOLOGY_FILE, SHAPES_FILE)


def read_text(name: str) -> str:
    """Return the Turtle text of a packaged file, ``kg.ttl`` or ``shapes.ttl``.

    >>> read_text("nope.ttl")
    Traceback (most recent call last):
    ...
    kg.errors.UsageError: unknown ontology file 'nope.ttl': choose one of kg.ttl, shapes.ttl
    """
    if name not in _KNOWN:
        raise UsageError(f"unknown ontology file {name!r}: choose one of {', '.join(_KNOWN)}")
    return (files(ONTOLOGY_PACKAGE) / name).read_text(encoding="utf-8")


def load_graph(name: str) -> Graph:
    """Parse a packaged Turtle file into a new rdflib Graph (the caller may change it).

    >>> g = load_graph("kg.ttl")
    >>> g.namespace_manager.expand_curie("kgo:Country")
    rdflib.term.URIRef('https://w3id.org/kg/ontology#Country')
    """
    graph = Graph()
    try:
        graph.parse(data=read_text(name), format="turtle")
    except Exception as err:  # rdflib raises several unrelated types on bad Turtle
        raise GraphParseError(f"{ONTOLOGY_PACKAGE}/{name}: cannot parse Turtle: {err}") from err
    return graph
