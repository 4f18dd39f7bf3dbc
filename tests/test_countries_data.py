"""Tests for kg/data/countries.json: the packaged general knowledge about every country."""

from __future__ import annotations

import json
import unicodedata
from collections import defaultdict
from importlib.resources import files
from typing import Any

import pycountry
import pytest

FIELDS = {
    "label": str,
    "aliases": list,
    "ambiguous_aliases": list,
    "demonyms": list,
    "ambiguous_demonyms": list,
    "capital": (str, type(None)),
    "capital_aliases": list,
    "ambiguous_label": bool,
}
LIST_FIELDS = sorted(name for name, kind in FIELDS.items() if kind is list)

#: The 193 member states of the United Nations, by ISO 3166-1 alpha-2 code.
UN_MEMBERS = frozenset(
    """
    AD AE AF AG AL AM AO AR AT AU AZ BA BB BD BE BF BG BH BI BJ BN BO BR BS BT BW BY BZ
    CA CD CF CG CH CI CL CM CN CO CR CU CV CY CZ DE DJ DK DM DO DZ EC EE EG ER ES ET FI
    FJ FM FR GA GB GD GE GH GM GN GQ GR GT GW GY HN HR HT HU ID IE IL IN IQ IR IS IT JM
    JO JP KE KG KH KI KM KN KP KR KW KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MG
    MH MK ML MM MN MR MT MU MV MW MX MY MZ NA NE NG NI NL NO NP NR NZ OM PA PE PG PH PK
    PL PT PW PY QA RO RS RU RW SA SB SC SD SE SG SI SK SL SM SN SO SR SS ST SV SY SZ TD
    TG TH TJ TL TM TN TO TR TT TV TZ UA UG US UY UZ VC VE VN VU WS YE ZA ZM ZW
    """.split()
)

Data = dict[str, dict[str, Any]]


@pytest.fixture(scope="module")
def raw() -> str:
    """The file's text, exactly as packaged."""
    return (files("kg") / "data" / "countries.json").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def data(raw: str) -> Data:
    loaded: Data = json.loads(raw)
    return loaded


def _forms(entry: dict[str, Any], *fields: str) -> list[str]:
    out: list[str] = []
    for name in fields:
        value = entry[name]
        out += [value] if isinstance(value, str) else list(value)
    return out


def test_un_member_list_is_complete() -> None:
    assert len(UN_MEMBERS) == 193
    assert all(pycountry.countries.get(alpha_2=code) is not None for code in UN_MEMBERS)


def test_every_pycountry_code_and_kosovo_present_and_nothing_else(data: Data) -> None:
    expected = {country.alpha_2 for country in pycountry.countries} | {"XK"}
    assert set(data) == expected
    assert len(data) >= 250


def test_file_is_canonical_pretty_sorted_utf8(raw: str, data: Data) -> None:
    canonical = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert raw == canonical
    assert "\\u" not in raw  # non-ASCII written as UTF-8, not escaped
    assert "Åland" in raw


def test_every_entry_has_exactly_the_documented_fields(data: Data) -> None:
    for code, entry in data.items():
        assert set(entry) == set(FIELDS), code
        for name, kind in FIELDS.items():
            assert isinstance(entry[name], kind), (code, name)
        for name in LIST_FIELDS:
            assert all(isinstance(item, str) for item in entry[name]), (code, name)


def test_labels_and_strings_are_clean(data: Data) -> None:
    for code, entry in data.items():
        assert entry["label"].strip(), code
        for form in _forms(entry, "label", *LIST_FIELDS):
            assert form and form == form.strip(), (code, form)
            assert "  " not in form, (code, form)
            assert unicodedata.normalize("NFC", form) == form, (code, form)
        if entry["capital"] is not None:
            assert entry["capital"].strip(), code


def test_lists_sorted_and_without_duplicates(data: Data) -> None:
    for code, entry in data.items():
        for name in LIST_FIELDS:
            items = entry[name]
            assert items == sorted(set(items)), (code, name)


def test_label_not_repeated_inside_its_entry(data: Data) -> None:
    for code, entry in data.items():
        names = _forms(entry, "label", "aliases", "ambiguous_aliases")
        assert len(names) == len(set(names)), code
        people = _forms(entry, "demonyms", "ambiguous_demonyms")
        assert len(people) == len(set(people)), code
        if entry["capital"] is not None:
            assert entry["capital"] not in entry["capital_aliases"], code
        else:
            assert entry["capital_aliases"] == [], code


def test_unambiguous_forms_name_exactly_one_country(data: Data) -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for code, entry in data.items():
        for form in _forms(entry, "label", "aliases", "demonyms"):
            owners[form].add(code)
    clashes = {form: sorted(codes) for form, codes in owners.items() if len(codes) > 1}
    assert clashes == {}


def test_ambiguous_forms_are_never_also_unambiguous(data: Data) -> None:
    plain: dict[str, str] = {}
    for code, entry in data.items():
        for form in _forms(entry, "label", "aliases", "demonyms"):
            plain[form] = code
    for code, entry in data.items():
        for form in _forms(entry, "ambiguous_aliases", "ambiguous_demonyms"):
            assert form not in plain, (code, form, plain.get(form))


def test_pycountry_names_are_kept(data: Data) -> None:
    for country in pycountry.countries:
        entry = data[country.alpha_2]
        known = set(_forms(entry, "label", "aliases", "ambiguous_aliases"))
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                value = value.removeprefix("the ")
                assert value in known, (country.alpha_2, attr, value)


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("US", "United States"),
        ("KR", "South Korea"),
        ("KP", "North Korea"),
        ("RU", "Russia"),
        ("TW", "Taiwan"),
        ("GB", "United Kingdom"),
        ("IR", "Iran"),
        ("VN", "Vietnam"),
        ("SY", "Syria"),
        ("LA", "Laos"),
        ("BO", "Bolivia"),
        ("VE", "Venezuela"),
        ("TZ", "Tanzania"),
        ("MD", "Moldova"),
        ("BN", "Brunei"),
        ("CZ", "Czech Republic"),
        ("TR", "Turkey"),
        ("XK", "Kosovo"),
    ],
)
def test_common_short_names_are_labels(data: Data, code: str, label: str) -> None:
    assert data[code]["label"] == label


@pytest.mark.parametrize(
    ("code", "alias"),
    [
        ("US", "USA"),
        ("US", "U.S."),
        ("US", "America"),
        ("US", "United States of America"),
        ("GB", "UK"),
        ("GB", "Britain"),
        ("KR", "ROK"),
        ("KR", "Republic of Korea"),
        ("KP", "DPRK"),
        ("CN", "PRC"),
        ("CN", "People's Republic of China"),
        ("AE", "UAE"),
        ("CD", "DRC"),
        ("NL", "Holland"),
        ("MM", "Burma"),
        ("CZ", "Czechia"),
        ("TR", "Türkiye"),
        ("CV", "Cabo Verde"),
        ("SZ", "Swaziland"),
        ("TL", "Timor-Leste"),
        ("CI", "Côte d'Ivoire"),
        ("RU", "Russian Federation"),
    ],
)
def test_well_known_aliases(data: Data, code: str, alias: str) -> None:
    assert alias in data[code]["aliases"]


def test_well_known_ambiguous_forms(data: Data) -> None:
    assert "Korea" in data["KR"]["ambiguous_aliases"]
    assert "Korean" in data["KR"]["ambiguous_demonyms"]
    assert "Congo" in data["CD"]["ambiguous_aliases"]
    assert "Congo" in data["CG"]["ambiguous_aliases"]
    assert "Korea" not in data["KR"]["aliases"]


@pytest.mark.parametrize(
    ("code", "demonyms"),
    [
        ("US", {"American", "Americans"}),
        ("KR", {"South Korean", "South Koreans"}),
        ("KP", {"North Korean", "North Koreans"}),
        ("GB", {"British", "Briton", "Britons"}),
        ("CN", {"Chinese"}),
        ("JP", {"Japanese"}),
        ("FR", {"French"}),
        ("DE", {"German", "Germans"}),
        ("NL", {"Dutch"}),
        ("PH", {"Filipino", "Filipinos", "Philippine"}),
    ],
)
def test_well_known_demonyms(data: Data, code: str, demonyms: set[str]) -> None:
    assert demonyms <= set(data[code]["demonyms"])


@pytest.mark.parametrize(
    ("code", "capital"),
    [
        ("US", "Washington"),
        ("KR", "Seoul"),
        ("KP", "Pyongyang"),
        ("CN", "Beijing"),
        ("JP", "Tokyo"),
        ("RU", "Moscow"),
        ("TW", "Taipei"),
        ("GB", "London"),
        ("BO", "La Paz"),
        ("ZA", "Pretoria"),
    ],
)
def test_well_known_capitals(data: Data, code: str, capital: str) -> None:
    assert data[code]["capital"] == capital


def test_washington_capital_aliases(data: Data) -> None:
    assert {"Washington, D.C.", "Washington DC"} <= set(data["US"]["capital_aliases"])


def test_every_un_member_has_capital_and_demonym(data: Data) -> None:
    for code in sorted(UN_MEMBERS):
        entry = data[code]
        assert entry["capital"], code
        assert entry["demonyms"] or entry["ambiguous_demonyms"], code


def test_most_countries_have_unambiguous_capital_and_demonyms(data: Data) -> None:
    complete = [c for c, e in data.items() if e["capital"] and e["demonyms"]]
    assert len(complete) >= 190


def test_well_known_territories_have_capitals(data: Data) -> None:
    for code in ("PR", "GL", "GU", "BM", "NC", "PF", "FO", "GI"):
        assert data[code]["capital"], code
        assert data[code]["demonyms"], code


@pytest.mark.parametrize("code", ["GE", "JO", "TD", "TR", "GN"])
def test_ambiguous_labels_flagged(data: Data, code: str) -> None:
    assert data[code]["ambiguous_label"] is True


def test_ambiguous_label_is_used_sparingly(data: Data) -> None:
    flagged = {code for code, entry in data.items() if entry["ambiguous_label"]}
    assert not flagged & {"US", "KR", "CN", "JP", "NE", "CL", "FR", "DE"}
    assert len(flagged) <= 10
