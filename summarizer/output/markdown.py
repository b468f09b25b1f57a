"""Markdown views: one brief (:func:`brief_markdown`), one event record
(:func:`event_markdown`) or many (:func:`events_markdown`).

Everything that comes from an article or from the model is one line with Markdown and
HTML syntax backslash-escaped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from summarizer.output.evidence import UNATTRIBUTED
from summarizer.text import shorten
from summarizer.types import (
    Article,
    Brief,
    Commitment,
    CommitmentRecord,
    EntityRecord,
    EventRecord,
    Figure,
    FigureRecord,
    Participant,
    Quote,
    QuoteRecord,
    SourceSpan,
    Span,
)

__all__ = ["brief_markdown", "event_markdown", "events_markdown"]

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~&])")


def _md(value: object) -> str:
    """Inline Markdown text: one line, Markdown and HTML syntax backslash-escaped."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def _when(date: object, date_text: str | None) -> str:
    if date is not None and date_text:
        return f"{date} (“{_md(date_text)}”)"
    if date is not None:
        return str(date)
    if date_text:
        return f"“{_md(date_text)}” (as written)"
    return "not stated"


def _where(place: str | None) -> str:
    return _md(place) if place else "not stated"


def _quotes(spans: Iterable[Span | SourceSpan]) -> str:
    """The spans' texts, shortened and quoted, separated by ``; ``."""
    return "; ".join(f"“{_md(shorten(s.text, 100))}”" for s in spans)


def _evidence(spans: Iterable[Span | SourceSpan]) -> str:
    quotes = _quotes(spans)
    return f" — {quotes}" if quotes else ""


def _section(heading: str, rows: list[str]) -> list[str]:
    """A bold heading, its rows and a blank line; nothing without rows."""
    return [f"**{heading}**", *rows, ""] if rows else []


# One list item (or quote line) per fact; briefs follow it with its evidence, event
# records with their sources.


def _person(p: Participant | EntityRecord) -> str:
    bits = [b for b in (p.role, p.organisation, p.country) if b]
    who = f" ({_md(', '.join(bits))})" if bits else ""
    return f"- **{_md(p.name)}**{who}"


def _commitment(c: Commitment | CommitmentRecord) -> str:
    counterpart = f" → {_md(c.counterpart)}" if c.counterpart else ""
    return f"- **{_md(c.actor)}** _{c.status}_: {_md(c.action)}{counterpart}"


def _quote(q: Quote | QuoteRecord) -> str:
    return f"> “{_md(q.text)}” — **{_md(q.speaker or UNATTRIBUTED)}**  "


def _figure(f: Figure | FigureRecord) -> str:
    return f"- {_md(f.what)}: **{_md(f.value)}{' ' + _md(f.unit) if f.unit else ''}**"


def brief_markdown(brief: Brief, article: Article | None = None) -> str:
    """One brief as Markdown; every fact is followed by its evidence quote."""
    heading = article.title if article is not None and article.title else brief.article_id
    e = brief.event
    lines = [
        f"### {_md(heading)}",
        "",
        f"**What:** {_md(e.what)} · **When:** {_when(e.date, e.date_text)} · "
        f"**Where:** {_where(e.place)}",
        "",
        _md(brief.summary),
        "",
    ]
    lines += _section(
        "Participants", [_person(p) + _evidence(p.evidence) for p in brief.participants]
    )
    if brief.topics:
        lines += ["**Topics:** " + ", ".join(_md(t.label) for t in brief.topics), ""]
    lines += _section(
        "Commitments", [_commitment(c) + _evidence(c.evidence) for c in brief.commitments]
    )
    lines += _section("Quotes", [_quote(q) for q in brief.quotes])
    lines += _section("Figures", [_figure(f) + _evidence(f.evidence) for f in brief.figures])
    d = brief.diagnostics
    lines.append(
        f"_evidence: {d.spans_exact} exact, {d.spans_normalized} normalised, "
        f"{d.spans_fuzzy} fuzzy; {len(d.dropped)} dropped_"
    )
    return "\n".join(lines) + "\n"


def _single(flag: bool) -> str:
    return " _(single source)_" if flag else ""


def _aka(p: EntityRecord) -> str:
    aliases = [a for a in p.aliases if a != p.name]
    return f"; also {', '.join(_md(a) for a in aliases)}" if aliases else ""


def _names(names: Sequence[str]) -> str:
    return ", ".join(_md(name) for name in names)


def event_markdown(event: EventRecord) -> str:
    """One event record as Markdown, conflicts as tables with their sources."""
    lines = [
        f"## {_md(event.title)}",
        "",
        f"**When:** {_when(event.date, event.date_text)} · "
        f"**Where:** {_where(event.place)} · "
        f"**Sources:** {_names(event.articles)} "
        f"({event.n_sources} independent)",
        "",
        _md(event.summary),
        "",
    ]
    participants = [_person(p) + _aka(p) + _single(p.single_source) for p in event.participants]
    lines += _section("Participants", participants)
    commitments = [_commitment(c) + _single(c.single_source) for c in event.commitments]
    lines += _section("Commitments", commitments)
    lines += _section("Quotes", [_quote(q) for q in event.quotes])
    lines += _section("Figures", [f"{_figure(f)} ({_names(f.sources)})" for f in event.figures])
    for conflict in event.conflicts:
        lines += [
            f"**Conflict ({conflict.kind}): {_md(conflict.subject)}**",
            "",
            "| value | sources | evidence |",
            "| --- | --- | --- |",
        ]
        lines += [
            f"| {_md(v.value)} | {_names(v.sources)} | {_quotes(v.evidence)} |"
            for v in conflict.values
        ]
        lines.append("")
    return "\n".join(lines) + "\n"


def events_markdown(events: Sequence[EventRecord]) -> str:
    """Event records as one Markdown document."""
    head = f"# {len(events)} event{'s' if len(events) != 1 else ''}\n\n"
    return head + "\n".join(event_markdown(event) for event in events)
