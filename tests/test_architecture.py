"""The package's import graph: no cycles, and nothing in the library reaches up to its shells.

Every ``import`` counts, including those inside functions: a lazy import hides a cycle from
Python's import machinery but not from a reader.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

PACKAGE = Path(__file__).resolve().parents[1] / "kg"


def _module_name(path: Path, package: Path) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(node: ast.AST, module: str, is_package: bool) -> list[str]:
    """Dotted names an import statement may load, as written (``from a import b`` gives a.b)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module or ""
    if node.level:
        anchor = module if is_package else module.rpartition(".")[0]
        for _ in range(node.level - 1):
            anchor = anchor.rpartition(".")[0]
        base = f"{anchor}.{base}" if base else anchor
    return [base] + [f"{base}.{alias.name}" for alias in node.names]


def import_graph(package: Path = PACKAGE) -> nx.DiGraph:
    """kg's modules, with an edge from each module to every kg module it imports.

    >>> graph = import_graph()
    >>> graph.has_edge("kg.cli", "kg.errors")
    True
    """
    files = {_module_name(path, package): path for path in sorted(package.rglob("*.py"))}
    graph = nx.DiGraph()
    graph.add_nodes_from(files)
    for module, path in files.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            for name in _imported(node, module, path.name == "__init__.py"):
                while name and name not in files:  # a name inside a module: the module
                    name = name.rpartition(".")[0]
                if name.startswith("kg") and name != module:
                    graph.add_edge(module, name)
    return graph


def test_the_graph_sees_lazy_and_relative_imports(tmp_path: Path) -> None:
    package = tmp_path / "kg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("def f():\n    from kg.sub.b import g\n")
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "b.py").write_text("from ..a import f\nfrom . import c\n")
    (package / "sub" / "c.py").write_text("import kg.a\n")
    graph = import_graph(package)
    assert set(graph.edges) == {
        ("kg.a", "kg.sub.b"),
        ("kg.sub.b", "kg.a"),
        ("kg.sub.b", "kg.sub"),
        ("kg.sub.b", "kg.sub.c"),
        ("kg.sub.c", "kg.a"),
    }
    cycles = sorted(map(sorted, nx.simple_cycles(graph)))
    assert cycles == [["kg.a", "kg.sub.b"], ["kg.a", "kg.sub.b", "kg.sub.c"]]


def test_no_import_cycles() -> None:
    cycles = [sorted(c) for c in nx.strongly_connected_components(import_graph()) if len(c) > 1]
    assert cycles == []


def test_only_the_entry_point_imports_the_cli_and_only_the_cli_imports_the_server() -> None:
    graph = import_graph()
    assert sorted(graph.predecessors("kg.cli")) == ["kg.__main__"]
    assert sorted(graph.predecessors("kg.serve")) == ["kg.cli"]


def test_reading_and_parsing_never_import_the_later_steps() -> None:
    graph = import_graph()
    later = {"kg.build", "kg.oxstore", "kg.rdf", "kg.graphs", "kg.query", "kg.export", "kg.viz"}
    early = [m for m in graph if m.startswith(("kg.ingest", "kg.nlp"))]
    assert early  # the packages exist under these names
    reached = {
        (module, target)
        for module in early
        for target in nx.descendants(graph, module)
        if target in later or target.startswith(tuple(f"{name}." for name in later))
    }
    assert reached == set()


def test_the_sparql_layer_needs_only_the_errors_and_the_vocabulary() -> None:
    """kg.sparql sits below every command, the graph sources and the server."""
    graph = import_graph()
    layer = {m for m in graph if m == "kg.sparql" or m.startswith("kg.sparql.")}
    assert {"kg.sparql.guard", "kg.sparql.prepare", "kg.sparql.results"} <= layer
    reached = {target for module in layer for target in nx.descendants(graph, module)}
    assert reached - layer <= {"kg", "kg.errors", "kg.vocab"}
