"""Entity finding and typing: gazetteer, name heads and prefixes, NER correction, abbreviations."""

from __future__ import annotations

import pytest

from kg.nlp.entities import Candidate, normalise_key, select
from tests.nlp_helpers import labelled, mentions_of


@pytest.mark.parametrize("form", ["the U.S.", "US", "America", "the United States", "USA"])
def test_country_forms_share_one_label(form: str) -> None:
    ms = [m for m in mentions_of(f"Officials from {form} arrived in Kenya.") if m.cls == "Country"]
    assert {m.label for m in ms} == {"United States", "Kenya"}
    assert {m.key for m in ms} == {"united states", "kenya"}


def test_demonym_points_to_its_country_and_capital_metonym_is_no_alias() -> None:
    (m,) = [m for m in mentions_of("Japanese firms expanded quickly.") if m.cls == "Country"]
    assert (m.label, m.text) == ("Japan", "Japanese")
    (m,) = mentions_of("Tokyo answered with new rules.")
    assert (m.label, m.text) == ("Japan", "")


def test_ner_name_holding_a_country_name_stays_whole() -> None:
    found = labelled("Exports to Latin America and the US-Mexico border grew.")
    assert found["Latin America"] == "Region"
    assert "United States" in found and "Mexico" in found


def test_numerals_after_a_head_word_belong_to_the_name() -> None:
    assert labelled("He served in World War II with honours.").get("World War II") == "War"


def test_possessive_and_determiner_are_stripped() -> None:
    found = labelled("The Philippines’s economy grew, and the European Union's budget fell.")
    assert found["Philippines"] == "Country"
    assert found["European Union"] == "InternationalOrganization"


@pytest.mark.parametrize(
    ("text", "label", "cls"),
    [
        ("Both signed the Treaty of Lisbon in 2007.", "Treaty of Lisbon", "Treaty"),
        (
            "The Canada-Chile Free Trade Agreement lowered tariffs.",
            "Canada-Chile Free Trade Agreement",
            "TradeAgreement",
        ),
        ("The Inflation Reduction Act changed subsidies.", "Inflation Reduction Act", "Policy"),
        ("Veterans remember the Gulf War well.", "Gulf War", "War"),
        (
            "He spoke at the Munich Security Conference last year.",
            "Munich Security Conference",
            "Event",
        ),
        (
            "The Ministry of Foreign Affairs and Trade issued a note.",
            "Ministry of Foreign Affairs and Trade",
            "GovernmentAgency",
        ),
        (
            "Researchers at the Kiel Institute for the World Economy disagreed.",
            "Kiel Institute for the World Economy",
            "ResearchOrganization",
        ),
        ("Troops left Ramstein Air Base on Monday.", "Ramstein Air Base", "Facility"),
        (
            "Analysts praised Mitsubishi Heavy Industries for the order.",
            "Mitsubishi Heavy Industries",
            "Company",
        ),
        ("The Financial Times reported the deal.", "Financial Times", "MediaOrganization"),
        ("Ships crossed the Strait of Hormuz daily.", "Strait of Hormuz", "Region"),
    ],
)
def test_name_heads_and_prefixes_give_specific_classes(text: str, label: str, cls: str) -> None:
    assert labelled(text).get(label) == cls


def test_leading_year_is_not_part_of_the_name() -> None:
    assert "Paris Agreement" in labelled("The 2015 Paris Agreement set targets.")


def test_abbreviation_in_parentheses_joins_long_form_everywhere() -> None:
    text = (
        "The Medium Extended Air Defense System (MEADS) was tested. Later MEADS was sold to Poland."
    )
    ms = [m for m in mentions_of(text) if m.key == "medium extended air defense system"]
    assert [m.label for m in ms] == ["Medium Extended Air Defense System"] * 3
    assert ms[0].cls == "WeaponSystem"
    assert {m.text for m in ms} == {"Medium Extended Air Defense System", "MEADS"}


def test_international_organisation_abbreviations_are_known() -> None:
    found = labelled("Finland joined NATO after talks at the WTO.")
    assert found["North Atlantic Treaty Organization"] == "InternationalOrganization"
    assert found["World Trade Organization"] == "InternationalOrganization"


def test_sectors_in_lower_case() -> None:
    found = labelled("Vietnam courts investment in the semiconductor industry and batteries.")
    assert found["semiconductors"] == "Sector"
    assert found["batteries"] == "Sector"


def test_capital_acting_stands_for_its_country_but_place_stays_a_city() -> None:
    acting = mentions_of("Beijing answered with new export rules.")
    assert [(m.label, m.cls) for m in acting] == [("China", "Country")]
    place = mentions_of("The embassy opened an office in Beijing.")
    assert ("Beijing", "City") in [(m.label, m.cls) for m in place]


def test_ambiguous_country_name_reads_as_state_without_country_context() -> None:
    found = labelled("A battery plant in Georgia hired 800 workers from Atlanta.")
    assert found["Georgia"] == "Region"
    found = labelled("Georgia and Armenia met in Tbilisi.")
    assert found["Georgia"] == "Country"


def test_heading_like_noise_is_not_an_entity() -> None:
    assert labelled("Contemporary Dynamics: Strength and Strain") == {}


def test_overlaps_prefer_typed_names_over_bare_ner() -> None:
    ner = Candidate(0, 3, "US-South Korea", "City", "ner", 0.5)
    gaz = Candidate(2, 4, "South Korea", "Country", "gazetteer", 1.0)
    head = Candidate(0, 4, "Korea-US Free Trade Agreement", "TradeAgreement", "name-head", 0.85)
    assert [c.label for c in select([ner, gaz])] == ["South Korea"]
    assert [c.label for c in select([ner, gaz, head])] == ["Korea-US Free Trade Agreement"]


def test_normalise_key() -> None:
    assert normalise_key("the U.S.’s") == "us"
    assert normalise_key("Korea–US   FTA") == "korea-us fta"


def test_names_after_titles_are_people_even_when_ner_misses_them() -> None:
    found = labelled("Talks included Kenyan President William Samoei Ruto and Prime Minister "
                     "Kyriakos Mitsotakis at the Athens Energy Summit.")
    assert found.get("William Samoei Ruto") == "Person"
    assert found.get("Kyriakos Mitsotakis") == "Person"
    assert found.get("Athens Energy Summit") == "Event"


def test_head_typed_name_keeps_inner_and_but_stops_at_other_joiners() -> None:
    assert labelled("Congress passed the Roads and Bridges Act.").get(
        "Roads and Bridges Act") == "Policy"
