"""The checks between a model's answer (a :class:`~summarizer.extract.schema.Draft`) and a
brief: which items stand, which are re-asked, which are dropped and why.

:func:`collect` turns every item of the answer into a :class:`Pending` check under its
ref (``participants[0]``, ``quotes[2]``, ...). Its evidence quote is aligned to the article
by the deterministic grounding stage (:mod:`summarizer.extract.ground`); then the item is
checked: a participant's or speaker's evidence must name them (else ``misattributed``), a
quote must lie between quotation marks (``not_a_quote``, see :func:`quoted_regions`), a
figure's evidence must state its value (``unsupported``, see :func:`states_value`) and its
value must be a number (``not_a_number``). :class:`Grounding` keeps what failed and why,
lists what may be re-asked (:func:`reask_lines`), takes the re-ask's answers and gives
what passed to :func:`summarizer.extract.assemble.assemble`. Nothing here calls a model.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from summarizer.extract.ground import Aligner, refers_to
from summarizer.extract.schema import Draft
from summarizer.types import DropReason, Span

__all__ = [
    "Grounding",
    "Pending",
    "collect",
    "quoted_regions",
    "reask_lines",
    "states_value",
]

_T = TypeVar("_T")


_OPEN_CLOSE = {"“": "”", "«": "»", "„": "“", '"': '"'}
_OPENING = re.compile("[" + "".join(_OPEN_CLOSE) + "]")


def quoted_regions(text: str) -> list[tuple[int, int]]:
    """Character ranges between matching quotation marks, paragraph by paragraph."""
    regions: list[tuple[int, int]] = []
    offset = 0
    for paragraph in text.split("\n"):
        i = 0
        while (opening := _OPENING.search(paragraph, i)) is not None:
            start = opening.start()
            end = paragraph.find(_OPEN_CLOSE[opening.group()], start + 1)
            if end < 0:
                # An unclosed quote runs to the end of its paragraph (news style).
                end = len(paragraph)
            regions.append((offset + start + 1, offset + end))
            i = end + 1
        offset += len(paragraph) + 1
    return regions


_NUMBER_WORDS = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"forty|fifty|hundred|thousand|million|billion|trillion|dozen|half|first|second|third)s?\b",
    re.I,
)


def states_value(value: str, evidence: str) -> bool:
    """Whether a figure's value is what its evidence says: its digits, or its words, appear."""
    digits = re.findall(r"\d+(?:[.,]\d+)*", value)
    haystack = evidence.casefold()
    if digits:
        return all(d in evidence for d in digits)
    return value.casefold().strip() in haystack


@dataclass
class Pending:
    """One evidence quote waiting to be grounded."""

    ref: str
    kind: str
    label: str
    quote: str
    name: str | None = None  # the participant/speaker the evidence must name
    value: str | None = None  # the figure the evidence must state
    span: Span | None = None
    reason: DropReason = "not_found"


@dataclass
class Grounding:
    """The checks of one answer, by ref: each item's span, or why it has none."""

    aligner: Aligner
    text: str
    pending: dict[str, Pending] = field(default_factory=dict)
    quoted: list[tuple[int, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.quoted = quoted_regions(self.text)

    def add(
        self,
        ref: str,
        kind: str,
        label: str,
        quote: str,
        name: str | None = None,
        value: str | None = None,
    ) -> None:
        item = Pending(ref, kind, label, quote, name, value)
        self._resolve(item, quote)
        self.pending[ref] = item

    def _resolve(self, item: Pending, quote: str) -> None:
        item.span, item.reason = None, "empty" if not quote.strip() else "not_found"
        if not quote.strip():
            return
        span = self.aligner.align(quote)
        if span is None:
            return
        if item.name is not None and not refers_to(self._context(item.kind, span), item.name):
            item.reason = "misattributed"
            return
        if item.kind == "quote" and not self._quoted(span):
            item.reason = "not_a_quote"
            return
        if item.value is not None and not states_value(item.value, span.text):
            item.reason = "unsupported"
            return
        item.span = span

    def _quoted(self, span: Span) -> bool:
        """Whether at least half of ``span`` lies between quotation marks in the article."""
        inside = sum(
            max(0, min(end, span.end) - max(start, span.start)) for start, end in self.quoted
        )
        return inside * 2 >= span.end - span.start

    def _context(self, kind: str, span: Span) -> str:
        if kind != "quote":
            return span.text
        # A quote's speaker is usually named in the same paragraph, not inside the quote.
        start = self.text.rfind("\n", 0, span.start) + 1
        end = self.text.find("\n", span.end)
        return self.text[start : len(self.text) if end < 0 else end]

    def reject(self, ref: str, kind: str, label: str, quote: str, reason: DropReason) -> None:
        """Record an item that fails a check no re-ask can fix."""
        self.pending[ref] = Pending(ref, kind, label, quote, reason=reason)

    def failed(self) -> list[Pending]:
        return [item for item in self.pending.values() if item.span is None]

    def reaskable(self) -> list[Pending]:
        return [
            i for i in self.failed() if i.reason in ("not_found", "misattributed", "unsupported")
        ]

    def retry(self, ref: str, quote: str | None) -> None:
        item = self.pending.get(ref)
        if item is not None and item.span is None and quote:
            self._resolve(item, quote)

    def spans(self, ref: str) -> list[Span]:
        item = self.pending.get(ref)
        return [item.span] if item is not None and item.span is not None else []

    def kept(self, part: str, items: Sequence[_T]) -> Iterator[tuple[_T, list[Span]]]:
        """The ``items`` of the draft's list ``part`` that passed, each with its evidence."""
        for i, item in enumerate(items):
            spans = self.spans(f"{part}[{i}]")
            if spans:
                yield item, spans


def collect(draft: Draft, grounding: Grounding) -> None:
    """Check every item of ``draft`` into ``grounding``, under its ref."""
    grounding.add("event", "event", draft.what, draft.event_evidence)
    if draft.date_text:
        grounding.add("date", "date", draft.date_text, draft.date_text)
    if draft.place:
        grounding.add("place", "place", draft.place, draft.place)
    for i, p in enumerate(draft.participants):
        grounding.add(f"participants[{i}]", "participant", p.name, p.evidence, name=p.name)
    for i, m in enumerate(draft.mentioned):
        grounding.add(f"mentioned[{i}]", "mention", m.name, m.evidence, name=m.name)
    for i, t in enumerate(draft.topics):
        grounding.add(f"topics[{i}]", "topic", t.label, t.evidence)
    for i, c in enumerate(draft.commitments):
        grounding.add(f"commitments[{i}]", "commitment", f"{c.actor}: {c.action}", c.evidence)
    for i, q in enumerate(draft.quotes):
        grounding.add(f"quotes[{i}]", "quote", q.speaker, q.text, name=q.speaker)
    for i, f in enumerate(draft.figures):
        if _NUMBER_WORDS.search(f.value):
            label = f"{f.what}: {f.value}"
            grounding.add(f"figures[{i}]", "figure", label, f.evidence, value=f.value)
        else:
            grounding.reject(
                f"figures[{i}]", "figure", f"{f.what}: {f.value}", f.evidence, "not_a_number"
            )


def reask_lines(failed: Iterable[Pending]) -> str:
    """The re-ask prompt's list of ``failed`` items: ref, label, why, the quote given."""
    lines = []
    for item in failed:
        why = {
            "misattributed": f"does not name {item.name}",
            "unsupported": f"does not state {item.value}",
        }.get(item.reason, "not found in the article")
        lines.append(f"- {item.ref} ({item.kind}: {item.label}) - {why}: {json.dumps(item.quote)}")
    return "\n".join(lines)
