"""An event record's title and summary as prose (summarizer.events.prose): the token
check, and sentences built from hand-made records."""

from __future__ import annotations

import datetime as dt

import pytest

from summarizer import LLMConfig, summarize
from summarizer.events.prose import EventProse, event_prose
from summarizer.text import SourceWords, split_sentences, unsupported_tokens
from summarizer.types import (
    CommitmentRecord,
    Conflict,
    ConflictValue,
    EntityRecord,
    EventRecord,
)

from .conftest import CASSETTES, SEEDS, seed

SEED_IDS = [p.stem for p in SEEDS]
RECORDED = [str(CASSETTES / "extract" / f"{i}.yaml") for i in SEED_IDS]
TEXT = (
    "GENEVA - Foreign ministers Ana Costa of Portugal and Lars Berg of Norway met in Geneva "
    "on Friday to discuss fishing rights. They signed a letter worth 12 million euros and "
    "agreed to share 1,200 research vessels. Protesters said 40 boats had been seized."
)
OTHER = "Norwegian officials said the talks in Geneva took place on Saturday, 3 May."


@pytest.mark.parametrize(
    ("prose", "bad"),
    [
        ("Costa met Berg in Geneva on Friday.", []),
        ("Norwegian and Portuguese ministers met.", []),  # "Norw", "Port" start a word
        ("They share 1200 vessels; 12 million euros.", []),  # separators aside
        ("Costa met Barack Obama on Sunday.", ["Barack", "Obama"]),  # weekday names are fine
        ("Costa pledged 5,000 euros.", ["5,000"]),
        ("The meeting was on 2025-09-24 with 40 boats.", ["2025", "09", "24"]),
        ("Fishing rights were discussed.", []),  # a sentence's first word, in lower case
        ("They discussed Fishing rights.", ["Fishing"]),  # ... but not elsewhere
    ],
)
def test_unsupported_tokens(prose: str, bad: list[str]) -> None:
    assert unsupported_tokens(prose, [TEXT]) == bad


def test_unsupported_tokens_uses_every_text() -> None:
    assert unsupported_tokens("They met on 3 May in Geneva.", [TEXT]) == ["3", "May"]
    assert unsupported_tokens("They met on 3 May in Geneva.", [TEXT, OTHER]) == []
    assert SourceWords([TEXT, OTHER]).unsupported("Talks on 3 May.") == []


def prose_of(record: EventRecord, *texts: str, cues: dict[str, str] | None = None) -> EventProse:
    return event_prose(record, SourceWords(texts).unsupported, cues)


def _entity(pid: str, name: str, role: str | None, country: str | None) -> EntityRecord:
    return EntityRecord(
        id=pid,
        name=name,
        aliases=[],
        role=role,
        country=country,
        sources=["a1"],
        n_sources=1,
        single_source=True,
        evidence=[],
    )


def _record(**fields: object) -> EventRecord:
    base: dict[str, object] = {
        "id": "evt-a1",
        "title": "",
        "summary": "",
        "what": "meeting between Ana Costa and Lars Berg",
        "date_text": "on Friday",
        "place": "Geneva",
        "articles": ["a1", "a2"],
        "n_sources": 2,
        "participants": [
            _entity("p1", "Lars Berg", "foreign minister", "Norway"),
            _entity("p2", "Ana Costa", "foreign minister of Portugal", "Portugal"),
        ],
    }
    return EventRecord.model_validate(base | fields)


def _commitment(
    actor: str, action: str, status: str, counterpart: str | None = None
) -> CommitmentRecord:
    return CommitmentRecord(
        actor=actor,
        action=action,
        status=status,  # type: ignore[arg-type]
        counterpart=counterpart,
        sources=["a1"],
        n_sources=1,
        single_source=True,
        evidence=[],
    )


def _side(value: str, *sources: str) -> ConflictValue:
    return ConflictValue(value=value, sources=list(sources), evidence=[])


def test_lead_names_who_with_roles_when_and_where_in_the_order_of_the_event() -> None:
    # The text says "Foreign ministers", never "Minister": the role stays in lower case.
    prose = prose_of(_record(), TEXT)
    assert prose.summary.startswith(
        "Portugal's foreign minister Ana Costa and Norway's foreign minister Lars Berg held a "
        "meeting on Friday in Geneva."
    )
    titled = prose_of(_record(), TEXT, "Foreign Minister Costa").summary
    assert titled.startswith("Portugal's Foreign Minister Ana Costa and Norway's Foreign")
    assert prose.title == "Meeting between Ana Costa and Lars Berg (on Friday)"
    assert prose.dropped == []
    assert len(split_sentences(prose.summary)) == 2  # the lead and who reported it


def test_commitments_read_as_sentences_and_invented_ones_are_dropped() -> None:
    record = _record(
        commitments=[
            _commitment("Ana Costa", "agree to share research vessels", "agreed", "Lars Berg"),
            _commitment("Lars Berg", "propose a joint quota review", "proposed"),
            _commitment("Lars Berg", "buy 30 ships from Helsinki", "promised"),
        ]
    )
    prose = prose_of(record, TEXT)
    assert "Costa and Berg agreed to share research vessels." in prose.summary
    assert "Berg proposed to propose" not in prose.summary
    assert "Berg proposed a joint quota review." in prose.summary
    assert "Helsinki" not in prose.summary and "30" not in prose.summary
    assert prose.dropped == [("Berg promised to buy 30 ships from Helsinki.", ["30", "Helsinki"])]
    assert 2 <= len(split_sentences(prose.summary)) <= 4


@pytest.mark.parametrize(
    ("commitment", "sentence"),
    [
        (
            ("Lars Berg", "Costa's resignation", "urged", None),
            "Berg called for Costa's resignation.",
        ),
        (
            ("Lars Berg", "fishermen to share vessels", "urged", None),
            "Berg urged fishermen to share",
        ),
        (
            ("Lars Berg", "share vessels", "urged", "Ana Costa"),
            "Berg urged Costa to share vessels.",
        ),
        (("Ana Costa", "share vessels", "announced", None), "Costa announced plans to share"),
        (("Ana Costa", "cooperation on fishing", "agreed", None), "Costa agreed on cooperation on"),
        (("Norway", "a quota review", "proposed", None), "Norway proposed a quota review."),
    ],
)
def test_commitment_sentences(commitment: tuple[str, str, str, str | None], sentence: str) -> None:
    summary = prose_of(_record(commitments=[_commitment(*commitment)]), TEXT).summary
    assert sentence in summary


def test_conflicts_are_side_by_side_with_their_number_of_sources() -> None:
    record = _record(
        articles=["a1", "a2", "a3"],
        conflicts=[
            Conflict(
                kind="figure",
                subject="boats seized",
                values=[_side("40", "a1", "a2"), _side("12", "a3")],
            ),
            Conflict(
                kind="date",
                subject="event date",
                values=[_side("2025-05-02", "a1"), _side("2025-05-03", "a2")],
            ),
        ],
    )
    cues = {"a1": "on Friday", "a2": "on Saturday, 3 May"}
    prose = prose_of(record, TEXT, OTHER, cues=cues)
    assert (
        "The sources disagree on the number of boats seized: 40 (two sources) or 12 (one "
        "source)." in prose.summary
    )
    assert (
        "The sources disagree on the date: on Friday (one source) or on Saturday, 3 May (one "
        "source)." in prose.summary
    )
    # Without the dates as written, the ISO dates are not in the texts: only the plain form.
    plain = prose_of(record, TEXT, OTHER)
    assert "The sources disagree on the date." in plain.summary
    assert "2025" not in plain.summary and "May 2" not in plain.summary


def test_prose_is_deterministic_and_never_empty() -> None:
    record = _record()
    assert prose_of(record, TEXT) == prose_of(record, TEXT)
    bare = EventRecord(id="e", title="", summary="", articles=["a1"], n_sources=1)
    prose = prose_of(bare)
    assert prose.title == "Unnamed event"
    assert prose.summary == "An event. It is reported by one article."


def test_an_event_one_does_not_hold_is_stated_as_given() -> None:
    record = _record(
        what="Geneva court sentences Lars Berg",
        date=dt.date(2025, 5, 2),
        date_text=None,
        place=None,
        participants=[_entity("p1", "Lars Berg", None, None)],
    )
    prose = prose_of(record, TEXT)
    # The resolved date is not in the text: the lead loses it rather than invent it.
    assert prose.summary.startswith("Geneva court sentences Lars Berg.")
    assert prose.dropped and "2025" in prose.dropped[0][1]


@pytest.mark.vcr(*RECORDED, record_mode="none")
def test_seed_events_replayed_from_cassettes_read_as_prose(model_config: LLMConfig) -> None:
    """The five seed articles through the recorded model (as in tests/test_seed_events.py)."""
    articles = [seed(i[:3]) for i in SEED_IDS]
    texts = {a.id: a.text for a in articles}
    result = summarize(articles, model_config)
    assert result.failures == [] and len(result.events) == 4
    for event in result.events:
        assert 2 <= len(split_sentences(event.summary)) <= 4, event.summary
        assert "Participants:" not in event.summary and "Topics:" not in event.summary
        for p in event.participants:
            assert p.name.split()[-1] in event.summary, (p.name, event.summary)
        sources = [texts[a] for a in event.articles]
        assert unsupported_tokens(event.summary, sources) == []
        assert unsupported_tokens(event.title, sources) == []
    (call,) = [e for e in result.events if len(e.articles) == 2]
    (disagree,) = [s for s in split_sentences(call.summary) if "disagree" in s]
    assert "Kenya (one source)" in disagree and "UN (one source)" in disagree
