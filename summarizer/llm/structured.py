"""The one door to instructor: a request per structured-output mode, its answer parsed,
a re-ask when the answer does not fit.

The only module of the package that imports ``instructor`` (pinned to the releases
``tests/test_structured.py`` covers: it pins the exact body built per mode). It uses
instructor's handlers for the ``openai`` provider, not its patched client: the loop
around them (HTTP, retries, re-asks) is :class:`~summarizer.llm.backend.OpenAIBackend`'s.

- :class:`Structured` (one per mode): :meth:`~Structured.request` builds the request
  kwargs (response_format or tools, the schema; in ``json`` mode the schema goes into the
  system prompt), :meth:`~Structured.parse` validates an answer, :meth:`~Structured.reask`
  turns a failed answer into the next request (instructor's re-ask messages).
- :data:`NOT_FIT`: what :meth:`~Structured.parse` raises for an answer that does not fit
  the schema (worth a re-ask); :data:`Incomplete`: for one cut at ``max_tokens``.
- :func:`ready`: a response model as instructor prepares it, built once per model class
  and with its JSON schema generated once (instead of on every request).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

import instructor
from instructor.core.exceptions import IncompleteOutputException
from instructor.v2.core.errors import ResponseParsingError
from instructor.v2.core.function_calls import ResponseSchema
from instructor.v2.core.providers import Provider
from instructor.v2.core.registry import mode_registry
from instructor.v2.core.response_model import prepare_response_model
from pydantic import BaseModel, ValidationError, create_model

from summarizer.llm.config import Mode

__all__ = ["LOGGERS", "NOT_FIT", "Incomplete", "Structured", "ready"]

T = TypeVar("T", bound=BaseModel)

NOT_FIT: tuple[type[Exception], ...] = (
    ValidationError,
    json.JSONDecodeError,
    ResponseParsingError,
)
"""What instructor's parsers raise for an answer that does not fit: worth a re-ask."""

Incomplete: type[Exception] = IncompleteOutputException
"""What instructor's parsers raise for an answer cut at ``max_tokens``."""

LOGGERS = ("instructor", "instructor.v2.retry")
"""The loggers instructor writes to (for redaction)."""

_MODES: dict[Mode, instructor.Mode] = {
    "tools": instructor.Mode.TOOLS,
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "json": instructor.Mode.JSON,
    # JSON_SCHEMA leaves the messages alone (the prompt prefix stays cacheable); the
    # response_format is then replaced with llama.cpp's form (see Structured.request).
    "json_with_schema": instructor.Mode.JSON_SCHEMA,
}


class Structured:
    """instructor's handlers for one mode of the ``openai`` provider."""

    def __init__(self, mode: Mode) -> None:
        self.mode = mode
        self._handlers: Any = mode_registry.get_handlers(Provider.OPENAI, _MODES[mode])

    def __repr__(self) -> str:
        return f"Structured({self.mode!r})"

    def request(
        self,
        messages: Sequence[Mapping[str, str]],
        response_model: type[BaseModel],
        options: Mapping[str, Any],
    ) -> dict[str, Any]:
        """The request kwargs for ``messages`` and ``options`` (model, max_tokens, ...) as
        instructor's handler for the mode prepares them: response_format or tools, the
        schema in the system prompt in ``json`` mode; in ``json_with_schema``, llama.cpp's
        ``{"type": "json_object", "schema": ...}``."""
        kwargs: dict[str, Any] = {"messages": [dict(m) for m in messages], **options}
        prepared: dict[str, Any]
        _, prepared = self._handlers.request_handler(
            response_model=_prepared(response_model), kwargs=kwargs
        )
        if self._handlers.message_converter is not None:
            prepared["messages"] = self._handlers.message_converter(prepared["messages"])
        if self.mode == "json_with_schema":
            # llama.cpp's form of a schema-constrained answer replaces instructor's (the
            # same schema, which the handler has just generated).
            prepared["response_format"] = {
                "type": "json_object",
                "schema": prepared["response_format"]["json_schema"]["schema"],
            }
        return prepared

    def parse(self, completion: Any, response_model: type[T]) -> T:
        """``response_model`` from a chat completion (one with choices), by instructor's
        parser for the mode. Raises one of :data:`NOT_FIT` for an answer that does not
        fit, :data:`Incomplete` for one cut at ``max_tokens``."""
        value: T = self._handlers.response_parser(
            response=completion,
            response_model=_prepared(response_model),
            validation_context=None,
            strict=True,
            stream=False,
            is_async=False,
        )
        return value

    def reask(self, kwargs: dict[str, Any], completion: Any, exc: Exception) -> dict[str, Any]:
        """The request to send after ``completion`` (the answer to ``kwargs``) failed to
        parse with ``exc``: instructor's re-ask messages (the answer and the error)
        appended. ``kwargs`` is left as it is (instructor's handlers append to its list of
        messages)."""
        unshared = {**kwargs, "messages": list(kwargs["messages"])}
        reasked: dict[str, Any] = self._handlers.reask_handler(
            kwargs=unshared, response=completion, exception=exc
        )
        return reasked


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


@functools.lru_cache(maxsize=16)
def ready(model: type[BaseModel]) -> type[BaseModel]:
    """``model`` as instructor prepares it for every request (its ``response_schema``
    wrapper: same name, fields and docstring, hence the same request), built once
    instead of per call, and with its JSON schema generated once."""
    bases: Any = (_SchemaOnce, model, ResponseSchema)
    wrapped: Any = create_model(model.__name__, __base__=bases)
    functools.update_wrapper(wrapped, model, updated=())
    return wrapped  # type: ignore[no-any-return]


@functools.lru_cache(maxsize=16)
def _prepared(model: type[BaseModel]) -> Any:
    """``model`` as instructor's handlers take it (prepared once, not per request)."""
    return prepare_response_model(ready(model))
