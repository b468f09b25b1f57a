"""Does grouping with the model's briefs do better than the text alone? (issue #13)

Run: ``.venv/bin/python benchmarks/bench_briefs_grouping.py --briefs DEV_BRIEFS.jsonl
[--seeds-briefs SEEDS_BRIEFS.jsonl] [--ecbplus-briefs ECB_BRIEFS.jsonl]``

For each set (the dev set ``../shared/devset`` with briefs from a finished run, e.g.
``summarizer extract ../shared/devset/articles.jsonl --out DIR`` then ``DIR/briefs.jsonl``;
the seeds ``examples/articles`` with their briefs; the ECB+ articles of ``../shared/ecbplus``
that have a brief, e.g. whole topics extracted in a random topic order, since extracting
all 777 takes hours), each scorer (rules, learned) and with or
without publication dates: B-cubed P/R/F1 of ``group_articles`` (text only) and of
``consolidate`` (the same texts with the briefs), and the same-event pairs split / other
pairs merged. Briefs hold evidence copied from the outlets' texts, so they are read from
where a run wrote them, never stored in the repository. Not run by pytest.

``--fit`` (needs numpy and ``--ecbplus-briefs``) weighs each brief term by how reliable it
proved. On every pair inside one topic (ECB+) or one set (dev; not the seeds, which stay a
check) it takes the learned scorer's text logit with the briefs as a fixed offset and fits
the weights of :data:`~summarizer.events.brief_terms.BRIEF_FEATURES` on top (L2-regularised
logistic regression; pairs whose brief dates forbid a link are left out). It prints how
often each term fires on same-event and other pairs, leave-one-topic-out CV on the ECB+
topics (each held-out topic grouped alone: text only, the shipped weights, the fold's
weights), the weights fitted on all pairs in the form ``pairs.BRIEF_WEIGHTS`` ships, and
the sets scored with them.

``--shrink`` (needs ``--ecbplus-briefs`` and ``--seeds-briefs``) weighs the brief terms as
a whole: the shipped weights times one factor, chosen by leave-topics-out CV on the ECB+
topics (6 folds, round robin over the sorted topic numbers, as ``bench_grouping.py``). On
the training topics, each grouped alone, it picks the factor with the best mean F1 (by
articles) among the factors that keep the dev set and the seeds at least at their text-only
F1, and the seeds added one by one to an ``EventIndex`` (with their dates) right in
every order ("constrained"), or among all ("free"); the held-out topics are grouped together. It
prints whether each factor keeps dev and the seeds, the factor the same rule picks on all
topics, each fold's pick, and the mean over folds against the text only and the shipped
weights.

``--variants`` (needs the same) does the same CV over more candidates: no brief terms at
all, and each of four subsets of the terms (all of them; the contradictions, the terms whose
weight is negative; all but ``topics_shared``; the dates and places only) times 0.2, 0.4,
0.6, 0.8 and 1.0. It prints the text only's mean over the topics grouped alone beside each
candidate's.

``--ablate`` leaves each brief term out in turn (its weight 0, the others as shipped), then
all the terms that add to a link at once (the overlaps; "contradictions only"), and prints
each set's F1 (no publication dates, learned scorer) beside the text only's, with the ECB+
topics whose two events share a group.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_grouping import TEST_DATA, fit, load, merged_topics, topic_of  # noqa: E402  (beside this script)

from summarizer import Article, Brief, EventIndex, consolidate  # noqa: E402
from summarizer.evaluate import (  # noqa: E402
    bcubed,
    load_articles,
    load_gold,
    pair_errors,
    partition_of,
)
from summarizer.events import pairs  # noqa: E402
from summarizer.events.brief_terms import BRIEF_FEATURES, brief_features  # noqa: E402
from summarizer.events.consolidate import group_articles  # noqa: E402
from summarizer.events.features import TfidfCorpus, extract_features  # noqa: E402
from summarizer.events.group import GroupConfig  # noqa: E402
from summarizer.events.pairs import pair_features  # noqa: E402
from summarizer.inputs import load_articles as load_inputs  # noqa: E402

SHARED = ROOT.parent / "shared"


def briefs_of(path: Path, articles: Sequence[Article]) -> list[Brief]:
    """Briefs by article, read once (``path`` may be a pipe); a brief's id is its article's,
    or a prefix of it (the seeds' stems)."""
    ids = {a.id for a in articles}
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        b = Brief.model_validate_json(line)
        match = (
            b.article_id
            if b.article_id in ids
            else next(a.id for a in articles if a.id.startswith(b.article_id))
        )
        out.append(b.model_copy(update={"article_id": match}))
    return out


def ecbplus_set(path: Path) -> tuple[str, list[Article], dict[str, str], list[Brief]]:
    """The ECB+ articles that have a brief in ``path`` (no publication dates: ECB+ has none),
    their gold events and their briefs."""
    everything = load_articles(SHARED / "ecbplus" / "articles.jsonl")
    briefs = briefs_of(path, everything)
    done = {b.article_id for b in briefs}
    articles = [a for a in everything if a.id in done]
    gold = load_gold(SHARED / "ecbplus" / "gold.jsonl").events
    return "ecb+", articles, {a.id: gold[a.id] for a in articles}, briefs


Row = tuple[str, float, list[float], bool]  # (topic, text logit, brief terms, same event)
Weights = dict[str, tuple[float, ...]]  # brief weights by a candidate's label


def pair_rows(
    articles: Sequence[Article], briefs: Sequence[Brief], gold: Mapping[str, str], topic: bool
) -> list[Row]:
    """Every pair inside one topic (``topic``: ECB+'s, else the whole set is one), without
    publication dates."""
    by_id = {b.article_id: b for b in briefs}
    undated = (a.model_copy(update={"published": None}) for a in articles)
    docs = [extract_features(a.id, a, by_id[a.id]) for a in undated]
    corpus = TfidfCorpus()
    for d in docs:
        corpus.add(d)
    config = GroupConfig(scorer="learned")
    rows = []
    for i, j in itertools.combinations(range(len(docs)), 2):
        ti, tj = (str(topic_of(x.doc_id)) if topic else "all" for x in (docs[i], docs[j]))
        if ti != tj:
            continue
        a, b = docs[i], docs[j]
        text = pairs.learned_value(pair_features(a, b, corpus, corpus.vector(a), corpus.vector(b)))
        x, forbidden = brief_features(a, b, config, [])
        if not forbidden:
            same = gold[a.doc_id] == gold[b.doc_id]
            rows.append((ti, (text - pairs.OFFSET) / pairs.SCALE, x, same))
    return rows


def fit_terms(rows: Sequence[Row], l2: float = 1.0) -> tuple[float, ...]:
    """Weights of the brief terms on top of the text logit (``bench_grouping.fit`` with the
    text logit as offset)."""
    w, _ = fit(
        np.array([r[2] for r in rows]),
        np.array([float(r[3]) for r in rows]),
        l2=l2,
        offset=np.array([r[1] for r in rows]),
    )
    return tuple(round(float(v), 3) for v in w)


def reliability(name: str, rows: Sequence[Row]) -> None:
    """How often each term fires (its mean) on same-event and other pairs the text puts
    within two logits of the threshold or above."""
    near = [r for r in rows if r[1] > -2]
    same, other = [r for r in near if r[3]], [r for r in near if not r[3]]
    print(
        f"{name}: pairs within 2 logits of the threshold or above: {len(same)} same, "
        f"{len(other)} other; mean of each brief term, same / other"
    )
    for k, f in enumerate(BRIEF_FEATURES):
        ms, mo = (sum(r[2][k] for r in g) / max(len(g), 1) for g in (same, other))
        print(f"  {f:20s} {ms:.3f} / {mo:.3f}")


def scored(
    articles: Sequence[Article],
    briefs: Sequence[Brief],
    gold: Mapping[str, str],
    weights: tuple[float, ...] | None,
) -> tuple[float, list[list[str]]]:
    """(B-cubed F1, groups) of the learned scorer, text only (``weights`` None) or with the
    briefs and these brief weights."""
    config = GroupConfig(scorer="learned")
    arts = [a.model_copy(update={"published": None}) for a in articles]
    ids = {a.id for a in arts}
    briefs = [b for b in briefs if b.article_id in ids]
    if weights is None:
        groups = group_articles(arts, config)
    else:
        shipped, pairs.BRIEF_WEIGHTS = pairs.BRIEF_WEIGHTS, weights
        try:
            groups = [e.articles for e in consolidate(briefs, arts, config=config)]
        finally:
            pairs.BRIEF_WEIGHTS = shipped
    groups = [list(g) for g in groups]
    return bcubed(partition_of(groups), gold).f1, groups


def fit_report(sets: Sequence[tuple[str, list[Article], dict[str, str], list[Brief]]]) -> None:
    """``--fit``: see the module docstring."""
    by_name = {s[0]: s for s in sets}
    _, ecb_articles, ecb_gold, ecb_briefs = by_name["ecb+"]
    ecb = pair_rows(ecb_articles, ecb_briefs, ecb_gold, topic=True)
    _, dev_articles, dev_gold, dev_briefs = by_name["dev"]
    dev = pair_rows(dev_articles, dev_briefs, dev_gold, topic=False)
    reliability("ecb+", ecb)
    reliability("dev", dev)
    topics = sorted({r[0] for r in ecb}, key=int)
    print("leave-one-topic-out on ECB+ (F1 / merged), fitted on the other topics and dev:")
    totals = [[0.0, 0] for _ in range(3)]
    for t in topics:
        w = fit_terms([r for r in ecb if r[0] != t] + dev)
        arts = [a for a in ecb_articles if str(topic_of(a.id)) == t]
        gold = {a.id: ecb_gold[a.id] for a in arts}
        got = [
            (f1, len(merged_topics(groups, gold)))
            for f1, groups in (
                scored(arts, ecb_briefs, gold, x) for x in (None, pairs.BRIEF_WEIGHTS, w)
            )
        ]
        for total, (f1, merged) in zip(totals, got, strict=True):
            total[0] += f1 * len(arts)
            total[1] += merged
        print(
            f"  topic {t:3s} ({len(arts):2d}) text {got[0][0]:.3f}/{got[0][1]}  shipped "
            f"{got[1][0]:.3f}/{got[1][1]}  fitted {got[2][0]:.3f}/{got[2][1]}"
        )
    n = len(ecb_articles)
    print(
        "  weighted mean: "
        + "  ".join(
            f"{k} {f / n:.3f}/{m}"
            for k, (f, m) in zip(("text", "shipped", "fitted"), totals, strict=True)
        )
    )
    final = fit_terms(ecb + dev)
    print("BRIEF_WEIGHTS fitted on every pair (ECB+ topics and dev):")
    for term, weight in zip(BRIEF_FEATURES, final, strict=True):
        print(f"    {weight:+.3f},  # {term}")
    for name, articles, gold, briefs in sets:
        print(
            f"{name:5s} learned, no dates: text {scored(articles, briefs, gold, None)[0]:.3f}"
            f"  shipped {scored(articles, briefs, gold, pairs.BRIEF_WEIGHTS)[0]:.3f}"
            f"  fitted {scored(articles, briefs, gold, final)[0]:.3f}"
        )


def incremental(
    articles: Sequence[Article],
    briefs: Sequence[Brief],
    gold: Mapping[str, str],
    w: tuple[float, ...],
) -> float:
    """The lowest B-cubed F1 of an :class:`~summarizer.EventIndex` fed the articles one by
    one (with their publication dates and the brief weights ``w``), over every order."""
    shipped, pairs.BRIEF_WEIGHTS = pairs.BRIEF_WEIGHTS, w
    by_id = {b.article_id: b for b in briefs}
    worst = 1.0
    try:
        for order in itertools.permutations(articles):
            index = EventIndex(config=GroupConfig(scorer="learned"))
            for a in order:
                index.add(by_id[a.id], a)
            groups = [list(r.articles) for r in index.records]
            worst = min(worst, bcubed(partition_of(groups), gold).f1)
    finally:
        pairs.BRIEF_WEIGHTS = shipped
    return worst


def _pick(allowed: Sequence[str], mean: Callable[[str], float], order: Sequence[str]) -> str:
    """The candidate with the best mean F1 (rounded to 4 places; on a tie the later in
    ``order``: the larger factor)."""
    return max(allowed, key=lambda c: (round(mean(c), 4), order.index(c)))


def shrink_candidates(
    factors: Sequence[float] = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0),
) -> Weights:
    """``--shrink``: the shipped weights times each factor."""
    return {f"x{f:.1f}": tuple(f * w for w in pairs.BRIEF_WEIGHTS) for f in factors}


def variant_candidates(factors: Sequence[float] = (0.2, 0.4, 0.6, 0.8, 1.0)) -> Weights:
    """``--variants``: subsets of the brief terms, each times each factor, and none at all."""
    subsets: dict[str, Callable[[str, float], bool]] = {
        "all": lambda _, w: True,
        "contradictions": lambda _, w: w < 0,
        "no topics_shared": lambda f, _: f != "topics_shared",
        "dates and places": lambda f, _: f.startswith(("dates", "places")),
    }
    out: Weights = {"none": (0.0,) * len(BRIEF_FEATURES)}
    for factor in factors:
        for label, keep in subsets.items():
            out[f"{label} x{factor:.1f}"] = tuple(
                factor * w if keep(f, w) else 0.0
                for f, w in zip(BRIEF_FEATURES, pairs.BRIEF_WEIGHTS, strict=True)
            )
    return out


def shrink_report(
    sets: Sequence[tuple[str, list[Article], dict[str, str], list[Brief]]],
    candidates: Weights,
) -> None:
    """``--shrink`` and ``--variants``: see the module docstring."""
    by_name = {s[0]: s for s in sets}
    _, articles, gold, briefs = by_name["ecb+"]
    order = list(candidates)
    of_topic: dict[str, list[Article]] = {}
    for a in articles:
        of_topic.setdefault(str(topic_of(a.id)), []).append(a)
    topics = sorted(of_topic, key=int)
    others = [(arts, g, b) for name, arts, g, b in sets if name != "ecb+"]
    text_f1 = [scored(arts, b, g, None)[0] for arts, g, b in others]
    _, seeds, seeds_gold, seeds_briefs = by_name["seeds"]
    ok, alone = {}, {}
    for c, w in candidates.items():
        checks = [
            scored(arts, b, g, w)[0] >= base - 1e-9
            for (arts, g, b), base in zip(others, text_f1, strict=True)
        ]
        checks.append(incremental(seeds, seeds_briefs, seeds_gold, w) == 1.0)
        ok[c] = all(checks)
        for t in topics:
            arts = of_topic[t]
            alone[c, t] = scored(arts, briefs, {a.id: gold[a.id] for a in arts}, w)[0]
        print(
            f"{c}: dev, seeds, seeds one by one at least at text level: {checks}; "
            f"topics alone (mean) {mean_of(of_topic, alone, topics)(c):.3f}"
        )
    text_alone = {
        t: scored(of_topic[t], briefs, {a.id: gold[a.id] for a in of_topic[t]}, None)[0]
        for t in topics
    }
    text_mean = sum(len(of_topic[t]) * text_alone[t] for t in topics) / len(articles)
    print(f"text only, topics alone (mean) {text_mean:.3f}")
    final = _pick([c for c in order if ok[c]], mean_of(of_topic, alone, topics), order)
    print(f"picked on all topics (constrained): {final}")

    def held(fold: Sequence[str], w: tuple[float, ...] | None) -> tuple[float, int]:
        arts = [a for t in fold for a in of_topic[t]]
        g = {a.id: gold[a.id] for a in arts}
        f1, groups = scored(arts, briefs, g, w)
        return f1, len(merged_topics(groups, g))

    folds = [topics[i::6] for i in range(6)]
    # each fold's text-only and shipped F1, computed once for both passes
    baselines = [(held(fold, None), held(fold, pairs.BRIEF_WEIGHTS)) for fold in folds]
    for label, allowed in (("constrained", [c for c in order if ok[c]]), ("free", order)):
        rows = []
        for fold, (text, shipped) in zip(folds, baselines, strict=True):
            train = [t for t in topics if t not in fold]
            pick = _pick(allowed, mean_of(of_topic, alone, train), order)
            got = (held(fold, candidates[pick]), text, shipped)
            rows.append(got)
            print(
                f"  {label} fold {' '.join(fold)}: {pick}  "
                + "  ".join(
                    f"{k} {f1:.3f}/{m}"
                    for k, (f1, m) in zip(("picked", "text", "shipped"), got, strict=True)
                )
            )
        print(
            f"  {label} mean over folds: "
            + "  ".join(
                f"{k} {sum(r[i][0] for r in rows) / len(rows):.3f}/{sum(r[i][1] for r in rows)}"
                for i, k in enumerate(("picked", "text", "shipped"))
            )
        )


def mean_of(
    of_topic: Mapping[str, Sequence[Article]],
    alone: Mapping[tuple[str, str], float],
    topics: Sequence[str],
) -> Callable[[str], float]:
    """A candidate's mean F1 over ``topics``, each grouped alone, weighed by articles."""
    n = sum(len(of_topic[t]) for t in topics)
    return lambda c: sum(len(of_topic[t]) * alone[c, t] for t in topics) / n


def ablate_report(sets: Sequence[tuple[str, list[Article], dict[str, str], list[Brief]]]) -> None:
    """``--ablate``: see the module docstring."""
    shipped = pairs.BRIEF_WEIGHTS
    variants = [("shipped", shipped)]
    variants += [
        (f"no {name}", tuple(0.0 if k == i else w for k, w in enumerate(shipped)))
        for i, name in enumerate(BRIEF_FEATURES)
    ]
    variants.append(("contradictions only", tuple(min(w, 0.0) for w in shipped)))
    for name, articles, gold, briefs in sets:
        for label, weights in [("text only", None), *variants]:
            f1, groups = scored(articles, briefs, gold, weights)
            merged = sorted(merged_topics(groups, gold)) if name == "ecb+" else ""
            print(f"{name:5s} {label:22s} {f1:.3f} {merged}")


def row(groups: Sequence[Sequence[str]], gold: Mapping[str, str]) -> str:
    s = bcubed(partition_of([list(g) for g in groups]), gold)
    split, merged = pair_errors(groups, gold)
    return f"P {s.precision:.3f} R {s.recall:.3f} F1 {s.f1:.3f} split {split:2d} merged {merged:2d}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--briefs", type=Path, required=True, help="briefs of the dev articles")
    ap.add_argument("--seeds-briefs", type=Path, help="briefs of examples/articles")
    ap.add_argument("--ecbplus-briefs", type=Path, help="briefs of some ECB+ articles")
    ap.add_argument(
        "--followups-briefs", type=Path, help="briefs of tests/data/followups (fictional)"
    )
    ap.add_argument("--fit", action="store_true", help="fit the brief terms' weights")
    ap.add_argument("--shrink", action="store_true", help="CV of one factor on the weights")
    ap.add_argument("--variants", action="store_true", help="CV of subsets of the terms")
    ap.add_argument("--ablate", action="store_true", help="each brief term left out in turn")
    args = ap.parse_args()
    if (args.shrink or args.variants) and not (args.ecbplus_briefs and args.seeds_briefs):
        ap.error("--shrink and --variants need --ecbplus-briefs and --seeds-briefs")
    dev = list(load_articles(SHARED / "devset" / "articles.jsonl"))
    sets = [
        (
            "dev",
            dev,
            load_gold(SHARED / "devset" / "gold.jsonl").events,
            briefs_of(args.briefs, dev),
        )
    ]
    if args.seeds_briefs:
        seeds = [a for a in load_inputs([ROOT / "examples" / "articles"]) if isinstance(a, Article)]
        gold = load_gold(ROOT / "examples" / "gold.jsonl").events
        sets.append(("seeds", seeds, gold, briefs_of(args.seeds_briefs, seeds)))
    if args.ecbplus_briefs:
        sets.append(ecbplus_set(args.ecbplus_briefs))
    if args.followups_briefs:
        stories, gold = load("followups", TEST_DATA)
        sets.append(("fups", stories, gold, briefs_of(args.followups_briefs, stories)))
    if args.fit:
        fit_report(sets)
        return
    if args.shrink or args.variants:
        shrink_report(sets, shrink_candidates() if args.shrink else variant_candidates())
        return
    if args.ablate:
        ablate_report(sets)
        return
    for name, articles, gold, briefs in sets:
        for scorer in ("rules", "learned"):
            for dates in (True, False) if name != "ecb+" else (False,):
                arts = (
                    articles
                    if dates
                    else [a.model_copy(update={"published": None}) for a in articles]
                )
                config = GroupConfig(scorer=scorer)
                text = group_articles(arts, config)
                events = [e.articles for e in consolidate(briefs, arts, config=config)]
                label = f"{name:5s} {scorer:7s} dates={'yes' if dates else 'no '}"
                print(f"{label}  text  {row(text, gold)}  | briefs {row(events, gold)}")
                if name == "ecb+":
                    print(
                        f"{'':25s}topics merged: text {sorted(merged_topics(text, gold))}"
                        f"  | briefs {sorted(merged_topics(events, gold))}"
                    )


if __name__ == "__main__":
    main()
