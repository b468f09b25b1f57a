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

from summarizer.extract.checks import quoted_regions
from summarizer.extract.ground import refers_to
from summarizer.extract.people import Mention, people, referent, role_holder
from summarizer.text import sentence_spans

__all__ = ["attribute", "resolve_speakers"]

_VERB = re.compile(
    r"\b(?:said|says|say|told|tells|added|adds|asked|asks|wrote|writes|stated|declared|"
    r"explained|noted|continued|insisted|argued|warned|recalled|acknowledged|replied|"
    r"responded|announced|tweeted|posted|remarked|concluded|admitted|conceded|complained|"
    r"predicted|testified|cautioned|emphasi[sz]ed|stressed|claimed|quipped|vowed|pledged|"
    r"promised|confirmed|denied|summari[sz]ed|observed|joked|suggested|countered|"
    r"lamented|reiterated|boasted|mused|recounted|maintained|shouted|wondered|described)\b"
)
_NAME = r"[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|al|bin|van|de|von|da|del))*"
_PRONOUN = frozenset(["he", "she", "they", "we", "it", "i"])
_PERSONAL = frozenset(["he", "she", "i"])
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


# Words between a speaker and the verb: "Steele himself declared", "Earnest also said".
_FILLER = re.compile(
    r"(?:\s+(?:himself|herself|themselves|itself|also|too|later|then|again|again|further|"
    r"repeatedly|previously|earlier|recently|once|quickly|simply|only|privately|publicly))+$"
)
# "Merkel's statement said", "the ministry's spokesman told": the owner is the source.
_OWNED = re.compile(
    rf"({_NAME})(?:’s|'s)\s+(?:\w+\s+)?(?:statement|office|spokesman|spokeswoman|spokesperson|"
    r"campaign|aides?|account|letter|press\s+secretary|website|team)$"
)


def _subject(head: str) -> str | None:
    """The speaker written just before a speech verb (``head`` ends at the verb)."""
    head = _FILLER.sub("", head.rstrip())
    owned = _OWNED.search(head)
    if owned and owned.group(1).split()[-1] not in _TITLES:
        return owned.group(1)
    if head.endswith(","):  # "the governor, Abdolreza Sheikholeslami, said"
        named = re.search(rf"({_NAME})$", head.split(",")[0])
        appositive = re.search(rf",\s*({_NAME}),$", head)
        if named and len(_untitled(named.group(1)).split()) >= 2:  # "Capt. A B, officer, said"
            return _untitled(named.group(1))
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
    role = re.match(rf"\s+(?:{_JOBS})\s+({_NAME})", tail[m.end() :])
    if role:  # "said American Technology Research analyst Shaw Wu"
        return role.group(1)
    return _untitled(m.group("name"))


_JOBS = (
    r"analyst|spokesman|spokeswoman|spokesperson|official|director|chairman|chairwoman|"
    r"president|professor|economist|lawyer|attorney|researcher|expert|leader|minister|"
    r"secretary|head|chief|executive|officer|founder|manager|strategist|adviser|advisor|"
    r"commander|coach|editor|correspondent|representative|member|partner"
)


def _untitled(name: str) -> str:
    words = name.split()
    while len(words) > 1 and (
        words[0].rstrip(".") in _TITLES or words[0] in ("of", "U.S.", "U.N.", "U.K.")
    ):
        words.pop(0)
    return " ".join(words)


def _one(text: str, start: int, end: int, prev_end: int, next_start: int) -> str | None:
    """The speaker the text gives for the quotation ``text[start:end]``."""
    name = _written(text, start, end, prev_end, next_start)
    if name is None or re.search(r"\b[A-Z]\.$", name):  # "U.S." keeps its last dot
        return name
    return name.rstrip(".")


def _written(text: str, start: int, end: int, prev_end: int, next_start: int) -> str | None:
    after = _QUOTED_AS.sub("said", text[end + 1 : next_start])
    first = sentence_spans(after)
    after = after[: first[0][1]] if first else after
    verb = _VERB.search(after)
    # '"... world." But it added': a quotation that ends its sentence is not attributed by
    # the next sentence (but '"...?" she asked' is).
    new_sentence = re.match(r"[.!?]", text[end - 1 : end]) and re.match(r"\s*[A-Z]", after)
    if verb and verb.start() < 80 and not (new_sentence and text[end - 1] == "."):
        if re.search(r"[A-Za-z]", after[: verb.start()]):
            return _subject(after[: verb.start()])
        return _inverted(after[verb.end() :])
    named = re.match(rf",?\s+((?:{_NAME}\s+)?(?:{_TITLE_RE})\s+{_NAME})", after)
    if named and not new_sentence:  # '"...," Prime Minister Benjamin Netanyahu during ...'
        return _untitled(named.group(1))
    bare = re.match(rf"\s+({_NAME})\s+(?:in|on|during|at)\s", after)
    if bare and text[end - 1] == "," and bare.group(1) not in _TITLES:
        return bare.group(1)  # '"...," Mnuchin in an interview' (the verb left out)
    before = _QUOTED_AS.sub("said", text[prev_end : max(prev_end, start - 1)])
    sentences = sentence_spans(before)
    before = before[sentences[-1][0] :] if sentences else before
    if (led := _PARTICIPLE.search(before)) and not _VERB.search(before, 0, led.start()):
        # "Pence defended the bill, claiming that it was "..."": the sentence's subject
        return _sentence_subject(before)
    verbs = list(_VERB.finditer(before))
    if verbs:
        last = verbs[-1]
        return _subject(before[: last.start()]) or _inverted(before[last.end() :])
    m = _STATEMENT.search(text, end, next_start)
    if m:
        return m.group(1)
    m = _ACCORDING.search(text, prev_end, next_start)
    return (m.group(1) or m.group(2)) if m else None


# "he was quoted as saying": read as "he said"
_QUOTED_AS = re.compile(r"\b(?:was|were|is|are) (?:also )?quoted as saying\b")
# A participle that carries a quotation for the sentence's subject ("..., claiming that")
_PARTICIPLE = re.compile(
    r"(?:,\s*|\bby\s+)(?:claiming|saying|adding|noting|arguing|insisting|warning|"
    r"pointing out|describing|calling)\b"
)


def _sentence_subject(sentence: str) -> str | None:
    """The subject a sentence opens with: a pronoun, "the <role>", or the name that ends its
    opening run of names and job words ("Greek prime minister George Papandreou")."""
    head = re.sub(r"^\W*(?:But|And|Yet|So|Still|Meanwhile|However),?\s+", "", sentence.lstrip())
    m = re.match(r"(he|she|they|it|He|She|They|It)\b|[Tt]he\s+([a-z]+)\b", head)
    if m is not None:
        return (m.group(1) or m.group(2)).lower()
    run: list[str] = []
    for word in head.split():
        if not (word[0].isupper() or re.fullmatch(rf"(?:{_JOBS}|prime|foreign)", word)):
            break
        run.append(word)
    name: list[str] = []
    for word in reversed(run):
        if not word[0].isupper():
            break
        name.insert(0, word)
    return _untitled(" ".join(name).rstrip(",")) if name else None


_TITLE_RE = (
    r"President|Prime\s+Minister|Minister|Secretary|Sen\.|Gov\.|Governor|Mayor|Capt\.|"
    r"Captain|Dr\.|Mr\.|Mrs\.|Ms\.|Chancellor"
)


def attribute(text: str, quotes: Sequence[tuple[int, int]]) -> list[str | None]:
    """Per quotation (``(start, end)`` of its words), the speaker or pronoun the text gives,
    or None; an unattributed quotation that follows an attributed one closely continues it,
    and one that runs on into an attributed one in the same sentence shares its speaker."""
    out: list[str | None] = []
    for k, (start, end) in enumerate(quotes):
        paragraph = text.rfind("\n", 0, start) + 1
        after = text.find("\n", end)
        paragraph_end = len(text) if after < 0 else after
        prev_end = max(paragraph, quotes[k - 1][1] + 1 if k else 0)
        next_start = min(paragraph_end, quotes[k + 1][0] - 1 if k + 1 < len(quotes) else 10**9)
        out.append(_one(text, start, end, prev_end, next_start))
    for k in range(len(out) - 2, -1, -1):
        gap = text[quotes[k][1] : quotes[k + 1][0]]
        ends = re.search(r"[.!?]\W*\s", text[quotes[k][1] - 1 : quotes[k + 1][0]])
        if out[k] is None and out[k + 1] is not None and "\n" not in gap and len(gap) < 40:
            out[k] = out[k + 1] if ends is None else None
    for k in range(1, len(out)):
        gap = text[quotes[k - 1][1] : quotes[k][0]]
        if out[k] is None and out[k - 1] is not None and gap.count("\n") <= 2 and len(gap) < 250:
            out[k] = out[k - 1]
    return out


_OPENS = re.compile(
    rf"(?:^|[.!?\n][\"'”’]?\s+)(?:[Tt]he\s+)?({_NAME})\s+(?:\w+\s+)?{_VERB.pattern}"
)


def _speaking_body(text: str, pos: int, mentions: Sequence[Mention]) -> str | None:
    """The last organisation that opens a sentence as a speaker before ``pos`` ("The
    European Commission said ..."), within the 600 characters before it; not a person."""
    persons = {w for m in mentions for w in m.name.split()}
    found = [m.group(1) for m in _OPENS.finditer(text, max(0, pos - 600), pos)]
    bodies = [f for f in found if f.split()[-1] not in persons and f.split()[0] not in _TITLES]
    return bodies[-1] if bodies else None


def resolve_speakers(
    text: str,
    quotes: Sequence[tuple[int, int]],
    answers: Sequence[str | None],
    mentions: Sequence[Mention] | None = None,
) -> list[str | None]:
    """One speaker per quotation: who the text says, with "he", "she" or "I" read as the last
    person named (as a subject) before the quotation, or the one before that if the model
    answered so, and a role ("the governor") as the last person named with its title; else
    the model's answer (``answers``, one per quotation, None where it gave none) when the
    article names it; else None. ``mentions``: the text's :func:`people`, if already found."""
    said = attribute(text, quotes)
    if mentions is None:
        mentions = people(text, quoted_regions(text))
    out: list[str | None] = []
    for (start, _), rule, answer in zip(quotes, said, answers, strict=True):
        if rule is not None and rule.lower() in _PERSONAL:
            # The nearest subject, unless the model picked the one before it (a gender or
            # a sense the rule can't see: "Ana Costa and Lars Berg met ... she said").
            near = referent(mentions, start, among=2)
            picked = [n for n in near if answer and refers_to(n, answer)]
            rule = (picked or near or [rule])[0]
        elif rule == "it":  # "it said in a statement": the organisation that spoke last
            rule = _speaking_body(text, start, mentions) or rule
        elif rule is not None:
            rule = role_holder(mentions, rule, start) or rule
        if rule is not None and rule.lower() not in _PRONOUN:
            out.append(rule)
        elif answer and refers_to(text, answer):
            out.append(answer)
        else:
            out.append(None)
    return out
