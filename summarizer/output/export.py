"""Tables for analysis: briefs and event records as pandas DataFrames.

pandas is an optional extra (``pip install 'summarizer[pandas]'``); it is imported when a
function is called, and a missing pandas is a :class:`~summarizer.errors.ConfigError` that
says how to install it. Every frame has its columns even when it has no rows.

* :func:`briefs_frame`: one row per brief.
* :func:`participants_frame`: one row per participant of a brief, with its first evidence span.
* :func:`commitments_frame`: one row per commitment of a brief, with its first evidence span.
* :func:`events_frame`: one row per event record.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from summarizer.errors import ConfigError
from summarizer.types import Brief, EventRecord, Span

if TYPE_CHECKING:
    import pandas

__all__ = [
    "BRIEF_COLUMNS",
    "COMMITMENT_COLUMNS",
    "EVENT_COLUMNS",
    "PARTICIPANT_COLUMNS",
    "briefs_frame",
    "commitments_frame",
    "events_frame",
    "participants_frame",
]

BRIEF_COLUMNS = (
    "article_id",
    "what",
    "date",
    "date_text",
    "place",
    "summary",
    "participants",
    "mentioned",
    "topics",
    "commitments",
    "quotes",
    "figures",
    "spans_exact",
    "spans_normalized",
    "spans_fuzzy",
    "dropped",
    "reasked",
    "model",
    "prompt_tokens",
    "completion_tokens",
    "attempts",
    "latency_s",
)
PARTICIPANT_COLUMNS = (
    "article_id",
    "name",
    "role",
    "organisation",
    "country",
    "evidence",
    "start",
    "end",
    "match",
)
COMMITMENT_COLUMNS = (
    "article_id",
    "actor",
    "action",
    "counterpart",
    "status",
    "evidence",
    "start",
    "end",
    "match",
)
EVENT_COLUMNS = (
    "event_id",
    "version",
    "title",
    "date",
    "date_text",
    "place",
    "articles",
    "n_articles",
    "n_sources",
    "participants",
    "topics",
    "commitments",
    "quotes",
    "figures",
    "conflicts",
    "summary",
)


def _frame(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> pandas.DataFrame:
    try:
        import pandas as pd
    except ImportError:
        raise ConfigError(
            "pandas is not installed; install it with: pip install 'summarizer[pandas]'"
        ) from None
    return pd.DataFrame(list(rows), columns=list(columns))


def _first(spans: Sequence[Span]) -> dict[str, Any]:
    if not spans:
        return {"evidence": None, "start": None, "end": None, "match": None}
    span = spans[0]
    return {"evidence": span.text, "start": span.start, "end": span.end, "match": span.match}


def briefs_frame(briefs: Iterable[Brief]) -> pandas.DataFrame:
    """One row per brief: the event, item counts, grounding diagnostics, tokens and latency."""
    rows = []
    for b in briefs:
        d, m = b.diagnostics, b.meta
        rows.append(
            {
                "article_id": b.article_id,
                "what": b.event.what,
                "date": b.event.date,
                "date_text": b.event.date_text,
                "place": b.event.place,
                "summary": b.summary,
                "participants": len(b.participants),
                "mentioned": len(b.mentioned),
                "topics": len(b.topics),
                "commitments": len(b.commitments),
                "quotes": len(b.quotes),
                "figures": len(b.figures),
                "spans_exact": d.spans_exact,
                "spans_normalized": d.spans_normalized,
                "spans_fuzzy": d.spans_fuzzy,
                "dropped": len(d.dropped),
                "reasked": d.reasked,
                "model": m.model,
                "prompt_tokens": m.usage.prompt_tokens,
                "completion_tokens": m.usage.completion_tokens,
                "attempts": m.attempts,
                "latency_s": m.latency_s,
            }
        )
    return _frame(rows, BRIEF_COLUMNS)


def participants_frame(briefs: Iterable[Brief]) -> pandas.DataFrame:
    """One row per participant of every brief, with its first evidence span."""
    rows = [
        {
            "article_id": b.article_id,
            "name": p.name,
            "role": p.role,
            "organisation": p.organisation,
            "country": p.country,
            **_first(p.evidence),
        }
        for b in briefs
        for p in b.participants
    ]
    return _frame(rows, PARTICIPANT_COLUMNS)


def commitments_frame(briefs: Iterable[Brief]) -> pandas.DataFrame:
    """One row per commitment of every brief, with its first evidence span."""
    rows = [
        {
            "article_id": b.article_id,
            "actor": c.actor,
            "action": c.action,
            "counterpart": c.counterpart,
            "status": c.status,
            **_first(c.evidence),
        }
        for b in briefs
        for c in b.commitments
    ]
    return _frame(rows, COMMITMENT_COLUMNS)


def events_frame(events: Iterable[EventRecord]) -> pandas.DataFrame:
    """One row per event record: when, where, its articles and how many facts of each kind."""
    rows = [
        {
            "event_id": e.id,
            "version": e.version,
            "title": e.title,
            "date": e.date,
            "date_text": e.date_text,
            "place": e.place,
            "articles": ", ".join(e.articles),
            "n_articles": len(e.articles),
            "n_sources": e.n_sources,
            "participants": len(e.participants),
            "topics": len(e.topics),
            "commitments": len(e.commitments),
            "quotes": len(e.quotes),
            "figures": len(e.figures),
            "conflicts": len(e.conflicts),
            "summary": e.summary,
        }
        for e in events
    ]
    return _frame(rows, EVENT_COLUMNS)
