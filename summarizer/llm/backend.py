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
client CPU per request, the better part of it; see ``benchmarks/``). instructor is
reached only through :mod:`summarizer.llm.structured`; the ``openai`` clients (one per
event loop) are built in :mod:`summarizer.llm.http`.

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

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

import openai
import tenacity
from openai import RequestOptions
from openai.types.chat import ChatCompletion
from pydantic import BaseModel

from summarizer.errors import BackendError, OutputError, RunawayOutputError, RunError
from summarizer.llm.config import LLMConfig
from summarizer.llm.http import (
    LoopClients,
    api_message,
    http_tries,
    read_completion,
    redact_in_logs,
)
from summarizer.llm.ratelimit import RateLimiter, estimate_tokens
from summarizer.llm.retry import RetryPolicy, retry_headers
from summarizer.llm.structured import LOGGERS, NOT_FIT, Incomplete, Structured
from summarizer.text import shorten
from summarizer.types import Usage

__all__ = ["Backend", "Completion", "Message", "OpenAIBackend", "usage_of"]

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


def usage_of(obj: Any) -> Usage:
    """The token usage a chat completion (or anything with a ``usage``) reports; zero
    when it reports none."""
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


_NOT_IN_BODY = ("extra_body", "extra_headers", "extra_query", "timeout")


def _body(kwargs: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON body for prepared ``kwargs``: ``extra`` fields replace those of the same
    name, as the ``openai`` client merges its ``extra_body``."""
    body = {k: v for k, v in kwargs.items() if k not in _NOT_IN_BODY}
    body.update(extra)
    return body


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
            redact_in_logs(config.api_key, LOGGERS)
        self.structured = Structured(config.mode)
        self._clients = LoopClients(config)

    @property
    def model(self) -> str:
        return self.config.model

    def __repr__(self) -> str:
        return f"OpenAIBackend({self.config!r})"

    def raw_client(self) -> openai.AsyncOpenAI:
        """The ``openai`` client of the running event loop (no HTTP retries of its own:
        wrap calls in :attr:`retry`)."""
        return self._clients.get()

    async def aclose(self) -> None:
        """Close the HTTP client of the running event loop (clients of other loops stay)."""
        await self._clients.aclose()

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
        options = self._request_options(penalty)
        return self.structured.request(messages, response_model, options)

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
        client = self._clients.get()
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
            completion = read_completion(content)
            if limiter is not None and ticket is not None:
                usage = usage_of(completion)
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
            raise BackendError(str(exc), attempts=1, usage=usage_of(completion)) from None
        except Incomplete:
            raise self._runaway(completion, attempts=1, usage=usage_of(completion)) from None
        except NOT_FIT as exc:
            raise OutputError(
                f"answer did not fit the schema: {shorten(str(exc))}",
                attempts=1,
                usage=usage_of(completion),
                last_response=_raw_text(completion) or None,
            ) from None

    def _parse(self, completion: Any, response_model: type[T]) -> T:
        if not isinstance(completion, ChatCompletion):
            raise _NotACompletion("the server's response is not a JSON chat completion")
        if not completion.choices:
            raise _Unusable("the server's response has no choices (no answer)")
        return self.structured.parse(completion, response_model)

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
            if isinstance(exc.cause, NOT_FIT):
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
            attempts = state.calls + http_tries(exc)
            raise self._scrub(
                BackendError(api_message(exc), attempts=attempts, usage=state.usage)
            ) from None
        state.calls += 1
        state.last = completion
        state.usage = state.usage + usage_of(completion)
        try:
            state.value = self._parse(completion, response_model)
        except _NotACompletion as exc:  # a garbled body: ask again, unchanged
            raise _Retry(exc) from None
        except _Unusable as exc:  # no choices: nothing to ask again
            raise self._scrub(
                BackendError(str(exc), attempts=state.calls, usage=state.usage)
            ) from None
        except Incomplete:
            raise self._runaway(completion, attempts=state.calls, usage=state.usage) from None
        except NOT_FIT as exc:
            state.kwargs = self.structured.reask(state.kwargs, completion, exc)
            raise _Retry(exc) from None

    def _scrub(self, error: RunError) -> RunError:
        """``error`` without the API key: a server may echo it in an error body."""
        key = self.config.api_key
        if len(key) >= 6 and key in error.message:
            error.message = error.message.replace(key, "***")
            error.args = (error.message,)
        return error


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
