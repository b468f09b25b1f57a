"""Merging one group of briefs into an :class:`~summarizer.types.EventRecord`.

Every item keeps its provenance: the supporting article ids and :class:`SourceSpan`
evidence (article id plus exact offsets). Spans are checked against the article text; a
span whose offsets drifted is re-anchored to the nearest exact occurrence of its text, and
one whose text is absent is dropped, so every span in a record is exact.

* **Participants** (and merely mentioned names) are canonicalised by
  :func:`~summarizer.events.entities.resolve_entities`; a name that also appears as a participant
  is a participant.
* **Topics** cluster by content-word overlap (Jaccard >= 0.5, or containment); **commitments**
  by canonical actor plus action overlap; **quotes** by fuzzy text match; **figures** by
  what is counted. Each merged item says how many independent sources back it (distinct
  outlets; an article of unknown outlet counts alone) and whether it is single-source.
* **Conflicts** are kept side by side, never resolved: figures that count the same thing
  with different values, "X-led" style descriptors that disagree about the same topic
  ("Kenyan-led" vs "UN-led" mission), event dates and places.
* **Date**: a brief's explicit date wins; otherwise a weekday cue ("on Monday") becomes a
  date only against an article's publication date, and stays a cue without one.
* **Title and summary** are assembled from the record's own facts (no model involved).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import TypedDict

from rapidfuzz import fuzz

from summarizer.events.entities import (
    Adjudicator,
    EntityMention,
    canonical_country,
    display_name,
    parse_name,
    resolve_entities,
    rule_same_entity,
)
from summarizer.events.group import resolve_weekday
from summarizer.text import WEEKDAYS, tokenize
from summarizer.types import (
    Adjudication,
    Article,
    Brief,
    CommitmentRecord,
    Conflict,
    ConflictValue,
    EntityRecord,
    EventRecord,
    FigureRecord,
    QuoteRecord,
    SourceSpan,
    Span,
    TopicRecord,
)

__all__ = ["anchor_spans", "independent_sources", "merge_group"]

_DESCRIPTOR = re.compile(r"\b([A-Z][\w.]*)-(led|backed|funded|sponsored|owned|run|brokered)\b")


def anchor_spans(
    article_id: str, spans: Iterable[Span], articles: Mapping[str, Article]
) -> list[SourceSpan]:
    """Spans tagged with their article, exact against its text (re-anchored or dropped)."""
    article = articles.get(article_id)
    out: list[SourceSpan] = []
    for span in spans:
        start, end = span.start, span.end
        if article is not None and article.text[start:end] != span.text:
            hits = [m.start() for m in re.finditer(re.escape(span.text), article.text)]
            if not span.text or not hits:
                continue
            start = min(hits, key=lambda h: (abs(h - span.start), h))
            end = start + len(span.text)
        out.append(
            SourceSpan(
                article_id=article_id,
                start=start,
                end=end,
                text=span.text,
                match=span.match,
                score=span.score,
            )
        )
    return out


def independent_sources(article_ids: Iterable[str], articles: Mapping[str, Article]) -> int:
    """Distinct outlets among the articles (an article of unknown outlet counts alone)."""
    outlets = set()
    for aid in article_ids:
        source = articles[aid].source if aid in articles else None
        outlets.add(("outlet", source.strip().lower()) if source else ("article", aid))
    return max(1, len(outlets))


class _Provenance(TypedDict):
    sources: list[str]
    n_sources: int
    single_source: bool
    evidence: list[SourceSpan]


class _Item:
    """Accumulates one merged item's values, sources and evidence."""

    def __init__(self) -> None:
        self.values: list[tuple[str, str]] = []  # (article_id, value)
        self.evidence: list[SourceSpan] = []

    def add(self, article_id: str, value: str, evidence: list[SourceSpan]) -> None:
        self.values.append((article_id, value))
        self.evidence.extend(evidence)

    @property
    def sources(self) -> list[str]:
        return sorted({aid for aid, _ in self.values})

    def best(self) -> str:
        counts = Counter(v for _, v in self.values)
        return min(counts, key=lambda v: (-counts[v], len(v), v))

    def provenance(self, articles: Mapping[str, Article]) -> _Provenance:
        n = independent_sources(self.sources, articles)
        evidence = sorted(set(self.evidence), key=lambda s: (s.article_id, s.start, s.end))
        return {
            "sources": self.sources,
            "n_sources": n,
            "single_source": len(self.sources) == 1,
            "evidence": evidence,
        }


def _content(text: str) -> frozenset[str]:
    return frozenset(t.removesuffix("s") for t in tokenize(text))


def _plain(tokens: Iterable[str]) -> set[str]:
    return {t for t in tokens if not t.startswith("#")}


def _same_quote(a: str, b: str) -> bool:
    """Two excerpts of one statement: most words of the shorter one recur in the longer."""
    ta, tb = _content(a), _content(b)
    shared = len(ta & tb)
    return fuzz.token_set_ratio(a, b) >= 85 or (
        shared >= 4 and shared / max(1, min(len(ta), len(tb))) >= 0.6
    )


def _topic_key(label: str) -> frozenset[str]:
    """Content words, plus ``#acronym`` for an all-caps acronym ("STIP") or the initials
    of a capitalised phrase ("Strategic Trade and Investment Partnership")."""
    acronyms = {w.lower() for w in re.findall(r"\b[A-Z]{3,}\b", label)}
    for phrase in re.findall(r"(?:[A-Z][a-z]+(?:\s+(?:and|of|for)\s+|\s+)){2,}[A-Z][a-z]+", label):
        acronyms.add("".join(w[0] for w in phrase.split() if w[0].isupper()).lower())
    return _content(label) | {"#" + a for a in acronyms}


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


def _entities(
    briefs: Sequence[Brief], articles: Mapping[str, Article], adjudicator: Adjudicator | None
) -> tuple[list[EntityRecord], list[EntityRecord], list[Adjudication], dict[str, str]]:
    rows: list[tuple[str, bool, EntityMention, list[SourceSpan]]] = []
    for b in briefs:
        for p in b.participants:
            rows.append(
                (
                    b.article_id,
                    True,
                    EntityMention(p.name, p.role, p.organisation, p.country),
                    anchor_spans(b.article_id, p.evidence, articles),
                )
            )
        for m in b.mentioned:
            rows.append(
                (
                    b.article_id,
                    False,
                    EntityMention(m.name),
                    anchor_spans(b.article_id, m.evidence, articles),
                )
            )
    resolution = resolve_entities([r[2] for r in rows], adjudicator)
    participants: list[EntityRecord] = []
    mentioned: list[EntityRecord] = []
    canonical: dict[str, str] = {}
    for cluster in resolution.clusters:
        item = _Item()
        for i in cluster:
            item.add(rows[i][0], display_name(rows[i][2].name), rows[i][3])
        parsed = [rows[i][2].parsed() for i in cluster]
        full = [
            display_name(rows[i][2].name)
            for i, p in zip(cluster, parsed, strict=True)
            if p.kind != "descriptor"
        ]
        counts = Counter(full)
        name = max(counts, key=lambda n: (counts[n], len(n.split()), n)) if counts else item.best()
        roles = Counter(r for i in cluster if (r := rows[i][2].role))
        orgs = Counter(o for i in cluster if (o := rows[i][2].organisation))
        countries = Counter(c for p in parsed if (c := p.country))
        record = EntityRecord(
            id="",
            name=name,
            aliases=sorted({rows[i][2].name for i in cluster} - {name}),
            role=_top(roles),
            organisation=_top(orgs),
            country=_top(countries),
            **item.provenance(articles),
        )
        for i in cluster:
            canonical[rows[i][2].name] = name
        (participants if any(rows[i][1] for i in cluster) else mentioned).append(record)
    ranked = [
        [
            r.model_copy(update={"id": f"{prefix}{k + 1}"})
            for k, r in enumerate(sorted(group, key=lambda r: (-len(r.sources), r.name)))
        ]
        for prefix, group in (("p", participants), ("m", mentioned))
    ]
    return ranked[0], ranked[1], resolution.adjudications, canonical


def _top(counts: Counter[str]) -> str | None:
    return min(counts, key=lambda v: (-counts[v], v)) if counts else None


def _descriptor_values(by_who: Mapping[str, _Item]) -> list[ConflictValue]:
    """One side of a descriptor conflict per "who", with its sources and spans."""
    return [
        ConflictValue(
            value=f"{who} ({item.best()})",
            sources=item.sources,
            evidence=sorted(set(item.evidence), key=_span_key),
        )
        for who, item in sorted(by_who.items())
    ]


def _descriptor_conflicts(
    label: str, tokens: frozenset[str], spans: Sequence[SourceSpan]
) -> list[Conflict]:
    """ "X-led" style descriptors of one topic that disagree across articles."""
    found: dict[str, dict[str, _Item]] = {}
    for span in spans:
        for m in _DESCRIPTOR.finditer(span.text):
            following = _content(span.text[m.end() : m.end() + 80])
            if not following & tokens:
                continue
            who = canonical_country(m.group(1)) or m.group(1)
            item = found.setdefault(m.group(2), {}).setdefault(who, _Item())
            piece = SourceSpan(
                article_id=span.article_id,
                start=span.start + m.start(),
                end=span.start + m.end(),
                text=m.group(0),
            )
            item.add(span.article_id, m.group(0), [piece])
    conflicts = []
    for participle, by_who in sorted(found.items()):
        if len(by_who) >= 2:
            conflicts.append(
                Conflict(
                    kind="descriptor",
                    subject=f"{label}: {participle} by",
                    values=_descriptor_values(by_who),
                )
            )
    return conflicts


# What an "X-led ..." descriptor can be about: the first of these within the next few words.
_DESCRIBED = frozenset(
    [
        "mission",
        "operation",
        "operations",
        "force",
        "forces",
        "coalition",
        "alliance",
        "government",
        "administration",
        "talks",
        "initiative",
        "effort",
        "programme",
        "program",
        "deal",
        "agreement",
        "offensive",
        "campaign",
        "investigation",
        "probe",
        "team",
        "consortium",
        "troops",
        "peacekeepers",
        "summit",
        "process",
    ]
)


def _text_descriptor_conflicts(
    article_ids: Sequence[str], articles: Mapping[str, Article], known: set[tuple[str, str]]
) -> list[Conflict]:
    """ "X-led mission" in one article, "Y-led mission" in another: a conflict about who
    leads the mission, found in the texts themselves (spans are exact by construction)."""
    found: dict[tuple[str, str], dict[str, _Item]] = {}
    for aid in article_ids:
        article = articles.get(aid)
        if article is None:
            continue
        for m in _DESCRIPTOR.finditer(article.text):
            words = re.findall(r"[A-Za-z]+", article.text[m.end() : m.end() + 60])[:6]
            head = next((w.lower() for w in words if w.lower() in _DESCRIBED), None)
            if head is None:
                continue
            who = canonical_country(m.group(1)) or m.group(1)
            piece = SourceSpan(article_id=aid, start=m.start(), end=m.end(), text=m.group(0))
            found.setdefault((head, m.group(2)), {}).setdefault(who, _Item()).add(
                aid, m.group(0), [piece]
            )
    conflicts = []
    for (head, participle), by_who in sorted(found.items()):
        sources = {a for item in by_who.values() for a in item.sources}
        if len(by_who) < 2 or len(sources) < 2 or (head, participle) in known:
            continue
        # Only a disagreement between articles counts, not one article naming two leads.
        conflicts.append(
            Conflict(
                kind="descriptor",
                subject=f"{head}: {participle} by",
                values=_descriptor_values(by_who),
            )
        )
    return conflicts


def _span_key(s: SourceSpan) -> tuple[str, int, int]:
    return (s.article_id, s.start, s.end)


def _number(value: str) -> str:
    digits = re.sub(r"[^\d.]", "", value.replace(",", ""))
    return digits.strip(".") or value.strip().lower()


def _resolve_date(
    briefs: Sequence[Brief], articles: Mapping[str, Article], event_spans: list[SourceSpan]
) -> tuple[dt.date | None, str | None, list[Conflict]]:
    per_date: dict[dt.date, _Item] = {}
    cues = Counter(b.event.date_text for b in briefs if b.event.date_text)
    for b in briefs:
        date = b.event.date
        if date is None and b.event.date_text:
            m = re.search(r"\b(" + "|".join(WEEKDAYS) + r")\b", b.event.date_text, re.I)
            published = articles[b.article_id].published if b.article_id in articles else None
            if m and published:
                date = resolve_weekday(WEEKDAYS.index(m.group(1).lower()), published)
        if date is not None:
            spans = [s for s in event_spans if s.article_id == b.article_id]
            per_date.setdefault(date, _Item()).add(b.article_id, date.isoformat(), spans)
    cue = _top(cues)
    if not per_date:
        return None, cue, []
    best = max(per_date, key=lambda d: (len(per_date[d].sources), -d.toordinal()))
    conflicts = []
    if len(per_date) > 1:
        conflicts.append(
            Conflict(
                kind="date",
                subject="event date",
                values=[
                    ConflictValue(
                        value=d.isoformat(),
                        sources=it.sources,
                        evidence=sorted(set(it.evidence), key=_span_key),
                    )
                    for d, it in sorted(per_date.items())
                ],
            )
        )
    return best, cue, conflicts


def merge_group(
    event_id: str,
    briefs: Sequence[Brief],
    articles: Mapping[str, Article],
    adjudicator: Adjudicator | None = None,
    version: int = 1,
    extra_adjudications: Sequence[Adjudication] = (),
) -> EventRecord:
    """One :class:`EventRecord` from the briefs of one event (see the module docstring)."""
    briefs = sorted(briefs, key=lambda b: b.article_id)
    article_ids = [b.article_id for b in briefs]
    participants, mentioned, adjudications, canonical = _entities(briefs, articles, adjudicator)
    event_spans = [
        s for b in briefs for s in anchor_spans(b.article_id, b.event.evidence, articles)
    ]
    conflicts: list[Conflict] = []

    topic_rows = [
        (b.article_id, t.label, anchor_spans(b.article_id, t.evidence, articles))
        for b in briefs
        for t in b.topics
    ]
    topics: list[TopicRecord] = []
    for cluster in _cluster([_topic_key(r[1]) for r in topic_rows], 0.5):
        item = _Item()
        for i in cluster:
            item.add(*topic_rows[i])
        label = item.best()
        tokens = frozenset().union(*(_content(topic_rows[i][1]) for i in cluster))
        label_spans = list(item.evidence) + event_spans
        conflicts += _descriptor_conflicts(label, tokens, label_spans)
        topics.append(
            TopicRecord(
                label=label,
                aliases=sorted({v for _, v in item.values} - {label}),
                **item.provenance(articles),
            )
        )

    reported = {
        (word, c.subject.split(": ")[-1].split()[0])
        for c in conflicts
        for word in _content(c.subject)
        if word in _DESCRIBED
    }
    conflicts += _text_descriptor_conflicts(article_ids, articles, reported)

    com_rows = [
        (b.article_id, c, anchor_spans(b.article_id, c.evidence, articles))
        for b in briefs
        for c in b.commitments
    ]
    commitments: list[CommitmentRecord] = []
    known = {p.name for p in participants} | {m.name for m in mentioned}

    def canon(name: str | None) -> str | None:
        if not name:
            return name
        if name in canonical:
            return canonical[name]
        parsed = parse_name(name)
        for record in [*participants, *mentioned]:
            if rule_same_entity(parsed, parse_name(record.name)) is True:
                return record.name
        return name

    com_clusters: list[tuple[str | None, frozenset[str], list[int]]] = []
    for i, (_, c, _) in enumerate(com_rows):
        actor, words = canon(c.actor), _content(c.action)
        for k, (other, other_words, members) in enumerate(com_clusters):
            compatible = actor == other or actor not in known or other not in known
            shared = len(words & other_words)
            if compatible and shared >= 2 and shared / min(len(words), len(other_words)) >= 0.6:
                members.append(i)
                if other not in known:
                    com_clusters[k] = (actor, other_words | words, members)
                break
        else:
            com_clusters.append((actor, words, [i]))
    for actor, _, cluster in com_clusters:
        item = _Item()
        for i in cluster:
            aid, c, spans = com_rows[i]
            item.add(aid, c.action, spans)
        first = com_rows[cluster[0]][1]
        statuses = Counter(com_rows[i][1].status for i in cluster)
        commitments.append(
            CommitmentRecord(
                actor=actor or first.actor,
                action=item.best(),
                counterpart=canon(first.counterpart),
                status=min(statuses, key=lambda s: (-statuses[s], s)),
                **item.provenance(articles),
            )
        )

    quotes: list[QuoteRecord] = []
    quote_items: list[tuple[str, str, _Item]] = []
    for b in briefs:
        for q in b.quotes:
            spans = anchor_spans(b.article_id, q.evidence, articles)
            speaker = canon(q.speaker) or q.speaker
            for sp, text, item in quote_items:
                if sp == speaker and _same_quote(text, q.text):
                    item.add(b.article_id, q.text, spans)
                    break
            else:
                item = _Item()
                item.add(b.article_id, q.text, spans)
                quote_items.append((speaker, q.text, item))
    for speaker, _, item in quote_items:
        text = max((v for _, v in item.values), key=lambda v: (len(v), v))
        quotes.append(QuoteRecord(speaker=speaker, text=text, **item.provenance(articles)))

    fig_rows = [
        (b.article_id, f, anchor_spans(b.article_id, f.evidence, articles))
        for b in briefs
        for f in b.figures
    ]
    figures: list[FigureRecord] = []
    for cluster in _cluster([_content(f.what) for _, f, _ in fig_rows], 0.75):
        by_value: dict[str, _Item] = {}
        for i in cluster:
            aid, f, spans = fig_rows[i]
            by_value.setdefault(_number(f.value), _Item()).add(aid, f.value, spans)
        fig_whats = Counter(fig_rows[i][1].what for i in cluster)
        label = min(fig_whats, key=lambda w: (-fig_whats[w], w))
        if len(by_value) > 1 and len({a for it in by_value.values() for a in it.sources}) > 1:
            conflicts.append(
                Conflict(
                    kind="figure",
                    subject=label,
                    values=[
                        ConflictValue(
                            value=it.best(),
                            sources=it.sources,
                            evidence=sorted(set(it.evidence), key=_span_key),
                        )
                        for _, it in sorted(by_value.items())
                    ],
                )
            )
        for item in by_value.values():
            unit = next((fig_rows[i][1].unit for i in cluster if fig_rows[i][1].unit), None)
            figures.append(
                FigureRecord(what=label, value=item.best(), unit=unit, **item.provenance(articles))
            )

    date, date_text, date_conflicts = _resolve_date(briefs, articles, event_spans)
    conflicts += date_conflicts
    places = _Item()
    for b in briefs:
        if b.event.place:
            places.add(b.article_id, b.event.place, [])
    place = places.best() if places.values else None
    distinct = sorted({v for _, v in places.values})
    if any(
        a.lower() not in b.lower() and b.lower() not in a.lower()
        for a in distinct
        for b in distinct
    ):
        conflicts.append(
            Conflict(
                kind="place",
                subject="event place",
                values=[
                    ConflictValue(
                        value=v,
                        sources=sorted({a for a, x in places.values if x == v}),
                        evidence=[],
                    )
                    for v in distinct
                ],
            )
        )

    unique: dict[tuple[str, str], Conflict] = {}
    for conflict in conflicts:
        unique.setdefault((conflict.kind, repr(conflict.values)), conflict)
    conflicts = list(unique.values())
    whats = [b.event.what for b in briefs]
    surnames = [p.name.split()[-1].lower() for p in participants]
    what = max(
        whats,
        key=lambda w: (
            sum(n in w.lower() for n in surnames),
            sum(len(_content(w) & _content(o)) for o in whats),
            -len(w),
            w,
        ),
    )
    record = EventRecord(
        id=event_id,
        version=version,
        title="",
        summary="",
        what=what,
        date=date,
        date_text=date_text,
        place=place,
        articles=article_ids,
        n_sources=independent_sources(article_ids, articles),
        evidence=sorted(set(event_spans), key=_span_key),
        participants=participants,
        mentioned=mentioned,
        topics=sorted(topics, key=lambda t: (-len(t.sources), t.label)),
        commitments=commitments,
        quotes=quotes,
        figures=figures,
        conflicts=conflicts,
        adjudications=[*extra_adjudications, *adjudications],
    )
    return record.model_copy(update={"title": _title(record), "summary": _summary(record)})


def _when(record: EventRecord) -> str:
    if record.date is not None:
        return record.date.isoformat()
    return record.date_text or "date not given"


def _title(record: EventRecord) -> str:
    names = " and ".join(p.name for p in record.participants[:2])
    what = (record.what or "Event").rstrip(".")
    head = (
        what
        if not names or all(n.split()[-1] in what for n in names.split(" and "))
        else f"{names}: {what}"
    )
    return f"{head} ({_when(record)})"


def _summary(record: EventRecord) -> str:
    parts = [
        f"{(record.what or 'Event').rstrip('.')} ({_when(record)}"
        + (f", {record.place})." if record.place else ").")
    ]
    if record.participants:
        parts.append(
            "Participants: "
            + "; ".join(p.name + (f" ({p.role})" if p.role else "") for p in record.participants)
            + "."
        )
    if record.topics:
        parts.append("Topics: " + "; ".join(t.label for t in record.topics) + ".")
    if record.commitments:
        parts.append(
            "Commitments: " + "; ".join(f"{c.actor} {c.action}" for c in record.commitments) + "."
        )
    if record.figures:
        parts.append(
            "Figures: "
            + "; ".join(
                f"{f.what} {f.value}" + (" (single source)" if f.single_source else "")
                for f in record.figures
            )
            + "."
        )
    for c in record.conflicts:
        parts.append(
            f"Sources disagree on {c.subject}: "
            + " vs ".join(f"{v.value} [{', '.join(v.sources)}]" for v in c.values)
            + "."
        )
    parts.append(
        f"Reported by {len(record.articles)} article(s), {record.n_sources} independent source(s)."
    )
    return " ".join(parts)
