"""Who said each quotation (summarizer.extract.speakers): the text's own attribution in
the usual news forms, then the model's answer, then the last person named."""

from __future__ import annotations

import pytest

from summarizer.extract.checks import quotations
from summarizer.extract.speakers import attribute, resolve_speakers

from .conftest import seed


def said(text: str) -> list[str | None]:
    return attribute(text, quotations(text))


def resolved(text: str, *answers: str | None) -> list[str | None]:
    found = quotations(text)
    return resolve_speakers(text, found, list(answers) or [None] * len(found))


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # quote, then subject and verb
        ("“We will not back down,” Ruto noted on Monday.", "Ruto"),
        ('"The road is closed," Mayor Ana Lopez told reporters.', "Mayor Ana Lopez"),
        # quote, then verb and subject
        ('"The fire is under control," said Gregg Hastings, a police spokesman.', "Gregg Hastings"),
        # an appositive, before or after
        (
            '"The fire is under control," the governor, Abdolreza Sheikholeslami, told reporters.',
            "Abdolreza Sheikholeslami",
        ),
        (
            'The governor, Abdolreza Sheikholeslami, told reporters: "The fire is under control."',
            "Abdolreza Sheikholeslami",
        ),
        # subject and verb, then the quote
        ('Netanyahu said: "We will respond with force."', "Netanyahu"),
        # a role, not a name
        ('"We are ready," the spokeswoman said.', "spokeswoman"),
        # an organisation, with "according to"
        ('"Prices will rise next year," according to Kenya Power officials.', "Kenya Power"),
        # a pronoun is returned as written: resolve_speakers decides who it is
        ("“It is over,” she said.", "she"),
    ],
)
def test_the_texts_attribution(text: str, speaker: str) -> None:
    assert said(text) == [speaker]


def test_a_quote_without_attribution_has_none() -> None:
    text = "Banners outside read “No more cuts to our schools” as the council voted."
    assert said(text) == [None]


def test_a_scare_quote_of_one_word_is_no_quotation() -> None:
    text = 'The so-called "reset" failed, said Ruto.'
    assert quotations(text) == [] and said(text) == []


def test_an_unattributed_quote_right_after_an_attributed_one_continues_it() -> None:
    same_paragraph = "“We discussed trade,” Ruto said. “We will meet again in May.”"
    next_line = "“We discussed trade,” Ruto said.\n“We will meet again in May.”"
    assert said(same_paragraph) == said(next_line) == ["Ruto", "Ruto"]


def test_a_quote_far_from_the_last_attribution_does_not_continue_it() -> None:
    filler = "\n".join(["The talks lasted four hours and covered trade and security."] * 6)
    text = f"“We discussed trade,” Ruto said.\n{filler}\n“Nothing was agreed.”"
    assert said(text) == ["Ruto", None]


def test_two_speakers_in_turn() -> None:
    text = (
        "“We want peace,” Ruto said on Monday.\n"
        "“The rebels must withdraw from Goma first,” said Marco Rubio."
    )
    assert said(text) == ["Ruto", "Marco Rubio"]


def test_the_seed_articles_quotations() -> None:
    assert said(seed("000").text) == ["Ruto", "Ruto"]  # “…,” Ruto announced / noted
    assert said(seed("002").text)[0] == "Ruto"  # Ruto said he and Rubio discussed ...: "…"


# ---------------------------------------------------------------------------
# resolve_speakers: the text first, then the model's answer, then the last person named
# ---------------------------------------------------------------------------

CALL = "Kenyan President William Ruto spoke with Marco Rubio on Monday.\n"


def test_a_name_the_text_gives_beats_the_models_answer() -> None:
    text = "“We will not back down,” Ruto noted on Monday."
    assert resolved(text, "Marco Rubio") == ["Ruto"]


def test_a_pronoun_takes_the_models_answer_when_the_article_names_it() -> None:
    text = CALL + "“We agreed to work together on trade,” he said."
    assert resolved(text, "William Ruto") == ["William Ruto"]


def test_a_pronoun_without_a_usable_answer_is_the_last_person_named_as_a_subject() -> None:
    text = "Kenyan President William Ruto spoke on Monday.\n“We agreed,” he said."
    # No answer, or one the article does not name: the last person named before it.
    for answer in (None, "Xavier Quintero"):
        assert resolved(text, answer) == ["William Ruto"]
    # The object of a verb or a preposition is not who "he" is: the subject is.
    text = "Marco Rubio called Kenyan President William Ruto on Monday.\n“We agreed,” he said."
    assert resolved(text, None) == ["Marco Rubio"]
    text = (
        "Donald Trump spoke during a meeting with Emmanuel Macron in the Oval Office.\n"
        "“We agreed,” he said."
    )
    assert resolved(text, None) == ["Donald Trump"]


def test_an_unattributed_quote_takes_the_models_answer_only_if_the_article_names_it() -> None:
    text = CALL + "Banners outside read “No more cuts to our schools” as they spoke."
    assert resolved(text, "William Ruto") == ["William Ruto"]
    assert resolved(text, "Xavier Quintero") == [None]
    assert resolved(text, None) == [None]


def test_one_answer_per_quotation_is_required() -> None:
    text = "“We discussed trade,” Ruto said. “We will meet again,” Rubio said."
    with pytest.raises(ValueError):
        resolve_speakers(text, quotations(text), ["Ruto"])


# Cases that failed before a fix (found while writing these tests).


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ('"We will not back down," said Lt. Gregg Hastings, a police spokesman.', "Gregg Hastings"),
        ('"We will not back down," Mr. Ruto said.', "Mr. Ruto"),
        ('"The rebels must withdraw," said U.S. Secretary of State Marco Rubio.', "Marco Rubio"),
    ],
)
def test_an_abbreviation_in_the_attribution(text: str, speaker: str) -> None:
    (found,) = said(text)
    assert found is not None and found.endswith(speaker.split()[-1])


def test_an_answer_the_article_does_not_name_is_not_used() -> None:
    text = CALL + "“We agreed to work together on trade,” he said."
    # the last person named as a subject ("spoke with Marco Rubio": Rubio is an object)
    assert resolved(text, "The Pope") == ["William Ruto"]


def test_according_to_a_lower_case_source() -> None:
    assert said('"The bridge will reopen in March," according to the ministry.') == ["ministry"]


def test_according_to_at_the_end_of_a_sentence() -> None:
    assert said('"Prices will rise next year," according to Kenya Power.') == ["Kenya Power"]


def test_an_unnamed_speaker_and_a_statement_read_out() -> None:
    resident = (
        '"All we hear are gunshots," one Goma resident, who has stayed at home since the '
        "weekend, told the BBC."
    )
    assert said(resident) == ["one Goma resident"]
    statement = (
        "“The secretary thanked the president for his leadership,” read a statement from the "
        "U.S. Department of State."
    )
    assert said(statement) == ["U.S. Department of State"]


# Forms measured on the dev set's item gold (rule-only speaker accuracy 0.665 -> 0.877 on
# its 154 attributed quotations); the texts below are written for the tests.


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # words between the speaker and the verb
        ("Indeed, Steele himself declared that the war is “one we have to win.”", "Steele"),
        ("Earnest also said the law was a “significant expansion” of current law.", "Earnest"),
        # the owner of a statement
        ("The leaders “agreed on trade,” Merkel's statement said.", "Merkel"),
        # a job between an organisation and the name
        ('"It is a daunting deal," said Acme Research analyst Shaw Wu.', "Shaw Wu"),
        # a titled name before its appositives
        (
            '"The boats turned back," Captain Manohar Nambiar, Chief Officer, Defence, said.',
            "Manohar Nambiar",
        ),
        # the verb left out after a titled name
        (
            '"Iran lied," Prime Minister Benjamin Netanyahu during a televised address.',
            "Benjamin Netanyahu",
        ),
        # a newer speech verb
        ("“It is inconsistent,” summarized Senor.", "Senor"),
    ],
)
def test_more_news_forms(text: str, speaker: str) -> None:
    assert said(text) == [speaker]


def test_a_quote_that_ends_its_sentence_is_not_attributed_by_the_next_one() -> None:
    text = (
        'The ministry said the regime "is one of the most robust in the world." '
        'But it added, "New information could change that."'
    )
    assert said(text) == ["ministry", "it"]


def test_a_quote_running_on_into_an_attributed_one_shares_its_speaker() -> None:
    text = 'The leaders "agreed on trade," which is "resolved to act," Merkel\'s statement said.'
    assert said(text) == ["Merkel", "Merkel"]


def test_mixed_quotation_marks_still_pair() -> None:
    text = '“I find the law disturbing," Inslee said in a statement. "We will act."'
    assert [text[a:b] for a, b in quotations(text)] == [
        "I find the law disturbing,",
        "We will act.",
    ]
    assert said(text) == ["Inslee", "Inslee"]


def test_a_role_is_the_last_person_named_with_its_title() -> None:
    text = (
        "Gov. Asa Hutchinson spoke on Tuesday.\n"
        "As evidence, the governor said his son had signed a “petition against it.”"
    )
    assert resolved(text) == ["Asa Hutchinson"]


def test_names_inside_quotations_and_of_things_are_not_who_he_is() -> None:
    text = (
        "Professor Yanis Varoufakis spoke on Sunday at the Seismic Research Center.\n"
        "“George Papandreou made this crisis,” he said.\n"
        "“It will get worse,” he said."
    )
    assert resolved(text) == ["Yanis Varoufakis", "Yanis Varoufakis"]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # the verb left out after a bare name
        ('"We will talk frankly," Halvorsen in an interview broadcast on Monday.', "Halvorsen"),
        # "was quoted as saying": he -> the last person named as a subject
        (
            "Mira Castell, director of the weather office, dismissed the fears.\n"
            '"The bay is too shallow for a wave," she was quoted as saying.',
            "Mira Castell",
        ),
        # a participle carries the quotation for the sentence's subject
        (
            'Governor Tomas Ridley defended the bill, claiming that it had been "badly '
            'misread by its critics."',
            "Tomas Ridley",
        ),
        (
            'Greek prime minister Nikos Varela condemned the attack, saying: "This is murder."',
            "Nikos Varela",
        ),
        # "X described Y as ..." quotes X
        (
            'Sgt. Ola Brandt described the captain as a man "who would help anyone in need."',
            "Ola Brandt",
        ),
        # "it said": the organisation that spoke last, not a person
        (
            "The Northern Commission said the delay hurt business, and minister Lena Hart "
            'agreed.\n"The rules should be dropped for good," it said in a statement.',
            "Northern Commission",
        ),
    ],
)
def test_attribution_forms_of_round_three(text: str, speaker: str) -> None:
    assert resolved(text) == [speaker]
