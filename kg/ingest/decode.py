"""Bytes to clean text: pick the encoding, refuse binary files, normalise the characters.

UTF-8 (with or without a BOM) and UTF-16 with a BOM are read as they are. Other text (a
Windows-1252 file with a pound sign, a Shift-JIS page) is read in the encoding an HTML page
declares, else in the one ``detect_encoding`` finds with confidence on a bounded sample.

>>> decode_text("Caf\\u00e9\\u00a0Seoul\\r\\n".encode("utf-8-sig"), "a.txt")
'Café Seoul\\n'
>>> decode_text("The club paid \\u00a35m for him.".encode("cp1252"), "a.txt")
'The club paid £5m for him.'
>>> decode_text("Crème brûlée. ".encode("utf-8") * 4 + b"\\xa3", "a.txt")
Traceback (most recent call last):
...
kg.errors.ReadError: a.txt: the file is mostly UTF-8 but not valid UTF-8 (byte 0xa3 at offset 68); \
fix or remove that byte, or save the file as UTF-8
"""

from __future__ import annotations

import codecs
import html
import re
import unicodedata

from kg.errors import ReadError

_SNIFF = 8192
#: Encoding detection looks at this many bytes at most (cut at a line end), then the whole file
#: is decoded with the codec it chose: detection time does not grow with the file.
DETECT_SAMPLE = 256 * 1024
#: The highest share of "mess" (charset-normalizer's measure of implausible text) accepted.
_MAX_MESS = 0.2
#: Tried first on text that is not UTF-8: the Windows codepage of English and Western European
#: text, and what the WHATWG Encoding Standard reads undeclared Western pages as.
WESTERN = "cp1252"
#: Shorter samples give charset-normalizer too little to tell one codepage from another.
_MIN_GUESS = 32
_UTF8_CHUNK = 1 << 20
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)
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


def _where_bad(err: UnicodeDecodeError) -> str:
    """The first bad byte of a failed decode and its offset, as the reasons quote them."""
    return f"byte 0x{err.object[err.start]:02x} at offset {err.start}"


def _sample(data: bytes) -> bytes:
    """The head of the data that detection looks at, cut after a line end when there is one.

    >>> _sample(b"abc"), len(_sample(b"line\\n" * 100_000)) <= DETECT_SAMPLE
    (b'abc', True)
    """
    if len(data) <= DETECT_SAMPLE:
        return data
    head = data[:DETECT_SAMPLE]
    cut = head.rfind(b"\n")
    return head[: cut + 1] if cut >= DETECT_SAMPLE // 2 else head


def mostly_utf8(data: bytes) -> bool:
    """Whether the sample holds more well-formed UTF-8 characters than malformed bytes.

    Such a file is UTF-8 with damage (two files joined, a stray byte), not text in another
    encoding: no single codec reads it, so it is refused rather than turned into mojibake.

    A UTF-8 byte order mark says the same on its own.

    >>> mostly_utf8("Zürich, Genève. ".encode() + b"\\xa3"), mostly_utf8(b"caf\\xe9 cr\\xe8me")
    (True, False)
    """
    if data.startswith(codecs.BOM_UTF8):
        return True
    decoded = _sample(data).decode("utf-8", "replace")
    bad = decoded.count("\ufffd")
    good = len(decoded) - len(decoded.encode("ascii", "ignore")) - bad
    return good > bad


def detect_encoding(data: bytes) -> str | None:
    """The codec that reads these non-UTF-8 bytes with confidence, judged on a bounded sample.

    Windows-1252 first, when it gives plausible text; then the best that charset-normalizer
    finds, if the sample is long enough to judge (``_MIN_GUESS`` bytes). None when nothing
    reads the sample without a mess (or the sample is mostly UTF-8: see ``mostly_utf8``).
    Only the first ``DETECT_SAMPLE`` bytes are looked at.

    >>> detect_encoding("The fee: \\u00a35m \\u2013 paid.".encode("cp1252"))
    'cp1252'
    >>> detect_encoding("Москва — столица России и крупнейший город страны.".encode("cp1251"))
    'cp1251'
    >>> detect_encoding(bytes(range(0x80, 0x100)) * 4) is None
    True
    """
    from charset_normalizer import from_bytes  # imported here: most files never need it

    sample = _sample(data)
    if mostly_utf8(sample):
        return None
    for isolation in ([WESTERN], None):
        if isolation is None and len(sample) < _MIN_GUESS:
            break
        best = from_bytes(sample, cp_isolation=isolation, threshold=_MAX_MESS).best()
        if best is not None and not best.encoding.startswith(("utf_16", "utf_32", "utf_8")):
            return str(best.encoding)
    return None


def declared_charset(data: bytes) -> str | None:
    """The ``charset`` an HTML ``<meta>`` tag declares near the top, if any.

    >>> declared_charset(b'<meta charset="iso-8859-1"><p>Hi'), declared_charset(b"<p>Hi")
    ('iso-8859-1', None)
    """
    match = _CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def _codec_name(codec: str) -> str:
    """Python's own name of a codec (``latin-1`` -> ``iso8859-1``)."""
    try:
        return codecs.lookup(codec).name
    except LookupError:
        return codec


def _utf8_error(data: bytes) -> UnicodeDecodeError | None:
    """The first UTF-8 decoding error, or None: checked in chunks, so memory stays flat."""
    if data.isascii():
        return None
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    for start in range(0, len(data), _UTF8_CHUNK):
        try:
            decoder.decode(view[start : start + _UTF8_CHUNK], start + _UTF8_CHUNK >= len(data))
        except UnicodeDecodeError:
            try:
                data.decode("utf-8")  # the rare bad file: once more, for the exact offset
            except UnicodeDecodeError as err:
                return err
    return None


def decode_other(
    data: bytes, where: str, err: UnicodeDecodeError, *, declared: str | None = None
) -> tuple[str, str]:
    """Read bytes that are not UTF-8: the declared codec if it fits, else a detected one.

    Returns the text (not yet normalised) and the codec's name; raises ``ReadError`` when
    no codec reads the file with confidence, or the detected one fails further on.
    """
    if declared is not None:
        text = _try_fallback(data, declared)
        if text is not None:
            return text, _codec_name(declared)
    if mostly_utf8(data):
        raise ReadError(where, f"the file is mostly UTF-8 but not valid UTF-8 ({_where_bad(err)}); "
                               "fix or remove that byte, or save the file as UTF-8")
    codec = detect_encoding(data)
    if codec is None:
        raise ReadError(where, f"the file is not valid UTF-8 ({_where_bad(err)}) and no other "
                               "encoding reads it with confidence; save it as UTF-8")
    try:
        return data.decode(codec), codec
    except UnicodeDecodeError as later:
        raise ReadError(where, f"the file reads as {codec} at first, but not further on "
                               f"({_where_bad(later)}); save it as UTF-8") from None


def transcode(data: bytes, where: str, *, declared: str | None = None) -> tuple[bytes, str | None]:
    """Text in another encoding as UTF-8 bytes, with the codec it was read in.

    Bytes that ``decode_text`` reads as they are (UTF-8, UTF-16 with a BOM) or refuses
    (empty, binary, UTF-16 without a BOM) come back unchanged with ``None``. ``declared``
    is the charset an HTML page declares; it is tried before detection.

    >>> transcode("The fee: £5m.".encode("cp1252"), "a.txt"), transcode(b"ok", "a.txt")
    ((b'The fee: \\xc2\\xa35m.', 'cp1252'), (b'ok', None))
    """
    if not data or _codec_for(data) != "utf-8" or _bomless_utf16(data):
        return data, None
    if binary_kind(data) is not None:
        return data, None
    err = _utf8_error(data)
    if err is None:
        return data, None
    text, codec = decode_other(data, where, err, declared=declared)
    return text.encode("utf-8", "surrogatepass"), codec


def decode_text(data: bytes, where: str, *, fallback: str | None = None) -> str:
    """Decode a text file's bytes to normalised text, or raise ``ReadError`` saying why not.

    ``fallback`` names a codec to try when the bytes are not UTF-8 (an HTML ``charset``);
    when it does not fit either, the codec is detected (see ``decode_other``).

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
        if codec == "utf-8":
            decoded, _ = decode_other(data, where, err, declared=fallback)
        else:
            declared = _try_fallback(data, fallback)
            if declared is None:
                raise ReadError(where, _undecodable(err, codec)) from None
            decoded = declared
    text = normalize(decoded)
    if not text.strip():
        raise ReadError(where, "the file holds only whitespace")
    return text


#: An HTML character reference written out in text: numeric (``&#233;``, ``&#xE9;``) or named
#: (``&amp;``), always with its semicolon, so "AT&T;" or "R&D" in prose is left alone.
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def decode_entities(text: str) -> str:
    """Replace the HTML character references in plain text by their characters.

    Only references that name a character are replaced; anything else stays as written, and a
    text without references is returned unchanged.

    >>> decode_entities("Jos&#233; Manuel and Tate &amp; Lyle; &#x41;")
    'José Manuel and Tate & Lyle; A'
    >>> decode_entities("AT&T; R&D &madeup; &#0;")
    'AT&T; R&D &madeup; &#0;'
    """
    if "&" not in text:
        return text
    return _ENTITY.sub(_entity_char, text)


def _entity_char(match: re.Match[str]) -> str:
    ref = match.group(0)
    char = html.unescape(ref)
    if char == ref or "\ufffd" in char or not (char.isprintable() or char.isspace()):
        return ref
    return normalize(char)


def _try_fallback(data: bytes, codec: str | None) -> str | None:
    """Decode with a declared codec, or None when there is none or it does not fit."""
    if codec is None:
        return None
    try:
        return data.decode(codec)
    except (LookupError, UnicodeDecodeError):
        return None
