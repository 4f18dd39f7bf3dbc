"""Tests for kg.ingest: discovery, the four readers, segmentation and every bad-input case."""

from __future__ import annotations

import io
import logging
import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

import kg
import kg.ingest.discovery as discovery
from kg.errors import InputError, ReadError, UsageError
from kg.ingest import SUFFIXES, InputFile, Outcome, discover, read_all, read_document, read_inputs
from kg.ingest.decode import DETECT_SAMPLE, transcode
from kg.ingest.read import read_file
from kg.ingest.segment import looks_like_heading, segment_plain
from kg.model import Document

SAMPLE = Path(kg.__file__).parent / "data" / "sample" / "us-korea-alliance.txt"


# ---------------------------------------------------------------- helpers


def assert_offsets(doc: Document) -> None:
    """The invariant every reader keeps: blocks index Document.text exactly."""
    assert doc.blocks, "a document has at least one block"
    assert doc.text == "\n\n".join(block.text for block in doc.blocks)
    position = 0
    for block in doc.blocks:
        assert block.start == position
        assert doc.text[block.start : block.end] == block.text
        assert block.text == block.text.strip() and "\n" not in block.text
        position = block.end + 2


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def read(path: Path) -> Document:
    doc = read_document(path, path.name)
    assert_offsets(doc)
    return doc


def read_error(path: Path) -> ReadError:
    with pytest.raises(ReadError) as caught:
        read_document(path, path.name)
    assert caught.value.path == str(path)
    assert str(caught.value).startswith(f"{path}: ")
    return caught.value


def blocks(doc: Document) -> list[tuple[str, bool]]:
    return [(block.text, block.heading) for block in doc.blocks]


def pdf_bytes(build: Callable[[FPDF], None], *, title: str | None = None) -> bytes:
    pdf = FPDF()
    if title:
        pdf.set_title(title)
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    build(pdf)
    return bytes(pdf.output())


def text_lines(*lines: str) -> Callable[[FPDF], None]:
    """Write each line as its own PDF text line ("" leaves a gap)."""

    def build(pdf: FPDF) -> None:
        for line in lines:
            if line:
                pdf.cell(text=line, new_x="LMARGIN", new_y="NEXT")
            else:
                pdf.ln(6)

    return build


# ---------------------------------------------------------------- plain text


@pytest.fixture(scope="module")
def sample() -> Document:
    doc = read_document(SAMPLE, SAMPLE.name)
    assert_offsets(doc)
    return doc


def test_sample_headings_are_blocks_of_their_own(sample: Document) -> None:
    found = {block.text: block.heading for block in sample.blocks}
    assert found["Historical Foundations: From War to Partnership"] is True
    assert found["The Korean War Legacy (1950-1953)"] is True
    assert found["Cold War Consolidation (1953-1989)"] is True
    assert found["Maxthon browser Windows 11 support"] is True
    after = sample.blocks.index(
        next(b for b in sample.blocks if b.text == "The Korean War Legacy (1950-1953)")
    )
    paragraph = sample.blocks[after + 1]
    assert paragraph.text.startswith("The modern US-South Korea alliance traces its origins")
    assert paragraph.heading is False


def test_sample_paragraphs_are_not_headings(sample: Document) -> None:
    paragraphs = [b for b in sample.blocks if not b.heading]
    assert sample.blocks[0].heading is False
    assert all(b.text.endswith((".", "”")) for b in paragraphs)
    assert all(len(b.text) < 120 and not b.text.endswith(".") for b in sample.blocks if b.heading)
    assert len(paragraphs) == 54 and len(sample.blocks) == 81


def test_sample_document_fields(sample: Document) -> None:
    assert sample.title == "us-korea-alliance"  # first block is a paragraph: the stem
    assert sample.format == "text/plain"
    assert sample.source == "us-korea-alliance.txt"
    assert "’" in sample.text and "\r" not in sample.text


@pytest.mark.parametrize("width", [60, 72, 80])
def test_hard_wrapped_prose_gives_the_same_blocks(tmp_path: Path, width: int) -> None:
    original = SAMPLE.read_text(encoding="utf-8")
    paragraphs = [p.strip() for p in original.split("\n\n") if p.strip()]
    wrapped = "\n\n".join("\n".join(textwrap.wrap(p, width)) for p in paragraphs)
    assert wrapped.count("\n") > original.count("\n") * 2
    assert segment_plain(wrapped) == segment_plain(original)


def test_paragraphs_on_single_lines_without_blank_lines(tmp_path: Path) -> None:
    original = SAMPLE.read_text(encoding="utf-8")
    paragraphs = [p.strip() for p in original.split("\n\n") if p.strip()]
    assert segment_plain("\n".join(paragraphs)) == segment_plain(original)


def test_heading_directly_above_its_paragraph(tmp_path: Path) -> None:
    doc = read(
        write(
            tmp_path,
            "a.txt",
            "Origins of the Alliance\n"
            "The alliance began in 1953 when the treaty was signed by both\n"
            "governments. It has lasted ever since.\n"
            "Later Years\n"
            "Trade grew.\n",
        )
    )
    assert blocks(doc) == [
        ("Origins of the Alliance", True),
        (
            "The alliance began in 1953 when the treaty was signed by both governments. "
            "It has lasted ever since.",
            False,
        ),
        ("Later Years", True),
        ("Trade grew.", False),
    ]
    assert doc.title == "Origins of the Alliance"


def test_bullets_and_separators_in_plain_text(tmp_path: Path) -> None:
    doc = read(write(tmp_path, "a.txt", "Members\n\n- Seoul\n- Busan is a port\n\n* * *\n\nEnd."))
    assert blocks(doc) == [
        ("Members", True),
        ("Seoul", False),
        ("Busan is a port", False),
        ("End.", False),
    ]


def test_hyphen_at_line_end_is_kept_in_plain_text(tmp_path: Path) -> None:
    doc = read(
        write(tmp_path, "a.txt", "It is a well-\nknown fact that the US-\nSouth alliance holds.")
    )
    assert doc.text == "It is a well-known fact that the US-South alliance holds."


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Historical Foundations: From War to Partnership", True),
        ("The Korean War Legacy (1950-1953)", True),
        ("1. Introduction", True),
        ("Maxthon", True),
        ("The war ended.", False),
        ("Key points:", False),
        ("Costs, benefits,", False),
        ('He said "stop."', False),
        ("continued from the last line", False),
        ("It rained. Then it", False),
        ("1953", False),
        (
            "One two three four five six seven eight nine ten eleven twelve thirteen fourteen 15",
            False,
        ),
        ("A" * 130, False),
    ],
)
def test_looks_like_heading(line: str, expected: bool) -> None:
    assert looks_like_heading(line) is expected


def test_text_is_normalised(tmp_path: Path) -> None:
    raw = "\ufeffCafe\u0301\u00a0Seoul\x07 is\tbig.\r\nNext line\x00".encode()
    doc = read(write(tmp_path, "a.txt", raw.replace(b"\x00", b"")))
    assert doc.text == "Café Seoul is big. Next line"
    assert doc.text[3] == "\u00e9"  # composed (NFC), not e + combining accent


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be"])
def test_utf16_with_bom(tmp_path: Path, codec: str) -> None:
    data = "Seoul is the capital.\n".encode(codec)
    if codec == "utf-16-be":
        data = b"\xfe\xff" + data
    assert read(write(tmp_path, "a.txt", data)).text == "Seoul is the capital."


def test_reading_twice_gives_the_same_document(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", "Origins\n\nSeoul is a city.\n")
    assert read(path) == read(path)


# ---------------------------------------------------------------- bad inputs


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "the file is empty"),
        ("blank.txt", b"  \n\t\r\n  ", "the file holds only whitespace"),
        ("blank.md", b"\n\n", "the file holds only whitespace"),
        ("nul.txt", b"Seoul\x00\x00\x01\x02 is big", "the file is binary, not text"),
        ("image.txt", PNG, "the file is binary, not text (it looks like a PNG image)"),
        ("image.html", PNG, "the file is binary, not text (it looks like a PNG image)"),
        (
            "mixed.txt",
            "Crème brûlée in Zürich. ".encode() + "Café au lait".encode("latin-1"),
            "the file is mostly UTF-8 but not valid UTF-8 (byte 0xe9 at offset 31); "
            "fix or remove that byte, or save the file as UTF-8",
        ),
        (
            "noise.txt",
            bytes(range(0xA0, 0x100)) * 8,
            "the file is not valid UTF-8 (byte 0xa0 at offset 0) and no other encoding reads "
            "it with confidence; save it as UTF-8",
        ),
        ("rules.txt", b"-----\n* * *\n", "the file has no readable text"),
        ("code.md", b"```\nprint(1)\n```\n<!-- note -->\n", "the file has no readable text"),
        (
            "script.html",
            b"<script>var x = 1;</script><style>p {}</style>",
            "the HTML has no visible text",
        ),
        ("empty.pdf", b"", "the file is empty"),
        ("text.pdf", b"Seoul is big.", "the file is not a PDF (it has no %PDF header)"),
    ],
)
def test_bad_inputs_raise_read_error(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    assert read_error(write(tmp_path, name, content)).reason == reason


def test_invalid_utf8_offset_counts_the_bom(tmp_path: Path) -> None:
    error = read_error(write(tmp_path, "a.txt", b"\xef\xbb\xbfab\xff"))
    assert error.reason.startswith("the file is mostly UTF-8 but not valid UTF-8 (byte 0xff at "
                                   "offset 5)")


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "a.txt", "Seoul.")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    assert read_error(path).reason == "permission denied"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads anything")
def test_permission_denied_for_real(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", "Seoul.")
    path.chmod(0)
    try:
        assert read_error(path).reason == "permission denied"
    finally:
        path.chmod(0o644)


def test_unsupported_suffix_for_read_document(tmp_path: Path) -> None:
    path = write(tmp_path, "a.xlsx", "Seoul.")
    with pytest.raises(UsageError, match=r"a\.xlsx: unsupported file type '\.xlsx'"):
        read_document(path, path.name)


def test_upper_case_suffixes_are_read(tmp_path: Path) -> None:
    assert read(write(tmp_path, "A.TXT", "Seoul.")).format == "text/plain"
    assert read(write(tmp_path, "B.HTM", "<p>Seoul.</p>")).format == "text/html"
    assert read(write(tmp_path, "C.Markdown", "Seoul.")).format == "text/markdown"


# ---------------------------------------------------------------- markdown


MARKDOWN = """---
layout: post
tags: [a, b]
---
# The *Alliance* Today #

Seoul is the **capital** of [South Korea](https://example.org/(kr)).
It is large. ![a map](map.png)

Security Cooperation
--------------------

- Joint `exercises` continue
- Trade: see [KORUS][korus]
  and more details
1. First _numbered_ item

> Quoted ~~old~~ text here.

```python
print("dropped")
```

<!-- a comment
over two lines -->

| Company | Country |
|---------|---------|
| Samsung | South Korea |

***

Escaped \\*stars\\* and snake_case_names stay.

[korus]: https://example.org/korus
"""


def test_markdown_blocks(tmp_path: Path) -> None:
    doc = read(write(tmp_path, "post.md", MARKDOWN))
    assert blocks(doc) == [
        ("The Alliance Today", True),
        ("Seoul is the capital of South Korea. It is large.", False),
        ("Security Cooperation", True),
        ("Joint exercises continue", False),
        ("Trade: see KORUS and more details", False),
        ("First numbered item", False),
        ("Quoted old text here.", False),
        ("Company", False),
        ("Country", False),
        ("Samsung", False),
        ("South Korea", False),
        ("Escaped *stars* and snake_case_names stay.", False),
    ]
    assert doc.title == "The Alliance Today"
    assert doc.format == "text/markdown"


def test_markdown_title_from_front_matter_or_stem(tmp_path: Path) -> None:
    front = read(write(tmp_path, "a.md", '---\ntitle: "Allies"\n---\n# Heading\n\nText.\n'))
    assert front.title == "Allies"
    assert read(write(tmp_path, "notes.md", "Just a sentence.\n\n# Later\n")).title == "notes"


def test_markdown_character_references(tmp_path: Path) -> None:
    assert read(write(tmp_path, "a.md", "AT&amp;T&nbsp;and R&D grew.")).text == "AT&T and R&D grew."


def test_markdown_bold_line_heading(tmp_path: Path) -> None:
    doc = read(
        write(tmp_path, "a.md", "**Background**\nThe war began in 1950 and ended in 1953.\n")
    )
    assert blocks(doc) == [
        ("Background", True),
        ("The war began in 1950 and ended in 1953.", False),
    ]


# ---------------------------------------------------------------- HTML


HTML = b"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title> The  Alliance </title>
<style>p { color: red }</style><script>var heading = "<h1>no</h1>";</script></head>
<body><nav><a href="/">Home</a> <a href="/about">About</a></nav>
<!-- a comment -->
<h1>Origins of <em>the</em> Alliance</h1>
<p>Seoul <b>is</b> the
   capital of <a href="x">South Korea</a>.</p>
<noscript>Enable JavaScript</noscript><template><p>Template text</p></template>
<ul><li>Samsung</li><li>LG <i>Energy</i> Solution</li></ul>
<table><tr><th>Name</th><td>Hyundai</td></tr></table>
<div>Outer text <div>inner block</div> tail text</div>
<h2>Later&nbsp;Years</h2>
<blockquote>Trade grew.<br><br>Then it grew again.</blockquote>
<pre>Line  one.
Line two.</pre>
<p hidden>Hidden text</p>
</body></html>"""


def test_html_blocks(tmp_path: Path) -> None:
    doc = read(write(tmp_path, "page.html", HTML))
    assert blocks(doc) == [
        ("Origins of the Alliance", True),
        ("Seoul is the capital of South Korea.", False),
        ("Samsung", False),
        ("LG Energy Solution", False),
        ("Name", False),
        ("Hyundai", False),
        ("Outer text", False),
        ("inner block", False),
        ("tail text", False),
        ("Later Years", True),
        ("Trade grew.", False),
        ("Then it grew again.", False),
        ("Line one. Line two.", False),
    ]
    assert doc.title == "The Alliance"
    assert doc.format == "text/html"


def test_html_title_falls_back_to_h1_then_stem(tmp_path: Path) -> None:
    assert read(write(tmp_path, "a.html", "<p>Text.</p><h1>First</h1>")).title == "First"
    assert read(write(tmp_path, "page.htm", "<p>Only text.</p>")).title == "page"


def test_html_declared_charset(tmp_path: Path) -> None:
    page = '<meta charset="iso-8859-1"><p>Café in Seoul.</p>'.encode("latin-1")
    assert read(write(tmp_path, "a.html", page)).text == "Café in Seoul."


def test_html_character_references_are_normalised(tmp_path: Path) -> None:
    page = "<p>Soft&shy;ware &amp; zero&#8203;width&#7; text&nbsp;here.</p>"
    assert read(write(tmp_path, "a.html", page)).text == "Software & zerowidth text here."


def test_html_deep_nesting(tmp_path: Path) -> None:
    page = "<div>" * 3000 + "Deep text." + "</div>" * 3000
    assert read(write(tmp_path, "deep.html", page)).text == "Deep text."


# ---------------------------------------------------------------- PDF


def test_pdf_text_paragraphs_and_headings(tmp_path: Path) -> None:
    data = pdf_bytes(
        text_lines(
            "Historical Foundations",
            "The modern alliance traces its origins to the Korean War, when inter-",
            "national forces intervened. The conflict established the security",
            "architecture that continues today.",
            "Cold War Consolidation (1953-1989)",
            "During the Cold War, the relationship was characterized by clear",
            "hierarchical dynamics.",
        )
    )
    doc = read(write(tmp_path, "report.pdf", data))
    assert blocks(doc) == [
        ("Historical Foundations", True),
        (
            "The modern alliance traces its origins to the Korean War, when international "
            "forces intervened. The conflict established the security architecture that "
            "continues today.",
            False,
        ),
        ("Cold War Consolidation (1953-1989)", True),
        (
            "During the Cold War, the relationship was characterized by clear "
            "hierarchical dynamics.",
            False,
        ),
    ]
    assert doc.format == "application/pdf"
    assert doc.title == "Historical Foundations"


def test_pdf_of_the_sample_keeps_its_headings(tmp_path: Path, sample: Document) -> None:
    ascii_text = {"’": "'", "—": "-", "–": "-", "“": '"', "”": '"'}
    headings = {b.text for b in sample.blocks if b.heading}
    pdf = FPDF()
    pdf.add_page()
    for block in sample.blocks:
        text = "".join(ascii_text.get(ch, ch) for ch in block.text)
        pdf.set_font("helvetica", "B" if block.heading else "", 14 if block.heading else 11)
        pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
    doc = read(write(tmp_path, "sample.pdf", bytes(pdf.output())))
    assert {b.text for b in doc.blocks if b.heading} == headings
    assert len(doc.blocks) > 70 and doc.text.count("\n\n") == len(doc.blocks) - 1
    assert "Korean War, when American forces" in doc.text  # wrapped lines joined


def test_pdf_metadata_title_and_pages(tmp_path: Path) -> None:
    def two_pages(pdf: FPDF) -> None:
        pdf.cell(text="Seoul is the capital of South Korea.")
        pdf.add_page()
        pdf.cell(text="Busan is a port city.")

    doc = read(write(tmp_path, "a.pdf", pdf_bytes(two_pages, title="Korean Cities")))
    assert doc.title == "Korean Cities"
    assert "Seoul is the capital of South Korea." in doc.text
    assert "Busan is a port city." in doc.text


def test_pdf_without_text(tmp_path: Path) -> None:
    data = pdf_bytes(lambda pdf: pdf.rect(10, 10, 80, 60, style="F"))
    reason = read_error(write(tmp_path, "scan.pdf", data)).reason
    assert reason == "the PDF has no extractable text (scanned images?)"


def test_pdf_encrypted_with_a_password(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("helvetica")
    pdf.cell(text="Classified text.")
    reason = read_error(write(tmp_path, "locked.pdf", bytes(pdf.output()))).reason
    assert reason.startswith("the PDF is encrypted")


def test_pdf_encrypted_with_owner_password_only_is_read(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(pdf_bytes(text_lines("Seoul is a city.")))))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    assert read(write(tmp_path, "open.pdf", out.getvalue())).text == "Seoul is a city."


@pytest.mark.parametrize("kind", ["garbage", "truncated"])
def test_pdf_damaged(tmp_path: Path, kind: str) -> None:
    good = pdf_bytes(text_lines("Seoul is a city."))
    data = b"%PDF-1.7\n" + b"\x13garbage\x00" * 40 if kind == "garbage" else good[: len(good) // 3]
    reason = read_error(write(tmp_path, f"{kind}.pdf", data)).reason
    assert reason.startswith("the PDF is damaged: ")
    assert len(reason) > len("the PDF is damaged: ")


def test_pdf_reading_is_quiet(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="pypdf")
    read_error(write(tmp_path, "bad.pdf", b"%PDF-1.4\nnot really"))
    assert [r for r in caplog.records if r.name.startswith("pypdf")] == []
    assert logging.getLogger("pypdf").level == logging.DEBUG  # restored afterwards


# ---------------------------------------------------------------- discover


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    write(root, "b.md", "# B\n")
    write(root, "a.TXT", "A.")
    write(root, "sub/c.html", "<p>C.</p>")
    write(root, "sub/deep/d.pdf", pdf_bytes(text_lines("D.")))
    write(root, "sub/skip.xlsx", "x")
    write(root, "notes", "no suffix")
    write(root, ".hidden/e.txt", "E.")
    return root


EXPECTED = ["docs/a.TXT", "docs/b.md", "docs/sub/c.html", "docs/sub/deep/d.pdf"]


def test_discover_recurses_sorts_and_names(corpus: Path) -> None:
    found = discover([corpus])
    assert [source for _, source in found] == EXPECTED
    assert [path for path, _ in found] == [corpus / s.removeprefix("docs/") for s in EXPECTED]


def test_discover_sources_do_not_depend_on_cwd(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(corpus.parent)
    relative = [source for _, source in discover([Path("docs")])]
    monkeypatch.chdir(corpus / "sub")
    dotted = [source for _, source in discover([Path("../../docs/")])]
    monkeypatch.chdir(corpus)
    here = [source for _, source in discover([Path(".")])]
    assert relative == dotted == here == EXPECTED
    assert discover([Path("sub/c.html")]) == [(Path("sub/c.html"), "c.html")]


def test_discover_no_duplicates(corpus: Path) -> None:
    found = discover([corpus / "b.md", corpus, corpus / "sub", corpus / "b.md"])
    assert len(found) == len({os.path.realpath(p) for p, _ in found}) == 4
    assert ("b.md" in [s for _, s in found]) and "docs/b.md" not in [s for _, s in found]


def test_discover_survives_symlink_loops(corpus: Path) -> None:
    (corpus / "sub" / "loop").symlink_to(corpus, target_is_directory=True)
    (corpus / "sub" / "again").symlink_to(corpus / "sub", target_is_directory=True)
    (corpus / "alias.txt").symlink_to(corpus / "a.TXT")
    (corpus / "broken.txt").symlink_to(corpus / "missing.txt")
    found = discover([corpus])
    assert [source for _, source in found] == EXPECTED  # alias.txt is a.TXT again


def test_discover_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    with pytest.raises(InputError, match=r"nope\.txt: no such file or folder"):
        discover([missing])
    (tmp_path / "dangling.txt").symlink_to(missing)
    with pytest.raises(InputError, match="a broken symlink"):
        discover([tmp_path / "dangling.txt"])


def test_discover_named_unsupported_file(corpus: Path) -> None:
    with pytest.raises(UsageError, match=r"skip\.xlsx: unsupported file type '\.xlsx'"):
        discover([corpus / "sub" / "skip.xlsx"])
    with pytest.raises(UsageError, match=r"notes: unsupported file type \(no suffix\)"):
        discover([corpus / "notes"])


def test_discover_collects_unlistable_folders(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_scandir = os.scandir

    def scandir(path: Path) -> object:
        if Path(path).name == "deep":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(discovery.os, "scandir", scandir)
    errors: list[ReadError] = []
    found = discover([corpus], errors=errors)
    assert [source for _, source in found] == EXPECTED[:3]
    assert [(e.path, e.reason) for e in errors] == [
        (str(corpus / "sub" / "deep"), "permission denied; the folder was skipped")
    ]
    with pytest.raises(ReadError, match="permission denied"):
        discover([corpus])


def test_suffixes() -> None:
    assert SUFFIXES == (".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx")


# ---------------------------------------------------------------- read_all


def test_read_all_goes_on_past_bad_files(corpus: Path) -> None:
    write(corpus, "bad/empty.txt", b"")
    write(corpus, "bad/image.txt", PNG)
    write(corpus, "bad/broken.pdf", b"%PDF-1.4\nbroken")
    docs, errors = read_all([corpus])
    assert [d.source for d in docs] == EXPECTED
    assert [(Path(e.path).name, e.reason.split(":")[0]) for e in errors] == [
        ("broken.pdf", "the PDF is damaged"),
        ("empty.txt", "the file is empty"),
        ("image.txt", "the file is binary, not text (it looks like a PNG image)"),
    ]
    for doc in docs:
        assert_offsets(doc)
    assert [d.format for d in docs] == [
        "text/plain",
        "text/markdown",
        "text/html",
        "application/pdf",
    ]


def test_read_all_raises_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        read_all([tmp_path / "missing"])


# ---------------------------------------------------------------- encodings other than UTF-8

#: A BBC-style sports story saved by Windows: a pound sign and curly quotes in cp1252.
SPORT = (
    "Chelsea agree fee for striker\n\n"
    "Chelsea have agreed a \u00a312m fee with Lyon for the striker, the club said on Monday.\n"
    "\u201cWe are delighted,\u201d the manager said \u2013 the deal runs until 2010.\n"
)


def test_a_windows_1252_file_is_read_and_the_encoding_named(tmp_path: Path) -> None:
    path = write(tmp_path, "sport-199.txt", SPORT.encode("cp1252"))
    doc, note = read_file(path, "sport-199.txt")
    assert note == "not UTF-8; read as cp1252"
    assert doc == read_document(write(tmp_path, "utf8.txt", SPORT), "sport-199.txt")
    assert "\u00a312m" in doc.text and "\u201cWe are delighted,\u201d" in doc.text


@pytest.mark.parametrize(
    ("name", "text", "codec", "found"),
    [
        ("latin1.md", "# Caf\u00e9s\n\nThe caf\u00e9 in Z\u00fcrich opened.\n", "latin-1",
         "cp1252"),
        ("moscow.txt", "\u041c\u043e\u0441\u043a\u0432\u0430 \u2014 \u0441\u0442\u043e"
         "\u043b\u0438\u0446\u0430 \u0420\u043e\u0441\u0441\u0438\u0438 \u0438 "
         "\u043a\u0440\u0443\u043f\u043d\u0435\u0439\u0448\u0438\u0439 \u0433\u043e"
         "\u0440\u043e\u0434.\n", "cp1251", "cp1251"),
        ("page.html", "<p>Le caf\u00e9 \u00e0 Gen\u00e8ve co\u00fbte 5 \u20ac.</p>", "cp1252",
         "cp1252"),
    ],
)
def test_other_encodings_are_detected(
    tmp_path: Path, name: str, text: str, codec: str, found: str
) -> None:
    path = write(tmp_path, name, text.encode(codec))
    doc, note = read_file(path, name)
    assert note == f"not UTF-8; read as {found}"
    assert doc == read_document(write(tmp_path, "utf8" + Path(name).suffix, text), name)


def test_a_declared_html_charset_wins_over_detection(tmp_path: Path) -> None:
    page = '<meta charset="iso-8859-15"><p>The price is 5 \u20ac in Seoul.</p>'
    doc, note = read_file(write(tmp_path, "a.html", page.encode("iso-8859-15")), "a.html")
    assert doc.text == "The price is 5 \u20ac in Seoul." and note == "not UTF-8; read as iso8859-15"


@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
def test_utf8_and_utf16_with_a_bom_read_as_before(tmp_path: Path, codec: str) -> None:
    bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}.get(codec, b"")
    data = bom + SPORT.encode(codec)
    assert transcode(data, "a.txt") == (data, None)  # the very bytes, untouched
    doc, note = read_file(write(tmp_path, "a.txt", data), "a.txt")
    assert note == "" and doc == read_document(write(tmp_path, "b.txt", SPORT), "a.txt")


def test_detection_reads_a_bounded_sample_then_the_whole_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import charset_normalizer

    seen: list[int] = []
    real = charset_normalizer.from_bytes

    def spy(data: bytes, **options: object) -> object:
        seen.append(len(data))
        return real(data, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(charset_normalizer, "from_bytes", spy)
    story = SPORT.encode("cp1252") * 4000  # about 800 kB
    doc, note = read_file(write(tmp_path, "long.txt", story), "long.txt")
    assert note == "not UTF-8; read as cp1252"
    assert seen and max(seen) <= DETECT_SAMPLE < len(story)
    assert doc.text.count("\u00a312m") == 4000


def test_a_byte_the_detected_codec_lacks_further_on_is_reported(tmp_path: Path) -> None:
    head = SPORT.encode("cp1252") * 2000  # cp1252 judged on the sample...
    data = head + b"\n\x81 undefined in cp1252\n"  # ...and 0x81 after it
    assert len(head) > DETECT_SAMPLE
    error = read_error(write(tmp_path, "late.txt", data))
    assert error.reason == (
        f"the file reads as cp1252 at first, but not further on (byte 0x81 at offset "
        f"{len(head) + 1}); save it as UTF-8"
    )


# ---------------------------------------------------------------- every input accounted for


def test_every_file_in_a_folder_is_accounted_for(tmp_path: Path) -> None:
    root = tmp_path / "docs"
    write(root, "a.txt", "Seoul is a city.\n")
    write(root, "b.txt", "Seoul is a city.\n")  # the same text as a.txt
    write(root, "c.txt", SPORT.encode("cp1252"))
    write(root, "empty.md", b"")
    write(root, ".hidden.txt", "Busan is a port.\n")
    write(root, ".git/objects/ab/cdef", "blob")
    write(root, ".git/HEAD", "ref: refs/heads/main")
    write(root, "sheet.xlsx", "PK")
    write(root, "Makefile", "all:")
    write(root, "sub/photo.PNG", PNG)
    found = read_inputs([root])
    assert [(f.source, f.outcome, f.detail) for f in found.files] == [
        ("docs/.git", Outcome.IGNORED, "a hidden folder; not searched"),
        ("docs/.hidden.txt", Outcome.IGNORED, "a hidden file"),
        ("docs/Makefile", Outcome.IGNORED, "unsupported type (no suffix)"),
        ("docs/a.txt", Outcome.READ, ""),
        ("docs/b.txt", Outcome.READ, ""),
        ("docs/c.txt", Outcome.READ, "not UTF-8; read as cp1252"),
        ("docs/empty.md", Outcome.UNREADABLE, "the file is empty"),
        ("docs/sheet.xlsx", Outcome.IGNORED, "unsupported type '.xlsx'"),
        ("docs/sub/photo.PNG", Outcome.IGNORED, "unsupported type '.png'"),
    ]
    read_shas = [f.sha256 for f in found.files if f.outcome is Outcome.READ]
    assert read_shas == [d.sha256 for d in found.documents]
    assert [e.reason for e in found.errors] == ["the file is empty"]
    documents, errors = read_all([root])
    assert documents == found.documents and [str(e) for e in errors] == [str(root / "empty.md")
                                                                         + ": the file is empty"]


def test_a_named_hidden_file_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, ".notes.txt", "Seoul is a city.\n")
    [entry] = read_inputs([path]).files
    assert entry.outcome is Outcome.READ and entry.source == ".notes.txt"


def test_ignored_entries_are_listed_once_when_a_folder_is_walked_twice(tmp_path: Path) -> None:
    root = tmp_path / "docs"
    write(root, "sub/a.txt", "Seoul is a city.\n")
    write(root, "sub/skip.xlsx", "x")
    found = read_inputs([root, root / "sub"])
    assert [(f.source, f.outcome) for f in found.files] == [
        ("docs/sub/a.txt", Outcome.READ),
        ("docs/sub/skip.xlsx", Outcome.IGNORED),
    ]


def test_unlistable_folders_are_accounted_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "docs"
    write(root, "a.txt", "Seoul is a city.\n")
    write(root, "locked/b.txt", "Busan is a port.\n")
    real_scandir = os.scandir

    def scandir(path: Path) -> object:
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(discovery.os, "scandir", scandir)
    found = read_inputs([root])
    assert sorted((f.path, f.outcome.value, f.detail) for f in found.files) == [
        (str(root / "a.txt"), "read", ""),
        (str(root / "locked"), "unreadable", "permission denied; the folder was skipped"),
    ]


def test_report_lines_escape_control_characters_in_names(tmp_path: Path) -> None:
    name = "evil\x1b[2J\x1b]0;owned\x07\nkg build: everything fine.txt"
    write(tmp_path / "docs", name, b"")
    write(tmp_path / "docs", "x\u202etxt.exe", "x")
    lines = [f.describe() for f in read_inputs([tmp_path / "docs"]).files]
    assert lines == [
        f"skipped {tmp_path}/docs/evil\\x1b[2J\\x1b]0;owned\\x07\\nkg build: everything "
        "fine.txt: the file is empty",
        f"skipped {tmp_path}/docs/x\\u202etxt.exe: unsupported type '.exe'",
    ]
    assert all(line.isprintable() for line in lines)


def test_input_file_lines() -> None:
    assert InputFile("a.txt", "a.txt", Outcome.READ).describe() == "read a.txt"
