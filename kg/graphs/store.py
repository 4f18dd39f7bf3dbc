"""A kg store folder (``kg build --store DIR``) as a graph source, read-only.

A store is a folder::

    DIR/CURRENT                  the name of the live generation, replaced atomically
    DIR/gen-000007/oxigraph/     the Oxigraph (RocksDB) database of that generation
    DIR/gen-000007/manifest.json its documents, their graphs' fingerprints, the build options

This module reads that layout (``kg.oxstore`` writes it). :class:`StoreSource` opens the live
database read-only and queries the union of its named graphs with Oxigraph.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import InputError, StoreError, visible
from kg.graphs.oxigraph import OxigraphSource
from kg.sparql.prefixes import standard_namespaces
from kg.vocab import DEFAULT_BASE

STORE_FORMAT = 1
CURRENT = "CURRENT"
#: The name of a generation folder.
GENERATION = re.compile(r"gen-(\d{6})")


@dataclass(frozen=True)
class StoredDocument:
    """A document as the store's manifest lists it."""

    sha256: str
    source: str
    title: str
    format: str


@dataclass
class StoreState:
    """The live generation of a store and what its manifest says."""

    root: Path
    generation: str
    documents: list[StoredDocument]
    options: dict[str, Any] = field(default_factory=dict)
    #: Each document's part fingerprint (``kg.rdf.Emitter.fingerprint``), by content hash.
    graphs: dict[str, str] = field(default_factory=dict)

    @property
    def database(self) -> Path:
        return self.root / self.generation / "oxigraph"

    @property
    def base(self) -> str:
        return str(self.options.get("base", DEFAULT_BASE))


def read_state(root: Path) -> StoreState:
    """The live state of the store at ``root``; UsageError when it is no kg store.

    >>> read_state(Path("/nonexistent/store"))
    Traceback (most recent call last):
    ...
    kg.errors.InputError: /nonexistent/store: no such store (create one with kg build DOCS --store /nonexistent/store)
    """  # noqa: E501
    root = Path(root)
    if not root.exists():
        raise InputError(f"{root}: no such store (create one with kg build DOCS --store {root})")
    if not root.is_dir():
        raise InputError(f"{root}: a store is a folder, and this is a file")
    pointer = root / CURRENT
    if not pointer.is_file():
        raise InputError(
            f"{root}: not a kg store (no {CURRENT} file); create one with kg build DOCS --store DIR"
        )
    generation = pointer.read_text(encoding="utf-8").strip()
    manifest_path = root / generation / "manifest.json"
    if not GENERATION.fullmatch(generation) or not manifest_path.is_file():
        raise StoreError(f"{root}: damaged store: {CURRENT} names a missing generation")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise StoreError(f"{manifest_path}: damaged store manifest ({err})") from None
    if manifest.get("kg_store") != STORE_FORMAT:
        raise StoreError(f"{root}: store format {manifest.get('kg_store')!r} is not supported")
    documents = [StoredDocument(**d) for d in manifest["documents"]]
    options, graphs = dict(manifest.get("options", {})), dict(manifest.get("graphs", {}))
    return StoreState(root, generation, documents, options, graphs)


def is_store(root: Path) -> bool:
    """True when ``root`` is a kg store folder."""
    return (Path(root) / CURRENT).is_file()


def open_store(root: Path) -> ox.Store:
    """The live Oxigraph database of a store, opened read-only.

    A database RocksDB finds damaged (pyoxigraph raises ``RuntimeError: Corruption``) gives a
    ``StoreError`` that names the store and says how to make it again.
    """
    return _open_database(read_state(root))


def _open_database(state: StoreState) -> ox.Store:
    try:
        return ox.Store.read_only(str(state.database))
    except OSError as err:
        raise StoreError(
            f"{visible(str(state.root))}: cannot open the store database: {err}"
        ) from None
    except RuntimeError as err:  # RocksDB's "Corruption: ...", "Invalid argument: ..."
        detail = visible(" ".join(str(err).split()))
        name = visible(str(state.root))
        raise StoreError(
            f"{name}: the store database is damaged and cannot be opened ({detail}); delete "
            f"the folder and rebuild it: kg build DOCS --store {name}"
        ) from None


def store_base(root: Path) -> str:
    """The base IRI the store was built with."""
    return read_state(root).base


class StoreSource(OxigraphSource):
    """The live generation of a kg store folder, opened read-only; the default graph is the
    union of its named graphs, and ``kgr`` is the base the store was built with.

    The database is opened once per live generation and per process: each use of ``store``
    reads the store's ``CURRENT`` pointer, so a build that replaced the generation is seen
    by the next query, and a forked process opens the database again for itself.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._key: tuple[int, str] | None = None
        self._database: ox.Store | None = None
        database = self.store  # opened now: a missing or damaged store raises here
        super().__init__(database, self.namespaces, name=self.root.name)

    @property
    def store(self) -> ox.Store:
        """The live generation's database (opened again when the generation changed)."""
        try:
            generation = (self.root / CURRENT).read_text(encoding="utf-8").strip()
        except OSError:
            generation = ""  # read_state below says what is wrong
        if self._database is None or self._key != (os.getpid(), generation):
            state = read_state(self.root)
            self._database = None  # close the old generation's database first
            self._database = _open_database(state)
            self._key = (os.getpid(), state.generation)
            self.namespaces = standard_namespaces(state.base)
        return self._database

    @store.setter
    def store(self, database: ox.Store) -> None:  # OxigraphSource.__init__ sets it
        self._database = database

    def export(self, path: Path, fmt: str | None = None, *, title: str = "Knowledge graph") -> str:
        from kg.export import DATASET_FORMATS, export_dataset, format_for

        chosen = format_for(Path(path), fmt)
        if chosen in DATASET_FORMATS:  # a store keeps its named graphs
            return export_dataset(self.store, Path(path), chosen)
        return super().export(path, chosen, title=title)
