"""Benchmark: grouping + merge of 10k and 100k synthetic briefs.

Run: ``.venv/bin/python benchmarks/bench_consolidate.py [--sizes 10000 100000]``

The corpus is generated deterministically (``random.Random(seed)``): events with 2-6
briefs each, two participants from a pool of realistic names, topics from a fixed list,
an event type, weekday, place and a counted figure; a share of events get a
"similar but different" twin (same participants and one shared topic; another weekday,
type, place, programme and figure). Each
brief has a short article whose spans are exact. The inputs are moved out of the cyclic
GC's way (``gc.freeze()``) before timing, as a long-running service would do with its
loaded data. Every size runs in its own subprocess so
the peak RSS (``resource.getrusage``) is that size's own. Prints one table with time,
peak memory, B-cubed F1 against the generator's events, and the 10k -> 100k time ratio.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Literal

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from summarizer.evaluate import bcubed, partition_of
from summarizer.events.consolidate import consolidate
from summarizer.events.group import GroupConfig
from summarizer.types import (
    Article,
    Brief,
    BriefMeta,
    EventInfo,
    Figure,
    Participant,
    Span,
    Topic,
    Usage,
)


def _words(text: str) -> list[str]:
    return text.split()


FIRST = _words(
    "William Marco Antony Emmanuel Angela Olaf Keir Giorgia Narendra Cyril Bola Yoweri "
    "Samia Paul Abiy Javier Luiz Justin Fumio Anthony Recep Mohammed Ursula Charles Pedro "
    "Donald Joe Kamala Xi Vladimir Volodymyr Benjamin Mahmoud Ali Hassan Sheikh"
)
LAST = _words(
    "Ruto Rubio Blinken Macron Merkel Scholz Starmer Meloni Modi Ramaphosa Tinubu Museveni "
    "Hassan Kagame Ahmed Milei Lula Trudeau Kishida Albanese Erdogan Salman Leyen Michel "
    "Sanchez Trump Biden Harris Jinping Putin Zelensky Netanyahu Abbas Khamenei Rouhani "
    "Mohamud Kiir Tshisekedi Akufo Sall Ouattara Tebboune Saied Sisi Dbeibah Burhan"
)
COUNTRIES = _words(
    "Kenya United States France Germany United Kingdom Italy India South Africa "
    "Nigeria Uganda Tanzania Rwanda Ethiopia Argentina Brazil Canada Japan"
)
TOPICS = (
    "trade agreement",
    "security cooperation",
    "climate finance",
    "debt relief",
    "peace talks",
    "energy investment",
    "migration",
    "public health",
    "food security",
    "digital economy",
    "infrastructure loans",
    "counter-terrorism",
    "tariffs",
    "refugee aid",
    "election observers",
    "mining rights",
    "fisheries",
    "space launch",
)
TYPES = (
    "held a telephone conversation with",
    "met with",
    "signed an agreement with",
    "held talks with",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SYLL = _words("ka ri to mo na be lu sa vi ne do ga pe zu ha qi ro te wa mi")
FILLER = _words(
    "officials said the discussions were productive and both sides expect further "
    "engagement in the coming weeks as analysts watch the region closely while markets "
    "reacted calmly to the news and diplomats noted the growing partnership"
)
META = BriefMeta(
    model="synthetic",
    prompt_id="bench",
    prompt_hash="0",
    schema_version="1",
    usage=Usage(),
    attempts=1,
    latency_s=0.0,
)


def _word(rng: random.Random, n: int = 3) -> str:
    return "".join(rng.choice(SYLL) for _ in range(n)).capitalize()


def _sp(text: str, quote: str) -> Span:
    start = text.index(quote)
    return Span(start=start, end=start + len(quote), text=quote)


def generate(n_briefs: int, seed: int = 7) -> tuple[list[Brief], list[Article], dict[str, str]]:
    rng = random.Random(seed)
    briefs: list[Brief] = []
    articles: list[Article] = []
    gold: dict[str, str] = {}
    event = 0
    twin: dict[str, object] | None = None
    while len(briefs) < n_briefs:
        if twin is not None:  # similar but different: same actors, other day/type/figure
            facts = dict(twin)
            facts["type"] = rng.choice([t for t in TYPES if t != twin["type"]])
            facts["day"] = rng.choice([d for d in WEEKDAYS if d != twin["day"]])
            facts["count"] = int(str(twin["count"])) + rng.randint(3, 40)
            facts["place"] = _word(rng) + " City"
            facts["project"] = _word(rng, 4)
            facts["topics"] = [next(iter(twin["topics"])), rng.choice(TOPICS)]  # type: ignore[call-overload]
            twin = None
        else:
            a = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            b = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            facts = {
                "a": a,
                "b": b,
                "ca": rng.choice(COUNTRIES),
                "cb": rng.choice(COUNTRIES),
                "type": rng.choice(TYPES),
                "day": rng.choice(WEEKDAYS),
                "topics": rng.sample(TOPICS, 2),
                "place": _word(rng) + " City",
                "project": _word(rng, 4),
                "count": rng.randint(5, 900),
            }
            if rng.random() < 0.2:
                twin = facts
        event += 1
        for k in range(rng.randint(2, 6)):
            aid = f"a{len(articles):06d}"
            topics = list(facts["topics"])  # type: ignore[call-overload]
            lead = (
                f"President {facts['a']} {facts['type']} {facts['b']} on {facts['day']} "
                f"in {facts['place']}, focusing on {topics[0]} and {topics[1]}."
            )
            body = (
                f" The {facts['project']} programme covers {facts['count']} projects. "
                + " ".join(rng.sample(FILLER, 12))
                + f". {_word(rng, 4)} {_word(rng, 4)} said."
            )
            text = lead + body
            articles.append(Article(id=aid, text=text))
            gold[aid] = str(event)
            names = [str(facts["a"]), str(facts["b"])]
            brief = Brief(
                article_id=aid,
                summary=lead,
                event=EventInfo(
                    what=f"{facts['a']} {facts['type']} {facts['b']}",
                    date_text=f"on {facts['day']}",
                    place=str(facts["place"]),
                    evidence=[_sp(text, lead[:-1])],
                ),
                participants=[
                    Participant(
                        name=("President " + n) if k % 2 and i == 0 else n,
                        country=str(facts["ca" if i == 0 else "cb"]),
                        evidence=[_sp(text, n)],
                    )
                    for i, n in enumerate(names)
                ],
                topics=[Topic(label=t, evidence=[_sp(text, t)]) for t in topics],
                figures=[
                    Figure(
                        what="projects covered",
                        value=str(facts["count"]),
                        evidence=[_sp(text, f"{facts['count']} projects")],
                    )
                ],
                meta=META,
            )
            briefs.append(brief)
    return (
        briefs[:n_briefs],
        articles[:n_briefs],
        {k: gold[k] for k in [a.id for a in articles[:n_briefs]]},
    )


def run_one(n: int, scorer: Literal["learned", "rules"] = "rules") -> dict[str, float]:
    briefs, articles, gold = generate(n)
    gc.collect()
    gc.freeze()  # the inputs are long-lived: keep the cyclic GC from rescanning them
    start = time.perf_counter()
    records = consolidate(briefs, articles, config=GroupConfig(scorer=scorer))
    elapsed = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    f1 = bcubed(partition_of(r.articles for r in records), gold).f1
    return {"n": n, "seconds": elapsed, "peak_mb": peak_kb / 1024, "events": len(records), "f1": f1}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--scorer", choices=["rules", "learned"], default=GroupConfig().scorer)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.scorer)))
        return
    rows = []
    for n in args.sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(n), "--scorer", args.scorer],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        rows.append(json.loads(out.strip().splitlines()[-1]))
    print(f"{'briefs':>8} {'events':>7} {'time (s)':>9} {'peak RSS (MB)':>14} {'B3 F1':>6}")
    for r in rows:
        print(
            f"{r['n']:>8} {r['events']:>7} {r['seconds']:>9.1f} {r['peak_mb']:>14.0f} "
            f"{r['f1']:>6.3f}"
        )
    if len(rows) >= 2:
        print(
            f"time ratio {rows[0]['n']} -> {rows[-1]['n']}: "
            f"{rows[-1]['seconds'] / rows[0]['seconds']:.1f} "
            f"(size ratio {rows[-1]['n'] / rows[0]['n']:.0f})"
        )


if __name__ == "__main__":
    main()
