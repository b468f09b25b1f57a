"""Who took part in the main event: the model's participants, completed from the text.

A news article states its main event in its first sentence (the lead), and names there
who took part: "Acme agreed to buy Widgetco", "Gov. Jane Roe urged lawmakers ...". The
small model often lists one of them only as "mentioned", or not at all. So, besides the
participants the model names (checked in :mod:`summarizer.extract.checks`):

- a person named in the lead (:mod:`summarizer.extract.people`) takes part;
- a name the model lists as mentioned takes part when the lead writes it as an actor: its
  whole name or its head word (the last one), not after a preposition of place ("in
  Ruritania", "travel to Ruritania") nor as a possessor ("Ruritania's new law");
- who the text casts in the event's roles (:func:`event_roles`): the victims as a group
  when the lead counts them ("killing 10 people"), the named people it says were killed or
  hurt, groups the lead has act ("rioters set fire to a bank"), the ships the opening
  sentences name ("MV Gibe"), and people introduced by a part in the event ("referee Tony
  Weeks", "the suspect, Jo Doe");

each unless a participant already shares a name word with it, and never a place ("Qeshm
island") or an outlet. Nothing here calls a model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from summarizer.extract.checks import Checks, name_words
from summarizer.extract.people import Mention
from summarizer.extract.schema import DMention
from summarizer.types import Participant

__all__ = [
    "LEAD_SENTENCES",
    "event_roles",
    "in_lead",
    "is_outlet",
    "is_place",
    "lead_participants",
    "lead_span",
]

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


_PLACE_HEAD = re.compile(
    r"\b(?:[Ii]slands?|[Rr]iver|[Ll]ake|[Mm]ountains?|[Cc]oast|[Pp]rovince|[Cc]ounty|"
    r"[Rr]egion|[Vv]alley|[Bb]ay|[Gg]ulf|[Ss]ea|[Oo]cean|[Pp]eninsula|[Dd]istrict)$"
)


def is_place(name: str) -> bool:
    """Whether ``name`` is a place by its head word ("Qeshm island", "Gulf of Aden" is
    not caught): a place is where an event happens, not who takes part."""
    return _PLACE_HEAD.search(name.strip()) is not None


def is_outlet(name: str) -> bool:
    """Whether ``name`` is of who reports (an outlet, the media, a reporter)."""
    return _OUTLET.search(name) is not None


def in_lead(c: Checks, name: str, sentences: int = LEAD_SENTENCES) -> bool:
    """Whether one of the words of ``name`` (:func:`name_words`) is in the first
    ``sentences`` sentences of the article."""
    return bool(name_words(name) & name_words(c.text[: _opening_end(c, sentences)]))


def _opening_end(c: Checks, sentences: int) -> int:
    """Where the article's first ``sentences`` sentences end."""
    return c.sentences.spans[min(sentences, len(c.sentences.spans)) - 1][1]


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
    candidates: list[tuple[str, tuple[int, int] | None]] = [
        (_POSSESSIVE_END.sub("", p.name), (p.start, p.end))
        for p in persons
        if start <= p.start and p.end <= end and p.titles
    ]
    candidates += [(m.name, _as_actor(c.text, start, end, m.name)) for m in mentioned]
    return _admit(c, [(name, *where) for name, where in candidates if where is not None], have)


# --- who the text casts in the event's roles -----------------------------------------------

_NUMBER = (
    r"(?:\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"(?:thir|four|fif|six|seven|eigh|nine)teen|twenty|thirty|forty|fifty|a\s+dozen|"
    r"dozens|scores|hundreds|thousands)"
)
_HUMANS = (
    r"(?:people|persons|civilians|residents|villagers|children|women|men|students|workers|"
    r"employees|officers|policemen|soldiers|troops|passengers|tourists|miners|pilgrims|"
    r"worshippers|protesters|demonstrators|fans|guests|patients|staff)"
)
_GROUP = (
    r"(?:(?:at\s+least|more\s+than|some|about|nearly|almost|over|up\s+to)\s+)?"
    rf"{_NUMBER}\s+(?:of\s+)?(?:[a-z]+\s+)?{_HUMANS}"
)
_HARM = r"(?:killed|injured|wounded|hurt|died|dead)"
# The victims as a group: "killing 10 people", "Three people died", "five people were hurt".
_VICTIMS = re.compile(
    rf"\b(?:killing|injuring|wounding|hurting|killed|injured|wounded)\s+(?P<a>{_GROUP})\b"
    rf"|\b(?P<b>{_GROUP})\s+(?:(?:were|was|have\s+been|had\s+been|are|have|had)\s+)?{_HARM}\b",
    re.I,
)
# A named person struck by the event: "Capt. Jane Roe, 44, was killed in the blast".
_STRUCK = re.compile(
    r"\bdied\b|\b(?:was|were|had\s+been|have\s+been)\s+(?:(?:fatally|critically|seriously|badly)\s+)?"
    r"(?:killed|injured|wounded|shot|hurt|(?:listed\s+)?in\s+(?:critical|serious)\s+condition)\b"
)
# What may stand between a struck person and the verb ("Jo Roe, 44, was", "Jo Roe, who
# also was"), and between two of them ("Jo Roe and Officer Al Poe").
_TO_VERB = re.compile(r"(?:\s*,\s*(?:both\s+|aged\s+)?\d+\s*,?|\s*,?\s*who(?:\s+also)?)?\s*")
_JOINED = re.compile(r"(?:\s*,\s*(?:aged\s+)?\d+\s*,?)?\s*,?\s*and\s+(?:[A-Za-z.]+\s+){0,6}")
# A ship by its prefix ("MV Gibe", "USS Cole"): in a lead, a vessel attacked, seized or sent.
_VESSEL = re.compile(r"\b(?:MV|M/V|MT|INS|USS|HMS|HMAS|RMS)\s+[A-Z][\w-]+(?:\s+[A-Z][\w-]+)?")
# A group acting in the lead: "rioters set fire to a bank", "Greek police clashed with ...".
_GROUP_NOUN = (
    r"(?:protesters|demonstrators|rioters|police|policemen|troops|soldiers|forces|militants|"
    r"rebels|insurgents|gunmen|lawmakers|legislators|senators|voters|residents|villagers|"
    r"workers|firefighters|rescuers|pirates|students|fans|investigators|prosecutors)"
)
_ACTING = re.compile(
    rf"(?<![\w-])(?P<group>(?:[A-Z][\w-]+\s+)?(?:[a-z]+\s+)?{_GROUP_NOUN})"
    r"(?:\s+in\s+[A-Z]\w+)?\s+(?:have\s+|had\s+)?"
    r"(?!(?:announc|confirm|explain|report|stat|add|not|claim|defend|warn)ed\b)"
    r"(?:[a-z]+ed|took|set|threw|fought|stormed|shot|seized|broke|stole|began|ran|hit|struck|"
    r"won|met|held|gave|sent|made|caught|came)\b"
)
_NOT_MODIFIER = frozenset(
    "of after by some the and as when while before many other think say that which who".split()  # noqa: SIM905
)
# A person introduced by their part in the event ("referee Jo Doe", "the suspect, Jo Doe").
_ROLE_BEFORE = re.compile(
    r"\b(?:referee|umpire|judge|defendant|suspect|gunman|shooter|attacker|bomber|victim|"
    r"pilot|hostage)s?,?\s+$",
    re.I,
)


def event_roles(
    c: Checks, have: Sequence[Participant], persons: Sequence[Mention]
) -> list[Participant]:
    """Participants ``have`` lacks that the text casts in the event's roles: the victims
    as a group when the lead (:attr:`Checks.lead_end`) counts them, groups the lead has act
    ("rioters set fire"), the ships the opening sentences (:data:`LEAD_SENTENCES`) name, the
    named people it says were killed or hurt, and people it introduces by a part in the
    event (a referee, a defendant, a suspect)."""
    candidates: list[tuple[str, int, int]] = []
    m = _VICTIMS.search(c.text, 0, c.lead_end)
    if m is not None:
        key = "a" if m.group("a") else "b"
        if not {"people", "victims"} & set().union(*(name_words(p.name) for p in have)):
            candidates.append((m.group(key), m.start(key), m.end(key)))
    for m in _ACTING.finditer(c.text, 0, c.lead_end):
        start = m.start("group")
        first = m.group("group").split()[0]
        if first.lower() in _NOT_MODIFIER:
            start += len(first) + 1
        candidates.append((c.text[start : m.end("group")], start, m.end("group")))
    opening = _opening_end(c, LEAD_SENTENCES)
    candidates += [(v.group(), v.start(), v.end()) for v in _VESSEL.finditer(c.text, 0, opening)]
    for start, end in c.sentences.spans:
        for hit in _STRUCK.finditer(c.text, start, end):
            candidates += _struck(
                c.text, [p for p in persons if start <= p.start < hit.start()], hit.start()
            )
    candidates += [
        (p.name, p.start, p.end)
        for p in persons
        if _ROLE_BEFORE.search(c.text, max(0, p.start - 20), p.start)
    ]
    return _admit(c, [(_POSSESSIVE_END.sub("", n), a, b) for n, a, b in candidates], have)


def _struck(text: str, before: Sequence[Mention], verb: int) -> list[tuple[str, int, int]]:
    """The people of ``before`` who are the subject of the verb at ``verb``: the last one
    named right before it, and those joined to them by "and"."""
    out: list[tuple[str, int, int]] = []
    end = verb
    for p in reversed(before):
        gap = text[p.end : end]
        if not (_TO_VERB if not out else _JOINED).fullmatch(gap) or re.search(
            r"\w+(?:ed|ing)\b", gap
        ):
            break
        out.append((p.name, p.start, p.end))
        end = p.start
    return out[::-1]


def _admit(
    c: Checks, candidates: Sequence[tuple[str, int, int]], have: Sequence[Participant]
) -> list[Participant]:
    """The ``candidates`` (name, start, end) in order, each unless a name word of it is
    taken already (by one of ``have`` or an earlier candidate), or it is an outlet or a
    place."""
    taken = set().union(*(name_words(p.name) for p in have))
    out: list[Participant] = []
    for name, start, end in candidates:
        words = name_words(name)
        if not words or words & taken or is_outlet(name) or is_place(name):
            continue
        taken |= words
        out.append(Participant(name=name, evidence=[c.span(start, end)]))
    return out
