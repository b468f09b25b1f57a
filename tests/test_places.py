"""The event's place: read off the opening sentences when the model gives none, and a
company's home never taken for it (summarizer.extract.places, .checks). Every text here is
written for these tests."""

from __future__ import annotations

import pytest

from summarizer.extract.checks import Checks
from summarizer.extract.places import lead_place

from .test_participants import scripted_brief


def place_of(text: str) -> str | None:
    span = lead_place(Checks.of(text))
    if span is not None:
        assert text[span.start : span.end] == span.text
    return span.text if span else None


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("A strong quake struck Varro island on Sunday, damaging homes.", "Varro island"),
        (
            "Two officers died. The blast occurred Friday at a bank branch in Quillton, police"
            " said.",
            "Quillton",
        ),
        ("Clashes broke out in the city of Vallen on Monday night.", "Vallen"),
        ("A woman was killed in Marrow Heights Friday by a hit-and-run driver.", "Marrow Heights"),
    ],
)
def test_the_place_a_happening_verb_gives(text: str, place: str) -> None:
    assert place_of(text) == place


@pytest.mark.parametrize(
    "text",
    [
        "Senators criticised the conflict in Ruritania on Friday.",
        "More and more people in Ruritania back the law, the governor said.",
        "The deal was signed on Monday. Talks went on for months.",
        "Four. Five. Six. The blast occurred at a depot in Vallen.",  # after the opening
    ],
)
def test_no_place_from_what_a_text_is_about_or_after_the_opening(text: str) -> None:
    assert place_of(text) is None


def brief_place(text: str, place: str | None) -> str | None:
    return scripted_brief(text, place=place).event.place


def test_a_company_s_home_is_not_the_event_s_place() -> None:
    for text in (
        "Zorvex Labs will buy Quillane, a Vallen-based maker of pumps.",
        "Zorvex Labs will buy Quillane, a Vallen company that makes pumps.",
        "Zorvex Labs will buy Quillane. Quillane, based in Vallen, makes pumps.",
    ):
        assert brief_place(text, "Vallen") is None, text
    assert brief_place("Zorvex Labs met Quillane in Vallen on Monday.", "Vallen") == "Vallen"


def test_the_brief_falls_back_to_the_place_of_the_opening() -> None:
    text = "A strong quake struck Varro island on Sunday, damaging homes."
    assert brief_place(text, None) == "Varro island"
