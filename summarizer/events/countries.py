"""Countries without a knowledge base: a small built-in table maps names, abbreviations
and demonyms to one canonical country ("U.S." / "US" / "United States" / "American" ->
"United States")."""

from __future__ import annotations

import re
from collections.abc import Sequence

from summarizer.text import fold_name

__all__ = ["canonical_country", "country_spans"]

_COUNTRIES: dict[str, tuple[str, ...]] = {
    "United States": (
        "us",
        "usa",
        "united states",
        "united states of america",
        "america",
        "american",
        "americans",
    ),
    "United Kingdom": ("uk", "united kingdom", "britain", "great britain", "british", "england"),
    "European Union": ("eu", "european union"),
    "United Nations": ("un", "united nations"),
    "Kenya": ("kenya", "kenyan", "kenyans"),
    "France": ("france", "french"),
    "Germany": ("germany", "german"),
    "China": ("china", "chinese", "prc"),
    "Russia": ("russia", "russian", "russian federation"),
    "Ukraine": ("ukraine", "ukrainian"),
    "Iran": ("iran", "iranian", "islamic republic of iran"),
    "Israel": ("israel", "israeli"),
    "India": ("india", "indian"),
    "Pakistan": ("pakistan", "pakistani"),
    "Somalia": ("somalia", "somali"),
    "Yemen": ("yemen", "yemeni"),
    "Ethiopia": ("ethiopia", "ethiopian"),
    "Sudan": ("sudan", "sudanese"),
    "South Sudan": ("south sudan", "south sudanese"),
    "DR Congo": (
        "drc",
        "dr congo",
        "democratic republic of congo",
        "democratic republic of the congo",
        "congolese",
    ),
    "Rwanda": ("rwanda", "rwandan"),
    "Uganda": ("uganda", "ugandan"),
    "Tanzania": ("tanzania", "tanzanian"),
    "Haiti": ("haiti", "haitian"),
    "Canada": ("canada", "canadian"),
    "Mexico": ("mexico", "mexican"),
    "Brazil": ("brazil", "brazilian"),
    "Argentina": ("argentina", "argentine", "argentinian"),
    "Australia": ("australia", "australian"),
    "Japan": ("japan", "japanese"),
    "South Korea": ("south korea", "republic of korea", "south korean"),
    "North Korea": ("north korea", "dprk", "north korean"),
    "Saudi Arabia": ("saudi arabia", "saudi"),
    "United Arab Emirates": ("uae", "united arab emirates", "emirati"),
    "Egypt": ("egypt", "egyptian"),
    "Nigeria": ("nigeria", "nigerian"),
    "South Africa": ("south africa", "south african"),
    "Greece": ("greece", "greek"),
    "Italy": ("italy", "italian"),
    "Spain": ("spain", "spanish"),
    "Turkey": ("turkey", "turkish", "turkiye"),
    "Switzerland": ("switzerland", "swiss"),
    "Oman": ("oman", "omani"),
    "Iraq": ("iraq", "iraqi"),
    "Syria": ("syria", "syrian"),
    "Afghanistan": ("afghanistan", "afghan"),
    "Poland": ("poland", "polish"),
    "Netherlands": ("netherlands", "dutch", "holland"),
    "Qatar": ("qatar", "qatari"),
}
_COUNTRY_OF: dict[str, str] = {
    alias: name for name, aliases in _COUNTRIES.items() for alias in aliases
}
_MAX_COUNTRY_TOKENS = max(len(a.split()) for a in _COUNTRY_OF)


def country_spans(tokens: Sequence[str]) -> list[tuple[int, int, str]]:
    """(start, end, country) for every country alias in ``tokens``, longest first."""
    found: list[tuple[int, int, str]] = []
    i = 0
    while i < len(tokens):
        for n in range(min(_MAX_COUNTRY_TOKENS, len(tokens) - i), 0, -1):
            country = _COUNTRY_OF.get(" ".join(tokens[i : i + n]))
            if country is not None:
                found.append((i, i + n, country))
                i += n
                break
        else:
            i += 1
    return found


def canonical_country(text: str | None) -> str | None:
    """The canonical country named in ``text`` (first one found), or None.

    A lower-case "us" is the pronoun, not the country: only "US"/"U.S." count.
    """
    if not text:
        return None
    tokens = fold_name(text).split()
    upper_us = re.search(r"\bU\.?S\.?(?:A\.?)?\b", text) is not None
    for start, end, country in country_spans(tokens):
        if end - start == 1 and tokens[start] == "us" and not upper_us:
            continue  # the pronoun
        return country
    return None
