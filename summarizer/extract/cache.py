"""A persistent cache of briefs: nothing is paid for twice.

One SQLite file (stdlib ``sqlite3``, WAL journal), one row per brief. The key
(:func:`cache_key`) is a sha256 over everything that decides the answer: the backend's
model, base URL and structured-output mode, the sampling settings (temperature, seed,
max_tokens, frequency_penalty, extra_body), the hash of the extraction prompt, the
answer schema's version, and the article's text
(sha256) and publication date (it decides ``event.date``). Change any of them and the
old briefs are simply not found.

Every brief is written in its own transaction, so a process killed mid-run leaves every
brief it finished, and nothing half-written; a rerun redoes only what is missing. Only
briefs are stored, never failures. A row that no longer validates as a :class:`Brief`
(the library changed) counts as a miss.

The default file is ``platformdirs.user_cache_dir("summarizer")/briefs.sqlite``
(:func:`default_cache_path`); ``SUMMARIZER_CACHE_DIR`` moves it (read only by
:meth:`Cache.from_env` and the CLI).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import platformdirs
from pydantic import ValidationError

from summarizer.errors import ConfigError
from summarizer.types import Article, Brief

__all__ = ["CACHE_FILE", "Cache", "cache_key", "default_cache_path", "from_cache"]

CACHE_FILE = "briefs.sqlite"
_FORMAT = 1  # PRAGMA user_version of the file layout
_log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS briefs (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    text_sha256 TEXT NOT NULL,
    brief TEXT NOT NULL,
    created REAL NOT NULL
)
"""


def default_cache_path(env: Mapping[str, str] | None = None) -> Path:
    """Where the cache lives: ``$SUMMARIZER_CACHE_DIR/briefs.sqlite`` when ``env`` (an
    explicit mapping; ``None`` reads nothing) sets it, else the user cache folder."""
    folder = (env or {}).get("SUMMARIZER_CACHE_DIR", "").strip()
    base = Path(folder).expanduser() if folder else Path(platformdirs.user_cache_dir("summarizer"))
    return base / CACHE_FILE


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cache_key(settings: Mapping[str, Any], article: Article) -> str:
    """The key of ``article``'s brief under ``settings`` (model, prompts, sampling, ...)."""
    payload = {
        "settings": dict(settings),
        "text_sha256": text_sha256(article.text),
        "published": article.published.isoformat() if article.published else None,
    }
    blob = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def from_cache(brief: Brief, article: Article) -> Brief:
    """A stored ``brief`` given for ``article`` (same text, maybe another id): marked
    ``meta.cached``, its original usage kept (the run counts no new cost)."""
    meta = brief.meta.model_copy(update={"cached": True})
    return brief.model_copy(update={"article_id": article.id, "meta": meta})


class Cache:
    """Briefs on disk, by :func:`cache_key`. Usable from several threads and processes.

    >>> cache = Cache(tmp_path / "briefs.sqlite")   # or Cache() for the default file
    >>> Extractor(config, cache=cache)
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else default_cache_path()
        self.hits = 0
        self.misses = 0
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                self.path, timeout=30.0, isolation_level=None, check_same_thread=False
            )
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")  # safe in WAL: a crash loses nothing
            with self._transaction():
                version = self._db.execute("PRAGMA user_version").fetchone()[0]
                if version not in (0, _FORMAT):
                    raise ConfigError(
                        f"cache {self.path} has format {version}, this library writes "
                        f"{_FORMAT}; delete it or choose another cache folder"
                    )
                self._db.execute(_SCHEMA)
                self._db.execute(f"PRAGMA user_version={_FORMAT}")
        except sqlite3.Error as exc:
            raise ConfigError(f"cannot open the cache {self.path}: {exc}") from None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Cache:
        """The cache at :func:`default_cache_path` of ``env`` (default: ``os.environ``)."""
        return cls(default_cache_path(os.environ if env is None else env))

    def __repr__(self) -> str:
        return f"Cache({str(self.path)!r})"

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def get(self, key: str) -> Brief | None:
        """The stored brief, or ``None`` (absent, or no longer valid)."""
        with self._lock:
            row = self._db.execute("SELECT brief FROM briefs WHERE key = ?", (key,)).fetchone()
        if row is not None:
            try:
                brief = Brief.model_validate_json(row[0])
            except ValidationError:
                _log.warning("cache: ignoring a stored brief that no longer validates")
            else:
                self.hits += 1
                return brief
        self.misses += 1
        return None

    def put(self, key: str, brief: Brief, *, article: Article | None = None) -> None:
        """Store ``brief`` under ``key``, in one transaction (replaces an older one)."""
        text_hash = text_sha256(article.text) if article is not None else ""
        data = brief.model_dump_json()
        with self._lock, self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO briefs (key, model, text_sha256, brief, created) "
                "VALUES (?, ?, ?, ?, ?)",
                (key, brief.meta.model, text_hash, data, time.time()),
            )

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM briefs").fetchone()[0])

    def __contains__(self, key: object) -> bool:
        with self._lock:
            row = self._db.execute("SELECT 1 FROM briefs WHERE key = ?", (key,)).fetchone()
        return row is not None

    def briefs(self) -> Iterator[Brief]:
        """Every stored brief that validates (oldest first)."""
        with self._lock:
            rows = self._db.execute("SELECT brief FROM briefs ORDER BY created").fetchall()
        for (data,) in rows:
            try:
                yield Brief.model_validate_json(data)
            except ValidationError:
                continue

    def clear(self) -> None:
        """Delete every stored brief."""
        with self._lock, self._transaction() as db:
            db.execute("DELETE FROM briefs")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
