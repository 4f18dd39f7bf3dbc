"""Definite descriptions and pronouns that point back to a named entity.

"the pact", "the company", "the country" resolve to the last named entity of a fitting class
in the last few sentences; "it" and "its" to the last organisation or country that was the
subject of a clause. Each resolved phrase becomes a mention of that entity (source ``coref``,
no alias), so relation rules can use it.

>>> from kg.nlp.pipeline import load_pipeline
>>> from kg.nlp.entities import DocumentContext, find_mentions
>>> from kg.model import Document
>>> text = "Peru signed the Lima Accord. The pact cut tariffs."
>>> doc = load_pipeline()(text)
>>> found = find_mentions(doc, DocumentContext.of(Document.from_text(text, source="t")))
>>> [(m.text or span.text, m.label) for span, m in found if m.source == "coref"]
[('The pact', 'Lima Accord')]
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span, Token

from kg.model import DateFact, Mention, Relation, Sentence
from kg.vocab import is_subclass

#: The head noun of a definite description and the class its antecedent must have.
DESCRIPTIONS = {
    "pact": "Treaty",
    "treaty": "Treaty",
    "agreement": "Treaty",
    "accord": "Treaty",
    "deal": "Treaty",
    "company": "Company",
    "firm": "Company",
    "carmaker": "Company",
    "automaker": "Company",
    "chipmaker": "Company",
    "manufacturer": "Company",
    "group": "Company",
    "conglomerate": "Company",
    "bank": "Company",
    "lender": "Company",
    "insurer": "Company",
    "exchange": "Company",
    "airline": "Company",
    "retailer": "Company",
    "brewer": "Company",
    "newspaper": "MediaOrganization",
    "paper": "MediaOrganization",
    "broadcaster": "MediaOrganization",
    "school": "ResearchOrganization",
    "university": "ResearchOrganization",
    "institute": "ResearchOrganization",
    "country": "Country",
    "nation": "Country",
    "programme": "Policy",
    "program": "Policy",
    "policy": "Policy",
    "strategy": "Policy",
    "law": "Policy",
    "act": "Policy",
    "initiative": "Policy",
    "war": "War",
    "conflict": "War",
    "summit": "Event",
    "city": "City",
    "ministry": "GovernmentAgency",
    "agency": "GovernmentAgency",
    "bloc": "InternationalOrganization",
}
#: Participles that make a place name into a modifier of the description ("Oslo-based").
BASED = frozenset({"based", "headquartered"})
PRONOUN_CLASSES = ("Company", "Country", "Organization")
#: How many sentences back an antecedent may be.
WINDOW = 3


@dataclass(frozen=True)
class Antecedent:
    """A named mention that a later phrase may point back to."""

    mention: Mention
    sentence_index: int
    subject: bool
    #: A word that modifies a common noun ("the Norwegian airline", "a Kenyan court"): the
    #: phrase, not the name, is what a pronoun after it may mean.
    modifier: bool = False


def _description_class(chunk: Span) -> str | None:
    """The class a definite description ("the pact", "the Japanese company") refers to."""
    if chunk[0].lower_ not in {"the", "this", "that"}:
        return None
    head = chunk.root
    if head.pos_ == "PROPN" or head.tag_ in {"NNS", "NNPS"}:
        return None
    if any(t.pos_ == "PROPN" for t in chunk) and not _place_modified(chunk):
        return None
    return DESCRIPTIONS.get(head.lower_)


def _place_modified(chunk: Span) -> bool:
    """Whether every name in the description sits in an "X-based" modifier ("the
    Lisbon-based lender"): such a description still points back to a company named before."""
    based = [t for t in chunk if t.lower_ in BASED and t.i < chunk.root.i]
    names = [t for t in chunk if t.pos_ == "PROPN"]
    return bool(based) and all(t.i < based[0].i for t in names)


def _phrase(chunk: Span) -> Span:
    """The words a resolved description stands on: its head noun when names modify it, so that
    "the Lisbon-based lender" keeps "Lisbon" as a place of its own."""
    if any(t.pos_ == "PROPN" for t in chunk):
        return chunk.doc[chunk.root.i : chunk.root.i + 1]
    return chunk


def _pick(
    history: Sequence[Antecedent], cls: str, sentence_index: int, *, subject: bool
) -> Mention | None:
    for ante in reversed(history):
        if sentence_index - ante.sentence_index > WINDOW:
            return None
        if subject and not ante.subject:
            continue
        if is_subclass(ante.mention.cls, cls):
            return ante.mention
    return None


def _pick_in_sentence(
    history: Sequence[Antecedent],
    classes: str | Sequence[str],
    sentence_index: int,
    *,
    subject: bool = False,
    named_only: bool = False,
) -> Mention | None:
    """The nearest name of one of ``classes`` before the phrase in its own sentence ("the X bid
    ... chief executive of the exchange", "joined X after it acquired"); ``named_only`` skips
    names that only modify a common noun."""
    wanted = (classes,) if isinstance(classes, str) else tuple(classes)
    for ante in reversed(history):
        if ante.sentence_index != sentence_index:
            return None
        if (subject and not ante.subject) or (named_only and ante.modifier):
            continue
        if any(is_subclass(ante.mention.cls, cls) for cls in wanted):
            return ante.mention
    return None


def _is_subject(span: Span) -> bool:
    """A clause's subject, or the possessor of one ("Peru's envoy said")."""
    root = span.root
    if root.dep_ == "poss":
        root = root.head
    return root.dep_ in {"nsubj", "nsubjpass"}


def _clause_subject(token: Token) -> bool:
    """``it`` as the subject of a clause that hangs on another ("X joined Y after it bought Z")."""
    return token.dep_ in {"nsubj", "nsubjpass"} and token.head.dep_ in {
        "advcl", "ccomp", "relcl", "conj", "xcomp"
    }


def _pronoun_target(token: Token) -> bool:
    return token.lower_ in {"it", "its"} and token.dep_ in {"nsubj", "nsubjpass", "poss", "dobj"}


def resolve_references(
    doc: Doc,
    named: Sequence[tuple[Span, Mention]],
    history: list[Antecedent],
    first_sentence: int,
    sentence_of: Callable[[Span], Sentence],
    offset: int,
) -> list[tuple[Span, Mention]]:
    """Mentions for the descriptions and pronouns in ``doc`` that point back to a name.

    ``history`` holds the named mentions of earlier blocks and is extended with this block's;
    ``first_sentence`` numbers this block's first sentence within the document;
    ``sentence_of`` gives the kg Sentence of a spaCy sentence; ``offset`` is the block's start.

    The work is linear in the block's length: noun chunks are found once for the whole block
    (spaCy's ``Span.noun_chunks`` walks every chunk of the Doc for each sentence) and a
    mention's sentence is looked up by bisection (``Span.sent`` walks its sentence).
    """
    sents = list(doc.sents)
    starts = [sent.start for sent in sents]
    chunks = chunks_by_sentence(doc, sents)
    by_start = sorted(named, key=lambda item: item[0].start)
    taken = {i for span, _ in named for i in range(span.start, span.end)}
    found: list[tuple[Span, Mention]] = []
    cursor = 0
    for number, sent in enumerate(sents):
        index = first_sentence + number
        phrases: list[tuple[Span, str, bool]] = []
        for chunk in chunks[number]:
            cls = _description_class(chunk)
            phrase = _phrase(chunk)
            if cls is not None and not taken & set(range(phrase.start, phrase.end)):
                phrases.append((phrase, cls, False))
        for tok in sent:
            if _pronoun_target(tok) and tok.i not in taken:
                phrases.append((doc[tok.i : tok.i + 1], "", True))
        for phrase, cls, pronoun in sorted(phrases, key=lambda p: p[0].start):
            while cursor < len(by_start) and by_start[cursor][0].start < phrase.start:
                span, mention = by_start[cursor]
                same = _index_of(starts, span.start) == number
                history.append(_antecedent(mention, span, index if same else index - 1))
                cursor += 1
            target = None
            if pronoun:  # in a later clause, the nearest fitting name; else the last subject
                if phrase.root.dep_ == "poss":  # "its": this sentence's subject, else nearest
                    target = _pick_in_sentence(
                        history, PRONOUN_CLASSES, index, subject=True
                    ) or _pick_in_sentence(history, PRONOUN_CLASSES, index, named_only=True)
                elif _clause_subject(phrase.root):
                    target = _pick_in_sentence(history, PRONOUN_CLASSES, index)
                for klass in PRONOUN_CLASSES if target is None else ():
                    target = _pick(history, klass, index, subject=True)
                    if target is not None:
                        break
            else:  # a fitting name earlier in the sentence, the last fitting subject, any name
                target = (
                    _pick_in_sentence(history, cls, index)
                    or _pick(history, cls, index, subject=True)
                    or _pick(history, cls, index, subject=False)
                )
                if target is None and cls == "Company":
                    weak = _mistyped_subject(history, index)
                    if weak is not None:  # "Vexon cut jobs. The firm said …": Vexon is a firm
                        mention = _coref_mention(weak, phrase, sentence_of(sent), offset)
                        retyped = replace(mention, cls=cls, strength=RETYPING_STRENGTH)
                        found.append((phrase, retyped))
                        continue
            if target is None:
                continue
            found.append((phrase, _coref_mention(target, phrase, sentence_of(sent), offset)))
    for span, mention in by_start[cursor:]:
        history.append(_antecedent(mention, span, first_sentence + _index_of(starts, span.start)))
    return found


#: How strongly a description retypes the name it points back to ("the firm" -> Company).
RETYPING_STRENGTH = 1.0


def _mistyped_subject(history: Sequence[Antecedent], sentence_index: int) -> Mention | None:
    """The one-word subject of the sentence before, when only NER's guess typed it (a person
    or a place no gazetteer knows): "Vexon cut 200 jobs. The firm said …". Never a name the
    text also gave as a person's surname ("John Vexon … Vexon said")."""
    surnames = {
        a.mention.label.split()[-1]
        for a in history
        if a.mention.cls == "Person" and " " in a.mention.label
    }
    for ante in reversed(history):
        if ante.sentence_index < sentence_index - 1:
            return None
        if ante.sentence_index != sentence_index - 1 or not ante.subject:
            continue
        m = ante.mention
        if (
            m.source == "ner"
            and m.strength <= 0.5
            and " " not in m.label
            and m.cls in {"Person", "City", "Region", "Product"}
            and m.label not in surnames
        ):
            return m
        return None
    return None


def chunks_by_sentence(doc: Doc, sents: Sequence[Span]) -> list[list[Span]]:
    """The noun chunks of each sentence, as ``sent.noun_chunks`` gives them, in one pass.

    A chunk belongs to the sentence it starts in, and only if it also ends there.

    >>> import spacy
    >>> from spacy.tokens import Doc
    >>> words = ["Peru", "signed", "the", "pact", ".", "It", "cut", "tariffs", "."]
    >>> doc = Doc(spacy.blank("en").vocab, words=words, pos=["PROPN", "VERB", "DET", "NOUN",
    ...     "PUNCT", "PRON", "VERB", "NOUN", "PUNCT"], heads=[1, 1, 3, 1, 1, 6, 6, 6, 6],
    ...     deps=["nsubj", "ROOT", "det", "dobj", "punct", "nsubj", "ROOT", "dobj", "punct"])
    >>> sents = list(doc.sents)
    >>> chunks_by_sentence(doc, sents) == [list(s.noun_chunks) for s in sents]
    True
    >>> [[c.text for c in cs] for cs in chunks_by_sentence(doc, sents)]
    [['Peru', 'the pact'], ['It', 'tariffs']]
    """
    starts = [sent.start for sent in sents]
    out: list[list[Span]] = [[] for _ in sents]
    for chunk in doc.noun_chunks:
        number = _index_of(starts, chunk.start)
        if number >= 0 and chunk.end <= sents[number].end:
            out[number].append(chunk)
    return out


def _index_of(starts: Sequence[int], token: int) -> int:
    """The number of the sentence holding ``token``, given the sentences' first tokens."""
    return bisect_right(starts, token) - 1


def _antecedent(mention: Mention, span: Span, sentence_index: int) -> Antecedent:
    return Antecedent(mention, sentence_index, _is_subject(span), _modifies_a_noun(span))


def _modifies_a_noun(span: Span) -> bool:
    """A name that only describes a common noun: "Norwegian" in "the Norwegian airline"."""
    root = span.root
    return root.dep_ in {"amod", "compound", "nmod"} and root.head.pos_ == "NOUN"


def _coref_mention(target: Mention, phrase: Span, sentence: Sentence, offset: int) -> Mention:
    return Mention(
        text="",
        start=offset + phrase.start_char,
        end=offset + phrase.end_char,
        key=target.key,
        label=target.label,
        cls=target.cls,
        sentence=sentence,
        source="coref",
        strength=0.1,
    )


#: Classes of places, which a person's name never shares an entity with.
PLACE_CLASSES = frozenset({"Country", "City", "Region", "Place", "Facility"})
#: Properties whose subject is a person: in a sentence that names both, the person is meant.
PERSON_SUBJECT_PROPERTIES = frozenset({"leaderOf", "memberOf"})


def separate_people(
    mentions: Sequence[Mention], relations: Sequence[Relation], dates: Sequence[DateFact]
) -> tuple[list[Mention], list[Relation], list[DateFact]]:
    """A key that one document uses for a person and for a place ("Mr Houston" and "the
    Houston plant") names two entities: the person's mentions, and the facts stated in their
    sentences, move to the person's full name when the document gives exactly one ("Brenton
    Houston"), else to ``<key>-person``.

    >>> s1, s2 = Sentence("d", 0, 9, "Mr Houston"), Sentence("d", 10, 19, "in Houston")
    >>> ms = [Mention("Brenton Houston", 0, 5, "brenton houston", "Brenton Houston", "Person", s1),
    ...       Mention("Mr Houston", 0, 5, "houston", "Houston", "Person", s1),
    ...       Mention("Houston", 13, 19, "houston", "Houston", "City", s2)]
    >>> [(m.key, m.cls) for m in separate_people(ms, [], [])[0]]
    [('brenton houston', 'Person'), ('brenton houston', 'Person'), ('houston', 'City')]
    """
    kinds: dict[str, set[str]] = defaultdict(set)
    for m in mentions:
        kinds[m.key].add("person" if m.cls == "Person" else "place" if m.cls in PLACE_CLASSES
                         else "other")
    mixed = {k for k, found in kinds.items() if {"person", "place"} <= found}
    if not mixed:
        return list(mentions), list(relations), list(dates)
    full: dict[str, set[str]] = defaultdict(set)
    for m in mentions:
        words = m.key.split()
        if m.cls == "Person" and len(words) > 1:
            full[words[-1]].add(m.key)
    target = {k: next(iter(full[k])) if len(full[k]) == 1 else f"{k}-person" for k in mixed}
    person_sentences: dict[str, set[Sentence]] = defaultdict(set)
    place_sentences: dict[str, set[Sentence]] = defaultdict(set)
    out: list[Mention] = []
    for m in mentions:
        if m.key in mixed and m.cls == "Person":
            person_sentences[m.key].add(m.sentence)
            out.append(replace(m, key=target[m.key]))
        else:
            if m.key in mixed:
                place_sentences[m.key].add(m.sentence)
            out.append(m)

    def moved(key: str, sentence: Sentence, person_role: bool) -> str:
        if key not in mixed or sentence not in person_sentences[key]:
            return key
        if sentence in place_sentences[key] and not person_role:
            return key
        return target[key]

    rels = [
        replace(
            r,
            subject=moved(r.subject, r.evidence.sentence,
                          r.predicate in PERSON_SUBJECT_PROPERTIES),
            object=moved(r.object, r.evidence.sentence, False),
        )
        for r in relations
    ]
    facts = [replace(d, key=moved(d.key, d.sentence, False)) for d in dates]
    return out, rels, facts
