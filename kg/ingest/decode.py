"""Bytes to clean text: pick the encoding, refuse binary files, normalise the characters.

>>> decode_text("Caf\\u00e9\\u00a0Seoul\\r\\n".encode("utf-8-sig"), "a.txt")
'Café Seoul\\n'
>>> decode_text(b"caf\\xe9", "a.txt")
Traceback (most recent call last):
...
kg.errors.ReadError: a.txt: the file is not valid UTF-8 (byte 0xe9 at offset 3); save it as UTF-8
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from kg.errors import ReadError

_SNIFF = 8192
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"%PDF-", "a PDF"),
    (b"PK\x03\x04", "a ZIP archive or an Office document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "a program"),
)
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\v\x1b")
#: Every byte but the control characters that text files lack: deleting these from some bytes
#: leaves just the controls that mark a binary file (one fast ``bytes.translate``).
_ALL_BUT_BINARY_CONTROLS = bytes(b for b in range(256) if b >= 0x20 or b in _TEXT_CONTROLS)


def _table() -> dict[int, str | None]:
    """The character translation that ``normalize`` applies after NFC."""
    table: dict[int, str | None] = {}
    for code in [*range(0x00, 0x20), *range(0x7F, 0xA0)]:
        table[code] = None  # control characters
    for char in "\u00a0\u2007\u202f":
        table[ord(char)] = " "  # non-breaking spaces
    for char in "\f\v\x85\u2028":
        table[ord(char)] = "\n"  # line breaks in other clothes
    table[0x2029] = "\n\n"  # paragraph separator
    for char in "\ufeff\u200b\u2060\u00ad":
        table[ord(char)] = None  # BOM, zero-width space, word joiner, soft hyphen
    del table[ord("\n")], table[ord("\t")]
    return table


_TRANSLATE = _table()
#: Any character that ``_TRANSLATE`` changes: most texts hold none and skip ``str.translate``.
_TRANSLATED = re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(_TRANSLATE)) + "]")


def normalize(text: str) -> str:
    """Normalise line ends, NFC-compose, turn NBSPs into spaces, drop BOMs and controls.

    >>> normalize("A\\r\\nB\\rC\\u00a0D\\x07\\tE\\ufeff")
    'A\\nB\\nC D\\tE'
    >>> normalize("e\\u0301") == "\\u00e9"
    True
    """
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return text.translate(_TRANSLATE) if _TRANSLATED.search(text) else text


def binary_kind(data: bytes) -> str | None:
    """Say what binary thing ``data`` looks like ("" when unknown), or None when it may be text.

    >>> binary_kind(b"\\x89PNG\\r\\n\\x1a\\n\\x00"), binary_kind(b"a\\x00b"), binary_kind(b"ok")
    ('a PNG image', '', None)
    """
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if b"\x00" in data:
        return ""
    head = data[:_SNIFF]
    controls = len(head.translate(None, _ALL_BUT_BINARY_CONTROLS))
    return "" if controls * 10 > len(head) else None


def _bomless_utf16(data: bytes) -> bool:
    """Whether the bytes look like mostly-ASCII UTF-16 without a BOM (every other byte NUL).

    >>> _bomless_utf16("Seoul".encode("utf-16-le")), _bomless_utf16("Seoul".encode("utf-8"))
    (True, False)
    """
    head = data[: _SNIFF - _SNIFF % 2]
    if len(head) < 4 or len(head) % 2:
        return False
    for zeros, other in ((head[1::2], head[0::2]), (head[0::2], head[1::2])):
        if zeros.count(0) * 10 >= len(zeros) * 9 and other.count(0) == 0:
            return True
    return False


def _codec_for(data: bytes) -> str:
    """UTF-16 when a UTF-16 byte order mark says so, otherwise UTF-8."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "utf-8"


def _undecodable(err: UnicodeDecodeError, codec: str) -> str:
    """The reason for a failed decode, naming the first bad byte and its offset."""
    name = "UTF-16" if codec == "utf-16" else "UTF-8"
    byte, offset = err.object[err.start], err.start
    return f"the file is not valid {name} (byte 0x{byte:02x} at offset {offset}); save it as UTF-8"


def decode_text(data: bytes, where: str, *, fallback: str | None = None) -> str:
    """Decode a text file's bytes to normalised text, or raise ``ReadError`` saying why not.

    ``fallback`` names a codec to try when the bytes are not UTF-8 (an HTML ``charset``).

    >>> decode_text("Hi".encode("utf-16"), "a.txt")
    'Hi'
    >>> decode_text(b"caf\\xe9", "a.html", fallback="latin-1")
    'café'
    >>> decode_text(b" \\n\\t", "a.txt")
    Traceback (most recent call last):
    ...
    kg.errors.ReadError: a.txt: the file holds only whitespace
    """
    if not data:
        raise ReadError(where, "the file is empty")
    codec = _codec_for(data)
    if codec == "utf-8" and _bomless_utf16(data):
        raise ReadError(where, "the file looks like UTF-16 without a byte order mark; "
                               "save it as UTF-8")
    if codec == "utf-8":
        kind = binary_kind(data)
        if kind is not None:
            suffix = f" (it looks like {kind})" if kind else ""
            raise ReadError(where, f"the file is binary, not text{suffix}")
    try:
        decoded = data.decode(codec)
    except UnicodeDecodeError as err:
        declared = _try_fallback(data, fallback)
        if declared is None:
            raise ReadError(where, _undecodable(err, codec)) from None
        decoded = declared
    text = normalize(decoded)
    if not text.strip():
        raise ReadError(where, "the file holds only whitespace")
    return text


def _try_fallback(data: bytes, codec: str | None) -> str | None:
    """Decode with a declared codec, or None when there is none or it does not fit."""
    if codec is None:
        return None
    try:
        return data.decode(codec)
    except (LookupError, UnicodeDecodeError):
        return None
