"""One document in, its mentions, relations and dates out: the NLP step of a build.

Each block (a heading or a paragraph) is parsed on its own, so a heading never runs into the
sentence after it. Blocks of all documents go through ``nlp.pipe`` together.

>>> from kg.model import Block, Document
>>> text = "Trade Ties\\n\\nSamsung invested in Vietnam."
>>> doc = Document.from_text(text, source="t.txt",
...     blocks=(Block(0, 10, "Trade Ties", True), Block(12, 40, "Samsung invested in Vietnam.")))
>>> ex = Extractor().extract([doc])[0]
>>> [(m.label, m.cls) for m in ex.mentions]
[('Samsung', 'Company'), ('Vietnam', 'Country')]
>>> [(r.subject, r.predicate, r.object) for r in ex.relations]
[('samsung', 'investsIn', 'vietnam')]
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import groupby, tee
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.model import Block, DateFact, Document, Extraction, Mention, Relation, Sentence
from kg.nlp.containment import place_chains
from kg.nlp.coref import separate_people
from kg.nlp.dates import YearIndex, find_dates
from kg.nlp.entities import (
    DocumentContext,
    EntityFinder,
    find_mentions,
    finder_for,
)
from kg.nlp.lexicon import load_lexicon
from kg.nlp.pipeline import DEFAULT_MODEL, load_pipeline
from kg.nlp.relation_rules import RelationRules, load_rules
from kg.nlp.relations import extract_relations, named_parties, title_memberships

#: Longest block handed to spaCy at once; longer paragraphs are cut at a sentence end, else
#: between words. spaCy's memory grows with the text it parses at once (about 2.5 kB a
#: character), and kg's work on one sentence with the square of its mentions: a bound keeps
#: both flat per character, however long a paragraph or a run of text with no full stop.
MAX_BLOCK_CHARS = 10_000
#: Blocks handed to ``nlp.pipe`` together: at most this many, and at most this many characters
#: (unless one block alone is longer). spaCy's output does not depend on how blocks are batched.
BATCH_BLOCKS, BATCH_CHARS = 32, 20_000


def blocks_of(document: Document) -> tuple[Block, ...]:
    """The document's blocks, or the whole text as one block when the reader gave none."""
    if document.blocks:
        return document.blocks
    return (Block(0, len(document.text), document.text, False),)


def split_long(block: Block, limit: int = MAX_BLOCK_CHARS) -> Iterator[Block]:
    """The block in pieces of at most ``limit`` characters, cut after the last line break or
    full stop that fits, else before the last space, else (one huge word) anywhere.

    >>> [b.text for b in split_long(Block(10, 33, "Seoul grew. Busan grew."), 15)]
    ['Seoul grew.', ' Busan grew.']
    >>> [(b.start, b.text) for b in split_long(Block(0, 17, "one two three xyz"), 8)]
    [(0, 'one two'), (7, ' three'), (13, ' xyz')]
    >>> [b.text for b in split_long(Block(0, 5, "abcde"), 2)]
    ['ab', 'cd', 'e']
    """
    text, start = block.text, 0
    while len(text) - start > limit:
        end = start + limit
        cut = max(text.rfind("\n", start, end), text.rfind(". ", start, end) + 1)
        if cut <= start:
            cut = text.rfind(" ", start, end)
        if cut <= start:
            cut = end
        yield Block(block.start + start, block.start + cut, text[start:cut], block.heading)
        start = cut
    yield Block(block.start + start, block.end, text[start:], block.heading)


def batches(
    texts: Iterable[str], *, blocks: int = BATCH_BLOCKS, chars: int = BATCH_CHARS
) -> Iterator[list[str]]:
    """Consecutive texts in groups of at most ``blocks`` texts and ``chars`` characters.

    >>> [len(b) for b in batches(["a" * 30, "b" * 30, "c" * 50, "d" * 20], blocks=3, chars=60)]
    [2, 1, 1]
    >>> [len(b) for b in batches(["x"] * 7, blocks=3)]
    [3, 3, 1]
    """
    batch: list[str] = []
    size = 0
    for text in texts:
        if batch and (len(batch) == blocks or size + len(text) > chars):
            yield batch
            batch, size = [], 0
        batch.append(text)
        size += len(text)
    if batch:
        yield batch


@dataclass
class RememberingContext(DocumentContext):
    """A document context that scans the document once per word asked about, not per ask.

    ``mentions_any`` looks for a word in the whole document, once for every place it is
    asked (an ambiguous country name, say): quadratic in a long document. The answer for
    a word never changes within a document, so it is kept.

    >>> from kg.model import Document
    >>> ctx = RememberingContext.of(Document.from_text("Jordan and Chad.", source="t"))
    >>> ctx.mentions_any(["Chad"]), ctx.mentions_any(["Niger", ""]), sorted(ctx.seen)
    (True, False, ['Chad', 'Niger'])
    """

    seen: dict[str, bool] = field(default_factory=dict, repr=False)

    def mentions_any(self, forms: list[str]) -> bool:
        for form in filter(None, forms):
            if form not in self.seen:
                self.seen[form] = super().mentions_any([form])
            if self.seen[form]:
                return True
        return False


def by_sentence(
    sents: Sequence[Span], found: Iterable[tuple[Span, Mention]]
) -> list[list[tuple[Span, Mention]]]:
    """The mentions that start in each sentence, in their order in ``found``, in one pass.

    ``sents`` are a Doc's sentences in order; a mention before the first one is in none.

    >>> import spacy
    >>> doc = spacy.blank("en")("Seoul grew . Busan and Ulsan did too .")
    >>> sents = [doc[0:3], doc[3:9]]
    >>> found = [(doc[5:6], "Ulsan"), (doc[0:1], "Seoul"), (doc[3:4], "Busan")]
    >>> by_sentence(sents, found)
    [[(Seoul, 'Seoul')], [(Ulsan, 'Ulsan'), (Busan, 'Busan')]]
    """
    starts = [sent.start for sent in sents]
    out: list[list[tuple[Span, Mention]]] = [[] for _ in sents]
    for span, mention in found:
        number = bisect_right(starts, span.start) - 1
        if number >= 0 and span.start < sents[number].end:
            out[number].append((span, mention))
    return out


class Extractor:
    """Holds the loaded pipeline and rules; ``extract`` turns documents into Extractions."""

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        nlp: Language | None = None,
        entity_rules: Path | None = None,
        relation_rules: Path | None = None,
    ) -> None:
        self.nlp = nlp or load_pipeline(model)
        self.finder: EntityFinder = finder_for(self.nlp, load_lexicon(entity_rules))
        self.rules: RelationRules = load_rules(relation_rules)

    def extract(
        self,
        documents: Sequence[Document],
        *,
        on_document: Callable[[Document], None] | None = None,
    ) -> list[Extraction]:
        """Parse every block of every document and extract from each document in order."""
        # lazily: only the blocks of a batch or two are cut out of a long text at a time
        jobs, texts = tee(
            (i, b) for i, d in enumerate(documents) for blk in blocks_of(d) for b in split_long(blk)
        )
        parsed = zip(jobs, self._parse(b.text for _, b in texts), strict=True)
        out: list[Extraction] = []
        for index, group in groupby(parsed, key=lambda item: item[0][0]):
            document = documents[index]
            # a generator: a long document's parsed blocks are dropped as they are used
            out.append(self._document(document, ((b, doc) for (_, b), doc in group)))
            if on_document is not None:
                on_document(document)
        done = {ex.document.sha256 for ex in out}
        for document in documents:  # documents with no text blocks at all
            if document.sha256 not in done:
                out.append(Extraction(document, (), (), ()))
                if on_document is not None:
                    on_document(document)
        return out

    def _parse(self, texts: Iterable[str]) -> Iterator[Doc]:
        """Parse texts in batches bounded by characters (``batches``), so memory stays flat."""
        for batch in batches(texts):
            yield from self.nlp.pipe(batch, batch_size=len(batch))

    def _document(self, document: Document, parsed: Iterable[tuple[Block, Doc]]) -> Extraction:
        ctx = RememberingContext.of(document)
        years = YearIndex(document.text)
        sentences: list[Sentence] = []
        mentions: list[Mention] = []
        relations: list[Relation] = []
        dates: list[DateFact] = []
        for block, doc in parsed:
            found = find_mentions(
                doc, ctx, finder=self.finder, offset=block.start, heading=block.heading
            )
            mentions.extend(m for _, m in found)
            sents = list(doc.sents)
            for sent, in_sent in zip(sents, by_sentence(sents, found), strict=True):
                sentences.append(
                    Sentence(
                        document.sha256,
                        block.start + sent.start_char,
                        block.start + sent.end_char,
                        sent.text,
                    )
                )
                dates.extend(find_dates(sent, in_sent, document_text=document.text, years=years))
                if not block.heading and len(in_sent) >= 2:
                    relations.extend(extract_relations(sent, in_sent, rules=self.rules))
                    relations.extend(place_chains(sent, in_sent))
                if not block.heading:
                    relations.extend(named_parties(in_sent, ctx, self.finder.lex))
        relations.extend(title_memberships(mentions, document.text))
        mentions, relations, dates = separate_people(mentions, relations, dates)
        return Extraction(
            document, tuple(sentences), tuple(mentions), tuple(relations), tuple(dates)
        )
