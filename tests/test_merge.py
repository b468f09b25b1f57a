"""Merging the five seed articles, with hand-built briefs shaped like an LLM's output.

Every span is computed from the real seed text with ``str.find``, so it is exact.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from summarizer.events.consolidate import EventIndex, consolidate, consolidate_json
from summarizer.types import (
    Article,
    Brief,
    BriefMeta,
    Commitment,
    EventInfo,
    EventRecord,
    Figure,
    Mention,
    Participant,
    Quote,
    Span,
    Topic,
    Usage,
)

SEED_DIR = Path(__file__).parents[1] / "examples" / "articles"
IDS = {
    "000": "000_6d8e04116b864c1f",
    "001": "001_a3fe5cf1f6fa128a",
    "002": "002_e0f7a1bd11e7e62c",
    "003": "003_ceb739453495012b",
    "004": "004_051f7a47d964f1d0",
}
META = BriefMeta(
    model="hand-built",
    prompt_id="test",
    prompt_hash="0",
    schema_version="1",
    usage=Usage(),
    attempts=1,
    latency_s=0.0,
)


def load_seeds(published: dt.date | None = None) -> dict[str, Article]:
    return {
        short: Article(id=aid, text=(SEED_DIR / f"{aid}.txt").read_text(), published=published)
        for short, aid in IDS.items()
    }


def span(text: str, quote: str) -> Span:
    start = text.find(quote)
    assert start >= 0, f"quote not in text: {quote!r}"
    return Span(start=start, end=start + len(quote), text=quote)


def _brief(article: Article, spec: dict[str, object]) -> Brief:
    t = article.text

    def ev(*quotes: str) -> list[Span]:
        return [span(t, q) for q in quotes]

    event = spec["event"]
    assert isinstance(event, tuple)
    what, date_text, place, quote = event
    return Brief(
        article_id=article.id,
        summary=str(spec["summary"]),
        event=EventInfo(what=what, date_text=date_text, place=place, evidence=ev(quote)),
        participants=[
            Participant(name=n, role=r, country=c, evidence=ev(q))
            for n, r, c, q in spec.get("participants", [])  # type: ignore[attr-defined]
        ],
        mentioned=[Mention(name=n, evidence=ev(q)) for n, q in spec.get("mentioned", [])],  # type: ignore[attr-defined]
        topics=[Topic(label=lab, evidence=ev(q)) for lab, q in spec.get("topics", [])],  # type: ignore[attr-defined]
        commitments=[
            Commitment(actor=a, action=act, counterpart=cp, status=st, evidence=ev(q))
            for a, act, cp, st, q in spec.get("commitments", [])  # type: ignore[attr-defined]
        ],
        quotes=[Quote(speaker=s, text=q, evidence=ev(q)) for s, q in spec.get("quotes", [])],  # type: ignore[attr-defined]
        figures=[
            Figure(what=w, value=v, unit=u, evidence=ev(q))
            for w, v, u, q in spec.get("figures", [])  # type: ignore[attr-defined]
        ],
        meta=META,
    )


SPECS: dict[str, dict[str, object]] = {
    "000": {
        "summary": "Ruto and Rubio discussed the STIP trade deal, the Haiti mission and the DRC.",
        "event": (
            "telephone conversation between William Ruto and Marco Rubio",
            "on Monday",
            None,
            "President William Ruto held a late-night telephone conversation with U.S. "
            "Secretary of State Marco Rubio on Monday",
        ),
        "participants": [
            ("President William Ruto", "President", "Kenya", "President William Ruto"),
            (
                "Marco Rubio",
                "U.S. Secretary of State",
                "United States",
                "U.S. Secretary of State Marco Rubio",
            ),
            ("Secretary Rubio", None, None, "Secretary Rubio"),
        ],
        "mentioned": [("Emmanuel Macron", "French President Emmanuel Macron")],
        "topics": [
            (
                "Strategic Trade and Investment Partnership (STIP)",
                "conclude the Strategic Trade and Investment Partnership (STIP) agreement",
            ),
            ("Haiti peace mission", "the Kenyan-led Haiti peace mission"),
            (
                "crisis in Eastern DRC",
                "dire humanitarian crisis in the Eastern Democratic Republic of Congo (DRC)",
            ),
        ],
        "commitments": [
            (
                "United States",
                "continue to deploy its capabilities to support Kenya's peace mission",
                "Kenya",
                "promised",
                "the U.S. has committed to continue to deploy its capabilities to support "
                "Kenya\u2019s peace mission in the region",
            ),
            (
                "Ruto",
                "agree on a joint strategy for the Haiti mission",
                "Rubio",
                "agreed",
                "Ruto and Rubio reportedly agreed on a joint strategy",
            ),
        ],
        "quotes": [
            (
                "Ruto",
                "We discussed the need to conclude the Strategic Trade and Investment "
                "Partnership (STIP) agreement",
            )
        ],
    },
    "002": {
        "summary": "Ruto and Rubio discussed STIP, the UN-led MSS mission and fighting in Goma.",
        "event": (
            "telephone conversation between President William Ruto and US Secretary of State",
            "on Monday",
            "Nairobi",
            "President William Ruto on Monday held a telephone conversation with US "
            "Secretary of State Marco Rubio",
        ),
        "participants": [
            ("William Ruto", "President", "Kenya", "President William Ruto"),
            ("Marco Rubio", "Secretary of State", "US", "US Secretary of State Marco Rubio"),
            ("the Kenyan leader", None, "Kenya", "Ruto, who currently chairs the East African"),
        ],
        "topics": [
            ("STIP trade agreement", "the conclusion of the Strategic Trade and Investment"),
            (
                "Haiti MSS mission",
                "the UN-led Multinational Security Support (MSS) mission in Haiti",
            ),
            ("fighting in eastern DRC", "fierce fighting erupted in the eastern Democratic"),
        ],
        "commitments": [
            (
                "the two leaders",
                "agree on a joint strategy to ensure the MSS mission's effectiveness",
                None,
                "agreed",
                "agreeing on a joint strategy to ensure its effectiveness",
            ),
            (
                "William Ruto",
                "call for an immediate ceasefire and an emergency regional summit",
                None,
                "announced",
                "has called for an immediate ceasefire and announced an emergency regional "
                "summit on Wednesday",
            ),
        ],
        "quotes": [
            (
                "Ruto",
                "We discussed the need to conclude the STIP agreement that seeks to increase "
                "investment",
            )
        ],
        "figures": [
            ("people killed in the Goma clashes", "17", "people", "At least 17 people have been"),
            ("people injured in the Goma clashes", "300", "people", "over 300 injured"),
        ],
    },
    "001": {
        "summary": "Ruto and Rubio discussed AGOA renewal, the Boulos appointment and Haiti.",
        "event": (
            "telephone conversation between William Ruto and Marco Rubio",
            "Tuesday evening",
            None,
            "President William Ruto engaged in a telephone conversation with United States "
            "Secretary of State Marco Rubio on Tuesday evening",
        ),
        "participants": [
            ("President William Ruto", "President", "Kenya", "President William Ruto"),
            (
                "Marco Rubio",
                "Secretary of State",
                "United States",
                "United States Secretary of State Marco Rubio",
            ),
        ],
        "mentioned": [("Massad Boulos", "Massad Boulos"), ("Donald Trump", "Donald Trump")],
        "topics": [
            ("AGOA renewal", "the renewal of the African Growth and Opportunity Act (AGOA)"),
            ("Massad Boulos appointment", "appointment of Massad Boulos as the US Special Envoy"),
            ("Haiti mission", "the Multi-National Security Support Mission in Haiti"),
        ],
        "commitments": [
            (
                "Marco Rubio",
                "reaffirm US support for Kenya's leadership in Haiti",
                "Kenya",
                "promised",
                "Secretary Rubio reaffirmed US support for Kenya\u2019s leadership",
            )
        ],
    },
    "003": {
        "summary": "Ruto briefed President-elect Trump on the Kenya-led Haiti mission.",
        "event": (
            "phone conversation between William Ruto and Donald Trump",
            None,
            None,
            "President William Ruto has held a phone conversation with U.S. President-elect "
            "Donald Trump",
        ),
        "participants": [
            ("President William Ruto", "President", "Kenya", "President William Ruto"),
            (
                "Donald Trump",
                "U.S. President-elect",
                "United States",
                "U.S. President-elect Donald Trump",
            ),
        ],
        "mentioned": [("Antony Blinken", "U.S. Secretary of State Antony Blinken")],
        "topics": [
            (
                "Kenya-led Haiti mission",
                "the Kenya-led Multinational Security Support Mission in Haiti",
            ),
            ("Kenya-US trade and security", "strengthening trade, investment, security"),
        ],
        "quotes": [
            (
                "Ruto",
                "I briefed President Trump on the Kenya-led Multinational Security Support "
                "Mission in Haiti",
            )
        ],
    },
    "004": {
        "summary": "Ruto met Rubio at the UN General Assembly in New York to discuss AGOA.",
        "event": (
            "meeting between William Ruto and Marco Rubio",
            "Wednesday, September 24, 2025",
            "New York",
            "Kenyan President William Ruto met with U.S. Secretary of State Marco Rubio on "
            "Wednesday, September 24, 2025, in New York",
        ),
        "participants": [
            (
                "Kenyan President William Ruto",
                "President",
                "Kenya",
                "Kenyan President William Ruto",
            ),
            ("Rubio", "Secretary of State", "U.S.", "Secretary Rubio"),
        ],
        "topics": [
            ("AGOA extension", "push for an extension of the African Growth and Opportunity"),
            ("bilateral trade agreement", "a long-awaited bilateral trade agreement"),
        ],
    },
}


def seed_briefs(articles: dict[str, Article]) -> list[Brief]:
    briefs = []
    for short, spec in SPECS.items():
        brief = _brief(articles[short], spec)
        if short == "004":  # an LLM that reads the full date sets it
            brief = brief.model_copy(
                update={"event": brief.event.model_copy(update={"date": dt.date(2025, 9, 24)})}
            )
        briefs.append(brief)
    return briefs


def _record(records: list[EventRecord], *shorts: str) -> EventRecord:
    ids = sorted(IDS[s] for s in shorts)
    matches = [r for r in records if r.articles == ids]
    assert len(matches) == 1, [r.articles for r in records]
    return matches[0]


@pytest.fixture(scope="module")
def undated() -> tuple[dict[str, Article], list[EventRecord]]:
    articles = load_seeds()
    return articles, consolidate(seed_briefs(articles), articles.values())


def test_seed_partition_is_four_events(undated: tuple[dict[str, Article], list[EventRecord]]):
    _, records = undated
    assert sorted(r.articles for r in records) == sorted(
        [[IDS["000"], IDS["002"]], [IDS["001"]], [IDS["003"]], [IDS["004"]]]
    )


def test_mission_descriptor_conflict_kept_side_by_side(undated):
    _, records = undated
    call = _record(records, "000", "002")
    descriptor = [c for c in call.conflicts if c.kind == "descriptor"]
    assert len(descriptor) == 1
    values = {v.value.split(" (")[0]: v.sources for v in descriptor[0].values}
    assert values == {"Kenya": [IDS["000"]], "United Nations": [IDS["002"]]}
    texts = {e.text for v in descriptor[0].values for e in v.evidence}
    assert texts == {"Kenyan-led", "UN-led"}


def test_casualty_figures_single_source_from_002(undated):
    _, records = undated
    call = _record(records, "000", "002")
    figures = {f.value: f for f in call.figures}
    assert set(figures) == {"17", "300"}
    for f in figures.values():
        assert f.single_source and f.sources == [IDS["002"]] and f.n_sources == 1
    assert not [c for c in call.conflicts if c.kind == "figure"]


def test_participants_canonical_with_aliases(undated):
    _, records = undated
    call = _record(records, "000", "002")
    names = {p.name: p for p in call.participants}
    assert set(names) == {"William Ruto", "Marco Rubio"}
    assert "the Kenyan leader" in names["William Ruto"].aliases
    assert "Secretary Rubio" in names["Marco Rubio"].aliases
    assert names["Marco Rubio"].country == "United States"
    assert names["William Ruto"].n_sources == 2 and not names["William Ruto"].single_source
    assert [m.name for m in call.mentioned] == ["Emmanuel Macron"]
    stip = [t for t in call.topics if "STIP" in t.label]
    assert len(stip) == 1 and stip[0].sources == sorted([IDS["000"], IDS["002"]])
    assert len(call.quotes) == 1 and call.quotes[0].n_sources == 2
    assert call.quotes[0].speaker == "William Ruto"
    joint = [c for c in call.commitments if "joint strategy" in c.action]
    assert len(joint) == 1 and joint[0].actor == "William Ruto" and joint[0].n_sources == 2
    assert "Rubio" in call.title and "on Monday" in call.title


def test_relative_date_kept_as_cue_without_publication_date(undated):
    _, records = undated
    call = _record(records, "000", "002")
    assert call.date is None and call.date_text == "on Monday"
    assert "on Monday" in call.title
    meeting = _record(records, "004")
    assert meeting.date == dt.date(2025, 9, 24)


def test_relative_date_resolved_with_publication_date():
    articles = load_seeds(published=dt.date(2025, 1, 28))  # a Tuesday
    records = consolidate(seed_briefs(articles), articles.values())
    call = _record(records, "000", "002")
    assert call.date == dt.date(2025, 1, 27)  # the Monday before
    assert call.date_text == "on Monday"


def test_every_span_in_output_is_exact(undated):
    articles, _ = undated
    texts = {a.id: a.text for a in articles.values()}
    data = consolidate_json(seed_briefs(articles), articles.values())
    spans = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if {"article_id", "start", "end", "text"} <= node.keys():
                spans.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)
    assert len(spans) > 40
    for s in spans:
        assert texts[s["article_id"]][s["start"] : s["end"]] == s["text"]


def test_drifted_span_is_reanchored():
    articles = load_seeds()
    briefs = seed_briefs(articles)
    b = briefs[0]
    p = b.participants[0]
    moved = p.model_copy(update={"evidence": [p.evidence[0].model_copy(update={"start": 0})]})
    b = b.model_copy(update={"participants": [moved, *b.participants[1:]]})
    record = consolidate([b], articles.values())[0]
    for e in record.participants[0].evidence:
        assert articles["000"].text[e.start : e.end] == e.text


def test_incremental_add_joins_or_creates():
    articles = load_seeds()
    briefs = {b.article_id: b for b in seed_briefs(articles)}
    index = EventIndex()
    changes = [index.add(briefs[IDS[s]], articles[s]) for s in ("000", "001", "003", "004", "002")]
    assert [c.kind for c in changes] == ["created"] * 4 + ["joined"]
    last = changes[-1]
    assert last.event_id == "evt-" + IDS["000"] and last.version == 2
    assert f"article {IDS['002']} added" in last.details
    assert any(d.startswith("conflict:") for d in last.details)
    assert any("figure added" in d for d in last.details)
    records = index.records
    assert len(records) == 4
    assert _record(records, "000", "002").version == 2
    assert _record(records, "001").version == 1


class _EventJudge:
    name = "fake-llm"

    def __init__(self, answer: bool | None) -> None:
        self.answer = answer
        self.asked: list[tuple[str, str]] = []

    def same_entity(self, a: str, b: str) -> bool | None:
        return None

    def same_event(self, a: str, b: str) -> bool | None:
        self.asked.append((a, b))
        return self.answer


def test_event_adjudication_decides_close_calls_and_is_recorded():
    from summarizer.events.group import GroupConfig

    articles = load_seeds()
    briefs = seed_briefs(articles)
    wide = GroupConfig(adjudicate_margin=10.0)  # every candidate edge counts as close
    judge = _EventJudge(False)
    records = consolidate(briefs, articles.values(), config=wide, adjudicator=judge)
    assert len(records) == 5 and judge.asked
    decided = [a for r in records for a in r.adjudications if a.kind == "event"]
    assert decided and all(a.decision is False and a.by == "fake-llm" for a in decided)
    abstain = _EventJudge(None)  # abstaining leaves the rules' verdict in place
    records = consolidate(briefs, articles.values(), config=wide, adjudicator=abstain)
    assert len(records) == 4


# --- title and summary: prose built from the record's facts, checked against the texts ---

LISTING = ("Participants:", "Topics:", "Commitments:", "Figures:", "Reported by")


def _texts(articles: dict[str, Article], record: EventRecord) -> list[str]:
    by_id = {a.id: a for a in articles.values()}
    return [by_id[a].text for a in record.articles]


def test_summaries_are_prose_of_two_to_four_sentences(
    undated: tuple[dict[str, Article], list[EventRecord]],
) -> None:
    from summarizer.text import split_sentences, unsupported_tokens

    articles, records = undated
    assert len(records) == 4
    for record in records:
        sentences = split_sentences(record.summary)
        assert 2 <= len(sentences) <= 4, record.summary
        assert not any(label in record.summary for label in LISTING), record.summary
        for p in record.participants:  # everyone who took part is named
            assert p.name.split()[-1] in record.summary, (p.name, record.summary)
        texts = _texts(articles, record)
        assert unsupported_tokens(record.summary, texts) == []
        assert unsupported_tokens(record.title, texts) == []
        assert record.date is None or record.date.isoformat() not in record.summary


def test_summary_of_the_call_names_who_when_what_and_the_disagreement(
    undated: tuple[dict[str, Article], list[EventRecord]],
) -> None:
    _, records = undated
    call = _record(records, "000", "002")
    lead, *rest = call.summary.split(". ")
    assert "William Ruto" in lead and "Marco Rubio" in lead and "on Monday" in lead
    assert "President" in lead and "Secretary of State" in lead
    assert any("agreed on a joint strategy" in s for s in rest)
    (disagree,) = [s for s in rest if "disagree" in s]
    # Both sides, each with its number of sources; "United Nations" is the canonical name,
    # but the texts only say "UN-led", so the sentence says "the UN".
    assert "who leads" in disagree
    assert "Kenya (one source)" in disagree and "the UN (one source)" in disagree
    # The disputed descriptor is not stated as a fact elsewhere.
    assert "UN-led" not in call.summary and "Kenyan-led" not in call.summary


def test_meeting_summary_keeps_the_date_as_written(
    undated: tuple[dict[str, Article], list[EventRecord]],
) -> None:
    _, records = undated
    meeting = _record(records, "004")
    assert "on Wednesday, September 24, 2025, in New York" in meeting.summary
    assert "2025-09-24" not in meeting.summary + meeting.title
    assert "(Wednesday, September 24, 2025)" in meeting.title


def _with(brief: Brief, **changes: object) -> Brief:
    return brief.model_copy(update=changes)


def test_sentence_with_invented_number_or_name_is_dropped(caplog: pytest.LogCaptureFixture) -> None:
    import logging

    articles = load_seeds()
    briefs = {b.article_id: b for b in seed_briefs(articles)}
    b = briefs[IDS["001"]]
    invented = b.commitments[0].model_copy(
        update={"action": "send 5,000 troops to Haiti with Barack Obama"}
    )
    renamed = b.participants[1].model_copy(update={"role": "Grand Vizier"})
    b = _with(b, commitments=[invented], participants=[b.participants[0], renamed])
    with caplog.at_level(logging.INFO, logger="summarizer.events.merge"):
        (record,) = consolidate([b], articles.values())
    assert record.commitments[0].action.startswith("send 5,000 troops")  # the fact is kept
    assert "5,000" not in record.summary and "Obama" not in record.summary
    assert "Vizier" not in record.summary  # the lead falls back to names without roles
    assert record.summary.startswith("William Ruto and Marco Rubio held a telephone conversation")
    from summarizer.text import split_sentences

    assert 2 <= len(split_sentences(record.summary)) <= 4
    assert "2 sentence(s)" in caplog.text and "Obama" in caplog.text


def test_title_falls_back_to_a_safer_form() -> None:
    articles = load_seeds()
    b = seed_briefs(articles)[0]  # 000, "on Monday"
    b = _with(b, event=b.event.model_copy(update={"date_text": "on Monday, 12 Brumaire"}))
    (record,) = consolidate([b], articles.values())
    assert record.title == "Telephone conversation between William Ruto and Marco Rubio"
    assert "Brumaire" not in record.summary and "12" not in record.summary


def test_without_article_texts_evidence_and_brief_summary_are_the_sources() -> None:
    from summarizer.events.merge import source_texts

    articles = load_seeds()
    b = seed_briefs(articles)[3]  # 003
    assert b.article_id == IDS["003"]
    texts = source_texts([b], {})
    assert b.summary in texts and all(s.text in texts for s in b.spans())
    assert source_texts([b], {b.article_id: articles["003"]}) == ["", articles["003"].text]
    (record,) = consolidate([b], [])
    assert "Donald Trump" in record.summary and "phone conversation" in record.summary
