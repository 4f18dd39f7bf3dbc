"""Where things are: the country facts a text states or implies (Wikidata's P17, "country").

Every sentence here is written for the test (none comes from a benchmark document); the
organisations are invented, the places are real (the gazetteer is world-wide knowledge). Each
test checks one way of reading English: places the document puts in its one country, chains of
places, and what a place or a name says about an organisation.
"""

from __future__ import annotations

from kg.model import Document
from kg.nlp.containment import place_chains
from kg.nlp.entities import DocumentContext, find_mentions
from tests.nlp_helpers import extract, facts, labelled, nlp


def located(text: str) -> set[tuple[str, str]]:
    """(subject, object) of the locatedIn facts of ``text``."""
    return {(s, o) for s, p, o in facts(text) if p == "locatedIn"}


# -- places of the document's country ---------------------------------------------------------


def test_a_city_lies_in_the_one_country_the_document_names() -> None:
    text = ("The Halvorsen Museum opened in Bergen in 1990. "
            "It is the oldest private museum in Norway.")
    assert ("Bergen", "Norway") in located(text)


def test_no_country_from_the_gazetteer_when_the_document_names_another() -> None:
    assert not any(s == "Bergen" for s, _ in located(
        "The Halvorsen Museum opened in Bergen in 1990. Its founder later moved to Portugal."))


def test_no_document_country_when_the_document_names_several() -> None:
    text = ("The Halvorsen Museum opened in Bergen in 1990. "
            "Its founder was born in Sweden and studied in Denmark.")
    assert not any(s == "Bergen" for s, _ in located(text))


# -- chains of places ---------------------------------------------------------------------------


def test_a_firm_based_in_a_city_of_a_country_is_based_in_that_country() -> None:
    text = ("Veltrona Systems is headquartered in Kelowna. "
            "Kelowna is a city in British Columbia, Canada.")
    found = facts(text)
    assert ("Veltrona Systems", "headquarteredIn", "Kelowna") in found
    assert ("Veltrona Systems", "headquarteredIn", "Canada") in found


# -- what a name or a modifier says about an organisation --------------------------------------


def test_a_body_named_after_a_country_lies_in_it() -> None:
    text = "The United States Navy Reserve sailed. The United States paid for it."
    assert ("United States Navy Reserve", "United States") in located(text)


def test_an_event_named_after_one_country_happened_there() -> None:
    text = "Halvorsen fought in the Finnish Civil War. Finland later honoured him."
    assert ("Finnish Civil War", "Finland") in located(text)
    text = "Halvorsen fought in the Finnish-Soviet War. Finland later honoured him."
    assert not any(s.startswith("Finnish") for s, _ in located(text))


def test_a_company_named_after_a_country_gets_no_home_from_its_name() -> None:
    text = "Kenya Veltrona Holdings sold shares. Kenya welcomed it."
    assert not any(s.startswith("Kenya V") for s, p, _ in facts(text) if p != "relatedTo")


def test_a_country_possessing_a_research_body_locates_it() -> None:
    found = located("Norway's Halvorsen Institute of Marine Studies agreed.")
    assert ("Halvorsen Institute of Marine Studies", "Norway") in found


def test_a_description_with_a_demonym_gives_a_bodys_home() -> None:
    found = facts("The Halvorsen League is a Swedish political party.")
    assert ("Halvorsen League", "headquarteredIn", "Sweden") in found
    found = facts("The Halvorsen League is a political party in Sweden.")
    assert ("Halvorsen League", "headquarteredIn", "Sweden") in found


def test_a_description_with_a_demonym_locates_an_institution() -> None:
    assert ("Halvorsen College", "Denmark") in located(
        "Halvorsen College is a Danish medical school.")
    assert ("Halvorsen College", "Bergen") in located(
        "Halvorsen College is a medical school in Bergen.")


def test_a_description_locates_a_natural_feature() -> None:
    assert ("Wierna", "Poland") in located("The Wierna is a river in Poland.")
    assert ("Mount Halvor", "Norway") in located("Mount Halvor is a Norwegian mountain.")


def test_an_agency_of_a_countrys_state_lies_in_that_country() -> None:
    found = facts("Portugal's Maritime Inspection Office fined the owners.")
    assert ("Maritime Inspection Office", "partOf", "Portugal") in found
    assert ("Maritime Inspection Office", "locatedIn", "Portugal") in found


# -- the country of an encyclopedic text ----------------------------------------------------------


LEAD = ("Ingrid Halvorsen (born 1950) is a Norwegian politician for the Coastal Party. "
        "She studied at Tromsø Maritime College and later sat on the Fisheries Council.")


def test_an_encyclopedic_text_about_one_country_places_its_institutions_there() -> None:
    found = facts(LEAD)
    assert ("Coastal Party", "headquarteredIn", "Norway") in found
    assert ("Fisheries Council", "locatedIn", "Norway") in found


def test_no_document_country_for_a_text_that_does_not_define_its_subject() -> None:
    news = ("Shares fell after Ingrid Halvorsen, a Norwegian politician for the Coastal Party, "
            "criticised the Fisheries Council.")
    assert not any(s == "Fisheries Council" and o == "Norway" for s, _, o in facts(news))


def test_no_document_country_when_the_text_names_two_countries() -> None:
    text = LEAD + " She was born in Sweden."
    assert not any(s == "Fisheries Council" for s, _, _ in facts(text))


def test_no_document_country_for_names_that_reach_beyond_it() -> None:
    text = ("Ingrid Halvorsen (born 1950) is a Norwegian politician. She sat on the European "
            "Fisheries Council and later studied at the University of Oxford.")
    labels = {m.label for m in extract(text).mentions}
    assert {"European Fisheries Council", "University of Oxford"} <= labels
    assert not any(o == "Norway" for _, _, o in facts(text))


def test_an_encyclopedic_text_places_known_cities_among_several_countries() -> None:
    text = ("Lieutenant-General Sir Anders Halvorsen (1767–1816) was a Norwegian officer. "
            "He was born in Bergen and later served in Sweden and Denmark.")
    assert ("Bergen", "Norway") in located(text)
    news = ("Anders Halvorsen said he was born in Bergen. He later served in Sweden and "
            "in Norway.")
    assert ("Bergen", "Norway") not in located(news)


def test_a_body_named_after_a_place_of_the_text_lies_there() -> None:
    text = ("Halvorsen studied at the University of Tromsø. "
            "Tromsø is a city in northern Norway.")
    assert ("University of Tromsø", "Tromsø") in located(text)
    assert ("University of Tromsø", "Norway") in located(text)


def test_a_company_named_after_a_place_is_not_placed_by_its_name() -> None:
    text = "Tromsø Fishing Holdings bought boats. Tromsø is a city in Norway."
    assert not any(s.startswith("Tromsø F") for s, _ in located(text))


def test_an_encyclopedic_text_gives_its_country_to_firms_named_as_firms() -> None:
    text = ("Ingrid Halvorsen (born 1950) is a Norwegian engineer. She worked for "
            "Fjordline Shipping Company and later for Tollefsen.")
    found = facts(text)
    assert ("Fjordline Shipping Company", "headquarteredIn", "Norway") in found
    assert not any(s == "Tollefsen" and o == "Norway" for s, _, o in found)


# -- chains of places in one description -------------------------------------------------------


def chained(text: str) -> set[tuple[str, str]]:
    """(subject, object) labels of what ``place_chains`` reads in the first sentence of text."""
    doc = nlp()(text)
    found = find_mentions(doc, DocumentContext.of(Document.from_text(text, source="t.txt")))
    label = {m.key: m.label for _, m in found}
    return {(label[r.subject], label[r.object])
            for r in place_chains(next(iter(doc.sents)), found)}


def test_every_container_of_a_description_locates_the_place() -> None:
    found = chained("Narvik is a town in Nordland county, in northern Norway.")
    assert found == {("Narvik", "Nordland county"), ("Narvik", "Norway")}


def test_a_coordinated_description_and_a_phrase_on_the_verb_still_contain() -> None:
    found = chained("Bodø is a town and municipality in the southern part of the county of "
                    "Nordland, within Salten, in Norway.")
    assert ("Bodø", "Norway") in found


def test_a_direction_is_no_container() -> None:
    found = chained("Fauske is a town north of the city of Bodø, in Norway.")
    assert ("Fauske", "Bodø") not in found


def test_only_a_described_place_has_containers() -> None:
    assert chained("Halvorsen is a politician in Nordland, in Norway.") == set()


# -- the sides of a war ---------------------------------------------------------------------------


def test_the_sides_a_named_war_is_fought_between_took_part_in_it() -> None:
    found = facts("The Halvor War between Norway and Sweden ended in 1814.")
    assert ("Norway", "participatedIn", "Halvor War") in found
    assert ("Sweden", "participatedIn", "Halvor War") in found


# -- typing and descriptions that carry a country ---------------------------------------------


def test_a_hospital_is_an_organisation() -> None:
    found = labelled("Doctors at Halvorsen Memorial Hospital treated him.")
    assert found["Halvorsen Memorial Hospital"] == "Organization"


def test_a_demonym_description_gives_a_named_company_its_home() -> None:
    assert ("Veltrona", "headquarteredIn", "Japan") in facts(
        "Shares in Veltrona, a Japanese carmaker, rose on Monday.")
    assert ("Veltrona", "headquarteredIn", "Japan") in facts(
        "Japanese carmaker Veltrona recalled 10,000 cars.")


def test_a_plural_apposition_describes_every_name_before_it() -> None:
    found = facts("Veltrona and Osaki, two Japanese carmakers, merged.")
    assert ("Veltrona", "headquarteredIn", "Japan") in found
    assert ("Osaki", "headquarteredIn", "Japan") in found
    single = facts("Veltrona and Osaki, a Japanese carmaker, merged.")
    assert ("Veltrona", "headquarteredIn", "Japan") not in single


def test_a_body_named_by_a_historic_countrys_demonym_lies_in_it() -> None:
    text = "The Soviet Navy Reserve sailed. The Soviet Union paid for it."
    assert ("Soviet Navy Reserve", "Soviet Union") in located(text)


def test_a_place_after_a_comma_is_its_container_but_a_list_is_not_a_chain() -> None:
    assert {("Austin", "Texas"), ("Lyon", "France")} <= located(
        "She moved from Austin, Texas, to Lyon, France."
    )
    listed = located("He had lived in Lagos, Germany, Madrid, Oslo, etc., before he retired.")
    assert ("Madrid", "Germany") not in listed and ("Oslo", "Germany") not in listed
