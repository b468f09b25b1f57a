"""What two briefs add to a pair score, for both scorers (issue #13).

:func:`brief_features`: the briefs' participants, topics, kinds of happening, places and
event dates as the terms of :data:`BRIEF_FEATURES`, evidence an LLM brief adds and ECB+'s
text lacks. The learned scorer weighs them by ``pairs.BRIEF_WEIGHTS`` (logits);
:func:`brief_terms` by the rules' :class:`~summarizer.events.group.GroupConfig` weights,
tuned on the dev set's briefs. How reliable each term proved, on the dev briefs and on
ECB+ topics extracted by the local model: ``benchmarks/bench_briefs_grouping.py --fit``.
:func:`brief_dates`: the dates two briefs give their events.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from summarizer.events.features import DocFeatures

if TYPE_CHECKING:
    from summarizer.events.group import GroupConfig

__all__ = ["BRIEF_FEATURES", "brief_dates", "brief_features", "brief_terms"]


def brief_dates(
    a: DocFeatures, b: DocFeatures, config: GroupConfig
) -> tuple[float, str | None, bool]:
    """``(penalty, reason, forbidden)`` from the dates two briefs give their events (both
    scorers; a date read off a byline never gets here: see
    :func:`~summarizer.events.datelines.date_from_byline`).

    When both briefs name a kind of happening (:func:`~summarizer.events.cues.what_kind`),
    dates more than a day apart forbid a link and a day apart costs ``date_penalty``: two
    calls of the same people on Monday and on Tuesday are two calls, and a call on Monday
    and a meeting on Thursday two happenings. When one of them names none (a reaction, an
    aftermath: "senators kept up pressure on Steele", "rescue workers distribute
    supplies"), it may be a follow-up dated by its own day (Sunday's reactions to Friday's
    remarks, tents on Monday after Sunday's quake): dates more than
    ``brief_date_veto_days`` apart forbid the link and closer ones cost what a
    neighbouring weekday of the text costs. Measured on the 43 dev briefs: brief dates
    more than a day apart in 3 of 36 same-event pairs and 12 of 44 other pairs that the
    text scores above 0, so a date alone is evidence, not proof.
    """
    if not (a.date_from_brief and b.date_from_brief):
        return 0.0, None, False
    kinds = a.kind is not None and b.kind is not None
    cost = config.date_penalty if kinds else config.weekday_penalty / 4
    da, db = a.event_date, b.event_date
    if da and db:
        if da == db:
            return 0.0, None, False
        reason = f"event dates {da} vs {db}" + (f" ({a.kind}, {b.kind})" if kinds else "")
        far = abs((da - db).days) > (1 if kinds else config.brief_date_veto_days)
        return (0.0 if far else cost), reason, far
    wa = da.weekday() if da else a.weekday
    wb = db.weekday() if db else b.weekday
    if wa is not None and wb is not None and wa != wb:
        return cost, f"event weekdays {wa} vs {wb} (0 = Monday)", False
    return 0.0, None, False


def _absent(keys: Iterable[str], other: DocFeatures) -> bool:
    """Whether some person key (``name:<surname>``) is not even mentioned in ``other``."""
    return any(k.startswith("name:") and k[5:] not in other.vocab for k in keys)


_LETHAL = frozenset({"killing", "attack", "crash", "fire", "quake"})


def _one_outcome(a: str, b: str) -> bool:
    """A death and what caused it name one happening from two sides."""
    return {a, b} <= _LETHAL | {"death"} and "death" in (a, b)


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


BRIEF_FEATURES: tuple[str, ...] = (
    "participants_shared",
    "participants_differ",
    "participants_absent",
    "topics_shared",
    "kinds_differ",
    "places_differ",
    "dates_differ",
    "dates_differ_kinds",
)
"""The brief terms of a pair (:func:`brief_features`), in order: the participants'
Jaccard overlap (by what their keys name, whatever their kind); each brief names a
participant the other does not; and, on top, each such participant absent from the other
text; the topics' Jaccard overlap; two kinds of happening (where the lead types do not
already differ); two places; event dates (or weekdays) that differ without forbidding the
link, and the same when both briefs name a kind of happening (:func:`brief_dates`)."""


def brief_features(
    a: DocFeatures, b: DocFeatures, config: GroupConfig, reasons: list[str], dates: bool = True
) -> tuple[list[float], bool]:
    """``(x, forbidden)``: the pair's :data:`BRIEF_FEATURES` (their contradictions in words
    into ``reasons``) and whether the briefs' event dates forbid a link (the date terms
    stay 0 unless ``dates``)."""
    x = [0.0] * len(BRIEF_FEATURES)
    if a.participants and b.participants:
        # compared by what they name: "SEACOM" (an acronym, org:seacom) is "Seacom"
        # (name:seacom), as the blocking keys already took them
        names_a, names_b = a.participant_names, b.participant_names
        x[0] = _jaccard(frozenset(names_a), frozenset(names_b))
        only_a = frozenset(k for n, k in names_a.items() if n not in names_b)
        only_b = frozenset(k for n, k in names_b.items() if n not in names_a)
        if only_a and only_b:
            # Stronger when each side has an actor the other text never names at all.
            absent = _absent(only_a, b) and _absent(only_b, a)
            x[1], x[2] = 1.0, 1.0 if absent else 0.0
            reasons.append("participants differ" + (" (absent from text)" if absent else ""))
    x[3] = _jaccard(a.topics, b.topics)
    # Two briefs naming two kinds of happening (a deal, then an emergency declared by the
    # same people): on the dev briefs 200 of 201 such pairs are two events. Counted once
    # where the lead types already differ; a death and its cause (a killing, a crash) are
    # one happening (#13: "kinds death vs killing" split reports of one climber's fall).
    types_differ = a.event_type and b.event_type and a.event_type != b.event_type
    if (
        a.kind
        and b.kind
        and a.kind != b.kind
        and not types_differ
        and not _one_outcome(a.kind, b.kind)
    ):
        x[4] = 1.0
        reasons.append(f"kinds {a.kind} vs {b.kind}")
    if a.place and b.place and a.place not in b.place and b.place not in a.place:
        x[5] = 1.0
        reasons.append(f"places {a.place} vs {b.place}")
    if not dates:
        return x, False
    _, reason, forbidden = brief_dates(a, b, config)
    if reason is not None:
        reasons.append(reason)
        if not forbidden:
            x[7 if a.kind is not None and b.kind is not None else 6] = 1.0
    return x, forbidden


def brief_terms(
    score: float, a: DocFeatures, b: DocFeatures, config: GroupConfig, reasons: list[str]
) -> float:
    """``score`` with the briefs' participants, topics, kinds of happening and places weighed
    in by the rules' weights of ``config`` (the dates are the rules' own step)."""
    x, _ = brief_features(a, b, config, reasons, dates=False)
    return (
        score
        + config.participant_weight * x[0]
        - config.participant_penalty * (0.4 * x[1] + 0.6 * x[2])
        + config.topic_weight * x[3]
        - config.type_penalty * x[4]
        - config.place_penalty * x[5]
    )
