"""Event grouping: which briefs/articles report the same real-world happening.

Method
------
Each document becomes a :class:`~summarizer.events.features.DocFeatures` (its TF-IDF vector,
lead cues, publication date and, with a brief, its participants, topics, date and place).

A pair score starts from the cosine and adds ``lead_weight * (coverage - 0.5)``, where
coverage is the idf-weighted share of each lead's names that the other text mentions (the
smaller of the two directions), plus brief agreement (participants, topics). Penalties are
subtracted for contradictions: counted quantities that differ for the same noun, dates or
weekdays that differ (two briefs' dates: :func:`~summarizer.events.brief_terms.brief_dates`),
different event types, disjoint participants, conflicting places. Publication dates
further apart than ``date_window_days`` forbid a link outright.

**Blocking** avoids the quadratic pass: each document is indexed under its
:func:`~summarizer.events.features.blocking_keys` (rarest terms, lead names, participant keys);
posting lists longer than ``max_postings`` are ignored and each document keeps its
``max_candidates`` best candidates by number of shared keys. Only those pairs are scored.

The default scorer, ``GroupConfig(scorer="learned")``, replaces the text part of this
hand-tuned score (cosine, coverage, counts, dates, lead actors, event types; kept as
``scorer="rules"``) by the logistic pair scorer of :mod:`summarizer.events.pairs` (fitted
on ECB+, issue #13) and weighs the brief terms
(:func:`~summarizer.events.brief_terms.brief_features`: participants, topics, kinds of
happening, places, event dates) by its own ``BRIEF_WEIGHTS``; the hard rules stay. For
both scorers, a brief's event date read off the article's byline or date line is the
report's date and is not used as the event's.

**Clustering** is average linkage, best first, over the clusters the candidate edges join:
the two with the highest mean score over their cross pairs (missing pairs scored on demand,
at most ``max_link_pairs`` of them) merge while that mean reaches ``threshold`` and no
cross pair is forbidden. Two clusters of several documents must clear the threshold by up
to ``cluster_penalty`` (:func:`~summarizer.events.clusters.size_penalty`; the learned
scorer's is fitted on ECB+ after its threshold, the rules' is 0). An optional
:class:`~summarizer.events.entities.Adjudicator` decides merges whose mean lands within
``adjudicate_margin`` of the threshold; each decision is recorded.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from summarizer.events import pairs
from summarizer.events.brief_terms import brief_dates, brief_features, brief_terms
from summarizer.events.clusters import best_first, cross_pairs, size_penalty
from summarizer.events.entities import Adjudicator
from summarizer.events.features import (
    DocFeatures,
    TfidfCorpus,
    blocking_keys,
    cosine,
    extract_features,
    resolve_weekday,
)
from summarizer.events.names import by_noun
from summarizer.events.pairs import learned_value, pair_features
from summarizer.text import WEEKDAYS
from summarizer.types import Adjudication

__all__ = [
    "DocFeatures",
    "GroupConfig",
    "Grouping",
    "PairScore",
    "TfidfCorpus",
    "adjudicate_link",
    "blocking_keys",
    "candidate_pairs",
    "extract_features",
    "group_documents",
    "link_documents",
    "near_threshold",
    "resolve_weekday",
    "score_pair",
]
# DocFeatures, TfidfCorpus, ... live in events.features; importable here, where 0.1 had them.


@dataclass(frozen=True)
class GroupConfig:
    """Weights and thresholds of the pair score and clustering. The weights from
    ``lead_weight`` to ``place_penalty`` are the rules' (tuned on the dev set); the learned
    scorer's are fitted (:mod:`summarizer.events.pairs`)."""

    threshold: float = 0.2
    lead_weight: float = 0.3
    count_penalty: float = 0.15
    date_penalty: float = 0.25
    weekday_penalty: float = 0.1
    type_penalty: float = 0.15
    participant_weight: float = 0.05
    participant_penalty: float = 0.2
    topic_weight: float = 0.1
    place_penalty: float = 0.05
    date_window_days: int = 30
    brief_date_veto_days: int = 7
    block_terms: int = 12
    max_postings: int = 200
    max_candidates: int = 20
    min_shared_keys: int = 2
    max_link_pairs: int = 64
    adjudicate_margin: float = 0.05
    # "learned": summarizer.events.pairs (fitted on ECB+; its brief terms weigh by
    # pairs.BRIEF_WEIGHTS, not by the weights above); "rules": the terms of score_pair
    scorer: Literal["learned", "rules"] = "learned"
    # what a merge of two clusters of several must clear beyond the threshold (clusters.
    # size_penalty); None: the scorer's own (learned: pairs.CLUSTER_PENALTY; rules: 0)
    cluster_penalty: float | None = None

    def merge_penalty(self) -> float:
        """:attr:`cluster_penalty`, or the scorer's own when it is None."""
        if self.cluster_penalty is not None:
            return self.cluster_penalty
        # read at call time, as learned_value reads the weights (a benchmark may set them)
        return pairs.SCALE * pairs.CLUSTER_PENALTY if self.scorer == "learned" else 0.0


@dataclass(frozen=True)
class PairScore:
    value: float
    forbidden: bool
    reasons: tuple[str, ...] = ()


def _coverage(a: DocFeatures, b: DocFeatures, corpus: TfidfCorpus) -> float:
    if not a.lead_names:
        return 0.5
    weights = [(n, corpus.idf(n)) for n in a.lead_names]
    return sum(w for n, w in weights if n in b.vocab) / sum(w for _, w in weights)


def _count_conflicts(a: DocFeatures, b: DocFeatures) -> list[str]:
    """Nouns both leads count, where neither text has any of the other lead's values."""
    if not a.lead_counts or not b.lead_counts:
        return []
    lead_a, lead_b = by_noun(a.lead_counts), by_noun(b.lead_counts)
    if not lead_a.keys() & lead_b.keys():
        return []
    all_a, all_b = by_noun(a.counts), by_noun(b.counts)
    out = []
    for noun in sorted(lead_a.keys() & lead_b.keys()):
        va, vb = lead_a[noun], lead_b[noun]
        if not va & all_b.get(noun, set()) and not vb & all_a.get(noun, set()):
            out.append(f"{noun}: {'/'.join(sorted(va))} vs {'/'.join(sorted(vb))}")
    return out


def _date_disagreement(
    a: DocFeatures, b: DocFeatures, config: GroupConfig
) -> tuple[float, str | None, bool]:
    """``(penalty, reason, forbidden)`` for the dates of ``a`` and ``b``.

    Two briefs' event dates: :func:`~summarizer.events.brief_terms.brief_dates`. A lead's first
    weekday may belong to a follow-up ("rescuers handed out tents Monday" after a Sunday
    quake), so it weighs ``weekday_penalty`` and a neighbouring day a quarter of that.
    """
    pa, pb = a.published, b.published
    if pa and pb and abs((pa - pb).days) > config.date_window_days:
        return 0.0, "published too far apart", True
    if a.date_from_brief and b.date_from_brief:
        return brief_dates(a, b, config)
    da, db = a.event_date, b.event_date
    if da and db and da != db:
        near = abs((da - db).days) <= 1
        return config.weekday_penalty / (4 if near else 1), f"dates {da} vs {db}", False
    if a.weekday is not None and b.weekday is not None and a.weekday != b.weekday:
        near = (a.weekday - b.weekday) % 7 in (1, 6)
        reason = f"weekdays {WEEKDAYS[a.weekday]} vs {WEEKDAYS[b.weekday]}"
        return config.weekday_penalty / (4 if near else 1), reason, False
    return 0.0, None, False


def score_pair(
    a: DocFeatures,
    b: DocFeatures,
    corpus: TfidfCorpus,
    config: GroupConfig,
    vectors: Mapping[str, Mapping[str, float]] | None = None,
) -> PairScore:
    """The evidence that ``a`` and ``b`` report the same event (see the module docstring)."""
    va = vectors[a.doc_id] if vectors and a.doc_id in vectors else corpus.vector(a)
    vb = vectors[b.doc_id] if vectors and b.doc_id in vectors else corpus.vector(b)
    if config.scorer == "learned":
        return _learned_score(a, b, corpus, config, va, vb)
    score = cosine(va, vb)
    reasons: list[str] = []
    cov = min(_coverage(a, b, corpus), _coverage(b, a, corpus))
    score += config.lead_weight * (cov - 0.5)
    if conflicts := _count_conflicts(a, b):
        score -= config.count_penalty
        reasons.append("counts " + "; ".join(conflicts[:3]))
    penalty, reason, forbidden = _date_disagreement(a, b, config)
    if forbidden:
        return PairScore(score, True, (*reasons, str(reason)))
    if reason is not None:
        score -= penalty
        reasons.append(reason)
    if not (a.participants and b.participants):
        actors_a = sorted(x for x in a.actors if x not in b.vocab)
        actors_b = sorted(x for x in b.actors if x not in a.vocab)
        if actors_a and actors_b:
            score -= config.participant_penalty
            reasons.append(f"lead actors {actors_a} vs {actors_b}")
    if a.event_type and b.event_type and a.event_type != b.event_type:
        score -= config.type_penalty
        reasons.append(f"types {a.event_type} vs {b.event_type}")
    score = brief_terms(score, a, b, config, reasons)
    return PairScore(score, False, tuple(reasons))


def _learned_score(
    a: DocFeatures,
    b: DocFeatures,
    corpus: TfidfCorpus,
    config: GroupConfig,
    va: Mapping[str, float],
    vb: Mapping[str, float],
) -> PairScore:
    """The learned text score (:mod:`summarizer.events.pairs`) plus the rules' brief terms
    and hard rules."""
    reasons: list[str] = []
    score = learned_value(pair_features(a, b, corpus, va, vb, reasons))
    pa, pb = a.published, b.published
    if pa and pb and abs((pa - pb).days) > config.date_window_days:
        return PairScore(score, True, (*reasons, "published too far apart"))
    x, forbidden = brief_features(a, b, config, reasons)
    if forbidden:
        return PairScore(score, True, tuple(reasons))
    score += pairs.SCALE * sum(w * v for w, v in zip(pairs.BRIEF_WEIGHTS, x, strict=True))
    return PairScore(score, False, tuple(reasons))


def candidate_pairs(
    docs: Sequence[DocFeatures], corpus: TfidfCorpus, config: GroupConfig
) -> list[tuple[int, int]]:
    """Pairs ``(i, j)``, ``i < j``, that share a blocking key (see the module docstring)."""
    postings: dict[str, list[int]] = {}
    keys = [blocking_keys(doc, corpus, config) for doc in docs]
    for i, doc_keys in enumerate(keys):
        for key in doc_keys:
            postings.setdefault(key, []).append(i)
    pairs: set[tuple[int, int]] = set()
    for i, doc_keys in enumerate(keys):
        shared: Counter[int] = Counter()
        for key in doc_keys:
            posting = postings[key]
            if len(posting) <= config.max_postings:
                shared.update(posting)
        del shared[i]
        best = sorted(
            (kv for kv in shared.items() if kv[1] >= config.min_shared_keys),
            key=lambda kv: (-kv[1], kv[0]),
        )[: config.max_candidates]
        pairs.update((min(i, j), max(i, j)) for j, _ in best)
    return sorted(pairs)


def near_threshold(mean: float, config: GroupConfig) -> bool:
    """Whether an average link score is close enough to the threshold to ask an adjudicator."""
    return abs(mean - config.threshold) < config.adjudicate_margin


def adjudicate_link(
    adjudicator: Adjudicator,
    ids: tuple[str, str],
    descriptions: tuple[str, str],
    mean: float,
    config: GroupConfig,
) -> tuple[float, Adjudication]:
    """Ask ``adjudicator`` whether two events are one: the link score it settles (the
    threshold for yes, -1 for no, ``mean`` unchanged when it abstains) and the record of
    its decision."""
    decision = adjudicator.same_event(*descriptions)
    record = Adjudication(
        kind="event",
        a=ids[0],
        b=ids[1],
        decision=decision,
        by=adjudicator.name,
        note=f"average score {mean:.3f}",
    )
    if decision is not None:
        mean = config.threshold if decision else -1.0
    return mean, record


@dataclass
class Grouping:
    """Groups of document indices (each sorted; groups ordered by first member)."""

    groups: list[list[int]]
    adjudications: list[Adjudication] = field(default_factory=list)
    pairs_scored: int = 0


class _Scorer:
    def __init__(
        self, docs: Sequence[DocFeatures], corpus: TfidfCorpus, config: GroupConfig
    ) -> None:
        self.docs, self.corpus, self.config = docs, corpus, config
        self.vectors = {d.doc_id: corpus.vector(d) for d in docs}
        self.cache: dict[tuple[int, int], PairScore] = {}
        self.penalty = config.merge_penalty()

    def __call__(self, i: int, j: int) -> PairScore:
        key = (min(i, j), max(i, j))
        if key not in self.cache:
            a, b = self.docs[key[0]], self.docs[key[1]]
            self.cache[key] = score_pair(a, b, self.corpus, self.config, self.vectors)
        return self.cache[key]

    def average(self, xs: Sequence[int], ys: Sequence[int]) -> tuple[float, int, int] | None:
        """The mean score over two clusters' :func:`cross_pairs` (at most ``max_link_pairs``)
        less the :func:`size_penalty` of merging them, and their best-scoring pair, or None
        when some pair is forbidden."""
        cross = cross_pairs(xs, ys, self.config.max_link_pairs)
        scores = [self(x, y) for x, y in cross]
        if any(s.forbidden for s in scores):
            return None
        best = max(range(len(cross)), key=lambda k: (scores[k].value, -k))
        mean = sum(s.value for s in scores) / len(scores) - size_penalty(xs, ys, self.penalty)
        return mean, *cross[best]


def group_documents(
    docs: Sequence[DocFeatures],
    config: GroupConfig | None = None,
    adjudicator: Adjudicator | None = None,
    describe: Mapping[int, str] | None = None,
) -> Grouping:
    """Partition ``docs`` into events (average linkage over blocked candidates).

    The documents are linked in doc-id order, whatever order they come in: the candidates'
    ties and the members that stand for a large cluster go by position, so the partition
    would otherwise depend on the input's order (ECB+ grouped to 0.893, 0.889 or 0.882 in
    file, reversed or id order). Groups hold indices into ``docs`` as given."""
    config = config or GroupConfig()
    order = sorted(range(len(docs)), key=lambda i: docs[i].doc_id)
    ranked = [docs[i] for i in order]
    corpus = TfidfCorpus()
    for doc in ranked:
        corpus.add(doc)
    pairs = candidate_pairs(ranked, corpus, config)
    told = {k: describe[i] for k, i in enumerate(order) if i in describe} if describe else None
    grouping = link_documents(ranked, corpus, pairs, config, adjudicator, told)
    groups = sorted(sorted(order[k] for k in group) for group in grouping.groups)
    return replace(grouping, groups=groups)


def link_documents(
    docs: Sequence[DocFeatures],
    corpus: TfidfCorpus,
    pairs: Iterable[tuple[int, int]],
    config: GroupConfig,
    adjudicator: Adjudicator | None = None,
    describe: Mapping[int, str] | None = None,
) -> Grouping:
    """:func:`group_documents`' linkage of ``pairs`` of ``docs``; ``corpus`` may hold more.

    Best first: of all pairs of clusters joined by a candidate edge, the one with the
    highest average merges next; averages are recomputed for the merged cluster only."""
    scorer = _Scorer(docs, corpus, config)
    floor = config.threshold - config.adjudicate_margin
    edges = [(i, j) for i, j in pairs if not (s := scorer(i, j)).forbidden and s.value >= floor]
    adjudications: list[Adjudication] = []

    def settle(mean: float, i: int, j: int) -> float:
        if adjudicator is None or not near_threshold(mean, config):
            return mean
        ids = (docs[i].doc_id, docs[j].doc_id)
        texts = (describe.get(i, ids[0]), describe.get(j, ids[1])) if describe else ids
        mean, record = adjudicate_link(adjudicator, ids, texts, mean, config)
        adjudications.append(record)
        return mean

    groups = best_first(
        len(docs),
        edges,
        scorer.average,
        config.threshold,
        floor if adjudicator is not None else None,
        settle,
    )
    return Grouping(groups=groups, adjudications=adjudications, pairs_scored=len(scorer.cache))
