"""kg build --store DIR --watch: a store kept up to date as its input files change."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kg import cli
from kg.build import BuildOptions, BuildResult
from kg.errors import InputError, KgError
from kg.graphs.store import read_state
from kg.watch import snapshot, watch

DOCS = {
    "energy.txt": "Nokia invested in Mexico. Volvo signed a deal with Nokia.",
    "ports.txt": "Portugal signed a treaty with Spain.",
}
ONE_JOB = BuildOptions(jobs=1)


def write(folder: Path, docs: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in docs.items():
        (folder / name).write_text(text + "\n", encoding="utf-8")
    return folder


def run_watch(
    corpus: Path,
    store: Path,
    steps: list,  # one per build or error, in turn: each may change the inputs
    *,
    errors: list[KgError] | None = None,
) -> list[BuildResult]:
    """Watch until every step has run once, after the build (or error) it follows; stop."""
    results: list[BuildResult] = []
    stop = threading.Event()

    def step(result: BuildResult | None) -> None:
        steps[len(results) + len(errors or []) - 1](result)
        if len(results) + len(errors or []) == len(steps):
            stop.set()

    def on_build(result: BuildResult) -> None:
        results.append(result)
        step(result)

    def on_error(err: KgError) -> None:
        assert errors is not None, f"unexpected error: {err}"
        errors.append(err)
        step(None)

    timer = threading.Timer(120, stop.set)  # a watch that never sees the change ends too
    timer.start()
    try:
        watch([corpus], store, ONE_JOB, on_build=on_build,
              on_error=on_error if errors is not None else None, interval=0.05, stop=stop)
    finally:
        timer.cancel()
    assert len(results) + len(errors or []) == len(steps), "a change was never built"
    return results


def test_a_change_is_built_once_and_only_the_changed_document_is_parsed(tmp_path: Path) -> None:
    corpus, store = write(tmp_path / "corpus", DOCS), tmp_path / "store"

    def change(_: BuildResult) -> None:
        write(corpus, {"energy.txt": "Siemens opened a plant in Portugal in 2021."})

    results = run_watch(corpus, store, [change, lambda _: None])
    first, second = (r.report for r in results)
    assert (first.new, first.extracted) == (2, 2)
    assert (second.changed, second.unchanged, second.extracted) == (1, 1, 1)
    labels = {e.label for e in results[1].resolution.entities.values()}
    assert "Siemens" in labels and "Volvo" not in labels
    assert len(read_state(store).documents) == 2


def test_an_unreadable_file_is_reported_and_watching_goes_on(tmp_path: Path) -> None:
    corpus, store = write(tmp_path / "corpus", DOCS), tmp_path / "store"
    steps = [
        lambda _: (corpus / "blank.txt").write_text("", encoding="utf-8"),
        lambda _: write(corpus, {"blank.txt": "Chile borders Peru."}),
        lambda _: None,
    ]
    results = run_watch(corpus, store, steps)
    assert [e.path for e in results[1].report.skipped] == [str(corpus / "blank.txt")]
    assert (results[2].report.new, results[2].report.extracted) == (1, 1)
    assert not results[2].report.skipped


def test_a_build_that_fails_is_reported_and_the_next_change_builds(tmp_path: Path) -> None:
    corpus, store = write(tmp_path / "corpus", DOCS), tmp_path / "store"
    errors: list[KgError] = []
    steps = [
        lambda _: shutil.rmtree(corpus),  # the named folder is gone: that build fails
        lambda _: write(corpus, {"ports.txt": "Chile signed a treaty with Peru."}),
        lambda _: None,
    ]
    results = run_watch(corpus, store, steps, errors=errors)
    assert len(errors) == 1 and isinstance(errors[0], InputError)
    assert str(corpus) in str(errors[0])
    last = results[-1].report
    assert (last.changed, last.documents_read, last.extracted) == (1, 1, 1)


def test_without_on_error_a_failed_build_is_raised(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no-such"):
        watch([tmp_path / "no-such"], tmp_path / "store", ONE_JOB, on_build=lambda _: None)


def test_snapshot_sees_size_and_time_and_names_a_missing_path(tmp_path: Path) -> None:
    corpus = write(tmp_path / "corpus", DOCS)
    before = snapshot([corpus])
    assert [entry[0] for entry in before] == ["corpus/energy.txt", "corpus/ports.txt"]
    assert snapshot([corpus]) == before
    os.utime(corpus / "ports.txt", ns=(0, 0))  # the same size, another time
    assert snapshot([corpus]) != before
    assert "no-such" in str(snapshot([tmp_path / "no-such"]))
    for wrong in (0, -1, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="interval"):
            watch([corpus], tmp_path / "store", on_build=lambda _: None, interval=wrong)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--watch"], "--watch needs --store DIR"),
        (["--store", "s", "--interval", "2"], "--interval needs --watch"),
        (["--store", "s", "--watch", "--interval", "0"], "--interval must be more than 0"),
        (["--store", "s", "--watch", "--interval", "nan"], "--interval must be more than 0"),
        (["--store", "s", "--watch", "--interval", "inf"], "at most 86400 seconds"),
    ],
)
def test_watch_needs_a_store_and_a_sane_interval(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["build", "docs", *args]) == cli.EXIT_USAGE
    assert message in capsys.readouterr().err


def test_the_command_rebuilds_on_a_change_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    corpus, store = write(tmp_path / "corpus", DOCS), tmp_path / "store"
    command = [sys.executable, "-m", "kg", "build", str(corpus), "--store", str(store),
               "--watch", "--interval", "0.1", "-j", "1"]
    proc = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: (store / "CURRENT").exists() and len(read_state(store).documents) == 2)
        write(corpus, {"treaty.txt": "Chile signed a treaty with Peru."})
        wait_for(lambda: len(read_state(store).documents) == 3)
        time.sleep(0.3)  # the report is written after the store
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == cli.EXIT_OK, err
    assert err.count("watching 2 files") == 1 and "watching 3 files" in err
    assert "2 new, 0 changed" in err and "1 new, 0 changed, 2 unchanged" in err
    assert err.rstrip().endswith("kg: stopped watching")


def wait_for(condition, timeout: float = 120.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_changed_rule_file_ends_watching_with_a_clear_error(tmp_path: Path) -> None:
    """The rules are read once, with the model: a store built on, with the old rules in this
    process and the new key in the store, would mix the two."""
    corpus, store = write(tmp_path / "corpus", DOCS), tmp_path / "store"
    rules = tmp_path / "rules.json"
    rules.write_text("{}", encoding="utf-8")
    built: list[BuildResult] = []

    def on_build(result: BuildResult) -> None:
        built.append(result)
        rules.write_text('{"not_entities": []}', encoding="utf-8")

    options = BuildOptions(jobs=1, entity_rules=rules)
    stop = threading.Event()
    timer = threading.Timer(60, stop.set)  # unnoticed, the change would leave it watching
    timer.start()
    try:
        with pytest.raises(InputError, match="rules.json: the rule file changed while watching"):
            watch([corpus], store, options, on_build=on_build, interval=0.05, stop=stop)
    finally:
        timer.cancel()
    assert len(built) == 1
