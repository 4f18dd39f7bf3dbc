"""Answer "why does the graph say that?": the statements, sentences and documents behind a fact.

Entities are named by label: ``rdfs:label`` or ``skos:altLabel``, compared case-insensitively,
ignoring a leading "the" and a trailing "'s". When a name matches some entity's canonical
label, aliases of other entities are not considered.

Which facts match:

- only ``subject``: every fact in which the entity is the subject *or* the object;
- ``subject`` and ``predicate``: facts with the entity as subject (either side for a
  symmetric property such as ``alliedWith``);
- ``subject`` and ``obj`` (with or without ``predicate``): facts from subject to object
  (either direction for symmetric properties); ``obj`` may also be a literal such as a year.

An ``obj`` that names no entity and is no statement's value is a ``UsageError``, like an
unknown ``subject``; a known name with no matching fact gives an empty list.

>>> from rdflib import Graph
>>> graph = Graph().parse(format="turtle", data='''
... @prefix kgo: <https://w3id.org/kg/ontology#> . @prefix dcterms: <http://purl.org/dc/terms/> .
... @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
... @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
... @prefix prov: <http://www.w3.org/ns/prov#> . @prefix e: <https://w3id.org/kg/id/entity/> .
... e:seoul rdfs:label "Seoul" ; kgo:capitalOf e:south-korea .
... e:south-korea rdfs:label "South Korea" .
... <urn:st> rdf:subject e:seoul ; rdf:predicate kgo:capitalOf ; rdf:object e:south-korea ;
...     kgo:confidence 0.9 ; kgo:extractor "copula-capital" ; prov:wasDerivedFrom <urn:s> .
... <urn:s> kgo:text "Seoul is the capital of South Korea." ; kgo:inDocument <urn:d> ;
...     kgo:charStart 0 ; kgo:charEnd 36 .
... <urn:d> dcterms:title "Korea facts" .
... ''')
>>> print(format_explanations(why(graph, "south korea's")))
Seoul —capitalOf→ South Korea (confidence 0.9, rule copula-capital)
  "Seoul is the capital of South Korea."
  — Korea facts, chars 0–36
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS
from rdflib.term import Node

from kg.errors import InputError, UsageError
from kg.graphs import GraphSource, memory_source
from kg.graphs.evidence import Statement, evidence_query, read_statements
from kg.sparql.prefixes import PREFIXES
from kg.vocab import KGO, RELATION_PROPERTIES, SYMMETRIC_PROPERTIES

_KGO = str(KGO._NS)
#: Properties that carry statement nodes by contract: typed relations and dates.
EVIDENCED_PROPERTIES: tuple[str, ...] = (*RELATION_PROPERTIES, "startDate", "endDate")


@dataclass(frozen=True)
class Explanation:
    """One supported fact: who, what, whom, how sure, which rule, and the sentence that says so."""

    subject: str
    predicate: str
    object: str
    confidence: float | None
    extractor: str
    trigger: str
    sentence: str
    document: str
    source: str
    char_start: int | None
    char_end: int | None
    statement: str


def normalize_label(text: str) -> str:
    """The form in which labels are compared.

    >>> normalize_label("  The  U.S.'s "), normalize_label("Samsung’s"), normalize_label("Theo")
    ('u.s.', 'samsung', 'theo')
    """
    text = " ".join(text.casefold().split())
    text = re.sub(r"^the\s+", "", text)
    return re.sub(r"['’]s$", "", text).strip()


def why(
    graph: GraphSource | Graph, subject: str, predicate: str | None = None, obj: str | None = None
) -> list[Explanation]:
    """The evidence for facts about the entity labelled ``subject`` (see the module doc), read
    from a graph source (or an rdflib Graph).

    Ordered by confidence (highest first), then sentence text, then the remaining fields.
    Raises ``UsageError`` for an unknown label or property, suggesting close names.
    """
    source = memory_source(graph) if isinstance(graph, Graph) else graph
    names = source.construct(_NAMES_QUERY)
    subjects = find_entities(names, subject)
    if not subjects:
        raise _no_entity(names, subject)
    prop = None
    if predicate is not None:
        predicates = source.query("SELECT DISTINCT ?p { ?st rdf:predicate ?p }").rows
        prop = resolve_property(names, predicate, [row[0] for row in predicates])
    objects = find_entities(names, obj) if obj is not None else frozenset()
    if obj is not None and not objects and not _is_value(source, obj):
        raise _no_entity(names, obj)
    iris = frozenset(str(node) for node in subjects)
    evidence = source.construct(evidence_query(iris, iris))
    known = names + evidence
    facts = []
    for statement in read_statements(evidence):
        s, p, o = statement.subject, statement.predicate, statement.object
        if prop is not None and p != prop:
            continue
        if obj is None and prop is None:
            hit = s in subjects or o in subjects
        else:
            hit = _matches(s, o, subjects, objects, obj) or (
                _is_symmetric(p) and _matches(o, s, subjects, objects, obj)
            )
        if hit:
            facts.extend(_explain(known, statement))
    return sorted(facts, key=_order)


#: Every entity's names (what ``find_entities`` compares with).
_NAMES_QUERY = (
    "CONSTRUCT { ?e ?p ?l } WHERE { ?e ?p ?l VALUES ?p { rdfs:label skos:altLabel } }"
)


def _matches(
    s: Node, o: Node, subjects: frozenset[Node], objects: frozenset[Node], obj: str | None
) -> bool:
    if s not in subjects:
        return False
    if obj is None:
        return True
    if objects:
        return o in objects
    return isinstance(o, Literal) and normalize_label(str(o)) == normalize_label(obj)


def _is_value(source: GraphSource, text: str) -> bool:
    """True when some statement has ``text`` as its literal object (a year, say)."""
    wanted = normalize_label(text)
    rows = source.query("SELECT DISTINCT ?o { ?st rdf:object ?o FILTER(isLiteral(?o)) }").rows
    return any(normalize_label(str(o)) == wanted for (o,) in rows)


def _is_symmetric(prop: Node) -> bool:
    return str(prop).startswith(_KGO) and str(prop)[len(_KGO) :] in SYMMETRIC_PROPERTIES


def _order(fact: Explanation) -> tuple[float, str, str, str, str, str, int, str]:
    confidence = -fact.confidence if fact.confidence is not None else 1.0
    start = fact.char_start if fact.char_start is not None else -1
    return (confidence, fact.sentence, fact.subject, fact.predicate, fact.object,
            fact.document, start, fact.statement)


# --- entities ----------------------------------------------------------------------------------


def _labelled(graph: Graph) -> Iterator[tuple[Node, str, bool]]:
    """(entity, label, is canonical) for every labelled node that is not an ontology term."""
    for prop, canonical in ((RDFS.label, True), (SKOS.altLabel, False)):
        for node, label in graph.subject_objects(prop):
            if not str(node).startswith(_KGO):
                yield node, str(label), canonical


def find_entities(graph: Graph, name: str) -> frozenset[Node]:
    """The entities labelled ``name``: canonical labels first, aliases only when none match.

    >>> from rdflib import URIRef
    >>> g = Graph()
    >>> _ = g.add((URIRef("urn:x:us"), RDFS.label, Literal("United States")))
    >>> _ = g.add((URIRef("urn:x:us"), SKOS.altLabel, Literal("the U.S.")))
    >>> sorted(find_entities(g, "U.S.")), sorted(find_entities(g, "the united states"))
    ([rdflib.term.URIRef('urn:x:us')], [rdflib.term.URIRef('urn:x:us')])
    >>> sorted(find_entities(g, "US"))  # dots count only when nothing matches with them
    [rdflib.term.URIRef('urn:x:us')]
    """
    wanted = normalize_label(name)
    canonical: set[Node] = set()
    alias: set[Node] = set()
    undotted: set[Node] = set()
    for node, label, is_canonical in _labelled(graph):
        form = normalize_label(label)
        if form == wanted:
            (canonical if is_canonical else alias).add(node)
        elif without_dots(form) == without_dots(wanted):
            undotted.add(node)
    return frozenset(canonical or alias or undotted)


def without_dots(form: str) -> str:
    """A normalised label with its dots left out, as the viewer's search compares it too.

    >>> without_dots("u.s. army")
    'us army'
    """
    return " ".join(form.replace(".", "").split())


def _no_entity(graph: Graph, name: str) -> InputError:
    """"no entity labelled 'X'", with the closest labels as suggestions."""
    labels: dict[str, str] = {}
    by_rank = sorted(_labelled(graph), key=lambda item: (not item[2], item[1]))
    for _, label, _canonical in by_rank:
        labels.setdefault(normalize_label(label), label)
    close = difflib.get_close_matches(normalize_label(name), sorted(labels), n=3, cutoff=0.6)
    hint = f"; did you mean {_alternatives(labels[c] for c in close)}?" if close else ""
    return InputError(f"no entity labelled {name!r}{hint}")


def _alternatives(names: Iterable[str]) -> str:
    """Quote names and join them with commas and a final "or".

    >>> _alternatives(["a", "b", "c"])
    "'a', 'b' or 'c'"
    """
    quoted = [repr(name) for name in names]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"


# --- properties ----------------------------------------------------------------------------


def _known_properties(predicates: Iterable[Node | None]) -> dict[str, URIRef]:
    """Local name -> IRI: the contract's evidenced properties and any predicate of a statement."""
    known = {name: URIRef(_KGO + name) for name in EVIDENCED_PROPERTIES}
    for prop in sorted(set(predicates), key=str):
        if isinstance(prop, URIRef):
            known.setdefault(re.split(r"[#/]", str(prop))[-1], prop)
    return known


def resolve_property(
    graph: Graph, name: str, predicates: Iterable[Node | None] | None = None
) -> URIRef:
    """The IRI of a property given as ``investsIn``, ``kgo:investsIn`` or a full IRI, among
    the contract's and ``predicates`` (by default, the statements' predicates in ``graph``);
    ``graph`` also lends its prefixes.

    >>> str(resolve_property(Graph(), "kgo:alliedWith"))
    'https://w3id.org/kg/ontology#alliedWith'
    >>> resolve_property(Graph(), "investIn")
    Traceback (most recent call last):
    ...
    kg.errors.UsageError: unknown property 'investIn'; did you mean 'investsIn'?
    """
    known = _known_properties(
        graph.objects(None, RDF.predicate) if predicates is None else predicates
    )
    text = name.strip().strip("<>")
    iri = _expand(graph, text)
    if iri is not None and iri in known.values():
        return iri
    by_case = {local.casefold(): prop for local, prop in known.items()}
    if iri is None and text.casefold() in by_case:
        return by_case[text.casefold()]
    local = re.split(r"[#/:]", text)[-1]
    if local == "mentionedWith":
        raise UsageError(
            "kgo:mentionedWith only records that two entities share a sentence and has no "
            "evidence statements; ask about a typed relation, or name just the entity"
        )
    close = difflib.get_close_matches(local, sorted(known), n=3, cutoff=0.6)
    hint = (f"; did you mean {_alternatives(close)}?" if close
            else f" (known: {', '.join(sorted(known))})")
    raise UsageError(f"unknown property {name!r}{hint}")


def _expand(graph: Graph, text: str) -> URIRef | None:
    """A full IRI for ``prefix:local`` or an absolute IRI; None for a bare local name."""
    if "://" in text or text.startswith("urn:"):
        return URIRef(text)
    if ":" not in text:
        return None
    prefix, local = text.split(":", 1)
    namespaces = {p: str(ns) for p, ns in graph.namespaces()}
    namespaces.update({p: str(ns) for p, ns in PREFIXES.items() if p not in namespaces})
    namespaces["kgo"] = _KGO
    return URIRef(namespaces[prefix] + local) if prefix in namespaces else URIRef(text)


# --- statements ----------------------------------------------------------------------------


def _explain(graph: Graph, statement: Statement) -> list[Explanation]:
    """One Explanation per sentence a statement was derived from (or one without a sentence)."""
    template = Explanation(
        subject=_name(graph, statement.subject), predicate=_local(statement.predicate),
        object=_name(graph, statement.object), confidence=statement.confidence,
        extractor=_text(statement.extractor), trigger=_text(statement.trigger),
        sentence="", document="", source="", char_start=None, char_end=None,
        statement=str(statement.node),
    )
    if not statement.sentences:
        return [template]
    return [
        replace(
            template,
            sentence=_text(support.text),
            document=_document_title(graph, support.document),
            source=_text(graph.value(support.document, DCTERMS.source))
            if support.document is not None else "",
            char_start=support.char_start,
            char_end=support.char_end,
        )
        for support in statement.sentences
    ]


def _name(graph: Graph, node: Node) -> str:
    """An entity's canonical label, a literal's text, or else the IRI's last segment."""
    if isinstance(node, Literal):
        return str(node)
    labels = sorted(str(label) for label in graph.objects(node, RDFS.label))
    return labels[0] if labels else _local(node)


def _local(node: Node) -> str:
    return re.split(r"[#/]", str(node))[-1] or str(node)


def _text(node: Node | str | None) -> str:
    return " ".join(str(node).split()) if node is not None else ""


def _document_title(graph: Graph, document: Node | None) -> str:
    if document is None:
        return ""
    for prop in (DCTERMS.title, DCTERMS.source):
        value = graph.value(document, prop)
        if value is not None:
            return str(value)
    return str(document)


# --- formatting ------------------------------------------------------------------------------


def _header(fact: Explanation) -> str:
    details = []
    if fact.confidence is not None:
        details.append(f"confidence {fact.confidence:g}")
    if fact.extractor:
        details.append(f"rule {fact.extractor}")
    suffix = f" ({', '.join(details)})" if details else ""
    return f"{fact.subject} —{fact.predicate}→ {fact.object}{suffix}"


def format_explanation(fact: Explanation) -> str:
    """A header line, the quoted sentence, and where it comes from."""
    lines = [_header(fact)]
    if fact.sentence:
        lines.append(f'  "{fact.sentence}"')
    else:
        lines.append("  (no supporting sentence recorded)")
    where = fact.document or "unknown document"
    if fact.char_start is not None and fact.char_end is not None:
        where += f", chars {fact.char_start}–{fact.char_end}"
    lines.append(f"  — {where}")
    return "\n".join(lines)


def format_explanations(facts: list[Explanation]) -> str:
    """Readable text for a list of facts, separated by blank lines."""
    if not facts:
        return "no supported facts found"
    return "\n\n".join(format_explanation(fact) for fact in facts)
