"""What a model-assisted build needs to know (``LLMConfig``) and what it tells (``LLMReport``).

>>> config = LLMConfig(url="http://localhost:11434/v1/", model="llama3.1")
>>> config.url, config.extractor
('http://localhost:11434/v1', 'llm:llama3.1')
>>> LLMConfig(url="localhost:11434")
Traceback (most recent call last):
...
kg.errors.UsageError: --llm needs an http:// or https:// URL with a host, not 'localhost:11434'
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from kg.errors import UsageError
from kg.model import MODEL_EXTRACTOR_PREFIX

#: The environment variable that holds the API key (sent as ``Authorization: Bearer …``).
API_KEY_VARIABLE = "KG_LLM_API_KEY"
DEFAULT_MODEL = "llama3.1"


@dataclass(frozen=True)
class LLMConfig:
    """An OpenAI-compatible chat-completions server and how to use it.

    ``url`` is the API base (kg POSTs to ``url + "/chat/completions"``). The key is read from
    ``KG_LLM_API_KEY`` unless ``api_key`` is given; it is never shown (``repr`` leaves it out).
    ``cache`` overrides where answers are kept (default: the store, else the user cache).
    """

    url: str
    model: str = DEFAULT_MODEL
    jobs: int = 4
    timeout: float = 120.0
    retries: int = 3
    backoff: float = 1.0
    chunk_chars: int = 3000
    chunk_sentences: int = 25
    max_response_bytes: int = 4_000_000
    confidence: float = 0.6
    cache: Path | None = None
    api_key: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        parts = urlsplit(self.url.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError(
                f"--llm needs an http:// or https:// URL with a host, not {self.url!r}"
            )
        object.__setattr__(self, "url", self.url.strip().rstrip("/"))
        if not self.model.strip():
            raise UsageError("--llm-model needs a model name")
        if self.jobs < 1:
            raise UsageError(f"--llm-jobs must be at least 1, not {self.jobs}")
        if self.timeout <= 0:
            raise UsageError(
                f"--llm-timeout must be a positive number of seconds, not {self.timeout:g}"
            )
        if self.retries < 0 or self.backoff < 0 or self.chunk_chars < 1 or self.chunk_sentences < 1:
            raise UsageError("LLMConfig: retries, backoff and chunk sizes cannot be negative")
        if not 0.0 <= self.confidence <= 1.0:
            raise UsageError(f"LLMConfig: confidence must be in [0, 1], not {self.confidence}")

    @property
    def extractor(self) -> str:
        """The ``kgo:extractor`` of this model's statements."""
        return MODEL_EXTRACTOR_PREFIX + self.model

    def key(self) -> str | None:
        """The API key (``api_key``, else ``$KG_LLM_API_KEY``), or None for no key."""
        return self.api_key or os.environ.get(API_KEY_VARIABLE) or None

    def shown_url(self) -> str:
        """The URL without any user:password part or query, for messages.

        >>> LLMConfig(url="https://me:secret@api.example.org/v1?k=1").shown_url()
        'https://api.example.org/v1'
        """
        parts = urlsplit(self.url)
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        port = f":{parts.port}" if parts.port else ""
        return f"{parts.scheme}://{host}{port}{parts.path}"


@dataclass(frozen=True)
class ChunkFailure:
    """A chunk the model could not answer: its document and 1-based sentence range."""

    source: str
    first: int
    last: int
    reason: str

    def __str__(self) -> str:
        return f"{self.source} sentences {self.first}-{self.last}: {self.reason}"


#: Why a proposed fact was dropped, in report order.
DROP_REASONS: tuple[str, ...] = (
    "unknown predicate",
    "bad class",
    "no such sentence",
    "name not in sentence",
    "same entity",
    "malformed",
)


@dataclass
class LLMReport:
    """What the model step asked, got, kept and dropped.

    >>> r = LLMReport("llama3.1", "http://localhost:11434/v1", chunks=3, requests=1,
    ...               cache_hits=2, proposed=4, kept=3, dropped={"bad class": 1})
    >>> print("\\n".join(r.lines()))
    llm llama3.1 at http://localhost:11434/v1: 3 chunks; 1 requests, 2 cache hits
      tokens: 0 prompt, 0 completion
      facts: 4 proposed, 3 kept (0 also found by the rules), 1 dropped: 1 bad class
    >>> r.ok
    True
    """

    model: str
    url: str
    chunks: int = 0
    requests: int = 0
    cache_hits: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    proposed: int = 0
    kept: int = 0
    agreed: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    failed: list[ChunkFailure] = field(default_factory=list)
    fatal: str | None = None

    @property
    def ok(self) -> bool:
        """True when every chunk was answered."""
        return self.fatal is None and not self.failed

    def lines(self) -> list[str]:
        """The report's lines (the build report prints them)."""
        dropped = sum(self.dropped.values())
        why = ", ".join(f"{self.dropped[r]} {r}" for r in DROP_REASONS if self.dropped.get(r))
        lines = [
            f"llm {self.model} at {self.url}: {self.chunks} chunks; {self.requests} requests, "
            f"{self.cache_hits} cache hits",
            f"  tokens: {self.prompt_tokens} prompt, {self.completion_tokens} completion",
            f"  facts: {self.proposed} proposed, {self.kept} kept ({self.agreed} also found by "
            f"the rules), {dropped} dropped" + (f": {why}" if why else ""),
        ]
        if self.fatal is not None:
            lines.append(f"  failed: {self.fatal} (only the rules' facts were kept)")
        lines += [f"  failed: {failure}" for failure in self.failed]
        return lines

    def problems(self) -> list[str]:
        """One line per problem, for stderr even in quiet mode: the fatal one, or each chunk."""
        if self.fatal is not None:
            return [f"{self.fatal}; the rules' graph was written without model facts"]
        return [f"the model gave no answer for {failure}" for failure in self.failed]
