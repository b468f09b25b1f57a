"""Scoring against gold labels: event partitions (:mod:`.events`) and brief items (:mod:`.items`).

Events: B-cubed precision/recall/F1 of the event partition next to a TF-IDF clustering
baseline, grounding precision, and recall of gold participants/topics/commitments.
Items: precision/recall of a brief's participants, commitments, quotes and figures, speaker
accuracy, recall of the event's date and place, and unsupported summary tokens.

Commands::

    python -m summarizer.evaluate --gold G [--events events.json] [--articles A] [--briefs B]
    python -m summarizer.evaluate --items ITEMS --briefs briefs.jsonl --articles A

where ``A`` is a JSON-lines file of articles or a folder of ``<id>.txt`` files, read and
checked as ``summarizer`` reads its inputs (a bad article: exit code 2). With ``--gold`` and
without ``--events`` the articles are grouped from their text alone; ``--briefs`` are then
also consolidated. With ``--items`` the briefs are scored item by item against that gold.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from summarizer.errors import InputError
from summarizer.evaluate.events import (
    BCubed,
    Gold,
    baseline_partition,
    bcubed,
    best_baseline,
    grounding_precision,
    item_recall,
    load_gold,
    pair_errors,
    partition_of,
)
from summarizer.evaluate.items import (
    Counts,
    ItemScores,
    load_item_gold,
    read_briefs,
    score_items,
)
from summarizer.events.consolidate import consolidate, group_articles
from summarizer.inputs import load_articles as load_inputs
from summarizer.inputs import read_jsonl, unique_ids
from summarizer.types import Article, Brief, EventRecord

__all__ = [
    "BCubed",
    "Counts",
    "Gold",
    "ItemScores",
    "baseline_partition",
    "bcubed",
    "best_baseline",
    "grounding_precision",
    "item_recall",
    "load_articles",
    "load_gold",
    "load_item_gold",
    "main",
    "pair_errors",
    "partition_of",
    "read_briefs",
    "score_items",
]


def load_articles(path: Path) -> list[Article]:
    """Articles from a JSON-lines file or a folder of ``<id>.txt`` files.

    They are read and checked as the command line reads its inputs
    (:mod:`summarizer.inputs`; a file that is not ``.txt`` or ``.html`` is read as JSON
    lines); a bad article raises an :class:`InputError` naming every bad one.
    """
    if path.is_file() and path.suffix not in (".txt", ".html", ".htm"):
        items = unique_ids(read_jsonl(path))
    else:
        items = load_inputs([path])
    errors = [item for item in items if isinstance(item, InputError)]
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise InputError(
            f"{len(errors)} articles in {path} cannot be used: "
            + "; ".join(str(error) for error in errors)
        )
    return [item for item in items if isinstance(item, Article)]


def _fmt(name: str, s: BCubed, extra: str = "") -> str:
    return f"{name:<34} P={s.precision:.3f} R={s.recall:.3f} F1={s.f1:.3f} {extra}"


def _without_dates(articles: list[Article]) -> list[Article]:
    return [a.model_copy(update={"published": None}) for a in articles]


def _partition_lines(args: argparse.Namespace, gold: Gold, articles: list[Article]) -> list[str]:
    """The event-partition report: events.json, briefs consolidated, text-only baselines."""
    by_id = {a.id: a for a in articles}
    lines = []
    if args.events:
        records = [EventRecord.model_validate(r) for r in json.loads(args.events.read_text())]
        lines.append(
            _fmt("events.json", bcubed(partition_of(r.articles for r in records), gold.events))
        )
        if by_id:
            share, n = grounding_precision(records, by_id)
            lines.append(f"{'grounding precision':<34} {share:.3f} of {n} spans")
        for kind, value in item_recall(records, gold).items():
            lines.append(f"{'recall of gold ' + kind:<34} {value:.3f}")
    if args.briefs and articles:
        briefs = [
            Brief.model_validate_json(line)
            for line in args.briefs.read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
        for label, docs in (("dates", articles), ("no dates", _without_dates(articles))):
            records = consolidate(briefs, docs)
            partition = partition_of(r.articles for r in records)
            lines.append(_fmt(f"structured + briefs ({label})", bcubed(partition, gold.events)))
    for label, docs in (("dates", articles), ("no dates", _without_dates(articles))):
        if not docs:
            continue
        partition = partition_of(group_articles(docs))
        lines.append(_fmt(f"structured, text only ({label})", bcubed(partition, gold.events)))
        for linkage, (t, s) in best_baseline(docs, gold.events).items():
            lines.append(_fmt(f"tf-idf {linkage} ({label})", s, f"best threshold {t:.2f}"))
    return lines


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m summarizer.evaluate",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--gold", type=Path, help="event gold (JSON lines); required without --items"
    )
    parser.add_argument("--events", type=Path, help="events.json written by consolidation")
    parser.add_argument("--articles", type=Path, help="articles (.jsonl or folder of .txt)")
    parser.add_argument(
        "--briefs",
        type=Path,
        help="briefs.jsonl: consolidated with and without dates (--gold), scored item by item "
        "(--items)",
    )
    parser.add_argument(
        "--items", type=Path, metavar="GOLD", help="items gold (JSON lines): score --briefs items"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.gold is None and args.items is None:
        parser.error("one of --gold or --items is required")
    if args.items is not None and (args.briefs is None or args.articles is None):
        parser.error("--items needs --briefs and --articles")
    try:
        articles = load_articles(args.articles) if args.articles else []
        lines = _partition_lines(args, load_gold(args.gold), articles) if args.gold else []
        if args.items is not None:
            texts = {a.id: a.text for a in articles}
            scores = score_items(read_briefs(args.briefs), texts, load_item_gold(args.items))
            lines.append(scores.table())
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print("\n".join(lines))
    return 0
