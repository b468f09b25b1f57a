"""Event grouping: signals, blocking, and the dev-set partition against the TF-IDF baseline."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from summarizer.evaluate import bcubed, best_baseline, partition_of
from summarizer.events.consolidate import group_articles
from summarizer.events.features import TfidfCorpus, extract_features, resolve_weekday
from summarizer.events.group import GroupConfig, candidate_pairs, score_pair
from summarizer.text import split_sentences
from summarizer.types import Article

DEVSET = Path(__file__).parents[1].parent / "shared" / "devset"
# Measured B-cubed F1 of the text-only grouping on the dev set, with and without publication
# dates alike: the rules (tuned on it) 1.000; the learned scorer (the default; fitted on
# ECB+, so the dev set is held out for it) 1.000 since stop 23 (0.967 before: a long title
# hid a lead person's name). The margin allows small, deliberate trade-offs.
MEASURED_F1 = {"rules": 1.0, "learned": 1.0}
MARGIN = 0.03


def load_devset() -> tuple[list[Article], dict[str, str]]:
    if not (DEVSET / "articles.jsonl").is_file():
        pytest.fail(f"dev set not found at {DEVSET} (expected shared/devset beside the repo)")
    lines = (DEVSET / "articles.jsonl").read_text().splitlines()
    articles = [Article.model_validate_json(line) for line in lines if line]
    gold = {}
    for line in (DEVSET / "gold.jsonl").read_text().splitlines():
        if line:
            row = json.loads(line)
            gold[row["id"]] = row["cluster"]
    return articles, gold


@pytest.fixture(scope="module")
def devset() -> tuple[list[Article], dict[str, str]]:
    return load_devset()


@pytest.mark.parametrize("scorer", ["rules", "learned"])
@pytest.mark.parametrize("dates", ["dates", "no dates"])
def test_devset_partition_beats_tfidf_baseline(devset, dates, scorer):
    articles, gold = devset
    if dates == "no dates":
        articles = [a.model_copy(update={"published": None}) for a in articles]
    ours = bcubed(partition_of(group_articles(articles, GroupConfig(scorer=scorer))), gold)
    baseline = best_baseline(articles, gold)
    best = max(s.f1 for _, s in baseline.values())
    assert best > 0.85  # the baseline is a real competitor
    assert ours.f1 >= MEASURED_F1[scorer] - MARGIN, ours
    assert ours.f1 >= best, (ours, baseline)


def test_devset_hard_pairs_have_contradictions(devset):
    articles, _ = devset
    by_id = {a.id: a for a in articles}
    docs = {a.id: extract_features(a.id, a, None) for a in articles}
    corpus = TfidfCorpus()
    for d in docs.values():
        corpus.add(d)
    cfg = GroupConfig()
    pirates = score_pair(docs["d09"], docs["d16"], corpus, cfg)  # 23 vs 26 pirates
    assert any("23 vs 26" in r for r in pirates.reasons), pirates
    quakes = score_pair(docs["d13"], docs["d20"], corpus, cfg)  # M5.6 vs M6.1
    assert any("5.6 vs 6.1" in r for r in quakes.reasons), quakes
    same = score_pair(docs["d16"], docs["d21"], corpus, cfg)
    assert same.value > cfg.threshold and not same.forbidden
    assert by_id["d09"].published is None  # the ecb half has no dates


def test_blocking_scores_far_fewer_than_all_pairs(devset):
    articles, gold = devset
    docs = [extract_features(a.id, a, None) for a in articles]
    corpus = TfidfCorpus()
    for d in docs:
        corpus.add(d)
    pairs = candidate_pairs(docs, corpus, GroupConfig(max_candidates=8))
    n = len(docs)
    assert len(pairs) < n * (n - 1) / 2 / 2
    same = {
        (i, j)
        for i in range(n)
        for j in range(i + 1, n)
        if gold[articles[i].id] == gold[articles[j].id]
    }
    assert len(same & set(pairs)) / len(same) > 0.9  # blocking keeps the true pairs


def test_lead_cues_ignore_events_mentioned_in_passing():
    text = Path(__file__).parents[1] / "examples" / "articles" / "003_ceb739453495012b.txt"
    article = Article(id="003", text=text.read_text())
    f = extract_features("003", article, None)
    assert "Thursday" in article.text and f.weekday is None  # Blinken call is not the event
    assert f.event_type == "call"
    assert "trump" in f.actors and "blinken" not in f.actors


def test_weekday_resolution_and_sentences():
    assert resolve_weekday(0, dt.date(2025, 1, 28)) == dt.date(2025, 1, 27)
    assert resolve_weekday(1, dt.date(2025, 1, 28)) == dt.date(2025, 1, 28)
    s = split_sentences("U.S. Secretary of State Marco Rubio spoke. Gov. Asa Hutchinson won.\nNext")
    assert s == ["U.S. Secretary of State Marco Rubio spoke.", "Gov. Asa Hutchinson won.", "Next"]


def test_publication_dates_far_apart_forbid_a_link():
    text = "The Indian Navy captured pirates in the Gulf of Aden on Saturday, officials said."
    a = Article(id="a", text=text, published=dt.date(2008, 12, 13))
    b = Article(id="b", text=text, published=dt.date(2011, 11, 10))
    assert group_articles([a, b]) == [["a"], ["b"]]
    assert group_articles([a, b.model_copy(update={"published": dt.date(2008, 12, 14)})]) == [
        ["a", "b"]
    ]


def test_consolidate_pauses_the_cyclic_gc_and_restores_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Grouping pauses the cyclic collector (full collections made 100k briefs
    superlinear) and leaves it as it found it."""
    import gc

    from summarizer.events import consolidate as module

    seen: list[bool] = []
    original = module._consolidate

    def spy(*args: Any) -> Any:
        seen.append(gc.isenabled())
        return original(*args)

    monkeypatch.setattr(module, "_consolidate", spy)
    assert gc.isenabled()
    module.consolidate([], [])
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        module.consolidate([], [])
        assert seen == [False, False] and not gc.isenabled()
    finally:
        gc.enable()
