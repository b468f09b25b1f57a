"""Reading articles from files.

An input is a ``.txt`` file (id = file stem, whole file = text), a directory of
them (sorted by name), or a ``.jsonl`` file with one article per line (``id``,
``text`` and optional ``title``, ``published`` as an ISO date, ``source``, ``url``).

Reading never stops at a bad article: every problem becomes an
:class:`~summarizer.errors.InputError` in that article's place, carrying its id
(or, for a line that cannot be parsed, ``file.jsonl:LINE``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from pydantic import ValidationError

from .errors import InputError
from .types import Article

__all__ = ["load_articles", "read_jsonl", "read_text_article"]


def read_text_article(path: Path) -> Article:
    """One ``.txt`` file as an article; raises :class:`InputError` with the file's stem as id."""
    article_id = path.stem
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(
            f"cannot read {path}: {exc.strerror or exc}", article_id=article_id
        ) from None
    if b"\0" in raw:
        raise InputError(f"{path} is a binary file, not text", article_id=article_id)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path} is not UTF-8 text (byte {exc.start}: {raw[exc.start : exc.start + 1]!r})",
            article_id=article_id,
        ) from None
    return _checked(Article(id=article_id, text=text))


def _checked(article: Article) -> Article:
    if not article.text.strip():
        raise InputError("article text is empty", article_id=article.id)
    return article


def read_jsonl(path: Path) -> Iterator[Article | InputError]:
    """Articles from a JSON-lines file; a bad line becomes an error naming the line.

    Lines are split on ``\\n`` only and decoded one by one, so one bad line (or a
    U+2028 inside a JSON string) never costs the others.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        yield InputError(f"cannot read {path}: {exc.strerror or exc}", article_id=path.stem)
        return
    for number, raw_line in enumerate(raw.split(b"\n"), start=1):
        where = f"{path.name}:{number}"
        try:
            line = raw_line.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            yield InputError(
                f"line {number} of {path} is not UTF-8 (byte {exc.start})", article_id=where
            )
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputError(f"line {number} of {path} is not JSON: {exc.msg}", article_id=where)
            continue
        if not isinstance(record, dict):
            yield InputError(f"line {number} of {path} is not a JSON object", article_id=where)
            continue
        article_id = str(record.get("id") or where)
        try:
            yield _checked(Article.model_validate(record))
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
            )
            yield InputError(f"line {number} of {path}: {problems}", article_id=article_id)
        except InputError as exc:
            yield exc


def _expand(path: Path) -> Iterator[Article | InputError]:
    if path.is_dir():
        children = sorted(p for p in path.iterdir() if p.suffix in {".txt", ".jsonl"})
        if not children:
            yield InputError(f"{path} holds no .txt or .jsonl files", article_id=path.name)
        for child in children:
            yield from _expand(child)
    elif path.suffix == ".jsonl":
        yield from read_jsonl(path)
    elif not path.exists():
        yield InputError(f"no such file or directory: {path}", article_id=path.stem or str(path))
    else:
        try:
            yield read_text_article(path)
        except InputError as exc:
            yield exc


def load_articles(paths: Iterable[str | Path]) -> list[Article | InputError]:
    """Every article under ``paths``, in order; problems come back as errors in place.

    A repeated id is an error for the repeat (the first article with that id is kept).
    """
    seen: set[str] = set()
    out: list[Article | InputError] = []
    for path in paths:
        for item in _expand(Path(path)):
            if isinstance(item, Article):
                if item.id in seen:
                    item = InputError(f"duplicate article id {item.id!r}", article_id=item.id)
                else:
                    seen.add(item.id)
            out.append(item)
    return out
