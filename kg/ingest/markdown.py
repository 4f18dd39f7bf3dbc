"""Markdown to parts: headings from ``#`` and underlines, list items and table cells apart.

Front matter, code fences, HTML comments, images and link targets are dropped; emphasis
and code markers are stripped; ordinary paragraphs are cut like plain text.

>>> parts, title = markdown_parts("# The *Alliance*\\n\\n- See [the treaty](t.html).\\n")
>>> parts, title
([('The Alliance', True), ('See the treaty.', False)], None)
"""

from __future__ import annotations

import html
import re

from kg.ingest.decode import normalize
from kg.ingest.segment import Part, join_lines, segment_lines

_PUA = 0xE000  # escaped characters hide here while markers are stripped
_PUNCT = "\\`*_{}[]()#+-.!|>~<"
_HIDE = {ord(c): chr(_PUA + ord(c)) for c in _PUNCT}
_SHOW = {_PUA + ord(c): c for c in _PUNCT}

_FRONT = re.compile(r"\A---[ \t]*\n(.*?\n)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_FRONT_TITLE = re.compile(r"^title:[ \t]*(.+?)[ \t]*$", re.M)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?(.*)$")
_QUOTE = re.compile(r"^(?: {0,3}>[ \t]?)+")
_REFDEF = re.compile(r"^ {0,3}\[[^\]]+\]:[ \t]*\S")
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")

#: The longest span one inline rule looks across (link text, an emphasis, a tag, a code span;
#: a URL may be ``URL_SPAN`` long). A longer one keeps its markers as text. The bounds keep the
#: rules linear in the text's size: an unbounded lazy span, tried from every ``*`` or ``[`` of
#: a long line, made reading quadratic.
SPAN, URL_SPAN = 300, 2000

_INLINE: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"!\[[^\]]{{0,{SPAN}}}\](?:\((?:[^()]|\([^)]{{0,{SPAN}}}\)){{0,{URL_SPAN}}}\)"
                rf"|\[[^\]]{{0,{SPAN}}}\])"), ""),  # images
    (re.compile(rf"\[([^\]]{{0,{SPAN}}})\]\((?:[^()]|\([^)]{{0,{SPAN}}}\)){{0,{URL_SPAN}}}\)"),
     r"\1"),  # [text](url)
    (re.compile(rf"\[([^\]]{{1,{SPAN}}})\]\[[^\]]{{0,{SPAN}}}\]"), r"\1"),  # [text][ref]
    (re.compile(rf"<((?:https?|ftp|mailto):[^>\s]{{1,{URL_SPAN}}}"
                rf"|[^@\s<>]{{1,{SPAN}}}@[^>\s]{{1,{SPAN}}})>"), r"\1"),  # autolinks
    (re.compile(rf"</?[A-Za-z][^>]{{0,{SPAN}}}>"), ""),  # inline HTML tags
    (re.compile(rf"(\*{{1,3}})(?=\S)(.{{1,{SPAN}}}?)(?<=\S)\1"), r"\2"),  # *emphasis*
    (re.compile(rf"(?<!\w)(_{{1,3}})(?=\S)(.{{1,{SPAN}}}?)(?<=\S)\1(?!\w)"), r"\2"),  # _emphasis_
    (re.compile(rf"~~(?=\S)(.{{1,{SPAN}}}?)(?<=\S)~~"), r"\1"),  # ~~strike~~
)


def _hide_code(match: re.Match[str]) -> str:
    """A code span's content with its markdown punctuation hidden from the other rules."""
    return match.group(2).strip().translate(_HIDE)


def clean_inline(text: str) -> str:
    """Strip inline markup: emphasis, code ticks, links (keep the text), images, tags.

    Character references (``&amp;``) are decoded.

    >>> clean_inline("AT&amp;T&nbsp;Inc")
    'AT&T Inc'
    >>> clean_inline(r"**Bold** _it_ `a*b` [Seoul](https://x.org/(a)) ![logo](l.png) \\*x\\*")
    'Bold it a*b Seoul  *x*'
    >>> clean_inline("snake_case_name and 5 * 3 * 2")
    'snake_case_name and 5 * 3 * 2'
    """
    text = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|>~<])", lambda m: m.group(1).translate(_HIDE), text)
    text = re.sub(rf"(`+)(.{{1,{SPAN}}}?)\1", _hide_code, text)
    for _ in range(3):  # nested emphasis, like **bold *and* italic**
        before = text
        for pattern, replacement in _INLINE:
            text = pattern.sub(replacement, text)
        if text == before:
            break
    return normalize(html.unescape(text.translate(_SHOW)))


def _front_matter(text: str) -> tuple[str, str | None]:
    """Drop a leading ``---`` YAML block; return the rest and its ``title:`` if any.

    >>> _front_matter("---\\ntitle: 'Seoul'\\n---\\nBody")
    ('Body', 'Seoul')
    """
    match = _FRONT.match(text)
    if not match:
        return text, None
    found = _FRONT_TITLE.search(match.group(1))
    title = found.group(1).strip("\"'").strip() if found else None
    return text[match.end() :], title or None


def _cells(row: str) -> list[str]:
    """The cells of a table row, split at unescaped pipes."""
    row = row.strip()
    row = row[1:] if row.startswith("|") else row
    row = row[:-1] if row.endswith("|") and not row.endswith("\\|") else row
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", row)]


class _Converter:
    """Walks Markdown lines once, keeping the pending paragraph and the parts made so far."""

    def __init__(self) -> None:
        self.parts: list[Part] = []
        self.para: list[str] = []
        self.item = False  # the pending paragraph is a list item
        self.fence = ""  # the open code fence marker, if inside one
        self.table = False

    def flush(self) -> None:
        lines = [clean_inline(line) for line in self.para]
        if self.item:
            self.parts.append((join_lines([ln.strip() for ln in lines if ln.strip()]), False))
        elif lines:
            self.parts.extend(segment_lines(lines))
        self.para, self.item = [], False

    def emit(self, text: str, heading: bool) -> None:
        self.flush()
        self.parts.append((clean_inline(text), heading))

    def line(self, raw: str) -> None:
        if self.fence:
            if self._closes_fence(raw):
                self.fence = ""
            return
        if marker := _FENCE.match(raw):
            self.flush()
            self.fence = marker.group(1)
            return
        line = _QUOTE.sub("", raw)
        handlers = (self._blank, self._atx, self._refdef, self._setext, self._rule)
        if not any(handler(line) for handler in (*handlers, self._table, self._item)):
            self.para.append(line)

    def _closes_fence(self, raw: str) -> bool:
        marker = _FENCE.match(raw)
        if not marker or raw[marker.end() :].strip():
            return False
        closing = marker.group(1)
        return closing[0] == self.fence[0] and len(closing) >= len(self.fence)

    def _blank(self, line: str) -> bool:
        if line.strip():
            return False
        self.flush()
        self.table = False
        return True

    def _atx(self, line: str) -> bool:
        match = _ATX.match(line)
        if match:
            self.emit(match.group(1) or "", True)
        return bool(match)

    def _refdef(self, line: str) -> bool:
        return bool(_REFDEF.match(line))  # [ref]: https://... defines a link target

    def _setext(self, line: str) -> bool:
        if not (_SETEXT.match(line) and self.para and not self.item and not self.table):
            return False
        text, self.para = " ".join(s.strip() for s in self.para), []
        self.emit(text, True)
        return True

    def _rule(self, line: str) -> bool:
        if _RULE.match(line) or _SETEXT.match(line):
            self.flush()
            return True
        return False

    def _table(self, line: str) -> bool:
        if "|" in line and _TABLE_RULE.match(line) and self.para and "|" in self.para[-1]:
            header = self.para.pop()
            self.flush()
            self.table = True
            line = header
        elif not (self.table and "|" in line):
            return False
        for cell in _cells(line):
            self.emit(cell, False)
        return True

    def _item(self, line: str) -> bool:
        match = _ITEM.match(line)
        if match:
            self.flush()
            self.para, self.item = [match.group(1)], True
        return bool(match)


def markdown_parts(text: str) -> tuple[list[Part], str | None]:
    """Markdown text to parts, and the front-matter title if there is one.

    >>> markdown_parts("Alliance\\n========\\nText *here*.\\n\\n```\\ncode\\n```\\n")[0]
    [('Alliance', True), ('Text here.', False)]
    """
    body, title = _front_matter(text)
    converter = _Converter()
    for raw in _COMMENT.sub("", body).split("\n"):
        converter.line(raw)
    converter.flush()
    return converter.parts, title
