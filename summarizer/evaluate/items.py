"""Item-level precision/recall of briefs against an items gold file.

The matching is the shared scorer's (``shared/eval/items.py``, not shipped; a test checks
both give the same numbers). One-to-one and greedy, briefs' order against the gold's:
a **participant** shares a surname-like token (>= 3 letters, not a title); a **commitment**
has an evidence span overlapping the gold clause by >= 30 % of the shorter of the two
(``commitments_loose``: or half the action's content words in common); a **quote**'s span
(evidence, else its text found in the article) covers >= 50 % of the gold quote (speaker
accuracy over matched quotes with a gold speaker); a **figure** has the gold value's digits
and evidence overlapping the gold evidence (or the value inside it). Event ``date_text``
(one contains the other) and ``place`` (a shared token) recall; summary numbers and
capitalised words the article does not support (:func:`supported`) are "unsupported".

Gold (JSON lines): ``id``, ``event`` {``date_text``, ``place``}, ``participants`` [{``name``}],
``commitments`` [{``action``, ``evidence``}], ``quotes`` [{``speaker``, ``text``}], ``figures``
[{``value``, ``evidence``}]; evidence and quote text are exact substrings of the article. A
brief's id is the gold id or starts with it (``000_6d8e...`` for ``000``). Only gold articles
with a brief count (``articles`` of ``of_gold``); an article's first brief is the one scored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from summarizer.errors import InputError
from summarizer.types import Brief

__all__ = [
    "KINDS",
    "Counts",
    "ItemScores",
    "load_item_gold",
    "name_tokens",
    "read_briefs",
    "resolve_id",
    "score_items",
    "supported",
]

KINDS = ("participants", "commitments", "commitments_loose", "quotes", "figures")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


TITLES = _words(
    """president secretary minister prime foreign state former senator sen rep governor gov mr
    mrs ms dr the of and for u.s us united states kenya kenyan chairman chief judge jury court
    police officials official general gen lt col house white department party republican
    democratic national committee leader"""
)
STOP = _words("a an the of to for in on at with and or by from its his her their be will would")
COMMON = _words(
    "The They This These His Her Their While After During Both Its "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday"
)
ABBREV = {
    "united": ("U.S.", "U.N.", "U.K.", "US ", "UN ", "UAE"),
    "states": ("U.S.", "US "),
    "nations": ("U.N.", "UN "),
    "kingdom": ("U.K.", "UK "),
}
_NAME = re.compile(r"[A-Za-z][A-Za-z'\-]+")
_CONTENT = re.compile(r"[a-z][a-z\-]+")
_NUMBER = re.compile(r"\d[\d,.]*\d|\d")
_SUMMARY_TOKEN = re.compile(r"\b(?:\d[\d,.]*\d|\d|[A-Z][a-z]{2,})\b")

Item = Mapping[str, Any]
Range = tuple[int, int]


@dataclass
class Counts:
    """Predicted, gold and matched items of one kind."""

    pred: int = 0
    gold: int = 0
    match: int = 0

    def add(self, pred: int, gold: int, match: int) -> None:
        self.pred, self.gold, self.match = self.pred + pred, self.gold + gold, self.match + match

    @property
    def precision(self) -> float | None:
        return self.match / self.pred if self.pred else None

    @property
    def recall(self) -> float | None:
        return self.match / self.gold if self.gold else None

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p and r else 0.0


@dataclass
class ItemScores:
    """Item counts over the gold articles that have a brief (``articles`` of ``of_gold``)."""

    articles: int = 0
    of_gold: int = 0
    counts: dict[str, Counts] = field(default_factory=lambda: {k: Counts() for k in KINDS})
    speaker_ok: int = 0
    speaker_n: int = 0
    date_hit: int = 0
    date_gold: int = 0
    place_hit: int = 0
    place_gold: int = 0
    unsupported: list[str] = field(default_factory=list)
    """``"<gold id>:<token>"`` for every unsupported summary token."""

    @property
    def speaker_accuracy(self) -> float | None:
        return self.speaker_ok / self.speaker_n if self.speaker_n else None

    def as_dict(self) -> dict[str, Any]:
        """The shared scorer's JSON: P/R/F1 rounded to 3 places, recalls as ``"hit/gold"``."""
        out: dict[str, Any] = {"articles": self.articles, "of_gold": self.of_gold}
        for kind, c in self.counts.items():
            scores = {"P": _round(c.precision), "R": _round(c.recall), "F1": round(c.f1, 3)}
            out[kind] = {**scores, **asdict(c)}
        out["quote_speaker_acc"] = _round(self.speaker_accuracy)
        out["date_text_recall"] = f"{self.date_hit}/{self.date_gold}"
        out["place_recall"] = f"{self.place_hit}/{self.place_gold}"
        out["summary_unsupported_tokens"] = len(self.unsupported)
        out["summary_unsupported_examples"] = self.unsupported[:12]
        return out

    def table(self) -> str:
        """A plain-text table: one row per kind, then speakers, date, place, summary."""
        lines = [
            f"items: {self.articles} of {self.of_gold} gold articles have a brief",
            f"{'kind':<22}{'pred':>6}{'gold':>6}{'match':>7}{'P':>8}{'R':>8}{'F1':>8}",
        ]
        for kind, c in self.counts.items():
            label = "commitments (loose)" if kind == "commitments_loose" else kind
            lines.append(
                f"{label:<22}{c.pred:>6}{c.gold:>6}{c.match:>7}"
                f"{_fmt(c.precision):>8}{_fmt(c.recall):>8}{c.f1:>8.3f}"
            )
        examples = ", ".join(self.unsupported[:12])
        lines += [
            f"{'quote speaker accuracy':<34} {_fmt(self.speaker_accuracy)} "
            f"({self.speaker_ok}/{self.speaker_n} matched quotes)",
            f"{'event date_text recall':<34} {self.date_hit}/{self.date_gold}",
            f"{'event place recall':<34} {self.place_hit}/{self.place_gold}",
            f"{'unsupported summary tokens':<34} {len(self.unsupported)}"
            + (f" ({examples})" if examples else ""),
        ]
        return "\n".join(lines)


def _round(x: float | None) -> float | None:
    return round(x, 3) if x is not None else None


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def load_item_gold(path: Path) -> dict[str, dict[str, Any]]:
    """Gold id -> its JSON object, from an items gold file."""
    gold: dict[str, dict[str, Any]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            gold[str(row["id"])] = row
    return gold


def read_briefs(path: Path) -> list[dict[str, Any]]:
    """Briefs as JSON objects from a JSON-lines file (``Brief.model_dump_json()`` per line).

    They are not validated as :class:`Brief`, so briefs written by an older schema still score.
    """
    briefs: list[dict[str, Any]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"line {number} of {path} is not JSON: {exc.msg}") from None
        if not isinstance(row, dict):
            raise InputError(f"line {number} of {path} is not a JSON object")
        briefs.append(row)
    return briefs


def resolve_id(article_id: str, known: Collection[str]) -> str | None:
    """The gold id ``article_id`` stands for: itself, or the one its file stem starts with
    (an exact stem first, then ``<id>_...``, then the longest prefix)."""
    if article_id in known:
        return article_id
    stem = Path(article_id).stem
    hits = [k for k in known if stem.startswith(k)]
    if not hits:
        return None
    return min(hits, key=lambda k: (stem != k, not stem.startswith(k + "_"), -len(k), k))


def name_tokens(name: str | None) -> set[str]:
    """Lower-cased name tokens of >= 3 letters that are not titles or country words."""
    return {t.lower() for t in _NAME.findall(name or "") if len(t) >= 3 and t.lower() not in TITLES}


def supported(token: str, text: str) -> bool:
    """Whether the article ``text`` supports a summary token.

    A number needs the same digits as a number of the text; a word needs the word, its first
    four letters as a word start ("Mich." for Michigan, "Indonesia" for Indonesian), or the
    usual abbreviation for United/States/Nations/Kingdom. Weekdays and pronouns are cues.
    """
    if token in COMMON:
        return True
    if token[0].isdigit():
        wanted = token.replace(",", "").rstrip(".")
        return wanted in {n.replace(",", "").rstrip(".") for n in _NUMBER.findall(text)}
    low = text.lower()
    if token.lower() in low or re.search(r"\b" + re.escape(token[:4].lower()), low):
        return True
    return any(a in text for a in ABBREV.get(token.lower(), ()))


def _spans(item: Item) -> list[Range]:
    return [
        (s["start"], s["end"])
        for s in item.get("evidence") or []
        if isinstance(s, dict) and isinstance(s.get("start"), int) and isinstance(s.get("end"), int)
    ]


def _find(text: str, s: str | None) -> Range | None:
    if not s:
        return None
    i = text.find(s)
    return (i, i + len(s)) if i >= 0 else None


def _overlap(a: Range, b: Range) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _content(s: str | None) -> set[str]:
    return {t for t in _CONTENT.findall((s or "").lower()) if t not in STOP and len(t) > 2}


def _digits(s: str | None) -> str:
    return re.sub(r"\D", "", s or "")


def _greedy(
    preds: Sequence[Any], golds: Sequence[Any], ok: Callable[[Any, Any], bool]
) -> list[Range]:
    """(pred index, gold index) pairs: each prediction takes the first free gold it fits."""
    pairs: list[Range] = []
    used: set[int] = set()
    for i, p in enumerate(preds):
        for j, g in enumerate(golds):
            if j not in used and ok(p, g):
                pairs.append((i, j))
                used.add(j)
                break
    return pairs


def _items(brief: Item, key: str) -> list[Item]:
    return list(brief.get(key) or [])


def _participants(scores: ItemScores, brief: Item, gold: Item) -> None:
    pred, golds = _items(brief, "participants"), gold["participants"]
    pairs = _greedy(
        pred, golds, lambda p, q: bool(name_tokens(p.get("name")) & name_tokens(q["name"]))
    )
    scores.counts["participants"].add(len(pred), len(golds), len(pairs))


def _commitments(scores: ItemScores, brief: Item, gold: Item, text: str) -> None:
    pred = _items(brief, "commitments")
    golds = [(c, _find(text, c["evidence"])) for c in gold["commitments"]]

    def strict(p: Item, q: tuple[Item, Range | None]) -> bool:
        g = q[1]
        return g is not None and any(
            _overlap(s, g) >= 0.3 * min(s[1] - s[0], g[1] - g[0]) and _overlap(s, g) > 0
            for s in _spans(p)
        )

    def loose(p: Item, q: tuple[Item, Range | None]) -> bool:
        a, b = _content(p.get("action")), _content(q[0]["action"])
        return strict(p, q) or (bool(a and b) and len(a & b) >= 0.5 * min(len(a), len(b)))

    for kind, ok in (("commitments", strict), ("commitments_loose", loose)):
        scores.counts[kind].add(len(pred), len(golds), len(_greedy(pred, golds, ok)))


def _quotes(scores: ItemScores, brief: Item, gold: Item, text: str) -> None:
    pred = _items(brief, "quotes")
    golds = [(q, _find(text, q["text"])) for q in gold["quotes"]]

    def spans(p: Item) -> list[Range]:
        found = _find(text, p.get("text"))
        return _spans(p) or ([found] if found else [])

    def ok(p: Item, q: tuple[Item, Range | None]) -> bool:
        g = q[1]
        return g is not None and any(_overlap(s, g) >= 0.5 * (g[1] - g[0]) for s in spans(p))

    pairs = _greedy(pred, golds, ok)
    scores.counts["quotes"].add(len(pred), len(golds), len(pairs))
    for i, j in pairs:
        speaker = golds[j][0].get("speaker")
        if speaker:
            scores.speaker_n += 1
            scores.speaker_ok += bool(name_tokens(pred[i].get("speaker")) & name_tokens(speaker))


def _figures(scores: ItemScores, brief: Item, gold: Item, text: str) -> None:
    pred = _items(brief, "figures")
    golds = [(f, _find(text, f["evidence"])) for f in gold["figures"]]

    def ok(p: Item, q: tuple[Item, Range | None]) -> bool:
        value = _digits(p.get("value"))
        if not value or value != _digits(q[0]["value"]):
            return False
        g = q[1]
        return g is not None and (
            any(_overlap(s, g) > 0 for s in _spans(p)) or (p.get("value") or "") in q[0]["evidence"]
        )

    scores.counts["figures"].add(len(pred), len(golds), len(_greedy(pred, golds, ok)))


def _event_and_summary(scores: ItemScores, brief: Item, gold: Item, text: str, gid: str) -> None:
    want, got = gold["event"], brief.get("event") or {}
    if want.get("date_text"):
        scores.date_gold += 1
        mine = got.get("date_text")
        scores.date_hit += bool(mine and (mine in want["date_text"] or want["date_text"] in mine))
    if want.get("place"):
        scores.place_gold += 1
        scores.place_hit += bool(name_tokens(got.get("place")) & name_tokens(want["place"]))
    for token in _SUMMARY_TOKEN.findall(brief.get("summary") or ""):
        if not supported(token, text):
            scores.unsupported.append(f"{gid}:{token}")


def score_items(
    briefs: Iterable[Brief | Mapping[str, Any]],
    texts: Mapping[str, str],
    gold: Mapping[str, Mapping[str, Any]],
) -> ItemScores:
    """Scores of ``briefs`` (:class:`Brief` objects or their JSON) against ``gold`` (from
    :func:`load_item_gold`); ``texts`` maps article ids (gold ids or ids that start with
    them) to article texts. A gold article with a brief but no text is an :class:`InputError`.
    """
    known = set(gold)
    by_gold = {resolve_id(k, known) or k: v for k, v in texts.items()}
    scores = ItemScores(of_gold=len(gold))
    seen: set[str] = set()
    for item in briefs:
        brief = item.model_dump(mode="json") if isinstance(item, Brief) else item
        gid = resolve_id(str(brief.get("article_id") or brief.get("id")), known)
        if gid is None or gid in seen:
            continue
        if gid not in by_gold:
            raise InputError(f"no article text for gold item {gid!r}", article_id=gid)
        seen.add(gid)
        g, text = gold[gid], by_gold[gid]
        _participants(scores, brief, g)
        _commitments(scores, brief, g, text)
        _quotes(scores, brief, g, text)
        _figures(scores, brief, g, text)
        _event_and_summary(scores, brief, g, text, gid)
    scores.articles = len(seen)
    return scores
