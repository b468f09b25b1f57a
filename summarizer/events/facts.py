"""The facts of one group of briefs, merged kind by kind, each with its provenance.

* **Participants** (and merely mentioned names) are canonicalised by
  :func:`~summarizer.events.entities.resolve_entities`; a name that also appears as a
  participant is a participant.
* **Topics** cluster by content-word overlap (Jaccard >= 0.5, or containment, or a shared
  acronym); **commitments** by canonical actor plus action overlap; **quotes** by speaker
  and fuzzy text match; **figures** by what is counted (values that differ are a conflict).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from rapidfuzz import fuzz

from summarizer.events.conflicts import descriptor_conflicts, values_conflict
from summarizer.events.entities import (
    Adjudicator,
    EntityMention,
    display_name,
    parse_name,
    resolve_entities,
    rule_same_entity,
)
from summarizer.events.provenance import Item, anchor_spans, top
from summarizer.text import content_words
from summarizer.types import (
    Adjudication,
    Article,
    Brief,
    CommitmentRecord,
    Conflict,
    EntityRecord,
    FigureRecord,
    QuoteRecord,
    SourceSpan,
    TopicRecord,
)

__all__ = [
    "Entities",
    "merge_commitments",
    "merge_entities",
    "merge_figures",
    "merge_quotes",
    "merge_topics",
]


@dataclass
class Entities:
    """A group's canonical entities, ranked (most sources first), and the name each name
    given by a brief stands for."""

    participants: list[EntityRecord]
    mentioned: list[EntityRecord]
    adjudications: list[Adjudication]
    canonical: dict[str, str]

    @property
    def known(self) -> set[str]:
        return {p.name for p in self.participants} | {m.name for m in self.mentioned}

    def canon(self, name: str | None) -> str | None:
        """The canonical name of ``name``: of the entity a brief gave it for, else of the
        first entity the rules say it is, else ``name`` itself."""
        if not name:
            return name
        if name in self.canonical:
            return self.canonical[name]
        parsed = parse_name(name)
        for record in [*self.participants, *self.mentioned]:
            if rule_same_entity(parsed, parse_name(record.name)) is True:
                return record.name
        return name


class _Row(NamedTuple):
    article_id: str
    participant: bool
    mention: EntityMention
    spans: list[SourceSpan]


def _entity_rows(briefs: Sequence[Brief], articles: Mapping[str, Article]) -> list[_Row]:
    rows: list[_Row] = []
    for b in briefs:
        for p in b.participants:
            mention = EntityMention(p.name, p.role, p.organisation, p.country)
            rows.append(
                _Row(b.article_id, True, mention, anchor_spans(b.article_id, p.evidence, articles))
            )
        for m in b.mentioned:
            spans = anchor_spans(b.article_id, m.evidence, articles)
            rows.append(_Row(b.article_id, False, EntityMention(m.name), spans))
    return rows


def _most(counts: Counter[str]) -> str | None:
    return top(counts) if counts else None


def _entity_record(
    rows: Sequence[_Row], cluster: Sequence[int], articles: Mapping[str, Article]
) -> EntityRecord:
    """One entity: named by its most frequent full name (descriptors aside)."""
    item = Item()
    for i in cluster:
        item.add(rows[i].article_id, display_name(rows[i].mention.name), rows[i].spans)
    parsed = [rows[i].mention.parsed() for i in cluster]
    full = [
        display_name(rows[i].mention.name)
        for i, p in zip(cluster, parsed, strict=True)
        if p.kind != "descriptor"
    ]
    counts = Counter(full)
    name = max(counts, key=lambda n: (counts[n], len(n.split()), n)) if counts else item.best()
    return EntityRecord(
        id="",
        name=name,
        aliases=sorted({rows[i].mention.name for i in cluster} - {name}),
        role=_most(Counter(r for i in cluster if (r := rows[i].mention.role))),
        organisation=_most(Counter(o for i in cluster if (o := rows[i].mention.organisation))),
        country=_most(Counter(c for p in parsed if (c := p.country))),
        **item.provenance(articles),
    )


def _ranked(prefix: str, records: Iterable[EntityRecord]) -> list[EntityRecord]:
    ranked = sorted(records, key=lambda r: (-len(r.sources), r.name))
    return [r.model_copy(update={"id": f"{prefix}{k + 1}"}) for k, r in enumerate(ranked)]


def merge_entities(
    briefs: Sequence[Brief], articles: Mapping[str, Article], adjudicator: Adjudicator | None
) -> Entities:
    """Participants (ids ``p1``, ...) and mentioned names (``m1``, ...) of the briefs."""
    rows = _entity_rows(briefs, articles)
    resolution = resolve_entities([r.mention for r in rows], adjudicator)
    participants: list[EntityRecord] = []
    mentioned: list[EntityRecord] = []
    canonical: dict[str, str] = {}
    for cluster in resolution.clusters:
        record = _entity_record(rows, cluster, articles)
        for i in cluster:
            canonical[rows[i].mention.name] = record.name
        (participants if any(rows[i].participant for i in cluster) else mentioned).append(record)
    return Entities(
        _ranked("p", participants), _ranked("m", mentioned), resolution.adjudications, canonical
    )


def _plain(tokens: Iterable[str]) -> set[str]:
    return {t for t in tokens if not t.startswith("#")}


def _topic_key(label: str) -> frozenset[str]:
    """Content words, plus ``#acronym`` for an all-caps acronym ("STIP") or the initials
    of a capitalised phrase ("Strategic Trade and Investment Partnership")."""
    acronyms = {w.lower() for w in re.findall(r"\b[A-Z]{3,}\b", label)}
    for phrase in re.findall(r"(?:[A-Z][a-z]+(?:\s+(?:and|of|for)\s+|\s+)){2,}[A-Z][a-z]+", label):
        acronyms.add("".join(w[0] for w in phrase.split() if w[0].isupper()).lower())
    return content_words(label) | {"#" + a for a in acronyms}


def _cluster(keys: Sequence[frozenset[str]], min_jaccard: float) -> list[list[int]]:
    """Greedy single-pass clustering of token sets (deterministic, in input order)."""
    clusters: list[tuple[set[str], list[int]]] = []
    for i, key in enumerate(keys):
        for tokens, members in clusters:
            shared = key & tokens
            acronym = any(t.startswith("#") for t in shared)
            words, union = _plain(shared), _plain(key | tokens)
            if words and (acronym or len(words) / len(union) >= min_jaccard or key <= tokens):
                tokens |= key
                members.append(i)
                break
        else:
            clusters.append((set(key), [i]))
    return [members for _, members in clusters]


def merge_topics(
    briefs: Sequence[Brief], articles: Mapping[str, Article], event_spans: Sequence[SourceSpan]
) -> tuple[list[TopicRecord], list[Conflict]]:
    """Topics, and the descriptor conflicts about them (in their evidence or the event's)."""
    rows = [
        (b.article_id, t.label, anchor_spans(b.article_id, t.evidence, articles))
        for b in briefs
        for t in b.topics
    ]
    topics: list[TopicRecord] = []
    conflicts: list[Conflict] = []
    for cluster in _cluster([_topic_key(r[1]) for r in rows], 0.5):
        item = Item()
        for i in cluster:
            item.add(*rows[i])
        label = item.best()
        tokens = frozenset().union(*(content_words(rows[i][1]) for i in cluster))
        conflicts += descriptor_conflicts(label, tokens, [*item.evidence, *event_spans])
        topics.append(
            TopicRecord(
                label=label,
                aliases=sorted({v for _, v in item.values} - {label}),
                **item.provenance(articles),
            )
        )
    return topics, conflicts


def merge_commitments(
    briefs: Sequence[Brief], articles: Mapping[str, Article], entities: Entities
) -> list[CommitmentRecord]:
    """Commitments, one per actor (canonical name) and overlapping action."""
    rows = [
        (b.article_id, c, anchor_spans(b.article_id, c.evidence, articles))
        for b in briefs
        for c in b.commitments
    ]
    known = entities.known
    clusters: list[tuple[str | None, frozenset[str], list[int]]] = []
    for i, (_, c, _) in enumerate(rows):
        actor, words = entities.canon(c.actor), content_words(c.action)
        for k, (other, other_words, members) in enumerate(clusters):
            compatible = actor == other or actor not in known or other not in known
            shared = len(words & other_words)
            if compatible and shared >= 2 and shared / min(len(words), len(other_words)) >= 0.6:
                members.append(i)
                if other not in known:
                    clusters[k] = (actor, other_words | words, members)
                break
        else:
            clusters.append((actor, words, [i]))
    commitments: list[CommitmentRecord] = []
    for actor, _, cluster in clusters:
        item = Item()
        for i in cluster:
            aid, c, spans = rows[i]
            item.add(aid, c.action, spans)
        first = rows[cluster[0]][1]
        commitments.append(
            CommitmentRecord(
                actor=actor or first.actor,
                action=item.best(),
                counterpart=entities.canon(first.counterpart),
                status=top(Counter(rows[i][1].status for i in cluster)),
                **item.provenance(articles),
            )
        )
    return commitments


def _same_quote(a: str, b: str) -> bool:
    """Two excerpts of one statement: most words of the shorter one recur in the longer."""
    ta, tb = content_words(a), content_words(b)
    shared = len(ta & tb)
    return fuzz.token_set_ratio(a, b) >= 85 or (
        shared >= 4 and shared / max(1, min(len(ta), len(tb))) >= 0.6
    )


def merge_quotes(
    briefs: Sequence[Brief], articles: Mapping[str, Article], entities: Entities
) -> list[QuoteRecord]:
    """Quotes, one per speaker (canonical name) and statement, in its longest wording."""
    items: list[tuple[str | None, str, Item]] = []
    for b in briefs:
        for q in b.quotes:
            spans = anchor_spans(b.article_id, q.evidence, articles)
            speaker = (entities.canon(q.speaker) or q.speaker) if q.speaker else None
            for sp, text, item in items:
                if sp == speaker and _same_quote(text, q.text):
                    item.add(b.article_id, q.text, spans)
                    break
            else:
                item = Item()
                item.add(b.article_id, q.text, spans)
                items.append((speaker, q.text, item))
    return [
        QuoteRecord(
            speaker=speaker,
            text=max((v for _, v in item.values), key=lambda v: (len(v), v)),
            **item.provenance(articles),
        )
        for speaker, _, item in items
    ]


def _number(value: str) -> str:
    digits = re.sub(r"[^\d.]", "", value.replace(",", ""))
    return digits.strip(".") or value.strip().lower()


def merge_figures(
    briefs: Sequence[Brief], articles: Mapping[str, Article]
) -> tuple[list[FigureRecord], list[Conflict]]:
    """Figures, one per thing counted and value; different values (from more than one
    article) for one thing are a conflict."""
    rows = [
        (b.article_id, f, anchor_spans(b.article_id, f.evidence, articles))
        for b in briefs
        for f in b.figures
    ]
    figures: list[FigureRecord] = []
    conflicts: list[Conflict] = []
    for cluster in _cluster([content_words(f.what) for _, f, _ in rows], 0.75):
        by_value: dict[str, Item] = {}
        for i in cluster:
            aid, f, spans = rows[i]
            by_value.setdefault(_number(f.value), Item()).add(aid, f.value, spans)
        label = top(Counter(rows[i][1].what for i in cluster))
        values = sorted(by_value.items(), key=lambda kv: kv[0])
        if len(by_value) > 1 and len({a for it in by_value.values() for a in it.sources}) > 1:
            conflicts.append(
                values_conflict("figure", label, [(it.best(), it) for _, it in values])
            )
        unit = next((rows[i][1].unit for i in cluster if rows[i][1].unit), None)
        for item in by_value.values():
            figures.append(
                FigureRecord(what=label, value=item.best(), unit=unit, **item.provenance(articles))
            )
    return figures, conflicts
