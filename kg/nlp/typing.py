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
#: Posts that only a company or a body has: a name before one is no person ("Velsio chairman
#: Hans Ebert", "Velsio's chief executive").
ORGANISATION_POSTS = frozenset(
    {"chairman", "chairwoman", "chairperson", "boss", "ceo", "shareholders", "board"}
)
CHIEF_POSTS = frozenset({"executive", "operating", "financial", "technology"})


#: Nouns for a group that, "of" states, name a bloc: "a group of eastern NATO members".
GROUP_NOUNS = frozenset({"group", "coalition", "club", "grouping", "bloc", "forum"})
STATE_NOUNS = frozenset(
    {"country", "state", "nation", "member", "democracy", "economy", "government", "ally"}
)
#: Verbs whose patient is a policy or a treaty: "X, adopted in 2022", "X was ratified".
PATIENT_CLASSES = {"adopt": "Policy", "enact": "Policy", "ratify": "Treaty"}
#: Nouns a name of a policy or treaty is put before: "the Zeitenwende policy".
NAMED_BY_COMPOUND = frozenset({"policy", "doctrine", "treaty", "pact", "accord"})
#: Dependencies the parser gives a name it failed to attach to the noun before it ("the
#: futures exchange Liffe" read as "exchange" + a stray adverbial "Liffe").
MISPARSED_NAME_DEPS = frozenset({"npadvmod", "dep"})


def noun_class(token: Token, lex: Lexicon) -> str | None:
    """The class a common noun names ("foundry" -> Company), trying "trade agreement" first;
    a group "of" states is a bloc."""
    if token.pos_ not in {"NOUN", "PROPN"}:
        return None
    if token.lemma_.lower() in GROUP_NOUNS and any(
        c.dep_ == "prep" and c.lower_ == "of" and any(
            o.dep_ == "pobj" and o.lemma_.lower() in STATE_NOUNS for o in c.children
        )
        for c in token.children
    ):
        return "InternationalOrganization"
    words = [c for c in token.children if c.dep_ == "compound" and c.i == token.i - 1]
    if words:
        two = f"{words[0].lower_} {token.lemma_.lower()}"
        if two in lex.class_nouns:
            return lex.class_nouns[two]
    found = lex.class_nouns.get(token.lemma_.lower()) or lex.class_nouns.get(token.lower_)
    doc = token.doc
    if token.i >= 2 and doc[token.i - 1].text in {"-", "–"}:  # "think-tank", "car-maker"
        two = f"{doc[token.i - 2].lower_} {token.lemma_.lower()}"
        if two in lex.class_nouns:
            return lex.class_nouns[two]
        if found in {"WeaponSystem", "Product"}:
            return None  # a "think-tank" is no tank
    return found


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


def holds_organisation_post(span: Span) -> bool:
    """Whether the name is followed (maybe with "'s") by a post only organisations have.

    >>> from kg.nlp.pipeline import load_pipeline
    >>> doc = load_pipeline()("Velsio boss Piet Janssen met the Lomar's chairman.")
    >>> holds_organisation_post(doc[0:1]), holds_organisation_post(doc[6:7])
    (True, True)
    >>> holds_organisation_post(doc[2:4])
    False
    """
    doc = span.doc
    i = span.end
    if i < len(doc) and doc[i].text in {"'s", "’s"}:
        i += 1
    if i >= len(doc):
        return False
    word = doc[i].lower_
    if word == "chief":
        return i + 1 < len(doc) and doc[i + 1].lower_ in CHIEF_POSTS
    return word in ORGANISATION_POSTS


def _shares_in(root: Token) -> bool:
    """ "Shares in X", "shares of X", "a stake in X": only a company has shares."""
    while root.dep_ == "conj" and root.head is not root:
        root = root.head
    prep = root.head
    return (
        root.dep_ == "pobj"
        and prep.lower_ in {"in", "of"}
        and prep.head.lemma_.lower() in {"share", "stake", "shareholder", "stock"}
        and prep.head.pos_ == "NOUN"
    )


def _who_clause(root: Token) -> bool:
    """A relative clause with "who" on the name: "Sato, who leads the party"."""
    return any(
        c.dep_ == "relcl" and any(g.lower_ in {"who", "whom"} and g.i < c.i for g in c.children)
        for c in root.children
    )


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
    if _who_clause(root) and root.ent_type_ != "ORG":
        return "Person"
    if _shares_in(root):
        return "Company"
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
    if root.dep_ in {"compound", "nmod"} and root.head.lower_ in lex.product_nouns:
        return noun_class(root.head, lex)  # "the Leopard 2 tank", "X's Leopard 2 and Y tanks"
    if (
        root.dep_ == "compound"
        and root.head.lower_ in NAMED_BY_COMPOUND
        and root.ent_type_ not in {"PERSON", "GPE", "NORP"}
    ):
        return noun_class(root.head, lex)  # "Germany's Zeitenwende policy"
    return _patient_class(span)


def _patient_class(span: Span) -> str | None:
    """The class a name gets as what is adopted or ratified: "X, adopted in 2022", "X was
    ratified by both parliaments"."""
    doc, root = span.doc, span.root
    verbs = [root.head] if root.dep_ == "nsubjpass" else []
    verbs += [c for c in root.children if c.dep_ == "acl" and c.tag_ == "VBN"]
    if span.end + 1 < len(doc) and doc[span.end].text == "," and doc[span.end + 1].tag_ == "VBN":
        verbs.append(doc[span.end + 1])
    for verb in verbs:
        found = PATIENT_CLASSES.get(verb.lemma_.lower())
        if found:
            return found
    return None
