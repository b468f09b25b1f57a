"""Extraction + consolidation of the five seed articles, replayed from the cassettes.

The cassettes are those of tests/test_cassettes.py (recorded from the embedded
model); this module only replays them. Gold: four events, {000, 002} one phone
call, 001 another call, 003 a call with President-elect Trump, 004 a meeting.
"""

from __future__ import annotations

import re

import pytest

from summarizer import LLMConfig, summarize
from summarizer.evaluate import bcubed, load_gold, partition_of
from summarizer.extract.dates import resolve_date

from .conftest import CASSETTES, REPO, SEEDS, seed

SEED_IDS = [p.stem for p in SEEDS]
RECORDED = [str(CASSETTES / "extract" / f"{i}.yaml") for i in SEED_IDS]


@pytest.mark.vcr(*RECORDED, record_mode="none")
def test_seed_articles_make_the_four_gold_events(model_config: LLMConfig) -> None:
    articles = [seed(i[:3]) for i in SEED_IDS]
    result = summarize(articles, model_config)
    assert result.failures == []
    partition = sorted(sorted(a[:3] for a in e.articles) for e in result.events)
    assert partition == [["000", "002"], ["001"], ["003"], ["004"]]

    gold = load_gold(REPO / "examples" / "gold.jsonl")
    score = bcubed(partition_of(e.articles for e in result.events), gold.events)
    assert score.f1 == 1.0

    # The {000, 002} call: who leads the Haiti mission is disputed (000 "Kenyan-led", 002
    # "UN-led"), side by side with sources; casualty figures come from 002 alone.
    call = next(e for e in result.events if sorted(a[:3] for a in e.articles) == ["000", "002"])
    (mission,) = [c for c in call.conflicts if re.fullmatch(r".*mission: led by", c.subject)]
    sides = {v.value: [s[:3] for s in v.sources] for v in mission.values}
    assert sides == {"Kenya (Kenyan-led)": ["000"], "United Nations (UN-led)": ["002"]}
    casualties = {f.value: f for f in call.figures if "kill" in f.what or "injur" in f.what}
    assert set(casualties) == {"at least 17", "over 300"}
    for figure in casualties.values():
        assert figure.single_source and [s[:3] for s in figure.sources] == ["002"]
    assert call.date is None and call.date_text is not None and "Monday" in call.date_text

    texts = {a.id: a.text for a in articles}
    for event in result.events:
        spans = list(event.evidence)
        for group in (event.participants, event.topics, event.commitments, event.quotes):
            spans += [s for item in group for s in item.evidence]
        spans += [s for f in event.figures for s in f.evidence]
        spans += [s for c in event.conflicts for v in c.values for s in v.evidence]
        assert spans
        for span in spans:
            assert texts[span.article_id][span.start : span.end] == span.text
        # No date the texts don't support: none of these articles has a publication
        # date, so only a date written in full in the text may be stated.
        if event.date is not None:
            assert event.date_text and resolve_date(event.date_text) == event.date
            assert any(event.date_text in texts[a] for a in event.articles)


@pytest.mark.vcr(*RECORDED, record_mode="none")
def test_adjudicator_decides_open_pairs_and_is_recorded(model_config: LLMConfig) -> None:
    from summarizer import consolidate
    from summarizer.events.adjudicate import LLMAdjudicator
    from summarizer.events.group import GroupConfig
    from summarizer.testing import ScriptedBackend

    articles = [seed(i[:3]) for i in SEED_IDS]
    briefs = summarize(articles, model_config).briefs
    # A margin so wide that every candidate pair is "open": the adjudicator decides all.
    judge = LLMAdjudicator(backend=ScriptedBackend([{"same": False, "reason": "no"}] * 20))
    events = consolidate(
        briefs, articles, config=GroupConfig(adjudicate_margin=5.0), adjudicator=judge
    )
    assert len(events) == 5  # every "no" kept apart, {000, 002} included
    decided = [a for e in events for a in e.adjudications if a.kind == "event"]
    assert decided and all(a.decision is False and a.by == "llm:scripted" for a in decided)
    asked = " ".join(m["content"] for call in judge.backend.calls for m in call)  # type: ignore[attr-defined]
    assert "lead: " in asked and "who: " in asked
