"""Follow-ups of one story, and the same people in the next happening (issue #13).

The reports are fictional, written for these tests (``tests/data/followups/README.md``):
a deal and an emergency declared weeks later by its parties, a secret meeting and a test
suspension announced three days later by the other side, an arrest and the charge, a
resignation and the successor; and two events whose reports must stay together although
one lead adds a next step (an acquisition and a new division; a wildfire and the same
day's emergency declaration). The embedded model's briefs of them are replayed from
``cassettes/followups`` (``make record`` re-records them).
"""

from __future__ import annotations

import pytest

from summarizer import LLMConfig, summarize
from summarizer.evaluate import load_articles, load_gold, pair_errors
from summarizer.events.consolidate import group_articles
from summarizer.events.group import GroupConfig

from .conftest import CASSETTES, FOLLOWUPS

ARTICLES = load_articles(FOLLOWUPS / "articles.jsonl")
GOLD = load_gold(FOLLOWUPS / "gold.jsonl").events
# the first happening and the next, by the same people; events one lead adds a step to
FOLLOW_UPS = [
    ("shutdown", "emergency"),
    ("meeting", "suspension"),
    ("arrest", "charge"),
    ("resign", "successor"),
]
WHOLE = ["deal", "fire"]
RECORDED = [str(CASSETTES / "followups" / f"{a.id}.yaml") for a in ARTICLES]


def test_the_set_is_what_its_readme_says() -> None:
    assert len(ARTICLES) == 21
    assert set(GOLD.values()) == {e for pair in FOLLOW_UPS for e in pair} | set(WHOLE)
    assert {a.id for a in ARTICLES} == set(GOLD)
    assert all(a.published is None for a in ARTICLES)  # no dates, as in the hidden set


@pytest.mark.parametrize("scorer", ["learned", "rules"])
def test_one_event_s_reports_stay_together_from_the_text(scorer: str) -> None:
    """A lead that adds a next step (a new division, the governor's declaration) does not
    split its event."""
    split, _ = pair_errors(group_articles(ARTICLES, GroupConfig(scorer=scorer)), GOLD)
    assert split == 0


@pytest.mark.vcr(*RECORDED, record_mode="none")
def test_briefs_keep_follow_ups_apart_at_least_as_well_as_the_text(
    model_config: LLMConfig,
) -> None:
    result = summarize(ARTICLES, model_config)
    assert result.failures == []
    with_briefs = [e.articles for e in result.events]
    text_only = group_articles(ARTICLES)
    split, merged = pair_errors(with_briefs, GOLD)
    assert split == 0
    # the goal: with the model's briefs never worse than the text alone
    assert merged <= pair_errors(text_only, GOLD)[1]
    # the briefs name the steps ("arrest of ...", "murder charge"), whose reports name
    # each other ("who was arrested on Saturday"): the text alone joined them (stop 29)
    assert not any({"arrest-1", "charge-1"} <= set(g) for g in with_briefs)
