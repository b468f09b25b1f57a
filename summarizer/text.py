"""Text jobs every stage shares, owned once: sentences, tokens, normalisation, the names
of weekdays and months, and shortening for messages.

Stages import these rather than write their own; what differs between stages (what a
normaliser keeps) is a parameter here, not a second copy there.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Callable
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
    "content_words",
    "find_weekday",
    "first_sentences",
    "fold_name",
    "fold_with_offsets",
    "name_tokens",
    "replace_sentences",
    "shorten",
    "split_sentences",
    "tokenize",
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


# Two more sentence splitters besides split_sentences. They differ on purpose and each
# one's output is relied upon: split_sentences groups events; first_sentences cuts a
# brief's summary (briefs depend on where); replace_sentences masks what the model must
# not read as instructions (the request bodies recorded in the cassettes depend on where).
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9“\"'])")
_SENTENCE_PIECE = re.compile(r"[^\n.!?]*(?:[.!?]+|\n|$)")


def first_sentences(text: str, limit: int) -> str:
    """At most ``limit`` sentences of ``text`` (stripped), joined by one space.

    Unlike :func:`split_sentences`, a sentence ends at whitespace after ``.``, ``!`` or
    ``?`` whenever a capital, a digit or a quotation mark follows, abbreviations included
    ("Mr. Li" is two), and a line break alone does not end one.
    """
    return " ".join(_SENTENCE_END.split(text.strip())[:limit])


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
