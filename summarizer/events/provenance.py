"""Provenance of merged facts: the articles behind an item, how many independent outlets
they are, and their evidence as exact spans of the article texts.

Spans are checked against the article text; a span whose offsets drifted is re-anchored to
the nearest exact occurrence of its text, and one whose text is absent is dropped, so every
span in a record is exact.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TypedDict, TypeVar

from summarizer.types import Article, SourceSpan, Span

__all__ = [
    "Item",
    "Provenance",
    "anchor_spans",
    "independent_sources",
    "sorted_spans",
    "top",
]

S = TypeVar("S", bound=str)


def anchor_spans(
    article_id: str, spans: Iterable[Span], articles: Mapping[str, Article]
) -> list[SourceSpan]:
    """Spans tagged with their article, exact against its text (re-anchored or dropped)."""
    article = articles.get(article_id)
    out: list[SourceSpan] = []
    for span in spans:
        start, end = span.start, span.end
        if article is not None and article.text[start:end] != span.text:
            hits = [m.start() for m in re.finditer(re.escape(span.text), article.text)]
            if not span.text or not hits:
                continue
            start = min(hits, key=lambda h: (abs(h - span.start), h))
            end = start + len(span.text)
        out.append(
            SourceSpan(
                article_id=article_id,
                start=start,
                end=end,
                text=span.text,
                match=span.match,
                score=span.score,
            )
        )
    return out


def independent_sources(article_ids: Iterable[str], articles: Mapping[str, Article]) -> int:
    """Distinct outlets among the articles (an article of unknown outlet counts alone)."""
    outlets = set()
    for aid in article_ids:
        source = articles[aid].source if aid in articles else None
        outlets.add(("outlet", source.strip().lower()) if source else ("article", aid))
    return max(1, len(outlets))


def sorted_spans(spans: Iterable[SourceSpan]) -> list[SourceSpan]:
    """Distinct spans in article order (by article id, start, end)."""
    return sorted(set(spans), key=lambda s: (s.article_id, s.start, s.end))


def top(counts: Counter[S]) -> S:
    """The most frequent value of ``counts`` (non-empty); a tie goes to the smallest."""
    return min(counts, key=lambda v: (-counts[v], v))


class Provenance(TypedDict):
    """The provenance fields every merged record has."""

    sources: list[str]
    n_sources: int
    single_source: bool
    evidence: list[SourceSpan]


class Item:
    """Accumulates one merged item's values, sources and evidence."""

    def __init__(self) -> None:
        self.values: list[tuple[str, str]] = []  # (article_id, value)
        self.evidence: list[SourceSpan] = []

    def add(self, article_id: str, value: str, evidence: list[SourceSpan]) -> None:
        self.values.append((article_id, value))
        self.evidence.extend(evidence)

    @property
    def sources(self) -> list[str]:
        return sorted({aid for aid, _ in self.values})

    def best(self) -> str:
        """The most frequent value; a tie goes to the shortest, then the smallest."""
        counts = Counter(v for _, v in self.values)
        return min(counts, key=lambda v: (-counts[v], len(v), v))

    def provenance(self, articles: Mapping[str, Article]) -> Provenance:
        n = independent_sources(self.sources, articles)
        return {
            "sources": self.sources,
            "n_sources": n,
            "single_source": len(self.sources) == 1,
            "evidence": sorted_spans(self.evidence),
        }
