"""Figures found in the text itself: counts and amounts written with digits.

A small model is unreliable at listing numbers (it copies them from its prompt's
example or puts names where values go, and the grounding checks then drop them), while
a number written in digits is easy to find exactly. :func:`find_figures` returns every
counted quantity in an article — "At least 17 people have been killed", "over 300
injured", "$2.5 billion", "40 percent" — as a :class:`~summarizer.types.Figure` whose
evidence span is exact by construction. Years, dates, times, ordinals and names with
digits ("M23", "47th", "September 24, 2025") are not figures.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from summarizer.text import MONTH_ABBREVIATIONS, MONTHS
from summarizer.types import Figure, Span

__all__ = ["FIGURE", "figure_matches", "find_figures"]

_MONTHS = "|".join(MONTHS + MONTH_ABBREVIATIONS)
_QUALIFIERS = (
    "at least|more than|less than|fewer than|over|nearly|almost|about|around|"
    "some|up to|roughly|approximately"
)
_QUALIFIER = rf"(?:(?P<qual>{_QUALIFIERS})\s+)?"
_NUMBER = (
    r"(?P<cur>[$€£])?(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
    r"(?:\s+(?P<scale>million|billion|trillion|thousand|hundred))?"
)
FIGURE = re.compile(
    r"(?<![\w$€£.,-])"
    + _QUALIFIER
    + _NUMBER
    + r"(?P<tail>(?:\s*(?:%|percent|per cent))|(?:\s+[A-Za-z][\w'-]*){1,5})",
    re.I,
)
"""A candidate figure: an optional qualifier, a number (with its currency and scale) and
up to five words after it (``qual``, ``cur``, ``num``, ``scale``, ``tail``); what
:func:`find_figures` keeps of it is decided there."""
_STOP = re.compile(
    r"\s+(?:and|or|but|in|on|at|to|from|since|after|before|as|while|when|which|who|that|"
    r"with|by|for|of the|across)\b.*$",
    re.I | re.S,
)
_NOT_COUNTED = re.compile(
    rf"^\s*(?:{_MONTHS}|years?\s+old|a\.?m\.?|p\.?m\.?|o'clock|gmt|utc|th|st|nd|rd)(?=\W|$)",
    re.I,
)


def _is_year(num: str, scale: str | None, currency: str | None) -> bool:
    return (
        not scale and not currency and len(num) == 4 and num.isdigit() and 1800 <= int(num) <= 2100
    )


_DIGIT = re.compile(r"\d")
_QUALIFIER_BEFORE = re.compile(rf"(?<![\w$€£.,-])(?:{_QUALIFIERS})\s+$", re.I)


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


def find_figures(text: str) -> list[Figure]:
    """Every counted quantity written with digits in ``text``, in order, with exact spans."""
    figures: list[Figure] = []
    for m in figure_matches(text):
        num, scale, currency = m.group("num"), m.group("scale"), m.group("cur")
        tail = m.group("tail")
        before = text[max(0, m.start() - 12) : m.start()].lower()
        if _is_year(num, scale, currency) or _NOT_COUNTED.match(tail):
            continue
        if re.search(rf"\b(?:{_MONTHS})\.?\s*$", before):
            continue  # "November 7", "Sept. 24"
        what = _STOP.sub("", tail).strip(" ,;:")
        percent = what.lower() in ("%", "percent", "per cent")
        if not what or (not percent and not re.search(r"[A-Za-z]{2}", what)):
            continue
        end = m.start("tail") + tail.find(what) + len(what) if not percent else m.end()
        start = m.start()
        value = text[
            m.start("num") if not currency else m.start("cur") : m.end("scale")
            if scale
            else m.end("num")
        ]
        qualifier = (m.group("qual") or "").lower()
        span_text = text[start:end]
        figures.append(
            Figure(
                what=what if not percent else "percent",
                value=f"{qualifier} {value}".strip(),
                unit="percent" if percent else ("currency" if currency else None),
                evidence=[Span(start=start, end=end, text=span_text)],
            )
        )
    return figures
