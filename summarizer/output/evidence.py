"""Evidence in HTML: escaping, span anchors, the spans a rendering marks, links to them
and the article text with every marked span highlighted.

A span's anchor is ``id="a-<article_id>-<start>-<end>"`` (:func:`anchor_id`). Overlapping
spans are rendered by splitting the text at every span boundary into flat segments, so
marks never nest or cross. Everything that comes from an article or from the model goes
through :func:`esc`.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from summarizer.text import shorten
from summarizer.types import Article, Brief, EventRecord, SourceSpan, Span

__all__ = [
    "UNATTRIBUTED",
    "AnySpan",
    "Context",
    "Links",
    "anchor_id",
    "esc",
    "highlighted",
    "safe_id",
]

UNATTRIBUTED = "unattributed"
"""What a view shows for a quotation the article attributes to no one."""

AnySpan = Span | SourceSpan
Links = Callable[[Sequence[AnySpan]], str]
"""Evidence spans -> their links (:meth:`Context.links` for one brief or event)."""


def esc(value: object) -> str:
    """HTML-escaped text (quotes included, so it is safe in attributes too)."""
    return html.escape(str(value), quote=True)


_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_.:-]")


def safe_id(value: str) -> str:
    """``value`` with every character not safe in an id or a URL fragment as ``_<hex>_``."""
    return _ID_UNSAFE.sub(lambda m: f"_{ord(m.group()):x}_", value)


def anchor_id(article_id: str, start: int, end: int) -> str:
    """The HTML id of a span's anchor: ``a-<article_id>-<start>-<end>``.

    Characters of the article id that are not safe in an id or a URL fragment are
    written as ``_<hex>_``.
    """
    return f"a-{safe_id(article_id)}-{start}-{end}"


def _key(article_id: str, span: AnySpan) -> tuple[str, int, int]:
    return (article_id, span.start, span.end)


def _article_of(span: AnySpan, article_id: str) -> str:
    """The id of the article a span is in: a source span's own, else ``article_id``."""
    return span.article_id if isinstance(span, SourceSpan) else article_id


def _facts(record: Brief | EventRecord) -> list[tuple[str, Sequence[AnySpan]]]:
    """(label, evidence) of every fact of a brief or an event record, for marking its spans."""
    facts: list[tuple[str, Sequence[AnySpan]]]
    if isinstance(record, Brief):
        facts = [(f"event: {record.event.what}", record.event.evidence)]
    else:
        facts = [(f"event: {record.title}", record.evidence)]
    facts += [(f"participant: {p.name}", p.evidence) for p in record.participants]
    facts += [(f"mentioned: {m.name}", m.evidence) for m in record.mentioned]
    facts += [(f"topic: {t.label}", t.evidence) for t in record.topics]
    facts += [(f"commitment: {c.actor}: {c.action}", c.evidence) for c in record.commitments]
    facts += [(f"quote: {q.speaker or UNATTRIBUTED}", q.evidence) for q in record.quotes]
    facts += [(f"figure: {f.what}: {f.value}", f.evidence) for f in record.figures]
    if isinstance(record, EventRecord):
        for conflict in record.conflicts:
            for value in conflict.values:
                facts.append((f"conflict: {conflict.subject} = {value.value}", value.evidence))
    return facts


@dataclass
class Context:
    """What a rendering knows: the articles shown (numbered) and the spans marked in them."""

    articles: dict[str, Article] = field(default_factory=dict)
    numbers: dict[str, int] = field(default_factory=dict)
    # (article id, start, end) -> the labels of the facts it supports
    marks: dict[tuple[str, int, int], list[str]] = field(default_factory=dict)

    def add_article(self, article: Article) -> None:
        if article.id not in self.articles:
            self.articles[article.id] = article
            self.numbers[article.id] = len(self.numbers) + 1

    def anchored(self, article_id: str, span: AnySpan) -> bool:
        """Whether the span is in a shown article's text, exactly where it says."""
        article = self.articles.get(article_id)
        return (
            article is not None
            and 0 <= span.start < span.end <= len(article.text)
            and article.text[span.start : span.end] == span.text
        )

    def mark(self, record: Brief | EventRecord) -> None:
        """Mark the evidence of every fact of a brief or an event record (in the shown texts)."""
        brief_article = record.article_id if isinstance(record, Brief) else ""
        for label, spans in _facts(record):
            for span in spans:
                article_id = _article_of(span, brief_article)
                if self.anchored(article_id, span):
                    labels = self.marks.setdefault(_key(article_id, span), [])
                    if label not in labels:
                        labels.append(label)

    def links(self, spans: Iterable[AnySpan], article_id: str = "") -> str:
        """Links to the highlighted spans, or the quoted text where there is none to link to.

        A :class:`SourceSpan` names its article; a :class:`Span` is in ``article_id``'s.
        """
        parts: list[str] = []
        seen: set[tuple[str, int, int]] = set()
        for span in spans:
            aid = _article_of(span, article_id)
            key = _key(aid, span)
            if key in seen:
                continue
            seen.add(key)
            tip = f"{aid} [{span.start}:{span.end}] “{shorten(span.text, 300)}”"
            if span.match != "exact":
                tip += f" ({span.match} match, {span.score:.0f})"
            if self.anchored(aid, span):
                number = self.numbers[aid]
                parts.append(
                    f'<a class="ev" href="#{anchor_id(*key)}" title="{esc(tip)}">[{number}]</a>'
                )
            else:
                parts.append(f'<q class="ev" title="{esc(tip)}">{esc(shorten(span.text, 80))}</q>')
        return f' <span class="evs">{" ".join(parts)}</span>' if parts else ""


def highlighted(ctx: Context, article: Article) -> str:
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
        piece = esc(text[a:b])
        covering = [(se, labels) for se, labels in spans if se[0] <= a and b <= se[1]]
        if not covering:
            out.append(piece)
            continue
        ids = " ".join(anchor_id(article.id, s, e) for (s, e), _ in covering)
        tip = "\n".join(label for _, labels in covering for label in labels)
        depth = min(len(covering), 3)
        out.append(f'<mark class="d{depth}" data-spans="{ids}" title="{esc(tip)}">{piece}</mark>')
    return f'<div class="text">{"".join(out)}</div>'
