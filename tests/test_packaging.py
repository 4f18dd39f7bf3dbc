"""Every package of kg is declared in pyproject.toml, so a wheel (``pip install .``) has it."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_python_package_is_declared() -> None:
    declared = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
                   ["packages"])
    found = {".".join(init.parent.relative_to(ROOT).parts)
             for init in (ROOT / "kg").rglob("__init__.py")}
    assert found <= declared, f"not in pyproject.toml's packages: {sorted(found - declared)}"
