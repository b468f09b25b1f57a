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
* **Title and summary** are prose built from the record's own facts, no model involved
  (:mod:`summarizer.events.prose`). Every sentence is checked against the sources
  (:func:`summarizer.text.unsupported_tokens`): the articles' texts and titles, or, for a
  brief whose article is not given, its evidence spans and its summary. A sentence with a number or
  name the sources don't support is dropped or replaced by a plainer form; the drops are
  logged (``summarizer.events.merge``, INFO), as a record has no field for them.
"""

from __future__ import annotations

import datetime as dt
import logging
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
from summarizer.events.prose import event_prose
from summarizer.events.provenance import (
    Item,
    anchor_spans,
    independent_sources,
    sorted_spans,
    top,
)
from summarizer.text import SourceWords, content_words, find_weekday
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

__all__ = [
    "anchor_spans",
    "independent_sources",
    "merge_group",
    "source_texts",
]
# anchor_spans and independent_sources live in summarizer.events.provenance; they stay
# importable from here, where 0.1 had them.

_log = logging.getLogger(__name__)


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
    cues = {b.article_id: b.event.date_text for b in briefs if b.event.date_text}
    prose = event_prose(record, SourceWords(source_texts(briefs, articles)).unsupported, cues)
    if prose.dropped:
        _log.info(
            "%s: %d sentence(s) of the title/summary dropped or made plainer, for tokens "
            "the sources don't support: %s",
            event_id,
            len(prose.dropped),
            "; ".join(f"{s!r} ({', '.join(bad)})" for s, bad in prose.dropped),
        )
    return record.model_copy(update={"title": prose.title, "summary": prose.summary})


def source_texts(briefs: Sequence[Brief], articles: Mapping[str, Article]) -> list[str]:
    """What a record's prose may draw on: each article's title and text; for a brief whose
    article is not given, the texts of its evidence spans and its summary."""
    texts: list[str] = []
    for b in briefs:
        article = articles.get(b.article_id)
        if article is not None:
            texts += [article.title or "", article.text]
        else:
            texts += [s.text for s in b.spans()] + [b.summary]
    return texts


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
