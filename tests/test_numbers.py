"""Quantities written in digits, found in the text with exact spans."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from summarizer.extract.numbers import find_figures, past_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "At least 17 people have been killed and over 300 injured in the clashes.",
            [("people have been killed", "at least 17", None), ("injured", "over 300", None)],
        ),
        ("They signed a $2.5 billion deal.", [("deal", "$2.5 billion", "currency")]),
        ("Unemployment rose to 5.6 percent.", [("percent", "5.6", "percent")]),
        ("1,200 troops were deployed", [("troops were deployed", "1,200", None)]),
        ("The navy captured 26 pirates on Thursday.", [("pirates", "26", None)]),
        # ages of people: "N-year-old", "N years old", "Name, N,"
        ("The 29-year-old driver was arrested.", [("age", "29", None)]),
        ("She is 45 years old.", [("age", "45", None)]),
        ("The mayor, Ann Crane, 58, resigned.", [("age", "58", None)]),
        ("Two guards, both 33, were hurt.", [("age", "33", None)]),
        # a number that qualifies a noun with a hyphen
        ("The council ordered a 90-day review.", [("day review", "90", None)]),
        ("The 212-member assembly voted.", [("member assembly voted", "212", None)]),
        # ranges, and a conversion in brackets, are one figure
        (
            "They will pay $4 billion to $5 billion for it.",
            [("amount", "$4 billion to $5 billion", "currency")],
        ),
        (
            "Prices rose 10 percent to 15 percent this year.",
            [("percent", "10 percent to 15 percent", "percent")],
        ),
        ("a crowd of 300 or 400 fans", [("fans", "300 or 400", None)]),
        (
            "The storm hit about 80km (50 miles) north of the port.",
            [("km", "about 80km (50 miles)", None)],
        ),
        ("It lost 3.1bn euros ($3.6bn) in a year.", [("euros", "3.1bn euros ($3.6bn)", None)]),
        # a magnitude, an abbreviation after the number
        (
            "A tremor measuring 4.9 on the Richter scale woke the town.",
            [("on the Richter scale woke", "4.9", None)],
        ),
        ("nearly 700 U.N. staff members left", [("U.N. staff members left", "nearly 700", None)]),
    ],
)
def test_counted_quantities(text: str, expected: list[tuple[str, str, str | None]]) -> None:
    figures = find_figures(text)
    assert [(f.what, f.value, f.unit) for f in figures] == expected
    for figure in figures:
        (span,) = figure.evidence
        assert text[span.start : span.end] == span.text
        assert figure.value.split()[-1] in span.text


@pytest.mark.parametrize(
    "text",
    [
        "The 47th president of the United States",
        "Rwanda-backed M23 rebels took Goma",
        "They met on Wednesday, September 24, 2025, in New York.",
        "On Thursday, November 7, Blinken called.",
        "The programme is set to expire in 2025.",
        "The talks start at 10 a.m. local time.",
        "The session opened at 09 hours.",
        "The team won 12 of its games.",
        "She hit 9 of them.",
        "He made 1-of-8 shots.",
        "On Monday, 12, 2019",
    ],
)
def test_years_dates_ordinals_and_names_are_not_figures(text: str) -> None:
    assert find_figures(text) == []


def test_the_fast_scan_finds_what_a_full_scan_finds() -> None:
    # find_figures runs the pattern only at numbers (and a qualifier right before one);
    # it must find exactly what running it at every character finds.
    from summarizer.extract.numbers import FIGURE, figure_matches
    from tests.conftest import SEEDS

    rng = random.Random(5)
    alphabet = "0123456789 ,.$€£-about over some up to people percent%\nMx"
    texts = [p.read_text(encoding="utf-8") for p in SEEDS]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 60))) for _ in range(3000)]
    for text in texts:
        assert [m.span() for m in figure_matches(text)] == [m.span() for m in FIGURE.finditer(text)]


def _values(text: str) -> list[tuple[str, str]]:
    return [(f.what, f.value) for f in find_figures(text)]


def test_a_change_and_its_percentage_are_one_figure() -> None:
    assert _values("Acme stock gained $3.12, or nearly 14 percent, to end at $25.40.") == [
        ("change", "$3.12, or nearly 14 percent")
    ]
    assert _values("Its shares lost $1.05, more than 4 percent, on Friday.") == [
        ("change", "$1.05, more than 4 percent")
    ]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("The champion improved to 40-2 with 33 knockouts.", "40-2 with 33 knockouts"),
        ("His rival fell to 27-5 (19 KOs) after the bout.", "27-5 (19 KOs)"),
        ("The veteran (31-6, 22 KOs) retired.", "31-6, 22 KOs"),
        ("She beat a challenger (18-4-1) on points.", "18-4-1"),
    ],
)
def test_a_record_is_one_figure_with_its_count(text: str, value: str) -> None:
    assert [f.value for f in find_figures(text)] == [value]


def test_a_hyphen_range_before_a_noun_is_not_a_record() -> None:
    assert find_figures("Prices rose over the last 15-25 years.") == []


def test_a_number_with_its_noun_before_it_or_left_out_is_counted() -> None:
    assert _values("They drew a crowd of 18,000.") == [("crowd", "18,000")]
    assert _values("The storm hit, killing 4 people and injuring 35.") == [
        ("people", "4"),
        ("injuring", "35"),
    ]
    assert find_figures("Officials were counting 35.") == []


def test_sentences_about_an_earlier_year_are_the_past() -> None:
    text = "The flood killed 12 people. In 2001, a storm killed 300.\nNothing else."
    past = past_sentences(text, dt.date(2010, 5, 1))
    assert [text[a:b] for a, b in past] == ["In 2001, a storm killed 300."]
    assert past_sentences(text, None) == []
    assert past_sentences("Costs hit 2,050 euros in 2010.", dt.date(2010, 5, 1)) == []
