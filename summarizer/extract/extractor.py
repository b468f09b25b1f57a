"""Extraction: one article in, one grounded :class:`~summarizer.types.Brief` out.

One LLM call per article. The article goes to the model as numbered sentences, with
the list of its quotations (:func:`prompt_article`, :mod:`summarizer.extract.guard`), and
every item of the answer cites a sentence number: the item checks of
:mod:`summarizer.extract.checks` narrow it to exact evidence or drop it (listed in the
brief's diagnostics), so no follow-up call is needed to ground anything. An answer that
does not fit the schema is re-asked by the backend's validation layer. This module
orchestrates: prompts, calls, the cache, concurrency; the brief is built by
:mod:`summarizer.extract.assemble`.

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
from summarizer.extract.checks import Sentences, quotations
from summarizer.extract.guard import as_data, check_article
from summarizer.extract.schema import SCHEMA_VERSION, Draft
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
    "prompt_article",
]

EXTRACT_PROMPT = "extract.v3"
RUNAWAY_PENALTY = 0.4
_QUOTE_WORDS = 10  # a quotation is shown to the model by its first words
_T = TypeVar("_T")
_log = logging.getLogger(__name__)


def prompt_article(text: str) -> dict[str, str]:
    """The prompt's variables for an article: its sentences numbered one per line (each as
    data: see :func:`~summarizer.extract.guard.as_data`), and its quotations, numbered,
    with the sentence each starts in and its first words."""
    sentences = Sentences.of(text)
    lines = [
        f"[{n}] {as_data(' '.join(text[start:end].split()))}"
        for n, (start, end) in enumerate(sentences.spans, start=1)
    ]
    quotes = []
    for n, (start, end) in enumerate(quotations(text), start=1):
        words = text[start:end].split()
        shown = " ".join(words[:_QUOTE_WORDS]) + (" …" if len(words) > _QUOTE_WORDS else "")
        shown = '"' + shown.replace('"', "'") + '"'  # in double quotes, its own made single
        quotes.append(f"Q{n} [{sentences.containing(start)}] {as_data(shown)}")
    return {"article": "\n".join(lines), "quotations": "\n".join(quotes) or "(none)"}


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
        cache: Cache | None = None,
    ) -> None:
        if backend is None:
            if config is None:
                raise TypeError("Extractor needs a config or a backend")
            backend = OpenAIBackend(config)
        self.backend = backend
        self.prompt = prompt or load_prompt(EXTRACT_PROMPT)
        self.cache = cache
        self._inflight: dict[str, asyncio.Future[Brief | None]] = {}

    def settings(self) -> dict[str, Any]:
        """Everything besides the article that decides its brief (the cache key's part)."""
        config = getattr(self.backend, "config", None)
        out: dict[str, Any] = {"backend": type(self.backend).__name__, "model": self.backend.model}
        if isinstance(config, LLMConfig):
            out.update(
                base_url=config.server_id or config.base_url.rstrip("/"),
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
            {"role": "user", "content": self.prompt.render_user(**prompt_article(article.text))},
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
            return self.brief_from_draft(
                article, draft, usage=usage, attempts=attempts, started=started
            )
        except SummarizerError as exc:
            exc.article_id = article.id
            raise

    def brief_from_draft(
        self,
        article: Article,
        draft: Draft,
        *,
        usage: Usage,
        attempts: int,
        started: float | None = None,
    ) -> Brief:
        """The stage after the answer: check ``draft`` against ``article`` and assemble the
        brief (shared with the Batch API path).

        ``usage``/``attempts`` are what the answer cost; ``started`` is the
        ``time.perf_counter()`` the article's work began (``None``: latency 0).
        """
        meta = BriefMeta(
            model=self.backend.model,
            prompt_id=self.prompt.id,
            prompt_hash=self.prompt.hash,
            schema_version=SCHEMA_VERSION,
            usage=usage,
            attempts=max(1, attempts),
            latency_s=0.0 if started is None else round(time.perf_counter() - started, 3),
        )
        try:
            return assemble(article, draft, meta)
        except SummarizerError as exc:
            exc.article_id = article.id
            raise

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
        while its request is out (the checks run outside it). ``on_done(article, result)``
        is called as each article finishes.
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


def _slot() -> AbstractAsyncContextManager[None]:
    slots = _SLOTS.get()
    return contextlib.nullcontext() if slots is None else slots.hold()


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
