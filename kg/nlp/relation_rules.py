"""Relation rules as data: the rule-file schema, its loading and validation, the packaged rules.

:func:`load_rules` reads the packaged rules in ``kg/nlp/patterns/relations.json``, or a user's
file that extends or overrides them, into a :class:`RelationRules`;
:func:`kg.nlp.relations.extract_relations` applies them to one parsed sentence. No rule mentions
a particular document: triggers are general English words and the entity classes of the
vocabulary contract.

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
    ``gov:win|clinch`` (the subject of a governing verb with one of these lemmas, support verb
    or not: ``A won the takeover battle for B``),
    ``between`` (``between A and B``), ``by`` and ``prep:…`` (as for verbs; a preposition on
    the governing verb counts too), ``self`` (the mention the trigger is part of), ``agent``
    (who gives the role: ``A`` in ``A appointed B as adviser``, where ``desc`` is ``B``),
    ``clause`` (the other party of a bare relational noun before a name: the name it is
    coordinated with, else the subject of its clause: ``A lost the lead to rival B``),
    ``undergoer`` (the subject of ``face``, ``suffer``, ``receive``, ``come under``… whose
    object the noun is: ``A faced criticism from B``), ``employer`` (what a person the
    noun describes leaves, joins, runs or resigns from: ``Chief executive A has left the
    firm``).
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
(modifier words of the trigger, and for a verb the head words of its objects, that must /
must not be present: ``trading partner``, ``sold its unit``,
``vice president``), ``confidence``, ``direct`` (``true``: both ends must be named directly,
never through a modifier or ``of``) and ``enabled`` (``false`` switches a packaged rule off).
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
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from kg.errors import UsageError
from kg.vocab import ENTITY_CLASSES, RELATION_PROPERTIES, is_subclass

__all__ = [
    "KINDS",
    "NOUN_ROLES",
    "VERB_ROLES",
    "PropertySpec",
    "RelationRule",
    "RelationRules",
    "RuleSettings",
    "default_rules",
    "in_classes",
    "load_rules",
    "prep_words",
]

KINDS = ("verb", "noun", "entity")
VERB_ROLES = frozenset({"subj", "dobj", "dative", "mod"})
NOUN_ROLES = frozenset(
    {"self", "desc", "poss", "mod", "gov", "between", "by", "apposed", "agent", "clause",
     "undergoer", "employer"}
)


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
        return in_classes(subject_cls, self.domain), in_classes(object_cls, self.range)


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
    direct: bool = False


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

    def triggered_by(self, kind: str, words: Iterable[str]) -> list[RelationRule]:
        """The ``verb`` or ``noun`` rules whose lemmas hold one of ``words``, in rule order.

        An index from lemma to rules answers it: a sentence asks once per token.

        >>> rules = load_rules()
        >>> all(r.kind == "verb" and "invest" in r.lemmas
        ...     for r in rules.triggered_by("verb", {"invest", "invested"}))
        True
        >>> rules.triggered_by("noun", {"invest"}), rules.triggered_by("verb", set())
        ([], [])
        """
        index = self._by_lemma.get(kind, {})
        found = {number for word in words for number in index.get(word, ())}
        return [self.rules[number] for number in sorted(found)]

    def anchored_on(self, cls: str) -> tuple[RelationRule, ...]:
        """The ``entity`` rules a mention of class ``cls`` anchors, in rule order.

        >>> rules = load_rules()
        >>> rules.anchored_on("Person") == tuple(r for r in rules.rules
        ...     if r.kind == "entity" and in_classes("Person", r.classes))
        True
        """
        if cls not in self._by_class:
            self._by_class[cls] = tuple(
                r for r in self.rules if r.kind == "entity" and in_classes(cls, r.classes)
            )
        return self._by_class[cls]

    @cached_property
    def _by_lemma(self) -> dict[str, dict[str, tuple[int, ...]]]:
        index: dict[str, dict[str, list[int]]] = {}
        for number, rule in enumerate(self.rules):
            for lemma in rule.lemmas:
                index.setdefault(rule.kind, {}).setdefault(lemma, []).append(number)
        return {kind: {w: tuple(ns) for w, ns in by.items()} for kind, by in index.items()}

    @cached_property
    def _by_class(self) -> dict[str, tuple[RelationRule, ...]]:
        return {}


def in_classes(cls: str, classes: Sequence[str]) -> bool:
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
     "direct", "$comment"}
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
            if i == 0 and kind != "verb" and step.startswith("gov:") and len(step) > 4:
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
        direct=_flag(raw.get("direct", False), f"{here}.direct"),
    )


def _flag(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise UsageError(f"{where}: expected true or false, got {value!r}")
    return value


def prep_words(step: str) -> frozenset[str]:
    """The words a role step names: ``prep:in|into`` gives ``in`` and ``into``; so does
    ``gov:win|clinch`` give its verbs."""
    return frozenset(step.split(":", 1)[1].split("|"))


def default_rules() -> RelationRules:
    cached = _RULES_CACHE.get("default")
    if cached is None:
        cached = _RULES_CACHE["default"] = load_rules()
    return cached


_RULES_CACHE: dict[str, RelationRules] = {}
