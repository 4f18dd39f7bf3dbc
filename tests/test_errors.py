"""Errors and the one function that makes input text safe to print on a terminal."""

from __future__ import annotations

import pytest

from kg.errors import ReadError, StoreError, visible

#: Every character that acts on a terminal: C0, DEL, C1, bidi embeddings/overrides/isolates.
ACTIVE = [
    *range(0x00, 0x20),
    0x7F,
    *range(0x80, 0xA0),
    *range(0x202A, 0x202F),
    *range(0x2066, 0x206A),
]


@pytest.mark.parametrize("code", ACTIVE)
def test_every_active_character_becomes_a_visible_escape(code: int) -> None:
    shown = visible(f"a{chr(code)}b")
    assert shown.startswith("a\\") and shown.endswith("b")
    assert all(ch.isprintable() for ch in shown), repr(shown)
    assert shown == "a" + {9: "\\t", 10: "\\n", 13: "\\r"}.get(
        code, f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    ) + "b"


def test_printable_text_is_unchanged() -> None:
    text = "Seoul — 서울, Zürich & São Paulo: \"quotes\" \\ backslash 🙂 \u200f\u00a0"
    assert visible(text) == text


def test_ansi_sequences_and_forged_lines_are_defused() -> None:
    name = "evil\x1b[2J\x1b]0;pwned\x07\nkg build: everything fine.txt"
    shown = visible(name)
    assert "\x1b" not in shown and "\x07" not in shown and "\n" not in shown
    assert shown == "evil\\x1b[2J\\x1b]0;pwned\\x07\\nkg build: everything fine.txt"


def test_surrogates_of_undecodable_file_name_bytes_show_as_bytes() -> None:
    assert visible("caf\udce9.txt") == "caf\\xe9.txt"
    assert visible("a\ud800b") == "a\\ud800b"
    assert visible("caf\udce9.txt").encode("utf-8")  # a terminal can take it


def test_keep_leaves_the_named_characters() -> None:
    assert visible("one\ntwo\tthree\x1b[0m", keep="\n\t") == "one\ntwo\tthree\\x1b[0m"


def test_read_error_messages_escape_the_path_and_keep_the_raw_path() -> None:
    err = ReadError("docs/\x1b[31mred\n.txt", "the file is empty")
    assert str(err) == "docs/\\x1b[31mred\\n.txt: the file is empty"
    assert err.path == "docs/\x1b[31mred\n.txt" and err.reason == "the file is empty"
    assert isinstance(StoreError("x"), Exception)
