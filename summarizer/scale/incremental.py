"""Incremental grouping: a day's briefs join the open events of the last N days.

:func:`add_day` closes, in an :class:`~summarizer.events.consolidate.EventIndex`, the
events whose latest article is older than ``open_days`` before ``day``, then adds the
day's briefs one by one in article-id order (the index's semantics: an inverted index of
rare terms, lead names and participant keys finds each brief's candidate events; a
joined record grows and its ``version`` goes up). Adding is sequential on the driver (each
brief may change the records the next one is compared with); the briefs stream from the
Dataset in order. Keep the index between days (it pickles), e.g. in the output folder.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from summarizer.events.consolidate import EventIndex
from summarizer.scale.rows import brief_of_row
from summarizer.types import Change, EventRecord

if TYPE_CHECKING:
    from ray.data import Dataset

__all__ = ["DayResult", "add_day"]


@dataclass
class DayResult:
    """What a day did to the index: the changes (created/joined), the events it closed."""

    changes: list[Change] = field(default_factory=list)
    closed: list[EventRecord] = field(default_factory=list)


def add_day(
    index: EventIndex,
    briefs: Dataset | Iterable[Mapping[str, Any]],
    *,
    day: dt.date | None = None,
    open_days: int = 3,
) -> DayResult:
    """Add one day's result rows (``ok`` rows; others are skipped) to ``index``.

    With ``day``, events whose every article was published before ``day - open_days`` are
    closed first (returned in :attr:`DayResult.closed`, no longer joinable).
    """
    result = DayResult()
    if day is not None:
        result.closed = index.close(day - dt.timedelta(days=open_days))
    from ray.data import Dataset

    rows: Iterable[Mapping[str, Any]]
    if isinstance(briefs, Dataset):
        rows = briefs.sort("article_id").iter_rows()
    else:
        rows = sorted(briefs, key=lambda r: str(r["article_id"]))
    for row in rows:
        if row.get("status", "ok") != "ok":
            continue
        brief, article = brief_of_row(row)
        result.changes.append(index.add(brief, article))
    return result
