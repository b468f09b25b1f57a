"""The checks between a model's answer (a :class:`~summarizer.extract.schema.Draft`) and a
brief: where each item's evidence is, narrowed to its phrase, or why the item is dropped.

The model cites sentence numbers (:class:`Sentences`); nothing it writes is trusted as
evidence. Each kind has its own deterministic check:

- a participant, a mention: the name must be in the cited sentence, else anywhere in the
  text; the evidence is the name as written (``misattributed``/``not_found`` otherwise);
- a commitment is found in the text, not by the model
  (:mod:`~summarizer.extract.commitments`); its evidence is the clause with its verb;
- a figure: the cited sentence, else another, must state the value (``unsupported``); the
  evidence is the number with its noun; a value without a number is ``not_a_number``;
- a quotation: found in the text between quotation marks (:func:`quotations`), never
  written by the model;
- the place must be a place as written (``not_a_place``), the date as written must not
  be the byline's (``byline``).

Nothing here calls a model.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property

from summarizer.extract.dates import date_in
from summarizer.extract.ground import Aligner, refers_to
from summarizer.extract.people import Mention, people
from summarizer.text import SourceWords, sentence_spans
from summarizer.types import DroppedItem, DropReason, Span

__all__ = [
    "MAX_QUOTES",
    "Checks",
    "Sentences",
    "name_words",
    "quotations",
    "quoted_regions",
    "states_value",
]

MAX_QUOTES = 8
"""Quotations a brief keeps, in the order of the text (a quote of one word is a scare
quote, not speech)."""

_OPEN_CLOSE = {"“": "”", "«": "»", "„": "“", '"': '"'}
_MIXED = {"“": ('"',), '"': ("”",)}
_OPENING = re.compile("[" + "".join(_OPEN_CLOSE) + "]")


def quoted_regions(text: str) -> list[tuple[int, int]]:
    """Character ranges between matching quotation marks, paragraph by paragraph."""
    regions: list[tuple[int, int]] = []
    offset = 0
    for paragraph in text.split("\n"):
        i = 0
        while (opening := _OPENING.search(paragraph, i)) is not None:
            start = opening.start()
            # Scraped text mixes styles ("“… ," he said"): a curly quote may close on a
            # straight mark and a straight one on a curly, whichever comes first.
            closers = {_OPEN_CLOSE[opening.group()], *_MIXED.get(opening.group(), ())}
            ends = [e for c in closers if (e := paragraph.find(c, start + 1)) >= 0]
            end = min(ends, default=-1)
            if end < 0:
                # An unclosed quote runs to the end of its paragraph (news style).
                end = len(paragraph)
            regions.append((offset + start + 1, offset + end))
            i = end + 1
        offset += len(paragraph) + 1
    return regions


def quotations(text: str) -> list[tuple[int, int]]:
    """The first :data:`MAX_QUOTES` quoted passages of two words or more, trimmed."""
    found = []
    for start, end in quoted_regions(text):
        piece = text[start:end]
        if len(piece.split()) >= 2:
            begin = start + len(piece) - len(piece.lstrip())
            found.append((begin, begin + len(piece.strip())))
    return found[:MAX_QUOTES]


def states_value(value: str, evidence: str) -> bool:
    """Whether a figure's value is what its evidence says: its digits, or its words, appear."""
    digits = re.findall(r"\d+(?:[.,]\d+)*", value)
    if digits:
        return all(
            re.search(rf"(?<![\d.,]){re.escape(d)}(?![\d]|[.,]\d)", evidence) for d in digits
        )
    return value.casefold().strip() in evidence.casefold()


@dataclass(frozen=True)
class Sentences:
    """An article's sentences, numbered from 1 as the model sees them."""

    text: str
    spans: list[tuple[int, int]]

    @classmethod
    def of(cls, text: str) -> Sentences:
        return cls(text, sentence_spans(text))

    def get(self, number: int) -> tuple[int, int] | None:
        return self.spans[number - 1] if 1 <= number <= len(self.spans) else None

    def containing(self, pos: int) -> int:
        """The number of the sentence at ``pos`` (the next one between sentences)."""
        for n, (_, end) in enumerate(self.spans, start=1):
            if pos < end:
                return n
        return len(self.spans)

    def search_order(self, number: int) -> list[tuple[int, int]]:
        """The cited sentence first, then every other in text order."""
        cited = self.get(number)
        return ([cited] if cited else []) + [s for s in self.spans if s != cited]


_LEAD_SENTENCES = 2  # the lead: where a news text states its main event

_TITLE_WORDS = frozenset(
    [
        "president",
        "prime",
        "minister",
        "secretary",
        "senator",
        "sen",
        "rep",
        "gov",
        "governor",
        "mr",
        "mrs",
        "ms",
        "dr",
        "judge",
        "chief",
        "king",
        "queen",
        "pope",
        "general",
        "gen",
        "foreign",
        "state",
        "the",
        "of",
        "and",
    ]
)
_CLAUSE_BREAK = re.compile(
    r"\s*(?:;\s*|:\s+|\s[—–]\s+|,\s+(?=(?:but|and|while|whereas|although)\s))"
)
_PLACE_NOT = re.compile(
    r"\b(?:twitter|facebook|instagram|telegram|youtube|tiktok|website|statement|phone|"
    r"telephone|video|call|radio|television|tv|e-?mail|online|internet|social media|"
    r"platform|formerly|interview|letter)\b|^\W*X\W*$",
    re.I,
)
_QUALIFIER = re.compile(
    r"\b(?:at least|at most|more than|less than|fewer than|over|under|nearly|almost|about|"
    r"around|some|up to|roughly|approximately)\s+$",
    re.I,
)
_BYLINE = re.compile(
    r"^\W*(?:published|updated|posted|last modified)\b|^\W*by\s+[A-Z][^\n]{0,40}$|"
    r"\b\d{1,2}:\d{2}\b",
    re.I,
)
_TIME_ZONE = re.compile(r"\b(?:GMT|UTC|EST|EDT|PST|PDT|CET)\b")


@dataclass
class Checks:
    """The checks of one answer against its article; what failed is in :attr:`dropped`."""

    text: str
    sentences: Sentences
    aligner: Aligner
    dropped: list[DroppedItem] = field(default_factory=list)

    @classmethod
    def of(cls, text: str) -> Checks:
        return cls(text, Sentences.of(text), Aligner(text))

    @cached_property
    def words(self) -> SourceWords:
        """The article's words and numbers, for checking prose the model wrote."""
        return SourceWords([self.text])

    @cached_property
    def quoted(self) -> list[tuple[int, int]]:
        """The article's ranges between quotation marks."""
        return quoted_regions(self.text)

    @cached_property
    def people(self) -> list[Mention]:
        """The people the article names outside quotation marks (:mod:`.people`)."""
        return people(self.text, self.quoted)

    def span(self, start: int, end: int) -> Span:
        return Span(start=start, end=end, text=self.text[start:end])

    def drop(self, kind: str, label: str, quote: str, reason: DropReason) -> None:
        self.dropped.append(DroppedItem(kind=kind, label=label, quote=quote, reason=reason))

    def sentence(self, number: int) -> Span:
        """The cited sentence, or the first one for a number out of range."""
        start, end = self.sentences.get(number) or self.sentences.spans[0]
        return self.span(start, end)

    def name(self, kind: str, name: str, number: int) -> Span | None:
        """Where ``name`` is written: in the cited sentence, else the first place it is."""
        for start, end in self.sentences.search_order(number):
            found = _find_name(self.text, start, end, name)
            if found is not None:
                return self.span(*found)
        in_sentence = self.sentences.get(number)
        reason: DropReason = "not_found"
        if in_sentence and refers_to(self.text[in_sentence[0] : in_sentence[1]], name):
            reason = "misattributed"
        self.drop(kind, name, "", reason)
        return None

    def clause(self, number: int, cue: tuple[int, int]) -> Span:
        """The clause of sentence ``number`` around the words at ``cue`` (a commitment's
        verb: see :func:`~summarizer.extract.commitments.stated_commitments`)."""
        start, end = self.sentences.spans[number - 1]
        return self.span(*_clause(self.text, start, end, cue))

    def figure(self, label: str, value: str, number: int) -> Span | None:
        """The number with its noun, in the cited sentence or else the first that states it."""
        if not re.search(r"\d", value):
            self.drop("figure", label, value, "not_a_number")
            return None
        for start, end in self.sentences.search_order(number):
            if states_value(value, self.text[start:end]):
                return self.span(*_figure_phrase(self.text, start, end, value))
        self.drop("figure", label, value, "unsupported")
        return None

    def place(self, place: str) -> Span | None:
        span = self.aligner.align(place)
        if span is None:
            self.drop("place", place, place, "not_found")
        elif (
            _PLACE_NOT.search(span.text)
            or not span.text[:1].isupper()
            or _only_a_home(self.text, span.text)
        ):
            self.drop("place", place, span.text, "not_a_place")
        else:
            return span
        return None

    @cached_property
    def lead_end(self) -> int:
        """Where the lead ends: after the article's first two sentences (its main event)."""
        return self.sentences.spans[:_LEAD_SENTENCES][-1][1]

    def lead_date(self) -> Span | None:
        """The first date written in the lead (:attr:`lead_end`), not in a byline."""
        for start, end in self.sentences.spans[:_LEAD_SENTENCES]:
            found = date_in(self.text, start, end)
            if found is not None and not _in_byline(self.text, found[0]):
                return self.span(*found)
        return None

    def date(self, date_text: str) -> Span | None:
        """The date as written, unless the only place it is written is a byline."""
        spans = [m.span() for m in re.finditer(re.escape(date_text), self.text)]
        if not spans:
            aligned = self.aligner.align(date_text)
            spans = [(aligned.start, aligned.end)] if aligned else []
        if not spans:
            self.drop("date", date_text, date_text, "not_found")
            return None
        for start, end in spans:
            if not _in_byline(self.text, start):
                return self.span(start, end)
        self.drop("date", date_text, date_text, "byline")
        return None


_HOME_AFTER = re.compile(r"-based|-headquartered|\s+(?:company|firm|startup|consultancy)\b")
_HOME_BEFORE = re.compile(r"\b(?:based|headquartered)\s+in\s+$")


def _only_a_home(text: str, place: str) -> bool:
    """Whether ``text`` writes ``place`` only as a company's home ("a New York-based firm",
    "a New York company", "based in New York"): not where the event happened."""
    spans = [m.span() for m in re.finditer(re.escape(place), text)]
    return bool(spans) and all(
        _HOME_AFTER.match(text, end) or _HOME_BEFORE.search(text, max(0, start - 30), start)
        for start, end in spans
    )


def _significant(word: str) -> bool:
    """Whether a word of a name tells one actor from another: three letters or more, no
    title."""
    return len(word) >= 3 and word.lower() not in _TITLE_WORDS


def name_words(name: str) -> set[str]:
    """The :func:`_significant` words of ``name``, casefolded ("Gov. Jane Roe" -> {"jane",
    "roe"})."""
    return {w.casefold() for w in re.findall(r"[^\W\d_][\w'’-]*", name) if _significant(w)}


def _find_name(text: str, start: int, end: int, name: str) -> tuple[int, int] | None:
    """``name`` in ``text[start:end]``: whole, else its last significant word (a surname),
    else its first; case-insensitive, on word boundaries."""
    words = re.findall(r"[^\W_][\w'’.-]*", name)
    if not words:
        return None
    significant = [w for w in words if _significant(w)]
    candidates = [r"\s+".join(map(re.escape, map(_plain, words)))]
    candidates += [re.escape(_plain(w)) for w in reversed(significant)]
    plain = _plain(text[start:end])
    for pattern in candidates:
        m = re.compile(rf"(?<!\w){pattern}(?!\w)", re.I).search(plain)
        if m:
            return start + m.start(), start + m.end()
    return None


def _plain(text: str) -> str:
    """``text`` with accents taken off letter by letter ("é" -> "e"): same length, so an
    offset in it is an offset in ``text``."""
    return "".join(
        (unicodedata.normalize("NFKD", c)[:1] or c) if not c.isascii() else c for c in text
    )


def _clause(text: str, start: int, end: int, cue: tuple[int, int]) -> tuple[int, int]:
    """The clause of the sentence ``text[start:end]`` that holds the words at ``cue``."""
    begin, finish = start, end
    for brk in _CLAUSE_BREAK.finditer(text, start, end):
        if brk.end() <= cue[0]:
            begin = brk.end()
        elif brk.start() >= cue[1]:
            finish = brk.start()
            break
    # "Berg thanked Costa and said Norway would propose ...": what was said is the clause.
    said = list(_SAID.finditer(text, begin, cue[0]))
    if said and len(text[said[-1].end() : finish].split()) >= 4:
        begin = said[-1].end()
    if len(text[begin:finish].split()) < 4:
        return start, end
    return begin, finish


_SAID = re.compile(r"\b(?:said|says|added|told \w+)(?: that)?\s+")


def _figure_phrase(text: str, start: int, end: int, value: str) -> tuple[int, int]:
    """The value's number and up to four words after it, within one clause."""
    first = re.findall(r"\d+(?:[.,]\d+)*", value)[0]
    m = re.compile(rf"(?<![\d.,]){re.escape(first)}").search(text, start, end)
    if m is None:
        return start, end
    tail = re.match(r"(?:[^\W_]*[%]?)(?:[ -][\w$%'’-]+){0,4}", text[m.end() : end])
    stop = m.end() + (tail.end() if tail else 0)
    begin = m.start() - 1 if m.start() > start and text[m.start() - 1] in "$£€" else m.start()
    qualifier = _QUALIFIER.search(text, start, begin)
    return (qualifier.start() if qualifier else begin), stop


def _in_byline(text: str, pos: int) -> bool:
    """Whether ``pos`` lies on a line that reads as a byline or a time stamp."""
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    line = text[line_start : len(text) if line_end < 0 else line_end]
    return bool(_BYLINE.search(line) or _TIME_ZONE.search(line)) or (
        len(line.split()) <= 8 and re.search(r"\b(?:1[89]|20)\d\d\b", line) is not None
    )
