"""Commitments the text states with an explicit verb (summarizer.extract.commitments), and
how a brief reports them."""

from __future__ import annotations

from summarizer import Article, Extractor
from summarizer.extract.commitments import stated_commitments
from summarizer.testing import ScriptedBackend
from summarizer.text import sentence_spans


def stated(text: str) -> list[tuple[int, str, str, str]]:
    found = stated_commitments(text, sentence_spans(text))
    return [(s.sentence, s.status, s.actor, s.action) for s in found]


def test_each_explicit_verb_gives_its_status_its_actor_and_its_action() -> None:
    text = (
        "Kenya pledged 400 more officers to the mission.\n"
        "On Monday the two sides agreed to resume talks in March.\n"
        "Norway proposed a joint review of fishing quotas.\n"
        "Macron and other European leaders have urged Trump to stay in the deal.\n"
        "The White House said it reached an agreement with Seoul on steel.\n"
        "Residents were asked to avoid the area.\n"
        "Berg thanked Costa and said Norway would propose a quota review."
    )
    assert stated(text) == [
        (1, "promised", "Kenya", "pledged 400 more officers to the mission"),
        (2, "agreed", "the two sides", "agreed to resume talks in March"),
        (3, "proposed", "Norway", "proposed a joint review of fishing quotas"),
        (4, "urged", "Macron and other European leaders", "urged Trump to stay in the deal"),
        (5, "agreed", "The White House", "reached an agreement with Seoul on steel"),
        (6, "urged", "Residents", "were asked to avoid the area"),
        (7, "proposed", "Norway", "propose a quota review"),
    ]


def test_modals_praise_and_past_acts_are_not_stated_commitments() -> None:
    text = (
        "Analysts said the plan would help both fleets.\n"
        "Rubio thanked Ruto and praised the mission.\n"
        "Police arrested two men on Friday.\n"
        "Officials will meet again next week."
    )
    assert stated(text) == []


def brief_of(text: str) -> list[tuple[str, str, str]]:
    answer = (
        '{"what": "talks", "date_text": null, "place": null, "sentence": 1, "participants": [],'
        ' "mentioned": [], "topics": [], "speakers": [], "figures": [], "summary": "Talks."}'
    )
    backend = ScriptedBackend([answer])
    brief = Extractor(backend=backend).extract_sync(Article(id="a", text=text))
    for c in brief.commitments:
        (span,) = c.evidence
        assert text[span.start : span.end] == span.text
    return [(c.actor, c.status, c.evidence[0].text) for c in brief.commitments]


def test_a_brief_reports_them_with_the_clause_as_evidence() -> None:
    text = "The leaders met on Monday; Kenya pledged 400 more officers, officials said."
    assert brief_of(text) == [
        ("Kenya", "promised", "Kenya pledged 400 more officers, officials said.")
    ]


def test_inside_a_quotation_the_speaker_commits_and_he_is_the_last_person_named() -> None:
    text = (
        "Kenyan President William Ruto spoke on Monday.\n"
        "“We agreed to send more police,” Ruto said.\n"
        "Later he vowed to return to Haiti."
    )
    assert [(a, s) for a, s, _ in brief_of(text)] == [
        ("Ruto", "agreed"),
        ("William Ruto", "promised"),
    ]
