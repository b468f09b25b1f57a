"""Scoring an event partition against a gold file, next to a TF-IDF clustering baseline.

* **B-cubed** precision/recall/F1 of the event partition (per item: the share of its
  predicted cluster that is in its gold cluster, and vice versa; averaged over items),
  and the pairs behind it (:func:`pair_errors`: same-event pairs split, others merged).
* **Grounding precision**: the share of evidence spans that are exact against their
  article's text.
* **Recall** of gold participants, topics and commitments, when the gold file lists them:
  a gold participant is found when a record of the article's event has a participant or
  alias that the entity rules call the same; a topic or commitment when enough of its
  content words recur in one label (or actor plus action).
* **Baseline**: pure-Python TF-IDF (the same tokens and weights as grouping) + cosine +
  a threshold, clustered by connected components and by average linkage; every threshold
  from 0.05 to 0.60 is tried and the best F1 reported, so the structured grouping is
  compared with the baseline at *its* best.

Gold file (JSON lines): ``{"id": ARTICLE, "event": EVENT}`` per article (``"cluster"`` is
accepted for ``"event"``), and optionally ``{"event": EVENT, "participants": [...],
"topics": [...], "commitments": [{"actor": ..., "action": ...}]}`` per event.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from summarizer.events.entities import parse_name, rule_same_entity
from summarizer.events.features import TfidfCorpus, extract_features
from summarizer.text import tokenize
from summarizer.types import Article, EventRecord

__all__ = [
    "BCubed",
    "Gold",
    "baseline_partition",
    "bcubed",
    "best_baseline",
    "grounding_precision",
    "item_recall",
    "load_gold",
    "pair_errors",
    "partition_of",
]


@dataclass(frozen=True)
class BCubed:
    precision: float
    recall: float
    f1: float


def bcubed(pred: Mapping[str, str], gold: Mapping[str, str]) -> BCubed:
    """B-cubed scores of a predicted item -> cluster map against the gold one.

    Items only in ``gold`` count as singletons of the prediction.
    """
    pred = {k: pred.get(k, f"__single__{k}") for k in gold}
    members: dict[tuple[str, str], set[str]] = {}
    for k, c in pred.items():
        members.setdefault(("p", c), set()).add(k)
    for k, c in gold.items():
        members.setdefault(("g", c), set()).add(k)
    p = r = 0.0
    for k in gold:
        mine, truth = members[("p", pred[k])], members[("g", gold[k])]
        both = len(mine & truth)
        p += both / len(mine)
        r += both / len(truth)
    n = len(gold) or 1
    p, r = p / n, r / n
    return BCubed(p, r, 2 * p * r / (p + r) if p + r else 0.0)


def partition_of(groups: Iterable[Iterable[str]]) -> dict[str, str]:
    """Item -> cluster label from a list of groups."""
    return {item: str(k) for k, group in enumerate(groups) for item in group}


def pair_errors(groups: Iterable[Iterable[str]], gold: Mapping[str, str]) -> tuple[int, int]:
    """``(split, merged)``: pairs of ``gold``'s items of one event that ``groups`` puts
    apart, and pairs of two events it puts together (an item in no group is alone)."""
    of = partition_of(groups)
    split = merged = 0
    for a, b in itertools.combinations(sorted(gold), 2):
        same = gold[a] == gold[b]
        together = a in of and of[a] == of.get(b)
        split += same and not together
        merged += together and not same
    return split, merged


@dataclass
class Gold:
    events: dict[str, str]
    participants: dict[str, list[str]] = field(default_factory=dict)
    topics: dict[str, list[str]] = field(default_factory=dict)
    commitments: dict[str, list[dict[str, str]]] = field(default_factory=dict)


def load_gold(path: Path) -> Gold:
    gold = Gold(events={})
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        event = row.get("event", row.get("cluster"))
        if "id" in row:
            gold.events[row["id"]] = event
        else:
            gold.participants[event] = row.get("participants", [])
            gold.topics[event] = row.get("topics", [])
            gold.commitments[event] = row.get("commitments", [])
    return gold


def grounding_precision(
    records: Sequence[EventRecord], articles: Mapping[str, Article]
) -> tuple[float, int]:
    """(share of exact spans, number of spans) over every span in ``records``."""
    spans: list[dict[str, Any]] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if {"article_id", "start", "end", "text"} <= node.keys():
                spans.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk([r.model_dump(mode="json") for r in records])
    exact = sum(
        1
        for s in spans
        if s["article_id"] in articles
        and articles[s["article_id"]].text[s["start"] : s["end"]] == s["text"]
    )
    return (exact / len(spans) if spans else 1.0), len(spans)


def _words_found(wanted: str, candidates: Iterable[str], share: float = 0.5) -> bool:
    want = set(tokenize(wanted))
    return bool(want) and any(len(want & set(tokenize(c))) / len(want) >= share for c in candidates)


def item_recall(records: Sequence[EventRecord], gold: Gold) -> dict[str, float]:
    """Recall of gold participants/topics/commitments in the records of each gold event."""
    found = {"participants": [0, 0], "topics": [0, 0], "commitments": [0, 0]}
    for event, names in gold.participants.items():
        ids = {a for a, e in gold.events.items() if e == event}
        mine = [r for r in records if ids & set(r.articles)]
        for name in names:
            g = parse_name(name)
            hit = any(
                rule_same_entity(g, parse_name(alias)) is True
                for r in mine
                for p in r.participants
                for alias in [p.name, *p.aliases]
            )
            found["participants"][0] += hit
            found["participants"][1] += 1
        for topic in gold.topics.get(event, []):
            labels = [lab for r in mine for t in r.topics for lab in [t.label, *t.aliases]]
            found["topics"][0] += _words_found(topic, labels)
            found["topics"][1] += 1
        for com in gold.commitments.get(event, []):
            texts = [f"{c.actor} {c.action}" for r in mine for c in r.commitments]
            found["commitments"][0] += _words_found(f"{com['actor']} {com['action']}", texts, 0.4)
            found["commitments"][1] += 1
    return {k: hit / total for k, (hit, total) in found.items() if total}


def _similarities(articles: Sequence[Article]) -> list[list[float]]:
    docs = [extract_features(a.id, a, None) for a in articles]
    corpus = TfidfCorpus()
    for d in docs:
        corpus.add(d)
    vecs = [corpus.vector(d) for d in docs]
    return [[sum(x * v.get(w, 0.0) for w, x in u.items()) for v in vecs] for u in vecs]


def _agglomerate(sim: list[list[float]], threshold: float, linkage: str) -> list[list[int]]:
    clusters: list[list[int]] = [[i] for i in range(len(sim))]
    while True:
        best: tuple[float, int, int] | None = None
        for x in range(len(clusters)):
            for y in range(x + 1, len(clusters)):
                pairs = [sim[i][j] for i in clusters[x] for j in clusters[y]]
                link = max(pairs) if linkage == "single" else sum(pairs) / len(pairs)
                if link >= threshold and (best is None or link > best[0]):
                    best = (link, x, y)
        if best is None:
            return clusters
        _, x, y = best
        clusters[x] = sorted(clusters[x] + clusters.pop(y))


def baseline_partition(
    articles: Sequence[Article], threshold: float, linkage: str = "average"
) -> list[list[str]]:
    """TF-IDF cosine clustering: connected components (``single``) or average linkage."""
    groups = _agglomerate(_similarities(articles), threshold, linkage)
    return [[articles[i].id for i in g] for g in groups]


def best_baseline(
    articles: Sequence[Article], gold: Mapping[str, str]
) -> dict[str, tuple[float, BCubed]]:
    """Best threshold and scores of each baseline linkage (``single``, ``average``)."""
    sim = _similarities(articles)
    out: dict[str, tuple[float, BCubed]] = {}
    for linkage in ("single", "average"):
        for step in range(5, 61):
            groups = _agglomerate(sim, step / 100, linkage)
            score = bcubed(partition_of([[articles[i].id for i in g] for g in groups]), gold)
            if linkage not in out or score.f1 > out[linkage][1].f1:
                out[linkage] = (step / 100, score)
    return out
