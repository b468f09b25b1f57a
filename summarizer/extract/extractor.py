"""Extraction: one article in, one grounded :class:`~summarizer.types.Brief` out.

The happy path is one LLM call. Then every evidence quote goes through the
deterministic grounding stage (:mod:`summarizer.extract.ground`) and the item checks of
:mod:`summarizer.extract.checks`. Items whose evidence is not in the article, or whose
evidence does not name the participant it is given for, are re-asked once in a single
small follow-up call (the system prompt and the article stay an unchanged prefix, so a
llama.cpp server reuses its prompt cache); what still fails is dropped and listed in the
brief's diagnostics. Nothing ungrounded is kept. This module orchestrates: prompts,
calls, re-asks, the cache, concurrency; the article goes to the model as data
(:mod:`summarizer.extract.guard`) and the brief is built by :mod:`summarizer.extract.assemble`.

An answer cut at ``max_tokens`` (runaway repetition) is retried once with a
repetition penalty; a second one fails the article with
:class:`~summarizer.errors.RunawayOutputError`.

With a :class:`~summarizer.extract.cache.Cache`, a brief already made under the same settings
(model, prompts, sampling, schema, article text) is returned from it without any call
(``brief.meta.cached``), and every new brief is stored. The stage after the answer
(:meth:`Extractor.brief_from_draft`) is shared with the Batch API path
(:mod:`summarizer.extract.batch`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from contextvars import ContextVar
from typing import Any, TypeVar

from summarizer.errors import RunawayOutputError, RunError, SummarizerError
from summarizer.extract.assemble import assemble
from summarizer.extract.cache import Cache, cache_key, from_cache
from summarizer.extract.checks import Grounding, collect, reask_lines
from summarizer.extract.ground import Aligner
from summarizer.extract.guard import as_data, check_article
from summarizer.extract.schema import SCHEMA_VERSION, Draft, EvidenceFixes
from summarizer.llm.backend import Backend, Message, OpenAIBackend
from summarizer.llm.config import LLMConfig
from summarizer.llm.ratelimit import Slots
from summarizer.prompts import Prompt, load_prompt
from summarizer.sync import run_sync
from summarizer.types import (
    Article,
    Brief,
    BriefMeta,
    Usage,
)

__all__ = [
    "EXTRACT_PROMPT",
    "Extractor",
    "aextract_brief",
    "aextract_briefs",
    "extract_brief",
    "extract_briefs",
]

EXTRACT_PROMPT = "extract.v1"
REASK_PROMPT = "reask.v1"
RUNAWAY_PENALTY = 0.4
_T = TypeVar("_T")
_log = logging.getLogger(__name__)


class Extractor:
    """Turns articles into briefs with one backend and one prompt.

    Reuse one extractor for many articles: it keeps the HTTP client and the loaded prompt.
    With ``cache``, briefs made before under the same settings are not made again.
    """

    def __init__(
        self,
        config: LLMConfig | None = None,
        *,
        backend: Backend | None = None,
        prompt: Prompt | None = None,
        reasks: int | None = None,
        cache: Cache | None = None,
    ) -> None:
        if backend is None:
            if config is None:
                raise TypeError("Extractor needs a config or a backend")
            backend = OpenAIBackend(config)
        self.backend = backend
        self.prompt = prompt or load_prompt(EXTRACT_PROMPT)
        self.reask_prompt = load_prompt(REASK_PROMPT)
        self.reasks = reasks if reasks is not None else (config.reasks if config else 1)
        self.cache = cache
        self._inflight: dict[str, asyncio.Future[Brief | None]] = {}

    def settings(self) -> dict[str, Any]:
        """Everything besides the article that decides its brief (the cache key's part)."""
        config = getattr(self.backend, "config", None)
        out: dict[str, Any] = {"backend": type(self.backend).__name__, "model": self.backend.model}
        if isinstance(config, LLMConfig):
            out.update(
                base_url=config.base_url.rstrip("/"),
                mode=config.mode,
                temperature=config.temperature,
                seed=config.seed,
                max_tokens=config.max_tokens,
                frequency_penalty=config.frequency_penalty,
                extra_body=dict(config.extra_body),
            )
        out.update(
            prompt_id=self.prompt.id,
            prompt_hash=self.prompt.hash,
            reask_prompt_hash=self.reask_prompt.hash,
            reasks=self.reasks,
            schema_version=SCHEMA_VERSION,
        )
        return out

    def cache_key(self, article: Article) -> str:
        """The key of ``article``'s brief in a :class:`~summarizer.extract.cache.Cache`."""
        return cache_key(self.settings(), article)

    def messages(self, article: Article) -> list[Message]:
        """The chat messages for ``article``: constant instructions first, the article last."""
        return [
            {"role": "system", "content": self.prompt.system},
            {"role": "user", "content": self.prompt.render_user(article=as_data(article.text))},
        ]

    async def _draft(self, messages: list[Message]) -> tuple[Draft, Usage, int]:
        usage, attempts = Usage(), 0
        for attempt in (1, 2):
            try:
                completion = await self.backend.complete(
                    messages, Draft, penalty=RUNAWAY_PENALTY if attempt > 1 else None
                )
            except RunawayOutputError as exc:
                usage, attempts = usage + exc.usage, attempts + max(exc.attempts, 1)
                if attempt == 2:
                    exc.usage, exc.attempts = usage, attempts
                    raise
                continue
            except RunError as exc:
                exc.usage, exc.attempts = usage + exc.usage, attempts + exc.attempts
                raise
            return completion.value, usage + completion.usage, attempts + completion.attempts
        raise AssertionError("unreachable")

    async def extract(self, article: Article) -> Brief:
        """The grounded brief of one article; raises a :class:`SummarizerError` carrying its id.

        With a cache: a stored brief is returned without any call; a new one is stored
        (failures are not); the same text asked for twice at once is made once.
        """
        check_article(article)
        if self.cache is None:
            return await self._extract(article)
        key = self.cache_key(article)
        stored = self.cache.get(key)
        if stored is not None:
            return from_cache(stored, article)
        loop = asyncio.get_running_loop()
        first = self._inflight.get(key)
        if first is not None and first.get_loop() is loop:
            made = await asyncio.shield(first)
            if made is not None:
                return from_cache(made, article)
        mine: asyncio.Future[Brief | None] = loop.create_future()
        self._inflight[key] = mine
        brief: Brief | None = None
        try:
            brief = await self._extract(article)
            try:
                self.cache.put(key, brief, article=article)
            except sqlite3.Error as exc:
                _log.warning("cache: could not store the brief of %s: %s", article.id, exc)
            return brief
        finally:
            mine.set_result(brief)
            if self._inflight.get(key) is mine:
                del self._inflight[key]

    async def _extract(self, article: Article) -> Brief:
        try:
            async with _slot():
                started = time.perf_counter()
                messages = self.messages(article)
                draft, usage, attempts = await self._draft(messages)
            return await self.brief_from_draft(
                article, draft, usage=usage, attempts=attempts, started=started, messages=messages
            )
        except SummarizerError as exc:
            exc.article_id = article.id
            raise

    async def brief_from_draft(
        self,
        article: Article,
        draft: Draft,
        *,
        usage: Usage,
        attempts: int,
        started: float | None = None,
        messages: list[Message] | None = None,
        reask: bool = True,
    ) -> Brief:
        """The stage after the answer: ground ``draft`` in ``article``, re-ask once for what
        is not grounded (unless ``reask`` is false: then it is dropped), assemble the brief.

        ``usage``/``attempts`` are what the answer cost so far; ``started`` is the
        ``time.perf_counter()`` the article's work began (``None``: latency 0).
        """
        try:
            grounding = Grounding(Aligner(article.text), article.text)
            collect(draft, grounding)
            failed = grounding.reaskable()
            reasked = 0
            if failed and reask and self.reasks > 0:
                reasked = len(failed)
                ask = self.reask_prompt.render_user(items=reask_lines(failed))
                if messages is None:
                    messages = self.messages(article)
                try:
                    async with _slot(follow_up=True):
                        fix = await self.backend.complete(
                            [*messages, {"role": "user", "content": ask}], EvidenceFixes
                        )
                    usage, attempts = usage + fix.usage, attempts + fix.attempts
                    for item in fix.value.fixes:
                        grounding.retry(item.ref.strip(), item.evidence)
                except RunError as exc:
                    # The first answer stands; its ungrounded items are dropped.
                    usage, attempts = usage + exc.usage, attempts + max(exc.attempts, 1)
        except SummarizerError as exc:
            exc.article_id = article.id
            raise
        meta = BriefMeta(
            model=self.backend.model,
            prompt_id=self.prompt.id,
            prompt_hash=self.prompt.hash,
            schema_version=SCHEMA_VERSION,
            usage=usage,
            attempts=max(1, attempts),
            latency_s=0.0 if started is None else round(time.perf_counter() - started, 3),
        )
        return assemble(article, draft, grounding, meta, reasked)

    async def aclose(self) -> None:
        """Release the backend's HTTP client for the running event loop."""
        close = getattr(self.backend, "aclose", None)
        if close is not None:
            await close()

    async def __aenter__(self) -> Extractor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def sync(self, work: Callable[[Extractor], Awaitable[_T]]) -> _T:
        """Run ``work(self)`` from sync code (notebooks included) and close what it opened."""

        async def closing() -> _T:
            try:
                return await work(self)
            finally:
                await self.aclose()

        return run_sync(closing)

    def extract_sync(self, article: Article) -> Brief:
        """:meth:`extract` for sync code (notebooks included)."""
        return self.sync(lambda ex: ex.extract(article))

    async def extract_many(
        self,
        articles: Sequence[Article],
        *,
        concurrency: int = 1,
        on_done: Callable[[Article, Brief | SummarizerError], None] | None = None,
    ) -> list[Brief | SummarizerError]:
        """Briefs in input order; an article that fails gives its error in its place.

        At most ``concurrency`` requests are in flight. An article holds its slot only
        while its request is out (grounding runs outside it), and its re-ask goes before
        articles not yet started. ``on_done(article, result)`` is called as each
        article finishes.
        """

        async def one(article: Article) -> Brief | SummarizerError:
            result: Brief | SummarizerError
            try:
                result = await self.extract(article)
            except SummarizerError as exc:
                result = exc
            if on_done is not None:
                on_done(article, result)
            return result

        token = _SLOTS.set(Slots(concurrency))
        try:
            # Tasks copy the context (the slots) and start in input order.
            return list(await asyncio.gather(*(one(a) for a in articles)))
        finally:
            _SLOTS.reset(token)


_SLOTS: ContextVar[Slots | None] = ContextVar("summarizer_slots", default=None)
"""The request slots of the :meth:`Extractor.extract_many` call a task belongs to."""


def _slot(*, follow_up: bool = False) -> AbstractAsyncContextManager[None]:
    slots = _SLOTS.get()
    return contextlib.nullcontext() if slots is None else slots.hold(follow_up=follow_up)


async def aextract_brief(
    article: Article,
    config: LLMConfig | None = None,
    *,
    backend: Backend | None = None,
    cache: Cache | None = None,
) -> Brief:
    """The grounded brief of ``article`` (async)."""
    async with Extractor(config, backend=backend, cache=cache) as extractor:
        return await extractor.extract(article)


def extract_brief(
    article: Article,
    config: LLMConfig | None = None,
    *,
    backend: Backend | None = None,
    cache: Cache | None = None,
) -> Brief:
    """The grounded brief of ``article``."""
    return Extractor(config, backend=backend, cache=cache).extract_sync(article)


async def aextract_briefs(
    articles: Sequence[Article],
    config: LLMConfig | None = None,
    *,
    backend: Backend | None = None,
    concurrency: int = 1,
    cache: Cache | None = None,
) -> list[Brief | SummarizerError]:
    """Briefs of many articles in input order; failures are returned in place, not raised."""
    async with Extractor(config, backend=backend, cache=cache) as extractor:
        return await extractor.extract_many(articles, concurrency=concurrency)


def extract_briefs(
    articles: Sequence[Article],
    config: LLMConfig | None = None,
    *,
    backend: Backend | None = None,
    concurrency: int = 1,
    cache: Cache | None = None,
) -> list[Brief | SummarizerError]:
    """Briefs of many articles in input order; failures are returned in place, not raised."""
    extractor = Extractor(config, backend=backend, cache=cache)
    return extractor.sync(lambda ex: ex.extract_many(articles, concurrency=concurrency))
