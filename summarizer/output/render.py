"""Views for people: Markdown, HTML fragments and one self-contained HTML report.

* :func:`brief_markdown`, :func:`brief_html`: one brief (with its article, the HTML view
  shows the article text with every evidence span highlighted and linked).
* :func:`event_markdown`, :func:`event_html`, :func:`events_markdown`: event records.
* :func:`report_html`: ONE HTML file for a run - per event its title, date (or the date
  cue), place, participants with aliases, commitments, quotes, figures and conflicts side
  by side; every fact links to its evidence, highlighted (``<mark>``) in the article text.
  Each article's text is rendered once with all its spans marked; a span's anchor is
  ``id="a-<article_id>-<start>-<end>"``. Inline CSS, no external URL, one tiny script
  (it outlines every piece of the span a link points to).

Everything that comes from an article or from the model is escaped: a ``<script>`` in an
article or in a participant's name is shown as text, never run. Overlapping spans are
rendered by splitting the text at every span boundary into flat segments, so marks never
nest or cross.

JSON views are :func:`summarizer.events.consolidate.events_json` and ``Brief.model_dump_json``.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from summarizer.text import shorten
from summarizer.types import (
    Article,
    Brief,
    Conflict,
    EventRecord,
    SourceSpan,
    Span,
)

__all__ = [
    "anchor_id",
    "brief_html",
    "brief_markdown",
    "event_html",
    "event_markdown",
    "events_markdown",
    "report_html",
]

_QUOTE_LIMIT = 160

# ---------------------------------------------------------------------------
# Escaping
# ---------------------------------------------------------------------------


def _e(value: object) -> str:
    """HTML-escaped text (quotes included, so it is safe in attributes too)."""
    return html.escape(str(value), quote=True)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~&])")


def _md(value: object) -> str:
    """Inline Markdown text: one line, Markdown and HTML syntax backslash-escaped."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_.:-]")


def _safe_id(value: str) -> str:
    return _ID_UNSAFE.sub(lambda m: f"_{ord(m.group()):x}_", value)


def anchor_id(article_id: str, start: int, end: int) -> str:
    """The HTML id of a span's anchor: ``a-<article_id>-<start>-<end>``.

    Characters of the article id that are not safe in an id or a URL fragment are
    written as ``_<hex>_``.
    """
    return f"a-{_safe_id(article_id)}-{start}-{end}"


# ---------------------------------------------------------------------------
# Facts and their evidence
# ---------------------------------------------------------------------------

_AnySpan = Span | SourceSpan


def _key(article_id: str, span: _AnySpan) -> tuple[str, int, int]:
    return (article_id, span.start, span.end)


@dataclass
class _Context:
    """What a rendering knows: the articles shown (numbered) and the spans marked in them."""

    articles: dict[str, Article] = field(default_factory=dict)
    numbers: dict[str, int] = field(default_factory=dict)
    # (article id, start, end) -> the labels of the facts it supports
    marks: dict[tuple[str, int, int], list[str]] = field(default_factory=dict)

    def add_article(self, article: Article) -> None:
        if article.id not in self.articles:
            self.articles[article.id] = article
            self.numbers[article.id] = len(self.numbers) + 1

    def anchored(self, article_id: str, span: _AnySpan) -> bool:
        """Whether the span is in a shown article's text, exactly where it says."""
        article = self.articles.get(article_id)
        return (
            article is not None
            and 0 <= span.start < span.end <= len(article.text)
            and article.text[span.start : span.end] == span.text
        )

    def mark(self, article_id: str, spans: Iterable[_AnySpan], label: str) -> None:
        for span in spans:
            if self.anchored(article_id, span):
                labels = self.marks.setdefault(_key(article_id, span), [])
                if label not in labels:
                    labels.append(label)

    def evidence(self, spans: Iterable[tuple[str, _AnySpan]]) -> str:
        """Links to the highlighted spans, or the quoted text where there is none to link to."""
        parts: list[str] = []
        seen: set[tuple[str, int, int]] = set()
        for article_id, span in spans:
            key = _key(article_id, span)
            if key in seen:
                continue
            seen.add(key)
            tip = f"{article_id} [{span.start}:{span.end}] “{shorten(span.text, 300)}”"
            if span.match != "exact":
                tip += f" ({span.match} match, {span.score:.0f})"
            if self.anchored(article_id, span):
                number = self.numbers[article_id]
                parts.append(
                    f'<a class="ev" href="#{anchor_id(*key)}" title="{_e(tip)}">[{number}]</a>'
                )
            else:
                parts.append(f'<q class="ev" title="{_e(tip)}">{_e(shorten(span.text, 80))}</q>')
        return f' <span class="evs">{" ".join(parts)}</span>' if parts else ""


def _brief_facts(brief: Brief) -> list[tuple[str, list[Span]]]:
    """(label, evidence) of every fact in a brief, for marking its spans."""
    facts: list[tuple[str, list[Span]]] = [(f"event: {brief.event.what}", brief.event.evidence)]
    facts += [(f"participant: {p.name}", p.evidence) for p in brief.participants]
    facts += [(f"mentioned: {m.name}", m.evidence) for m in brief.mentioned]
    facts += [(f"topic: {t.label}", t.evidence) for t in brief.topics]
    facts += [(f"commitment: {c.actor}: {c.action}", c.evidence) for c in brief.commitments]
    facts += [(f"quote: {q.speaker}", q.evidence) for q in brief.quotes]
    facts += [(f"figure: {f.what}: {f.value}", f.evidence) for f in brief.figures]
    return facts


def _event_facts(event: EventRecord) -> list[tuple[str, list[SourceSpan]]]:
    facts: list[tuple[str, list[SourceSpan]]] = [(f"event: {event.title}", event.evidence)]
    facts += [(f"participant: {p.name}", p.evidence) for p in event.participants]
    facts += [(f"mentioned: {m.name}", m.evidence) for m in event.mentioned]
    facts += [(f"topic: {t.label}", t.evidence) for t in event.topics]
    facts += [(f"commitment: {c.actor}: {c.action}", c.evidence) for c in event.commitments]
    facts += [(f"quote: {q.speaker}", q.evidence) for q in event.quotes]
    facts += [(f"figure: {f.what}: {f.value}", f.evidence) for f in event.figures]
    for conflict in event.conflicts:
        for value in conflict.values:
            facts.append((f"conflict: {conflict.subject} = {value.value}", value.evidence))
    return facts


def _mark_event(ctx: _Context, event: EventRecord) -> None:
    for label, spans in _event_facts(event):
        for span in spans:
            ctx.mark(span.article_id, [span], label)


def _mark_brief(ctx: _Context, brief: Brief) -> None:
    for label, spans in _brief_facts(brief):
        ctx.mark(brief.article_id, spans, label)


# ---------------------------------------------------------------------------
# Article text with highlighted spans
# ---------------------------------------------------------------------------


def _highlighted(ctx: _Context, article: Article) -> str:
    """The article text, escaped, with every marked span highlighted.

    The text is cut at every span boundary; each piece is one flat ``<mark>`` listing
    the spans that cover it (``data-spans``), so overlapping and nested spans never
    produce crossing tags. Each span's anchor is an empty element where it starts.
    """
    text = article.text
    spans = sorted(
        ((start, end), labels)
        for (aid, start, end), labels in ctx.marks.items()
        if aid == article.id
    )
    bounds = sorted({0, len(text), *(s for (s, _), _ in spans), *(e for (_, e), _ in spans)})
    starting: dict[int, list[tuple[int, int]]] = {}
    for (start, end), _ in spans:
        starting.setdefault(start, []).append((start, end))
    out: list[str] = []
    for a, b in itertools.pairwise(bounds):
        for start, end in starting.get(a, []):
            out.append(f'<span class="anchor" id="{anchor_id(article.id, start, end)}"></span>')
        piece = _e(text[a:b])
        covering = [(se, labels) for se, labels in spans if se[0] <= a and b <= se[1]]
        if not covering:
            out.append(piece)
            continue
        ids = " ".join(anchor_id(article.id, s, e) for (s, e), _ in covering)
        tip = "\n".join(label for _, labels in covering for label in labels)
        depth = min(len(covering), 3)
        out.append(f'<mark class="d{depth}" data-spans="{ids}" title="{_e(tip)}">{piece}</mark>')
    return f'<div class="text">{"".join(out)}</div>'


# ---------------------------------------------------------------------------
# HTML pieces
# ---------------------------------------------------------------------------

_CSS = """
.summarizer{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;
  max-width:1100px}
.summarizer h1{font-size:1.6em;margin:.2em 0 .6em}
.summarizer h2{font-size:1.3em;margin:0 0 .3em}
.summarizer h3{font-size:1em;margin:1em 0 .3em;color:#57606a;text-transform:uppercase;
  letter-spacing:.04em}
.summarizer section.event,.summarizer section.article,.summarizer .card{border:1px solid #d0d7de;
  border-radius:8px;padding:14px 18px;margin:0 0 18px;background:#fff}
.summarizer .meta{color:#57606a;margin:.2em 0 .6em}
.summarizer .meta b{color:#1f2328}
.summarizer ul{margin:.2em 0;padding-left:1.3em}
.summarizer .aka,.summarizer .sub{color:#57606a;font-size:.92em}
.summarizer .badge{display:inline-block;font-size:.75em;padding:0 .5em;border-radius:1em;
  background:#fff8c5;border:1px solid #d4a72c;color:#7d4e00;margin-left:.3em}
.summarizer .status{font-size:.8em;padding:0 .45em;border-radius:1em;background:#ddf4ff;
  border:1px solid #54aeff;margin-right:.3em}
.summarizer .chip{display:inline-block;padding:0 .6em;margin:0 .3em .3em 0;border-radius:1em;
  background:#f6f8fa;border:1px solid #d0d7de}
.summarizer a.ev{font-size:.8em;text-decoration:none;color:#0969da;vertical-align:super}
.summarizer q.ev{font-size:.85em;color:#57606a}
.summarizer blockquote{margin:.4em 0;padding:.1em .8em;border-left:3px solid #d0d7de}
.summarizer table{border-collapse:collapse;margin:.4em 0}
.summarizer th,.summarizer td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;
  vertical-align:top}
.summarizer th{background:#f6f8fa}
.summarizer table.conflict{width:100%;table-layout:fixed}
.summarizer table.conflict caption{text-align:left;font-weight:600;padding:2px 0}
.summarizer .text{white-space:pre-wrap;font-family:Georgia,serif;font-size:.95em;
  background:#fcfcfc;border:1px solid #eaeef2;border-radius:6px;padding:10px 14px;
  max-height:32em;overflow:auto}
.summarizer mark{background:#fff1a8;padding:0;border-radius:2px}
.summarizer mark.d2{background:#ffd86b}
.summarizer mark.d3{background:#ffbf3f}
.summarizer mark.hit,.summarizer .anchor:target+mark{outline:2px solid #cf222e;
  background:#ffc2c2}
.summarizer .none{color:#8c959f;font-style:italic}
.summarizer nav a{margin-right:.8em}
"""

_SCRIPT = (
    "function hit(){var id=decodeURIComponent(location.hash.slice(1));"
    "document.querySelectorAll('mark').forEach(function(m){"
    "m.classList.toggle('hit',!!id&&(m.dataset.spans||'').split(' ').indexOf(id)>=0)})}"
    "addEventListener('hashchange',hit);hit();"
)


def _when(date: object, date_text: str | None) -> str:
    if date is not None and date_text:
        return f"{_e(date)} <span class=sub>(“{_e(date_text)}”)</span>"
    if date is not None:
        return _e(date)
    if date_text:
        return f"“{_e(date_text)}” <span class=sub>(as written; no calendar date)</span>"
    return '<span class="none">not stated</span>'


def _where(place: str | None) -> str:
    return _e(place) if place else '<span class="none">not stated</span>'


def _sources(sources: Sequence[str], n_sources: int, single: bool) -> str:
    badge = ' <span class="badge">single source</span>' if single else ""
    if len(sources) > 1 and n_sources < len(sources):
        badge += f' <span class="sub">({n_sources} independent)</span>'
    return badge


def _list(items: list[str], empty: str | None = None) -> str:
    if not items:
        return f'<p class="none">{empty}</p>' if empty else ""
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def _who(role: str | None, organisation: str | None, country: str | None) -> str:
    bits = [b for b in (role, organisation, country) if b]
    return f' <span class="sub">— {_e(", ".join(bits))}</span>' if bits else ""


def _conflict_html(ctx: _Context, conflict: Conflict) -> str:
    heads = "".join(f"<th>{_e(v.value)}</th>" for v in conflict.values)
    cells = []
    for value in conflict.values:
        names = ", ".join(
            f"[{ctx.numbers[s]}] {_e(s)}" if s in ctx.numbers else _e(s) for s in value.sources
        )
        quotes = "".join(
            f"<blockquote>{_e(shorten(span.text, _QUOTE_LIMIT))}"
            f"{ctx.evidence([(span.article_id, span)])}</blockquote>"
            for span in value.evidence
        )
        cells.append(f'<td><div class="sub">{names}</div>{quotes}</td>')
    return (
        f'<table class="conflict"><caption>{_e(conflict.kind)}: {_e(conflict.subject)}</caption>'
        f"<thead><tr>{heads}</tr></thead><tbody><tr>{''.join(cells)}</tr></tbody></table>"
    )


def _event_body(ctx: _Context, event: EventRecord) -> str:
    def ev(spans: Iterable[SourceSpan]) -> str:
        return ctx.evidence((s.article_id, s) for s in spans)

    sources = ", ".join(
        f'<a href="#art-{ctx.numbers[a]}">[{ctx.numbers[a]}] {_e(a)}</a>'
        if a in ctx.numbers
        else _e(a)
        for a in event.articles
    )
    parts = [
        f'<h2>{_e(event.title)}<span class="sub"> · {_e(event.id)} v{event.version}</span></h2>',
        f'<p class="meta"><b>When:</b> {_when(event.date, event.date_text)} · '
        f"<b>Where:</b> {_where(event.place)} · <b>Sources:</b> {sources} "
        f'<span class="sub">({event.n_sources} independent)</span></p>',
        f"<p>{_e(event.summary)}{ev(event.evidence)}</p>",
    ]

    def aka(name: str, aliases: list[str]) -> str:
        others = [a for a in aliases if a != name]
        return f' <span class="aka">· also: {_e(", ".join(others))}</span>' if others else ""

    participants = [
        f"<b>{_e(p.name)}</b>{_who(p.role, p.organisation, p.country)}"
        + aka(p.name, p.aliases)
        + _sources(p.sources, p.n_sources, p.single_source)
        + ev(p.evidence)
        for p in event.participants
    ]
    parts += ["<h3>Participants</h3>", _list(participants, "none grounded")]
    if event.mentioned:
        mentioned = ", ".join(f"{_e(m.name)}{ev(m.evidence)}" for m in event.mentioned)
        parts.append(f'<p class="sub"><b>Also mentioned:</b> {mentioned}</p>')
    if event.topics:
        chips = "".join(
            f'<span class="chip">{_e(t.label)}{ev(t.evidence)}</span>' for t in event.topics
        )
        parts += ["<h3>Topics</h3>", f"<div>{chips}</div>"]
    commitments = [
        f'<span class="status">{_e(c.status)}</span><b>{_e(c.actor)}</b>: {_e(c.action)}'
        + (f' <span class="sub">→ {_e(c.counterpart)}</span>' if c.counterpart else "")
        + _sources(c.sources, c.n_sources, c.single_source)
        + ev(c.evidence)
        for c in event.commitments
    ]
    parts += ["<h3>Commitments</h3>", _list(commitments, "none")]
    if event.quotes:
        parts.append("<h3>Quotes</h3>")
        parts += [
            f"<blockquote>“{_e(q.text)}” — <b>{_e(q.speaker)}</b>"
            f"{_sources(q.sources, q.n_sources, q.single_source)}{ev(q.evidence)}"
            "</blockquote>"
            for q in event.quotes
        ]
    if event.figures:
        rows = "".join(
            f"<tr><td>{_e(f.what)}</td><td>{_e(f.value)}{' ' + _e(f.unit) if f.unit else ''}"
            f"</td><td>{_sources(f.sources, f.n_sources, f.single_source)}"
            f"{ev(f.evidence)}</td></tr>"
            for f in event.figures
        )
        parts += [
            "<h3>Figures</h3>",
            f"<table><thead><tr><th>what</th><th>value</th><th>evidence</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>",
        ]
    if event.conflicts:
        parts.append(
            "<h3>Conflicts <span class=sub>(sources disagree; kept side by side)</span></h3>"
        )
        parts += [_conflict_html(ctx, c) for c in event.conflicts]
    return "".join(parts)


def _brief_body(ctx: _Context, brief: Brief) -> str:
    def ev(spans: Iterable[Span]) -> str:
        return ctx.evidence((brief.article_id, s) for s in spans)

    article = ctx.articles.get(brief.article_id)
    heading = article.title if article is not None and article.title else brief.article_id
    e = brief.event
    parts = [
        f"<h2>{_e(heading)}</h2>",
        f'<p class="meta"><b>What:</b> {_e(e.what)}{ev(e.evidence)} · '
        f"<b>When:</b> {_when(e.date, e.date_text)} · <b>Where:</b> {_where(e.place)}</p>",
        f"<p>{_e(brief.summary)}</p>",
    ]
    participants = [
        f"<b>{_e(p.name)}</b>{_who(p.role, p.organisation, p.country)}{ev(p.evidence)}"
        for p in brief.participants
    ]
    parts += ["<h3>Participants</h3>", _list(participants, "none grounded")]
    if brief.mentioned:
        mentioned = ", ".join(f"{_e(m.name)}{ev(m.evidence)}" for m in brief.mentioned)
        parts.append(f'<p class="sub"><b>Also mentioned:</b> {mentioned}</p>')
    if brief.topics:
        chips = "".join(
            f'<span class="chip">{_e(t.label)}{ev(t.evidence)}</span>' for t in brief.topics
        )
        parts += ["<h3>Topics</h3>", f"<div>{chips}</div>"]
    commitments = [
        f'<span class="status">{_e(c.status)}</span><b>{_e(c.actor)}</b>: {_e(c.action)}'
        + (f' <span class="sub">→ {_e(c.counterpart)}</span>' if c.counterpart else "")
        + ev(c.evidence)
        for c in brief.commitments
    ]
    if commitments:
        parts += ["<h3>Commitments</h3>", _list(commitments)]
    if brief.quotes:
        parts.append("<h3>Quotes</h3>")
        parts += [
            f"<blockquote>“{_e(q.text)}” — <b>{_e(q.speaker)}</b>{ev(q.evidence)}</blockquote>"
            for q in brief.quotes
        ]
    if brief.figures:
        figures = [
            f"{_e(f.what)}: <b>{_e(f.value)}{' ' + _e(f.unit) if f.unit else ''}</b>"
            f"{ev(f.evidence)}"
            for f in brief.figures
        ]
        parts += ["<h3>Figures</h3>", _list(figures)]
    d = brief.diagnostics
    dropped = ""
    if d.dropped:
        reasons = ", ".join(
            f"{_e(item.kind)} “{_e(shorten(item.label, 60))}” ({_e(item.reason)})"
            for item in d.dropped
        )
        dropped = f" · dropped {len(d.dropped)}: {reasons}"
    parts.append(
        f'<p class="sub">evidence: {d.spans_exact} exact, {d.spans_normalized} normalised, '
        f"{d.spans_fuzzy} fuzzy{dropped} · {_e(brief.meta.model)}, "
        f"{brief.meta.usage.total_tokens} tokens</p>"
    )
    return "".join(parts)


def _articles_of(
    articles: Iterable[Article] | Mapping[str, Article] | None,
) -> list[Article]:
    if articles is None:
        return []
    if isinstance(articles, Mapping):
        return list(articles.values())
    return list(articles)


def _fragment(body: str) -> str:
    return f'<div class="summarizer"><style>{_CSS}</style>{body}</div>'


# ---------------------------------------------------------------------------
# Public renderers
# ---------------------------------------------------------------------------


def brief_html(brief: Brief, article: Article | None = None) -> str:
    """One brief as an HTML fragment (inline style); with ``article``, its text follows with
    every evidence span highlighted, and each fact links to its span."""
    ctx = _Context()
    if article is not None:
        ctx.add_article(article)
        _mark_brief(ctx, brief)
    body = f'<div class="card">{_brief_body(ctx, brief)}'
    if article is not None:
        body += _highlighted(ctx, article)
    return _fragment(body + "</div>")


def event_html(
    event: EventRecord, articles: Iterable[Article] | Mapping[str, Article] | None = None
) -> str:
    """One event record as an HTML fragment; with ``articles``, their texts follow with the
    record's evidence highlighted and linked."""
    ctx = _Context()
    shown = [a for a in _articles_of(articles) if a.id in event.articles]
    for article in shown:
        ctx.add_article(article)
    _mark_event(ctx, event)
    body = f'<section class="event">{_event_body(ctx, event)}</section>'
    body += "".join(_article_section(ctx, a, None) for a in shown)
    return _fragment(body)


def _article_section(ctx: _Context, article: Article, brief: Brief | None) -> str:
    n = ctx.numbers[article.id]
    title = f"{article.title} · {article.id}" if article.title else article.id
    meta = [m for m in (article.source, str(article.published or "") or None) if m]
    parts = [
        f'<section class="article" id="art-{n}"><h2>[{n}] {_e(title)}</h2>',
    ]
    if meta or article.url:
        link = f" · {_e(article.url)}" if article.url else ""
        parts.append(f'<p class="meta">{_e(" · ".join(meta))}{link}</p>')
    if brief is not None:
        parts.append(f'<p class="sub"><b>Brief:</b> {_e(brief.summary)}</p>')
    parts.append(_highlighted(ctx, article))
    parts.append("</section>")
    return "".join(parts)


def report_html(
    events: Sequence[EventRecord],
    briefs: Sequence[Brief],
    articles: Iterable[Article] | Mapping[str, Article],
    *,
    title: str = "summarizer report",
) -> str:
    """One self-contained HTML file: every event with its facts, each linked to its evidence,
    then every article's text once, with all its evidence spans highlighted.

    Articles are numbered in the order given (those no event or brief refers to are left
    out); a fact whose span is not in the given texts shows its quote instead of a link.
    """
    ctx = _Context()
    used = {a for event in events for a in event.articles} | {b.article_id for b in briefs}
    for article in _articles_of(articles):
        if article.id in used:
            ctx.add_article(article)
    for event in events:
        _mark_event(ctx, event)
    by_article = {b.article_id: b for b in briefs}
    for brief in briefs:
        _mark_brief(ctx, brief)

    n_articles = len({a for event in events for a in event.articles})
    nav = "".join(f'<a href="#{_safe_id(ev.id)}">{_e(shorten(ev.title, 50))}</a>' for ev in events)
    sections = "".join(
        f'<section class="event" id="{_safe_id(ev.id)}">{_event_body(ctx, ev)}</section>'
        for ev in events
    )
    articles_html = "".join(
        _article_section(ctx, article, by_article.get(article_id))
        for article_id, article in ctx.articles.items()
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title>"
        f"<style>body{{margin:24px;background:#f6f8fa}}{_CSS}"
        "main.summarizer .text{max-height:none}</style></head>"
        f'<body><main class="summarizer">'
        f"<h1>{_e(title)}</h1>"
        f'<p class="meta">{len(events)} events from {n_articles} articles, '
        f"{len(briefs)} briefs. Highlighted: the evidence of every fact; "
        "click a [n] link to jump to it.</p>"
        f"<nav>{nav}</nav>"
        f'<div id="events">{sections}</div>'
        f'<h1 id="articles">Articles</h1>{articles_html}'
        f"</main><script>{_SCRIPT}</script></body></html>\n"
    )


# ---------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------


def _md_when(date: object, date_text: str | None) -> str:
    if date is not None and date_text:
        return f"{date} (“{_md(date_text)}”)"
    if date is not None:
        return str(date)
    if date_text:
        return f"“{_md(date_text)}” (as written)"
    return "not stated"


def _md_ev(spans: Iterable[_AnySpan]) -> str:
    quotes = [f"“{_md(shorten(s.text, 100))}”" for s in spans]
    return f" — {'; '.join(quotes)}" if quotes else ""


def _md_who(role: str | None, organisation: str | None, country: str | None) -> str:
    bits = [b for b in (role, organisation, country) if b]
    return f" ({_md(', '.join(bits))})" if bits else ""


def brief_markdown(brief: Brief, article: Article | None = None) -> str:
    """One brief as Markdown; every fact is followed by its evidence quote."""
    heading = article.title if article is not None and article.title else brief.article_id
    e = brief.event
    lines = [
        f"### {_md(heading)}",
        "",
        f"**What:** {_md(e.what)} · **When:** {_md_when(e.date, e.date_text)} · "
        f"**Where:** {_md(e.place) if e.place else 'not stated'}",
        "",
        _md(brief.summary),
        "",
    ]
    if brief.participants:
        lines.append("**Participants**")
        lines += [
            f"- **{_md(p.name)}**{_md_who(p.role, p.organisation, p.country)}{_md_ev(p.evidence)}"
            for p in brief.participants
        ]
        lines.append("")
    if brief.topics:
        lines += ["**Topics:** " + ", ".join(_md(t.label) for t in brief.topics), ""]
    if brief.commitments:
        lines.append("**Commitments**")
        lines += [
            f"- **{_md(c.actor)}** _{c.status}_: {_md(c.action)}"
            + (f" → {_md(c.counterpart)}" if c.counterpart else "")
            + _md_ev(c.evidence)
            for c in brief.commitments
        ]
        lines.append("")
    if brief.quotes:
        lines.append("**Quotes**")
        lines += [f"> “{_md(q.text)}” — **{_md(q.speaker)}**  " for q in brief.quotes]
        lines.append("")
    if brief.figures:
        lines.append("**Figures**")
        lines += [
            f"- {_md(f.what)}: **{_md(f.value)}{' ' + _md(f.unit) if f.unit else ''}**"
            f"{_md_ev(f.evidence)}"
            for f in brief.figures
        ]
        lines.append("")
    d = brief.diagnostics
    lines.append(
        f"_evidence: {d.spans_exact} exact, {d.spans_normalized} normalised, "
        f"{d.spans_fuzzy} fuzzy; {len(d.dropped)} dropped_"
    )
    return "\n".join(lines) + "\n"


def event_markdown(event: EventRecord) -> str:
    """One event record as Markdown, conflicts as tables with their sources."""
    lines = [
        f"## {_md(event.title)}",
        "",
        f"**When:** {_md_when(event.date, event.date_text)} · "
        f"**Where:** {_md(event.place) if event.place else 'not stated'} · "
        f"**Sources:** {', '.join(_md(a) for a in event.articles)} "
        f"({event.n_sources} independent)",
        "",
        _md(event.summary),
        "",
    ]

    def single(flag: bool) -> str:
        return " _(single source)_" if flag else ""

    if event.participants:
        lines.append("**Participants**")
        for p in event.participants:
            aliases = [a for a in p.aliases if a != p.name]
            aka = f"; also {', '.join(_md(a) for a in aliases)}" if aliases else ""
            lines.append(
                f"- **{_md(p.name)}**{_md_who(p.role, p.organisation, p.country)}{aka}"
                f"{single(p.single_source)}"
            )
        lines.append("")
    if event.commitments:
        lines.append("**Commitments**")
        lines += [
            f"- **{_md(c.actor)}** _{c.status}_: {_md(c.action)}"
            + (f" → {_md(c.counterpart)}" if c.counterpart else "")
            + single(c.single_source)
            for c in event.commitments
        ]
        lines.append("")
    if event.quotes:
        lines.append("**Quotes**")
        lines += [f"> “{_md(q.text)}” — **{_md(q.speaker)}**  " for q in event.quotes]
        lines.append("")
    if event.figures:
        lines.append("**Figures**")
        lines += [
            f"- {_md(f.what)}: **{_md(f.value)}{' ' + _md(f.unit) if f.unit else ''}** "
            f"({', '.join(_md(s) for s in f.sources)})"
            for f in event.figures
        ]
        lines.append("")
    for conflict in event.conflicts:
        lines += [
            f"**Conflict ({conflict.kind}): {_md(conflict.subject)}**",
            "",
            "| value | sources | evidence |",
            "| --- | --- | --- |",
        ]
        lines += [
            f"| {_md(v.value)} | {', '.join(_md(s) for s in v.sources)} | "
            f"{'; '.join('“' + _md(shorten(s.text, 100)) + '”' for s in v.evidence)} |"
            for v in conflict.values
        ]
        lines.append("")
    return "\n".join(lines) + "\n"


def events_markdown(events: Sequence[EventRecord]) -> str:
    """Event records as one Markdown document."""
    head = f"# {len(events)} event{'s' if len(events) != 1 else ''}\n\n"
    return head + "\n".join(event_markdown(event) for event in events)
