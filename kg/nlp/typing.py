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
#: Verbs whose patient is a product: "X, released in 2004", "Google launched X" (a weak cue:
#: firms are launched too).
PRODUCT_VERBS = frozenset({"launch", "release", "unveil"})
#: Words that make a release a person's ("released from prison", "released on bail").
PERSON_RELEASE_WORDS = frozenset(
    {"prison", "jail", "custody", "bail", "detention", "captivity", "hospital", "charge", "hostage",
     "hostages", "kidnappers", "captors", "parole", "licence", "license"}
)
#: Objects of "sell" that make its subject a work that sells, not a seller ("X sold 2m copies").
COPIES = frozenset({"copy", "copies", "unit", "units"})
#: Places where work is done: a known city before one is where it lies ("its Glasgow
#: factory", "the Leeds office"), not the company that runs it.
SITE_NOUNS = frozenset(
    {"factory", "plant", "office", "headquarters", "site", "works", "studio", "branch",
     "warehouse", "depot", "refinery", "mine", "campus", "shipyard", "mill", "hub", "facility",
     "smelter", "call", "store", "airport", "port"}
)
#: Deals whose object ("merger with X", "takeover of X", "a bid for X") is a company.
DEAL_NOUNS = frozenset({"merger", "takeover", "acquisition", "buyout", "bid", "flotation"})
#: What only a business reports, posts or forecasts: "X reported profits of £2bn".
RESULTS = frozenset(
    {"profit", "profits", "loss", "losses", "revenue", "revenues", "sale", "sales", "earnings",
     "turnover", "dividend", "results", "result"}
)
REPORTING_VERBS = frozenset(
    {"report", "post", "announce", "forecast", "unveil", "book", "make", "record", "raise",
     "cut", "warn"}
)
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
    words = [
        c for c in token.children if c.dep_ in {"compound", "amod"} and c.i == token.i - 1
    ]  # "an e-mail service", "an online service"
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
    """The class the sentence gives the name in ``span``, or None when it says nothing.

    The answer is kept with the Doc (``Doc.user_data``): finding and typing names ask it
    about the same span about twice each.
    """
    key = f"kg.context_class {span.start} {span.end} {id(lex)}"
    known: dict[str, str | None] = span.doc.user_data
    if key not in known:
        known[key] = _context_class(span, lex)
    return known[key]


def _context_class(span: Span, lex: Lexicon) -> str | None:
    if _based_in(span):  # where a firm is based: a region or a country if the lexicon says so
        if span.text in lex.countries:
            return None
        return "Region" if span.text in lex.subdivisions else "City"
    root = span.root
    site = _site_class(span, lex) or _place_by_position(span, lex)
    if site is not None:
        return site
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
    found = _surface_appositive(span, lex) or _range_member(span, lex)
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
    found = _surface_list_class(span, lex)
    if found:
        return found
    if _version_of(root):
        return "Product"
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
    for verb in _patient_verbs(span):
        found = PATIENT_CLASSES.get(verb.lemma_.lower())
        if found:
            return found
    return None


def _patient_verbs(span: Span) -> list[Token]:
    """The verbs whose patient the name is: "X was ratified", "X, adopted in 2022"."""
    doc, root = span.doc, span.root
    verbs = [root.head] if root.dep_ == "nsubjpass" else []
    verbs += [c for c in root.children if c.dep_ == "acl" and c.tag_ == "VBN"]
    if span.end + 1 < len(doc) and doc[span.end].text == "," and doc[span.end + 1].tag_ == "VBN":
        verbs.append(doc[span.end + 1])
    return verbs


def _released_product(span: Span) -> bool:
    """Whether the name is what was launched or released ("Google launched X", "X, released
    in 2004"), and not a person set free ("X was released from prison")."""
    doc, root = span.doc, span.root
    verbs = _patient_verbs(span)
    if root.dep_ == "dobj":
        verbs.append(root.head)
    for verb in verbs:
        lemma = verb.lemma_.lower()
        if lemma not in PRODUCT_VERBS or any(
            t.lower_ in PERSON_RELEASE_WORDS for t in verb.subtree
        ):
            continue
        if lemma != "release" or (verb.i == span.end + 1 and doc[span.end].text == ","):
            return True  # people are released too, but never "X, released in 2004"
    return False


def _site_class(span: Span, lex: Lexicon) -> str | None:
    """A known place before the noun of a site is where the site is: "its Glasgow factory"
    (City), unless NER read the name as a body or a date ("the Nokia plant" is the firm's)."""
    root = span.root
    if (
        root.dep_ != "compound"
        or root.head.lemma_.lower() not in SITE_NOUNS
        or root.ent_type_ in NOT_PLACE_READINGS
        or root.head.i < span.end
    ):
        return None
    return lex.place_class(span.text)


#: Prepositions after which a known place's name is the place ("in Crewe", "at Grimsby").
LOCATIVE_PREPOSITIONS = frozenset({"in", "at", "near", "outside", "around"})


#: NER labels that the place rules leave alone: a body's ("shares in Orange") or a date's or
#: number's ("in March") name is no place whatever the sentence, and a place NER found is
#: typed by NER and the gazetteer ("in Asia" stays a region, though a town is called Asia).
#: Any other label, a person's or a product's included, is one weak cue that the place's
#: position outweighs.
NOT_PLACE_READINGS = frozenset(
    {"ORG", "DATE", "TIME", "MONEY", "PERCENT", "CARDINAL", "ORDINAL", "QUANTITY", "GPE", "LOC"}
)


def _place_by_position(span: Span, lex: Lexicon) -> str | None:
    """A known city's main name (or an ISO region) where only a place stands: after "in" or
    "near", or before ", Country" ("Tarkwa, Ghana"). NER's person reading of such
    a name is one weak cue among others; a name NER read as a body is left alone ("shares
    in Orange" is about a firm, and read as such before this)."""
    root = span.root
    if root.ent_type_ in NOT_PLACE_READINGS:
        return None  # "shares in Orange", "in March": a firm's or a date's name
    doc = span.doc
    located = root.dep_ == "pobj" and root.head.lower_ in LOCATIVE_PREPOSITIONS
    nxt = span.end + 1
    if not located and span.end < len(doc) and doc[span.end].text == "," and nxt < len(doc):
        rest = doc[nxt : min(len(doc), nxt + 4)]
        located = any(
            rest[: k + 1].text in lex.countries or rest[: k + 1].text in lex.subdivisions
            for k in range(len(rest))
        )
    if not located:
        return None
    return lex.place_class(span.text)


#: Words that end the noun phrase of an appositive the parser missed.
_APPOSITIVE_ENDS = frozenset({",", ".", ";", "which", "that", "who", "whose"})


#: Prepositions that close a range opened by "from": "from X to Y", "from X through Y".
RANGE_ENDS = frozenset({"to", "through"})


def _range_member(span: Span, lex: Lexicon) -> str | None:
    """The class of a plural noun whose range of examples the name opens or closes: "its
    leaders, from X to Y" (X is a leader), "carmakers from X to Y" (Y is a carmaker).

    Both ends are needed: "officials from X" says where they come from, not what X is. A
    place stays a place ("flights from X to Y").

    >>> import spacy
    >>> from spacy.tokens import Doc
    >>> from kg.nlp.lexicon import load_lexicon
    >>> words = ["Its", "leaders", ",", "from", "Ann", "Lee", "to", "Bo", "Li", ",", "left"]
    >>> doc = Doc(spacy.blank("en").vocab, words=words,
    ...     pos=["PRON", "NOUN", "PUNCT", "ADP", "PROPN", "PROPN", "ADP", "PROPN", "PROPN",
    ...          "PUNCT", "VERB"],
    ...     tags=["PRP$", "NNS", ",", "IN", "NNP", "NNP", "IN", "NNP", "NNP", ",", "VBD"],
    ...     lemmas=["its", "leader", ",", "from", "Ann", "Lee", "to", "Bo", "Li", ",", "leave"],
    ...     heads=[1, 10, 1, 1, 5, 3, 3, 8, 6, 1, 10],
    ...     deps=["poss", "nsubj", "punct", "prep", "compound", "pobj", "prep", "compound",
    ...           "pobj", "punct", "ROOT"])
    >>> lex = load_lexicon()
    >>> _range_member(doc[4:6], lex), _range_member(doc[7:9], lex)
    ('Person', 'Person')
    """
    root = span.root
    prep = root.head
    if root.dep_ != "pobj" or root.ent_type_ in {"GPE", "LOC", "FAC"}:
        return None
    if prep.lower_ in RANGE_ENDS and prep.head.lower_ == "from":
        prep = prep.head  # "from X to Y": Y's "to" hangs on "from"
    elif prep.lower_ in RANGE_ENDS:
        prep = next((c for c in prep.head.children if c.lower_ == "from"), prep)
    if prep.lower_ != "from" or prep.dep_ != "prep" or prep.head.tag_ != "NNS":
        return None
    noun = prep.head
    ends = [*noun.children, *prep.children, *(o for c in prep.children for o in c.children)]
    if not any(c.dep_ == "prep" and c.lower_ in RANGE_ENDS for c in ends):
        return None
    return noun_class(noun, lex)


def _surface_appositive(span: Span, lex: Lexicon) -> str | None:
    """ "X, the BBC show presented by …", "X, a free e-mail service, …": an appositive that
    the parse missed, read off the words. The noun phrase after the comma must end in its
    noun and then stop (a comma, a preposition, a participle); "In Leeds, the firm said …"
    is a clause, not an appositive.

    >>> from kg.nlp.pipeline import load_pipeline
    >>> from kg.nlp.lexicon import load_lexicon
    >>> doc = load_pipeline()("Fans of Harbour Lane, the ITV show presented by Jo Reed, rejoiced.")
    >>> _surface_appositive(doc[2:4], load_lexicon())
    'Product'
    """
    doc = span.doc
    i = span.end
    if i + 2 >= len(doc) or doc[i].text != "," or doc[i + 1].lower_ not in {"a", "an", "the"}:
        return None
    root = span.root
    if root.dep_ == "pobj" and root.head.head.pos_ in {"VERB", "AUX"}:
        return None  # "In Leeds, the firm said …"
    last: Token | None = None
    k = i + 2
    while k < len(doc) and k - i <= 8:
        tok = doc[k]
        if tok.pos_ == "NOUN":
            last = tok
        elif not (tok.pos_ in {"ADJ", "PROPN", "NUM", "ADV"} or tok.text in {"-", "–"}):
            break
        k += 1
    if last is None or k >= len(doc) or last.i != k - 1:
        return None
    stop = doc[k]
    if not (stop.lower_ in _APPOSITIVE_ENDS or stop.pos_ == "ADP" or stop.tag_ == "VBN"):
        return None
    return noun_class(last, lex)


def role_class(span: Span) -> str | None:
    """The class the name's part in the sentence suggests, a weaker cue than what the
    sentence says the name is: a deal's target ("a merger with X", "the takeover of X"), a
    company's shares ("X shares rose"), a party to a merger ("X agreed a merger") or the
    reporter of results ("X reported profits") is a Company; a work that sells copies, or
    that is launched or released, is a Product.

    >>> from kg.nlp.pipeline import load_pipeline
    >>> nlp = load_pipeline()
    >>> doc = nlp("Dalby Holt agreed a merger with Talbot Arms.")
    >>> role_class(doc[6:8]), role_class(doc[0:2])
    ('Company', 'Company')
    >>> role_class(nlp("Starfall Rising sold two million copies.")[0:2])
    'Product'
    >>> role_class(nlp("Anna Berg said the plan was fair.")[0:2]) is None
    True
    """
    if _released_product(span):
        return "Product"
    root = span.root
    while root.dep_ == "conj" and root.head is not root:
        root = root.head
    head = root.head
    if root.dep_ == "pobj" and head.head.lemma_.lower() in DEAL_NOUNS and head.lower_ in {
        "with", "of", "for", "by"
    }:
        return "Company"
    if root.dep_ == "compound" and head.lemma_.lower() in {"share", "shareholder"}:
        return "Company"
    if root.dep_ == "nsubj":
        objects = [c for c in head.children if c.dep_ == "dobj"]
        lemma = head.lemma_.lower()
        if lemma in {"sell", "ship"} and any(o.lower_ in COPIES for o in objects):
            return "Product"
        if lemma in REPORTING_VERBS and any(o.lower_ in RESULTS for o in objects):
            return "Company"
        if any(o.lemma_.lower() == "merger" for o in objects):
            return "Company"  # people buy firms, but only firms merge
        if lemma == "employ":
            return "Company"
        if _says_it_will(head):
            return "Company"
    return None


#: Verbs of saying whose subject a following "it" refers back to ("X said it would …").
SAYING_VERBS = frozenset({"say", "announce", "confirm", "warn", "add", "state", "admit"})

def _says_it_will(verb: Token) -> bool:
    """ "X said it would close its plant": the speaker is an "it" with an "its" of its own;
    "X said it would be hard" says nothing of X, and a person may speak of a thing that closes
    ("X said it would close the shop")."""
    if verb.lemma_.lower() not in SAYING_VERBS:
        return False
    for clause in (c for c in verb.children if c.dep_ == "ccomp"):
        subjects = [c for c in clause.children if c.dep_ == "nsubj"]
        if not subjects or subjects[0].lower_ != "it":
            continue
        if any(t.lower_ == "its" for t in clause.subtree):
            return True
    return False


#: Words a list of examples may hold between and inside its names: "A, B and C", "Spain's A
#: or B", "Need for Speed".
_LIST_JOINERS = frozenset({",", "and", "or", "&", "'s", "’s", "of", "for", "the"})
#: How far back from a name a list of examples is looked for (tokens).
_LIST_REACH = 30


def _surface_list_class(span: Span, lex: Lexicon) -> str | None:
    """ "firms such as Spain's A and Italy's B", "15 films are out, including A, B and C":
    a list of examples read off the words when the parse tore it apart. The names go back
    over capitalised words and joiners to "such as", "including" or "like"; the plural noun
    before it (or, after a comma, the clause's subject) says what they all are. A possessor
    ("such as Google's X") is no example.

    >>> from kg.nlp.pipeline import load_pipeline
    >>> from kg.nlp.lexicon import load_lexicon
    >>> doc = load_pipeline()("Ten films are out now, including Red Moor, Cold Iron and Tin Cup.")
    >>> _surface_list_class(doc[13:15], load_lexicon())
    'Product'
    """
    doc = span.doc
    if span.end < len(doc) and doc[span.end].text in {"'s", "’s"}:
        return None  # "tools such as Google's Blogger": Google owns an example
    k = span.start - 1
    floor = max(span.sent.start, span.start - _LIST_REACH)
    while k > floor and (doc[k].text[:1].isupper() or doc[k].lower_ in _LIST_JOINERS):
        k -= 1
    word = doc[k]
    if word.lower_ == "as" and k > floor and doc[k - 1].lower_ == "such":
        k -= 1
    elif word.lower_ not in {"including", "like"}:
        return None
    nouns: list[Token] = []
    before = doc[k - 1] if k > span.sent.start else None
    if before is not None and before.text == ",":
        nouns += [t for t in span.sent if t.dep_ in {"nsubj", "nsubjpass"} and t.i < k]
        before = doc[k - 2] if k - 1 > span.sent.start else None
    if before is not None:
        nouns.insert(0, before)
    for noun in nouns:
        if noun.pos_ == "NOUN" and noun.tag_ == "NNS":
            found = noun_class(noun, lex)
            if found:
                return found
    return None


#: Nouns whose "of" object is a product ("a beta version of X", "a sequel to X").
_VERSION_NOUNS = frozenset({"version", "sequel", "remake", "upgrade"})


def _version_of(root: Token) -> bool:
    """A name that has versions or sequels is a product: "the new version of X"."""
    prep = root.head
    return (
        root.dep_ == "pobj"
        and prep.lower_ in {"of", "to"}
        and prep.head.lemma_.lower() in _VERSION_NOUNS
    )
