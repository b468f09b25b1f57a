"""ONE self-contained HTML file for a run (:func:`report_html`).

Per event its title, date (or the date cue), place, participants with aliases,
commitments, quotes, figures and conflicts side by side; every fact links to its
evidence, highlighted (``<mark>``) in the article text. Each article's text is rendered
once with all its spans marked; a span's anchor is ``id="a-<article_id>-<start>-<end>"``.
Inline CSS, no external URL, one tiny script (it outlines every piece of the span a link
points to).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from summarizer.output.evidence import Context, esc, safe_id
from summarizer.output.html import CSS, SCRIPT, article_section, articles_of, event_body
from summarizer.text import shorten
from summarizer.types import Article, Brief, EventRecord

__all__ = ["report_html"]


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
    ctx = Context()
    used = {a for event in events for a in event.articles} | {b.article_id for b in briefs}
    for article in articles_of(articles):
        if article.id in used:
            ctx.add_article(article)
    for event in events:
        ctx.mark(event)
    by_article = {b.article_id: b for b in briefs}
    for brief in briefs:
        ctx.mark(brief)

    n_articles = len({a for event in events for a in event.articles})
    nav = "".join(f'<a href="#{safe_id(ev.id)}">{esc(shorten(ev.title, 50))}</a>' for ev in events)
    sections = "".join(
        f'<section class="event" id="{safe_id(ev.id)}">{event_body(ctx, ev)}</section>'
        for ev in events
    )
    articles_html = "".join(
        article_section(ctx, article, by_article.get(article_id))
        for article_id, article in ctx.articles.items()
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title>"
        f"<style>body{{margin:24px;background:#f6f8fa}}{CSS}"
        "main.summarizer .text{max-height:none}</style></head>"
        f'<body><main class="summarizer">'
        f"<h1>{esc(title)}</h1>"
        f'<p class="meta">{len(events)} events from {n_articles} articles, '
        f"{len(briefs)} briefs. Highlighted: the evidence of every fact; "
        "click a [n] link to jump to it.</p>"
        f"<nav>{nav}</nav>"
        f'<div id="events">{sections}</div>'
        f'<h1 id="articles">Articles</h1>{articles_html}'
        f"</main><script>{SCRIPT}</script></body></html>\n"
    )
