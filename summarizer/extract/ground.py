"""Grounding: align the model's "verbatim" evidence quotes to offsets in the article.

The stage is deterministic. :class:`Aligner` builds a normalised copy of the
article once, with a map from every normalised character back to the original
character(s) it came from, then aligns quotes in three passes (first success
wins):

1. **exact** - the stripped quote occurs verbatim (``str.find``).
2. **normalized** - both sides are normalised (:func:`summarizer.text.fold_with_offsets`):
   Unicode NFKC, casefold, curly quotes and guillemets to ``'``/``"``, dashes
   and minus to ``-``, ``…`` to ``...``, and all whitespace (and invisible
   format characters such as soft hyphens) dropped, so "U. S." matches "U.S."
   and line breaks do not matter. The match is mapped back through the index
   map to exact original offsets.
3. **fuzzy** - only for normalised quotes of at least ``min_fuzzy_len``
   characters: :func:`rapidfuzz.fuzz.partial_ratio_alignment` finds the best
   window of the normalised article (score 0-100, the Indel similarity of the
   quote and the window). If the score reaches ``fuzzy_threshold`` the window
   is mapped back and refined word by word (an LCS alignment of the quote's
   words with the article's words around it) so that the span consists of
   whole article words and covers what the article says, not the model's
   paraphrased tail.

Otherwise the quote is not grounded (``None``); no span below the threshold is
ever returned. Every span satisfies ``text[span.start:span.end] == span.text``
with ``span.text`` non-empty and stripped. Wrapping quote marks and leading or
trailing ellipses added by the model are ignored when the article lacks them.
For repeated matches the first one starting at or after ``hint`` wins, else the
first overall.

:func:`refers_to` checks that a piece of evidence actually names a person or
organisation (to catch Ruto's words attributed to Rubio).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import cached_property

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from summarizer.text import (
    DASHES,
    DOUBLE_QUOTES,
    SINGLE_QUOTES,
    fold_with_offsets,
    name_tokens,
)
from summarizer.types import MatchKind, Span

__all__ = ["Aligner", "align", "refers_to"]

_WRAP = "\"'`" + SINGLE_QUOTES + DOUBLE_QUOTES
_ELLIPSES = ("...", "\u2026")
# Dangling punctuation trimmed off the edges of a fuzzy span.
_LEAD_JUNK = ",;:.!?)]}-\u00bb\u201d\u2019" + DASHES
_TRAIL_JUNK = ",;:([{-\u00ab\u201c\u2018" + DASHES
# Combining marks (Latin, Cyrillic, Hebrew, Arabic, Devanagari) are part of words.
_MARKS = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0900-\u0903\u093a-\u094f"
)
_WORD = f"(?:\\w|[{_MARKS}])+"
_WORD_RE = re.compile(f"{_WORD}(?:['\u2019]{_WORD})*")
_WORD_SIMILARITY = 80.0  # a quote word this close to an article word is the same word
_WEAK_BLOCK = 8  # matched words with fewer characters may be a chance match
_HINT_TOLERANCE = 2.0  # fuzzy scores this close count as the same match (for hint)


def _clean(quote: str) -> str:
    """Strip wrapping quote marks and leading/trailing ellipses the model added."""
    prev = None
    while prev != quote:
        prev = quote
        quote = quote.strip().strip(_WRAP).strip()
        for e in _ELLIPSES:
            quote = quote.removeprefix(e).removesuffix(e)
    return quote


def _occurrences(hay: str, needle: str, hint: int) -> list[int]:
    """Start offsets of ``needle`` in ``hay``: those at/after ``hint`` first, then the rest."""
    found: list[int] = []
    i = hay.find(needle)
    while i >= 0:
        found.append(i)
        i = hay.find(needle, i + 1)
    k = bisect_left(found, hint)
    return found[k:] + found[:k]


class Aligner:
    """Precomputes the article's normalised form once; aligns many quotes against it."""

    def __init__(
        self, text: str, *, fuzzy_threshold: float = 88.0, min_fuzzy_len: int = 12
    ) -> None:
        self.text = text
        self.fuzzy_threshold = fuzzy_threshold
        self.min_fuzzy_len = min_fuzzy_len
        self._words: tuple[list[int], list[int]] | None = None

    @cached_property
    def _index(self) -> tuple[str, list[int], list[int]]:
        """The normalised text and its map back to the original (built on first use)."""
        return fold_with_offsets(self.text)

    def align(self, quote: str, *, hint: int = 0) -> Span | None:
        """Align ``quote`` to the article; ``None`` if it cannot be grounded."""
        hint = max(0, hint)
        raw = quote.strip()
        cleaned = _clean(raw)
        if not cleaned:
            return None
        # The quote as given first (keeps quote marks the article has), then
        # without the wrapping marks / ellipses the model may have added.
        for q in dict.fromkeys((raw, cleaned)):
            span = self._exact(q, hint) or self._normalized(q, hint)
            if span is not None:
                return span
        nq = fold_with_offsets(cleaned)[0]
        return self._fuzzy(cleaned, nq, hint) if len(nq) >= self.min_fuzzy_len else None

    def _exact(self, quote: str, hint: int) -> Span | None:
        i = self.text.find(quote, hint)
        if i < 0:
            i = self.text.find(quote)
        return None if i < 0 else Span(start=i, end=i + len(quote), text=quote, match="exact")

    def _normalized(self, quote: str, hint: int) -> Span | None:
        norm, starts, ends = self._index
        nq = fold_with_offsets(quote)[0]
        found = _occurrences(norm, nq, bisect_left(starts, hint)) if nq else []
        if not found:
            return None
        # Prefer a match that starts and ends on word boundaries of the original.
        spans = [(starts[k], ends[k + len(nq) - 1]) for k in found]
        start, end = next((se for se in spans if self._on_words(*se)), spans[0])
        return self._span(start, end, "normalized", 100.0)

    def _fuzzy(self, quote: str, nq: str, hint: int) -> Span | None:
        norm, starts, ends = self._index
        if len(nq) >= len(norm):
            # Quote as long as the article: partial_ratio would score the article
            # inside the quote, so compare the whole texts instead.
            score = fuzz.ratio(nq, norm)
            if not norm or score < self.fuzzy_threshold:
                return None
            return self._span(starts[0], ends[-1], "fuzzy", round(score, 2))
        best = fuzz.partial_ratio_alignment(nq, norm, score_cutoff=self.fuzzy_threshold)
        if best is None:
            return None
        a, b = best.dest_start, best.dest_end
        nhint = bisect_left(starts, hint)
        if a < nhint:
            # A near-equal match at/after the hint is a repeated mention: prefer it.
            cutoff = max(self.fuzzy_threshold, best.score - _HINT_TOLERANCE)
            late = fuzz.partial_ratio_alignment(nq, norm[nhint:], score_cutoff=cutoff)
            if late is not None:
                best, a, b = late, late.dest_start + nhint, late.dest_end + nhint
        start, end = self._refine(quote, starts[a], ends[b - 1])
        return self._span(start, end, "fuzzy", round(best.score, 2))

    def _refine(self, quote: str, start: int, end: int) -> tuple[int, int]:
        """Fit the fuzzy window ``[start, end)`` to the quote, word by word.

        The quote's words are aligned (Indel/LCS over word lists) with the
        article's words around the window. The span runs from the first to the
        last matched block, dropping edge blocks that are out of line (their
        gap in the article is much larger than in the quote) or weak (a short
        word followed, in the quote, by words that do not match: a paraphrased
        tail), then grows over neighbouring words the quote's remaining words
        closely resemble (a misspelt name). So it covers the article's words.
        """
        wstarts, wends = self._word_bounds()
        qwords = [fold_with_offsets(w)[0] for w in _WORD_RE.findall(quote)]
        if not qwords or not wstarts:
            return self._snap(start, end)
        pad = max(2, len(qwords) // 4)
        i0 = max(0, bisect_right(wends, start) - pad)
        j0 = min(len(wstarts), bisect_left(wstarts, end) + pad)
        awords = [self._word_norm(k) for k in range(i0, j0)]
        blocks = [
            (m.a, i0 + m.b, m.size)
            for m in Indel.opcodes(qwords, awords).as_matching_blocks()
            if m.size
        ]
        if not blocks:
            return self._snap(start, end)
        tol = max(2, len(qwords) // 8)

        def out_of_line(x: tuple[int, int, int], y: tuple[int, int, int]) -> bool:
            return abs((y[1] - x[1]) - (y[0] - x[0])) > tol

        def weak(x: tuple[int, int, int]) -> bool:
            return sum(map(len, qwords[x[0] : x[0] + x[2]])) < _WEAK_BLOCK

        # An edge block that is weak and either out of line or followed (towards
        # the quote's edge) by unmatched words is a chance match: drop it.
        while len(blocks) > 1 and weak(blocks[0]):
            if not (out_of_line(blocks[0], blocks[1]) or blocks[0][0] > 0):
                break
            blocks.pop(0)
        while len(blocks) > 1 and weak(blocks[-1]):
            if not (out_of_line(blocks[-2], blocks[-1]) or sum(blocks[-1][::2]) < len(qwords)):
                break
            blocks.pop()
        (qa, first, _), (qz, last, size) = blocks[0], blocks[-1]
        qz, last = qz + size, last + size  # one past the last matched word
        while qa > 0 and first > 0 and self._alike(qwords[qa - 1], first - 1):
            qa, first = qa - 1, first - 1
        while qz < len(qwords) and last < len(wstarts) and self._alike(qwords[qz], last):
            qz, last = qz + 1, last + 1
        return wstarts[first], wends[last - 1]

    def _word_norm(self, k: int) -> str:
        norm, starts, _ = self._index
        wstarts, wends = self._word_bounds()
        return norm[bisect_left(starts, wstarts[k]) : bisect_left(starts, wends[k])]

    def _alike(self, qword: str, k: int) -> bool:
        return fuzz.ratio(qword, self._word_norm(k)) >= _WORD_SIMILARITY

    def _word_bounds(self) -> tuple[list[int], list[int]]:
        if self._words is None:
            ms = list(_WORD_RE.finditer(self.text))
            self._words = ([m.start() for m in ms], [m.end() for m in ms])
        return self._words

    def _on_words(self, start: int, end: int) -> bool:
        t = self.text
        return not (
            (start > 0 and t[start - 1].isalnum() and t[start].isalnum())
            or (end < len(t) and t[end - 1].isalnum() and t[end].isalnum())
        )

    def _snap(self, start: int, end: int) -> tuple[int, int]:
        """Expand ``[start, end)`` to whole words, then trim whitespace and dangling punctuation."""
        wstarts, wends = self._word_bounds()
        k = bisect_right(wstarts, start) - 1
        if k >= 0 and start < wends[k]:
            start = wstarts[k]
        k = bisect_right(wstarts, end - 1) - 1
        if k >= 0 and end < wends[k]:
            end = wends[k]
        t = self.text
        while start < end and (t[start].isspace() or t[start] in _LEAD_JUNK):
            start += 1
        while end > start and (t[end - 1].isspace() or t[end - 1] in _TRAIL_JUNK):
            end -= 1
        return start, end

    def _span(self, start: int, end: int, match: MatchKind, score: float) -> Span | None:
        raw = self.text[start:end]
        text = raw.strip()
        if not text:
            return None
        start += len(raw) - len(raw.lstrip())
        return Span(start=start, end=start + len(text), text=text, match=match, score=score)


def align(text: str, quote: str, *, hint: int = 0) -> Span | None:
    """Align one quote to ``text``; see :class:`Aligner` (build one to align many)."""
    return Aligner(text).align(quote, hint=hint)


# Titles, honorifics and particles: never enough on their own to identify someone.
_TITLES = frozenset(
    """
    president secretary mr mrs ms dr sir prime minister chairman chairwoman chair general
    the of and de van von der den del della dos das bin ibn vice deputy senator governor
    ambassador state foreign cabinet chief executive king queen prince princess lord
    madam dame prof professor rev hon honourable honorable
    """.split()  # noqa: SIM905
)


def refers_to(evidence: str, name: str) -> bool:
    """True when ``evidence`` names ``name``: a significant token of it, or the whole name.

    Matching is case- and accent-insensitive and on whole words; titles and
    particles ("President", "Mr", "of", "van", ...) and tokens shorter than 3
    characters do not count on their own.
    """
    ev = name_tokens(evidence)
    nm = name_tokens(name)
    if not nm:
        return False
    words = set(ev)
    if any(len(t) >= 3 and t not in _TITLES and t in words for t in nm):
        return True
    return f" {' '.join(nm)} " in f" {' '.join(ev)} "
