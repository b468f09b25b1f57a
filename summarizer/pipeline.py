"""The one orchestrator: articles in, briefs and event records out.

:func:`asummarize` (and :func:`summarize`, its sync form) serves the library, the
command line and any other runner: it extracts a grounded brief from every article
(failures are kept, not raised), then, unless ``consolidate=False``, consolidates the
briefs into one record per real-world event, optionally letting the model settle the
cases the rules leave open. Reading articles and writing files are the caller's.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from summarizer.errors import SummarizerError
from summarizer.events.adjudicate import LLMAdjudicator
from summarizer.events.consolidate import consolidate as consolidate_briefs
from summarizer.extract.cache import Cache
from summarizer.extract.extractor import Extractor
from summarizer.llm.backend import Backend
from summarizer.llm.config import LLMConfig
from summarizer.llm.costs import RunStats
from summarizer.sync import run_sync
from summarizer.types import Article, Brief, EventRecord, Usage

__all__ = ["RunResult", "asummarize", "summarize"]


@dataclass(frozen=True)
class RunResult:
    """What a run produced: briefs and events, and the articles that failed (with why).

    ``wall_s`` is the run's wall time and ``model`` the model it used (for pricing).
    ``events`` is empty when the run did not consolidate (``consolidate=False``).
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
    on_done: Callable[[Article, Brief | SummarizerError], None] | None = None,
    consolidate: bool = True,
) -> RunResult:
    """Extract every article, then consolidate the briefs into events (async).

    At most ``concurrency`` requests are in flight; ``on_done(article, result)`` is
    called as each article finishes (a brief or its error). With ``cache``, briefs made
    before under the same settings cost nothing. With ``adjudicate=True`` the same model
    settles the grouping and naming cases the rules leave open (a few small calls; each
    decision is recorded in the event). ``consolidate=False`` extracts only: the result
    has no events.
    """
    if adjudicate and not consolidate:
        raise ValueError("adjudicate=True settles consolidation's open cases: it needs consolidate")
    started = time.perf_counter()
    async with Extractor(config, backend=backend, cache=cache) as extractor:
        results = await extractor.extract_many(articles, concurrency=concurrency, on_done=on_done)
        judge = LLMAdjudicator(backend=extractor.backend) if adjudicate else None
        model = extractor.backend.model
    briefs = [r for r in results if isinstance(r, Brief)]
    failures = [r for r in results if not isinstance(r, Brief)]
    events = consolidate_briefs(briefs, articles, adjudicator=judge) if consolidate else []
    wall_s = time.perf_counter() - started
    return RunResult(briefs=briefs, events=events, failures=failures, wall_s=wall_s, model=model)


def summarize(
    articles: Sequence[Article],
    config: LLMConfig | None = None,
    *,
    backend: Backend | None = None,
    concurrency: int = 1,
    adjudicate: bool = False,
    cache: Cache | None = None,
    on_done: Callable[[Article, Brief | SummarizerError], None] | None = None,
    consolidate: bool = True,
) -> RunResult:
    """Extract every article, then consolidate the briefs into events: :func:`asummarize`
    for sync code (notebooks included)."""
    return run_sync(
        lambda: asummarize(
            articles,
            config,
            backend=backend,
            concurrency=concurrency,
            adjudicate=adjudicate,
            cache=cache,
            on_done=on_done,
            consolidate=consolidate,
        )
    )
