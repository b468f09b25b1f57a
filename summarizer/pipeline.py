"""The one-call pipeline: articles in, briefs and event records out.

:func:`summarize` extracts a grounded brief from every article (failures are kept,
not raised) and consolidates the briefs into one record per real-world event.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .adjudicate import LLMAdjudicator
from .backend import Backend
from .config import LLMConfig
from .consolidate import consolidate
from .errors import SummarizerError
from .extract import Extractor, run_sync
from .types import Article, Brief, EventRecord, Usage

__all__ = ["RunResult", "asummarize", "summarize"]


@dataclass(frozen=True)
class RunResult:
    """What a run produced: briefs and events, and the articles that failed (with why)."""

    briefs: list[Brief]
    events: list[EventRecord]
    failures: list[SummarizerError] = field(default_factory=list)

    @property
    def usage(self) -> Usage:
        total = Usage()
        for brief in self.briefs:
            total = total + brief.meta.usage
        for error in self.failures:
            total = total + getattr(error, "usage", Usage())
        return total


async def asummarize(
    articles: Sequence[Article],
    config: LLMConfig | None = None,
    *,
    backend: Backend | None = None,
    concurrency: int = 1,
    adjudicate: bool = False,
) -> RunResult:
    """Extract every article, then consolidate the briefs into events (async).

    With ``adjudicate=True`` the same model settles the grouping and naming cases the
    rules leave open (a few small calls; each decision is recorded in the event).
    """
    async with Extractor(config, backend=backend) as extractor:
        results = await extractor.extract_many(articles, concurrency=concurrency)
        judge = LLMAdjudicator(backend=extractor.backend) if adjudicate else None
    briefs = [r for r in results if isinstance(r, Brief)]
    failures = [r for r in results if not isinstance(r, Brief)]
    events = consolidate(briefs, articles, adjudicator=judge)
    return RunResult(briefs=briefs, events=events, failures=failures)


def summarize(
    articles: Sequence[Article],
    config: LLMConfig | None = None,
    *,
    backend: Backend | None = None,
    concurrency: int = 1,
) -> RunResult:
    """Extract every article, then consolidate the briefs into events."""
    return run_sync(lambda: asummarize(articles, config, backend=backend, concurrency=concurrency))
