"""The client-side rate limiter: schedules on a fake clock, then wired into the backend."""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Iterator

import pytest

from summarizer import Brief, Extractor, LLMConfig, OpenAIBackend, RateLimiter
from summarizer.ratelimit import estimate_tokens

from .fakeserver import (
    COMPLETION_TOKENS,
    PROMPT_TOKENS,
    FakeServer,
    answer_article,
    draft_json,
    ok,
)
from .test_faults import ARTICLE, ARTICLES, KEY


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def starts(limiter: RateLimiter, tokens: list[int]) -> list[float]:
    return [limiter.reserve(t).ready_at for t in tokens]


def test_requests_per_minute_are_paced_evenly() -> None:
    clock = Clock()
    limiter = RateLimiter(rpm=60, clock=clock)  # one a second, a burst of one
    assert starts(limiter, [0] * 5) == [0.0, 1.0, 2.0, 3.0, 4.0]


def test_the_pace_resumes_after_an_idle_spell_without_a_burst_beyond_the_bucket() -> None:
    clock = Clock()
    limiter = RateLimiter(rpm=120, burst_s=2.0, clock=clock)  # 2/s, bucket of 4
    starts(limiter, [0] * 4)  # the full bucket: all at once
    clock.now = 100.0  # long idle: the bucket refills to 4, not to 200
    assert starts(limiter, [0] * 6) == [100.0, 100.0, 100.0, 100.0, 100.5, 101.0]


def test_tokens_per_minute_pace_by_size_first_come_first_served() -> None:
    clock = Clock()
    limiter = RateLimiter(tpm=6000, clock=clock)  # 100 tokens/s, bucket of 100
    ready = starts(limiter, [100, 300, 50, 50])
    # The 300-token request goes when the bucket is full again (t=1, leaving a debt of
    # 200), and the small ones behind it wait for the debt: they never overtake it.
    assert ready == [0.0, 1.0, 3.5, 4.0]
    assert ready == sorted(ready)


def test_a_request_larger_than_a_minute_counts_as_one_minute() -> None:
    clock = Clock()
    limiter = RateLimiter(tpm=600, clock=clock)  # 10 tokens/s
    first = limiter.reserve(10_000)
    assert first.tokens == 600
    assert limiter.reserve(10).ready_at == pytest.approx(60.0)


def test_both_limits_apply_and_the_stricter_wins() -> None:
    clock = Clock()
    limiter = RateLimiter(rpm=60, tpm=6000, clock=clock)  # 1 req/s, 100 tokens/s
    # The second waits for the request bucket, the third for the token bucket.
    assert starts(limiter, [50, 500, 10]) == pytest.approx([0.0, 1.0, 4.6])


def test_settle_corrects_the_estimate_with_the_real_usage() -> None:
    clock = Clock()
    limiter = RateLimiter(tpm=6000, clock=clock)
    ticket = limiter.reserve(400)
    assert limiter.levels() == (None, -300.0)
    limiter.settle(ticket, 120)  # the answer was short: 280 tokens come back
    assert limiter.levels() == (None, -20.0)
    assert limiter.reserve(100).ready_at == pytest.approx(1.2)
    other = limiter.reserve(100)
    limiter.settle(other, 500)  # more than estimated: the difference is owed
    assert limiter.levels()[1] == pytest.approx(-20 - 100 - 100 - 400)
    limiter.settle(limiter.reserve(0), None)  # unknown usage: the estimate stands


def test_a_cancelled_wait_gives_its_reservation_back() -> None:
    async def main() -> None:
        clock = Clock()

        async def never(delay: float) -> None:
            await asyncio.Event().wait()

        limiter = RateLimiter(rpm=60, tpm=6000, clock=clock, sleep=never)
        await limiter.acquire(100)  # the full bucket: no wait
        waiting = asyncio.ensure_future(limiter.acquire(100))
        await asyncio.sleep(0)
        assert limiter.levels() == (-1.0, -100.0)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        assert limiter.levels() == (0.0, 0.0)

    asyncio.run(main())


def test_acquire_starts_waiters_in_arrival_order() -> None:
    async def main() -> list[int]:
        clock = Clock()
        order: list[int] = []

        async def sleep(delay: float) -> None:
            # Wall time does not move: the sleeper wakes after others that waited less.
            for _ in range(int(delay * 10)):
                await asyncio.sleep(0)

        limiter = RateLimiter(rpm=600, clock=clock, sleep=sleep)  # 10/s, bucket of 1

        async def one(i: int) -> None:
            await limiter.acquire(0)
            order.append(i)

        await asyncio.gather(*(one(i) for i in range(8)))
        return order

    assert asyncio.run(main()) == list(range(8))


def test_invalid_limits_are_refused() -> None:
    with pytest.raises(ValueError):
        RateLimiter(rpm=0)
    with pytest.raises(ValueError):
        RateLimiter(tpm=-5)


def test_the_token_estimate_counts_prompt_schema_and_max_tokens() -> None:
    schema = {"type": "json_object", "schema": {"title": "Draft"}}
    request = {
        "messages": [{"role": "system", "content": "x" * 400}, {"role": "user", "content": ""}],
        "max_tokens": 1400,
        "response_format": {"type": "json_schema", "json_schema": {"name": "overridden"}},
        "extra_body": {"response_format": schema},  # what the server gets instead
    }
    assert estimate_tokens(request) == math.ceil((400 + 16 + len(json.dumps(schema))) / 4) + 1400
    assert estimate_tokens({"messages": []}) == 0


# ---------------------------------------------------------------------------
# Wired into the backend
# ---------------------------------------------------------------------------


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer() as fake:
        yield fake
    assert fake.errors == []


def config(server: FakeServer, **changes: object) -> LLMConfig:
    values: dict[str, object] = {
        "model": "fake",
        "base_url": server.base_url,
        "api_key": KEY,
        "mode": "json_with_schema",
        "timeout_s": 2.0,
    }
    values.update(changes)
    return LLMConfig(**values)  # type: ignore[arg-type]


def test_the_backend_builds_its_limiter_from_the_config(server: FakeServer) -> None:
    assert OpenAIBackend(config(server)).limiter is None
    limiter = OpenAIBackend(config(server, rpm=500, tpm=90_000)).limiter
    assert limiter is not None
    assert (limiter.rpm, limiter.tpm) == (500, 90_000)


def test_every_request_is_counted_and_settled_with_the_reported_usage(server: FakeServer) -> None:
    clock = Clock()  # frozen: no refill, so the levels show exactly what was taken
    limiter = RateLimiter(rpm=600, tpm=600_000, clock=clock)  # buckets of 10 and 10,000
    backend = OpenAIBackend(config(server, http_retries=1), limiter=limiter)
    server.script(ok(draft_json(ARTICLE)))
    Extractor(backend=backend).extract_sync(ARTICLE)
    assert len(server.requests) == 1
    assert limiter.levels() == (9.0, 10_000.0 - PROMPT_TOKENS - COMPLETION_TOKENS)


def test_the_limiter_is_shared_by_concurrent_articles_and_keeps_input_order(
    server: FakeServer,
) -> None:
    limiter = RateLimiter(rpm=60_000, clock=Clock())  # bucket of 1000: never waits
    backend = OpenAIBackend(config(server), limiter=limiter)
    server.script(*(answer_article() for _ in ARTICLES))
    results = Extractor(backend=backend).sync(lambda ex: ex.extract_many(ARTICLES, concurrency=3))
    assert len(server.requests) == len(ARTICLES)
    assert limiter.levels()[0] == 1000.0 - len(ARTICLES)
    assert all(isinstance(r, Brief) and not r.diagnostics.dropped for r in results)
    assert [getattr(r, "article_id", None) for r in results] == [a.id for a in ARTICLES]
