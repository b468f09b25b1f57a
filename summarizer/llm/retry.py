"""The HTTP retry layer: the only one, bounded by a count and by a time budget.

The ``openai`` client is built with ``max_retries=0``; :class:`RetryPolicy` retries what
it would have retried, the same way:

- 408, 409, 429 and 5xx answers (or what ``x-should-retry`` says), timeouts and dropped
  connections; never other 4xx, never an answer that arrived (those go to the
  validation layer in :mod:`summarizer.llm.backend`);
- after ``Retry-After`` / ``Retry-After-Ms`` when the server sends one (up to 120 s; a
  longer one is not waited for), else exponential backoff 0.5 s · 2^n, at most 8 s, minus
  up to 25 % jitter;
- each retry carries ``x-stainless-retry-count: n``, as the client's own retries do.

On top, ``budget_s`` bounds the whole request: a retry whose wait would carry it past
``budget_s`` seconds after the first try began is not started, and the last error is
raised at once (marked with :data:`BUDGET_ATTR`).
"""

from __future__ import annotations

import asyncio
import email.utils
import math
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import openai

__all__ = [
    "BUDGET_ATTR",
    "RETRY_COUNT_HEADER",
    "RetryPolicy",
    "backoff",
    "retry_after",
    "retry_delay",
    "retry_headers",
]

RETRY_COUNT_HEADER = "x-stainless-retry-count"
RETRY_AFTER_MAX_S = 120.0
INITIAL_DELAY_S = 0.5
MAX_DELAY_S = 8.0
BUDGET_ATTR = "summarizer_retry_budget_s"
"""Set on an error that was not retried because the time budget was spent."""

_T = TypeVar("_T")


def retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds the server asks to wait (``Retry-After-Ms``, ``Retry-After`` seconds or date)."""
    try:
        return float(headers["retry-after-ms"]) / 1000
    except (KeyError, TypeError, ValueError):
        pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        parsed = email.utils.parsedate_tz(value)
        return None if parsed is None else float(email.utils.mktime_tz(parsed) - time.time())
    except (TypeError, ValueError, OverflowError):
        return None


def backoff(retries_taken: int, rng: Callable[[], float] = random.random) -> float:
    """Exponential backoff with jitter: 0.5 s · 2^n, at most 8 s, minus up to 25 %."""
    return min(INITIAL_DELAY_S * 2.0 ** min(retries_taken, 30), MAX_DELAY_S) * (1 - 0.25 * rng())


def retry_delay(error: BaseException, retries_taken: int) -> float | None:
    """Seconds to wait before retrying after ``error``; ``None`` if it is not retried."""
    if isinstance(error, openai.APIStatusError):
        headers = error.response.headers
        after = retry_after(headers)
        if after is not None and math.isfinite(after) and after > RETRY_AFTER_MAX_S:
            return None
        should = headers.get("x-should-retry")
        code = error.status_code
        if should == "false" or (should != "true" and code not in (408, 409, 429) and code < 500):
            return None
        if after is not None and math.isfinite(after) and after > 0:
            return after
        return backoff(retries_taken)
    if isinstance(error, openai.APIConnectionError):  # timeouts included
        return backoff(retries_taken)
    return None


@dataclass(frozen=True)
class RetryPolicy:
    """At most ``retries`` retries, none starting later than ``budget_s`` after the first try.

    ``clock`` and ``sleep`` are injectable for tests.
    """

    retries: int
    budget_s: float | None = None
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    sleep: Callable[[float], Awaitable[Any]] = field(default=asyncio.sleep, repr=False)

    async def run(self, attempt: Callable[[int], Awaitable[_T]]) -> _T:
        """``await attempt(n)`` for n = 0, 1, ... until it succeeds or may not be retried."""
        started = self.clock()
        tries = 0
        while True:
            try:
                return await attempt(tries)
            except Exception as error:
                delay = retry_delay(error, tries)
                if delay is None or tries >= self.retries:
                    raise
                if self.budget_s is not None and self.clock() + delay - started > self.budget_s:
                    setattr(error, BUDGET_ATTR, self.budget_s)
                    raise
                tries += 1
                await self.sleep(delay)


def retry_headers(tries: int, headers: Mapping[str, str] | None = None) -> dict[str, str]:
    """``headers`` plus the retry count of try number ``tries`` (0 for the first)."""
    out = dict(headers or {})
    if tries:
        out[RETRY_COUNT_HEADER] = str(tries)
    return out
