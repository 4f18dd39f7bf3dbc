"""Cut text into blocks: headings stand alone, hard-wrapped prose lines join into paragraphs.

Downstream every block is parsed on its own, so a heading must never be glued to the
sentence that follows it.

>>> segment_plain("Origins\\nThe war began in 1950. It ended in\\n1953.\\n\\nA New Era\\n\\nPeace.")
[('Origins', True), ('The war began in 1950. It ended in 1953.', False), ('A New Era', True), \
('Peace.', False)]
>>> text, blocks = assemble([("Origins", True), ("The war began.", False)])
>>> text
'Origins\\n\\nThe war began.'
>>> text[blocks[1].start:blocks[1].end]
'The war began.'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from kg.errors import ReadError
from kg.model import Block, Document

Part = tuple[str, bool]
"""A block before it has offsets: its text and whether it is a heading."""

_MAX_HEADING_CHARS = 120
_MAX_HEADING_WORDS = 14
_LONG_LINE = 100  # lines this long are whole paragraphs, not hard-wrapped prose
_MIN_WRAP_WIDTH = 50  # narrower runs of lines are not judged as hard-wrapped prose
_SENTENCE_END = ".!?…"
_CLAUSE_END = _SENTENCE_END + ":;,"
_CLOSERS = "\"'”’»)]"
_OPENERS = "\"'“‘«(["
_SMALL_WORDS = frozenset(
    "a an and as at but by for from in into nor of on onto or over per than the to via vs with"
    " its their his her our this that these those which who whose is are was were be".split()
)
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st jr sr vs etc inc co corp ltd no vol fig gen col lt sgt rev dept"
    " approx est jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
_BULLET = re.compile(r"^(?:[-*+•◦▪‣]\s+|\(?\d{1,3}[.)]\s+)")
_SYMBOL_BULLET = re.compile(r"^[-*+•◦▪‣]\s+")
_SENTENCE_BREAK = re.compile(r"([^\W_]+)[.!?]\s+\S")
_WORD = re.compile(r"[^\W_][\w'’.-]*")
_HYPHENATED = re.compile(r"[^\W\d_]-$")
_FIRST_WORD = re.compile(r"\S+")
_SPACE_RUN = re.compile(r"\s+")
_UNTIDY_SPACE = re.compile(r"[^\S ]| \s")  # whitespace that is not a lone space


def _core(line: str) -> str:
    """The line without trailing spaces, closing quotes and closing brackets."""
    return line.rstrip().rstrip(_CLOSERS)


def ends_sentence(line: str) -> bool:
    """Whether a line ends with sentence punctuation (perhaps inside quotes or brackets).

    >>> ends_sentence("It ended."), ends_sentence('He said "no!"'), ends_sentence("(1950-1953)")
    (True, True, False)
    """
    return _core(line)[-1:] in tuple(_SENTENCE_END)


def _ends_clause(line: str) -> bool:
    """Whether a line ends with sentence or clause punctuation (. ! ? … : ; ,)."""
    return _core(line)[-1:] in tuple(_CLAUSE_END)


def _has_sentence_break(line: str) -> bool:
    """Whether a sentence ends inside the line ("It rained. Then"), abbreviations aside."""
    for match in _SENTENCE_BREAK.finditer(line):
        word = match.group(1)
        if match.start() == 0 or len(word) < 2 or word.isupper():
            continue  # "1. Introduction", "U.S. Policy", "NATO. Then" stays ambiguous
        if word.lower() not in _ABBREVIATIONS:
            return True
    return False


def looks_like_heading(line: str) -> bool:
    """Whether a single line, taken alone, has the shape of a heading.

    Short, not ending in sentence or clause punctuation, starting with a capital or a
    digit, and holding no sentence break.

    >>> looks_like_heading("The Korean War Legacy (1950-1953)")
    True
    >>> looks_like_heading("Historical Foundations: From War to Partnership")
    True
    >>> [looks_like_heading(s) for s in ("It ended.", "and then", "It rained. Then it", "1945")]
    [False, False, False, False]
    >>> looks_like_heading("10. Results for the U.S. Market"), looks_like_heading("In 1950. The")
    (True, False)
    """
    line = line.strip()
    if not line or len(line) >= _MAX_HEADING_CHARS or len(line.split()) > _MAX_HEADING_WORDS:
        return False
    if _ends_clause(line) or line.endswith(("-", "–", "—")):
        return False
    first = line.lstrip(_OPENERS)[:1]
    if not (first.isupper() or first.isdigit()):
        return False
    return any(ch.isalpha() for ch in line) and not _has_sentence_break(line)


def is_title_case(line: str) -> bool:
    """Whether most words that are not small function words start with a capital or digit.

    >>> is_title_case("Japan and Trilateral Cooperation"), is_title_case("The war began in")
    (True, False)
    """
    words = [w for w in _WORD.findall(line) if w.lower() not in _SMALL_WORDS]
    if not words:
        return False
    capitals = sum(1 for w in words if w[0].isupper() or w[0].isdigit())
    return capitals * 4 >= len(words) * 3


def _continues(line: str, following: str) -> bool:
    """Whether ``following`` reads as the rest of ``line``'s sentence."""
    if following[:1].islower():
        return True
    words = line.split()
    return line.endswith("&") or bool(words) and words[-1].lower() in _SMALL_WORDS


def _wrapped(line: str, following: str, width: int, *, slack: float = 0.0) -> bool:
    """Whether breaking ``line`` before ``following`` is what wrapping at ``width`` would do.

    That is, the next word would not have fitted, give or take ``slack`` (a fraction of the
    width, for proportional fonts).
    """
    found = _FIRST_WORD.search(following)  # not split(): no copy of a long line
    first_word = found.group() if found else ""
    return len(line) + 1 + len(first_word) > width * (1.0 - slack)


def _is_heading_line(
    line: str, prev: str | None, nxt: str | None, prev_heading: bool, width: int
) -> bool:
    """Whether a line inside a run of lines (no blank line between them) is a heading."""
    if not looks_like_heading(line):
        return False
    if prev is not None and not prev_heading and not _ends_clause(prev):
        return False  # the line finishes the previous line's sentence
    if nxt is None:
        return prev is None or prev_heading or is_title_case(line)
    if _continues(line, nxt) or (_BULLET.match(line) and _BULLET.match(nxt)):
        return False
    if width >= _MIN_WRAP_WIDTH and _wrapped(line, nxt, width):
        return False  # a full line of hard-wrapped prose
    return is_title_case(line) or len(line) * 5 <= len(nxt) * 3


def _short(lines: Sequence[str]) -> bool:
    """Whether joined lines could be short enough for a heading (joining never shortens)."""
    total = 0
    for line in lines:
        total += len(line)
        if total >= _MAX_HEADING_CHARS:
            return False
    return True


def _starts_block(prev: str, line: str, width: int) -> bool:
    """Whether ``line`` opens a new paragraph rather than continuing ``prev``.

    After a sentence end, a line starts a paragraph when lines are whole paragraphs (very
    long) or when its first word would have fitted on ``prev`` (so the break was not a wrap).
    """
    if _BULLET.match(line):
        return True
    if not ends_sentence(prev):
        return False
    return len(prev) > _LONG_LINE or not _wrapped(prev, line, width, slack=0.15)


def join_lines(lines: Sequence[str], *, dehyphenate: bool = False) -> str:
    """Join hard-wrapped lines with spaces; a word broken at a hyphen is rejoined.

    With ``dehyphenate`` (PDF) a hyphen before a lower-case letter goes; otherwise it
    stays ("well-known", "US-South").

    >>> join_lines(["inter-", "national law", "and well-", "known"], dehyphenate=True)
    'international law and wellknown'
    >>> join_lines(["well-", "known US-", "South"])
    'well-known US-South'

    The pieces are joined once at the end, and only the last few characters written so far
    are looked at, so the time is linear in the length of the lines.
    """
    if not lines:
        return ""
    pieces = [lines[0]]
    for line in lines[1:]:
        if not (_HYPHENATED.search(_tail(pieces)) and line[:1].isalpha()):
            pieces += (" ", line)
        elif dehyphenate and line[:1].islower():
            _drop_last_char(pieces)
            pieces.append(line)
        else:
            pieces.append(line)
    return "".join(pieces)


def _tail(pieces: list[str], size: int = 3) -> str:
    """The last ``size`` characters of ``"".join(pieces)``.

    Three are enough for ``_HYPHENATED``: a letter, the hyphen and ``$``'s optional newline.

    >>> _tail(["ab", "", "c", "d"]), _tail(["well-"]), _tail([""])
    ('bcd', 'll-', '')
    """
    taken: list[str] = []
    length = 0
    for piece in reversed(pieces):
        if length >= size:
            break
        taken.append(piece[-size:])
        length += len(taken[-1])
    return "".join(reversed(taken))[-size:]


def _drop_last_char(pieces: list[str]) -> None:
    """Remove the last character of ``"".join(pieces)`` from the pieces."""
    while pieces and not pieces[-1]:
        pieces.pop()
    if pieces:
        pieces[-1] = pieces[-1][:-1]


def segment_lines(
    lines: Sequence[str], *, detect_headings: bool = True, dehyphenate: bool = False
) -> list[Part]:
    """Cut one run of lines (no blank line between them) into heading and paragraph parts.

    >>> segment_lines(["Origins", "The war began in", "1950."])
    [('Origins', True), ('The war began in 1950.', False)]
    >>> segment_lines(["- one item", "- another"])
    [('one item', False), ('another', False)]
    >>> segment_lines(["Historical Foundations: From War", "to Partnership"])
    [('Historical Foundations: From War to Partnership', True)]
    """
    kept = [line.strip() for line in lines if any(ch.isalnum() for ch in line)]
    if detect_headings and len(kept) > 1 and _short(kept):
        whole = join_lines(kept)
        if looks_like_heading(whole) and is_title_case(whole):
            return [(whole, True)]  # a heading wrapped over two lines
    width = max((len(line) for line in kept), default=0)
    parts: list[Part] = []
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            text = join_lines(buffer, dehyphenate=dehyphenate)
            parts.append((_SYMBOL_BULLET.sub("", text), False))
            buffer.clear()

    prev_heading = False
    for i, line in enumerate(kept):
        prev = kept[i - 1] if i else None
        nxt = kept[i + 1] if i + 1 < len(kept) else None
        if detect_headings and _is_heading_line(line, prev, nxt, prev_heading, width):
            flush()
            parts.append((line, True))
            prev_heading = True
            continue
        if buffer and prev is not None and _starts_block(prev, line, width):
            flush()
        buffer.append(line)
        prev_heading = False
    flush()
    return parts


def split_paragraphs(text: str) -> list[list[str]]:
    """Split text at blank lines into runs of lines.

    >>> split_paragraphs("a\\nb\\n \\nc")
    [['a', 'b'], ['c']]
    """
    runs = re.split(r"\n[ \t]*\n", text)
    return [run.split("\n") for run in runs if run.strip()]


def segment_plain(
    text: str, *, detect_headings: bool = True, dehyphenate: bool = False
) -> list[Part]:
    """Cut plain text into parts: blank lines separate paragraphs, headings stand alone."""
    parts: list[Part] = []
    for run in split_paragraphs(text):
        parts.extend(segment_lines(run, detect_headings=detect_headings, dehyphenate=dehyphenate))
    return parts


def assemble(parts: Iterable[Part]) -> tuple[str, tuple[Block, ...]]:
    """Join parts with blank lines into one text and blocks whose offsets index it exactly.

    Whitespace inside a part collapses to single spaces; empty parts are dropped.

    >>> assemble([(" a \\n b ", False), ("", True), ("C", True)])
    ('a b\\n\\nC', (Block(start=0, end=3, text='a b', heading=False), \
Block(start=5, end=6, text='C', heading=True)))
    """
    pieces: list[str] = []
    blocks: list[Block] = []
    position = 0
    for raw, heading in parts:
        text = collapse_spaces(raw)
        if not text:
            continue
        if pieces:
            position += 2
        blocks.append(Block(position, position + len(text), text, heading))
        pieces.append(text)
        position += len(text)
    return "\n\n".join(pieces), tuple(blocks)


def collapse_spaces(text: str) -> str:
    """``" ".join(text.split())`` without a list of every word (a long text has millions).

    >>> collapse_spaces(" a \\n\\t b  c "), collapse_spaces("a b"), collapse_spaces(" ")
    ('a b c', 'a b', '')
    """
    if _UNTIDY_SPACE.search(text) is None and not text.startswith(" ") and not text.endswith(" "):
        return text  # already tidy: no copy
    return _SPACE_RUN.sub(" ", text).strip()


def build_document(
    parts: Iterable[Part], *, where: str, source: str, format: str, title: str | None = None
) -> Document:
    """Assemble parts into a Document; untitled, it takes its first block if a heading.

    >>> doc = build_document([("Origins", True), ("War.", False)], where="a.txt",
    ...                      source="a.txt", format="text/plain")
    >>> doc.title, doc.text, len(doc.blocks)
    ('Origins', 'Origins\\n\\nWar.', 2)
    """
    text, blocks = assemble(parts)
    if not blocks:
        raise ReadError(where, "the file has no readable text")
    if not title and blocks[0].heading:
        title = blocks[0].text
    return Document.from_text(text, source=source, title=title, format=format, blocks=blocks)
