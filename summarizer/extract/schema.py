"""The answer schema the model fills in: lean on purpose, since output tokens dominate
the time on a small local model.

The article reaches the model as numbered sentences, and every item cites the number of
a sentence instead of copying words out: evidence is exact by construction, and the
checks (:mod:`summarizer.extract.checks`) narrow it to the phrase (the name, the number
with its noun). Quotations and commitments are found in the text without the model
(:mod:`summarizer.extract.commitments`); it is asked only who said each quotation. List
and string lengths are bounded in the schema, so a grammar-constrained server cannot
repeat itself forever.

An item of a list that does not fit its type (a sentence or quotation numbered from 0, a
name too long) is dropped when the answer is read, not the whole answer: small models
count from 0 now and then, and one such item failed the whole article even after a
re-ask (4 of 95 ECB+ articles). The schema sent to the server is unchanged; what was
dropped is in :attr:`Draft.unfit`, and the brief's diagnostics list it as ``malformed``.

These are wire types, not the library's data types (see :mod:`summarizer.types`).
Changing them changes :data:`SCHEMA_VERSION`, which goes into cache keys and outputs.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidatorFunctionWrapHandler,
    model_validator,
)

__all__ = ["SCHEMA_VERSION", "Draft"]

SCHEMA_VERSION = "draft-4"

Sentence = Annotated[int, Field(ge=1, le=999, description="a sentence number")]
Name = Annotated[str, Field(max_length=120)]
Optional = Annotated[str | None, Field(max_length=80)]


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore")


class DParticipant(_Wire):
    name: Name
    role: Optional
    country: Optional
    sentence: Sentence


class DMention(_Wire):
    name: Name
    sentence: Sentence


class DTopic(_Wire):
    label: str = Field(max_length=80)
    sentence: Sentence


class DSpeaker(_Wire):
    quote: int = Field(ge=1, le=99, description="the quotation's number, Q1 = 1")
    speaker: Name | None


class DFigure(_Wire):
    what: str = Field(max_length=120)
    # Digits ("12 million", "5.6", "1,200"), so that a grammar-constrained model cannot put
    # a name here; a value that its sentence does not state is dropped.
    value: str = Field(max_length=40, json_schema_extra={"pattern": r"^[0-9][0-9.,]*( [a-z]+)?$"})
    sentence: Sentence


def _label(entry: Any) -> str:
    """What an unfit list entry was about, for :attr:`Draft.unfit`."""
    if isinstance(entry, dict):
        for key in ("name", "label", "what", "speaker"):
            if isinstance(entry.get(key), str):
                return str(entry[key])[:120]
    return repr(entry)[:120]


class Draft(_Wire):
    """One article's brief as the model writes it."""

    what: str = Field(max_length=120, description="the main event in 3 to 10 words")
    date_text: str | None = Field(max_length=80, description="the event's date as written")
    place: str | None = Field(max_length=80, description="where it happened, as written")
    sentence: Sentence
    participants: list[DParticipant] = Field(max_length=6)
    mentioned: list[DMention] = Field(max_length=4)
    topics: list[DTopic] = Field(max_length=4)
    speakers: list[DSpeaker] = Field(max_length=8)
    figures: list[DFigure] = Field(max_length=5)
    summary: str = Field(max_length=600, description="2 or 3 sentences")

    _unfit: list[tuple[str, str]] = PrivateAttr(default_factory=list)

    @model_validator(mode="wrap")
    @classmethod
    def _lenient(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Draft:
        """Drop the list entries that do not fit their type, remembered in :attr:`unfit`."""
        unfit: list[tuple[str, str]] = []
        if isinstance(data, dict):
            data = dict(data)
            for name, (item, kind) in _ITEMS.items():
                value = data.get(name)
                if not isinstance(value, list):
                    continue  # the list's own type error is reported as usual
                kept = []
                for entry in value:
                    try:
                        kept.append(item.model_validate(entry))
                    except ValidationError:
                        unfit.append((kind, _label(entry)))
                data[name] = kept
        draft: Draft = handler(data)
        draft._unfit = unfit
        return draft

    @property
    def unfit(self) -> list[tuple[str, str]]:
        """``(kind, label)`` of each list entry dropped because it did not fit its type."""
        return list(self._unfit)


# each list of the answer: its item type, and the kind a dropped entry is listed as
_ITEMS: dict[str, tuple[type[_Wire], str]] = {
    "participants": (DParticipant, "participant"),
    "mentioned": (DMention, "mention"),
    "topics": (DTopic, "topic"),
    "speakers": (DSpeaker, "speaker"),
    "figures": (DFigure, "figure"),
}
