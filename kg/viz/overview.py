"""What the first view shows: entities ranked by importance, overview sizes, a short title.

>>> g = nx.MultiDiGraph([("a", "b", "investsIn"), ("a", "c", "mentionedWith")])
>>> g.nodes["a"].update(mention_count=3, documents=("d1", "d2"))
>>> ranked(g)
['a', 'b', 'c']
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from pathlib import PurePath

import networkx as nx

from kg.analysis import COOCCURRENCE

__all__ = ["DEFAULT_OVERVIEW", "importance", "levels", "page_title", "ranked", "typed_degree"]

#: Entities the first view shows of a larger graph.
DEFAULT_OVERVIEW = 300
#: The sizes the "show more / fewer" control offers (besides the default).
STEPS = (100, 300, 1000)


def typed_degree(nxg: nx.MultiDiGraph) -> dict[str, int]:
    """Typed relations per node (co-occurrence links and self-loops count as usual, once).

    >>> typed_degree(nx.MultiDiGraph([("a", "b", "r"), ("a", "b", "mentionedWith")]))
    {'a': 1, 'b': 1}
    """
    degree: Counter[str] = Counter()
    for u, v, key in nxg.edges(keys=True):
        if key != COOCCURRENCE:
            degree[u] += 1
            degree[v] += 1
    return {str(node): degree[node] for node in nxg.nodes}


def importance(nxg: nx.MultiDiGraph) -> dict[str, float]:
    """log2(1 + mentions) + log2(1 + documents) + 2 * log2(1 + typed relations), per node.

    A typed relation weighs most: it is what the graph says about an entity; mentions and
    the number of documents that name it say how much the corpus is about it.

    >>> g = nx.MultiDiGraph([("a", "b", "r")])
    >>> g.nodes["a"].update(mention_count=1, documents=("d",))
    >>> importance(g)
    {'a': 4.0, 'b': 2.0}
    """
    degree = typed_degree(nxg)
    score = {}
    for node, attrs in nxg.nodes(data=True):
        mentions = int(attrs.get("mention_count", 0))
        documents = len(attrs.get("documents", ()))
        score[str(node)] = round(
            math.log2(1 + mentions) + math.log2(1 + documents) + 2 * math.log2(1 + degree[node]),
            6,
        )
    return score


def ranked(nxg: nx.MultiDiGraph) -> list[str]:
    """Every node, most important first (ties: label, then IRI)."""
    score = importance(nxg)
    label = {str(n): str(attrs.get("label", n)) for n, attrs in nxg.nodes(data=True)}
    return sorted(score, key=lambda n: (-score[n], label[n].casefold(), n))


def levels(total: int, overview: int = DEFAULT_OVERVIEW) -> list[int]:
    """The overview sizes offered for ``total`` entities: the default and the steps below all.

    >>> levels(52), levels(12000), levels(12000, 3000), levels(700)
    ([52], [100, 300, 1000], [100, 300, 1000, 3000], [100, 300, 700])
    """
    if total <= overview:
        return [total]
    sizes = {overview, *(step for step in STEPS if step < total)}
    if total <= max(STEPS):
        sizes.add(total)
    return sorted(sizes)


def page_title(sources: Iterable[str], titles: Iterable[str], folder: str | None = None) -> str:
    """The viewer's title for a build: the document's title, or "N documents: FOLDER".

    ``folder`` (the input folder, when one was given) names the corpus; otherwise the
    sources' common parent folder does.

    >>> page_title(["docs/a.txt"], ["Alliance"])
    'Knowledge graph: Alliance'
    >>> page_title(["news/x/a.txt", "news/y/b.txt"], ["A", "B"])
    '2 documents: news'
    >>> page_title(["a.txt", "b.txt"], ["A", "B"], folder="/data/bbc/")
    '2 documents: bbc'
    """
    names, headings = list(sources), list(titles)
    if len(names) == 1:
        return f"Knowledge graph: {headings[0] if headings else names[0]}"[:120]
    place = PurePath(folder).name if folder else ""
    if not place and names:
        parents = [PurePath(name).parent.parts for name in names]
        common = parents[0]
        for parts in parents[1:]:
            size = 0
            while size < min(len(common), len(parts)) and common[size] == parts[size]:
                size += 1
            common = common[:size]
        place = common[-1] if common else ""
    count = f"{len(names):,} documents"
    return f"{count}: {place}" if place and place not in ("/", ".") else count
