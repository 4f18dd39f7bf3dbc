"""Typing a name by what the sentence says it is: apposition, copula, list and compound.

"Chitose, a city in Hokkaido" makes Chitose a City whatever NER guessed; so do "Denso is a
supplier" (Company), "companies like A, B and C" (all three Company) and "the Leopard 2
tank" (WeaponSystem). The nouns and their classes are data (``class_nouns`` in
``kg/nlp/patterns/entities.json``).

>>> from kg.nlp.pipeline import load_pipeline
>>> from kg.nlp.lexicon import load_lexicon
>>> doc = load_pipeline()("Kikuyo, a town near Kumamoto, welcomed the plant.")
>>> context_class(doc[0:1], load_lexicon())
'City'
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from kg.nlp.lexicon import Lexicon

LIST_MARKERS = frozenset({"like", "including", "as", "among"})
#: Dependencies the parser gives a name it failed to attach to the noun before it ("the
#: futures exchange Liffe" read as "exchange" + a stray adverbial "Liffe").
MISPARSED_NAME_DEPS = frozenset({"npadvmod", "dep"})


def noun_class(token: Token, lex: Lexicon) -> str | None:
    """The class a common noun names ("foundry" -> Company), trying "trade agreement" first."""
    if token.pos_ not in {"NOUN", "PROPN"}:
        return None
    words = [c for c in token.children if c.dep_ == "compound" and c.i == token.i - 1]
    if words:
        two = f"{words[0].lower_} {token.lemma_.lower()}"
        if two in lex.class_nouns:
            return lex.class_nouns[two]
    return lex.class_nouns.get(token.lemma_.lower()) or lex.class_nouns.get(token.lower_)


def _list_head(root: Token) -> Token | None:
    """For "companies like A, B and C": the noun the list exemplifies."""
    head = root
    while head.dep_ == "conj" and head.head is not head:
        head = head.head
    if head.dep_ != "pobj" or head.head.lower_ not in LIST_MARKERS:
        return None
    marker = head.head
    noun = marker.head
    if noun.lower_ == "such" and noun.head is not noun:  # "firms such as A"
        noun = noun.head
    return noun if noun.pos_ in {"NOUN", "PROPN"} else None


def _noun_before(span: Span, lex: Lexicon) -> str | None:
    """The class of a common noun put right before a name: "phone firm MCI", "the magazine
    Der Spiegel", or with a comma, "its budget airline, AirAsia" (not in a list)."""
    doc = span.doc
    if span.start == 0:
        return None
    prev = doc[span.start - 1]
    if prev.pos_ == "NOUN" and (
        span.start <= prev.head.i < span.end
        or any(c.dep_ in {"det", "poss"} and c.i < prev.i for c in prev.children)
        or span.root.dep_ in MISPARSED_NAME_DEPS
    ):
        return noun_class(prev, lex)  # "phone firm X"; "the carmaker X" even when misparsed
    if prev.text != "," or span.start < 2:
        return None
    noun = doc[span.start - 2]
    after = doc[span.end] if span.end < len(doc) else None
    if noun.pos_ != "NOUN" or (after is not None and after.lower_ in {",", "and", "or"}):
        return None
    if not any(c.dep_ in {"det", "poss"} for c in noun.children):
        return None
    return noun_class(noun, lex)


def _based_in(span: Span) -> bool:
    """``Dundee-based``, ``Leeds-headquartered``: the name is where something is based."""
    doc = span.doc
    nxt = span.end
    return (
        nxt + 1 < len(doc)
        and doc[nxt].text in {"-", "–"}
        and doc[nxt + 1].lower_ in {"based", "headquartered"}
    )


def context_class(span: Span, lex: Lexicon) -> str | None:
    """The class the sentence gives the name in ``span``, or None when it says nothing."""
    if _based_in(span):  # where a firm is based: a region or a country if the lexicon says so
        if span.text in lex.countries:
            return None
        return "Region" if span.text in lex.subdivisions else "City"
    root = span.root
    before = _noun_before(span, lex)
    if before is not None:
        return before
    for child in root.children:
        if child.dep_ == "appos" and not (span.start <= child.i < span.end):
            found = noun_class(child, lex)
            if found:
                return found
    if root.dep_ == "appos":
        found = noun_class(root.head, lex)
        if found:
            return found
    if root.dep_ == "nsubj" and root.head.lemma_ == "be":
        for child in root.head.children:
            if child.dep_ == "attr" and not any(c.dep_ == "neg" for c in root.head.children):
                found = noun_class(child, lex)
                if found:
                    return found
    listed = _list_head(root)
    if listed is not None:
        found = noun_class(listed, lex)
        if found:
            return found
    if root.dep_ == "compound" and root.head.lower_ in lex.product_nouns:
        return noun_class(root.head, lex)
    return None
