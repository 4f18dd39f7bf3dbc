"""The key all spellings of one name share: what mentions are grouped by, and entities merged by.

A module of its own, without spaCy, because resolution (``kg.resolve``) needs it in a
process that parses nothing: a store re-build whose changed documents go to a worker.

>>> normalise_key("The U.S.'s"), normalise_key("Korea–US  FTA")
('us', 'korea-us fta')
"""

from __future__ import annotations

import re
from functools import lru_cache

_POSSESSIVE_END = re.compile(r"'s$|'$")
_LEADING_ARTICLE = re.compile(r"^(the|a|an)\s+", flags=re.IGNORECASE)
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1 << 16)
def normalise_key(label: str) -> str:
    """The key that all spellings of one name share (memoised: a pure function of ``label``).

    >>> normalise_key("The U.S.'s"), normalise_key("Korea–US  FTA")
    ('us', 'korea-us fta')
    """
    text = label.strip().replace("’", "'").replace("–", "-").replace("—", "-")
    text = _POSSESSIVE_END.sub("", text)
    text = _LEADING_ARTICLE.sub("", text)
    text = text.replace(".", "")
    return _SPACES.sub(" ", text).strip().lower()
