"""Reading the dependency parse of one sentence: which mention a token stands for, and the roles
(subject, object, possessor, apposition, prepositional objects…) around a trigger.

:class:`ParseReader` resolves tokens to the sentence's mentions (through relative pronouns,
appositions, coordination and ``such as`` lists) and computes the roles that relation rules name
(see :mod:`kg.nlp.relation_rules`); :mod:`kg.nlp.relations` matches the rules against them.

>>> import spacy
>>> from spacy.tokens import Doc
>>> from kg.model import Mention, Sentence
>>> from kg.nlp.relation_rules import RuleSettings
>>> words = ["Samsung", "invested", "in", "Texas", "."]
>>> doc = Doc(spacy.blank("en").vocab, words=words, heads=[1, 1, 1, 2, 1],
...           deps=["nsubj", "ROOT", "prep", "pobj", "punct"],
...           pos=["PROPN", "VERB", "ADP", "PROPN", "PUNCT"],
...           lemmas=["Samsung", "invest", "in", "Texas", "."])
>>> s = Sentence("0" * 64, 0, len(doc.text), doc.text)
>>> ms = [(doc[0:1], Mention("Samsung", 0, 7, "samsung", "Samsung", "Company", s)),
...       (doc[3:4], Mention("Texas", 20, 25, "texas", "Texas", "Region", s))]
>>> reader = ParseReader(doc[:], ms, RuleSettings())
>>> roles = reader.verb_roles(doc[1])
>>> [t.text for t in roles["subj"]], [t.text for t in roles["prep:in"]]
(['Samsung'], ['Texas'])
>>> reader.resolve(roles["prep:in"])
[Arg(index=1, direct=True)]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from spacy.tokens import Span, Token

from kg.model import Mention
from kg.nlp.relation_rules import RuleSettings, in_classes, prep_words

__all__ = ["Arg", "ParseReader", "lemma_of", "only_pronouns", "pobjs", "words_of"]

_MOD_DEPS = frozenset({"compound", "amod", "nmod", "npadvmod"})
_WORD_DEPS = frozenset({"compound", "amod", "prt", "advmod", "npadvmod", "nmod", "det"})
_LOCATIVE_PARTICIPLES = frozenset({"base", "headquarter", "headquartered", "locate", "register"})
#: Nouns the tagger often takes for adjectives before a name ("its rival Carvex").
_ADJECTIVE_NOUNS = frozenset({"rival", "partner", "parent", "chief", "fellow"})
#: Nouns naming another party, not a part: "Tellco's rival Carvex" is not Tellco's own, nor
#: is "Rossi's son Marco" a member of Rossi.
_PEER_NOUNS = frozenset(
    {"rival", "competitor", "challenger", "partner", "ally", "customer", "client", "supplier",
     "counterpart", "neighbour", "neighbor", "parent", "owner", "investor", "shareholder",
     "predecessor", "successor", "creditor", "lender", "auditor", "adviser", "advisor",
     "son", "daughter", "wife", "husband", "father", "mother", "brother", "sister", "child",
     "widow", "widower", "nephew", "niece", "cousin", "friend"}
)
#: Verbs whose subject undergoes what their object names ("faced criticism from B").
_UNDERGO_VERBS = frozenset(
    {"face", "suffer", "receive", "attract", "draw", "incur", "endure", "weather", "confront",
     "settle", "contest", "deny", "fight", "dispute"}
)
#: Verbs whose object is the organisation their subject works for ("has left the firm").
_EMPLOYER_OBJECT_VERBS = frozenset({"leave", "quit", "join", "rejoin", "exit", "run", "lead"})
#: Verbs whose "from" object is that organisation ("resigned from the bank").
_EMPLOYER_FROM_VERBS = frozenset({"resign", "retire", "step", "stand", "depart"})
#: Verbs by which a party binds itself to what a contract's infinitive says ("signed a deal
#: to build a plant"); not "proposed" or "rejected".
_BINDING = frozenset({"sign", "win", "secure", "clinch", "agree", "seal", "ink", "land", "strike"})
#: Prepositions that front a date ("On Monday", "In March 2001").
_DATE_PREPS = frozenset({"on", "in", "at", "during", "by", "since", "after", "before"})
#: Generic nouns a relational word may qualify: "parent company", "partner firm".
_GENERIC_HEADS = frozenset({"company", "firm", "group", "organisation", "organization", "body"})
#: Dependencies that only a noun can have.
_NOUN_SLOTS = frozenset({"nsubj", "nsubjpass", "dobj", "pobj", "attr", "appos", "dative"})
#: Dependencies through which a name climbs to the verb of its clause (``clause_subject``).
_CLAUSE_WALK = frozenset({"pobj", "prep", "dobj", "dative", "pcomp"})
#: Dependencies the parser gives ", the Office of X" after "from the regulator" when it does
#: not see the apposition.
_STRAY_APPOS_DEPS = frozenset({"dobj", "npadvmod", "dep"})
#: Dependencies of a name the parser failed to attach to the noun before it.
_STRAY_NAME_DEPS = frozenset({"npadvmod", "dep"})
_REL_PRONOUNS = frozenset({"which", "that", "who", "whom", "whose"})
_NP_TAGS = frozenset({"JJ", "JJS", "JJR", "NN", "NNS", "VBG", "HYPH"})
# dependencies through which a negation or a negator reaches down to a trigger
_NEG_WALK = frozenset(
    {"dobj", "pobj", "prep", "pcomp", "xcomp", "attr", "acomp", "compound", "amod", "dative",
     "oprd", "conj"}
)


@dataclass(frozen=True)
class Arg:
    """A resolved end of a fact: a mention (by index) and whether it was found directly."""

    index: int
    direct: bool


def lemma_of(tok: Token) -> str:
    """The lower-cased lemma of a token."""
    return tok.lemma_.lower()


def words_of(tok: Token) -> set[str]:
    """The forms a trigger may be matched by: the word, its lemma, a past tense in -e."""
    words = {tok.lower_, lemma_of(tok)}
    if tok.tag_ in {"VBD", "VBN"} and tok.lower_.endswith("ed") and len(tok.lower_) > 4:
        words.add(tok.lower_[:-1])  # "fined" read as "fin": the past of a verb in -e
    return words


def pobjs(prep: Token) -> list[Token]:
    """The objects of a preposition."""
    return [c for c in prep.children if c.dep_ in ("pobj", "pcomp")]


class ParseReader:
    """Resolves tokens of one sentence to mentions and computes the roles of triggers."""

    def __init__(
        self, sent: Span, mentions: Sequence[tuple[Span, Mention]], settings: RuleSettings
    ) -> None:
        self.sent = sent
        self.settings = settings
        self.mentions: list[tuple[Span, Mention]] = []
        self.token_mention: dict[int, int] = {}
        ordered = sorted(mentions, key=lambda sm: (sm[0].start, -len(sm[0]), sm[1].key))
        for span, mention in ordered:
            inside = sent.start <= span.start and span.end <= sent.end and len(span) > 0
            if not inside or any(t.i in self.token_mention for t in span):
                continue
            self.token_mention.update({t.i: len(self.mentions) for t in span})
            self.mentions.append((span, mention))
        self._verb_cache: dict[int, dict[str, list[Token]]] = {}
        self.moved = self._comma_prepositions()

    def _comma_prepositions(self) -> dict[int, int]:
        """``in Betim, in Minas Gerais``: the second place locates the first, not the verb.

        Maps such a preposition to the token it really belongs to (the first place).
        """
        moved: dict[int, int] = {}
        doc = self.sent.doc
        for prep in self.sent:
            if prep.dep_ != "prep" or prep.i - 2 < self.sent.start or doc[prep.i - 1].text != ",":
                continue
            second = pobjs(prep)
            for sib in prep.head.children:
                if sib.dep_ != "prep" or sib.i >= prep.i or sib.lower_ != prep.lower_:
                    continue
                first = pobjs(sib)
                named = first and second and all(
                    self.mention_at(t) is not None for t in (first[0], second[0])
                )
                if named and first[0].right_edge.i == prep.i - 2:
                    moved[prep.i] = first[0].i
        return moved

    def preps(self, tok: Token) -> list[Token]:
        """The prepositions attached to a token, after moving ``in A, in B`` into place."""
        own = [c for c in tok.children if c.dep_ == "prep" and c.i not in self.moved]
        extra = [tok.doc[p] for p, host in sorted(self.moved.items()) if host == tok.i]
        return own + extra

    # -- mentions --------------------------------------------------------------------------

    def mention_at(self, tok: Token) -> int | None:
        return self.token_mention.get(tok.i)

    def in_sentence(self, tok: Token) -> bool:
        return self.sent.start <= tok.i < self.sent.end

    def resolve(
        self, tokens: Iterable[Token], depth: int = 0, *, conjuncts: bool = True
    ) -> list[Arg]:
        """The mentions a list of argument tokens stand for, conjuncts included."""
        out: list[Arg] = []
        for tok in tokens:
            idx = self.mention_at(tok)
            head = self.mentions[idx][0].root if idx is not None else tok
            for t in (head, *(head.conjuncts if conjuncts else ())):
                if self.in_sentence(t):
                    out.extend(self._resolve_one(t, depth))
        return _unique(out)

    def _resolve_one(self, tok: Token, depth: int) -> list[Arg]:
        idx = self.mention_at(tok)
        if idx is not None:
            same = [
                Arg(j, True)
                for c in tok.children
                if c.dep_ == "appos" and (j := self.mention_at(c)) is not None and j != idx
                and self.mentions[j][1].cls == self.mentions[idx][1].cls
            ]
            return [Arg(idx, True), *same]
        if depth > 3:
            return []
        if tok.lower_ in _REL_PRONOUNS:
            clause = tok.head if tok.head.dep_ == "relcl" else tok.head.head
            if clause.dep_ == "relcl":
                return self.resolve([clause.head], depth + 1)
            return []
        if tok.pos_ == "PRON":
            return []
        naming = [p for c in self.preps(tok) if c.lower_ == "of" for p in pobjs(c)]
        if lemma_of(tok) in self.settings.naming_nouns and naming:
            return self.resolve(naming, depth + 1)  # "the city of Oslo" is Oslo
        if tok.dep_ == "attr" and lemma_of(tok.head) in self.settings.copulas:
            subjects = [c for c in tok.head.children if c.dep_ in ("nsubj", "nsubjpass")]
            if subjects:  # "X is a contractor based in Y": the contractor is X
                return self.resolve(subjects, depth + 1)
        direct: list[Arg] = []
        if tok.dep_ == "compound" and tok.pos_ == "NOUN" and self.mention_at(tok.head) is not None:
            # "the Oslo-based insurer Fjordline": the noun before a name is that name
            return self.resolve([tok.head], depth + 1, conjuncts=False)
        stray = self._stray_name_after(tok)
        if stray is not None:  # the same, when the parser hung the name somewhere else
            return self.resolve([stray], depth + 1, conjuncts=False)
        host = self.apposition_of(tok)
        if host is not None and self.mention_at(host) is not None:
            direct.extend(self.resolve([host], depth + 1, conjuncts=False))
        direct.extend(self.resolve(self._stray_appositions(tok), depth + 1))
        for c in tok.children:
            if c.dep_ == "appos":
                direct.extend(self.resolve([c], depth + 1))
            elif c.dep_ == "prep" and c.lower_ in self.settings.list_prepositions:
                direct.extend(self.resolve(pobjs(c), depth + 1))
        if not direct and lemma_of(tok) in self.settings.opaque_nouns and any(
            c.dep_ == "poss" for c in tok.children
        ):  # "its Lexus unit" is Lexus, where "a Toyota unit" is not Toyota
            direct = [Arg(i, True) for i in self.modifier_mentions(tok)]
        if direct or tok.pos_ != "NOUN" or lemma_of(tok) in self.settings.opaque_nouns:
            return direct  # a modifier names neither an unknown name nor "a Toyota subsidiary"
        indirect = [Arg(i, False) for i in self.modifier_mentions(tok)]
        if not indirect:
            of_objects = [p for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"
                          for p in pobjs(c)]
            indirect = [Arg(a.index, False) for a in self.resolve(of_objects, depth + 1)]
        return indirect

    def _stray_appositions(self, tok: Token) -> list[Token]:
        """``from the regulator, the Office of X``: the name after the comma describes the
        noun, even when the parser hung it on another word."""
        comma = tok.right_edge.i + 1
        if comma + 1 >= self.sent.end or tok.doc[comma].text != ",":
            return []
        after = tok.doc[comma + 1]
        name = after.head if after.dep_ == "det" else after
        if name.head.i == tok.i or self.mention_at(name) is None:
            return []
        if name.dep_ != "appos" and not (tok.dep_ == "pobj" and name.dep_ in _STRAY_APPOS_DEPS):
            return []
        return [name] if self.appos_host(name).i == tok.i else []

    def _stray_name_after(self, tok: Token) -> Token | None:
        """``the futures exchange Liffe`` parsed as ``exchange`` plus a stray adverbial
        ``Liffe``: a singular noun right before a name the parser left unattached."""
        nxt = tok.i + 1
        if tok.tag_ != "NN" or nxt >= self.sent.end:
            return None
        idx = self.mention_at(tok.doc[nxt])
        if idx is None or self.mentions[idx][0].start != nxt:
            return None
        root = self.mentions[idx][0].root
        return root if root.dep_ in _STRAY_NAME_DEPS else None

    def apposition_of(self, tok: Token) -> Token | None:
        """The name a noun phrase stands in apposition to, if it does.

        By the parse (``appos``), or by the form ``Name, a/an noun`` when the parser took the
        phrase for something else.
        """
        if tok.dep_ == "appos":
            return self.appos_host(tok)
        left = tok.left_edge
        comma = left.i - 1
        if left.lower_ in ("a", "an") and comma - 1 >= self.sent.start:
            if tok.doc[comma].text == ",":
                host = self.appos_host(tok)
                return host if self.mention_at(host) is not None else None
        return None

    def appos_host(self, tok: Token) -> Token:
        """What an apposition describes: the name right before its comma, else its parse head.

        (In ``A, the maker of X, in partnership with B, the unit of C`` the parser often hangs
        the second apposition on ``A``.)
        """
        doc = tok.doc
        i = tok.left_edge.i - 1
        if i - 1 < self.sent.start or doc[i].text not in (",", "(", "—", "–"):
            return tok.head
        i -= 1
        if doc[i].text == ")":  # "Name Inc (NI), a subsidiary"
            while i > self.sent.start and doc[i].text != "(":
                i -= 1
            i -= 1
        before = doc[max(i, self.sent.start)]
        if self.mention_at(before) is not None or before.pos_ in ("NOUN", "PROPN", "NUM"):
            return before
        return tok.head

    def modifier_mentions(self, tok: Token) -> list[int]:
        """Mentions among the compound/adjectival modifiers of a token (recursively)."""
        own = self.mention_at(tok)
        found: list[int] = []
        stack = [c for c in tok.children if c.dep_ in _MOD_DEPS or c.tag_ == "HYPH"]
        while stack:
            c = stack.pop(0)
            idx = self.mention_at(c)
            if idx is not None and idx != own:
                found.append(idx)
            if lemma_of(c) in _LOCATIVE_PARTICIPLES:
                continue  # "the Frankfurt-based exchange" is not Frankfurt
            # "Norwegian and Chilean troops": a modifier's conjuncts modify the noun too
            stack.extend(k for k in c.children if k.dep_ in _MOD_DEPS or k.dep_ == "conj")
        return sorted(set(found), key=found.index)

    # -- negation --------------------------------------------------------------------------

    def negated(self, trigger: Token) -> bool:
        """Whether a negation, ``no``, ``without`` or a negator verb/noun governs the trigger,
        or the trigger is only a possibility still to be shown ("must prove that it can make")."""
        if _unproven(trigger):
            return True
        node = trigger
        for _ in range(8):
            for c in node.children:
                if c.dep_ == "neg" and not _followed_by(c, "only"):
                    return True
                if c.dep_ == "det" and c.lower_ in ("no", "neither"):
                    return True
            if node is not trigger and (
                node.lower_ == "without"
                or lemma_of(node) in self.settings.negators and not _only_intended(node)
            ):
                return True
            if node is trigger and _undone(node, self.settings.negators):
                return True  # "the bid failed", "the offer was rejected"
            if node.dep_ not in _NEG_WALK or node.head is node:
                return False
            if _agent_phrase(node):
                return False  # "rejected an offer from rival X": X is still a rival
            if node.dep_ == "conj" and any(c.dep_ in ("nsubj", "nsubjpass") for c in node.children):
                return False
            node = node.head
        return False

    # -- verbs -----------------------------------------------------------------------------

    def verb_roles(self, verb: Token) -> dict[str, list[Token]]:
        """Logical subject, object, dative, modifiers and prepositional objects of a verb."""
        if verb.i not in self._verb_cache:
            self._verb_cache[verb.i] = {}  # guards against cycles in odd parses
            self._verb_cache[verb.i] = self._compute_verb_roles(verb)
        return self._verb_cache[verb.i]

    def adjective_noun(self, tok: Token) -> bool:
        """``its rival Carvex`` with ``rival`` tagged as an adjective: a word that noun rules
        know, right before the name it describes, is read as a noun."""
        if tok.pos_ != "ADJ" or tok.lower_ not in _ADJECTIVE_NOUNS or self.mention_at(tok):
            return False
        if tok.dep_ in _NOUN_SLOTS:  # "to threaten its old rival Peru"
            return True
        return (
            tok.dep_ in ("amod", "compound")
            and tok.i < tok.head.i
            and self.mention_at(tok.head) is not None
        )

    def misparsed_verb(self, tok: Token) -> bool:
        """``Sony competes with…`` parsed as a noun compound: a root noun after a name."""
        return tok.dep_ == "ROOT" and tok.tag_ in ("NNS", "NN") and bool(self._left_names(tok))

    def _left_names(self, tok: Token) -> list[Token]:
        return [c for c in tok.lefts
                if c.dep_ in ("compound", "amod", "nmod") and self.mention_at(c) is not None]

    def _compute_verb_roles(self, verb: Token) -> dict[str, list[Token]]:
        kids = list(verb.children)
        nsubj = [c for c in kids if c.dep_ == "nsubj"]
        if not nsubj and verb.dep_ == "ROOT" and not any(c.dep_ == "nsubjpass" for c in kids):
            nsubj = self._left_names(verb)  # "Sony competes": the name was taken for a modifier
        nsubj = nsubj + self._after_fronted_date(verb, nsubj, kids)
        nsubj = nsubj + [g for t in nsubj if self.mention_at(t) is not None
                         for g in self._glued_conjuncts(t) if g not in nsubj]
        nsubjpass = [c for c in kids if c.dep_ == "nsubjpass"]
        agents = [p for c in kids if c.dep_ == "agent" for p in pobjs(c)]
        passive = bool(nsubjpass) or any(c.dep_ == "auxpass" for c in kids) or (
            bool(agents) and verb.tag_ == "VBN"  # "the phone, made by X,"
        )
        roles: dict[str, list[Token]] = {
            "subj": agents if passive else nsubj,
            "dobj": nsubjpass + [c for c in kids if c.dep_ == "dobj"],
            "dative": [c for c in kids if c.dep_ == "dative" and c.pos_ != "ADP"],
            "mod": [c for c in kids if c.dep_ in _MOD_DEPS and c not in nsubj],
        }
        if verb.pos_ == "ADJ" and verb.dep_ == "acomp":
            roles["subj"] = [c for c in verb.head.children if c.dep_ == "nsubj"]
        if not roles["dobj"]:
            roles["dobj"] = self._shared_object(verb)
        self._inherit(verb, roles, has_subject=bool(nsubj or nsubjpass))
        attached = self.preps(verb) + [c for c in kids if c.dep_ == "dative" and c.pos_ == "ADP"]
        for c in attached:
            objs = pobjs(c) or self._stranded(verb)
            roles.setdefault("prep:" + c.lower_, []).extend(objs)
        for obj in roles["dobj"]:
            for c in self.preps(obj):
                roles.setdefault("prep:" + c.lower_, []).extend(pobjs(c))
        if roles["subj"]:  # "A sits in X alongside B": B shares A's role
            objects = roles["dobj"] + [o for c in attached for o in pobjs(c)]
            for c in [*attached, *(p for o in objects for p in self.preps(o))]:
                if _is_comitative(c):
                    roles["subj"] = roles["subj"] + pobjs(c)
        return roles

    def _after_fronted_date(
        self, verb: Token, nsubj: list[Token], kids: list[Token]
    ) -> list[Token]:
        """``On Monday A and B signed …`` parsed with A (and B) as objects of ``On``: a name
        right after a fronted date is a subject; with ``and`` before the parsed subject it is
        one more subject."""
        if any(c.dep_ == "nsubjpass" for c in kids):
            return []
        for prep in kids:
            if prep.dep_ != "prep" or prep.i > verb.i or prep.lower_ not in _DATE_PREPS:
                continue
            if not any(t.ent_type_ in ("DATE", "TIME") for t in prep.subtree):
                continue
            for obj in pobjs(prep):
                if self.mention_at(obj) is None or obj.ent_type_ in ("DATE", "TIME"):
                    continue
                if not nsubj:  # with names the parser glued on before an "and"
                    return [obj, *self._glued_conjuncts(obj)]
                before = nsubj[0].left_edge.i - 1
                if before > obj.i and prep.doc[before].lower_ == "and":
                    if obj.right_edge.i == before - 1 or obj.i == before - 1:
                        return [obj]
        return []

    def _glued_conjuncts(self, obj: Token) -> list[Token]:
        """``A and B`` parsed as one phrase headed by B, with A hanging on it and keeping the
        ``and``: A is a conjunct of B."""
        out: list[Token] = []
        own = self.mention_at(obj)
        if own is None:
            return out
        for t in obj.subtree:
            j = self.mention_at(t)
            if t.i == obj.i or j is None or self.mentions[j][0].root.i != t.i:
                continue
            if self.mentions[j][1].cls != self.mentions[own][1].cls:
                continue  # "France's A and Germany's B": Germany is B's, not a conjunct
            if t.dep_ in ("nmod", "compound") and any(c.dep_ == "cc" for c in t.children):
                out.append(t)
        return out

    def _shared_object(self, verb: Token) -> list[Token]:
        """``signed and ratified the pact``: the object of a subjectless conjunct verb."""
        for c in verb.children:
            if c.dep_ == "conj" and c.pos_ == "VERB":
                own = [k for k in c.children if k.dep_ in ("nsubj", "nsubjpass")]
                if not own:
                    return [k for k in c.children if k.dep_ == "dobj"]
        return []

    def _stranded(self, verb: Token) -> list[Token]:
        return [verb.head] if verb.dep_ == "relcl" else []

    def _inherit(self, verb: Token, roles: dict[str, list[Token]], *, has_subject: bool) -> None:
        dep, head = verb.dep_, verb.head
        if dep == "xcomp" and any(c.dep_ == "auxpass" for c in verb.children):
            if not roles["dobj"] and head.pos_ in ("VERB", "AUX"):
                # "B agreed to be bought by A": B is the one bought
                roles["dobj"] = list(self.verb_roles(head).get("subj", []))
        if has_subject or roles["subj"]:
            if dep == "acl" and verb.tag_ == "VBN" and not has_subject and not roles["dobj"]:
                if head.pos_ in ("NOUN", "PROPN"):
                    roles["dobj"] = [head]  # "phones made by X": X made the phones
            if dep == "relcl" and not roles["dobj"] and not self._has_pronoun(verb):
                if not any(c.dep_ == "prep" and not pobjs(c) for c in verb.children):
                    roles["dobj"] = [head]  # "the treaty Japan signed"
            return
        if dep in ("xcomp", "conj", "advcl") and head.pos_ in ("VERB", "AUX") and head is not verb:
            upper = self.verb_roles(head)
            head_patients = [c for c in head.children if c.dep_ == "nsubjpass"]
            if dep == "conj" and head_patients and verb.tag_ != "VBN":
                roles["subj"] = head_patients  # "X was signed by A and promised B": X promised
                return
            roles["subj"] = list(upper.get("subj", []))
            if not roles["subj"] and dep == "xcomp":
                roles["subj"] = head_patients
            if dep == "conj" and verb.tag_ == "VBN" and not roles["dobj"]:
                roles["dobj"] = head_patients
        elif dep in ("acl", "amod") and head.pos_ in ("NOUN", "PROPN"):
            if any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
                roles["subj"] = [c for c in head.children if c.dep_ == "poss"]
                if not roles["subj"] and head.dep_ == "dobj" and lemma_of(head.head) in _BINDING:
                    # "A signed a contract to supply B": A supplies B
                    roles["subj"] = list(self.verb_roles(head.head)["subj"])
            elif verb.tag_ == "VBN" and not (dep == "acl" and head.dep_ == "ROOT"):
                roles["dobj"] = roles["dobj"] or [head]
            else:
                roles["subj"] = [head]  # "firms investing in", or a misparsed main verb
        elif dep == "relcl" and not any(
            c.lower_ in ("where", "when", "whereby") for c in verb.children
        ):
            roles["subj"] = [head]  # not "the army, where he served": the army did not serve

    def _has_pronoun(self, verb: Token) -> bool:
        return any(
            t.lower_ in _REL_PRONOUNS and t.i < verb.i for t in verb.subtree if t.head.i >= verb.i
        )

    # -- nouns and entities ----------------------------------------------------------------

    def noun_role(self, anchor: Token, role: str) -> list[Token]:
        """Tokens playing a role around a noun anchor (see the module docstring)."""
        if role == "self":
            return [anchor]
        if role == "desc":
            return self.described(anchor)
        if role == "poss":
            return self.possessors(anchor)
        if role == "mod":
            return self.modifiers(anchor)
        if role == "gov":
            first = _first_conjunct(anchor)
            head = first.head
            if first.dep_ == "pobj" and head.lower_ in ("in", "through", "via"):
                if self.mention_at(head.head) is not None:
                    return [head.head]  # "led by A in partnership with B"
            verb = self.governor(anchor)
            return self.verb_roles(verb)["subj"] if verb is not None else []
        if role.startswith("gov:"):
            return self.governed_by(anchor, prep_words(role))
        if role == "agent":
            return self.role_giver(anchor)
        if role == "employer":
            return self.employer(anchor)
        if role == "clause":
            return self.clause_subject(anchor)
        if role == "undergoer":
            return self.undergoer(anchor)
        if role == "between":
            return self._preps(anchor, frozenset({"between", "among", "amongst"}))
        if role == "by":  # "a ban by X", and "charges brought by X", "a suit filed by X"
            return self._preps(anchor, frozenset({"by"})) + [
                p for c in anchor.children if c.dep_ == "acl" and c.tag_ == "VBN"
                for a in c.children if a.dep_ == "agent" for p in pobjs(a)
            ]
        if role == "apposed":
            return self.apposed_place(anchor)
        return self._preps(anchor, prep_words(role))

    def governed_by(self, anchor: Token, lemmas: frozenset[str]) -> list[Token]:
        """The subject of the verb among ``lemmas`` whose object the noun is (``A won the
        takeover battle for B``: A), support verb or not."""
        first = _first_conjunct(anchor)
        head = first.head
        if first.dep_ in ("dobj", "nsubjpass") and head.pos_ in ("VERB", "AUX"):
            if lemma_of(head) in lemmas:
                return self.verb_roles(head)["subj"]
        return []

    def employer(self, anchor: Token) -> list[Token]:
        """The organisation a titled person leaves, joins or runs, when the title names none:
        ``Chief executive A has left the company`` (the company), ``A … resigned from B``."""
        out: list[Token] = []
        for name in self.described(anchor):
            first = _first_conjunct(name)
            if first.dep_ != "nsubj":
                continue
            verb = first.head
            if lemma_of(verb) in _EMPLOYER_OBJECT_VERBS:
                out.extend(c for c in verb.children if c.dep_ == "dobj")
            elif lemma_of(verb) in _EMPLOYER_FROM_VERBS:
                out.extend(p for c in self.preps(verb) if c.lower_ == "from" for p in pobjs(c))
        return out

    def role_giver(self, anchor: Token) -> list[Token]:
        """Who gives someone the role a noun names: ``A appointed B and C as advisers`` (A),
        ``A hired B as its auditor``. Only for a verb with an object of its own."""
        first = _first_conjunct(anchor)
        head = first.head
        if first.dep_ != "pobj" or head.lower_ != "as" or head.head.pos_ != "VERB":
            return []
        if head.i < head.head.i:
            return []  # "As its adviser, A said …": no one is appointed
        roles = self.verb_roles(head.head)
        objects = [c for c in head.head.children if c.dep_ == "dobj"]
        return roles["subj"] if objects else []

    def clause_subject(self, anchor: Token) -> list[Token]:
        """The other party a bare relational noun before a name means: the name it is
        coordinated with (``A and rival B``), else the subject of the clause the name sits in
        (``A rejected an offer from rival B``, ``A lost the lead to rival B``). Nothing when the
        name is itself a subject."""
        name = anchor
        while name.dep_ in ("compound", "amod", "nmod") and name.head.i != name.i:
            name = name.head
        inside = range(name.left_edge.i, name.right_edge.i + 1)
        if name.dep_ == "conj":
            return [_first_conjunct(name)]
        node = name
        for _ in range(6):
            head = node.head
            if node.dep_ not in _CLAUSE_WALK or head.i == node.i or not self.in_sentence(head):
                return []
            if head.pos_ in ("VERB", "AUX"):
                return [t for t in self.verb_roles(head)["subj"] if t.i not in inside]
            node = head
        return []

    def undergoer(self, anchor: Token) -> list[Token]:
        """Who undergoes what a noun names: ``A faced criticism from B``, ``A came under
        pressure from B``, ``A received a fine``: the subject of such a verb (A)."""
        verb = self._undergo_verb(anchor)
        return self.verb_roles(verb)["subj"] if verb is not None else []

    def _undergo_verb(self, anchor: Token) -> Token | None:
        first = _first_conjunct(anchor)
        head = first.head
        if first.dep_ == "pobj" and head.lower_ == "under" and lemma_of(head.head) == "come":
            return head.head
        if first.dep_ == "dobj" and lemma_of(head) in _UNDERGO_VERBS:
            return head
        if first.dep_ == "pobj" and head.lower_ == "to":  # "pleaded guilty to charges by B"
            verb = head.head.head if head.head.dep_ == "acomp" else head.head
            return verb if lemma_of(verb) == "plead" else None
        return None

    def apposed_place(self, anchor: Token) -> list[Token]:
        """``Austin, Texas`` or ``Guri, Bolivar, Venezuela``: the name after the comma.

        Not in a list (``Texas, Ohio and Iowa``): the two names may not be coordinated.
        """
        idx = self.mention_at(anchor)
        if idx is None:
            return []
        span, doc = self.mentions[idx][0], anchor.doc
        nxt = span.end + 1
        if nxt >= self.sent.end or doc[span.end].text != ",":
            return []
        j = self.mention_at(doc[nxt])
        if j is None or self.mentions[j][0].start != nxt:
            return []
        other = self.mentions[j][0]
        after = doc[other.end] if other.end < self.sent.end else None
        coordinated = other.root in span.root.conjuncts or other.root.dep_ == "conj"
        if coordinated and _has_conjunction(span.root):
            return []  # a list; "Guri, Bolivar, Venezuela" parsed as one is a chain of places
        if after is not None and after.lower_ in ("and", "or", "&"):
            return []
        return [other.root]

    def _preps(self, anchor: Token, words: frozenset[str]) -> list[Token]:
        found = [p for c in self.preps(anchor) if c.lower_ in words
                 for k in (c, *c.conjuncts) if k.lower_ in words for p in pobjs(k)]
        undergone = self._undergo_verb(anchor)
        if not found and undergone is not None:  # "came under fire from B": B's fire
            found = [p for c in self.preps(undergone) if c.lower_ in words and c.i > anchor.i
                     for k in (c, *c.conjuncts) if k.lower_ in words for p in pobjs(k)]
        if not found and anchor.dep_ == "compound" and self.mention_at(anchor) is None:
            host = self.mention_at(anchor.head)
            if host is not None and self.mentions[host][1].cls == "Person":
                # "Chancellor Olaf Berger of Germany": the title's "of" hangs on the name
                found = [p for c in self.preps(anchor.head) if c.lower_ in words
                         for p in pobjs(c)]
        verb = self.governor(anchor)
        if not found and verb is not None and anchor.dep_ == "dobj":
            # the parser hung the phrase on the verb: "signed a partnership with B", and
            # "…, in which A holds stakes"
            found = [p for c in self.preps(verb) if c.lower_ in words for p in pobjs(c)
                     if c.i > anchor.i or p.lower_ in _REL_PRONOUNS]
        return found

    def described(self, anchor: Token) -> list[Token]:
        """What a noun describes: its apposition, copula subject, or the name it modifies.

        Coordination is expanded here, where it is meant (``A and B are allies``, ``members
        Poland and Estonia``), and not for the head of an apposition (``A, the capital…, and B``).
        """
        if self.mention_at(anchor) is not None:
            return [anchor]
        first = _first_conjunct(anchor)
        out: list[Token] = []
        head = first.head
        if first.dep_ == "pobj" and head.lower_ == "as":
            # "served as mayor of X", "Japan, as a member of Y,"
            if self.mention_at(head.head) is not None:
                return [head.head]
            if head.head.pos_ in ("VERB", "AUX"):
                roles = self.verb_roles(head.head)  # "appointed A as adviser" describes A,
                objects = [c for c in head.head.children  # "As a partner, A wields …" A
                           if c.dep_ == "dobj" and head.i > head.head.i]
                return _with_conjuncts(objects or roles["subj"] or roles["dobj"])
        if first.dep_ == "pobj" and head.lower_ in ("of", "among", "amongst"):
            # "one of Brazil's allies", "is among the partners of"
            if head.lower_ == "of" and _is_quantity(head.head):
                return self.described(head.head)
            if head.head.dep_ in ("attr", "acomp") or lemma_of(head.head) in self.settings.copulas:
                return self.described(head.head) if head.head.dep_ == "attr" else _with_conjuncts(
                    c for c in head.head.children if c.dep_ in ("nsubj", "nsubjpass")
                )
        host = self.apposition_of(first)
        if host is not None:
            out.append(host)
            if anchor.tag_ in ("NNS", "NNPS"):  # "A and B, two Japanese carmakers": both
                out.extend(t for t in _with_conjuncts([_first_conjunct(host)]) if t is not host)
        out.extend(_with_conjuncts(
            c for c in anchor.children if c.dep_ == "appos" and not self._apposed_to_place(c)
        ))
        out.extend(_with_conjuncts(  # "American manufacturers such as Boeing"
            p for c in anchor.children
            if c.dep_ == "prep" and c.lower_ in self.settings.list_prepositions for p in pobjs(c)
        ))
        if first.dep_ in ("attr", "acomp", "oprd") and lemma_of(head) in self.settings.copulas:
            subjects = [c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")]
            out.extend(_with_conjuncts(subjects))
        elif first.dep_ == "oprd" and head.pos_ == "VERB":
            # "A was named chief executive", "they elected A president"
            named = [c for c in head.children if c.dep_ in ("dobj", "nsubjpass")]
            out.extend(_with_conjuncts(named))
        if first.dep_ == "dobj" and _copula_misread(head):
            # "A and B were founding members of X", parsed as a progressive "were founding"
            out.extend(_with_conjuncts(c for c in head.children if c.dep_ == "nsubj"))
        if first.dep_ in ("compound", "amod", "nmod") and self.mention_at(head) is not None:
            out.append(head)
        elif first.dep_ in ("compound", "amod") and lemma_of(head) in _GENERIC_HEADS:
            out.extend(self.described(head))  # "its parent company, X": X is the parent
        out.extend(self._comma_subject(first))
        return out

    def _comma_subject(self, tok: Token) -> list[Token]:
        """``Kenya's largest airline, Tembo fell`` and ``Ruth Abara, ORS director said``: the
        parser made the name and its description two subjects of one verb; they are one."""
        if tok.dep_ not in ("nsubj", "nsubjpass"):
            return []
        doc = tok.doc
        for sib in tok.head.children:
            if sib is tok or sib.dep_ != tok.dep_ or self.mention_at(sib) is None:
                continue
            a, b = sorted((tok, sib), key=lambda t: t.i)
            end = a.right_edge.i  # the parser may hang the comma on the first subject
            comma = end if doc[end].text == "," else end + 1
            if comma < len(doc) and doc[comma].text == "," and b.left_edge.i == comma + 1:
                return [sib]
        return []

    def _apposed_to_place(self, tok: Token) -> bool:
        """``a hub in Austin, Texas``: the parser may hang the state on ``hub``."""
        j, host = self.mention_at(tok), self.mention_at(self.appos_host(tok))
        places = ("Place", "Country")
        return (
            j is not None and host is not None and j != host
            and in_classes(self.mentions[j][1].cls, places)
            and in_classes(self.mentions[host][1].cls, places)
        )

    def possessors(self, anchor: Token) -> list[Token]:
        """``X's`` before the anchor: by the parse, or by adjacency when the parse missed it."""
        found = [c for c in anchor.children if c.dep_ == "poss"]
        if found:
            return [c for c in found if not self._opaque_between(c, anchor)]
        if anchor.dep_ == "conj" and not any(c.dep_ == "det" for c in anchor.children):
            shared = self._place_possessors(_first_conjunct(anchor))
            if shared:  # "Germany's TUI and Lufthansa": a place possesses both
                return shared
        idx = self.mention_at(anchor)
        start = self.mentions[idx][0].start if idx is not None else anchor.i
        doc = anchor.doc
        i = start - 1
        while i > self.sent.start and doc[i].tag_ in _NP_TAGS:
            if self.mention_at(doc[i]) is not None:
                break
            if idx is not None and lemma_of(doc[i]) in _PEER_NOUNS:
                return []  # "Tellco's rival Carvex": Carvex is not Tellco's
            i -= 1
        if i > self.sent.start and doc[i].tag_ == "POS" and self.mention_at(doc[i - 1]) is not None:
            return [doc[i - 1]]
        return []

    def _opaque_between(self, poss: Token, anchor: Token) -> bool:
        """``Tellco's rival Carvex``: a relational noun between a possessor and a name says
        whose the name is (a rival), so the name itself is not the possessor's."""
        idx = self.mention_at(anchor)
        if idx is None:
            return False
        start = self.mentions[idx][0].start
        between = anchor.doc[poss.right_edge.i + 1 : start]
        return any(lemma_of(t) in _PEER_NOUNS for t in between)

    def _place_possessors(self, tok: Token) -> list[Token]:
        out = []
        for c in tok.children:
            idx = self.mention_at(c) if c.dep_ == "poss" else None
            if idx is not None and self.mentions[idx][1].cls in {"Country", "City", "Region"}:
                out.append(c)
        return out

    def modifiers(self, anchor: Token) -> list[Token]:
        """Mentions modifying the anchor, or its siblings before it (``US President Biden``)."""
        idx = self.mention_at(anchor)
        tokens = list(self.mentions[idx][0]) if idx is not None else [anchor]
        found: list[int] = []
        for tok in tokens:
            found.extend(self.modifier_mentions(tok))
        if idx is None and anchor.dep_ in ("compound", "amod", "nmod"):
            found.extend(self._left_run(anchor, host=self.mention_at(anchor.head)))
        return [self.mentions[i][0].root for i in sorted(set(found), key=found.index)]

    def _left_run(self, anchor: Token, host: int | None) -> list[int]:
        """Mentions written right before a pre-modifying noun: ``West German`` Chancellor X,
        ``Hartwell Group chief executive`` X (over the title's own words)."""
        found: list[int] = []
        i = anchor.i - 1
        while i >= self.sent.start:
            tok = anchor.doc[i]
            j = self.mention_at(tok)
            if j is not None and j != host:
                found.append(j)
                i = self.mentions[j][0].start - 1
            elif tok.tag_ == "HYPH":
                i -= 1
            elif not found and tok.head.i == anchor.i and tok.dep_ in ("amod", "compound"):
                i -= 1  # "chief" in "chief executive"
            else:
                break
        return found

    def governor(self, anchor: Token) -> Token | None:
        """The support verb whose object the noun is (``signed a partnership``).

        Only verbs listed in the ``support_verbs`` setting count: the subject of ``restricted
        exports`` is not the exporter.
        """
        first = _first_conjunct(anchor)
        head = first.head
        if first.dep_ == "pobj" and head.lower_ == "of" and head.head.dep_ == "dobj":
            first = head.head  # "hold 10 per cent of X shares": the quantity is the object
            head = first.head
        verb = None
        if first.dep_ in ("dobj", "nsubjpass") and head.pos_ in ("VERB", "AUX"):
            verb = head
        elif first.dep_ == "pobj" and head.dep_ == "prep" and head.head.pos_ == "VERB":
            if head.lower_ in ("in", "through", "via"):
                return head.head  # "… is led by A in partnership with B"
            verb = head.head
        if verb is None or lemma_of(verb) not in self.settings.support_verbs:
            return None
        return verb

    def modifier_words(self, trigger: Token) -> set[str]:
        """Words modifying a trigger (``trading`` partner, ``prime`` minister, ``vice``…), and
        for a verb the head words of its objects (``sold its unit``)."""
        words: set[str] = set()
        if trigger.pos_ == "VERB":  # "sold its unit": what a verb acts on qualifies it
            words |= {lemma_of(c) for c in trigger.children if c.dep_ == "dobj"}
        for c in trigger.children:
            if c.dep_ in _WORD_DEPS:
                words |= words_of(c)
                words |= {w for k in c.children if k.dep_ in _WORD_DEPS for w in words_of(k)}
        if trigger.dep_ == "compound":
            words |= words_of(trigger.head)
        prev = trigger.i - 1
        if prev >= self.sent.start and trigger.doc[prev].pos_ in ("NOUN", "ADJ", "PROPN", "VERB"):
            words |= words_of(trigger.doc[prev])
        return words


#: Verbs whose "that ... can" clause states a possibility, not a fact.
_UNPROVEN_BY = frozenset({"prove", "show", "demonstrate", "hope", "doubt", "question", "wonder"})
_MODALS = frozenset({"can", "could", "might", "may"})


def _unproven(verb: Token) -> bool:
    """``X must prove that it can make chips``: the making is not (yet) a fact."""
    return (
        verb.dep_ == "ccomp"
        and lemma_of(verb.head) in _UNPROVEN_BY
        and any(c.dep_ == "aux" and c.lower_ in _MODALS for c in verb.children)
    )


#: Participles that the parser reads as a progressive verb before a noun they modify.
_MISREAD_MODIFIERS = frozenset({"founding", "leading", "ruling", "governing", "existing"})


def _copula_misread(verb: Token) -> bool:
    """Whether "were founding (members)" is a copula and a modifier the parser took for a
    progressive verb with an object."""
    return verb.lower_ in _MISREAD_MODIFIERS and any(
        c.dep_ == "aux" and c.lemma_ == "be" for c in verb.children
    )


#: Words under which an infinitive is only wanted, not done ("moves to lift the ban").
_INTENTIONS = frozenset(
    {"aim", "attempt", "bid", "call", "campaign", "demand", "drive", "effort", "hope", "intend",
     "move", "offer", "plan", "plot", "pressure", "propose", "proposal", "push", "seek", "threat",
     "threaten", "try", "urge", "want", "wish"}
)


def _only_intended(verb: Token) -> bool:
    """``moves to lift the ban``, ``plans to end the embargo``: the ban still stands."""
    return (
        verb.dep_ in ("xcomp", "acl", "advcl")
        and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)
        and lemma_of(verb.head) in _INTENTIONS
    )


#: Intransitive verbs that undo their subject ("the bid failed").
_FAILING = frozenset({"fail", "collapse", "founder", "falter", "stall", "lapse"})


def _undone(noun: Token, negators: frozenset[str]) -> bool:
    """``the bid failed``, ``the offer was rejected``: the noun is the subject of a failure or
    the patient of a negator (not ``the spokesman denied``: a speaker is not undone)."""
    verb = lemma_of(noun.head)
    if noun.dep_ == "nsubj":
        return verb in _FAILING
    return noun.dep_ == "nsubjpass" and verb in negators


def _agent_phrase(tok: Token) -> bool:
    """``from X`` or ``by X`` on a noun (``an offer from X``): what is said of X there stands
    whatever becomes of the noun."""
    prep = tok.head
    return (
        tok.dep_ == "pobj" and prep.lower_ in ("from", "by") and prep.head.pos_ in ("NOUN",)
    )


def _has_conjunction(tok: Token) -> bool:
    """Whether the coordination that ``tok`` belongs to has an "and"/"or" (a real list)."""
    members = (tok, *tok.conjuncts)
    return any(c.dep_ in ("cc", "preconj") for t in members for c in t.children)


def _first_conjunct(tok: Token) -> Token:
    while tok.dep_ == "conj" and tok.head is not tok:
        tok = tok.head
    return tok


def _is_comitative(prep: Token) -> bool:
    """``alongside B``, ``along with B``, ``together with B``: B shares the subject's role."""
    if prep.lower_ == "alongside":
        return True
    before = prep.i - 1
    return prep.lower_ == "with" and before >= 0 and prep.doc[before].lower_ in ("along",
                                                                                  "together")


def _with_conjuncts(tokens: Iterable[Token]) -> list[Token]:
    return [c for t in tokens for c in (t, *t.conjuncts)]


def only_pronouns(tokens: Sequence[Token]) -> bool:
    """True for ``it``, ``they``, ``its``: ends we cannot resolve without coreference."""
    return bool(tokens) and all(
        t.pos_ == "PRON" and t.lower_ not in _REL_PRONOUNS for t in tokens
    )


def _is_quantity(tok: Token) -> bool:
    """``one``, ``two``, ``some``, ``many``… as in ``one of the allies``."""
    return tok.pos_ == "NUM" or tok.lower_ in ("one", "some", "many", "several", "each", "all",
                                                "few", "most", "both", "either", "any")


def _followed_by(tok: Token, word: str) -> bool:
    nxt = tok.i + 1
    return nxt < len(tok.doc) and tok.doc[nxt].lower_ == word


def _unique(args: Iterable[Arg]) -> list[Arg]:
    best: dict[int, Arg] = {}
    for a in args:
        if a.index not in best or (a.direct and not best[a.index].direct):
            best[a.index] = a
    return list(best.values())

