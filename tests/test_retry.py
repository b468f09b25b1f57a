"""The HTTP retry layer: what is retried, how long it waits, and the time budget.

Unit tests drive :class:`RetryPolicy` with a fake clock and sleep; the rest go over TCP
to the fault-injecting server (request counts, not timings: the waits themselves are
covered by ``tests/test_faults.py``).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx2
import openai
import pytest

from summarizer import BackendError, Extractor, LLMConfig, OpenAIBackend
from summarizer.llm.retry import (
    BUDGET_ATTR,
    RetryPolicy,
    backoff,
    retry_after,
    retry_delay,
    retry_headers,
)

from .fakeserver import Behaviour, FakeServer, draft_json, fake_config, ok, status
from .test_faults import ARTICLE, assert_brief

REQUEST = httpx2.Request("POST", "http://127.0.0.1/v1/chat/completions")


def status_error(code: int, **headers: str) -> openai.APIStatusError:
    response = httpx2.Response(code, headers=headers, request=REQUEST)
    return openai.APIStatusError(f"HTTP {code}", response=response, body=None)


def test_backoff_doubles_up_to_8_s_with_at_most_25_percent_jitter() -> None:
    assert [backoff(n, rng=lambda: 0.0) for n in range(6)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    assert backoff(0, rng=lambda: 1.0) == 0.375
    assert backoff(10_000, rng=lambda: 0.0) == 8.0


def test_retry_after_forms() -> None:
    assert retry_after({"retry-after": "3"}) == 3.0
    assert retry_after({"retry-after": "1.5"}) == 1.5
    assert retry_after({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    assert retry_after({}) is None
    assert retry_after({"retry-after": "soon"}) is None
    in_a_while = retry_after({"retry-after": "Wed, 21 Oct 2099 07:28:00 GMT"})
    assert in_a_while is not None and in_a_while > 1e6


@pytest.mark.parametrize("code", [408, 409, 429, 500, 502, 503, 504])
def test_retried_statuses(code: int) -> None:
    delay = retry_delay(status_error(code), 0)
    assert delay is not None and 0.375 <= delay <= 0.5


@pytest.mark.parametrize("code", [400, 401, 403, 404, 422])
def test_not_retried_statuses(code: int) -> None:
    assert retry_delay(status_error(code), 0) is None


def test_the_server_decides_with_x_should_retry_and_retry_after() -> None:
    assert retry_delay(status_error(400, **{"x-should-retry": "true"}), 0) is not None
    assert retry_delay(status_error(503, **{"x-should-retry": "false"}), 0) is None
    assert retry_delay(status_error(429, **{"retry-after": "7"}), 3) == 7.0
    assert retry_delay(status_error(429, **{"retry-after": "121"}), 0) is None  # too long


def test_connection_errors_and_timeouts_are_retried_other_errors_not() -> None:
    assert retry_delay(openai.APIConnectionError(request=REQUEST), 1) is not None
    assert retry_delay(openai.APITimeoutError(request=REQUEST), 1) is not None
    assert retry_delay(json.JSONDecodeError("x", "", 0), 0) is None
    assert retry_delay(ValueError("x"), 0) is None


def test_retry_headers_count_the_retries() -> None:
    assert retry_headers(0) == {}
    assert retry_headers(2, {"x-a": "1"}) == {"x-a": "1", "x-stainless-retry-count": "2"}


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def run(
    policy: RetryPolicy, t: FakeTime, errors: list[BaseException], spend: float = 0.0
) -> tuple[int, Any]:
    """Run ``policy`` on tries that raise ``errors`` in turn (then succeed); each try
    takes ``spend`` seconds of the fake clock. Returns (tries, result or error)."""
    tries: list[int] = []

    async def attempt(n: int) -> str:
        tries.append(n)
        t.now += spend
        if n < len(errors):
            raise errors[n]
        return "answer"

    outcome: Any
    try:
        outcome = asyncio.run(policy.run(attempt))
    except Exception as exc:
        outcome = exc
    return len(tries), outcome


def policy(retries: int, budget: float | None) -> tuple[RetryPolicy, FakeTime]:
    t = FakeTime()
    return RetryPolicy(retries, budget, clock=t.clock, sleep=t.sleep), t


def test_the_count_bounds_the_retries() -> None:
    p, t = policy(2, None)
    tries, result = run(p, t, [status_error(500)] * 5)
    assert tries == 3
    assert isinstance(result, openai.APIStatusError)
    assert len(t.sleeps) == 2
    assert not hasattr(result, BUDGET_ATTR)


def test_success_after_retries_returns_the_answer() -> None:
    p, t = policy(2, None)
    assert run(p, t, [status_error(503), openai.APIConnectionError(request=REQUEST)]) == (
        3,
        "answer",
    )


def test_the_budget_stops_a_retry_that_would_start_after_it() -> None:
    p, t = policy(5, 10.0)
    # Each try takes 4 s; waits are 0.5 s, 1 s, ... : tries start at 0, 4.5, 9.5; a
    # fourth would start at 13.5 + 2 > 10 s, so it is not waited for.
    tries, result = run(p, t, [status_error(500)] * 10, spend=4.0)
    assert tries == 3
    assert getattr(result, BUDGET_ATTR) == 10.0
    assert len(t.sleeps) == 2


def test_a_retry_after_beyond_the_budget_is_not_waited_for() -> None:
    p, t = policy(3, 5.0)
    tries, result = run(p, t, [status_error(429, **{"retry-after": "30"})])
    assert (tries, t.sleeps) == (1, [])
    assert isinstance(result, openai.APIStatusError)


def test_a_zero_budget_means_no_retry_and_none_means_count_only() -> None:
    p, t = policy(3, 0.0)
    assert run(p, t, [status_error(503)])[0] == 1
    p, t = policy(3, None)
    assert run(p, t, [status_error(503)] * 3, spend=1000.0) == (4, "answer")


# ---------------------------------------------------------------------------
# Over TCP, through openai + instructor
# ---------------------------------------------------------------------------


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer() as fake:
        yield fake
    assert fake.errors == []


def config(server: FakeServer, **changes: Any) -> LLMConfig:
    return fake_config(server.base_url, **changes)


def test_the_openai_client_itself_does_not_retry(server: FakeServer) -> None:
    async def main() -> int:
        backend = OpenAIBackend(config(server, http_retries=5))
        try:
            return backend.raw_client().max_retries
        finally:
            await backend.aclose()

    assert asyncio.run(main()) == 0


def test_a_spent_budget_is_a_backend_error_that_says_so(server: FakeServer) -> None:
    server.script(status(503), ok(draft_json(ARTICLE)))
    with pytest.raises(BackendError) as info:
        Extractor(config(server, retry_budget_s=0.0)).extract_sync(ARTICLE)
    assert len(server.requests) == 1
    assert server.pending == 1
    assert "HTTP 503" in info.value.message
    assert "retry budget of 0 s spent" in info.value.message
    assert info.value.attempts == 1


def test_a_long_retry_after_is_not_waited_for_beyond_the_budget(server: FakeServer) -> None:
    server.script(status(429, retry_after=30), ok(draft_json(ARTICLE)))
    with pytest.raises(BackendError) as info:
        Extractor(config(server, retry_budget_s=5.0)).extract_sync(ARTICLE)
    assert len(server.requests) == 1
    assert "HTTP 429" in info.value.message


def test_within_the_budget_retries_happen_as_before(server: FakeServer) -> None:
    server.script(status(500), status(502), ok(draft_json(ARTICLE)))
    brief = Extractor(config(server, retry_budget_s=60.0)).extract_sync(ARTICLE)
    assert_brief(brief)
    assert [r.headers.get("x-stainless-retry-count") for r in server.requests] == ["0", "1", "2"]
    assert brief.meta.attempts == 1


def test_the_server_can_ask_for_a_retry_of_a_4xx(server: FakeServer) -> None:
    body = json.dumps({"error": {"message": "try again", "type": "x"}}).encode()
    again = Behaviour("status", code=400, body=body, headers=(("x-should-retry", "true"),))
    server.script(again, ok(draft_json(ARTICLE)))
    assert_brief(Extractor(config(server)).extract_sync(ARTICLE))
    assert len(server.requests) == 2
