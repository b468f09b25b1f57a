"""From a model's answer to a brief: the checks between a :class:`~summarizer.extract.schema.Draft`
and a :class:`~summarizer.types.Brief`.

Every evidence quote of the answer is aligned to the article by the deterministic
grounding stage (:mod:`summarizer.extract.ground`); then each item is checked: a participant's or
speaker's evidence must name them (else ``misattributed``), a quote must lie between
quotation marks (``not_a_quote``), a figure's evidence must state its value
(``unsupported``, ``not_a_number``). :class:`Grounding` keeps what failed and why, lists
what may be re-asked (:func:`reask_lines`) and takes the re-ask's answers; then
:func:`assemble` builds the brief from what passed, adds the figures written in digits in
the text (:mod:`summarizer.extract.numbers`), resolves the date (:mod:`summarizer.extract.dates`) and
records every drop in the diagnostics. Nothing here calls a model.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from summarizer.extract.dates import resolve_date
from summarizer.extract.ground import Aligner, refers_to
from summarizer.extract.numbers import find_figures
from summarizer.extract.schema import Draft
from summarizer.types import (
    Article,
    Brief,
    BriefMeta,
    Commitment,
    Diagnostics,
    DroppedItem,
    DropReason,
    EventInfo,
    Figure,
    Mention,
    Participant,
    Quote,
    Span,
    Topic,
)

__all__ = ["Grounding", "Pending", "assemble", "collect", "quoted_regions", "reask_lines"]

_T = TypeVar("_T")


_OPEN_CLOSE = {"“": "”", "«": "»", "„": "“", '"': '"'}
_OPENING = re.compile("[" + "".join(_OPEN_CLOSE) + "]")


def quoted_regions(text: str) -> list[tuple[int, int]]:
    """Character ranges between matching quotation marks, paragraph by paragraph."""
    regions: list[tuple[int, int]] = []
    offset = 0
    for paragraph in text.split("\n"):
        i = 0
        while (opening := _OPENING.search(paragraph, i)) is not None:
            start = opening.start()
            end = paragraph.find(_OPEN_CLOSE[opening.group()], start + 1)
            if end < 0:
                # An unclosed quote runs to the end of its paragraph (news style).
                end = len(paragraph)
            regions.append((offset + start + 1, offset + end))
            i = end + 1
        offset += len(paragraph) + 1
    return regions


_NUMBER_WORDS = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"forty|fifty|hundred|thousand|million|billion|trillion|dozen|half|first|second|third)s?\b",
    re.I,
)
_SPACED_INITIALS = re.compile(r"\b([A-Z])\. (?=[A-Z]\.)")


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9“\"'])")


def _sentences(text: str, limit: int) -> str:
    """At most ``limit`` sentences of ``text`` (the brief's summary is 2-4 sentences)."""
    return " ".join(_SENTENCE_END.split(text.strip())[:limit])


def _value_in(value: str, evidence: str) -> bool:
    """Whether a figure's value is what its evidence says: its digits, or its words, appear."""
    digits = re.findall(r"\d+(?:[.,]\d+)*", value)
    haystack = evidence.casefold()
    if digits:
        return all(d in evidence for d in digits)
    return value.casefold().strip() in haystack


def _tidy(label: str) -> str:
    """Undo the small model's habit of writing "U. S." for "U.S."."""
    return _SPACED_INITIALS.sub(r"\1.", label.strip())


@dataclass
class Pending:
    """One evidence quote waiting to be grounded."""

    ref: str
    kind: str
    label: str
    quote: str
    name: str | None = None  # the participant/speaker the evidence must name
    value: str | None = None  # the figure the evidence must state
    span: Span | None = None
    reason: DropReason = "not_found"


@dataclass
class Grounding:
    aligner: Aligner
    text: str
    pending: dict[str, Pending] = field(default_factory=dict)
    quoted: list[tuple[int, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.quoted = quoted_regions(self.text)

    def add(
        self,
        ref: str,
        kind: str,
        label: str,
        quote: str,
        name: str | None = None,
        value: str | None = None,
    ) -> None:
        item = Pending(ref, kind, label, quote, name, value)
        self._resolve(item, quote)
        self.pending[ref] = item

    def _resolve(self, item: Pending, quote: str) -> None:
        item.span, item.reason = None, "empty" if not quote.strip() else "not_found"
        if not quote.strip():
            return
        span = self.aligner.align(quote)
        if span is None:
            return
        if item.name is not None and not refers_to(self._context(item.kind, span), item.name):
            item.reason = "misattributed"
            return
        if item.kind == "quote" and not self._quoted(span):
            item.reason = "not_a_quote"
            return
        if item.value is not None and not _value_in(item.value, span.text):
            item.reason = "unsupported"
            return
        item.span = span

    def _quoted(self, span: Span) -> bool:
        """Whether at least half of ``span`` lies between quotation marks in the article."""
        inside = sum(
            max(0, min(end, span.end) - max(start, span.start)) for start, end in self.quoted
        )
        return inside * 2 >= span.end - span.start

    def _context(self, kind: str, span: Span) -> str:
        if kind != "quote":
            return span.text
        # A quote's speaker is usually named in the same paragraph, not inside the quote.
        start = self.text.rfind("\n", 0, span.start) + 1
        end = self.text.find("\n", span.end)
        return self.text[start : len(self.text) if end < 0 else end]

    def reject(self, ref: str, kind: str, label: str, quote: str, reason: DropReason) -> None:
        """Record an item that fails a check no re-ask can fix."""
        self.pending[ref] = Pending(ref, kind, label, quote, reason=reason)

    def failed(self) -> list[Pending]:
        return [item for item in self.pending.values() if item.span is None]

    def reaskable(self) -> list[Pending]:
        return [
            i for i in self.failed() if i.reason in ("not_found", "misattributed", "unsupported")
        ]

    def retry(self, ref: str, quote: str | None) -> None:
        item = self.pending.get(ref)
        if item is not None and item.span is None and quote:
            self._resolve(item, quote)

    def spans(self, ref: str) -> list[Span]:
        item = self.pending.get(ref)
        return [item.span] if item is not None and item.span is not None else []


def collect(draft: Draft, grounding: Grounding) -> None:
    grounding.add("event", "event", draft.what, draft.event_evidence)
    if draft.date_text:
        grounding.add("date", "date", draft.date_text, draft.date_text)
    if draft.place:
        grounding.add("place", "place", draft.place, draft.place)
    for i, p in enumerate(draft.participants):
        grounding.add(f"participants[{i}]", "participant", p.name, p.evidence, name=p.name)
    for i, m in enumerate(draft.mentioned):
        grounding.add(f"mentioned[{i}]", "mention", m.name, m.evidence, name=m.name)
    for i, t in enumerate(draft.topics):
        grounding.add(f"topics[{i}]", "topic", t.label, t.evidence)
    for i, c in enumerate(draft.commitments):
        grounding.add(f"commitments[{i}]", "commitment", f"{c.actor}: {c.action}", c.evidence)
    for i, q in enumerate(draft.quotes):
        grounding.add(f"quotes[{i}]", "quote", q.speaker, q.text, name=q.speaker)
    for i, f in enumerate(draft.figures):
        if _NUMBER_WORDS.search(f.value):
            label = f"{f.what}: {f.value}"
            grounding.add(f"figures[{i}]", "figure", label, f.evidence, value=f.value)
        else:
            grounding.reject(
                f"figures[{i}]", "figure", f"{f.what}: {f.value}", f.evidence, "not_a_number"
            )


def reask_lines(failed: Iterable[Pending]) -> str:
    lines = []
    for item in failed:
        why = {
            "misattributed": f"does not name {item.name}",
            "unsupported": f"does not state {item.value}",
        }.get(item.reason, "not found in the article")
        lines.append(f"- {item.ref} ({item.kind}: {item.label}) - {why}: {json.dumps(item.quote)}")
    return "\n".join(lines)


def _dedupe(items: list[_T], key: Callable[[_T], object]) -> list[_T]:
    seen: set[object] = set()
    out = []
    for item in items:
        k = key(item)
        if k not in seen:
            seen.add(k)
            out.append(item)
    return out


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text.casefold()).strip()


def assemble(article: Article, draft: Draft, g: Grounding, meta: BriefMeta, reasked: int) -> Brief:
    date_text = draft.date_text if g.spans("date") else None
    place = draft.place if g.spans("place") else None
    event = EventInfo(
        what=_tidy(draft.what),
        date_text=date_text,
        date=resolve_date(date_text, article.published),
        place=place,
        evidence=g.spans("event"),
    )

    def keep(ref: str) -> bool:
        return bool(g.spans(ref))

    participants = [
        Participant(
            name=_tidy(p.name),
            role=p.role,
            organisation=p.organisation,
            country=_tidy(p.country) if p.country else None,
            evidence=g.spans(f"participants[{i}]"),
        )
        for i, p in enumerate(draft.participants)
        if keep(f"participants[{i}]")
    ]
    actors = {_norm(p.name) for p in participants}
    mentioned = [
        Mention(name=_tidy(m.name), evidence=g.spans(f"mentioned[{i}]"))
        for i, m in enumerate(draft.mentioned)
        if keep(f"mentioned[{i}]") and _norm(m.name) not in actors
    ]
    topics = [
        Topic(label=t.label, evidence=g.spans(f"topics[{i}]"))
        for i, t in enumerate(draft.topics)
        if keep(f"topics[{i}]")
    ]
    commitments = [
        Commitment(
            actor=_tidy(c.actor),
            action=c.action,
            counterpart=_tidy(c.counterpart) if c.counterpart else None,
            status=c.status,
            evidence=g.spans(f"commitments[{i}]"),
        )
        for i, c in enumerate(draft.commitments)
        if keep(f"commitments[{i}]")
    ]
    quotes = [
        Quote(
            speaker=_tidy(q.speaker),
            text=g.spans(f"quotes[{i}]")[0].text,
            evidence=g.spans(f"quotes[{i}]"),
        )
        for i, q in enumerate(draft.quotes)
        if keep(f"quotes[{i}]")
    ]
    figures = [
        Figure(what=f.what, value=f.value, unit=f.unit, evidence=g.spans(f"figures[{i}]"))
        for i, f in enumerate(draft.figures)
        if keep(f"figures[{i}]")
    ]
    # Quantities written in digits are found in the text too; the model's own listing of
    # the same number (same digits, overlapping evidence) wins.
    for found in find_figures(article.text):
        span = found.evidence[0]
        if not any(
            f.evidence[0].start < span.end
            and span.start < f.evidence[0].end
            and _value_in(found.value, f.value)
            for f in figures
        ):
            figures.append(found.model_copy(update={"found_by": "text"}))
    dropped = [
        DroppedItem(kind=item.kind, label=item.label, quote=item.quote, reason=item.reason)
        for item in g.failed()
    ]
    brief = Brief(
        article_id=article.id,
        summary=_sentences(_tidy(draft.summary), 4),
        event=event,
        participants=_dedupe(participants, lambda p: _norm(p.name)),
        mentioned=_dedupe(mentioned, lambda m: _norm(m.name)),
        topics=_dedupe(topics, lambda t: _norm(t.label)),
        commitments=_dedupe(commitments, lambda c: (c.evidence[0].start, _norm(c.action))),
        quotes=_dedupe(quotes, lambda q: q.evidence[0].start),
        figures=_dedupe(figures, lambda f: (_norm(f.what), f.value)),
        meta=meta,
    )
    spans = brief.spans()
    diagnostics = Diagnostics(
        spans_exact=sum(s.match == "exact" for s in spans),
        spans_normalized=sum(s.match == "normalized" for s in spans),
        spans_fuzzy=sum(s.match == "fuzzy" for s in spans),
        reasked=reasked,
        dropped=dropped,
    )
    return brief.model_copy(update={"diagnostics": diagnostics})
