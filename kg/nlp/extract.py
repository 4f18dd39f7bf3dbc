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

from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import groupby
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from kg.model import Block, DateFact, Document, Extraction, Mention, Relation, Sentence
from kg.nlp.dates import find_dates
from kg.nlp.entities import (
    DocumentContext,
    EntityFinder,
    find_mentions,
    finder_for,
    named_parties,
)
from kg.nlp.lexicon import load_lexicon
from kg.nlp.pipeline import DEFAULT_MODEL, load_pipeline
from kg.nlp.relations import RelationRules, extract_relations, load_rules

#: Longest block handed to spaCy at once; longer paragraphs are cut at a line or sentence end.
MAX_BLOCK_CHARS = 100_000


def blocks_of(document: Document) -> tuple[Block, ...]:
    """The document's blocks, or the whole text as one block when the reader gave none."""
    if document.blocks:
        return document.blocks
    return (Block(0, len(document.text), document.text, False),)


def _split_long(block: Block) -> Iterator[Block]:
    text, start = block.text, 0
    while len(text) - start > MAX_BLOCK_CHARS:
        cut = max(
            text.rfind("\n", start, start + MAX_BLOCK_CHARS),
            text.rfind(". ", start, start + MAX_BLOCK_CHARS) + 1,
        )
        if cut <= start:
            cut = start + MAX_BLOCK_CHARS
        yield Block(block.start + start, block.start + cut, text[start:cut], block.heading)
        start = cut
    yield Block(block.start + start, block.end, text[start:], block.heading)


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
        jobs = [
            (i, b)
            for i, d in enumerate(documents)
            for blk in blocks_of(d)
            for b in _split_long(blk)
        ]
        texts = (b.text for _, b in jobs)
        parsed = zip(jobs, self.nlp.pipe(texts, batch_size=32), strict=True)
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
        return out

    def _document(self, document: Document, parsed: Iterable[tuple[Block, Doc]]) -> Extraction:
        ctx = DocumentContext.of(document)
        sentences: list[Sentence] = []
        mentions: list[Mention] = []
        relations: list[Relation] = []
        dates: list[DateFact] = []
        for block, doc in parsed:
            found = find_mentions(
                doc, ctx, finder=self.finder, offset=block.start, heading=block.heading
            )
            mentions.extend(m for _, m in found)
            for sent in doc.sents:
                in_sent = [(span, m) for span, m in found if sent.start <= span.start < sent.end]
                sentences.append(
                    Sentence(
                        document.sha256,
                        block.start + sent.start_char,
                        block.start + sent.end_char,
                        sent.text,
                    )
                )
                dates.extend(find_dates(sent, in_sent, document_text=document.text))
                if not block.heading and len(in_sent) >= 2:
                    relations.extend(extract_relations(sent, in_sent, rules=self.rules))
                if not block.heading:
                    relations.extend(named_parties(in_sent, ctx, self.finder.lex))
        return Extraction(
            document, tuple(sentences), tuple(mentions), tuple(relations), tuple(dates)
        )
