"""Where the main event happened, read off the text when the model names no place.

The opening sentences say where an event happened in two common ways: a happening verb
with its place ("the explosion occurred ... at a bank branch in Woodburn", "clashes broke
out in Athens") or a verb whose object is the place struck ("the quake struck Qeshm
island"). Only those are read; "the conflict in Ruritania" or "people in America" say
what a text is about, not where its event happened. A company's home ("a New York-based
firm") is never the place. Nothing here calls a model.
"""

from __future__ import annotations

import re

from summarizer.extract.checks import Checks
from summarizer.text import MONTHS, WEEKDAYS
from summarizer.types import Span

__all__ = ["PLACE_SENTENCES", "lead_place"]

PLACE_SENTENCES = 3
"""The opening sentences searched for the place."""

_NAME = r"[A-Z][\w'’.-]+(?:\s+(?:[A-Z][\w'’.-]+|island))*"
_HAPPENED = (
    r"(?:occurred|happened|exploded|erupted|took\s+place|(?:was|were)\s+held|crashed|"
    r"collapsed|broke\s+out|died|(?:was|were)\s+(?:killed|arrested|injured))"
)
_PLACE = re.compile(
    rf"\b(?:(?:struck|hit|jolted|rocked|shook)\s+(?P<object>{_NAME})"
    rf"|{_HAPPENED}\b[^.;:!?]{{0,60}}?\b(?:in|near)\s+(?:the\s+)?"
    rf"(?:(?:town|city|village|island|port)\s+of\s+)?(?P<after>{_NAME}))"
)
# When, or a determiner, is never the place's name ("Queens Friday", "The").
_NOT_PLACE = frozenset(w.capitalize() for w in (*MONTHS, *WEEKDAYS)) | frozenset(
    ("The", "A", "An", "His", "Her", "Their", "Its", "This", "That")
)


def lead_place(c: Checks) -> Span | None:
    """The place the opening sentences (:data:`PLACE_SENTENCES`) give the event, if any."""
    for start, end in c.sentences.spans[:PLACE_SENTENCES]:
        for m in _PLACE.finditer(c.text, start, end):
            key = "object" if m.group("object") else "after"
            words = m.group(key).split()
            while words and words[-1] in _NOT_PLACE:  # "Queens Friday"
                words.pop()
            if not words or words[0] in _NOT_PLACE:
                continue
            a = m.start(key)
            b = a + len(" ".join(words))
            if c.text[a:b] != " ".join(words) or c.text.startswith(("-based", "'s", "’s"), b):
                continue
            return c.span(a, b)
    return None
