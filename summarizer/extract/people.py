"""The people an article names, and who a pronoun or a role ("the governor") refers to.

A capitalised phrase is not always a person: "Fox News", "Oval Office" and "West Virginia"
are written the way "Angela Merkel" is. A phrase counts as a person when the text treats
it as one: a title before it ("Gov. Asa Hutchinson", "Mr. Bosma"), its surname standing
alone elsewhere ("Bosma acknowledged ..."), or a speech verb after it ("Trump said").
Phrases with a word of an organisation or a place ("News", "Office", "Virginia") never
count. Names inside quotation marks are what a speaker said, not who spoke, and are left
out. The referent of "he"/"she" is the person named last before the quotation; a role
("the governor") is the last person named with that title.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Mention", "people", "referent", "role_holder"]

# Titles written before a name, and the role nouns they stand for ("the governor").
_ROLES = {
    "president": ("President", "Pres."),
    "governor": ("Gov.", "Governor"),
    "senator": ("Sen.", "Senator"),
    "minister": ("Minister",),
    "chancellor": ("Chancellor",),
    "mayor": ("Mayor",),
    "secretary": ("Secretary",),
    "chairman": ("Chairman",),
    "chairwoman": ("Chairwoman",),
    "spokesman": ("Spokesman",),
    "spokeswoman": ("Spokeswoman",),
    "prosecutor": ("Prosecutor",),
    "judge": ("Judge",),
    "captain": ("Captain", "Capt."),
    "sheriff": ("Sheriff",),
    "professor": ("Professor", "Prof."),
    "ambassador": ("Ambassador",),
    "king": ("King",),
    "queen": ("Queen",),
    "pope": ("Pope",),
}
_TITLE_WORDS = frozenset(t.rstrip(".") for titles in _ROLES.values() for t in titles) | frozenset(
    """Mr Mrs Ms Dr Rep Sgt Lt Col Gen General Officer Detective Chief Premier Prime Lord
    Sir Dame Rev Justice Commissioner Director Coach Speaker Leader Lieutenant Sergeant
    Admiral Commander Deputy Vice State Trooper Senior Constable Referee
    Umpire""".split()  # noqa: SIM905
)
# Words of organisations, places and things, never of a person's name.
_NOT_PERSON = frozenset(
    """News Office House Center Centre Department Ministry Agency Union States Kingdom
    Republic Council Committee Party Post Times Journal Street Avenue Road University
    College School Institute Company Corp Inc Group Bank Fund Court Police Army Navy Force
    Forces Research Association Organization Organisation Nations Press Network Television
    Radio Sunday Monday Tuesday Wednesday Thursday Friday Saturday January February March
    April May June July August September October November December East West North South
    Virginia Carolina Dakota Island Islands City County Gulf Sea Ocean Airport Station
    Hospital Church Administration Government Parliament Congress Senate Assembly Board
    Commission Service Services Security Affairs Street Square Park Valley River Lake Mount
    Coast Bay Club Foundation Fox Reuters Associated Post Herald Tribune Standard Weekly
    Daily Magazine Airlines Motors Technology Technologies Systems Partners Capital Holdings
    Global International National Federal Democratic Republican Democrats Republicans
    Muslim Christian Jewish Islamic Affairs Guard Guards Brigade Corps Office Embassy
    Cheese""".split()  # noqa: SIM905
)
# Capitalised words that start sentences or names without being names.
_FUNCTION = frozenset(
    """The A An This That These Those He She It They We I You His Her Its Their Our But And
    Or So If In On At As For From By With Without After Before When While Still Yet Also
    Then There Here Meanwhile However Indeed Even Although Though Because Since Until
    Unless Whether Once""".split()  # noqa: SIM905
)
# A name right after one of these is an object, not the subject of its sentence.
_OBJECT = re.compile(
    r"\b(?:with|to|by|for|from|against|about|on|at|of|into|than|said|told|called|urged|asked|"
    r"thanked|met|criticized|criticised|praised|accused|blamed|named|replace|replaced)\s+"
    r"(?:(?:[A-Z][\w.’']*|of|the)\s+)*$"
)
_SPEECH = re.compile(
    r"\s+(?:also\s+|later\s+|then\s+|again\s+)?(?:said|says|told|tells|added|asked|wrote|"
    r"stated|declared|explained|noted|argued|warned|acknowledged|replied|responded|"
    r"announced|insisted|recalled|stressed|urged|vowed|pledged|promised|confirmed|denied)\b"
)
_CAP = r"(?:Mc|Mac|De|Di|La|Le|O’|O')?[A-Z][a-z]+(?:[-’'][A-Z]?[a-z]+)?"
_FULL = re.compile(rf"\b({_CAP}(?:\s+[A-Z]\.)?(?:\s+{_CAP})+)\b")
_SINGLE = re.compile(rf"\b({_CAP})\b")
_TITLED = re.compile(
    r"\b(?P<title>(?:[A-Z][a-z]*\.?\s+){0,2}?(?:"
    + "|".join(sorted({re.escape(t) for ts in _ROLES.values() for t in ts}, key=len)[::-1])
    + r"|Mr\.|Mrs\.|Ms\.|Dr\.|Rep\.|Sgt\.|Lt\.|Col\.|Gen\.|Capt\.|Sen\.|Gov\.))\s+"
    rf"(?P<name>{_CAP}(?:\s+[A-Z]\.)?(?:\s+{_CAP})*)"
)


@dataclass(frozen=True)
class Mention:
    """A person named at ``start:end`` (outside quotation marks); ``name`` is the fullest
    form the text gives them, ``title`` the role word written before any mention."""

    start: int
    end: int
    name: str
    titles: frozenset[str]
    subject: bool = True
    """False for the object of a preposition or a verb ("met with Macron", "said Steele
    must"): not who a following "he said" refers to."""


def _surname(name: str) -> str:
    return name.split()[-1].removesuffix("’s").removesuffix("'s")


def _outside(regions: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    return not any(a <= start < b or a < end <= b for a, b in regions)


def _trim(name: str) -> str:
    """``name`` up to its first word of a thing ("Michael Steele Sunday" -> "Michael
    Steele"; "Fox News" -> "")."""
    kept = []
    for word in name.split():
        if word.removesuffix("’s").removesuffix("'s") in _NOT_PERSON:
            break
        kept.append(word)
    return " ".join(kept)


def people(text: str, quoted: Sequence[tuple[int, int]] = ()) -> list[Mention]:
    """Every mention of a person outside ``quoted`` regions, in the order of the text."""
    full: dict[str, str] = {}  # surname -> fullest name
    titles: dict[str, set[str]] = {}
    for m in _TITLED.finditer(text):
        name = _trim(m.group("name"))
        if not name or not _outside(quoted, m.start(), m.end()):
            continue
        key = _surname(name)
        if len(name) > len(full.get(key, "")):
            full[key] = name
        titles.setdefault(key, set()).add(m.group("title").split()[-1])
    speakers = {m.group(1) for m in re.finditer(rf"({_CAP})(?=(?:’s|'s)?{_SPEECH.pattern})", text)}
    for m in _FULL.finditer(text):
        words = m.group(1).split()
        while words and (words[0] in _FUNCTION or words[0].endswith("ing")):
            words.pop(0)
        if len(words) < 2:
            continue
        titled = [i for i, w in enumerate(words) if w.rstrip(".") in _TITLE_WORDS]
        words = words[titled[-1] + 1 :] if titled else words
        # A person after an organisation's name ("Fox News Chris Wallace") is that person.
        things = [
            i for i, w in enumerate(words) if w.removesuffix("’s").removesuffix("'s") in _NOT_PERSON
        ]
        name = " ".join(words[things[-1] + 1 :]) if things and len(words) - things[-1] > 2 else ""
        name = name or _trim(" ".join(words))
        if len(name.split()) < 2 or not _outside(quoted, m.start(), m.end()):
            continue
        key = _surname(name)
        if len(name) > len(full.get(key, "")):
            full[key] = name
    for name in speakers - _FUNCTION - _NOT_PERSON - _TITLE_WORDS:
        if name not in full:
            full[name] = name
    found = []
    for m in _SINGLE.finditer(text):
        key = m.group(1)
        if key in full and _outside(quoted, m.start(), m.end()):
            start = text.rfind(full[key], max(0, m.start() - len(full[key])), m.end())
            start = start if start >= 0 else m.start()
            subject = _OBJECT.search(text, max(0, start - 40), start) is None
            found.append(
                Mention(start, m.end(), full[key], frozenset(titles.get(key, ())), subject)
            )
    return found


def referent(mentions: Sequence[Mention], pos: int, among: int = 1) -> list[str]:
    """The last ``among`` different people named as subjects before ``pos``, the nearest
    first: who a following "he" or "she" may be."""
    names: list[str] = []
    for m in reversed(mentions):
        if m.end <= pos and m.subject and m.name not in names:
            names.append(m.name)
            if len(names) == among:
                break
    return names


def role_holder(mentions: Sequence[Mention], role: str, pos: int) -> str | None:
    """The last person named before ``pos`` with the title of ``role`` ("governor" ->
    "Gov. Asa Hutchinson"); None for a word that is no role."""
    titles = _ROLES.get(role.lower())
    if titles is None:
        return None
    wanted = {t.rstrip(".") for t in titles} | {t for t in titles}
    before = [m for m in mentions if m.end <= pos and m.titles & wanted]
    return before[-1].name if before else None
