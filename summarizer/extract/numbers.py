"""Figures found in the text itself: counts and amounts written with digits.

A small model is unreliable at listing numbers (it copies them from its prompt's
example or puts names where values go, and the grounding checks then drop them), while
a number written in digits is easy to find exactly. :func:`find_figures` returns every
counted quantity in an article — "At least 17 people have been killed", "over 300
injured", "$2.5 billion", "40 percent", "a 30-day delay", "the 36-year-old champion",
"Jane Doe, 46," — as a :class:`~summarizer.types.Figure` whose evidence span is exact by
construction. A range ("$12 billion to $13 billion", "100 or 200") and a conversion in
brackets ("58km (36 miles)") are one figure. Years, dates, times, ordinals and names with
digits ("M23", "AK-47", "47th", "September 24, 2025") are not figures.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from summarizer.text import MONTH_ABBREVIATIONS, MONTHS, WEEKDAYS, sentence_spans
from summarizer.types import Figure, Span

__all__ = ["FIGURE", "figure_matches", "find_figures", "past_sentences"]

_MONTHS = "|".join(MONTHS + MONTH_ABBREVIATIONS)
_QUALIFIERS = (
    "at least|more than|less than|fewer than|over|nearly|almost|about|around|"
    "some|up to|roughly|approximately"
)
_QUALIFIER = rf"(?:(?P<qual>{_QUALIFIERS})\s+)?"
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
_SCALE = r"(?:\s+(?:million|billion|trillion|thousand|hundred)|(?:bn|tn|m|k)(?![\w-]))"
_PERCENT = r"(?:\s*(?:%|percent|per cent)(?![\w-]))"
_UPPER = rf"(?:\s+(?:to|or)\s+[$€£]?{_DIGITS}{_SCALE}?{_PERCENT}?)"
_WORD = r"(?:(?:[A-Z]\.){2,}|[A-Za-z][\w'-]*)"
FIGURE = re.compile(
    r"(?<![\w$€£.,-])"
    + _QUALIFIER
    + rf"(?P<cur>[$€£])?(?P<num>{_DIGITS})(?P<scale>{_SCALE})?(?P<pct>{_PERCENT})?"
    + rf"(?P<upper>{_UPPER})?"
    + rf"(?P<share>,\s+(?:or\s+)?(?:(?:{_QUALIFIERS})\s+)?{_DIGITS}{_PERCENT})?"
    + rf"(?P<tail>(?:km|kg|mph)\b(?:\s+{_WORD}){{0,3}}"
    + rf"|(?:-(?!(?:of|to|and|or|for)\b)[A-Za-z]+)+(?:\s+{_WORD}){{0,3}}|(?:\s+{_WORD}){{1,5}})?",
    re.I,
)
"""A candidate figure: an optional qualifier, a number (with its currency, scale and
percent sign), the upper end of a range, and up to five words after it (``qual``,
``cur``, ``num``, ``scale``, ``pct``, ``upper``, ``tail``); what :func:`find_figures`
keeps of it is decided there."""
_STOP = re.compile(
    r"\s+(?:and|or|but|in|on(?! the \w+ scale)|at|to|from|since|after|before|as|while|"
    r"when|which|who|that|with|by|for|across|out of|"
    r"of (?:the|his|her|its|their|them|those|these))\b.*$",
    re.I | re.S,
)
_NOT_COUNTED = re.compile(
    rf"^[\s-]*(?:{_MONTHS}|a\.?m\.?|p\.?m\.?|o'clock|gmt|utc|th|st|nd|rd|s)(?=\W|$)",
    re.I,
)
_AGE = re.compile(r"^(?:-year-old|\s+years?\s+old)\b", re.I)
_AGE_AFTER_NAME = re.compile(
    r"\b(?P<name>[A-Za-z][\w'-]*),\s(?P<both>both\s)?(?P<num>\d{1,3})(?=,)"
)
_RECORD = re.compile(
    r"(?<![\w$€£.,:/-])\d{1,3}(?:-\d{1,3}){1,2}(?![\w/-]|[.,]\d|\s+(?!with\b)[a-z])"
    rf"(?:\s*\(\s*\d+\s+{_WORD}\s*\)|,\s+\d+\s+{_WORD}"
    rf"|\s+with\s+(?:an?\s+[a-z]+\s+)?\d+\s+{_WORD}(?:\s+by\s+{_WORD})?)?"
)
"""A win-loss(-draw) record or a score, with the count that goes with it: "52-3 (46 KOs)",
"58-3 with 51 knockouts", "45-7-2", "a 3-1 win"."""
_COUNTED_BEFORE = re.compile(
    r"(?:\b(?:a|an|the)\s+(?P<noun>[a-z]{3,})\s+of"
    r"|\d\s+[a-z]+\s+and\s+(?P<verb>[a-z]{3,}ing))\s+$"
)
"""What a number with no noun after it counts: the noun before "of" ("a crowd of 22,000")
or, when its noun is left out because the number before said it ("killing 10 people and
injuring 80"), the verb it is the object of."""
_DIGIT = re.compile(r"\d")
_QUALIFIER_BEFORE = re.compile(rf"(?<![\w$€£.,-])(?:{_QUALIFIERS})\s+$", re.I)


def _is_year(num: str, scale: str | None, currency: str | None) -> bool:
    return (
        not scale and not currency and len(num) == 4 and num.isdigit() and 1800 <= int(num) <= 2100
    )


def figure_matches(text: str) -> Iterator[re.Match[str]]:
    """``FIGURE.finditer(text)``, tried only where a figure can start: every match holds
    a number, so the pattern is run at each number and at a qualifier right before it,
    not at every character (4-7x faster on news articles). The one difference: a
    qualifier more than 40 characters before its number (all of it space) is not seen."""
    done = 0
    for digit in _DIGIT.finditer(text):
        at = digit.start()
        if at < done:
            continue  # inside the figure just found
        before = text[at - 1] if at else " "
        if before.isdecimal() or before in ".,":
            continue  # the middle of a number
        start = at - 1 if before in "$€£" else at
        # A qualifier right before the number ("at least 17"), else the number itself.
        qualifier = _QUALIFIER_BEFORE.search(text, max(done, start - 40), start)
        for begin in ((qualifier.start(),) if qualifier else ()) + (start,):
            m = FIGURE.match(text, begin)
            if m is not None:
                done = m.end()
                yield m
                break


def _figure(text: str, m: re.Match[str]) -> Figure | None:
    """The figure ``m`` states, or None when it is a year, a date, a time or a bare number."""
    num, scale, currency, tail = m.group("num"), m.group("scale"), m.group("cur"), m.group("tail")
    tail = tail or ""
    before = text[max(0, m.start() - 12) : m.start()].lower()
    if _is_year(num, scale, currency) or _NOT_COUNTED.match(tail) or re.match(r"0\d", num):
        return None  # a year, a date, a time ("06 hours"), an ordinal
    if re.search(rf"\b(?:{_MONTHS})\.?\s*$", before):
        return None  # "November 7", "Sept. 24"
    value_end = m.end("upper") if m.group("upper") else m.end("scale") if scale else m.end("num")
    value = text[m.start("cur") if currency else m.start("num") : value_end]
    value = f"{(m.group('qual') or '').lower()} {value}".strip()
    age = _AGE.match(tail)
    if age:
        return _make("age", value, None, text, m.start(), m.start("tail") + age.end())
    if m.group("share") and not m.group("pct"):  # "rose $5.27, or 28 percent,"
        value = f"{value}{text[value_end : m.end('share')]}"
        return _make("change", value, None, text, m.start(), m.end("share"))
    if m.group("pct"):
        end = m.end("upper") if m.group("upper") else m.end("pct")
        return _make("percent", value, "percent", text, m.start(), end)
    what = _STOP.sub("", tail).strip(" ,;:")
    if not re.search(r"[A-Za-z]{2}", what):
        counted = _COUNTED_BEFORE.search(text, max(0, m.start() - 60), m.start())
        if counted:  # "a crowd of 22,000", "10 people and injuring 80"
            what = counted.group("noun") or counted.group("verb")
        elif not (currency and scale):
            return None  # a bare number
        else:
            what = "amount"
        end = value_end
    else:
        end = m.start("tail") + tail.find(what) + len(what)
    return _make(what.lstrip("-"), value, "currency" if currency else None, text, m.start(), end)


def _make(what: str, value: str, unit: str | None, text: str, start: int, end: int) -> Figure:
    return Figure(
        what=what,
        value=value,
        unit=unit,
        evidence=[Span(start=start, end=end, text=text[start:end])],
    )


def _with_conversion(text: str, figures: list[Figure]) -> list[Figure]:
    """A figure followed by another in brackets ("58km (36 miles)") is one figure."""
    out: list[Figure] = []
    for figure in figures:
        span = figure.evidence[0]
        if out and re.fullmatch(r"\s*\(\s*", text[out[-1].evidence[0].end : span.start]):
            close = text.find(")", span.start, span.end + 2)
            if close >= 0:
                first = out[-1]
                start, end = first.evidence[0].start, close + 1
                at = re.search(r"[$€£\d]", text[start:end])
                lead = text[start : start + at.start()].lower() if at else ""
                value = lead + text[start + len(lead) : end]
                out[-1] = _make(first.what, value, first.unit, text, start, end)
                continue
        out.append(figure)
    return out


def find_figures(text: str) -> list[Figure]:
    """Every counted quantity written with digits in ``text``, in order, with exact spans."""
    figures = [f for m in figure_matches(text) if (f := _figure(text, m)) is not None]
    taken = {f.evidence[0].start for f in figures}
    for m in _AGE_AFTER_NAME.finditer(text):
        name = m.group("name")
        if m.start("num") in taken or name.lower() in WEEKDAYS + MONTHS:
            continue  # "Monday, 12," "March, 3,"
        if name[0].isupper() or m.group("both"):  # "Jane Doe, 46," "the guards, both 33,"
            figures.append(_make("age", m.group("num"), None, text, m.start(), m.end()))
    figures = _with_records(text, figures)
    figures.sort(key=lambda f: f.evidence[0].start)
    return _with_conversion(text, figures)


def _with_records(text: str, figures: list[Figure]) -> list[Figure]:
    """``figures`` with the records and scores of ``text`` in place of the counts inside them."""
    records = []
    for m in _RECORD.finditer(text):
        before = text[max(0, m.start() - 12) : m.start()]
        if re.search(rf"\b(?:{_MONTHS})\.?\s*$", before, re.I) or _NOT_COUNTED.match(
            text[m.end() : m.end() + 12]
        ):
            continue  # "March 3-5", "3-5 March"
        value = m.group().strip()
        records.append(_make("record", value, None, text, m.start(), m.end()))
    inside = [
        f
        for f in figures
        if any(r.evidence[0].start <= f.evidence[0].start < r.evidence[0].end for r in records)
    ]
    return [f for f in figures if f not in inside] + records


_YEAR = re.compile(r"(?<![\d,.$-])(?:1[89]|20)\d\d(?![\d-]|[,.]\d)")


def past_sentences(text: str, published: dt.date | None) -> list[tuple[int, int]]:
    """The sentences of ``text`` about an earlier time than the article's: they name a year
    before the one it was published in ("in 2003, a quake killed ...") — background, whose
    numbers are mostly not the event's."""
    if published is None:
        return []
    out = []
    for start, end in sentence_spans(text):
        if any(int(y) < published.year for y in _YEAR.findall(text, start, end)):
            out.append((start, end))
    return out
