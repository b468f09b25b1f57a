"""Names and numbers in news text, as grouping reads them from a lead.

News reports its own event in the lead (an earlier call mentioned further down is not the
article's event), so both pair scorers read the lead's :func:`proper_names`, its
:func:`counted_quantities` ("26 pirates", "5.6 magnitude", "seventh round"; :func:`by_noun`
groups them by noun) and the :func:`person_surnames` of its first sentence
(:mod:`summarizer.events.features`); the learned scorer's persons
(:mod:`summarizer.events.cues`) are read with the same pattern (:data:`PERSON_NAME`) and
skip the same titles (:data:`NAME_SKIP`, :data:`NOT_PERSON`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from summarizer.text import MONTHS, STOPWORDS, WEEKDAYS, word_set

__all__ = [
    "NAME_SKIP",
    "NOT_PERSON",
    "PERSON_NAME",
    "by_noun",
    "counted_quantities",
    "money_amounts",
    "name_words_of",
    "person_surnames",
    "proper_names",
    "without_possessive",
]


def _split(words: str) -> list[str]:
    """The words of a word list written as one string, in order."""
    return words.split()


NAME_SKIP = (
    STOPWORDS
    | frozenset(WEEKDAYS)
    | frozenset(MONTHS)
    | word_set(
        """mr mrs ms dr gov sen rep lt capt president secretary minister prime governor chairman
    chief officials official"""
    )
)
"""Capitalised words that are no name: function words, weekdays, months, titles."""
_WORD_NUM = {
    w: i
    for i, w in enumerate(
        _split(
            "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
            "fifteen sixteen seventeen eighteen nineteen twenty"
        )
    )
}
_ORDINAL = {
    w: i + 1
    for i, w in enumerate(
        _split("first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth")
    )
}
_WORD = re.compile(r"\d+(?:[.,]\d+)*(?:st|nd|rd|th)?|[A-Za-z]+")
PERSON_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:[A-Z]\.\s+)?[A-Z][a-z'\u2019]+)+\b")
"""A person-like capitalised run ("Marco Rubio", "Wangari Ma'athai"): both scorers' pattern."""
_POSSESSIVE = re.compile(r"(?:'s|\u2019s|'|\u2019)$")


def without_possessive(word: str) -> str:
    """``word`` without a possessive ending ("Obama's", "Jones'" -> "Obama", "Jones")."""
    return _POSSESSIVE.sub("", word)


NOT_PERSON = word_set(
    """president secretary state minister prime governor gov chairman senator mayor united
    nations kingdom states republic democratic general assembly union national committee
    house white department ministry navy police news network city county island street
    north south east west new"""
)
"""Words that make a capitalised phrase an office, a body or a place rather than a person."""
_DAYS = frozenset(WEEKDAYS)


def proper_names(sentences: Iterable[str]) -> set[str]:
    """Capitalised words not opening a sentence: proper names, roughly."""
    out: set[str] = set()
    for sentence in sentences:
        for m in re.finditer(r"[A-Za-z][\w'\u2019]*(?:-[\w'\u2019]+)*", sentence):
            if m.start() == 0:
                continue
            for part in m.group().split("-"):
                word = without_possessive(part.lower())
                if part[:1].isupper() and len(word) > 1 and word not in NAME_SKIP:
                    out.add(word)
    return out


def counted_quantities(text: str) -> tuple[set[tuple[str, str]], set[str]]:
    """Counted quantities ``(noun, value)`` near each number, and all number values."""
    words = _WORD.findall(text)
    pairs: set[tuple[str, str]] = set()
    values: set[str] = set()
    for i, word in enumerate(words):
        low = word.lower()
        if word[0].isdigit():
            value = re.sub(r"(?:st|nd|rd|th)$", "", low).replace(",", "")
        elif low in _WORD_NUM and low not in ("zero", "one"):
            value = str(_WORD_NUM[low])
        elif low in _ORDINAL:
            value = str(_ORDINAL[low])
        else:
            continue
        values.add(value)
        for ctx in words[max(0, i - 1) : i] + words[i + 1 : i + 3]:
            c = ctx.lower()
            if ctx.isalpha() and len(c) > 2 and c not in STOPWORDS and c not in _WORD_NUM:
                pairs.add((c.removesuffix("s"), value))
    return pairs, values


_SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "mm": 1e6, "m": 1e6}
_SCALES |= {"billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12}
_SCALE_WORDS = "thousand|million|billion|trillion|mn|bn"
_CURRENCY_WORDS = "dollars?|euros?|pounds?|yen|yuan|rupees?|francs?"
_NUMBER = r"(\d+(?:,\d{3})*(?:\.\d+)?|" + "|".join(sorted(_WORD_NUM, key=len, reverse=True)) + ")"
_MONEY = re.compile(
    # "$137 million", "€85m", "US$2.6 million", "$200MM"; "85 million euros", "two million-euro"
    r"(?:(?<![\w$])(?:[A-Z]{1,2})?[$€£¥]\s?"
    + _NUMBER
    + rf"(?:\s*-?\s*({_SCALE_WORDS}|mm|[mbk])\b)?)|(?:\b"
    + _NUMBER
    + rf"(?:\s*-?\s*({_SCALE_WORDS}))?[\s-]+"
    r"(?:(?:US|U\.S\.|Canadian|Australian|Hong Kong)\s+)?"
    rf"(?:{_CURRENCY_WORDS})\b)",
    re.IGNORECASE,
)
_CURRENCY = re.compile(rf"[$€£¥]|\b(?:{_CURRENCY_WORDS})", re.IGNORECASE)
"""A cheap test for a currency, before the slow :data:`_MONEY` (most texts have none)."""


def _amount(number: str, scale: str | None) -> float | None:
    low = number.lower()
    if low.isalpha():
        if low in ("zero", "one") and not scale:
            return None
        value = float(_WORD_NUM[low])
    else:
        value = float(number.replace(",", ""))
    return value * _SCALES.get((scale or "").lower(), 1.0) or None


def money_amounts(text: str) -> frozenset[float]:
    """Sums of money the text states, in units of their currency ("$137 million" and "85
    million euros" -> 1.37e8, 8.5e7): which currency is not kept, since reports of one
    event convert it at their own rates (a factor of two at most between the usual ones)."""
    if not _CURRENCY.search(text):
        return frozenset()
    out: set[float] = set()
    for m in _MONEY.finditer(text):
        number, scale = (m[1], m[2]) if m[1] else (m[3], m[4])
        if (value := _amount(number, scale)) is not None:
            out.add(value)
    return frozenset(out)


def by_noun(pairs: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    """Counted quantities ``(noun, value)`` -> ``{noun: values}``."""
    out: dict[str, set[str]] = {}
    for noun, value in pairs:
        out.setdefault(noun, set()).add(value)
    return out


def person_surnames(sentence: str) -> set[str]:
    """Surnames of person-like names ("Marco Rubio") in a sentence."""
    out: set[str] = set()
    for m in PERSON_NAME.finditer(sentence):
        words = [w.lower() for w in name_words_of(m)]
        if len(words) >= 2:
            out.add(without_possessive(words[-1]))
    return out


def name_words_of(m: re.Match[str]) -> list[str]:
    """The words of a capitalised phrase ``m`` that may name a person: none when it is a
    place ("Palo Alto-based HP"), else without initials, a day after it ("Tara Reid
    Monday": when, not the name) and everything up to its last title, office or body word
    ("Prime Minister Benjamin Netanyahu", "White House Press Secretary Lena Marsh"); none
    when more than three words are left (no person's name is that long)."""
    if m.string.startswith(("-based", "-headquartered"), m.end()):
        return []
    words = [w for w in m.group().split() if not w.endswith(".")]
    while words and words[-1].lower() in _DAYS:
        words = words[:-1]
    cut = [i for i, w in enumerate(words) if w.lower() in NOT_PERSON or w.lower() in NAME_SKIP]
    if cut:  # the name follows the last title or body: "Prime Minister Benjamin Netanyahu"
        words = words[cut[-1] + 1 :]
    return words if len(words) <= 3 else []
