"""An LLM that settles the cases consolidation's rules leave open.

Grouping and entity canonicalisation are deterministic; only a pair whose score lands
within a small margin of the threshold (or two names the rules cannot tell apart) is put
to an :class:`~summarizer.events.entities.Adjudicator`. :class:`LLMAdjudicator` asks the model
"same happening?" / "same person?" in one small call each, caches the answers for the
run, and abstains (``None``) when the call fails: an adjudication never fails a run.
Every decision is recorded in the event record's ``adjudications``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from summarizer.errors import RunError
from summarizer.llm.backend import Backend, OpenAIBackend
from summarizer.llm.config import LLMConfig
from summarizer.prompts import load_prompt
from summarizer.sync import run_sync

__all__ = ["ADJUDICATE_PROMPT", "LLMAdjudicator", "Verdict"]

ADJUDICATE_PROMPT = "adjudicate.v1"


class Verdict(BaseModel):
    same: bool | None
    reason: str = Field(default="", max_length=200)


class LLMAdjudicator:
    """An :class:`~summarizer.events.entities.Adjudicator` backed by a chat model."""

    def __init__(
        self,
        config: LLMConfig | None = None,
        *,
        backend: Backend | None = None,
        prompt: str = ADJUDICATE_PROMPT,
    ) -> None:
        if backend is None:
            if config is None:
                raise TypeError("LLMAdjudicator needs a config or a backend")
            backend = OpenAIBackend(config)
        self.backend = backend
        self.prompt = load_prompt(prompt)
        self.name = f"llm:{backend.model}"
        self.calls = 0
        self._cache: dict[tuple[str, str, str], bool | None] = {}

    def same_event(self, a: str, b: str) -> bool | None:
        return self._ask("event", a, b)

    def same_entity(self, a: str, b: str) -> bool | None:
        return self._ask("name", a, b)

    def _ask(self, kind: Literal["event", "name"], a: str, b: str) -> bool | None:
        first, second = sorted((a, b))
        key = (kind, first, second)
        if key in self._cache:
            return self._cache[key]
        messages = [
            {"role": "system", "content": self.prompt.system},
            {"role": "user", "content": self.prompt.render_user(kind=kind, a=a, b=b)},
        ]
        self.calls += 1
        try:
            verdict = run_sync(lambda: self._complete(messages)).same
        except RunError:
            verdict = None  # abstain: the rules' decision stands
        self._cache[key] = verdict
        return verdict

    async def _complete(self, messages: list[dict[str, str]]) -> Verdict:
        try:
            return (await self.backend.complete(messages, Verdict)).value
        finally:
            close = getattr(self.backend, "aclose", None)
            if close is not None:
                await close()
