"""From a model's answer to a brief.

Each item of a :class:`~summarizer.extract.schema.Draft` goes through its check in
:mod:`summarizer.extract.checks` (the cited sentence, narrowed to the phrase) and becomes
a brief item with exact evidence, or a :class:`~summarizer.types.DroppedItem` saying why
not. The quotations come from the text, their speakers from the text and the model
(:mod:`summarizer.extract.speakers`); figures written in digits come from the text too
(:mod:`summarizer.extract.numbers`). Prose the model wrote (``what``, the summary) keeps
only the sentences whose names and numbers the article supports. Nothing here calls a
model.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from summarizer.extract.checks import Checks, quotations, states_value
from summarizer.extract.commitments import stated_commitments
from summarizer.extract.dates import date_in, future_before, resolve_date
from summarizer.extract.numbers import find_figures, past_sentences
from summarizer.extract.participants import (
    event_roles,
    in_lead,
    is_outlet,
    is_place,
    lead_participants,
)
from summarizer.extract.people import referent
from summarizer.extract.places import lead_place
from summarizer.extract.schema import Draft
from summarizer.extract.speakers import resolve_speakers
from summarizer.text import split_sentences, word_key
from summarizer.types import (
    Article,
    Brief,
    BriefMeta,
    Commitment,
    Diagnostics,
    EventInfo,
    Figure,
    Mention,
    Participant,
    Quote,
    Topic,
)

__all__ = ["assemble"]

_T = TypeVar("_T")
_SPACED_INITIALS = re.compile(r"\b([A-Z])\. (?=[A-Z]\.)")
_SUMMARY_SENTENCES = 4
_WHAT_WORDS = 10
_MAX_FIGURES = 6


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


def _event(article: Article, draft: Draft, c: Checks) -> EventInfo:
    evidence = c.sentence(draft.sentence)
    date = c.date(draft.date_text) if draft.date_text else None
    if date is not None and date_in(date.text) is None:
        date = None  # not a date ("Mannheim, Germany")
    lead = c.lead_date()
    if lead is not None and (date is None or date.start > c.lead_end):
        # The main event is the lead's: a date the lead writes beats none, and one the
        # model took from further down (a background or follow-up day).
        date = lead
    if date is None:  # the one its event's sentence gives, if any
        found = date_in(article.text, evidence.start, evidence.end)
        date = c.span(*found) if found else None
    place = c.place(draft.place) if draft.place else None
    if place is None:  # the model gave none, or none that stands (see .places)
        place = lead_place(c)
    what = _tidy(draft.what)
    if c.words.unsupported(what):
        c.drop("what", what, what, "unsupported")
        words = evidence.text.split()
        what = " ".join(words[:_WHAT_WORDS]) + (" …" if len(words) > _WHAT_WORDS else "")
    return EventInfo(
        what=what,
        date_text=date.text if date else None,
        date=resolve_date(
            date.text, article.published, future=future_before(article.text, date.start)
        )
        if date
        else None,
        place=place.text if place else None,
        evidence=[evidence],
    )


def _summary(draft: Draft, c: Checks, event: EventInfo) -> str:
    """The model's sentences whose names and numbers the article has; else the event's
    sentence, as the article writes it."""
    kept: list[str] = []
    for sentence in split_sentences(" ".join(_tidy(draft.summary).split())):
        missing = c.words.unsupported(sentence)
        if missing:
            c.drop("summary", ", ".join(missing), sentence, "unsupported")
        elif len(kept) < _SUMMARY_SENTENCES:
            kept.append(sentence)
    return " ".join(kept) or event.evidence[0].text


def _participants(draft: Draft, c: Checks) -> list[Participant]:
    """The model's participants that the opening sentences name and that are no outlet
    (else dropped as ``unsupported``: the text does not make them actors), then who else
    the lead names as taking part (:mod:`.participants`)."""
    out = []
    for p in draft.participants:
        span = c.name("participant", p.name, p.sentence)
        if span is not None and (not in_lead(c, p.name) or is_outlet(p.name) or is_place(p.name)):
            c.drop("participant", p.name, span.text, "unsupported")
        elif span is not None:
            country = _tidy(p.country) if p.country else None
            out.append(
                Participant(name=_tidy(p.name), role=p.role, country=country, evidence=[span])
            )
    out = _dedupe(out, lambda p: word_key(p.name))
    mentioned = [m.model_copy(update={"name": _tidy(m.name)}) for m in draft.mentioned]
    out += lead_participants(c, out, mentioned, c.people)
    return out + event_roles(c, out, c.people)


def _mentioned(draft: Draft, c: Checks, actors: set[str]) -> list[Mention]:
    """The people merely mentioned: never one of the ``actors`` (the participants' keys)."""
    out = []
    for m in draft.mentioned:
        if word_key(m.name) in actors:
            continue
        span = c.name("mention", m.name, m.sentence)
        if span is not None:
            out.append(Mention(name=_tidy(m.name), evidence=[span]))
    return _dedupe(out, lambda m: word_key(m.name))


def _topics(draft: Draft, c: Checks) -> list[Topic]:
    out = []
    for t in draft.topics:
        if c.sentences.get(t.sentence) is None:
            c.drop("topic", t.label, "", "not_found")
        else:
            out.append(Topic(label=t.label, evidence=[c.sentence(t.sentence)]))
    return _dedupe(out, lambda t: word_key(t.label))


def _commitments(c: Checks, quotes: list[Quote]) -> list[Commitment]:
    """The commitments the text states with an explicit verb (:mod:`.commitments`). Inside
    a quotation the actor is its speaker; "he" or "she" is the last person named."""
    out = []
    for s in stated_commitments(c.text, c.sentences.spans):
        actor = s.actor
        speaker = [q.speaker for q in quotes if q.evidence[0].start <= s.cue[0] < q.evidence[0].end]
        if speaker and speaker[0]:
            actor = speaker[0]
        elif actor.lower() in ("he", "she", ""):
            actor = (referent(c.people, s.cue[0]) or [actor])[0]
        out.append(
            Commitment(
                actor=actor,
                action=s.action,
                status=s.status,
                evidence=[c.clause(s.sentence, s.cue)],
            )
        )
    return out


def _quotes(article: Article, draft: Draft, c: Checks) -> list[Quote]:
    found = quotations(article.text)
    answers: list[str | None] = [None] * len(found)
    for s in draft.speakers:
        if 1 <= s.quote <= len(found) and s.speaker:
            answers[s.quote - 1] = _tidy(s.speaker)
    speakers = resolve_speakers(article.text, found, answers, c.people)
    return [
        Quote(speaker=speaker, text=article.text[start:end], evidence=[c.span(start, end)])
        for (start, end), speaker in zip(found, speakers, strict=True)
    ]


def _figures(article: Article, draft: Draft, c: Checks) -> list[Figure]:
    figures = []
    for f in draft.figures:
        span = c.figure(f"{f.what}: {f.value}", f.value, f.sentence)
        if span is not None:
            figures.append(
                Figure(what=f.what, value=_as_written(f.value, span.text), evidence=[span])
            )
    # Quantities written in digits are found in the text too; the model's own listing of
    # the same number (same digits, overlapping evidence) wins, unless the text reads it
    # as part of a range or a conversion ("$12 billion to $13 billion").
    for found in find_figures(article.text):
        span = found.evidence[0]
        same = [
            f for f in figures if f.evidence[0].start < span.end and span.start < f.evidence[0].end
        ]
        if any(states_value(found.value, f.value) for f in same):
            continue
        found = found.model_copy(update={"found_by": "text"})
        fuller = [
            i for i, f in enumerate(figures) if f in same and states_value(f.value, found.value)
        ]
        if fuller:
            figures[fuller[0]] = found
        else:
            figures.append(found)
    # News puts what matters first: the first few numbers of the article, in its order
    # (later ones are mostly background: past events, distances, market detail).
    # Numbers in sentences about an earlier time come after the rest.
    past = past_sentences(article.text, article.published)
    figures.sort(
        key=lambda f: (
            any(a <= f.evidence[0].start < b for a, b in past),
            f.evidence[0].start,
        )
    )
    return _dedupe(figures, lambda f: _figure_key(article.text, f))[:_MAX_FIGURES]


_ANOTHER = re.compile(r"\b(?:a further|another|an additional|other)\s+\S*$", re.I)


def _figure_key(text: str, figure: Figure) -> tuple[str, str, int]:
    """What makes two figures the same: the digits of the value and the word after them
    ("10 people" said twice), unless the text marks the number as a new one ("a further
    20,000 people")."""
    span = figure.evidence[0]
    digits = re.findall(r"\d[\d.,]*", figure.value)
    at = span.text.find(digits[-1]) if digits else -1
    word = re.search(r"[A-Za-z%]+", span.text[at:] if at >= 0 else "")
    start = span.start + max(at, 0)
    new = _ANOTHER.search(text, max(0, start - 20), start)
    return (
        re.sub(r"\D", "", figure.value),
        word.group().lower() if word else "",
        start if new else -1,
    )


def _as_written(value: str, phrase: str) -> str:
    """``value`` with the qualifier its phrase gives it ("17" in "at least 17 killed" is
    "at least 17")."""
    m = re.match(r"([A-Za-z ]+?)\s+[$£€]?\d", phrase)
    if m and not value[:1].isalpha():
        return f"{m.group(1).lower()} {value}"
    return value


def assemble(article: Article, draft: Draft, meta: BriefMeta) -> Brief:
    """The brief of ``article`` from what of ``draft`` passes the checks."""
    c = Checks.of(article.text)
    for kind, label in draft.unfit:
        c.drop(kind, label, "", "malformed")
    event = _event(article, draft, c)
    participants = _participants(draft, c)
    quotes = _quotes(article, draft, c)
    brief = Brief(
        article_id=article.id,
        summary=_summary(draft, c, event),
        event=event,
        participants=participants,
        mentioned=_mentioned(draft, c, {word_key(p.name) for p in participants}),
        topics=_topics(draft, c),
        commitments=_commitments(c, quotes),
        quotes=quotes,
        figures=_figures(article, draft, c),
        meta=meta,
    )
    spans = brief.spans()
    diagnostics = Diagnostics(
        spans_exact=sum(s.match == "exact" for s in spans),
        spans_normalized=sum(s.match == "normalized" for s in spans),
        spans_fuzzy=sum(s.match == "fuzzy" for s in spans),
        dropped=c.dropped,
    )
    return brief.model_copy(update={"diagnostics": diagnostics})
