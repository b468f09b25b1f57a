"""pandas export: one row per brief / participant / commitment / event, stable columns."""

from __future__ import annotations

import sys

import pytest

from summarizer import (
    Commitment,
    ConfigError,
    EventRecord,
    briefs_frame,
    commitments_frame,
    events_frame,
    participants_frame,
)
from summarizer.output.export import (
    BRIEF_COLUMNS,
    COMMITMENT_COLUMNS,
    EVENT_COLUMNS,
    PARTICIPANT_COLUMNS,
)

from .test_render import ARTICLE, TEXT, make_brief, make_event, sp


def brief_with_commitment():  # type: ignore[no-untyped-def]
    promise = sp(TEXT, "We agreed on 40 boats")
    return make_brief().model_copy(
        update={
            "commitments": [
                Commitment(
                    actor="Ana Lopez", action="send 40 boats", status="agreed", evidence=[promise]
                )
            ]
        }
    )


def test_briefs_frame_has_one_row_per_brief() -> None:
    frame = briefs_frame([make_brief(), brief_with_commitment()])
    assert list(frame.columns) == list(BRIEF_COLUMNS)
    assert len(frame) == 2
    row = frame.iloc[1]
    assert row["article_id"] == ARTICLE.id
    assert row["what"] == "meeting in Lima"
    assert row["date_text"] == "on Monday" and row["place"] == "Lima"
    assert (row["participants"], row["quotes"], row["commitments"]) == (2, 1, 1)
    assert (row["prompt_tokens"], row["completion_tokens"]) == (10, 5)


def test_participants_and_commitments_frames_carry_their_evidence() -> None:
    briefs = [make_brief(), brief_with_commitment()]
    people = participants_frame(briefs)
    assert list(people.columns) == list(PARTICIPANT_COLUMNS)
    assert len(people) == 4
    kim = people[people["name"] == "Bo Kim"].iloc[0]
    assert kim["role"] == "chief"
    assert TEXT[kim["start"] : kim["end"]] == kim["evidence"] == "Chief Bo Kim"

    commitments = commitments_frame(briefs)
    assert list(commitments.columns) == list(COMMITMENT_COLUMNS)
    assert commitments.to_dict("records") == [
        {
            "article_id": ARTICLE.id,
            "actor": "Ana Lopez",
            "action": "send 40 boats",
            "counterpart": None,
            "status": "agreed",
            "evidence": "We agreed on 40 boats",
            "start": TEXT.index("We agreed"),
            "end": TEXT.index("We agreed") + len("We agreed on 40 boats"),
            "match": "exact",
        }
    ]


def test_events_frame() -> None:
    event = make_event()
    frame = events_frame([event, event.model_copy(update={"id": "evt-2", "conflicts": []})])
    assert list(frame.columns) == list(EVENT_COLUMNS)
    assert frame["event_id"].tolist() == [event.id, "evt-2"]
    assert frame["conflicts"].tolist() == [1, 0]
    assert frame["n_articles"].tolist() == [2, 2]
    assert frame["articles"].iloc[0] == f"{ARTICLE.id}, b2"


def test_empty_input_gives_the_columns_and_no_rows() -> None:
    events: list[EventRecord] = []
    assert list(events_frame(events).columns) == list(EVENT_COLUMNS)
    assert len(briefs_frame([])) == len(participants_frame([])) == 0


def test_missing_pandas_is_a_config_error_that_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas -> ImportError
    with pytest.raises(ConfigError, match=r"pip install 'summarizer\[pandas\]'"):
        briefs_frame([make_brief()])
