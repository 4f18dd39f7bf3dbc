"""Extraction on text of kinds the rules were not tuned on: news wording, new names.

Every sentence here is written for the test (none comes from a benchmark document). Each test
checks one general capability: typing from the words around a name, honorifics, parties,
model-numbered products, roles and memberships, accusations, deals and bids, the gazetteer of
cities, and coordination.
"""

from __future__ import annotations

from kg.resolve import resolve
from tests.nlp_helpers import extract, facts, labelled

# -- typing ------------------------------------------------------------------------------------


def test_a_common_noun_before_a_name_types_it() -> None:
    found = labelled(
        "Shares in the carmaker Veltrona rose after the newspaper Morning Ledger praised it."
    )
    assert found["Veltrona"] == "Company"
    assert found["Morning Ledger"] == "MediaOrganization"


def test_a_description_and_a_comma_before_a_name_type_it() -> None:
    found = labelled("Norway's largest airline, Skyvik, cut its fares.")
    assert found["Skyvik"] == "Company"


def test_an_honorific_makes_a_single_word_a_person() -> None:
    found = labelled("Mr Halloran said the plan was sound.")
    assert found["Halloran"] == "Person"


def test_surname_after_an_honorific_joins_the_full_name() -> None:
    text = "Daniel Halloran joined the board. Mr Halloran said prices would rise."
    res = resolve([extract(text)])
    people = [e for e in res.entities.values() if e.cls == "Person"]
    assert [(e.label, e.mention_count) for e in people] == [("Daniel Halloran", 2)]


def test_political_parties_are_organizations() -> None:
    found = labelled("The Tories and Labour clashed, and the Liberal Democrats abstained.")
    assert found["Conservative Party"] == "Organization"
    assert found["Labour Party"] == "Organization"
    assert found["Liberal Democrats"] == "Organization"


def test_model_numbered_names_are_products() -> None:
    found = labelled("Fans queued for Starfall 3 while others bought the Vexon X200 instead.")
    assert found.get("Starfall 3") == "Product"


def test_title_case_acronyms_of_organisations() -> None:
    assert labelled("Nato ministers met in Brussels.").get(
        "North Atlantic Treaty Organization"
    ) == "InternationalOrganization"


def test_a_capital_before_its_airport_is_a_city() -> None:
    found = labelled("The army closed Nairobi's new airport on Monday.")
    assert found["Nairobi"] == "City"


def test_a_city_gazetteer_types_cities_by_their_main_name() -> None:
    assert labelled("Prices rose sharply in Bielefeld last year.").get("Bielefeld") == "City"


# -- roles and memberships --------------------------------------------------------------------


def test_party_mp_gives_membership() -> None:
    assert ("Maria Quint", "memberOf", "Labour Party") in facts(
        "Labour MP Maria Quint voted against the bill."
    )


def test_person_from_organisation_gives_membership() -> None:
    assert ("Tomas Reyel", "memberOf", "Greenpeace") in facts(
        "Tomas Reyel, from Greenpeace, said the report was wrong."
    )


def test_chief_executive_of_gives_leadership_but_not_chief_operating_officer() -> None:
    found = facts(
        "Helen Marsh, chief executive of Dorvane Group, met Paul Ibbot, "
        "Dorvane Group's chief operating officer."
    )
    assert ("Helen Marsh", "leaderOf", "Dorvane Group") in found
    assert ("Paul Ibbot", "leaderOf", "Dorvane Group") not in found


def test_shadow_posts_do_not_lead() -> None:
    found = facts("Conservative shadow chancellor Ian Brack criticised the budget.")
    assert not any(p == "leaderOf" for _, p, _ in found)


# -- what news states -------------------------------------------------------------------------


def test_a_regulator_suing_a_company_opposes_it() -> None:
    assert ("Financial Conduct Authority", "opposes", "Pellow Bank") in facts(
        "The Financial Conduct Authority sued Pellow Bank over missing records."
    )


def test_passive_accusation_opposes() -> None:
    assert ("Competition Commission", "opposes", "Harwick Foods") in facts(
        "Harwick Foods was accused by the Competition Commission of fixing prices."
    )


def test_a_stake_in_a_relative_clause_is_an_investment() -> None:
    assert ("Orvane Group", "investsIn", "Telmark Holdings") in facts(
        "The deal involves Telmark Holdings, in which Orvane Group has a 20% stake."
    )


def test_a_rejected_bid_gives_nothing() -> None:
    found = facts("Kestrel Motors rejected a takeover bid from Arden Group.")
    assert not any(p in {"investsIn", "subsidiaryOf"} for _, p, _ in found)


def test_companies_signing_a_deal_cooperate() -> None:
    found = facts("Talveron Energy and Brisko Group signed a supply agreement in March.")
    assert ("Brisko Group", "cooperatesWith", "Talveron Energy") in found


def test_two_typed_names_joined_by_and_stay_two() -> None:
    found = labelled("Talveron Energy and Brisko Group signed a supply agreement.")
    assert found["Talveron Energy"] == "Company" and found["Brisko Group"] == "Company"
    assert labelled("The Department of Energy and Climate Change replied.") == {
        "Department of Energy and Climate Change": "GovernmentAgency"
    }


def test_exports_to_a_country_are_no_supply_to_it() -> None:
    found = facts("Norvik Motors plans to export the car to Brazil.")
    assert ("Norvik Motors", "suppliesTo", "Brazil") not in found


def test_a_paper_and_its_country() -> None:
    assert ("Morgenblad", "headquarteredIn", "Norway") in facts(
        "The Norwegian newspaper Morgenblad published the letter."
    )


def test_a_based_modifier_names_no_leader_target() -> None:
    found = facts("Anna Vik, chief executive of the Oslo-based exchange, resigned.")
    assert ("Anna Vik", "leaderOf", "Oslo") not in found


def test_a_shared_place_possessor_covers_a_coordination() -> None:
    found = facts("Shares in Italy's Marvello and Tescara fell.")
    assert ("Marvello", "headquarteredIn", "Italy") in found


def test_service_with_a_unit_during_a_war() -> None:
    assert ("Royal Air Force", "participatedIn", "Korean War") in facts(
        "He served with the Royal Air Force during the Korean War."
    )


def test_a_city_named_with_its_country_lies_in_it() -> None:
    found = facts("The firm opened offices in Bielefeld and elsewhere in Germany.")
    assert ("Bielefeld", "locatedIn", "Germany") in found


# -- round 2: names, abbreviations, coreference, roles -----------------------------------------


def test_an_abbreviation_widens_its_long_form_and_never_joins_a_city() -> None:
    text = "Shares in Ashford and Preston (A&P) rose after A&P closed a depot in Preston."
    res = resolve([extract(text)])
    by_label = {e.label: e for e in res.entities.values()}
    assert "A&P" in by_label["Ashford and Preston"].aliases
    assert by_label["Ashford and Preston"].cls in {"Company", "Organization"}
    assert by_label["Preston"].cls == "City" and "A&P" not in by_label["Preston"].aliases


def test_an_abbreviation_whose_letters_spell_the_name_joins_it() -> None:
    text = "The Office of Rail Standards (ORS) fined Carrow Lines. Later the ORS dropped it."
    res = resolve([extract(text)])
    office = next(e for e in res.entities.values() if e.label == "Office of Rail Standards")
    assert office.mention_count >= 3 and "ORS" in office.aliases
    assert not [e for e in res.entities.values() if e.label == "ORS"]


def test_a_past_tense_misread_by_the_lemmatiser_still_triggers() -> None:
    assert ("Office of Rail Standards", "restricts", "Carrow Lines") in facts(
        "The Office of Rail Standards fined Carrow Lines."
    )


def test_a_based_modifier_of_a_noun_before_a_name_locates_the_name() -> None:
    found = facts("Vantor Corp completed its acquisition of Lisbon-based insurer Delamere.")
    assert ("Delamere", "headquarteredIn", "Lisbon") in found
    assert ("Delamere", "subsidiaryOf", "Vantor Corp") in found


def test_a_country_possessor_of_a_company_description_is_its_home() -> None:
    assert ("Tembo", "headquarteredIn", "Kenya") in facts(
        "Kenya's largest mobile operator, Tembo, rose 3%."
    )


def test_a_union_general_secretary_leads_the_union() -> None:
    found = facts("Amalgamated Dockers Union general secretary Tom Pryce spoke.")
    assert ("Tom Pryce", "leaderOf", "Amalgamated Dockers Union") in found
    assert ("Tom Pryce", "memberOf", "Amalgamated Dockers Union") not in found
    assert labelled("The Amalgamated Dockers Union met.") == {
        "Amalgamated Dockers Union": "Organization"
    }


def test_a_description_with_a_place_in_it_points_back_to_the_company() -> None:
    found = facts(
        "Despite the failure of the Fjordline bid, Helga Brandt, chief executive of the "
        "Oslo-based exchange, may return."
    )
    assert ("Helga Brandt", "leaderOf", "Fjordline") in found
    assert ("Fjordline", "headquarteredIn", "Oslo") in found


def test_a_description_prefers_a_name_of_its_own_sentence() -> None:
    text = (
        "Marlowe Holdings said profits rose. Later the Fjordline board met, and analysts said "
        "the company would cut jobs."
    )
    res = resolve([extract(text)])
    coref = [m for m in extract(text).mentions if m.source == "coref"]
    assert [m.label for m in coref] == ["Fjordline"]
    assert res.entities


def test_an_agency_named_with_a_demonym_lies_in_the_country_the_text_names() -> None:
    found = facts("The Danish Maritime Authority inspected the ship. Denmark later sold it.")
    assert ("Danish Maritime Authority", "locatedIn", "Denmark") in found
    assert not any(p == "locatedIn" for _, p, _ in facts("The Danish Maritime Authority met."))


def test_a_place_in_a_city_of_a_country_lies_in_the_country() -> None:
    found = facts("The Hanseatic Museum is located in Bergen. Bergen, Norway, is a port.")
    assert ("Hanseatic Museum", "locatedIn", "Bergen") in found
    assert ("Hanseatic Museum", "locatedIn", "Norway") in found


def test_a_chain_of_places_after_commas_is_no_list() -> None:
    found = facts("The clinic opened in Ciudad Bolívar, Bolívar, Venezuela in 2006.")
    assert ("Ciudad Bolívar", "locatedIn", "Bolívar") in found
    assert ("Bolívar", "locatedIn", "Venezuela") in found
    listed = facts("Trains run to Toledo, Ohio and Detroit, Michigan.")
    assert ("Ohio", "locatedIn", "Detroit") not in listed


def test_a_pronoun_that_coreference_resolved_is_an_end_of_a_typed_fact() -> None:
    found = facts("Halvard Group reported higher profits. It is also working with Castor Partners.")
    assert ("Castor Partners", "cooperatesWith", "Halvard Group") in found


def test_a_pronoun_in_a_later_clause_means_the_nearest_name_before_it() -> None:
    found = facts("Anna Petrova joined Fenwick Labs after it acquired Bracken Systems.")
    assert ("Bracken Systems", "subsidiaryOf", "Fenwick Labs") in found


def test_what_a_firm_must_prove_it_can_do_is_no_fact() -> None:
    found = facts("Corvath Chips must prove that it can make processors at scale.")
    assert not any(p == "produces" for _, p, _ in found)


def test_a_name_and_its_description_parsed_as_two_subjects_are_one() -> None:
    found = facts("Kenya's budget airline, Tembo fell 2.9%.")
    assert ("Tembo", "headquarteredIn", "Kenya") in found
    found = facts('"We are pleased," Ruth Abara, ORS director said.')
    assert ("Ruth Abara", "leaderOf", "ORS") in found


def test_a_city_possessor_of_a_facility_locates_it() -> None:
    found = facts("Smoke closed Lagos's new Marina International Airport on its opening day.")
    assert ("Marina International Airport", "locatedIn", "Lagos") in found


def test_the_countries_a_war_is_named_after_took_part_in_it() -> None:
    text = "Bolivia lost its coast in the Chilean–Peruvian War. Chile and Peru signed a treaty."
    found = facts(text)
    assert ("Chile", "participatedIn", "Chilean–Peruvian War") in found
    assert ("Peru", "participatedIn", "Chilean–Peruvian War") in found
    assert ("Bolivia", "participatedIn", "Chilean–Peruvian War") not in found


def dates_of(text: str) -> set[tuple[str, str]]:
    """(label, year) of every start date after resolution."""
    res = resolve([extract(text)])
    return {(res.entities[d.key].label, d.value) for d in res.dates if d.which == "startDate"}


def test_a_fronted_participle_dates_the_subject_a_pronoun_stands_for() -> None:
    text = "Marlowe Press is a newspaper in Leeds. Founded in 1754, it is one of the oldest."
    assert ("Marlowe Press", "1754") in dates_of(text)


def test_a_participle_on_what_a_copula_calls_the_subject_dates_it() -> None:
    text = "The Rail Workers Benefit Fund is an organisation created by the state in 1921."
    assert ("Rail Workers Benefit Fund", "1921") in dates_of(text)


def test_a_described_school_is_dated_by_its_founding() -> None:
    text = "Hallam College is a school in Ohio. The school was founded in 1985 by two teachers."
    assert ("Hallam College", "1985") in dates_of(text)


def test_its_means_the_subject_of_its_sentence_else_the_nearest_name() -> None:
    found = facts("The report praised Brazil and its ally Chile.")
    assert ("Brazil", "alliedWith", "Chile") in found or ("Chile", "alliedWith", "Brazil") in found


def test_an_honorific_form_is_kept_as_an_alias() -> None:
    res = resolve([extract("Daniel Halloran joined the board. Mr Halloran said prices rose.")])
    (person,) = [e for e in res.entities.values() if e.cls == "Person"]
    assert person.label == "Daniel Halloran" and "Mr Halloran" in person.aliases
