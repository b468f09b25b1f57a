"""Benchmark: many articles against a server with a fixed latency, then a cached rerun.

Run: ``.venv/bin/python benchmarks/bench_throughput.py [--n 200] [--concurrency 16]
[--latency 0.2] [--mode json_with_schema]``

Starts :mod:`loopback` (a separate process: every answer is a valid ``Draft`` for its
article after exactly ``latency`` seconds) and briefs ``n`` distinct ~1k-token articles
with ``Extractor.extract_many(concurrency=C)`` through the real client stack (openai +
instructor + grounding). The ideal wall time is ``n * latency / C``: the table gives the
measured time as a ratio to it (goal <= 1.1). Three runs: without a cache; with an empty
cache (filled on the way); the same input again with that cache (goal: 0 LLM calls).
Each run is the median of ``--repeat`` runs (the cached ones on fresh cache files).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from loopback import article_text, serve, served

from summarizer import Article, Brief, Cache, Extractor, LLMConfig


async def run(articles: list[Article], config: LLMConfig, c: int, cache: Cache | None) -> float:
    async with Extractor(config, cache=cache) as extractor:
        started = time.perf_counter()
        results = await extractor.extract_many(articles, concurrency=c)
        wall = time.perf_counter() - started
    bad = [r for r in results if not isinstance(r, Brief)]
    if bad:
        raise SystemExit(f"{len(bad)} articles failed, e.g. {bad[0]!r}")
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--mode", default="json_with_schema")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    articles = [Article(id=f"a{i}", text=article_text(i)) for i in range(args.n)]
    ideal = args.n * args.latency / args.concurrency
    rows = []
    with serve(args.latency) as base_url, tempfile.TemporaryDirectory() as tmp:
        config = LLMConfig(model="bench", base_url=base_url, api_key="x", mode=args.mode)
        asyncio.run(run(articles[:20], config, args.concurrency, None))  # warm-up
        runs: dict[str, list[tuple[float, int]]] = {"no cache": [], "cache, cold": []}
        runs["cache, rerun"] = []
        for r in range(args.repeat):
            before = served(base_url)
            wall = asyncio.run(run(articles, config, args.concurrency, None))
            runs["no cache"].append((wall, served(base_url) - before))
            with Cache(Path(tmp) / f"briefs-{r}.sqlite") as cache:
                for name in ("cache, cold", "cache, rerun"):
                    before = served(base_url)
                    wall = asyncio.run(run(articles, config, args.concurrency, cache))
                    runs[name].append((wall, served(base_url) - before))
        for name, measured in runs.items():
            wall = statistics.median(w for w, _ in measured)
            calls = max(c for _, c in measured)
            rows.append((name, calls, wall, ideal if "rerun" not in name else 0.0))
    print(
        f"n={args.n} articles (~1k tokens), concurrency={args.concurrency}, "
        f"latency={args.latency}s, mode={args.mode}, median of {args.repeat}"
    )
    print(f"{'run':<14} {'LLM calls':>9} {'wall (s)':>9} {'ideal (s)':>9} {'ratio':>6}")
    for name, calls, wall, best in rows:
        ratio = f"{wall / best:6.3f}" if best else f"{'-':>6}"
        ideal_text = f"{best:9.2f}" if best else f"{'-':>9}"
        print(f"{name:<14} {calls:>9} {wall:>9.3f} {ideal_text} {ratio}")


if __name__ == "__main__":
    main()
