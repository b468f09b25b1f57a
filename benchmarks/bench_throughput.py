"""Benchmark: many articles against a server with a fixed latency, then a cached rerun.

Run: ``.venv/bin/python benchmarks/bench_throughput.py [--n 200] [--concurrency 16]
[--latency 0.2] [--mode json_with_schema]``

Starts :mod:`loopback` (a separate process: every answer is a valid ``Draft`` for its
article after exactly ``latency`` seconds) and briefs ``n`` distinct ~1k-token articles
with ``Extractor.extract_many(concurrency=C)`` through the real client stack (openai +
instructor + the item checks). The ideal wall time is ``n * latency / C``: the table
gives the measured time as a ratio to it (goal <= 1.1). Three runs: without a cache; with an empty
cache (filled on the way); the same input again with that cache (goal: 0 LLM calls).
Each run is the median of ``--repeat`` runs (the cached ones on fresh cache files); a last
run with ``rpm`` set shows the rate limiter pacing (its ideal is the limiter's pace).
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


async def run(
    articles: list[Article], config: LLMConfig, c: int, cache: Cache | None
) -> tuple[float, float]:
    """Wall seconds and client CPU seconds of one ``extract_many``."""
    async with Extractor(config, cache=cache) as extractor:
        started, cpu = time.perf_counter(), time.process_time()
        results = await extractor.extract_many(articles, concurrency=c)
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    bad = [r for r in results if not isinstance(r, Brief)]
    if bad:
        raise SystemExit(f"{len(bad)} articles failed, e.g. {bad[0]!r}")
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--mode", default="json_with_schema")
    parser.add_argument("--transport", default="aiohttp", choices=["aiohttp", "httpx"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rpm", type=int, default=2400, help="the rate-limited run (0: skip)")
    args = parser.parse_args()
    articles = [Article(id=f"a{i}", text=article_text(i)) for i in range(args.n)]
    ideal = args.n * args.latency / args.concurrency
    waves = -(-args.n // args.concurrency) * args.latency  # whole rounds of C requests
    rows = []
    with serve(args.latency) as base_url, tempfile.TemporaryDirectory() as tmp:
        config = LLMConfig(
            model="bench", base_url=base_url, api_key="x", mode=args.mode, transport=args.transport
        )
        asyncio.run(run(articles[:20], config, args.concurrency, None))  # warm-up
        runs: dict[str, list[tuple[float, float, int]]] = {"no cache": [], "cache, cold": []}
        runs["cache, rerun"] = []
        for r in range(args.repeat):
            before = served(base_url)
            wall, cpu = asyncio.run(run(articles, config, args.concurrency, None))
            runs["no cache"].append((wall, cpu, served(base_url) - before))
            with Cache(Path(tmp) / f"briefs-{r}.sqlite") as cache:
                for name in ("cache, cold", "cache, rerun"):
                    before = served(base_url)
                    wall, cpu = asyncio.run(run(articles, config, args.concurrency, cache))
                    runs[name].append((wall, cpu, served(base_url) - before))
        for name, measured in runs.items():
            wall = statistics.median(w for w, _, _ in measured)
            cpu_ms = statistics.median(c for _, c, _ in measured) / args.n * 1000
            calls = max(n for _, _, n in measured)
            rows.append((name, calls, wall, cpu_ms, ideal if calls else 0.0))
        if args.rpm:
            # The limiter's bucket holds one second's worth; then one request per 60/rpm s.
            rate = args.rpm / 60
            bound = max(ideal, (args.n - max(1.0, rate)) / rate + args.latency)
            limited = config.replace(rpm=args.rpm)
            before = served(base_url)
            wall, cpu = asyncio.run(run(articles, limited, args.concurrency, None))
            name = f"rpm={args.rpm}"
            rows.append((name, served(base_url) - before, wall, cpu / args.n * 1000, bound))
    print(
        f"n={args.n} articles (~1k tokens), concurrency={args.concurrency}, "
        f"latency={args.latency}s, mode={args.mode}, transport={args.transport}, "
        f"median of {args.repeat}"
    )
    print(
        f"ideal = N*L/C = {ideal:.2f} s (rate-limited: the limiter's pace); whole rounds "
        f"ceil(N/C)*L = {waves:.2f} s = {waves / ideal:.3f} x ideal"
    )
    head = f"{'run':<14} {'LLM calls':>9} {'wall (s)':>9} {'ideal (s)':>9} {'ratio':>6}"
    print(f"{head} {'client CPU ms/article':>22}")
    for name, calls, wall, cpu_ms, bound in rows:
        ratio = f"{bound:>9.2f} {wall / bound:>6.3f}" if bound else f"{'-':>9} {'-':>6}"
        print(f"{name:<14} {calls:>9} {wall:>9.3f} {ratio} {cpu_ms:>22.2f}")


if __name__ == "__main__":
    main()
