"""Definite descriptions and pronouns resolve to the last fitting named entity."""

from __future__ import annotations

from tests.nlp_helpers import mentions_of


def _coref(text: str) -> list[tuple[str, str]]:
    return [(text[m.start : m.end], m.label) for m in mentions_of(text) if m.source == "coref"]


def test_description_resolves_to_last_entity_of_its_class() -> None:
    text = "Chile and Peru signed the Lima Accord in 2014. The pact cut tariffs on copper."
    assert _coref(text) == [("The pact", "Lima Accord")]


def test_description_prefers_the_last_subject() -> None:
    text = "Volvo competes with carmakers such as Hyundai. The company opened a plant in Ghent."
    assert _coref(text) == [("The company", "Volvo")]


def test_pronoun_resolves_to_subject_organisation_or_country() -> None:
    text = "Nokia expanded in Brazil. Its engineers moved to Campinas."
    assert ("Its", "Nokia") in _coref(text)


def test_no_antecedent_no_mention() -> None:
    assert _coref("The company grew quickly. It hired staff.") == []


def test_description_needs_a_fitting_class() -> None:
    assert _coref("Nokia opened a lab in Oulu. The country welcomed the lab.") == []


def test_its_after_a_described_subject_is_not_the_name_that_describes_it() -> None:
    # "its" means the airline, which has no name here: not the country its adjective names
    assert _coref("The Norwegian airline cut its fares.") == []
    assert _coref("Fjordfly, the Norwegian airline, cut its fares.") == []
    # a possessor is no mere modifier: "its" may still mean Peru
    assert _coref("Peru's envoy said its exports rose.") == [("its", "Peru")]
