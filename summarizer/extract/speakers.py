"""Who said each quotation: what the text itself says, then the model's answer.

The text says it in the usual news forms: ``"...," Steward said``, ``said Lt. Gregg
Hastings``, ``the governor, Abdolreza Sheikholeslami, told reporters``, ``Netanyahu said:
"..."``, ``according to the ministry``; a quotation right after an attributed one, with
no attribution of its own, continues it. A pronoun ("he said") is not a name: the model's
answer (or else the last person the text named before it) stands in for it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from summarizer.extract.ground import refers_to
from summarizer.text import sentence_spans

__all__ = ["attribute", "resolve_speakers"]

_VERB = re.compile(
    r"\b(?:said|says|say|told|tells|added|adds|asked|asks|wrote|writes|stated|declared|"
    r"explained|noted|continued|insisted|argued|warned|recalled|acknowledged|replied|"
    r"responded|announced|tweeted|posted|remarked|concluded|admitted|conceded|complained|"
    r"predicted|testified|cautioned|emphasi[sz]ed|stressed|claimed|quipped|vowed|pledged|"
    r"promised|confirmed|denied)\b"
)
_NAME = r"[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|al|bin|van|de|von|da|del))*"
_PRONOUN = frozenset(["he", "she", "they", "we", "it", "i"])
_TITLES = frozenset(
    [
        "President",
        "Prime",
        "Minister",
        "Secretary",
        "Senator",
        "Sen",
        "Rep",
        "Gov",
        "Governor",
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "Judge",
        "Chief",
        "Captain",
        "Capt",
        "General",
        "Gen",
        "Lt",
        "Col",
        "Foreign",
        "State",
        "Press",
        "The",
        "A",
        "An",
        "In",
        "On",
        "At",
        "But",
        "And",
    ]
)
# "the ministry", "one Goma resident", "two officials": a group or an unnamed person
_GROUP = re.compile(
    r"\b(?:[Tt]he|[Aa]n?|[Oo]ne|[Tt]wo|[Tt]hree|[Ss]ome|[Ss]everal)\s+"
    r"(?:[A-Z][\w'’.-]*\s+)*[a-z][\w-]*(?:\s+[a-z][\w-]*){0,2}?$"
)
# "read a statement from the U.S. Department of State"
_STATEMENT = re.compile(
    rf"\b(?:statement|release|post|letter|tweet)\s+(?:from|by|issued by)\s+(?:the\s+)?"
    rf"({_NAME}(?:\s+of\s+{_NAME})*)"
)
_ACCORDING = re.compile(
    rf"[Aa]ccording to (?:({_NAME})|the\s+((?:[A-Z][\w'’.-]*\s+)*[a-z][\w-]*(?:\s+[a-z][\w-]*)?))"
)
_PERSON = re.compile(r"\b([A-Z][a-z]+(?:\s+[A-Z]\.)?(?:\s+[A-Z][a-z'’-]+)+)\b")


def _subject(head: str) -> str | None:
    """The speaker written just before a speech verb (``head`` ends at the verb)."""
    head = head.rstrip()
    if head.endswith(","):  # "the governor, Abdolreza Sheikholeslami, said"
        appositive = re.search(rf",\s*({_NAME}),$", head)
        if appositive and appositive.group(1).split()[0] not in _TITLES:
            return appositive.group(1)
        head = re.sub(r",[^,]{1,90},$", "", head).rstrip()
    m = re.search(r"\b(he|she|they|we|it|He|She|They|We|It)$", head)
    if m:
        return m.group(1).lower()
    m = re.search(rf"({_NAME})$", head)
    if m and m.group(1) not in _TITLES:
        return m.group(1)
    m = _GROUP.search(head)
    if m is None:
        return None
    return re.sub(r"^[Tt]he\s+", "", m.group(0))  # "the ministry" -> "ministry"


def _inverted(tail: str) -> str | None:
    """The speaker written just after a speech verb ("said Lt. Gregg Hastings", "said U.S.
    Secretary of State Marco Rubio": the titles before the name are left out)."""
    m = re.match(
        rf"\s*(?:(?P<pron>he|she|they|we|it)\b|(?:the\s+)?(?P<name>{_NAME}(?:\s+of\s+{_NAME})*))",
        tail,
    )
    if m is None:
        return None
    if m.group("pron"):
        return m.group("pron")
    words = m.group("name").split()
    while len(words) > 1 and (words[0] in _TITLES or words[0] in ("of", "U.S.", "U.N.", "U.K.")):
        words.pop(0)
    return " ".join(words)


def _one(text: str, start: int, end: int, prev_end: int, next_start: int) -> str | None:
    """The speaker the text gives for the quotation ``text[start:end]``."""
    name = _written(text, start, end, prev_end, next_start)
    if name is None or re.search(r"\b[A-Z]\.$", name):  # "U.S." keeps its last dot
        return name
    return name.rstrip(".")


def _written(text: str, start: int, end: int, prev_end: int, next_start: int) -> str | None:
    after = text[end + 1 : next_start]
    first = sentence_spans(after)
    after = after[: first[0][1]] if first else after
    verb = _VERB.search(after)
    if verb and verb.start() < 80:
        if re.search(r"[A-Za-z]", after[: verb.start()]):
            return _subject(after[: verb.start()])
        return _inverted(after[verb.end() :])
    before = text[prev_end : max(prev_end, start - 1)]
    sentences = sentence_spans(before)
    before = before[sentences[-1][0] :] if sentences else before
    verbs = list(_VERB.finditer(before))
    if verbs:
        last = verbs[-1]
        return _subject(before[: last.start()]) or _inverted(before[last.end() :])
    m = _STATEMENT.search(text, end, next_start)
    if m:
        return m.group(1)
    m = _ACCORDING.search(text, prev_end, next_start)
    return (m.group(1) or m.group(2)) if m else None


def attribute(text: str, quotes: Sequence[tuple[int, int]]) -> list[str | None]:
    """Per quotation (``(start, end)`` of its words), the speaker or pronoun the text gives,
    or None; an unattributed quotation that follows an attributed one closely continues it."""
    out: list[str | None] = []
    for k, (start, end) in enumerate(quotes):
        paragraph = text.rfind("\n", 0, start) + 1
        after = text.find("\n", end)
        paragraph_end = len(text) if after < 0 else after
        prev_end = max(paragraph, quotes[k - 1][1] + 1 if k else 0)
        next_start = min(paragraph_end, quotes[k + 1][0] - 1 if k + 1 < len(quotes) else 10**9)
        out.append(_one(text, start, end, prev_end, next_start))
    for k in range(1, len(out)):
        gap = text[quotes[k - 1][1] : quotes[k][0]]
        if out[k] is None and out[k - 1] is not None and gap.count("\n") <= 2 and len(gap) < 250:
            out[k] = out[k - 1]
    return out


def _last_person(text: str, pos: int) -> str | None:
    names = [m.group(1) for m in _PERSON.finditer(text, 0, pos)]
    names = [n for n in names if n.split()[0] not in _TITLES]
    return names[-1] if names else None


def resolve_speakers(
    text: str, quotes: Sequence[tuple[int, int]], answers: Sequence[str | None]
) -> list[str | None]:
    """One speaker per quotation: a name the text gives; else the model's answer (``answers``,
    one per quotation, None where it gave none) when the article names it; else, for a
    pronoun, the last person named before the quotation; else None."""
    said = attribute(text, quotes)
    out: list[str | None] = []
    for (start, _), rule, answer in zip(quotes, said, answers, strict=True):
        if rule is not None and rule.lower() not in _PRONOUN:
            out.append(rule)
        elif answer and refers_to(text, answer):
            out.append(answer)
        elif rule is not None:
            out.append(_last_person(text, start))
        else:
            out.append(None)
    return out
