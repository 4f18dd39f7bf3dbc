"""The lexicon: subdivisions read straight from pycountry's data file match pycountry's objects."""

from __future__ import annotations

import unicodedata
from collections import defaultdict

import pycountry

from kg.nlp.lexicon import _subdivisions, load_lexicon


def test_subdivisions_are_pycountrys_in_code_order() -> None:
    objects = sorted(pycountry.subdivisions, key=lambda sub: sub.code)
    assert _subdivisions() == [(sub.code, sub.name) for sub in objects]


def test_subdivisions_map_to_the_country_pycountry_gives() -> None:
    countries: dict[str, set[str]] = defaultdict(set)
    for sub in pycountry.subdivisions:
        countries[unicodedata.normalize("NFC", sub.name)].add(sub.country_code)
    subdivisions = load_lexicon().subdivisions
    assert all(code in countries[name] for name, code in subdivisions.items())
    assert (subdivisions["California"], subdivisions["Bayern"]) == ("US", "DE")


def test_country_names_are_not_subdivisions() -> None:
    lex = load_lexicon()
    assert not set(lex.subdivisions) & set(lex.countries)
