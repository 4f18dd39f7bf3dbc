"""Throughput of ``kg build`` against its baseline, spaCy's own ``nlp.pipe`` on the same texts.

Run from the repository root::

    .venv/bin/python bench/throughput.py --data ../shared/bench [--repeat 3]

The texts are the bundled sample, the practice documents and the Re-DocRED subset, read as
kg reads them (the same blocks). The baseline ("nlp.pipe") parses exactly those blocks with the
same pipeline; kg's figure is the whole of ``build_documents`` (entities, relations, dates,
resolution and the RDF graph) on the same documents, with the model already loaded, as in a
long-running process. Both run in this process, alternately, ``--repeat`` times; the best time
of each is compared. The target is a ratio of at most 1.5.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from kg.build import build_documents, sample_path
from kg.ingest import read_all
from kg.ingest.text import read_plain
from kg.model import Document
from kg.nlp.extract import blocks_of, split_long
from kg.nlp.pipeline import DEFAULT_MODEL, load_pipeline

TARGET_RATIO = 1.5


def corpus(data: Path) -> list[Document]:
    """The sample, the practice documents and the Re-DocRED texts as kg Documents."""
    paths = [sample_path()]
    practice = data / "practice" / "docs"
    if practice.is_dir():
        paths.append(practice)
    documents, _ = read_all(paths)
    redocred = data / "redocred" / "dev_subset.jsonl"
    if redocred.is_file():
        for line in redocred.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            documents.append(read_plain(item["text"].encode("utf-8"), item["id"], item["id"]))
    return documents


def time_spacy(documents: list[Document], model: str) -> float:
    nlp = load_pipeline(model)
    texts = [b.text for d in documents for blk in blocks_of(d) for b in split_long(blk)]
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=32):
        pass
    return time.perf_counter() - start


def time_kg(documents: list[Document], model: str) -> float:
    start = time.perf_counter()
    build_documents(documents, model=model)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "bench"
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--model", default=DEFAULT_MODEL)
    args = parser.parse_args(argv)
    documents = corpus(args.data)
    chars = sum(len(d.text) for d in documents)
    time_kg(documents[:2], args.model)  # warm up: model, lexicon, matchers, rules
    spacy_times, kg_times = [], []
    for _ in range(args.repeat):
        spacy_times.append(time_spacy(documents, args.model))
        kg_times.append(time_kg(documents, args.model))
    best_spacy, best_kg = min(spacy_times), min(kg_times)
    ratio = best_kg / best_spacy
    print(f"documents: {len(documents)}, characters: {chars:,}")
    print(f"baseline nlp.pipe : {best_spacy:6.2f} s  ({chars / best_spacy / 1000:,.0f} k chars/s)")
    print(f"kg build_documents: {best_kg:6.2f} s  ({chars / best_kg / 1000:,.0f} k chars/s)")
    verdict = "within" if ratio <= TARGET_RATIO else "OVER"
    print(f"ratio kg / nlp.pipe: {ratio:.2f} ({verdict} the {TARGET_RATIO}x target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
