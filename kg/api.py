"""The Python API a notebook user calls: one small facade over the library's functions.

>>> graph = KnowledgeGraph.from_texts([("n.txt", "Toyota invested in Poland.")])
>>> graph.query("SELECT ?l WHERE { ?c a kgo:Company ; rdfs:label ?l }").rows[0][0]
rdflib.term.Literal('Toyota')
>>> graph.why("Toyota")[0].predicate
'investsIn'
>>> graph.ask("Who invests in Poland?").rows
(('Toyota',),)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Unpack

from rdflib import Graph

if TYPE_CHECKING:
    import networkx as nx

    from kg.ask import Answer
    from kg.build import BuildChanges, BuildOptions, BuildReport
    from kg.explain import Explanation
    from kg.graphs import GraphSource
    from kg.sparql.results import QueryResult
    from kg.stats import GraphStats
    from kg.validate import ValidationReport


@dataclass
class KnowledgeGraph:
    """An RDF knowledge graph with its build report (when it was built here).

    Queries, questions, evidence, counts and the view go through a graph source
    (``kg.graphs``): ``source`` is the file, store or endpoint it was opened from, or else
    ``graph`` copied once into an in-memory Oxigraph store.
    """

    graph: Graph
    report: BuildReport | None = None
    _source: GraphSource | None = field(default=None, repr=False, compare=False)

    @property
    def source(self) -> GraphSource:
        """The graph source every query goes through."""
        if self._source is None:
            from kg.graphs import memory_source

            self._source = memory_source(self.graph)
        return self._source

    @classmethod
    def build(
        cls,
        paths: Sequence[Path | str] | None = None,
        options: BuildOptions | None = None,
        **changes: Unpack[BuildChanges],
    ) -> KnowledgeGraph:
        """Build from files and folders; the bundled sample when none are given.

        ``options`` (a ``kg.BuildOptions``), or its fields as keywords, say how:
        ``KnowledgeGraph.build(["docs/"], jobs=2, min_confidence=0.5)``.
        """
        from kg.build import build

        result = build([Path(p) for p in paths] if paths else None, options, **changes)
        return cls(result.graph, result.report)

    @classmethod
    def from_texts(
        cls,
        texts: Sequence[tuple[str, str]],
        options: BuildOptions | None = None,
        **changes: Unpack[BuildChanges],
    ) -> KnowledgeGraph:
        """Build from in-memory (name, text) pairs (``options`` as for ``build``)."""
        from kg.build import build_texts

        result = build_texts(texts, options, **changes)
        return cls(result.graph, result.report)

    @classmethod
    def load(cls, path: Path | str) -> KnowledgeGraph:
        """Load a graph file written by kg (or any RDF file), parsed by Oxigraph."""
        from kg.graphs import open_source

        return cls.open(open_source(Path(path)))

    @classmethod
    def open(cls, source: GraphSource) -> KnowledgeGraph:
        """A graph source (``kg.graphs.open_source``: a file, a store, an endpoint); ``graph``
        is its rdflib copy."""
        return cls(source.to_rdflib(), _source=source)

    def query(self, sparql: str) -> QueryResult:
        """Run a read-only SPARQL query; the contract's prefixes are predeclared."""
        return self.source.query(sparql)

    def ask(self, question: str) -> Answer:
        """Answer a plain-English question with SPARQL and evidence (see ``kg.ask``);
        ``ask(q).to_dict()`` is the JSON that ``kg ask --format json`` prints."""
        from kg.ask import ask, source_of

        return ask(source_of(self.source), question)

    def why(
        self, subject: str, predicate: str | None = None, obj: str | None = None
    ) -> list[Explanation]:
        """The evidence for facts about ``subject`` (a label or alias)."""
        from kg.explain import why

        return why(self.source, subject, predicate, obj)

    def stats(self) -> GraphStats:
        """Counts of entities by class and relations by property."""
        from kg.stats import stats

        return stats(self.source)

    def validate(self) -> ValidationReport:
        """SHACL validation against the ontology's shapes."""
        from kg.validate import validate

        return validate(self.graph)

    def export(self, path: Path | str, fmt: str | None = None) -> str:
        """Write the graph atomically; the suffix picks the format unless ``fmt`` is given."""
        from kg.export import export

        return export(self.graph, Path(path), fmt)

    def to_networkx(self, *, include_cooccurrence: bool = True) -> nx.MultiDiGraph:
        """Entities as nodes, typed relations (and co-occurrences) as edges, as
        ``kg.analysis.to_networkx`` gives them (read from the source)."""
        return self.source.view_network(include_cooccurrence=include_cooccurrence)

    def html(self, title: str = "Knowledge graph") -> str:
        """The self-contained interactive HTML view as a string."""
        from kg.viz.html import ViewOptions, render_networkx

        return render_networkx(self.source.view_network(), ViewOptions(title=title))

    def show(self, title: str = "Knowledge graph", *, height: int = 640, **options: Any) -> Any:
        """Display the view inline in Jupyter; returns an ``IPython.display.HTML`` object.

        The whole page goes into a sandboxed iframe's ``srcdoc`` (scripts run, but cannot
        reach the notebook), so nothing is fetched and no file is written. ``options`` are
        ``kg.viz.html.ViewOptions`` fields: ``color_by``, ``size_by``, ``max_nodes``,
        ``physics``, ``labels``.

        ``height`` is the frame's height in pixels (at least 320). In a frame up to 720 px
        high or 760 px wide the page folds its controls: the title and counts share a line,
        the toolbar drops its words and the class legend becomes a "Classes" button over
        the drawing, so the drawing keeps about 90% of a 640 px frame.
        """
        import html as html_lib
        import warnings

        try:
            from IPython.display import HTML
        except ImportError as err:
            from kg.errors import UsageError

            raise UsageError(
                "show() needs IPython (run it in Jupyter); html() returns the page as a string"
            ) from err
        from kg.viz.html import ViewOptions, render_networkx

        view = ViewOptions(title=title, **options)
        page = html_lib.escape(render_networkx(self.source.view_network(), view))
        with warnings.catch_warnings():  # IPython suggests IFrame, which needs a URL or file
            warnings.simplefilter("ignore", UserWarning)
            return HTML(
                f'<iframe srcdoc="{page}" title="{html_lib.escape(title)}"'
                ' sandbox="allow-scripts allow-downloads"'
                f' style="width:100%;height:{max(320, int(height))}px;border:1px solid #d9dee3">'
                "</iframe>"
            )
