"""An event record's title and summary as prose, from the record's own facts only (no
model): what happened, who (with the roles and countries the sources give), when and where
as the texts say it; what was discussed, agreed or promised; where the sources disagree,
each side with its number of sources. 2 to 4 sentences.

The title and every sentence are checked against the sources (a :data:`Check`): one with
a number or capitalised word no source supports is replaced by a plainer form (a lead
without roles, a title without its date) or left out; see :attr:`EventProse.dropped`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from summarizer.events.countries import canonical_country
from summarizer.events.entities import parse_name
from summarizer.text import MONTHS, WEEKDAYS, content_words, word_set
from summarizer.types import CommitmentRecord, Conflict, EntityRecord, EventRecord

__all__ = ["Check", "EventProse", "event_prose"]

Check = Callable[[str], Sequence[str]]
"""The tokens of a sentence that the sources do not support
(:func:`summarizer.text.unsupported_tokens`)."""


@dataclass
class EventProse:
    """A title and summary; ``dropped``: first forms rejected, with their unsupported tokens."""

    title: str
    summary: str
    dropped: list[tuple[str, list[str]]] = field(default_factory=list)


_HELD = word_set(
    """call calls conversation conversations meeting meetings talks summit conference discussion
    discussions negotiations dialogue interview session briefing consultations hearing vote"""
)
_TAIL = re.compile(r"\s+(?:between|with|among|by|of)\s+", re.I)
_THE = word_set(
    """mission agreement deal appointment extension renewal crisis summit partnership conflict
    strategy war plan programme program initiative treaty accord election bill act process"""
)
_DESCRIPTOR = re.compile(r"\b[A-Z][\w.]*-(?:led|backed|funded|sponsored|owned|run|brokered)\s*")
_VERB = dict(led="leads", backed="backs", funded="funds", sponsored="sponsors", run="runs")
_COUNTS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
_VERB_TO = {"announced": "announced plans to", "urged": "urged efforts to", "other": "undertook to"}
_DETERMINERS = word_set("a an the more greater further new his her their its our some")
_RANK = ["agreed", "promised", "announced", "proposed", "urged", "other"]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _join(items: Sequence[str], last: str = "and") -> str:
    items = list(dict.fromkeys(i for i in items if i))
    if len(items) > 4:
        items = [*items[:3], "others"]
    return ", ".join(items[:-1]) + f" {last} " + items[-1] if len(items) > 1 else "".join(items)


def _count(n: int, noun: str) -> str:
    return f"{_COUNTS[n] if n < len(_COUNTS) else 'many'} {noun}{'' if n == 1 else 's'}"


def _nominal(word: str) -> bool:
    """A word that is a noun ("resignation", "candidacy"), not the verb an action starts with."""
    return word.lower().endswith(("ation", "sion", "ment", "ance", "ence", "ity", "cy", "ness"))


def _surname(name: str) -> str:
    return (name.split() or [""])[-1]


def _the(name: str) -> str:
    """ "the United States", "the UN": names that take an article."""
    if " and " in name:  # "Kenya and the United States"
        return " and ".join(map(_the, name.split(" and ")))
    plural = re.search(r"\b(?:Nations|States|Union|Kingdom|Republic|Emirates)$", name)
    bare = not name.lower().startswith("the ")
    return "the " + name if bare and (plural or name in ("US", "U.S.", "UN", "EU")) else name


class _Names:
    """How the record's participants are named: in full (with role and country) in the
    first sentence, by surname after it."""

    def __init__(self, record: EventRecord, check: Check) -> None:
        self.check = check
        what = (record.what or "").lower() + " "
        place = {p.name: what.find(_surname(p.name).lower()) for p in record.participants}
        self.people = sorted(record.participants, key=lambda p: place[p.name] % len(what))
        self.mentioned = [m.name for m in record.mentioned if parse_name(m.name).kind == "person"]
        surnames = [_surname(p.name) for p in self.people]
        self.short_of = {
            p.name: s if surnames.count(s) == 1 and parse_name(p.name).kind == "person" else p.name
            for p, s in zip(self.people, surnames, strict=True)
        }

    def short(self, name: str) -> str:  # "Ruto"; "the United States" for a non-participant
        return self.short_of.get(name, _the(name))

    def named_in(self, text: str) -> bool:
        low = text.lower()
        names = [_surname(n).lower() for p in self.people for n in [p.name, *p.aliases]]
        return any(n and n in low for n in names)

    def who(self, described: bool) -> str:
        return _join([_described(p, self.check) if described else p.name for p in self.people])


def _role(p: EntityRecord, check: Check) -> str:
    """The role before a name: "Secretary of State" ("of the United States" goes first, as
    the country), capitalised when the sources write it so."""
    role = (p.role or "").strip()
    m = re.match(r"^(.*\S)\s+of\s+(?:the\s+)?(.+)$", role)
    if m and (m.group(2).lower() == (p.country or "").lower() or canonical_country(m.group(2))):
        role = m.group(1)
    small = {"of", "the", "and", "for", "to", "in", "on"}
    titled = " ".join(w if w in small else _cap(w) for w in role.split())
    return titled if role == role.lower() and not check("- " + titled) else role  # mid-sentence


def _described(p: EntityRecord, check: Check) -> str:
    """ "Kenya's President William Ruto", "U.S. Secretary of State Marco Rubio"."""
    role = _role(p, check)
    if not role or role.lower() in p.name.lower():
        return p.name
    if p.country and not canonical_country(role):
        country = p.country
        owner = f"{country}'s" if " " not in country and not country.endswith("s") else country
        return f"{owner} {role} {p.name}"
    org = p.organisation or ""
    if org and len(org.split()) <= 3 and not org.lower().startswith("the "):
        return f"{org} {role} {p.name}"
    return f"{role} {p.name}"


def _held(what: str, names: _Names) -> str | None:
    """ "a telephone conversation" for "telephone conversation between A and B" (an event
    one holds, its participants named elsewhere), else None."""
    text = what.strip().rstrip(".")
    m = re.match(r"^(.+?)['\u2019]s\s+(.+)$", text)
    if m and names.named_in(m.group(1)):
        text = m.group(2)  # "President Ruto's telephone conversation with ..."
    m = _TAIL.search(text)
    core, tail = (text[: m.start()], text[m.start() :]) if m else (text, "")
    words = core.lower().split()
    if not words or words[-1] not in _HELD:
        return None
    tail = "" if names.named_in(tail) else tail
    article = "" if words[0] in ("a", "an", "the") or words[-1].endswith("s") else "a "
    if article and words[0][0] in "aeiou":
        article = "an "
    return f"{article}{core}{tail}"


def _when(record: EventRecord) -> str:
    """The date as written ("on Monday"), else as resolved, with its preposition."""
    text = record.date_text
    if not text and record.date is not None:
        text = _long_date(record.date)
    if not text:
        return ""
    first = re.sub(r"\W", "", text.split()[0]).lower()
    dated = first[:1].isdigit() and any(m in text.lower() for m in MONTHS)  # "24 September"
    if first in WEEKDAYS or first[:3] in {m[:3] for m in MONTHS} or dated or first == "the":
        return "on " + text
    return text


def _where(record: EventRecord) -> str:
    place = record.place or ""
    if not place or "(" in place or place.lower() in (record.what or "").lower():
        return ""  # "X (formerly Twitter)" is not a place
    first = place.split()[0].lower()
    return place if first in ("in", "at", "near", "outside", "on") else "in " + place


def _lead(record: EventRecord, names: _Names, who: str, when: str, where: str) -> str:
    what = (record.what or "").strip().rstrip(".")
    if when and when.lower() in what.lower():
        when = ""
    setting = " ".join(p for p in (when, where) if p)
    if when and where and "," in when:
        setting = f"{when}, {where}"
    held = _held(what, names) if what else None
    if held and who:
        return " ".join(p for p in (who, "held", held, setting) if p) + "."
    text = " ".join(p for p in (what or "an event", setting) if p)
    if who and not names.named_in(what):
        text += f", with {who}"
    return text + "."


def _lead_forms(record: EventRecord, names: _Names) -> list[str]:
    when, where = _when(record), _where(record)
    forms = [
        _lead(record, names, names.who(described), w, p)
        for described in (True, False)
        for w, p in ((when, where), (when, ""), ("", ""))
    ]
    return list(dict.fromkeys(forms))


def _topic(label: str, disputed: Sequence[str]) -> str:
    for written in disputed:  # a disputed "UN-led" is not stated as fact
        label = re.sub(rf"\b{re.escape(written)}\s*", "", label).strip()
    head = re.sub(r"\s*\([^)]*\)$", "", label)
    head = re.split(r"\s+(?:in|of|on|for)\s+", head)[0]
    if not label or label.split()[0].lower() in ("the", "a", "an"):
        return label
    return "the " + label if _surname(head).lower() in _THE else label


def _topics(record: EventRecord, names: _Names) -> str | None:
    descriptors = [c for c in record.conflicts if c.kind == "descriptor"]
    disputed = [v.value.partition(" (")[2].rstrip(")") for c in descriptors for v in c.values]
    labels = [_topic(t.label, [d for d in disputed if d]) for t in record.topics[:3]]
    if not labels:
        return None
    if record.what and _held(record.what, names) and names.people:
        subject = "They" if len(names.people) > 1 else names.short(names.people[0].name)
        return f"{subject} discussed {_join(labels)}."
    return f"The reports concern {_join(labels)}."


def _restates_event(c: CommitmentRecord, record: EventRecord) -> bool:
    """ "held a telephone conversation with Rubio": the event itself, not a commitment."""
    words = content_words(c.action)
    known = content_words(record.what or "")
    for p in record.participants:
        known |= content_words(" ".join([p.name, p.role or "", *p.aliases]))
    return not words or len(words & known) >= len(words) / 2


def _commitment(c: CommitmentRecord, names: _Names) -> str:
    """ "Ruto and Rubio agreed on a joint strategy", "the United States promised to ..."."""
    actor = names.short(c.actor)
    action = c.action.strip().rstrip(".")
    action = action[3:] if action.lower().startswith("to ") else action
    first, _, rest = action.partition(" ")
    status = c.status
    if c.counterpart and status == "agreed":
        other = names.short(c.counterpart)
        if other != actor and other.lower() not in f"{actor} {action}".lower():
            actor = f"{actor} and {other}"
    if status != "other" and first.lower().startswith(status[:5]):
        return f"{actor} {status} {rest}".strip() + "."  # "agree on X": "agreed on X"
    if first.lower() in _DETERMINERS or first.endswith(("'s", "\u2019s")) or _nominal(first):
        verb = {"agreed": "agreed on", "urged": "called for", "other": "committed to"}.get(status)
        return f"{actor} {verb or status} {action}."  # "called for Steele's resignation"
    verb = _VERB_TO.get(status, f"{status} to")
    if status == "urged" and c.counterpart:
        verb = f"urged {names.short(c.counterpart)} to"
    elif status == "urged" and re.search(r"\bto\b", rest):
        verb = "urged"  # "urge residents to use other routes"
    return f"{actor} {verb} {action}."


def _commitments(record: EventRecord, names: _Names) -> list[str]:
    """The commitments of the event's actors (not of someone merely mentioned), best
    supported first."""
    ranked = sorted(record.commitments, key=lambda c: (-c.n_sources, _RANK.index(c.status)))
    background = [_surname(m) for m in names.mentioned if _surname(m)]
    return [
        _commitment(c, names)
        for c in ranked
        if not _restates_event(c, record) and not any(m in c.actor for m in background)
    ]


def _side(value: str, check: Check) -> str:
    """ "Kenya" for "Kenya (Kenyan-led)"; "the UN" for "United Nations (UN-led)" if need be."""
    name, _, written = value.partition(" (")
    if written and check(name):
        name = re.sub(r"-\w+\)?$", "", written)
    return _the(name)


def _conflict(c: Conflict, check: Check, cues: Mapping[str, str]) -> list[str]:
    """A conflict's sentence, each side with its number of sources; then a plainer form."""
    sides = [v.value for v in c.values]
    about = {"place": "where it happened", "figure": f"the number of {c.subject}"}.get(
        c.kind, c.subject
    )
    if c.kind == "descriptor":
        head, _, participle = c.subject.partition(": ")
        participle = participle.split()[0] if participle else "led"
        verb = _VERB.get(participle, participle)  # "owned" -> "owns", "brokered" as is
        about = f"who {verb} the {_DESCRIPTOR.sub('', head).strip()}"
        sides = [_side(v, check) for v in sides]
    elif c.kind == "date":
        about = "the date"
        written = [next((cues[a] for a in v.sources if a in cues), "") for v in c.values]
        unique = all(written) and len(set(written)) == len(written)
        sides = written if unique else [_long_date(dt.date.fromisoformat(v)) for v in sides]
    counted = [
        f"{s} ({_count(len(v.sources), 'source')})" for s, v in zip(sides, c.values, strict=True)
    ]
    return [
        f"The sources disagree on {about}: {_join(counted, 'or')}.",
        f"The sources disagree on {about}.",
    ]


def _long_date(d: dt.date) -> str:
    return f"{_cap(MONTHS[d.month - 1])} {d.day}, {d.year}"


def _titles(record: EventRecord, names: _Names) -> list[str]:
    """The title, then safer forms: without its date, the participants' names alone."""
    what = (record.what or "").strip().rstrip(".")
    who = _join([p.name for p in names.people[:2]])
    head = what if what and (not who or names.named_in(what)) else f"{who}: {what}"
    head = head.rstrip(": ") or who
    when = record.date_text or _when(record).removeprefix("on ")
    forms = [f"{head} ({when})" if when and head else head, head, who]
    return [f for f in dict.fromkeys(forms) if f]


def event_prose(
    record: EventRecord,
    check: Check,
    date_cues: Mapping[str, str] | None = None,
) -> EventProse:
    """The title and the 2-4 sentence summary of ``record``, each sentence passed by
    ``check`` (see the module docstring); ``date_cues``: each article's date as written, for
    the sides of a date conflict. In order: the lead, the topics, up to two commitments, up to two
    conflicts; when there is not room for all, conflicts and one commitment come first."""
    names = _Names(record, check)
    dropped: list[tuple[str, list[str]]] = []

    def supported(*forms: str | None) -> str | None:
        """The first of ``forms`` the sources support (the first goes to ``dropped`` if not),
        capitalised after the check: a capital that only starts a sentence is no name."""
        for i, form in enumerate(f for f in forms if f):
            if not (bad := list(check(form))):
                return _cap(form)
            if i == 0:
                dropped.append((_cap(form), bad))
        return None

    title = supported(*_titles(record, names)) or "Unnamed event"
    lead = supported(*_lead_forms(record, names))
    found = [supported(*_conflict(c, check, date_cues or {})) for c in record.conflicts]
    conflicts = [s for s in found if s][:2]
    deeds = [s for s in map(supported, _commitments(record, names)) if s][:2]
    topics = [s for s in [supported(_topics(record, names))] if s]
    room = 3 if lead else 4
    chosen = conflicts[:room]
    chosen += deeds[: min(1, room - len(chosen))]
    chosen += topics[: room - len(chosen)]
    chosen += deeds[1 : 1 + room - len(chosen)]
    body = [lead] if lead else []
    body += [s for s in [*topics, *deeds, *conflicts] if s in chosen]
    if len(body) < 2:
        body.append(_reported(record))
    return EventProse(title=title, summary=" ".join(body), dropped=dropped)


def _reported(record: EventRecord) -> str:
    n, outlets = len(record.articles), _count(record.n_sources, "independent source")
    return f"It is reported by {_count(n, 'article')}" + (f" from {outlets}." if n > 1 else ".")
