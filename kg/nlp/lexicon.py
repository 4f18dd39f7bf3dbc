"""General naming knowledge that entity rules use: countries, demonyms, capitals, regions,
international organisations, sectors and the head and prefix words of names.

Everything here is general (a country library, ISO subdivisions, lists of well-known bodies),
never drawn from one document. Users extend it with their own JSON file of the same shape as
``kg/nlp/patterns/entities.json``.

>>> lex = load_lexicon()
>>> lex.countries["U.S."].label, lex.countries["American"].label
('United States', 'United States')
>>> lex.head_class(["Mutual", "Defense", "Treaty"])
'Treaty'
>>> lex.sector_label("semiconductor industry")
'semiconductors'
>>> lex.organizations["Nato"], lex.parties["Tories"], "Mr" in lex.honorifics
('North Atlantic Treaty Organization', 'Conservative Party', True)
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from kg.errors import UsageError


@dataclass(frozen=True)
class CountryName:
    """One way of writing a country: the country's canonical label and what the form is."""

    label: str
    code: str
    kind: str  # "label", "alias", "demonym", "capital"
    ambiguous: bool = False


@dataclass
class Lexicon:
    """The loaded knowledge, indexed for lookup by exact surface form."""

    countries: dict[str, CountryName] = field(default_factory=dict)
    capitals: dict[str, str] = field(default_factory=dict)  # capital surface -> country label
    capital_label: dict[str, str] = field(default_factory=dict)  # country label -> capital
    subdivisions: dict[str, str] = field(default_factory=dict)  # name -> country alpha_2
    cities: dict[str, str] = field(default_factory=dict)  # city main name -> country alpha_2
    country_of_code: dict[str, str] = field(default_factory=dict)  # alpha_2 -> country label
    organizations: dict[str, str] = field(default_factory=dict)  # form -> canonical label
    parties: dict[str, str] = field(default_factory=dict)  # form -> canonical party label
    sectors: dict[str, str] = field(default_factory=dict)  # lower-case form -> canonical label
    heads: dict[str, str] = field(default_factory=dict)  # last word(s) -> class
    prefixes: dict[str, str] = field(default_factory=dict)  # first word -> class
    trade_words: tuple[str, ...] = ()
    company_nouns: frozenset[str] = frozenset()
    media_words: frozenset[str] = frozenset()
    class_nouns: dict[str, str] = field(default_factory=dict)  # lower-case noun -> class
    product_nouns: frozenset[str] = frozenset()
    corporate_suffixes: frozenset[str] = frozenset()
    person_titles: frozenset[str] = frozenset()
    honorifics: frozenset[str] = frozenset()  # "Mr", "Dr": one word after them is a name
    not_entities: frozenset[str] = frozenset()

    def head_class(self, words: list[str]) -> str | None:
        """The class a name's last one or two words give it, if any; a union of people named
        by their trade ("Dockers' Union") is an organisation, not a bloc of states."""
        if len(words) >= 2:
            two = f"{words[-2]} {words[-1]}"
            if two in self.heads:
                return self.heads[two]
        cls = self.heads.get(words[-1]) if words else None
        if cls == "InternationalOrganization" and members_body(words):
            return "Organization"
        return cls

    def country_of_place(self, name: str) -> str | None:
        """The country label of a city (by its main name) or an ISO subdivision, if known.

        >>> load_lexicon().country_of_place("Sacramento")
        'United States'
        """
        code = self.subdivisions.get(name) or self.cities.get(name)
        return self.country_of_code.get(code) if code else None

    def place_class(self, name: str) -> str | None:
        """"City" for a known city (by its main name) or capital, "Region" for an ISO
        subdivision, None for any other name.

        >>> lex = load_lexicon()
        >>> lex.place_class("Sacramento"), lex.place_class("Alberta"), lex.place_class("Acme")
        ('City', 'Region', None)
        """
        if name in self.cities or name in self.capitals:
            return "City"
        return "Region" if name in self.subdivisions else None

    def sector_label(self, text: str) -> str | None:
        """The canonical sector for a lower-cased phrase, if it names one."""
        return self.sectors.get(text.lower())


#: Head words of a body named after its members ("Dockers' Union", "Nurses Association").
_MEMBER_BODIES = frozenset({"Union", "Association", "Federation", "Guild", "League"})


def members_body(words: list[str]) -> bool:
    """Whether a name is a union or association of people, named by their trade in the plural
    ("Amalgamated Dockers Union", "Teachers' Association"): an organisation, not a bloc.

    >>> members_body(["Transport", "Workers", "'", "Union"]), members_body(["African", "Union"])
    (True, False)
    """
    if len(words) < 2 or words[-1] not in _MEMBER_BODIES:
        return False
    before = [re.sub(r"['’]s?$", "", w) for w in words[:-1]]
    word = next((w for w in reversed(before) if w), "")
    return word[-1:] == "s" and word[:1].isupper() and not word.endswith(("ss", "ics"))


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _add_countries(lex: Lexicon, data: dict[str, Any]) -> None:
    for code in sorted(data):
        entry = data[code]
        label = _nfc(entry["label"])
        ambiguous = bool(entry.get("ambiguous_label", False))
        forms: list[tuple[str, str, bool]] = [(label, "label", ambiguous)]
        forms += [(a, "alias", False) for a in entry.get("aliases", [])]
        forms += [(a, "alias", True) for a in entry.get("ambiguous_aliases", [])]
        forms += [(d, "demonym", False) for d in entry.get("demonyms", [])]
        forms += [(d, "demonym", True) for d in entry.get("ambiguous_demonyms", [])]
        lex.country_of_code.setdefault(code, label)
        for form, kind, amb in forms:
            form = _nfc(form)
            if form and form not in lex.countries:
                lex.countries[form] = CountryName(label, code, kind, amb)
        capital = entry.get("capital")
        if capital:
            lex.capital_label[label] = capital
            for form in [capital, *entry.get("capital_aliases", [])]:
                lex.capitals.setdefault(_nfc(form), label)


def _add_patterns(lex: Lexicon, data: dict[str, Any]) -> None:
    for cls, words in data.get("head_classes", {}).items():
        for word in words:
            lex.heads.setdefault(word, cls)
    for cls, words in data.get("prefix_classes", {}).items():
        for word in words:
            lex.prefixes.setdefault(word, cls)
    for label, aliases in data.get("international_organizations", {}).items():
        for form in [label, *aliases]:
            lex.organizations.setdefault(form, label)
            if form.isalpha() and form.isupper() and len(form) >= 4:
                lex.organizations.setdefault(form.title(), label)  # house style: "Nato"
    for label, aliases in data.get("political_parties", {}).items():
        for form in [label, *aliases]:
            lex.parties.setdefault(form, label)
    for label, forms in data.get("sectors", {}).items():
        for form in [label, *forms]:
            lex.sectors.setdefault(form.lower(), label)
    for label, entry in data.get("historic_countries", {}).items():
        lex.countries.setdefault(label, CountryName(label, "", "label"))
        for form in entry.get("aliases", []):
            lex.countries.setdefault(form, CountryName(label, "", "alias"))
        for form in entry.get("demonyms", []):
            lex.countries.setdefault(form, CountryName(label, "", "demonym"))
    lex.trade_words += tuple(data.get("trade_agreement_words", []))
    lex.company_nouns |= frozenset(data.get("company_nouns", []))
    lex.person_titles |= frozenset(data.get("person_titles", []))
    lex.honorifics |= frozenset(data.get("honorifics", []))
    lex.media_words |= frozenset(data.get("media_words", []))
    for cls, nouns in data.get("class_nouns", {}).items():
        for noun in nouns:
            lex.class_nouns.setdefault(noun.lower(), cls)
    lex.product_nouns |= frozenset(data.get("product_nouns", []))
    lex.corporate_suffixes |= frozenset(data.get("corporate_suffixes", []))
    lex.not_entities |= frozenset(data.get("not_entities", []))


def _subdivisions() -> list[tuple[str, str]]:
    """ISO 3166-2 subdivisions as (code, name), sorted by code, read from pycountry's data file.

    pycountry's own objects would cost a build some 30 ms to create; the file it reads them
    from holds the same codes and names.

    >>> ("US-GU", "Guam") in _subdivisions()
    True
    """
    import pycountry

    database = pycountry.subdivisions
    with open(database.filename, encoding="utf-8") as handle:
        entries = json.load(handle)[database.root_key]
    return sorted(((e["code"], e["name"]) for e in entries), key=lambda sub: sub[0])


def _add_subdivisions(lex: Lexicon) -> None:
    for code, name in _subdivisions():
        name = _nfc(name)
        if name not in lex.countries:
            lex.subdivisions.setdefault(name, code.split("-")[0])  # the country's alpha_2


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise UsageError(f"{path}: cannot read entity rules: {err}") from err
    if not isinstance(data, dict):
        raise UsageError(f"{path}: entity rules must be a JSON object")
    return data


@lru_cache(maxsize=8)
def load_lexicon(extra: Path | None = None) -> Lexicon:
    """Load the packaged knowledge, then the user's ``extra`` rules file (which wins)."""
    lex = Lexicon()
    if extra is not None:
        _add_patterns(lex, _read_json(extra))
    countries = files("kg") / "data" / "countries.json"
    _add_countries(lex, json.loads(countries.read_text(encoding="utf-8")))
    patterns = files("kg.nlp") / "patterns" / "entities.json"
    _add_patterns(lex, json.loads(patterns.read_text(encoding="utf-8")))
    _add_subdivisions(lex)
    cities = files("kg") / "data" / "cities.json"
    for name, code in json.loads(cities.read_text(encoding="utf-8"))["cities"].items():
        name = _nfc(name)
        if name not in lex.countries:
            lex.cities.setdefault(name, code)
    return lex
