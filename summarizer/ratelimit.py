"""A client-side limit on requests and tokens per minute.

:class:`RateLimiter` keeps two token buckets, one for requests and one for tokens, each
refilled continuously at ``limit / 60`` per second and holding at most ``burst_s``
seconds' worth (at least one request's worth), so the pace is smooth rather than a burst
of a whole minute followed by a stall: servers often enforce per-minute limits over
shorter windows.

- **Fair**: a request *reserves* its share when it arrives, so requests start in the
  order they asked (first come, first served); a later small request never overtakes an
  earlier large one.
- **Bounded**: the state is two numbers per bucket, whatever the number of waiters. A
  bucket may go into debt (a request larger than the bucket is admitted once the bucket
  is full, then later requests wait for the debt to be repaid), so nothing can wait
  forever, and a request is never counted as more than a whole minute's budget.
- **Async, loop-agnostic**: waiting is ``asyncio.sleep``; the state is guarded by a
  thread lock, so one limiter may serve several event loops (the sync API runs one per
  call).

Tokens are an estimate made before sending (:func:`estimate_tokens`: the prompt's
characters / 4 plus ``max_tokens``), corrected with :meth:`RateLimiter.settle` once the
server reports the real usage.
"""

from __future__ import annotations

import asyncio
import json
import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["RateLimiter", "Reservation", "estimate_tokens"]

CHARS_PER_TOKEN = 4
"""A rough, deliberately pessimistic ratio for English text and JSON."""


def estimate_tokens(request: Mapping[str, Any]) -> int:
    """Tokens a chat request may use: its prompt (messages, tools, response format) by
    length, plus the ``max_tokens`` it allows for the answer. ``extra_body`` counts as the
    server sees it: merged over the other fields."""
    body = {**request, **(request.get("extra_body") or {})}
    chars = sum(len(str(m.get("content") or "")) + 8 for m in body.get("messages") or ())
    for key in ("tools", "response_format"):
        if body.get(key):
            chars += len(json.dumps(body[key], default=str))
    return math.ceil(chars / CHARS_PER_TOKEN) + int(body.get("max_tokens") or 0)


@dataclass
class _Bucket:
    rate: float
    """Refill per second."""
    capacity: float
    level: float
    at: float

    def refill(self, now: float) -> None:
        if now > self.at:
            self.level = min(self.capacity, self.level + (now - self.at) * self.rate)
            self.at = now

    def reserve(self, amount: float, now: float) -> float:
        """Take ``amount`` now (possibly into debt); the seconds until it may be used."""
        self.refill(now)
        need = min(amount, self.capacity)
        wait = max(0.0, (need - self.level) / self.rate)
        self.level -= amount
        return wait

    def take(self, amount: float, now: float) -> None:
        self.refill(now)
        self.level -= amount

    def give_back(self, amount: float, now: float) -> None:
        self.refill(now)
        self.level = min(self.capacity, self.level + amount)


@dataclass(frozen=True)
class Reservation:
    """What one request took from the limiter: ``tokens`` as estimated, and when it may go."""

    tokens: int
    ready_at: float


class RateLimiter:
    """Requests and tokens per minute, shared by every request of a backend.

    ``clock`` (seconds, monotonic) and ``sleep`` are injectable for tests.
    """

    def __init__(
        self,
        rpm: int | None = None,
        tpm: int | None = None,
        *,
        burst_s: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Any] = asyncio.sleep,
    ) -> None:
        if (rpm is not None and rpm <= 0) or (tpm is not None and tpm <= 0) or burst_s <= 0:
            raise ValueError("rpm, tpm and burst_s must be positive")
        self.rpm, self.tpm = rpm, tpm
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()
        now = clock()
        self._requests = self._bucket(rpm, burst_s, now)
        self._tokens = self._bucket(tpm, burst_s, now)

    @staticmethod
    def _bucket(limit: int | None, burst_s: float, now: float) -> _Bucket | None:
        if limit is None:
            return None
        rate = limit / 60.0
        capacity = max(1.0, rate * burst_s)
        return _Bucket(rate=rate, capacity=capacity, level=capacity, at=now)

    def __repr__(self) -> str:
        return f"RateLimiter(rpm={self.rpm}, tpm={self.tpm})"

    def reserve(self, tokens: int) -> Reservation:
        """Take one request and ``tokens`` now; the reservation says when to send it."""
        tokens = max(0, min(tokens, self.tpm or tokens))  # at most a minute's budget
        with self._lock:
            now = self._clock()
            wait = 0.0
            if self._requests is not None:
                wait = self._requests.reserve(1, now)
            if self._tokens is not None:
                wait = max(wait, self._tokens.reserve(tokens, now))
            return Reservation(tokens=tokens, ready_at=now + wait)

    async def acquire(self, tokens: int) -> Reservation:
        """Wait for the turn of one request of about ``tokens`` tokens (first come, first
        served). If the wait is cancelled, the reservation is given back."""
        reservation = self.reserve(tokens)
        delay = reservation.ready_at - self._clock()
        if delay > 0:
            try:
                await self._sleep(delay)
            except BaseException:
                self.cancel(reservation)
                raise
        return reservation

    def settle(self, reservation: Reservation, used: int | None) -> None:
        """Correct the estimate with the tokens the server reports (``None``: unknown, the
        estimate stands)."""
        if used is None or self._tokens is None:
            return
        with self._lock:
            now = self._clock()
            if used < reservation.tokens:
                self._tokens.give_back(reservation.tokens - used, now)
            elif used > reservation.tokens:
                self._tokens.take(used - reservation.tokens, now)

    def cancel(self, reservation: Reservation) -> None:
        """Give a reservation back (its request was never sent)."""
        with self._lock:
            now = self._clock()
            if self._requests is not None:
                self._requests.give_back(1, now)
            if self._tokens is not None:
                self._tokens.give_back(reservation.tokens, now)

    def levels(self) -> tuple[float | None, float | None]:
        """Requests and tokens available right now (negative: in debt), for tests and logs."""
        with self._lock:
            now = self._clock()
            out: list[float | None] = []
            for bucket in (self._requests, self._tokens):
                if bucket is None:
                    out.append(None)
                else:
                    bucket.refill(now)
                    out.append(bucket.level)
            return out[0], out[1]
