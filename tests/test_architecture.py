"""The package's imports: no cycles, nothing in the library reaches up to its shells, and no
module uses another module's private (``_underscore``) names.

Every ``import`` counts, including those inside functions: a lazy import hides a cycle from
Python's import machinery but not from a reader. A private name is free to change with its
module; a module that needs it from outside asks for a public name instead.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "kg"


def _module_name(path: Path, package: Path) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _absolute(node: ast.ImportFrom, package: str) -> str:
    """The module a ``from … import`` reads from, made absolute (``package``: where the
    importing module sits)."""
    if not node.level:
        return node.module or ""
    parts = package.split(".")
    base = parts[: len(parts) - node.level + 1]
    return ".".join([*base, *([node.module] if node.module else [])])


def _imported(node: ast.AST, module: str, is_package: bool) -> list[str]:
    """Dotted names an import statement may load, as written (``from a import b`` gives a.b)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = _absolute(node, module if is_package else module.rpartition(".")[0])
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


def test_a_build_imports_spacy_only_where_a_model_loads() -> None:
    """A store re-build that parses nothing, or parses in a worker, never pays spaCy's import
    (half a second) in the main process: the build and store modules import no spaCy."""
    code = (
        "import sys, kg.cli, kg.build, kg.oxstore, kg.parallel, kg.resolve, kg.watch, kg.cache\n"
        "print(sorted(m for m in sys.modules if m == 'spacy' or m.startswith('spacy.')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        cwd=PACKAGE.parent,
    )
    assert done.stdout.strip() == "[]"
    loaded = subprocess.run(
        [sys.executable, "-c", code.replace("kg.cache", "kg.nlp.extract")],
        capture_output=True, text=True, check=True, cwd=PACKAGE.parent,
    )
    assert loaded.stdout.strip() != "[]"  # the check sees spaCy when it is imported


def test_the_sparql_layer_needs_only_the_errors_and_the_vocabulary() -> None:
    """kg.sparql sits below every command, the graph sources and the server."""
    graph = import_graph()
    layer = {m for m in graph if m == "kg.sparql" or m.startswith("kg.sparql.")}
    assert {"kg.sparql.guard", "kg.sparql.prepare", "kg.sparql.results"} <= layer
    reached = {target for module in layer for target in nx.descendants(graph, module)}
    assert reached - layer <= {"kg", "kg.errors", "kg.vocab"}


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _is_kg_module(dotted: str) -> bool:
    """Whether ``dotted`` names a module or package of kg (as opposed to a name in one)."""
    if dotted != "kg" and not dotted.startswith("kg."):
        return False
    target = PACKAGE.parent.joinpath(*dotted.split("."))
    return target.with_suffix(".py").is_file() or (target / "__init__.py").is_file()


def _package_of(path: Path) -> str:
    name = _module_name(path, PACKAGE)
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def private_uses(source: str, package: str) -> list[str]:
    """``line: what`` for each private name of another kg module that ``source`` uses
    (``package``: the package the module is in, for its relative imports)."""
    tree = ast.parse(source)
    found: list[str] = []
    modules: set[str] = set()  # local names bound to kg modules
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = _absolute(node, package)
            if not _is_kg_module(source):
                continue
            for alias in node.names:
                if _private(alias.name):
                    found.append(f"{node.lineno}: from {source} import {alias.name}")
                elif _is_kg_module(f"{source}.{alias.name}"):
                    modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if _is_kg_module(alias.name):
                    if any(_private(part) for part in alias.name.split(".")):
                        found.append(f"{node.lineno}: import {alias.name}")
                    modules.add(alias.asname or alias.name.split(".")[0])
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            owner = ast.unparse(node.value)
            if owner in modules or owner.split(".")[0] in modules:
                found.append(f"{node.lineno}: {owner}.{node.attr}")
    return sorted(found, key=lambda line: int(line.split(":")[0]))


def test_the_check_finds_private_uses() -> None:
    """The checker itself: each form of a private use is caught, public ones are not."""
    source = (
        "from kg.build import _progress, build\n"
        "from ..build import _report\n"
        "from . import entities\n"
        "import kg.query\n"
        "from kg import errors as e\n"
        "entities._internal()\n"
        "kg.query._describe\n"
        "e._escape('x')\n"
        "e.visible('x')\n"
        "kg.__version__\n"
        "self._cache\n"
    )
    assert private_uses(source, "kg.nlp") == [
        "1: from kg.build import _progress",
        "2: from kg.build import _report",
        "6: entities._internal",
        "7: kg.query._describe",
        "8: e._escape",
    ]


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_no_module_uses_another_modules_private_names(path: Path) -> None:
    assert private_uses(path.read_text(encoding="utf-8"), _package_of(path)) == []
