"""Typing names by what the sentence says they are."""

from __future__ import annotations

import pytest

from tests.nlp_helpers import labelled


@pytest.mark.parametrize(
    ("text", "label", "cls"),
    [
        ("Ulsan, a port city in the south, grew fast.", "Ulsan", "City"),
        ("Brembo, an Italian brake maker, opened a plant.", "Brembo", "Company"),
        ("Zeiss is a supplier of optics.", "Zeiss", "Company"),
        ("Firms such as Valeo and Faurecia have cut jobs.", "Faurecia", "Company"),
        ("Carmakers like Stellantis and Renault cut jobs.", "Stellantis", "Company"),
        ("The army bought more Challenger tanks.", "Challenger", "WeaponSystem"),
    ],
)
def test_context_types_the_name(text: str, label: str, cls: str) -> None:
    assert labelled(text).get(label) == cls


def test_negated_copula_says_nothing() -> None:
    assert labelled("Zeiss is not a city.").get("Zeiss") != "City"


def test_gazetteer_countries_are_not_retyped_by_context() -> None:
    assert labelled("Chile, a partner and an exporter, signed.")["Chile"] == "Country"
