"""Consolidation: briefs from many outlets -> one :class:`EventRecord` per real-world event.

This module only orchestrates the stages: :mod:`summarizer.events.features` reads each
brief and its article, :mod:`summarizer.events.group` decides which briefs report the same
event, :mod:`summarizer.events.merge` turns each group into a record, and
:mod:`summarizer.events.entities` canonicalises names inside the merge.

* :func:`consolidate` is the batch API; :func:`consolidate_json` returns the
  JSON-serialisable list the CLI writes to ``events.json``.
* :class:`EventIndex` is the incremental API: :meth:`EventIndex.add` puts one new brief
  into an existing record (its ``version`` grows and the :class:`Change` lists what is new)
  or starts a record, and rebuilds only that record. Candidates come from an inverted index
  on the new document's rare terms, lead names and participant keys, never from a scan of
  every record.
* :func:`group_articles` groups bare articles (no briefs) with the same text signals.

Both batch APIs link documents in article-id order
(:func:`~summarizer.events.group.group_documents`), so their groups do not depend on the
order of their input (the scale path, :mod:`summarizer.scale`, uses the same order).

Event ids are ``evt-<first article id>`` and stay stable as records grow.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from summarizer.events.clusters import MEMBERS
from summarizer.events.entities import Adjudicator
from summarizer.events.features import DocFeatures, TfidfCorpus, blocking_keys, extract_features
from summarizer.events.group import (
    GroupConfig,
    adjudicate_link,
    group_documents,
    near_threshold,
    score_pair,
)
from summarizer.events.merge import merge_group
from summarizer.types import Adjudication, Article, Brief, Change, EventRecord

__all__ = [
    "EventIndex",
    "consolidate",
    "consolidate_json",
    "describe_event",
    "events_json",
    "group_articles",
]


def _by_id(articles: Iterable[Article] | Mapping[str, Article]) -> dict[str, Article]:
    if isinstance(articles, Mapping):
        return dict(articles)
    return {a.id: a for a in articles}


def _event_id(article_ids: Iterable[str]) -> str:
    return "evt-" + min(article_ids)


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector (reference counting still frees memory).

    Grouping builds many long-lived objects that hold no cycles (features, vectors, scores);
    each full collection walks all of them, so collections made a large batch superlinear:
    100k synthetic briefs took 136.6 s with it and 101.1 s without (10k: 8.9 s). The
    previous state is restored on exit.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def consolidate(
    briefs: Sequence[Brief],
    articles: Iterable[Article] | Mapping[str, Article] = (),
    *,
    config: GroupConfig | None = None,
    adjudicator: Adjudicator | None = None,
) -> list[EventRecord]:
    """Group ``briefs`` into events and merge each group; records sorted by id.

    ``articles`` (by id) supply the texts for lexical similarity, publication dates and
    span checks; a brief without its article is grouped on the brief alone. The cyclic
    garbage collector is paused meanwhile (see :func:`_cyclic_gc_paused`).
    """
    with _cyclic_gc_paused():
        return _consolidate(briefs, _by_id(articles), config, adjudicator)


def _consolidate(
    briefs: Sequence[Brief],
    by_id: Mapping[str, Article],
    config: GroupConfig | None,
    adjudicator: Adjudicator | None,
) -> list[EventRecord]:
    briefs = sorted(briefs, key=lambda b: b.article_id)
    docs = [extract_features(b.article_id, by_id.get(b.article_id), b) for b in briefs]
    describe = (
        {i: describe_event(b, by_id.get(b.article_id)) for i, b in enumerate(briefs)}
        if adjudicator is not None
        else None
    )
    grouping = group_documents(docs, config, adjudicator, describe)
    records = []
    for members in grouping.groups:
        ids = {briefs[i].article_id for i in members}
        decided = [a for a in grouping.adjudications if a.a in ids or a.b in ids]
        records.append(
            merge_group(
                _event_id(ids),
                [briefs[i] for i in members],
                by_id,
                adjudicator,
                extra_adjudications=decided,
            )
        )
    return sorted(records, key=lambda r: r.id)


def describe_event(brief: Brief | None, article: Article | None) -> str:
    """One line about an article's event, for an adjudicator to compare with another."""
    parts: list[str] = []
    if brief is not None:
        event = brief.event
        parts.append(event.what)
        parts.append(f"when: {event.date_text or 'not stated'}")
        if event.place:
            parts.append(f"where: {event.place}")
        if brief.participants:
            parts.append("who: " + ", ".join(p.name for p in brief.participants))
    if article is not None:
        if article.published is not None:
            parts.append(f"published {article.published.isoformat()}")
        lead = article.text.strip().split("\n", 1)[0]
        parts.append("lead: " + (lead if len(lead) <= 300 else lead[:299] + "…"))
    return "; ".join(parts)


def _describe_record(record: EventRecord) -> str:
    parts = [record.title, f"when: {record.date_text or 'not stated'}"]
    if record.place:
        parts.append(f"where: {record.place}")
    if record.participants:
        parts.append("who: " + ", ".join(p.name for p in record.participants))
    return "; ".join(parts)


def events_json(records: Iterable[EventRecord]) -> list[dict[str, Any]]:
    """Records as plain JSON data (dates as ISO strings), ready for ``json.dump``."""
    return [r.model_dump(mode="json") for r in records]


def consolidate_json(
    briefs: Sequence[Brief],
    articles: Iterable[Article] | Mapping[str, Article] = (),
    *,
    config: GroupConfig | None = None,
    adjudicator: Adjudicator | None = None,
) -> list[dict[str, Any]]:
    """:func:`consolidate`, as the JSON list written to ``events.json``."""
    return events_json(consolidate(briefs, articles, config=config, adjudicator=adjudicator))


def group_articles(
    articles: Sequence[Article], config: GroupConfig | None = None
) -> list[list[str]]:
    """Group articles without briefs (text and metadata signals only): lists of ids, which
    do not depend on the order ``articles`` come in (see
    :func:`~summarizer.events.group.group_documents`)."""
    docs = [extract_features(a.id, a, None) for a in articles]
    grouping = group_documents(docs, config)
    return sorted(sorted(articles[i].id for i in members) for members in grouping.groups)


class EventIndex:
    """Incremental consolidation: records updated one brief at a time."""

    def __init__(
        self,
        articles: Iterable[Article] | Mapping[str, Article] = (),
        *,
        config: GroupConfig | None = None,
        adjudicator: Adjudicator | None = None,
    ) -> None:
        self.config = config or GroupConfig()
        self.adjudicator = adjudicator
        self.articles = _by_id(articles)
        self.corpus = TfidfCorpus()
        self._docs: list[DocFeatures] = []
        self._briefs: list[Brief] = []
        self._event_of: list[str] = []
        self._members: dict[str, list[int]] = {}
        self._postings: dict[str, list[int]] = {}
        self._records: dict[str, EventRecord] = {}
        self._decisions: dict[str, list[Adjudication]] = {}
        self._closed: set[int] = set()

    @property
    def records(self) -> list[EventRecord]:
        return [self._records[k] for k in sorted(self._records)]

    def _candidates(self, doc: DocFeatures) -> list[int]:
        shared: Counter[int] = Counter()
        for key in blocking_keys(doc, self.corpus, self.config, min_df=1):
            posting = self._postings.get(key, [])
            if len(posting) <= self.config.max_postings:
                shared.update(posting)
        ranked = sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))
        return [i for i, _ in ranked[: self.config.max_candidates]]

    def _best_event(
        self, doc: DocFeatures, description: str
    ) -> tuple[str | None, list[Adjudication]]:
        cfg = self.config
        best: tuple[float, str] | None = None
        decisions: list[Adjudication] = []
        for event_id in sorted({self._event_of[i] for i in self._candidates(doc)}):
            scores = [
                score_pair(doc, self._docs[j], self.corpus, cfg)
                for j in self._members[event_id][:MEMBERS]
            ]
            if any(s.forbidden for s in scores):
                continue
            mean = sum(s.value for s in scores) / len(scores)
            if self.adjudicator is not None and near_threshold(mean, cfg):
                texts = (description, _describe_record(self._records[event_id]))
                mean, record = adjudicate_link(
                    self.adjudicator, (doc.doc_id, event_id), texts, mean, cfg
                )
                decisions.append(record)
            if mean >= cfg.threshold and (best is None or mean > best[0]):
                best = (mean, event_id)
        return (best[1] if best else None), decisions

    def add(self, brief: Brief, article: Article | None = None) -> Change:
        """Add one brief (and its article): join the best-matching event or start one."""
        if article is not None:
            self.articles[article.id] = article
        doc = extract_features(brief.article_id, self.articles.get(brief.article_id), brief)
        self.corpus.add(doc)
        event_id, decisions = self._best_event(
            doc, describe_event(brief, self.articles.get(brief.article_id))
        )
        index = len(self._docs)
        self._docs.append(doc)
        self._briefs.append(brief)
        for key in blocking_keys(doc, self.corpus, self.config, min_df=1):
            self._postings.setdefault(key, []).append(index)
        old = self._records.get(event_id) if event_id else None
        if event_id is None:
            event_id = _event_id([brief.article_id])
            self._members[event_id] = []
        self._members[event_id].append(index)
        self._event_of.append(event_id)
        self._decisions.setdefault(event_id, []).extend(decisions)
        record = merge_group(
            event_id,
            [self._briefs[i] for i in self._members[event_id]],
            self.articles,
            self.adjudicator,
            version=old.version + 1 if old else 1,
            extra_adjudications=self._decisions[event_id],
        )
        self._records[event_id] = record
        if old is None:
            return Change(
                kind="created",
                event_id=event_id,
                version=1,
                article_id=brief.article_id,
                details=["new event: " + record.title],
            )
        return Change(
            kind="joined",
            event_id=event_id,
            version=record.version,
            article_id=brief.article_id,
            details=_diff(old, record),
        )

    def to_json(self) -> list[dict[str, Any]]:
        return events_json(self.records)

    def close(self, before: dt.date) -> list[EventRecord]:
        """Close the events whose latest article was published before ``before``: they
        leave the index (no later brief joins them) and are returned. An event with an
        undated article stays open."""
        closed = []
        for event_id, members in list(self._members.items()):
            dates = [self._docs[i].published for i in members]
            if all(d is not None and d < before for d in dates):
                closed.append(self._records.pop(event_id))
                del self._members[event_id]
                self._decisions.pop(event_id, None)
                for i in members:
                    self._closed.add(i)
        if closed:
            for key, posting in list(self._postings.items()):
                self._postings[key] = [i for i in posting if i not in self._closed]
        return sorted(closed, key=lambda r: r.id)


def _diff(old: EventRecord, new: EventRecord) -> list[str]:
    """Human-readable list of what changed between two versions of a record."""
    out = [f"article {a} added" for a in new.articles if a not in old.articles]
    for field in ("participants", "topics", "figures", "commitments", "quotes"):
        before = {_label(x) for x in getattr(old, field)}
        out += [
            f"{field[:-1]} added: {label}"
            for x in getattr(new, field)
            if (label := _label(x)) not in before
        ]
    before_conflicts = {c.subject for c in old.conflicts}
    out += [f"conflict: {c.subject}" for c in new.conflicts if c.subject not in before_conflicts]
    if old.date != new.date or old.date_text != new.date_text:
        out.append(f"date: {old.date or old.date_text} -> {new.date or new.date_text}")
    if old.n_sources != new.n_sources:
        out.append(f"independent sources: {old.n_sources} -> {new.n_sources}")
    return out


def _label(item: object) -> str:
    for attr in ("name", "label", "action", "text"):
        value = getattr(item, attr, None)
        if isinstance(value, str):
            return value[:80]
    return f"{getattr(item, 'what', '')} = {getattr(item, 'value', '')}"
