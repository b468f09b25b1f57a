"""Dates from what an article writes, never guessed.

:func:`resolve_date` turns a date as written ("Wednesday, September 24, 2025",
"on Monday", "November 7", "yesterday") into a calendar date only when the text
alone fixes it, or when the text and the article's publication date do:

- a full date (month, day and year; or ISO ``2025-09-24``) stands on its own;
- a month and day take the year of publication (the previous year if that would
  put the day more than a week after publication);
- a weekday, ``today``, ``yesterday`` or ``tonight`` counts back from publication
  (the latest such day on or before it); "next/coming Friday" counts forward, and so does
  a weekday the text puts in the future (``future=True``: "the vote will be held on
  Monday", "is expected to announce on Monday"; :func:`future_before` tells);
- anything else, or a relative cue with no publication date, gives ``None``.
"""

from __future__ import annotations

import datetime as dt
import re

from summarizer.text import MONTH_NUMBERS, WEEKDAYS, find_weekday

__all__ = [
    "WEEKDAYS",
    "date_in",
    "future_before",
    "resolve_date",
    "weekday_of",
]  # WEEKDAYS: from summarizer.text


_MONTH = r"(?P<month>" + "|".join(sorted(MONTH_NUMBERS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_PATTERNS = [
    re.compile(r"\b(?P<year>\d{4})-(?P<mnum>\d{2})-(?P<day>\d{2})\b"),
    re.compile(rf"\b{_MONTH}\s+{_DAY}(?:\s*,\s*|\s+){_YEAR}\b", re.I),
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.I),
    re.compile(rf"\b{_MONTH}\s+{_DAY}\b(?!\s*,?\s*\d{{4}})", re.I),
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}\b(?!,?\s*\d{{4}})", re.I),
]
_RELATIVE = {"today": 0, "tonight": 0, "this morning": 0, "yesterday": 1}
_M, _D, _Y = (re.sub(r"\(\?P<\w+>", "(?:", p) for p in (_MONTH, _DAY, _YEAR))
_WRITTEN = re.compile(
    r"\b(?:(?:on|late|early|last)\s+)?(?:"
    + "|".join(WEEKDAYS)
    + r")(?:\s+(?:morning|afternoon|evening|night))?\b"
    + rf"|\b{_M}\s+{_D}(?:(?:\s*,\s*|\s+){_Y})?\b"
    + rf"|\b{_D}\s+(?:of\s+)?{_M}(?:,?\s+{_Y})?\b"
    + r"|\b(?:yesterday|today|tonight|this morning|last night)\b",
    re.I,
)


_FUTURE = re.compile(
    r"\b(?:will|shall|(?:is|are) (?:expected|scheduled|set|due|going) to|plans? to|intends? to)\b"
)


def future_before(text: str, pos: int) -> bool:
    """Whether the sentence around ``pos`` puts what it dates in the future before ``pos``
    ("... will take a new turn on Monday")."""
    start = max(text.rfind(".", 0, pos), text.rfind("\n", 0, pos), -1) + 1
    return _FUTURE.search(text, start, pos) is not None


def date_in(text: str, start: int = 0, end: int | None = None) -> tuple[int, int] | None:
    """Where ``text[start:end]`` first says when ("on Monday", "Tuesday evening", "Nov.
    12", "24 September 2025", "yesterday"), or None."""
    m = _WRITTEN.search(text, start, len(text) if end is None else end)
    return m.span() if m else None


def weekday_of(text: str) -> str | None:
    """The weekday named in ``text``, lower-case, or None."""
    day = find_weekday(text)
    return None if day is None else WEEKDAYS[day]


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def resolve_date(
    date_text: str | None, published: dt.date | None = None, *, future: bool = False
) -> dt.date | None:
    """The calendar date ``date_text`` fixes (with ``published`` for relative cues), or None;
    ``future``: a bare weekday is the next such day on or after ``published``."""
    if not date_text:
        return None
    text = date_text.strip()
    for pattern in _PATTERNS:
        match = pattern.search(text)
        if match is None:
            continue
        groups = match.groupdict()
        mnum = groups.get("mnum")
        month = int(mnum) if mnum else MONTH_NUMBERS[groups["month"].lower()]
        day = int(groups["day"])
        if groups.get("year"):
            return _safe_date(int(groups["year"]), month, day)
        if published is None:
            return None
        candidate = _safe_date(published.year, month, day)
        if candidate is not None and candidate > published + dt.timedelta(days=7):
            candidate = _safe_date(published.year - 1, month, day)
        return candidate
    if published is None:
        return None
    lowered = text.lower()
    for cue, days_back in _RELATIVE.items():
        if re.search(rf"\b{cue}\b", lowered):
            return published - dt.timedelta(days=days_back)
    weekday = weekday_of(text)
    if weekday is not None:
        if re.search(r"\bnext\s+week\b", lowered):
            return None  # "Monday next week" and the like: left to a reader
        ahead = (WEEKDAYS.index(weekday) - published.weekday()) % 7
        if future and not re.search(r"\blast\s+" + weekday, lowered):
            return published + dt.timedelta(days=ahead)
        if re.search(r"\b(next|coming)\s+" + weekday, lowered):
            return published + dt.timedelta(days=ahead or 7)
        back = (published.weekday() - WEEKDAYS.index(weekday)) % 7
        if re.search(r"\blast\s+" + weekday, lowered) and back == 0:
            back = 7
        return published - dt.timedelta(days=back)
    return None
