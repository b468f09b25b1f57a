"""Sync entry points over async code: :func:`run_sync` runs a coroutine to its end, also
from inside a running event loop (a notebook's), on a private loop in a thread."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import TypeVar

__all__ = ["run_sync"]

_T = TypeVar("_T")


def run_sync(coro_factory: Callable[[], Awaitable[_T]]) -> _T:
    """Run a coroutine from sync code, also inside a notebook's running loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(_as_coro(coro_factory))
    result: list[_T] = []
    error: list[BaseException] = []

    def target() -> None:
        try:
            result.append(asyncio.run(_as_coro(coro_factory)))
        except BaseException as exc:  # re-raised in the caller's thread
            error.append(exc)

    thread = threading.Thread(target=target, name="summarizer-sync")
    thread.start()
    thread.join()
    if error:
        raise error[0]
    return result[0]


async def _as_coro(factory: Callable[[], Awaitable[_T]]) -> _T:
    return await factory()
