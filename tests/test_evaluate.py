"""B-cubed on hand examples, grounding precision, recall of gold items, and the CLI."""

from __future__ import annotations

import importlib.util
import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from summarizer.errors import InputError
from summarizer.evaluate import (
    baseline_partition,
    bcubed,
    grounding_precision,
    item_recall,
    load_articles,
    load_gold,
    load_item_gold,
    main,
    pair_errors,
    partition_of,
    score_items,
)
from summarizer.evaluate.items import supported
from summarizer.events.consolidate import consolidate, consolidate_json
from summarizer.types import (
    Brief,
    Commitment,
    EventInfo,
    Figure,
    Participant,
    Quote,
    Span,
)
from tests.test_merge import IDS, META, load_seeds, seed_briefs

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


def test_pair_errors_count_split_and_merged_pairs():
    gold = {"a": "1", "b": "1", "c": "1", "d": "2", "e": "3"}
    assert pair_errors([["a", "b", "c"], ["d"], ["e"]], gold) == (0, 0)
    # c apart from a and b: two same-event pairs split; d with c: one other pair merged
    assert pair_errors([["a", "b"], ["c", "d"], ["e"]], gold) == (2, 1)
    # items in no group are alone: never merged with each other
    assert pair_errors([["a", "b", "c"]], gold) == (0, 0)
    assert pair_errors([], gold) == (3, 0)


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


# --- items: the package's scorer against the shared one -------------------------------------

ROOT = Path(__file__).parents[1]
SHARED_SCORER = ROOT.parent / "shared" / "eval" / "items.py"
SEED_ITEMS = ROOT.parent / "shared" / "seeds" / "items.jsonl"
SEED_DIR = ROOT / "examples" / "articles"


@pytest.fixture(scope="module")
def shared_scorer() -> Any:
    if not SHARED_SCORER.is_file() or not SEED_ITEMS.is_file():
        pytest.fail(f"shared scorer or seed items not found beside the repo ({SHARED_SCORER})")
    spec = importlib.util.spec_from_file_location("shared_eval_items", SHARED_SCORER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def shared_numbers(
    scorer: Any, briefs: list[Brief], texts: dict[str, str], gold: Path | dict[str, Any]
) -> Any:
    """The shared scorer's result, fed as its command line feeds it."""
    if isinstance(gold, Path):
        rows = [json.loads(x) for x in gold.read_text(encoding="utf-8").splitlines() if x]
        gold = {row["id"]: row for row in rows}
    arts = {scorer.resolve(k, set(gold)) or k: v for k, v in texts.items()}
    return scorer.score([json.loads(b.model_dump_json()) for b in briefs], arts, gold)


def seed_texts() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(SEED_DIR.glob("*.txt"))}


def sp(text: str, quote: str) -> Span:
    start = text.find(quote)
    assert start >= 0, quote
    return Span(start=start, end=start + len(quote), text=quote)


def hand_brief(aid: str, **parts: Any) -> Brief:
    event = parts.pop("event", {})
    return Brief(
        article_id=aid,
        summary=parts.pop("summary", ""),
        event=EventInfo(what="x", evidence=[], **event),
        meta=META,
        **parts,
    )


def hand_briefs(texts: dict[str, str]) -> list[Brief]:
    """Briefs for seeds 000, 002 and 004 that hit each matching rule, and miss it."""
    a, b, c = IDS["000"], IDS["002"], IDS["004"]
    t0, t2, t4 = texts[a], texts[b], texts[c]
    # the last 60 % of gold quote 1, and gold quote 2 without evidence (found by its text)
    q1 = (
        "that seeks to increase investment, promote sustainable and inclusive economic growth "
        "by unlocking the existing economic opportunities,"
    )
    q2 = (
        "I am glad that the U.S. has committed to continue to deploy its capabilities to "
        "support Kenya’s peace mission in the region,"
    )
    b000 = hand_brief(
        a,
        summary="Ruto and Rubio spoke on Monday about Haiti, the U.S. and Zanzibar in 2021.",
        event={"date_text": "Monday", "place": "Nairobi"},
        participants=[
            Participant(name=n, evidence=[sp(t0, "President William Ruto")])
            for n in ("President William Ruto", "Rubio", "President", "Kenya", "Emmanuel Macron")
        ],
        commitments=[
            Commitment(  # inside the gold clause: strict
                actor="U.S.",
                action="deploy",
                evidence=[sp(t0, "committed to continue to deploy its capabilities")],
            ),
            Commitment(  # evidence elsewhere, same action words: loose only
                actor="Ruto",
                action="immediate ceasefire in Eastern DRC",
                evidence=[sp(t0, "President William Ruto")],
            ),
            Commitment(  # the same clause again: its gold is taken
                actor="U.S.",
                action="continue to deploy capabilities to support Kenya's peace mission",
                evidence=[sp(t0, "deploy its capabilities to support Kenya")],
            ),
        ],
        quotes=[
            Quote(speaker="Ruto", text="We discussed ...", evidence=[sp(t0, "We discussed")]),
            Quote(speaker="Rubio", text=q2, evidence=[]),
            Quote(speaker="President Ruto", text=q1, evidence=[sp(t0, q1)]),
        ],
        figures=[Figure(what="calls", value="3", evidence=[sp(t0, "Ruto")])],
    )
    b002 = hand_brief(
        b,
        summary="At least 17 people died; over 300 were hurt, 42 say.",
        event={"date_text": "on Monday night", "place": None},
        participants=[
            Participant(name="William Ruto", evidence=[sp(t2, "President William Ruto")]),
            Participant(name="Marco Rubio", evidence=[sp(t2, "Marco Rubio")]),
        ],
        quotes=[
            Quote(
                speaker="Goma resident",
                text="gunshots",
                evidence=[sp(t2, "All we can hear [are] gunshots")],
            ),
        ],
        figures=[
            Figure(what="killed", value="17", evidence=[sp(t2, "At least 17 people")]),
            Figure(what="injured", value="300", evidence=[sp(t2, "President William Ruto")]),
            Figure(what="fled", value="tens of thousands", evidence=[sp(t2, "tens of thousands")]),
            Figure(what="killed", value="at least 17", evidence=[sp(t2, "At least 17")]),
        ],
    )
    b004 = hand_brief(
        c,
        summary="Ruto met Rubio in New York.",
        event={"date_text": "September 24", "place": "New York City"},
        participants=[Participant(name="Ruto", evidence=[sp(t4, "William Ruto")])],
    )
    again = hand_brief(c, participants=[])  # a second brief for 004: not scored
    stray = hand_brief("zzz_not_in_gold", participants=[])
    return [b000, b002, b004, again, stray]


def test_item_scores_on_hand_built_briefs_equal_the_shared_scorer(shared_scorer):
    texts = seed_texts()
    briefs = hand_briefs(texts)
    scores = score_items(briefs, texts, load_item_gold(SEED_ITEMS))
    assert scores.as_dict() == shared_numbers(shared_scorer, briefs, texts, SEED_ITEMS)
    # and the numbers the briefs were built for
    assert (scores.articles, scores.of_gold) == (3, 5)
    part = scores.counts["participants"]
    assert (part.pred, part.gold, part.match) == (8, 6, 5)
    assert scores.counts["commitments"].match == 1
    assert scores.counts["commitments_loose"].match == 2
    quotes = scores.counts["quotes"]
    assert (quotes.pred, quotes.match) == (4, 3)
    assert (scores.speaker_ok, scores.speaker_n) == (2, 3)  # "Rubio" did not say it
    figures = scores.counts["figures"]
    assert (figures.pred, figures.match) == (5, 2)
    assert (scores.date_hit, scores.date_gold, scores.place_hit, scores.place_gold) == (3, 3, 1, 1)
    assert sorted(scores.unsupported) == sorted(
        [f"{IDS['000']}:Zanzibar", f"{IDS['000']}:2021", f"{IDS['002']}:42"]
    )


def test_item_scores_with_short_gold_ids_equal_the_shared_scorer(shared_scorer, tmp_path):
    """Gold ids "000".."004" stand for the articles whose ids start with them."""
    short = tmp_path / "items.jsonl"
    rows = [json.loads(x) for x in SEED_ITEMS.read_text(encoding="utf-8").splitlines() if x]
    short.write_text("".join(json.dumps({**r, "id": r["id"][:3]}) + "\n" for r in rows))
    texts = seed_texts()
    briefs = hand_briefs(texts)
    scores = score_items(briefs, texts, load_item_gold(short))
    assert scores.as_dict() == shared_numbers(shared_scorer, briefs, texts, short)
    assert scores.articles == 3 and scores.unsupported[0].startswith("000:")
    with pytest.raises(InputError, match="no article text"):
        score_items(briefs, {}, load_item_gold(short))


WORDS_TEXT = (
    "Ruto Rubio President Kenya Nairobi Zanzibar Xi Al Ed Li UN Saturday The Their "
    "United States Nations Kingdom 2021 1,200 17 U.S. is up as we"
)
WORDS = WORDS_TEXT.split()


def random_gold(rng: random.Random, gold: dict[str, Any]) -> dict[str, Any]:
    """The gold with names, speakers, actions, dates and places swapped at random (the
    evidence stays text of the article, or is not found)."""
    out = {}
    for gid, g in gold.items():
        g = json.loads(json.dumps(g))
        g["participants"].append({"name": rng.choice(["Xi Jinping", "Al Gore", "UN", "Ed Li"])})
        for q in g["quotes"]:
            q["speaker"] = rng.choice([q["speaker"], None, "", "Ed Li"])
            q["text"] = rng.choice([q["text"], q["text"], q["text"], "not in the text"])
        for c in g["commitments"]:
            c["action"] = rng.choice([c["action"], c["action"] + " as we go up", "is up"])
            c["evidence"] = rng.choice([c["evidence"], c["evidence"], "not in the text"])
        for f in g["figures"]:
            f["evidence"] = rng.choice([f["evidence"], f["evidence"], "not in the text"])
        g["event"]["date_text"] = rng.choice([g["event"]["date_text"], "on Monday", None])
        g["event"]["place"] = rng.choice([g["event"]["place"], "New York", "Nairobi", None])
        out[gid] = g
    return out


def random_briefs(rng: random.Random, texts: dict[str, str], gold: dict[str, Any]) -> list[Brief]:
    """Briefs made from the gold by moving, cutting and swapping its items at random."""

    def near(text: str, s: str | None) -> list[Span]:
        """0-2 spans of any length that overlap ``s`` anywhere from not at all to fully."""
        i = text.find(s) if s else -1
        if i < 0 or rng.random() < 0.1:
            i, s = rng.randrange(len(text) - 40), "x" * rng.randrange(1, 40)
        spans = []
        for _ in range(rng.choice([0, 1, 1, 1, 2])):
            length = rng.randint(1, 2 * len(s) + 10)
            start = rng.randint(max(0, i - length), min(len(text) - 1, i + len(s)))
            end = min(len(text), start + length)
            spans.append(Span(start=start, end=end, text=text[start:end]))
        return spans

    def pick(items: list[Any], k: int = 3) -> list[Any]:
        return rng.sample(items, min(len(items), rng.randint(0, k)))

    def words(k: int) -> str:
        return " ".join(rng.choices(WORDS, k=k))

    briefs = []
    for gid, g in gold.items():
        t = texts[gid]
        names = [p["name"] for p in g["participants"]] + WORDS
        quotes = g["quotes"] + [{"speaker": words(1), "text": "the region"}]
        figures = g["figures"] + [{"value": "17", "evidence": "Ruto"}]
        briefs.append(
            hand_brief(
                gid,
                summary=" ".join(rng.choices([*t.split()[:60], *WORDS], k=20)),
                event={
                    "date_text": rng.choice([g["event"]["date_text"], "Monday", "Friday", None]),
                    "place": rng.choice([g["event"]["place"], "Nairobi", "York", None]),
                },
                participants=[
                    Participant(name=rng.choice([n, words(2)]), evidence=near(t, n))
                    for n in pick(names, 5)
                ],
                commitments=[
                    Commitment(
                        actor=c["actor"],
                        action=rng.choice(
                            [c["action"], " ".join(pick(c["action"].split(), 4)), words(3)]
                        ),
                        evidence=near(t, c["evidence"]),
                    )
                    for c in pick(g["commitments"] * 2, 6)
                ],
                quotes=[
                    Quote(
                        speaker=rng.choice([q["speaker"], words(1), None]),
                        text=q["text"],
                        evidence=near(t, q["text"]),
                    )
                    for q in pick(quotes, 4)
                ],
                figures=[
                    Figure(
                        what="n",
                        value=rng.choice([f["value"], f"{f['value']} (est.)", "17", "300"]),
                        evidence=near(t, f["evidence"]),
                    )
                    for f in pick(figures, 4)
                ],
            )
        )
    rng.shuffle(briefs)
    return briefs


def test_item_scores_on_random_briefs_equal_the_shared_scorer(shared_scorer):
    texts = seed_texts()
    seed_gold = load_item_gold(SEED_ITEMS)
    rng = random.Random(12)
    for _ in range(80):
        gold = random_gold(rng, seed_gold) if rng.random() < 0.7 else seed_gold
        briefs = random_briefs(rng, texts, gold)
        briefs = rng.sample(briefs, rng.randint(1, len(briefs)))
        mine = score_items(briefs, texts, gold).as_dict()
        assert mine == shared_numbers(shared_scorer, briefs, texts, gold)


def test_summary_support_equals_the_shared_scorer(shared_scorer):
    texts = [
        *seed_texts().values(),
        "The UN said the UK and the US agreed; Mich. voters and Indonesia's 1,200.50 people.",
        "Talks in U.S. and U.N. halls, 3.5 million, 12, 2021.",
    ]
    tokens = [*WORDS, "Michigan", "Indonesian", "Monday", "While", "3.5", "12.", "1,20", "Emirates"]
    for text in texts:
        for token in tokens:
            assert supported(token, text) == shared_scorer.supported(token, text), (token, text)


def test_cli_scores_items(tmp_path, capsys):
    texts = seed_texts()
    briefs = tmp_path / "briefs.jsonl"
    briefs.write_text("".join(b.model_dump_json() + "\n" for b in hand_briefs(texts)))
    args = ["--items", str(SEED_ITEMS), "--briefs", str(briefs), "--articles", str(SEED_DIR)]
    assert main(args) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "items: 3 of 5 gold articles have a brief"
    assert out[2].split() == ["participants", "8", "6", "5", "0.625", "0.833", "0.714"]
    assert any(line.startswith("quote speaker accuracy") and "0.667 (2/3" in line for line in out)
    assert any(line.startswith("event place recall") and line.endswith("1/1") for line in out)
    assert any(line.startswith("unsupported summary tokens") and " 3 (" in line for line in out)

    done = subprocess.run(
        [sys.executable, "-W", "error", "-m", "summarizer.evaluate", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == out


def test_cli_items_needs_briefs_and_articles(capsys):
    for argv in (["--items", str(SEED_ITEMS)], []):
        with pytest.raises(SystemExit) as exited:
            main(argv)
        assert exited.value.code == 2
    assert "--items needs --briefs and --articles" in capsys.readouterr().err
