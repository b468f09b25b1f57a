"""Tests for resolve_date: full dates stand alone, relative cues need the publication date."""

from __future__ import annotations

import datetime as dt

import pytest

from summarizer.extract.dates import date_in, future_before, resolve_date, weekday_of

# Wednesday, 24 September 2025.
PUBLISHED = dt.date(2025, 9, 24)
# Monday, 10 November 2025.
PUBLISHED_NOV = dt.date(2025, 11, 10)


def test_published_dates_are_the_weekdays_the_comments_say() -> None:
    assert PUBLISHED.strftime("%A") == "Wednesday"
    assert PUBLISHED_NOV.strftime("%A") == "Monday"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Wednesday, September 24, 2025", dt.date(2025, 9, 24)),
        ("24 September 2025", dt.date(2025, 9, 24)),
        ("Sept. 24, 2025", dt.date(2025, 9, 24)),
        ("2025-09-24", dt.date(2025, 9, 24)),
        ("on Sept 24 2025", dt.date(2025, 9, 24)),
        ("September 24th, 2025", dt.date(2025, 9, 24)),
        ("the 3rd of March, 2024", dt.date(2024, 3, 3)),
        ("Jan. 5, 2026", dt.date(2026, 1, 5)),
        ("Friday, 7 November 2025", dt.date(2025, 11, 7)),
        ("late on 2024-12-31", dt.date(2024, 12, 31)),
    ],
)
def test_full_dates_stand_alone(text: str, expected: dt.date) -> None:
    assert resolve_date(text) == expected
    # The publication date does not change a full date, even one far from it.
    assert resolve_date(text, PUBLISHED) == expected
    assert resolve_date(text, dt.date(2030, 1, 1)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Published Wednesday 2025-09-24.
        ("on Monday", dt.date(2025, 9, 22)),
        ("Tuesday evening", dt.date(2025, 9, 23)),
        ("yesterday", dt.date(2025, 9, 23)),
        ("last Tuesday", dt.date(2025, 9, 23)),
        ("on Wednesday", dt.date(2025, 9, 24)),  # the day of publication itself
        ("last Wednesday", dt.date(2025, 9, 17)),  # "last" never means today
        ("on Thursday", dt.date(2025, 9, 18)),  # the latest Thursday before publication
        ("Sunday", dt.date(2025, 9, 21)),
        ("today", dt.date(2025, 9, 24)),
        ("tonight", dt.date(2025, 9, 24)),
        ("this morning", dt.date(2025, 9, 24)),
        ("September 20", dt.date(2025, 9, 20)),
        ("Sept. 30", dt.date(2025, 9, 30)),  # within a week after publication: same year
        ("20 September", dt.date(2025, 9, 20)),
        # More than a week after publication: last year's.
        ("November 7", dt.date(2024, 11, 7)),
    ],
)
def test_relative_cues_need_the_publication_date(text: str, expected: dt.date) -> None:
    assert resolve_date(text) is None
    assert resolve_date(text, None) is None
    assert resolve_date(text, PUBLISHED) == expected


def test_month_and_day_take_the_year_of_publication() -> None:
    # Published Monday 2025-11-10: November 7 is the Friday before.
    assert resolve_date("November 7", PUBLISHED_NOV) == dt.date(2025, 11, 7)
    assert resolve_date("on Friday", PUBLISHED_NOV) == dt.date(2025, 11, 7)
    assert resolve_date("on Monday", PUBLISHED_NOV) == dt.date(2025, 11, 10)
    assert resolve_date("last Monday", PUBLISHED_NOV) == dt.date(2025, 11, 3)
    assert resolve_date("yesterday", PUBLISHED_NOV) == dt.date(2025, 11, 9)


def test_year_boundary() -> None:
    # Published Monday 2026-01-05: "December 30" is five rather than 360 days away.
    published = dt.date(2026, 1, 5)
    assert resolve_date("December 30", published) == dt.date(2025, 12, 30)
    assert resolve_date("yesterday", dt.date(2026, 1, 1)) == dt.date(2025, 12, 31)
    # Thursday 2026-01-01; the latest Tuesday before it is 2025-12-30.
    assert resolve_date("on Tuesday", dt.date(2026, 1, 1)) == dt.date(2025, 12, 30)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "no date here", "earlier this year", "last week", "in 2025", "tomorrow"],
)
def test_text_without_a_fixed_date_is_none(text: str) -> None:
    assert resolve_date(text) is None
    assert resolve_date(text, PUBLISHED) is None


def test_none_text_is_none() -> None:
    assert resolve_date(None) is None
    assert resolve_date(None, PUBLISHED) is None


@pytest.mark.parametrize(
    "text", ["February 30, 2025", "2025-02-30", "31 April 2025", "2025-13-01", "February 29, 2025"]
)
def test_impossible_dates_are_none(text: str) -> None:
    assert resolve_date(text) is None
    assert resolve_date(text, PUBLISHED) is None


def test_leap_day() -> None:
    assert resolve_date("February 29, 2024") == dt.date(2024, 2, 29)
    assert resolve_date("February 29", dt.date(2024, 3, 1)) == dt.date(2024, 2, 29)
    # 2025 has no February 29: nothing to resolve to.
    assert resolve_date("February 29", dt.date(2025, 3, 1)) is None


def test_next_weekday_is_never_a_past_day() -> None:
    # Published Wednesday 2025-09-24: "next Monday" is 2025-09-29 (or unresolved),
    # never the Monday two days before publication.
    resolved = resolve_date("next Monday", PUBLISHED)
    assert resolved in (None, dt.date(2025, 9, 29))


def test_weekday_of() -> None:
    assert weekday_of("Talks ended on TUESDAY evening") == "tuesday"
    assert weekday_of("no weekday") is None


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Rebels entered Goma on Monday evening, officials said.", "on Monday evening"),
        ("The company said Nov. 12 that it would buy the firm.", "Nov. 12"),
        ("Ruto met Rubio in New York on 24 September 2025.", "24 September 2025"),
        ("The quake struck yesterday near the coast.", "yesterday"),
        ("The quake struck near the coast.", None),
    ],
)
def test_date_in_finds_the_date_a_sentence_gives(text: str, found: str | None) -> None:
    span = date_in(text)
    assert (text[span[0] : span[1]] if span else None) == found


def test_a_weekday_in_the_future_counts_forward() -> None:
    sunday = dt.date(2010, 12, 12)
    text = "The committee will vote on Monday. It met on Monday."
    assert future_before(text, text.index("on Monday"))
    assert not future_before(text, text.rindex("on Monday"))
    assert resolve_date("on Monday", sunday, future=True) == dt.date(2010, 12, 13)
    assert resolve_date("on Monday", sunday) == dt.date(2010, 12, 6)
    assert resolve_date("last Monday", sunday, future=True) == dt.date(2010, 12, 6)
