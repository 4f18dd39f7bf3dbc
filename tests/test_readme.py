"""The README's examples run as written, in a new folder, and print what the README shows.

Every fenced block tagged ``python``, ``bash`` or ``console`` claims to run, unless the line
before it is ``<!-- docs: not run: REASON -->``. A ``python`` block runs as a script; a ``bash``
block runs in bash and must succeed; a ``console`` block's ``$ `` lines are commands, and what
follows each is its output (stdout, then stderr), compared line by line. In the expected
output a line of just ``…`` stands for any number of lines, ``…`` within a line for any text,
and ``time: N s`` matches any time.
Blocks run in order, in one temporary folder, after the README's first step (``kg build``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
FENCE = re.compile(r"^```(\w*)\s*$")
SKIP = re.compile(r"^<!-- docs: not run: .+ -->$")
KG_BIN = str(Path(sys.executable).parent)


@dataclass(frozen=True)
class Block:
    """A fenced block of the README: its tag, first line number and text."""

    tag: str
    line: int
    text: str
    skipped: bool


def blocks(text: str) -> list[Block]:
    """The fenced blocks of a Markdown text.

    >>> text = "a\\n```bash\\nls\\n```\\n<!-- docs: not run: x -->\\n```python\\n1\\n```"
    >>> [(b.tag, b.skipped) for b in blocks(text)]
    [('bash', False), ('python', True)]
    """
    found: list[Block] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        opened = FENCE.match(lines[index])
        if not opened:
            index += 1
            continue
        end = index + 1
        while end < len(lines) and not lines[end].startswith("```"):
            end += 1
        before = next((lines[k] for k in range(index - 1, -1, -1) if lines[k].strip()), "")
        found.append(Block(opened[1], index + 1, "\n".join(lines[index + 1:end]),
                           bool(SKIP.match(before.strip()))))
        index = end + 1
    return found


def commands(text: str) -> list[tuple[str, list[str]]]:
    """A console block as (command, expected output lines) pairs; a command whose quotes
    are open continues on the next lines."""
    pairs: list[tuple[str, list[str]]] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line.startswith("$ "):
            index += 1
            continue
        command = line[2:]
        while command.count("'") % 2 or command.count('"') % 2:
            index += 1
            command += "\n" + lines[index]
        index += 1
        output: list[str] = []
        while index < len(lines) and not lines[index].startswith("$ "):
            output.append(lines[index])
            index += 1
        while output and not output[-1].strip():
            output.pop()
        pairs.append((command, output))
    return pairs


def matches(expected: list[str], actual: list[str]) -> bool:
    """Whether ``actual`` lines fit ``expected``, where a ``…`` line stands for any lines.

    >>> matches(["a", "…", "d"], ["a", "b", "c", "d"]), matches(["a", "…"], ["b"])
    (True, False)
    >>> matches(["triples: 9; time: 1.3 s"], ["triples: 9; time: 4.07 s"])
    True
    """
    def same(want: str, got: str) -> bool:
        parts = re.split(r"(…|time: [0-9.]+ s)", want.rstrip())
        pattern = "".join(".*" if part == "…" else r"time: [0-9.]+ s" if part.startswith("time:")
                          else re.escape(part) for part in parts)
        return re.fullmatch(pattern, got.rstrip()) is not None

    if not expected:
        return not actual
    if expected[0].strip() == "…":
        return any(matches(expected[1:], actual[k:]) for k in range(len(actual) + 1))
    return bool(actual) and same(expected[0], actual[0]) and matches(expected[1:], actual[1:])


def run(command: str, folder: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": KG_BIN + os.pathsep + os.environ.get("PATH", ""),
           "PYTHONHASHSEED": "0", "COLUMNS": "100"}
    return subprocess.run(["bash", "-c", command], cwd=folder, env=env, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new folder where the README's first step has run: ``kg build`` on the sample."""
    where = tmp_path_factory.mktemp("reader")
    done = run("kg build", where)
    assert done.returncode == 0, done.stderr
    return where


README_BLOCKS = blocks(README.read_text(encoding="utf-8"))
RUNNABLE = [b for b in README_BLOCKS if b.tag in ("python", "bash", "console")]


def test_every_runnable_block_is_run_or_says_why_not() -> None:
    assert RUNNABLE, "the README has no runnable block"
    assert any(not b.skipped for b in RUNNABLE)
    for block in README_BLOCKS:
        assert block.tag in ("python", "bash", "console", "", "json", "turtle", "sparql"), (
            f"README.md line {block.line}: unknown block tag {block.tag!r}")


@pytest.mark.parametrize("block", [b for b in RUNNABLE if not b.skipped],
                         ids=lambda b: f"line-{b.line}-{b.tag}")
def test_the_readme_block_runs_as_written(block: Block, folder: Path) -> None:
    if block.tag == "python":
        script = folder / f"readme_{block.line}.py"
        script.write_text(block.text + "\n", encoding="utf-8")
        done = run(f"{sys.executable} {script.name}", folder)
        assert done.returncode == 0, f"README.md line {block.line}:\n{done.stderr}"
        return
    if block.tag == "bash":
        done = run(block.text, folder)
        assert done.returncode == 0, f"README.md line {block.line}:\n{done.stderr}"
        return
    for command, expected in commands(block.text):
        done = run(command, folder)
        shown = (done.stdout + done.stderr).splitlines()
        while shown and not shown[-1].strip():
            shown.pop()
        assert matches(expected, shown), (
            f"README.md line {block.line}: `{command}` printed\n" + "\n".join(shown)
            + "\n\nbut the README shows\n" + "\n".join(expected))
