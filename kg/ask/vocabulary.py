"""The words ``kg ask`` understands: class nouns and property phrases, read from one data file.

The file is ``ontology/ask-vocabulary.json`` (installed as ``kg.ontology``), a JSON object:

- ``classes``: class local name -> nouns ("company", "firm"); plurals are made here, a noun
  ending in ``:plural`` is already plural.
- ``properties``: property local name -> ``verbs`` (subject VERB object: "invest in"),
  ``inverse_verbs`` (object VERB subject: "own" for ``subsidiaryOf``), ``states`` (subject
  is STATE object: "headquartered in") and ``nouns``: ``subject`` nouns name the subject
  ("investor in"), ``object`` nouns the object ("founder of" for ``foundedBy``),
  ``relation`` nouns the relation itself ("investment in"). Verbs are inflected here (and
  made passive: "restricted by"); a noun with a preposition also gives its possessive form
  ("Samsung's investors"), one without is used only after a possessive. A verb may wrap its
  object: "sign … into law" (the words after "…" end the question). ``light_verbs`` ("have",
  "hold", "place") combine with every ``relation`` noun: "hold a stake in", "place
  restrictions on". A symmetric property is also said of two subjects ("Are A and B allies?",
  "Do A and B trade?"): its verbs, states and nouns without their last preposition.
- ``irregular_verbs``: base -> other forms; ``dates``: the verbs and nouns of
  ``startDate`` and ``endDate``; ``demonym_paths``: how "Korean companies" reach the country.

Classes and typed relations of the ontology (``kg.ttl``) are understood by their
``rdfs:label`` too, so a term added there needs no entry here. A domain passes its own file
of the same shape to :func:`load_vocabulary` to extend this one.

>>> vocab = load_vocabulary()
>>> vocab.classes[("firms",)], vocab.subclasses["Treaty"]
('Company', ('TradeAgreement', 'Treaty'))
>>> sorted((p.prop, p.left) for p in vocab.phrases[("sanctioned", "by")])
[('restricts', 'object')]
>>> [(p.prop, p.left) for p in vocab.phrases[words("holds a stake in")]]
[('investsIn', 'subject')]
>>> vocab.mutual[("allies",)], vocab.mutual[("trade",)]
(('alliedWith',), ('tradesWith',))
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from rdflib import URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kg.errors import UsageError
from kg.vocab import KGO, SUPERCLASS, SYMMETRIC_PROPERTIES

VOCABULARY_FILE = "ask-vocabulary.json"
_KGO = str(KGO._NS)
_PREPOSITIONS = frozenset(
    "in of to with for on against from into at toward towards by about over".split()
)
Words = tuple[str, ...]


@dataclass(frozen=True)
class Phrase:
    """One way of saying a property: the text before it plays ``left``, the text after the
    other role (``subject`` or ``object``)."""

    prop: str
    left: str
    kind: str  # verb, passive, state, noun, possessive
    tail: Words = ()  # the words that end the question after the object ("into law")


@dataclass(frozen=True)
class Vocabulary:
    """Indexes for the question parser, all keyed by lower-case word tuples."""

    phrases: dict[Words, tuple[Phrase, ...]]
    classes: dict[Words, str]
    subclasses: dict[str, tuple[str, ...]]
    class_labels: dict[str, str]
    properties: tuple[str, ...]
    property_labels: dict[str, str]
    symmetric: frozenset[str]
    date_verbs: dict[Words, str]
    date_nouns: dict[Words, str]
    demonym_first: tuple[str, ...]
    demonym_then: tuple[str, ...]
    mutual: dict[Words, tuple[str, ...]] = field(default_factory=dict)
    aux: frozenset[str] = field(default=frozenset(
        "do does did is are was were has have had been be will would can could".split()
    ))


def other(role: str) -> str:
    """The other role of a relation.

    >>> other("subject")
    'object'
    """
    return "object" if role == "subject" else "subject"


def words(text: str) -> Words:
    """Lower-case words of a phrase, a possessive "'s" split off.

    >>> words("Samsung's  Investors")
    ('samsung', "'s", 'investors')
    """
    text = text.casefold().replace("’", "'")
    return tuple(re.sub(r"(\w)'s\b", r"\1 's", text).split())


def plural(noun: str) -> str:
    """A regular English plural of a noun.

    >>> plural("company"), plural("alliance"), plural("tax"), plural("day")
    ('companies', 'alliances', 'taxes', 'days')
    """
    if re.search(r"[^aeiou]y$", noun):
        return noun[:-1] + "ies"
    if re.search(r"(s|sh|ch|x|z)$", noun):
        return noun + "es"
    return noun + "s"


def _noun_forms(phrase: str) -> list[str]:
    """A noun phrase and its plural (the head before a preposition, else the last word)."""
    if phrase.endswith(":plural"):
        return [phrase.removesuffix(":plural")]
    parts = phrase.split()
    head = next((i - 1 for i, w in enumerate(parts) if w in _PREPOSITIONS and i > 0),
                len(parts) - 1)
    many = [*parts[:head], plural(parts[head]), *parts[head + 1:]]
    return [phrase, " ".join(many)]


def verb_forms(verb: str, irregular: Mapping[str, Iterable[str]]) -> tuple[list[str], str]:
    """All forms of a verb phrase (its first word inflected) and its past participle.

    >>> verb_forms("invest in", {})
    (['invest in', 'invests in', 'invested in', 'investing in'], 'invested in')
    >>> verb_forms("lead", {"lead": ["leads", "led", "leading"]})[1]
    'led'
    """
    first, *rest = verb.split()
    tail = "".join(" " + w for w in rest)
    if first in irregular:
        others = list(irregular[first])
        past = [f for f in others if not f.endswith(("s", "ing"))] or [first]
        participle = past[-1]
        return [verb, *(f + tail for f in others)], participle + tail
    if first.endswith("e"):
        stem_ed, stem_ing = first + "d", first[:-1] + "ing"
    elif re.search(r"[^aeiou]y$", first):
        stem_ed, stem_ing = first[:-1] + "ied", first + "ing"
    else:
        stem_ed, stem_ing = first + "ed", first + "ing"
    third = plural(first) if not first.endswith("y") or first.endswith(("ay", "ey", "oy")) \
        else first[:-1] + "ies"
    forms = [verb, third + tail, stem_ed + tail, stem_ing + tail]
    return list(dict.fromkeys(forms)), stem_ed + tail


def _add(index: dict[Words, list[Phrase]], text: str, phrase: Phrase) -> None:
    key = words(text)
    if key and phrase not in index.setdefault(key, []):
        index[key].append(phrase)


def _split_verb(verb: str) -> tuple[str, Words]:
    """A verb and the words that follow its object: "sign … into law" -> ("sign", ("into", "law")).

    >>> _split_verb("sign ... into law"), _split_verb("invest in")
    (('sign', ('into', 'law')), ('invest in', ()))
    """
    head, _dots, tail = verb.replace("...", "…").partition("…")
    return head.strip(), words(tail)


def _light_phrases(
    index: dict[Words, list[Phrase]], prop: str, nouns: Iterable[str], light: Iterable[str],
    irregular: Mapping[str, Iterable[str]],
) -> None:
    """"hold a stake in", "places restrictions on": a light verb before a relation noun."""
    forms = [form for verb in light for form in verb_forms(verb, irregular)[0]]
    for noun in nouns:
        for at, text in enumerate(_noun_forms(noun)):
            article = ("an " if text[0] in "aeiou" else "a ") if at == 0 and \
                not noun.endswith(":plural") else ""
            for form in forms:
                for said in dict.fromkeys([text, article + text]):
                    _add(index, form + " " + said, Phrase(prop, "subject", "verb"))


def _without_preposition(text: str) -> str:
    """A phrase without its last word when that is a preposition: "trade with" -> "trade"."""
    parts = text.split()
    return " ".join(parts[:-1]) if len(parts) > 1 and parts[-1] in _PREPOSITIONS else text


def _mutual_phrases(
    index: dict[Words, list[str]], prop: str, entry: Mapping[str, Any],
    irregular: Mapping[str, Iterable[str]],
) -> None:
    """What two subjects of a symmetric property are said to do or be: "trade", "allies"."""
    said: list[str] = []
    for verb in entry.get("verbs", []):
        if not _split_verb(verb)[1]:
            said += verb_forms(verb, irregular)[0]
    said += [state.removesuffix(":plural") for state in entry.get("states", [])]
    nouns = entry.get("nouns", {})
    for noun in nouns.get("subject", []) + entry.get("mutual", []):
        said += _noun_forms(noun)
    for text in said:
        key = words(_without_preposition(text))
        if key and key[-1] not in _PREPOSITIONS and prop not in index.setdefault(key, []):
            index[key].append(prop)


def _property_phrases(
    index: dict[Words, list[Phrase]], prop: str, entry: Mapping[str, Any],
    irregular: Mapping[str, Iterable[str]],
) -> None:
    for key, left in (("verbs", "subject"), ("inverse_verbs", "object")):
        for verb in entry.get(key, []):
            head, tail = _split_verb(verb)
            forms, participle = verb_forms(head, irregular)
            for form in forms:
                _add(index, form, Phrase(prop, left, "verb", tail))
            passive = " ".join([participle, *tail, "by"])
            _add(index, passive, Phrase(prop, other(left), "passive"))
    for state in entry.get("states", []):
        for form in _noun_forms(state) if state.endswith(":plural") else [state]:
            _add(index, form, Phrase(prop, "subject", "state"))
    nouns = entry.get("nouns", {})
    for role, left in (("subject", "subject"), ("object", "object"), ("relation", "subject")):
        for noun in nouns.get(role, []):
            for form in _noun_forms(noun):
                parts = form.split()
                cut = next((i for i, w in enumerate(parts) if w in _PREPOSITIONS), len(parts))
                if cut < len(parts):
                    _add(index, form, Phrase(prop, left, "noun"))
                owner = left if role == "relation" else other(left)
                _add(index, "'s " + " ".join(parts[:cut]), Phrase(prop, owner, "possessive"))


def _ontology_terms() -> tuple[dict[str, str], dict[str, str], dict[str, str], frozenset[str]]:
    """Entity classes (with their labels and superclasses) and typed relations of kg.ttl.

    Read with pyoxigraph's Turtle parser: an order of magnitude faster than rdflib's on a
    question's cold path, and the ontology is read as plain triples here.
    """
    import pyoxigraph as ox

    from kg.ontology_files import ONTOLOGY_FILE, read_text

    rdf_type, label_of = str(RDF.type), str(RDFS.label)
    types: dict[str, set[str]] = {}
    labels: dict[str, str] = {}
    supers: dict[str, list[str]] = {}
    for triple in ox.parse(read_text(ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE):
        subject, predicate, value = triple.subject, triple.predicate.value, triple.object
        if not isinstance(subject, ox.NamedNode):
            continue
        if predicate == rdf_type and isinstance(value, ox.NamedNode):
            types.setdefault(subject.value, set()).add(value.value)
        elif predicate == label_of and isinstance(value, ox.Literal):
            labels.setdefault(subject.value, value.value)
        elif predicate == str(RDFS.subClassOf) and isinstance(value, ox.NamedNode):
            supers.setdefault(subject.value, []).append(value.value)
    classes: dict[str, str] = {}
    parents: dict[str, str] = dict(SUPERCLASS)
    props: dict[str, str] = {}
    symmetric = set(SYMMETRIC_PROPERTIES)
    for iri in sorted(types):
        name = iri[len(_KGO):] if iri.startswith(_KGO) else ""
        if not name:
            continue
        if str(OWL.Class) in types[iri] and name not in {"Document", "Sentence"}:
            classes[name] = _label(labels.get(iri), name)
            for parent in supers.get(iri, []):
                if parent.startswith(_KGO):
                    parents.setdefault(name, parent[len(_KGO):])
        if (str(OWL.ObjectProperty) in types[iri]
                and name not in {"mentionedWith", "mentionedIn", "inDocument"}):
            props[name] = _label(labels.get(iri), name)
            if str(OWL.SymmetricProperty) in types[iri]:
                symmetric.add(name)
    return classes, parents, props, frozenset(symmetric)


def _label(value: str | None, fallback: str) -> str:
    if value is not None:
        return value
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", fallback).lower()


def _subclasses(classes: Iterable[str], parents: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    def ancestors(cls: str) -> list[str]:
        seen = [cls]
        while seen[-1] in parents and parents[seen[-1]] not in seen:
            seen.append(parents[seen[-1]])
        return seen

    below: dict[str, set[str]] = {cls: set() for cls in classes}
    for cls in classes:
        for ancestor in ancestors(cls):
            below.setdefault(ancestor, set()).add(cls)
    return {cls: tuple(sorted(members)) for cls, members in below.items()}


def read_vocabulary_file(path: Path | None = None) -> dict[str, Any]:
    """The JSON of a vocabulary file; the shipped one when ``path`` is None."""
    try:
        if path is not None:
            text = path.read_text(encoding="utf-8")
        else:
            text = _shipped().read_text(encoding="utf-8")
        data = json.loads(text)
    except OSError as err:
        raise UsageError(f"{path}: cannot read the vocabulary file: {err.strerror}") from err
    except json.JSONDecodeError as err:
        where = path or VOCABULARY_FILE
        raise UsageError(f"{where}: line {err.lineno}, column {err.colno}: {err.msg}") from err
    if not isinstance(data, dict):
        raise UsageError(f"{path or VOCABULARY_FILE}: a vocabulary file holds one JSON object")
    return data


def _shipped() -> Any:
    """The shipped file, in the ``kg.ontology`` package beside ``kg.ttl`` (found the same way
    in a checkout, an editable install and a wheel; see ``kg.ontology_files``)."""
    return files("kg.ontology") / VOCABULARY_FILE


def load_vocabulary(extra: Path | None = None) -> Vocabulary:
    """The shipped vocabulary, the ontology's labels, and ``extra`` (a file of the same shape)."""
    return _load(str(extra) if extra is not None else "")


@lru_cache(maxsize=8)
def _load(extra: str) -> Vocabulary:
    data = read_vocabulary_file()
    sources = [data] + ([read_vocabulary_file(Path(extra))] if extra else [])
    class_labels, parents, property_labels, symmetric = _ontology_terms()
    irregular: dict[str, list[str]] = {}
    for source in sources:
        irregular.update(source.get("irregular_verbs", {}))
    phrases: dict[Words, list[Phrase]] = {}
    mutual: dict[Words, list[str]] = {}
    classes: dict[Words, str] = {}
    light = [verb for source in sources for verb in source.get("light_verbs", [])]
    for name, label in sorted(property_labels.items()):
        label = label.casefold()
        _add(phrases, label, Phrase(name, "subject", "state"))
        first, *rest = label.split()
        if first.endswith("s") and not first.endswith("ss") and rest:  # "invests in"
            for form in verb_forms(" ".join([first[:-1], *rest]), irregular)[0]:
                _add(phrases, form, Phrase(name, "subject", "verb"))
    for name, label in sorted(class_labels.items()):
        for form in _noun_forms(label.casefold()):
            classes.setdefault(words(form), name)
    for source in sources:
        for name, entry in source.get("properties", {}).items():
            property_labels.setdefault(name, name)
            _property_phrases(phrases, name, entry, irregular)
            _light_phrases(phrases, name, entry.get("nouns", {}).get("relation", []), light,
                           irregular)
            if name in symmetric:
                _mutual_phrases(mutual, name, entry, irregular)
        for name, nouns in source.get("classes", {}).items():
            class_labels.setdefault(name, name)
            for noun in nouns:
                for form in _noun_forms(noun.casefold()):
                    classes.setdefault(words(form), name)
    date_verbs: dict[Words, str] = {}
    date_nouns: dict[Words, str] = {}
    demonym: dict[str, list[str]] = {"first": [], "then": []}
    for source in sources:
        dates = source.get("dates", {})
        for prop in ("startDate", "endDate"):
            for verb in dates.get(prop, []):
                forms, participle = verb_forms(verb, irregular)
                for form in [*forms, participle]:
                    date_verbs.setdefault(words(form), prop)
        for key, prop in (("start_nouns", "startDate"), ("end_nouns", "endDate")):
            for noun in dates.get(key, []):
                date_nouns.setdefault(words(noun), prop)
        for key in demonym:
            demonym[key] += source.get("demonym_paths", {}).get(key, [])
    return Vocabulary(
        phrases={key: tuple(value) for key, value in phrases.items()},
        classes=classes,
        subclasses=_subclasses(class_labels, parents),
        class_labels=class_labels,
        properties=tuple(sorted(property_labels)),
        property_labels=property_labels,
        symmetric=symmetric,
        date_verbs=date_verbs,
        date_nouns=date_nouns,
        demonym_first=tuple(dict.fromkeys(demonym["first"])),
        demonym_then=tuple(dict.fromkeys(demonym["then"])),
        mutual={key: tuple(sorted(value)) for key, value in mutual.items()},
    )


def kgo_iri(name: str) -> URIRef:
    """The IRI of a kgo term, including terms the ontology added after ``kg.vocab``.

    >>> kgo_iri("investsIn")
    rdflib.term.URIRef('https://w3id.org/kg/ontology#investsIn')
    """
    return URIRef(_KGO + name)
