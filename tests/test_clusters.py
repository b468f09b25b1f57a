"""Best-first average linkage (summarizer.events.clusters) on scripted pair scores."""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence

import pytest

from summarizer.events.clusters import Average, Clusters, best_first, size_penalty


def averager(
    scores: dict[tuple[int, int], float], forbidden: frozenset[tuple[int, int]] = frozenset()
) -> Average:
    """An ``Average`` over a scripted score table (missing pairs score -1)."""

    def average(xs: Sequence[int], ys: Sequence[int]) -> tuple[float, int, int] | None:
        cross = [(min(x, y), max(x, y)) for x in xs for y in ys]
        if any(p in forbidden for p in cross):
            return None
        values = [scores.get(p, -1.0) for p in cross]
        best = max(range(len(cross)), key=lambda k: values[k])
        return sum(values) / len(values), *cross[best]

    return average


# 0-1 is the strongest pair; 2 then sits between {0, 1} (mean 0.6) and 3 (0.7).
CHAIN = {(0, 1): 0.9, (1, 2): 0.8, (0, 2): 0.4, (2, 3): 0.7}


def test_the_highest_average_merges_first() -> None:
    # Edge order (1-2 at 0.8 before 2-3 at 0.7) would put 2 with {0, 1} (mean 0.6) and then
    # leave 3 alone; best first sees that 2-3 (0.7) beats {0, 1}-2 (0.6).
    groups = best_first(4, CHAIN, averager(CHAIN), threshold=0.2)
    assert groups == [[0, 1], [2, 3]]


def test_below_the_threshold_nothing_merges() -> None:
    assert best_first(4, CHAIN, averager(CHAIN), threshold=0.95) == [[0], [1], [2], [3]]


def test_only_candidate_edges_join_clusters() -> None:
    scores = {(0, 1): 0.9, (2, 3): 0.9, (1, 2): 0.9}
    assert best_first(4, [(0, 1), (2, 3)], averager(scores), 0.2) == [[0, 1], [2, 3]]


def test_a_forbidden_cross_pair_keeps_clusters_apart() -> None:
    forbidden = frozenset({(0, 2)})
    groups = best_first(3, [(0, 1), (1, 2)], averager({(0, 1): 0.9, (1, 2): 0.8}, forbidden), 0.2)
    assert groups == [[0, 1], [2]]


def test_settle_decides_averages_between_floor_and_threshold() -> None:
    scores = {(0, 1): 0.9, (1, 2): 0.18}
    asked: list[tuple[float, int, int]] = []

    def settle(mean: float, i: int, j: int) -> float:
        asked.append((round(mean, 3), i, j))
        return 0.2 if mean < 0.2 else mean

    low = averager({**scores, (0, 2): 0.18})
    assert best_first(3, scores, low, 0.2, floor=0.15, settle=settle) == [[0, 1, 2]]
    assert (0.18, 0, 2) in asked or (0.18, 1, 2) in asked
    # without a floor, 0.18 is never queued, so nothing is asked about it
    asked.clear()
    assert best_first(3, scores, low, 0.2, settle=settle) == [[0, 1], [2]]
    assert all(mean >= 0.2 for mean, _, _ in asked)


def test_the_partition_does_not_depend_on_the_order_of_the_edges() -> None:
    rng = random.Random(7)
    scores = {p: rng.uniform(-0.5, 1.0) for p in itertools.combinations(range(12), 2)}
    edges = [p for p, v in scores.items() if v > 0.1]
    expected = best_first(12, edges, averager(scores), 0.2)
    for _ in range(5):
        rng.shuffle(edges)
        assert best_first(12, edges, averager(scores), 0.2) == expected


def test_clusters_are_named_by_their_smallest_member() -> None:
    c = Clusters(4)
    c.connect(0, 3)
    c.connect(1, 2)
    c.connect(2, 3)
    assert c.merge(3, 2) == 2
    assert c.of == [0, 1, 2, 2]
    assert c.neighbours(2) == [0, 1]
    assert c.merge(0, 2) == 0
    assert c.neighbours(1) == [0]
    assert c.version == [1, 0, 1, 0]
    assert c.groups() == [[0, 2, 3], [1]]


def test_a_cluster_lists_its_members_in_the_order_they_joined() -> None:
    """The first members stand for a large cluster in its averages (``cross_pairs``): its
    core, the documents that joined first (the larger side's first), not the smallest
    indices, which depend on the order the documents came in. Groups come out sorted."""
    c = Clusters(6)
    assert c.merge(4, 5) == 4
    assert c.members[4] == [4, 5]
    assert c.merge(2, 4) == 2
    assert c.members[2] == [4, 5, 2]  # the larger side first
    assert c.merge(0, 1) == 0
    assert c.merge(0, 2) == 0
    assert c.members[0] == [4, 5, 2, 0, 1]
    assert c.groups() == [[0, 1, 2, 4, 5], [3]]


def test_size_penalty_grows_with_the_smaller_cluster() -> None:
    assert size_penalty([0], [1, 2, 3], 0.4) == 0.0  # a lone document joins at the threshold
    assert size_penalty([0, 1], [2, 3, 4], 0.4) == pytest.approx(0.2)
    assert size_penalty(list(range(10)), list(range(10, 30)), 0.4) == pytest.approx(0.36)


def test_two_clusters_of_several_must_clear_the_penalty() -> None:
    # {0, 1} and {2, 3} agree within (0.9); across, every pair scores 0.5. A lone document
    # (4: 0.6 with 2 and 3, 0.5 with 0 and 1) still joins {2, 3}; then {0, 1} and {2, 3, 4}
    # (mean 0.5) merge without a penalty and stay apart with one (0.5 - 0.25 < 0.3).
    scores = {(0, 1): 0.9, (2, 3): 0.9, (2, 4): 0.6, (3, 4): 0.6, (0, 4): 0.5, (1, 4): 0.5}
    scores |= {(x, y): 0.5 for x in (0, 1) for y in (2, 3)}
    edges = [(0, 1), (2, 3), (1, 2), (3, 4)]

    def average_with(penalty: float) -> Average:
        plain = averager(scores)

        def average(xs: Sequence[int], ys: Sequence[int]) -> tuple[float, int, int] | None:
            found = plain(xs, ys)
            if found is None:
                return None
            return found[0] - size_penalty(xs, ys, penalty), found[1], found[2]

        return average

    assert best_first(5, edges, average_with(0.0), 0.3) == [[0, 1, 2, 3, 4]]
    assert best_first(5, edges, average_with(0.5), 0.3) == [[0, 1], [2, 3, 4]]
