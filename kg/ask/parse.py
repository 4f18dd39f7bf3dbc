"""Read a question into candidate intents; names stay text here (the engine resolves them).

A question is lower-cased into words ("'s" split off). The special forms (how connected,
tell me about, when, counts, lists, most mentioned) are tried first; then every occurrence
of a property phrase of the vocabulary, longest first, splits the question into the text
before it and after it, one side holding the unknown (who, which companies, …) or, for a
yes/no question, both sides a name. Every way of reading the question that accounts for all
its words is returned, best first; the engine takes the first whose names are all entities.

>>> from kg.ask.vocabulary import load_vocabulary
>>> intents = parse("Which Korean firms invest in the U.S.?", load_vocabulary(), {"korean"})
>>> first = intents[0]
>>> first.form, first.props, first.answer_role, first.names, first.cls, first.demonym
('which', ('investsIn',), 'subject', ('the U.S.',), 'Company', 'Korean')
>>> [i.form for i in parse("Why is the sky blue?", load_vocabulary(), set())]
[]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from kg.ask.vocabulary import Vocabulary, Words, other, words

_WILDCARDS = frozenset(
    "anything anyone anybody something someone somebody anywhere somewhere".split()
)
_NEGATIONS = frozenset("not n't never no nobody nothing nowhere neither nor without except "
                       "besides excluding".split())
_FILLER = frozenset("the a an any".split())
_TRAILING = (("at", "all"), ("in", "the", "graph"), ("according", "to", "the", "graph"),
             ("please",))
_AUX = frozenset("do does did is are was were has have had been be will would can could".split())
_PREPOSITIONS = frozenset("in to with from of for on at by into against".split())
_LEAD_INS = (("name",), ("list",), ("show",), ("show", "me"), ("give", "me"), ("tell", "me"),
             ("find",), ("identify",), ("please", "name"), ("please", "list"))
_WH_WORDS = frozenset("who whom which what where".split())
_EACH_OTHER = (("with", "each", "other"), ("with", "one", "another"), ("each", "other"),
               ("one", "another"), ("together"))
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "twenty": 20}


@dataclass(frozen=True)
class Intent:
    """What a question asks, with entity names as written.

    ``form``: which (the unknown of a relation), yesno, class-check, when, about, connect,
    count (of a class, or of a relation's answers when ``props`` is set), list, top.
    ``names``: the named entities (for ``which``: the known side; for ``yesno``: subject
    and object, "" for a wildcard). ``answer_role``: the role the unknown plays.
    """

    form: str
    names: tuple[str, ...] = ()
    props: tuple[str, ...] = ()
    answer_role: str = ""
    cls: str = ""
    demonym: str = ""
    wh: str = ""
    date: str = ""
    limit: int = 0


@dataclass(frozen=True)
class _Tokens:
    low: Words
    raw: tuple[str, ...]

    def text(self, start: int, end: int) -> str:
        return " ".join(self.raw[start:end]).replace(" 's", "'s")


def tokenize(question: str) -> _Tokens:
    """Words of a question, lower-cased and as written, punctuation at the ends removed.

    >>> tokenize("Is the U.S. allied with Japan?").raw
    ('Is', 'the', 'U.S.', 'allied', 'with', 'Japan')
    """
    text = question.strip().replace("’", "'").replace("“", '"').replace("”", '"')
    text = re.sub(r"[?!]+$", "", text).strip()
    if text.endswith(".") and not re.search(r"\.\w+\.$", text):
        text = text[:-1]
    text = re.sub(r"[,;:\"()]", " ", text)
    text = re.sub(r"(\w)'s\b", r"\1 's", text)
    raw = tuple(text.split())
    return _Tokens(tuple(w.casefold() for w in raw), raw)


def parse(question: str, vocab: Vocabulary, demonyms: Iterable[str]) -> list[Intent]:
    """Every reading of ``question`` as an intent, the most likely first (see the module)."""
    tokens = tokenize(question)
    if not tokens.low or _NEGATIONS & set(tokens.low):
        return []
    known_demonyms = {words(d) for d in demonyms}
    found: list[Intent] = []
    for reader in (_connect, _about, _when, _listing, _top):
        found += reader(tokens, vocab, known_demonyms)
    for variant in _variants(tokens):
        found += _relations(variant, vocab, known_demonyms)
    found += _where(tokens, vocab)
    found += _mutual(tokens, vocab)
    found += _class_check(tokens, vocab)
    found += _weak_about(tokens)
    return list(dict.fromkeys(found))


# --- helpers -----------------------------------------------------------------------------------


def _strip(low: Words, start: int, end: int) -> tuple[int, int]:
    """Trim trailing courtesy words ("at all", "in the graph") from ``low[start:end]``."""
    changed = True
    while changed:
        changed = False
        for tail in _TRAILING:
            if end - start >= len(tail) and low[end - len(tail):end] == tail:
                end -= len(tail)
                changed = True
    return start, end


def _match_at(low: Words, start: int, table: dict[Words, str]) -> tuple[str, int]:
    """The longest key of ``table`` starting at ``start``: (value, end), or ("", start)."""
    for end in range(min(len(low), start + 4), start, -1):
        if low[start:end] in table:
            return table[low[start:end]], end
    return "", start


def _demonym_at(
    tokens: _Tokens, start: int, demonyms: set[Words]
) -> tuple[str, int]:
    for end in range(min(len(tokens.low), start + 3), start, -1):
        if tokens.low[start:end] in demonyms:
            return tokens.text(start, end), end
    return "", start


def _name(tokens: _Tokens, start: int, end: int) -> str:
    """The name in ``tokens[start:end]`` without the articles and auxiliaries at its edges."""
    low = tokens.low
    start, end = _strip(low, start, end)
    while start < end and low[start] in {"a", "an"}:
        start += 1
    while end > start and (low[end - 1] in _FILLER
                           or (low[end - 1] in _AUX and tokens.raw[end - 1].islower())):
        end -= 1  # "Does Acme have | a stake in": the name stops before a lower-case "have"
    return tokens.text(start, end)


@dataclass(frozen=True)
class _Wh:
    """The asked-for side: a wh-word with its class and demonym, and where it ends."""

    wh: str
    cls: str
    demonym: str
    end: int


def _wh(tokens: _Tokens, start: int, vocab: Vocabulary, demonyms: set[Words]) -> _Wh | None:
    low = tokens.low
    if start >= len(low):
        return None
    word = low[start]
    if word in {"who", "whom", "where"}:
        return _Wh(word, "", "", start + 1)
    if word not in {"which", "what"}:
        return None
    at = start + 1
    demonym, at = _demonym_at(tokens, at, demonyms)
    cls, end = _match_at(low, at, vocab.classes)
    if not cls and demonym:
        return None
    return _Wh(word, cls, demonym, end if cls else start + 1)


def _aux_end(low: Words, start: int, end: int, aux: frozenset[str]) -> int:
    while start < end and low[start] in aux:
        start += 1
    return start


# --- special forms -------------------------------------------------------------------------------

_CONNECT = [
    re.compile(r"^how (?:is|are|was|were) (?P<a>.+?) (?:connected|related|linked|tied) "
               r"(?:to|with) (?P<b>.+)$"),
    re.compile(r"^how (?:are|were) (?P<a>.+?) and (?P<b>.+?) (?:connected|related|linked)"
               r"(?: to each other| to one another)?$"),
    re.compile(r"^what (?:connects|links|ties) (?P<a>.+?) (?:and|to|with) (?P<b>.+)$"),
    re.compile(r"^(?:what is|what's|what are) the (?:connections?|relations?|relationships?|"
               r"links?|ties?) between (?P<a>.+?) and (?P<b>.+)$"),
    re.compile(r"^(?:is|are) (?P<a>.+?) (?:connected|related|linked) (?:to|with) (?P<b>.+)$"),
    re.compile(r"^(?:show|find|give)(?: me)? (?:the )?(?:paths?|connections?|links?) "
               r"(?:between|from) (?P<a>.+?) (?:and|to) (?P<b>.+)$"),
]


def _regex_names(tokens: _Tokens, pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Match on the lower-case words; give the named groups back as written."""
    low = " ".join(tokens.low)
    raw = " ".join(tokens.raw)
    match = pattern.match(low)
    if match is None or len(low) != len(raw):
        return None
    names = []
    for group in match.groupdict():
        span = match.span(group)
        part = _Tokens(tuple(low[span[0]:span[1]].split()), tuple(raw[span[0]:span[1]].split()))
        names.append(_name(part, 0, len(part.low)))
    return tuple(names) if all(names) else None


def _connect(tokens: _Tokens, vocab: Vocabulary, demonyms: set[Words]) -> list[Intent]:
    for pattern in _CONNECT:
        names = _regex_names(tokens, pattern)
        if names:
            return [Intent("connect", names)]
    return []


_ABOUT = [
    re.compile(r"^(?:tell|show) (?:me|us) (?:everything |all |something |more )?"
               r"(?:about|on) (?P<a>.+)$"),
    re.compile(r"^what (?:do|does|can) (?:we|you|i|the graph|kg) (?:know|say|tell(?: me| us)?)"
               r"(?: about| of| on) (?P<a>.+)$"),
    re.compile(r"^what (?:is|are) (?:known|said|stated) (?:about|of) (?P<a>.+)$"),
    re.compile(r"^(?:describe|summari[sz]e|profile|explain) (?P<a>.+)$"),
    re.compile(r"^(?:give me |show me )?(?:some |all )?(?:info|information|details|facts|"
               r"an overview|a summary|a profile)(?: of| about| on) (?P<a>.+)$"),
    re.compile(r"^(?:about|everything about) (?P<a>.+)$"),
]
_WEAK_ABOUT = re.compile(r"^(?:who|what) (?:is|are|was|were|'s) (?P<a>.+)$")


def _about(tokens: _Tokens, vocab: Vocabulary, demonyms: set[Words]) -> list[Intent]:
    for pattern in _ABOUT:
        names = _regex_names(tokens, pattern)
        if names:
            return [Intent("about", names)]
    return []


def _weak_about(tokens: _Tokens) -> list[Intent]:
    names = _regex_names(tokens, _WEAK_ABOUT)
    return [Intent("about", names)] if names else []


def _when(tokens: _Tokens, vocab: Vocabulary, demonyms: set[Words]) -> list[Intent]:
    low = tokens.low
    starts = (("when",), ("what", "year"), ("in", "what", "year"), ("in", "which", "year"),
              ("which", "year"), ("what", "date"), ("on", "what", "date"), ("since", "when"))
    head = next((len(s) for s in starts if low[:len(s)] == s), 0)
    if head:
        begin = _aux_end(low, head, len(low), vocab.aux)
        if begin == head and low[0] != "when":
            return []
        end = len(low)
        for cut in range(begin + 1, end):  # the date verb after the name
            prop, stop = _match_at(low, cut, vocab.date_verbs)
            if prop and _strip(low, stop, end)[1] == stop:
                name = _name(tokens, begin, cut)
                return [Intent("when", (name,), date=prop)] if name else []
        name = _name(tokens, begin, end)  # "When was the Korean War?"
        return [Intent("when", (name,), date="both")] if name else []
    for opening in (("what", "is"), ("what", "was"), ("what", "'s"), ("what", "are")):
        if low[:2] == opening:  # "what is the start date of X"
            at = 3 if len(low) > 2 and low[2] == "the" else 2
            prop, stop = _match_at(low, at, vocab.date_nouns)
            if prop and stop < len(low) and low[stop] == "of":
                name = _name(tokens, stop + 1, len(low))
                return [Intent("when", (name,), date=prop)] if name else []
    return []


_LIST_VERBS = (("list",), ("show",), ("show", "me"), ("name",), ("give", "me"), ("enumerate",),
               ("display",), ("find",), ("what", "are"), ("which", "are"), ("get",))
_LIST_FILLER = frozenset("all every the a list of each known".split())
_LIST_TAILS = frozenset({
    (), ("are", "there"), ("are", "in", "the", "graph"), ("in", "the", "graph"),
    ("does", "the", "graph", "contain"), ("does", "the", "graph", "have"),
    ("does", "the", "graph", "mention"), ("does", "the", "graph", "know"),
    ("are", "mentioned"), ("exist"), ("are", "listed"), ("in", "total"),
    ("do", "we", "have"), ("does", "it", "mention"), ("are", "known"), ("there", "are"),
    ("are", "in", "the", "data"), ("in", "the", "data"), ("are", "named"), ("are", "covered"),
    ("does", "the", "graph", "list"), ("mentioned"), ("there"), ("named"), ("known"),
    ("do", "you", "know"), ("do", "you", "know", "about"), ("does", "kg", "know"),
    ("are", "in", "the", "knowledge", "graph"), ("are", "recorded"), ("are", "stated"),
})


def _class_phrase(
    tokens: _Tokens, start: int, vocab: Vocabulary, demonyms: set[Words]
) -> tuple[str, str, int]:
    """(class, demonym, end) for "[demonym] class noun" at ``start``; class "" if none."""
    demonym, at = _demonym_at(tokens, start, demonyms)
    cls, end = _match_at(tokens.low, at, vocab.classes)
    return (cls, demonym, end) if cls else ("", "", start)


def _listing(tokens: _Tokens, vocab: Vocabulary, demonyms: set[Words]) -> list[Intent]:
    """Counts ("how many X [are there]") and lists ("list all X", "what X are there")."""
    low = tokens.low
    if low[:2] == ("how", "many"):
        cls, demonym, end = _class_phrase(tokens, 2, vocab, demonyms)
        if not cls:
            return []
        if low[end:] in _LIST_TAILS:
            return [Intent("count", cls=cls, demonym=demonym)]
        rest = _Tokens(("which", *low[2:]), ("which", *tokens.raw[2:]))
        return [replace(i, form="count") for i in _relations(rest, vocab, demonyms)
                if i.form == "which"]
    for verb in sorted(_LIST_VERBS, key=len, reverse=True):
        if low[:len(verb)] != verb:
            continue
        at = len(verb)
        while at < len(low) and low[at] in _LIST_FILLER:
            at += 1
        cls, demonym, end = _class_phrase(tokens, at, vocab, demonyms)
        if not cls:
            return []
        if low[end:] in _LIST_TAILS:
            return [Intent("list", cls=cls, demonym=demonym)]
        if end < len(low) and low[end] in {"that", "which", "who", "whose"}:
            rest = _Tokens(("which", *low[at:end], *low[end + 1:]),
                           ("which", *tokens.raw[at:end], *tokens.raw[end + 1:]))
            return [i for i in _relations(rest, vocab, demonyms) if i.form == "which"]
        return []
    if low[:1] in {("what",), ("which",)}:
        cls, demonym, end = _class_phrase(tokens, 1, vocab, demonyms)
        if cls and end < len(low) and low[end:] in _LIST_TAILS:
            return [Intent("list", cls=cls, demonym=demonym)]
    return []


_MOST = re.compile(
    r"\b(?:most (?:often |frequently |commonly |widely )?(?:mentioned|cited|discussed|named)|"
    r"(?:mentioned|cited|discussed|named) (?:the )?most(?: often| frequently)?|"
    r"(?:mentioned|cited) (?:the )?(?:most )?(?:often|frequently)|"
    r"(?:top|leading) (?:\d+ |\w+ )?(?:\w+ )?by mentions?|most mentions|most prominent)\b"
)
_TOP_WORDS = frozenset(
    "which what who are is were was the top most often frequently commonly widely mentioned "
    "cited discussed named in graph by mentions mention list show me give appear appears "
    "prominent documents document".split()
)


def _top(tokens: _Tokens, vocab: Vocabulary, demonyms: set[Words]) -> list[Intent]:
    """"Which entities are mentioned most?", "the 5 most mentioned companies"."""
    low = tokens.low
    if not _MOST.search(" ".join(low)):
        return []
    cls, demonym, limit = "", "", 10
    at = 0
    while at < len(low):
        if low[at].isdigit() or low[at] in _NUMBERS:
            limit = int(low[at]) if low[at].isdigit() else _NUMBERS[low[at]]
            at += 1
            continue
        found, found_demonym, end = _class_phrase(tokens, at, vocab, demonyms)
        if found and not cls:
            cls, demonym, at = found, found_demonym, end
            continue
        if low[at] not in _TOP_WORDS:
            return []
        at += 1
    return [Intent("top", cls=cls or "Entity", demonym=demonym, limit=max(1, min(limit, 100)))]


# --- relations -------------------------------------------------------------------------------


def _variants(tokens: _Tokens) -> list[_Tokens]:
    """The question, and the question a lead-in or a fronted preposition stands for.

    "Name the members of X" is read as "what are the members of X"; "Tell me who leads X"
    as "who leads X"; "In which country is X" as "which country is X in".
    """
    low, raw = tokens.low, tokens.raw
    found = [tokens]
    for lead in sorted(_LEAD_INS, key=len, reverse=True):
        if low[:len(lead)] == lead and len(low) > len(lead):
            at = len(lead)
            if low[at] in _WH_WORDS:
                found.append(_Tokens(low[at:], raw[at:]))
            elif low[at] in {"the", "all", "every", "each"} or "'s" in low[at:at + 4]:
                at += low[at] in {"all", "every", "each"}
                found.append(_Tokens(("what", "are", *low[at:]), ("what", "are", *raw[at:])))
            break
    for variant in list(found):
        first, rest = variant.low[:1], variant.low[1:2]
        if first and first[0] in _PREPOSITIONS and rest and rest[0] in _WH_WORDS:
            found.append(_Tokens((*variant.low[1:], first[0]), (*variant.raw[1:], first[0])))
    return found


def _where(tokens: _Tokens, vocab: Vocabulary) -> list[Intent]:
    """"Where does X operate?": a verb or state whose "in" is the asked-for place."""
    low = tokens.low
    if low[:1] != ("where",) or len(low) < 3:
        return []
    end = _strip(low, 1, len(low))[1]
    found = []
    for cut in range(end - 1, 1, -1):
        phrases = vocab.phrases.get((*low[cut:end], "in"), ())
        props = tuple(sorted({p.prop for p in phrases if p.left == "subject" and not p.tail}))
        name = _name(tokens, _aux_end(low, 1, cut, vocab.aux), cut)
        if props and name:
            found.append(Intent("which", (name,), props, answer_role="object", wh="where"))
    return found


def _mutual(tokens: _Tokens, vocab: Vocabulary) -> list[Intent]:
    """"Are A and B allies?", "Do A and B trade?": two subjects of a symmetric property."""
    low = tokens.low
    if low[:1] == () or low[0] not in vocab.aux:
        return []
    end = _strip(low, 0, len(low))[1]
    for tail in _EACH_OTHER:
        if end - len(tail) > 0 and low[end - len(tail):end] == tail:
            end -= len(tail)
            break
    begin = _aux_end(low, 0, end, vocab.aux)
    found = []
    for cut in range(begin + 1, end):
        props = vocab.mutual.get(low[cut:end])
        if not props:
            continue
        for at in range(begin + 1, cut - 1):
            if low[at] == "and":
                first, second = _name(tokens, begin, at), _name(tokens, at + 1, cut)
                if first and second:
                    found.append(Intent("yesno", (first, second), props))
    return found


def _occurrences(low: Words, vocab: Vocabulary) -> Iterator[tuple[int, int]]:
    """(start, end) of every phrase of the vocabulary in ``low``, longest first."""
    spans = [
        (start, end)
        for start in range(len(low))
        for end in range(start + 1, min(len(low), start + 6) + 1)
        if low[start:end] in vocab.phrases
    ]
    yield from sorted(spans, key=lambda span: (span[0] - span[1], span[0]))


def _relations(tokens: _Tokens, vocab: Vocabulary, demonyms: set[Words]) -> list[Intent]:
    found: list[Intent] = []
    low = tokens.low
    for start, end in _occurrences(low, vocab):
        by_shape: dict[tuple[Words, str], list[str]] = {}
        for phrase in vocab.phrases[low[start:end]]:
            by_shape.setdefault((phrase.tail, phrase.left), []).append(phrase.prop)
        # a phrase whose tail ends the question ("sign … into law") is read first
        for (tail, left), props in sorted(by_shape.items(), key=lambda kv: (-len(kv[0][0]),
                                                                            kv[0])):
            intent = _relation(tokens, start, end, left, tuple(sorted(set(props))), vocab,
                               demonyms, tail)
            if intent is not None:
                found.append(intent)
    return found


def _relation(
    tokens: _Tokens, start: int, end: int, left: str, props: tuple[str, ...],
    vocab: Vocabulary, demonyms: set[Words], tail: Words = (),
) -> Intent | None:
    """The intent when the phrase at ``start:end`` splits the question (see the module);
    ``tail``, when given, must end the question and is not part of the name before it."""
    low = tokens.low
    right = other(left)
    wh = _wh(tokens, 0, vocab, demonyms)
    r_start, r_end = _strip(low, end, len(low))
    if tail:
        if r_end - len(tail) <= r_start or low[r_end - len(tail):r_end] != tail:
            return None
        r_end -= len(tail)
    tail_wh = _wh(tokens, r_start, vocab, demonyms) if r_start < r_end else None
    if wh is not None:
        before = _aux_end(low, wh.end, start, vocab.aux)
        left_name = _name(tokens, before, start)
        right_name = _name(tokens, r_start, r_end)
        base = Intent("which", props=props, cls=wh.cls, demonym=wh.demonym, wh=wh.wh)
        if not left_name and right_name:
            return replace(base, names=(right_name,), answer_role=left)
        if left_name and not right_name:
            return replace(base, names=(left_name,), answer_role=right)
        return None
    if tail_wh is not None and tail_wh.end == r_end:  # "X is owned by whom"
        name = _name(tokens, 0, start)
        if not name or low[0] in vocab.aux:
            return None
        return Intent("which", (name,), props, answer_role=right, cls=tail_wh.cls,
                      wh=tail_wh.wh)
    if low[0] in vocab.aux:  # yes/no
        first = _name(tokens, _aux_end(low, 0, start, vocab.aux), start)
        second = _name(tokens, r_start, r_end)
        if second.casefold() in _WILDCARDS or _is_class_phrase(tokens, r_start, r_end, vocab,
                                                               demonyms):
            second = ""
        elif not second:
            return None
        if not first:
            return None
        names = (first, second) if left == "subject" else (second, first)
        return Intent("yesno", names, props)
    return None


def _is_class_phrase(
    tokens: _Tokens, start: int, end: int, vocab: Vocabulary, demonyms: set[Words]
) -> bool:
    """True for "any company", "a country" and the like: a wildcard of a class."""
    low = tokens.low
    if start < end and low[start] in {"any", "a", "an", "some"}:
        cls, _demonym, stop = _class_phrase(tokens, start + 1, vocab, demonyms)
        return bool(cls) and stop == end
    return False


def _class_check(tokens: _Tokens, vocab: Vocabulary) -> list[Intent]:
    """"Is Samsung a company?"."""
    low = tokens.low
    if len(low) < 3 or low[0] not in {"is", "are", "was", "were"}:
        return []
    for at in range(len(low) - 1, 1, -1):
        if low[at] in {"a", "an"}:
            cls, end = _match_at(low, at + 1, vocab.classes)
            if cls and end == len(low):
                name = _name(tokens, 1, at)
                return [Intent("class-check", (name,), cls=cls)] if name else []
    return []
