"""Participants: the model's, kept when the opening sentences name them and they are no
outlet, completed with who the lead names as taking part (summarizer.extract.participants).
Every text here is written for these tests."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pytest

from summarizer import Article, Extractor
from summarizer.extract.checks import Checks, name_words
from summarizer.extract.participants import (
    event_roles,
    in_lead,
    is_outlet,
    is_place,
    lead_participants,
    lead_span,
)
from summarizer.extract.schema import DMention
from summarizer.testing import ScriptedBackend
from summarizer.types import Brief, Participant


def lead_names(text: str, mentioned: list[str], have: Sequence[str] = ()) -> list[str]:
    c = Checks.of(text)
    known = [Participant(name=n, evidence=[c.span(0, 1)]) for n in have]
    found = lead_participants(c, known, [DMention(name=m, sentence=1) for m in mentioned], c.people)
    for p in found:
        (span,) = p.evidence
        assert text[span.start : span.end] == span.text
    return [p.name for p in found]


def test_a_mentioned_name_the_lead_writes_as_an_actor_takes_part() -> None:
    text = "Zorvex Labs agreed on Friday to buy Quillane Foods for $40 million. Talks began in May."
    assert lead_names(text, ["Zorvex Labs", "Quillane Foods"]) == ["Zorvex Labs", "Quillane Foods"]


def test_a_group_the_lead_names_by_its_head_word_takes_part() -> None:
    text = "Coast guards rescued 14 Marovian fishermen on Sunday after their boat sank."
    assert lead_names(text, ["Marovian fishermen"]) == ["Marovian fishermen"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Rescuers worked through the night in Baltravia after the floods.", "Baltravia"),
        ("The mayor banned official travel to Baltravia on Monday.", "Baltravia"),
        ("Critics attacked Baltravia's new border law on Monday.", "Baltravia"),
        ("Officials signed the 2019 Baltravia trade pact again on Monday.", "Baltravia"),
        ("Hundreds of party members marched on Monday.", "Freedom Party"),
        ("The minister resigned on Monday.", "Baltravia"),
    ],
)
def test_a_place_a_possessor_a_modifier_or_a_word_in_another_case_does_not(
    text: str, name: str
) -> None:
    # "Freedom Party" is not in the lead, and its head word is written "Party", not "party".
    assert lead_names(text, [name]) == []


def test_a_titled_person_of_the_lead_takes_part_without_a_possessive() -> None:
    # The lead names her administration; the text gives her title and full name later.
    text = "The Orrery administration backed the plan on Monday. Gov. Tamsin Orrery's aides agreed."
    assert lead_names(text, []) == ["Tamsin Orrery"]


def test_a_person_named_after_the_lead_is_not_added() -> None:
    text = "Zorvex Labs bought Quillane Foods on Friday. Sen. Odile Varga welcomed the deal."
    assert lead_names(text, []) == []


def test_a_name_sharing_a_word_with_a_participant_is_not_added_twice() -> None:
    text = "Sen. Odile Varga met with the Zorvex Labs board on Tuesday in the capital."
    assert lead_names(text, ["Zorvex Labs"], have=["Odile Varga"]) == ["Zorvex Labs"]
    assert lead_names(text, ["Zorvex Labs"], have=["Varga", "Zorvex"]) == []


def test_an_outlet_never_takes_part() -> None:
    assert is_outlet("Marovian state media") and is_outlet("The Quillane Times")
    assert not is_outlet("Marovian Navy")
    text = "Marovian state television said troops seized the port on Monday."
    assert lead_names(text, ["Marovian state television"]) == []


def test_the_lead_leaves_its_dateline_off() -> None:
    text = "PORT VALLEN, Marovia (Wirenews) — The Marovian Navy seized two boats on Monday."
    start, end = lead_span(Checks.of(text))
    assert text[start:end].startswith("The Marovian Navy")


def test_in_lead_looks_at_the_opening_sentences_only() -> None:
    opening = " ".join(f"Sentence {i} names nobody new." for i in range(1, 6))
    c = Checks.of(f"Odile Varga won. {opening} Bertrand Ulm commented later.")
    assert in_lead(c, "Odile Varga", 2) and not in_lead(c, "Bertrand Ulm", 5)
    assert name_words("Gov. Odile Varga") == {"odile", "varga"}


def scripted_brief(text: str, **changes: Any) -> Brief:
    """The brief of ``text`` from one scripted answer that names a purchase and nothing
    else (``changes`` set any of its fields)."""
    draft = {
        "what": "a purchase",
        "date_text": None,
        "place": None,
        "sentence": 1,
        "participants": [],
        "mentioned": [],
        "topics": [],
        "speakers": [],
        "figures": [],
        "summary": "A purchase.",
    } | changes
    backend = ScriptedBackend([json.dumps(draft)])
    return Extractor(backend=backend).extract_sync(Article(id="a", text=text))


def participants_of(text: str, answer: list[tuple[str, int]], mentioned: list[str]) -> list[str]:
    brief = scripted_brief(
        text,
        participants=[{"name": n, "role": None, "country": None, "sentence": s} for n, s in answer],
        mentioned=[{"name": m, "sentence": 1} for m in mentioned],
    )
    return [p.name for p in brief.participants]


def test_the_brief_keeps_who_the_opening_names_and_adds_who_the_model_only_mentioned() -> None:
    filler = " ".join(f"Detail number {i} follows here." for i in range(1, 7))
    text = (
        "Zorvex Labs agreed on Friday to buy Quillane Foods for $40 million, the Wirral Times"
        f" reported. {filler} Analyst Bertrand Ulm called the price fair."
    )
    answer = [("Zorvex Labs", 1), ("Bertrand Ulm", 8), ("Wirral Times", 1)]
    got = participants_of(text, answer, ["Quillane Foods"])
    assert got == ["Zorvex Labs", "Quillane Foods"]


def role_names(text: str, have: Sequence[str] = ()) -> list[str]:
    c = Checks.of(text)
    known = [Participant(name=n, evidence=[c.span(0, 1)]) for n in have]
    found = event_roles(c, known, c.people)
    for p in found:
        (span,) = p.evidence
        assert text[span.start : span.end] == span.text == p.name
    return [p.name for p in found]


@pytest.mark.parametrize(
    ("lead", "group"),
    [
        ("A strong quake hit Marovia on Sunday, killing at least 12 people.", "at least 12 people"),
        ("Three villagers died when a dam burst near Vallen on Monday.", "Three villagers"),
        (
            "A storm swept Vallen. Fourteen passengers were injured on a ferry.",
            "Fourteen passengers",
        ),
    ],
)
def test_the_victims_the_lead_counts_take_part_as_a_group(lead: str, group: str) -> None:
    assert role_names(lead + " Repairs began on Tuesday.") == [group]


def test_a_count_of_victims_after_the_lead_or_not_harmed_is_no_participant() -> None:
    assert role_names("A storm hit Vallen. Roads closed. Later, 40 people were injured.") == []
    assert role_names("About 40 people attended the opening of the bridge on Monday.") == []
    # "people" is taken when a participant already names them
    assert role_names("A fire killed nine people on Monday.", have=["nine people"]) == []


def test_the_people_the_text_says_were_killed_or_hurt_take_part() -> None:
    text = (
        "A bomb exploded at a bank in Vallen on Friday. Police Capt. Odile Varga, 44, and"
        " Senior Trooper Bertrand Ulm were killed in the blast. Chief Ines Marr was listed in"
        " critical condition. Sgt. Paulo Dent became emotional describing Capt. Varga, who also"
        " was killed. Her colleague, Tomas Brel, said Ulm died a hero."
    )
    assert role_names(text) == ["Odile Varga", "Bertrand Ulm", "Ines Marr"]


def test_a_person_introduced_by_a_part_in_the_event_takes_part() -> None:
    text = (
        "Odile Varga stopped Ines Marr in the sixth round on Saturday. Referee Paulo Dent"
        " waved it off. The suspect, Tomas Brel, was not named by analyst Bertrand Ulm."
    )
    assert role_names(text) == ["Paulo Dent", "Tomas Brel"]


def test_a_ship_the_opening_names_takes_part() -> None:
    text = (
        "The Marovian navy said it captured 12 pirates on Saturday. Commandos boarded the"
        " merchant vessel MV Quillane Star after its distress call."
    )
    assert role_names(text) == ["MV Quillane Star"]


def test_a_place_never_takes_part() -> None:
    assert is_place("Qarth island") and is_place("Vallen County") and not is_place("Marr Bank")
    text = "A quake jolted Qarth island on Sunday, damaging buildings."
    assert lead_names(text, ["Qarth island"]) == []


def test_a_group_acting_in_the_lead_takes_part() -> None:
    text = (
        "Two guards died after rioters in Vallen set fire to a depot during a strike."
        " Marovian police clashed with protesters as thousands marched."
    )
    assert role_names(text) == ["rioters", "Marovian police"]


def test_a_group_that_only_reports_or_acts_after_the_lead_does_not() -> None:
    text = (
        "Marovian police confirmed the depot was closed on Monday. Repairs began at once."
        " Later that week, rioters set fire to a bus."
    )
    assert role_names(text) == []
