"""Typed relations between entity mentions: the rule engine, which matches relation rules against
a parsed sentence and produces :class:`~kg.model.Relation` facts.

:func:`extract_relations` takes one parsed sentence and the entity mentions inside it and
returns Relation facts (subject key, contract property, object key) with
:class:`~kg.model.Evidence` (the sentence, the rule name, a confidence, the trigger word). The
rules and their file format are in :mod:`kg.nlp.relation_rules`; the roles they name are read
off the parse by :class:`~kg.nlp.parse_reader.ParseReader`. :func:`named_parties` reads the
parties of an agreement off its name ("the Korea-US Free Trade Agreement").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from spacy.tokens import Span, Token

from kg.model import Evidence, Mention, Relation
from kg.nlp.entities import DocumentContext, normalise_key
from kg.nlp.lexicon import Lexicon
from kg.nlp.parse_reader import Arg, ParseReader, lemma_of, only_pronouns, pobjs, words_of
from kg.nlp.relation_rules import (
    RelationRule,
    RelationRules,
    default_rules,
    in_classes,
    prep_words,
)
from kg.vocab import SYMMETRIC_PROPERTIES, is_subclass

__all__ = [
    "LEADER_TITLES",
    "NAMED_PARTY_CONFIDENCE",
    "NAMED_PARTY_RULE",
    "RELATED_RULE",
    "TITLE_CHAMBERS",
    "extract_relations",
    "named_parties",
    "title_memberships",
]

RELATED_RULE = "verb-related"

#: Titles under which a person acts for a country ("the French President", "Chancellor").
LEADER_TITLES = frozenset({"president", "minister", "chancellor", "premier", "king", "queen",
                           "emperor", "leader", "secretary", "ambassador", "envoy", "foreign",
                           "prime"})


@dataclass(frozen=True)
class _Candidate:
    subject: int
    object: int
    rule: RelationRule
    confidence: float
    trigger: str


class _Extractor:
    def __init__(self, reader: ParseReader, rules: RelationRules) -> None:
        self.reader = reader
        self.rules = rules
        self.fired: set[int] = set()  # trigger tokens that gave at least one typed fact
        self.classes = {mention.cls for _, mention in reader.mentions}  # in the sentence
        self.viable: dict[str, bool] = {}  # rule name -> whether its classes are here
        self.out: list[_Candidate] = []

    def run(self) -> list[_Candidate]:
        reader, rules = self.reader, self.rules
        for tok in reader.sent:
            words = words_of(tok)
            matching = rules.triggered_by("verb", words)
            if (
                matching
                and (tok.pos_ in ("VERB", "ADJ", "AUX") or reader.misparsed_verb(tok))
                and reader.mention_at(tok) is None
                and not reader.adjective_noun(tok)
            ):
                self._trigger(tok, matching, lambda role, t=tok: self._verb_role(t, role))
                continue
            matching = rules.triggered_by("noun", words)
            if matching and (tok.pos_ in ("NOUN", "PROPN") or reader.adjective_noun(tok)):
                self._trigger(tok, matching, lambda role, t=tok: self._noun_role(t, role))
        for idx, (span, mention) in enumerate(reader.mentions):
            if span.root.pos_ == "PRON":
                continue  # "it" stands for a name in clauses, not as the anchor of a name rule
            matching = list(rules.anchored_on(mention.cls))
            if matching:
                root = span.root
                self._trigger(
                    root, matching, lambda role, t=root: self._noun_role(t, role), anchor=idx
                )
        return self.out

    # roles: each returns resolved arguments

    def _verb_role(self, verb: Token, role: str) -> list[Arg] | None:
        first, *rest = role.split(".")
        roles = self.reader.verb_roles(verb)
        tokens = roles.get(first, [])
        if first.startswith("prep:"):
            tokens = [t for w in prep_words(first) for t in roles.get("prep:" + w, [])]
        if first == "mod":
            return [Arg(i, True) for t in tokens if (i := self.reader.mention_at(t)) is not None]
        if only_pronouns(tokens) and not self._resolved(tokens):
            return None
        return self._follow(tokens, rest)

    def _noun_role(self, anchor: Token, role: str) -> list[Arg] | None:
        first, *rest = role.split(".")
        tokens = self.reader.noun_role(anchor, first)
        if only_pronouns(tokens) and not self._resolved(tokens):
            if first != "poss":
                return None
            # "Japan strengthened its alliance with": the pronoun is the governing subject
            verb = self.reader.governor(anchor)
            subjects = self.reader.verb_roles(verb)["subj"] if verb is not None else []
            return [a for a in self.reader.resolve(subjects) if a.direct] or None
        if first in ("self", "desc", "apposed") and not rest:
            # the name itself, or the one name after the comma: not its coordinated list
            args = self.reader.resolve(tokens, conjuncts=False)
        else:
            args = self._follow(tokens, rest)
        if first in ("self", "desc"):
            return args
        own = self.reader.mention_at(anchor)
        return [a for a in args if a.index != own]

    def _resolved(self, tokens: Sequence[Token]) -> bool:
        """Whether coreference made these pronouns mentions ("It works with X": it is a firm)."""
        return all(self.reader.mention_at(t) is not None for t in tokens)

    def _follow(self, tokens: list[Token], path: list[str]) -> list[Arg]:
        for step in path:
            words = prep_words(step)
            tokens = [p for t in tokens for c in self.reader.preps(t) if c.lower_ in words
                      for p in pobjs(c)]
        return self.reader.resolve(tokens)

    # one trigger, its rules in order

    def _trigger(
        self,
        tok: Token,
        rules: list[RelationRule],
        role_of: Any,
        *,
        anchor: int | None = None,
    ) -> None:
        rules = [r for r in rules if self._could_fire(r)]
        if not rules or self.reader.negated(tok):
            return
        cache: dict[str, list[Arg] | None] = {}

        def args(
            roles: tuple[str, ...], classes: tuple[str, ...], direct: bool = False
        ) -> tuple[list[Arg], str]:
            """The mentions of the first role that names one directly, else of the first role
            that yields any; a bare pronoun stops the search."""
            fallback: tuple[list[Arg], str] = ([], "")
            for role in roles:
                if role not in cache:
                    cache[role] = role_of(role)
                resolved = cache[role]
                if resolved is None:
                    break
                found = [a for a in resolved if self._cls_ok(a, classes)
                         and (a.direct or not direct)]
                if any(a.direct for a in found):
                    return found, role
                if found and not fallback[0]:
                    fallback = (found, role)
            return fallback

        claimed: set[frozenset[int]] = set()
        modifier_words = self.reader.modifier_words(tok) if anchor is None else set()
        for rule in rules:
            earlier = set(claimed)  # pairs an earlier rule on this trigger already gave
            if rule.requires and not rule.requires & modifier_words:
                continue
            if rule.excludes & modifier_words:
                continue
            if any(args((role,), ())[0] for role in rule.unless):
                continue
            if rule.pairs:
                if anchor is None and any(
                    c.dep_ == "prep" and c.lower_ == "with" for c in tok.children
                ):
                    continue  # "A and B, in partnership with C": the partner is C, not B
                found, _ = args(rule.pairs, rule.subject_classes)
                pairs = [(a, b) for a, b in combinations(found, 2)]
                if rule.property not in SYMMETRIC_PROPERTIES:
                    pairs += [(b, a) for a, b in pairs]
            else:
                subjects, s_role = args(rule.subject, rule.subject_classes, rule.direct)
                objects, o_role = (
                    args(rule.object, rule.object_classes, rule.direct) if subjects else ([], "")
                )
                if s_role == o_role:
                    continue  # both ends from one slot ("French and German sites") say nothing
                pairs = [(s, o) for s in subjects for o in objects]
            for s, o in pairs:
                key = frozenset((s.index, o.index))
                if s.index == o.index or key in earlier:
                    continue
                cand = self._candidate(rule, s, o, tok, anchor)
                if cand is not None:
                    claimed.add(key)
                    self.out.append(cand)
                    self.fired.add(tok.i)

    def _could_fire(self, rule: RelationRule) -> bool:
        """Whether the sentence has a mention of a class each end of ``rule`` allows: a rule
        whose subject or object no mention can be gives nothing, whatever its roles find."""
        if rule.name not in self.viable:
            ends = [rule.subject_classes] if rule.pairs else [
                rule.subject_classes, rule.object_classes
            ]
            self.viable[rule.name] = all(
                any(in_classes(cls, allowed) for cls in self.classes) for allowed in ends
            )
        return self.viable[rule.name]

    def _represented_country(self, person: Arg) -> Arg | None:
        """The country a titled person acts for: "French President Charles de Gaulle",
        "West German Chancellor Konrad Adenauer" (a country and a title just before the name)."""
        span = self.reader.mentions[person.index][0]
        window = span.doc[max(self.reader.sent.start, span.start - 5) : span.start]
        if not any(t.lower_ in LEADER_TITLES for t in window):
            return None
        for tok in reversed(list(window)):
            index = self.reader.mention_at(tok)
            if index is not None and self.reader.mentions[index][1].cls == "Country":
                return Arg(index, person.direct)
        return None

    def _cls_ok(self, arg: Arg, classes: tuple[str, ...]) -> bool:
        return in_classes(self.reader.mentions[arg.index][1].cls, classes)

    def _candidate(
        self, rule: RelationRule, s: Arg, o: Arg, tok: Token, anchor: int | None
    ) -> _Candidate | None:
        spec = self.rules.property_spec(rule.property)
        cls = [self.reader.mentions[a.index][1].cls for a in (s, o)]
        fits = spec.fits(cls[0], cls[1])
        blocked = (spec.strict_domain and not fits[0]) or (spec.strict_range and not fits[1])
        if blocked and rule.property not in SYMMETRIC_PROPERTIES and all(spec.fits(cls[1], cls[0])):
            s, o = o, s  # the property's classes say the roles are the other way round
            fits, blocked = (True, True), False
        if rule.property == "alliedWith" and cls[0] == "Person" and not blocked:
            blocked = True  # people are not allies; the country a titled person acts for may be
        if blocked and cls[0] == "Person" and not fits[0] and spec.fits("Country", cls[1])[0]:
            country = self._represented_country(s)
            if country is not None:  # "French President de Gaulle signed …": France did
                s = country
                fits = spec.fits("Country", cls[1])
                blocked = spec.strict_range and not fits[1]
        if blocked:
            return None
        settings = self.rules.settings
        confidence = rule.confidence
        confidence *= settings.class_mismatch_factor ** (2 - sum(fits))
        if not (s.direct and o.direct):
            confidence *= settings.indirect_factor
        trigger = lemma_of(tok) if anchor is None else ""
        return _Candidate(s.index, o.index, rule, round(confidence, 3), trigger)

    # the fallback

    def related(self, typed: set[frozenset[str]]) -> list[_Candidate]:
        """kgo:relatedTo between the named subject and objects of verbs no rule fired on."""
        reader, settings = self.reader, self.rules.settings
        rule = RelationRule(RELATED_RULE, "verb", "relatedTo",
                            confidence=settings.related_confidence)
        out: list[_Candidate] = []
        for verb in reader.sent:
            if verb.pos_ != "VERB" or verb.i in self.fired or reader.mention_at(verb) is not None:
                continue
            lemma = lemma_of(verb)
            if lemma in settings.weak_verbs or lemma in settings.negators or reader.negated(verb):
                continue
            roles = reader.verb_roles(verb)
            subjects = [a for a in reader.resolve(roles["subj"]) if a.direct]
            object_tokens = roles["dobj"] + roles["dative"] + [
                t for name, toks in sorted(roles.items()) if name.startswith("prep:") for t in toks
            ]
            objects = [a for a in reader.resolve(object_tokens) if a.direct]
            for s in subjects:
                for o in objects:
                    keys = frozenset(reader.mentions[a.index][1].key for a in (s, o))
                    if len(keys) == 2 and keys not in typed:
                        out.append(_Candidate(s.index, o.index, rule,
                                              settings.related_confidence, lemma_of(verb)))
        return out


def extract_relations(
    sent: Span,
    mentions: Sequence[tuple[Span, Mention]],
    *,
    rules: RelationRules | None = None,
) -> list[Relation]:
    """The typed relations one sentence states between its mentions.

    ``mentions`` pairs each token span (in the same Doc as ``sent``) with its Mention; spans
    outside the sentence are ignored. The result is deduplicated (best evidence per fact)
    and sorted by subject, property and object.

    >>> import spacy
    >>> from spacy.tokens import Doc
    >>> from kg.model import Sentence
    >>> words = ["Samsung", "invested", "in", "Texas", "."]
    >>> doc = Doc(spacy.blank("en").vocab, words=words, heads=[1, 1, 1, 2, 1],
    ...           deps=["nsubj", "ROOT", "prep", "pobj", "punct"],
    ...           pos=["PROPN", "VERB", "ADP", "PROPN", "PUNCT"],
    ...           lemmas=["Samsung", "invest", "in", "Texas", "."])
    >>> s = Sentence("0" * 64, 0, len(doc.text), doc.text)
    >>> ms = [(doc[0:1], Mention("Samsung", 0, 7, "samsung", "Samsung", "Company", s)),
    ...       (doc[3:4], Mention("Texas", 20, 25, "texas", "Texas", "Region", s))]
    >>> [(r.subject, r.predicate, r.object, r.evidence.rule) for r in extract_relations(doc[:], ms)]
    [('samsung', 'investsIn', 'texas', 'verb-invest-in')]
    """
    rules = rules if rules is not None else default_rules()
    reader = ParseReader(sent, mentions, rules.settings)
    if len(reader.mentions) < 2:
        return []
    extractor = _Extractor(reader, rules)
    typed = [c for c in extractor.run()]
    typed_pairs = {
        frozenset(reader.mentions[i][1].key for i in (c.subject, c.object)) for c in typed
    }
    candidates = typed + extractor.related(typed_pairs)
    found = _finalise(reader, candidates)
    found += implied_leaders(sent, mentions, found)
    return found + leaders_under(sent, mentions, found)


#: Titles of the head of a state or government ("Under President X, Peru …").
HEAD_OF_STATE_TITLES = frozenset({"president", "minister", "chancellor", "premier", "king",
                                  "queen", "emperor", "prime"})


def leaders_under(
    sent: Span, mentions: Sequence[tuple[Span, Mention]], found: Sequence[Relation]
) -> list[Relation]:
    """ "Under President X, Peru pursued talks": X led the country that is the subject of the
    clause the "under" phrase belongs to.

    >>> from kg.nlp.pipeline import load_pipeline
    >>> from kg.nlp.entities import find_mentions
    >>> from kg.model import Document
    >>> text = "Under President Ana Ruiz, Peru pursued talks with Chile."
    >>> doc = load_pipeline()(text)
    >>> ms = find_mentions(doc, DocumentContext.of(Document.from_text(text, source="t")))
    >>> [(r.subject, r.object) for r in leaders_under(next(doc.sents), ms, [])]
    [('ana ruiz', 'peru')]
    """
    by_token = {t.i: m for span, m in mentions for t in span}
    led = {r.subject for r in found if r.predicate == "leaderOf"}
    out: list[Relation] = []
    for span, m in mentions:
        if m.cls != "Person" or m.key in led or not sent.start <= span.start < sent.end:
            continue
        root = span.root
        if root.dep_ != "pobj" or root.head.lower_ != "under":
            continue
        if span.start - 1 < sent.start or sent.doc[span.start - 1].lower_ not in (
            HEAD_OF_STATE_TITLES
        ):
            continue
        verb = root.head.head
        subjects = [c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}]
        countries = [by_token[c.i] for c in subjects if c.i in by_token]
        countries = [c for c in countries if c.cls == "Country"]
        if len(countries) == 1:
            evidence = Evidence(m.sentence, "prep-under-head-of-state", 0.65)
            out.append(Relation(m.key, "leaderOf", countries[0].key, evidence))
    return out


#: Titles written before a name that make the person the head of a company ("Chief executive
#: X said the firm …"); a word before the title that makes it a lesser post cancels it.
LEADER_TITLE_WORDS = (("chief", "executive"), ("chairman",), ("chairwoman",), ("boss",),
                      ("managing", "director"), ("ceo",))
LESSER_POSTS = frozenset({"deputy", "vice", "finance", "financial", "operating", "assistant",
                          "shadow", "acting", "co"})
IMPLIED_LEADER_RULE, IMPLIED_LEADER_CONFIDENCE = "title-implied-company", 0.6


def implied_leaders(
    sent: Span, mentions: Sequence[tuple[Span, Mention]], found: Sequence[Relation]
) -> list[Relation]:
    """A person titled chief executive, chairman or boss, with no organisation named with the
    title, leads the one company the sentence names or refers to ("Chief executive X and
    chief financial officer Y have left the firm": X leads the firm's company).

    >>> from kg.nlp.pipeline import load_pipeline
    >>> from kg.nlp.entities import find_mentions
    >>> from kg.model import Document
    >>> text = "Chief executive Ann Holt said Velmar Group would grow."
    >>> doc = load_pipeline()(text)
    >>> ms = find_mentions(doc, DocumentContext.of(Document.from_text(text, source="t")))
    >>> [(r.subject, r.object) for r in implied_leaders(next(doc.sents), ms, [])]
    [('ann holt', 'velmar group')]
    """
    in_sent = [(span, m) for span, m in mentions if sent.start <= span.start < sent.end]
    companies = {m.key for _, m in in_sent if is_subclass(m.cls, "Company")}
    if len(companies) != 1:
        return []
    (company,) = companies
    led = {r.subject for r in found if r.predicate == "leaderOf"}
    doc = sent.doc
    out: list[Relation] = []
    for span, m in in_sent:
        if m.cls != "Person" or m.key in led or m.source == "coref":
            continue
        for title in LEADER_TITLE_WORDS:
            start = span.start - len(title)
            if start < sent.start or tuple(t.lower_ for t in doc[start : span.start]) != title:
                continue
            if start > sent.start and doc[start - 1].lower_ in LESSER_POSTS:
                continue
            if start > sent.start and (doc[start - 1].ent_type_ or doc[start - 1].pos_ == "PROPN"):
                continue  # "Velmar chief executive X": the rules read the named company
            evidence = Evidence(m.sentence, IMPLIED_LEADER_RULE, IMPLIED_LEADER_CONFIDENCE)
            out.append(Relation(m.key, "leaderOf", company, evidence))
            led.add(m.key)
            break
    return out


def _finalise(reader: ParseReader, candidates: Iterable[_Candidate]) -> list[Relation]:
    best: dict[tuple[str, str, str], Relation] = {}
    for c in candidates:
        subj, obj = reader.mentions[c.subject][1], reader.mentions[c.object][1]
        s_key, o_key = subj.key, obj.key
        if s_key == o_key:
            continue
        if c.rule.property in SYMMETRIC_PROPERTIES and o_key < s_key:
            s_key, o_key = o_key, s_key
        fact = (s_key, c.rule.property, o_key)
        evidence = Evidence(subj.sentence, c.rule.name, c.confidence, c.trigger)
        old = best.get(fact)
        if old is None or _better(evidence, old.evidence):
            best[fact] = Relation(s_key, c.rule.property, o_key, evidence)
    # "Velmar's chief executive Anna Berg": she leads Velmar; that she belongs to it says less
    led = {(s, o) for s, p, o in best if p == "leaderOf"}
    return [best[f] for f in sorted(best) if not (f[1] == "memberOf" and (f[0], f[2]) in led)]


def _better(new: Evidence, old: Evidence) -> bool:
    return (-new.confidence, new.rule, new.trigger) < (-old.confidence, old.rule, old.trigger)


#: The rule name and confidence of parties read off an agreement's own name.
NAMED_PARTY_RULE, NAMED_PARTY_CONFIDENCE = "entity-agreement-named-parties", 0.7


def named_parties(
    mentions: Sequence[tuple[Span, Mention]], ctx: DocumentContext, lex: Lexicon
) -> list[Relation]:
    """The countries a bilateral or plurilateral agreement is named after are its parties:
    "the Korea-US Free Trade Agreement", "the US-Japan Semiconductor Agreement". One country
    in a name says nothing ("the Panama Canal Treaty").

    >>> from kg.model import Document
    >>> from kg.nlp.entities import find_mentions
    >>> from kg.nlp.lexicon import load_lexicon
    >>> from kg.nlp.pipeline import load_pipeline
    >>> text = "The Peru-Chile Trade Agreement took effect."
    >>> doc = load_pipeline()(text)
    >>> ctx = DocumentContext.of(Document.from_text(text, source="t"))
    >>> [(r.subject, r.object) for r in named_parties(find_mentions(doc, ctx), ctx, load_lexicon())]
    [('chile', 'peru-chile trade agreement'), ('peru', 'peru-chile trade agreement')]
    """
    out: dict[tuple[str, str], Relation] = {}
    for span, mention in mentions:
        if mention.cls not in {"Treaty", "TradeAgreement"} or mention.source == "coref":
            continue
        parties = set()
        for word in re.split(r"[\s\-–/]+", span.text):
            country = lex.countries.get(word)
            if country is None or (country.kind == "demonym" and country.ambiguous):
                continue
            if country.ambiguous and not ctx.mentions_any([country.label]):
                continue
            parties.add(normalise_key(country.label))
        if len(parties) < 2:  # "Panama Canal Treaty" names a place, not its parties
            continue
        evidence = Evidence(mention.sentence, NAMED_PARTY_RULE, NAMED_PARTY_CONFIDENCE)
        for party in parties:
            out[(party, mention.key)] = Relation(party, "partyTo", mention.key, evidence)
    return [out[k] for k in sorted(out)]


#: Titles that name the assembly their holder sits in ("MEP": Member of the European
#: Parliament). Only titles that belong to one assembly in the world.
TITLE_CHAMBERS = {"MEP": "European Parliament", "MSP": "Scottish Parliament"}
TITLE_MEMBER_RULE, TITLE_MEMBER_CONFIDENCE = "entity-titled-member", 0.6
_TITLE_BEFORE = re.compile(r"\b(MEP|MSP)s?\s+$")
_TITLE_AFTER = re.compile(r"^,\s+(?:an?|the)\s+(?:[\w-]+\s+){0,3}?(MEP|MSP)\b")


def title_memberships(mentions: Sequence[Mention], text: str) -> list[Relation]:
    """A person titled "MEP" or "MSP" ("Green MEP Ana Ruiz", "Ana Ruiz, a Labour MEP") is a
    member of the assembly the title names, when the document names that assembly.

    ``mentions`` are the document's mentions and ``text`` its text.

    >>> from kg.model import Sentence
    >>> text = "Green MEP Ana Ruiz spoke. The European Parliament voted."
    >>> s = Sentence("0" * 64, 0, 25, text[:25])
    >>> ms = [Mention("Ana Ruiz", 10, 18, "ana ruiz", "Ana Ruiz", "Person", s),
    ...       Mention("European Parliament", 30, 49, "european parliament",
    ...               "European Parliament", "GovernmentAgency", s)]
    >>> [(r.subject, r.predicate, r.object) for r in title_memberships(ms, text)]
    [('ana ruiz', 'memberOf', 'european parliament')]
    """
    chambers = {m.label: m.key for m in mentions if m.label in TITLE_CHAMBERS.values()}
    out: dict[tuple[str, str], Relation] = {}
    for m in mentions:
        if m.cls != "Person" or m.source == "coref" or not chambers:
            continue
        before = _TITLE_BEFORE.search(text[max(0, m.start - 12) : m.start])
        after = _TITLE_AFTER.match(text[m.end : m.end + 60])
        found = before or after
        title = found.group(1) if found is not None else ""
        chamber = chambers.get(TITLE_CHAMBERS.get(title, ""))
        if chamber is None or (m.key, chamber) in out:
            continue
        evidence = Evidence(m.sentence, TITLE_MEMBER_RULE, TITLE_MEMBER_CONFIDENCE)
        out[(m.key, chamber)] = Relation(m.key, "memberOf", chamber, evidence)
    return [out[k] for k in sorted(out)]
