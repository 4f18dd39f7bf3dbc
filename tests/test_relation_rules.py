"""The relation rule files (kg.nlp.relation_rules): the packaged rules, and clear errors for bad
user files."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import KgError, UsageError
from kg.nlp.relation_rules import default_rules, load_rules
from kg.vocab import RELATION_PROPERTIES


def test_packaged_rules_load_and_are_consistent():
    rules = load_rules()
    names = [r.name for r in rules.rules]
    assert len(names) == len(set(names))
    assert {r.kind for r in rules.rules} == {"verb", "noun", "entity"}
    assert all(r.property in RELATION_PROPERTIES for r in rules.rules)
    assert all(0 < r.confidence <= 1 for r in rules.rules)
    assert 0.3 <= rules.settings.related_confidence <= 0.4


def test_default_rules_are_the_packaged_rules_loaded_once():
    assert default_rules() is default_rules()
    assert default_rules() == load_rules()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"rules": [{"name": "x", "kind": "verb", "lemmas": ["a"], "property": "likes",'
         ' "subject": "subj", "object": "dobj"}]}', "not a contract relation property"),
        ('{"rules": [{"name": "x", "kind": "verb", "lemmas": ["a"], "property": "funds",'
         ' "subject": "owner", "object": "dobj"}]}', "unknown role 'owner'"),
        ('{"rules": [{"name": "x", "kind": "entity", "classes": ["Planet"], "property": "funds",'
         ' "subject": "self", "object": "poss"}]}', "not a contract class"),
        ('{"rules": [{"name": "x", "kind": "noun", "lemmas": ["a"], "property": "funds"}]}',
         "either 'subject' and 'object', or 'pairs'"),
        ('{"colour": 1}', "unknown top-level key"),
    ],
)
def test_bad_rule_files_name_the_problem(tmp_path: Path, content: str, message: str):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError) as err:
        load_rules(path)
    assert message in str(err.value)
    assert str(path) in str(err.value)
    assert isinstance(err.value, KgError)


def test_missing_rule_file(tmp_path: Path):
    with pytest.raises(UsageError, match="cannot read"):
        load_rules(tmp_path / "nowhere.json")
