"""Extraction-quality benchmark: kg against hand-made gold and Re-DocRED, beside a baseline.

Run from the repository root::

    .venv/bin/python bench/quality.py --data ../shared/bench --set all --errors 10

The gold data is read in place (``--data``); nothing is copied into the repository. Each
document is built on its own (one ``kg.build.build`` call per document) and scored against its
own gold; counts are summed over documents (micro-averages). The same scorer judges the
baseline (``bench/baseline.py``), whose graph has the same RDF shape.

The scoring is a set of small pure functions over plain data: ``normalise`` (label keys),
``read_graph`` (rdflib graph -> ``Prediction``), ``match_entities``, ``score_entities``,
``score_relations``, ``score_dates``, ``score_evidence``; the gold readers ``practice_gold`` and
``redocred_gold`` turn both gold formats into one ``GoldDoc`` shape.

>>> normalise("the U.S.")
'us'
>>> redocred_mapping("P355", "Airbus", "Airbus Defence")
(('Airbus Defence', 'subsidiaryOf', 'Airbus'),)
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SKOS

from kg.vocab import (
    ENTITY_CLASSES,
    KGO,
    RELATION_PROPERTIES,
    SYMMETRIC_PROPERTIES,
    is_subclass,
)
from kg.vocab import most_specific as vocab_most_specific

sys.path.insert(0, str(Path(__file__).resolve().parent))
import baseline  # noqa: E402  (a sibling script, not a package)

PROV = Namespace("http://www.w3.org/ns/prov#")
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "bench"

Triple = tuple[str, str, str]

#: Relations judged for precision on the practice set: every typed property but relatedTo.
TYPED_PROPERTIES: frozenset[str] = frozenset(RELATION_PROPERTIES) - {"relatedTo"}

#: Facts at or above this confidence should be right at least this often (calibration target).
CALIBRATION_THRESHOLD = 0.8

#: Practice-set targets, in the order of the summary table (all are "at least").
TARGETS: dict[str, float] = {
    "entity_recall": 0.90,
    "typing": 0.85,
    "relation_recall": 0.60,
    "core_recall": 0.80,
    "typed_precision": 0.75,
    "confident_precision": CALIBRATION_THRESHOLD,
    "start_year": 0.70,
    "evidence": 1.00,
}

#: News-set targets (the hidden news set's targets of the extraction-quality issue).
NEWS_TARGETS: dict[str, float] = {
    "entity_recall": 0.90,
    "typing": 0.90,
    "relation_recall": 0.45,
    "core_recall": 0.60,
    "typed_precision": 0.80,
    "confident_precision": CALIBRATION_THRESHOLD,
    "evidence": 1.00,
}

MEASURE_NAMES: dict[str, str] = {
    "entity_recall": "entity recall",
    "typing": "typing accuracy",
    "entity_precision": "entity precision (info)",
    "relation_recall": "relation recall",
    "linked_pairs": "linked pairs, any property (info)",
    "stated_recall": "relation recall, with gold evidence (info)",
    "core_recall": "core relation recall",
    "typed_precision": "typed precision",
    "confident_precision": "typed precision at confidence >= 0.8 (calibration)",
    "start_year": "start year",
    "evidence": "evidence share",
}

#: DocRED coarse type -> contract classes that count as a correct type (subclasses included).
REDOCRED_CLASSES: dict[str, tuple[str, ...]] = {
    "PER": ("Person",),
    "LOC": ("Place", "Country"),
    "ORG": ("Organization",),
    "MISC": ("Treaty", "Policy", "Event", "Product", "Sector"),
}

#: Wikidata property -> ((contract property, inverted), ...); the first is the gold reading,
#: any further ones are equally valid encodings (alts). inverted: tail p head.
REDOCRED_MAP: dict[str, tuple[tuple[str, bool], ...]] = {
    "P131": (("locatedIn", False),),
    "P276": (("locatedIn", False),),
    "P159": (("headquarteredIn", False),),
    "P463": (("memberOf", False),),
    "P355": (("subsidiaryOf", True),),
    "P749": (("subsidiaryOf", False),),
    "P127": (("subsidiaryOf", False),),
    "P1344": (("participatedIn", False),),
    "P710": (("participatedIn", True),),
    "P607": (("participatedIn", False),),
    "P36": (("capitalOf", True),),
    "P1376": (("capitalOf", False),),
    "P6": (("leaderOf", True),),
    "P35": (("leaderOf", True),),
    "P488": (("leaderOf", True),),
    "P169": (("leaderOf", True),),
    "P176": (("produces", True),),
    "P1001": (("issuedBy", False), ("partyTo", True)),
}

#: Defensible readings of other Wikidata properties: neither rewarded nor penalised.
REDOCRED_OPTIONAL: dict[str, tuple[tuple[str, bool], ...]] = {
    "P17": (("locatedIn", False), ("headquarteredIn", False)),
    "P150": (("locatedIn", True),),
    "P159": (("locatedIn", False),),
    "P102": (("memberOf", False),),
    "P241": (("memberOf", False),),
    "P361": (("memberOf", False), ("subsidiaryOf", False), ("locatedIn", False)),
    "P527": (("memberOf", True), ("subsidiaryOf", True), ("locatedIn", True)),
}

#: Contract properties the Re-DocRED mapping covers: only these are judged for precision there.
REDOCRED_PROPERTIES: frozenset[str] = frozenset(
    p for readings in REDOCRED_MAP.values() for p, _ in readings
)

#: P17 ("country") as the hidden scorer counts it: a required fact that any of these meets.
P17_READINGS: tuple[tuple[str, bool], ...] = (
    ("locatedIn", False), ("headquarteredIn", False), ("operatesIn", False),
    ("issuedBy", False), ("partyTo", True),
)
#: The mapping with P17 required (``--set redocred-p17``).
REDOCRED_MAP_P17: dict[str, tuple[tuple[str, bool], ...]] = {**REDOCRED_MAP, "P17": P17_READINGS}
REDOCRED_PROPERTIES_P17: frozenset[str] = frozenset(
    p for readings in REDOCRED_MAP_P17.values() for p, _ in readings
)

SKIPPED_TYPES = frozenset({"TIME", "NUM"})


# --------------------------------------------------------------------------------------------
# plain data


@dataclass(frozen=True)
class GoldEntity:
    """A gold entity: its label, a key for per-class tables, accepted classes, match keys."""

    label: str
    kind: str
    classes: tuple[str, ...]
    keys: frozenset[str]


@dataclass(frozen=True)
class GoldRelation:
    """A gold relation between entity labels, with equally valid encodings (``alts``)."""

    s: str
    p: str
    o: str
    evidence: str = ""
    core: bool = False
    alts: tuple[Triple, ...] = ()


@dataclass(frozen=True)
class GoldDate:
    """A gold start year (any of ``years`` is right) for the entity labelled ``entity``."""

    entity: str
    years: frozenset[str]
    evidence: str = ""


@dataclass(frozen=True)
class GoldDoc:
    """One document and its gold standard, in the shape both gold formats are read into."""

    name: str
    text: str
    entities: tuple[GoldEntity, ...]
    relations: tuple[GoldRelation, ...] = ()
    optional: tuple[Triple, ...] = ()
    negative: tuple[Triple, ...] = ()
    dates: tuple[GoldDate, ...] = ()
    neutral_keys: frozenset[str] = frozenset()


@dataclass(frozen=True)
class KgEntity:
    """An entity node of a predicted graph."""

    iri: str
    label: str
    cls: str
    aliases: tuple[str, ...] = ()
    mentions: int = 0
    start_years: frozenset[str] = frozenset()


@dataclass(frozen=True)
class KgRelation:
    """An asserted relation of a predicted graph with the texts of its evidence sentences."""

    s: str
    p: str
    o: str
    evidence: tuple[str, ...] = ()
    confidence: float = 1.0
    rule: str = ""


@dataclass(frozen=True)
class Prediction:
    """What the scorer reads from a predicted graph."""

    entities: Mapping[str, KgEntity]
    relations: tuple[KgRelation, ...]


@dataclass
class Score:
    """Counts (summed over documents) and error lines of one system on one set.

    ``counts`` holds totals; ``classes`` (class, tp|fp|fn); ``properties`` (property,
    found|missed|right|wrong); ``errors`` category -> lines.
    """

    counts: Counter[str] = field(default_factory=Counter)
    classes: Counter[tuple[str, str]] = field(default_factory=Counter)
    properties: Counter[tuple[str, str]] = field(default_factory=Counter)
    errors: dict[str, list[str]] = field(default_factory=dict)

    def add(self, other: Score) -> Score:
        """Sum two scores (a new Score; neither input changes).

        >>> a = Score(Counter(entities=2)); b = Score(Counter(entities=3))
        >>> a.add(b).counts["entities"], a.counts["entities"]
        (5, 2)
        """
        errors = {k: list(v) for k, v in self.errors.items()}
        for key, lines in other.errors.items():
            errors.setdefault(key, []).extend(lines)
        return Score(self.counts + other.counts, self.classes + other.classes,
                     self.properties + other.properties, errors)

    def error(self, category: str, line: str) -> None:
        self.errors.setdefault(category, []).append(line)


# --------------------------------------------------------------------------------------------
# normalisation and reading


def normalise(text: str) -> str:
    """The matching key of a label: case, a leading "the", a trailing "'s" and dots ignored.

    >>> [normalise(t) for t in ["The United States", "U.S.", "Japan's", "Japan’s", " METI "]]
    ['united states', 'us', 'japan', 'japan', 'meti']
    >>> normalise("the") == normalise("The")
    True
    """
    key = " ".join(text.replace("’", "'").replace(".", "").split()).lower()
    if key.startswith("the "):
        key = key[4:]
    if key.endswith("'s"):
        key = key[:-2]
    return key.strip()


def _keys(names: Iterable[str]) -> frozenset[str]:
    return frozenset(k for k in (normalise(n) for n in names) if k)


def most_specific(classes: Iterable[str]) -> str:
    """The deepest contract class of a node (ties: alphabetical).

    >>> most_specific(["Organization", "Company", "Entity"])
    'Company'
    """
    return vocab_most_specific(set(classes))


def _year(value: str) -> str | None:
    match = re.match(r"-?(\d{4})", value.strip())
    return match.group(1) if match else None


def read_graph(graph: Graph) -> Prediction:
    """Entities (typed nodes with a label) and asserted relations with their evidence texts.

    >>> g = Graph()
    >>> e = "http://x/entity/"
    >>> _ = g.add((URIRef(e + "a"), RDF.type, KGO.Company))
    >>> _ = g.add((URIRef(e + "a"), RDFS.label, Literal("Rapidus")))
    >>> read_graph(g).entities[e + "a"].label
    'Rapidus'
    """
    kgo_classes = {KGO[c]: c for c in ENTITY_CLASSES}
    types: dict[str, list[str]] = {}
    for node, cls in graph.subject_objects(RDF.type):
        name = kgo_classes.get(cls) if isinstance(cls, URIRef) else None
        if isinstance(node, URIRef) and name is not None:
            types.setdefault(str(node), []).append(name)
    entities: dict[str, KgEntity] = {}
    for iri in sorted(types):
        node = URIRef(iri)
        labels = sorted(str(x) for x in graph.objects(node, RDFS.label))
        if not labels:
            continue
        aliases = tuple(sorted({str(x) for x in graph.objects(node, SKOS.altLabel)}))
        counts = [int(x) for x in graph.objects(node, KGO.mentionCount)
                  if isinstance(x, Literal) and str(x).isdigit()]
        years = frozenset(y for y in (_year(str(x)) for x in graph.objects(node, KGO.startDate))
                          if y)
        entities[iri] = KgEntity(iri, labels[0], most_specific(types[iri]), aliases,
                                 max(counts, default=0), years)
    evidence: dict[Triple, set[str]] = {}
    confidence: dict[Triple, float] = {}
    rules: dict[Triple, str] = {}
    for st in graph.subjects(RDF.type, RDF.Statement):
        s, p, o = (graph.value(st, x) for x in (RDF.subject, RDF.predicate, RDF.object))
        texts = {str(t) for sent in graph.objects(st, PROV.wasDerivedFrom)
                 for t in graph.objects(sent, KGO.text) if str(t).strip()}
        if s is not None and p is not None and o is not None:
            key = (str(s), str(p), str(o))
            evidence.setdefault(key, set()).update(texts)
            value = graph.value(st, KGO.confidence)
            if isinstance(value, Literal) and float(value) >= confidence.get(key, -1.0):
                confidence[key] = float(value)
                rules[key] = str(graph.value(st, KGO.extractor) or "")
    relations = []
    for prop in RELATION_PROPERTIES:
        for s, o in graph.subject_objects(KGO[prop]):
            if str(s) in entities and str(o) in entities:
                key = (str(s), str(KGO[prop]), str(o))
                texts = evidence.get(key, set())
                relations.append(KgRelation(str(s), prop, str(o), tuple(sorted(texts)),
                                            confidence.get(key, 1.0), rules.get(key, "")))
    return Prediction(entities, tuple(sorted(relations, key=lambda r: (r.p, r.s, r.o))))


# --------------------------------------------------------------------------------------------
# gold readers


def _triple(item: Mapping[str, Any]) -> Triple:
    return (str(item["s"]), str(item["p"]), str(item["o"]))


def practice_gold(data: Mapping[str, Any], text: str, name: str) -> GoldDoc:
    """Read one practice gold file (already parsed JSON) into a GoldDoc.

    >>> g = practice_gold({"entities": [{"label": "Japan", "class": "Country",
    ...     "aliases": ["Japan"], "demonyms": ["Japanese"]}], "relations": [],
    ...     "dates": []}, "", "a.txt")
    >>> g.entities[0].keys, g.neutral_keys
    (frozenset({'japan'}), frozenset({'japanese'}))
    """
    entities = []
    neutral: set[str] = set()
    for ent in data.get("entities", []):
        keys = _keys([ent["label"], *ent.get("aliases", [])])
        entities.append(GoldEntity(ent["label"], ent["class"],
                                   (ent["class"], *ent.get("alt_classes", [])), keys))
        neutral |= _keys([*ent.get("demonyms", []), *ent.get("metonyms", [])])
    for ent in data.get("optional_entities", []):
        neutral |= _keys([ent["label"], *ent.get("aliases", [])])
    relations = tuple(
        GoldRelation(*_triple(r), evidence=r.get("evidence", ""), core=bool(r.get("core")),
                     alts=tuple(_triple(a) for a in r.get("alt", [])))
        for r in data.get("relations", [])
    )
    dates = tuple(GoldDate(d["entity"], frozenset({str(d["startDate"])[:4]}),
                           d.get("evidence", ""))
                  for d in data.get("dates", []) if d.get("startDate"))
    return GoldDoc(
        name, text, tuple(entities), relations,
        optional=tuple(_triple(r) for r in data.get("optional_relations", [])),
        negative=tuple(_triple(r) for r in data.get("negative_relations", [])),
        dates=dates, neutral_keys=frozenset(neutral - set().union(*(e.keys for e in entities))),
    )


def redocred_mapping(
    pid: str, head: str, tail: str, table: Mapping[str, tuple[tuple[str, bool], ...]] = REDOCRED_MAP
) -> tuple[Triple, ...]:
    """The contract triples a Re-DocRED triple maps to (first = gold, rest = alts); () if none.

    >>> redocred_mapping("P710", "Camp David Summit", "Joe Biden")
    (('Joe Biden', 'participatedIn', 'Camp David Summit'),)
    >>> redocred_mapping("P1001", "CHIPS Act", "United States")
    (('CHIPS Act', 'issuedBy', 'United States'), ('United States', 'partyTo', 'CHIPS Act'))
    >>> redocred_mapping("P17", "Tokyo", "Japan")
    ()
    """
    return tuple((tail, p, head) if inverted else (head, p, tail)
                 for p, inverted in table.get(pid, ()))


def redocred_gold(
    record: Mapping[str, Any],
    mapping: Mapping[str, tuple[tuple[str, bool], ...]] = REDOCRED_MAP,
) -> GoldDoc:
    """Read one Re-DocRED record into a GoldDoc (TIME/NUM entities only feed P571 years).

    P1001 (applies to jurisdiction) is mapped only when its head is MISC (a law or treaty);
    people and councils with a jurisdiction are left out.

    >>> rec = {"id": "d1", "text": "", "sentences": ["S0."], "entities": [
    ...   {"name": "Airbus", "type": "ORG", "mentions": ["Airbus"]},
    ...   {"name": "1970", "type": "TIME", "mentions": ["1970"]}], "relations": [
    ...   {"head": "Airbus", "tail": "1970", "relation_id": "P571", "evidence": [0]}]}
    >>> g = redocred_gold(rec)
    >>> [e.label for e in g.entities], g.dates[0].years
    (['Airbus'], frozenset({'1970'}))

    A pair under two properties keeps the readings of both (P131 gives locatedIn alone, P17
    also headquarteredIn):

    >>> rec = {"id": "d2", "text": "", "sentences": [], "entities": [
    ...   {"name": "Acme", "type": "ORG", "mentions": ["Acme"]},
    ...   {"name": "Chile", "type": "LOC", "mentions": ["Chile"]}], "relations": [
    ...   {"head": "Acme", "tail": "Chile", "relation_id": "P131", "evidence": []},
    ...   {"head": "Acme", "tail": "Chile", "relation_id": "P17", "evidence": []}]}
    >>> [(r.p, [a[1] for a in r.alts][:1]) for r in redocred_gold(rec, REDOCRED_MAP_P17).relations]
    [('locatedIn', ['headquarteredIn'])]
    """
    sentences = list(record.get("sentences", []))
    types = {e["name"]: e["type"] for e in record["entities"]}
    entities = tuple(
        GoldEntity(e["name"], e["type"], REDOCRED_CLASSES.get(e["type"], ("Entity",)),
                   _keys([re.sub(r" \[\d+\]$", "", e["name"]), *e.get("mentions", [])]))
        for e in record["entities"] if e["type"] not in SKIPPED_TYPES
    )
    relations: dict[Triple, GoldRelation] = {}
    optional: set[Triple] = set()
    years: dict[str, set[str]] = {}
    evidence_of: dict[str, str] = {}
    for rel in record.get("relations", []):
        head, tail, pid = rel["head"], rel["tail"], rel["relation_id"]
        ev = " ".join(sentences[i] for i in rel.get("evidence", []) if i < len(sentences))
        if pid == "P571" and types.get(head) not in SKIPPED_TYPES:
            year = re.search(r"\b(\d{4})\b", tail)
            if year:
                years.setdefault(head, set()).add(year.group(1))
                evidence_of.setdefault(head, ev)
            continue
        if types.get(head) in SKIPPED_TYPES or types.get(tail) in SKIPPED_TYPES or head == tail:
            continue
        optional.update(redocred_mapping(pid, head, tail, REDOCRED_OPTIONAL))
        if pid == "P1001" and types.get(head) != "MISC":
            continue  # a person's or a council's jurisdiction is no law's issuer
        mapped = redocred_mapping(pid, head, tail, mapping)
        if not mapped:
            continue
        old = relations.get(mapped[0])
        if old is None:
            relations[mapped[0]] = GoldRelation(*mapped[0], evidence=ev, alts=mapped[1:])
        else:  # one pair under two properties (P131 and P17): either property's readings count
            alts = old.alts + tuple(a for a in mapped[1:] if a not in old.alts)
            relations[mapped[0]] = GoldRelation(*mapped[0], evidence=old.evidence or ev,
                                                alts=alts)
    dates = tuple(GoldDate(e, frozenset(y), evidence_of.get(e, ""))
                  for e, y in sorted(years.items()))
    return GoldDoc(str(record["id"]), str(record["text"]), entities,
                   tuple(relations[k] for k in sorted(relations)),
                   optional=tuple(sorted(optional - set(relations))), dates=dates)


def load_practice(folder: Path, limit: int | None = None) -> list[GoldDoc]:
    """Every ``gold/*.json`` of the practice folder with the document it names."""
    docs = []
    for path in sorted((folder / "gold").glob("*.json"))[:limit]:
        data = json.loads(path.read_text(encoding="utf-8"))
        doc_path = folder / data.get("document", f"docs/{path.stem}.txt")
        docs.append(practice_gold(data, doc_path.read_text(encoding="utf-8"), doc_path.name))
    return docs


def load_news(folder: Path, limit: int | None = None) -> list[GoldDoc]:
    """The news set: its gold format is the practice set's, so it is read the same way."""
    return load_practice(folder, limit)


def load_redocred(
    folder: Path, limit: int | None = None, *, country_required: bool = False
) -> list[GoldDoc]:
    """The records of ``dev_subset.jsonl`` (the first ``limit`` when given); with
    ``country_required``, P17 is a required fact, as the hidden scorer counts it."""
    docs = []
    mapping = REDOCRED_MAP_P17 if country_required else REDOCRED_MAP
    with (folder / "dev_subset.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                docs.append(redocred_gold(json.loads(line), mapping))
                if limit is not None and len(docs) >= limit:
                    break
    return docs


# --------------------------------------------------------------------------------------------
# matching and scoring


def entity_names(entity: KgEntity) -> frozenset[str]:
    """The normalised label and aliases of a predicted entity.

    >>> sorted(entity_names(KgEntity("x", "United States", "Country", ("the U.S.", "US"))))
    ['united states', 'us']
    """
    return _keys([entity.label, *entity.aliases])


def match_entities(gold: Sequence[GoldEntity], pred: Prediction) -> dict[str, tuple[str, ...]]:
    """Gold label -> IRIs of predicted entities whose label or an alias matches a gold key.

    The first IRI is the primary match (used for typing): a node whose own label is the gold
    label, then one whose own label is a gold alias, then the one with most mentions, then IRI.

    >>> p = Prediction({"a": KgEntity("a", "US", "Country", mentions=1),
    ...                 "b": KgEntity("b", "United States", "Country", ("US",), 9)}, ())
    >>> match_entities([GoldEntity("United States", "Country", ("Country",),
    ...                            frozenset({"united states", "us"}))], p)
    {'United States': ('b', 'a')}
    """
    names = {iri: entity_names(e) for iri, e in pred.entities.items()}
    result: dict[str, tuple[str, ...]] = {}
    for ent in gold:
        own = normalise(re.sub(r" \[\d+\]$", "", ent.label))
        hits = [iri for iri, keys in names.items() if keys & ent.keys]
        hits.sort(key=lambda iri: (normalise(pred.entities[iri].label) != own,
                                   normalise(pred.entities[iri].label) not in ent.keys,
                                   -pred.entities[iri].mentions, iri))
        result[ent.label] = tuple(hits)
    return result


def gold_of_nodes(matches: Mapping[str, Sequence[str]]) -> dict[str, frozenset[str]]:
    """The inverse of ``match_entities``: IRI -> gold labels it matches.

    >>> inverse = gold_of_nodes({"Japan": ("a",), "Tokyo": ("a", "b")})
    >>> sorted(inverse["a"]), sorted(inverse["b"])
    (['Japan', 'Tokyo'], ['Tokyo'])
    """
    inverse: dict[str, set[str]] = {}
    for label, iris in matches.items():
        for iri in iris:
            inverse.setdefault(iri, set()).add(label)
    return {iri: frozenset(labels) for iri, labels in sorted(inverse.items())}


def type_ok(cls: str, accepted: Iterable[str]) -> bool:
    """A predicted class is right when it is an accepted class or a subclass of one.

    >>> type_ok("TradeAgreement", ["Treaty"]), type_ok("Place", ["City"])
    (True, False)
    """
    return any(is_subclass(cls, c) for c in accepted)


def score_entities(
    gold: GoldDoc, pred: Prediction, matches: Mapping[str, Sequence[str]],
    kind_of: Callable[[str], str] = str,
) -> Score:
    """Entity recall, typing of the primary match, and per-class tp/fp/fn.

    A gold entity is a true positive of its class when found and correctly typed; a miss or a
    wrong type is a false negative of the gold class, and a wrong type also a false positive of
    the predicted class. Predicted entities that match nothing in the gold (not even a demonym,
    metonym or optional entity) are false positives of their class.
    """
    score = Score()
    matched = set(gold_of_nodes(matches))
    for ent in gold.entities:
        score.counts["entities"] += 1
        iris = matches.get(ent.label, ())
        if not iris:
            score.classes[(ent.kind, "fn")] += 1
            score.error("missed entities", f"[{gold.name}] {ent.label} ({ent.kind})")
            continue
        score.counts["entities_found"] += 1
        node = pred.entities[iris[0]]
        if type_ok(node.cls, ent.classes):
            score.counts["typed_ok"] += 1
            score.classes[(ent.kind, "tp")] += 1
        else:
            score.classes[(ent.kind, "fn")] += 1
            score.classes[(kind_of(node.cls), "fp")] += 1
            score.error("mistyped entities", f"[{gold.name}] {ent.label}: gold "
                        f"{'/'.join(ent.classes)}, kg {node.cls} ({node.label!r})")
    for iri, node in pred.entities.items():
        score.counts["kg_entities"] += 1
        if iri not in matched and not entity_names(node) & gold.neutral_keys:
            score.counts["spurious_entities"] += 1
            score.classes[(kind_of(node.cls), "fp")] += 1
    return score


def _holds(triple: Triple, matches: Mapping[str, Sequence[str]], asserted: set[Triple]) -> bool:
    s, p, o = triple
    for a in matches.get(s, ()):
        for b in matches.get(o, ()):
            if (a, p, b) in asserted or (p in SYMMETRIC_PROPERTIES and (b, p, a) in asserted):
                return True
    return False


def relation_found(
    rel: GoldRelation, matches: Mapping[str, Sequence[str]], asserted: set[Triple]
) -> bool:
    """Some node matching ``s`` has ``p`` to some node matching ``o`` (either way when
    symmetric), or one of the ``alts`` holds.

    >>> m = {"Japan": ("j",), "United States": ("u",)}
    >>> relation_found(GoldRelation("United States", "alliedWith", "Japan"), m,
    ...                {("j", "alliedWith", "u")})
    True
    """
    return any(_holds(t, matches, asserted) for t in ((rel.s, rel.p, rel.o), *rel.alts))


def _in(triples: Iterable[Triple], s_labels: frozenset[str], p: str,
        o_labels: frozenset[str]) -> bool:
    for gs, gp, go in triples:
        if gp != p:
            continue
        if (gs in s_labels and go in o_labels) or (
            p in SYMMETRIC_PROPERTIES and gs in o_labels and go in s_labels
        ):
            return True
    return False


def judge(gold: GoldDoc, s_labels: frozenset[str], p: str, o_labels: frozenset[str]) -> str:
    """Verdict on a predicted relation whose ends match the given gold labels:
    ``negative`` (a trap), ``right`` (gold or an alt), ``optional`` (neutral) or ``wrong``.

    >>> rel = GoldRelation("A", "memberOf", "B", alts=(("A", "partOf", "B"),))
    >>> g = GoldDoc("d", "", (), (rel,), optional=(("B", "opposes", "A"),),
    ...             negative=(("A", "opposes", "B"),))
    >>> asked = [("A", "partOf", "B"), ("B", "opposes", "A"), ("A", "opposes", "B"),
    ...          ("B", "memberOf", "A")]
    >>> [judge(g, frozenset({x}), p, frozenset({y})) for x, p, y in asked]
    ['right', 'optional', 'negative', 'wrong']
    """
    if _in(gold.negative, s_labels, p, o_labels):
        return "negative"
    accepted = [t for r in gold.relations for t in ((r.s, r.p, r.o), *r.alts)]
    if _in(accepted, s_labels, p, o_labels):
        return "right"
    if _in(gold.optional, s_labels, p, o_labels):
        return "optional"
    return "wrong"


def score_relations(
    gold: GoldDoc, pred: Prediction, matches: Mapping[str, Sequence[str]],
    judged: frozenset[str] = TYPED_PROPERTIES,
) -> Score:
    """Recall of gold relations (overall, core, per property) and precision of predicted
    relations with a ``judged`` property whose both ends match gold entities.

    ``pairs_linked`` counts gold relations whose two ends are joined by any asserted relation
    (any property, relatedTo included, either direction): what an untyped extractor can reach.
    ``stated`` counts gold relations that come with an evidence sentence (Re-DocRED adds many
    without one; every practice relation has one).
    """
    score = Score()
    asserted = {(r.s, r.p, r.o) for r in pred.relations}
    linked = {(r.s, r.o) for r in pred.relations} | {(r.o, r.s) for r in pred.relations}
    for rel in gold.relations:
        found = relation_found(rel, matches, asserted)
        score.counts["relations"] += 1
        score.counts["relations_found"] += found
        if rel.evidence:
            score.counts["stated"] += 1
            score.counts["stated_found"] += found
        score.counts["pairs_linked"] += any(
            (a, b) in linked for a in matches.get(rel.s, ()) for b in matches.get(rel.o, ()))
        score.properties[(rel.p, "found" if found else "missed")] += 1
        if rel.core:
            score.counts["core"] += 1
            score.counts["core_found"] += found
        if not found:
            score.error("missed relations", f"[{gold.name}] {rel.s} {rel.p} {rel.o}"
                        f"{' (core)' if rel.core else ''}\n      gold: {_quote(rel.evidence)}")
    nodes = gold_of_nodes(matches)
    for r in pred.relations:
        if r.p not in judged or r.s not in nodes or r.o not in nodes:
            continue
        verdict = judge(gold, nodes[r.s], r.p, nodes[r.o])
        if verdict == "optional":
            continue
        score.counts["judged"] += 1
        score.counts["judged_right"] += verdict == "right"
        if r.confidence >= CALIBRATION_THRESHOLD:
            score.counts["judged_confident"] += 1
            score.counts["judged_confident_right"] += verdict == "right"
        score.counts["negatives_extracted"] += verdict == "negative"
        score.properties[(r.p, "right" if verdict == "right" else "wrong")] += 1
        if verdict != "right":
            s_label, o_label = pred.entities[r.s].label, pred.entities[r.o].label
            mark = " [NEGATIVE]" if verdict == "negative" else ""
            text = _quote(r.evidence[0] if r.evidence else "")
            score.error("wrong relations", f"[{gold.name}] {s_label} {r.p} {o_label}{mark}"
                        f" ({r.rule}, {r.confidence:.2f})\n      kg: {text}")
    return score


def _quote(sentence: str) -> str:
    return repr(sentence) if sentence else "(no evidence sentence)"


def score_dates(gold: GoldDoc, pred: Prediction, matches: Mapping[str, Sequence[str]]) -> Score:
    """Gold dates whose entity has a matching node with a right start year (recall), and
    predicted start years on entities that have a gold date (precision, as ``startDate``)."""
    score = Score()
    for date in gold.dates:
        iris = matches.get(date.entity, ())
        predicted = {y for iri in iris for y in pred.entities[iri].start_years}
        ok = bool(predicted & date.years)
        score.counts["dates"] += 1
        score.counts["dates_right"] += ok
        score.properties[("startDate", "found" if ok else "missed")] += 1
        for year in sorted(predicted):
            score.properties[("startDate", "right" if year in date.years else "wrong")] += 1
        if not ok:
            got = ", ".join(sorted(predicted)) or "none"
            years = "/".join(sorted(date.years))
            score.error("missed dates", f"[{gold.name}] {date.entity} startDate {years} "
                        f"(kg: {got})\n      gold: {_quote(date.evidence)}")
    return score


def score_evidence(pred: Prediction) -> Score:
    """How many asserted relations (typed or relatedTo) have a statement with a sentence text.

    >>> s = score_evidence(Prediction({}, (KgRelation("a", "funds", "b", ("It funds b.",)),
    ...                                   KgRelation("a", "opposes", "b"))))
    >>> s.counts["with_evidence"], s.counts["asserted"]
    (1, 2)
    """
    score = Score()
    for r in pred.relations:
        score.counts["asserted"] += 1
        score.counts["with_evidence"] += bool(r.evidence)
    return score


def score_document(
    gold: GoldDoc, graph: Graph, *, judged: frozenset[str] = TYPED_PROPERTIES,
    kind_of: Callable[[str], str] = str,
) -> Score:
    """Every measure for one predicted graph against one gold document."""
    pred = read_graph(graph)
    matches = match_entities(gold.entities, pred)
    return (score_entities(gold, pred, matches, kind_of)
            .add(score_relations(gold, pred, matches, judged))
            .add(score_dates(gold, pred, matches))
            .add(score_evidence(pred)))


def coarse_type(cls: str) -> str:
    """The DocRED type a contract class falls under (for Re-DocRED per-class tables).

    >>> [coarse_type(c) for c in ("City", "Country", "Company", "Person", "War")]
    ['LOC', 'LOC', 'ORG', 'PER', 'MISC']
    """
    for kind in ("PER", "LOC", "ORG"):
        if type_ok(cls, REDOCRED_CLASSES[kind]):
            return kind
    return "MISC"


def ratio(num: float, den: float) -> float | None:
    """num / den, or None when there is nothing to divide by.

    >>> ratio(3, 4), ratio(0, 0)
    (0.75, None)
    """
    return num / den if den else None


def prf(right: int, wrong: int, found: int, missed: int) -> tuple[float | None, ...]:
    """Precision from judged predictions, recall from gold items, and their F1.

    >>> prf(3, 1, 2, 2)
    (0.75, 0.5, 0.6)
    """
    p, r = ratio(right, right + wrong), ratio(found, found + missed)
    f = 2 * p * r / (p + r) if p is not None and r is not None and p + r else None
    return p, r, (round(f, 6) if f is not None else None)


def figures(score: Score) -> dict[str, float | None]:
    """The headline measures of a score.

    >>> figures(Score(Counter(entities=4, entities_found=3, typed_ok=3)))["entity_recall"]
    0.75
    """
    c = score.counts
    tp = sum(n for (_, k), n in score.classes.items() if k == "tp")
    fp = sum(n for (_, k), n in score.classes.items() if k == "fp")
    return {
        "entity_recall": ratio(c["entities_found"], c["entities"]),
        "typing": ratio(c["typed_ok"], c["entities_found"]),
        "entity_precision": ratio(tp, tp + fp),
        "relation_recall": ratio(c["relations_found"], c["relations"]),
        "linked_pairs": ratio(c["pairs_linked"], c["relations"]),
        "stated_recall": ratio(c["stated_found"], c["stated"]),
        "core_recall": ratio(c["core_found"], c["core"]),
        "typed_precision": ratio(c["judged_right"], c["judged"]),
        "confident_precision": ratio(c["judged_confident_right"], c["judged_confident"]),
        "start_year": ratio(c["dates_right"], c["dates"]),
        "evidence": ratio(c["with_evidence"], c["asserted"]),
    }


# --------------------------------------------------------------------------------------------
# running the systems


def run_kg(docs: list[tuple[str, str]], *, model: str | None = None) -> Graph:
    """Write each (name, text) into a temporary folder and build kg's graph of them."""
    from kg.build import build

    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        paths = []
        for name, text in docs:
            path = Path(tmp) / name
            path.write_text(text, encoding="utf-8")
            paths.append(path)
        result = build(paths) if model is None else build(paths, model=model)
        return result.graph


def run_baseline(docs: list[tuple[str, str]], *, model: str | None = None) -> Graph:
    """The baseline's graph of (name, text) pairs, with the same spaCy model as kg."""
    if model is None:
        return baseline.build_baseline(docs)
    return baseline.build_baseline(docs, model=model)


def kg_available() -> str | None:
    """None when ``kg.build`` can be imported, else why not."""
    try:
        from kg.build import build  # noqa: F401
    except Exception as err:  # missing or broken mid-edit: score the baseline alone
        return f"{type(err).__name__}: {err}"
    return None


System = Callable[[list[tuple[str, str]]], Graph]


def evaluate(
    docs: Sequence[GoldDoc], system: System, *, judged: frozenset[str],
    kind_of: Callable[[str], str] = str, label: str = "",
) -> Score:
    """Run a system on each document alone and sum the scores; a failure scores as empty."""
    total = Score()
    for doc in docs:
        name = doc.name if doc.name.endswith(".txt") else f"{doc.name}.txt"
        try:
            graph = system([(name, doc.text)])
        except Exception as err:  # a benchmark reports a crash and carries on
            print(f"{label} failed on {doc.name}: {type(err).__name__}: {err}", file=sys.stderr)
            total.counts["failed_documents"] += 1
            graph = Graph()
        total = total.add(score_document(doc, graph, judged=judged, kind_of=kind_of))
    return total


# --------------------------------------------------------------------------------------------
# printing


def fmt(value: float | None) -> str:
    """A figure for a table.

    >>> fmt(0.5), fmt(None)
    ('0.50', 'n/a')
    """
    return "n/a" if value is None else f"{value:.2f}"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table with left-aligned first column.

    >>> print(table(["a", "b"], [["x", "1"]]))
    a | b
    --+--
    x | 1
    """
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(row: Sequence[str]) -> str:
        cells = zip(row, widths, strict=True)
        return " | ".join(v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in enumerate(cells))

    return "\n".join([line(header), "-+-".join("-" * w for w in widths), *map(line, rows)])


def breakdown(scores: Mapping[str, Score], attr: str, title: str) -> str:
    """Per-class or per-property P/R/F1 of each system side by side."""
    keys: set[str] = set()
    for score in scores.values():
        keys |= {k for k, _ in getattr(score, attr)}
    header = [title]
    for name in scores:
        header += [f"{name} P", f"{name} R", f"{name} F1"]
    header.append("gold n")
    rows = []
    for key in sorted(keys):
        row = [key]
        gold_n = 0
        for score in scores.values():
            c: Counter[tuple[str, str]] = getattr(score, attr)
            if attr == "classes":
                p, r, f = prf(c[(key, "tp")], c[(key, "fp")], c[(key, "tp")], c[(key, "fn")])
                gold_n = c[(key, "tp")] + c[(key, "fn")]
            else:
                p, r, f = prf(c[(key, "right")], c[(key, "wrong")],
                              c[(key, "found")], c[(key, "missed")])
                gold_n = c[(key, "found")] + c[(key, "missed")]
            row += [fmt(p), fmt(r), fmt(f)]
        rows.append([*row, str(gold_n)])
    return table(header, rows)


def error_report(score: Score, limit: int) -> str:
    """The first ``limit`` lines of each error category."""
    out = []
    for category in ("missed relations", "wrong relations", "mistyped entities",
                     "missed entities", "missed dates"):
        lines = score.errors.get(category, [])
        out.append(f"  {category} ({len(lines)}):")
        out += [f"    {line}" for line in lines[:limit]]
        if len(lines) > limit:
            out.append(f"    ... {len(lines) - limit} more")
    return "\n".join(out)


def summary_rows(
    results: Mapping[str, Mapping[str, float | None]], targets: Mapping[str, float],
    measures: Sequence[str],
) -> list[list[str]]:
    """Rows of measure | target | kg | baseline ("*" marks a kg figure below its target)."""
    rows = []
    for m in measures:
        target = targets.get(m)
        row = [MEASURE_NAMES[m], f">= {target:.2f}" if target is not None else "-"]
        for system in ("kg", "baseline"):
            value = results.get(system, {}).get(m)
            mark = "*" if system == "kg" and target is not None and (value or 0) < target else ""
            row.append(fmt(value) + mark if system in results else "n/a")
        rows.append(row)
    return rows


# --------------------------------------------------------------------------------------------
# the command line


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="the shared bench folder (default: ../shared/bench from the "
                        "repo root)")
    parser.add_argument("--set", choices=("practice", "news", "redocred", "redocred-p17", "all"),
                        default="all",
                        help="which gold set to score (default: all; redocred-p17 is Re-DocRED "
                             "with P17 'country' required, as the hidden scorer counts it)")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N documents")
    parser.add_argument("--errors", type=int, default=10,
                        help="error lines to print per category for kg (default 10)")
    parser.add_argument("--json", type=Path, default=None, help="also write every figure here")
    parser.add_argument("--model", default=None, help="spaCy pipeline for kg and the baseline")
    return parser.parse_args(argv)


def run_set(
    title: str, docs: Sequence[GoldDoc], systems: Mapping[str, System], *,
    judged: frozenset[str], kind_of: Callable[[str], str], errors: int,
) -> dict[str, Score]:
    """Score each system on a set and print its per-class, per-property and error tables."""
    scores = {name: evaluate(docs, system, judged=judged, kind_of=kind_of, label=name)
              for name, system in systems.items()}
    print(f"\n=== {title} ({len(docs)} documents) ===\n")
    print(breakdown(scores, "classes", "class"), end="\n\n")
    print(breakdown(scores, "properties", "property"), end="\n\n")
    if "kg" in scores:
        print(f"kg errors (first {errors} of each):")
        print(error_report(scores["kg"], errors))
    return scores


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    data: Path = args.data
    sets = (
        ("practice", "news", "redocred", "redocred-p17") if args.set == "all" else (args.set,)
    )
    for name in sets:
        if not (data / name.removesuffix("-p17")).is_dir():
            print(f"error: {data / name} is not a folder; pass --data with the shared bench "
                  "folder (it holds practice/, news/ and redocred/)", file=sys.stderr)
            return 2
    systems: dict[str, System] = {}
    missing = kg_available()
    if missing is None:
        systems["kg"] = lambda docs: run_kg(docs, model=args.model)
    else:
        print(f"note: kg.build is not available ({missing}); scoring the baseline only",
              file=sys.stderr)
    systems["baseline"] = lambda docs: run_baseline(docs, model=args.model)

    report: dict[str, Any] = {"targets": TARGETS, "news_targets": NEWS_TARGETS}
    summary: list[list[str]] = []
    notes: list[str] = []
    if "practice" in sets:
        docs = load_practice(data / "practice", args.limit)
        scores = run_set("Practice set", docs, systems, judged=TYPED_PROPERTIES, kind_of=str,
                         errors=args.errors)
        results = {name: figures(s) for name, s in scores.items()}
        report["practice"] = _json_scores(scores, results)
        notes += _failures("practice", scores)
        summary += [[f"practice: {r[0]}", *r[1:]] for r in summary_rows(
            results, TARGETS, ["entity_recall", "typing", "entity_precision", "relation_recall",
                               "linked_pairs", "core_recall", "typed_precision",
                               "confident_precision", "start_year", "evidence"])]
    if "news" in sets:
        docs = load_news(data / "news", args.limit)
        scores = run_set("News set", docs, systems, judged=TYPED_PROPERTIES, kind_of=str,
                         errors=args.errors)
        results = {name: figures(s) for name, s in scores.items()}
        report["news"] = _json_scores(scores, results)
        notes += _failures("news", scores)
        summary += [[f"news: {r[0]}", *r[1:]] for r in summary_rows(
            results, NEWS_TARGETS, ["entity_recall", "typing", "entity_precision",
                                    "relation_recall", "linked_pairs", "core_recall",
                                    "typed_precision", "confident_precision", "start_year",
                                    "evidence"])]
    if "redocred" in sets:
        docs = load_redocred(data / "redocred", args.limit)
        scores = run_set("Re-DocRED dev subset", docs, systems, judged=REDOCRED_PROPERTIES,
                         kind_of=coarse_type, errors=args.errors)
        results = {name: figures(s) for name, s in scores.items()}
        report["redocred"] = _json_scores(scores, results)
        notes += _failures("redocred", scores)
        summary += [[f"redocred: {r[0]}", *r[1:]] for r in summary_rows(
            results, {}, ["entity_recall", "typing", "entity_precision", "relation_recall",
                          "stated_recall", "linked_pairs", "typed_precision",
                          "confident_precision", "start_year", "evidence"])]
    if "redocred-p17" in sets:
        docs = load_redocred(data / "redocred", args.limit, country_required=True)
        scores = run_set("Re-DocRED dev subset, P17 required", docs, systems,
                         judged=REDOCRED_PROPERTIES_P17, kind_of=coarse_type,
                         errors=args.errors if args.set == "redocred-p17" else 0)
        results = {name: figures(s) for name, s in scores.items()}
        report["redocred_p17"] = _json_scores(scores, results)
        summary += [[f"redocred with P17: {r[0]}", *r[1:]] for r in summary_rows(
            results, {}, ["relation_recall", "typed_precision", "confident_precision"])]
    print("\n=== Summary ===\n")
    print(table(["measure", "target", "kg", "baseline"], summary))
    print("\n* below target. Re-DocRED precision is a lower bound (its gold is incomplete); "
          "'typed precision' there covers only the mapped properties.")
    if missing is not None:
        print(f"kg was not run: kg.build could not be imported ({missing}).")
    for note in notes:
        print(note)
    if args.json is not None:
        args.json.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return 0


def _failures(name: str, scores: Mapping[str, Score]) -> list[str]:
    return [f"{system} crashed on {s.counts['failed_documents']} {name} document(s), scored "
            "as empty graphs (see stderr)" for system, s in scores.items()
            if s.counts["failed_documents"]]


def _json_scores(
    scores: Mapping[str, Score], results: Mapping[str, dict[str, float | None]]
) -> dict[str, Any]:
    return {
        name: {
            "figures": results[name],
            "counts": dict(sorted(score.counts.items())),
            "classes": {f"{k}:{v}": n for (k, v), n in sorted(score.classes.items())},
            "properties": {f"{k}:{v}": n for (k, v), n in sorted(score.properties.items())},
            "errors": score.errors,
        }
        for name, score in scores.items()
    }


if __name__ == "__main__":
    sys.exit(main())
