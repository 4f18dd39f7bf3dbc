"""Start and end years of events, wars, treaties and policies, from the sentence that dates them.

Patterns: a year before the name ("the 1953 Mutual Defense Treaty"), a year or range in
parentheses after it ("the Korean War (1950-1953)"), "of" a year ("the Pact of 1962"), a
dating verb with its time phrase ("signed in 1960", "launched in 2017", "ended in 1991"), also
in a relative or participle clause on the name or on a noun in apposition to it ("X, a law
passed by parliament in 2009"), an event's own time phrase ("the summit in Oslo in June
2019"), a noun that names the start ("the signing of X in 1948") and phrases of being
("dates back to 1966", "has been in force since 1971", "became law in 2004").

>>> from kg.nlp.pipeline import load_pipeline
>>> from kg.nlp.entities import DocumentContext, find_mentions
>>> from kg.model import Document
>>> text = "Both states signed the Treaty of Friendship in 1978."
>>> doc = load_pipeline()(text)
>>> mentions = find_mentions(doc, DocumentContext.of(Document.from_text(text, source="t")))
>>> [(d.key, d.which, d.value) for d in find_dates(next(doc.sents), mentions)]
[('treaty of friendship', 'startDate', '1978')]
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence

from spacy.tokens import Span, Token

from kg.model import DateFact, Mention
from kg.vocab import ENTITY_CLASSES, is_subclass

#: Organisations are dated by their founding only.
FOUNDED = frozenset(c for c in ENTITY_CLASSES if is_subclass(c, "Organization"))
DATABLE = frozenset({"Treaty", "TradeAgreement", "Policy", "Event", "War"}) | FOUNDED
FOUNDING_VERBS = frozenset(
    {"found", "establish", "create", "form", "incorporate", "set", "launch", "start", "open"}
    | {"bear"}  # "was born in 1995"
)
YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
RANGE_AFTER = re.compile(r"^\s*\((1[5-9]\d\d|20\d\d)\s*(?:[-–—]|to)\s*(\d{2,4})\)")
YEAR_AFTER = re.compile(r"^\s*\((1[5-9]\d\d|20\d\d)\)")
#: A dating participle and a year right after a name: "X (signed 1953)", "X, established 1977".
PARTICIPLE_AFTER = re.compile(
    r"^\s*[(,]\s*(?P<verb>signed|adopted|agreed|ratified|enacted|passed|launched|founded|"
    r"established|created|formed|incorporated|set up)\s+(?:in\s+)?(?:[A-Z][a-z]+\s+)?"
    r"(?P<year>1[5-9]\d\d|20\d\d)\b"
)
#: The same, with a year relative to the last one written: "X, adopted that December".
PARTICIPLE_RELATIVE = re.compile(
    r"^\s*[(,]\s*(?P<verb>signed|adopted|agreed|ratified|enacted|passed|launched|founded|"
    r"established|created|formed|set up)\s+(?:in\s+)?(?P<when>(?:later |earlier )?that "
    r"(?:year|[A-Z][a-z]+)|the same year|(?P<next>the following year|the next year|a year later))"
)
FOUNDING_PARTICIPLES = frozenset(
    {"founded", "established", "created", "formed", "incorporated", "set up", "launched"}
)
#: "active from 1944 to 1958", "in operation between 1937 and 1984", "active since 1990".
ACTIVE = re.compile(
    r"\b(?:active|in operation|operational)\s+(?:from|between|since|in)\s+(?:[A-Z][a-z]+\s+)?"
    r"(?P<start>1[5-9]\d\d|20\d\d)\b(?:\s*(?:to|and|until|-|–)\s*(?P<end>\d{4}|\d{2})\b)?"
)
OF_YEAR_AFTER = re.compile(
    r"^\s+of\s+(?:(?:January|February|March|April|May|June|July|August|September|October|"
    r"November|December)\s+)?(1[5-9]\d\d|20\d\d)\b(?![-–/]|\s*[-–])"
)
START_VERBS = frozenset(
    {
        "sign",
        "launch",
        "adopt",
        "implement",
        "enact",
        "pass",
        "introduce",
        "establish",
        "conclude",
        "ratify",
        "announce",
        "unveil",
        "begin",
        "start",
        "finalize",
        "finalise",
        "form",
        "found",
        "create",
        "hold",
        "inaugurate",
        "approve",
        "initiate",
        "outbreak",
        "erupt",
        "break",
        "negotiate",
        "draft",
        "issue",
        "publish",
        "agree",
        "convene",
        "take",
        "enter",
        "come",
    }
)
END_VERBS = frozenset({"end", "expire", "terminate", "abolish", "repeal", "dissolve", "conclude"})
#: Verbs whose time phrase says nothing about when an event happened.
UNDATING_VERBS = frozenset(
    {
        "recall",
        "remember",
        "mark",
        "commemorate",
        "cite",
        "mention",
        "discuss",
        "study",
        "describe",
        "compare",
        "recount",
    }
)
#: Verbs that change or cite a thing that already exists: their date is not its start.
CHANGING_VERBS = frozenset(
    {
        "renegotiate",
        "amend",
        "revise",
        "review",
        "extend",
        "suspend",
        "withdraw",
        "violate",
        "criticize",
        "criticise",
        "invoke",
        "update",
        "expand",
        "reform",
        "challenge",
        "abandon",
        "scrap",
        "replace",
    }
)
RELATIVE_YEAR = re.compile(
    r"\b(?:the same year|that year|later that year|earlier that year|that (?:january|february|"
    r"march|april|may|june|july|august|september|october|november|december|spring|summer|"
    r"autumn|fall|winter)|(?P<next>the following year|the next year|a year later))\b"
)
START_PREPS = frozenset({"in", "on", "since", "during", "until"})
#: Nouns that name the start of a thing: "the signing of X in 1948", "X's adoption in 2014".
START_NOUNS = frozenset(
    {
        "signing",
        "adoption",
        "launch",
        "creation",
        "founding",
        "foundation",
        "establishment",
        "conclusion",
        "ratification",
        "passage",
        "passing",
        "introduction",
        "enactment",
        "formation",
        "inauguration",
        "birth",
        "unveiling",
    }
)
#: Of those, the ones that may date an organisation (which is dated by its founding only).
FOUNDING_NOUNS = frozenset(
    {"creation", "founding", "foundation", "establishment", "formation", "launch", "birth"}
)
#: "X has been in force since 1971", "in place", "in effect": a state that began then.
STANDING_NOUNS = frozenset({"force", "place", "effect", "existence", "operation"})


def _year_in(token: Token) -> str | None:
    match = YEAR.search(" ".join(t.text for t in token.subtree))
    return match.group(1) if match else None


def _full_year(start: str, end: str) -> str:
    """'1950', '53' -> '1953'; a four-digit end is kept.

    >>> _full_year("1950", "53"), _full_year("1998", "2003")
    ('1953', '2003')
    """
    return end if len(end) == 4 else start[: 4 - len(end)] + end


def _governing_verbs(span: Span) -> list[Token]:
    """The verbs that govern the mention: the one it is an argument of (object, passive
    subject, prepositional object), then those of relative clauses on it."""
    tok = span.root
    while tok.dep_ in {"conj", "appos", "compound"} and tok.head is not tok:
        tok = tok.head
    verbs: list[Token] = []
    climb = tok
    for _ in range(3):  # "hosted leaders for the Summit": pobj -> prep -> dobj -> verb
        if climb.dep_ in {"dobj", "nsubjpass", "nsubj", "attr"} and climb.head.pos_ in {
            "VERB",
            "AUX",
        }:
            verbs.append(climb.head)
            break
        if climb.dep_ == "pobj" and climb.head.dep_ == "prep":
            if climb.head.head.pos_ == "VERB":
                verbs.append(climb.head.head)
                break
            climb = climb.head.head
            continue
        break
    described = [tok, *(c for c in tok.children if c.dep_ == "appos" and c.pos_ == "NOUN")]
    verbs += [
        c
        for noun in described
        for c in noun.children
        if c.dep_ in {"relcl", "acl"} and c.pos_ in {"VERB", "AUX"}
    ]
    if tok.dep_ in {"nsubj", "nsubjpass"}:
        verbs += _subject_participles(tok.head)
    after = _participle_after(span)
    if after is not None and after not in verbs:
        verbs.append(after)
    # "was first proposed in 1997 and adopted in 1999": a verb joined on shares the subject
    verbs += [
        c
        for v in list(verbs)
        for c in v.children
        if c.dep_ == "conj"
        and c.pos_ == "VERB"
        and not any(g.dep_ in {"nsubj", "nsubjpass"} for g in c.children)
        and c not in verbs
    ]
    return verbs


def _participle_after(span: Span) -> Token | None:
    """A past participle right after the name and a comma, which the parser hung on the main
    verb: "Under the Plan, announced in 2020, the bloc …" describes the Plan."""
    doc = span.doc
    if span.end + 1 >= len(doc) or doc[span.end].text != ",":
        return None
    word = doc[span.end + 1]
    if word.tag_ == "VBN" and word.dep_ in {"advcl", "acl", "conj"} and word.head.i > word.i:
        return word
    return None


def _subject_participles(verb: Token) -> list[Token]:
    """Participles that describe a clause's subject: fronted ("Founded in 1754, it is…") or
    on what a copula calls it ("X is an organisation created … in 1921")."""
    found = [c for c in verb.children if c.dep_ == "advcl" and c.tag_ == "VBN" and c.i < verb.i]
    if verb.lemma_ == "be":
        for attr in (c for c in verb.children if c.dep_ == "attr"):
            found += [c for c in attr.children if c.dep_ == "acl" and c.tag_ == "VBN"]
    return found


def _time_year(phrase: Token, earlier: Callable[[Token], str | None]) -> str | None:
    """The year a time phrase names: "in 2019", "in March 2019", or relative to the last year
    the text gave ("the same year", "that December", "the following year")."""
    text = " ".join(t.text for t in phrase.subtree)
    found = YEAR.search(text)
    if found:
        return found.group(1)
    relative = RELATIVE_YEAR.search(text.lower())
    if relative is None:
        return None
    last = earlier(phrase)
    if last is None:
        return None
    return str(int(last) + 1) if relative.group("next") else last


def _is_patient(verb: Token, target: Token | None = None) -> bool:
    """True when the verb's passive subject or object is what gets founded ("X was founded",
    "they founded X", "Founded in 1754, X", "X, which was set up in 1984"), or it starts by
    itself ("the exchange opened in 1990"), not when it is the agent ("X founded a lab in
    1990")."""
    objects = [c for c in verb.children if c.dep_ == "dobj"]
    if target is not None and any(target in o.subtree for o in objects):
        return True  # "they founded X"
    if any(c.dep_ == "nsubjpass" for c in verb.children):
        return True
    if objects:
        return False  # someone, maybe X, founded something else
    if verb.lemma_.lower() in {"launch", "open", "start", "begin"}:
        return True  # intransitive: "X launched in 2018"
    return verb.dep_ in {"relcl", "acl"} or verb.dep_ == "advcl" and verb.tag_ == "VBN"


def _perfect(verb: Token) -> bool:
    """Whether the verb is in a perfect tense ("has held", "have been")."""
    return any(c.dep_ == "aux" and c.lemma_ == "have" for c in verb.children)


def _ends_another(verb: Token, target: Token | None) -> bool:
    """Whether an ending verb has an object other than the thing dated: "the Protocol ended
    the fighting" ends the fighting, not the Protocol."""
    return any(
        c.dep_ == "dobj" and (target is None or target not in c.subtree) for c in verb.children
    )


def _verb_year(
    verb: Token,
    cls: str,
    *,
    main: bool,
    earlier: Callable[[Token], str | None],
    target: Token | None = None,
) -> tuple[str, str] | None:
    """The year a verb anchors the mention to, and whether it starts or ends the thing.

    Dating verbs ("signed", "launched", "since") date any datable class. For events and wars
    any verb of the clause they are an argument of does ("hosted … the Summit in 2023"), and
    so, for treaties and policies, does a time phrase fronted before the verb ("In 2019 both
    renewed the pledge with the Treaty of Aachen"), unless the verb changes or cites a thing
    that already exists ("renegotiated", "amended").
    """
    lemma = verb.lemma_.lower()
    special = _standing_year(verb, cls, earlier)
    if special is not None:
        return special, "startDate"
    if cls == "InternationalOrganization" and main and _perfect(verb):
        for child in verb.children:  # "Since 1991 the alliance has held annual drills"
            if child.dep_ == "prep" and child.lower_ == "since" and any(
                _is_year_phrase(o) for o in child.children if o.dep_ == "pobj"
            ):
                year = _time_year(child, earlier)
                if year:
                    return year, "startDate"
    ends = lemma in END_VERBS and not _ends_another(verb, target)
    which = "endDate" if ends and lemma not in {"conclude"} else "startDate"
    if cls in FOUNDED:  # organisations are dated only by their founding
        if lemma not in FOUNDING_VERBS or not _is_patient(verb, target):
            return None
        which = "startDate"
    dating = (
        lemma in START_VERBS
        or ends
        or cls in FOUNDED  # a founding verb with the organisation as what is founded
        or lemma == "follow" and not any(c.dep_ == "dobj" for c in verb.children)
        or lemma == "set" and any(c.dep_ == "prt" and c.lower_ == "up" for c in verb.children)
    )
    happening = main and cls in {"Event", "War"} and lemma not in UNDATING_VERBS
    fronted_only = (
        not dating
        and not happening
        and main
        and cls in {"Treaty", "TradeAgreement", "Policy"}
        and lemma not in UNDATING_VERBS | CHANGING_VERBS
    )
    if cls in {"Treaty", "TradeAgreement", "Policy"} and lemma not in (
        UNDATING_VERBS | CHANGING_VERBS
    ):
        for child in verb.children:  # "X, which Seoul pursued from 1998", "… since 1998"
            if child.dep_ == "prep" and child.lower_ in {"from", "since"} and any(
                _is_year_phrase(o) for o in child.children if o.dep_ == "pobj"
            ):
                year = _time_year(child, earlier)
                if year:
                    return year, "startDate"
    if not dating and not happening and not fronted_only:
        return None
    for child in verb.children:
        if fronted_only and child.i > verb.i:
            continue
        if child.dep_ == "prep" and child.lower_ in START_PREPS:
            if child.lower_ == "until" and not any(c.dep_ == "neg" for c in verb.children):
                continue
            year = _time_year(child, earlier)
            if year:
                return year, which
        if child.dep_ in {"npadvmod", "advmod"} and child.ent_type_ == "DATE":
            year = _time_year(child, earlier)
            if year:
                return year, which
    if dating:
        year = _nested_time(verb, earlier) or _cleft_time(verb, earlier)
        if year is None and verb.dep_ in {"relcl", "advcl"} and YEAR.fullmatch(verb.head.text):
            year = verb.head.text  # "since 1773, when X was founded"
        if year:
            return year, which
    return None


def _nested_time(verb: Token, earlier: Callable[[Token], str | None]) -> str | None:
    """A year on the place or occasion of a dating verb: "concluded at a summit in 2005"."""
    for prep in verb.children:
        if prep.dep_ != "prep" or prep.lower_ not in {"at", "during", "after"}:
            continue
        for obj in (o for o in prep.children if o.dep_ == "pobj"):
            for inner in obj.children:
                if inner.dep_ == "prep" and inner.lower_ in {"in", "on"} and any(
                    _is_year_phrase(o) for o in inner.children if o.dep_ == "pobj"
                ):
                    return _time_year(inner, earlier)
    return None


def _cleft_time(verb: Token, earlier: Callable[[Token], str | None]) -> str | None:
    """The year a cleft sentence puts first: "It was in 1953 that both signed the Treaty"."""
    head = verb.head
    if verb.dep_ != "ccomp" or head.lemma_ != "be" or not any(
        c.dep_ in {"nsubj", "expl"} and c.lower_ == "it" for c in head.children
    ):
        return None
    for prep in head.children:
        if prep.dep_ == "prep" and prep.lower_ in {"in", "on"}:
            return _time_year(prep, earlier)
    return None


def _standing_year(
    verb: Token, cls: str, earlier: Callable[[Token], str | None]
) -> str | None:
    """The year of a verb phrase that says when a thing began to be: "dates back to 1966",
    "dates from 1966", "came into being (or force) in 1952", "became law in 2004", "has been
    in force since 1971", "has existed since 1953"."""
    lemma = verb.lemma_.lower()
    preps = [c for c in verb.children if c.dep_ == "prep"]
    preps += [p for c in verb.children if c.dep_ == "advmod" for p in c.children
              if p.dep_ == "prep"]  # "dates back to"
    words = {p.lower_: p for p in preps}
    if lemma == "date" and ("to" in words or "from" in words):
        return _time_year(words.get("to") or words["from"], earlier)
    if lemma == "come" and "into" in words:
        into = words["into"]
        if any(t.lower_ in {"being", "existence", "force", "effect"} for t in into.subtree):
            return _time_year(into, earlier) or (
                _time_year(words["in"], earlier) if "in" in words else None
            )
    if lemma == "become" and cls not in FOUNDED and "in" in words and any(
        c.dep_ == "attr" and c.lemma_.lower() in {"law", "effective", "operational"}
        for c in verb.children
    ):
        return _time_year(words["in"], earlier)
    if lemma in {"begin", "start", "commence"} and any(
        c.dep_ == "dobj" and c.lemma_.lower() in {"operation", "operations", "trading", "work"}
        for c in verb.children
    ):
        return _time_year(words["in"], earlier) if "in" in words else None
    if "since" in words and (
        lemma == "exist"
        or lemma == "be"
        and any(
            p.lower_ == "in" and any(o.lemma_.lower() in STANDING_NOUNS for o in p.children)
            for p in preps
        )
    ):
        return _time_year(words["since"], earlier)
    return None


def _is_year_phrase(token: Token) -> bool:
    """A time phrase's object that is a year or a date with one ("1962", "June 2019")."""
    return bool(YEAR.fullmatch(token.text)) or (
        token.ent_type_ == "DATE" and any(YEAR.fullmatch(t.text) for t in token.subtree)
    )


def _own_year(span: Span, cls: str, earlier: Callable[[Token], str | None]) -> str | None:
    """A year the name's own phrase gives: "the Pact of 1962" (any datable thing), "the
    Summit in Oslo in June 2019" (an event or a war, which happen then), or an appositive
    noun with a year, "X, a 1991 law"."""
    root = span.root
    preps = [c for c in root.children if c.dep_ == "prep" and c.i >= span.end]
    for prep in list(preps):  # "in Oslo in June 2019": the date may hang on the place
        preps += [p for o in prep.children if o.dep_ == "pobj"
                  for p in o.children if p.dep_ == "prep"]
    happening = cls in {"Event", "War"}
    for prep in preps:
        objects = [o for o in prep.children if o.dep_ == "pobj" and _is_year_phrase(o)]
        if not objects:
            continue
        if prep.lower_ == "of" and cls not in FOUNDED or (
            happening and prep.lower_ in {"in", "on"}
        ):
            return _time_year(objects[0], earlier)
    for noun in (c for c in root.children if c.dep_ == "appos" and c.pos_ == "NOUN"):
        for child in noun.children:
            if child.i < noun.i and child.dep_ in {"nummod", "compound", "amod"} and (
                YEAR.fullmatch(child.text)
            ):
                return child.text
    return None


def _nominal_year(span: Span, cls: str, earlier: Callable[[Token], str | None]) -> str | None:
    """The year of a noun that names the thing's start: "the signing of the Treaty in 1948",
    "since the creation of the Fund in 1961", "the Strategy's adoption in 2014"."""
    root = span.root
    while root.dep_ == "conj" and root.head is not root:
        root = root.head
    noun: Token | None = None
    if root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.dep_ == "prep":
        noun = root.head.head
    elif root.dep_ == "poss":
        noun = root.head
    if noun is None or noun.pos_ != "NOUN":
        return None
    nouns = FOUNDING_NOUNS if cls in FOUNDED else START_NOUNS
    if noun.lemma_.lower() not in nouns and noun.lower_ not in nouns:
        return None
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ in {"in", "on"}:
            year = _time_year(child, earlier)
            if year:
                return year
    return None


def _active_years(sent: Span, span: Span) -> tuple[str, str] | None:
    """The years the subject of a sentence was active: "X was a command of the navy, active
    from 1944 to 1958" (start, end; end may be empty)."""
    root = span.root
    while root.dep_ in {"conj", "compound"} and root.head is not root:
        root = root.head
    if root.dep_ not in {"nsubj", "nsubjpass"} or root.head.dep_ != "ROOT":
        return None
    rest = sent.doc[span.end : sent.end].text
    found = ACTIVE.search(rest)
    if found is None:
        return None
    start, end = found.group("start"), found.group("end") or ""
    return start, _full_year(start, end) if end else ""


def _dates_for(
    sent: Span, span: Span, mention: Mention, earlier: Callable[[Token], str | None]
) -> Iterator[DateFact]:
    doc = sent.doc
    before = span.start - 1
    if before >= sent.start and YEAR.fullmatch(doc[before].text):
        yield DateFact(mention.key, "startDate", doc[before].text, mention.sentence)
        return
    tail = text_after(span, 50)  # read once; the patterns below look 20, 40 and 50 ahead
    after = tail[:20]
    rng = RANGE_AFTER.match(after)
    if rng:
        yield DateFact(mention.key, "startDate", rng.group(1), mention.sentence)
        yield DateFact(
            mention.key, "endDate", _full_year(rng.group(1), rng.group(2)), mention.sentence
        )
        return
    single = YEAR_AFTER.match(after) or (
        OF_YEAR_AFTER.match(after) if mention.cls not in FOUNDED else None
    )
    if single:
        yield DateFact(mention.key, "startDate", single.group(1), mention.sentence)
        return
    described = PARTICIPLE_AFTER.match(tail[:40])
    if described and (
        mention.cls not in FOUNDED or described.group("verb") in FOUNDING_PARTICIPLES
    ):
        yield DateFact(mention.key, "startDate", described.group("year"), mention.sentence)
        return
    relative = PARTICIPLE_RELATIVE.match(tail)
    if relative and span.end < len(sent.doc) and (
        mention.cls not in FOUNDED or relative.group("verb") in FOUNDING_PARTICIPLES
    ):
        last = earlier(sent.doc[span.end])
        if last is not None:
            shifted = str(int(last) + 1) if relative.group("next") else last
            yield DateFact(mention.key, "startDate", shifted, mention.sentence)
            return
    year = _own_year(span, mention.cls, earlier) or _nominal_year(span, mention.cls, earlier)
    if year:
        yield DateFact(mention.key, "startDate", year, mention.sentence)
        return
    active = _active_years(sent, span)
    if active is not None:
        yield DateFact(mention.key, "startDate", active[0], mention.sentence)
        if active[1]:
            yield DateFact(mention.key, "endDate", active[1], mention.sentence)
        return
    for i, verb in enumerate(_governing_verbs(span)):
        found = _verb_year(verb, mention.cls, main=i == 0, earlier=earlier, target=span.root)
        if found:
            yield DateFact(mention.key, found[1], found[0], mention.sentence)
            return


def text_after(span: Span, size: int) -> str:
    """``span.doc.text[span.end_char : span.end_char + size]``, read off the next tokens only.

    (``Doc.text`` joins the whole Doc: once per mention, that is quadratic in a long block.)

    >>> import spacy
    >>> doc = spacy.blank("en")("the Korean War (1950-1953) ended")
    >>> text_after(doc[1:3], 12) == doc.text[doc[1:3].end_char :][:12]
    True
    >>> text_after(doc[1:3], 12), text_after(doc[5:], 5)
    (' (1950-1953)', '')
    """
    doc = span.doc
    if not len(doc):
        return ""
    first = max(span.end - 1, 0)
    start = span.end_char - doc[first].idx
    pieces: list[str] = []
    length = 0
    for i in range(first, len(doc)):  # tokens until the text is long enough, no further
        if length >= start + size:
            break
        pieces.append(doc[i].text_with_ws)
        length += len(pieces[-1])
    return "".join(pieces)[start : start + size]


class YearIndex:
    """The years written in a text, to find the last one before a position in log time.

    ``last_before(i)`` is ``YEAR.findall(text[:i])[-1]`` (None when there is none) without
    copying or scanning the text before ``i`` again.

    >>> years = YearIndex("Signed in 1953, renewed in 19601; 1999")
    >>> [years.last_before(i) for i in (5, 14, 30, 31, 38)]
    [None, '1953', '1953', '1960', '1999']
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._ends: list[int] | None = None
        self._years: list[str] = []

    def last_before(self, position: int) -> str | None:
        if position < 0:  # counts from the end, as a slice would
            found = YEAR.findall(self.text[:position])
            return found[-1] if found else None
        if self._ends is None:
            matches = list(YEAR.finditer(self.text))
            self._ends = [m.end() for m in matches]
            self._years = [m.group(1) for m in matches]
        cut = YEAR.match(self.text, max(position - 4, 0), position)
        if cut is not None and cut.end() == position:
            return cut.group(1)  # a year that ends where the text is cut ("1960" of "19601")
        index = bisect_right(self._ends, position) - 1
        return self._years[index] if index >= 0 else None


def find_dates(
    sent: Span,
    mentions: Sequence[tuple[Span, Mention]],
    *,
    document_text: str = "",
    years: YearIndex | None = None,
) -> list[DateFact]:
    """Dates the sentence gives to its datable mentions (events, wars, treaties, policies).

    With ``document_text`` (the whole document), relative phrases ("the same year", "that
    December") resolve to the last year written before them; ``years`` (a ``YearIndex`` of
    that text, shared by all its sentences) makes that lookup cheap.
    """

    def earlier(token: Token) -> str | None:
        if not document_text or not mentions:
            return None
        anchor = mentions[0][1].sentence.start - sent.start_char + token.idx
        return (years or YearIndex(document_text)).last_before(anchor)

    facts: list[DateFact] = []
    for span, mention in mentions:
        if mention.cls in DATABLE and sent.start <= span.start < sent.end:
            facts.extend(_dates_for(sent, span, mention, earlier))
    return facts
