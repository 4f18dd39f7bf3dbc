"""English constructions that news states facts with, read by the real spaCy model.

Every sentence and every name here is written for the test; none comes from a benchmark
document. Each test checks one general way of stating a fact: a name a later paragraph's parse
misses, a noun the parser cut off from its name, a ban that is only meant to be lifted, firms
appointed as advisers, rivals, criticism faced from someone, a takeover battle won, and a
person named with the organisation they work for.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc

from kg.errors import UsageError
from kg.model import Document, Mention, Sentence
from kg.nlp.coref import Antecedent
from kg.nlp.entities import DocumentContext, finder_for
from kg.nlp.relation_rules import load_rules
from kg.nlp.relations import extract_relations
from tests.nlp_helpers import facts, labelled, nlp


def _mention(text: str, key: str, cls: str, sentence: Sentence, start: int = 0) -> Mention:
    return Mention(text, start, start + len(text), key, text, cls, sentence, source="ner")


# -- names: one introduced earlier holds where a later parse misses it ---------------------


def test_a_name_from_an_earlier_paragraph_is_found_again() -> None:
    pipeline = nlp()
    text = "Shares in Tellavon fell. The Tellavon board met on Monday."
    document = Document.from_text(text, source="t.txt")
    ctx = DocumentContext.of(document)
    first = Sentence(document.sha256, 0, 24, text[:24])
    ctx.history.append(Antecedent(_mention("Tellavon", "tellavon", "Company", first, 10), 0, False))
    later = pipeline("The Tellavon board met on Monday, and tellavon fans cheered.")
    found = [(later[c.start : c.end].text, c.cls, c.key)
             for c in finder_for(pipeline).known_names(later, ctx)]
    assert found == [("Tellavon", "Company", "tellavon")]  # not the lower-case word


def test_known_names_skip_descriptions_and_pronouns() -> None:
    pipeline = nlp()
    document = Document.from_text("It fell.", source="t.txt")
    ctx = DocumentContext.of(document)
    first = Sentence(document.sha256, 0, 8, "It fell.")
    coref = Mention("It", 0, 2, "tellavon", "Tellavon", "Company", first, source="coref")
    ctx.history.append(Antecedent(coref, 0, True))
    assert list(finder_for(pipeline).known_names(pipeline("It rose."), ctx)) == []


# -- the parse: a noun cut off from the name it introduces --------------------------------


def test_a_noun_before_a_stray_name_stands_for_the_name() -> None:
    # "Vantor bought the exchange Meldra", as the parser sometimes reads it: "Meldra" hung on
    # the verb as an adverbial instead of being the object's head
    words = ["Vantor", "bought", "the", "exchange", "Meldra", "."]
    doc = Doc(spacy.blank("en").vocab, words=words, heads=[1, 1, 3, 1, 1, 1],
              deps=["nsubj", "ROOT", "det", "dobj", "npadvmod", "punct"],
              pos=["PROPN", "VERB", "DET", "NOUN", "PROPN", "PUNCT"],
              tags=["NNP", "VBD", "DT", "NN", "NNP", "."],
              lemmas=["Vantor", "buy", "the", "exchange", "Meldra", "."])
    s = Sentence("0" * 64, 0, len(doc.text), doc.text)
    ms = [(doc[0:1], _mention("Vantor", "vantor", "Company", s)),
          (doc[4:5], _mention("Meldra", "meldra", "Company", s, 25))]
    facts_found = {(r.subject, r.predicate, r.object)
                   for r in extract_relations(doc[:], ms)}
    assert ("meldra", "subsidiaryOf", "vantor") in facts_found


# -- negation: a ban only meant to be lifted still stands ---------------------------------


def test_a_ban_that_is_only_meant_to_be_lifted_still_stands() -> None:
    for text in (
        "Plans to lift Canada's embargo on grain exports to Peru angered farmers.",
        "Ottawa is under pressure to lift Canada's embargo on grain exports to Peru.",
        "Calls to end the Canadian embargo on Peru grew louder.",
    ):
        assert ("Canada", "restricts", "Peru") in facts(text), text


def test_a_ban_that_was_lifted_is_no_restriction() -> None:
    for text in (
        "Canada lifted its embargo on grain exports to Peru.",
        "Canada decided to lift its embargo on Peru.",
    ):
        assert ("Canada", "restricts", "Peru") not in facts(text), text


# -- advisers ------------------------------------------------------------------------------


def test_firms_appointed_as_advisers_work_with_the_firm() -> None:
    found = facts(
        "Velmar Group, which also runs a plant in Porto, last month appointed Barclays and "
        "Deloitte as financial advisers."
    )
    assert ("Barclays", "cooperatesWith", "Velmar Group") in found
    assert ("Deloitte", "cooperatesWith", "Velmar Group") in found
    assert ("Barclays", "cooperatesWith", "Deloitte") not in found


def test_an_auditor_or_adviser_named_by_apposition() -> None:
    assert ("KPMG", "cooperatesWith", "Velmar") in facts("KPMG, Velmar's auditor, resigned.")
    assert ("Goldman Sachs", "cooperatesWith", "Velmar") in facts(
        "Velmar hired Goldman Sachs as its adviser on the bid."
    )


def test_serving_as_a_candidate_describes_the_subject() -> None:
    # "ran as the candidate … and succeeded him": the object of the next verb is not described
    found = facts(
        "In 2008 Joseph Banda ran as the Unity Alliance candidate and succeeded him."
    )
    assert ("Joseph Banda", "memberOf", "Unity Alliance") in found


# -- rivals --------------------------------------------------------------------------------


def test_a_rival_named_after_a_preposition_rivals_the_clause_subject() -> None:
    found = facts("Velmar Group lost the top spot to rival Carvex Group.")
    assert ("Carvex Group", "competesWith", "Velmar Group") in found


def test_a_rejected_offer_still_names_a_rival_and_its_home() -> None:
    found = facts(
        "In May the Oslo Bourse rejected a merger approach from Swedish rival Nasdaq Stockholm."
    )
    assert ("Nasdaq Stockholm", "competesWith", "Oslo Bourse") in found
    assert ("Nasdaq Stockholm", "headquarteredIn", "Sweden") in found
    assert ("Nasdaq Stockholm", "competesWith", "Sweden") not in found  # Sweden is its home


def test_a_coordinated_rival() -> None:
    found = facts("Velmar Group and rival Carvex Group both cut prices.")
    assert ("Carvex Group", "competesWith", "Velmar Group") in found


def test_rival_tagged_as_an_adjective_is_still_a_rival() -> None:
    found = facts("Chile may use the new jets to intimidate its old rival Peru, analysts warn.")
    assert ("Chile", "competesWith", "Peru") in found


def test_a_possessor_before_a_rival_does_not_own_the_rival() -> None:
    found = facts("Tellco's rival Carvex Group cut prices.")
    assert ("Carvex Group", "competesWith", "Tellco") in found
    assert ("Carvex Group", "subsidiaryOf", "Tellco") not in found



# -- what a party faces, and from whom ----------------------------------------------------


def test_criticism_and_lawsuits_faced_from_someone() -> None:
    assert ("Competition Commission", "opposes", "Carvex Group") in facts(
        "Carvex Group came under pressure from the Competition Commission."
    )
    found = facts("Velmar Group faces lawsuits from Tellco Inc and from Carvex Group.")
    assert ("Tellco Inc", "opposes", "Velmar Group") in found
    assert ("Carvex Group", "opposes", "Velmar Group") in found


def test_a_regulator_named_after_a_comma_is_the_one_criticising() -> None:
    found = facts(
        "For years Velmar Group has drawn sharp criticism from farmers and from the water "
        "watchdog, the Office of Water Services."
    )
    assert ("Office of Water Services", "opposes", "Velmar Group") in found
    found = facts(
        "Velmar Group has come under fire from customers and from the water regulator, the "
        "Office of Water Services (OWS)."
    )
    assert ("Office of Water Services", "opposes", "Velmar Group") in found


def test_a_ban_faced_from_a_regulator_restricts() -> None:
    found = facts("Velmar Group faced a ban from the Financial Services Authority.")
    assert ("Financial Services Authority", "restricts", "Velmar Group") in found


# -- takeovers won -------------------------------------------------------------------------


def test_winning_a_takeover_battle_for_a_firm_acquires_it() -> None:
    found = facts("After months of talks, Norvik Telecom won the takeover battle for Kabelnet.")
    assert ("Kabelnet", "subsidiaryOf", "Norvik Telecom") in found
    assert ("Kabelnet", "subsidiaryOf", "Norvik Telecom") in facts(
        "Norvik Telecom won the bidding war for Kabelnet."
    )


def test_launching_or_losing_a_takeover_battle_acquires_nothing() -> None:
    for text in (
        "Norvik Telecom launched a takeover battle for Kabelnet.",
        "Norvik Telecom lost the takeover battle for Kabelnet.",
    ):
        assert not {f for f in facts(text) if f[1] == "subsidiaryOf"}, text


# -- people named with their organisation ------------------------------------------------


def test_a_person_named_with_an_organisations_possessive_belongs_to_it() -> None:
    assert ("Tom Reed", "memberOf", "Labour Party") in facts(
        "Labour's Tom Reed voted against the bill."
    )


def test_a_relative_or_a_leader_is_not_just_a_member() -> None:
    found = facts("Velmar Group's partner Anna Berg said sales rose.")
    assert ("Anna Berg", "memberOf", "Velmar Group") not in found
    found = facts("Velmar's chief executive Anna Berg resigned.")
    assert ("Anna Berg", "leaderOf", "Velmar") in found
    assert ("Anna Berg", "memberOf", "Velmar") not in found


def test_a_name_and_its_title_as_two_subjects_with_the_comma_on_the_name() -> None:
    # '"…," Anna Berg, OWS director said.' with the comma hung on the name, as the parser
    # sometimes does: the name and "OWS director" are still one person
    words = ["Anna", "Berg", ",", "OWS", "director", "said", "."]
    doc = Doc(spacy.blank("en").vocab, words=words, heads=[1, 5, 1, 4, 5, 5, 5],
              deps=["compound", "nsubj", "punct", "compound", "nsubj", "ROOT", "punct"],
              pos=["PROPN", "PROPN", "PUNCT", "PROPN", "NOUN", "VERB", "PUNCT"],
              tags=["NNP", "NNP", ",", "NNP", "NN", "VBD", "."],
              lemmas=["Anna", "Berg", ",", "OWS", "director", "say", "."])
    s = Sentence("0" * 64, 0, len(doc.text), doc.text)
    ms = [(doc[0:2], _mention("Anna Berg", "anna berg", "Person", s)),
          (doc[3:4], _mention("OWS", "ows", "GovernmentAgency", s, 12))]
    found = {(r.subject, r.predicate, r.object) for r in extract_relations(doc[:], ms)}
    assert ("anna berg", "leaderOf", "ows") in found


# -- a bare title and the organisation the person leaves -----------------------------------


def test_a_titled_person_leaving_the_company_led_it() -> None:
    found = facts("Velmar Group posted a loss, and Chief executive Anna Berg has quit the company.")
    assert ("Anna Berg", "leaderOf", "Velmar Group") in found
    found = facts("Velmar Group reported a loss. Chairman Tom Reed resigned from the bank.")
    assert ("Tom Reed", "leaderOf", "Velmar Group") in found


def test_a_finance_chief_leaving_is_no_leader() -> None:
    found = facts(
        "Velmar Group reported a loss. Chief financial officer Tom Reed has left the firm."
    )
    assert ("Tom Reed", "leaderOf", "Velmar Group") not in found


# -- titles after an organisation's name, and sales of businesses -------------------------


def test_an_organisation_before_a_chief_executive_title() -> None:
    found = facts("Hartwell Group chief executive Anna Berg said profits rose.")
    assert ("Anna Berg", "leaderOf", "Hartwell Group") in found
    found = facts("Hartwell Group finance director Anna Berg said profits rose.")
    assert ("Anna Berg", "leaderOf", "Hartwell Group") not in found


def test_selling_a_business_to_a_buyer_makes_it_the_buyers() -> None:
    found = facts("Hartwell Group sold its Brightline Foods unit to Carvex Holdings.")
    assert ("Brightline Foods", "subsidiaryOf", "Carvex Holdings") in found
    assert ("Hartwell Group", "suppliesTo", "Carvex Holdings") not in found


def test_selling_goods_to_a_customer_supplies_it() -> None:
    found = facts("Hartwell Group sold 20 Falcon X200 jets to Carvex Holdings.")
    assert ("Hartwell Group", "suppliesTo", "Carvex Holdings") in found
    assert not {f for f in found if f[1] == "subsidiaryOf"}


def test_rule_files_accept_direct_and_the_new_roles(tmp_path: Path) -> None:
    rule = {"name": "noun-mentor", "kind": "noun", "lemmas": ["mentor"],
            "property": "cooperatesWith", "subject": "desc",
            "object": ["agent", "gov:hire|appoint", "employer", "undergoer", "clause"],
            "direct": True}
    path = tmp_path / "mine.json"
    path.write_text(json.dumps({"rules": [rule]}), encoding="utf-8")
    loaded = load_rules(path).rules[0]
    assert loaded.direct and loaded.object[1] == "gov:hire|appoint"
    path.write_text(json.dumps({"rules": [{**rule, "direct": "yes"}]}), encoding="utf-8")
    with pytest.raises(UsageError, match="direct: expected true or false"):
        load_rules(path)
    verb_rule = {**rule, "kind": "verb", "subject": "subj", "object": "gov:hire"}
    path.write_text(json.dumps({"rules": [verb_rule]}), encoding="utf-8")
    with pytest.raises(UsageError, match="unknown role 'gov:hire'"):
        load_rules(path)


# -- mergers, contracts, investment received, parents, products made by -----------------


def test_mergers_join_the_two_firms() -> None:
    for text in (
        "Hartwell Group is to merge with Carvex Holdings.",
        "Hartwell Group and Carvex Holdings agreed to merge.",
    ):
        assert ("Carvex Holdings", "cooperatesWith", "Hartwell Group") in facts(text), text


def test_a_contract_signed_binds_its_signer_to_what_it_says() -> None:
    assert ("Hartwell Group", "suppliesTo", "Carvex Holdings") in facts(
        "Hartwell Group has signed a contract to supply turbines to Carvex Holdings."
    )
    assert ("Brightline Foods", "subsidiaryOf", "Hartwell Group") in facts(
        "Hartwell Group signed a deal to buy Brightline Foods."
    )
    for text in (
        "Hartwell Group rejected a proposal to buy Brightline Foods.",
        "Carvex Holdings proposed a deal to buy Brightline Foods.",
    ):
        assert not {f for f in facts(text) if f[1] == "subsidiaryOf"}, text


def test_a_contract_won_from_a_customer_supplies_it() -> None:
    assert ("Hartwell Group", "suppliesTo", "Carvex Holdings") in facts(
        "Hartwell Group has won a contract from Carvex Holdings."
    )


def test_investment_received_from_an_investor() -> None:
    assert ("Hartwell Group", "investsIn", "Brightline Foods") in facts(
        "Brightline Foods received investment from Hartwell Group."
    )


def test_a_fine_with_an_amount_after_the_name() -> None:
    found = facts("The European Commission fined Hartwell Group 100m euros.")
    assert ("European Commission", "restricts", "Hartwell Group") in found


def test_a_parent_company_in_apposition() -> None:
    assert ("Hartwell Group", "subsidiaryOf", "Carvex Holdings") in facts(
        "Carvex Holdings, Hartwell Group's parent company, reported a loss."
    )


def test_products_made_by_a_firm() -> None:
    for text in (
        "Critics praised the Falcon X200 phones made by Hartwell Group.",
        "The Falcon X200 phone, made by Hartwell Group in Leeds, is popular.",
    ):
        assert ("Hartwell Group", "produces", "Falcon X200") in facts(text), text


# -- ownership, control, customers, appointments, failed bids -----------------------------


def test_ownership_by_a_modifier_or_by_part_of() -> None:
    assert ("Hotbox", "subsidiaryOf", "Microsoft") in facts(
        "The Microsoft-owned service Hotbox grew fast."
    )
    for text in (
        "Brightline Foods, part of Hartwell Group, reported a loss.",
        "Brightline Foods is part of Hartwell Group.",
    ):
        assert ("Brightline Foods", "subsidiaryOf", "Hartwell Group") in facts(text), text


def test_control_taken_and_a_passive_under_agree() -> None:
    for text in (
        "Hartwell Group has taken control of Brightline Foods.",
        "Brightline Foods agreed to be bought by Hartwell Group.",
    ):
        assert ("Brightline Foods", "subsidiaryOf", "Hartwell Group") in facts(text), text


def test_a_customer_is_supplied() -> None:
    assert ("Hartwell Group", "suppliesTo", "Carvex Holdings") in facts(
        "Carvex Holdings is Hartwell Group's largest customer."
    )


def test_a_failed_bid_gives_no_stake() -> None:
    assert not {f for f in facts("Hartwell Group's bid for Brightline Foods failed.")
                if f[1] == "investsIn"}
    assert ("Hartwell Group", "investsIn", "Brightline Foods") in facts(
        "Hartwell Group's bid for Brightline Foods succeeded."
    )


def test_appointed_or_named_to_lead() -> None:
    for text in (
        "Hartwell Group appointed Anna Berg as chief executive.",
        "Anna Berg was named chief executive of Hartwell Group.",
    ):
        assert ("Anna Berg", "leaderOf", "Hartwell Group") in facts(text), text


def test_a_product_named_in_apposition_to_a_firms_product_noun() -> None:
    for text, maker, product in (
        ("Velmar Motors grew fast. Its best-selling product, the Velmar V8, is assembled in "
         "Leeds.", "Velmar Motors", "Velmar V8"),
        ("Hartwell Group's new phone, the Falcon X200, went on sale.", "Hartwell Group",
         "Falcon X200"),
        ("The Falcon X200, a Hartwell Group phone, sold well.", "Hartwell Group", "Falcon X200"),
    ):
        assert (maker, "produces", product) in facts(text), text
    assert not {f for f in facts("Japan's best-selling car, the Corolla, is made in Aichi.")
                if f[1] == "produces"}  # a country makes no product


# -- sentences opening on a date ----------------------------------------------------------


def test_a_weekday_or_a_fronted_preposition_is_no_part_of_names() -> None:
    found = labelled("On Monday Hartwell Group and Carvex Holdings signed a supply deal.")
    assert found == {"Hartwell Group": "Company", "Carvex Holdings": "Company"}


def test_names_after_a_fronted_date_are_subjects() -> None:
    assert ("Carvex Holdings", "cooperatesWith", "Hartwell Group") in facts(
        "On Monday Hartwell Group and Carvex Holdings signed a supply deal."
    )
    found = facts(
        "On 4 May 1970 Italian President Mario Rossi and Austrian Chancellor Karl Huber signed "
        "the Treaty of Graz in Vienna."
    )
    assert ("Italy", "partyTo", "Treaty of Graz") in found
    assert ("Austria", "partyTo", "Treaty of Graz") in found


def test_two_names_glued_into_one_subject_are_both_subjects() -> None:
    # "Rossi and Huber signed the pact", parsed as one phrase headed by "Huber" with "Rossi"
    # hanging on it and keeping the "and"
    words = ["Rossi", "and", "Huber", "signed", "the", "pact", "."]
    doc = Doc(spacy.blank("en").vocab, words=words, heads=[2, 0, 3, 3, 5, 3, 3],
              deps=["nmod", "cc", "nsubj", "ROOT", "det", "dobj", "punct"],
              pos=["PROPN", "CCONJ", "PROPN", "VERB", "DET", "NOUN", "PUNCT"],
              tags=["NNP", "CC", "NNP", "VBD", "DT", "NN", "."],
              lemmas=["Rossi", "and", "Huber", "sign", "the", "pact", "."])
    s = Sentence("0" * 64, 0, len(doc.text), doc.text)
    ms = [(doc[0:1], _mention("Rossi", "rossi", "Country", s)),
          (doc[2:3], _mention("Huber", "huber", "Country", s, 10)),
          (doc[5:6], _mention("pact", "pact", "Treaty", s, 28))]
    found = {(r.subject, r.predicate, r.object) for r in extract_relations(doc[:], ms)}
    assert {("rossi", "partyTo", "pact"), ("huber", "partyTo", "pact")} <= found


def test_a_fronted_as_phrase_describes_the_subject_not_the_object() -> None:
    found = facts("As Peru's largest trading partner, Chile wields great influence.")
    assert ("Chile", "tradesWith", "Peru") in found or ("Peru", "tradesWith", "Chile") in found
    found = facts("As its adviser, Barclays praised Velmar Group.")
    assert ("Barclays", "cooperatesWith", "Velmar Group") not in found  # no one appointed


def test_a_title_naming_its_assembly_gives_membership() -> None:
    for text in (
        "The European Parliament voted on Monday. French Green MEP Ana Ruiz called it a scandal.",
        "Ana Ruiz, a Labour MEP, spoke. The European Parliament voted.",
    ):
        assert ("Ana Ruiz", "memberOf", "European Parliament") in facts(text), text
    assert not {f for f in facts("Green MEP Ana Ruiz spoke in Brussels.") if f[1] == "memberOf"}


def test_a_name_before_based_is_a_place() -> None:
    assert labelled("Hartwell Group, the Dundee-based brewer, reported higher profits.")[
        "Dundee"] == "City"
    assert labelled("The Texas-based firm Kestrel Oil grew.")["Texas"] == "Region"
    assert ("Hartwell Group", "headquarteredIn", "Dundee") in facts(
        "Hartwell Group, the Dundee-based brewer, reported higher profits."
    )


def test_charges_brought_by_someone_and_settled_or_pleaded_to() -> None:
    for text in (
        "Hartwell Group agreed to pay $5m to settle charges brought by the Securities and "
        "Exchange Commission.",
    ):
        assert ("Securities and Exchange Commission", "opposes", "Hartwell Group") in facts(text)
    assert ("Serious Fraud Office", "opposes", "Hartwell Group") in facts(
        "Hartwell Group pleaded guilty to charges brought by the Serious Fraud Office."
    )


def test_a_speaker_who_denies_is_not_undone() -> None:
    assert ("Tom Reed", "memberOf", "Hartwell Group") in facts(
        "Hartwell Group's spokesman Tom Reed denied the claims."
    )
