"""Typed relations between entity mentions, read off the dependency parse by rules kept as data.

:func:`extract_relations` takes one parsed sentence and the entity mentions inside it and
returns :class:`~kg.model.Relation` facts (subject key, contract property, object key) with
:class:`~kg.model.Evidence` (the sentence, the rule name, a confidence, the trigger word).
The rules live in ``kg/nlp/patterns/relations.json``; :func:`load_rules` reads that file or a
user's file that extends or overrides it. No rule mentions a particular document: triggers are
general English words and the entity classes of the vocabulary contract.

What the rules see
------------------
A rule is anchored on a *trigger* and names the *roles* that give the two ends of a fact.
Roles resolve to mentions: a token inside a mention is that mention; a relative pronoun is the
noun its clause modifies; a common noun is the mention it stands in apposition to, or the items
of ``like``/``such as``/``including``; coordination (``A, B and C``) expands to every conjunct.
As a last resort a common noun stands for a mention that modifies it (``American facilities``)
or follows ``of``; such *indirect* ends are used only when no alternative role names a mention
directly, and they lower the confidence.

``kind: "verb"``: the trigger is a verb (or adjective) whose lemma is in ``lemmas``. Roles:
    ``subj`` the logical subject (the ``by`` agent of a passive, inherited through ``xcomp``,
    ``conj``, participles and relative clauses), ``dobj`` the logical object (the subject of a
    passive, the noun a participle modifies), ``dative``, ``mod`` (noun modifiers of the verb,
    as ``Tokyo`` in ``Tokyo-based``), and ``prep:in|into`` (objects of those prepositions, on
    the verb or on its direct object).
``kind: "noun"``: the trigger is a noun (nominalisation, title, relational noun). Roles:
    ``poss`` (``Japan's``), ``mod`` (mentions among its compound/adjective modifiers, as in
    ``the US-Japan alliance`` or ``US President``), ``desc`` (what the noun describes: the head
    of an apposition, the subject of a copula or of ``serve as``, the name it is compounded
    with, the items of ``such as``: ``Lexus, a Toyota subsidiary``, ``Lima is the capital``,
    ``President Joe Biden``), ``gov`` (the subject of the support verb that governs the noun,
    ``Japan announced investments``, or the name that ``in partnership with`` hangs on),
    ``between`` (``between A and B``), ``by`` and ``prep:…`` (as for verbs; a preposition on
    the governing verb counts too), ``self`` (the mention the trigger is part of).
``kind: "entity"``: the anchor is every mention whose class is in ``classes``; roles as for
    nouns, with ``self`` the anchor mention (``Ghana's Digital Economy Policy``, ``Fort Bragg
    in North Carolina``) and ``apposed`` the name right after it and a comma (``Austin,
    Texas``; not in a list).

A role path ``prep:on.prep:to`` follows a preposition from the objects of the first one
(``restrictions on exports to Nepal``).

The JSON format
---------------
.. code-block:: json

    {
      "extends": "default",
      "settings": {"related_confidence": 0.35, "weak_verbs": ["be", "have"]},
      "properties": {"partyTo": {"domain": ["Country", "Organization"], "range": ["Treaty"],
                                 "strict": ["range"]}},
      "rules": [
        {"name": "verb-invest-in", "kind": "verb", "lemmas": ["invest"],
         "property": "investsIn", "subject": "subj", "object": "prep:in|into",
         "confidence": 0.8}
      ]
    }

Top level: ``extends`` (``"default"``, the default, merges the file over the packaged rules;
``null`` uses the file alone), ``settings``, ``properties`` and ``rules``; unknown keys are
errors.

``settings`` (each optional when extending): ``related_confidence`` (kgo:relatedTo facts),
``class_mismatch_factor`` (multiplies the confidence for each end outside the property's
typical class), ``indirect_factor`` (for ends found through a modifier or ``of``),
``weak_verbs`` (verbs that never give kgo:relatedTo), ``negators`` (words that cancel what they
govern: ``refuse``, ``lack``…), ``copulas``, ``list_prepositions`` and ``support_verbs`` (the
verbs whose subject is the agent of their object noun, for the ``gov`` role: ``have``, ``sign``,
``announce``…), ``opaque_nouns`` (nouns that never stand for their modifier: a ``Toyota
subsidiary`` is not Toyota, ``French workers`` are not France) and ``naming_nouns`` (``the
city of Oslo`` is Oslo).

``properties`` maps a contract property to ``domain`` and ``range`` (contract classes; a
subclass matches) and ``strict`` (``"domain"`` and/or ``"range"``: a mismatch there blocks the
fact instead of lowering its confidence). A fact blocked that way which fits the other way
round is turned round (non-symmetric properties).

``rules`` is an ordered list; each rule has ``name`` (unique; a user rule with a packaged
rule's name replaces it, other user rules come before the packaged ones), ``kind``, ``lemmas``
(verb, noun) or ``classes`` (entity), ``property`` (a contract property), either ``subject``
and ``object`` or ``pairs`` (a role or a list of roles: the first role that names a mention
directly is used, else the first that yields an indirect one, and a bare pronoun such as
``it`` ends the search; ``pairs`` relates every two mentions of that role, as in ``A and B are
allies``), and
optionally ``unless`` (roles that must yield nothing), ``subject_classes`` and
``object_classes`` (the rule applies only to these classes), ``requires`` / ``excludes``
(modifier words of the trigger that must / must not be present: ``trading partner``,
``vice president``), ``confidence`` and ``enabled`` (``false`` switches a packaged rule off).
For one trigger the first rule that yields a pair of mentions claims it; later rules skip it.

Other behaviour: a negated trigger (``not``, ``never``, ``no``, ``without``, a negator verb
above it) gives nothing; symmetric properties are ordered by key so one fact dedups; a verb
with no rule that fired, and that is neither weak nor a negator, relates its named subject to
its named objects with ``kgo:relatedTo`` (trigger: the verb lemma) unless a typed fact already
links the two; no entity is related to itself; for each (subject, property, object) the best
evidence is kept, and facts come out sorted.

>>> rules = load_rules()
>>> rules.settings.related_confidence
0.35
>>> [r.property for r in rules.rules if r.name == "verb-invest-in"]
['investsIn']
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from itertools import combinations
from pathlib import Path
from typing import Any

from spacy.tokens import Span, Token

from kg.errors import UsageError
from kg.model import Evidence, Mention, Relation
from kg.vocab import ENTITY_CLASSES, RELATION_PROPERTIES, SYMMETRIC_PROPERTIES, is_subclass

__all__ = [
    "PropertySpec",
    "RelationRule",
    "RelationRules",
    "RuleSettings",
    "extract_relations",
    "load_rules",
]

KINDS = ("verb", "noun", "entity")
VERB_ROLES = frozenset({"subj", "dobj", "dative", "mod"})
NOUN_ROLES = frozenset({"self", "desc", "poss", "mod", "gov", "between", "by", "apposed"})
RELATED_RULE = "verb-related"
_MOD_DEPS = frozenset({"compound", "amod", "nmod", "npadvmod"})
_WORD_DEPS = frozenset({"compound", "amod", "prt", "advmod", "npadvmod", "nmod", "det"})
_LOCATIVE_PARTICIPLES = frozenset({"base", "headquarter", "headquartered", "locate", "register"})
_REL_PRONOUNS = frozenset({"which", "that", "who", "whom", "whose"})
_NP_TAGS = frozenset({"JJ", "JJS", "JJR", "NN", "NNS", "VBG", "HYPH"})
# dependencies through which a negation or a negator reaches down to a trigger
_NEG_WALK = frozenset(
    {"dobj", "pobj", "prep", "pcomp", "xcomp", "attr", "acomp", "compound", "amod", "dative",
     "oprd", "conj"}
)

# ---------------------------------------------------------------------------------------------
# the rules as data


@dataclass(frozen=True)
class PropertySpec:
    """The typical domain and range of a contract property, and which of them are binding.

    >>> spec = PropertySpec(("Person",), ("Country", "Organization"), strict_domain=True)
    >>> spec.fits("Person", "Company"), spec.fits("Company", "Country")
    ((True, True), (False, True))
    """

    domain: tuple[str, ...] = ()
    range: tuple[str, ...] = ()
    strict_domain: bool = False
    strict_range: bool = False

    def fits(self, subject_cls: str, object_cls: str) -> tuple[bool, bool]:
        """Whether the subject class fits the domain and the object class the range."""
        return _in_classes(subject_cls, self.domain), _in_classes(object_cls, self.range)


@dataclass(frozen=True)
class RelationRule:
    """One pattern: a trigger (lemmas or entity classes), the roles of both ends, a property."""

    name: str
    kind: str
    property: str
    lemmas: frozenset[str] = frozenset()
    classes: tuple[str, ...] = ()
    subject: tuple[str, ...] = ()
    object: tuple[str, ...] = ()
    pairs: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    subject_classes: tuple[str, ...] = ()
    object_classes: tuple[str, ...] = ()
    requires: frozenset[str] = frozenset()
    excludes: frozenset[str] = frozenset()
    confidence: float = 0.7


@dataclass(frozen=True)
class RuleSettings:
    """Tunables shared by all rules (see the module docstring)."""

    related_confidence: float = 0.35
    class_mismatch_factor: float = 0.6
    indirect_factor: float = 0.85
    weak_verbs: frozenset[str] = frozenset()
    negators: frozenset[str] = frozenset()
    copulas: frozenset[str] = frozenset({"be"})
    list_prepositions: frozenset[str] = frozenset({"like", "including"})
    support_verbs: frozenset[str] = frozenset({"have", "make", "sign", "announce"})
    opaque_nouns: frozenset[str] = frozenset({"subsidiary", "partner", "rival", "member"})
    naming_nouns: frozenset[str] = frozenset({"city", "province", "state", "island"})


@dataclass(frozen=True)
class RelationRules:
    """A loaded rule set: ordered rules, property constraints and settings."""

    rules: tuple[RelationRule, ...]
    properties: Mapping[str, PropertySpec] = field(default_factory=dict)
    settings: RuleSettings = RuleSettings()

    def property_spec(self, name: str) -> PropertySpec:
        """The constraints of a property (an unconstrained spec when none are given)."""
        return self.properties.get(name, PropertySpec())


def _in_classes(cls: str, classes: Sequence[str]) -> bool:
    return not classes or any(is_subclass(cls, c) for c in classes)


_DEFAULT_CACHE: dict[str, dict[str, Any]] = {}


def _packaged_raw() -> dict[str, Any]:
    if "raw" not in _DEFAULT_CACHE:
        source = resources.files("kg.nlp") / "patterns" / "relations.json"
        _DEFAULT_CACHE["raw"] = _parse_json(source.read_text(encoding="utf-8"), str(source))
    return _DEFAULT_CACHE["raw"]


def _parse_json(text: str, where: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise UsageError(
            f"{where}:{err.lineno}:{err.colno}: not valid JSON ({err.msg}); "
            "fix the rule file or pass another one"
        ) from err
    if not isinstance(data, dict):
        raise UsageError(f"{where}: a relation rule file must hold a JSON object")
    return data


def load_rules(path: Path | None = None) -> RelationRules:
    """Read relation rules: the packaged ones, or a user file merged over them.

    A user file with ``"extends": null`` stands alone. Malformed files raise
    :class:`~kg.errors.UsageError` naming the file and the rule at fault.

    >>> import json, tempfile
    >>> extra = {"rules": [{"name": "verb-praise", "kind": "verb", "lemmas": ["praise"],
    ...                     "property": "cooperatesWith", "subject": "subj", "object": "dobj"}]}
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     p = Path(tmp) / "mine.json"
    ...     _ = p.write_text(json.dumps(extra), encoding="utf-8")
    ...     rules = load_rules(p)
    >>> rules.rules[0].name, len(rules.rules) > 50
    ('verb-praise', True)
    """
    base = _packaged_raw()
    if path is None:
        return _build(base, "relations.json (packaged)")
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise UsageError(f"{path}: cannot read the relation rule file ({err.strerror})") from err
    user = _parse_json(text, str(path))
    extends = user.get("extends", "default")
    if extends is None:
        return _build(user, str(path))
    if extends != "default":
        raise UsageError(f"{path}: 'extends' must be \"default\" or null, not {extends!r}")
    return _build(_merge(base, user), str(path))


def _merge(base: Mapping[str, Any], user: Mapping[str, Any]) -> dict[str, Any]:
    settings = {**base.get("settings", {}), **user.get("settings", {})}
    properties = {**base.get("properties", {}), **user.get("properties", {})}
    user_rules = list(user.get("rules", []))
    by_name = {r.get("name"): r for r in user_rules if isinstance(r, dict)}
    kept = [by_name.pop(r["name"], r) for r in base.get("rules", [])]
    new = [r for r in user_rules if not isinstance(r, dict) or r.get("name") in by_name]
    merged = {k: v for k, v in user.items() if k != "extends"}
    merged.update(settings=settings, properties=properties, rules=new + kept)
    return merged


_TOP_KEYS = frozenset({"extends", "settings", "properties", "rules", "$comment", "version"})
_RULE_KEYS = frozenset(
    {"name", "kind", "property", "lemmas", "classes", "subject", "object", "pairs", "unless",
     "subject_classes", "object_classes", "requires", "excludes", "confidence", "enabled",
     "$comment"}
)


def _build(data: Mapping[str, Any], where: str) -> RelationRules:
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise UsageError(f"{where}: unknown top-level key(s) {unknown}")
    settings = _build_settings(data.get("settings", {}), where)
    properties = {
        name: _build_property(name, spec, where)
        for name, spec in sorted(data.get("properties", {}).items())
    }
    rules: list[RelationRule] = []
    seen: set[str] = set()
    for i, raw in enumerate(data.get("rules", [])):
        rule = _build_rule(raw, f"{where}: rule #{i + 1}")
        if rule is None:
            continue
        if rule.name in seen:
            raise UsageError(f"{where}: rule name {rule.name!r} is used twice")
        seen.add(rule.name)
        rules.append(rule)
    return RelationRules(rules=tuple(rules), properties=properties, settings=settings)


def _words(value: Any, where: str) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UsageError(f"{where}: expected a list of strings, got {value!r}")
    return frozenset(v.lower() for v in value)


def _classes(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise UsageError(f"{where}: expected a list of class names, got {value!r}")
    for cls in value:
        if cls not in ENTITY_CLASSES:
            known = ", ".join(ENTITY_CLASSES)
            raise UsageError(f"{where}: {cls!r} is not a contract class ({known})")
    return tuple(value)


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise UsageError(f"{where}: expected a number between 0 and 1, got {value!r}")
    return float(value)


def _build_settings(raw: Mapping[str, Any], where: str) -> RuleSettings:
    default = RuleSettings()
    known = {
        "related_confidence", "class_mismatch_factor", "indirect_factor", "weak_verbs",
        "negators", "copulas", "list_prepositions", "support_verbs", "opaque_nouns",
        "naming_nouns",
    }
    unknown = sorted(set(raw) - known)
    if unknown:
        raise UsageError(f"{where}: unknown setting(s) {unknown}")

    def num(key: str, fallback: float) -> float:
        return _number(raw[key], f"{where}: settings.{key}") if key in raw else fallback

    def words(key: str, fallback: frozenset[str]) -> frozenset[str]:
        return _words(raw[key], f"{where}: settings.{key}") if key in raw else fallback

    return RuleSettings(
        related_confidence=num("related_confidence", default.related_confidence),
        class_mismatch_factor=num("class_mismatch_factor", default.class_mismatch_factor),
        indirect_factor=num("indirect_factor", default.indirect_factor),
        weak_verbs=words("weak_verbs", default.weak_verbs),
        negators=words("negators", default.negators),
        copulas=words("copulas", default.copulas),
        list_prepositions=words("list_prepositions", default.list_prepositions),
        support_verbs=words("support_verbs", default.support_verbs),
        opaque_nouns=words("opaque_nouns", default.opaque_nouns),
        naming_nouns=words("naming_nouns", default.naming_nouns),
    )


def _build_property(name: str, raw: Any, where: str) -> PropertySpec:
    here = f"{where}: properties.{name}"
    if name not in RELATION_PROPERTIES:
        raise UsageError(f"{here}: not a contract relation property")
    if not isinstance(raw, dict) or set(raw) - {"domain", "range", "strict", "$comment"}:
        raise UsageError(f"{here}: expected an object with domain, range and strict")
    strict = _words(raw.get("strict", []), f"{here}.strict")
    if strict - {"domain", "range"}:
        raise UsageError(f"{here}.strict: only \"domain\" and \"range\" are allowed")
    return PropertySpec(
        domain=_classes(raw.get("domain", []), f"{here}.domain"),
        range=_classes(raw.get("range", []), f"{here}.range"),
        strict_domain="domain" in strict,
        strict_range="range" in strict,
    )


def _roles(value: Any, kind: str, where: str) -> tuple[str, ...]:
    roles = [value] if isinstance(value, str) else value
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise UsageError(f"{where}: a role is a string or a list of strings, got {value!r}")
    allowed = VERB_ROLES if kind == "verb" else NOUN_ROLES
    for role in roles:
        for i, step in enumerate(role.split(".")):
            ok = step in allowed if i == 0 else False
            if step.startswith("prep:") and len(step) > 5:
                ok = True
            if not ok:
                raise UsageError(
                    f"{where}: unknown role {step!r} for a {kind} rule "
                    f"(use {', '.join(sorted(allowed))} or prep:<word>|<word>)"
                )
    return tuple(roles)


def _build_rule(raw: Any, where: str) -> RelationRule | None:
    if not isinstance(raw, dict):
        raise UsageError(f"{where}: a rule is a JSON object")
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        raise UsageError(f"{where}: every rule needs a non-empty 'name'")
    here = f"{where} ({name})"
    unknown = sorted(set(raw) - _RULE_KEYS)
    if unknown:
        raise UsageError(f"{here}: unknown key(s) {unknown}")
    if raw.get("enabled", True) is False:
        return None
    kind = raw.get("kind")
    if kind not in KINDS:
        raise UsageError(f"{here}: 'kind' must be one of {', '.join(KINDS)}")
    prop = raw.get("property")
    if prop not in RELATION_PROPERTIES:
        raise UsageError(f"{here}: {prop!r} is not a contract relation property")
    has_pair = "subject" in raw and "object" in raw
    if has_pair == ("pairs" in raw):
        raise UsageError(f"{here}: give either 'subject' and 'object', or 'pairs'")
    if kind == "entity":
        if "classes" not in raw:
            raise UsageError(f"{here}: an entity rule needs 'classes'")
    elif "lemmas" not in raw:
        raise UsageError(f"{here}: a {kind} rule needs 'lemmas'")
    return RelationRule(
        name=name,
        kind=kind,
        property=prop,
        lemmas=_words(raw.get("lemmas", []), f"{here}.lemmas"),
        classes=_classes(raw.get("classes", []), f"{here}.classes"),
        subject=_roles(raw.get("subject", []), kind, f"{here}.subject"),
        object=_roles(raw.get("object", []), kind, f"{here}.object"),
        pairs=_roles(raw.get("pairs", []), kind, f"{here}.pairs"),
        unless=_roles(raw.get("unless", []), kind, f"{here}.unless"),
        subject_classes=_classes(raw.get("subject_classes", []), f"{here}.subject_classes"),
        object_classes=_classes(raw.get("object_classes", []), f"{here}.object_classes"),
        requires=_words(raw.get("requires", []), f"{here}.requires"),
        excludes=_words(raw.get("excludes", []), f"{here}.excludes"),
        confidence=_number(raw.get("confidence", 0.7), f"{here}.confidence"),
    )


# ---------------------------------------------------------------------------------------------
# reading the parse


@dataclass(frozen=True)
class _Arg:
    """A resolved end of a fact: a mention (by index) and whether it was found directly."""

    index: int
    direct: bool


#: Titles under which a person acts for a country ("the French President", "Chancellor").
LEADER_TITLES = frozenset({"president", "minister", "chancellor", "premier", "king", "queen",
                           "emperor", "leader", "secretary", "ambassador", "envoy", "foreign",
                           "prime"})


def _lemma(tok: Token) -> str:
    return tok.lemma_.lower()


def _words_of(tok: Token) -> set[str]:
    words = {tok.lower_, _lemma(tok)}
    if tok.tag_ in {"VBD", "VBN"} and tok.lower_.endswith("ed") and len(tok.lower_) > 4:
        words.add(tok.lower_[:-1])  # "fined" read as "fin": the past of a verb in -e
    return words


def _pobjs(prep: Token) -> list[Token]:
    return [c for c in prep.children if c.dep_ in ("pobj", "pcomp")]


def _prep_words(step: str) -> frozenset[str]:
    return frozenset(step[len("prep:"):].split("|"))


class _Reader:
    """Resolves tokens of one sentence to mentions and computes the roles of triggers."""

    def __init__(
        self, sent: Span, mentions: Sequence[tuple[Span, Mention]], settings: RuleSettings
    ) -> None:
        self.sent = sent
        self.settings = settings
        self.mentions: list[tuple[Span, Mention]] = []
        self.token_mention: dict[int, int] = {}
        ordered = sorted(mentions, key=lambda sm: (sm[0].start, -len(sm[0]), sm[1].key))
        for span, mention in ordered:
            inside = sent.start <= span.start and span.end <= sent.end and len(span) > 0
            if not inside or any(t.i in self.token_mention for t in span):
                continue
            self.token_mention.update({t.i: len(self.mentions) for t in span})
            self.mentions.append((span, mention))
        self._verb_cache: dict[int, dict[str, list[Token]]] = {}
        self.moved = self._comma_prepositions()

    def _comma_prepositions(self) -> dict[int, int]:
        """``in Betim, in Minas Gerais``: the second place locates the first, not the verb.

        Maps such a preposition to the token it really belongs to (the first place).
        """
        moved: dict[int, int] = {}
        doc = self.sent.doc
        for prep in self.sent:
            if prep.dep_ != "prep" or prep.i - 2 < self.sent.start or doc[prep.i - 1].text != ",":
                continue
            second = _pobjs(prep)
            for sib in prep.head.children:
                if sib.dep_ != "prep" or sib.i >= prep.i or sib.lower_ != prep.lower_:
                    continue
                first = _pobjs(sib)
                named = first and second and all(
                    self.mention_at(t) is not None for t in (first[0], second[0])
                )
                if named and first[0].right_edge.i == prep.i - 2:
                    moved[prep.i] = first[0].i
        return moved

    def preps(self, tok: Token) -> list[Token]:
        """The prepositions attached to a token, after moving ``in A, in B`` into place."""
        own = [c for c in tok.children if c.dep_ == "prep" and c.i not in self.moved]
        extra = [tok.doc[p] for p, host in sorted(self.moved.items()) if host == tok.i]
        return own + extra

    # -- mentions --------------------------------------------------------------------------

    def mention_at(self, tok: Token) -> int | None:
        return self.token_mention.get(tok.i)

    def in_sentence(self, tok: Token) -> bool:
        return self.sent.start <= tok.i < self.sent.end

    def resolve(
        self, tokens: Iterable[Token], depth: int = 0, *, conjuncts: bool = True
    ) -> list[_Arg]:
        """The mentions a list of argument tokens stand for, conjuncts included."""
        out: list[_Arg] = []
        for tok in tokens:
            idx = self.mention_at(tok)
            head = self.mentions[idx][0].root if idx is not None else tok
            for t in (head, *(head.conjuncts if conjuncts else ())):
                if self.in_sentence(t):
                    out.extend(self._resolve_one(t, depth))
        return _unique(out)

    def _resolve_one(self, tok: Token, depth: int) -> list[_Arg]:
        idx = self.mention_at(tok)
        if idx is not None:
            same = [
                _Arg(j, True)
                for c in tok.children
                if c.dep_ == "appos" and (j := self.mention_at(c)) is not None and j != idx
                and self.mentions[j][1].cls == self.mentions[idx][1].cls
            ]
            return [_Arg(idx, True), *same]
        if depth > 3:
            return []
        if tok.lower_ in _REL_PRONOUNS:
            clause = tok.head if tok.head.dep_ == "relcl" else tok.head.head
            if clause.dep_ == "relcl":
                return self.resolve([clause.head], depth + 1)
            return []
        if tok.pos_ == "PRON":
            return []
        naming = [p for c in self.preps(tok) if c.lower_ == "of" for p in _pobjs(c)]
        if _lemma(tok) in self.settings.naming_nouns and naming:
            return self.resolve(naming, depth + 1)  # "the city of Oslo" is Oslo
        if tok.dep_ == "attr" and _lemma(tok.head) in self.settings.copulas:
            subjects = [c for c in tok.head.children if c.dep_ in ("nsubj", "nsubjpass")]
            if subjects:  # "X is a contractor based in Y": the contractor is X
                return self.resolve(subjects, depth + 1)
        direct: list[_Arg] = []
        if tok.dep_ == "compound" and tok.pos_ == "NOUN" and self.mention_at(tok.head) is not None:
            # "the Oslo-based insurer Fjordline": the noun before a name is that name
            return self.resolve([tok.head], depth + 1, conjuncts=False)
        host = self.apposition_of(tok)
        if host is not None and self.mention_at(host) is not None:
            direct.extend(self.resolve([host], depth + 1, conjuncts=False))
        for c in tok.children:
            if c.dep_ == "appos":
                direct.extend(self.resolve([c], depth + 1))
            elif c.dep_ == "prep" and c.lower_ in self.settings.list_prepositions:
                direct.extend(self.resolve(_pobjs(c), depth + 1))
        if direct or tok.pos_ != "NOUN" or _lemma(tok) in self.settings.opaque_nouns:
            return direct  # a modifier names neither an unknown name nor "a Toyota subsidiary"
        indirect = [_Arg(i, False) for i in self.modifier_mentions(tok)]
        if not indirect:
            of_objects = [p for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"
                          for p in _pobjs(c)]
            indirect = [_Arg(a.index, False) for a in self.resolve(of_objects, depth + 1)]
        return indirect

    def apposition_of(self, tok: Token) -> Token | None:
        """The name a noun phrase stands in apposition to, if it does.

        By the parse (``appos``), or by the form ``Name, a/an noun`` when the parser took the
        phrase for something else.
        """
        if tok.dep_ == "appos":
            return self.appos_host(tok)
        left = tok.left_edge
        comma = left.i - 1
        if left.lower_ in ("a", "an") and comma - 1 >= self.sent.start:
            if tok.doc[comma].text == ",":
                host = self.appos_host(tok)
                return host if self.mention_at(host) is not None else None
        return None

    def appos_host(self, tok: Token) -> Token:
        """What an apposition describes: the name right before its comma, else its parse head.

        (In ``A, the maker of X, in partnership with B, the unit of C`` the parser often hangs
        the second apposition on ``A``.)
        """
        doc = tok.doc
        i = tok.left_edge.i - 1
        if i - 1 < self.sent.start or doc[i].text not in (",", "(", "—", "–"):
            return tok.head
        i -= 1
        if doc[i].text == ")":  # "Name Inc (NI), a subsidiary"
            while i > self.sent.start and doc[i].text != "(":
                i -= 1
            i -= 1
        before = doc[max(i, self.sent.start)]
        if self.mention_at(before) is not None or before.pos_ in ("NOUN", "PROPN", "NUM"):
            return before
        return tok.head

    def modifier_mentions(self, tok: Token) -> list[int]:
        """Mentions among the compound/adjectival modifiers of a token (recursively)."""
        own = self.mention_at(tok)
        found: list[int] = []
        stack = [c for c in tok.children if c.dep_ in _MOD_DEPS or c.tag_ == "HYPH"]
        while stack:
            c = stack.pop(0)
            idx = self.mention_at(c)
            if idx is not None and idx != own:
                found.append(idx)
            if _lemma(c) in _LOCATIVE_PARTICIPLES:
                continue  # "the Frankfurt-based exchange" is not Frankfurt
            stack.extend(k for k in c.children if k.dep_ in _MOD_DEPS)
        return sorted(set(found), key=found.index)

    # -- negation --------------------------------------------------------------------------

    def negated(self, trigger: Token) -> bool:
        """Whether a negation, ``no``, ``without`` or a negator verb/noun governs the trigger,
        or the trigger is only a possibility still to be shown ("must prove that it can make")."""
        if _unproven(trigger):
            return True
        node = trigger
        for _ in range(8):
            for c in node.children:
                if c.dep_ == "neg" and not _followed_by(c, "only"):
                    return True
                if c.dep_ == "det" and c.lower_ in ("no", "neither"):
                    return True
            if node is not trigger and (
                node.lower_ == "without" or _lemma(node) in self.settings.negators
            ):
                return True
            if node.dep_ not in _NEG_WALK or node.head is node:
                return False
            if node.dep_ == "conj" and any(c.dep_ in ("nsubj", "nsubjpass") for c in node.children):
                return False
            node = node.head
        return False

    # -- verbs -----------------------------------------------------------------------------

    def verb_roles(self, verb: Token) -> dict[str, list[Token]]:
        """Logical subject, object, dative, modifiers and prepositional objects of a verb."""
        if verb.i not in self._verb_cache:
            self._verb_cache[verb.i] = {}  # guards against cycles in odd parses
            self._verb_cache[verb.i] = self._compute_verb_roles(verb)
        return self._verb_cache[verb.i]

    def misparsed_verb(self, tok: Token) -> bool:
        """``Sony competes with…`` parsed as a noun compound: a root noun after a name."""
        return tok.dep_ == "ROOT" and tok.tag_ in ("NNS", "NN") and bool(self._left_names(tok))

    def _left_names(self, tok: Token) -> list[Token]:
        return [c for c in tok.lefts
                if c.dep_ in ("compound", "amod", "nmod") and self.mention_at(c) is not None]

    def _compute_verb_roles(self, verb: Token) -> dict[str, list[Token]]:
        kids = list(verb.children)
        nsubj = [c for c in kids if c.dep_ == "nsubj"]
        if not nsubj and verb.dep_ == "ROOT" and not any(c.dep_ == "nsubjpass" for c in kids):
            nsubj = self._left_names(verb)  # "Sony competes": the name was taken for a modifier
        nsubjpass = [c for c in kids if c.dep_ == "nsubjpass"]
        passive = bool(nsubjpass) or any(c.dep_ == "auxpass" for c in kids)
        agents = [p for c in kids if c.dep_ == "agent" for p in _pobjs(c)]
        roles: dict[str, list[Token]] = {
            "subj": agents if passive else nsubj,
            "dobj": nsubjpass + [c for c in kids if c.dep_ == "dobj"],
            "dative": [c for c in kids if c.dep_ == "dative" and c.pos_ != "ADP"],
            "mod": [c for c in kids if c.dep_ in _MOD_DEPS and c not in nsubj],
        }
        if verb.pos_ == "ADJ" and verb.dep_ == "acomp":
            roles["subj"] = [c for c in verb.head.children if c.dep_ == "nsubj"]
        if not roles["dobj"]:
            roles["dobj"] = self._shared_object(verb)
        self._inherit(verb, roles, has_subject=bool(nsubj or nsubjpass))
        attached = self.preps(verb) + [c for c in kids if c.dep_ == "dative" and c.pos_ == "ADP"]
        for c in attached:
            objs = _pobjs(c) or self._stranded(verb)
            roles.setdefault("prep:" + c.lower_, []).extend(objs)
        for obj in roles["dobj"]:
            for c in self.preps(obj):
                roles.setdefault("prep:" + c.lower_, []).extend(_pobjs(c))
        if roles["subj"]:  # "A sits in X alongside B": B shares A's role
            objects = roles["dobj"] + [o for c in attached for o in _pobjs(c)]
            for c in [*attached, *(p for o in objects for p in self.preps(o))]:
                if _is_comitative(c):
                    roles["subj"] = roles["subj"] + _pobjs(c)
        return roles

    def _shared_object(self, verb: Token) -> list[Token]:
        """``signed and ratified the pact``: the object of a subjectless conjunct verb."""
        for c in verb.children:
            if c.dep_ == "conj" and c.pos_ == "VERB":
                own = [k for k in c.children if k.dep_ in ("nsubj", "nsubjpass")]
                if not own:
                    return [k for k in c.children if k.dep_ == "dobj"]
        return []

    def _stranded(self, verb: Token) -> list[Token]:
        return [verb.head] if verb.dep_ == "relcl" else []

    def _inherit(self, verb: Token, roles: dict[str, list[Token]], *, has_subject: bool) -> None:
        dep, head = verb.dep_, verb.head
        if has_subject or roles["subj"]:
            if dep == "relcl" and not roles["dobj"] and not self._has_pronoun(verb):
                if not any(c.dep_ == "prep" and not _pobjs(c) for c in verb.children):
                    roles["dobj"] = [head]  # "the treaty Japan signed"
            return
        if dep in ("xcomp", "conj", "advcl") and head.pos_ in ("VERB", "AUX") and head is not verb:
            upper = self.verb_roles(head)
            head_patients = [c for c in head.children if c.dep_ == "nsubjpass"]
            if dep == "conj" and head_patients and verb.tag_ != "VBN":
                roles["subj"] = head_patients  # "X was signed by A and promised B": X promised
                return
            roles["subj"] = list(upper.get("subj", []))
            if not roles["subj"] and dep == "xcomp":
                roles["subj"] = head_patients
            if dep == "conj" and verb.tag_ == "VBN" and not roles["dobj"]:
                roles["dobj"] = head_patients
        elif dep in ("acl", "amod") and head.pos_ in ("NOUN", "PROPN"):
            if any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
                roles["subj"] = [c for c in head.children if c.dep_ == "poss"]
            elif verb.tag_ == "VBN" and not (dep == "acl" and head.dep_ == "ROOT"):
                roles["dobj"] = roles["dobj"] or [head]
            else:
                roles["subj"] = [head]  # "firms investing in", or a misparsed main verb
        elif dep == "relcl" and not any(
            c.lower_ in ("where", "when", "whereby") for c in verb.children
        ):
            roles["subj"] = [head]  # not "the army, where he served": the army did not serve

    def _has_pronoun(self, verb: Token) -> bool:
        return any(
            t.lower_ in _REL_PRONOUNS and t.i < verb.i for t in verb.subtree if t.head.i >= verb.i
        )

    # -- nouns and entities ----------------------------------------------------------------

    def noun_role(self, anchor: Token, role: str) -> list[Token]:
        """Tokens playing a role around a noun anchor (see the module docstring)."""
        if role == "self":
            return [anchor]
        if role == "desc":
            return self.described(anchor)
        if role == "poss":
            return self.possessors(anchor)
        if role == "mod":
            return self.modifiers(anchor)
        if role == "gov":
            first = _first_conjunct(anchor)
            head = first.head
            if first.dep_ == "pobj" and head.lower_ in ("in", "through", "via"):
                if self.mention_at(head.head) is not None:
                    return [head.head]  # "led by A in partnership with B"
            verb = self.governor(anchor)
            return self.verb_roles(verb)["subj"] if verb is not None else []
        if role == "between":
            return self._preps(anchor, frozenset({"between", "among", "amongst"}))
        if role == "by":
            return self._preps(anchor, frozenset({"by"}))
        if role == "apposed":
            return self.apposed_place(anchor)
        return self._preps(anchor, _prep_words(role))

    def apposed_place(self, anchor: Token) -> list[Token]:
        """``Austin, Texas`` or ``Guri, Bolivar, Venezuela``: the name after the comma.

        Not in a list (``Texas, Ohio and Iowa``): the two names may not be coordinated.
        """
        idx = self.mention_at(anchor)
        if idx is None:
            return []
        span, doc = self.mentions[idx][0], anchor.doc
        nxt = span.end + 1
        if nxt >= self.sent.end or doc[span.end].text != ",":
            return []
        j = self.mention_at(doc[nxt])
        if j is None or self.mentions[j][0].start != nxt:
            return []
        other = self.mentions[j][0]
        after = doc[other.end] if other.end < self.sent.end else None
        coordinated = other.root in span.root.conjuncts or other.root.dep_ == "conj"
        if coordinated and _has_conjunction(span.root):
            return []  # a list; "Guri, Bolivar, Venezuela" parsed as one is a chain of places
        if after is not None and after.lower_ in ("and", "or", "&"):
            return []
        return [other.root]

    def _preps(self, anchor: Token, words: frozenset[str]) -> list[Token]:
        found = [p for c in self.preps(anchor) if c.lower_ in words for p in _pobjs(c)]
        verb = self.governor(anchor)
        if not found and verb is not None and anchor.dep_ == "dobj":
            # the parser hung the phrase on the verb: "signed a partnership with B", and
            # "…, in which A holds stakes"
            found = [p for c in self.preps(verb) if c.lower_ in words for p in _pobjs(c)
                     if c.i > anchor.i or p.lower_ in _REL_PRONOUNS]
        return found

    def described(self, anchor: Token) -> list[Token]:
        """What a noun describes: its apposition, copula subject, or the name it modifies.

        Coordination is expanded here, where it is meant (``A and B are allies``, ``members
        Poland and Estonia``), and not for the head of an apposition (``A, the capital…, and B``).
        """
        if self.mention_at(anchor) is not None:
            return [anchor]
        first = _first_conjunct(anchor)
        out: list[Token] = []
        head = first.head
        if first.dep_ == "pobj" and head.lower_ == "as":
            # "served as mayor of X", "Japan, as a member of Y,"
            if self.mention_at(head.head) is not None:
                return [head.head]
            if head.head.pos_ in ("VERB", "AUX"):
                roles = self.verb_roles(head.head)
                return _with_conjuncts(roles["subj"] or roles["dobj"])
        if first.dep_ == "pobj" and head.lower_ in ("of", "among", "amongst"):
            # "one of Brazil's allies", "is among the partners of"
            if head.lower_ == "of" and _is_quantity(head.head):
                return self.described(head.head)
            if head.head.dep_ in ("attr", "acomp") or _lemma(head.head) in self.settings.copulas:
                return self.described(head.head) if head.head.dep_ == "attr" else _with_conjuncts(
                    c for c in head.head.children if c.dep_ in ("nsubj", "nsubjpass")
                )
        host = self.apposition_of(first)
        if host is not None:
            out.append(host)
        out.extend(_with_conjuncts(
            c for c in anchor.children if c.dep_ == "appos" and not self._apposed_to_place(c)
        ))
        out.extend(_with_conjuncts(  # "American manufacturers such as Boeing"
            p for c in anchor.children
            if c.dep_ == "prep" and c.lower_ in self.settings.list_prepositions for p in _pobjs(c)
        ))
        if first.dep_ in ("attr", "acomp", "oprd") and _lemma(head) in self.settings.copulas:
            subjects = [c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")]
            out.extend(_with_conjuncts(subjects))
        if first.dep_ in ("compound", "amod", "nmod") and self.mention_at(head) is not None:
            out.append(head)
        out.extend(self._comma_subject(first))
        return out

    def _comma_subject(self, tok: Token) -> list[Token]:
        """``Kenya's largest airline, Tembo fell`` and ``Ruth Abara, ORS director said``: the
        parser made the name and its description two subjects of one verb; they are one."""
        if tok.dep_ not in ("nsubj", "nsubjpass"):
            return []
        doc = tok.doc
        for sib in tok.head.children:
            if sib is tok or sib.dep_ != tok.dep_ or self.mention_at(sib) is None:
                continue
            a, b = sorted((tok, sib), key=lambda t: t.i)
            comma = a.right_edge.i + 1
            if comma < len(doc) and doc[comma].text == "," and b.left_edge.i == comma + 1:
                return [sib]
        return []

    def _apposed_to_place(self, tok: Token) -> bool:
        """``a hub in Austin, Texas``: the parser may hang the state on ``hub``."""
        j, host = self.mention_at(tok), self.mention_at(self.appos_host(tok))
        places = ("Place", "Country")
        return (
            j is not None and host is not None and j != host
            and _in_classes(self.mentions[j][1].cls, places)
            and _in_classes(self.mentions[host][1].cls, places)
        )

    def possessors(self, anchor: Token) -> list[Token]:
        """``X's`` before the anchor: by the parse, or by adjacency when the parse missed it."""
        found = [c for c in anchor.children if c.dep_ == "poss"]
        if found:
            return found
        if anchor.dep_ == "conj" and not any(c.dep_ == "det" for c in anchor.children):
            shared = self._place_possessors(_first_conjunct(anchor))
            if shared:  # "Germany's TUI and Lufthansa": a place possesses both
                return shared
        idx = self.mention_at(anchor)
        start = self.mentions[idx][0].start if idx is not None else anchor.i
        doc = anchor.doc
        i = start - 1
        while i > self.sent.start and doc[i].tag_ in _NP_TAGS:
            if self.mention_at(doc[i]) is not None:
                break
            i -= 1
        if i > self.sent.start and doc[i].tag_ == "POS" and self.mention_at(doc[i - 1]) is not None:
            return [doc[i - 1]]
        return []

    def _place_possessors(self, tok: Token) -> list[Token]:
        out = []
        for c in tok.children:
            idx = self.mention_at(c) if c.dep_ == "poss" else None
            if idx is not None and self.mentions[idx][1].cls in {"Country", "City", "Region"}:
                out.append(c)
        return out

    def modifiers(self, anchor: Token) -> list[Token]:
        """Mentions modifying the anchor, or its siblings before it (``US President Biden``)."""
        idx = self.mention_at(anchor)
        tokens = list(self.mentions[idx][0]) if idx is not None else [anchor]
        found: list[int] = []
        for tok in tokens:
            found.extend(self.modifier_mentions(tok))
        if idx is None and anchor.dep_ in ("compound", "amod", "nmod"):
            found.extend(self._left_run(anchor, host=self.mention_at(anchor.head)))
        return [self.mentions[i][0].root for i in sorted(set(found), key=found.index)]

    def _left_run(self, anchor: Token, host: int | None) -> list[int]:
        """Mentions written right before a pre-modifying noun: ``West German`` Chancellor X."""
        found: list[int] = []
        i = anchor.i - 1
        while i >= self.sent.start:
            tok = anchor.doc[i]
            j = self.mention_at(tok)
            if j is not None and j != host:
                found.append(j)
                i = self.mentions[j][0].start - 1
            elif tok.tag_ == "HYPH":
                i -= 1
            else:
                break
        return found

    def governor(self, anchor: Token) -> Token | None:
        """The support verb whose object the noun is (``signed a partnership``).

        Only verbs listed in the ``support_verbs`` setting count: the subject of ``restricted
        exports`` is not the exporter.
        """
        first = _first_conjunct(anchor)
        head = first.head
        if first.dep_ == "pobj" and head.lower_ == "of" and head.head.dep_ == "dobj":
            first = head.head  # "hold 10 per cent of X shares": the quantity is the object
            head = first.head
        verb = None
        if first.dep_ in ("dobj", "nsubjpass") and head.pos_ in ("VERB", "AUX"):
            verb = head
        elif first.dep_ == "pobj" and head.dep_ == "prep" and head.head.pos_ == "VERB":
            if head.lower_ in ("in", "through", "via"):
                return head.head  # "… is led by A in partnership with B"
            verb = head.head
        if verb is None or _lemma(verb) not in self.settings.support_verbs:
            return None
        return verb

    def modifier_words(self, trigger: Token) -> set[str]:
        """Words modifying a trigger (``trading`` partner, ``prime`` minister, ``vice``…)."""
        words: set[str] = set()
        for c in trigger.children:
            if c.dep_ in _WORD_DEPS:
                words |= _words_of(c)
                words |= {w for k in c.children if k.dep_ in _WORD_DEPS for w in _words_of(k)}
        if trigger.dep_ == "compound":
            words |= _words_of(trigger.head)
        prev = trigger.i - 1
        if prev >= self.sent.start and trigger.doc[prev].pos_ in ("NOUN", "ADJ", "PROPN", "VERB"):
            words |= _words_of(trigger.doc[prev])
        return words


#: Verbs whose "that ... can" clause states a possibility, not a fact.
_UNPROVEN_BY = frozenset({"prove", "show", "demonstrate", "hope", "doubt", "question", "wonder"})
_MODALS = frozenset({"can", "could", "might", "may"})


def _unproven(verb: Token) -> bool:
    """``X must prove that it can make chips``: the making is not (yet) a fact."""
    return (
        verb.dep_ == "ccomp"
        and _lemma(verb.head) in _UNPROVEN_BY
        and any(c.dep_ == "aux" and c.lower_ in _MODALS for c in verb.children)
    )


def _has_conjunction(tok: Token) -> bool:
    """Whether the coordination that ``tok`` belongs to has an "and"/"or" (a real list)."""
    members = (tok, *tok.conjuncts)
    return any(c.dep_ in ("cc", "preconj") for t in members for c in t.children)


def _first_conjunct(tok: Token) -> Token:
    while tok.dep_ == "conj" and tok.head is not tok:
        tok = tok.head
    return tok


def _is_comitative(prep: Token) -> bool:
    """``alongside B``, ``along with B``, ``together with B``: B shares the subject's role."""
    if prep.lower_ == "alongside":
        return True
    before = prep.i - 1
    return prep.lower_ == "with" and before >= 0 and prep.doc[before].lower_ in ("along",
                                                                                  "together")


def _with_conjuncts(tokens: Iterable[Token]) -> list[Token]:
    return [c for t in tokens for c in (t, *t.conjuncts)]


def _only_pronouns(tokens: Sequence[Token]) -> bool:
    """True for ``it``, ``they``, ``its``: ends we cannot resolve without coreference."""
    return bool(tokens) and all(
        t.pos_ == "PRON" and t.lower_ not in _REL_PRONOUNS for t in tokens
    )


def _is_quantity(tok: Token) -> bool:
    """``one``, ``two``, ``some``, ``many``… as in ``one of the allies``."""
    return tok.pos_ == "NUM" or tok.lower_ in ("one", "some", "many", "several", "each", "all",
                                                "few", "most", "both", "either", "any")


def _followed_by(tok: Token, word: str) -> bool:
    nxt = tok.i + 1
    return nxt < len(tok.doc) and tok.doc[nxt].lower_ == word


def _unique(args: Iterable[_Arg]) -> list[_Arg]:
    best: dict[int, _Arg] = {}
    for a in args:
        if a.index not in best or (a.direct and not best[a.index].direct):
            best[a.index] = a
    return list(best.values())


# ---------------------------------------------------------------------------------------------
# applying rules


@dataclass(frozen=True)
class _Candidate:
    subject: int
    object: int
    rule: RelationRule
    confidence: float
    trigger: str


class _Extractor:
    def __init__(self, reader: _Reader, rules: RelationRules) -> None:
        self.reader = reader
        self.rules = rules
        self.fired: set[int] = set()  # trigger tokens that gave at least one typed fact
        self.out: list[_Candidate] = []

    def run(self) -> list[_Candidate]:
        verb_rules = [r for r in self.rules.rules if r.kind == "verb"]
        noun_rules = [r for r in self.rules.rules if r.kind == "noun"]
        entity_rules = [r for r in self.rules.rules if r.kind == "entity"]
        reader = self.reader
        for tok in reader.sent:
            words = _words_of(tok)
            verbish = tok.pos_ in ("VERB", "ADJ", "AUX") or reader.misparsed_verb(tok)
            if verbish and reader.mention_at(tok) is None:
                matching = [r for r in verb_rules if r.lemmas & words]
                if matching:
                    self._trigger(tok, matching, lambda role, t=tok: self._verb_role(t, role))
                    continue
            if tok.pos_ in ("NOUN", "PROPN"):
                matching = [r for r in noun_rules if r.lemmas & words]
                if matching:
                    self._trigger(tok, matching, lambda role, t=tok: self._noun_role(t, role))
        for idx, (span, mention) in enumerate(reader.mentions):
            if span.root.pos_ == "PRON":
                continue  # "it" stands for a name in clauses, not as the anchor of a name rule
            matching = [r for r in entity_rules if _in_classes(mention.cls, r.classes)]
            if matching:
                root = span.root
                self._trigger(
                    root, matching, lambda role, t=root: self._noun_role(t, role), anchor=idx
                )
        return self.out

    # roles: each returns resolved arguments

    def _verb_role(self, verb: Token, role: str) -> list[_Arg] | None:
        first, *rest = role.split(".")
        roles = self.reader.verb_roles(verb)
        tokens = roles.get(first, [])
        if first.startswith("prep:"):
            tokens = [t for w in _prep_words(first) for t in roles.get("prep:" + w, [])]
        if first == "mod":
            return [_Arg(i, True) for t in tokens if (i := self.reader.mention_at(t)) is not None]
        if _only_pronouns(tokens) and not self._resolved(tokens):
            return None
        return self._follow(tokens, rest)

    def _noun_role(self, anchor: Token, role: str) -> list[_Arg] | None:
        first, *rest = role.split(".")
        tokens = self.reader.noun_role(anchor, first)
        if _only_pronouns(tokens) and not self._resolved(tokens):
            if first != "poss":
                return None
            # "Japan strengthened its alliance with": the pronoun is the governing subject
            verb = self.reader.governor(anchor)
            subjects = self.reader.verb_roles(verb)["subj"] if verb is not None else []
            return [a for a in self.reader.resolve(subjects) if a.direct] or None
        if first in ("self", "desc") and not rest:
            return self.reader.resolve(tokens, conjuncts=False)
        args = self._follow(tokens, rest)
        if first in ("self", "desc"):
            return args
        own = self.reader.mention_at(anchor)
        return [a for a in args if a.index != own]

    def _resolved(self, tokens: Sequence[Token]) -> bool:
        """Whether coreference made these pronouns mentions ("It works with X": it is a firm)."""
        return all(self.reader.mention_at(t) is not None for t in tokens)

    def _follow(self, tokens: list[Token], path: list[str]) -> list[_Arg]:
        for step in path:
            words = _prep_words(step)
            tokens = [p for t in tokens for c in self.reader.preps(t) if c.lower_ in words
                      for p in _pobjs(c)]
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
        if self.reader.negated(tok):
            return
        cache: dict[str, list[_Arg] | None] = {}

        def args(roles: tuple[str, ...], classes: tuple[str, ...]) -> tuple[list[_Arg], str]:
            """The mentions of the first role that names one directly, else of the first role
            that yields any; a bare pronoun stops the search."""
            fallback: tuple[list[_Arg], str] = ([], "")
            for role in roles:
                if role not in cache:
                    cache[role] = role_of(role)
                resolved = cache[role]
                if resolved is None:
                    break
                found = [a for a in resolved if self._cls_ok(a, classes)]
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
                subjects, s_role = args(rule.subject, rule.subject_classes)
                objects, o_role = args(rule.object, rule.object_classes) if subjects else ([], "")
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

    def _represented_country(self, person: _Arg) -> _Arg | None:
        """The country a titled person acts for: "French President Charles de Gaulle",
        "West German Chancellor Konrad Adenauer" (a country and a title just before the name)."""
        span = self.reader.mentions[person.index][0]
        window = span.doc[max(self.reader.sent.start, span.start - 5) : span.start]
        if not any(t.lower_ in LEADER_TITLES for t in window):
            return None
        for tok in reversed(list(window)):
            index = self.reader.mention_at(tok)
            if index is not None and self.reader.mentions[index][1].cls == "Country":
                return _Arg(index, person.direct)
        return None

    def _cls_ok(self, arg: _Arg, classes: tuple[str, ...]) -> bool:
        return _in_classes(self.reader.mentions[arg.index][1].cls, classes)

    def _candidate(
        self, rule: RelationRule, s: _Arg, o: _Arg, tok: Token, anchor: int | None
    ) -> _Candidate | None:
        spec = self.rules.property_spec(rule.property)
        cls = [self.reader.mentions[a.index][1].cls for a in (s, o)]
        fits = spec.fits(cls[0], cls[1])
        blocked = (spec.strict_domain and not fits[0]) or (spec.strict_range and not fits[1])
        if blocked and rule.property not in SYMMETRIC_PROPERTIES and all(spec.fits(cls[1], cls[0])):
            s, o = o, s  # the property's classes say the roles are the other way round
            fits, blocked = (True, True), False
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
        trigger = _lemma(tok) if anchor is None else ""
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
            lemma = _lemma(verb)
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
                                              settings.related_confidence, _lemma(verb)))
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
    rules = rules if rules is not None else _default_rules()
    reader = _Reader(sent, mentions, rules.settings)
    if len(reader.mentions) < 2:
        return []
    extractor = _Extractor(reader, rules)
    typed = [c for c in extractor.run()]
    typed_pairs = {
        frozenset(reader.mentions[i][1].key for i in (c.subject, c.object)) for c in typed
    }
    candidates = typed + extractor.related(typed_pairs)
    return _finalise(reader, candidates)


def _finalise(reader: _Reader, candidates: Iterable[_Candidate]) -> list[Relation]:
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
    return [best[f] for f in sorted(best)]


def _better(new: Evidence, old: Evidence) -> bool:
    return (-new.confidence, new.rule, new.trigger) < (-old.confidence, old.rule, old.trigger)


def _default_rules() -> RelationRules:
    cached = _RULES_CACHE.get("default")
    if cached is None:
        cached = _RULES_CACHE["default"] = load_rules()
    return cached


_RULES_CACHE: dict[str, RelationRules] = {}
