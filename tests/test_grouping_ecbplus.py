"""The learned pair scorer on ECB+ (the 34 topics it was fitted on) and on the dev set
(never used to fit it), text only, through the library's own ``group_articles``.

The data sit beside the repository (``shared/ecbplus``, ``shared/devset``) and are the
outlets' copyright: read here at run time, never copied into the repository.

Bounds sit below what ``benchmarks/bench_grouping.py`` measured for the shipped weights;
"topics merged" counts the ECB+ topics whose two similar-but-different events share a
predicted group.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.evaluate import bcubed, load_articles, load_gold, partition_of
from summarizer.events.consolidate import group_articles
from summarizer.events.group import GroupConfig
from summarizer.types import Article

SHARED = Path(__file__).parents[1].parent / "shared"
LEARNED = GroupConfig(scorer="learned")
RULES = GroupConfig(scorer="rules")


def load(name: str) -> tuple[list[Article], dict[str, str]]:
    folder = SHARED / name
    if not (folder / "articles.jsonl").is_file():
        pytest.fail(f"{name} not found at {folder} (expected shared/{name} beside the repo)")
    return load_articles(folder / "articles.jsonl"), load_gold(folder / "gold.jsonl").events


def merged_topics(groups: list[list[str]], gold: dict[str, str]) -> set[int]:
    """ECB+ topics (``e<topic>_<n>``) whose ``ecb`` and ``ecbplus`` events share a group."""
    out: set[int] = set()
    for group in groups:
        sides: dict[int, set[str]] = {}
        for doc_id in group:
            sides.setdefault(int(doc_id[1:].split("_")[0]), set()).add(gold[doc_id].split("-")[1])
        out |= {topic for topic, s in sides.items() if len(s) > 1}
    return out


@pytest.fixture(scope="module")
def ecbplus() -> tuple[list[Article], dict[str, str]]:
    return load("ecbplus")


def test_learned_scorer_on_ecbplus(ecbplus):
    # Measured: P 0.852 R 0.937 F1 0.893, 8 of 34 topics merged (in-sample: the weights
    # were fitted on these topics; leave-topics-out CV, mean of bag seeds 0-3: F1 0.875,
    # 7.5 merged, see benchmarks/bench_grouping.py). Today's rules: F1 0.805, 7 merged.
    # Stop 22: 0.897 / 7 -> 0.893 / 8 when a team ("the Constitution", "the Party") stopped
    # counting as a lead person: it had kept one Turkmen election report apart by accident.
    # Without the cluster penalty: 0.888, 7; before the linkage went best first: 0.867, 9.
    articles, gold = ecbplus
    groups = group_articles(articles, LEARNED)
    score = bcubed(partition_of(groups), gold)
    assert score.f1 >= 0.89, score
    assert score.precision >= 0.85 and score.recall >= 0.92, score
    assert len(merged_topics(groups, gold)) <= 8
    rules = bcubed(partition_of(group_articles(articles, RULES)), gold)
    assert score.f1 >= rules.f1 + 0.04, (score, rules)


@pytest.mark.parametrize("dates", ["dates", "no dates"])
def test_learned_scorer_on_the_dev_set(dates):
    # Measured (never fitted on it): F1 0.967 with and without publication dates (the rules,
    # tuned on it: 1.000). One borderline article (a next-day reaction) joins a same-actor
    # event of the week before, which splits its own event.
    articles, gold = load("devset")
    if dates == "no dates":
        articles = [a.model_copy(update={"published": None}) for a in articles]
    score = bcubed(partition_of(group_articles(articles, LEARNED)), gold)
    assert score.f1 >= 0.96, score
    assert score.precision >= 0.95, score
