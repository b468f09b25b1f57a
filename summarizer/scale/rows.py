"""The rows of the Ray Data pipeline: articles in, results out (no Ray import here).

An input row is an article as a JSON object (``id``, ``text`` and optional ``title``,
``published``, ``source``, ``url``): a Parquet/Arrow row with those columns, or a JSONL line
read as a ``text`` row holding the line (:data:`LINE_COLUMN`). A result row is one article's
outcome, with the article id, never an exception:

=============  =====================================================================
``article_id`` the article's id (or ``file:line`` for a line that is not an article)
``status``     ``"ok"`` (a brief) or ``"failed"`` (a failure row)
``brief``      the :class:`~summarizer.types.Brief` as JSON (``""`` for a failure)
``article``    the :class:`~summarizer.types.Article` as JSON (``""`` if unreadable)
``error``      the typed error's class name, e.g. ``BackendError`` (``""`` if ok)
``message``    its message (``""`` if ok)
``attempts``   LLM calls made for the article (0 for a cached brief or bad input)
=============  =====================================================================
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from summarizer.errors import InputError, RunError, SummarizerError
from summarizer.inputs import article_from_record
from summarizer.types import Article, Brief

__all__ = [
    "LINE_COLUMN",
    "RESULT_COLUMNS",
    "article_of_row",
    "brief_of_row",
    "brief_row",
    "columns",
    "failure_row",
    "result_of_row",
]

LINE_COLUMN = "text"
"""The column ``ray.data.read_text`` puts each line of a JSONL file in."""

RESULT_COLUMNS = ("article_id", "status", "brief", "article", "error", "message", "attempts")


def article_of_row(row: Mapping[str, Any], *, lines: bool) -> Article | InputError:
    """The checked article of an input row (a typed error in its place, never a raise).

    With ``lines``, the row is a JSONL line (:data:`LINE_COLUMN`) to decode first.
    """
    record: object = dict(row)
    where = str(row.get("id") or "row")
    if lines:
        line = str(row.get(LINE_COLUMN) or "")
        where = "line " + line[:40]
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            return InputError(f"not a JSON line: {exc.msg}: {line[:80]!r}", article_id=where)
    if isinstance(record, dict):
        record = {k: v for k, v in record.items() if v is not None}
    try:
        return article_from_record(record, "input row", where)
    except InputError as exc:
        return exc


def brief_row(article: Article, brief: Brief) -> dict[str, Any]:
    """The result row of an article that has its brief."""
    return {
        "article_id": article.id,
        "status": "ok",
        "brief": brief.model_dump_json(),
        "article": article.model_dump_json(),
        "error": "",
        "message": "",
        "attempts": 0 if brief.meta.cached else brief.meta.attempts,
    }


def failure_row(error: SummarizerError, article: Article | None = None) -> dict[str, Any]:
    """The result row of an article that failed: its typed error's name and message (the
    fields of a line of the local path's ``failures.jsonl``, plus ``status``)."""
    return {
        "article_id": article.id if article is not None else str(error.article_id or ""),
        "status": "failed",
        "brief": "",
        "article": article.model_dump_json() if article is not None else "",
        "error": type(error).__name__,
        "message": error.message,
        "attempts": error.attempts if isinstance(error, RunError) else 0,
    }


def brief_of_row(row: Mapping[str, Any]) -> tuple[Brief, Article | None]:
    """The brief (and article, when the row has it) of an ``ok`` result row."""
    article = Article.model_validate_json(row["article"]) if row.get("article") else None
    return Brief.model_validate_json(row["brief"]), article


def result_of_row(row: Mapping[str, Any]) -> Brief | SummarizerError:
    """A result row back as the local path's result: a brief, or an error of its type."""
    if row["status"] == "ok":
        return brief_of_row(row)[0]
    return _error_of(str(row["error"]), str(row["message"]), str(row["article_id"]))


def _error_of(kind: str, message: str, article_id: str) -> SummarizerError:
    from summarizer import errors

    cls = getattr(errors, kind, None)
    if not (isinstance(cls, type) and issubclass(cls, SummarizerError)):
        cls = SummarizerError
    return cls(message, article_id=article_id)


def columns(rows: Sequence[Mapping[str, Any]]) -> dict[str, list[Any]]:
    """Rows as a batch of columns (:data:`RESULT_COLUMNS`, in that order)."""
    return {name: [row[name] for row in rows] for name in RESULT_COLUMNS}
