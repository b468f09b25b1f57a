"""Entity canonicalisation without a knowledge base.

Names that briefs give for the same actor ("Ruto", "President William Ruto", "the Kenyan
leader", "William Samoei Ruto") are reduced to one canonical entity with aliases, by
deterministic rules applied in a fixed order:

1. **Normalisation**: Unicode folding, case, possessives, dotted acronyms ("U.S." -> "us").
   Titles and honorifics ("President", "Secretary of State", "Gov.", "Mr") and leading
   country words ("Kenyan", "U.S.") are split off the *core* name; they become the
   entity's role and country cues instead of splitting people apart.
2. **Countries**: a built-in table of every country (:mod:`summarizer.events.countries`)
   maps names, abbreviations and demonyms to one canonical country ("U.S." / "US" /
   "United States" / "American" -> "United States").
   **Organisations**: a name with an institution's word ("Ministry", "Authority", "Survey",
   "Airways", "Press") is an organisation, keyed by its acronym, unless a lower-case word
   after it names who works there ("police officer").
3. **Exact core names** are merged, then **token containment** ("Ruto" within "William
   Samoei Ruto", initials ignored) when the surname agrees, the shorter name is compatible
   with only one cluster, and known countries do not disagree. Organisation acronyms
   ("RNC", "EDS") match the initials of a longer name.
4. **Descriptors** without a proper name ("the Kenyan leader") join the one person whose
   country and role agree.

A case the rules leave ambiguous (a bare surname that fits two people, a descriptor that
fits several) is passed to an optional :class:`Adjudicator`; its answer is recorded as an
:class:`~summarizer.types.Adjudication` whatever it is. Without an adjudicator, ambiguous
names stay separate entities: the rules never guess.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

from summarizer.events.countries import canonical_country, country_spans
from summarizer.text import fold_name, word_set
from summarizer.types import Adjudication

__all__ = [
    "Adjudicator",
    "EntityMention",
    "EntityName",
    "Resolution",
    "canonical_country",
    "canonical_key",
    "described",
    "display_name",
    "normalize",
    "parse_name",
    "resolve_entities",
    "rule_same_entity",
]

normalize = fold_name
"""The name normaliser (:func:`summarizer.text.fold_name`), under its 0.1 name."""


class Adjudicator(Protocol):
    """Decides cases the deterministic rules leave open (an LLM-backed one, typically).

    Each method returns ``True``/``False``, or ``None`` to abstain. ``name`` identifies the
    adjudicator in the recorded decisions.
    """

    name: str

    def same_entity(self, a: str, b: str) -> bool | None: ...

    def same_event(self, a: str, b: str) -> bool | None: ...


_TITLES = word_set(
    """president elect vice secretary general state prime minister foreign chancellor king
    queen prince princess sheikh mr mrs ms miss dr prof professor sir dame lord gov governor
    sen senator rep representative congressman congresswoman mayor chairman chairwoman chair
    chairperson ceo chief executive gen lt col capt captain sgt officer judge justice pope
    former acting deputy ambassador envoy special leader head his her excellency hon
    honourable honorable premier commissioner spokesman spokeswoman spokesperson director
    minister-president attorney top diplomat the of a an"""
)
_FILLER = frozenset({"the", "of", "a", "an", "his", "her"})
_LEADER_ROLES = word_set("president leader head premier king queen chancellor prime")
_ORG_WORDS = word_set(
    """department ministry committee council union nations bank company corp corporation inc
    ltd party agency commission navy army police government administration house association
    organization organisation university institute court parliament congress senate office
    community forces force service services network group fund federation league
    authority authorities survey bureau board embassy consulate secretariat tribunal
    cabinet treasury coalition alliance movement command brigade regiment battalion
    hospital clinic school college academy foundation society centre center observatory
    airport airline airlines airways railway railways telecom telecommunications
    communications broadcasting television magazine press news media times journal
    tribune herald gazette telegraph club fc llc plc holdings industries technologies
    laboratories studios"""
)
_INITIAL = re.compile(r"^[a-z]$")
_ACRONYM = re.compile(r"(?:[A-Z]\.){2,}|[A-Z]{2,6}")


@dataclass(frozen=True)
class EntityName:
    """A name taken apart: the core name tokens, and the role and country cues around them."""

    raw: str
    core: tuple[str, ...]
    kind: str  # "person" | "org" | "country" | "descriptor"
    country: str | None
    roles: frozenset[str]

    @property
    def core_text(self) -> str:
        return " ".join(self.core)

    @cached_property
    def acronym(self) -> str:
        """The core's initials; a word that is an acronym itself gives all its letters
        ("U.S. Geological Survey" -> "usgs", "U.N. Security Council" -> "unsc")."""
        whole = {fold_name(w) for w in self.raw.split() if _ACRONYM.fullmatch(w.strip(",;:()"))}
        skip = {"of", "and", "for", "the"}
        return "".join(t if t in whole else t[0] for t in self.core if t not in skip)


def parse_name(
    name: str, role: str | None = None, organisation: str | None = None, country: str | None = None
) -> EntityName:
    """Split a name into core tokens, role words and a country (see the module docstring)."""
    tokens = fold_name(name).split()
    spans = country_spans(tokens)
    whole = spans[0][2] if len(spans) == 1 and spans[0][:2] == (0, len(tokens)) else None
    if whole is not None and canonical_country(name) == whole:
        return EntityName(name, (whole.lower(),), "country", whole, frozenset())
    role_words = set(fold_name(role or "").split()) & _TITLES - _FILLER
    # an organisation's word before a lower-case head is who works there ("Grady hospital
    # neurosurgeon", "police officer"), not the organisation
    words = name.split()
    works_at = len(words) > 1 and words[-1].islower() and tokens[-1] not in _ORG_WORDS
    if (any(t in _ORG_WORDS for t in tokens) and not works_at) or _ACRONYM.fullmatch(name.strip()):
        core = tuple(t for t in tokens if t not in {"the", "of"})
        return EntityName(name, core, "org", canonical_country(country), frozenset(role_words))
    country_tokens = {i for s, e, _ in spans for i in range(s, e)}
    core_list: list[str] = []
    for i, tok in enumerate(tokens):
        if tok in _TITLES and not core_list:
            if tok not in _FILLER:
                role_words.add(tok)
        elif i in country_tokens and not core_list:
            continue
        else:
            core_list.append(tok)
    prefix_country = next((c for s, _, c in spans if s < len(tokens) - len(core_list)), None)
    found_country = (
        canonical_country(country)
        or prefix_country
        or canonical_country(role)
        or canonical_country(organisation)
    )
    kind = "person" if core_list else "descriptor"
    return EntityName(name, tuple(core_list), kind, found_country, frozenset(role_words))


# particles of a name, and the prepositions of an organisation's ("Research in Motion")
_PARTICLES = word_set(
    """of and de da del della di van von der den bin ibn al el la le du dos das y for in on
    at to from with"""
)


def described(name: str) -> bool:
    """Whether ``name`` describes someone instead of naming them: it holds a lower-case
    word that is no title and no particle of a name ("emergency room doctor who treated
    Kathina", "10 people", "Somali pirates"; not "Kenya's president William Ruto")."""
    words = name.replace("'s", "").split()

    def plain(word: str) -> bool:
        folded = fold_name(word).split()
        return word[:1].islower() and not all(f in _TITLES or f in _PARTICLES for f in folded)

    return bool(words) and (words[-1].islower() or any(plain(w) for w in words))


def display_name(name: str) -> str:
    """``name`` without leading titles and country words, original case kept
    ("U.S. Secretary of State Marco Rubio" -> "Marco Rubio")."""
    parsed = parse_name(name)
    if parsed.kind != "person" or not parsed.core:
        return name.strip()
    words = name.split()
    for i in range(len(words)):
        if fold_name(" ".join(words[i:])).split() == list(parsed.core):
            return " ".join(words[i:])
    return name.strip()


def canonical_key(name: str) -> str:
    """A cheap blocking key: a person's surname, a country, an organisation's acronym."""
    parsed = parse_name(name)
    if parsed.kind == "country":
        return "country:" + parsed.core_text
    if parsed.kind == "org":
        return "org:" + parsed.acronym
    if parsed.kind == "descriptor":
        return "desc:" + " ".join(sorted(parsed.roles))
    named = _tokens(parsed)
    return "name:" + (named[-1] if named else parsed.core[-1])


def _tokens(e: EntityName) -> tuple[str, ...]:
    """The core name without its initials ("george w bush" -> "george", "bush")."""
    return tuple(t for t in e.core if not _INITIAL.match(t))


def rule_same_entity(a: EntityName, b: EntityName) -> bool | None:
    """The deterministic verdict on two names: True, False, or None when it is ambiguous."""
    if a.country and b.country and a.country != b.country and "country" not in (a.kind, b.kind):
        return False
    if a.kind == "country" or b.kind == "country":
        return a.kind == b.kind and a.country == b.country
    if "descriptor" in (a.kind, b.kind):
        desc, other = (a, b) if a.kind == "descriptor" else (b, a)
        if other.kind == "descriptor":
            return a.roles == b.roles and a.country == b.country
        if desc.country is None or other.country is None:
            return None
        if other.country != desc.country:
            return False
        roles_agree = bool(desc.roles & other.roles) or bool(
            desc.roles & _LEADER_ROLES and other.roles & _LEADER_ROLES
        )
        return True if roles_agree else None
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return a.core == b.core
    if ta == tb:
        return True
    short, long_ = (a, b) if len(ta) <= len(tb) else (b, a)
    ts, tl = _tokens(short), _tokens(long_)
    if len(ts) == 1 and len(ts[0]) >= 2 and ts[0] == long_.acronym:
        return True
    if a.kind == "org" or b.kind == "org":
        return set(ts) <= set(tl) and len(ts) >= 2 and a.kind == b.kind
    if ts[-1] != tl[-1]:
        return False
    return set(ts) <= set(tl)


@dataclass(frozen=True)
class EntityMention:
    """One name as a brief gives it, with the attributes that help to place it."""

    name: str
    role: str | None = None
    organisation: str | None = None
    country: str | None = None

    def parsed(self) -> EntityName:
        return parse_name(self.name, self.role, self.organisation, self.country)


@dataclass
class Resolution:
    """Clusters of mention indices (each sorted, clusters in order of first mention)."""

    clusters: list[list[int]]
    adjudications: list[Adjudication] = field(default_factory=list)


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj:
            self.parent[max(ri, rj)] = min(ri, rj)


def resolve_entities(
    mentions: Sequence[EntityMention], adjudicator: Adjudicator | None = None
) -> Resolution:
    """Cluster mentions of the same entity: full names first, then short names, descriptors."""
    parsed = [m.parsed() for m in mentions]
    uf = _UnionFind(len(parsed))
    order = sorted(
        range(len(parsed)),
        key=lambda i: (parsed[i].kind == "descriptor", -len(_tokens(parsed[i])), i),
    )
    asking = _Asking(mentions, adjudicator)
    for pos, i in enumerate(order):
        compatible, undecided = _verdicts(i, order[:pos], parsed, uf)
        if len(compatible) == 1:
            uf.union(i, compatible[0])
            continue
        candidates = compatible or sorted(undecided)
        chosen = [root for root in candidates if asking.same(i, undecided.get(root, root))]
        if len(chosen) == 1:
            uf.union(i, chosen[0])
    groups: dict[int, list[int]] = {}
    for i in range(len(parsed)):
        groups.setdefault(uf.find(i), []).append(i)
    clusters = sorted(groups.values(), key=lambda c: c[0])
    return Resolution(clusters=clusters, adjudications=_dedupe(asking.adjudications))


def _verdicts(
    i: int, earlier: Sequence[int], parsed: Sequence[EntityName], uf: _UnionFind
) -> tuple[list[int], dict[int, int]]:
    """The clusters (roots, sorted) of ``earlier`` mentions that ``i`` surely belongs with
    by the rules, and those the rules leave open (root -> the mention to ask about); a
    cluster with any mention the rules tell apart from ``i`` is in neither."""
    verdicts: dict[int, list[tuple[bool | None, int]]] = {}
    for j in earlier:
        verdicts.setdefault(uf.find(j), []).append((rule_same_entity(parsed[i], parsed[j]), j))
    compatible: list[int] = []
    undecided: dict[int, int] = {}
    for root, pairs in verdicts.items():
        if any(v is False for v, _ in pairs):
            continue
        if any(v is True for v, _ in pairs):
            compatible.append(root)
        else:
            undecided[root] = pairs[0][1]
    return sorted(compatible), undecided


class _Asking:
    """Puts the cases the rules leave open to the adjudicator (each pair once), recording
    every decision; without an adjudicator, records that the names were kept apart."""

    def __init__(self, mentions: Sequence[EntityMention], adjudicator: Adjudicator | None) -> None:
        self.mentions, self.adjudicator = mentions, adjudicator
        self.asked: dict[tuple[str, str], bool | None] = {}
        self.adjudications: list[Adjudication] = []

    def same(self, i: int, other: int) -> bool:
        a, b = self.mentions[i].name, self.mentions[other].name
        if self.adjudicator is None:
            self.adjudications.append(
                Adjudication(
                    kind="entity", a=a, b=b, decision=None, by="rules", note="ambiguous; kept apart"
                )
            )
            return False
        if (a, b) not in self.asked:
            self.asked[(a, b)] = self.adjudicator.same_entity(a, b)
            self.adjudications.append(
                Adjudication(
                    kind="entity", a=a, b=b, decision=self.asked[(a, b)], by=self.adjudicator.name
                )
            )
        return bool(self.asked[(a, b)])


def _dedupe(items: list[Adjudication]) -> list[Adjudication]:
    seen: set[tuple[str, str, str]] = set()
    out: list[Adjudication] = []
    for item in items:
        key = (item.a, item.b, item.by)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out
