"""Commitments the text states with an explicit verb, found without the model.

A careful reader's guide counts as a commitment a statement that someone committed to, or
called for, a future act: promised / pledged / vowed, agreed / signed, proposed / offered /
suggested, urged / called on / demanded / asked X to, announced a plan. Measured on the dev
set's item gold (43 articles, 98 commitments), the embedded 1.5B model listed 0.5 per
article with precision 0.33 (a call that took place, thanks, a past act), and picked
badly when candidate sentences were put in front of it (seeds: P 0.33); the sentences
with one of those verbs are commitments three times in four (dev P 0.75, R 0.43; seeds
P 0.78, R 0.54). So the model is not asked: :func:`stated_commitments` finds them, with
who commits (the words before the verb) and what (the verb and its object). Future modals
("will", "would") are as often predictions and are not taken.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from summarizer.types import CommitmentStatus

__all__ = ["Stated", "stated_commitments"]

_STATUS = (
    (
        "promised",
        r"pledg(?:e|es|ed)|vow(?:s|ed)|promis(?:e|es|ed)|commit(?:s|ted)? to|threaten(?:s|ed)? to",
    ),
    (
        "agreed",
        r"agree(?:s|d)? (?:to|on)|reach(?:ed|es)? (?:an? |final )*(?:agreements?|deal)|"
        r"agreements? in principle|"
        r"sign(?:s|ed)? an? (?:agreement|deal|accord|memorandum|pact)",
    ),
    (
        "proposed",
        r"propos(?:e|es|ed) (?:to|a|an|that|the)|suggest(?:s|ed)|offer(?:s|ed|ing)? (?:to|a)",
    ),
    (
        "urged",
        r"call(?:s|ed|ing)? (?:on|for|upon)|urg(?:e|es|ed|ing)|encourag(?:e|es|ed)|"
        r"lobb(?:y|ies|ied)|demand(?:s|ed|ing)|(?:ask(?:s|ed)?) \w+(?: \w+)? to|"
        r"(?:is|are|were) (?:asked|encouraged) to",
    ),
    (
        "announced",
        r"announc(?:e|es|ed) (?:plans?|that)|decided? to|postpon(?:e|es|ed)|delay(?:s|ed)",
    ),
)
_STRONG = re.compile("|".join(rf"(?P<{status}>\b(?:{cue})\b)" for status, cue in _STATUS), re.I)


@dataclass(frozen=True)
class Stated:
    """A commitment the text states with an explicit verb: the sentence's number, the
    status the verb gives, who commits (the words before the verb; "" when the text does
    not say, as in "residents were asked to ...") and what (the verb and its object)."""

    sentence: int
    status: CommitmentStatus
    actor: str
    action: str
    cue: tuple[int, int]
    """Where its verb is in the text."""


_AUX = re.compile(
    r"(?:[\s,]+(?:has|have|had|also|was|were|is|are|will|would|then|later|again|now|"
    r"already|formally|publicly|officially|reportedly|repeatedly|previously|recently|"
    r"on \w+day|\w+day|last \w+|this \w+))+$",
    re.I,
)
_SUBJECT = re.compile(
    r"((?:[Tt]he |[Aa]n? )?(?:[\w.’'-]+ ){0,5}[\w.’'-]+)$",
)


def _actor(head: str) -> str:
    head = _AUX.sub("", head.rstrip(" ,")).strip(" -–—")
    # "The White House said it reached ...", "the governor said he would ask ...": the
    # one who said so commits.
    said = re.search(
        r"(.*?)\s+(?:also\s+)?(?:said|says|told \w+)(?: that)?\s+(?:it|he|she|they)$", head
    )
    head = said.group(1) if said else re.sub(r"\s+(?:said|says|announced|added),?$", "", head)
    head = re.split(r"\b(?:said|says|told \w+)(?: that)?\s", head)[-1]  # "... said Norway"
    head = re.split(
        r"[,;:(—–]|\b(?:that|which|who|after|when|while|as|but|although|though|if)\b",
        head,
        flags=re.I,
    )[-1]
    head = re.sub(
        r"^\s*(?:(?:(?:on|in|at|last|this)\s+\w+|later|then|meanwhile|also|still|now|"
        r"earlier|instead|separately|however),?\s+)+",
        "",
        head,
        flags=re.I,
    )
    m = _SUBJECT.search(head.strip(" -–—"))
    words = m.group(1).split() if m else []
    while words and words[-1] in ("to", "and", "or"):
        words.pop()
    return " ".join(words) if words and words[0].lower() not in ("and", "or", "to") else ""


def _action(text: str, cue: int, end: int) -> str:
    tail = re.split(r"[;:]|,\s+(?:but|while|which|who|and)\s|\s[—–]\s", text[cue:end])[0]
    return " ".join(tail.rstrip(' .,!?"”').split()[:14])


def stated_commitments(text: str, sentences: Sequence[tuple[int, int]]) -> list[Stated]:
    """The sentences that state a commitment with an explicit verb, one per sentence, in
    the order of the text (a verb inside quotation marks counts: "We agreed to ...")."""
    out: list[Stated] = []
    for number, (start, end) in enumerate(sentences, start=1):
        m = _STRONG.search(text, start, end)
        if m is not None:
            status = next(k for k, v in m.groupdict().items() if v is not None)
            actor = _actor(text[start : m.start()])
            action = _action(text, m.start(), end)
            out.append(Stated(number, status, actor, action, m.span()))  # type: ignore[arg-type]
    return out
