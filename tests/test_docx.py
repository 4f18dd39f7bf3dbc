"""Word documents (.docx): headings, paragraphs and table cells read; hostile packages refused.

Every .docx here is written by python-docx in the test, or built by hand with zipfile.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest

from kg.build import build
from kg.errors import ReadError
from kg.ingest import read_document, read_inputs
from kg.ingest.docx import DOCX, MAX_XML, read_docx


def word_bytes() -> bytes:
    """A small Word document: title, two headings, paragraphs, a list item and a table."""
    word = docx.Document()
    word.core_properties.title = "Trade and Alliances"
    word.add_heading("Origins", level=1)
    word.add_paragraph("Samsung invested in Vietnam in 2019.")
    word.add_paragraph("Toyota opened a plant in Poland.", style="List Bullet")
    word.add_heading("Partners", level=2)
    table = word.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Nokia invested in Portugal."
    table.cell(0, 1).text = "Volvo"
    merged = table.cell(1, 0).merge(table.cell(1, 1))
    merged.text = "Germany trades with France."
    inner = table.cell(0, 1).add_table(rows=1, cols=1)
    inner.cell(0, 0).text = "Nested cell text."
    word.add_paragraph("Line one\nline two of the same paragraph.")
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def test_headings_paragraphs_and_table_cells_become_blocks(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    path.write_bytes(word_bytes())
    doc = read_document(path, "report.docx")
    assert doc.format == DOCX and doc.title == "Trade and Alliances"
    blocks = [(b.text, b.heading) for b in doc.blocks]
    assert blocks[:4] == [
        ("Origins", True),
        ("Samsung invested in Vietnam in 2019.", False),
        ("Toyota opened a plant in Poland.", False),
        ("Partners", True),
    ]
    texts = [text for text, _ in blocks]
    assert texts.count("Germany trades with France.") == 1  # a merged cell is read once
    assert "Nokia invested in Portugal." in texts and "Nested cell text." in texts
    assert texts.index("Volvo") < texts.index("Nested cell text.") < texts.index(
        "Germany trades with France."
    )
    assert all(doc.text[b.start:b.end] == b.text for b in doc.blocks)


def test_untitled_docx_takes_its_first_heading(tmp_path: Path) -> None:
    word = docx.Document()
    word.add_heading("The Alliance", level=0)  # the Title style
    word.add_paragraph("Seoul is a city.")
    buffer = io.BytesIO()
    word.save(buffer)
    doc = read_docx(buffer.getvalue(), "a.docx", "a.docx")
    assert doc.title == "The Alliance" and doc.blocks[0].heading


def test_a_docx_builds_into_the_graph(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "report.docx").write_bytes(word_bytes())
    result = build([folder], jobs=1)
    labels = {e.label for e in result.resolution.entities.values()}
    assert {"Samsung", "Vietnam", "Nokia", "Portugal"} <= labels
    [entry] = result.report.files
    assert entry.describe() == f"read {folder / 'report.docx'}"


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _replace_part(data: bytes, name: str, new: bytes) -> bytes:
    """A copy of a .docx with one part's bytes replaced."""
    source = zipfile.ZipFile(io.BytesIO(data))
    return _zip({
        info.filename: new if info.filename == name else source.read(info)
        for info in source.infolist()
    })


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "the file is empty"),
        (b"PK\x03\x04 not really a zip", "the .docx is damaged: not a readable zip archive"),
        (b"Plain text saved as .docx", "the .docx is damaged: not a readable zip archive"),
        (_zip({"hello.txt": b"hi"}), "the .docx is damaged"),
    ],
)
def test_damaged_docx_gives_a_read_error(tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "bad.docx"
    path.write_bytes(data)
    with pytest.raises(ReadError) as caught:
        read_document(path, "bad.docx")
    assert caught.value.path == str(path) and caught.value.reason.startswith(reason)


def test_a_zip_bomb_is_refused_before_anything_is_unpacked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bomb = _replace_part(word_bytes(), "word/document.xml", b" " * (MAX_XML + 1))
    assert len(bomb) < 1_000_000  # 64 MB of spaces deflate to well under a megabyte
    path = tmp_path / "bomb.docx"
    path.write_bytes(bomb)

    def never(*_args: object) -> bytes:
        raise AssertionError("a part was unpacked")

    monkeypatch.setattr(zipfile.ZipFile, "read", never)  # refused from the zip directory
    with pytest.raises(ReadError, match=r"bomb\.docx: the \.docx unpacks to \d+ MB .*zip bomb"):
        read_document(path, "bomb.docx")


def test_a_lying_size_in_the_zip_directory_cannot_unpack_more(tmp_path: Path) -> None:
    """zipfile stops at the declared size; a part that claims less than it holds is damaged."""
    good = word_bytes()
    big = _replace_part(good, "word/document.xml", b"<w:document/>" + b" " * 5_000_000)
    # shrink the declared size of word/document.xml in the central directory and local header
    archive = zipfile.ZipFile(io.BytesIO(big))
    info = archive.getinfo("word/document.xml")
    lying = big.replace(info.file_size.to_bytes(4, "little"), (100).to_bytes(4, "little"))
    path = tmp_path / "lying.docx"
    path.write_bytes(lying)
    with pytest.raises(ReadError, match=r"lying\.docx: the \.docx is damaged"):
        read_document(path, "lying.docx")


@pytest.mark.parametrize("codec", ["utf-8", "utf-16"])
def test_entities_and_dtds_are_refused_and_never_expanded(tmp_path: Path, codec: str) -> None:
    good = word_bytes()
    document = zipfile.ZipFile(io.BytesIO(good)).read("word/document.xml").decode("utf-8")
    head, body = document.split("?>", 1)
    evil = (
        '<?xml version="1.0"?>'
        '<!DOCTYPE w:document [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">'
        '<!ENTITY ext SYSTEM "http://127.0.0.1:9/leak">]>' + body.replace("Origins", "&lol2;&ext;")
    )
    path = tmp_path / "entities.docx"
    path.write_bytes(_replace_part(good, "word/document.xml", evil.encode(codec)))
    with pytest.raises(ReadError, match=r"entities\.docx: the \.docx part word/document\.xml "
                                        r"declares a DTD or entities"):
        read_document(path, "entities.docx")


def test_a_macro_document_renamed_docx_is_not_a_word_document(tmp_path: Path) -> None:
    good = word_bytes()
    types = zipfile.ZipFile(io.BytesIO(good)).read("[Content_Types].xml")
    macro = types.replace(b"document.main+xml", b"document.macroEnabled.main+xml")
    path = tmp_path / "macro.docx"
    path.write_bytes(_replace_part(good, "[Content_Types].xml", macro))
    with pytest.raises(ReadError, match=r"macro\.docx: the file is not a Word document"):
        read_document(path, "macro.docx")


def test_an_empty_word_document_is_reported(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    path = tmp_path / "blank.docx"
    path.write_bytes(buffer.getvalue())
    found = read_inputs([path])
    assert found.documents == []
    assert [e.reason for e in found.errors] == ["the Word document has no text"]
