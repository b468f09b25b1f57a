"""Benchmark: item-level quality and cost of finished runs, one row per run.

Run: ``.venv/bin/python benchmarks/bench_items.py RUN_DIR... --articles A --items GOLD``

Each ``RUN_DIR`` is a ``summarizer extract``/``run`` output folder: ``briefs.jsonl`` (required),
``failures.jsonl`` (optional: failed articles, with their ``attempts``) and ``timing.txt``
(optional: the run's wall time, as written by ``time``, ``/usr/bin/time -p``, ``/usr/bin/time
-v`` or as a bare number of seconds). ``A`` is the articles (``.jsonl`` or a folder of
``.txt``), ``GOLD`` an items gold file (``shared/devset/items.jsonl``, ``shared/seeds/...``).

Quality is :func:`summarizer.evaluate.score_items` (the shared scorer's matching) over the
gold articles that have a brief. Cost: LLM calls per article = (sum of ``meta.attempts`` of the
briefs + ``attempts`` of the failures) / (briefs + failures); prompt and completion tokens per
brief from ``meta.usage`` (a cached brief keeps its original usage and attempts); seconds per
article = ``timing.txt`` / (briefs + failures), else the mean ``meta.latency_s``.

Prints a plain-text table, then the same rows as Markdown (for a note).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from summarizer.evaluate import (
    ItemScores,
    load_articles,
    load_item_gold,
    read_briefs,
    score_items,
)

COLUMNS = [
    "run",
    "briefs",
    "failed",
    "scored",
    "part P",
    "part R",
    "com P",
    "com R",
    "com F1",
    "quote R",
    "speaker",
    "fig P",
    "fig R",
    "date R",
    "place R",
    "unsupp",
    "calls/art",
    "in tok/brief",
    "out tok/brief",
    "s/art",
]


def read_timing(path: Path) -> float | None:
    """Wall seconds from a ``timing.txt``: ``real 1m2.5s`` (bash ``time``), ``real 62.5``
    (``time -p``), ``Elapsed (wall clock) time (h:mm:ss or m:ss): 1:02.5`` (GNU ``time
    -v``) or a bare number of seconds."""
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    if m := re.search(r"\breal\s+(?:(\d+)m)?([\d.]+)s?", text):
        return int(m[1] or 0) * 60 + float(m[2])
    if m := re.search(r"Elapsed \(wall clock\) time.*?\):\s*([\d:.]+)", text):
        seconds = 0.0
        for part in m[1].split(":"):
            seconds = seconds * 60 + float(part)
        return seconds
    if m := re.search(r"\d+(?:\.\d+)?", text):
        return float(m[0])
    return None


def read_failures(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _ratio(x: float | None, digits: int = 3) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def _quality(s: ItemScores) -> dict[str, str]:
    c = s.counts
    return {
        "scored": f"{s.articles}/{s.of_gold}",
        "part P": _ratio(c["participants"].precision),
        "part R": _ratio(c["participants"].recall),
        "com P": _ratio(c["commitments"].precision),
        "com R": _ratio(c["commitments"].recall),
        "com F1": _ratio(c["commitments"].f1),
        "quote R": _ratio(c["quotes"].recall),
        "speaker": _ratio(s.speaker_accuracy),
        "fig P": _ratio(c["figures"].precision),
        "fig R": _ratio(c["figures"].recall),
        "date R": f"{s.date_hit}/{s.date_gold}",
        "place R": f"{s.place_hit}/{s.place_gold}",
        "unsupp": str(len(s.unsupported)),
    }


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def run_row(run: Path, texts: dict[str, str], gold: dict[str, Any]) -> dict[str, str]:
    """One table row: the run's item scores and its cost per article and per brief."""
    briefs = read_briefs(run / "briefs.jsonl")
    failures = read_failures(run / "failures.jsonl")
    metas = [b.get("meta") or {} for b in briefs]
    usage = [m.get("usage") or {} for m in metas]
    articles = len(briefs) + len(failures)
    calls = sum(m.get("attempts", 0) for m in metas) + sum(f.get("attempts", 0) for f in failures)
    wall = read_timing(run / "timing.txt")
    if wall is not None:
        per_article = wall / articles if articles else None
    else:
        per_article = _mean([m["latency_s"] for m in metas if "latency_s" in m])
    return {
        "run": run.name or str(run),
        "briefs": str(len(briefs)),
        "failed": str(len(failures)),
        **_quality(score_items(briefs, texts, gold)),
        "calls/art": _ratio(calls / articles if articles else None, 2),
        "in tok/brief": _ratio(_mean([u.get("prompt_tokens", 0) for u in usage]), 0),
        "out tok/brief": _ratio(_mean([u.get("completion_tokens", 0) for u in usage]), 0),
        "s/art": _ratio(per_article, 1) + ("*" if wall is not None else ""),
    }


def text_table(rows: list[dict[str, str]]) -> str:
    widths = {c: max(len(c), *(len(r[c]) for r in rows)) for c in COLUMNS}
    lines = ["  ".join(c.rjust(widths[c]) for c in COLUMNS)]
    lines += ["  ".join(r[c].rjust(widths[c]) for c in COLUMNS) for r in rows]
    return "\n".join(lines)


def markdown_table(rows: list[dict[str, str]]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(r[c].replace("*", "\\*") for c in COLUMNS) + " |" for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("runs", nargs="+", type=Path, help="run folders with briefs.jsonl")
    parser.add_argument("--articles", type=Path, required=True, help=".jsonl or folder of .txt")
    parser.add_argument("--items", type=Path, required=True, help="items gold (JSON lines)")
    args = parser.parse_args(argv)
    texts = {a.id: a.text for a in load_articles(args.articles)}
    gold = load_item_gold(args.items)
    rows = [run_row(run, texts, gold) for run in args.runs]
    print(f"items gold: {args.items} ({len(gold)} articles); articles: {args.articles}\n")
    note = "s/art: mean meta.latency_s; * = wall time from timing.txt / articles of the run"
    print(text_table(rows))
    print(note)
    print()
    print(markdown_table(rows))
    print(f"\n{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
