"""Backends: where a chat request goes and a validated answer comes back.

A backend is one small protocol, :class:`Backend`. :class:`OpenAIBackend` serves every
OpenAI-compatible server (api.openai.com, vLLM, Ollama, llama.cpp) through the
``openai`` client and ``instructor``; what differs between servers is configuration
(:class:`~summarizer.config.LLMConfig`: base URL, key, model, mode), never a guess
from a name. :class:`ScriptedBackend` answers from a script, for unit tests.

Retry layers, one per kind of failure, all bounded:

- HTTP (:mod:`summarizer.retry`, under instructor, around each request; the ``openai``
  client itself is built with ``max_retries=0``): 429, 5xx, timeouts and dropped
  connections are retried ``config.http_retries`` times with exponential backoff,
  honouring ``Retry-After``, and none starts after ``config.retry_budget_s``. What still
  fails becomes :class:`BackendError`. An API error is never put into a prompt.
- Validation: when the answer does not fit the schema, instructor re-asks
  ``config.reasks`` times with the validation message; then :class:`OutputError`.

Every HTTP try first waits for its turn at the backend's :class:`RateLimiter`
(``config.rpm`` / ``config.tpm``), which is then corrected with the usage reported.

An answer cut at ``max_tokens`` raises :class:`RunawayOutputError` at once (no
re-ask here: the caller decides).
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Generic, Protocol, TypeVar

import instructor
import openai
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from instructor.core.hooks import HookName, Hooks
from instructor.v2.core.function_calls import ResponseSchema
from instructor.v2.core.providers import Provider
from instructor.v2.core.registry import mode_registry
from instructor.v2.core.response_model import prepare_response_model
from pydantic import BaseModel, ValidationError, create_model

from .config import LLMConfig
from .errors import BackendError, OutputError, RunawayOutputError, RunError
from .ratelimit import RateLimiter, estimate_tokens
from .retry import BUDGET_ATTR, RetryPolicy, retry_headers
from .types import Usage

__all__ = ["Backend", "Completion", "Message", "OpenAIBackend", "ScriptedBackend"]

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
    it anew on every call, and instructor asks for it on every request: ~1 ms each)."""

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


def _json_schema(model: type[BaseModel]) -> dict[str, Any]:
    return _ready(model).model_json_schema()


_NOT_IN_BODY = ("extra_body", "extra_headers", "extra_query", "timeout")


class _Redact(logging.Filter):
    """Replaces API keys in the log records of the libraries we drive (instructor logs a
    failed call's error text, which a server may have filled with the key it was sent)."""

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
    """Any OpenAI-compatible chat completions server, through instructor.

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
        self._clients: dict[int, tuple[asyncio.AbstractEventLoop, Any, openai.AsyncOpenAI]] = {}

    @property
    def model(self) -> str:
        return self.config.model

    def __repr__(self) -> str:
        return f"OpenAIBackend({self.config!r})"

    def _client(self) -> Any:
        # An async HTTP pool belongs to one event loop; the sync API runs a private loop
        # per call, so keep one client per live loop (and close it with :meth:`aclose`).
        loop = asyncio.get_running_loop()
        entry = self._clients.get(id(loop))
        if entry is None or entry[0] is not loop:
            raw = openai.AsyncOpenAI(
                base_url=self.config.base_url,
                api_key=self.config.api_key or "none",
                timeout=self.config.timeout_s,
                max_retries=0,  # the one HTTP retry layer is self.retry (see _send)
            )

            async def send(**kwargs: Any) -> Any:
                return await self._send(raw, kwargs)

            # instructor's patched create around our send: it adds response_model,
            # validation and re-asks; HTTP goes through _send (limiter + retry layer).
            patched = instructor.patch(create=send, mode=_MODES[self.config.mode])
            entry = (loop, patched, raw)
            self._clients[id(loop)] = entry
        return entry[1]

    def raw_client(self) -> openai.AsyncOpenAI:
        """The ``openai`` client of the running event loop (no HTTP retries of its own:
        wrap calls in :attr:`retry`)."""
        self._client()
        return self._clients[id(asyncio.get_running_loop())][2]

    async def _send(self, raw: openai.AsyncOpenAI, kwargs: dict[str, Any]) -> Any:
        """One chat completion request, as instructor asks for it: rate-limited, retried."""
        limiter = self.limiter
        tokens = estimate_tokens(kwargs) if limiter is not None else 0
        base_headers = kwargs.pop("extra_headers", None)
        # A field extra_body sets replaces the one of the same name in the body: drop the
        # latter here (same JSON on the wire, without the SDK transforming and copying it;
        # in json_with_schema mode that is instructor's whole schema).
        for name in kwargs.get("extra_body") or ():
            if name not in ("model", "messages"):  # the SDK requires these two
                kwargs.pop(name, None)
        create: Any = raw.chat.completions.create  # kwargs as instructor prepared them

        async def attempt(tries: int) -> Any:
            ticket = await limiter.acquire(tokens) if limiter is not None else None
            headers = retry_headers(tries, base_headers)
            try:
                response = await create(**kwargs, **({"extra_headers": headers} if headers else {}))
            except BaseException:
                if limiter is not None and ticket is not None:
                    limiter.settle(ticket, None)
                raise
            if limiter is not None and ticket is not None:
                usage = _usage_of(response)
                limiter.settle(ticket, usage.total_tokens if usage.total_tokens else None)
            return response

        return await self.retry.run(attempt)

    async def aclose(self) -> None:
        """Close the HTTP client of the running event loop (clients of other loops stay)."""
        entry = self._clients.pop(id(asyncio.get_running_loop()), None)
        if entry is not None:
            await entry[2].close()

    def _request_options(self, response_model: type[BaseModel]) -> dict[str, Any]:
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
        extra: dict[str, Any] = dict(cfg.extra_body)
        if cfg.mode == "json_with_schema":
            extra["response_format"] = {
                "type": "json_object",
                "schema": _json_schema(response_model),
            }
        if extra:
            options["extra_body"] = extra
        return options

    def request_body(
        self, messages: Sequence[Message], response_model: type[BaseModel]
    ) -> dict[str, Any]:
        """The JSON body :meth:`complete` sends first for ``messages`` (for the Batch API).

        Built by the same instructor request handler as the online call, from the same
        options, so both paths send the same request.
        """
        mode = _MODES[self.config.mode]
        handlers = mode_registry.get_handlers(Provider.OPENAI, mode)
        kwargs: dict[str, Any] = {
            "messages": [dict(m) for m in messages],
            **self._request_options(response_model),
        }
        _, prepared = handlers.request_handler(
            response_model=prepare_response_model(_ready(response_model)), kwargs=kwargs
        )
        if handlers.message_converter is not None:
            prepared["messages"] = handlers.message_converter(prepared["messages"])
        body = {k: v for k, v in prepared.items() if k not in _NOT_IN_BODY}
        body.update(prepared.get("extra_body") or {})
        copied: dict[str, Any] = json.loads(json.dumps(body))  # plain JSON, nothing shared
        return copied

    def parse(self, completion: Any, response_model: type[T]) -> T:
        """``response_model`` from a chat completion, as :meth:`complete` parses one (by
        the same instructor handler), without any re-ask.

        Raises :class:`OutputError` for an answer that does not fit and
        :class:`RunawayOutputError` for one cut at ``max_tokens``.
        """
        mode = _MODES[self.config.mode]
        handlers = mode_registry.get_handlers(Provider.OPENAI, mode)
        prepared: Any = prepare_response_model(_ready(response_model))
        try:
            value: T = handlers.response_parser(
                response=completion,
                response_model=prepared,
                validation_context=None,
                strict=True,
                stream=False,
                is_async=False,
            )
        except IncompleteOutputException:
            raise RunawayOutputError(
                f"answer cut at max_tokens={self.config.max_tokens} (finish_reason=length)",
                attempts=1,
                usage=_usage_of(completion),
                last_response=_raw_text(completion),
            ) from None
        except Exception as exc:  # validation, JSON or shape errors: the answer does not fit
            raise OutputError(
                f"answer did not fit the schema: {_short(str(exc))}",
                attempts=1,
                usage=_usage_of(completion),
                last_response=_raw_text(completion) or None,
            ) from None
        return value

    async def complete(
        self,
        messages: Sequence[Message],
        response_model: type[T],
        *,
        penalty: float | None = None,
    ) -> Completion[T]:
        create = self._client()
        options = self._request_options(response_model)
        if penalty is not None:
            options["frequency_penalty"] = penalty
            options["seed"] = (self.config.seed or 0) + 1
        # Count the calls instructor makes (its re-asks included): neither its value nor
        # its IncompleteOutputException says how many there were.
        calls: list[int] = []
        hooks = Hooks()
        hooks.on(HookName.COMPLETION_KWARGS, lambda *_, **__: calls.append(1))
        try:
            value = await create(
                messages=[dict(m) for m in messages],
                response_model=_ready(response_model),
                max_retries=self.config.reasks,
                hooks=hooks,
                **options,
            )
            completion = getattr(value, "_raw_response", None)
        except IncompleteOutputException as exc:
            last = exc.last_completion
            raise RunawayOutputError(
                f"answer cut at max_tokens={self.config.max_tokens} (finish_reason=length)",
                attempts=max(1, len(calls)),
                usage=_usage_of(last),  # instructor sums the usage of its calls into it
                last_response=_raw_text(last),
            ) from None
        except InstructorRetryException as exc:
            raise self._scrub(self._translate(exc)) from None
        except openai.APIError as exc:
            raise self._scrub(BackendError(_api_message(exc), attempts=_http_tries(exc))) from None
        total = getattr(value, "_total_usage", None)
        usage = _usage_of(completion) if total is None else _usage_of(_Holder(total))
        attempts = max(1, len(calls))
        return Completion(value=value, usage=usage, raw=_raw_text(completion), attempts=attempts)

    def _scrub(self, error: RunError) -> RunError:
        """``error`` without the API key: a server may echo it in an error body."""
        key = self.config.api_key
        if len(key) >= 6 and key in error.message:
            error.message = error.message.replace(key, "***")
            error.args = (error.message,)
        return error

    def _translate(self, exc: Any) -> RunError:
        cause = exc.__cause__
        attempts = int(getattr(exc, "n_attempts", 1) or 1)
        usage = _usage_of(_Holder(getattr(exc, "total_usage", None)))
        last = getattr(exc, "last_completion", None)
        raw = _raw_text(last) or None
        if isinstance(cause, openai.APIError):
            # Calls before the last one, plus the HTTP tries of the last one.
            attempts += _http_tries(cause) - 1
            return BackendError(_api_message(cause), attempts=attempts, usage=usage)
        failed = list(getattr(exc, "failed_attempts", None) or [])
        from_answer = bool(failed) and failed[-1].exception is cause
        if from_answer and getattr(last, "choices", None):
            # The model answered, and its answer did not fit.
            return OutputError(
                f"answer did not fit the schema after {attempts} attempt(s): "
                f"{_short(str(cause or exc))}",
                attempts=attempts,
                usage=usage,
                last_response=raw,
            )
        # No answer to judge: the server's response itself was unusable.
        if isinstance(last, str) or isinstance(cause, json.JSONDecodeError):
            message = "the server's response is not a JSON chat completion"
        elif last is not None and not getattr(last, "choices", None):
            message = "the server's response has no choices (no answer)"
        else:
            message = f"{type(cause or exc).__name__}: {cause or exc}"
        return BackendError(_short(message), attempts=attempts, usage=usage)


@dataclass
class _Holder:
    usage: Any


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
    prefix = f"{kind} (HTTP {status})" if status else kind
    budget = getattr(exc, BUDGET_ATTR, None)
    spent = f" (not retried: retry budget of {budget:g} s spent)" if budget is not None else ""
    return f"{prefix}: {_short(str(getattr(exc, 'message', exc)))}{spent}"


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


Reply = str | Mapping[str, Any] | BaseModel | Exception
"""What a :class:`ScriptedBackend` answers: JSON text, a dict, a model, or an exception to raise."""


@dataclass
class ScriptedBackend:
    """A backend that answers from a script, for tests: no network, no model.

    ``replies`` are used in order, one per call; a callable reply receives the
    messages and the response model. Every call's messages are kept in ``calls``.
    Answers are validated against the response model like a real answer; one
    that does not fit raises :class:`OutputError`.
    """

    replies: list[Reply | Callable[[Sequence[Message], type[BaseModel]], Reply]]
    model: str = "scripted"
    usage_per_call: Usage = field(
        default_factory=lambda: Usage(prompt_tokens=100, completion_tokens=50)
    )
    calls: list[list[dict[str, str]]] = field(default_factory=list)
    penalties: list[float | None] = field(default_factory=list)

    async def complete(
        self,
        messages: Sequence[Message],
        response_model: type[T],
        *,
        penalty: float | None = None,
    ) -> Completion[T]:
        self.calls.append([dict(m) for m in messages])
        self.penalties.append(penalty)
        if not self.replies:
            raise BackendError("scripted backend has no reply left", attempts=1)
        reply = self.replies.pop(0)
        if callable(reply) and not isinstance(reply, (BaseModel, Exception)):
            reply = reply(messages, response_model)
        if isinstance(reply, Exception):
            raise reply
        raw = (
            reply.model_dump_json()
            if isinstance(reply, BaseModel)
            else reply
            if isinstance(reply, str)
            else json.dumps(reply)
        )
        try:
            value = response_model.model_validate_json(raw)
        except ValidationError as exc:
            raise OutputError(
                f"scripted answer does not fit {response_model.__name__}: {_short(str(exc))}",
                attempts=1,
                usage=self.usage_per_call,
                last_response=raw,
            ) from None
        return Completion(value=value, usage=self.usage_per_call, raw=raw)
