"""The one-call pipeline: articles in, briefs and event records out.

:func:`summarize` extracts a grounded brief from every article (failures are kept,
not raised) and consolidates the briefs into one record per real-world event.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from summarizer.events.adjudicate import LLMAdjudicator
from summarizer.llm.backend import Backend
from summarizer.extract.cache import Cache
from summarizer.llm.config import LLMConfig
from summarizer.events.consolidate import consolidate
from summarizer.llm.costs import RunStats
from summarizer.errors import SummarizerError
from summarizer.extract.extractor import Extractor
from summarizer.sync import run_sync
from summarizer.types import Article, Brief, EventRecord, Usage

__all__ = ["RunResult", "asummarize", "summarize"]


@dataclass(frozen=True)
class RunResult:
    """What a run produced: briefs and events, and the articles that failed (with why).

    ``wall_s`` is the run's wall time and ``model`` the model it used (for pricing).
    """

    briefs: list[Brief]
    events: list[EventRecord]
    failures: list[SummarizerError] = field(default_factory=list)
    wall_s: float = 0.0
    model: str | None = None

    @property
    def usage(self) -> Usage:
        """Tokens this run spent, failed attempts included; briefs from the cache add 0."""
        total = Usage()
        for brief in self.briefs:
            if not brief.meta.cached:
                total = total + brief.meta.usage
        for error in self.failures:
            total = total + getattr(error, "usage", Usage())
        return total

    @property
    def stats(self) -> RunStats:
        """Articles, briefs, failures, cache hits, LLM calls, tokens, cost, wall time
        (default prices; for your own, ``RunStats.from_results(..., prices=...)``)."""
        return RunStats.from_results(
            [*self.briefs, *self.failures], model=self.model, wall_s=self.wall_s
        )


async def asummarize(
    articles: Sequence[Article],
    config: LLMConfig | None = None,
    *,
    backend: Backend | None = None,
    concurrency: int = 1,
    adjudicate: bool = False,
    cache: Cache | None = None,
) -> RunResult:
    """Extract every article, then consolidate the briefs into events (async).

    With ``adjudicate=True`` the same model settles the grouping and naming cases the
    rules leave open (a few small calls; each decision is recorded in the event). With
    ``cache``, briefs made before under the same settings cost nothing.
    """
    started = time.perf_counter()
    async with Extractor(config, backend=backend, cache=cache) as extractor:
        results = await extractor.extract_many(articles, concurrency=concurrency)
        judge = LLMAdjudicator(backend=extractor.backend) if adjudicate else None
        model = extractor.backend.model
    briefs = [r for r in results if isinstance(r, Brief)]
    failures = [r for r in results if not isinstance(r, Brief)]
    events = consolidate(briefs, articles, adjudicator=judge)
    wall_s = time.perf_counter() - started
    return RunResult(briefs=briefs, events=events, failures=failures, wall_s=wall_s, model=model)


def summarize(
    articles: Sequence[Article],
    config: LLMConfig | None = None,
    *,
    backend: Backend | None = None,
    concurrency: int = 1,
    cache: Cache | None = None,
) -> RunResult:
    """Extract every article, then consolidate the briefs into events."""
    return run_sync(
        lambda: asummarize(articles, config, backend=backend, concurrency=concurrency, cache=cache)
    )
