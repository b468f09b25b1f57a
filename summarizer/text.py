"""Text jobs every stage shares, owned once: sentences, tokens, normalisation, the names
of weekdays and months, and shortening for messages.

Stages import these rather than write their own; what differs between stages (what a
normaliser keeps) is a parameter here, not a second copy there.
"""

from __future__ import annotations

import re
import sys

__all__ = [
    "MONTHS",
    "STOPWORDS",
    "WEEKDAYS",
    "shorten",
    "split_sentences",
    "tokenize",
]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
STOPWORDS = _words(
    """a an the and or of to in on at for by with from as is was were be been are it its this
    that these those he she they his her their them we our you your i not but has have had
    will would can could said says say also after before over into about than more most up
    out who which what when where while there then so if no do does did just new one two
    him us all any some such other only very"""
)
_ABBREV = _words(
    "mr mrs ms dr gov sen rep lt capt col gen st jr sr inc corp co no vs wash calif "
    "jan feb aug sept sep oct nov dec"
)
_TOKEN = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*")

def tokenize(text: str) -> list[str]:
    """Lower-case content tokens for TF-IDF (stop words and 1-letter tokens dropped)."""
    text = text.lower().replace("\u2019", "'")
    return [sys.intern(t) for t in _TOKEN.findall(text) if len(t) > 1 and t not in STOPWORDS]


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text`` (line breaks end sentences; common abbreviations don't)."""
    out: list[str] = []
    start = 0
    for m in re.finditer(r"[.!?][\"\u201d\u2019)]?\s+|\n+", text):
        words = text[start : m.start()].split()
        last = words[-1].lower().rstrip(".") if words else ""
        if "\n" not in m.group() and (last in _ABBREV or re.fullmatch(r"(?:[a-z]\.)*[a-z]", last)):
            continue
        if sentence := text[start : m.end()].strip():
            out.append(sentence)
        start = m.end()
    if tail := text[start:].strip():
        out.append(tail)
    return out


def shorten(text: str, limit: int = 300) -> str:
    """``text`` on one line (whitespace runs made one space), cut to ``limit`` characters
    with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
