"""The HTTP side of :class:`~summarizer.llm.backend.OpenAIBackend`: its ``openai`` clients
(one per event loop, one TLS context per process), what a response body holds, what an
API error says, and API keys kept out of the logs of the libraries we drive.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import ssl
from collections.abc import AsyncGenerator, Iterable
from typing import Any

import httpx2
import openai
from openai.types.chat import ChatCompletion
from pydantic import ValidationError

from summarizer.llm.config import LLMConfig
from summarizer.llm.retry import BUDGET_ATTR
from summarizer.text import shorten

__all__ = ["LoopClients", "api_message", "http_tries", "read_completion", "redact_in_logs"]


class LoopClients:
    """The ``openai`` client of each live event loop, built from ``config`` on first use.

    An async HTTP pool belongs to one event loop; the sync API runs a private loop per
    call, so there is one client per live loop. It is closed by :meth:`aclose`, or else
    when its loop is shut down by ``asyncio.run`` (see :func:`_closed_with_loop`).
    """

    def __init__(self, config: LLMConfig) -> None:
        self.config = config
        self._clients: dict[int, tuple[asyncio.AbstractEventLoop, openai.AsyncOpenAI, Any]] = {}

    def __len__(self) -> int:
        """Clients open (for tests)."""
        return len(self._clients)

    def get(self) -> openai.AsyncOpenAI:
        """The client of the running event loop (no HTTP retries of its own)."""
        loop = asyncio.get_running_loop()
        entry = self._clients.get(id(loop))
        if entry is None or entry[0] is not loop:
            client = openai.AsyncOpenAI(
                base_url=self.config.base_url,
                api_key=self.config.api_key or "none",
                timeout=self.config.timeout_s,
                max_retries=0,  # the one HTTP retry layer is summarizer.llm.retry
                **_transport(self.config),
            )
            closer = _closed_with_loop(client, self._clients, id(loop))
            with contextlib.suppress(StopAsyncIteration, StopIteration):
                closer.asend(None).send(None)  # run it to its yield: now the loop knows it
            entry = (loop, client, closer)
            self._clients[id(loop)] = entry
        return entry[1]

    async def aclose(self) -> None:
        """Close the client of the running event loop (clients of other loops stay)."""
        entry = self._clients.get(id(asyncio.get_running_loop()))
        if entry is not None:
            await entry[2].aclose()  # closes the client and forgets it


async def _closed_with_loop(
    client: openai.AsyncOpenAI, clients: dict[int, Any], key: int
) -> AsyncGenerator[None, None]:
    """Holds ``client`` open until closed: by ``aclose()`` on this generator, or by the
    event loop, whose ``shutdown_asyncgens()`` (run by ``asyncio.run`` on the way out)
    closes every async generator it has seen start. So an ``Extractor`` used from async
    code and never closed leaves no connection open (aiohttp would warn about it)."""
    try:
        yield
    finally:
        if clients.get(key, (None, None))[1] is client:
            del clients[key]
        await client.close()


def _transport(config: LLMConfig) -> dict[str, Any]:
    """The ``openai`` client's HTTP client for ``config.transport`` (the SDK's aiohttp one
    spends ~0.6 ms less CPU per request than its default httpx one; benchmarks/)."""
    if config.transport == "aiohttp":
        client: Any = openai.DefaultAioHttpClient(timeout=config.timeout_s, verify=_tls())
    else:
        client = openai.DefaultAsyncHttpxClient(timeout=config.timeout_s, verify=_tls())
    return {"http_client": client}


@functools.cache
def _tls() -> ssl.SSLContext:
    """The TLS settings of every client, as the SDK would build them (CA bundle, the
    ``SSL_CERT_FILE``/``SSL_CERT_DIR`` environment), built once: loading the CA bundle
    takes 20-40 ms, which a client per event loop would otherwise pay every time (the
    sync API runs a loop per call; a run's first requests waited for it)."""
    return httpx2.create_ssl_context()


def read_completion(content: bytes) -> Any:
    """The chat completion in a response body: validated by pydantic in one pass, or, for
    a server that bends the schema, built leniently as the ``openai`` client builds it;
    a body that is not a JSON object is returned as it is (text or other JSON)."""
    try:
        return ChatCompletion.model_validate_json(content)
    except ValidationError:
        pass
    try:
        data = json.loads(content)
    except ValueError:
        return content.decode("utf-8", "replace")
    return ChatCompletion.construct(**data) if isinstance(data, dict) else data


def http_tries(exc: openai.APIError) -> int:
    """HTTP requests the ``openai`` client made for the call that raised ``exc``."""
    request = getattr(exc, "request", None)
    retries = request.headers.get("x-stainless-retry-count") if request is not None else None
    try:
        return int(retries) + 1 if retries is not None else 1
    except ValueError:
        return 1


def api_message(exc: openai.APIError) -> str:
    """What went wrong, in one line: the error's kind, HTTP status and message, and
    whether the retry budget stopped the retries."""
    status = getattr(exc, "status_code", None)
    kind = type(exc).__name__
    if isinstance(exc, openai.APITimeoutError) and not _timed_out(exc):
        # The SDK's aiohttp transport maps every dropped connection to a connect timeout.
        kind = "APIConnectionError"
    prefix = f"{kind} (HTTP {status})" if status else kind
    budget = getattr(exc, BUDGET_ATTR, None)
    spent = f" (not retried: retry budget of {budget:g} s spent)" if budget is not None else ""
    return f"{prefix}: {shorten(str(getattr(exc, 'message', exc)))}{spent}"


def _timed_out(exc: BaseException) -> bool:
    """Whether the error at the root of ``exc``'s causes is a timeout."""
    while exc.__cause__ is not None:
        exc = exc.__cause__
    return isinstance(exc, TimeoutError) or "Timeout" in type(exc).__name__


class _Redact(logging.Filter):
    """Replaces API keys in the log records of the libraries we drive (an error text a
    library logs may hold the key a server echoed back)."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self.secrets):
            for secret in self.secrets:
                message = message.replace(secret, "***")
            record.msg, record.args = message, None
        return True


_REDACT = _Redact()
_LOGGERS = ("openai", "httpx2", "httpcore2")


def redact_in_logs(secret: str, loggers: Iterable[str] = ()) -> None:
    """Replace ``secret`` by ``***`` in what the HTTP libraries log, and in what the
    ``loggers`` named log."""
    _REDACT.secrets.add(secret)
    for name in (*loggers, *_LOGGERS):
        logger = logging.getLogger(name)
        if _REDACT not in logger.filters:
            logger.addFilter(_REDACT)
