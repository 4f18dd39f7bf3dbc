"""Start and end years for events, wars, treaties and policies."""

from __future__ import annotations

import pytest

from kg.model import Document
from kg.nlp.dates import find_dates
from kg.nlp.entities import DocumentContext, find_mentions, finder_for
from tests.nlp_helpers import nlp


def dates_in(text: str) -> set[tuple[str, str, str]]:
    pipeline = nlp()
    doc = pipeline(text)
    ctx = DocumentContext.of(Document.from_text(text, source="t.txt"))
    found = find_mentions(doc, ctx, finder=finder_for(pipeline))
    return {(d.key, d.which, d.value) for s in doc.sents for d in find_dates(s, found)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The 1979 Camp David Accords reshaped the region.",
            {("camp david accords", "startDate", "1979")},
        ),
        (
            "Veterans of the Gulf War (1990-1991) gathered.",
            {("gulf war", "startDate", "1990"), ("gulf war", "endDate", "1991")},
        ),
        (
            "Veterans of the Iran-Iraq War (1980–88) gathered.",
            {("iran-iraq war", "startDate", "1980"), ("iran-iraq war", "endDate", "1988")},
        ),
        (
            "Both governments signed the Treaty of Rome in 1957.",
            {("treaty of rome", "startDate", "1957")},
        ),
        (
            "India launched the Digital India Programme in 2015.",
            {("digital india programme", "startDate", "2015")},
        ),
        (
            "The Trade Expansion Act, which was passed in 1962, still applies.",
            {("trade expansion act", "startDate", "1962")},
        ),
    ],
)
def test_dates_patterns(text: str, expected: set[tuple[str, str, str]]) -> None:
    assert dates_in(text) == expected


def test_undated_entities_and_people_get_no_date() -> None:
    assert dates_in("Angela Merkel visited Paris in 2015.") == set()


def test_until_counts_only_when_negated() -> None:
    assert dates_in("The Doha Agreement was not finalized until 2020.") == {
        ("doha agreement", "startDate", "2020")
    }
    assert dates_in("The Doha Agreement was debated until 2020.") == set()


def test_clause_verb_dates_an_event_but_relative_clause_does_not_hide_it() -> None:
    assert dates_in("In May 2021 Italy hosted leaders for the Rome Climate Summit.") == {
        ("rome climate summit", "startDate", "2021")
    }
    assert dates_in("In 2014 Brazil signed the Lima Accord, which set new quotas.") == {
        ("lima accord", "startDate", "2014")
    }


def test_relative_years_resolve_to_the_last_year_written() -> None:
    text = (
        "Brazil held elections in 2018. Congress passed the Pension Reform Act the same "
        "year, and the Tax Simplification Act followed the following year."
    )
    pipeline = nlp()
    doc = pipeline(text)
    ctx = DocumentContext.of(Document.from_text(text, source="t.txt"))
    found = find_mentions(doc, ctx, finder=finder_for(pipeline))
    facts = {(d.key, d.value) for s in doc.sents for d in find_dates(s, found, document_text=text)}
    assert ("pension reform act", "2018") in facts


def test_fronted_time_phrase_dates_a_treaty_but_not_a_change_to_it() -> None:
    assert dates_in("In March 2011 both states sealed the deal with the Treaty of Quito.") == {
        ("treaty of quito", "startDate", "2011")
    }
    assert dates_in("In 2018 both states renegotiated the Treaty of Quito.") == set()


def test_organisations_are_dated_by_their_founding_only() -> None:
    assert dates_in("Infineon Technologies was founded in 1999 in Munich.") == {
        ("infineon technologies", "startDate", "1999")}
    assert dates_in("Infineon Technologies opened a plant in Dresden in 2021.") == set()
