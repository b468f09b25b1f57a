"""The client-side rate limiter: schedules on a fake clock, then wired into the backend."""

from __future__ import annotations

import asyncio
import json
import math
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from summarizer import Brief, Extractor, LLMConfig, OpenAIBackend, RateLimiter
from summarizer.llm.ratelimit import Reservation, Slots, estimate_tokens

from .fakeserver import (
    COMPLETION_TOKENS,
    PROMPT_TOKENS,
    FakeServer,
    answer_article,
    draft_json,
    fake_config,
    ok,
)
from .test_faults import ARTICLE, ARTICLES


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def starts(limiter: RateLimiter, clock: Clock, tokens: list[int]) -> list[float]:
    """When requests of ``tokens`` would go, one after another (the queue, simulated)."""
    out = []
    for t in tokens:
        clock.now += limiter.delay(t)
        out.append(limiter.take(t).at)
    return out


def test_requests_per_minute_are_paced_evenly() -> None:
    clock = Clock()
    limiter = RateLimiter(rpm=60, clock=clock)  # one a second, a burst of one
    assert starts(limiter, clock, [0] * 5) == [0.0, 1.0, 2.0, 3.0, 4.0]


def test_the_pace_resumes_after_an_idle_spell_without_a_burst_beyond_the_bucket() -> None:
    clock = Clock()
    limiter = RateLimiter(rpm=120, burst_s=2.0, clock=clock)  # 2/s, bucket of 4
    starts(limiter, clock, [0] * 4)  # the full bucket: all at once
    clock.now = 100.0  # long idle: the bucket refills to 4, not to 200
    assert starts(limiter, clock, [0] * 6) == [100.0, 100.0, 100.0, 100.0, 100.5, 101.0]


def test_tokens_per_minute_pace_by_size() -> None:
    clock = Clock()
    limiter = RateLimiter(tpm=6000, clock=clock)  # 100 tokens/s, bucket of 100
    # The 300-token request goes when the bucket is full again (t=1) and leaves a debt
    # of 200 that the requests behind it wait for.
    assert starts(limiter, clock, [100, 300, 50, 50]) == [0.0, 1.0, 3.5, 4.0]


def test_a_request_larger_than_a_minute_counts_as_one_minute() -> None:
    clock = Clock()
    limiter = RateLimiter(tpm=600, clock=clock)  # 10 tokens/s
    assert limiter.take(10_000).tokens == 600
    assert limiter.delay(10) == pytest.approx(60.0)


def test_both_limits_apply_and_the_stricter_wins() -> None:
    clock = Clock()
    limiter = RateLimiter(rpm=60, tpm=6000, clock=clock)  # 1 req/s, 100 tokens/s
    # The second waits for the request bucket, the third for the token bucket.
    assert starts(limiter, clock, [50, 500, 10]) == pytest.approx([0.0, 1.0, 5.1])


def test_settle_corrects_the_estimate_with_the_real_usage() -> None:
    clock = Clock()
    limiter = RateLimiter(tpm=6000, clock=clock)
    ticket = limiter.take(400)
    assert limiter.levels() == (None, -300.0)
    limiter.settle(ticket, 120)  # the answer was short: 280 tokens come back
    assert limiter.levels() == (None, -20.0)
    assert limiter.delay(100) == pytest.approx(1.2)
    limiter.settle(limiter.take(100), 500)  # more than estimated: the difference is owed
    assert limiter.levels()[1] == pytest.approx(-20 - 500)
    limiter.settle(limiter.take(0), None)  # unknown usage: the estimate stands
    assert limiter.levels()[1] == pytest.approx(-520)


def run(main: Any) -> Any:
    return asyncio.run(asyncio.wait_for(main(), timeout=30))  # a guard, not a measure


def test_waiters_go_first_come_first_served() -> None:
    async def main() -> list[int]:
        limiter = RateLimiter(rpm=6000, burst_s=0.01)  # 100/s, one at a time
        order: list[int] = []

        async def one(i: int) -> None:
            await limiter.acquire(0)
            order.append(i)

        await asyncio.gather(*(one(i) for i in range(8)))
        return order

    assert run(main) == list(range(8))


def test_a_small_request_never_overtakes_a_large_one_and_refunds_wake_the_line() -> None:
    async def main() -> None:
        clock = Clock()  # frozen: only refunds can make room
        limiter = RateLimiter(tpm=6000, clock=clock)  # bucket of 100
        first = limiter.take(100)
        order: list[str] = []

        async def one(name: str, tokens: int) -> None:
            await limiter.acquire(tokens)
            order.append(name)

        large = asyncio.ensure_future(one("large", 100))
        await asyncio.sleep(0)
        small = asyncio.ensure_future(one("small", 1))
        await asyncio.sleep(0)
        limiter.settle(first, 50)  # 50 back: enough for the small one, not the large
        await asyncio.sleep(0.05)
        assert (order, limiter.waiting) == ([], 2)
        limiter.cancel(Reservation(tokens=50, at=0.0))  # 50 more come back
        await large
        assert order == ["large"]
        limiter.cancel(Reservation(tokens=1, at=0.0))
        await small
        assert order == ["large", "small"]

    run(main)


def test_a_cancelled_waiter_leaves_the_line_and_takes_nothing() -> None:
    async def main() -> None:
        clock = Clock()
        limiter = RateLimiter(rpm=60, tpm=6000, clock=clock)
        await limiter.acquire(100)  # the full buckets: no wait
        waiting = asyncio.ensure_future(limiter.acquire(100))
        await asyncio.sleep(0)
        assert limiter.waiting == 1
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        assert limiter.waiting == 0
        assert limiter.levels() == (0.0, 0.0)

    run(main)


def test_one_limiter_serves_several_event_loops() -> None:
    clock = Clock()
    limiter = RateLimiter(tpm=6000, clock=clock)
    first = limiter.take(100)
    done: list[Reservation] = []
    worker = threading.Thread(target=lambda: done.append(asyncio.run(limiter.acquire(100))))
    worker.start()
    for _ in range(1000):  # until the other loop's request is in line
        if limiter.waiting:
            break
        time.sleep(0.01)
    limiter.settle(first, 0)  # from this thread: wakes the waiter on its own loop
    worker.join(timeout=30)
    assert not worker.is_alive()
    assert [r.tokens for r in done] == [100]


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
    return fake_config(server.base_url, **changes)


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


# ---------------------------------------------------------------------------
# Slots: requests in flight
# ---------------------------------------------------------------------------


def test_slots_serve_in_arrival_order_and_survive_cancelled_waiters() -> None:
    async def scenario() -> list[str]:
        slots, order = Slots(1), []
        release = asyncio.Event()

        async def use(name: str, *, hold: bool = False) -> None:
            async with slots.hold():
                order.append(name)
                if hold:
                    await release.wait()

        holder = asyncio.create_task(use("a", hold=True))
        await asyncio.sleep(0)
        waiters = [asyncio.create_task(use(n)) for n in ("b", "c")]
        gone = asyncio.create_task(use("x"))  # cancelled while it waits
        late = asyncio.create_task(use("e"))
        await asyncio.sleep(0)
        gone.cancel()
        release.set()
        await asyncio.gather(holder, *waiters, late, gone, return_exceptions=True)
        assert slots.free == 1  # every slot came back
        async with slots.hold():  # and is free at once
            order.append("d")
        return order

    assert asyncio.run(asyncio.wait_for(scenario(), 5)) == ["a", "b", "c", "e", "d"]


def test_a_slot_handed_to_a_cancelled_waiter_is_passed_on() -> None:
    async def scenario() -> tuple[int, list[str]]:
        slots, used = Slots(1), []
        first = asyncio.Event()
        tasks: list[asyncio.Task[None]] = []

        async def hold_then_release() -> None:
            async with slots.hold():
                await first.wait()
            # The slot was just handed to tasks[0], which has not run yet: cancel it.
            tasks[0].cancel()

        async def wait_for_slot(name: str) -> None:
            async with slots.hold():
                used.append(name)

        holder = asyncio.create_task(hold_then_release())
        await asyncio.sleep(0)
        tasks += [asyncio.create_task(wait_for_slot(n)) for n in ("victim", "next")]
        await asyncio.sleep(0)
        first.set()
        await asyncio.gather(holder, *tasks, return_exceptions=True)
        return slots.free, used

    assert asyncio.run(asyncio.wait_for(scenario(), 5)) == (1, ["next"])  # a lost slot: hangs
