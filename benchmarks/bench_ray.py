"""Benchmark: the Ray Data path (summarizer.scale) against the in-process one.

Run: ``.venv/bin/python benchmarks/bench_ray.py [--n 1000] [--latency 0.2] [--actors 2]
[--concurrency 8] [--briefs 100000]``

1. **LLM stage overhead**: ``n`` articles against :mod:`loopback` (every answer after
   exactly ``latency`` s) at equal requests in flight: ``Extractor.extract_many`` with
   ``concurrency = actors * C`` in one process, and :func:`summarizer.scale.extract_dataset`
   with ``actors`` actors of ``C`` each on one node (Ray started before timing; actor
   start-up is in the time). The ratio Ray / asyncio is the overhead (goal <= 1.3).
2. **Grouping + merge**: ``--briefs`` synthetic briefs (``bench_consolidate.generate``)
   through :func:`summarizer.scale.consolidate_dataset` and through ``consolidate`` in
   process; the partitions are compared.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from loopback import article_text, serve

from summarizer import Article, Brief, Extractor, LLMConfig, consolidate


async def _asyncio(articles: list[Article], config: LLMConfig, c: int) -> float:
    async with Extractor(config) as extractor:
        started = time.perf_counter()
        results = await extractor.extract_many(articles, concurrency=c)
        wall = time.perf_counter() - started
    assert all(isinstance(r, Brief) for r in results)
    return wall


def llm_stage(args: argparse.Namespace) -> None:
    import ray

    from summarizer.scale import extract_dataset

    articles = [Article(id=f"a{i:06d}", text=article_text(i)) for i in range(args.n)]
    rows = [{"id": a.id, "text": a.text} for a in articles]
    inflight = args.actors * args.concurrency
    with serve(args.latency) as base_url:
        config = LLMConfig(model="bench", base_url=base_url, api_key="x", mode="json_with_schema")
        asyncio.run(_asyncio(articles[:20], config, inflight))  # warm-up
        local = asyncio.run(_asyncio(articles, config, inflight))
        ds = ray.data.from_items(rows).materialize()
        started = time.perf_counter()
        out = extract_dataset(ds, config, actors=args.actors, concurrency=args.concurrency)
        statuses = [r["status"] for r in out.select_columns(["status"]).take_all()]
        distributed = time.perf_counter() - started
    assert statuses.count("ok") == args.n, statuses
    ideal = args.n * args.latency / inflight
    print(
        f"LLM stage: n={args.n}, L={args.latency}s, {inflight} in flight "
        f"({args.actors} actors x {args.concurrency}); ideal {ideal:.2f} s"
    )
    print(
        f"  asyncio {local:.2f} s ({local / ideal:.2f}x ideal), ray {distributed:.2f} s "
        f"({distributed / ideal:.2f}x ideal); overhead ratio ray/asyncio "
        f"{distributed / local:.3f}"
    )


def grouping(args: argparse.Namespace) -> None:
    import ray
    from bench_consolidate import generate

    from summarizer.scale import consolidate_dataset, event_records
    from summarizer.scale.rows import brief_row

    briefs, articles, _ = generate(args.briefs)
    by_id = {a.id: a for a in articles}
    started = time.perf_counter()
    local = consolidate(briefs, articles)
    in_process = time.perf_counter() - started
    rows = [brief_row(by_id[b.article_id], b) for b in briefs]
    ds = ray.data.from_items(rows).materialize()
    del rows
    started = time.perf_counter()
    stats: dict[str, int] = {}
    events = event_records(consolidate_dataset(ds, stats=stats))
    distributed = time.perf_counter() - started
    same = sorted(sorted(e.articles) for e in events) == sorted(sorted(e.articles) for e in local)
    print(
        f"grouping + merge of {args.briefs} briefs: in process {in_process:.1f} s, "
        f"ray {distributed:.1f} s (x{distributed / in_process:.2f}); {len(events)} events; "
        f"same partition: {same}; {stats}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--actors", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--briefs", type=int, default=100_000, help="0: skip the grouping")
    parser.add_argument("--object-store-mb", type=int, default=4000)
    parser.add_argument("--skip-llm", action="store_true")
    args = parser.parse_args()
    import ray

    from summarizer.scale import connect

    connect(None, object_store_memory=args.object_store_mb * 1024**2, log_to_driver=False)
    ray.data.DataContext.get_current().enable_progress_bars = False
    if not args.skip_llm:
        llm_stage(args)
    if args.briefs:
        grouping(args)


if __name__ == "__main__":
    main()
