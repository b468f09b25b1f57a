"""Client-side limits: requests and tokens per minute, and requests in flight.

:class:`Slots` bounds the requests in flight (``--concurrency``): an article holds a slot
only while its request is out, not while its answer is checked.

:class:`RateLimiter` keeps two token buckets, one for requests and one for tokens, each
refilled continuously at ``limit / 60`` per second and holding at most ``burst_s``
seconds' worth (at least one request's worth), so the pace is smooth rather than a burst
of a whole minute followed by a stall: servers often enforce per-minute limits over
shorter windows.

- **Fair**: requests wait in one first-come, first-served queue; only the first in line
  may take from the buckets, so a later small request never overtakes an earlier large
  one.
- **Corrected**: a request's tokens are an estimate made before sending
  (:func:`estimate_tokens`: the prompt's characters / 4 plus ``max_tokens``);
  :meth:`RateLimiter.settle` replaces it with the usage the server reports, and the
  request first in line is woken to take advantage of what came back.
- **Bounded**: the state is two numbers per bucket plus the queue of waiting requests
  (at most one per concurrent caller). A request larger than a bucket is admitted once
  the bucket is full and leaves it in debt, so nothing waits forever; no request counts
  for more than a minute's budget.
- **Async, loop-agnostic**: waiting is on ``asyncio``; the state is guarded by a thread
  lock and waiters are woken on their own loop, so one limiter may serve several event
  loops (the sync API runs one per call).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["RateLimiter", "Reservation", "Slots", "estimate_tokens"]

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

    def wait(self, amount: float) -> float:
        """Seconds until ``amount`` may be taken (a full bucket admits any amount)."""
        need = min(amount, self.capacity)
        return max(0.0, (need - self.level) / self.rate)


@dataclass(frozen=True)
class Reservation:
    """What one admitted request took: ``tokens`` as estimated, at ``at`` (clock time)."""

    tokens: int
    at: float


@dataclass(eq=False)
class _Waiter:
    tokens: int
    loop: asyncio.AbstractEventLoop
    wakeup: asyncio.Future[None] | None = field(default=None)


class RateLimiter:
    """Requests and tokens per minute, shared by every request of a backend.

    ``clock`` (seconds, monotonic) is injectable for tests.
    """

    def __init__(
        self,
        rpm: int | None = None,
        tpm: int | None = None,
        *,
        burst_s: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if (rpm is not None and rpm <= 0) or (tpm is not None and tpm <= 0) or burst_s <= 0:
            raise ValueError("rpm, tpm and burst_s must be positive")
        self.rpm, self.tpm = rpm, tpm
        self._clock = clock
        self._lock = threading.Lock()
        self._queue: deque[_Waiter] = deque()
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

    def _clamp(self, tokens: int) -> int:
        return max(0, min(tokens, self.tpm or tokens))  # at most a minute's budget

    def delay(self, tokens: int) -> float:
        """Seconds until a request of ``tokens`` would fit, ignoring the queue (0: now)."""
        tokens = self._clamp(tokens)
        with self._lock:
            return self._delay(tokens, self._clock())

    def _delay(self, tokens: int, now: float) -> float:
        wait = 0.0
        for bucket, amount in ((self._requests, 1), (self._tokens, tokens)):
            if bucket is not None:
                bucket.refill(now)
                wait = max(wait, bucket.wait(amount))
        return wait

    def take(self, tokens: int) -> Reservation:
        """Take one request and ``tokens`` now, whatever the buckets hold (for callers
        that did their own waiting, and tests)."""
        tokens = self._clamp(tokens)
        with self._lock:
            return self._take(tokens, self._clock())

    def _take(self, tokens: int, now: float) -> Reservation:
        for bucket, amount in ((self._requests, 1), (self._tokens, tokens)):
            if bucket is not None:
                bucket.refill(now)
                bucket.level -= amount
        return Reservation(tokens=tokens, at=now)

    async def acquire(self, tokens: int) -> Reservation:
        """Wait for the turn of one request of about ``tokens`` tokens (first come, first
        served), then take them. A cancelled waiter leaves the queue."""
        waiter = _Waiter(self._clamp(tokens), asyncio.get_running_loop())
        with self._lock:
            self._queue.append(waiter)
        try:
            while True:
                with self._lock:
                    delay: float | None = None
                    if self._queue[0] is waiter:
                        now = self._clock()
                        delay = self._delay(waiter.tokens, now)
                        if delay <= 0:
                            self._queue.popleft()
                            self._wake_first()
                            return self._take(waiter.tokens, now)
                    waiter.wakeup = waiter.loop.create_future()
                # Until woken (the line moved, or tokens came back), or the delay is over.
                await asyncio.wait([waiter.wakeup], timeout=delay)
        except BaseException:
            with self._lock:
                if waiter in self._queue:
                    first = self._queue[0] is waiter
                    self._queue.remove(waiter)
                    if first:
                        self._wake_first()
            raise

    def _wake_first(self) -> None:
        """Wake the first in line (lock held) to look at the buckets again."""
        if not self._queue:
            return
        waiter = self._queue[0]
        wakeup = waiter.wakeup
        if wakeup is not None and not wakeup.done():
            with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits there
                waiter.loop.call_soon_threadsafe(_resolve, wakeup)

    def settle(self, reservation: Reservation, used: int | None) -> None:
        """Correct the estimate with the tokens the server reports (``None``: unknown, the
        estimate stands)."""
        if used is None or self._tokens is None or used == reservation.tokens:
            return
        with self._lock:
            self._tokens.refill(self._clock())
            self._tokens.level = min(
                self._tokens.capacity, self._tokens.level + reservation.tokens - used
            )
            self._wake_first()

    def cancel(self, reservation: Reservation) -> None:
        """Give a reservation back (its request was never sent)."""
        with self._lock:
            now = self._clock()
            for bucket, amount in ((self._requests, 1), (self._tokens, reservation.tokens)):
                if bucket is not None:
                    bucket.refill(now)
                    bucket.level = min(bucket.capacity, bucket.level + amount)
            self._wake_first()

    @property
    def waiting(self) -> int:
        """Requests waiting for their turn."""
        with self._lock:
            return len(self._queue)

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


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class Slots:
    """At most ``n`` requests in flight on one event loop.

    A slot freed is handed to the longest waiter at once (arrival order); a waiter
    cancelled after it was handed one passes it on.
    """

    def __init__(self, n: int) -> None:
        self.free = max(1, n)
        self._waiting: deque[asyncio.Future[None]] = deque()

    @contextlib.asynccontextmanager
    async def hold(self) -> AsyncIterator[None]:
        """Hold a slot for the duration of the ``async with`` block."""
        if self.free > 0:
            self.free -= 1
        else:
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiting.append(waiter)
            try:
                await waiter
            except asyncio.CancelledError:
                if waiter.cancelled():
                    self._waiting.remove(waiter)
                else:  # handed a slot it will not use
                    self._release()
                raise
        try:
            yield
        finally:
            self._release()

    def _release(self) -> None:
        if self._waiting:
            self._waiting.popleft().set_result(None)  # the slot passes to it
        else:
            self.free += 1
