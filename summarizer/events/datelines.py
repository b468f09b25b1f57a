"""Header furniture and the dates of a news text's first lines (issue #13).

A news text often opens with furniture: a date line ("Sept. 24, 2025", "Published: July
29, 2004", "March 14, 2013 at 12:41 PM"), a byline ("By ..."), an "Updated ..." line. Its
date is the **report's** date, not the event's: :func:`date_from_byline` tells when a
brief's ``date_text`` was read off such a line, so grouping does not use it as the event's
date (one office shooting was split in two by the next day's byline).

Also here, for the learned pair scorer's cues (:mod:`summarizer.events.cues`): the **lead**
(:func:`lead_sentences`: the title and the first two body sentences that are not
furniture), a text's first full date (:func:`full_date`), the date of a date line among
the first lines (:func:`header_date`; a sentence such as "he was born on March 3, 1931" is
not one) and the day of the year a lead's event falls on (:func:`day_of_year`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from summarizer.text import MONTH_ABBREVIATIONS, MONTH_NUMBERS, MONTHS, split_sentences

__all__ = [
    "date_from_byline",
    "day_of_year",
    "full_date",
    "header_date",
    "lead_sentences",
]

_MONTH_RX = "|".join(sorted([*MONTHS, *MONTH_ABBREVIATIONS], key=len, reverse=True))
_FULL_DATE = (
    re.compile(
        rf"\b(?P<month>{_MONTH_RX})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)\b",
        re.I,
    ),
    re.compile(
        rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>{_MONTH_RX})\.?,?\s+(?P<year>(?:19|20)\d\d)\b",
        re.I,
    ),
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<mnum>\d\d)-(?P<day>\d\d)\b"),
    re.compile(r"\b(?P<day>\d{1,2})[/.](?P<mnum>\d{1,2})[/.](?P<year>(?:19|20)\d\d)\b"),
)
_HEADER = re.compile(
    r"^(?:by\b|published\b|posted\b|updated\b|last updated\b|from\b|\(?[a-z]+\)?$)"
    r"|\b(?:ap|reuters|afp)\b\s*$",
    re.I,
)
_MONTH_DAY = re.compile(rf"\b(?P<month>{_MONTH_RX})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b")
_FUTURE = re.compile(
    r"\b(?:until|till|by|before|through|from|starting|beginning|next|effective|deadline|due)\W*$",
    re.I,
)
_FURNITURE = frozenset(
    [
        "published",
        "updated",
        "posted",
        "last",
        "modified",
        "created",
        "date",
        "on",
        "at",
        "by",
        "am",
        "pm",
        "a.m.",
        "p.m.",
        "et",
        "est",
        "edt",
        "gmt",
        "bst",
        "utc",
        "cet",
        "ist",
        "pst",
        "pdt",
        "cst",
        "cdt",
    ]
)


def day_of_year(report_date: dt.date | None, lead: str) -> int | None:
    """Day of the year of the report date, else of the first past "Month day" in the lead
    (not "until June 1": a deadline is not the event's date)."""
    if report_date is not None:
        return report_date.timetuple().tm_yday
    for m in re.finditer(_MONTH_DAY.pattern, lead, re.I):
        if not m.group("month")[0].isupper() or _FUTURE.search(
            lead[max(0, m.start() - 20) : m.start()]
        ):
            continue
        month = MONTH_NUMBERS.get(m.group("month").lower().rstrip("."))
        try:
            return dt.date(2001, month or 0, int(m.group("day"))).timetuple().tm_yday
        except ValueError:
            continue
    return None


def full_date(text: str) -> tuple[dt.date, re.Match[str]] | None:
    """The first full date written in ``text`` ("Sept. 24, 2025", "24 September 2025",
    "2025-09-24", "24/09/2025") and where it is."""
    for rx in _FULL_DATE:
        for m in rx.finditer(text):
            g = m.groupdict()
            month = int(g["mnum"]) if g.get("mnum") else MONTH_NUMBERS.get(g["month"].lower(), 0)
            try:
                return dt.date(int(g["year"]), month, int(g["day"])), m
            except ValueError:
                continue
    return None


def header_date(lines: Sequence[str]) -> dt.date | None:
    """The date of a date line ("Published: July 29, 2004", "March 14, 2013 at 12:41 PM"):
    a short line whose other words are furniture, names or numbers, not a sentence."""
    for line in lines:
        if len(line.split()) > 12 or (found := full_date(line)) is None:
            continue
        date, m = found
        rest = re.findall(r"[A-Za-z][A-Za-z.]*", line[: m.start()] + " " + line[m.end() :])
        if all(w[0].isupper() or w.lower().rstrip(":") in _FURNITURE for w in rest):
            return date
    return None


def _is_header(sentence: str) -> bool:
    words = sentence.split()
    if len(words) < 6 or header_date([sentence]) is not None:
        return True
    return bool(_HEADER.search(sentence.strip()))


def date_from_byline(date_text: str | None, text: str) -> bool:
    """Whether a brief's ``date_text`` is read off a header line of the article (a date line
    or byline among its first four lines), so the report's date rather than the event's."""
    if not date_text or (at := text.find(date_text)) < 0:
        return False
    line_no = text.count("\n", 0, at)
    line = text.split("\n")[line_no].strip()
    return line_no < 4 and (header_date([line]) is not None or bool(_HEADER.search(line)))


def lead_sentences(text: str, title: str | None) -> list[str]:
    """The title and the first two body sentences that are not header furniture."""
    sentences = split_sentences(text)
    body = [s for s in sentences[:12] if s != title and not _is_header(s)]
    if not body:
        body = [s for s in sentences if s != title][:1]
    return ([title] if title else []) + body[:2]
