"""The LLM adjudicator: one small call per open case, cached, abstaining on failure."""

from __future__ import annotations

import pytest

from summarizer import BackendError
from summarizer.errors import PromptError
from summarizer.events.adjudicate import LLMAdjudicator
from summarizer.events.consolidate import describe_event
from summarizer.prompts import load_prompt
from summarizer.testing import ScriptedBackend
from summarizer.types import Article


def test_same_event_asks_once_per_pair_and_caches() -> None:
    backend = ScriptedBackend([{"same": False, "reason": "different days"}])
    judge = LLMAdjudicator(backend=backend)
    a = "phone call between Ruto and Rubio; when: on Monday"
    b = "phone call between Ruto and Rubio; when: Tuesday evening"
    assert judge.same_event(a, b) is False
    assert judge.same_event(b, a) is False  # cached, order-free
    assert judge.calls == 1 and len(backend.calls) == 1
    system, user = backend.calls[0]
    assert system["role"] == "system" and "same real-world happening" in system["content"]
    assert a in user["content"] and b in user["content"] and "events the same" in user["content"]
    assert judge.name == "llm:scripted"


def test_same_entity_and_abstention_on_failure() -> None:
    backend = ScriptedBackend(
        [{"same": True, "reason": "same person"}, BackendError("HTTP 503", attempts=3)]
    )
    judge = LLMAdjudicator(backend=backend)
    assert judge.same_entity("the Kenyan leader", "William Ruto") is True
    assert judge.same_entity("Antony Blinken", "Marco Rubio") is None  # failed call: abstain
    assert "names the same" in backend.calls[0][1]["content"]


def test_null_verdict_is_an_abstention() -> None:
    judge = LLMAdjudicator(backend=ScriptedBackend([{"same": None, "reason": "unclear"}]))
    assert judge.same_event("a call", "a meeting") is None


def test_event_description_uses_brief_and_lead_never_more() -> None:
    article = Article(id="x", text="NAIROBI - Ruto called Rubio on Monday.\nSecond line.")
    text = describe_event(None, article)
    assert text == "lead: NAIROBI - Ruto called Rubio on Monday."


def test_the_prompt_is_the_one_named() -> None:
    with pytest.raises(PromptError):  # a name with no prompt files: the caller's mistake
        LLMAdjudicator(backend=ScriptedBackend([]), prompt="adjudicate.v0")
    judge = LLMAdjudicator(backend=ScriptedBackend([]), prompt="adjudicate.v1")
    assert judge.prompt == load_prompt("adjudicate.v1")
