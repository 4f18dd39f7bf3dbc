"""Mentions to canonical entities: one entity per thing across every document of a build.

Merging happens on the mention key (a normalised canonical name), then on names the text
ties together: an abbreviation used anywhere joins the long form it was introduced with,
and a short form joins the one longer name in the same document that it abbreviates
("Biden" -> "Joe Biden", "Hyundai" -> "Hyundai Motor"; "LG" stays apart from
"LG Energy Solution", which is another company). A person's short form is read per document:
"Smith" is John Smith where the text named John Smith, and someone else in another document. A name
that one document uses for a person and another for a place ("Mr Houston", "Houston, Texas")
gives two entities. Each entity gets one class by weighted vote.

>>> from kg.model import Document, Sentence, Mention, Extraction
>>> doc = Document.from_text("Joe Biden met Biden.", source="a.txt")
>>> s = Sentence(doc.sha256, 0, 20, doc.text)
>>> ms = (Mention("Joe Biden", 0, 9, "joe biden", "Joe Biden", "Person", s),
...       Mention("Biden", 14, 19, "biden", "Biden", "Person", s))
>>> r = resolve([Extraction(doc, (s,), ms, ())])
>>> [(e.label, sorted(e.aliases), e.mention_count) for e in r.entities.values()]
[('Joe Biden', ['Biden'], 2)]
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain, combinations

from kg.model import (
    MODEL_EXTRACTOR_PREFIX,
    DateFact,
    Entity,
    Evidence,
    Extraction,
    Mention,
    Relation,
    Sentence,
)
from kg.nlp.keys import normalise_key
from kg.nlp.lexicon import Lexicon, load_lexicon
from kg.vocab import SYMMETRIC_PROPERTIES, class_depth, is_subclass

#: A heading-only entity survives only when its typing was this sure (a country, say).
HEADING_ONLY_MIN_STRENGTH = 0.9
SHORT_FORM_CLASSES = frozenset({"Person", "Company", "Organization"})


@dataclass
class Resolution:
    """Entities, relations, dates and co-occurrences after merging, keyed by entity key."""

    entities: dict[str, Entity] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    dates: list[DateFact] = field(default_factory=list)
    cooccurrences: dict[tuple[str, str], int] = field(default_factory=dict)
    #: Mention key -> the key it merged into (keys that merge into nothing are absent).
    merged: dict[str, str] = field(default_factory=dict)
    #: (document sha256, mention key) -> the key it stands for in that document only.
    local: dict[tuple[str, str], str] = field(default_factory=dict)

    def final_key(self, key: str, doc_sha256: str = "") -> str:
        """The key of the entity that a mention key ended up in (itself when unmerged);
        with ``doc_sha256``, as read in that document (short forms, split names)."""
        return _final(self.local.get((doc_sha256, key), key), self.merged)


def vote_class(mentions: Iterable[Mention]) -> str:
    """The class that the mentions' strengths favour; ties go to the more specific class.

    >>> from kg.model import Sentence
    >>> s = Sentence("x", 0, 1, "x")
    >>> vote_class([Mention("A", 0, 1, "a", "A", "Company", s, strength=0.3),
    ...             Mention("A", 2, 3, "a", "A", "Person", s, strength=0.5)])
    'Person'
    """
    score: dict[str, float] = defaultdict(float)
    for m in mentions:
        score[m.cls] += m.strength
    return max(sorted(score), key=lambda c: (round(score[c], 6), class_depth(c)))


def _short_form_target(
    label: str, cls: str, others: list[tuple[str, str, str]], lex: Lexicon
) -> str | None:
    """The one longer name in a document that a one-word name is short for, if exactly one."""
    hits = []
    for key, other_label, other_cls in others:
        words = other_label.split()
        if len(words) < 2 or other_cls not in SHORT_FORM_CLASSES:
            continue
        if cls == "Person" or other_cls == "Person":
            if other_cls == "Person" and label in (words[0], words[-1]):  # Biden; Xi Jinping
                hits.append(key)
        elif words[0] == label and all(w in lex.corporate_suffixes for w in words[1:]):
            hits.append(key)
    return hits[0] if len(set(hits)) == 1 else None


#: Classes that never share an entity with a person's name.
PLACE_CLASSES = frozenset({"Country", "City", "Region", "Place", "Facility"})


def _merge_map(extractions: Sequence[Extraction], lex: Lexicon) -> dict[str, str]:
    """Key -> key it merges into, in every document: an abbreviation joins its long form."""
    merge: dict[str, str] = {}
    by_alias: dict[str, str] = {}
    for ex in extractions:
        for m in ex.mentions:
            if m.source != "abbreviation" or not m.text:
                continue
            surface = normalise_key(m.text)
            if surface and surface != m.key:
                by_alias.setdefault(surface, m.key)
    keys = {m.key for ex in extractions for m in ex.mentions}
    for key in sorted(keys):
        if key in by_alias and by_alias[key] != key:
            merge[key] = by_alias[key]
    return merge


def _local_map(
    extractions: Sequence[Extraction], merge: dict[str, str], lex: Lexicon
) -> dict[tuple[str, str], str]:
    """(document, key) -> key: a person's short form within its document, then names split by
    kind. A company's short form ("Nokia" for "Nokia Corporation") is added to ``merge``: it
    holds in every document."""
    local: dict[tuple[str, str], str] = {}
    for ex in extractions:
        sha = ex.document.sha256
        names = {(m.key, m.label, m.cls) for m in ex.mentions if not m.heading}
        ordered = sorted(names)
        for key, label, cls in ordered:
            if " " in label or cls not in SHORT_FORM_CLASSES or key in merge:
                continue
            if (sha, key) in local:
                continue
            target = _short_form_target(label, cls, [n for n in ordered if n[0] != key], lex)
            if target is None:
                continue
            if cls == "Person":
                local[(sha, key)] = target  # "Smith" is John Smith here, someone else elsewhere
            else:
                merge[key] = target  # "Nokia" is Nokia Corporation in every document
    local.update(_kind_splits(extractions, merge, local))
    return local


def _kind(cls: str) -> str:
    return "person" if cls == "Person" else "place" if cls in PLACE_CLASSES else "other"


def _kind_splits(
    extractions: Sequence[Extraction],
    merge: dict[str, str],
    local: dict[tuple[str, str], str],
) -> dict[tuple[str, str], str]:
    """Documents that read a name as a person where others read it as a place (or the other
    way round) keep their own entity, keyed ``name-person`` / ``name-place``."""
    votes: dict[str, dict[str, list[Mention]]] = defaultdict(lambda: defaultdict(list))
    for ex in extractions:
        sha = ex.document.sha256
        for m in ex.mentions:
            key = _final(local.get((sha, m.key), m.key), merge)
            votes[key][sha].append(m)
    out: dict[tuple[str, str], str] = {}
    for key in sorted(votes):
        docs = votes[key]
        if len(docs) < 2:
            continue
        kinds = {sha: _kind(vote_class(ms)) for sha, ms in docs.items()}
        if not {"person", "place"} <= set(kinds.values()):
            continue
        weight: dict[str, float] = defaultdict(float)
        for sha, ms in docs.items():
            weight[kinds[sha]] += sum(m.strength for m in ms)
        main = max(sorted(weight), key=lambda k: (round(weight[k], 6), k == "place"))
        for sha in sorted(docs):
            if kinds[sha] != main and kinds[sha] in {"person", "place"}:
                for m in docs[sha]:
                    out[(sha, m.key)] = f"{key}-{kinds[sha]}"
    return out


def _final(key: str, merge: dict[str, str]) -> str:
    if key not in merge:  # most keys merge into nothing
        return key
    seen = set()
    while key in merge and key not in seen:
        seen.add(key)
        key = merge[key]
    return key


@dataclass(frozen=True)
class KeyMap:
    """Where mention keys end up: merges valid everywhere, and per-document readings."""

    merge: dict[str, str]
    local: dict[tuple[str, str], str]

    def of(self, key: str, sha: str) -> str:
        """The entity key that ``key`` stands for in document ``sha``."""
        return _final(self.local.get((sha, key), key), self.merge)


def _choose_label(mentions: list[Mention], cls: str = "") -> str:
    """The most used label (gazetteer and abbreviation labels first); a person is called by
    the fullest name the text gives ("Anna Berg", not "Berg" however often "Mrs Berg" recurs).

    >>> from kg.model import Sentence
    >>> s = Sentence("x", 0, 1, "x")
    >>> labels = ("Anna Berg", "Berg", "Berg")
    >>> ms = [Mention("", 0, 1, "berg", label, "Person", s) for label in labels]
    >>> _choose_label(ms, "Person"), _choose_label(ms)
    ('Anna Berg', 'Berg')
    """
    canonical = [m.label for m in mentions if m.source in {"gazetteer", "abbreviation"}]
    pool = canonical or [m.label for m in mentions]
    if cls == "Person" and not canonical:
        longest = max(len(label.split()) for label in pool)
        pool = [label for label in pool if len(label.split()) == longest]
    counts = Counter(pool)
    return max(sorted(counts), key=lambda lab: (counts[lab], len(lab)))


def _country_aliases(lex: Lexicon) -> dict[str, set[str]]:
    """Each country label's alias forms in the lexicon ("U.S." for "United States"; no demonyms).

    >>> sorted(_country_aliases(load_lexicon())["United States"])[:3]
    ['America', 'U.S.', 'U.S.A.']
    """
    aliases: dict[str, set[str]] = defaultdict(set)
    for form, country in lex.countries.items():
        if country.kind == "alias":
            aliases[country.label].add(form)
    return aliases


def _build_entities(groups: dict[str, list[Mention]], lex: Lexicon) -> dict[str, Entity]:
    entities: dict[str, Entity] = {}
    country_aliases = _country_aliases(lex)
    for key in sorted(groups):
        mentions = groups[key]
        if (
            all(m.heading for m in mentions)
            and max(m.strength for m in mentions) < HEADING_ONLY_MIN_STRENGTH
        ):
            continue
        cls = vote_class(mentions)
        label = _choose_label(mentions, cls)
        aliases = {m.text for m in mentions if m.text and m.text != label}
        aliases |= {m.label for m in mentions if m.label != label and m.source != "gazetteer"}
        if cls == "Country":
            aliases |= country_aliases.get(label, set())
        if cls == "InternationalOrganization":
            aliases |= {
                f for f, canon in lex.organizations.items() if canon == label and f != label
            }
        entities[key] = Entity(
            key=key,
            label=label,
            cls=cls,
            aliases=aliases,
            mention_count=len(mentions),
            documents={m.sentence.doc_sha256 for m in mentions},
        )
    return entities


#: The rule name and confidence of "a known city or region, and its country, in one sentence".
PLACE_COUNTRY_RULE, PLACE_COUNTRY_CONFIDENCE = "gazetteer-place-country", 0.6


def place_countries(
    ex: Extraction, keys: KeyMap, entities: dict[str, Entity], lex: Lexicon
) -> list[Relation]:
    """A city or region named together with its own country in one sentence lies in it
    ("born in Bergen, Norway", "offices in Leeds and across the United Kingdom"); the
    country comes from the gazetteer (cities by main name, ISO subdivisions).

    >>> from kg.model import Document
    >>> doc = Document.from_text("Sacramento is in the United States.", source="a.txt")
    >>> s = Sentence(doc.sha256, 0, 35, doc.text)
    >>> ms = (Mention("Sacramento", 0, 10, "sacramento", "Sacramento", "City", s),
    ...       Mention("United States", 20, 33, "united states", "United States", "Country", s))
    >>> r = resolve([Extraction(doc, (s,), ms, ())])
    >>> [(x.subject, x.predicate, x.object) for x in r.relations]
    [('sacramento', 'locatedIn', 'united states')]
    """
    by_sentence: dict[Sentence, list[str]] = defaultdict(list)
    sha = ex.document.sha256
    for m in ex.mentions:
        key = keys.of(m.key, sha)
        if not m.heading and m.source != "coref" and key in entities:
            by_sentence[m.sentence].append(key)
    out: list[Relation] = []
    for sentence in sorted(by_sentence, key=lambda s: s.start):
        named = sorted(set(by_sentence[sentence]))
        countries = {k for k in named if entities[k].cls == "Country"}
        for key in named:
            entity = entities[key]
            if entity.cls not in {"City", "Region"} or not countries:
                continue
            if entity.label in lex.capitals:
                continue  # a capital is its country's capital (capitalOf), said elsewhere
            country = lex.country_of_place(entity.label)
            target = keys.of(normalise_key(country), sha) if country else ""
            if target in countries and target != key:
                evidence = Evidence(sentence, PLACE_COUNTRY_RULE, PLACE_COUNTRY_CONFIDENCE)
                out.append(Relation(key, "locatedIn", target, evidence))
    return out


#: The rule name and confidence of "an organisation named after its country" (the
#: "Norwegian Coastal Administration", the "Bank of Ghana") when the text names that country.
NAME_COUNTRY_RULE, NAME_COUNTRY_CONFIDENCE = "name-country", 0.55
#: The same for a newspaper's or a broadcaster's home.
NAME_HOME_RULE, NAME_HOME_CONFIDENCE = "name-country-home", 0.5
#: A company named after a country may be anywhere ("Air Tanzania" aside); blocs span many.
NAME_COUNTRY_SKIP = frozenset({"InternationalOrganization", "Company"})
#: Classes whose country in the name is their home (``headquarteredIn``), not a location.
NAME_COUNTRY_HOME = frozenset({"MediaOrganization"})
#: Words that may come before the country in such a name.
_NAME_OPENERS = frozenset({"the", "The", "Royal", "National", "Imperial", "Federal"})


def name_countries(
    ex: Extraction, keys: KeyMap, entities: dict[str, Entity], lex: Lexicon
) -> list[Relation]:
    """An organisation or facility whose name opens with a country or its demonym ("Royal
    Danish Navy", "Kenyan Ports Authority", "United States Navy") or ends "of <country>" lies
    in that country, and the countries a war is named after took part in it ("Iran–Iraq War"),
    when the document also names the country itself. A newspaper or broadcaster named so has
    its home there (``headquarteredIn``, "the Norwegian Broadcasting Corporation"). Companies
    are left out: a company named after a country says where it began, not always where it is.

    >>> from kg.model import Document
    >>> doc = Document.from_text("The Danish Maritime Authority warned Denmark.", source="a.txt")
    >>> s = Sentence(doc.sha256, 0, 45, doc.text)
    >>> ms = (Mention("Danish Maritime Authority", 4, 29, "danish maritime authority",
    ...               "Danish Maritime Authority", "GovernmentAgency", s),
    ...       Mention("Denmark", 37, 44, "denmark", "Denmark", "Country", s))
    >>> [(x.subject, x.predicate, x.object) for x in name_countries(
    ...     Extraction(doc, (s,), ms, ()), KeyMap({}, {}), {
    ...     "danish maritime authority": Entity("danish maritime authority",
    ...         "Danish Maritime Authority", "GovernmentAgency"),
    ...     "denmark": Entity("denmark", "Denmark", "Country")}, load_lexicon())]
    [('danish maritime authority', 'locatedIn', 'denmark')]
    """
    sha = ex.document.sha256
    named = {keys.of(m.key, sha) for m in ex.mentions if not m.heading}
    countries = {k for k in named if k in entities and entities[k].cls == "Country"}
    if not countries:
        return []
    out: list[Relation] = []
    seen: set[str] = set()
    for m in sorted(ex.mentions, key=lambda m: m.start):
        key = keys.of(m.key, sha)
        entity = entities.get(key)
        if key in seen or entity is None or m.heading or m.source == "coref":
            continue
        if entity.cls in ("War", "Event"):
            seen.add(key)
            evidence = Evidence(m.sentence, NAME_COUNTRY_RULE, NAME_COUNTRY_CONFIDENCE)
            for party in _countries_in_war_name(entity.label, lex):
                target = keys.of(normalise_key(party), sha)
                if target in countries:
                    out.append(Relation(target, "participatedIn", key, evidence))
            home = _home_event_country(entity.label, lex)
            target = keys.of(normalise_key(home), sha) if home else ""
            if target in countries:
                out.append(Relation(key, "locatedIn", target, evidence))
            continue
        if entity.cls in NAME_COUNTRY_SKIP or not (
            is_subclass(entity.cls, "Organization") or entity.cls == "Facility"
        ):
            continue
        country = _country_in_name(entity.label, lex)
        target = keys.of(normalise_key(country), sha) if country else ""
        if target in countries and target != key:
            seen.add(key)
            if entity.cls in NAME_COUNTRY_HOME:
                evidence = Evidence(m.sentence, NAME_HOME_RULE, NAME_HOME_CONFIDENCE)
                out.append(Relation(key, "headquarteredIn", target, evidence))
            else:
                evidence = Evidence(m.sentence, NAME_COUNTRY_RULE, NAME_COUNTRY_CONFIDENCE)
                out.append(Relation(key, "locatedIn", target, evidence))
    return out


#: Words of an event's name that say it happened within one country.
_HOME_EVENTS = frozenset({"Civil", "Revolution", "Campaign", "Uprising", "Rebellion",
                          "Independence", "Insurgency", "Coup", "Election", "Referendum",
                          "Crisis", "Revolt"})


def _home_event_country(label: str, lex: Lexicon) -> str | None:
    """The one country an event within a country is named after ("Finnish Civil War",
    "Norwegian Campaign", "Chilean Election"); none for names of two sides.

    >>> lex = load_lexicon()
    >>> _home_event_country("Finnish Civil War", lex), _home_event_country("Korean Campaign", lex)
    ('Finland', None)
    >>> _home_event_country("Franco-Prussian War", lex) is None
    True
    """
    if re.search(r"[\-–—]", label):
        return None
    words = label.split()
    if not _HOME_EVENTS & set(words):
        return None
    found = {c.label for w in words
             if (c := lex.countries.get(w)) is not None and (c.code or c.kind == "demonym")}
    ambiguous = any((c := lex.countries.get(w)) is not None and c.ambiguous for w in words)
    return found.pop() if len(found) == 1 and not ambiguous else None


def _countries_in_war_name(label: str, lex: Lexicon) -> list[str]:
    """The countries a war is named after ("Iran–Iraq War", "Mexican-American War").

    >>> _countries_in_war_name("Chilean–Peruvian War of 1879", load_lexicon())
    ['Chile', 'Peru']
    >>> _countries_in_war_name("Cold War", load_lexicon())
    []
    """
    words = re.split(r"[\s\-–—]+", label)
    if "War" not in words and "Wars" not in words:
        return []
    head = words.index("War") if "War" in words else words.index("Wars")
    found: list[str] = []
    for word in words[:head]:
        country = lex.countries.get(word)
        if country is not None and not country.ambiguous and country.label not in found:
            found.append(country.label)
    return found


def _country_in_name(label: str, lex: Lexicon) -> str | None:
    """The country a name opens with (by its name or demonym), or ends with after "of".

    >>> lex = load_lexicon()
    >>> _country_in_name("Royal Thai Navy", lex), _country_in_name("Bank of Ghana", lex)
    ('Thailand', 'Ghana')
    >>> _country_in_name("United States Navy", lex)
    'United States'
    >>> _country_in_name("Jordan Motors", lex) is None  # an ambiguous name is no country
    True
    """
    words = label.split()
    while words and words[0] in _NAME_OPENERS:
        words = words[1:]
    if len(words) < 2:
        return None
    for n in (3, 2, 1):
        head = " ".join(words[:n])
        found = lex.countries.get(head)
        usable = found is not None and not found.ambiguous and (
            found.kind == "demonym" or bool(found.code)  # historic countries by demonym only
        )
        if found is not None and usable and n < len(words):
            return found.label
    if len(words) >= 3 and words[-2] == "of":
        found = lex.countries.get(words[-1])
        if found is not None and not found.ambiguous and found.kind != "demonym":
            return found.label
    return None


#: The rule name and confidence of "in a place that lies in a country, so in that country".
CHAIN_RULE, CHAIN_CONFIDENCE = "located-in-chain", 0.5
#: Facts about where something is that carry over to the country the place lies in.
_CHAINED = ("locatedIn", "headquarteredIn", "operatesIn")
#: How many places deep a chain of places may go ("a district of a city of a region").
_CHAIN_DEPTH = 3


def _countries_of_places(
    found: Sequence[Relation], entities: dict[str, Entity]
) -> dict[str, set[str]]:
    """Each place's countries, through chains of up to ``_CHAIN_DEPTH`` ``locatedIn`` facts
    between places (a capital lies in the country it is the capital of). Each (place, depth)
    is worked out once, so the work grows with the facts, not with their square.

    >>> s = Sentence("x", 0, 1, "x")
    >>> ents = {k: Entity(k, k, c) for k, c in [("a", "City"), ("b", "Region"),
    ...                                         ("c", "Country")]}
    >>> rels = [Relation("a", "locatedIn", "b", Evidence(s, "r", 0.8)),
    ...         Relation("b", "locatedIn", "c", Evidence(s, "r", 0.8))]
    >>> sorted((k, sorted(v)) for k, v in _countries_of_places(rels, ents).items())
    [('a', ['c']), ('b', ['c'])]
    """
    up: dict[str, set[str]] = defaultdict(set)
    for rel in found:
        target = entities.get(rel.object)
        if target is None or rel.subject == rel.object:
            continue
        if rel.predicate == "locatedIn" or (
            rel.predicate == "capitalOf" and target.cls == "Country"
        ):
            up[rel.subject].add(rel.object)
    memo: dict[tuple[str, int], frozenset[str]] = {}

    def within(place: str, depth: int) -> frozenset[str]:
        """The countries ``place`` lies in through at most ``depth`` facts."""
        if depth == 0 or place not in up:
            return frozenset()
        if (place, depth) not in memo:
            memo[(place, depth)] = frozenset()  # a cycle of places gives nothing more
            found_here: set[str] = set()
            for parent in sorted(up[place]):
                entity = entities.get(parent)
                if entity is not None and entity.cls == "Country":
                    found_here.add(parent)
                else:
                    found_here |= within(parent, depth - 1)
            memo[(place, depth)] = frozenset(found_here)
        return memo[(place, depth)]

    countries: dict[str, set[str]] = {}
    for place in sorted(up):
        here = set(within(place, _CHAIN_DEPTH)) - {place}
        if here:
            countries[place] = here
    return countries


def country_chains(found: Sequence[Relation], entities: dict[str, Entity]) -> list[Relation]:
    """What lies in a place that the same document puts in a country lies in that country:
    "the museum is in Bergen" and "Bergen, Norway" give the museum in Norway; a firm based in
    a city of a region of a country is based in that country (chains of up to three places,
    with the first fact's sentence as evidence); a capital lies in its country.

    >>> from kg.model import Document
    >>> doc = Document.from_text("A is in B. B is in C.", source="a.txt")
    >>> s1 = Sentence(doc.sha256, 0, 10, "A is in B.")
    >>> s2 = Sentence(doc.sha256, 11, 21, "B is in C.")
    >>> ents = {"a": Entity("a", "A", "Facility"), "b": Entity("b", "B", "City"),
    ...         "c": Entity("c", "C", "Country")}
    >>> rels = [Relation("a", "locatedIn", "b", Evidence(s1, "r", 0.8)),
    ...         Relation("b", "locatedIn", "c", Evidence(s2, "r", 0.8))]
    >>> [(r.subject, r.predicate, r.object) for r in country_chains(rels, ents)]
    [('a', 'locatedIn', 'c')]
    >>> ents["f"] = Entity("f", "F", "Company")
    >>> rels = [Relation("f", "headquarteredIn", "a", Evidence(s1, "r", 0.8)), *rels]
    >>> [(r.subject, r.predicate, r.object) for r in country_chains(rels, ents)]
    [('f', 'headquarteredIn', 'c'), ('a', 'locatedIn', 'c')]
    """
    countries = _countries_of_places(found, entities)
    out: list[Relation] = []
    for rel in found:
        place = entities.get(rel.object)
        if rel.predicate not in _CHAINED or place is None or place.cls == "Country":
            continue
        for country in sorted(countries.get(rel.object, ())):
            if country != rel.subject:
                evidence = Evidence(rel.evidence.sentence, CHAIN_RULE, CHAIN_CONFIDENCE)
                out.append(Relation(rel.subject, rel.predicate, country, evidence))
    for rel in found:  # an agency of a country's state is in that country
        target = entities.get(rel.object)
        if rel.predicate == "partOf" and target is not None and target.cls == "Country":
            evidence = Evidence(rel.evidence.sentence, CHAIN_RULE, CHAIN_CONFIDENCE)
            out.append(Relation(rel.subject, "locatedIn", rel.object, evidence))
    return out


#: The rule name and confidence of "a known city or region of a country the document names".
DOCUMENT_PLACE_RULE, DOCUMENT_PLACE_CONFIDENCE = "gazetteer-place-document-country", 0.5


def first_named(ex: Extraction, keys: KeyMap, entities: dict[str, Entity]) -> dict[str, Mention]:
    """Each resolved entity of a document with its first mention by name (not in a heading,
    not a pronoun or description), in the order of the text.

    >>> from kg.model import Document
    >>> doc = Document.from_text("Oslo grew. Oslo is in Norway.", source="a.txt")
    >>> s1, s2 = Sentence(doc.sha256, 0, 10, "Oslo grew."), Sentence(doc.sha256, 11, 29,
    ...     "Oslo is in Norway.")
    >>> ms = (Mention("Oslo", 11, 15, "oslo", "Oslo", "City", s2),
    ...       Mention("Oslo", 0, 4, "oslo", "Oslo", "City", s1))
    >>> ents = {"oslo": Entity("oslo", "Oslo", "City")}
    >>> first_named(Extraction(doc, (s1, s2), ms, ()), KeyMap({}, {}), ents)["oslo"].start
    0
    """
    sha = ex.document.sha256
    first: dict[str, Mention] = {}
    for m in sorted(ex.mentions, key=lambda m: m.start):
        key = keys.of(m.key, sha)
        if not m.heading and m.source != "coref" and key in entities:
            first.setdefault(key, m)
    return first


def document_place_countries(
    ex: Extraction, keys: KeyMap, entities: dict[str, Entity], lex: Lexicon
) -> list[Relation]:
    """A city or region lies in its own country (by the gazetteer) when the document names
    that country anywhere, not only in the place's sentence: "Calgary … in Canada". The
    evidence is the place's first sentence. A name the gazetteer gives another country, or
    a country the document never names, gives nothing.

    >>> from kg.model import Document
    >>> doc = Document.from_text("Sacramento grew. It is in the United States.", source="a.txt")
    >>> s1, s2 = Sentence(doc.sha256, 0, 16, "Sacramento grew."), Sentence(doc.sha256, 17, 44,
    ...     "It is in the United States.")
    >>> ms = (Mention("Sacramento", 0, 10, "sacramento", "Sacramento", "City", s1),
    ...       Mention("United States", 30, 43, "united states", "United States", "Country", s2))
    >>> ents = {"sacramento": Entity("sacramento", "Sacramento", "City"),
    ...         "united states": Entity("united states", "United States", "Country")}
    >>> [(r.subject, r.object, r.evidence.sentence.text) for r in document_place_countries(
    ...     Extraction(doc, (s1, s2), ms, ()), KeyMap({}, {}), ents, load_lexicon())]
    [('sacramento', 'united states', 'Sacramento grew.')]
    """
    sha = ex.document.sha256
    first = {key: m.sentence for key, m in first_named(ex, keys, entities).items()}
    countries = {k for k in first if entities[k].cls == "Country"}
    encyclopedic = defines_subject(ex)
    out: list[Relation] = []
    for key in sorted(first):
        entity = entities[key]
        if entity.cls not in {"City", "Region"} or not countries:
            continue
        if len(countries) > 1 and not encyclopedic:
            continue
        country = lex.country_of_place(entity.label) or lex.capitals.get(entity.label)
        target = keys.of(normalise_key(country), sha) if country else ""
        if target in countries and target != key:
            evidence = Evidence(first[key], DOCUMENT_PLACE_RULE, DOCUMENT_PLACE_CONFIDENCE)
            out.append(Relation(key, "locatedIn", target, evidence))
    return out


#: The rule name and confidence of "a body named after a place the text names lies there".
NAME_PLACE_RULE, NAME_PLACE_CONFIDENCE = "name-place", 0.55
#: Classes that lie in the place they are named after (companies and blocs are left out).
NAME_PLACE_CLASSES = frozenset({"GovernmentAgency", "ResearchOrganization", "Organization",
                                "MediaOrganization", "Facility"})


def name_places(
    ex: Extraction, keys: KeyMap, entities: dict[str, Entity]
) -> list[Relation]:
    """A body or a facility whose name holds a city or region that the same document names
    lies in it: "Calgary City Council", "the University of Alberta", "the Astana Financial
    Centre", "the Berlin-Brandenburg Academy". A newspaper named so has its home there
    (``headquarteredIn``, "the Leeds Courier"). Companies are left out, like blocs.

    >>> from kg.model import Document
    >>> doc = Document.from_text("Bergen City Council met in Bergen.", source="a.txt")
    >>> s = Sentence(doc.sha256, 0, 34, doc.text)
    >>> ms = (Mention("Bergen City Council", 0, 19, "bergen city council", "Bergen City Council",
    ...               "GovernmentAgency", s),
    ...       Mention("Bergen", 27, 33, "bergen", "Bergen", "City", s))
    >>> ents = {m.key: Entity(m.key, m.label, m.cls) for m in ms}
    >>> [(r.subject, r.predicate, r.object) for r in name_places(
    ...     Extraction(doc, (s,), ms, ()), KeyMap({}, {}), ents)]
    [('bergen city council', 'locatedIn', 'bergen')]
    """
    first = first_named(ex, keys, entities)
    places = {
        entities[k].label: k for k in first if entities[k].cls in {"City", "Region"}
    }
    out: list[Relation] = []
    for key in sorted(first):
        entity = entities[key]
        if entity.cls not in NAME_PLACE_CLASSES:
            continue
        words = re.split(r"[\s\-–]+", entity.label)
        found = ""
        for n in (3, 2, 1):
            for i in range(len(words) - n + 1):
                place = places.get(" ".join(words[i:i + n]))
                if place is not None and place != key and not found:
                    found = place
        if found:
            prop = "headquarteredIn" if entity.cls == "MediaOrganization" else "locatedIn"
            evidence = Evidence(first[key].sentence, NAME_PLACE_RULE, NAME_PLACE_CONFIDENCE)
            out.append(Relation(key, prop, found, evidence))
    return out


#: The rule name and confidence of "named in a text about one country, and placed nowhere else".
DOCUMENT_COUNTRY_RULE, DOCUMENT_COUNTRY_CONFIDENCE = "document-country", 0.4
#: Classes that take the document's country: organisations as their home, the rest as where
#: they are. Blocs reach across borders, and are left out; so are companies, unless their name
#: says they are one ("Tredegar Iron Company"), for a bare name typed Company is often a person.
DOCUMENT_COUNTRY_HOME = frozenset({"Organization", "MediaOrganization"})
DOCUMENT_COUNTRY_PLACE = frozenset({"GovernmentAgency", "ResearchOrganization", "Facility",
                                    "City", "Region", "Place"})
#: First words of names that reach beyond one country (continents, oceans, the world).
_BEYOND_ONE_COUNTRY = frozenset({
    "Africa", "African", "America", "Americas", "Antarctic", "Antarctica", "Arctic", "Asia",
    "Asian", "Atlantic", "Balkan", "Balkans", "Caribbean", "Commonwealth", "Eurasia",
    "Eurasian", "Europe", "European", "Global", "Indian Ocean", "Intergovernmental",
    "International", "Mediterranean", "Middle", "Nordic", "Oceania", "Pacific", "Scandinavia",
    "Scandinavian", "Transnational", "World",
})
_COMPASS = frozenset({"East", "West", "North", "South", "Central", "Southeast", "Southwest",
                      "Northeast", "Northwest", "Eastern", "Western", "Northern", "Southern"})
#: A text that opens by defining its subject: "X (1920–1992) was a Canadian politician".
_DEFINITION = re.compile(r"\b(?:is|was|are|were)\s+(?:(?:a|an|the|one)\b|[A-Z])")
_NAME_JOINERS = frozenset({"of", "the", "de", "da", "do", "del", "della", "di", "du", "la",
                           "le", "von", "van", "and", "for", "in", "on", "&"})
_REPORTED = re.compile(r"\b(?:said|says|told|reported)\b")


def defines_subject(ex: Extraction) -> bool:
    """Whether the document opens by defining a named subject, as an encyclopedia entry does:
    its first sentence starts with a name and says what it is ("X is a river in …").

    >>> from kg.model import Document
    >>> doc = Document.from_text("Halvorsen College is a school. It grew.", source="a.txt")
    >>> s = Sentence(doc.sha256, 0, 30, "Halvorsen College is a school.")
    >>> m = Mention("Halvorsen College", 0, 17, "halvorsen college", "Halvorsen College",
    ...             "ResearchOrganization", s)
    >>> defines_subject(Extraction(doc, (s,), (m,), ()))
    True
    >>> news = Document.from_text("Shares in Halvorsen College fell.", source="b.txt")
    >>> s2 = Sentence(news.sha256, 0, 33, news.text)
    >>> m2 = Mention("Halvorsen College", 10, 27, "halvorsen college", "Halvorsen College",
    ...              "ResearchOrganization", s2)
    >>> defines_subject(Extraction(news, (s2,), (m2,), ()))
    False
    """
    mentions = [m for m in ex.mentions if not m.heading]
    if not mentions:
        return False
    first = min(mentions, key=lambda m: m.start)
    sentence = first.sentence
    opening = ex.document.text[sentence.start:first.start].split()
    if len(opening) > 6 or any(
        not w[:1].isupper() and w[:1] not in "\"“'(" and w not in _NAME_JOINERS for w in opening
    ):
        return False  # a name (after a title or a first name, or around the mention) opens it
    rest = ex.document.text[first.end:sentence.end]
    said = _REPORTED.search(rest)
    definition = _DEFINITION.search(rest, 0, said.start() if said else len(rest))
    return definition is not None


def _beyond(label: str, country: str, lex: Lexicon) -> bool:
    """Whether a name points beyond one country: a continent, the world, or another country
    named in it ("European Academy", "Imperial Japanese Army" in a text about Britain, "University
    of Oxford" in a text about Germany)."""
    words = label.split()
    while len(words) > 1 and words[0] in _COMPASS:
        words = words[1:]
    if not words or words[0] in _BEYOND_ONE_COUNTRY:
        return True
    for n in (1, 2, 3):
        for i in range(len(words) - n + 1):
            found = lex.countries.get(" ".join(words[i:i + n]))
            if found is not None and not found.ambiguous and found.label != country:
                return True
    if len(words) >= 3 and words[-2] == "of":
        place = lex.country_of_place(words[-1])
        return place is not None and place != country
    return False


def document_countries(
    ex: Extraction, keys: KeyMap, entities: dict[str, Entity], lex: Lexicon,
    placed: set[str],
) -> list[Relation]:
    """In an encyclopedic text (one that opens by defining its subject, ``defines_subject``)
    that names one country and no other, the agencies, institutions, facilities and places it
    names are that country's, unless the text or the gazetteer puts them elsewhere (``placed``
    holds what the text already places in a country) or their name reaches beyond it; a
    party, a club, a newspaper or a firm whose name says it is one ("… Company", "… Group")
    has its home there. The evidence is the entity's first sentence.

    >>> from kg.model import Document
    >>> doc = Document.from_text("Halvorsen College is a school. Norway paid.", source="a.txt")
    >>> s1, s2 = Sentence(doc.sha256, 0, 30, "Halvorsen College is a school."), Sentence(
    ...     doc.sha256, 31, 43, "Norway paid.")
    >>> ms = (Mention("Halvorsen College", 0, 17, "halvorsen college", "Halvorsen College",
    ...               "ResearchOrganization", s1),
    ...       Mention("Norway", 31, 37, "norway", "Norway", "Country", s2))
    >>> ents = {m.key: Entity(m.key, m.label, m.cls) for m in ms}
    >>> [(r.subject, r.predicate, r.object) for r in document_countries(
    ...     Extraction(doc, (s1, s2), ms, ()), KeyMap({}, {}), ents, load_lexicon(), set())]
    [('halvorsen college', 'locatedIn', 'norway')]
    """
    if not defines_subject(ex):
        return []
    first = {key: m.sentence for key, m in first_named(ex, keys, entities).items()}
    countries = sorted(k for k in first if entities[k].cls == "Country")
    if len(countries) != 1:
        return []
    country = countries[0]
    name = entities[country].label
    out: list[Relation] = []
    for key in sorted(first):
        entity = entities[key]
        if key in placed or key == country or _beyond(entity.label, name, lex):
            continue
        if entity.cls in DOCUMENT_COUNTRY_HOME or (
            entity.cls == "Company" and lex.head_class(entity.label.split()) == "Company"
        ):
            prop = "headquarteredIn"
        elif entity.cls in DOCUMENT_COUNTRY_PLACE:
            prop = "locatedIn"
        else:
            continue
        if is_subclass(entity.cls, "Place") and lex.country_of_place(entity.label) not in (
            None, name
        ):
            continue  # the gazetteer puts it in another country
        evidence = Evidence(first[key], DOCUMENT_COUNTRY_RULE, DOCUMENT_COUNTRY_CONFIDENCE)
        out.append(Relation(key, prop, country, evidence))
    return out


def _relations(
    extractions: Sequence[Extraction], keys: KeyMap, entities: dict[str, Entity],
    lex: Lexicon,
) -> list[Relation]:
    best: dict[tuple[str, str, str, Sentence, str], Relation] = {}
    for ex in extractions:
        sha = ex.document.sha256
        found = [
            Relation(keys.of(rel.subject, sha), rel.predicate, keys.of(rel.object, sha),
                     rel.evidence)
            for rel in [
                *ex.relations,
                *place_countries(ex, keys, entities, lex),
                *name_countries(ex, keys, entities, lex),
                *document_place_countries(ex, keys, entities, lex),
                *name_places(ex, keys, entities),
            ]
        ]
        chained = [*found, *country_chains(found, entities)]
        placed = {
            rel.subject for rel in chained
            if rel.predicate in _CHAINED and rel.object in entities
            and entities[rel.object].cls == "Country"
        }
        chained += document_countries(ex, keys, entities, lex, placed)
        for rel in chained:
            s, o = rel.subject, rel.object
            if s == o or s not in entities or o not in entities:
                continue
            if rel.predicate in SYMMETRIC_PROPERTIES and o < s:
                s, o = o, s
            ident = (s, rel.predicate, o, rel.evidence.sentence, _family(rel.evidence.rule))
            new = Relation(s, rel.predicate, o, rel.evidence)
            if ident not in best or best[ident].evidence.confidence < rel.evidence.confidence:
                best[ident] = new
    return [
        best[k]
        for k in sorted(best, key=lambda k: (k[0], k[1], k[2], k[3].doc_sha256, k[3].start, k[4]))
    ]


def _family(rule: str) -> str:
    """The same for every rule; a model's own for its statements, kept beside the rules'.

    >>> _family("verb-invest-in"), _family("llm:llama3.1")
    ('', 'llm:llama3.1')
    """
    return rule if rule.startswith(MODEL_EXTRACTOR_PREFIX) else ""


def _dates(
    extractions: Sequence[Extraction], keys: KeyMap, entities: dict[str, Entity]
) -> list[DateFact]:
    chosen: dict[tuple[str, str], DateFact] = {}
    for ex in extractions:
        for fact in ex.dates:
            key = keys.of(fact.key, ex.document.sha256)
            if key in entities and (key, fact.which) not in chosen:
                chosen[(key, fact.which)] = DateFact(key, fact.which, fact.value, fact.sentence)
    for (key, which), fact in chosen.items():
        if which == "startDate":
            entities[key].start_date = fact.value
        else:
            entities[key].end_date = fact.value
    return [chosen[k] for k in sorted(chosen)]


def _sentence_pairs(
    ex: Extraction, keys: KeyMap, entities: dict[str, Entity]
) -> Iterator[tuple[str, str]]:
    """Each pair ``(a, b)``, ``a < b``, of entities named together in a sentence of ``ex``."""
    by_sentence: dict[Sentence, set[str]] = defaultdict(set)
    for m in ex.mentions:
        if m.heading:
            continue
        key = keys.of(m.key, ex.document.sha256)
        if key in entities:
            by_sentence[m.sentence].add(key)
    for named in by_sentence.values():
        yield from combinations(sorted(named), 2)


def _cooccurrences(
    extractions: Sequence[Extraction], keys: KeyMap, entities: dict[str, Entity]
) -> dict[tuple[str, str], int]:
    pairs = Counter(
        chain.from_iterable(_sentence_pairs(ex, keys, entities) for ex in extractions)
    )
    return dict(sorted(pairs.items()))


def resolve(extractions: Sequence[Extraction], *, lexicon: Lexicon | None = None) -> Resolution:
    """Merge the mentions of every document into entities, and re-key relations and dates."""
    lex = lexicon or load_lexicon()
    merge = _merge_map(extractions, lex)
    keys = KeyMap(merge, _local_map(extractions, merge, lex))
    groups: dict[str, list[Mention]] = defaultdict(list)
    for ex in extractions:
        for m in ex.mentions:
            groups[keys.of(m.key, ex.document.sha256)].append(m)
    entities = _build_entities(groups, lex)
    return Resolution(
        entities=entities,
        relations=_relations(extractions, keys, entities, lex),
        dates=_dates(extractions, keys, entities),
        cooccurrences=_cooccurrences(extractions, keys, entities),
        merged=merge,
        local=keys.local,
    )
