"""Finding entity mentions in a parsed block and giving each its most specific contract class.

Three sources propose spans, and the best-founded wins where they overlap:

1. *names with a telling head or prefix* ("Mutual Defense Treaty", "Ministry of Economy, Trade
   and Industry", "Kadena Air Base"), found as runs of capitalised words;
2. *the gazetteer*: every country with its aliases and demonyms, capitals, international
   organisations and sectors (``kg.nlp.lexicon``);
3. *spaCy's statistical NER*, typed by its label and corrected by the lexicon.

Abbreviations introduced in parentheses join their long form for the rest of the document.

>>> from kg.nlp.pipeline import load_pipeline
>>> from kg.model import Document
>>> nlp = load_pipeline()
>>> text = "The 1953 Mutual Defense Treaty bound the U.S. to South Korea."
>>> spans = find_mentions(nlp(text), DocumentContext.of(Document.from_text(text, source="t")))
>>> [(m.label, m.cls) for _, m in spans]
[('Mutual Defense Treaty', 'Treaty'), ('United States', 'Country'), ('South Korea', 'Country')]
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from kg.model import Document, Mention, Sentence
from kg.nlp.coref import Antecedent, resolve_references
from kg.nlp.keys import normalise_key
from kg.nlp.lexicon import CountryName, Lexicon, load_lexicon
from kg.nlp.typing import context_class, holds_organisation_post, noun_class, role_class
from kg.vocab import is_subclass

#: Connectors allowed inside a capitalised name ("Treaty of Mutual Cooperation and Security").
CONNECTORS = frozenset({"of", "and", "for", "the", "de", "du", "la", "&", "-", "–", "on"})
DETERMINERS = frozenset({"the", "a", "an", "its", "their", "our", "his", "her", "this", "that"})
POSSESSIVE = frozenset({"'s", "’s", "'", "’"})
LEADING_POS_DROP = frozenset({"ADP", "DET", "PRON", "CCONJ", "SCONJ", "ADV", "AUX", "PART"})
ABBREVIATION = re.compile(r"^[A-Z][A-Za-z0-9&.\-]*[A-Z0-9][A-Za-z0-9.\-]*$")
NUMERAL = re.compile(r"^(?:[IVX]{1,4}|\d{1,3})$")
YEAR = re.compile(r"^(1[5-9]\d\d|20\d\d)$")
#: A model number: letters and digits in one word ("A350", "GT4", "Su-57", "K9").
MODEL_NUMBER = re.compile(r"^(?=.*[A-Za-z])(?=.*\d)[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$")
#: Words that name a model by the letter or number after them ("Model Y", "Type 45").
MODEL_WORDS = frozenset({"Model", "Series", "Type", "Mark", "Class"})
#: NER labels under which a name with a model number or a trailing number is a product.
PRODUCT_SUSPECTS = frozenset({"PERSON", "LAW", "GPE", "WORK_OF_ART", "PRODUCT", "FAC", "NORP"})

NER_CLASSES = {
    "PERSON": "Person",
    "ORG": "Company",
    "GPE": "City",
    "LOC": "Region",
    "FAC": "Facility",
    "EVENT": "Event",
    "LAW": "Policy",
    "PRODUCT": "Product",
    "WORK_OF_ART": "Product",
}
#: How sure each source is of its class (used when mentions of one entity disagree).
STRENGTH = {
    "context": 1.5,
    "gazetteer": 1.0,
    "role": 0.8,
    "abbreviation": 0.9,
    "name-head": 0.85,
    "ner": 0.5,
    "ner-default": 0.3,
    "bare": 0.2,
}
#: Roles in which an unlabelled proper noun is taken for a name (an argument of a verb).
BARE_NAME_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "pobj", "appos", "dative"})
#: Classes whose names continue with "of"/"for" ("Institute for ...", "Bureau of ...").
OF_COMPLEMENTED = frozenset(
    {
        "ResearchOrganization",
        "GovernmentAgency",
        "InternationalOrganization",
        "Treaty",
        "TradeAgreement",
        "Policy",
        "Event",
    }
)
#: Head words of companies named with "of" and a place ("Bank of Canada").
OF_COMPLEMENTED_HEADS = frozenset({"Bank"})
#: Words that name an operation or exercise by the capitalised words after them.
EVENT_PREFIXES = frozenset({"Exercise", "Operation"})
#: Non-person NER labels that a name used with an honorific elsewhere in the text overrules.
PERSON_SUSPECTS = frozenset({"GPE", "LOC", "ORG", "FAC", "NORP", "PRODUCT", "WORK_OF_ART"})
#: Lower-case heads that make an event of the names before them ("the US election", "the
#: Oslo summit", "the Iraq war"), and the class they give.
EVENT_HEADS = {
    "summit": "Event",
    "election": "Event",
    "elections": "Event",
    "referendum": "Event",
    "talks": "Event",
    "war": "War",
    "invasion": "War",
}
#: Lower-case words allowed between the names and the head ("US presidential election").
EVENT_MODIFIERS = frozenset(
    {"presidential", "general", "parliamentary", "legislative", "mayoral", "civil", "peace"}
)
#: Plural possessives that belong inside a name ("People's Alliance Party").
NAME_POSSESSORS = frozenset({"People", "Women", "Children", "Men"})

#: The most tokens a name recurring from an earlier block may span ("Pan-European" is three).
KNOWN_NAME_TOKENS = 12
#: Dependency roles in which a capital city stands for its government ("Washington answered").
METONYM_DEPS = frozenset({"nsubj", "nsubjpass", "agent", "poss", "dobj", "dative", "npadvmod"})


@dataclass
class DocumentContext:
    """What entity rules need to know about the whole document: its text and its abbreviations."""

    document: Document
    abbreviations: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    history: list[Antecedent] = field(default_factory=list)
    sentences_seen: int = 0
    #: Last words of the full names of people named so far ("Bohigian" of "David Bohigian").
    surnames: set[str] = field(default_factory=set)
    #: Words written after an honorific anywhere in the document ("Okafor" of "Ms Okafor"),
    #: found in one pass over the text when first asked for.
    titled: frozenset[str] | None = None

    def titled_words(self, honorifics: frozenset[str]) -> frozenset[str]:
        """The words that follow an honorific anywhere in the document (one scan, then kept).

        >>> ctx = DocumentContext.of(Document.from_text("Ms Okafor and Dr. Lee met.", source="t"))
        >>> sorted(ctx.titled_words(frozenset({"Ms", "Dr."})))
        ['Lee', 'Okafor']
        """
        if self.titled is None:
            forms = "|".join(re.escape(h) for h in sorted(honorifics, key=len, reverse=True))
            pattern = re.compile(rf"(?<![\w.])(?:{forms})\s+([A-Z][\w'’-]*)")
            self.titled = frozenset(m.group(1) for m in pattern.finditer(self.document.text))
        return self.titled
    names: dict[str, Mention] = field(default_factory=dict)  # see EntityFinder.known_names
    names_read: int = 0  # how much of ``history`` is in ``names``

    @classmethod
    def of(cls, document: Document) -> DocumentContext:
        """A fresh context for one document."""
        return cls(document)

    def mentions_any(self, forms: list[str]) -> bool:
        """True when any of ``forms`` occurs as a word in the document."""
        return any(re.search(rf"\b{re.escape(f)}\b", self.document.text) for f in forms if f)


@dataclass(frozen=True)
class Candidate:
    """A proposed mention before overlaps are resolved."""

    start: int  # token index in the block Doc
    end: int
    label: str
    cls: str
    source: str
    strength: float
    key: str = ""
    alias: bool = True  # whether the surface form is a name of the entity (not a demonym)


def _surface(tokens: Span | list[Token]) -> str:
    return "".join(t.text_with_ws for t in tokens).strip()


def _is_cap(token: Token) -> bool:
    text = token.text
    return bool(text) and (
        text[0].isupper() or (text[0].isdigit() and any(c.isalpha() for c in text))
    )


def _name_runs(sent: Span) -> Iterator[tuple[int, int]]:
    """Maximal runs of capitalised tokens, joined by name connectors, within a sentence."""
    i, end = sent.start, sent.end
    doc = sent.doc
    caps = [_is_cap(t) for t in sent]  # one look at each token: most start no name
    while i < end:
        if not caps[i - sent.start]:
            i += 1
            continue
        j = i + 1
        while j < end:
            tok = doc[j]
            if _is_cap(tok):
                j += 1
            elif _inner_possessive(doc, j, end):
                j += 1  # "People's Alliance Party", "Farmers' Union"
            elif (tok.lower_ in CONNECTORS or tok.text == ",") and j + 1 < end:
                k = j + 1
                while k < end and doc[k].lower_ in CONNECTORS and k + 1 < end:
                    k += 1
                if not _is_cap(doc[k]) or (tok.text == "," and not _comma_ok(doc, i, k)):
                    break
                j = k
            else:
                break
        yield i, j
        i = j


def _inner_possessive(doc: Doc, j: int, end: int) -> bool:
    """Whether the possessive at ``j`` is inside a name: after a plural of people ("People's",
    "Workers'") and before a capitalised word, never after a place ("Britain's Labour")."""
    tok = doc[j]
    if tok.text not in POSSESSIVE or j == 0 or j + 1 >= end or not _is_cap(doc[j + 1]):
        return False
    before = doc[j - 1].text
    if tok.text in {"'s", "’s"}:
        return before in NAME_POSSESSORS
    return before.endswith("s") and before[:1].isupper() and doc[j - 1].ent_type_ != "GPE"


#: Lower-case particles inside personal names ("Ursula von der Leyen", "Charles de Gaulle").
NAME_PARTICLES = frozenset(
    {"von", "van", "der", "den", "de", "da", "di", "du", "del", "della", "dos", "das", "la",
     "le", "bin", "bint", "ibn", "al", "el", "ter", "y"}
)


def person_end(doc: Doc, end: int) -> int:
    """Where a person's name that NER or a title ended at ``end`` really ends: over lower-case
    particles before a capitalised word ("von der Leyen") and over a lower-case syllable
    hyphenated to the last word ("Moon Jae-in").

    >>> import spacy
    >>> doc = spacy.blank("en")("Ursula von der Leyen and Moon Jae-in met")
    >>> person_end(doc, 3), person_end(doc, 7), person_end(doc, 4)
    (4, 9, 4)
    """
    k = end
    while k < len(doc) and doc[k].lower_ in NAME_PARTICLES and doc[k].is_lower:
        k += 1
    particle_last = doc[end - 1].is_lower and doc[end - 1].lower_ in NAME_PARTICLES
    if (k > end or particle_last) and k < len(doc) and _is_cap(doc[k]) and doc[k].is_alpha:
        end = k + 1
    if (
        end + 1 < len(doc)
        and doc[end].text == "-"
        and not doc[end - 1].whitespace_
        and not doc[end].whitespace_
        and doc[end + 1].is_alpha
        and doc[end + 1].is_lower
        and len(doc[end + 1].text) <= 4
    ):
        end += 2
    return end


def _short_model(word: str) -> bool:
    """A model number with at most three letters: "Su-57", "F-35", "A350" (not "Covid-19").

    >>> [_short_model(w) for w in ("Su-57", "A350", "Covid-19", "2019")]
    [True, True, False, False]
    """
    return bool(MODEL_NUMBER.match(word)) and sum(ch.isalpha() for ch in word) <= 3


def _acronym(word: str) -> bool:
    """An upper-case word that is no initial ("W.") or regnal number ("II"): "IBM", "HSBC".

    >>> [_acronym(w) for w in ("HSBC", "W.", "II", "George", "J.P.")]
    [True, False, False, False, False]
    """
    letters = word.replace(".", "")
    return (
        word.isupper()
        and len(letters) > 1
        and "." not in word
        and not NUMERAL.match(word)
    )


def _possessive_name(doc: Doc, end: int) -> bool:
    """Whether the "'s" at ``end`` ends the name before it: the name is an argument of the
    sentence ("McDonald's opened"), not the possessor of a noun ("Britain's army")."""
    if end >= len(doc) or end == 0 or doc[end].text not in {"'s", "’s"}:
        return False
    name = doc[end - 1]
    return doc[end].head.i == name.i and name.dep_ in {"nsubj", "nsubjpass", "dobj", "pobj"}


def _propn_runs(sent: Span) -> Iterator[tuple[int, int]]:
    """Maximal runs of capitalised proper nouns (no connectors) within a sentence."""
    named = [t.pos_ == "PROPN" and _is_cap(t) for t in sent]  # one look at each token
    i = sent.start
    while i < sent.end:
        j = i
        while j < sent.end and named[j - sent.start]:
            j += 1
        if j > i:
            yield i, j
        i = max(j, i + 1)


#: Office nouns whose "of"/"for" object is a portfolio, not a name ("Minister for Trade").
OFFICE_NOUNS = frozenset({"minister", "secretary", "ministry", "department", "office",
                          "commissioner", "spokesman", "spokeswoman", "spokesperson", "shadow"})


def _portfolio(span: Span) -> bool:
    root = span.root
    return root.dep_ == "pobj" and root.head.head.lemma_.lower() in OFFICE_NOUNS


def _name_word(tok: Token, start: int, end: int) -> bool:
    """A word of a proper name in the run ``start``-``end``: a proper noun, or a capitalised
    common word that the parse hangs on a proper noun of the run ("Riverside Close")."""
    if tok.pos_ == "PROPN":
        return True
    head = tok.head
    return (
        tok.pos_ == "NOUN"
        and not tok.ent_type_
        and tok.text[:1].isupper()
        and tok.dep_ in {"compound", "amod"}
        and start <= head.i < end
        and head.i > tok.i
        and head.pos_ == "PROPN"
    )


def _comma_ok(doc: Doc, start: int, nxt: int) -> bool:
    """Commas join a name only in lists inside an institution's name ("Ministry of A, B and C")."""
    head = doc[start].text
    if head not in {"Ministry", "Department", "Committee", "Commission", "Office"}:
        return False
    rest = [t.lower_ for t in doc[nxt : min(len(doc), nxt + 6)]]
    return "and" in rest


class EntityFinder:
    """Finds typed mentions in parsed blocks; built once per pipeline vocabulary and lexicon."""

    def __init__(self, nlp: Language, lexicon: Lexicon) -> None:
        self.lex = lexicon
        self.names = PhraseMatcher(nlp.vocab)
        self.sectors = PhraseMatcher(nlp.vocab, attr="LOWER")
        make = nlp.make_doc
        forms = sorted(
            {*lexicon.countries, *lexicon.capitals, *lexicon.organizations, *lexicon.parties}
        )
        self.names.add("NAME", [make(f) for f in forms])
        self.sectors.add("SECTOR", [make(f) for f in sorted(lexicon.sectors)])

    # -- candidates -------------------------------------------------------------------------

    def gazetteer(self, doc: Doc, ctx: DocumentContext) -> Iterator[Candidate]:
        """Countries, demonyms, capitals and international organisations by exact form."""
        for _, start, end in self.names(doc):
            text = doc[start:end].text
            if text in self.lex.organizations:
                label = self.lex.organizations[text]
                yield Candidate(start, end, label, "InternationalOrganization", "gazetteer", 1.0)
                continue
            if text in self.lex.parties and text not in self.lex.countries:
                party = self.lex.parties[text]
                yield Candidate(start, end, party, "Organization", "gazetteer", 1.0)
                continue
            country = self.lex.countries.get(text)
            if country is not None:
                cand = self._country(doc, start, end, country, ctx)
                if cand is not None:
                    yield cand
                continue
            capital_of = self.lex.capitals.get(text)
            if capital_of is not None:
                yield self._capital(doc, start, end, text, capital_of)

    def _country(
        self, doc: Doc, start: int, end: int, country: CountryName, ctx: DocumentContext
    ) -> Candidate | None:
        text = doc[start:end].text
        if country.ambiguous:
            if country.kind in {"alias", "demonym"}:
                if not ctx.mentions_any([country.label]):
                    return None
                return Candidate(start, end, country.label, "Country", "gazetteer", 0.8)
            if country.kind == "label" and not self._country_reading(doc, start, country, ctx):
                if doc[start].ent_type_ == "PERSON":
                    return None
                return Candidate(start, end, text, "Region", "gazetteer", 0.8)
        demonym = country.kind == "demonym"
        if demonym and doc[start].pos_ not in {"ADJ", "PROPN", "NOUN"}:
            return None
        return Candidate(start, end, country.label, "Country", "gazetteer", 1.0)

    def _country_reading(
        self, doc: Doc, start: int, country: CountryName, ctx: DocumentContext
    ) -> bool:
        """An ambiguous country name ("Georgia", "Jordan") reads as the country when the
        document also names its capital or its people."""
        capital = self.lex.capital_label.get(country.label, "")
        demonyms = [
            f
            for f, c in self.lex.countries.items()
            if c.label == country.label and c.kind == "demonym"
        ]
        return ctx.mentions_any([capital, *demonyms])

    def _capital(self, doc: Doc, start: int, end: int, text: str, country: str) -> Candidate:
        """A capital stands for its country when it acts (subject, possessor, object)."""
        tok = doc[end - 1]
        nxt = doc[end] if end < len(doc) else None
        based = (
            nxt is not None
            and nxt.text in {"-", "–"}
            and end + 1 < len(doc)
            and doc[end + 1].lower_ in {"based", "headquartered"}
        )
        role = tok
        while role.dep_ == "conj" and role.head is not role:
            role = role.head
        if role.dep_ == "poss" and self._names_a_place(role.head):
            return Candidate(start, end, text, "City", "gazetteer", 0.9)  # "Oslo's new airport"
        if not based and (
            role.dep_ in METONYM_DEPS
            or (nxt is not None and nxt.text in POSSESSIVE)
            or (role.dep_ == "pobj" and role.head.lower_ in {"between", "against"})
        ):
            return Candidate(start, end, country, "Country", "gazetteer", 0.9, alias=False)
        return Candidate(start, end, text, "City", "gazetteer", 0.9)

    def _names_a_place(self, tok: Token) -> bool:
        """Whether a possessed noun is a place or building ("X's airport", "X's Y Station")."""
        words = [c.text for c in tok.lefts if c.dep_ == "compound"] + [tok.text]
        head = self.lex.head_class(words)
        noun = self.lex.class_nouns.get(tok.lemma_.lower())
        return head in {"Facility", "Region", "City"} or noun in {"Facility", "City", "Region"} or (
            tok.lemma_.lower() in {"airport", "port", "harbour", "harbor", "station", "suburb",
                                   "outskirts", "centre", "center", "streets", "mayor"}
        )

    def sector_terms(self, doc: Doc) -> Iterator[Candidate]:
        """Industries and fields named in lower case ("the semiconductor industry")."""
        for _, start, end in self.sectors(doc):
            span = doc[start:end]
            if (
                span.text.isupper()
                and len(span.text) <= 3
                and span.text.lower() not in {"ai", "ev"}
            ):
                continue
            label = self.lex.sectors[span.text.lower()]
            yield Candidate(start, end, label, "Sector", "gazetteer", 0.8)

    def named(self, doc: Doc) -> Iterator[Candidate]:
        """Capitalised names whose prefix or head word tells their class."""
        for sent in doc.sents:
            for run_start, run_end in _name_runs(sent):
                for start, end in self._split_names(doc, run_start, run_end):
                    cand = self._classify_run(doc, start, end) or self._run_in_context(
                        doc, start, end
                    )
                    if cand is not None:
                        yield cand

    def _split_names(self, doc: Doc, start: int, end: int) -> list[tuple[int, int]]:
        """Two typed names joined by "and" are two names ("Avon Energy and Kell Group"), and
        so are any two joined by "and the"; not when the first one holds a connector
        ("Department of Energy and Climate Change") or lacks a head word of its own
        ("Scottish and Newcastle")."""
        first = start
        while first < end and _leading_filler(doc[first]):
            first += 1  # "On Monday A Group and B Holdings": "On" joins nothing
        for k in range(first + 1, end - 1):
            if doc[k].lower_ != "and":
                continue
            if doc[k + 1].lower_ == "the" and k + 2 < end:  # "the Bank of X and the Y Fund"
                return [(start, k), *self._split_names(doc, k + 2, end)]
            left = [t.text for t in doc[first:k]]
            right = [t.text for t in doc[k + 1 : end]]
            if any(w.lower() in CONNECTORS for w in left):
                return [(start, end)]
            if (
                len(left) >= 2
                and self.lex.head_class(left) is not None
                and self.lex.head_class(right) is not None
            ):
                return [(start, k), *self._split_names(doc, k + 1, end)]
        return [(start, end)]

    def _run_in_context(self, doc: Doc, start: int, end: int) -> Candidate | None:
        """A proper name NER missed, typed by what the sentence says it is ("Brembo, a maker")."""
        joined = self._demonym_and_name(doc, start, end)
        if joined is not None:
            return joined
        titles = self.lex.person_titles
        if any(t.text in titles for t in doc[start:end]):
            while start < end and doc[start].pos_ != "PROPN":
                start += 1  # "German Chancellor X": the title, not a common word, leads
        while start < end and not _name_word(doc[start], start, end):
            start += 1
        while start < end - 1 and (
            doc[start].text in titles or f"{doc[start].text} {doc[start + 1].text}" in titles
        ):
            start += 1  # "Chancellor Dieter Holm, who …": the title is no part of the name
        if start >= end or any(not _name_word(t, start, end) for t in doc[start:end]):
            return None
        span = doc[start:end]
        if span.text in self.lex.countries or span.text in self.lex.not_entities:
            return None
        if doc[start].ent_iob_ == "I" or (end < len(doc) and doc[end].ent_iob_ == "I"):
            return None  # "Need for | Speed": part of a longer NER name, typed as a whole
        found = context_class(span, self.lex)
        if found is None:
            return None
        if end < len(doc) and NUMERAL.match(doc[end].text) and start <= doc[end].head.i < end:
            end += 1  # "Leopard 2": the number is part of the name
            span = doc[start:end]
        return Candidate(start, end, span.text, found, "context", STRENGTH["context"])

    def _demonym_and_name(self, doc: Doc, start: int, end: int) -> Candidate | None:
        """ "Shares in Scottish and Newcastle rose": a people's adjective joined by "and" or
        "&" to a name is one name (a company's), when the sentence says it is an organisation;
        the adjective cannot be a name by itself."""
        first = self.lex.countries.get(doc[start].text)
        demonym = (first is not None and first.kind == "demonym") or doc[start].ent_type_ == "NORP"
        if (
            end - start < 3
            or not demonym
            or doc[start + 1].lower_ not in {"and", "&"}
            or not all(_is_cap(t) for t in doc[start + 2 : end])
        ):
            return None
        span = doc[start:end]
        found = context_class(span, self.lex)
        if found is None or not is_subclass(found, "Organization"):
            return None
        return Candidate(start, end, span.text, found, "context", STRENGTH["context"])

    def bare_names(self, doc: Doc) -> Iterator[Candidate]:
        """Proper nouns that NER left unlabelled but that the parse uses as an argument
        ("Euronext has a stake"): a weak Company guess that any other evidence overrides."""
        for sent in doc.sents:
            for start, end in _propn_runs(sent):
                if (
                    end < sent.end and doc[end].is_digit and len(doc[end].text) <= 4
                    and not _amount_follows(doc, end + 1)
                ):
                    end += 1  # "Starfall 3", not "fined Velmar 100m euros"
                span = doc[start:end]
                if any(t.ent_type_ not in {"", "NORP"} for t in span):
                    continue
                if self._product_name(span):
                    yield Candidate(start, end, span.text, "Product", "ner", 0.5)
                    continue
                text = span.text
                if (
                    len(text) < 3
                    or self.lex.class_nouns.get(span[-1].lower_) == "Person"  # "Vice President"
                    or text in self.lex.not_entities
                    or text in self.lex.person_titles
                    or text in self.lex.countries
                    or span.root.dep_ not in BARE_NAME_DEPS
                    or (start > 0 and doc[start - 1].text in self.lex.person_titles)
                    or _portfolio(span)
                ):
                    continue
                yield Candidate(start, end, text, "Company", "ner", STRENGTH["bare"])

    def titled_people(self, doc: Doc) -> Iterator[Candidate]:
        """Names after a person's title: "South Korean President Yoon Suk Yeol",
        "Prime Minister Fumio Kishida", "CEO Jensen Huang"."""
        titles = self.lex.person_titles
        texts = [t.text for t in doc]  # read once: most tokens are no title
        k = 0
        while k < len(doc):
            two = f"{texts[k]} {texts[k + 1]}" if k + 1 < len(doc) else ""
            width = 2 if two in titles else 1 if texts[k] in titles else 0
            if not width:
                k += 1
                continue
            first = end = k + width
            while (
                end < len(doc)
                and end - first < 4
                and doc[end].is_title
                and doc[end].text not in titles
                and doc[end].sent == doc[k].sent
            ):
                end += 1
            end = person_end(doc, end)
            names = doc[first:end]
            least = 1 if doc[k].text in self.lex.honorifics else 2
            if (
                least <= len(names)
                and any(t.pos_ == "PROPN" for t in names)
                and names.text not in self.lex.countries
                and names.text not in self.lex.not_entities
            ):
                # "Mr Kerry": the honorific is part of the surface form, not of the name
                begin = k if width == 1 and doc[k].text in self.lex.honorifics else first
                yield Candidate(begin, end, names.text, "Person", "name-head", 0.9)
            k = max(end, k + 1)

    def _classify_run(self, doc: Doc, start: int, end: int) -> Candidate | None:
        first = doc[start]
        if (
            first.is_sent_start
            and first.pos_ not in {"PROPN"}
            and first.text not in self.lex.prefixes
            and first.text not in self.lex.countries
        ):
            start += 1  # "Veterans of the Gulf War": a capitalised common noun starts the sentence
        while start < end and (
            doc[start].lower_ in DETERMINERS
            or YEAR.match(doc[start].text)
            or doc[start].pos_ in LEADING_POS_DROP
            or doc[start].lower_ in CONNECTORS
            or doc[start].ent_type_ in DATE_LABELS  # "On Monday Hartwell Group …"
        ):
            start += 1
        if start >= end:
            return None
        if doc[start].text not in self.lex.prefixes:
            for k in range(start + 1, end - 1):
                if doc[k].lower_ == "and" and (
                    doc[k - 1].text in self.lex.countries
                    or doc[k - 1].text in self.lex.organizations
                ):
                    start = k + 1
                    break
        words = [t.text for t in doc[start:end]]
        if words[0] in self.lex.person_titles:
            return None
        cls, stop = self._prefix_class(doc, start, end)
        if cls is None:
            cls, head_end, stop = self._head_class(doc, start, end)
            if cls is not None:
                start = self._head_name_start(doc, start, head_end)
        if cls is None:
            return None
        end = stop
        tokens = doc[start:end]
        if len([t for t in tokens if t.is_alpha]) < 2 and not (
            cls == "Company" and len(tokens) > 1
        ):
            return None
        label = _surface(tokens)
        if cls == "Treaty" and any(w in label for w in self.lex.trade_words):
            cls = "TradeAgreement"
        if any(w in self.lex.media_words for w in label.replace("-", " ").split()):
            cls = "MediaOrganization" if cls not in {"Treaty", "TradeAgreement"} else cls
        return Candidate(start, end, label, cls, "name-head", STRENGTH["name-head"])

    def _head_name_start(self, doc: Doc, start: int, stop: int) -> int:
        """Where a name typed by its head word begins: back from the head over capitalised
        words, across "and" inside a name ("CHIPS and Science Act") but not across other
        joining words or a person's name ("… Yoon Suk Yeol for the Camp David Summit")."""
        k = stop - 1
        while k > start:
            prev = doc[k - 1]
            if prev.lower_ in CONNECTORS and prev.lower_ not in {"and", "-", "–", "&"}:
                break
            if prev.lower_ == "and" and (
                doc[k - 2].ent_type_ in {"PERSON", "GPE", "NORP"}
                or k - 2 < start
                or doc[k - 2].ent_type_ == "ORG" and doc[k].ent_iob_ == "B"
            ):
                break  # "… Yoon Suk Yeol and …"; "Hyundai Rotem and Hanwha Aerospace": two
            if prev.ent_type_ == "PERSON" and doc[k].ent_type_ != "PERSON":
                break
            k -= 1
        return k

    def _prefix_class(self, doc: Doc, start: int, end: int) -> tuple[str | None, int]:
        first = start
        while first < end - 1 and (
            doc[first].text in self.lex.countries or doc[first].text in {"-", "–"}
        ):
            first += 1
        word = doc[first].text
        if word in EVENT_PREFIXES and first + 1 < end and _is_cap(doc[first + 1]):
            return "Event", end  # "Exercise Cold Response", "Operation Desert Storm"
        if (
            word in self.lex.prefixes
            and first + 2 < end
            and doc[first + 1].lower_ in {"of", "on", "for"}
        ):
            return self.lex.prefixes[word], end
        return None, end

    def _head_class(self, doc: Doc, start: int, end: int) -> tuple[str | None, int, int]:
        """The class a head word gives, where that head word ends, and where the name ends."""
        for stop in range(end, start, -1):
            words = [t.text for t in doc[start:stop]]
            if words[-1].lower() in CONNECTORS:
                continue
            cls = self.lex.head_class(words)
            if cls is not None:
                head_end = stop
                if stop < end and doc[stop].lower_ in {"of", "for"} and (
                    cls in OF_COMPLEMENTED or words[-1] in OF_COMPLEMENTED_HEADS
                ) and not (stop + 1 < end and doc[stop + 1].ent_type_ == "DATE"):
                    stop = end  # "Kiel Institute for the World Economy", "Bank of Canada"
                    cls = self._central_bank(doc, start, head_end, end) or cls
                while (
                    stop < len(doc) and NUMERAL.match(doc[stop].text)
                    and not _amount_follows(doc, stop + 1)
                ):
                    stop += 1  # "World War II", "Task Force 104"; not "Velmar Group 100m"
                return cls, head_end, stop
        return None, end, end

    def _central_bank(self, doc: Doc, start: int, head_end: int, end: int) -> str | None:
        """ "Bank of Canada", a bare "Bank of" and a country, is the country's central bank;
        "Royal Bank of Canada", with a word before "Bank", is a company."""
        first = start
        while first < head_end and doc[first].lower_ in DETERMINERS:
            first += 1
        country = doc[head_end + 1 : end].text
        if head_end - first == 1 and doc[first].text == "Bank" and country in self.lex.countries:
            return "GovernmentAgency"
        return None

    def statistical(self, doc: Doc, ctx: DocumentContext) -> Iterator[Candidate]:
        """spaCy's NER spans, typed by label and corrected by the lexicon."""
        for ent in doc.ents:
            cls = NER_CLASSES.get(ent.label_)
            if cls is None:
                continue
            start, end = ent.start, ent.end
            while start < end and (doc[start].lower_ in DETERMINERS or YEAR.match(doc[start].text)):
                start += 1
            while end > start and (doc[end - 1].text in POSSESSIVE or doc[end - 1].is_punct):
                end -= 1
            if start >= end:
                continue
            if ent.label_ == "PERSON" and person_end(doc, end) > end:
                end = person_end(doc, end)  # "Ursula von der | Leyen", "Moon Jae | -in"
                yield Candidate(start, end, doc[start:end].text, "Person", "name-head", 0.9)
                continue
            if ent.label_ == "ORG" and _possessive_name(doc, end):
                end += 1  # "McDonald's opened": a name that ends in 's, not a possessor
            span = doc[start:end]
            if (
                len(span) == 1
                and span[0].pos_ in {"NOUN", "ADJ", "VERB", "ADV"}
                and not _short_model(span.text)  # "the Su-57"
                and context_class(span, self.lex) is None
            ):
                continue  # "Success in navigating …": a capitalised common word, not a name
            label = span.text
            strength = STRENGTH["ner"]
            if ent.label_ in PRODUCT_SUSPECTS and self._product_name(span):
                if span[0].text in MODEL_WORDS and label.endswith(".") and span[-1].is_sent_end:
                    label = label[:-1]  # "… sold the Model Y."
                yield Candidate(start, end, label, "Product", "ner", 0.6)
                continue
            if ent.label_ == "ORG" and self._model_after_determiner(span):
                yield Candidate(start, end, label, "Product", "ner", 0.6)  # "the 777X"
                continue
            if ent.label_ in PERSON_SUSPECTS and self._surname_of_a_titled_person(span, ctx):
                yield Candidate(start, end, label, "Person", "ner", 0.9)  # "Mr Okafor" too
                continue
            if ent.label_ == "WORK_OF_ART":
                strength = STRENGTH["ner-default"]
            if ent.label_ == "GPE" and label in self.lex.cities and label in self.lex.subdivisions:
                cls, strength = "City", 0.7  # "Leeds": a city that is also a district
            elif label in self.lex.subdivisions and ent.label_ in {"GPE", "LOC", "PERSON", "ORG"}:
                cls, strength = "Region", 0.7
            elif ent.label_ == "GPE" and label in self.lex.cities:
                cls, strength = "City", 0.7  # a city's main name (never an alternate name)
            elif ent.label_ == "PERSON":
                words = label.split()
                if any(_acronym(w) for w in words):
                    cls = "Company"
                elif (
                    words[-1] in self.lex.corporate_suffixes
                    or words[-1] in self.lex.heads
                    and self.lex.heads[words[-1]] == "Company"
                ):
                    cls = "Company"
            elif ent.label_ == "ORG":
                strength = STRENGTH["ner-default"]
                head = self.lex.head_class(label.split())
                if head is not None:
                    cls, strength = head, 0.6
                if any(w in self.lex.media_words for w in label.replace("-", " ").split()):
                    cls, strength = "MediaOrganization", 0.7
            elif ent.label_ == "EVENT" and "War" in label.split():
                cls = "War"
            elif ent.label_ == "LAW":
                head = self.lex.head_class(label.split())
                if head in {"Treaty", "TradeAgreement"}:
                    cls = head
            elif ent.label_ == "PRODUCT":
                head = self.lex.head_class(label.split())
                if head == "WeaponSystem":
                    cls = head
            yield Candidate(start, end, label, cls, "ner", strength)

    @staticmethod
    def _model_after_determiner(span: Span) -> bool:
        """One model-numbered word after "the"/"a"/"its" is a product, not a company."""
        doc = span.doc
        return (
            len(span) == 1
            and span.start > 0
            and doc[span.start - 1].lower_ in DETERMINERS
            and bool(MODEL_NUMBER.match(span.text))
            and not YEAR.match(span.text)
        )

    def _surname_of_a_titled_person(self, span: Span, ctx: DocumentContext) -> bool:
        """A two- or three-word name that NER took for a place or a body is a person when the
        text also names its last word after an honorific ("Amara Okafor" … "Ms Okafor")."""
        words = span.text.split()
        if not 2 <= len(words) <= 3 or not all(w[:1].isupper() and w[1:].islower() for w in words):
            return False
        label = span.text
        lex = self.lex
        if label in lex.cities or label in lex.countries or label in lex.capitals or (
            label in lex.subdivisions or lex.head_class(words) is not None
        ):
            return False
        return words[-1] in ctx.titled_words(lex.honorifics)

    def post_holders(self, doc: Doc) -> Iterator[Candidate]:
        """A name before a post only organisations have is a company, whatever NER said:
        "Velsio boss Piet Janssen", "Velsio's chief executive"."""
        lex = self.lex
        for sent in doc.sents:
            for start, end in _name_runs(sent):
                while start < end - 1 and doc[start].pos_ in {"ADJ", "DET", "ADV"} and (
                    doc[start].is_sent_start or doc[start].lower_ in DETERMINERS
                ):
                    start += 1  # "Former Velsio chairman …"
                span = doc[start:end]
                text = span.text
                if (
                    end - start > 3
                    or not holds_organisation_post(span)
                    or text in lex.countries
                    or text in lex.parties
                    or text in lex.organizations
                    or text in lex.not_entities
                    or text in lex.person_titles
                    or text in lex.capitals
                    or text in lex.cities
                    or span[0].lower_ in CONNECTORS
                    or any(t.ent_type_ == "ORG" for t in span)
                    or len(span) > 1 and all(t.ent_type_ == "PERSON" for t in span)
                    or lex.head_class(text.split()) is not None
                ):
                    continue
                yield Candidate(start, end, text, "Company", "context", STRENGTH["context"])

    def event_phrases(self, doc: Doc) -> Iterator[Candidate]:
        """Names before a lower-case event noun name an event: "the US election", "the 2018
        Oslo summit" (the year is left out), "the Iraq war"."""
        for tok in doc:
            cls = EVENT_HEADS.get(tok.text)
            if cls is None or tok.i == 0:
                continue
            start = tok.i
            while start > tok.sent.start and doc[start - 1].lower_ in EVENT_MODIFIERS:
                start -= 1
            names = start
            while names > tok.sent.start and (
                doc[names - 1].pos_ == "PROPN" or doc[names - 1].ent_type_ in {"GPE", "NORP"}
            ) and _is_cap(doc[names - 1]) and not YEAR.match(doc[names - 1].text):
                names -= 1
            if names == start or names == tok.i:
                continue
            first = doc[names]
            if first.text in self.lex.person_titles or first.ent_type_ == "PERSON":
                continue
            span = doc[names : tok.i + 1]
            yield Candidate(names, tok.i + 1, span.text, cls, "name-head", 0.7)

    def model_names(self, doc: Doc) -> Iterator[Candidate]:
        """A model-numbered word before a product noun: "the T-50 trainer", "K2 tanks"."""
        for tok in doc[:-1]:
            if (
                MODEL_NUMBER.match(tok.text)
                and not YEAR.match(tok.text)
                and tok.text[:1].isupper()
                and (nxt := doc[tok.i + 1]).lower_ in self.lex.product_nouns
            ):
                cls = noun_class(nxt, self.lex) or "Product"
                if cls not in {"WeaponSystem", "Product"}:
                    cls = "Product"
                yield Candidate(tok.i, tok.i + 1, tok.text, cls, "context", 0.8)

    def _product_name(self, span: Span) -> bool:
        """A name with a model number ("A350", "Galaxy S5") or ending in a version number
        ("Halo 2", "Pro Soccer 2005") is a product, unless its head word says otherwise.

        People, places and laws are not numbered this way ("Henry VIII" is, but by a Roman
        numeral, which is left alone)."""
        words = [t.text for t in span]
        if len(words) == 2 and words[0] in MODEL_WORDS and len(words[1].rstrip(".")) <= 3:
            return True  # "Model Y", "Series 7", "Type 45"
        if self.lex.head_class([w for w in words if not w.isdigit()] or words) is not None:
            return False
        if any(w in self.lex.countries or w in self.lex.organizations for w in words):
            return False
        if any(MODEL_NUMBER.match(w) and not YEAR.match(w) for w in words):
            return True
        return len(words) >= 2 and words[-1].isdigit() and len(words[-1]) <= 4 and (
            span[0].is_title or span[0].is_upper
        )

    def abbreviations(
        self, doc: Doc, chosen: list[Candidate], ctx: DocumentContext
    ) -> list[Candidate]:
        """ "Long Form (LF)": LF joins the long form here and wherever it recurs.

        The letters of LF must be read off the long form ("Office of Fair Trading (OFT)");
        when the name found before the bracket is too short ("Newcastle" in "Scottish and
        Newcastle (S&N)"), the long form is widened to the name the letters spell, and an
        abbreviation that spells no name there aliases nothing.
        """
        by_end = {c.end: c for c in chosen}
        found: list[Candidate] = []
        i = 0
        while i < len(doc) - 2:
            if doc[i].text == "(":
                close = next(
                    (k for k in range(i + 2, min(i + 5, len(doc))) if doc[k].text == ")"), None
                )
                long = by_end.get(i)
                if close is not None and long is not None:
                    abbr = doc[i + 1 : close].text
                    if ABBREVIATION.match(abbr.replace(" ", "")) and abbr != long.label:
                        long = self._long_form(doc, long, abbr)
                    else:
                        long = None
                    if long is not None:
                        key = long.key or normalise_key(long.label)
                        ctx.abbreviations[abbr] = (key, long.label, long.cls)
                        if long not in chosen:
                            found.append(long)
                        found.append(
                            Candidate(
                                i + 1,
                                close,
                                long.label,
                                long.cls,
                                "abbreviation",
                                max(long.strength, STRENGTH["abbreviation"]),
                                key,
                            )
                        )
                        i = close
            i += 1
        return found

    def _long_form(self, doc: Doc, long: Candidate, abbr: str) -> Candidate | None:
        """The name before "(abbr)" that abbr stands for: ``long`` or a wider name ending there."""
        if abbreviates(abbr, doc[long.start : long.end].text):
            return long
        start = long.start
        while start > 0 and long.end - start < 8:
            start -= 1
            tok = doc[start]
            if not (_is_cap(tok) or tok.lower_ in {"and", "&", "of", "for"}):
                return self._loose_long_form(doc, long, abbr)
            if _is_cap(tok) and abbreviates(abbr, doc[start : long.end].text):
                cls = long.cls if is_subclass(long.cls, "Organization") else "Organization"
                said = context_class(doc[start : long.end], self.lex)
                if said is not None and is_subclass(said, "Organization"):
                    cls = said  # "Shares in Scottish and Newcastle (S&N)": a company
                label = doc[start : long.end].text
                return Candidate(start, long.end, label, cls, "name-head", STRENGTH["name-head"])
        return self._loose_long_form(doc, long, abbr)

    @staticmethod
    def _loose_long_form(doc: Doc, long: Candidate, abbr: str) -> Candidate | None:
        """An organisation keeps a looser abbreviation ("Hyundai Motor Company (HMC)" style
        renamings); a place or a person never takes one whose letters it does not spell."""
        if not is_subclass(long.cls, "Organization"):
            return None
        initials = {w[0].upper() for w in doc[long.start : long.end].text.split() if w}
        return long if abbr[0].upper() in initials else None

    def known_abbreviations(self, doc: Doc, ctx: DocumentContext) -> Iterator[Candidate]:
        """Later uses of abbreviations that the document introduced earlier."""
        if not ctx.abbreviations:
            return
        starts: dict[str, list[int]] = {}  # each token text's positions: one pass a block,
        for i, token in enumerate(doc):    # however many abbreviations the document has
            starts.setdefault(token.text, []).append(i)
        for abbr, (key, label, cls) in sorted(ctx.abbreviations.items()):
            parts = abbr.split()
            n = len(parts)
            for i in starts.get(parts[0], ()):
                if i + n <= len(doc) and [t.text for t in doc[i : i + n]] == parts:
                    yield Candidate(
                        i, i + n, label, cls, "abbreviation", STRENGTH["abbreviation"], key
                    )


    def known_names(self, doc: Doc, ctx: DocumentContext) -> Iterator[Candidate]:
        """Names that earlier blocks of the document gave a class, where they recur.

        A later paragraph's parse may miss a name the document has already introduced
        ("Euronext already has …" tagged as a common noun): the earlier reading holds. Only
        capitalised names written out in full count (never a pronoun, a description or a
        demonym); any other candidate for the same words wins.
        """
        names = ctx.names
        for ante in ctx.history[ctx.names_read :]:  # each antecedent read once: linear
            m = ante.mention
            if m.source != "coref" and len(m.text) >= 3 and m.text[0].isupper():
                names.setdefault(m.text, m)
        ctx.names_read = len(ctx.history)
        if not names:
            return
        longest = KNOWN_NAME_TOKENS
        for i in range(len(doc)):
            if not doc[i].text[:1].isupper():
                continue
            for n in range(min(longest, len(doc) - i), 0, -1):
                span = doc[i : i + n]
                mention = names.get(span.text)
                if mention is not None and not doc[span.end - 1].is_punct:
                    key = mention.key
                    yield Candidate(
                        i, i + n, mention.label, mention.cls, "ner", STRENGTH["bare"], key
                    )
                    break


def abbreviates(short: str, long: str) -> bool:
    """Whether the letters of ``short`` can be read, in order, off ``long``, the first one
    starting a word (Schwartz and Hearst's test for an abbreviation and its long form).

    >>> abbreviates("S&N", "Scottish and Newcastle"), abbreviates("S&N", "Newcastle")
    (True, False)
    >>> abbreviates("OFHEO", "Office of Federal Housing Enterprise Oversight")
    True
    """
    letters = [ch.lower() for ch in short if ch.isalnum()]
    text = long.lower()
    if not letters:
        return False
    j = len(text) - 1
    for n, ch in enumerate(reversed(letters)):
        first = n == len(letters) - 1
        while j >= 0 and (
            text[j] != ch or (first and j > 0 and text[j - 1].isalnum())
        ):
            j -= 1
        if j < 0:
            return False
        j -= 1
    return True


#: NER labels of words that open a sentence before a name without being part of it.
DATE_LABELS = frozenset({"DATE", "TIME"})


def _leading_filler(tok: Token) -> bool:
    """A word before a name that belongs to no name: "On", "the", "Monday"."""
    return (
        tok.lower_ in DETERMINERS or tok.lower_ in CONNECTORS or tok.pos_ in LEADING_POS_DROP
        or tok.ent_type_ in DATE_LABELS
    )


#: Words after a number that make it an amount, not part of a name ("100m", "2 billion").
AMOUNT_WORDS = frozenset(
    {"m", "bn", "k", "million", "billion", "trillion", "thousand", "%", "per", "percent",
     "euros", "dollars", "pounds", "yen", "shares", "people", "jobs", "staff", "workers"}
)


def _amount_follows(doc: Doc, i: int) -> bool:
    """Whether the token at ``i`` makes the number before it an amount."""
    return i < len(doc) and doc[i].lower_ in AMOUNT_WORDS


def _priority(c: Candidate) -> tuple[int, int, float, int]:
    rank = {"gazetteer": 4, "name-head": 3, "abbreviation": 3, "context": 2, "ner": 1}.get(
        c.source, 0
    )
    return (c.end - c.start, rank, c.strength, -c.start)


def _absorb(cands: list[Candidate], doc: Doc) -> list[Candidate]:
    """An NER name that holds a gazetteer name plus words of its own ("Latin America",
    "North America") is one name: drop the gazetteer names inside it. One made only of
    gazetteer names and punctuation ("US-South Korea") gives way to them."""
    gazetteer = [c for c in cands if c.source == "gazetteer"]
    dropped: set[Candidate] = set()
    for ner in (c for c in cands if c.source == "ner"):
        inside = [g for g in gazetteer if ner.start <= g.start and g.end <= ner.end]
        if not inside:
            continue
        covered = {i for g in inside for i in range(g.start, g.end)}
        own = [t for t in doc[ner.start : ner.end] if t.i not in covered and t.is_alpha]
        if own and all(t.lower_ not in CONNECTORS for t in own):
            dropped.update(inside)
    return [c for c in cands if c not in dropped]


def select(candidates: list[Candidate]) -> list[Candidate]:
    """Keep non-overlapping candidates: a typed name beats the gazetteer beats bare NER,
    except that a longer gazetteer or typed name always beats a bare NER span.

    >>> a = Candidate(0, 3, "US-South Korea", "City", "ner", 0.5)
    >>> b = Candidate(2, 4, "South Korea", "Country", "gazetteer", 1.0)
    >>> [c.label for c in select([a, b])]
    ['South Korea']
    """

    def key(c: Candidate) -> tuple[int, int, int, float, int]:
        length, rank, strength, pos = _priority(c)
        if c.source == "ner":
            length = min(length, 1)  # bare NER never wins by length alone
        return (int(c.source != "ner"), length, rank, strength, pos)

    taken: set[int] = set()
    kept: list[Candidate] = []
    for cand in sorted(candidates, key=key, reverse=True):
        tokens = set(range(cand.start, cand.end))
        if tokens & taken:
            continue
        taken |= tokens
        kept.append(cand)
    return sorted(kept, key=lambda c: c.start)


_FINDERS: dict[tuple[int, int], EntityFinder] = {}


def finder_for(nlp: Language, lexicon: Lexicon | None = None) -> EntityFinder:
    """The EntityFinder for this pipeline and lexicon (built once per process)."""
    lex = lexicon or load_lexicon()
    ident = (id(nlp), id(lex))
    if ident not in _FINDERS:
        _FINDERS[ident] = EntityFinder(nlp, lex)
    return _FINDERS[ident]


def _acceptable(cand: Candidate, doc: Doc, lex: Lexicon) -> bool:
    label = cand.label
    if not label or label in lex.not_entities or "\n" in label:
        return False
    if cand.cls != "Sector" and not any(ch.isupper() for ch in label):
        return False
    text = doc[cand.start : cand.end].text
    if cand.end - cand.start > 12 or ":" in text or text.count("(") != text.count(")"):
        return False
    return not all(t.is_digit or t.is_punct for t in doc[cand.start : cand.end])


def find_mentions(
    doc: Doc,
    ctx: DocumentContext,
    *,
    finder: EntityFinder | None = None,
    offset: int = 0,
    heading: bool = False,
) -> list[tuple[Span, Mention]]:
    """Typed mentions in one parsed block; ``offset`` is the block's start in the document."""
    if finder is None:
        from kg.nlp.pipeline import load_pipeline

        finder = finder_for(load_pipeline())
    lex = finder.lex
    cands = [
        *finder.named(doc),
        *finder.titled_people(doc),
        *finder.gazetteer(doc, ctx),
        *finder.sector_terms(doc),
        *finder.known_abbreviations(doc, ctx),
        *finder.statistical(doc, ctx),
        *finder.bare_names(doc),
        *finder.model_names(doc),
        *finder.post_holders(doc),
        *finder.event_phrases(doc),
        *finder.known_names(doc, ctx),
    ]
    chosen = select(_absorb([c for c in cands if _acceptable(c, doc, lex)], doc))
    extra = finder.abbreviations(doc, chosen, ctx)
    if extra:
        later = [
            c
            for c in finder.known_abbreviations(doc, ctx)
            if not any(e.start == c.start for e in extra)
        ]
        chosen = select([*chosen, *extra, *later])
    chosen = [_typed_by_context(c, doc, lex) for c in chosen]
    chosen = _surnames_are_people(chosen, ctx, lex, doc)
    sentences = {s.start: _sentence(s, ctx.document, offset) for s in doc.sents}
    out: list[tuple[Span, Mention]] = []
    for cand in chosen:
        span = doc[cand.start : cand.end]
        sent = sentences[span.sent.start]
        label = cand.label
        key = cand.key or normalise_key(label)
        mention = Mention(
            text=span.text if cand.alias else "",
            start=offset + span.start_char,
            end=offset + span.end_char,
            key=key,
            label=label,
            cls=cand.cls,
            sentence=sent,
            source=cand.source,
            strength=cand.strength,
            heading=heading,
        )
        out.append((span, mention))
    if not heading:
        out += resolve_references(
            doc,
            out,
            ctx.history,
            ctx.sentences_seen,
            lambda sent: sentences[sent.start],
            offset,
        )
        out.sort(key=lambda item: item[0].start)
    ctx.sentences_seen += len(sentences)
    return out


#: Classes of places, which a weak guess may have given a person's surname.
_PLACES = frozenset({"City", "Region", "Country", "Facility"})


def _acts_as_person(doc: Doc, cand: Candidate) -> bool:
    """Whether a one-word place name is used as a person: the possessor of a thing that is no
    place ("Hidalgo's troops") or the subject of a verb, never after "in", "at" or "from"."""
    tok = doc[cand.end - 1]
    if tok.dep_ == "poss":
        return tok.head.lemma_.lower() not in {"capital", "city", "airport", "port", "economy",
                                               "population", "streets", "centre", "center"}
    return tok.dep_ == "nsubj" and tok.head.pos_ == "VERB"


def _surnames_are_people(
    chosen: list[Candidate], ctx: DocumentContext, lex: Lexicon, doc: Doc
) -> list[Candidate]:
    """A one-word name that is the surname of a person the document named in full ("David
    Bohigian" … "Bohigian joined") is that person, when only a weak guess typed it otherwise:
    a bare proper noun, or a place NER guessed that no gazetteer knows; a place the gazetteer
    knows only when the sentence uses it as a person ("Hidalgo's troops")."""
    for cand in chosen:
        words = cand.label.split()
        if cand.cls == "Person" and len(words) >= 2 and words[-1][:1].isupper():
            ctx.surnames.add(words[-1])
    out: list[Candidate] = []
    for cand in chosen:
        label = cand.label
        weak = cand.strength <= STRENGTH["bare"] or (
            cand.source == "ner"
            and cand.cls in _PLACES
            and label not in lex.cities
            and label not in lex.capitals
            and label not in lex.countries
            and label not in lex.subdivisions
        )
        known_place = (
            cand.cls in {"City", "Region"}
            and label not in lex.capitals
            and label not in lex.countries
            or cand.source == "ner"
            and cand.strength <= STRENGTH["ner-default"]  # NER's default guess of a company
        ) and _acts_as_person(doc, cand)
        if (
            (weak or known_place)
            and cand.cls != "Person"
            and " " not in label
            and label in ctx.surnames
        ):
            cand = replace(cand, cls="Person", strength=STRENGTH["context"])
        out.append(cand)
    return out


def _typed_by_context(cand: Candidate, doc: Doc, lex: Lexicon) -> Candidate:
    """A statistical guess gives way to what the sentence says the name is; failing that, a
    guess weaker than the part the name plays ("a merger with X") gives way to that part."""
    if cand.source not in {"ner", "abbreviation"}:
        return cand
    span = doc[cand.start : cand.end]
    found = context_class(span, lex)
    if found is None:
        return _typed_by_role(cand, span)
    if found == cand.cls:
        return cand
    if is_subclass(found, "Place") and (is_subclass(cand.cls, "Place") or cand.cls == "Country"):
        return cand  # "Texas-based": a region already, not a city
    return replace(cand, cls=found, source="context", strength=STRENGTH["context"])


def _typed_by_role(cand: Candidate, span: Span) -> Candidate:
    """A weak guess gives way to the part the name plays, but a role is a weak cue too: it
    overrules only a weaker one, and never makes a product of a name NER read as a body
    (firms are launched as well as products)."""
    found = role_class(span)
    if found is None or found == cand.cls or cand.strength >= STRENGTH["role"]:
        return cand
    if found == "Product" and span.root.ent_type_ == "ORG":
        return cand
    if found == "Company" and is_subclass(cand.cls, "Organization"):
        return cand  # a party or an agency with shares or results is still what it is
    return replace(cand, cls=found, source="context", strength=STRENGTH["role"])


def _sentence(span: Span, document: Document, offset: int) -> Sentence:
    start = offset + span.start_char
    end = offset + span.end_char
    return Sentence(document.sha256, start, end, document.text[start:end])
