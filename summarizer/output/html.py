"""HTML fragments: one brief (:func:`brief_html`) or one event record (:func:`event_html`),
each with inline style; with its article(s), the text follows with every evidence span
highlighted and each fact linking to its span.

The pieces the report reuses are public here: :data:`CSS`, :data:`SCRIPT`,
:func:`event_body`, :func:`article_section` and :func:`articles_of`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from summarizer.output.evidence import UNATTRIBUTED, AnySpan, Context, Links, esc, highlighted
from summarizer.text import shorten
from summarizer.types import (
    Article,
    Brief,
    Commitment,
    CommitmentRecord,
    Conflict,
    EntityRecord,
    EventRecord,
    Figure,
    FigureRecord,
    Mention,
    Participant,
    Quote,
    QuoteRecord,
    Topic,
    TopicRecord,
)

__all__ = ["brief_html", "event_html"]

_QUOTE_LIMIT = 160

CSS = """
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

SCRIPT = (
    "function hit(){var id=decodeURIComponent(location.hash.slice(1));"
    "document.querySelectorAll('mark').forEach(function(m){"
    "m.classList.toggle('hit',!!id&&(m.dataset.spans||'').split(' ').indexOf(id)>=0)})}"
    "addEventListener('hashchange',hit);hit();"
)

# ---------------------------------------------------------------------------
# Pieces shared by briefs and event records
# ---------------------------------------------------------------------------


def _when(date: object, date_text: str | None) -> str:
    if date is not None and date_text:
        return f"{esc(date)} <span class=sub>(“{esc(date_text)}”)</span>"
    if date is not None:
        return esc(date)
    if date_text:
        return f"“{esc(date_text)}” <span class=sub>(as written; no calendar date)</span>"
    return '<span class="none">not stated</span>'


def _where(place: str | None) -> str:
    return esc(place) if place else '<span class="none">not stated</span>'


def _sources(sources: Sequence[str], n_sources: int, single: bool) -> str:
    badge = ' <span class="badge">single source</span>' if single else ""
    if len(sources) > 1 and n_sources < len(sources):
        badge += f' <span class="sub">({n_sources} independent)</span>'
    return badge


def _list(items: list[str], empty: str | None = None) -> str:
    if not items:
        return f'<p class="none">{empty}</p>' if empty else ""
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def _person(p: Participant | EntityRecord) -> str:
    """The name in bold, then role, organisation and country."""
    bits = [b for b in (p.role, p.organisation, p.country) if b]
    who = f' <span class="sub">— {esc(", ".join(bits))}</span>' if bits else ""
    return f"<b>{esc(p.name)}</b>{who}"


def _commitment(c: Commitment | CommitmentRecord) -> str:
    counterpart = f' <span class="sub">→ {esc(c.counterpart)}</span>' if c.counterpart else ""
    status = f'<span class="status">{esc(c.status)}</span>'
    return f"{status}<b>{esc(c.actor)}</b>: {esc(c.action)}{counterpart}"


def _quote(q: Quote | QuoteRecord, after: str) -> str:
    speaker = esc(q.speaker or UNATTRIBUTED)
    return f"<blockquote>“{esc(q.text)}” — <b>{speaker}</b>{after}</blockquote>"


def _amount(f: Figure | FigureRecord) -> str:
    return f"{esc(f.value)}{' ' + esc(f.unit) if f.unit else ''}"


def _mentioned(mentioned: Sequence[Mention | EntityRecord], ev: Links) -> list[str]:
    if not mentioned:
        return []
    names = ", ".join(f"{esc(m.name)}{ev(m.evidence)}" for m in mentioned)
    return [f'<p class="sub"><b>Also mentioned:</b> {names}</p>']


def _topics(topics: Sequence[Topic | TopicRecord], ev: Links) -> list[str]:
    if not topics:
        return []
    chips = "".join(f'<span class="chip">{esc(t.label)}{ev(t.evidence)}</span>' for t in topics)
    return ["<h3>Topics</h3>", f"<div>{chips}</div>"]


# ---------------------------------------------------------------------------
# Event records
# ---------------------------------------------------------------------------


def _aka(name: str, aliases: list[str]) -> str:
    others = [a for a in aliases if a != name]
    return f' <span class="aka">· also: {esc(", ".join(others))}</span>' if others else ""


def _conflict_html(ctx: Context, conflict: Conflict) -> str:
    heads = "".join(f"<th>{esc(v.value)}</th>" for v in conflict.values)
    cells = []
    for value in conflict.values:
        names = ", ".join(
            f"[{ctx.numbers[s]}] {esc(s)}" if s in ctx.numbers else esc(s) for s in value.sources
        )
        quotes = "".join(
            f"<blockquote>{esc(shorten(span.text, _QUOTE_LIMIT))}{ctx.links([span])}</blockquote>"
            for span in value.evidence
        )
        cells.append(f'<td><div class="sub">{names}</div>{quotes}</td>')
    return (
        f'<table class="conflict"><caption>{esc(conflict.kind)}: {esc(conflict.subject)}</caption>'
        f"<thead><tr>{heads}</tr></thead><tbody><tr>{''.join(cells)}</tr></tbody></table>"
    )


def _figures_table(figures: Sequence[FigureRecord], ev: Links) -> list[str]:
    if not figures:
        return []
    rows = "".join(
        f"<tr><td>{esc(f.what)}</td><td>{_amount(f)}"
        f"</td><td>{_sources(f.sources, f.n_sources, f.single_source)}"
        f"{ev(f.evidence)}</td></tr>"
        for f in figures
    )
    return [
        "<h3>Figures</h3>",
        f"<table><thead><tr><th>what</th><th>value</th><th>evidence</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>",
    ]


def event_body(ctx: Context, event: EventRecord) -> str:
    """An event record's facts, each linking to its evidence (for a ``<section>``)."""
    ev: Links = ctx.links
    sources = ", ".join(
        f'<a href="#art-{ctx.numbers[a]}">[{ctx.numbers[a]}] {esc(a)}</a>'
        if a in ctx.numbers
        else esc(a)
        for a in event.articles
    )
    parts = [
        f'<h2>{esc(event.title)}<span class="sub"> · {esc(event.id)} v{event.version}</span></h2>',
        f'<p class="meta"><b>When:</b> {_when(event.date, event.date_text)} · '
        f"<b>Where:</b> {_where(event.place)} · <b>Sources:</b> {sources} "
        f'<span class="sub">({event.n_sources} independent)</span></p>',
        f"<p>{esc(event.summary)}{ev(event.evidence)}</p>",
    ]
    participants = [
        _person(p)
        + _aka(p.name, p.aliases)
        + _sources(p.sources, p.n_sources, p.single_source)
        + ev(p.evidence)
        for p in event.participants
    ]
    parts += ["<h3>Participants</h3>", _list(participants, "none grounded")]
    parts += _mentioned(event.mentioned, ev)
    parts += _topics(event.topics, ev)
    commitments = [
        _commitment(c) + _sources(c.sources, c.n_sources, c.single_source) + ev(c.evidence)
        for c in event.commitments
    ]
    parts += ["<h3>Commitments</h3>", _list(commitments, "none")]
    if event.quotes:
        parts.append("<h3>Quotes</h3>")
        parts += [
            _quote(q, _sources(q.sources, q.n_sources, q.single_source) + ev(q.evidence))
            for q in event.quotes
        ]
    parts += _figures_table(event.figures, ev)
    if event.conflicts:
        parts.append(
            "<h3>Conflicts <span class=sub>(sources disagree; kept side by side)</span></h3>"
        )
        parts += [_conflict_html(ctx, c) for c in event.conflicts]
    return "".join(parts)


# ---------------------------------------------------------------------------
# Briefs
# ---------------------------------------------------------------------------


def _diagnostics(brief: Brief) -> str:
    d = brief.diagnostics
    dropped = ""
    if d.dropped:
        reasons = ", ".join(
            f"{esc(item.kind)} “{esc(shorten(item.label, 60))}” ({esc(item.reason)})"
            for item in d.dropped
        )
        dropped = f" · dropped {len(d.dropped)}: {reasons}"
    return (
        f'<p class="sub">evidence: {d.spans_exact} exact, {d.spans_normalized} normalised, '
        f"{d.spans_fuzzy} fuzzy{dropped} · {esc(brief.meta.model)}, "
        f"{brief.meta.usage.total_tokens} tokens</p>"
    )


def _brief_body(ctx: Context, brief: Brief) -> str:
    def ev(spans: Sequence[AnySpan]) -> str:
        return ctx.links(spans, brief.article_id)

    article = ctx.articles.get(brief.article_id)
    heading = article.title if article is not None and article.title else brief.article_id
    e = brief.event
    parts = [
        f"<h2>{esc(heading)}</h2>",
        f'<p class="meta"><b>What:</b> {esc(e.what)}{ev(e.evidence)} · '
        f"<b>When:</b> {_when(e.date, e.date_text)} · <b>Where:</b> {_where(e.place)}</p>",
        f"<p>{esc(brief.summary)}</p>",
    ]
    participants = [_person(p) + ev(p.evidence) for p in brief.participants]
    parts += ["<h3>Participants</h3>", _list(participants, "none grounded")]
    parts += _mentioned(brief.mentioned, ev)
    parts += _topics(brief.topics, ev)
    commitments = [_commitment(c) + ev(c.evidence) for c in brief.commitments]
    if commitments:
        parts += ["<h3>Commitments</h3>", _list(commitments)]
    if brief.quotes:
        parts.append("<h3>Quotes</h3>")
        parts += [_quote(q, ev(q.evidence)) for q in brief.quotes]
    if brief.figures:
        figures = [f"{esc(f.what)}: <b>{_amount(f)}</b>{ev(f.evidence)}" for f in brief.figures]
        parts += ["<h3>Figures</h3>", _list(figures)]
    parts.append(_diagnostics(brief))
    return "".join(parts)


# ---------------------------------------------------------------------------
# Articles and fragments
# ---------------------------------------------------------------------------


def articles_of(articles: Iterable[Article] | Mapping[str, Article] | None) -> list[Article]:
    """The articles given as an iterable or a mapping by id (none for ``None``)."""
    if articles is None:
        return []
    if isinstance(articles, Mapping):
        return list(articles.values())
    return list(articles)


def article_section(ctx: Context, article: Article, brief: Brief | None) -> str:
    """A shown article: its number, title and source, its brief's summary, its marked text."""
    n = ctx.numbers[article.id]
    title = f"{article.title} · {article.id}" if article.title else article.id
    meta = [m for m in (article.source, str(article.published or "") or None) if m]
    parts = [
        f'<section class="article" id="art-{n}"><h2>[{n}] {esc(title)}</h2>',
    ]
    if meta or article.url:
        link = f" · {esc(article.url)}" if article.url else ""
        parts.append(f'<p class="meta">{esc(" · ".join(meta))}{link}</p>')
    if brief is not None:
        parts.append(f'<p class="sub"><b>Brief:</b> {esc(brief.summary)}</p>')
    parts.append(highlighted(ctx, article))
    parts.append("</section>")
    return "".join(parts)


def _fragment(body: str) -> str:
    return f'<div class="summarizer"><style>{CSS}</style>{body}</div>'


def brief_html(brief: Brief, article: Article | None = None) -> str:
    """One brief as an HTML fragment (inline style); with ``article``, its text follows with
    every evidence span highlighted, and each fact links to its span."""
    ctx = Context()
    if article is not None:
        ctx.add_article(article)
        ctx.mark(brief)
    body = f'<div class="card">{_brief_body(ctx, brief)}'
    if article is not None:
        body += highlighted(ctx, article)
    return _fragment(body + "</div>")


def event_html(
    event: EventRecord, articles: Iterable[Article] | Mapping[str, Article] | None = None
) -> str:
    """One event record as an HTML fragment; with ``articles``, their texts follow with the
    record's evidence highlighted and linked."""
    ctx = Context()
    shown = [a for a in articles_of(articles) if a.id in event.articles]
    for article in shown:
        ctx.add_article(article)
    ctx.mark(event)
    body = f'<section class="event">{event_body(ctx, event)}</section>'
    body += "".join(article_section(ctx, a, None) for a in shown)
    return _fragment(body)
