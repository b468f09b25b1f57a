"""Backends: where a chat request goes and a validated answer comes back.

A backend is one small protocol, :class:`Backend`. :class:`OpenAIBackend` serves every
OpenAI-compatible server (api.openai.com, vLLM, Ollama, llama.cpp) through the
``openai`` client and ``instructor``; what differs between servers is configuration
(:class:`~summarizer.llm.config.LLMConfig`: base URL, key, model, mode), never a guess
from a name. A scripted backend for tests is
:class:`summarizer.testing.ScriptedBackend`.

A call: instructor's handler for the mode builds the request (response_format or tool,
schema), the ``openai`` client posts it as built (:meth:`OpenAIBackend.request_body` is
that body; the Batch API sends the same), instructor's parser for the mode validates the
answer. The loop between them is ours, not instructor's patched ``create``: the same
handlers, without its per-call model preparation, hooks and validator walks (~3 ms of
client CPU per request, the better part of it; see ``benchmarks/``).

Retry layers, one per kind of failure, all bounded:

- HTTP (:mod:`summarizer.llm.retry`, around each request; the ``openai`` client itself is
  built with ``max_retries=0``): 429, 5xx, timeouts and dropped connections are retried
  ``config.http_retries`` times with exponential backoff, honouring ``Retry-After``, and
  none starts after ``config.retry_budget_s``. What still fails becomes
  :class:`BackendError`. An API error is never put into a prompt.
- Validation (tenacity): when the answer does not fit the schema, it is re-asked with
  instructor's re-ask messages (the answer and the validation error) ``config.reasks``
  times; then :class:`OutputError`. A 200 whose body is not a chat completion is asked
  again unchanged within the same bound; one with no choices is a :class:`BackendError`.

Every HTTP try first waits for its turn at the backend's :class:`RateLimiter`
(``config.rpm`` / ``config.tpm``), which is then corrected with the usage reported.

An answer cut at ``max_tokens`` raises :class:`RunawayOutputError` at once (no
re-ask here: the caller decides).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import ssl
from collections.abc import AsyncGenerator, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Generic, Protocol, TypeVar

import httpx2
import instructor
import openai
import tenacity
from instructor.core.exceptions import IncompleteOutputException
from instructor.v2.core.errors import ResponseParsingError
from instructor.v2.core.function_calls import ResponseSchema
from instructor.v2.core.providers import Provider
from instructor.v2.core.registry import mode_registry
from instructor.v2.core.response_model import prepare_response_model
from openai import RequestOptions
from openai.types.chat import ChatCompletion
from pydantic import BaseModel, ValidationError, create_model

from summarizer.llm.config import LLMConfig
from summarizer.errors import BackendError, OutputError, RunawayOutputError, RunError
from summarizer.llm.ratelimit import RateLimiter, estimate_tokens
from summarizer.llm.retry import BUDGET_ATTR, RetryPolicy, retry_headers
from summarizer.text import shorten
from summarizer.types import Usage

__all__ = ["Backend", "Completion", "Message", "OpenAIBackend"]

T = TypeVar("T", bound=BaseModel)
Message = Mapping[str, str]
"""A chat message: ``{"role": "system" | "user" | "assistant", "content": ...}``."""


@dataclass(frozen=True)
class Completion(Generic[T]):
    """A validated answer with what it cost."""

    value: T
    usage: Usage
    raw: str
    attempts: int = 1


class Backend(Protocol):
    """Send messages, get back an instance of ``response_model``."""

    @property
    def model(self) -> str: ...

    async def complete(
        self,
        messages: Sequence[Message],
        response_model: type[T],
        *,
        penalty: float | None = None,
    ) -> Completion[T]:
        """Answer ``messages`` with a valid ``response_model``.

        ``penalty`` asks for a repetition (frequency) penalty, used when retrying
        an answer that ran away.
        """
        ...


_MODES: dict[str, instructor.Mode] = {
    "tools": instructor.Mode.TOOLS,
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "json": instructor.Mode.JSON,
    # JSON_SCHEMA leaves the messages alone (the prompt prefix stays cacheable); the
    # response_format is then replaced through extra_body with llama.cpp's form.
    "json_with_schema": instructor.Mode.JSON_SCHEMA,
}


def _usage_of(obj: Any) -> Usage:
    usage = getattr(obj, "usage", None) if obj is not None else None
    if usage is None:
        return Usage()
    return Usage(
        prompt_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
        completion_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
    )


def _raw_text(completion: Any) -> str:
    try:
        message = completion.choices[0].message
    except (AttributeError, IndexError, TypeError):
        return ""
    calls = getattr(message, "tool_calls", None)
    if calls:
        return str(calls[0].function.arguments)
    return str(getattr(message, "content", "") or "")


class _SchemaOnce:
    """Mixin: the default JSON schema of a model class, generated once (pydantic builds
    it anew on every call, and instructor's handlers ask for it on every request: ~1 ms)."""

    _schema_json: str | None = None

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        generate: Any = super().model_json_schema  # type: ignore[misc]
        if args or kwargs:
            return dict(generate(*args, **kwargs))
        if cls.__dict__.get("_schema_json") is None:
            cls._schema_json = json.dumps(generate())
        return dict(json.loads(cls._schema_json or "{}"))  # a fresh copy for every caller


@lru_cache(maxsize=16)
def _ready(model: type[BaseModel]) -> type[BaseModel]:
    """``model`` as instructor prepares it for every request (its ``response_schema``
    wrapper: same name, fields and docstring, hence the same request), built once
    instead of per call, and with its JSON schema generated once."""
    bases: Any = (_SchemaOnce, model, ResponseSchema)
    wrapped: Any = create_model(model.__name__, __base__=bases)
    functools.update_wrapper(wrapped, model, updated=())
    return wrapped  # type: ignore[no-any-return]


@lru_cache(maxsize=16)
def _prepared(model: type[BaseModel]) -> Any:
    """``model`` as instructor's handlers take it (prepared once, not per request)."""
    return prepare_response_model(_ready(model))


_NOT_IN_BODY = ("extra_body", "extra_headers", "extra_query", "timeout")
_NOT_FIT = (ValidationError, json.JSONDecodeError, ResponseParsingError)
"""What instructor's parsers raise for an answer that does not fit: worth a re-ask."""


def _body(kwargs: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON body for prepared ``kwargs``: ``extra`` fields replace those of the same
    name, as the ``openai`` client merges its ``extra_body``."""
    body = {k: v for k, v in kwargs.items() if k not in _NOT_IN_BODY}
    body.update(extra)
    return body


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


def _redact_in_logs(secret: str) -> None:
    _REDACT.secrets.add(secret)
    for name in ("instructor", "instructor.v2.retry", "openai", "httpx2", "httpcore2"):
        logger = logging.getLogger(name)
        if _REDACT not in logger.filters:
            logger.addFilter(_REDACT)


class OpenAIBackend:
    """Any OpenAI-compatible chat completions server, through the ``openai`` client and
    instructor's handlers.

    ``limiter`` replaces the one built from ``config.rpm``/``config.tpm``; pass the same
    limiter to several backends to share one account's limits between them.
    """

    def __init__(self, config: LLMConfig, *, limiter: RateLimiter | None = None) -> None:
        self.config = config
        if limiter is None and (config.rpm is not None or config.tpm is not None):
            limiter = RateLimiter(config.rpm, config.tpm)
        self.limiter = limiter
        self.retry = RetryPolicy(config.http_retries, config.retry_budget_s)
        if len(config.api_key) >= 6:
            _redact_in_logs(config.api_key)
        self._handlers: Any = mode_registry.get_handlers(Provider.OPENAI, _MODES[config.mode])
        self._clients: dict[int, tuple[asyncio.AbstractEventLoop, openai.AsyncOpenAI, Any]] = {}

    @property
    def model(self) -> str:
        return self.config.model

    def __repr__(self) -> str:
        return f"OpenAIBackend({self.config!r})"

    def _http(self) -> openai.AsyncOpenAI:
        # An async HTTP pool belongs to one event loop; the sync API runs a private loop
        # per call, so keep one client per live loop. It is closed by :meth:`aclose`, or
        # else when its loop is shut down by ``asyncio.run`` (see :func:`_closed_with_loop`).
        loop = asyncio.get_running_loop()
        entry = self._clients.get(id(loop))
        if entry is None or entry[0] is not loop:
            client = openai.AsyncOpenAI(
                base_url=self.config.base_url,
                api_key=self.config.api_key or "none",
                timeout=self.config.timeout_s,
                max_retries=0,  # the one HTTP retry layer is self.retry (see _post)
                **_transport(self.config),
            )
            closer = _closed_with_loop(client, self._clients, id(loop))
            with contextlib.suppress(StopAsyncIteration, StopIteration):
                closer.asend(None).send(None)  # run it to its yield: now the loop knows it
            entry = (loop, client, closer)
            self._clients[id(loop)] = entry
        return entry[1]

    def raw_client(self) -> openai.AsyncOpenAI:
        """The ``openai`` client of the running event loop (no HTTP retries of its own:
        wrap calls in :attr:`retry`)."""
        return self._http()

    async def aclose(self) -> None:
        """Close the HTTP client of the running event loop (clients of other loops stay)."""
        entry = self._clients.get(id(asyncio.get_running_loop()))
        if entry is not None:
            await entry[2].aclose()  # closes the client and forgets it

    def _request_options(self, penalty: float | None) -> dict[str, Any]:
        cfg = self.config
        options: dict[str, Any] = {
            "model": cfg.model,
            "max_tokens": cfg.max_tokens,
            "temperature": cfg.temperature,
        }
        if cfg.seed is not None:
            options["seed"] = cfg.seed
        if cfg.frequency_penalty is not None:
            options["frequency_penalty"] = cfg.frequency_penalty
        if penalty is not None:
            options["frequency_penalty"] = penalty
            options["seed"] = (cfg.seed or 0) + 1
        return options

    def _kwargs(
        self,
        messages: Sequence[Message],
        response_model: type[BaseModel],
        penalty: float | None = None,
    ) -> dict[str, Any]:
        """The request for ``messages`` as instructor's handler for the mode prepares it
        (response_format or tools, schema in the system prompt in ``json`` mode)."""
        kwargs: dict[str, Any] = {
            "messages": [dict(m) for m in messages],
            **self._request_options(penalty),
        }
        prepared: dict[str, Any]
        _, prepared = self._handlers.request_handler(
            response_model=_prepared(response_model), kwargs=kwargs
        )
        if self._handlers.message_converter is not None:
            prepared["messages"] = self._handlers.message_converter(prepared["messages"])
        if self.config.mode == "json_with_schema":
            # llama.cpp's form of a schema-constrained answer replaces instructor's (the
            # same schema, which the handler has just generated).
            prepared["response_format"] = {
                "type": "json_object",
                "schema": prepared["response_format"]["json_schema"]["schema"],
            }
        return prepared

    def request_body(
        self, messages: Sequence[Message], response_model: type[BaseModel]
    ) -> dict[str, Any]:
        """The JSON body :meth:`complete` sends first for ``messages`` (for the Batch API).

        The online path posts exactly this body, so both paths send the same request.
        """
        body = _body(self._kwargs(messages, response_model), self.config.extra_body)
        copied: dict[str, Any] = json.loads(json.dumps(body))  # plain JSON, nothing shared
        return copied

    async def _post(self, body: dict[str, Any]) -> Any:
        """One chat completion request, rate-limited and retried by the HTTP layer: a
        :class:`ChatCompletion`, or what else the server sent (text, other JSON)."""
        client = self._http()
        limiter = self.limiter
        tokens = estimate_tokens(body) if limiter is not None else 0

        async def attempt(tries: int) -> Any:
            ticket = await limiter.acquire(tokens) if limiter is not None else None
            options: RequestOptions = {"security": {"bearer_auth": True}}
            if tries:
                options["headers"] = retry_headers(tries)
            try:
                # The body as the handler built it (plain JSON, which the typed create()
                # would walk through only to send it unchanged); the answer's bytes, its
                # HTTP status already checked by the client.
                content = await client.post(
                    "/chat/completions", body=body, cast_to=bytes, options=options
                )
            except BaseException:
                if limiter is not None and ticket is not None:
                    limiter.settle(ticket, None)
                raise
            completion = _completion(content)
            if limiter is not None and ticket is not None:
                usage = _usage_of(completion)
                limiter.settle(ticket, usage.total_tokens if usage.total_tokens else None)
            return completion

        return await self.retry.run(attempt)

    def parse(self, completion: Any, response_model: type[T]) -> T:
        """``response_model`` from a chat completion by instructor's parser for the mode,
        without any re-ask (the Batch API path uses it too).

        Raises :class:`OutputError` for an answer that does not fit and
        :class:`RunawayOutputError` for one cut at ``max_tokens``.
        """
        try:
            return self._parse(completion, response_model)
        except _Unusable as exc:
            raise BackendError(str(exc), attempts=1, usage=_usage_of(completion)) from None
        except IncompleteOutputException:
            raise self._runaway(completion, attempts=1, usage=_usage_of(completion)) from None
        except _NOT_FIT as exc:
            raise OutputError(
                f"answer did not fit the schema: {shorten(str(exc))}",
                attempts=1,
                usage=_usage_of(completion),
                last_response=_raw_text(completion) or None,
            ) from None

    def _parse(self, completion: Any, response_model: type[T]) -> T:
        if not isinstance(completion, ChatCompletion):
            raise _NotACompletion("the server's response is not a JSON chat completion")
        if not completion.choices:
            raise _Unusable("the server's response has no choices (no answer)")
        value: T = self._handlers.response_parser(
            response=completion,
            response_model=_prepared(response_model),
            validation_context=None,
            strict=True,
            stream=False,
            is_async=False,
        )
        return value

    def _runaway(self, completion: Any, *, attempts: int, usage: Usage) -> RunawayOutputError:
        return RunawayOutputError(
            f"answer cut at max_tokens={self.config.max_tokens} (finish_reason=length)",
            attempts=attempts,
            usage=usage,
            last_response=_raw_text(completion),
        )

    async def complete(
        self,
        messages: Sequence[Message],
        response_model: type[T],
        *,
        penalty: float | None = None,
    ) -> Completion[T]:
        """Ask, parse with instructor's handler for the mode, and re-ask (its re-ask
        messages, at most ``config.reasks`` times, by tenacity) while the answer does not
        fit; a body that is not a chat completion is asked again unchanged."""
        state = _Calls(kwargs=self._kwargs(messages, response_model, penalty))
        retrying = tenacity.AsyncRetrying(
            stop=tenacity.stop_after_attempt(self.config.reasks + 1),
            retry=tenacity.retry_if_exception_type(_Retry),
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    await self._ask(response_model, state)
        except _Retry as exc:
            if isinstance(exc.cause, _NOT_FIT):
                raise self._scrub(
                    OutputError(
                        f"answer did not fit the schema after {state.calls} attempt(s): "
                        f"{shorten(str(exc.cause))}",
                        attempts=state.calls,
                        usage=state.usage,
                        last_response=_raw_text(state.last) or None,
                    )
                ) from None
            raise self._scrub(
                BackendError(shorten(str(exc.cause)), attempts=state.calls, usage=state.usage)
            ) from None
        assert state.value is not None
        return Completion(
            value=state.value, usage=state.usage, raw=_raw_text(state.last), attempts=state.calls
        )

    async def _ask(self, response_model: type[BaseModel], state: _Calls) -> None:
        """One call of ``state.kwargs``: sets ``state.value``, or raises :class:`_Retry`
        after setting the request to send next (instructor's re-ask, or unchanged)."""
        try:
            completion = await self._post(_body(state.kwargs, self.config.extra_body))
        except openai.APIError as exc:
            # Calls before this one, plus the HTTP tries of this one.
            attempts = state.calls + _http_tries(exc)
            raise self._scrub(
                BackendError(_api_message(exc), attempts=attempts, usage=state.usage)
            ) from None
        state.calls += 1
        state.last = completion
        state.usage = state.usage + _usage_of(completion)
        try:
            state.value = self._parse(completion, response_model)
        except _NotACompletion as exc:  # a garbled body: ask again, unchanged
            raise _Retry(exc) from None
        except _Unusable as exc:  # no choices: nothing to ask again
            raise self._scrub(
                BackendError(str(exc), attempts=state.calls, usage=state.usage)
            ) from None
        except IncompleteOutputException:
            raise self._runaway(completion, attempts=state.calls, usage=state.usage) from None
        except _NOT_FIT as exc:
            state.kwargs = self._handlers.reask_handler(
                kwargs=state.kwargs, response=completion, exception=exc
            )
            raise _Retry(exc) from None

    def _scrub(self, error: RunError) -> RunError:
        """``error`` without the API key: a server may echo it in an error body."""
        key = self.config.api_key
        if len(key) >= 6 and key in error.message:
            error.message = error.message.replace(key, "***")
            error.args = (error.message,)
        return error


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


class _Unusable(Exception):
    """The server's response is not an answer to judge."""


class _NotACompletion(_Unusable):
    """The server's response is not even a chat completion (asked again unchanged)."""


class _Retry(Exception):
    """Ask again (the next request is already in :attr:`_Calls.kwargs`)."""

    def __init__(self, cause: Exception) -> None:
        super().__init__(str(cause))
        self.cause = cause


@dataclass
class _Calls:
    kwargs: dict[str, Any]
    calls: int = 0
    usage: Usage = field(default_factory=Usage)
    last: Any = None
    value: Any = None


def _completion(content: bytes) -> Any:
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


def _http_tries(exc: openai.APIError) -> int:
    """HTTP requests the ``openai`` client made for the call that raised ``exc``."""
    request = getattr(exc, "request", None)
    retries = request.headers.get("x-stainless-retry-count") if request is not None else None
    try:
        return int(retries) + 1 if retries is not None else 1
    except ValueError:
        return 1


def _api_message(exc: openai.APIError) -> str:
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
