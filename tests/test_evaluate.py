"""B-cubed on hand examples, grounding precision, recall of gold items, and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarizer.errors import InputError
from summarizer.evaluate import (
    baseline_partition,
    bcubed,
    grounding_precision,
    item_recall,
    load_articles,
    load_gold,
    main,
    partition_of,
)
from summarizer.events.consolidate import consolidate, consolidate_json
from tests.test_merge import IDS, load_seeds, seed_briefs

GOLD = Path(__file__).parents[1] / "examples" / "gold.jsonl"


def test_bcubed_perfect_and_all_in_one():
    gold = {"a": "1", "b": "1", "c": "2"}
    assert bcubed(gold, gold).f1 == pytest.approx(1.0)
    one = bcubed({"a": "x", "b": "x", "c": "x"}, gold)
    # a, b: 2/3 precision each; c: 1/3 -> 5/9; recall 1
    assert one.precision == pytest.approx(5 / 9) and one.recall == pytest.approx(1.0)
    assert one.f1 == pytest.approx(2 * (5 / 9) / (5 / 9 + 1))


def test_bcubed_all_singletons_and_missing_items():
    gold = {"a": "1", "b": "1", "c": "1", "d": "2"}
    single = bcubed({"a": "1", "b": "2", "c": "3", "d": "4"}, gold)
    assert single.precision == pytest.approx(1.0)
    assert single.recall == pytest.approx((1 / 3 * 3 + 1) / 4)
    assert bcubed({}, gold) == single  # unpredicted items count as singletons


def test_seed_gold_file_and_scores():
    gold = load_gold(GOLD)
    assert set(gold.events) == set(IDS.values())
    assert len(set(gold.events.values())) == 4
    articles = load_seeds()
    records = consolidate(seed_briefs(articles), articles.values())
    assert bcubed(partition_of(r.articles for r in records), gold.events).f1 == pytest.approx(1.0)
    share, n = grounding_precision(records, {a.id: a for a in articles.values()})
    assert share == 1.0 and n > 40
    recall = item_recall(records, gold)
    assert recall["participants"] == pytest.approx(1.0)
    assert recall["topics"] >= 0.8
    assert recall["commitments"] >= 2 / 3


def test_grounding_precision_counts_broken_spans():
    articles = load_seeds()
    records = consolidate(seed_briefs(articles)[:1], articles.values())
    r = records[0]
    p = r.participants[0]
    bad = p.evidence[0].model_copy(update={"start": p.evidence[0].start + 1})
    broken = r.model_copy(
        update={"participants": [p.model_copy(update={"evidence": [bad]}), *r.participants[1:]]}
    )
    share, n = grounding_precision([broken], {a.id: a for a in articles.values()})
    assert share == pytest.approx((n - 1) / n)


def test_baseline_merges_same_actor_calls_on_seeds():
    articles = list(load_seeds().values())
    groups = baseline_partition(articles, 0.2, "single")
    assert len(groups) < 4  # lexical similarity alone merges distinct Ruto calls


def test_cli_scores_events_file(tmp_path, capsys):
    articles = load_seeds()
    events = tmp_path / "events.json"
    events.write_text(json.dumps(consolidate_json(seed_briefs(articles), articles.values())))
    code = main(
        [
            "--gold",
            str(GOLD),
            "--events",
            str(events),
            "--articles",
            str(Path(__file__).parents[1] / "examples" / "articles"),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "events.json" in out and "F1=1.000" in out.splitlines()[0]
    assert "grounding precision" in out and "1.000" in out
    assert "tf-idf average (no dates)" in out


def test_articles_are_read_and_checked_like_the_cli_inputs(tmp_path, capsys):
    lines = tmp_path / "articles.ndjson"  # JSON lines whatever the suffix, as before
    lines.write_text('{"id": "x", "text": "The council met."}\n{"id": "y", "text": "More."}\n')
    assert [a.id for a in load_articles(lines)] == ["x", "y"]
    seeds = Path(__file__).parents[1] / "examples" / "articles"
    assert [a.id for a in load_articles(seeds)] == sorted(p.stem for p in seeds.glob("*.txt"))

    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"id": "x", "text": "   "}\n{"id": "y", "text": "fine"}\n{"id": "y", "text": "again"}\n'
    )
    with pytest.raises(InputError, match="2 articles") as error:
        load_articles(bad)
    assert "article text is empty" in str(error.value) and "duplicate article id" in str(
        error.value
    )
    assert main(["--gold", str(GOLD), "--articles", str(bad)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("error: 2 articles in ")
