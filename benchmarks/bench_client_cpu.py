"""Benchmark: the client's CPU time per article, and where it goes.

Run: ``.venv/bin/python benchmarks/bench_client_cpu.py [--n 200] [--mode json_with_schema]``

Starts :mod:`loopback` with no latency (a separate process, so its CPU is not counted)
and briefs ``n`` distinct ~1k-token articles one after another with one ``Extractor``.
``time.process_time()`` around each ``await extractor.extract(article)`` is the whole
client side: prompt build, the openai SDK and its HTTP client, instructor, JSON parsing
and pydantic validation, the item checks, assembly. Goal: median <= 5 ms.

Then the same run under ``cProfile`` with a CPU clock attributes the time to the stages
(inclusive times; profiling inflates call-heavy code, so read them as rough shares), and a
few fixed per-request costs are measured directly with ``timeit``.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import statistics
import sys
import time
import timeit
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from loopback import article_text, serve

from summarizer import Article, Brief, Extractor, LLMConfig

STAGES = [
    # (label, file suffix, function name): inclusive CPU time of that function
    ("whole extract()", "summarizer/extract/extractor.py", "extract"),
    ("  prompt build (messages)", "summarizer/extract/extractor.py", "messages"),
    ("  request prep (instructor handler)", "summarizer/llm/backend.py", "_kwargs"),
    ("  HTTP: openai client + transport", "summarizer/llm/backend.py", "_post"),
    ("  answer parse (instructor parser)", "summarizer/llm/backend.py", "_parse"),
    ("  checks + assembly", "summarizer/extract/extractor.py", "brief_from_draft"),
    ("    text figures (numbers.py)", "summarizer/extract/numbers.py", "find_figures"),
]


async def timed(articles: list[Article], config: LLMConfig) -> list[float]:
    out = []
    async with Extractor(config) as extractor:
        for article in articles[:20]:  # warm-up: connection, schema caches, imports
            await extractor.extract(article)
        for article in articles:
            started = time.process_time()
            brief = await extractor.extract(article)
            out.append(time.process_time() - started)
            assert isinstance(brief, Brief)
    return out


async def plain(articles: list[Article], config: LLMConfig) -> None:
    async with Extractor(config) as extractor:
        for article in articles:
            await extractor.extract(article)


def profile(articles: list[Article], config: LLMConfig) -> dict[str, float]:
    asyncio.run(plain(articles[:20], config))
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    asyncio.run(plain(articles, config))
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    out: dict[str, float] = {}
    for label, suffix, name in STAGES:
        total = 0.0
        for (file, _, func), (_, _, _, cumulative, _) in stats.items():
            if func == name and file.endswith(suffix):
                total = max(total, cumulative)
        out[label] = total / len(articles) * 1000
    return out


def micro(config: LLMConfig) -> dict[str, float]:
    """Per-request costs measured directly (no profiler), in ms."""
    from instructor.v2.core.response_model import prepare_response_model
    from instructor.v2.validation.async_validators import reject_async_validators
    from loopback import answer

    from summarizer import Usage
    from summarizer.extract.schema import Draft
    from summarizer.llm.http import read_completion
    from summarizer.llm.structured import ready

    extractor = Extractor(config)
    backend: Any = extractor.backend
    article = Article(id="m", text=article_text(7))
    messages = extractor.messages(article)
    raw = answer(backend.request_body(messages, Draft))
    completion = read_completion(raw)
    draft = backend.parse(completion, Draft)

    def ms(fn: object, number: int = 300) -> float:
        return timeit.timeit(fn, number=number) / number * 1000  # type: ignore[arg-type]

    def checks() -> None:
        extractor.brief_from_draft(article, draft, usage=Usage(), attempts=1)

    return {
        "prompt build (messages)": ms(lambda: extractor.messages(article)),
        "request prep (instructor handler)": ms(lambda: backend._kwargs(messages, Draft)),
        "answer parse (completion + Draft)": ms(
            lambda: backend.parse(read_completion(raw), Draft), 1000
        ),
        "checks + assembly": ms(checks),
        # What instructor's patched create() did on every call and the backend's own
        # loop around the same handlers does not: prepare the (already wrapped) model,
        # walk it four times for async validators.
        "avoided: create()'s per-call model prep": ms(
            lambda: prepare_response_model(ready(Draft)), 100
        )
        + 4 * ms(lambda: reject_async_validators(ready(Draft))),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--mode", default="json_with_schema")
    parser.add_argument("--transport", default="aiohttp", choices=["aiohttp", "httpx"])
    parser.add_argument("--idle-n", type=int, default=50, help="articles with a 0.2 s server")
    args = parser.parse_args()
    articles = [Article(id=f"a{i}", text=article_text(i)) for i in range(args.n + 20)]
    with serve(0.0) as base_url:
        config = LLMConfig(
            model="bench", base_url=base_url, api_key="x", mode=args.mode, transport=args.transport
        )
        cpu = asyncio.run(timed(articles[20:], config))
        shares = profile(articles[20:], config)
    with serve(0.2) as base_url:
        config = config.replace(base_url=base_url)
        idle = sorted(x * 1000 for x in asyncio.run(timed(articles[20 : 20 + args.idle_n], config)))
    ms = sorted(x * 1000 for x in cpu)
    median = statistics.median(ms)
    whole = shares[STAGES[0][0]] or 1.0
    print(
        f"client CPU per ~1k-token article, mode={args.mode}, "
        f"transport={args.transport}, n={args.n}"
    )
    print(f"{'measure':<40} {'ms/article':>10} {'share':>6}")
    print(f"{'median (process_time, no profiler)':<40} {median:>10.2f} {'':>6}")
    print(f"{'p90':<40} {ms[int(len(ms) * 0.9)]:>10.2f} {'':>6}")
    label = "median, server latency 0.2 s (CPU idles)"
    print(f"{label:<40} {statistics.median(idle):>10.2f} {'':>6}")
    print("stages: cProfile share of extract(), times the median above")
    for label, value in shares.items():
        print(f"{label:<40} {median * value / whole:>10.2f} {value / whole:>6.0%}")
    print("measured directly (timeit, no profiler)")
    for label, value in micro(config).items():
        print(f"{label:<40} {value:>10.2f} {'':>6}")


if __name__ == "__main__":
    main()
