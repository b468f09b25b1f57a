"""Text jobs every stage shares, owned once: sentences, tokens, normalisation, the names
of weekdays and months, and shortening for messages.

Stages import these rather than write their own; what differs between stages (what a
normaliser keeps) is a parameter here, not a second copy there.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Callable, Iterable
from itertools import chain, compress, repeat

__all__ = [
    "DASHES",
    "DOUBLE_QUOTES",
    "MONTHS",
    "MONTH_ABBREVIATIONS",
    "MONTH_NUMBERS",
    "PUNCTUATION_FOLD",
    "SINGLE_QUOTES",
    "STOPWORDS",
    "WEEKDAYS",
    "SourceWords",
    "content_words",
    "find_weekday",
    "fold_name",
    "fold_with_offsets",
    "name_tokens",
    "replace_sentences",
    "sentence_spans",
    "shorten",
    "split_sentences",
    "tokenize",
    "unsupported_tokens",
    "word_key",
    "word_set",
]


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text``, as a set (for word lists written as one
    string)."""
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
STOPWORDS = word_set(
    """a an the and or of to in on at for by with from as is was were be been are it its this
    that these those he she they his her their them we our you your i not but has have had
    will would can could said says say also after before over into about than more most up
    out who which what when where while there then so if no do does did just new one two
    him us all any some such other only very"""
)
_ABBREV = word_set(
    "mr mrs ms dr gov sen rep lt capt col gen st jr sr inc corp co no vs wash calif "
    "jan feb aug sept sep oct nov dec"
)
_TOKEN = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*")


def tokenize(text: str) -> list[str]:
    """Lower-case content tokens for TF-IDF (stop words and 1-letter tokens dropped)."""
    text = text.lower().replace("\u2019", "'")
    return [sys.intern(t) for t in _TOKEN.findall(text) if len(t) > 1 and t not in STOPWORDS]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text``, whitespace trimmed (line breaks end
    sentences; common abbreviations and initials don't)."""
    out: list[tuple[int, int]] = []
    start = 0
    for m in re.finditer(r"[.!?][\"\u201d\u2019)]?\s+|\n+", text):
        words = text[start : m.start()].split()
        last = words[-1].lower().rstrip(".") if words else ""
        if "\n" not in m.group() and (last in _ABBREV or re.fullmatch(r"(?:[a-z]\.)*[a-z]", last)):
            continue
        out.extend(_trimmed(text, start, m.end()))
        start = m.end()
    out.extend(_trimmed(text, start, len(text)))
    return out


def _trimmed(text: str, start: int, end: int) -> list[tuple[int, int]]:
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return []
    begin = start + len(piece) - len(piece.lstrip())
    return [(begin, begin + len(stripped))]


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text`` (see :func:`sentence_spans`)."""
    return [text[start:end] for start, end in sentence_spans(text)]


def shorten(text: str, limit: int = 300) -> str:
    """``text`` on one line (whitespace runs made one space), cut to ``limit`` characters
    with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


MONTH_ABBREVIATIONS = (
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
)
MONTH_NUMBERS: dict[str, int] = {
    name: number
    for number, month in enumerate(MONTHS, start=1)
    for name in (month, *(a for a in MONTH_ABBREVIATIONS if month.startswith(a)))
}
"""Every way :data:`MONTHS` and :data:`MONTH_ABBREVIATIONS` write a month -> its number
("january" and "jan" -> 1, "sep" and "sept" -> 9)."""


# A second sentence splitter, different on purpose: split_sentences (via sentence_spans)
# numbers the sentences the model cites and groups events; replace_sentences masks what
# the model must not read as instructions, piece by piece, losslessly.
_SENTENCE_PIECE = re.compile(r"[^\n.!?]*(?:[.!?]+|\n|$)")


def replace_sentences(text: str, replace: Callable[[str], str]) -> str:
    """``text`` with each of its sentence pieces ``s`` replaced by ``replace(s)``.

    A piece runs to the end of its run of ``.``/``!``/``?``, or through its line break,
    or to the end of the text; the pieces, whitespace included, make up ``text`` exactly
    (``replace_sentences(t, str) == t``). Unlike :func:`split_sentences`, nothing is
    stripped, every full stop ends a piece (abbreviations too: "Mr." is one) and a
    closing quotation mark after it begins the next piece.
    """
    return _SENTENCE_PIECE.sub(lambda m: replace(m.group(0)), text)


# Two normalisers, for two jobs: word_key says whether two labels are the same;
# fold_with_offsets is the grounding stage's normal form, mapped back to the original.
SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2032\u2039\u203a"  # curly, low-9, prime, angle
DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033"  # curly, low-9, guillemets, ″
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"  # hyphens, en/em dashes, minus
PUNCTUATION_FOLD = str.maketrans(
    {
        **dict.fromkeys(SINGLE_QUOTES, "'"),
        **dict.fromkeys(DOUBLE_QUOTES, '"'),
        **dict.fromkeys(DASHES, "-"),
        "\u2026": "...",
    }
)
"""A :meth:`str.translate` table: typographic quotes to ``'``/``"``, dashes and minus to
``-``, ``…`` to ``...``."""


def word_key(text: str) -> str:
    """The words of ``text``, casefolded, one space apart: punctuation and whitespace runs
    become one space ("U.S." and "u s" are the same key).

    For comparing labels. Unlike :func:`fold_with_offsets` it keeps word boundaries,
    drops punctuation and applies no Unicode normalisation.
    """
    return re.sub(r"\W+", " ", text.casefold()).strip()


# Per-character fold cache: char -> (folded text, is a combining/spacing mark).
_FOLDED: dict[str, tuple[str, bool]] = {}


def _fold_cluster(s: str) -> str:
    """Fold a short string (one character or one grapheme cluster)."""
    s = unicodedata.normalize("NFKC", s.translate(PUNCTUATION_FOLD)).casefold()
    s = unicodedata.normalize("NFKC", s).translate(PUNCTUATION_FOLD)
    return "".join(c for c in s if not c.isspace() and unicodedata.category(c) != "Cf")


def _char_info(c: str) -> tuple[str, bool]:
    info = _FOLDED.get(c)
    if info is None:
        if len(_FOLDED) > 50_000:
            _FOLDED.clear()
        info = (_fold_cluster(c), unicodedata.category(c).startswith("M"))
        _FOLDED[c] = info
    return info


def fold_with_offsets(text: str) -> tuple[str, list[int], list[int]]:
    """``(folded, starts, ends)``: ``folded[k]`` comes from ``text[starts[k]:ends[k]]``.

    The fold: Unicode NFKC, casefold, :data:`PUNCTUATION_FOLD`, and all whitespace and
    invisible format characters (soft hyphens) dropped, so "U. S." folds like "U.S." and
    line breaks do not matter; a base character and its combining marks fold together
    ("e" + U+0301 == "é"). Unlike :func:`word_key`, punctuation stays and words run
    together: it finds a quote in an article, it does not compare labels.
    """
    info = {c: _char_info(c) for c in set(text)}
    if not any(mark for _, mark in info.values()):
        # Fast path (no combining marks, i.e. nearly all news text): each character
        # folds on its own, so translate() builds the text and C-level iterators the map.
        norm = text.translate({ord(c): f or None for c, (f, _) in info.items() if f != c})
        if all(len(f) <= 1 for f, _ in info.values()):
            keep = {c for c, (f, _) in info.items() if f}
            kept = list(compress(range(len(text)), map(keep.__contains__, text)))
        else:  # some character expands ("…" -> "...", "ß" -> "ss"): repeat its index
            lens = {c: len(f) for c, (f, _) in info.items()}
            kept = list(
                chain.from_iterable(map(repeat, range(len(text)), map(lens.__getitem__, text)))
            )
        return norm, kept, [i + 1 for i in kept]
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    base, produced = 0, 0  # start of the current grapheme cluster, chars it produced
    for i, c in enumerate(text):
        f, mark = info[c]
        if mark and produced:
            # A combining mark: re-fold the whole cluster so "e" + U+0301 == "é".
            del out[-produced:], starts[-produced:], ends[-produced:]
            f = _fold_cluster(text[base : i + 1])
        else:
            base = i
        out.extend(f)
        starts.extend([base] * len(f))
        ends.extend([i + 1] * len(f))
        produced = len(f)
    return "".join(out), starts, ends


_WEEKDAY = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b", re.I)


def find_weekday(text: str | None) -> int | None:
    """The first weekday named in ``text`` as a number (0 = Monday), or None."""
    m = _WEEKDAY.search(text or "")
    return WEEKDAYS.index(m.group(1).lower()) if m else None


def content_words(text: str) -> frozenset[str]:
    """The :func:`tokenize` tokens of ``text`` as a set, a final ``s`` dropped ("talks" and
    "talk" are one word).

    For word overlap between short texts (topic labels, actions, quotes). Like
    :func:`tokenize` (and unlike :func:`word_key` and :func:`fold_name`) it drops stop
    words and one-letter tokens; it keeps ``'`` and ``.`` inside a token ("u.s").
    """
    return frozenset(t.removesuffix("s") for t in tokenize(text))


def fold_name(text: str) -> str:
    """A name's words, lower-case, accent-free and punctuation-free, one space apart, with
    dotted acronyms joined and possessives dropped ("U.S. President's" -> "us president").

    For taking names apart token by token. Unlike :func:`word_key` it strips accents
    (NFKD), joins "U.S." into "us" rather than "u s" and drops "'s"; unlike
    :func:`tokenize` it keeps stop words, one-letter initials and word order.
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"\b((?:[A-Za-z]\.){2,})", lambda m: m.group(1).replace(".", ""), text)
    text = re.sub(r"'s\b", "", text.lower())
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return text.strip()


def name_tokens(text: str) -> list[str]:
    """The words of ``text`` for telling whether evidence names someone: accents stripped
    (NFKD), casefolded, :data:`PUNCTUATION_FOLD` applied, split at every non-letter,
    non-digit ("U.S." -> ``["u", "s"]``).

    Unlike :func:`fold_name` it keeps letters outside a-z (Cyrillic, Greek, ...) and does
    not join acronyms or drop "'s" ("Ruto's" -> ``["ruto", "s"]``); unlike
    :func:`tokenize` it keeps stop words and one-letter tokens.
    """
    text = unicodedata.normalize("NFKD", text.translate(PUNCTUATION_FOLD))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return re.findall(r"[^\W_]+", text)


_WORD = re.compile(r"[^\W\d_]+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


class SourceWords:
    """The words and numbers of some source texts."""

    def __init__(self, texts: Iterable[str]) -> None:
        texts = list(texts)
        self.words: set[str] = set()
        self.numbers: set[str] = set()
        for text in texts:
            words = _WORD.findall(text)
            self.words.update(words)
            # "NAIROBI, Kenya –" (a dateline in capitals) supports "Nairobi"
            self.words.update(w.capitalize() for w in words if len(w) > 1 and w.isupper())
            self.numbers.update(n.replace(",", "") for n in _NUMBER.findall(text))
        self.texts = "\n".join(texts)
        self.folded = self.texts.lower()
        self.prefixes = {w[:n] for w in self.words for n in (3, 4) if len(w) >= n}

    def unsupported(self, prose: str) -> list[str]:
        """See :func:`unsupported_tokens`."""
        numbers = _NUMBER.finditer(prose)
        bad = [(m.start(), m.group()) for m in numbers if m[0].replace(",", "") not in self.numbers]
        for m in _WORD.finditer(prose):
            word = m.group()
            if len(word) < 3 or not word[0].isupper():
                continue
            lower = word.lower()
            if lower in STOPWORDS or lower in WEEKDAYS or word in self.words:
                continue
            before = prose[: m.start()].rstrip(" \t\n\"'“‘(")
            if (not before or before[-1] in ".!?") and lower in self.folded:
                continue  # capitalised because it starts the sentence ("Phone": "telephone")
            if word[:4] not in self.prefixes and not any(
                a in self.texts for a in _ABBREVIATED.get(lower, ())
            ):
                bad.append((m.start(), word))
        return list(dict.fromkeys(t for _, t in sorted(bad)))


def unsupported_tokens(prose: str, texts: Iterable[str] | SourceWords) -> list[str]:
    """The numbers and names in ``prose`` that none of ``texts`` supports.

    A number is supported when some text has a number of the same digits (separators
    aside); a capitalised word of 3 letters or more when some text has it, or a word that
    starts with its first four letters ("Kenyan": "Kenya"), or its usual abbreviation
    ("U.S." for "United States"); the first word of a sentence, capitalised by grammar,
    when some text has it in any case, even inside a word ("Phone": "telephone"). Weekday
    names and function words ("The", "They") always are; a word in capitals in a text
    ("NAIROBI") supports its capitalised form."""
    sources = texts if isinstance(texts, SourceWords) else SourceWords(texts)
    return sources.unsupported(prose)


_ABBREVIATED = {
    "united": ("U.S.", "U.N.", "U.K.", "US ", "UN ", "UAE"),
    "states": ("U.S.", "US "),
    "nations": ("U.N.", "UN "),
    "kingdom": ("U.K.", "UK "),
}
