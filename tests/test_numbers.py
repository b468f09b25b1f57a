"""Quantities written in digits, found in the text with exact spans."""

from __future__ import annotations

import random

import pytest

from summarizer.extract.numbers import find_figures


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
        "He is 45 years old.",
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
