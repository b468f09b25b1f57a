"""Does grouping with the model's briefs do better than the text alone? (issue #13)

Run: ``.venv/bin/python benchmarks/bench_briefs_grouping.py --briefs DEV_BRIEFS.jsonl
[--seeds-briefs SEEDS_BRIEFS.jsonl] [--ecbplus-briefs ECB_BRIEFS.jsonl]``

For each set (the dev set ``../shared/devset`` with briefs from a finished run, e.g.
``summarizer extract ../shared/devset/articles.jsonl --out DIR`` then ``DIR/briefs.jsonl``;
the seeds ``examples/articles`` with their briefs; the ECB+ articles of ``../shared/ecbplus``
that have a brief, e.g. whole topics extracted in a random topic order, since extracting
all 777 takes hours), each scorer (rules, learned) and with or
without publication dates: B-cubed P/R/F1 of ``group_articles`` (text only) and of
``consolidate`` (the same texts with the briefs), and the same-event pairs split / other
pairs merged. Briefs hold evidence copied from the outlets' texts, so they are read from
where a run wrote them, never stored in the repository. Not run by pytest.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_grouping import merged_topics  # noqa: E402  (beside this script)

from summarizer import Article, Brief, consolidate  # noqa: E402
from summarizer.evaluate import bcubed, load_articles, load_gold, partition_of  # noqa: E402
from summarizer.events.consolidate import group_articles  # noqa: E402
from summarizer.events.group import GroupConfig  # noqa: E402
from summarizer.inputs import load_articles as load_inputs  # noqa: E402

SHARED = ROOT.parent / "shared"


def pair_errors(groups: Sequence[Sequence[str]], gold: Mapping[str, str]) -> tuple[int, int]:
    """(same-event pairs split, other pairs merged)."""
    of = {x: k for k, g in enumerate(groups) for x in g}
    split = merged = 0
    for a, b in itertools.combinations(sorted(gold), 2):
        same, together = gold[a] == gold[b], of.get(a) == of.get(b)
        split += same and not together
        merged += together and not same
    return split, merged


def briefs_of(path: Path, articles: Sequence[Article]) -> list[Brief]:
    """Briefs by article, read once (``path`` may be a pipe); a brief's id is its article's,
    or a prefix of it (the seeds' stems)."""
    ids = {a.id for a in articles}
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        b = Brief.model_validate_json(line)
        match = (
            b.article_id
            if b.article_id in ids
            else next(a.id for a in articles if a.id.startswith(b.article_id))
        )
        out.append(b.model_copy(update={"article_id": match}))
    return out


def ecbplus_set(path: Path) -> tuple[str, list[Article], dict[str, str], list[Brief]]:
    """The ECB+ articles that have a brief in ``path`` (no publication dates: ECB+ has none),
    their gold events and their briefs."""
    everything = load_articles(SHARED / "ecbplus" / "articles.jsonl")
    briefs = briefs_of(path, everything)
    done = {b.article_id for b in briefs}
    articles = [a for a in everything if a.id in done]
    gold = load_gold(SHARED / "ecbplus" / "gold.jsonl").events
    return "ecb+", articles, {a.id: gold[a.id] for a in articles}, briefs


def row(groups: Sequence[Sequence[str]], gold: Mapping[str, str]) -> str:
    s = bcubed(partition_of([list(g) for g in groups]), gold)
    split, merged = pair_errors(groups, gold)
    return f"P {s.precision:.3f} R {s.recall:.3f} F1 {s.f1:.3f} split {split:2d} merged {merged:2d}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--briefs", type=Path, required=True, help="briefs of the dev articles")
    ap.add_argument("--seeds-briefs", type=Path, help="briefs of examples/articles")
    ap.add_argument("--ecbplus-briefs", type=Path, help="briefs of some ECB+ articles")
    args = ap.parse_args()
    dev = list(load_articles(SHARED / "devset" / "articles.jsonl"))
    sets = [
        (
            "dev",
            dev,
            load_gold(SHARED / "devset" / "gold.jsonl").events,
            briefs_of(args.briefs, dev),
        )
    ]
    if args.seeds_briefs:
        seeds = [a for a in load_inputs([ROOT / "examples" / "articles"]) if isinstance(a, Article)]
        gold = load_gold(ROOT / "examples" / "gold.jsonl").events
        sets.append(("seeds", seeds, gold, briefs_of(args.seeds_briefs, seeds)))
    if args.ecbplus_briefs:
        sets.append(ecbplus_set(args.ecbplus_briefs))
    for name, articles, gold, briefs in sets:
        for scorer in ("rules", "learned"):
            for dates in (True, False) if name != "ecb+" else (False,):
                arts = (
                    articles
                    if dates
                    else [a.model_copy(update={"published": None}) for a in articles]
                )
                config = GroupConfig(scorer=scorer)
                text = group_articles(arts, config)
                events = [e.articles for e in consolidate(briefs, arts, config=config)]
                label = f"{name:5s} {scorer:7s} dates={'yes' if dates else 'no '}"
                print(f"{label}  text  {row(text, gold)}  | briefs {row(events, gold)}")
                if name == "ecb+":
                    print(
                        f"{'':25s}topics merged: text {sorted(merged_topics(text, gold))}"
                        f"  | briefs {sorted(merged_topics(events, gold))}"
                    )


if __name__ == "__main__":
    main()
