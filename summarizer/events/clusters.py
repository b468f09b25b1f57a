"""Average linkage, best first, over a graph of candidate edges (pure; no scores here).

:func:`best_first` is :func:`summarizer.events.group.link_documents`' clustering, and
``benchmarks/bench_grouping.py`` trains the learned scorer through the same function.
Of all pairs of clusters that some candidate edge joins, the pair whose average score is
highest merges next, while that average reaches the threshold. A merge recomputes the
averages of the merged cluster only, so a queued average from before is recognised as
stale by the clusters' ``version``. Clusters only ever merge along candidate edges,
so the result never crosses a connected component of the edges.

The scorer's ``average`` may hold two clusters of several documents to a higher mean than
a lone document joining a cluster (:func:`size_penalty`): a lone document's few pair
scores are noisy, so it joins at the threshold; the mean over many cross pairs is steady,
and between two clusters that each agree within, a middling mean is two events of one
kind (two quakes in one county) more often than one event.

A cluster is named by its smallest member (a document index), so ``of`` maps any document,
and any former cluster's name, to the cluster that holds it now. It lists its members in
the order they joined (of two merging clusters, the larger's first), so the first
:data:`MEMBERS`, which stand for it in an average, are its core, as in the incremental
:class:`~summarizer.events.consolidate.EventIndex`, whatever order the documents came in
(by smallest index, ECB+ grouped to B-cubed 0.878-0.890 over six orders of its articles;
by joining, 0.889 in five of them and 0.893 in one).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Sequence

__all__ = [
    "MEMBERS",
    "Average",
    "Clusters",
    "Settle",
    "best_first",
    "cross_pairs",
    "size_penalty",
]

Average = Callable[[Sequence[int], Sequence[int]], "tuple[float, int, int] | None"]
"""The mean score between two clusters' members and their best-scoring cross pair
``(mean, i, j)``, or None when the two may not merge."""
MEMBERS = 8
"""The members a side (the first to join) whose cross pairs stand for two clusters in their
average."""
Settle = Callable[[float, int, int], float]
"""Given a mean that lands below the threshold's margin and the pair that represents it,
the mean to use instead (an adjudicator's answer)."""


class Clusters:
    """Clusters of document indices, merged into the one with the smaller id, and the
    candidate edges between them."""

    def __init__(self, n: int) -> None:
        self.of = list(range(n))
        self.members: dict[int, list[int]] = {i: [i] for i in range(n)}
        self.near: dict[int, set[int]] = {i: set() for i in range(n)}
        self.version = [0] * n

    def connect(self, i: int, j: int) -> None:
        self.near[i].add(j)
        self.near[j].add(i)

    def merge(self, ci: int, cj: int) -> int:
        keep, drop = min(ci, cj), max(ci, cj)
        first, second = sorted((ci, cj), key=lambda c: (-len(self.members[c]), c))
        joined = self.members[first] + self.members[second]
        for x in self.members.pop(drop):
            self.of[x] = keep
        self.members[keep] = joined
        self.near[keep] |= self.near.pop(drop)  # renamed by neighbours()
        self.version[keep] += 1
        return keep

    def neighbours(self, c: int) -> list[int]:
        self.near[c] = {self.of[x] for x in self.near[c]} - {c}
        return sorted(self.near[c])

    def groups(self) -> list[list[int]]:
        return sorted(sorted(g) for g in self.members.values())


def cross_pairs(xs: Sequence[int], ys: Sequence[int], limit: int) -> list[tuple[int, int]]:
    """The cross pairs that stand for clusters ``xs`` and ``ys`` in their average: their
    first :data:`MEMBERS` members each (the first to join), at most ``limit`` pairs."""
    return [(x, y) for x in xs[:MEMBERS] for y in ys[:MEMBERS]][:limit]


def size_penalty(xs: Sequence[int], ys: Sequence[int], penalty: float) -> float:
    """What a merge of clusters ``xs`` and ``ys`` must clear beyond the threshold:
    ``penalty * (1 - 1 / n)``, ``n`` the smaller cluster's size (0 for a lone document,
    half the penalty for two, approaching all of it)."""
    return penalty * (1.0 - 1.0 / min(len(xs), len(ys)))


def best_first(
    n: int,
    edges: Iterable[tuple[int, int]],
    average: Average,
    threshold: float,
    floor: float | None = None,
    settle: Settle | None = None,
) -> list[list[int]]:
    """Groups of ``range(n)``: average linkage, best first, along ``edges``.

    Averages from ``floor`` (default: ``threshold``) up are queued; one below the threshold
    merges only if ``settle`` raises it to the threshold."""
    clusters = Clusters(n)
    for i, j in edges:
        clusters.connect(i, j)
    low = threshold if floor is None else floor
    heap: list[tuple[float, int, int, int, int, int, int]] = []

    def push(ci: int, cj: int) -> None:
        ci, cj = min(ci, cj), max(ci, cj)
        found = average(clusters.members[ci], clusters.members[cj])
        if found is not None and found[0] >= low:
            v = clusters.version
            heapq.heappush(heap, (-found[0], ci, cj, v[ci], v[cj], found[1], found[2]))

    for ci in range(n):
        for cj in clusters.neighbours(ci):
            if ci < cj:
                push(ci, cj)
    while heap:
        negative, ci, cj, vi, vj, i, j = heapq.heappop(heap)
        if ci not in clusters.members or cj not in clusters.members:
            continue
        if (clusters.version[ci], clusters.version[cj]) != (vi, vj):
            continue
        mean = -negative
        if settle is not None:
            mean = settle(mean, i, j)
        if mean >= threshold:
            keep = clusters.merge(ci, cj)
            for other in clusters.neighbours(keep):
                push(keep, other)
    return clusters.groups()
