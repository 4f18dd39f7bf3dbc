"""One POST to an OpenAI-compatible ``/chat/completions``, with bounded retries, size and time.

kg talks only to the URL it was given: no proxies from the environment, no redirects followed
(a redirect is an error that names where it pointed), at most ``max_response_bytes`` read, and
no more than ``timeout`` seconds per attempt. The API key goes into the ``Authorization``
header only; every message that could quote the server is scrubbed of it.

Faults fall in two kinds. A ``ChunkFault`` belongs to one request (a 5xx after its retries, a
timeout, an answer that is not JSON): the build goes on without that chunk. An ``LLMError``
means no request can succeed (connection refused, unknown host, a refused key, a wrong URL):
the build stops asking and says so in one line.

>>> scrub("key sk-123 leaked", "sk-123")
'key *** leaked'
>>> one_line('  {"error": "model\\n not found"}  ', limit=20)
'{"error": "model...'
"""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from kg.errors import KgError
from kg.llm.config import LLMConfig

#: Statuses worth asking again after a pause.
RETRY_STATUSES = frozenset({408, 409, 425, 429, 500, 502, 503, 504})


class LLMError(KgError):
    """The model server cannot be used at all (wrong URL, refused key, nothing listening)."""


class ChunkFault(Exception):
    """One request failed for good (after its retries); other chunks may still succeed."""


@dataclass(frozen=True)
class ChatAnswer:
    """The assistant message's text and the tokens the server says it used."""

    content: str
    prompt_tokens: int = 0
    completion_tokens: int = 0


def scrub(text: str, secret: str | None) -> str:
    """``text`` with every copy of ``secret`` replaced by ``***``."""
    return text.replace(secret, "***") if secret else text


def one_line(text: str, *, limit: int = 160) -> str:
    """``text`` on one line, cut to about ``limit`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3].rstrip() + "..."


class _Retry(Exception):
    """An attempt failed in a way that another attempt may fix."""


class ChatClient:
    """Posts chat requests to one server; thread-safe; counts the requests it made."""

    def __init__(self, config: LLMConfig) -> None:
        self.config = config
        parts = urlsplit(config.url)
        self.https = parts.scheme == "https"
        self.host = parts.hostname or ""
        self.port = parts.port
        self.path = (parts.path.rstrip("/") or "") + "/chat/completions"
        self.requests = 0
        self.response_format = True  # dropped for good when the server rejects it
        self._lock = threading.Lock()
        self._key = config.key()

    def where(self) -> str:
        return f"the LLM server at {self.config.shown_url()}"

    def chat(
        self, messages: list[dict[str, str]], stop: threading.Event | None = None
    ) -> ChatAnswer:
        """The answer to ``messages``; retries 429, 5xx, timeouts and dropped connections.

        Raises ``ChunkFault`` when this request fails for good, ``LLMError`` when no request
        can succeed.
        """
        attempts = self.config.retries + 1
        last = "no attempt made"
        for attempt in range(attempts):
            if stop is not None and stop.is_set():
                raise ChunkFault("not asked: the server failed on another chunk")
            if attempt:
                time.sleep(self.config.backoff * 2 ** (attempt - 1))
            try:
                return self._attempt(messages)
            except _Retry as err:
                last = str(err)
        raise self._final_fault(last, attempts)

    def _final_fault(self, last: str, attempts: int) -> ChunkFault:
        return ChunkFault(f"{last} after {attempts} tries" if attempts > 1 else last)

    def _body(self, messages: list[dict[str, str]]) -> bytes:
        payload: dict[str, Any] = {
            "model": self.config.model,
            "messages": messages,
            "temperature": 0,
            "stream": False,
        }
        if self.response_format:
            payload["response_format"] = {"type": "json_object"}
        return json.dumps(payload, ensure_ascii=False).encode("utf-8")

    def _connection(self) -> http.client.HTTPConnection:
        timeout = self.config.timeout
        if self.https:
            context = ssl.create_default_context()
            return http.client.HTTPSConnection(
                self.host, self.port, timeout=timeout, context=context
            )
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def _headers(self, size: int) -> dict[str, str]:
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Content-Length": str(size),
            "User-Agent": "kg",
        }
        if self._key:
            headers["Authorization"] = f"Bearer {self._key}"
        return headers

    def _attempt(self, messages: list[dict[str, str]]) -> ChatAnswer:
        body = self._body(messages)
        with self._lock:
            self.requests += 1
        deadline = time.monotonic() + self.config.timeout
        conn = self._connection()
        try:
            try:
                conn.request("POST", self.path, body=body, headers=self._headers(len(body)))
                response = conn.getresponse()
                data = self._read(response, deadline)
            except TimeoutError as err:
                raise _Retry(f"no answer within {self.config.timeout:g} s") from err
            except ConnectionRefusedError as err:  # nothing listens there: no retry helps
                raise LLMError(f"{self.where()}: connection refused; is it running?") from err
            except socket.gaierror as err:
                raise LLMError(f"{self.where()}: unknown host {self.host!r}") from err
            except ssl.SSLError as err:
                raise LLMError(f"{self.where()}: TLS failed: {one_line(str(err))}") from err
            except (ConnectionError, http.client.HTTPException, OSError) as err:
                raise _Retry(f"connection failed ({type(err).__name__})") from err
        finally:
            conn.close()
        return self._answer(response.status, response.reason, response.getheader("Location"), data)

    def _read(self, response: http.client.HTTPResponse, deadline: float) -> bytes:
        limit = self.config.max_response_bytes
        chunks: list[bytes] = []
        size = 0
        while True:
            if time.monotonic() > deadline:
                raise TimeoutError
            block = response.read1(65536) if hasattr(response, "read1") else response.read(65536)
            if not block:
                return b"".join(chunks)
            size += len(block)
            if size > limit:
                raise ChunkFault(f"the answer is larger than {limit} bytes")
            chunks.append(block)

    def _answer(self, status: int, reason: str, location: str | None, data: bytes) -> ChatAnswer:
        text = scrub(data.decode("utf-8", "replace"), self._key)
        if 300 <= status < 400:
            where = scrub(location or "nowhere", self._key)
            raise LLMError(
                f"{self.where()} redirects to {one_line(where)}; kg follows no redirects: "
                "give the final URL with --llm"
            )
        if status in (401, 403):
            raise LLMError(
                f"{self.where()} refused the key (HTTP {status} {reason}): "
                "check KG_LLM_API_KEY"
            )
        if status == 404:
            raise LLMError(
                f"{self.where()} answered 404 for {self.path} ({one_line(text)}): "
                "is --llm the API base (e.g. http://localhost:11434/v1) and the model pulled?"
            )
        if status == 400 and self.response_format and "response_format" in text:
            self.response_format = False
            raise _Retry("the server does not support response_format")
        if status in RETRY_STATUSES:
            raise _Retry(f"HTTP {status} {reason}")
        if status != 200:
            raise ChunkFault(f"HTTP {status} {reason}: {one_line(text)}")
        return parse_completion(text)


def parse_completion(text: str) -> ChatAnswer:
    """The message content and token usage of a chat-completions response body.

    >>> parse_completion('{"choices": [{"message": {"content": "{}"}}],'
    ...                  ' "usage": {"prompt_tokens": 5, "completion_tokens": 2}}')
    ChatAnswer(content='{}', prompt_tokens=5, completion_tokens=2)
    >>> parse_completion("<html>")
    Traceback (most recent call last):
    ...
    kg.llm.client.ChunkFault: the server's answer is not JSON: <html>
    """
    try:
        data = json.loads(text)
    except ValueError:
        raise ChunkFault(f"the server's answer is not JSON: {one_line(text, limit=80)}") from None
    try:
        content = data["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError):
        raise ChunkFault("the server's answer has no choices[0].message.content") from None
    if not isinstance(content, str):
        raise ChunkFault("choices[0].message.content is not text")
    usage = data.get("usage") if isinstance(data, dict) else None
    usage = usage if isinstance(usage, dict) else {}
    return ChatAnswer(
        content, _count(usage.get("prompt_tokens")), _count(usage.get("completion_tokens"))
    )


def _count(value: object) -> int:
    return value if isinstance(value, int) and value >= 0 else 0
