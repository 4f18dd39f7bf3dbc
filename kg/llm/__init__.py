"""Bring your own LLM: facts from any OpenAI-compatible server, each anchored to a sentence.

The rules stay the default extractor. With an ``LLMConfig`` a build also sends the
documents' sentences to a chat-completions server (``kg build … --llm URL``), keeps only the
facts that a cited sentence supports (``kg.llm.anchor``), merges them with the rules' facts,
and caches every answer on disk so that the same text is never paid for twice
(``kg.llm.cache``).

- ``config``: ``LLMConfig`` (what to ask whom) and ``LLMReport`` (what happened)
- ``client``: one POST with bounded retries, size and time; no redirects, no proxies
- ``prompt``: chunks of whole sentences, the messages, reading the answer
- ``anchor``: the checks every proposed fact must pass
- ``cache``: answers on disk by model, prompt version and chunk text
- ``run``: the step itself, ``add_model_facts``

>>> LLMConfig(url="http://localhost:11434/v1", model="qwen2.5").extractor
'llm:qwen2.5'
"""

from kg.llm.client import LLMError
from kg.llm.config import API_KEY_VARIABLE, ChunkFailure, LLMConfig, LLMReport
from kg.llm.run import add_model_facts

__all__ = [
    "API_KEY_VARIABLE",
    "ChunkFailure",
    "LLMConfig",
    "LLMError",
    "LLMReport",
    "add_model_facts",
]
