"""summarizer.text: sentence spans (the numbering the model cites) and the check that
prose names nothing and counts nothing its sources do not."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.text import SourceWords, sentence_spans, split_sentences, unsupported_tokens

from .conftest import SEEDS

# ---------------------------------------------------------------------------
# sentence_spans
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        (
            "  Mr. Ruto met U.S. officials.  He left.\n\nThen rain. ",
            ["Mr. Ruto met U.S. officials.", "He left.", "Then rain."],
        ),
        # A closing quotation mark stays with its sentence.
        ("“We agreed.” She left.", ["“We agreed.”", "She left."]),
        ('"Go," he said. "Now!" She went.', ['"Go," he said.', '"Now!"', "She went."]),
        # Initials, titles and abbreviated months do not end a sentence; decimals neither.
        (
            "Secretary Antony J. Blinken spoke. Gov. Ruto met Sen. Rubio on Jan. 5. It ended.",
            [
                "Secretary Antony J. Blinken spoke.",
                "Gov. Ruto met Sen. Rubio on Jan. 5.",
                "It ended.",
            ],
        ),
        ("Prices rose 2.5 percent. Good.", ["Prices rose 2.5 percent.", "Good."]),
        ("He said so! Really? Yes.", ["He said so!", "Really?", "Yes."]),
        # A line break ends one, with or without a full stop (headings, datelines).
        (
            "Crisis in Eastern DRC\nGunfire raged.\r\nNo stop",
            ["Crisis in Eastern DRC", "Gunfire raged.", "No stop"],
        ),
        ("No end here", ["No end here"]),
        ("", []),
        ("   \n\t ", []),
    ],
)
def test_sentence_spans(text: str, sentences: list[str]) -> None:
    spans = sentence_spans(text)
    assert [text[start:end] for start, end in spans] == sentences
    assert split_sentences(text) == sentences


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem[:3])
def test_sentence_spans_of_a_news_article_are_trimmed_ordered_and_cover_it(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    spans = sentence_spans(text)
    assert len(spans) >= 15
    assert split_sentences(text) == [text[start:end] for start, end in spans]
    previous = 0
    for start, end in spans:
        piece = text[start:end]
        assert piece and piece == piece.strip()
        assert previous <= start < end  # in order, never overlapping
        assert not text[previous:start].strip()  # only whitespace between sentences
        previous = end
    assert not text[previous:].strip()
    assert " ".join(text[start:end] for start, end in spans).split() == text.split()


def test_sentence_spans_follow_the_article_not_the_whitespace() -> None:
    one = "Ruto spoke with Rubio.   They agreed.\n\n\nTalks resume."
    other = "Ruto spoke with Rubio. They agreed.\nTalks resume."
    assert split_sentences(one) == split_sentences(other)
    assert sentence_spans(one)[1] == (one.index("They"), one.index("They") + len("They agreed."))


# ---------------------------------------------------------------------------
# unsupported_tokens
# ---------------------------------------------------------------------------

NEWS = (
    "NAIROBI, Kenya – President William Ruto held a telephone conversation with U.S. "
    "Secretary of State Marco Rubio on Monday. At least 17 people have been killed and "
    "over 1,200 displaced in Goma, officials said. Kenyan troops lead the mission in Haiti."
)


@pytest.mark.parametrize(
    ("prose", "missing"),
    [
        ("Ruto spoke with Rubio on Monday about Haiti.", []),
        ("The European Commission welcomed the call.", ["European", "Commission"]),
        ("Ruto spoke with Blinken.", ["Blinken"]),
        ("The United States backs the mission.", []),  # "U.S." in the text
        ("Kenya's troops lead; Haitian police help.", []),  # "Kenyan", "Haiti" share 4 letters
        ("At least 17 were killed and 1200 displaced.", []),  # separators aside
        ("At least 18 were killed.", ["18"]),
        ("Some 300 were injured on 12 May.", ["300", "12", "May"]),
        ("President Ruto and Secretary Rubio talked.", []),
        ("Officials said the talks went well.", []),  # capitalised to start a sentence
        ("They talked Trade.", ["Trade"]),  # a capital the text never writes it with
        ("They talked on Sunday and they met.", []),  # weekdays, function words
    ],
)
def test_unsupported_tokens_in_a_news_summary(prose: str, missing: list[str]) -> None:
    assert unsupported_tokens(prose, [NEWS]) == missing


def test_unsupported_tokens_are_listed_once_in_the_order_of_the_prose() -> None:
    prose = "Blinken met Macron; Blinken and 40 aides left at 40 past."
    assert unsupported_tokens(prose, [NEWS]) == ["Blinken", "Macron", "40"]


def test_source_words_are_the_same_check_built_once() -> None:
    sources = SourceWords([NEWS, "French President Emmanuel Macron called on Tuesday."])
    for prose in ("Macron called Ruto.", "Blinken called Ruto.", "Ruto met 17 people."):
        assert sources.unsupported(prose) == unsupported_tokens(prose, sources.texts.split("\n"))
    assert sources.unsupported("Macron called Ruto.") == []
    assert unsupported_tokens("Macron called Ruto.", [NEWS]) == ["Macron"]


def test_a_dateline_in_capitals_supports_the_place_in_prose() -> None:
    assert unsupported_tokens("Ruto spoke with Rubio from Nairobi.", [NEWS]) == []
