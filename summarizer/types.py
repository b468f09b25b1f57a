"""Every data type of summarizer, in one place.

Input:   :class:`Article`.
Output:  :class:`Brief` (one per article), built from items that each carry
         :class:`Span` evidence aligned to the article text.

All models are immutable pydantic models; they round-trip through JSON.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Adjudication",
    "Article",
    "Brief",
    "BriefMeta",
    "Change",
    "Commitment",
    "CommitmentRecord",
    "CommitmentStatus",
    "Conflict",
    "ConflictKind",
    "ConflictValue",
    "Diagnostics",
    "DropReason",
    "DroppedItem",
    "EntityRecord",
    "EventInfo",
    "EventRecord",
    "Figure",
    "FigureRecord",
    "MatchKind",
    "Mention",
    "Participant",
    "Quote",
    "QuoteRecord",
    "SourceSpan",
    "Span",
    "Topic",
    "TopicRecord",
    "Usage",
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Article(_Frozen):
    """A news article, the unit of extraction: every :class:`Span` offset refers to
    ``text``, the whole article."""

    id: str = Field(min_length=1)
    text: str
    title: str | None = None
    published: dt.date | None = None
    source: str | None = None
    url: str | None = None


MatchKind = Literal["exact", "normalized", "fuzzy"]
"""How a quote was aligned: verbatim, after normalisation (case, whitespace,
quote marks, dashes), or by fuzzy match above the threshold."""


class Span(_Frozen):
    """A piece of an article's text: ``article.text[start:end] == text``.

    ``match`` says how the model's quote was aligned to it; ``score`` is the
    similarity (100 for exact and normalised matches).
    """

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    match: MatchKind = "exact"
    score: float = 100.0


class Participant(_Frozen):
    """An actor of the event (not someone merely mentioned)."""

    name: str
    role: str | None = None
    organisation: str | None = None
    country: str | None = None
    evidence: list[Span]


class Mention(_Frozen):
    """A person or organisation named in the article who is not an actor of the event."""

    name: str
    evidence: list[Span]


class Topic(_Frozen):
    label: str
    evidence: list[Span]


CommitmentStatus = Literal["promised", "agreed", "proposed", "urged", "announced", "other"]


class Commitment(_Frozen):
    """Someone undertaking, agreeing, proposing or urging an action."""

    actor: str
    action: str
    counterpart: str | None = None
    status: CommitmentStatus = "other"
    evidence: list[Span]


class Quote(_Frozen):
    """Words between quotation marks (``evidence[0].text``) and who said them (None: the
    article does not say)."""

    speaker: str | None = None
    text: str
    evidence: list[Span]


class Figure(_Frozen):
    """A number the article reports: what is counted, the value, the unit.

    ``found_by`` is ``"model"`` for a figure the model listed (and grounding kept), or
    ``"text"`` for a quantity written in digits that the text scan found.
    """

    what: str
    value: str
    unit: str | None = None
    evidence: list[Span]
    found_by: Literal["model", "text"] = "model"


class EventInfo(_Frozen):
    """The happening the article reports.

    ``date_text`` is the date as written in the article ("on Monday");
    ``date`` is set only when it follows from the text, or from the text and
    the article's publication date, and is never guessed.
    """

    what: str
    date_text: str | None = None
    date: dt.date | None = None
    place: str | None = None
    evidence: list[Span]


class Usage(_Frozen):
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
        )


DropReason = Literal[
    "not_found",
    "misattributed",
    "unsupported",
    "not_a_number",
    "not_a_place",
    "byline",
    "malformed",
]


class DroppedItem(_Frozen):
    """An item removed from a brief, and why: ``not_found`` (not in the article, or its
    sentence number is not one), ``misattributed`` (its sentence does not name whom it was
    given for), ``unsupported`` (a figure its sentence does not state; prose with a name
    or number the article lacks), ``not_a_place``, ``byline`` (a date written only in the
    byline), ``not_a_number`` (a figure without one), ``malformed`` (an answer's list entry
    that did not fit its type, such as sentence 0). Quotes and commitments are found in the
    text, not taken from the model (:mod:`~summarizer.extract.speakers`,
    :mod:`~summarizer.extract.commitments`), so none is ever dropped."""

    kind: str
    label: str
    quote: str
    reason: DropReason


class Diagnostics(_Frozen):
    """What the checks did: how spans matched, and what was dropped and why."""

    spans_exact: int = 0
    spans_normalized: int = 0
    spans_fuzzy: int = 0
    reasked: int = 0  # always 0 since 0.2 (nothing is re-asked to ground it); goes in 0.3
    dropped: list[DroppedItem] = Field(default_factory=list)


class BriefMeta(_Frozen):
    model: str
    prompt_id: str
    prompt_hash: str
    schema_version: str
    usage: Usage
    attempts: int = Field(ge=1, description="LLM calls made for this brief, re-asks included")
    latency_s: float = Field(ge=0)
    cached: bool = Field(
        default=False,
        description="taken from the cache: usage, attempts and latency are the original run's",
    )


class Brief(_Frozen):
    """The structured, source-grounded digest of one article."""

    article_id: str
    summary: str
    event: EventInfo
    participants: list[Participant] = Field(default_factory=list)
    mentioned: list[Mention] = Field(default_factory=list)
    topics: list[Topic] = Field(default_factory=list)
    commitments: list[Commitment] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)
    diagnostics: Diagnostics = Field(default_factory=Diagnostics)
    meta: BriefMeta
    notebook_views: ClassVar[dict[str, Callable[[Brief], str]]] = {}
    """The functions behind ``_repr_html_`` ("html") and ``_repr_markdown_`` ("markdown"):
    :mod:`summarizer.output` sets them when imported (a data type does not import views)."""

    def spans(self) -> list[Span]:
        """Every evidence span in the brief, in item order."""
        items: list[list[Span]] = [self.event.evidence]
        for group in (self.participants, self.mentioned, self.topics):
            items.extend(item.evidence for item in group)
        for other in (self.commitments, self.quotes, self.figures):
            items.extend(item.evidence for item in other)
        return [span for spans in items for span in spans]

    def _repr_html_(self) -> str:
        """Notebook view: the brief as an HTML card (:func:`summarizer.output.html.brief_html`)."""
        return self.notebook_views["html"](self)

    def _repr_markdown_(self) -> str:
        return self.notebook_views["markdown"](self)


# Consolidation types (event records) live below this line.


class SourceSpan(_Frozen):
    """A :class:`Span` of one named article: ``articles[article_id].text[start:end] == text``."""

    article_id: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    match: MatchKind = "exact"
    score: float = 100.0


class _Sourced(_Frozen):
    """A merged claim with its provenance.

    ``sources`` are the supporting article ids; ``n_sources`` counts *independent* sources
    (distinct outlets; an article of unknown outlet counts as its own); ``single_source``
    marks claims only one article makes.
    """

    sources: list[str]
    n_sources: int = Field(ge=1)
    single_source: bool
    evidence: list[SourceSpan]


class EntityRecord(_Sourced):
    """A canonical participant: one real-world actor under all the names the sources use."""

    id: str
    name: str
    aliases: list[str]
    role: str | None = None
    organisation: str | None = None
    country: str | None = None


class TopicRecord(_Sourced):
    label: str
    aliases: list[str] = Field(default_factory=list)


class CommitmentRecord(_Sourced):
    actor: str
    action: str
    counterpart: str | None = None
    status: CommitmentStatus = "other"


class QuoteRecord(_Sourced):
    speaker: str | None = None
    text: str


class FigureRecord(_Sourced):
    what: str
    value: str
    unit: str | None = None


class ConflictValue(_Frozen):
    """One side of a conflict: a value and the articles that give it."""

    value: str
    sources: list[str]
    evidence: list[SourceSpan]


ConflictKind = Literal["figure", "descriptor", "date", "place", "role", "country"]


class Conflict(_Frozen):
    """Sources that disagree about ``subject``, kept side by side (never resolved)."""

    kind: ConflictKind
    subject: str
    values: list[ConflictValue] = Field(min_length=2)


class Adjudication(_Frozen):
    """A decision on a case the rules left ambiguous; ``decision`` None means undecided."""

    kind: Literal["entity", "event"]
    a: str
    b: str
    decision: bool | None
    by: str
    note: str | None = None


class EventRecord(_Frozen):
    """One real-world event, consolidated from the briefs of every article that reports it.

    ``date`` is set only when a brief gives it or a relative cue ("on Monday") can be
    resolved against an article's publication date; otherwise ``date_text`` keeps the cue.
    ``version`` grows each time an article joins the record.
    """

    id: str
    version: int = Field(default=1, ge=1)
    title: str
    summary: str
    what: str | None = None
    date: dt.date | None = None
    date_text: str | None = None
    place: str | None = None
    articles: list[str]
    n_sources: int = Field(ge=1)
    evidence: list[SourceSpan] = Field(default_factory=list)
    participants: list[EntityRecord] = Field(default_factory=list)
    mentioned: list[EntityRecord] = Field(default_factory=list)
    topics: list[TopicRecord] = Field(default_factory=list)
    commitments: list[CommitmentRecord] = Field(default_factory=list)
    quotes: list[QuoteRecord] = Field(default_factory=list)
    figures: list[FigureRecord] = Field(default_factory=list)
    conflicts: list[Conflict] = Field(default_factory=list)
    adjudications: list[Adjudication] = Field(default_factory=list)
    notebook_views: ClassVar[dict[str, Callable[[EventRecord], str]]] = {}
    """Like :attr:`Brief.notebook_views`: set by :mod:`summarizer.output`."""

    def _repr_html_(self) -> str:
        """Notebook view: the record as HTML (see :func:`summarizer.output.html.event_html`)."""
        return self.notebook_views["html"](self)

    def _repr_markdown_(self) -> str:
        return self.notebook_views["markdown"](self)


class Change(_Frozen):
    """What adding one article did: ``created`` a record or ``joined`` one (listing changes)."""

    kind: Literal["created", "joined"]
    event_id: str
    version: int
    article_id: str
    details: list[str] = Field(default_factory=list)
