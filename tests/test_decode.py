"""Decoding bytes to text: the fast paths give exactly what the plain definitions give."""

from __future__ import annotations

import random
import unicodedata

import pytest

from kg.errors import ReadError
from kg.ingest.decode import _SNIFF, _TRANSLATE, binary_kind, decode_text, normalize

TEXT_CONTROLS = b"\t\n\r\f\v\x1b"


def _plain_controls(data: bytes) -> int:
    """Control bytes in the sniffed head that text files do not hold, counted one by one."""
    return sum(1 for byte in data[:_SNIFF] if byte < 0x20 and byte not in TEXT_CONTROLS)


def _plain_normalize(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text).translate(_TRANSLATE)


def test_binary_kind_counts_controls_as_the_plain_definition_does() -> None:
    rng = random.Random(7)
    for size in (1, 9, 100, _SNIFF - 1, _SNIFF, _SNIFF + 500):
        for share in (0.0, 0.05, 0.1, 0.11, 0.5):
            data = bytearray(rng.choice(b"abc \n\t\r\x1b\xc3\xa9~") for _ in range(size))
            for i in rng.sample(range(size), int(size * share)):
                data[i] = rng.choice(b"\x01\x02\x07\x08\x0e\x1f\x7f")
            expected = "" if _plain_controls(bytes(data)) * 10 > len(data[:_SNIFF]) else None
            assert binary_kind(bytes(data)) == expected, (size, share)


@pytest.mark.parametrize("byte", range(0x20))
def test_each_control_byte_is_judged_as_before(byte: int) -> None:
    data = bytes([byte]) * 2 + b"ok"  # half the bytes are this control (NUL: binary anyway)
    assert binary_kind(data) == (None if byte in TEXT_CONTROLS else "")


def test_normalize_matches_the_plain_translation() -> None:
    rng = random.Random(11)
    special = "".join(chr(code) for code in _TRANSLATE) + "\r\n\te\u0301\u00e9 "
    alphabet = special + "abcdefgh ÄÖü한국어—–’"
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 40)))
        assert normalize(text) == _plain_normalize(text), repr(text)


@pytest.mark.parametrize("code", sorted(_TRANSLATE))
def test_every_translated_character_is_translated(code: int) -> None:
    text = f"a{chr(code)}b"
    assert normalize(text) == _plain_normalize(text) != text


def test_plain_text_comes_back_unchanged() -> None:
    text = "Seoul and Washington\n\n\tsigned the treaty in 1953 — “Mutual Defense”.\n"
    assert normalize(text) == text
    assert decode_text(text.encode("utf-8"), "a.txt") == text


def test_a_file_full_of_controls_is_binary() -> None:
    with pytest.raises(ReadError, match="binary"):
        decode_text(b"\x01\x02\x03 some text", "a.txt")


def test_plain_text_html_entities_are_decoded_before_reading() -> None:
    from kg.ingest.text import read_plain

    data = b"Ren&#xE9;e Dupont joined Smith &amp; Wesson&#8217;s board.\n"
    doc = read_plain(data, "a.txt", "a.txt")
    assert doc.text.startswith("Renée Dupont joined Smith & Wesson\u2019s board.")


def test_text_without_entities_is_unchanged_byte_for_byte() -> None:
    from kg.ingest.decode import decode_entities

    text = "R&D at AT&T; Q&A & more &nbsp without semicolon"
    assert decode_entities(text) is text or decode_entities(text) == text
    assert decode_entities("fish &chips;") == "fish &chips;"
