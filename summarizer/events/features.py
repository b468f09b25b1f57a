"""What grouping knows about one document: :class:`DocFeatures`.

Each document (an article, its brief, or both) becomes a :class:`DocFeatures`:

* a TF-IDF vector of the whole text (sublinear tf, smoothed idf, L2-normalised at scoring
  time against the current document frequencies of a :class:`TfidfCorpus`: cheap and
  strong, but it merges same-actor follow-ups); of a brief's summary and ``what`` only
  when its article is missing;
* **lead cues**, read only from the title and the first two sentences, because the lead is
  where news reports its own event (an earlier call mentioned further down is not the
  article's event): proper names, counted quantities ("26 pirates", "5.6 magnitude",
  "seventh round"), the weekday of the first sentence, and the event type (call vs meeting,
  verdict vs sentencing); the readers are in :mod:`summarizer.events.names`;
* the publication date, which turns a weekday cue into a calendar date;
* when a brief exists: canonical participant keys, topic words, the event's type, date,
  weekday cue and place, and the brief's figures as counted quantities. A brief's event
  date read off the article's byline or date line is the report's date, not the event's
  (:func:`~summarizer.events.datelines.date_from_byline`), and is not used;
* ``cues``: the learned pair scorer's :class:`~summarizer.events.cues.LazyCues`, computed
  only when that scorer asks (``GroupConfig(scorer="learned")``).

:func:`blocking_keys` are what a document is indexed under to find its candidate pairs:
its rarest terms (top ``block_terms`` by tf-idf, document frequency >= 2), its lead names
and its participant keys. How two documents' features are scored and grouped is
:mod:`summarizer.events.group`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from summarizer.events.cues import LazyCues, names_kind, what_kind
from summarizer.events.datelines import date_from_byline
from summarizer.events.entities import canonical_key, described
from summarizer.events.names import counted_quantities, person_surnames, proper_names
from summarizer.text import find_weekday, split_sentences, tokenize
from summarizer.types import Article, Brief

if TYPE_CHECKING:
    from summarizer.events.group import GroupConfig

__all__ = [
    "DocFeatures",
    "TfidfCorpus",
    "blocking_keys",
    "cosine",
    "extract_features",
    "resolve_weekday",
]

_EVENT_TYPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("call", re.compile(r"\b(?:phone|telephone|phoned|call (?:with|between)|video call)\b", re.I)),
    ("meeting", re.compile(r"\b(?:met|meets|meeting|visit|visited|hosted|sidelines)\b", re.I)),
    ("verdict", re.compile(r"\b(?:convicted|found guilty|verdict|acquitted)\b", re.I)),
    ("sentencing", re.compile(r"\b(?:sentenced|sentencing|jailed for)\b", re.I)),
)


def _event_type(text: str) -> str | None:
    hits = [(m.start(), kind) for kind, rx in _EVENT_TYPES if (m := rx.search(text))]
    return min(hits)[1] if hits else None


def resolve_weekday(weekday: int, published: dt.date) -> dt.date:
    """The latest date on or before ``published`` falling on ``weekday`` (0 = Monday)."""
    return published - dt.timedelta(days=(published.weekday() - weekday) % 7)


@dataclass(frozen=True)
class DocFeatures:
    """What grouping knows about one document (see the module docstring)."""

    doc_id: str
    tf: Mapping[str, float]
    vocab: frozenset[str]
    lead_names: frozenset[str]
    lead_counts: frozenset[tuple[str, str]]
    counts: frozenset[tuple[str, str]]
    published: dt.date | None = None
    weekday: int | None = None
    event_date: dt.date | None = None
    date_from_brief: bool = False
    actors: frozenset[str] = frozenset()
    event_type: str | None = None
    participants: frozenset[str] = frozenset()
    topics: frozenset[str] = frozenset()
    place: str | None = None
    kind: str | None = None  # the kind of happening the brief's ``what`` names (cues.what_kind)
    cues: LazyCues | None = None  # the learned scorer's lead cues (computed on demand)

    @cached_property
    def participant_names(self) -> Mapping[str, str]:
        """:attr:`participants` by what they name (the key without its kind: "SEACOM",
        ``org:seacom``, names what "Seacom", ``name:seacom``, does); once per document,
        not per pair."""
        return {k.split(":", 1)[-1]: k for k in sorted(self.participants)}


def _event_participants(brief: Brief, lead: Sequence[str]) -> frozenset[str]:
    """Canonical keys of the brief's participants that the lead, the summary or the event's
    ``what`` name (its surname, acronym or country, all words): who took part in the main
    event, not a source (a columnist the story credits), a host or an agent the model also
    listed (#13: on 11 ECB+ topics "participants differ" fired on 25.6 % of the same-event
    pairs near the threshold with them, 18.3 % without). A group named by a common noun
    ("10 people", "Somali pirates") is who it happened to, not who tells one event from
    another; a participant described in words ("emergency room doctor who treated
    Kathina": :func:`~summarizer.events.entities.described`) is not keyed by the name it
    ends with."""
    said = frozenset(tokenize(" ".join([*lead, brief.summary, brief.event.what])))
    keys = (canonical_key(p.name) for p in brief.participants if not described(p.name))
    return frozenset(k for k in keys if all(w in said for w in k.split(":", 1)[-1].split()))


def extract_features(doc_id: str, article: Article | None, brief: Brief | None) -> DocFeatures:
    """Features from an article's text, a brief, or both (either may be missing)."""
    title = article.title if article and article.title else ""
    text = article.text if article else ""
    sentences = split_sentences(text)
    lead = sentences[:2] + ([title] if title else [])
    words = tokenize(f"{title}\n{text}")
    published = article.published if article else None
    weekday = find_weekday(sentences[0]) if sentences else None
    event_type = _event_type(" ".join([title, *sentences[:1]]))
    lead_counts, _ = counted_quantities(" ".join(sentences[:2]))
    text_counts, _ = counted_quantities(text)
    participants: frozenset[str] = frozenset()
    topics: frozenset[str] = frozenset()
    event_date: dt.date | None = None
    place: str | None = None
    kind: str | None = None
    date_from_brief = False
    if brief is not None:
        if article is None:
            # A brief without its article is grouped on its own words. With the article,
            # the summary is the model's paraphrase of the text: its words added nothing
            # the reports share that the text lacks, and they raised the generic ones two
            # similar events share ("Apple introduces new MacBook Pro" for two launches
            # three years apart; #13: ECB+ 23 topics at once 0.883 -> 0.893).
            words += tokenize(" ".join([brief.summary, brief.event.what]))
        participants = _event_participants(brief, lead)
        # the kind of happening is the event type's to weigh, not a topic's
        topics = frozenset(
            t for topic in brief.topics for t in tokenize(topic.label) if not names_kind(t)
        )
        event_type = _event_type(brief.event.what) or event_type
        # a date the brief read off the byline or date line is the report's date, not the
        # event's (#13: one shooting was split by the next day's byline)
        dated = not date_from_byline(brief.event.date_text, text)
        brief_weekday = find_weekday(brief.event.date_text) if dated else None
        date_from_brief = dated and (brief.event.date is not None or brief_weekday is not None)
        weekday = brief_weekday if brief_weekday is not None else weekday
        event_date = brief.event.date if dated else None
        place = brief.event.place.lower() if brief.event.place else None
        kind = what_kind(brief.event.what)
        # The brief's figures are not added to the counts: they are the text's own numbers
        # (read off it), and taken as the lead's they made most pairs "disagree" (#13).
    if event_date is None and weekday is not None and published is not None:
        event_date = resolve_weekday(weekday, published)
    counts = Counter(words)
    tf = {w: 1.0 + math.log(n) for w, n in sorted(counts.items())}
    vocab = frozenset(counts) | frozenset(re.sub(r"(?:'s)$", "", w) for w in counts)
    vocab |= frozenset(tokenize(text.replace("-", " ")))
    return DocFeatures(
        doc_id=doc_id,
        tf=tf,
        vocab=vocab,
        lead_names=frozenset(proper_names(lead)),
        lead_counts=frozenset(lead_counts),
        counts=frozenset(text_counts),
        published=published,
        weekday=weekday,
        event_date=event_date,
        date_from_brief=date_from_brief,
        actors=frozenset(person_surnames(sentences[0])) if sentences else frozenset(),
        event_type=event_type,
        participants=participants,
        topics=topics,
        place=place,
        kind=kind,
        cues=LazyCues(title, text, published, brief),
    )


class TfidfCorpus:
    """Document frequencies that grow as documents are added (for incremental use)."""

    def __init__(self) -> None:
        self.df: Counter[str] = Counter()
        self.n = 0

    def add(self, doc: DocFeatures) -> None:
        self.n += 1
        self.df.update(doc.tf.keys())

    def idf(self, term: str) -> float:
        return math.log((self.n + 1) / (self.df.get(term, 0) + 1)) + 1.0

    def vector(self, doc: DocFeatures) -> dict[str, float]:
        vec = {w: x * self.idf(w) for w, x in doc.tf.items()}
        norm = math.sqrt(sum(x * x for x in vec.values())) or 1.0
        return {w: x / norm for w, x in vec.items()}


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(w, 0.0) for w, x in a.items())


def blocking_keys(
    doc: DocFeatures, corpus: TfidfCorpus, config: GroupConfig, min_df: int = 2
) -> list[str]:
    """A document's index keys: rare terms, lead names, participant keys.

    In a batch, terms found in one document only (``min_df`` 2) can match nothing; an
    incremental index uses ``min_df=1`` because later documents may share them.
    """
    terms = [w for w in doc.tf if corpus.df.get(w, 0) >= min_df]
    terms.sort(key=lambda w: (-doc.tf[w] * corpus.idf(w), w))
    keys = terms[: config.block_terms]
    keys += sorted(n for n in doc.lead_names if corpus.df.get(n, 0) >= min_df)
    keys += sorted(p.split(":", 1)[-1] for p in doc.participants)
    # One thing, one key: a surname that is a rare term, a lead name and a participant
    # counts once, so two documents need two shared things to be candidates (one shared
    # person made candidates of every article naming him: 100k briefs gave 33x the pairs
    # of 10k).
    return ["k:" + k for k in dict.fromkeys(keys)]
