"""Test doubles that ship with the package (as pydantic-ai's ``TestModel``).

:class:`ScriptedBackend` answers from a script: no network, no model. Give it to
:class:`~summarizer.Extractor`, :func:`~summarizer.summarize` or an adjudicator as
``backend=`` and every call takes the next reply.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from summarizer.errors import BackendError, OutputError
from summarizer.llm.backend import Completion, Message
from summarizer.text import shorten
from summarizer.types import Usage

__all__ = ["Reply", "ScriptedBackend"]

T = TypeVar("T", bound=BaseModel)

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
                f"scripted answer does not fit {response_model.__name__}: {shorten(str(exc))}",
                attempts=1,
                usage=self.usage_per_call,
                last_response=raw,
            ) from None
        return Completion(value=value, usage=self.usage_per_call, raw=raw)
