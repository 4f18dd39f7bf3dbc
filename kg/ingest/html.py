"""Reader for HTML (.html, .htm), with BeautifulSoup on the standard library's parser.

Scripts, styles, templates, menus (``nav``) and the ``<head>`` (its ``<title>`` aside) are
dropped; ``h1``-``h6`` become heading blocks; block elements (``p``, ``li``, ``td``, ``div``,
``pre``...) become separate blocks; inline text joins with its neighbours; whitespace
collapses.

>>> page = b"<title>Allies</title><h1>Origins</h1><p>Seoul <b>is</b> a city.<p>Busan too."
>>> doc = read_html(page, "a.html", "a.html")
>>> doc.title, doc.text
('Allies', 'Origins\\n\\nSeoul is a city.\\n\\nBusan too.')
"""

from __future__ import annotations

import re
import warnings

from bs4 import BeautifulSoup
from bs4.element import NavigableString, PageElement, PreformattedString, Tag

from kg.errors import ReadError
from kg.ingest.decode import decode_text, normalize
from kg.ingest.segment import Part, build_document, segment_lines, split_paragraphs
from kg.model import Document

HTML = "text/html"

_DROP = frozenset(
    """script style noscript template head title nav svg math canvas iframe object embed
    select""".split()
)
_HEADINGS = frozenset(f"h{n}" for n in range(1, 7))
_BLOCKS = frozenset(
    """address article aside blockquote body caption center dd details dialog div dl dt
    fieldset figcaption figure footer form header hgroup hr html legend li main nav ol p pre
    section summary table tbody td tfoot th thead tr ul""".split()
)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)


class _Collector:
    """Gathers parts from a parse tree: text waits in a buffer until a block boundary."""

    def __init__(self) -> None:
        self.parts: list[Part] = []
        self.buffer: list[str] = []
        self.heading = 0  # depth inside h1-h6
        self.pre = 0  # depth inside <pre>

    def flush(self) -> None:
        text, self.buffer = "".join(self.buffer), []
        if self.heading:
            self.parts.append((text, True))
            return
        for run in split_paragraphs(text):
            self.parts.extend(segment_lines(run, detect_headings=False))

    def text(self, node: NavigableString) -> None:
        if not isinstance(node, PreformattedString):  # comments, doctypes, CDATA
            text = normalize(str(node))  # entities such as &#8203; arrive only now
            self.buffer.append(text if self.pre else re.sub(r"\s+", " ", text))

    def enter(self, tag: Tag) -> None:
        if tag.name == "br":
            self.buffer.append("\n")
        elif tag.name in _HEADINGS:
            if not self.heading:
                self.flush()
            self.heading += 1
        elif tag.name in _BLOCKS and not self.heading:
            self.flush()
        self.pre += tag.name == "pre"

    def leave(self, tag: Tag) -> None:
        if tag.name in _HEADINGS:
            if self.heading == 1:
                self.flush()
            self.heading -= 1
        elif tag.name in _BLOCKS and not self.heading:
            self.flush()
        self.pre -= tag.name == "pre"


def _skipped(tag: Tag) -> bool:
    """Whether a tag and everything inside it is invisible."""
    return tag.name in _DROP or tag.has_attr("hidden")


def html_parts(root: Tag) -> list[Part]:
    """Walk a parse tree without recursion (deep nesting is fine) and return its parts."""
    collector = _Collector()
    stack: list[tuple[PageElement, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        if isinstance(node, NavigableString):
            collector.text(node)
        elif isinstance(node, Tag) and leaving:
            collector.leave(node)
        elif isinstance(node, Tag) and not _skipped(node):
            collector.enter(node)
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(node.contents))
    collector.flush()
    return collector.parts


def _title(soup: BeautifulSoup) -> str | None:
    """The page's ``<title>``, else its first ``<h1>``, else None."""
    for tag in (soup.title, soup.find("h1")):
        if isinstance(tag, Tag):
            text = " ".join(normalize(tag.get_text(" ")).split())
            if text:
                return text
    return None


def _declared_charset(data: bytes) -> str | None:
    """The ``charset`` a ``<meta>`` tag declares near the top, if any."""
    match = _CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def read_html(data: bytes, where: str, source: str) -> Document:
    """Read an HTML file's bytes; UTF-8 first, then the charset the page declares."""
    text = decode_text(data, where, fallback=_declared_charset(data))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # bs4's "looks like a file name / XML" hints
        soup = BeautifulSoup(text, "html.parser")
    parts = html_parts(soup)
    if not any(part.strip() for part, _ in parts):
        raise ReadError(where, "the HTML has no visible text")
    return build_document(parts, where=where, source=source, format=HTML, title=_title(soup))
