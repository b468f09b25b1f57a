"""The learned pair scorer's per-document cues (issue #13): :class:`LeadCues`.

Computed once per document by :func:`lead_cues`, when the scorer first asks
(:class:`LazyCues`: the rules never do, so they pay nothing for them).

The **lead** is the title plus the first two body sentences, skipping header furniture
(date lines, bylines, "Updated ..." lines, lines of fewer than six words:
:func:`~summarizer.events.datelines.lead_sentences`). From it: its term frequencies, proper
names, counted quantities and salient numbers, the weekday it names, the **places** its
body says something happened in (a name after "in", "near", "outside", "off"), its **event
types** (classes of the words naming what happened: an arrest, a charge, a verdict, a
death, an offer, a meeting, a declaration...) and its **persons** (named in full, then again by
surname alone). From the whole text: the event types it names anywhere, the **report
date** (the publication date, else the date of a date line among the first lines) and its
year, and the day of the year of the report date or of the first past "Month day" of the
lead. How two documents' cues are compared is :mod:`summarizer.events.pairs`.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from summarizer.events.datelines import (
    day_of_year,
    full_date,
    header_date,
    lead_sentences,
)
from summarizer.events.names import (
    NAME_SKIP,
    NOT_PERSON,
    PERSON_NAME,
    counted_quantities,
    money_amounts,
    name_words_of,
    person_surnames,
    proper_names,
    without_possessive,
)
from summarizer.text import (
    MONTHS,
    STOPWORDS,
    WEEKDAYS,
    find_weekday,
    split_sentences,
    tokenize,
)

if TYPE_CHECKING:
    from summarizer.events.features import TfidfCorpus
    from summarizer.types import Brief

__all__ = ["LazyCues", "LeadCues", "lead_cues", "names_kind", "what_kind"]

# Event types: the word naming what happened, by class. General news vocabulary; the
# classes keep apart the steps a story goes through (arrest, charge, plea, trial, verdict,
# sentence), what people do about a matter (offer, deal, meeting, call, announcement,
# declaration, suspension, appointment, departure) and what befalls them (death, attack,
# fire, quake, crash, injury).
_TYPE_WORDS: tuple[tuple[str, str], ...] = (
    ("call", r"phoned?|telephone|phone call|call with|call between|video call"),
    ("meeting", r"met|meets|meeting|summit|talks with|visit(?:s|ed)?|hosted|sidelines"),
    ("arrest", r"arrest(?:s|ed)?|detained|in custody|apprehended|turned himself in"),
    ("charge", r"charged|charges|indicted|indictment"),
    ("plea", r"pleaded|pleads|plea"),
    ("trial", r"trial|testified|testimony|jury selection|jurors"),
    ("verdict", r"convicted|found guilty|guilty verdict|verdict|acquitted"),
    ("sentencing", r"sentenced|sentencing|jailed for|death penalty|life in prison"),
    ("escape", r"escaped|escapes|escape|on the run|manhunt|fugitive"),
    ("capture", r"captured|recaptured|caught"),
    ("death", r"dies|died|dead|death|passed away|obituary"),
    ("killing", r"killed|kills|killing|murder(?:s|ed)?|slain|shot dead|shooting|stabbed"),
    ("attack", r"attack(?:s|ed)?|bomb(?:s|ed|ing)?|air ?strikes?|shelling|raid(?:s|ed)?"),
    ("protest", r"protests?|protesters|riots?|rioting|unrest|clashes"),
    ("fire", r"fire|blaze|arson|flames|burned"),
    ("quake", r"earthquake|quake|tremor"),
    ("crash", r"crash(?:es|ed)?|collision|hit-and-run|derail(?:s|ed)?"),
    ("theft", r"robbery|robbed|heist|stole|stolen|thieves|robbers"),
    ("injury", r"injured reserve|injury|injured|hurt"),
    ("win", r"beat|beats|defeated|defeats|won|wins|victory|clinch(?:es|ed)?|retain(?:s|ed)?"),
    (
        "appointment",
        r"named|appointed|nominated|nominates|nominee|tapped|hired|hires|to host|to direct"
        r"|chosen|picked",
    ),
    ("dismissal", r"fired|fires|sacked|dismissed|ousted|relieved of"),
    (
        "departure",
        r"resign(?:s|ed)?|steps? down|stepped down|quit|quits|withdr[ae]w[sn]?|pulled out|will not",
    ),
    ("offer", r"offer(?:s|ed)?|bid|proposal|proposed"),
    ("deal", r"deal|agreement|agreed|signs?|signed|acquire[sd]?|acquisition|merger|buy"),
    (
        "announcement",
        r"announce[sd]?|unveil(?:s|ed)?|launch(?:es|ed)?|introduce[sd]?|release[sd]?|rolls? out",
    ),
    ("declaration", r"declare[sd]?|declaration|proclaim(?:s|ed)?|emergency"),
    (
        "suspension",
        r"suspend(?:s|ed)?|suspension|halt(?:s|ed)?|freeze|moratorium|delay(?:s|ed)?|postpone[sd]?",
    ),
    ("election", r"elections?|elected|vote[sd]?|voting|ballot"),
    ("outage", r"outages?|disrupt(?:s|ed|ion)?|severed|cut off|cuts?"),
    ("repair", r"repair(?:s|ed)?|restored|fix|fixed|patch(?:es|ed)?"),
    (
        "reversal",
        r"overturn(?:s|ed)?|revers(?:es|ed|al)|rescind(?:s|ed)?|repeal(?:s|ed)?|revoke[sd]?|scrap(?:s|ped)?",
    ),
    ("rehab", r"rehab|rehabilitation"),
)
# matched against lower-cased text (the same as re.I for these words, and much faster)
_TYPES = tuple((kind, re.compile(rf"\b(?:{words})\b")) for kind, words in _TYPE_WORDS)
# A brief's ``what`` is a noun phrase ("conviction of Scott Peterson", "pleading not guilty
# to murder"), where a lead is a sentence ("was convicted"): the nouns of a story's steps
# join their classes for briefs only (in the leads' types they did not help: see
# benchmarks/bench_grouping.py's docstring, stop 21).
_WHAT_NOUNS: dict[str, str] = {
    "plea": "pleading",
    "trial": "trials",
    "verdict": "conviction|convicts?|guilty",
    "sentencing": "sentences?",
}
_WHAT_TYPES = tuple(
    (kind, re.compile(rf"\b(?:{words}|{_WHAT_NOUNS[kind]})\b") if kind in _WHAT_NOUNS else rx)
    for (kind, words), (_, rx) in zip(_TYPE_WORDS, _TYPES, strict=True)
)
_HEAD_END = re.compile(
    r"\b(?:of|with|between|to|in|on|at|for|from|by|against|over|after|about|as|and)\b"
)


@functools.lru_cache(maxsize=8192)
def names_kind(word: str) -> bool:
    """Whether ``word`` names a kind of happening ("earthquake", "meeting"): two events of
    one kind share it, so it tells nothing about their being one."""
    lowered = word.lower()
    return any(rx.fullmatch(lowered) for _, rx in _WHAT_TYPES)


def what_kind(what: str) -> str | None:
    """The kind of happening the head of a brief's ``what`` names: the first event type in
    it, if that starts before its first preposition or "and" ("telephone conversation
    between A and B" and "A held talks with B" -> a call, a meeting; "rescue workers
    distribute supplies to survivors of earthquake" -> None: the quake is its background)."""
    lowered = what.lower()
    head = len(_HEAD_END.split(lowered, 1)[0])
    hits = sorted((m.start(), kind) for kind, rx in _WHAT_TYPES for m in [rx.search(lowered)] if m)
    return hits[0][1] if hits and hits[0][0] < head else None


@dataclass(frozen=True)
class LeadCues:
    """What the learned scorer reads from one document beyond its
    :class:`~summarizer.events.features.DocFeatures`."""

    lead_tf: Mapping[str, float]
    lead_names: frozenset[str]
    lead_words: frozenset[str]
    lead_counts: frozenset[tuple[str, str]]
    types: tuple[str, ...]
    text_types: frozenset[str]
    weekday: int | None
    actors: frozenset[str]
    persons: tuple[str, ...]
    numbers: frozenset[str]
    report_date: dt.date | None
    year: int | None
    day_of_year: int | None
    places: tuple[tuple[str, ...], ...] = ()
    amounts: frozenset[float] = frozenset()


# "in Wellington", "near The Geysers", "off Tanjung Priok": a capitalised name right after
# a preposition of place (months and weekdays are no places; a name after "in the" is not
# read: as often an organisation as a place, "in the Senate")
_PLACE = re.compile(
    r"\b(?:in|near|outside|off)\s+((?:[A-Z][\w'.-]+)(?:\s+(?:of\s+)?[A-Z][\w'.-]+)*)"
)
_NOT_PLACE = frozenset(MONTHS) | frozenset(WEEKDAYS) | {"the", "a", "an", "of"}


def _places(sentences: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    """The places the lead's body says something happened in, each as its lower-cased
    words ("in Sonoma County" -> ("sonoma", "county"))."""
    out: list[tuple[str, ...]] = []
    for sentence in sentences:
        for m in _PLACE.finditer(sentence):
            words = (re.sub(r"(?:'s|\u2019s)$", "", w.lower()).strip(".") for w in m[1].split())
            place = tuple(w for w in words if w and w not in _NOT_PLACE)
            if place and place not in out:
                out.append(place)
    return tuple(out)


def _alone(word: str, text: str, titles: frozenset[str]) -> int:
    """How often ``word`` stands in ``text`` without a capitalised neighbour (a title
    before it is fine: "President Ruto")."""
    n = 0
    for m in re.finditer(rf"\b{re.escape(word)}\b", text):
        before = text[max(0, m.start() - 30) : m.start()].split()
        after = text[m.end() : m.end() + 30].split()
        prev = before[-1] if before and text[m.start() - 1 : m.start()].isspace() else ""
        nxt = after[0] if after and text[m.end() : m.end() + 1].isspace() else ""
        named = prev[:1].isupper() and prev[-1:].isalpha() and prev.lower() not in titles
        if not named and not nxt[:1].isupper():
            n += 1
    return n


# "the Trump administration", "the Obama-Biden team": a person's name before a noun
_ATTRIBUTIVE = re.compile(
    r"-|['\u2019]s\s+(?:family|administration|campaign|team)\b|\s+(?:administration|era|family"
    r"|campaign|team|government|presidency|camp|years|sweepstakes|transition)\b",
    re.I,
)


def _a_team(surname: str, text: str) -> bool:
    """``surname`` names a team or a body, not a person: the text writes "the Chargers",
    "the Saints" at least as often as the bare name (news style writes a person's name
    bare; "the Trump administration" is the name before a noun, not a team)."""
    the = bare = 0
    for m in re.finditer(rf"\b{re.escape(surname)}\b", text, re.I):
        if not m[0][:1].isupper():
            continue
        if _ATTRIBUTIVE.match(text, m.end()):
            continue
        before = text[max(0, m.start() - 16) : m.start()]
        if re.search(r"\bthe\s+$", before, re.I):
            the += 1
        elif not re.search(r"[A-Z][\w'.-]*\s+$", before):
            bare += 1
    return the > 0 and the >= bare


def _persons(sentences: Sequence[str], text: str) -> tuple[str, ...]:
    """Surnames of the people the lead's body names in full ("Maria Lopez") and the
    text names again by surname alone, in order: news style for a person, rarely for an
    organisation or a place ("Clean Water Act", "Table Mountain"). A team is none ("New
    Orleans Saints" reads like a name, but the text says "the Saints")."""
    titles = NAME_SKIP | NOT_PERSON
    out: list[str] = []
    for sentence in sentences:
        for m in PERSON_NAME.finditer(sentence):
            words = name_words_of(m)
            if len(words) < 2:
                continue
            surname = without_possessive(words[-1])
            key = surname.lower()
            if (
                key not in out
                and key not in STOPWORDS
                and _alone(surname, text, titles) >= 1
                and not _a_team(surname, text)
            ):
                out.append(key)
    return tuple(out)


def _salient_number(value: str) -> bool:
    """A lead number worth comparing: a decimal or a number above ten, not a year."""
    if "." in value:
        return True
    return value.isdigit() and int(value) > 10 and not 1900 <= int(value) < 2100


def _unit(tf: Mapping[str, float], corpus: TfidfCorpus) -> dict[str, float]:
    vec = {w: x * corpus.idf(w) for w, x in tf.items()}
    norm = math.sqrt(sum(x * x for x in vec.values())) or 1.0
    return {w: x / norm for w, x in vec.items()}


class LazyCues:
    """A document's :class:`LeadCues`, computed when the learned scorer first asks (the
    rules never do, so they pay nothing for them), and what they weigh under the current
    document frequencies (kept while the corpus does not change: a batch scores every pair
    under one corpus)."""

    __slots__ = ("_args", "_cues", "_weighed", "_weighed_at")

    def __init__(
        self, title: str | None, text: str, published: dt.date | None, brief: Brief | None
    ) -> None:
        self._args: tuple[str | None, str, dt.date | None, Brief | None] | None = (
            title,
            text,
            published,
            brief,
        )
        self._cues: LeadCues | None = None
        self._weighed: _Weighed | None = None
        self._weighed_at: tuple[TfidfCorpus | None, int] = (None, -1)

    def get(self) -> LeadCues:
        if self._cues is None:
            assert self._args is not None
            self._cues = lead_cues(*self._args)
            self._args = None
        return self._cues

    def weighed(self, corpus: TfidfCorpus) -> _Weighed:
        """The lead's unit TF-IDF vector and its names' and words' idf weights."""
        # the corpus itself (not its id, which a new corpus may reuse) and its size: a
        # corpus only changes by growing
        at = (corpus, corpus.n)
        if (
            self._weighed is None
            or self._weighed_at[0] is not corpus
            or self._weighed_at[1] != corpus.n
        ):
            cues = self.get()
            self._weighed = _Weighed(
                _unit(cues.lead_tf, corpus),
                [(w, corpus.idf(w)) for w in sorted(cues.lead_names)],
                [(w, corpus.idf(w)) for w in sorted(cues.lead_words)],
            )
            self._weighed_at = at
        return self._weighed

    def __repr__(self) -> str:
        return f"LazyCues({'computed' if self._cues is not None else 'pending'})"


@dataclass(frozen=True)
class _Weighed:
    lead_vec: dict[str, float]
    names: list[tuple[str, float]]
    words: list[tuple[str, float]]


def lead_cues(
    title: str | None,
    text: str,
    published: dt.date | None,
    brief: Brief | None = None,
) -> LeadCues:
    """The learned scorer's per-document cues (see the module docstring)."""
    lead = lead_sentences(text, title)
    body = lead[1:] if title else lead
    lead_text = " ".join(lead)
    lowered, lead_lower = text.lower(), lead_text.lower()
    tokens = tokenize(lead_text)
    if brief is not None:
        tokens += tokenize(brief.event.what)
    counts = Counter(tokens)
    names = proper_names(lead)
    lead_counts, values = counted_quantities(lead_text)
    type_hits = sorted(
        (m.start(), kind) for kind, rx in _TYPES for m in [rx.search(lead_lower)] if m
    )
    types = tuple(kind for _, kind in type_hits)
    if brief is not None:
        what = brief.event.what.lower()
        brief_types = tuple(kind for kind, rx in _WHAT_TYPES if rx.search(what))
        types = brief_types + tuple(t for t in types if t not in brief_types)
    header = split_sentences("\n".join(text.split("\n")[:4]))[:4]
    report_date = published or header_date(header)
    found = full_date(lead_text)
    dated = report_date or (found[0] if found else None)
    persons = _persons(body, text)
    return LeadCues(
        lead_tf={w: 1.0 + math.log(n) for w, n in sorted(counts.items())},
        lead_names=frozenset(names),
        lead_words=frozenset(w for w in counts if w not in names and not w[0].isdigit()),
        lead_counts=frozenset(lead_counts),
        types=types,
        text_types=frozenset(kind for kind, rx in _TYPES if rx.search(lowered)) | set(types),
        weekday=find_weekday(body[0]) if body else None,
        actors=frozenset(x for x in person_surnames(body[0]) if not _a_team(x, text))
        if body
        else frozenset(),
        persons=persons,
        numbers=frozenset(v for v in values if _salient_number(v)),
        report_date=report_date,
        year=dated.year if dated else None,
        day_of_year=day_of_year(report_date, lead_text),
        places=_places(body[:2]),
        amounts=money_amounts(lead_text),
    )
