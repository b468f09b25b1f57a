"""Reading articles from files.

An input is a ``.txt`` file (id = file stem, whole file = text), an ``.html``/``.htm``
page (markup stripped: the text of its headings, paragraphs, list items and quotes;
scripts, styles and navigation dropped; ``<title>`` becomes the title), a directory of
them (sorted by name), or a ``.jsonl`` file with one article per line (``id``, ``text``
and optional ``title``, ``published`` as an ISO date, ``source``, ``url``).

A ``.txt`` file that holds an HTML page is refused (save it as ``.html`` to have the
markup stripped), and so is an article longer than :data:`MAX_ARTICLE_CHARS`: split
long documents before extraction (a brief is about one article's event).

Reading never stops at a bad article: every problem becomes an
:class:`~summarizer.errors.InputError` in that article's place, carrying its id
(or, for a line that cannot be parsed, ``file.jsonl:LINE``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from pathlib import Path

from pydantic import ValidationError

from summarizer.errors import InputError
from summarizer.types import Article

__all__ = [
    "MAX_ARTICLE_CHARS",
    "article_from_record",
    "load_articles",
    "read_html_article",
    "read_jsonl",
    "read_text_article",
    "unique_ids",
]

MAX_ARTICLE_CHARS = 60_000
"""The longest article accepted (about 15k tokens; news articles are rarely over 20k)."""

_SUFFIXES = {".txt", ".jsonl", ".html", ".htm"}
_LOOKS_LIKE_HTML = re.compile(r"^\s*(<!doctype html|<html[\s>])", re.I)


class _TextOfPage(HTMLParser):
    """The readable text of an HTML page, one block per line."""

    BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre"})
    SKIP = frozenset({"script", "style", "nav", "header", "footer", "aside", "noscript", "form"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.title: str | None = None
        self._skip = 0
        self._depth = 0
        self._buffer: list[str] = []
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif tag in self.BLOCKS:
            self._depth += 1
        elif tag == "br" and self._depth:
            self._buffer.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag == "title":
            self._in_title = False
        elif tag in self.BLOCKS and self._depth:
            self._depth -= 1
            if not self._depth:
                block = " ".join("".join(self._buffer).split())
                if block:
                    self.blocks.append(block)
                self._buffer = []

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._in_title:
            self.title = ((self.title or "") + data).strip() or None
        elif self._depth:
            self._buffer.append(data)


def read_html_article(path: Path) -> Article:
    """An HTML page as an article: its readable text, markup stripped."""
    article_id = path.stem
    try:
        raw = path.read_bytes().decode("utf-8-sig", errors="replace")
    except OSError as exc:
        raise InputError(
            f"cannot read {path}: {exc.strerror or exc}", article_id=article_id
        ) from None
    page = _TextOfPage()
    page.feed(raw)
    page.close()
    return _checked(Article(id=article_id, text="\n".join(page.blocks), title=page.title))


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
    if _LOOKS_LIKE_HTML.match(text):
        raise InputError(
            f"{path} is an HTML page, not plain text: save it as .html to have the markup "
            "stripped, or extract the article text first",
            article_id=article_id,
        )
    return _checked(Article(id=article_id, text=text))


def _checked(article: Article) -> Article:
    if not article.text.strip():
        raise InputError("article text is empty", article_id=article.id)
    if len(article.text) > MAX_ARTICLE_CHARS:
        raise InputError(
            f"article is {len(article.text):,} characters; the limit is {MAX_ARTICLE_CHARS:,} "
            "(MAX_ARTICLE_CHARS): split it into articles first",
            article_id=article.id,
        )
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
        try:
            yield article_from_record(record, f"line {number} of {path}", where)
        except InputError as exc:
            yield exc


def article_from_record(record: object, place: str, where: str) -> Article:
    """The checked article of one JSON object (or table row); ``place`` says where it was
    read (for messages) and ``where`` is the error's id when the record has none.

    Raises :class:`~summarizer.errors.InputError` for a record that is not an object, fails
    the :class:`~summarizer.types.Article` schema, or is empty or too long.
    """
    if not isinstance(record, dict):
        raise InputError(f"{place} is not a JSON object", article_id=where)
    article_id = str(record.get("id") or where)
    try:
        return _checked(Article.model_validate(record))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise InputError(f"{place}: {problems}", article_id=article_id) from None


def _expand(path: Path) -> Iterator[Article | InputError]:
    if path.is_dir():
        children = sorted(p for p in path.iterdir() if p.suffix in _SUFFIXES)
        if not children:
            yield InputError(f"{path} holds no .txt, .html or .jsonl files", article_id=path.name)
        for child in children:
            yield from _expand(child)
    elif path.suffix == ".jsonl":
        yield from read_jsonl(path)
    elif not path.exists():
        yield InputError(f"no such file or directory: {path}", article_id=path.stem or str(path))
    else:
        try:
            if path.suffix in (".html", ".htm"):
                yield read_html_article(path)
            else:
                yield read_text_article(path)
        except InputError as exc:
            yield exc


def load_articles(paths: Iterable[str | Path]) -> list[Article | InputError]:
    """Every article under ``paths``, in order; problems come back as errors in place.

    A repeated id is an error for the repeat (the first article with that id is kept).
    """
    return unique_ids(item for path in paths for item in _expand(Path(path)))


def unique_ids(items: Iterable[Article | InputError]) -> list[Article | InputError]:
    """``items`` in order, with an error in place of every article whose id came before
    (the first article with that id is kept)."""
    seen: set[str] = set()
    out: list[Article | InputError] = []
    for item in items:
        if isinstance(item, Article):
            if item.id in seen:
                item = InputError(f"duplicate article id {item.id!r}", article_id=item.id)
            else:
                seen.add(item.id)
        out.append(item)
    return out
