"""What reaches the model: an article fit to send, and its text framed as data.

:func:`check_article` refuses an empty or over-long article before any call.
:func:`as_data` is the article as it goes between the prompt's ``<article>`` markers: a
closing marker inside the text is defused and a sentence that talks to the model
(:func:`talks_to_model`: "Ignore previous instructions and ...", "You are now ...",
"SYSTEM: ...") reaches it as ``[instructions removed]``. The article itself is untouched:
evidence is aligned to the original text. Masking is a pattern list, not a proof.
"""

from __future__ import annotations

import re

from summarizer.errors import InputError
from summarizer.inputs import MAX_ARTICLE_CHARS
from summarizer.text import replace_sentences
from summarizer.types import Article

__all__ = ["MASK", "as_data", "check_article", "talks_to_model"]

MASK = "[instructions removed]"


def check_article(article: Article) -> None:
    """Raise :class:`~summarizer.errors.InputError` (with the article's id) for an article
    that cannot be sent: empty, or longer than ``MAX_ARTICLE_CHARS``."""
    if not article.text.strip():
        raise InputError("article text is empty", article_id=article.id)
    if len(article.text) > MAX_ARTICLE_CHARS:
        raise InputError(
            f"article is {len(article.text):,} characters; the limit is {MAX_ARTICLE_CHARS:,}",
            article_id=article.id,
        )


# Text that talks to the model. Matched against lower-cased text, one pattern per form with
# a literal start and the word boundary before it checked by hand: 0.05 ms per 1k-token
# article instead of 0.2 ms for one case-insensitive alternation led by \b.
_INSTRUCTIONS = (
    re.compile(
        r"(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+|the\s+)?"
        r"(?:previous|prior|above|earlier|preceding|your)\s+(?:instructions|prompts?|rules|messages)"
    ),
    re.compile(r"you\s+are\s+now\b"),
    re.compile(r"new\s+instructions\s*:"),
    re.compile(r"^\s*(?:system|assistant)\s*:", re.M),
)


def talks_to_model(text: str) -> bool:
    """Whether ``text`` holds an instruction to the model (any case, on a word boundary)."""
    low = text.lower()
    for pattern in _INSTRUCTIONS:
        for match in pattern.finditer(low):
            start = match.start()
            if start == 0 or not (low[start - 1].isalnum() or low[start - 1] == "_"):
                return True
    return False


def _mask(sentence: str) -> str:
    if not talks_to_model(sentence):
        return sentence
    lead = sentence[: len(sentence) - len(sentence.lstrip())]
    return lead + MASK + ("\n" if sentence.endswith("\n") else "")


def as_data(text: str) -> str:
    """The article as it goes between the prompt's <article> markers.

    A closing marker inside the text is defused, so the article cannot end its own data
    block, and a sentence that talks to the model ("Ignore previous instructions and ...",
    "You are now ...", "SYSTEM: ...") is replaced by ``[instructions removed]``: a small
    model obeys such text even inside the markers. Sentences are the pieces of
    :func:`summarizer.text.replace_sentences` (the cassettes' request bodies depend on
    where they end). Offsets are unaffected: evidence is aligned to the original article,
    where the removed text can never be quoted as fact.
    """
    text = re.sub(r"</(\s*article)", r"< /\1", text, flags=re.I)
    if not talks_to_model(text):
        return text
    return replace_sentences(text, _mask)
