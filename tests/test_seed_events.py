"""Extraction + consolidation of the five seed articles, replayed from the cassettes.

The cassettes are those of tests/test_cassettes.py (recorded from the embedded
model); this module only replays them. Gold: four events, {000, 002} one phone
call, 001 another call, 003 a call with President-elect Trump, 004 a meeting.
"""

from __future__ import annotations

import pytest

from summarizer import LLMConfig, summarize
from summarizer.dates import resolve_date
from summarizer.evaluate import bcubed, load_gold, partition_of

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

    texts = {a.id: a.text for a in articles}
    for event in result.events:
        for span in event.evidence:
            assert texts[span.article_id][span.start : span.end] == span.text
        # No date the texts don't support: none of these articles has a publication
        # date, so only a date written in full in the text may be stated.
        if event.date is not None:
            assert event.date_text and resolve_date(event.date_text) == event.date
            assert any(event.date_text in texts[a] for a in event.articles)


@pytest.mark.vcr(*RECORDED, record_mode="none")
def test_adjudicator_decides_open_pairs_and_is_recorded(model_config: LLMConfig) -> None:
    from summarizer import ScriptedBackend, consolidate
    from summarizer.adjudicate import LLMAdjudicator
    from summarizer.group import GroupConfig

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
