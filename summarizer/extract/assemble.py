"""From a checked answer to a brief.

The items of a :class:`~summarizer.extract.schema.Draft` that passed the checks of
:mod:`summarizer.extract.checks` become the brief's items, with their evidence spans;
:func:`assemble` also adds the figures written in digits in the text
(:mod:`summarizer.extract.numbers`), resolves the date (:mod:`summarizer.extract.dates`),
drops duplicates and records every drop in the diagnostics. Nothing here calls a model.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

# The item checks lived here before summarizer.extract.checks; their names stay
# importable from this module (the 0.1 path summarizer.assemble leads here).
from summarizer.extract.checks import (
    Grounding,
    Pending,
    collect,
    quoted_regions,
    reask_lines,
    states_value,
)
from summarizer.extract.dates import resolve_date
from summarizer.extract.numbers import find_figures
from summarizer.extract.schema import Draft
from summarizer.text import first_sentences, word_key
from summarizer.types import (
    Article,
    Brief,
    BriefMeta,
    Commitment,
    Diagnostics,
    DroppedItem,
    EventInfo,
    Figure,
    Mention,
    Participant,
    Quote,
    Topic,
)

__all__ = ["Grounding", "Pending", "assemble", "collect", "quoted_regions", "reask_lines"]

_T = TypeVar("_T")
_SPACED_INITIALS = re.compile(r"\b([A-Z])\. (?=[A-Z]\.)")
_SUMMARY_SENTENCES = 4  # the brief's summary is 2-4 sentences


def _tidy(label: str) -> str:
    """Undo the small model's habit of writing "U. S." for "U.S."."""
    return _SPACED_INITIALS.sub(r"\1.", label.strip())


def _dedupe(items: list[_T], key: Callable[[_T], object]) -> list[_T]:
    seen: set[object] = set()
    out = []
    for item in items:
        k = key(item)
        if k not in seen:
            seen.add(k)
            out.append(item)
    return out


def _event(article: Article, draft: Draft, g: Grounding) -> EventInfo:
    date_text = draft.date_text if g.spans("date") else None
    return EventInfo(
        what=_tidy(draft.what),
        date_text=date_text,
        date=resolve_date(date_text, article.published),
        place=draft.place if g.spans("place") else None,
        evidence=g.spans("event"),
    )


def _participants(draft: Draft, g: Grounding) -> list[Participant]:
    return [
        Participant(
            name=_tidy(p.name),
            role=p.role,
            organisation=p.organisation,
            country=_tidy(p.country) if p.country else None,
            evidence=spans,
        )
        for p, spans in g.kept("participants", draft.participants)
    ]


def _mentioned(draft: Draft, g: Grounding, actors: set[str]) -> list[Mention]:
    """The people merely mentioned: never one of the ``actors`` (the participants' keys)."""
    return [
        Mention(name=_tidy(m.name), evidence=spans)
        for m, spans in g.kept("mentioned", draft.mentioned)
        if word_key(m.name) not in actors
    ]


def _commitments(draft: Draft, g: Grounding) -> list[Commitment]:
    return [
        Commitment(
            actor=_tidy(c.actor),
            action=c.action,
            counterpart=_tidy(c.counterpart) if c.counterpart else None,
            status=c.status,
            evidence=spans,
        )
        for c, spans in g.kept("commitments", draft.commitments)
    ]


def _figures(article: Article, draft: Draft, g: Grounding) -> list[Figure]:
    figures = [
        Figure(what=f.what, value=f.value, unit=f.unit, evidence=spans)
        for f, spans in g.kept("figures", draft.figures)
    ]
    # Quantities written in digits are found in the text too; the model's own listing of
    # the same number (same digits, overlapping evidence) wins.
    for found in find_figures(article.text):
        span = found.evidence[0]
        if not any(
            f.evidence[0].start < span.end
            and span.start < f.evidence[0].end
            and states_value(found.value, f.value)
            for f in figures
        ):
            figures.append(found.model_copy(update={"found_by": "text"}))
    return figures


def _diagnostics(brief: Brief, g: Grounding, reasked: int) -> Diagnostics:
    spans = brief.spans()
    return Diagnostics(
        spans_exact=sum(s.match == "exact" for s in spans),
        spans_normalized=sum(s.match == "normalized" for s in spans),
        spans_fuzzy=sum(s.match == "fuzzy" for s in spans),
        reasked=reasked,
        dropped=[
            DroppedItem(kind=item.kind, label=item.label, quote=item.quote, reason=item.reason)
            for item in g.failed()
        ],
    )


def assemble(article: Article, draft: Draft, g: Grounding, meta: BriefMeta, reasked: int) -> Brief:
    """The brief of ``article`` from the items of ``draft`` that passed the checks in ``g``
    (``reasked``: how many items were re-asked)."""
    participants = _participants(draft, g)
    actors = {word_key(p.name) for p in participants}
    brief = Brief(
        article_id=article.id,
        summary=first_sentences(_tidy(draft.summary), _SUMMARY_SENTENCES),
        event=_event(article, draft, g),
        participants=_dedupe(participants, lambda p: word_key(p.name)),
        mentioned=_dedupe(_mentioned(draft, g, actors), lambda m: word_key(m.name)),
        topics=_dedupe(
            [Topic(label=t.label, evidence=spans) for t, spans in g.kept("topics", draft.topics)],
            lambda t: word_key(t.label),
        ),
        commitments=_dedupe(
            _commitments(draft, g), lambda c: (c.evidence[0].start, word_key(c.action))
        ),
        quotes=_dedupe(
            [
                Quote(speaker=_tidy(q.speaker), text=spans[0].text, evidence=spans)
                for q, spans in g.kept("quotes", draft.quotes)
            ],
            lambda q: q.evidence[0].start,
        ),
        figures=_dedupe(_figures(article, draft, g), lambda f: (word_key(f.what), f.value)),
        meta=meta,
    )
    return brief.model_copy(update={"diagnostics": _diagnostics(brief, g, reasked)})
