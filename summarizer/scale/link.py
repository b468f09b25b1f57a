"""The pure-Python steps of distributed grouping (no Ray here): the pieces of
:func:`summarizer.events.group.group_documents` one key group or one component at a time.

Why the partition equals single-process :func:`~summarizer.events.consolidate.consolidate`:
grouping there is (1) one corpus of document frequencies, (2) blocking keys per document,
(3) per document its ``max_candidates`` best candidates by shared keys, (4) the candidate
pairs that score at least ``threshold - adjudicate_margin`` and are not forbidden (the
edges), (5) best-first average linkage over the edges. Clusters only ever merge along
edges, so (5) never crosses a connected component of the edges and can run per component,
with the same global corpus, the same documents in the same (article id) order and hence the
same scores, the same averages and the same order of merges (ties go by document order).
:mod:`summarizer.scale.consolidate` computes (1)-(4) exactly, with shuffles instead of one
process's dictionaries.
"""

from __future__ import annotations

import pickle
import zlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from summarizer.events.features import DocFeatures, TfidfCorpus, blocking_keys, extract_features
from summarizer.events.group import GroupConfig, link_documents, score_pair
from summarizer.events.merge import merge_group
from summarizer.types import Article, Brief, EventRecord

__all__ = [
    "best_candidates",
    "bucket",
    "components",
    "corpus_of",
    "dump_features",
    "edges_of",
    "features_of",
    "keys_of",
    "link_component",
    "load_features",
    "posting_pairs",
    "posting_tag",
]


def features_of(brief: Brief, article: Article | None, config: GroupConfig) -> DocFeatures:
    """A brief's grouping features (the learned scorer's lazy cues kept only for it)."""
    doc = extract_features(brief.article_id, article, brief)
    return doc if config.scorer == "learned" else replace(doc, cues=None)


def dump_features(doc: DocFeatures) -> bytes:
    return pickle.dumps(doc, protocol=pickle.HIGHEST_PROTOCOL)


def load_features(blob: bytes) -> DocFeatures:
    doc = pickle.loads(blob)
    assert isinstance(doc, DocFeatures)
    return doc


def keys_of(doc: DocFeatures, corpus: TfidfCorpus, config: GroupConfig) -> list[str]:
    """The blocking keys of one document against the whole corpus."""
    return blocking_keys(doc, corpus, config)


def bucket(key: str, n: int) -> int:
    """The hash bucket (of ``n``) a key's rows are grouped in (stable across processes)."""
    return zlib.crc32(key.encode("utf-8")) % n


def posting_tag(size: int, key: str) -> str:
    """A sortable label of a posting list: the smallest one a pair shares is where the pair
    is scored (most specific key first, so one event's pairs meet in one group)."""
    return f"{size:09d}|{key}"


def posting_pairs(ids: Sequence[str], key: str, config: GroupConfig) -> list[tuple[str, str, str]]:
    """``(doc, other, tag)`` both ways for every pair of one posting list (none for a list
    longer than ``max_postings``, which single-process blocking ignores too)."""
    ids = sorted(set(ids))
    if len(ids) > config.max_postings:
        return []
    tag = posting_tag(len(ids), key)
    return [(a, b, tag) for a in ids for b in ids if a != b]


def best_candidates(
    doc: str, others: Iterable[tuple[str, str]], config: GroupConfig
) -> list[tuple[str, str, str]]:
    """``doc``'s best candidates from its ``(other, tag)`` rows (one per shared key), as
    ``(tag, a, b)`` with ``a < b``: at least ``min_shared_keys`` keys in common, the
    ``max_candidates`` with most (ties by id, i.e. by single-process index)."""
    shared: Counter[str] = Counter()
    tags: dict[str, str] = {}
    for other, tag in others:
        shared[other] += 1
        tags[other] = min(tag, tags.get(other, tag))
    ranked = sorted(
        (kv for kv in shared.items() if kv[1] >= config.min_shared_keys),
        key=lambda kv: (-kv[1], kv[0]),
    )[: config.max_candidates]
    return [(tags[o], min(doc, o), max(doc, o)) for o, _ in ranked]


def edges_of(
    docs: Mapping[str, DocFeatures],
    pairs: Iterable[tuple[str, str]],
    corpus: TfidfCorpus,
    config: GroupConfig,
) -> list[tuple[str, str, float]]:
    """The candidate pairs that are edges of the linkage: not forbidden, scoring at least
    ``threshold - adjudicate_margin`` (as :func:`~summarizer.events.group.link_documents`
    keeps them)."""
    vectors = {k: corpus.vector(d) for k, d in docs.items()}
    out = []
    for a, b in sorted(set(pairs)):
        score = score_pair(docs[a], docs[b], corpus, config, vectors)
        if not score.forbidden and score.value >= config.threshold - config.adjudicate_margin:
            out.append((a, b, score.value))
    return out


def components(edges: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Connected components of the edge graph: each linked id -> its component's smallest
    id (ids on no edge are their own component and are not listed)."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {x: root(x) for x in parent}


def link_component(
    members: Sequence[tuple[DocFeatures, Brief, Article | None]],
    edges: Iterable[tuple[str, str]],
    corpus: TfidfCorpus,
    config: GroupConfig,
) -> list[EventRecord]:
    """Average linkage over one component's edges, then one merged record per group."""
    members = sorted(members, key=lambda m: m[1].article_id)
    index = {m[1].article_id: i for i, m in enumerate(members)}
    pairs = sorted({(min(index[a], index[b]), max(index[a], index[b])) for a, b in edges})
    grouping = link_documents([m[0] for m in members], corpus, pairs, config)
    articles = {m[2].id: m[2] for m in members if m[2] is not None}
    records = []
    for group in grouping.groups:
        briefs = [members[i][1] for i in group]
        event_id = "evt-" + min(b.article_id for b in briefs)
        records.append(merge_group(event_id, briefs, articles))
    return records


def corpus_of(df: Mapping[str, int], n: int) -> TfidfCorpus:
    """A corpus with given document frequencies over ``n`` documents."""
    corpus = TfidfCorpus()
    corpus.df.update(df)
    corpus.n = n
    return corpus
