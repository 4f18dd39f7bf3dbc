"""The model's answers on disk, so that the same text is never paid for twice.

An answer is keyed by the model, the prompt version and the hash of the chunk's text; the
file holds the message content the server gave (read again, so a change in the anchoring
needs no new request) and the tokens it used. A store keeps its answers inside the store;
otherwise they go into the user's cache folder (``default_cache_folder``).

>>> import tempfile
>>> cache = AnswerCache(Path(tempfile.mkdtemp()))
>>> key = answer_key("llama3.1", "v1", "[1] A b.")
>>> cache.get(key) is None
True
>>> cache.put(key, "llama3.1", '{"relations": []}', 12, 3)
>>> cache.get(key)
('{"relations": []}', 12, 3)
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

from kg.cache import write_json_atomic

#: Bumped when the file layout below changes.
ANSWER_FORMAT = 1


def default_cache_folder() -> Path:
    """The user's cache folder for kg's model answers, as each platform expects it.

    ``$XDG_CACHE_HOME/kg/llm`` (else ``~/.cache/kg/llm``) on Linux and other Unix systems,
    ``~/Library/Caches/kg/llm`` on macOS, ``%LOCALAPPDATA%\\kg\\Cache\\llm`` on Windows.

    >>> default_cache_folder().parts[-2:]
    ('kg', 'llm')
    """
    if sys.platform == "win32":
        root = os.environ.get("LOCALAPPDATA")
        base = Path(root) if root else Path.home() / "AppData" / "Local"
        return base / "kg" / "Cache" / "llm"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "kg" / "llm"
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "kg" / "llm"


def answer_key(model: str, prompt_version: str, chunk_text: str) -> str:
    """The cache key of one chunk's answer.

    >>> answer_key("a", "v1", "x") == answer_key("a", "v1", "x") != answer_key("b", "v1", "x")
    True
    """
    text_hash = hashlib.sha256(chunk_text.encode("utf-8")).hexdigest()
    parts = f"{ANSWER_FORMAT}\x1f{model}\x1f{prompt_version}\x1f{text_hash}"
    return hashlib.sha256(parts.encode("utf-8")).hexdigest()[:32]


class AnswerCache:
    """Answers under ``folder``, one file ``{key[:2]}/{key}.json`` each."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> tuple[str, int, int] | None:
        """(content, prompt tokens, completion tokens) of a cached answer, or None."""
        try:
            data = json.loads(self.path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None  # missing or damaged: asked again
        if not isinstance(data, dict) or data.get("format") != ANSWER_FORMAT:
            return None
        content = data.get("content")
        tokens = data.get("prompt_tokens"), data.get("completion_tokens")
        if not isinstance(content, str) or not all(isinstance(t, int) for t in tokens):
            return None
        return content, int(tokens[0] or 0), int(tokens[1] or 0)

    def put(self, key: str, model: str, content: str, prompt_tokens: int, completion: int) -> None:
        """Keep an answer (atomically); a cache that cannot be written is no error."""
        data = {
            "format": ANSWER_FORMAT,
            "model": model,
            "content": content,
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion,
        }
        try:
            write_json_atomic(self.path(key), data)
        except OSError:
            pass
