"""No module of kg uses another module's private (``_underscore``) names.

A private name is free to change with its module; a module that needs it from outside asks
for a public name instead. Checked on the syntax tree of every module under ``kg/``: names
imported with ``from kg.… import _name`` (or a relative import), and ``module._name`` on a
kg module bound by an import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "kg"
MODULES = sorted(PACKAGE.rglob("*.py"))


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _absolute(node: ast.ImportFrom, package: str) -> str:
    """The module a ``from … import`` reads from, made absolute (``package``: where the
    importing module sits)."""
    if not node.level:
        return node.module or ""
    parts = package.split(".")
    base = parts[: len(parts) - node.level + 1]
    return ".".join([*base, *([node.module] if node.module else [])])


def _is_kg_module(dotted: str) -> bool:
    """Whether ``dotted`` names a module or package of kg (as opposed to a name in one)."""
    if dotted != "kg" and not dotted.startswith("kg."):
        return False
    target = PACKAGE.parent.joinpath(*dotted.split("."))
    return target.with_suffix(".py").is_file() or (target / "__init__.py").is_file()


def _package_of(path: Path) -> str:
    name = _module_name(path)
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


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_no_module_uses_another_modules_private_names(path: Path) -> None:
    assert private_uses(path.read_text(encoding="utf-8"), _package_of(path)) == []
