"""Conflicts in one group of briefs, kept side by side and never resolved.

* **Descriptors**: "X-led" style descriptors that disagree about the same topic
  ("Kenyan-led" vs "UN-led" mission), in the evidence of a topic or in the texts
  themselves;
* **figures** that count the same thing with different values;
* the event's **dates** and **places**.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from summarizer.events.countries import canonical_country
from summarizer.events.provenance import Item, sorted_spans
from summarizer.text import content_words
from summarizer.types import Article, Conflict, ConflictKind, ConflictValue, SourceSpan

__all__ = [
    "descriptor_conflicts",
    "reported_descriptors",
    "text_descriptor_conflicts",
    "unique_conflicts",
    "values_conflict",
]

_DESCRIPTOR = re.compile(r"\b([A-Z][\w.]*)-(led|backed|funded|sponsored|owned|run|brokered)\b")

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


def values_conflict(
    kind: ConflictKind, subject: str, sides: Iterable[tuple[str, Item]]
) -> Conflict:
    """A conflict with one side per ``(value, item)``: the item's sources and spans."""
    return Conflict(
        kind=kind,
        subject=subject,
        values=[
            ConflictValue(value=value, sources=item.sources, evidence=sorted_spans(item.evidence))
            for value, item in sides
        ],
    )


def _by_who(by_who: Mapping[str, Item]) -> list[tuple[str, Item]]:
    """One side of a descriptor conflict per "who" (with the descriptor as written)."""
    return [(f"{who} ({item.best()})", item) for who, item in sorted(by_who.items())]


def descriptor_conflicts(
    label: str, tokens: frozenset[str], spans: Sequence[SourceSpan]
) -> list[Conflict]:
    """ "X-led" style descriptors of one topic that disagree across articles."""
    found: dict[str, dict[str, Item]] = {}
    for span in spans:
        for m in _DESCRIPTOR.finditer(span.text):
            following = content_words(span.text[m.end() : m.end() + 80])
            if not following & tokens:
                continue
            who = canonical_country(m.group(1)) or m.group(1)
            item = found.setdefault(m.group(2), {}).setdefault(who, Item())
            piece = SourceSpan(
                article_id=span.article_id,
                start=span.start + m.start(),
                end=span.start + m.end(),
                text=m.group(0),
            )
            item.add(span.article_id, m.group(0), [piece])
    return [
        values_conflict("descriptor", f"{label}: {participle} by", _by_who(by_who))
        for participle, by_who in sorted(found.items())
        if len(by_who) >= 2
    ]


def reported_descriptors(conflicts: Iterable[Conflict]) -> set[tuple[str, str]]:
    """``(head, participle)`` ("mission", "led") of the descriptor conflicts already found."""
    return {
        (word, c.subject.split(": ")[-1].split()[0])
        for c in conflicts
        for word in content_words(c.subject)
        if word in _DESCRIBED
    }


def text_descriptor_conflicts(
    article_ids: Sequence[str], articles: Mapping[str, Article], known: set[tuple[str, str]]
) -> list[Conflict]:
    """ "X-led mission" in one article, "Y-led mission" in another: a conflict about who
    leads the mission, found in the texts themselves (spans are exact by construction)."""
    found: dict[tuple[str, str], dict[str, Item]] = {}
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
            found.setdefault((head, m.group(2)), {}).setdefault(who, Item()).add(
                aid, m.group(0), [piece]
            )
    conflicts = []
    for (head, participle), by_who in sorted(found.items()):
        sources = {a for item in by_who.values() for a in item.sources}
        if len(by_who) < 2 or len(sources) < 2 or (head, participle) in known:
            continue
        # Only a disagreement between articles counts, not one article naming two leads.
        conflicts.append(values_conflict("descriptor", f"{head}: {participle} by", _by_who(by_who)))
    return conflicts


def unique_conflicts(conflicts: Iterable[Conflict]) -> list[Conflict]:
    """The first of each set of conflicts of one kind with the same sides."""
    unique: dict[tuple[str, str], Conflict] = {}
    for conflict in conflicts:
        unique.setdefault((conflict.kind, repr(conflict.values)), conflict)
    return list(unique.values())
