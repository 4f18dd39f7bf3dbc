"""Mentions to canonical entities: one entity per thing across every document of a build.

Merging happens on the mention key (a normalised canonical name), then on names the text
ties together: an abbreviation used anywhere joins the long form it was introduced with,
and a short form joins the one longer name in the same document that it abbreviates
("Biden" -> "Joe Biden", "Hyundai" -> "Hyundai Motor"; "LG" stays apart from
"LG Energy Solution", which is another company). Short forms are read per document: "Smith"
is John Smith where the text named John Smith, and someone else in another document. A name
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
from kg.nlp.entities import normalise_key
from kg.nlp.lexicon import Lexicon, load_lexicon
from kg.vocab import SYMMETRIC_PROPERTIES, class_depth

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
    """(document, key) -> key: short forms within their document, then names split by kind."""
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
            if target is not None:
                local[(sha, key)] = target
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


def _choose_label(mentions: list[Mention]) -> str:
    canonical = [m.label for m in mentions if m.source in {"gazetteer", "abbreviation"}]
    pool = canonical or [m.label for m in mentions]
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
        label = _choose_label(mentions)
        cls = vote_class(mentions)
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


def _relations(
    extractions: Sequence[Extraction], keys: KeyMap, entities: dict[str, Entity],
    lex: Lexicon,
) -> list[Relation]:
    best: dict[tuple[str, str, str, Sentence, str], Relation] = {}
    for ex in extractions:
        sha = ex.document.sha256
        for rel in [*ex.relations, *place_countries(ex, keys, entities, lex)]:
            s, o = keys.of(rel.subject, sha), keys.of(rel.object, sha)
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
