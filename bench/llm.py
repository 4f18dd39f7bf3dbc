"""kg with a language model: the rules alone, the model alone and both merged, scored.

Run from the repository root with an OpenAI-compatible server up (Ollama, llama.cpp, vLLM
or a hosted API; the key, if any, in ``KG_LLM_API_KEY``)::

    .venv/bin/python bench/llm.py --llm http://localhost:11434/v1 --llm-model llama3.1

The gold sets are read in place (``--data``, default ``../shared/bench``) and scored with
``bench/quality.py``'s functions, one document at a time, as that benchmark does. Three
systems per set:

- ``rules``: ``kg.build.build`` as it is (no model);
- ``merged``: the same build with ``llm=LLMConfig(...)``: the model's anchored facts added;
- ``model``: the merged graph keeping only the statements the model made (and the relations
  they support). The model proposes relations only, so entity and date figures are the
  rules' in all three columns; compare the relation rows.

Answers are cached (``kg.llm.cache``), so a second run costs nothing and scores the same.

>>> from rdflib import Graph
>>> g = Graph().parse(data='''
... @prefix kgo: <https://w3id.org/kg/ontology#> .
... @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
... <urn:a> kgo:investsIn <urn:b> . <urn:a> kgo:partOf <urn:b> .
... <urn:s1> rdf:subject <urn:a> ; rdf:predicate kgo:investsIn ; rdf:object <urn:b> ;
...     kgo:extractor "verb-invest-in" .
... <urn:s2> rdf:subject <urn:a> ; rdf:predicate kgo:partOf ; rdf:object <urn:b> ;
...     kgo:extractor "llm:m" .''', format="turtle")
>>> sorted(str(p).rsplit("#")[-1] for _, p, _ in model_only(g).triples((None, None, None))
...        if str(p).endswith(("investsIn", "partOf")))
['partOf']
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rdflib import RDF, Graph, URIRef

sys.path.insert(0, str(Path(__file__).resolve().parent))
import quality  # noqa: E402  (a sibling script, not a package)

from kg.model import MODEL_EXTRACTOR_PREFIX  # noqa: E402
from kg.vocab import KGO, RELATION_PROPERTIES  # noqa: E402

SYSTEMS = ("rules", "model", "merged")
MEASURES = ("entity_recall", "relation_recall", "core_recall", "typed_precision",
            "confident_precision", "evidence")


def model_only(graph: Graph) -> Graph:
    """``graph`` without the rules' statements and the relations only they supported."""
    out = Graph()
    out += graph
    for node in list(out.subjects(KGO.extractor, None)):
        if not str(out.value(node, KGO.extractor)).startswith(MODEL_EXTRACTOR_PREFIX):
            out.remove((node, None, None))
    supported = {
        (out.value(n, RDF.subject), out.value(n, RDF.predicate), out.value(n, RDF.object))
        for n in out.subjects(KGO.extractor, None)
    }
    for name in RELATION_PROPERTIES:
        predicate = URIRef(KGO[name])
        for s, _, o in list(out.triples((None, predicate, None))):
            if (s, predicate, o) not in supported:
                out.remove((s, predicate, o))
    return out


class Runner:
    """Builds each document once with the model and once without; keeps the model's report."""

    def __init__(self, config: Any) -> None:
        self.config = config
        self.merged: dict[str, Graph] = {}
        self.totals: Counter[str] = Counter()
        self.dropped: Counter[str] = Counter()
        self.problems: list[str] = []

    def rules(self, docs: list[tuple[str, str]]) -> Graph:
        return quality.run_kg(docs)

    def both(self, docs: list[tuple[str, str]]) -> Graph:
        key = "\x1f".join(f"{n}\x1e{t}" for n, t in docs)
        if key not in self.merged:
            self.merged[key] = self._build(docs)
        return self.merged[key]

    def model(self, docs: list[tuple[str, str]]) -> Graph:
        return model_only(self.both(docs))

    def _build(self, docs: list[tuple[str, str]]) -> Graph:
        from kg.build import build

        with tempfile.TemporaryDirectory(prefix="kg-bench-llm-") as tmp:
            paths = []
            for name, text in docs:
                path = Path(tmp) / name
                path.write_text(text, encoding="utf-8")
                paths.append(path)
            result = build(paths, llm=self.config)
        report = result.report.llm
        assert report is not None
        for name in ("chunks", "requests", "cache_hits", "prompt_tokens", "completion_tokens",
                     "proposed", "kept", "agreed"):
            self.totals[name] += getattr(report, name)
        self.dropped.update(report.dropped)
        self.problems += report.problems()
        if report.fatal is not None:
            raise SystemExit(f"bench/llm.py: {report.fatal}")
        return result.graph


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--llm", required=True, metavar="URL",
                        help="API base of an OpenAI-compatible server, e.g. "
                        "http://localhost:11434/v1")
    parser.add_argument("--llm-model", default="llama3.1", metavar="NAME",
                        help="model name on that server (default: llama3.1)")
    parser.add_argument("--llm-jobs", type=int, default=4, metavar="N",
                        help="requests at a time (default: 4)")
    parser.add_argument("--llm-timeout", type=float, default=120.0, metavar="S",
                        help="seconds per answer (default: 120)")
    parser.add_argument("--data", type=Path, default=quality.DEFAULT_DATA,
                        help="the shared bench folder (default: ../shared/bench from the "
                        "repo root)")
    parser.add_argument("--set", choices=("practice", "redocred", "all"), default="all")
    parser.add_argument("--limit", type=int, default=None, help="only the first N documents")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    from kg.llm import LLMConfig

    config = LLMConfig(url=args.llm, model=args.llm_model, jobs=args.llm_jobs,
                       timeout=args.llm_timeout)
    sets = ("practice", "redocred") if args.set == "all" else (args.set,)
    for name in sets:
        if not (args.data / name).is_dir():
            print(f"error: {args.data / name} is not a folder; pass --data with the shared "
                  "bench folder (it holds practice/ and redocred/)", file=sys.stderr)
            return 2
    runner = Runner(config)
    systems = {"rules": runner.rules, "model": runner.model, "merged": runner.both}
    rows: list[list[str]] = []
    for name in sets:
        if name == "practice":
            docs = quality.load_practice(args.data / name, args.limit)
            judged, kind_of = quality.TYPED_PROPERTIES, str
        else:
            docs = quality.load_redocred(args.data / name, args.limit)
            judged, kind_of = quality.REDOCRED_PROPERTIES, quality.coarse_type
        scores = quality.run_set(name, docs, systems, judged=judged, kind_of=kind_of, errors=0)
        figures = {system: quality.figures(score) for system, score in scores.items()}
        rows += [[f"{name}: {quality.MEASURE_NAMES[m]}",
                  *(quality.fmt(figures[s][m]) for s in SYSTEMS)] for m in MEASURES]
    print("\n=== Summary ===\n")
    print(quality.table(["measure", *SYSTEMS], rows))
    t = runner.totals
    print(f"\nmodel {config.model} at {config.shown_url()}: {t['chunks']} chunks, "
          f"{t['requests']} requests, {t['cache_hits']} cache hits; tokens: "
          f"{t['prompt_tokens']} prompt, {t['completion_tokens']} completion")
    print(f"facts: {t['proposed']} proposed, {t['kept']} kept ({t['agreed']} also found by "
          f"the rules); dropped: {dict(sorted(runner.dropped.items()))}")
    for problem in runner.problems:
        print(f"problem: {problem}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
