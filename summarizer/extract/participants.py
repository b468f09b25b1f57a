"""Who took part in the main event: the model's participants, completed from the lead.

A news article states its main event in its first sentence (the lead), and names there
who took part: "Acme agreed to buy Widgetco", "Gov. Jane Roe urged lawmakers ...". The
small model often lists one of them only as "mentioned", or not at all. So, besides the
participants the model names (checked in :mod:`summarizer.extract.checks`):

- a person named in the lead (:mod:`summarizer.extract.people`) takes part;
- a name the model lists as mentioned takes part when the lead writes it as an actor: its
  whole name or its head word (the last one), not after a preposition of place ("in
  Ruritania", "travel to Ruritania") nor as a possessor ("Ruritania's new law");

each unless a participant already shares a name word with it. Nothing here calls a model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from summarizer.extract.checks import Checks, name_words
from summarizer.extract.people import Mention
from summarizer.extract.schema import DMention
from summarizer.types import Participant

__all__ = ["LEAD_SENTENCES", "in_lead", "is_outlet", "lead_participants", "lead_span"]

LEAD_SENTENCES = 5
"""The sentences that open an article: who took part in its main event is named there."""

_DATELINE = re.compile(r"[^\n]{1,60}?\s[—–-]{1,2}\s")
_PLACE_BEFORE = re.compile(
    r"\b(?:in|into|to|from|across|near|off|at|throughout|around|outside|inside|northern|"
    r"southern|eastern|western|central|north|south|east|west)\s+(?:the\s+)?$",
    re.I,
)
# Who reports an event does not take part in it: outlets, the media, reporters.
_OUTLET = re.compile(
    r"\b(?:[Mm]edia|[Nn]ews|[Nn]ewspapers?|[Tt]elevision|TV|[Rr]adio|[Rr]eporters?|"
    r"[Cc]orrespondents?|Reuters|AFP|Associated Press|Times|Post|Journal|Herald|Tribune|"
    r"Gazette)\b"
)
# A name between a determiner and a noun modifies the noun ("the Ruritania peace deal").
_DETERMINER_BEFORE = re.compile(r"\b(?:the|a|an|this|that)\s+(?:\d+\s+)?$", re.I)
_NOUN_AFTER = re.compile(
    r"^\s+(?!(?:said|says|has|have|had|is|was|were|are|will|would|can|could|may|might|"
    r"must|should|did|does|do)\b)[a-z]+\b(?<!ed)"
)
_POSSESSIVE_END = re.compile(r"(?:’s|'s)$")
_POSSESSIVE = re.compile(r"^(?:’s|'s|’|')(?!\w)")


def lead_span(c: Checks) -> tuple[int, int]:
    """The first sentence of the article with its dateline ("CITY, Country (Agency) —")
    left off."""
    start, end = c.sentences.spans[0]
    m = _DATELINE.match(c.text, start, end)
    if m and len(m.group().split()) <= 7 and not re.search(r"\b[a-z]{4,}\b", m.group()):
        start = m.end()
    return start, end


def is_outlet(name: str) -> bool:
    """Whether ``name`` is of who reports (an outlet, the media, a reporter)."""
    return _OUTLET.search(name) is not None


def in_lead(c: Checks, name: str, sentences: int = LEAD_SENTENCES) -> bool:
    """Whether one of the words of ``name`` (:func:`name_words`) is in the first
    ``sentences`` sentences of the article."""
    end = c.sentences.spans[min(sentences, len(c.sentences.spans)) - 1][1]
    return bool(name_words(name) & name_words(c.text[:end]))


def _as_actor(text: str, start: int, end: int, name: str) -> tuple[int, int] | None:
    """Where ``text[start:end]`` writes ``name`` (whole, else its last word) as an actor."""
    words = name.split()
    spaced = r"\s+".join(map(re.escape, words))
    whole = re.compile(rf"(?<!\w){spaced}(?!\w)", re.I)
    # The head word alone, written as the model writes it ("Party" is not "party").
    head = re.compile(rf"(?<!\w){re.escape(words[-1])}(?!\w)")
    for pattern in (whole, head):
        for m in pattern.finditer(text[start:end]):
            a, b = start + m.start(), start + m.end()
            if (
                _PLACE_BEFORE.search(text, max(0, a - 30), a)
                or _POSSESSIVE.match(text[b:end])
                or (
                    _DETERMINER_BEFORE.search(text, max(0, a - 30), a)
                    and _NOUN_AFTER.match(text[b:end])
                )
            ):
                continue
            return a, b
    return None


def lead_participants(
    c: Checks,
    have: Sequence[Participant],
    mentioned: Sequence[DMention],
    persons: Sequence[Mention],
) -> list[Participant]:
    """Participants the lead names that ``have`` lacks: the ``persons`` named in it, and
    the model's ``mentioned`` names it writes as actors."""
    start, end = lead_span(c)
    taken = set().union(*(name_words(p.name) for p in have))
    out: list[Participant] = []
    candidates: list[tuple[str, tuple[int, int] | None]] = [
        (_POSSESSIVE_END.sub("", p.name), (p.start, p.end))
        for p in persons
        if start <= p.start and p.end <= end and p.titles
    ]
    candidates += [(m.name, _as_actor(c.text, start, end, m.name)) for m in mentioned]
    for name, where in candidates:
        words = name_words(name)
        if where is None or not words or words & taken or is_outlet(name):
            continue
        taken |= words
        out.append(Participant(name=name, evidence=[c.span(*where)]))
    return out
