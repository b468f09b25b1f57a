"""Benchmark: the LLM adjudicator where the pair scorer is unsure (issue #13).

Run: ``.venv/bin/python benchmarks/bench_adjudicate.py [--set ecbplus|devset] [--limit N]
[--margin M] [--no-model]``

Groups a labelled set from the text alone (``extract_features(..., None)``, no publication
dates, like the hidden set) with the learned scorer, three ways, through the library's own
:func:`~summarizer.events.group.group_documents`:

1. no adjudicator;
2. an *oracle* that answers every question the linkage asks from the gold labels: the
   ceiling of adjudication at this margin (how many calls, how much it could gain);
3. :class:`~summarizer.events.adjudicate.LLMAdjudicator` on the embedded model
   (Qwen2.5-Coder-1.5B, started here; ``--no-model`` skips it), asked the same questions
   with the library's own descriptions (:func:`~summarizer.events.consolidate.describe_event`
   of the article: its lead, up to 300 characters).

Per run: calls, answers (yes / no / abstain), answers that agree with the gold (the two
documents the linkage's edge joins: same gold event or not), seconds, and B-cubed P/R/F1
with the topics whose two ECB+ events share a group. ``--limit N`` lets the model answer
only the first N questions (the rest abstain, so the scorer decides) to bound the time:
about 5-10 s per call on two cores.

The texts (``shared/`` beside the repository) are the outlets' copyright: read at run
time, never copied.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_grouping import merged_topics  # noqa: E402  (beside this script)

from summarizer.evaluate import bcubed, load_articles, load_gold, partition_of  # noqa: E402
from summarizer.events.consolidate import describe_event  # noqa: E402
from summarizer.events.entities import Adjudicator  # noqa: E402
from summarizer.events.features import extract_features  # noqa: E402
from summarizer.events.group import GroupConfig, group_documents  # noqa: E402
from summarizer.types import Article  # noqa: E402

SHARED = ROOT.parent / "shared"


@dataclass
class Recorder:
    """Wraps an adjudicator; keeps every event question with its answer and the truth."""

    inner: Adjudicator | None
    gold: Mapping[str, str]
    ids_of: Mapping[str, str]  # description -> doc id
    limit: int | None = None
    name: str = "recorder"
    rows: list[tuple[str, str, bool | None, bool]] = field(default_factory=list)
    seconds: float = 0.0

    def same_entity(self, a: str, b: str) -> bool | None:
        return None

    def same_event(self, a: str, b: str) -> bool | None:
        x, y = self.ids_of[a], self.ids_of[b]
        truth = self.gold[x] == self.gold[y]
        answer: bool | None = None
        if self.inner is not None and (self.limit is None or len(self.rows) < self.limit):
            t = time.perf_counter()
            answer = self.inner.same_event(a, b)
            self.seconds += time.perf_counter() - t
        self.rows.append((x, y, answer, truth))
        return answer

    def summary(self) -> str:
        asked = [r for r in self.rows if r[2] is not None]
        right = sum(1 for r in asked if r[2] == r[3])
        yes = sum(1 for r in asked if r[2])
        same = sum(1 for r in self.rows if r[3])
        per = f", {self.seconds / len(asked):.1f} s per answer" if asked else ""
        return (
            f"questions {len(self.rows)} (truly same {same}); answered {len(asked)}: "
            f"yes {yes}, no {len(asked) - yes}, right {right}/{len(asked)}{per}"
        )


class Oracle:
    name = "oracle"

    def __init__(self, gold: Mapping[str, str], ids_of: Mapping[str, str]) -> None:
        self.gold, self.ids_of = gold, ids_of

    def same_entity(self, a: str, b: str) -> bool | None:
        return None

    def same_event(self, a: str, b: str) -> bool | None:
        return self.gold[self.ids_of[a]] == self.gold[self.ids_of[b]]


def run(
    articles: Sequence[Article],
    gold: Mapping[str, str],
    config: GroupConfig,
    adj: Recorder | None,
    ecbplus: bool,
) -> str:
    docs = [extract_features(a.id, a, None) for a in articles]
    describe = {i: describe_event(None, a) for i, a in enumerate(articles)}
    grouping = group_documents(docs, config, adj, describe)
    groups = [[docs[i].doc_id for i in g] for g in grouping.groups]
    s = bcubed(partition_of(groups), gold)
    merged = len(merged_topics(groups, gold)) if ecbplus else "-"  # ECB+'s two events a topic
    return f"P {s.precision:.3f} R {s.recall:.3f} F1 {s.f1:.3f}  topics merged {merged}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", default="ecbplus", choices=("ecbplus", "devset"))
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--margin", type=float, default=GroupConfig().adjudicate_margin)
    parser.add_argument("--no-model", action="store_true")
    parser.add_argument("--prompt", default=None, help="the adjudication prompt's name")
    args = parser.parse_args()
    folder = SHARED / args.set
    articles = [
        a.model_copy(update={"published": None}) for a in load_articles(folder / "articles.jsonl")
    ]
    gold = load_gold(folder / "gold.jsonl").events
    ecbplus = args.set == "ecbplus"
    ids_of: dict[str, str] = {}
    for a in articles:  # a description two articles share is scored by the first one's label
        ids_of.setdefault(describe_event(None, a), a.id)
    shared = len(articles) - len(ids_of)
    config = GroupConfig(scorer="learned", adjudicate_margin=args.margin)
    print(
        f"{args.set}: {len(articles)} articles ({shared} share another's description), "
        f"learned scorer, margin {args.margin}"
    )
    print(f"  no adjudicator   {run(articles, gold, config, None, ecbplus)}")
    oracle = Recorder(Oracle(gold, ids_of), gold, ids_of)
    print(f"  oracle           {run(articles, gold, config, oracle, ecbplus)}")
    print(f"                   {oracle.summary()}")
    if args.no_model:
        return
    from summarizer import local_server
    from summarizer.events.adjudicate import ADJUDICATE_PROMPT, LLMAdjudicator

    with local_server() as llm:
        adjudicator = LLMAdjudicator(llm, prompt=args.prompt or ADJUDICATE_PROMPT)
        print(f"  prompt {adjudicator.prompt.id} ({adjudicator.prompt.hash[:12]})")
        model = Recorder(adjudicator, gold, ids_of, args.limit)
        print(f"  embedded model   {run(articles, gold, config, model, ecbplus)}", flush=True)
        print(f"                   {model.summary()}")


if __name__ == "__main__":
    main()
