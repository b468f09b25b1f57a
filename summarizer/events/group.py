"""Event grouping: which briefs/articles report the same real-world happening.

Method
------
Each document (an article, its brief, or both) becomes a :class:`DocFeatures`:

* a TF-IDF vector of the whole text (sublinear tf, smoothed idf, L2-normalised at scoring
  time against the current document frequencies: cheap and strong, but it merges
  same-actor follow-ups);
* **lead cues**, read only from the title and the first two sentences, because the lead is
  where news reports its own event (an earlier call mentioned further down is not the
  article's event): proper names, counted quantities ("26 pirates", "5.6 magnitude",
  "seventh round"), the weekday of the first sentence, and the event type (call vs meeting,
  verdict vs sentencing);
* the publication date, which turns a weekday cue into a calendar date;
* when a brief exists: canonical participant keys, topic words, the event's type, date,
  weekday cue and place, and the brief's figures as counted quantities.

A pair score starts from the cosine and adds ``lead_weight * (coverage - 0.5)``, where
coverage is the idf-weighted share of each lead's names that the other text mentions (the
smaller of the two directions), plus brief agreement (participants, topics). Penalties are
subtracted for contradictions: counted quantities that differ for the same noun, event
dates or weekdays that differ, different event types, disjoint participants, conflicting
places. Publication dates further apart than ``date_window_days`` forbid a link outright.

**Blocking** avoids the quadratic pass: each document is indexed under its rarest terms
(top ``block_terms`` by tf-idf, document frequency >= 2), its lead names and its
participant keys; posting lists longer than ``max_postings`` are ignored and each document
keeps its ``max_candidates`` best candidates by number of shared keys. Only those pairs are
scored.

**Clustering** is greedy average linkage over the candidate edges in descending score
order: two clusters merge when the mean score over their cross pairs (missing pairs scored
on demand, at most ``max_link_pairs`` of them) reaches ``threshold`` and no cross pair is
forbidden. An optional :class:`~summarizer.events.entities.Adjudicator` decides edges whose
average lands within ``adjudicate_margin`` of the threshold; each decision is recorded.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import sys
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from summarizer.events.entities import Adjudicator, canonical_key
from summarizer.text import MONTHS, STOPWORDS, WEEKDAYS, split_sentences, tokenize
from summarizer.types import Adjudication, Article, Brief

__all__ = [
    "DocFeatures",
    "GroupConfig",
    "Grouping",
    "PairScore",
    "TfidfCorpus",
    "blocking_keys",
    "candidate_pairs",
    "extract_features",
    "group_documents",
    "resolve_weekday",
    "score_pair",
]


def _split(text: str) -> list[str]:
    return text.split()


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_NAME_SKIP = (
    STOPWORDS
    | frozenset(WEEKDAYS)
    | frozenset(MONTHS)
    | _words(
        """mr mrs ms dr gov sen rep lt capt president secretary minister prime governor chairman
    chief officials official"""
    )
)
_WORD_NUM = {
    w: i
    for i, w in enumerate(
        _split(
            "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
            "fifteen sixteen seventeen eighteen nineteen twenty"
        )
    )
}
_ORDINAL = {
    w: i + 1
    for i, w in enumerate(
        _split("first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth")
    )
}
_EVENT_TYPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("call", re.compile(r"\b(?:phone|telephone|phoned|call (?:with|between)|video call)\b", re.I)),
    ("meeting", re.compile(r"\b(?:met|meets|meeting|visit|visited|hosted|sidelines)\b", re.I)),
    ("verdict", re.compile(r"\b(?:convicted|found guilty|verdict|acquitted)\b", re.I)),
    ("sentencing", re.compile(r"\b(?:sentenced|sentencing|jailed for)\b", re.I)),
)
_WORD = re.compile(r"\d+(?:[.,]\d+)*(?:st|nd|rd|th)?|[A-Za-z]+")


def _names(sentences: Iterable[str]) -> set[str]:
    """Capitalised words not opening a sentence: proper names, roughly."""
    out: set[str] = set()
    for sentence in sentences:
        for m in re.finditer(r"[A-Za-z][\w'\u2019]*(?:-[\w'\u2019]+)*", sentence):
            if m.start() == 0:
                continue
            for part in m.group().split("-"):
                word = re.sub(r"(?:'s|\u2019s|'|\u2019)$", "", part.lower())
                if part[:1].isupper() and len(word) > 1 and word not in _NAME_SKIP:
                    out.add(word)
    return out


def _counts(text: str) -> tuple[set[tuple[str, str]], set[str]]:
    """Counted quantities ``(noun, value)`` near each number, and all number values."""
    words = _WORD.findall(text)
    pairs: set[tuple[str, str]] = set()
    values: set[str] = set()
    for i, word in enumerate(words):
        low = word.lower()
        if word[0].isdigit():
            value = re.sub(r"(?:st|nd|rd|th)$", "", low).replace(",", "")
        elif low in _WORD_NUM and low not in ("zero", "one"):
            value = str(_WORD_NUM[low])
        elif low in _ORDINAL:
            value = str(_ORDINAL[low])
        else:
            continue
        values.add(value)
        for ctx in words[max(0, i - 1) : i] + words[i + 1 : i + 3]:
            c = ctx.lower()
            if ctx.isalpha() and len(c) > 2 and c not in STOPWORDS and c not in _WORD_NUM:
                pairs.add((c.removesuffix("s"), value))
    return pairs, values


_PERSON = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:[A-Z]\.\s+)?[A-Z][a-z]+){1,2}\b")
_NOT_PERSON = _words(
    """president secretary state minister prime governor gov chairman senator mayor united
    nations kingdom states republic democratic general assembly union national committee
    house white department ministry navy police news network city county island street
    north south east west new"""
)


def _actors(sentence: str) -> set[str]:
    """Surnames of person-like names ("Marco Rubio") in a sentence."""
    out: set[str] = set()
    for m in _PERSON.finditer(sentence):
        words = [w.lower() for w in m.group().split() if not w.endswith(".")]
        while words and (words[0] in _NOT_PERSON or words[0] in _NAME_SKIP):
            words = words[1:]
        if len(words) >= 2 and not any(w in _NOT_PERSON or w in _NAME_SKIP for w in words):
            out.add(words[-1])
    return out


def _weekday(text: str | None) -> int | None:
    m = re.search(r"\b(" + "|".join(WEEKDAYS) + r")\b", text or "", re.I)
    return WEEKDAYS.index(m.group(1).lower()) if m else None


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


def extract_features(doc_id: str, article: Article | None, brief: Brief | None) -> DocFeatures:
    """Features from an article's text, a brief, or both (either may be missing)."""
    title = article.title if article and article.title else ""
    text = article.text if article else ""
    sentences = split_sentences(text)
    lead = sentences[:2] + ([title] if title else [])
    words = tokenize(f"{title}\n{text}")
    published = article.published if article else None
    weekday = _weekday(sentences[0]) if sentences else None
    event_type = _event_type(" ".join([title, *sentences[:1]]))
    lead_counts, _ = _counts(" ".join(sentences[:2]))
    text_counts, _ = _counts(text)
    participants: frozenset[str] = frozenset()
    topics: frozenset[str] = frozenset()
    event_date: dt.date | None = None
    place: str | None = None
    date_from_brief = False
    if brief is not None:
        words += tokenize(" ".join([brief.summary, brief.event.what]))
        participants = frozenset(canonical_key(p.name) for p in brief.participants)
        topics = frozenset(t for topic in brief.topics for t in tokenize(topic.label))
        event_type = _event_type(brief.event.what) or event_type
        brief_weekday = _weekday(brief.event.date_text)
        date_from_brief = brief.event.date is not None or brief_weekday is not None
        weekday = brief_weekday if brief_weekday is not None else weekday
        event_date = brief.event.date
        place = brief.event.place.lower() if brief.event.place else None
        for fig in brief.figures:
            pairs, _ = _counts(f"{fig.value} {fig.what}")
            lead_counts |= pairs
            text_counts |= pairs
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
        lead_names=frozenset(_names(lead)),
        lead_counts=frozenset(lead_counts),
        counts=frozenset(text_counts),
        published=published,
        weekday=weekday,
        event_date=event_date,
        date_from_brief=date_from_brief,
        actors=frozenset(_actors(sentences[0])) if sentences else frozenset(),
        event_type=event_type,
        participants=participants,
        topics=topics,
        place=place,
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


def _cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(w, 0.0) for w, x in a.items())


@dataclass(frozen=True)
class GroupConfig:
    """Weights and thresholds of the pair score and clustering (tuned on the dev set)."""

    threshold: float = 0.2
    lead_weight: float = 0.3
    count_penalty: float = 0.15
    date_penalty: float = 0.25
    weekday_penalty: float = 0.1
    type_penalty: float = 0.15
    participant_weight: float = 0.05
    participant_penalty: float = 0.2
    topic_weight: float = 0.1
    place_penalty: float = 0.05
    date_window_days: int = 30
    block_terms: int = 12
    max_postings: int = 200
    max_candidates: int = 20
    min_shared_keys: int = 2
    max_link_pairs: int = 64
    adjudicate_margin: float = 0.05


@dataclass(frozen=True)
class PairScore:
    value: float
    forbidden: bool
    reasons: tuple[str, ...] = ()


def _coverage(a: DocFeatures, b: DocFeatures, corpus: TfidfCorpus) -> float:
    if not a.lead_names:
        return 0.5
    weights = [(n, corpus.idf(n)) for n in a.lead_names]
    return sum(w for n, w in weights if n in b.vocab) / sum(w for _, w in weights)


def _by_noun(pairs: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for noun, value in pairs:
        out.setdefault(noun, set()).add(value)
    return out


def _count_conflicts(a: DocFeatures, b: DocFeatures) -> list[str]:
    """Nouns both leads count, where neither text has any of the other lead's values."""
    if not a.lead_counts or not b.lead_counts:
        return []
    lead_a, lead_b = _by_noun(a.lead_counts), _by_noun(b.lead_counts)
    if not lead_a.keys() & lead_b.keys():
        return []
    all_a, all_b = _by_noun(a.counts), _by_noun(b.counts)
    out = []
    for noun in sorted(lead_a.keys() & lead_b.keys()):
        va, vb = lead_a[noun], lead_b[noun]
        if not va & all_b.get(noun, set()) and not vb & all_a.get(noun, set()):
            out.append(f"{noun}: {'/'.join(sorted(va))} vs {'/'.join(sorted(vb))}")
    return out


def _absent(keys: Iterable[str], other: DocFeatures) -> bool:
    """Whether some person key (``name:<surname>``) is not even mentioned in ``other``."""
    return any(k.startswith("name:") and k[5:] not in other.vocab for k in keys)


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def score_pair(
    a: DocFeatures,
    b: DocFeatures,
    corpus: TfidfCorpus,
    config: GroupConfig,
    vectors: Mapping[str, Mapping[str, float]] | None = None,
) -> PairScore:
    """The evidence that ``a`` and ``b`` report the same event (see the module docstring)."""
    va = vectors[a.doc_id] if vectors and a.doc_id in vectors else corpus.vector(a)
    vb = vectors[b.doc_id] if vectors and b.doc_id in vectors else corpus.vector(b)
    score = _cosine(va, vb)
    reasons: list[str] = []
    cov = min(_coverage(a, b, corpus), _coverage(b, a, corpus))
    score += config.lead_weight * (cov - 0.5)
    if conflicts := _count_conflicts(a, b):
        score -= config.count_penalty
        reasons.append("counts " + "; ".join(conflicts[:3]))
    pa, pb = a.published, b.published
    if pa and pb and abs((pa - pb).days) > config.date_window_days:
        return PairScore(score, True, (*reasons, "published too far apart"))
    # A brief's event date describes the event itself; a lead's first weekday may belong to
    # a follow-up ("rescuers handed out tents Monday" after a Sunday quake), so it weighs less
    # and a neighbouring day costs little.
    da, db = a.event_date, b.event_date
    both_briefs = a.date_from_brief and b.date_from_brief
    if da and db and da != db:
        if both_briefs and abs((da - db).days) > 1:
            return PairScore(score, True, (*reasons, f"event dates {da} vs {db}"))
        near = abs((da - db).days) <= 1
        penalty = config.date_penalty if both_briefs else config.weekday_penalty
        score -= penalty / 4 if near and not both_briefs else penalty
        reasons.append(f"dates {da} vs {db}")
    elif a.weekday is not None and b.weekday is not None and a.weekday != b.weekday:
        near = (a.weekday - b.weekday) % 7 in (1, 6)
        penalty = config.date_penalty if both_briefs else config.weekday_penalty
        score -= penalty / 4 if near and not both_briefs else penalty
        reasons.append(f"weekdays {WEEKDAYS[a.weekday]} vs {WEEKDAYS[b.weekday]}")
    if not (a.participants and b.participants):
        actors_a = sorted(x for x in a.actors if x not in b.vocab)
        actors_b = sorted(x for x in b.actors if x not in a.vocab)
        if actors_a and actors_b:
            score -= config.participant_penalty
            reasons.append(f"lead actors {actors_a} vs {actors_b}")
    if a.event_type and b.event_type and a.event_type != b.event_type:
        score -= config.type_penalty
        reasons.append(f"types {a.event_type} vs {b.event_type}")
    if a.participants and b.participants:
        score += config.participant_weight * _jaccard(a.participants, b.participants)
        only_a, only_b = a.participants - b.participants, b.participants - a.participants
        if only_a and only_b:
            # Stronger when each side has an actor the other text never names at all.
            absent = _absent(only_a, b) and _absent(only_b, a)
            score -= config.participant_penalty * (1.0 if absent else 0.4)
            reasons.append("participants differ" + (" (absent from text)" if absent else ""))
    score += config.topic_weight * _jaccard(a.topics, b.topics)
    if a.place and b.place and a.place not in b.place and b.place not in a.place:
        score -= config.place_penalty
        reasons.append(f"places {a.place} vs {b.place}")
    return PairScore(score, False, tuple(reasons))


def candidate_pairs(
    docs: Sequence[DocFeatures], corpus: TfidfCorpus, config: GroupConfig
) -> list[tuple[int, int]]:
    """Pairs ``(i, j)``, ``i < j``, that share a blocking key (see the module docstring)."""
    postings: dict[str, list[int]] = {}
    keys = [blocking_keys(doc, corpus, config) for doc in docs]
    for i, doc_keys in enumerate(keys):
        for key in doc_keys:
            postings.setdefault(key, []).append(i)
    pairs: set[tuple[int, int]] = set()
    for i, doc_keys in enumerate(keys):
        shared: Counter[int] = Counter()
        for key in doc_keys:
            posting = postings[key]
            if len(posting) <= config.max_postings:
                shared.update(posting)
        del shared[i]
        best = sorted(
            (kv for kv in shared.items() if kv[1] >= config.min_shared_keys),
            key=lambda kv: (-kv[1], kv[0]),
        )[: config.max_candidates]
        pairs.update((min(i, j), max(i, j)) for j, _ in best)
    return sorted(pairs)


def blocking_keys(
    doc: DocFeatures, corpus: TfidfCorpus, config: GroupConfig, min_df: int = 2
) -> list[str]:
    """A document's index keys: rare terms, lead names, participant keys.

    In a batch, terms found in one document only (``min_df`` 2) can match nothing; an
    incremental index uses ``min_df=1`` because later documents may share them.
    """
    terms = [w for w in doc.tf if corpus.df.get(w, 0) >= min_df]
    terms.sort(key=lambda w: (-doc.tf[w] * corpus.idf(w), w))
    keys = ["t:" + w for w in terms[: config.block_terms]]
    keys += sorted("n:" + n for n in doc.lead_names if corpus.df.get(n, 0) >= min_df)
    keys += sorted("p:" + p for p in doc.participants)
    return keys


@dataclass
class Grouping:
    """Groups of document indices (each sorted; groups ordered by first member)."""

    groups: list[list[int]]
    adjudications: list[Adjudication] = field(default_factory=list)
    pairs_scored: int = 0


class _Scorer:
    def __init__(
        self, docs: Sequence[DocFeatures], corpus: TfidfCorpus, config: GroupConfig
    ) -> None:
        self.docs, self.corpus, self.config = docs, corpus, config
        self.vectors = {d.doc_id: corpus.vector(d) for d in docs}
        self.cache: dict[tuple[int, int], PairScore] = {}

    def __call__(self, i: int, j: int) -> PairScore:
        key = (min(i, j), max(i, j))
        if key not in self.cache:
            a, b = self.docs[key[0]], self.docs[key[1]]
            self.cache[key] = score_pair(a, b, self.corpus, self.config, self.vectors)
        return self.cache[key]


def group_documents(
    docs: Sequence[DocFeatures],
    config: GroupConfig | None = None,
    adjudicator: Adjudicator | None = None,
    describe: Mapping[int, str] | None = None,
) -> Grouping:
    """Partition ``docs`` into events (greedy average linkage over blocked candidates)."""
    config = config or GroupConfig()
    corpus = TfidfCorpus()
    for doc in docs:
        corpus.add(doc)
    scorer = _Scorer(docs, corpus, config)
    edges = []
    for i, j in candidate_pairs(docs, corpus, config):
        s = scorer(i, j)
        if not s.forbidden and s.value >= config.threshold - config.adjudicate_margin:
            edges.append((-s.value, i, j))
    edges.sort()
    cluster_of = list(range(len(docs)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(docs))}
    adjudications: list[Adjudication] = []
    for _, i, j in edges:
        ci, cj = cluster_of[i], cluster_of[j]
        if ci == cj:
            continue
        cross = [(x, y) for x in members[ci][:8] for y in members[cj][:8]]
        cross = cross[: config.max_link_pairs]
        scores = [scorer(x, y) for x, y in cross]
        if any(s.forbidden for s in scores):
            continue
        mean = sum(s.value for s in scores) / len(scores)
        if abs(mean - config.threshold) < config.adjudicate_margin and adjudicator is not None:
            a = describe.get(i, docs[i].doc_id) if describe else docs[i].doc_id
            b = describe.get(j, docs[j].doc_id) if describe else docs[j].doc_id
            decision = adjudicator.same_event(a, b)
            adjudications.append(
                Adjudication(
                    kind="event",
                    a=docs[i].doc_id,
                    b=docs[j].doc_id,
                    decision=decision,
                    by=adjudicator.name,
                    note=f"average score {mean:.3f}",
                )
            )
            if decision is not None:
                mean = config.threshold if decision else -1.0
        if mean < config.threshold:
            continue
        keep, drop = min(ci, cj), max(ci, cj)
        for x in members.pop(drop):
            cluster_of[x] = keep
            members[keep].append(x)
        members[keep].sort()
    groups = sorted(members.values(), key=lambda g: g[0])
    return Grouping(groups=groups, adjudications=adjudications, pairs_scored=len(scorer.cache))
