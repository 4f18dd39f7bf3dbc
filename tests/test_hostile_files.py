"""Hostile files that tests/test_ingest.py does not already cover, read through the whole build.

Each bad file must give one error line that names the file and the reason, while the rest of
the build goes on. (Empty, whitespace-only, binary, invalid UTF-8, UTF-16 with a BOM and the
encrypted, damaged and image-only PDFs are each checked on their own in test_ingest.py; here
they come together in one folder through ``kg build``.)
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from fpdf import FPDF
from rdflib import Graph
from rdflib.namespace import RDFS

from kg.build import build
from kg.errors import ReadError
from kg.ingest import read_all
from kg.ingest.decode import decode_text

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"
GOOD = "Nokia invested in Portugal in 1999.\n"


def _pdf(draw: str) -> bytes:
    pdf = FPDF()
    if draw == "locked":
        pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    if draw == "image":
        pdf.rect(10, 10, 80, 60, style="F")
    else:
        pdf.set_font("helvetica")
        pdf.cell(text="Classified text.")
    return bytes(pdf.output())


UTF16 = "the file looks like UTF-16 without a byte order mark"
BAD_FILES: dict[str, tuple[bytes, str]] = {
    "empty.txt": (b"", "the file is empty"),
    "blank.md": (b" \n\t\r\n", "the file holds only whitespace"),
    "photo.txt": (PNG, "the file is binary, not text (it looks like a PNG image)"),
    "noise.txt": (bytes(range(0xA0, 0x100)) * 8, "the file is not valid UTF-8 (byte 0xa0 at "
                  "offset 0) and no other encoding reads it with confidence"),
    "mixed.txt": ("Zürich, Genève. ".encode() + "Café".encode("latin-1"),
                  "the file is mostly UTF-8 but not valid UTF-8 (byte 0xe9"),
    "fake.docx": (b"Plain text, not a zip.", "the .docx is damaged: not a readable zip archive"),
    "utf16le.txt": ("Seoul is a city.\n".encode("utf-16-le"), UTF16),
    "utf16be.txt": ("Seoul is a city.\n".encode("utf-16-be"), UTF16),
    "locked.pdf": (_pdf("locked"), "the PDF is encrypted"),
    "damaged.pdf": (b"%PDF-1.7\n" + b"\x13garbage\x00" * 40, "the PDF is damaged: "),
    "scan.pdf": (_pdf("image"), "the PDF has no extractable text"),
    "scripts.html": (b"<script>Samsung invested in Vietnam.</script><style>p{}</style>",
                     "the HTML has no visible text"),
}
GOOD_FILES = {
    "good.txt": GOOD.encode(),
    "bom16.txt": "Volvo opened a plant in Mexico.\n".encode("utf-16"),  # with a BOM: read
    "latin1.txt": "Café au lait in Zürich.\n".encode("latin-1"),  # read as cp1252
}


def test_a_folder_of_bad_files_gives_one_line_each_and_the_build_goes_on(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, (data, _) in BAD_FILES.items():
        (corpus / name).write_bytes(data)
    for name, data in GOOD_FILES.items():
        (corpus / name).write_bytes(data)
    (corpus / "loop").symlink_to(corpus)  # a folder symlink loop
    (corpus / "self.txt").symlink_to(corpus / "self.txt")  # a file symlink loop
    (corpus / "gone.txt").symlink_to(corpus / "nowhere.txt")
    os.mkfifo(corpus / "pipe.txt")  # reading it would block for ever: reported, never opened
    done = subprocess.run(
        [sys.executable, "-m", "kg.cli", "build", str(corpus), "--out", str(tmp_path / "out"),
         "-q", "--jobs", "1", "--no-html"],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 1  # something was skipped
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    expected = {**{n: r for n, (_, r) in BAD_FILES.items()},
                "self.txt": "a broken symlink or a symlink loop",
                "gone.txt": "a broken symlink or a symlink loop",
                "pipe.txt": "not a regular file (a FIFO"}
    assert len(lines) == len(expected), lines
    for name, reason in expected.items():
        [line] = [ln for ln in lines if f"{corpus / name}: " in ln]
        assert line.startswith(f"kg: skipped {corpus / name}: {reason}"), line
    graph = Graph().parse(tmp_path / "out" / "graph.ttl")
    labels = {str(o) for o in graph.objects(None, RDFS.label)}
    assert {"Nokia", "Portugal", "Volvo", "Mexico"} <= labels


def test_script_and_style_text_never_becomes_entities(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Trade</title><script>var a = 'Siemens invested in Kenya.';</script>"
        "<style>.Toyota { color: red }</style></head><body>"
        "<script type='text/template'>Airbus invested in Chile.</script>"
        "<noscript>Unilever invested in Brazil.</noscript>"
        "<!-- Heineken invested in Canada. -->"
        "<p onclick=\"alert('Maersk invested in Japan')\">Nokia invested in Portugal.</p>"
        "<a href=\"javascript:alert('Ericsson')\">Volvo opened a plant in Mexico.</a>"
        "<template><p>Samsung invested in Peru.</p></template>"
        "</body></html>",
        encoding="utf-8",
    )
    result = build([page], jobs=1)
    labels = {e.label for e in result.resolution.entities.values()}
    assert {"Nokia", "Portugal", "Volvo", "Mexico"} <= labels
    hidden = {"Siemens", "Kenya", "Toyota", "Airbus", "Chile", "Unilever", "Brazil", "Heineken",
              "Canada", "Maersk", "Japan", "Ericsson", "Samsung", "Peru"}
    assert not labels & hidden, labels & hidden
    [doc] = result.documents
    assert "alert" not in doc.text and "var a" not in doc.text and "color" not in doc.text


def test_ten_thousand_small_files_are_all_read_or_reported(tmp_path: Path) -> None:
    corpus = tmp_path / "many"
    for shard in range(10):
        (corpus / f"s{shard}").mkdir(parents=True)
    for i in range(10_000):
        text = b"" if i % 1000 == 7 else f"Note {i}: Nokia met Volvo.\n".encode()
        (corpus / f"s{i % 10}" / f"n{i:05d}.txt").write_bytes(text)
    documents, errors = read_all([corpus])
    assert len(documents) == 9_990
    assert len(errors) == 10 and {e.reason for e in errors} == {"the file is empty"}
    assert len({d.source for d in documents} | {e.path for e in errors}) == 10_000


_MEMORY_PROBE = """
import json, resource, sys, time
from pathlib import Path
from kg.ingest import read_all
started = time.perf_counter()
documents, errors = read_all([Path(sys.argv[1])])
seconds = time.perf_counter() - started
[doc] = documents
print(json.dumps({"chars": len(doc.text), "blocks": len(doc.blocks), "seconds": seconds,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


@pytest.mark.slow
def test_a_50_mb_text_is_read_in_bounded_memory(tmp_path: Path) -> None:
    """Reading, decoding and segmenting 50 MB stays far below 3 GB of peak memory.

    Parsing it too (spaCy, about 15-30 kB a second a core) would take the better part of an
    hour, so the NLP step is not run here; it streams each document's blocks (see
    kg.nlp.extract), so its memory does not grow with a document's length.
    """
    folder = tmp_path / "big"
    folder.mkdir()
    paragraph = ("The alliance between Korea and the United States was signed in 1953. " * 12
                 + "\n\n")
    with (folder / "big.txt").open("w", encoding="utf-8") as handle:
        for _ in range(50_000_000 // len(paragraph) + 1):
            handle.write(paragraph)
    (folder / "long-line.txt").write_text("x" * 5_000_000, encoding="utf-8")  # one huge token
    done = subprocess.run([sys.executable, "-c", _MEMORY_PROBE, str(folder / "big.txt")],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert figures["chars"] > 49_000_000
    assert figures["blocks"] > 50_000
    assert figures["peak_mb"] < 3 * 1024, figures
    print(figures)
    documents, errors = read_all([folder / "long-line.txt"])
    assert not errors and len(documents[0].text) == 5_000_000


def test_unreadable_files_as_a_user_without_permission() -> None:
    """Root reads anything, so the check runs in a forked child that drops to ``nobody``."""
    if os.geteuid() != 0:
        pytest.skip("needs root to switch users (test_ingest.py checks chmod 0 as a user)")
    folder = Path(tempfile.mkdtemp(prefix="kg-perm-"))
    try:
        folder.chmod(0o755)
        (folder / "open.txt").write_text(GOOD, encoding="utf-8")
        (folder / "secret.txt").write_text(GOOD.replace("1999", "2001"), encoding="utf-8")
        (folder / "secret.txt").chmod(0)
        (folder / "closed").mkdir(mode=0o700)
        (folder / "closed" / "inside.txt").write_text(GOOD, encoding="utf-8")
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: become nobody, read, report as JSON
            code = 1
            try:
                os.close(read)
                os.setgroups([])
                os.setgid(65534)
                os.setuid(65534)
                documents, errors = read_all([folder])
                report = {"read": [d.source for d in documents],
                          "errors": [[e.path, e.reason] for e in errors]}
                os.write(write, json.dumps(report).encode())
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        with io.FileIO(read, "r") as pipe:
            report = json.loads(pipe.read())
        assert os.waitpid(pid, 0)[1] == 0
    finally:
        for path in (folder / "secret.txt", folder / "closed"):
            path.chmod(0o755)
        import shutil

        shutil.rmtree(folder)
    name = folder.name
    assert report["read"] == [f"{name}/open.txt"]
    assert sorted(report["errors"]) == [
        [str(folder / "closed"), "permission denied; the folder was skipped"],
        [str(folder / "secret.txt"), "permission denied"],
    ]


def test_decode_reasons_name_the_file() -> None:
    for data in (b"", "A".encode("utf-16-le") * 3, PNG):
        with pytest.raises(ReadError) as caught:
            decode_text(data, "folder/odd name.txt")
        assert str(caught.value).startswith("folder/odd name.txt: ")
        assert "\n" not in str(caught.value)
