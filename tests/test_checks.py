"""The per-kind checks (summarizer.extract.checks) on the seed articles and small
news-style snippets: where each item's evidence is, narrowed to its phrase, or why it is
dropped. Every span they return is exact: ``text[start:end] == span.text``."""

from __future__ import annotations

import pytest

from summarizer.extract.checks import Checks, Sentences, states_value
from summarizer.extract.commitments import stated_commitments
from summarizer.types import Span

from .conftest import seed

T000 = seed("000").text  # Ruto-Rubio call, Nairobi dateline, two quotations
T001 = seed("001").text  # "In a post on his official X (formerly Twitter) account"
T002 = seed("002").text  # "At least 17 people have been killed and over 300 injured"


def n(text: str, phrase: str) -> int:
    """The number of the sentence of ``text`` where ``phrase`` starts."""
    return Sentences.of(text).containing(text.index(phrase))


def exact(text: str, span: Span | None) -> Span:
    assert span is not None
    assert text[span.start : span.end] == span.text
    return span


def reasons(checks: Checks) -> list[tuple[str, str, str]]:
    return [(d.kind, d.label, d.reason) for d in checks.dropped]


# ---------------------------------------------------------------------------
# Sentences: the numbering the model cites
# ---------------------------------------------------------------------------


def test_sentences_are_numbered_from_one_and_searched_from_the_cited_one() -> None:
    s = Sentences.of(T000)
    assert s.get(0) is None and s.get(len(s.spans) + 1) is None
    first = s.get(1)
    assert first is not None and T000[first[0] : first[1]].startswith("NAIROBI, Kenya –")
    assert s.containing(0) == 1 and s.containing(len(T000)) == len(s.spans)
    cited = n(T000, "Regional peace and security")
    order = s.search_order(cited)
    assert order[0] == s.get(cited)
    assert sorted(order) == s.spans and len(order) == len(s.spans)
    assert s.search_order(999) == s.spans  # a number out of range: text order


# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------


def test_a_name_in_the_cited_sentence_is_its_evidence() -> None:
    c = Checks.of(T000)
    span = exact(T000, c.name("participant", "William Ruto", 1))
    assert (span.text, span.start) == ("William Ruto", T000.index("William Ruto"))


def test_a_name_is_narrowed_to_how_the_cited_sentence_writes_it() -> None:
    c = Checks.of(T000)
    cited = n(T000, "Regional peace and security")  # "... with Secretary Rubio commending"
    span = exact(T000, c.name("participant", "Marco Rubio", cited))
    assert span.text == "Rubio" and Sentences.of(T000).containing(span.start) == cited
    title = exact(T000, c.name("participant", "Secretary Rubio", cited))
    assert title.text == "Secretary Rubio"
    assert c.dropped == []


def test_a_name_cited_in_the_wrong_sentence_is_taken_from_the_first_that_has_it() -> None:
    c = Checks.of(T000)
    # Sentence 2 ("The discussions underscored ...") names no one.
    span = exact(T000, c.name("participant", "Marco Rubio", 2))
    assert (span.text, span.start) == ("Marco Rubio", T000.index("Marco Rubio"))
    macron = exact(T000, c.name("mention", "Emmanuel Macron", 1))
    assert macron.start == T000.index("Emmanuel Macron")
    assert c.dropped == []


@pytest.mark.parametrize("name", ["Antony Blinken", "Ken", "Pope Francis", "the President"])
def test_a_name_the_article_does_not_have_is_not_found(name: str) -> None:
    c = Checks.of(T000)
    assert c.name("participant", name, 1) is None
    assert reasons(c) == [("participant", name, "not_found")]


# ---------------------------------------------------------------------------
# Commitments
# ---------------------------------------------------------------------------


def found(text: str) -> list[tuple[str, str]]:
    """The commitments the text states (status, evidence clause)."""
    c = Checks.of(text)
    return [
        (s.status, exact(text, c.clause(s.sentence, s.cue)).text)
        for s in stated_commitments(text, c.sentences.spans)
    ]


def test_a_sentence_with_no_future_act_is_not_a_commitment() -> None:
    assert not any("held a late-night telephone" in clause for _, clause in found(T000))


def test_a_commitment_is_the_clause_that_states_it() -> None:
    c = Checks.of(T000)
    (s,) = [s for s in stated_commitments(T000, c.sentences.spans) if s.status == "promised"]
    clause = exact(T000, c.clause(s.sentence, s.cue))
    assert "the U.S. has committed to continue to deploy its capabilities" in clause.text
    start, end = c.sentences.spans[s.sentence - 1]
    assert start <= clause.start < clause.end <= end
    assert s.sentence == n(T000, "“I am glad that the U.S. has committed")


@pytest.mark.parametrize(
    ("sentence", "kept"),
    [
        ("Norway proposed a joint quota review.", True),
        ("The two sides agreed to share research vessels.", True),
        ("Ruto called for an immediate ceasefire in the region.", True),
        ("The ministry announced plans to reopen the border next month.", True),
        ("Kenya pledged 1,000 police officers to the mission.", True),
        ("The president urged both parties to return to talks.", True),
        ("Norway will propose a joint quota review.", True),
        ("Analysts said the deal would help both fleets.", False),
        ("The ministers met in Geneva on Friday.", False),
        ("Berg thanked Costa for the invitation.", False),
        ("The leaders discussed the crisis by phone.", False),
        ("Ruto announced on X that the call had taken place.", False),
    ],
)
def test_commitment_verbs(sentence: str, kept: bool) -> None:
    text = f"GENEVA – Talks ended on Friday.\n{sentence}\nThe talks resume in May."
    clauses = found(text)
    assert bool(clauses) is kept, sentence
    for _, clause in clauses:
        assert clause in sentence


def test_a_clause_break_bounds_the_evidence() -> None:
    text = "Ministers met on Friday; Norway agreed to a quota review, but no date was set."
    assert found(text) == [("agreed", "Norway agreed to a quota review")]


# ---------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------


def test_a_figure_is_the_number_and_its_noun_in_the_cited_sentence() -> None:
    c = Checks.of(T002)
    cited = n(T002, "At least 17 people")
    span = exact(T002, c.figure("people killed: 17", "17", cited))
    assert span.text == "At least 17 people have been killed"  # its qualifier included


def test_a_figure_the_cited_sentence_does_not_state_is_looked_up_elsewhere() -> None:
    c = Checks.of(T002)
    wrong = n(T002, "Gunfire has raged")
    span = exact(T002, c.figure("people injured: 300", "300", wrong))
    assert span.text.startswith("over 300 injured")
    assert Sentences.of(T002).containing(span.start) == n(T002, "At least 17 people")
    assert c.dropped == []


def test_a_figure_the_article_never_states_is_unsupported() -> None:
    c = Checks.of(T002)
    assert c.figure("displaced: 45,000", "45,000", n(T002, "tens of thousands")) is None
    assert c.figure("killed: 7", "7", 1) is None  # "17" is not 7
    assert c.figure("countries: two", "two", 1) is None
    assert reasons(c) == [
        ("figure", "displaced: 45,000", "unsupported"),
        ("figure", "killed: 7", "unsupported"),
        ("figure", "countries: two", "not_a_number"),
    ]


def test_money_keeps_its_currency_sign() -> None:
    text = "The bank approved a $1.5 billion loan to Kenya on Tuesday."
    assert exact(text, Checks.of(text).figure("loan", "1.5 billion", 1)).text == (
        "$1.5 billion loan to Kenya"
    )


@pytest.mark.parametrize(
    ("value", "evidence", "ok"),
    [
        ("17", "At least 17 people", True),
        ("17", "At least 170 people", False),
        ("1,200", "over 1,200 displaced", True),
        ("1.5 billion", "a $1.5 billion loan", True),
        ("5", "a 5.6 percent rise", False),
        ("12 million", "12 million euros", True),
    ],
)
def test_states_value(value: str, evidence: str, ok: bool) -> None:
    assert states_value(value, evidence) is ok


# ---------------------------------------------------------------------------
# Place and date
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "place", "reason"),
    [
        (T001, "X (formerly Twitter)", "not_a_place"),
        (T000, "X", "not_a_place"),  # "Ruto announced on X."
        (T001, "telephone", "not_a_place"),
        (T000, "Mombasa", "not_found"),
    ],
)
def test_what_is_not_a_place_is_dropped(text: str, place: str, reason: str) -> None:
    c = Checks.of(text)
    assert c.place(place) is None
    assert reasons(c) == [("place", place, reason)]


@pytest.mark.parametrize(("text", "place"), [(T000, "NAIROBI, Kenya"), (T001, "Haiti")])
def test_a_place_as_written_is_kept(text: str, place: str) -> None:
    c = Checks.of(text)
    assert exact(text, c.place(place)).text == place
    assert c.dropped == []


BYLINE = "By Staff Writer\nPublished: Tuesday, January 28, 2025 09:15 EAT\n"


def test_a_date_written_only_in_the_byline_is_dropped() -> None:
    text = BYLINE + T000
    c = Checks.of(text)
    assert c.date("Tuesday, January 28, 2025") is None
    assert exact(text, c.date("on Monday")).start == text.index("on Monday")
    assert reasons(c) == [("date", "Tuesday, January 28, 2025", "byline")]


def test_a_date_in_the_byline_and_in_the_body_is_the_bodys() -> None:
    text = BYLINE + "NAIROBI – Kenya's cabinet met on Tuesday, January 28, 2025, to approve it."
    span = exact(text, Checks.of(text).date("Tuesday, January 28, 2025"))
    assert span.start > len(BYLINE)


def test_a_date_the_article_does_not_have_is_not_found() -> None:
    c = Checks.of(T000)
    assert c.date("on Friday") is None
    assert reasons(c) == [("date", "on Friday", "not_found")]


# Cases that failed before a fix (found while writing these tests).


def test_a_body_sentence_starting_with_by_is_no_byline() -> None:
    text = (
        "GOMA, Congo – Rebels entered the city on Sunday.\n"
        "By late Monday, the rebels had taken the airport and most of the city, officials said."
    )
    assert exact(text, Checks.of(text).date("late Monday")).text == "late Monday"


def test_a_french_sentence_is_no_byline() -> None:
    text = "NAIROBI — Le président William Ruto s’est entretenu lundi avec Marco Rubio."
    assert exact(text, Checks.of(text).date("lundi")).text == "lundi"


def test_a_name_written_without_its_accents_is_found() -> None:
    text = "KINSHASA – President Félix Tshisekedi met José Pérez on Monday."
    assert exact(text, Checks.of(text).name("participant", "Jose Perez", 1)).text == "José Pérez"


def test_every_drop_reason_is_given_by_some_check() -> None:
    """``DropReason`` lists what the checks give, no more (it held a reason no check gave)."""
    from pathlib import Path
    from typing import get_args

    import summarizer.extract
    from summarizer.types import DropReason

    package = Path(summarizer.extract.__file__).parent
    source = "".join(p.read_text(encoding="utf-8") for p in sorted(package.glob("*.py")))
    assert [r for r in get_args(DropReason) if f'"{r}"' not in source] == []
