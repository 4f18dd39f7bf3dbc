"""kg: turn documents into an evidence-backed RDF knowledge graph, offline.

>>> import kg
>>> kg.__version__
'0.1.0'

The API: ``kg.KnowledgeGraph`` (build, load, query, why, stats, validate, export, view;
``build(paths, kg.BuildOptions(...))`` or ``build(paths, jobs=2, ...)`` says how to build;
``build(..., llm=kg.LLMConfig(url=...))`` adds a language model's anchored facts),
and the step functions in ``kg.build``, ``kg.query`` and ``kg.export``. Importing ``kg`` is
cheap: spaCy and the model load only when a build starts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["BuildOptions", "KnowledgeGraph", "LLMConfig", "__version__"]

if TYPE_CHECKING:
    from kg.api import KnowledgeGraph
    from kg.build import BuildOptions
    from kg.llm.config import LLMConfig


def __getattr__(name: str) -> Any:
    if name == "KnowledgeGraph":
        from kg.api import KnowledgeGraph

        return KnowledgeGraph
    if name == "BuildOptions":
        from kg.build import BuildOptions

        return BuildOptions
    if name == "LLMConfig":
        from kg.llm.config import LLMConfig

        return LLMConfig
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
