"""The learned pair scorer on ECB+ (the 34 topics it was fitted on) and on the dev set
(never used to fit it), text only, through the library's own ``group_articles``.

The data sit beside the repository (``shared/ecbplus``, ``shared/devset``) and are the
outlets' copyright: read here at run time, never copied into the repository.

Bounds sit below what ``benchmarks/bench_grouping.py`` measured for the shipped weights;
"topics merged" counts the ECB+ topics whose two similar-but-different events share a
predicted group.
"""

from __future__ import annotations

import random
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
    # Measured: P 0.841 R 0.944 F1 0.889, 8 of 34 topics merged (in-sample: the weights
    # were fitted on these topics; leave-topics-out CV, mean of bag seeds 0-3: F1 0.874,
    # worst fold 0.813, 7.5 merged, see benchmarks/bench_grouping.py). Today's rules: F1
    # 0.820, 6 merged. Stop 23: the groups no longer depend on the input order (linked in
    # article-id order; a cluster's first members to join stand for it): in file order it
    # was 0.893 (reversed 0.889, id order 0.882). Stop 22: 0.897 / 7 -> 0.893 / 8 when a
    # team ("the Constitution", "the Party") stopped counting as a lead person.
    # Without the cluster penalty: 0.888, 7; before the linkage went best first: 0.867, 9.
    articles, gold = ecbplus
    groups = group_articles(articles, LEARNED)
    score = bcubed(partition_of(groups), gold)
    assert score.f1 >= 0.885, score
    assert score.precision >= 0.835 and score.recall >= 0.935, score
    assert len(merged_topics(groups, gold)) <= 8
    rules = bcubed(partition_of(group_articles(articles, RULES)), gold)
    assert score.f1 >= rules.f1 + 0.04, (score, rules)


def test_the_groups_do_not_depend_on_the_input_order(ecbplus):
    """In file order, reversed and in id order, ECB+ grouped to 0.893, 0.889 and 0.882
    until stop 23: the linkage broke the candidates' ties and picked the members that stand
    for a large cluster by position. ``group_articles`` now links in article-id order, as
    ``consolidate`` and the scale path do (and the members that stand for a cluster are
    the first to join it: ``clusters.Clusters``)."""
    articles, _ = ecbplus
    shuffled = articles[::-1]
    random.Random(7).shuffle(shuffled)
    assert sorted(group_articles(shuffled, LEARNED)) == sorted(group_articles(articles, LEARNED))


@pytest.mark.parametrize("dates", ["dates", "no dates"])
def test_learned_scorer_on_the_dev_set(dates):
    # Measured (never fitted on it): F1 1.000 with and without publication dates, as the
    # rules tuned on it. Until stop 23 0.967: a reaction to Netanyahu's disclosures joined the
    # state visit of the week before, because "Prime Minister Benjamin Netanyahu" hid his
    # name from the lead's persons (names.name_words_of); then the reaction's own event split.
    articles, gold = load("devset")
    if dates == "no dates":
        articles = [a.model_copy(update={"published": None}) for a in articles]
    score = bcubed(partition_of(group_articles(articles, LEARNED)), gold)
    assert score.f1 >= 0.99, score
    assert score.precision >= 0.99, score
