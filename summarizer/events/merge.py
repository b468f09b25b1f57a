"""Merging one group of briefs into an :class:`~summarizer.types.EventRecord`.

Every item keeps its provenance (:mod:`summarizer.events.provenance`): the supporting
article ids and :class:`~summarizer.types.SourceSpan` evidence (article id plus exact
offsets, re-anchored when they drifted), how many independent sources back it (distinct
outlets; an article of unknown outlet counts alone) and whether it is single-source.

* **Participants, topics, commitments, quotes, figures** are merged kind by kind
  (:mod:`summarizer.events.facts`).
* **Conflicts** are kept side by side, never resolved (:mod:`summarizer.events.conflicts`):
  figures that count the same thing with different values, "X-led" style descriptors that
  disagree about the same topic ("Kenyan-led" vs "UN-led" mission), event dates and places.
* **Date**: a brief's explicit date wins; otherwise a weekday cue ("on Monday") becomes a
  date only against an article's publication date, and stays a cue without one.
* **Title and summary** are assembled from the record's own facts (no model involved).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence

from summarizer.events.conflicts import (
    reported_descriptors,
    text_descriptor_conflicts,
    unique_conflicts,
    values_conflict,
)
from summarizer.events.entities import Adjudicator
from summarizer.events.facts import (
    merge_commitments,
    merge_entities,
    merge_figures,
    merge_quotes,
    merge_topics,
)
from summarizer.events.features import resolve_weekday
from summarizer.events.provenance import (
    Item,
    anchor_spans,
    independent_sources,
    sorted_spans,
    top,
)
from summarizer.text import content_words, find_weekday
from summarizer.types import (
    Adjudication,
    Article,
    Brief,
    Conflict,
    ConflictValue,
    EntityRecord,
    EventRecord,
    SourceSpan,
)

__all__ = ["anchor_spans", "independent_sources", "merge_group"]
# anchor_spans and independent_sources live in summarizer.events.provenance; they stay
# importable from here, where 0.1 had them.


def merge_group(
    event_id: str,
    briefs: Sequence[Brief],
    articles: Mapping[str, Article],
    adjudicator: Adjudicator | None = None,
    version: int = 1,
    extra_adjudications: Sequence[Adjudication] = (),
) -> EventRecord:
    """One :class:`EventRecord` from the briefs of one event (see the module docstring)."""
    briefs = sorted(briefs, key=lambda b: b.article_id)
    article_ids = [b.article_id for b in briefs]
    entities = merge_entities(briefs, articles, adjudicator)
    event_spans = [
        s for b in briefs for s in anchor_spans(b.article_id, b.event.evidence, articles)
    ]
    topics, conflicts = merge_topics(briefs, articles, event_spans)
    known = reported_descriptors(conflicts)
    conflicts += text_descriptor_conflicts(article_ids, articles, known)
    commitments = merge_commitments(briefs, articles, entities)
    quotes = merge_quotes(briefs, articles, entities)
    figures, figure_conflicts = merge_figures(briefs, articles)
    conflicts += figure_conflicts
    date, date_text, date_conflicts = _event_date(briefs, articles, event_spans)
    conflicts += date_conflicts
    place, place_conflicts = _event_place(briefs)
    conflicts += place_conflicts
    record = EventRecord(
        id=event_id,
        version=version,
        title="",
        summary="",
        what=_event_what(briefs, entities.participants),
        date=date,
        date_text=date_text,
        place=place,
        articles=article_ids,
        n_sources=independent_sources(article_ids, articles),
        evidence=sorted_spans(event_spans),
        participants=entities.participants,
        mentioned=entities.mentioned,
        topics=sorted(topics, key=lambda t: (-len(t.sources), t.label)),
        commitments=commitments,
        quotes=quotes,
        figures=figures,
        conflicts=unique_conflicts(conflicts),
        adjudications=[*extra_adjudications, *entities.adjudications],
    )
    return record.model_copy(update={"title": _title(record), "summary": _summary(record)})


def _event_date(
    briefs: Sequence[Brief], articles: Mapping[str, Article], event_spans: list[SourceSpan]
) -> tuple[dt.date | None, str | None, list[Conflict]]:
    """The date most briefs give (ties: the earliest), the most frequent date as written,
    and a conflict when the briefs' dates differ."""
    per_date: dict[dt.date, Item] = {}
    cues = Counter(b.event.date_text for b in briefs if b.event.date_text)
    for b in briefs:
        date = b.event.date
        if date is None and b.event.date_text:
            weekday = find_weekday(b.event.date_text)
            published = articles[b.article_id].published if b.article_id in articles else None
            if weekday is not None and published:
                date = resolve_weekday(weekday, published)
        if date is not None:
            spans = [s for s in event_spans if s.article_id == b.article_id]
            per_date.setdefault(date, Item()).add(b.article_id, date.isoformat(), spans)
    cue = top(cues) if cues else None
    if not per_date:
        return None, cue, []
    best = max(per_date, key=lambda d: (len(per_date[d].sources), -d.toordinal()))
    conflicts = []
    if len(per_date) > 1:
        sides = [(d.isoformat(), it) for d, it in sorted(per_date.items(), key=lambda kv: kv[0])]
        conflicts.append(values_conflict("date", "event date", sides))
    return best, cue, conflicts


def _event_place(briefs: Sequence[Brief]) -> tuple[str | None, list[Conflict]]:
    """The place most briefs give, and a conflict when two places are not one within the
    other ("Nairobi" and "Nairobi, Kenya" agree)."""
    places = Item()
    for b in briefs:
        if b.event.place:
            places.add(b.article_id, b.event.place, [])
    place = places.best() if places.values else None
    distinct = sorted({v for _, v in places.values})
    if not any(
        a.lower() not in b.lower() and b.lower() not in a.lower()
        for a in distinct
        for b in distinct
    ):
        return place, []
    values = [
        ConflictValue(value=v, sources=sorted({a for a, x in places.values if x == v}), evidence=[])
        for v in distinct
    ]
    return place, [Conflict(kind="place", subject="event place", values=values)]


def _event_what(briefs: Sequence[Brief], participants: Sequence[EntityRecord]) -> str:
    """The brief's "what" naming most participants, then sharing most words with the
    others, then the shortest."""
    whats = [b.event.what for b in briefs]
    surnames = [p.name.split()[-1].lower() for p in participants]
    return max(
        whats,
        key=lambda w: (
            sum(n in w.lower() for n in surnames),
            sum(len(content_words(w) & content_words(o)) for o in whats),
            -len(w),
            w,
        ),
    )


def _when(record: EventRecord) -> str:
    if record.date is not None:
        return record.date.isoformat()
    return record.date_text or "date not given"


def _title(record: EventRecord) -> str:
    names = " and ".join(p.name for p in record.participants[:2])
    what = (record.what or "Event").rstrip(".")
    head = (
        what
        if not names or all(n.split()[-1] in what for n in names.split(" and "))
        else f"{names}: {what}"
    )
    return f"{head} ({_when(record)})"


def _summary(record: EventRecord) -> str:
    parts = [
        f"{(record.what or 'Event').rstrip('.')} ({_when(record)}"
        + (f", {record.place})." if record.place else ").")
    ]
    if record.participants:
        parts.append(
            "Participants: "
            + "; ".join(p.name + (f" ({p.role})" if p.role else "") for p in record.participants)
            + "."
        )
    if record.topics:
        parts.append("Topics: " + "; ".join(t.label for t in record.topics) + ".")
    if record.commitments:
        parts.append(
            "Commitments: " + "; ".join(f"{c.actor} {c.action}" for c in record.commitments) + "."
        )
    if record.figures:
        parts.append(
            "Figures: "
            + "; ".join(
                f"{f.what} {f.value}" + (" (single source)" if f.single_source else "")
                for f in record.figures
            )
            + "."
        )
    for c in record.conflicts:
        parts.append(
            f"Sources disagree on {c.subject}: "
            + " vs ".join(f"{v.value} [{', '.join(v.sources)}]" for v in c.values)
            + "."
        )
    parts.append(
        f"Reported by {len(record.articles)} article(s), {record.n_sources} independent source(s)."
    )
    return " ".join(parts)
