"""Answer a parsed question: resolve names, write SPARQL, run it on a source, fetch evidence.

A source is anything kg queries (a graph, a store, an endpoint) seen through one function,
``run(sparql) -> QueryResult``: the generated queries go through the same checks as
``kg query``. Everything is sorted, so the same graph and question give the same answer.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from kg.ask.parse import Intent, parse
from kg.ask.vocabulary import Vocabulary, kgo_iri, load_vocabulary
from kg.explain import normalize_label
from kg.sparql.results import QueryResult

Runner = Callable[[str], QueryResult]
Fact = tuple[Node, str, Node]  # subject, property local name, object

FORMS_HELP = (
    "I understand these kinds of question:\n"
    "  which/what CLASS PROPERTY ENTITY   Which companies invest in the United States?\n"
    "  who/what/where PROPERTY ENTITY     Who leads Samsung? What does China restrict?\n"
    "  yes/no                             Does Japan trade with China?\n"
    "  when                               When was the treaty signed?\n"
    "  how connected                      How is Samsung connected to China?\n"
    "  about an entity                    Tell me about NATO.\n"
    "  counts and lists                   How many companies are there? List all policies.\n"
    "  most mentioned                     Which entities are mentioned most?"
)
EMPTY_NOTE = ("the graph states no such fact (which does not mean it is false: only that "
              "no document in the graph says so)")
MAX_FACTS = 100


@dataclass(frozen=True)
class EvidenceItem:
    """One fact an answer used and the sentence that states it."""

    subject: str
    predicate: str
    object: str
    sentence: str
    document: str

    @property
    def fact(self) -> str:
        return f"{self.subject} —{self.predicate}→ {self.object}"

    def to_dict(self) -> dict[str, str]:
        return {"fact": self.fact, "subject": self.subject, "predicate": self.predicate,
                "object": self.object, "sentence": self.sentence, "document": self.document}


@dataclass(frozen=True)
class Answer:
    """The answer to one question; :meth:`to_dict` is the JSON of ``kg ask --format json``."""

    question: str
    understood: bool
    text: str
    sparql: str = ""
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    boolean: bool | None = None
    evidence: tuple[EvidenceItem, ...] = ()
    form: str = ""
    entities: tuple[str, ...] = ()  # IRIs of the entities the answer names (to highlight)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: question, understood, sparql, columns, rows, boolean, evidence,
        and also answer (the text), form and entities (IRIs)."""
        return {
            "question": self.question, "understood": self.understood, "answer": self.text,
            "form": self.form, "sparql": self.sparql, "columns": list(self.columns),
            "rows": [list(row) for row in self.rows], "boolean": self.boolean,
            "evidence": [item.to_dict() for item in self.evidence],
            "entities": list(self.entities),
        }


# --- names ---------------------------------------------------------------------------------------


def _keys(name: str) -> list[str]:
    """The forms a name is looked up by: normalised, and without dots ("US" for "U.S.")."""
    norm = normalize_label(name)
    return list(dict.fromkeys([norm, norm.replace(".", "").strip()]))


@lru_cache(maxsize=1)
def _demonyms() -> dict[str, str]:
    """Demonym (normalised) -> the country's label, from kg's country lexicon."""
    from kg.nlp.lexicon import load_lexicon

    return {normalize_label(form): country.label
            for form, country in sorted(load_lexicon().countries.items())
            if country.kind == "demonym"}


@dataclass
class Names:
    """The entities of a graph by every name they go by."""

    labels: dict[Node, str] = field(default_factory=dict)
    classes: dict[Node, str] = field(default_factory=dict)
    index: dict[str, dict[Node, int]] = field(default_factory=dict)  # key -> node -> rank

    def add(self, node: Node, name: str, rank: int) -> None:
        for key in _keys(name):
            if key:
                best = self.index.setdefault(key, {})
                best[node] = min(rank, best.get(node, rank))

    def label(self, node: Node) -> str:
        if isinstance(node, Literal):
            return str(node)
        return self.labels.get(node) or re.split(r"[#/]", str(node))[-1]

    def lookup(self, name: str, *, fuzzy: bool) -> tuple[tuple[Node, ...], str]:
        """The entities called ``name`` (best rank only) and a note when a typo was fixed."""
        for key in _keys(name):
            if key in self.index:
                return self._best(self.index[key]), ""
        if fuzzy:
            key = _keys(name)[0]
            close = difflib.get_close_matches(key, sorted(self.index), n=1, cutoff=0.84)
            if close:
                nodes = self._best(self.index[close[0]])
                return nodes, f"taking {name!r} to mean {self.label(nodes[0])!r}"
        return (), ""

    @staticmethod
    def _best(found: dict[Node, int]) -> tuple[Node, ...]:
        rank = min(found.values())
        return tuple(sorted((n for n, r in found.items() if r == rank), key=str))

    def suggest(self, name: str) -> list[str]:
        key = _keys(name)[0]
        close = difflib.get_close_matches(key, sorted(self.index), n=3, cutoff=0.6)
        return list(dict.fromkeys(self.label(self._best(self.index[c])[0]) for c in close))


# --- the source -----------------------------------------------------------------------------------

#: The entities' names, classes and aliases, read once per source. Constant text kg wrote
#: (no user text and no vocabulary term in it: the classes are filtered here, in Python), so a
#: source may run these two queries through a lean path that gives plain strings
#: (:attr:`Source.lean`); every other query goes through ``run`` and kg's full checks.
NAMES_QUERY = "SELECT ?e ?c ?label WHERE { ?e a ?c ; rdfs:label ?label }"
ALIASES_QUERY = "SELECT ?e ?alias WHERE { ?e skos:altLabel ?alias }"
LEAN_QUERIES = frozenset({NAMES_QUERY, ALIASES_QUERY})
Cells = tuple[str | None, ...]
LeanRunner = Callable[[str], list[Cells]]


@dataclass
class Source:
    """A graph to ask, seen through ``run``; its names are read once, on first use.

    ``lean``, when given, runs the constant name-reading queries (``LEAN_QUERIES``) and gives
    each cell as its plain string (an IRI's text, a literal's lexical form, None for a blank
    node or an unbound variable), skipping the
    conversion to rdflib terms that ``run`` makes; without it those queries go through
    ``run`` too. The answer is the same either way.
    """

    run: Runner
    vocab: Vocabulary = field(default_factory=load_vocabulary)
    _names: Names | None = None
    lean: LeanRunner | None = None

    def names(self) -> Names:
        if self._names is None:
            self._names = self._read_names()
        return self._names

    def cells(self, sparql: str) -> list[Cells]:
        """The rows of one of ``LEAN_QUERIES`` as plain strings, sorted."""
        if sparql not in LEAN_QUERIES:
            raise ValueError("only kg's own name-reading queries take the lean path")
        if self.lean is not None:
            rows = self.lean(sparql)
        else:
            rows = [tuple(None if t is None or isinstance(t, BNode) else str(t) for t in row)
                    for row in self.run(sparql).rows]
        return sorted(rows, key=lambda row: tuple(c or "" for c in row))

    def _read_names(self) -> Names:
        names = Names()
        classes = {str(kgo_iri(c)): c for c in self.vocab.subclasses["Entity"]}
        nodes: dict[str, URIRef] = {}
        for iri, cls, label in self.cells(NAMES_QUERY):
            if iri is None or label is None or cls not in classes:
                continue
            node = nodes.get(iri)
            if node is None:
                node = nodes[iri] = URIRef(iri)
                names.labels[node] = label
                names.classes[node] = classes[cls]
            names.add(node, label, 0)
        for iri, alias in self.cells(ALIASES_QUERY):
            if iri in nodes and alias is not None:
                names.add(nodes[iri], alias, 1)
        by_label: dict[str, list[Node]] = {}
        for entity, name in names.labels.items():
            if names.classes.get(entity) == "Country":
                by_label.setdefault(name, []).append(entity)
        for demonym, country in _demonyms().items():
            for entity in by_label.get(country, []):
                names.add(entity, demonym, 2)
        return names


# --- SPARQL helpers ------------------------------------------------------------------------------


def _term(node: Node) -> str:
    return node.n3()


def _values(var: str, nodes: Iterable[Node]) -> str:
    return f"VALUES {var} {{ {' '.join(_term(n) for n in nodes)} }}"


def _class_filter(var: str, classes: Sequence[str], suffix: str = "c") -> str:
    cvar = f"?{var.lstrip('?')}{suffix}"
    return f"{var} a {cvar} . {_values(cvar, (kgo_iri(c) for c in classes))}"


def _demonym_filter(var: str, countries: Sequence[Node], vocab: Vocabulary) -> str:
    first = "|".join(_term(kgo_iri(p)) for p in vocab.demonym_first)
    then = "|".join(_term(kgo_iri(p)) for p in vocab.demonym_then)
    return f"{var} ({first})/({then})* ?home . {_values('?home', countries)}"


def _select(body: str, head: str, order: str = "", limit: int = 0) -> str:
    query = f"SELECT DISTINCT {head} WHERE {{\n  " + "\n  ".join(
        line for line in body.splitlines() if line.strip()) + "\n}"
    if order:
        query += f"\nORDER BY {order}"
    if limit:
        query += f"\nLIMIT {limit}"
    return query


# --- answering ---------------------------------------------------------------------------------


class _NotUnderstood(Exception):
    pass


@dataclass
class _Context:
    question: str
    source: Source
    intent: Intent
    nodes: tuple[tuple[Node, ...], ...]
    notes: tuple[str, ...]

    @property
    def vocab(self) -> Vocabulary:
        return self.source.vocab

    @property
    def names(self) -> Names:
        return self.source.names()


def ask(source: Source, question: str) -> Answer:
    """Answer ``question`` on ``source``, or say honestly that it cannot (see ``kg.ask``)."""
    intents = parse(question, source.vocab, _demonyms())
    if not intents:
        return refusal(question, "I cannot map this question onto the graph's vocabulary.")
    names = source.names()
    for fuzzy in (False, True):
        for intent in intents:
            resolved = _resolve(intent, names, fuzzy=fuzzy)
            if resolved is not None:
                nodes, notes = resolved
                return _answer(_Context(question, source, intent, nodes, notes))
    unknown = next(n for n in intents[0].names if n and not names.lookup(n, fuzzy=True)[0])
    hint = names.suggest(unknown)
    message = f"no entity named {unknown!r}"
    message += f"; did you mean {_or(hint)}?" if hint else " in the graph"
    return Answer(question, False, message + "\n\n" + FORMS_HELP)


def refusal(question: str, reason: str) -> Answer:
    """The honest answer to a question that could not be mapped."""
    return Answer(question, False, f"{reason}\n\n{FORMS_HELP}")


def _or(names: Sequence[str]) -> str:
    quoted = [repr(n) for n in names]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"


def _resolve(
    intent: Intent, names: Names, *, fuzzy: bool
) -> tuple[tuple[tuple[Node, ...], ...], tuple[str, ...]] | None:
    nodes: list[tuple[Node, ...]] = []
    notes: list[str] = []
    for name in intent.names:
        if not name:
            nodes.append(())
            continue
        found, note = names.lookup(name, fuzzy=fuzzy)
        if not found:
            return None
        nodes.append(found)
        notes += [note] if note else []
    if intent.demonym:
        found, _note = names.lookup(intent.demonym, fuzzy=False)
        if not found:
            return None
        nodes.append(found)
    return tuple(nodes), tuple(notes)


def _answer(ctx: _Context) -> Answer:
    handlers: dict[str, Callable[[_Context], Answer]] = {
        "which": _which, "count": _which, "yesno": _yesno, "class-check": _class_check,
        "when": _when, "about": _about, "connect": _connect, "list": _list,
        "top": _top,
    }
    if ctx.intent.form == "count" and not ctx.intent.props:
        return _count(ctx)
    answer = handlers[ctx.intent.form](ctx)
    if ctx.notes:
        answer = Answer(**{**answer.__dict__, "text": "(" + "; ".join(ctx.notes) + ")\n"
                           + answer.text})
    return answer


def _typed(vocab: Vocabulary, props: Iterable[str]) -> list[str]:
    """Properties to query: ``relatedTo`` stands for every typed relation."""
    chosen = list(props)
    return list(vocab.properties) if "relatedTo" in chosen else chosen


def _relation_patterns(vocab: Vocabulary, props: Sequence[str], answer_role: str) -> str:
    """?x (the unknown) and ?e (the known entity) linked by one of ``props``, as ?s ?p ?o."""
    as_subject = [p for p in props if answer_role == "subject" or p in vocab.symmetric]
    as_object = [p for p in props if answer_role == "object" or p in vocab.symmetric]
    parts = []
    if as_subject:
        parts.append("{ " + _values("?p", map(kgo_iri, as_subject))
                     + " ?x ?p ?e . BIND(?x AS ?s) BIND(?e AS ?o) }")
    if as_object:
        parts.append("{ " + _values("?p", map(kgo_iri, as_object))
                     + " ?e ?p ?x . BIND(?e AS ?s) BIND(?x AS ?o) }")
    return "\n  UNION ".join(parts)


def _answer_constraints(ctx: _Context, var: str = "?x") -> str:
    intent, vocab = ctx.intent, ctx.vocab
    lines = []
    if intent.cls:
        lines.append(_class_filter(var, vocab.subclasses.get(intent.cls, (intent.cls,))))
    elif intent.wh == "where":
        places = sorted({*vocab.subclasses["Place"], *vocab.subclasses["Country"]})
        lines.append(_class_filter(var, places))
    if intent.demonym:
        lines.append(_demonym_filter(var, ctx.nodes[-1], vocab))
    return "\n".join(lines)


def _noun(ctx: _Context, many: bool = True) -> str:
    intent = ctx.intent
    if intent.cls:
        label = ctx.vocab.class_labels.get(intent.cls, intent.cls).lower()
        label = (intent.demonym + " " if intent.demonym else "") + label
        from kg.ask.vocabulary import plural

        return plural(label) if many and not label.endswith("s") else label
    return {"who": "who", "where": "where"}.get(intent.wh, "what")


def _phrase(vocab: Vocabulary, props: Sequence[str]) -> str:
    return " or ".join(vocab.property_labels.get(p, p) for p in props)


def _which(ctx: _Context) -> Answer:
    intent, vocab, names = ctx.intent, ctx.vocab, ctx.names
    props = _typed(vocab, intent.props)
    body = "\n".join([
        _values("?e", ctx.nodes[0]),
        _relation_patterns(vocab, props, intent.answer_role),
        "?x rdfs:label ?answer .",
        _answer_constraints(ctx),
    ])
    sparql = _select(body, "?answer ?x ?s ?p ?o", "?answer ?x ?s ?p ?o")
    result = ctx.source.run(sparql)
    answers: dict[Node, str] = {}
    facts: list[Fact] = []
    for label, x, s, p, o in result.rows:
        if x is None or s is None or p is None or o is None:
            continue
        answers.setdefault(x, str(label))
        facts.append((s, _local(p), o))
    known = names.label(ctx.nodes[0][0])
    said = "/".join(intent.props)
    if intent.answer_role == "subject":
        asked = f"{_noun(ctx)} (? {said} {known})"
    else:
        asked = f"{_noun(ctx)} ({known} {said} ?)"
    rows = tuple((label,) for label in answers.values())
    if intent.form == "count":
        text = f"{len(answers)} ({asked})"
        if answers:
            text += ": " + ", ".join(answers.values())
        return _made(ctx, text, sparql, ("count",), ((str(len(answers)),),), None, facts,
                     tuple(answers))
    if not answers:
        text = f"No answer: for {asked}, {EMPTY_NOTE}."
    else:
        text = f"{asked[0].upper() + asked[1:]}:\n" + "\n".join(f"  {a}" for a in answers.values())
    return _made(ctx, text, sparql, ("answer",), rows, None, facts, tuple(answers))


def _local(node: Node) -> str:
    return re.split(r"[#/]", str(node))[-1]


def _made(
    ctx: _Context, text: str, sparql: str, columns: tuple[str, ...],
    rows: tuple[tuple[str, ...], ...], boolean: bool | None, facts: Sequence[Fact],
    entities: Iterable[Node] = (),
) -> Answer:
    evidence = _evidence(ctx, facts)
    return Answer(ctx.question, True, text, sparql, columns, rows, boolean, evidence,
                  ctx.intent.form, tuple(sorted({str(e) for e in entities})))


def _yesno(ctx: _Context) -> Answer:
    intent, vocab, names = ctx.intent, ctx.vocab, ctx.names
    props = _typed(vocab, intent.props)
    subjects, objects = ctx.nodes[0], ctx.nodes[1]
    lines = [_values("?p", map(kgo_iri, props))]
    symmetric = [p for p in props if p in vocab.symmetric]
    if subjects:
        lines.append(_values("?a", subjects))
    if objects:
        lines.append(_values("?b", objects))
    pattern = "{ ?a ?p ?b . BIND(?a AS ?s) BIND(?b AS ?o) }"
    if symmetric:
        pattern += ("\n  UNION { ?b ?p ?a . " + _values("?p", map(kgo_iri, symmetric))
                    + " BIND(?b AS ?s) BIND(?a AS ?o) }")
    lines.append(pattern)
    sparql = _select("\n".join(lines), "?s ?p ?o", "?s ?p ?o", limit=MAX_FACTS)
    result = ctx.source.run(sparql)
    facts = [(s, _local(p), o) for s, p, o in result.rows
             if s is not None and p is not None and o is not None]
    a = names.label(subjects[0]) if subjects else "anything"
    b = names.label(objects[0]) if objects else "anything"
    said = f"{a} {_phrase(vocab, intent.props)} {b}"
    if facts:
        text = f"Yes: the graph states that {_said(names, facts)}."
    else:
        text = f"Not stated: for {said}, {EMPTY_NOTE}."
    return _made(ctx, text, sparql, (), (), bool(facts), facts,
                 {n for s, _p, o in facts for n in (s, o)})


def _said(names: Names, facts: Sequence[Fact]) -> str:
    shown = [f"{names.label(s)} {p} {names.label(o)}" for s, p, o in facts[:5]]
    more = f" (and {len(facts) - 5} more)" if len(facts) > 5 else ""
    return "; ".join(shown) + more


def _class_check(ctx: _Context) -> Answer:
    intent, vocab, names = ctx.intent, ctx.vocab, ctx.names
    body = f"{_values('?e', ctx.nodes[0])}\n{_class_filter('?e', vocab.subclasses[intent.cls])}"
    sparql = _select(body, "?e ?ec", "?e ?ec")
    rows = ctx.source.run(sparql).rows
    label = names.label(ctx.nodes[0][0])
    actual = names.classes.get(ctx.nodes[0][0], "Entity")
    wanted = vocab.class_labels.get(intent.cls, intent.cls).lower()
    text = (f"Yes: {label} is a {vocab.class_labels.get(actual, actual).lower()}." if rows
            else f"No: the graph types {label} as a "
                 f"{vocab.class_labels.get(actual, actual).lower()}, not a {wanted}.")
    return _made(ctx, text, sparql, (), (), bool(rows), (), ctx.nodes[0])


def _when(ctx: _Context) -> Answer:
    names = ctx.names
    wanted = ["startDate", "endDate"] if ctx.intent.date == "both" else [ctx.intent.date]
    body = "\n".join([_values("?e", ctx.nodes[0]), _values("?p", map(kgo_iri, wanted)),
                      "?e ?p ?date ."])
    sparql = _select(body, "?e ?p ?date", "?e ?p ?date")
    rows = [(e, _local(p), d) for e, p, d in ctx.source.run(sparql).rows
            if e is not None and p is not None and d is not None]
    label = names.label(ctx.nodes[0][0])
    if not rows:
        kind = {"startDate": "start date", "endDate": "end date"}.get(ctx.intent.date, "date")
        text = f"No answer: for the {kind} of {label}, {EMPTY_NOTE}."
        return _made(ctx, text, sparql, ("date",), (), None, (), ctx.nodes[0])
    shown = [f"{'starts' if p == 'startDate' else 'ends'} {d}" for _e, p, d in rows]
    text = f"{label} {', '.join(shown)}."
    out = tuple((str(d), p) for _e, p, d in rows)
    return _made(ctx, text, sparql, ("date", "property"), out, None, rows, ctx.nodes[0])


def _about(ctx: _Context) -> Answer:
    vocab, names = ctx.vocab, ctx.names
    entity = ctx.nodes[0][0]
    head = _select("\n".join([
        _values("?e", [entity]),
        "OPTIONAL { ?e skos:altLabel ?alias }",
        "OPTIONAL { ?e kgo:startDate ?start }",
        "OPTIONAL { ?e kgo:endDate ?end }",
        "OPTIONAL { ?e kgo:mentionCount ?mentions }",
    ]), "?alias ?start ?end ?mentions", "?alias ?start ?end ?mentions")
    aliases: dict[str, None] = {}
    dates: dict[str, None] = {}
    mentions = ""
    for alias, start, end, count in ctx.source.run(head).rows:
        if alias is not None:
            aliases[str(alias)] = None
        if start is not None:
            dates[f"starts {start}"] = None
        if end is not None:
            dates[f"ends {end}"] = None
        if count is not None:
            mentions = str(count)
    relations = _select("\n".join([
        _values("?e", [entity]),
        _values("?p", map(kgo_iri, vocab.properties)),
        "{ ?e ?p ?o . BIND(?e AS ?s) } UNION { ?s ?p ?e . BIND(?e AS ?o) }",
    ]), "?s ?p ?o", "?p ?s ?o", limit=MAX_FACTS + 1)
    facts = [(s, _local(p), o) for s, p, o in ctx.source.run(relations).rows
             if s is not None and p is not None and o is not None]
    facts.sort(key=lambda f: (f[1], names.label(f[0]), names.label(f[2]), str(f[0]), str(f[2])))
    label = names.label(entity)
    cls = names.classes.get(entity, "Entity")
    lines = [f"{label}: {vocab.class_labels.get(cls, cls).lower()}"]
    if aliases:
        lines.append("  also called: " + ", ".join(sorted(aliases)))
    if dates:
        lines.append("  dates: " + ", ".join(dates))
    if mentions:
        lines.append(f"  mentions: {mentions}")
    rows: list[tuple[str, ...]] = [(label, "class", vocab.class_labels.get(cls, cls))]
    rows += [(label, "alias", a) for a in sorted(aliases)]
    rows += [(label, d.split()[0], d.split()[1]) for d in dates]
    if facts:
        lines.append(f"  relations ({len(facts[:MAX_FACTS])}"
                     + (", more not shown)" if len(facts) > MAX_FACTS else ")") + ":")
        for s, p, o in facts[:MAX_FACTS]:
            lines.append(f"    {names.label(s)} —{p}→ {names.label(o)}")
            rows.append((names.label(s), p, names.label(o)))
    else:
        lines.append(f"  relations: none stated ({EMPTY_NOTE})")
    sparql = head + "\n\n" + relations
    return _made(ctx, "\n".join(lines), sparql, ("subject", "property", "object"),
                 tuple(rows), None, facts[:MAX_FACTS],
                 {entity, *(n for s, _p, o in facts[:MAX_FACTS] for n in (s, o))})


def _path_query(vocab: Vocabulary, a: Sequence[Node], b: Sequence[Node], hops: int) -> str:
    lines = [_values("?n0", a), _values(f"?n{hops}", b)]
    props = " ".join(_term(kgo_iri(p)) for p in vocab.properties)
    for i in range(1, hops + 1):
        lines.append(f"VALUES ?p{i} {{ {props} }}")
        lines.append(f"{{ ?n{i - 1} ?p{i} ?n{i} . BIND(true AS ?f{i}) }} UNION "
                     f"{{ ?n{i} ?p{i} ?n{i - 1} . BIND(false AS ?f{i}) }}")
    nodes = [f"?n{i}" for i in range(hops + 1)]
    distinct = [f"{x} != {y}" for i, x in enumerate(nodes) for y in nodes[i + 1:]]
    lines.append(f"FILTER({' && '.join(distinct)})")
    head = " ".join(f"?n{i} ?p{i} ?f{i}" for i in range(1, hops + 1)) + " ?n0"
    order = " ".join(f"?n{i} ?p{i} ?f{i}" for i in range(1, hops + 1))
    return _select("\n".join(lines), head, order, limit=20)


def _connect(ctx: _Context) -> Answer:
    vocab, names = ctx.vocab, ctx.names
    a, b = ctx.nodes[0], ctx.nodes[1]
    la, lb = names.label(a[0]), names.label(b[0])
    queries = []
    for hops in (1, 2, 3):
        sparql = _path_query(vocab, a, b, hops)
        queries.append(sparql)
        rows = ctx.source.run(sparql).rows
        if rows:
            break
    else:
        text = f"No connection of up to 3 typed relations: between {la} and {lb}, {EMPTY_NOTE}."
        return _made(ctx, text, "\n\n".join(queries), ("path",), (), None, (), (*a, *b))
    paths: list[str] = []
    facts: list[Fact] = []
    nodes: set[Node] = set()
    for row in rows:
        start = row[-1]
        assert start is not None
        text, here = names.label(start), start
        nodes.add(start)
        for i in range(hops):
            node, prop, forward = row[3 * i], row[3 * i + 1], row[3 * i + 2]
            if node is None or prop is None:
                continue
            p = _local(prop)
            if str(forward) == "true":
                text += f" —{p}→ {names.label(node)}"
                facts.append((here, p, node))
            else:
                text += f" ←{p}— {names.label(node)}"
                facts.append((node, p, here))
            here = node
            nodes.add(node)
        paths.append(text)
    paths = list(dict.fromkeys(paths))
    hop_word = "relation" if hops == 1 else "relations"
    text = f"{la} and {lb} are connected by {hops} typed {hop_word}:\n" + "\n".join(
        f"  {p}" for p in paths)
    return _made(ctx, text, "\n\n".join(queries), ("path",), tuple((p,) for p in paths), None,
                 list(dict.fromkeys(facts)), nodes)


def _entity_body(ctx: _Context) -> str:
    intent, vocab = ctx.intent, ctx.vocab
    lines = [_class_filter("?e", vocab.subclasses.get(intent.cls, (intent.cls,)))]
    if intent.demonym:
        lines.append(_demonym_filter("?e", ctx.nodes[-1], vocab))
    return "\n".join(lines)


def _count(ctx: _Context) -> Answer:
    sparql = ("SELECT (COUNT(DISTINCT ?e) AS ?count) WHERE {\n  "
              + _entity_body(ctx).replace("\n", "\n  ") + "\n}")
    rows = ctx.source.run(sparql).rows
    count = str(rows[0][0]) if rows and rows[0][0] is not None else "0"
    text = f"{count} {_noun(ctx, many=count != '1')} in the graph."
    return _made(ctx, text, sparql, ("count",), ((count,),), None, ())


def _list(ctx: _Context) -> Answer:
    sparql = _select(_entity_body(ctx) + "\n?e rdfs:label ?label .", "?label ?e", "?label ?e",
                     limit=1000)
    found = [(str(label), e) for label, e in ctx.source.run(sparql).rows
             if label is not None and e is not None]
    labels = list(dict.fromkeys(label for label, _e in found))
    if not labels:
        text = f"No {_noun(ctx)}: {EMPTY_NOTE}."
    else:
        text = f"{len(labels)} {_noun(ctx, len(labels) != 1)}:\n" + "\n".join(
            f"  {label}" for label in labels)
    return _made(ctx, text, sparql, ("answer",), tuple((label,) for label in labels), None, (),
                 (e for _label, e in found))


def _top(ctx: _Context) -> Answer:
    body = _entity_body(ctx) + "\n?e rdfs:label ?label ; kgo:mentionCount ?mentions ."
    sparql = _select(body, "?label ?mentions ?e", "DESC(?mentions) ?label ?e",
                     limit=ctx.intent.limit)
    found = [(str(label), str(count), e) for label, count, e in ctx.source.run(sparql).rows
             if label is not None and count is not None and e is not None]
    if not found:
        return _made(ctx, f"No {_noun(ctx)} with a mention count: {EMPTY_NOTE}.", sparql,
                     ("answer", "mentions"), (), None, ())
    text = f"Most mentioned {_noun(ctx)}:\n" + "\n".join(
        f"  {label} ({count} mentions)" for label, count, _e in found)
    return _made(ctx, text, sparql, ("answer", "mentions"),
                 tuple((label, count) for label, count, _e in found), None, (),
                 (e for _l, _c, e in found))


# --- evidence ---------------------------------------------------------------------------------


def _evidence(ctx: _Context, facts: Sequence[Fact]) -> tuple[EvidenceItem, ...]:
    """The best-supported sentence for each fact (either direction for symmetric ones)."""
    vocab, names = ctx.vocab, ctx.names
    unique = list(dict.fromkeys(facts))[:MAX_FACTS]
    if not unique:
        return ()
    rows = []
    for s, p, o in unique:
        rows.append(f"({_term(s)} {_term(kgo_iri(p))} {_term(o)})")
        if p in vocab.symmetric:
            rows.append(f"({_term(o)} {_term(kgo_iri(p))} {_term(s)})")
    sparql = _select("\n".join([
        "VALUES (?s ?p ?o) { " + " ".join(rows) + " }",
        "?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?sent .",
        "?sent kgo:text ?text .",
        "OPTIONAL { ?st kgo:confidence ?conf }",
        "OPTIONAL { ?sent kgo:inDocument ?doc . OPTIONAL { ?doc dcterms:title ?title } }",
    ]), "?s ?p ?o ?text ?conf ?title")
    best: dict[tuple[str, str, str], tuple[float, str, str]] = {}
    for row in ctx.source.run(sparql).rows:
        s_, p_, o_, text, conf, title = row
        key = (str(s_), _local(p_) if p_ is not None else "", str(o_))
        score = float(str(conf)) if conf is not None else 0.0
        candidate = (-score, " ".join(str(text).split()), str(title or ""))
        if key not in best or candidate < best[key]:
            best[key] = candidate
        back = (str(o_), key[1], str(s_))
        if key[1] in vocab.symmetric and (back not in best or candidate < best[back]):
            best[back] = candidate
    items = []
    for s, p, o in unique:
        found = best.get((str(s), p, str(o)))
        items.append(EvidenceItem(names.label(s), p, names.label(o),
                                  found[1] if found else "", found[2] if found else ""))
    return tuple(items)
