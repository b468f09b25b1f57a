"""Renderers: escaping, highlight offsets, overlapping spans, conflicts side by side."""

from __future__ import annotations

import html
from html.parser import HTMLParser

import pytest

from summarizer import (
    Article,
    Brief,
    BriefMeta,
    Conflict,
    ConflictValue,
    EntityRecord,
    EventInfo,
    EventRecord,
    Participant,
    Quote,
    SourceSpan,
    Span,
    Usage,
    anchor_id,
    brief_html,
    brief_markdown,
    event_html,
    event_markdown,
    events_markdown,
    report_html,
)

HOSTILE = "<script>alert(1)</script>"
TEXT = (
    "Minister Ana Lopez met Chief Bo Kim in Lima on Monday.\n"
    f"“We agreed on 40 boats,” Lopez said. {HOSTILE} & <b>bold</b> claims 50 boats.\n"
)
META = BriefMeta(
    model="hand-built",
    prompt_id="t",
    prompt_hash="0",
    schema_version="1",
    usage=Usage(prompt_tokens=10, completion_tokens=5),
    attempts=1,
    latency_s=0.0,
)


def sp(text: str, quote: str, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = text.find(quote, start + 1)
    assert start >= 0, quote
    return Span(start=start, end=start + len(quote), text=quote)


def src(article_id: str, span: Span) -> SourceSpan:
    return SourceSpan(article_id=article_id, start=span.start, end=span.end, text=span.text)


ARTICLE = Article(id="art 1/x", text=TEXT, title="Lima <talks>")


def make_brief() -> Brief:
    t = TEXT
    return Brief(
        article_id=ARTICLE.id,
        summary=f"Lopez and Kim met. {HOSTILE}",
        event=EventInfo(
            what="meeting in Lima",
            date_text="on Monday",
            place="Lima",
            evidence=[sp(t, "Minister Ana Lopez met Chief Bo Kim in Lima on Monday")],
        ),
        participants=[
            # The name is model output: it must never become markup.
            Participant(name=HOSTILE, role="minister", evidence=[sp(t, "Minister Ana Lopez")]),
            Participant(name="Bo Kim", role="chief", evidence=[sp(t, "Chief Bo Kim")]),
        ],
        quotes=[
            Quote(
                speaker="Ana Lopez",
                text="We agreed on 40 boats,",
                evidence=[sp(t, "We agreed on 40 boats,")],
            )
        ],
        meta=META,
    )


class Tree(HTMLParser):
    """Checks that tags are well nested and collects marks, anchors, scripts and text."""

    VOID = frozenset({"meta", "br", "img", "hr", "input", "link"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.marks: list[tuple[str, str]] = []  # (data-spans, text)
        self.scripts: list[str] = []
        self.text_divs: list[str] = []
        self._div_depth: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag in self.VOID:
            return
        self.stack.append(tag)
        if tag == "mark":
            self.marks.append((attributes.get("data-spans") or "", ""))
        if tag == "script":
            self.scripts.append("")
        if tag == "div" and attributes.get("class") == "text":
            self.text_divs.append("")
            self._div_depth.append(len(self.stack))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        if self._div_depth and self._div_depth[-1] == len(self.stack):
            self._div_depth.pop()
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] == "mark":
            ids, text = self.marks[-1]
            self.marks[-1] = (ids, text + data)
        if self.stack and self.stack[-1] == "script":
            self.scripts[-1] += data
        if self._div_depth:
            self.text_divs[-1] += data


def parse(document: str) -> Tree:
    tree = Tree()
    tree.feed(document)
    tree.close()
    assert tree.errors == []
    return tree


def highlighted_text(tree: Tree, anchor: str) -> str:
    return "".join(text for ids, text in tree.marks if anchor in ids.split())


def test_brief_html_escapes_article_text_and_model_output() -> None:
    brief = make_brief()
    out = brief_html(brief, ARTICLE)
    assert HOSTILE not in out
    assert "<b>bold</b>" not in out
    assert html.escape(HOSTILE) in out  # shown as text, in the article and as a name
    tree = parse(out)
    assert not any(tag in ("script", "img") for tag, _ in tree.tags)
    assert not any(k.startswith("on") for _, attrs in tree.tags for k in attrs)
    # The article text survives the round trip exactly, markup characters included.
    assert tree.text_divs == [TEXT]


def test_brief_html_highlights_each_span_at_its_offsets() -> None:
    brief = make_brief()
    tree = parse(brief_html(brief, ARTICLE))
    ids = {attrs["id"] for tag, attrs in tree.tags if attrs.get("class") == "anchor"}
    expected = {anchor_id(ARTICLE.id, s.start, s.end) for s in brief.spans()}
    assert ids == expected
    for span in brief.spans():
        anchor = anchor_id(ARTICLE.id, span.start, span.end)
        assert highlighted_text(tree, anchor) == TEXT[span.start : span.end] == span.text
    # Every fact links to its span's anchor.
    links = {attrs["href"] for tag, attrs in tree.tags if tag == "a"}
    assert {f"#{i}" for i in expected} <= links


def test_overlapping_and_nested_spans_split_into_flat_segments() -> None:
    t = TEXT
    outer = sp(t, "Minister Ana Lopez met Chief Bo Kim")
    inner = sp(t, "Ana Lopez")
    crossing = sp(t, "Lopez met Chief")
    same_start = sp(t, "Minister")
    brief = make_brief().model_copy(
        update={
            "participants": [
                Participant(name="Ana Lopez", evidence=[outer, inner]),
                Participant(name="Lopez", evidence=[crossing, same_start]),
            ]
        }
    )
    out = brief_html(brief, ARTICLE)
    tree = parse(out)  # well nested despite the overlaps
    assert "<mark" not in "".join(text for _, text in tree.marks)  # marks never nest
    for span in (outer, inner, crossing, same_start):
        anchor = anchor_id(ARTICLE.id, span.start, span.end)
        assert highlighted_text(tree, anchor) == span.text
    # "Lopez" lies in four spans (the event's, outer, inner, crossing): one segment says so.
    lopez = [ids for ids, text in tree.marks if text == "Lopez"]
    assert len(lopez) == 1 and len(lopez[0].split()) == 4
    assert tree.text_divs == [TEXT]


def test_a_span_that_is_not_in_the_text_is_quoted_not_highlighted() -> None:
    stale = Span(start=0, end=8, text="Minister Lopez")  # offsets do not give this text
    brief = make_brief().model_copy(
        update={"participants": [Participant(name="Ana Lopez", evidence=[stale])]}
    )
    out = brief_html(brief, ARTICLE)
    assert anchor_id(ARTICLE.id, 0, 8) not in out
    assert '<q class="ev"' in out and "Minister Lopez" in out


def test_brief_without_article_shows_evidence_quotes() -> None:
    out = make_brief()._repr_html_()
    assert "<mark" not in out and "Chief Bo Kim" in out
    assert HOSTILE not in out
    assert make_brief()._repr_markdown_() == brief_markdown(make_brief())


def test_markdown_escapes_markup() -> None:
    md = brief_markdown(make_brief(), ARTICLE)
    assert "<script>" not in md and "\\<script\\>" in md
    assert md.startswith("### Lima \\<talks\\>")
    assert "- **\\<script\\>alert(1)\\</script\\>** (minister) — “Minister Ana Lopez”" in md
    assert "**When:** “on Monday” (as written)" in md


def make_event() -> EventRecord:
    t = TEXT
    forty, fifty = sp(t, "40 boats"), sp(t, "50 boats")
    other = Article(id="b2", text="Kim said 50 boats.")
    fifty_b = sp(other.text, "50 boats")
    return EventRecord(
        id="evt-art 1/x",
        title=f"Meeting in Lima {HOSTILE}",
        summary="Lopez and Kim met in Lima.",
        date_text="on Monday",
        place="Lima",
        articles=[ARTICLE.id, "b2"],
        n_sources=2,
        participants=[
            EntityRecord(
                id="p1",
                name="Ana Lopez",
                aliases=["Ana Lopez", "Minister Lopez", HOSTILE],
                role="minister",
                sources=[ARTICLE.id],
                n_sources=1,
                single_source=True,
                evidence=[src(ARTICLE.id, sp(t, "Minister Ana Lopez"))],
            )
        ],
        conflicts=[
            Conflict(
                kind="figure",
                subject="boats",
                values=[
                    ConflictValue(
                        value="40", sources=[ARTICLE.id], evidence=[src(ARTICLE.id, forty)]
                    ),
                    ConflictValue(value="50", sources=["b2"], evidence=[src("b2", fifty_b)]),
                ],
            )
        ],
        evidence=[src(ARTICLE.id, fifty)],
    )


def test_report_is_one_safe_self_contained_file() -> None:
    event = make_event()
    other = Article(id="b2", text="Kim said 50 boats.")
    out = report_html([event], [make_brief()], [ARTICLE, other, Article(id="unused", text="x")])
    tree = parse(out)
    assert out.startswith("<!DOCTYPE html>")
    assert "http://" not in out and "https://" not in out and "src=" not in out
    assert HOSTILE not in out
    assert len(tree.scripts) == 1 and "alert" not in tree.scripts[0]  # only our own script
    # Each article text once, with every span marked; the unused article is left out.
    assert tree.text_divs == [TEXT, other.text]
    sections = [a.get("class") for tag, a in tree.tags if tag == "section"]
    assert sections.count("event") == 1 and sections.count("article") == 2
    # The conflict: both values side by side in one row, each with its source and evidence.
    assert '<table class="conflict">' in out
    row = out.split('<table class="conflict">')[1].split("</table>")[0]
    assert "<th>40</th><th>50</th>" in row
    assert f"#{anchor_id(ARTICLE.id, *_offsets(TEXT, '40 boats'))}" in row
    assert f"#{anchor_id('b2', *_offsets(other.text, '50 boats'))}" in row
    assert highlighted_text(tree, anchor_id("b2", 9, 17)) == "50 boats"
    # Aliases are shown, escaped.
    assert "· also: Minister Lopez, &lt;script&gt;" in out
    assert "“on Monday”" in out


def _offsets(text: str, quote: str) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


def test_event_views_without_articles() -> None:
    event = make_event()
    out = event._repr_html_()
    assert out == event_html(event)
    assert "<mark" not in out and HOSTILE not in out
    assert "40 boats" in out  # the evidence, quoted
    md = event_markdown(event)
    assert event._repr_markdown_() == md
    assert "<script>" not in md
    assert "| 40 | art 1/x | “40 boats” |" in md and "| 50 | b2 | “50 boats” |" in md
    assert events_markdown([event, event]).startswith("# 2 events\n")
    with_text = event_html(event, [ARTICLE])
    assert with_text.count('<div class="text">') == 1 and "<mark" in with_text


@pytest.mark.parametrize(
    ("article_id", "expected"),
    [("000_6d8e", "a-000_6d8e-3-9"), ("a b/c", "a-a_20_b_2f_c-3-9"), ('x"<', "a-x_22__3c_-3-9")],
)
def test_anchor_ids_are_safe(article_id: str, expected: str) -> None:
    assert anchor_id(article_id, 3, 9) == expected
