"""Merging mentions into entities: keys, abbreviations, short forms, class votes, headings."""

from __future__ import annotations

from kg.model import Document, Evidence, Extraction, Mention, Relation, Sentence
from kg.nlp.lexicon import load_lexicon
from kg.resolve import _country_aliases, resolve, vote_class


def _doc(text: str, name: str = "a.txt") -> tuple[Document, Sentence]:
    doc = Document.from_text(text, source=name)
    return doc, Sentence(doc.sha256, 0, len(text), text)


def _m(s: Sentence, text: str, key: str, label: str, cls: str, **kw: object) -> Mention:
    start = s.text.find(text) if text else 0
    return Mention(text, start, start + len(text), key, label, cls, s, **kw)  # type: ignore[arg-type]


def test_abbreviation_seen_in_one_document_joins_long_form_in_another() -> None:
    d1, s1 = _doc("The Terminal Defense System (TDS) was deployed.", "one.txt")
    d2, s2 = _doc("TDS arrived in Poland.", "two.txt")
    ex1 = Extraction(
        d1,
        (s1,),
        (
            _m(
                s1,
                "Terminal Defense System",
                "terminal defense system",
                "Terminal Defense System",
                "WeaponSystem",
                source="name-head",
                strength=0.85,
            ),
            _m(
                s1,
                "TDS",
                "terminal defense system",
                "Terminal Defense System",
                "WeaponSystem",
                source="abbreviation",
                strength=0.9,
            ),
        ),
        (),
    )
    ex2 = Extraction(d2, (s2,), (_m(s2, "TDS", "tds", "TDS", "Company", strength=0.3),), ())
    r = resolve([ex1, ex2])
    assert list(r.entities) == ["terminal defense system"]
    ent = r.entities["terminal defense system"]
    assert (ent.label, ent.cls, ent.mention_count, ent.aliases) == (
        "Terminal Defense System",
        "WeaponSystem",
        3,
        {"TDS"},
    )
    assert ent.documents == {d1.sha256, d2.sha256}


def test_company_short_form_merges_only_with_generic_suffix() -> None:
    d, s = _doc("Hyundai Motor and Hyundai grew; LG Energy Solution is not LG.")
    ms = tuple(
        _m(s, t, t.lower(), t, "Company")
        for t in ("Hyundai Motor", "Hyundai", "LG Energy Solution", "LG")
    )
    r = resolve([Extraction(d, (s,), ms, ())])
    assert sorted(e.label for e in r.entities.values()) == [
        "Hyundai Motor",
        "LG",
        "LG Energy Solution",
    ]


def test_person_surname_merges_with_full_name_when_unique() -> None:
    d, s = _doc("Moon Jae-in met Moon.")
    ms = (
        _m(s, "Moon Jae-in", "moon jae-in", "Moon Jae-in", "Person"),
        _m(s, "Moon", "moon", "Moon", "Person"),
    )
    assert list(resolve([Extraction(d, (s,), ms, ())]).entities) == ["moon jae-in"]


def test_heading_only_guesses_are_dropped_but_strong_names_stay() -> None:
    d, s = _doc("Soft Power Dynamics in Kenya")
    ms = (
        _m(
            s,
            "Soft Power Dynamics",
            "soft power dynamics",
            "Soft Power Dynamics",
            "Company",
            heading=True,
            strength=0.3,
        ),
        _m(s, "Kenya", "kenya", "Kenya", "Country", heading=True, strength=1.0, source="gazetteer"),
    )
    assert list(resolve([Extraction(d, (s,), ms, ())]).entities) == ["kenya"]


def test_class_vote_weighs_strength_and_prefers_specific_on_ties() -> None:
    s = Sentence("x", 0, 1, "x")
    assert (
        vote_class(
            [
                _m(s, "", "a", "A", "Organization", strength=0.5),
                _m(s, "", "a", "A", "Company", strength=0.5),
            ]
        )
        == "Company"
    )
    assert (
        vote_class(
            [
                _m(s, "", "a", "A", "Person", strength=0.9),
                _m(s, "", "a", "A", "Company", strength=0.3),
                _m(s, "", "a", "A", "Company", strength=0.3),
            ]
        )
        == "Person"
    )


def test_relations_are_rekeyed_deduplicated_and_symmetric_ordered() -> None:
    d, s = _doc("Peru and Chile are allies; Chile and Peru are allies.")
    ms = (_m(s, "Peru", "peru", "Peru", "Country"), _m(s, "Chile", "chile", "Chile", "Country"))
    rels = (
        Relation("peru", "alliedWith", "chile", Evidence(s, "r1", 0.6)),
        Relation("chile", "alliedWith", "peru", Evidence(s, "r2", 0.8)),
        Relation("peru", "alliedWith", "peru", Evidence(s, "r3", 0.9)),
        Relation("peru", "investsIn", "nowhere", Evidence(s, "r4", 0.9)),
    )
    r = resolve([Extraction(d, (s,), ms, rels)])
    assert [(x.subject, x.predicate, x.object, x.evidence.rule) for x in r.relations] == [
        ("chile", "alliedWith", "peru", "r2")
    ]
    assert r.cooccurrences == {("chile", "peru"): 1}


def test_country_aliases_are_the_lexicons_alias_forms() -> None:
    lex = load_lexicon()
    index = _country_aliases(lex)
    for label in {c.label for c in lex.countries.values()}:
        scanned = {f for f, c in lex.countries.items() if c.label == label and c.kind == "alias"}
        assert index.get(label, set()) == scanned, label
    assert "America" in index["United States"] and "American" not in index["United States"]


def test_cooccurrences_count_each_sentence_pair_once_and_skip_headings() -> None:
    d, s = _doc("Peru, Chile and Peru met Bolivia.")
    heading = Sentence(d.sha256, 0, 4, "Peru")
    other = Sentence(d.sha256, 0, 33, d.text)  # equal to ``s``: one sentence, not two
    ms = (
        _m(s, "Peru", "peru", "Peru", "Country"),
        _m(s, "Chile", "chile", "Chile", "Country"),
        _m(other, "Peru", "peru", "Peru", "Country"),
        _m(other, "Bolivia", "bolivia", "Bolivia", "Country"),
        _m(heading, "Peru", "peru", "Peru", "Country", heading=True),
        _m(heading, "Chile", "chile", "Chile", "Country", heading=True),
    )
    r = resolve([Extraction(d, (s,), ms, ())])
    assert r.cooccurrences == {
        ("bolivia", "chile"): 1,
        ("bolivia", "peru"): 1,
        ("chile", "peru"): 1,
    }


def test_a_surname_is_read_per_document() -> None:
    d1, s1 = _doc("Maria Okafor spoke. Okafor said no.", "one.txt")
    d2, s2 = _doc("Tunde Okafor resigned. Okafor left.", "two.txt")
    d3, s3 = _doc("Okafor won the vote.", "three.txt")

    def ex(d: Document, s: Sentence, full: str | None) -> Extraction:
        ms = [_m(s, "Okafor", "okafor", "Okafor", "Person", strength=0.5)]
        if full:
            ms.insert(0, _m(s, full, full.lower(), full, "Person", strength=0.5))
        return Extraction(d, (s,), tuple(ms), ())

    r = resolve([ex(d1, s1, "Maria Okafor"), ex(d2, s2, "Tunde Okafor"), ex(d3, s3, None)])
    counts = {e.label: e.mention_count for e in r.entities.values()}
    assert counts == {"Maria Okafor": 2, "Tunde Okafor": 2, "Okafor": 1}
    assert r.final_key("okafor", d1.sha256) == "maria okafor"
    assert r.final_key("okafor", d2.sha256) == "tunde okafor"
    assert r.final_key("okafor", d3.sha256) == "okafor"


def test_a_relation_of_a_surname_goes_to_the_full_name_of_its_own_document() -> None:
    d1, s1 = _doc("Maria Okafor runs Brightwell. Okafor leads Brightwell.", "one.txt")
    d2, s2 = _doc("Tunde Okafor spoke.", "two.txt")
    ms1 = (
        _m(s1, "Maria Okafor", "maria okafor", "Maria Okafor", "Person"),
        _m(s1, "Brightwell", "brightwell", "Brightwell", "Company"),
        Mention("Okafor", 30, 36, "okafor", "Okafor", "Person", s1),
    )
    rel = Relation("okafor", "leaderOf", "brightwell", Evidence(s1, "noun-leader-title", 0.8))
    ms2 = (_m(s2, "Tunde Okafor", "tunde okafor", "Tunde Okafor", "Person"),)
    r = resolve([Extraction(d1, (s1,), ms1, (rel,)), Extraction(d2, (s2,), ms2, ())])
    assert [(x.subject, x.object) for x in r.relations] == [("maria okafor", "brightwell")]


def test_a_person_and_a_city_with_one_name_stay_two_entities() -> None:
    d1, s1 = _doc("Flights to Corrigan were cut.", "one.txt")
    d2, s2 = _doc("Corrigan airport reopened.", "two.txt")
    d3, s3 = _doc("Mr Corrigan resigned.", "three.txt")
    city = [
        Extraction(d, (s,), (_m(s, "Corrigan", "corrigan", "Corrigan", "City", strength=1.0),), ())
        for d, s in ((d1, s1), (d2, s2))
    ]
    person = Extraction(
        d3, (s3,), (_m(s3, "Corrigan", "corrigan", "Corrigan", "Person", strength=0.85),), ()
    )
    r = resolve([*city, person])
    assert {(k, e.cls, e.mention_count) for k, e in r.entities.items()} == {
        ("corrigan", "City", 2),
        ("corrigan-person", "Person", 1),
    }
