"""The answer schema the model fills in: lean on purpose, since output tokens dominate
the time on a small local model.

Each item carries one ``evidence`` string that should be copied verbatim from the
article; the grounding stage turns it into character offsets. List and string
lengths are bounded in the schema itself, so a grammar-constrained server cannot
repeat itself forever inside one field.

These are wire types, not the library's data types (see :mod:`summarizer.types`).
Changing them changes :data:`SCHEMA_VERSION`, which goes into cache keys and outputs.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["SCHEMA_VERSION", "Draft", "EvidenceFix", "EvidenceFixes"]

SCHEMA_VERSION = "draft-2"

Evidence = Annotated[str, Field(max_length=400, description="verbatim from the article")]
Name = Annotated[str, Field(max_length=120)]
Short = Annotated[str, Field(max_length=200)]


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore")


class DParticipant(_Wire):
    name: Name
    role: str | None = Field(max_length=120)
    organisation: str | None = Field(max_length=120)
    country: str | None = Field(max_length=80)
    evidence: Evidence


class DMention(_Wire):
    name: Name
    evidence: Evidence


class DTopic(_Wire):
    label: str = Field(max_length=80)
    evidence: Evidence


class DCommitment(_Wire):
    actor: Name
    action: Short
    counterpart: str | None = Field(max_length=120)
    status: Literal["promised", "agreed", "proposed", "urged", "announced", "other"]
    evidence: Evidence


class DQuote(_Wire):
    speaker: Name
    text: str = Field(max_length=600, description="the quoted words, verbatim")


class DFigure(_Wire):
    what: str = Field(max_length=120)
    # The schema asks for digits ("12 million", "5.6", "1,200") so that a grammar-constrained
    # model cannot put a name here; validation stays lenient ("two" is a number too) and the
    # extraction drops a value with no number in it.
    value: str = Field(max_length=40, json_schema_extra={"pattern": r"^[0-9][0-9.,]*( [a-z]+)?$"})
    unit: str | None = Field(max_length=40)
    evidence: Evidence


class Draft(_Wire):
    """One article's brief as the model writes it."""

    what: str = Field(max_length=120, description="the main event in 3 to 10 words")
    date_text: str | None = Field(max_length=80, description="the event's date as written")
    place: str | None = Field(max_length=80, description="where it happened, as written")
    event_evidence: Evidence
    participants: list[DParticipant] = Field(max_length=6)
    mentioned: list[DMention] = Field(max_length=6)
    topics: list[DTopic] = Field(max_length=5)
    commitments: list[DCommitment] = Field(max_length=5)
    quotes: list[DQuote] = Field(max_length=4)
    figures: list[DFigure] = Field(max_length=5)
    summary: str = Field(max_length=900, description="2-4 sentences")


class EvidenceFix(_Wire):
    ref: str = Field(max_length=40, description="the item reference given, e.g. participants[1]")
    evidence: str | None = Field(max_length=400, description="verbatim from the article, or null")


class EvidenceFixes(_Wire):
    """The answer to a re-ask about evidence that was not found in the article."""

    fixes: list[EvidenceFix] = Field(max_length=30)
