"""The on-disk brief cache: keys, reruns without calls, failures, crashes."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import platformdirs
import pytest

from summarizer import (
    Article,
    BackendError,
    Brief,
    Cache,
    ConfigError,
    Extractor,
    LLMConfig,
    RunStats,
    default_cache_path,
    extract_briefs,
    summarize,
)
from summarizer.extract.extractor import EXTRACT_PROMPT, prompt_article
from summarizer.prompts import Prompt, load_prompt
from summarizer.testing import ScriptedBackend

from .fakeserver import FakeServer, answer_article, draft_json, fake_config
from .test_faults import ARTICLE, ARTICLES, assert_brief

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[Cache]:
    with Cache(tmp_path / "cache" / "briefs.sqlite") as c:
        yield c


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer() as fake:
        yield fake
    assert fake.errors == []


def config(base_url: str = "http://127.0.0.1:9/v1", **changes: Any) -> LLMConfig:
    return fake_config(base_url, **changes)


def scripted(*articles: Article) -> ScriptedBackend:
    return ScriptedBackend(replies=[draft_json(a) for a in articles])


# ---------------------------------------------------------------------------
# Where it lives
# ---------------------------------------------------------------------------


def test_default_path_is_the_user_cache_folder_unless_the_mapping_moves_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path / "from-os-environ"))
    user = Path(platformdirs.user_cache_dir("summarizer")) / "briefs.sqlite"
    assert default_cache_path() == user  # None: reads nothing
    assert default_cache_path({}) == user
    assert default_cache_path({"SUMMARIZER_CACHE_DIR": str(tmp_path)}) == tmp_path / (
        "briefs.sqlite"
    )
    assert Cache.from_env({"SUMMARIZER_CACHE_DIR": str(tmp_path / "x")}).path == (
        tmp_path / "x" / "briefs.sqlite"
    )
    assert Cache.from_env().path == tmp_path / "from-os-environ" / "briefs.sqlite"


def test_the_file_is_sqlite_in_wal_mode(cache: Cache) -> None:
    with closing(sqlite3.connect(cache.path)) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_file_of_another_format_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "briefs.sqlite"
    with closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA user_version=99")
    with pytest.raises(ConfigError, match="format 99"):
        Cache(path)


# ---------------------------------------------------------------------------
# Keys
# ---------------------------------------------------------------------------


def key(article: Article = ARTICLE, **changes: Any) -> str:
    prompt = changes.pop("prompt", None)
    return Extractor(config(**changes), prompt=prompt).cache_key(article)


@pytest.mark.parametrize(
    "change",
    [
        {"model": "other"},
        {"base_url": "http://127.0.0.1:10/v1"},
        {"mode": "tools"},
        {"temperature": 0.7},
        {"seed": 1},
        {"seed": None},
        {"max_tokens": 1000},
        {"frequency_penalty": 0.2},
        {"extra_body": {"top_k": 20}},
    ],
)
def test_what_changes_the_answer_changes_the_key(change: dict[str, Any]) -> None:
    assert key(**change) != key()


def test_a_server_id_stands_for_the_url_in_the_key() -> None:
    # the embedded server takes a free port every run; its weights name it in the key
    named = key(base_url="http://127.0.0.1:41001/v1", server_id="llama.cpp:w.gguf")
    assert named == key(base_url="http://127.0.0.1:41002/v1", server_id="llama.cpp:w.gguf")
    assert named != key(base_url="http://127.0.0.1:41001/v1", server_id="llama.cpp:v.gguf")
    assert named != key(base_url="http://127.0.0.1:41001/v1")


def test_a_changed_prompt_or_schema_changes_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    base = load_prompt(EXTRACT_PROMPT)
    edited = Prompt(id=base.id, system=base.system + " ", user=base.user, hash="0123456789abcdef")
    assert key(prompt=edited) != key()
    before = key()
    monkeypatch.setattr("summarizer.extract.extractor.SCHEMA_VERSION", "draft-999")
    assert key() != before


def test_the_article_text_and_publication_date_are_in_the_key_its_id_is_not() -> None:
    other_text = Article(id=ARTICLE.id, text=ARTICLE.text + " More.")
    dated = ARTICLE.model_copy(update={"published": dt.date(2025, 1, 2)})
    renamed = Article(id="another-id", text=ARTICLE.text, title="T", source="S")
    assert key(other_text) != key()
    assert key(dated) != key()
    assert key(renamed) == key()


@pytest.mark.parametrize(
    "change",
    [
        {"api_key": "sk-other"},
        {"timeout_s": 99.0},
        {"http_retries": 0},
        {"retry_budget_s": None},
        {"rpm": 10, "tpm": 1000},
        {"base_url": "http://127.0.0.1:9/v1/"},
        # Validation re-asks decide whether an answer fits, not what a brief that fits
        # says (failures are never cached); no other call follows an answer.
        {"reasks": 0},
    ],
)
def test_what_does_not_change_the_answer_keeps_the_key(change: dict[str, Any]) -> None:
    assert key(**change) == key()


# ---------------------------------------------------------------------------
# Hits and misses
# ---------------------------------------------------------------------------


def test_a_rerun_makes_no_call_and_says_so(cache: Cache, server: FakeServer) -> None:
    server.script(*(answer_article() for _ in ARTICLES))
    first = extract_briefs(ARTICLES, config(server.base_url), concurrency=3, cache=cache)
    assert len(server.requests) == len(ARTICLES)
    assert len(cache) == len(ARTICLES)
    second = extract_briefs(ARTICLES, config(server.base_url), concurrency=3, cache=cache)
    assert len(server.requests) == len(ARTICLES)  # not one more
    assert server.unscripted == 0
    for a, b, article in zip(first, second, ARTICLES, strict=True):
        assert isinstance(a, Brief) and isinstance(b, Brief)
        assert_brief(b, article)
        assert (a.meta.cached, b.meta.cached) == (False, True)
        assert b.meta.usage == a.meta.usage  # the original run's usage and attempts
        assert b.meta.attempts == a.meta.attempts
        assert b.model_copy(update={"meta": a.meta}) == a
    stats = RunStats.from_results(second)
    assert (stats.cache_hits, stats.llm_calls, stats.total_tokens) == (len(ARTICLES), 0, 0)
    assert RunStats.from_results(first).llm_calls == len(ARTICLES)


def test_a_changed_model_or_prompt_misses(cache: Cache) -> None:
    Extractor(backend=scripted(ARTICLE), cache=cache).extract_sync(ARTICLE)
    other = ScriptedBackend(replies=[draft_json(ARTICLE)], model="other-model")
    assert not Extractor(backend=other, cache=cache).extract_sync(ARTICLE).meta.cached
    assert other.calls
    base = load_prompt(EXTRACT_PROMPT)
    edited = Prompt(id=base.id, system=base.system, user=base.user + "\n", hash="f" * 16)
    backend = scripted(ARTICLE)
    assert (
        not Extractor(backend=backend, cache=cache, prompt=edited).extract_sync(ARTICLE).meta.cached
    )
    assert len(backend.calls) == 1
    assert len(cache) == 3


def test_failures_are_not_cached(cache: Cache) -> None:
    failing = ScriptedBackend(replies=[BackendError("HTTP 503", attempts=3)])
    (result,) = extract_briefs([ARTICLE], backend=failing, cache=cache)
    assert isinstance(result, BackendError)
    assert len(cache) == 0
    backend = scripted(ARTICLE)
    (again,) = extract_briefs([ARTICLE], backend=backend, cache=cache)
    assert isinstance(again, Brief) and not again.meta.cached
    assert len(backend.calls) == 1


def test_a_rerun_redoes_only_what_is_missing(cache: Cache) -> None:
    extract_briefs(ARTICLES[:3], backend=scripted(*ARTICLES[:3]), cache=cache)
    backend = scripted(*ARTICLES[3:])  # replies for the missing three only
    results = extract_briefs(ARTICLES, backend=backend, cache=cache)
    assert [r.meta.cached for r in results if isinstance(r, Brief)] == [True] * 3 + [False] * 3
    assert len(backend.calls) == 3
    asked = [
        i
        for i, a in enumerate(ARTICLES)
        if any(prompt_article(a.text)["article"] in c[1]["content"] for c in backend.calls)
    ]
    assert asked == [3, 4, 5]


def test_the_same_text_under_another_id_is_served_from_the_cache(cache: Cache) -> None:
    Extractor(backend=scripted(ARTICLE), cache=cache).extract_sync(ARTICLE)
    twin = Article(id="wire-copy", text=ARTICLE.text)
    brief = Extractor(backend=ScriptedBackend(replies=[]), cache=cache).extract_sync(twin)
    assert brief.article_id == "wire-copy"
    assert brief.meta.cached
    assert_brief(brief, twin)


class SlowBackend(ScriptedBackend):
    """Yields to the event loop before answering, as a real request does."""

    async def complete(self, *args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(0.01)
        return await super().complete(*args, **kwargs)


def test_the_same_text_twice_at_once_is_paid_once(cache: Cache) -> None:
    twins = [ARTICLE, Article(id="twin", text=ARTICLE.text), ARTICLES[1]]
    backend = SlowBackend(replies=[draft_json(ARTICLE), draft_json(ARTICLES[1])])
    results = extract_briefs(twins, backend=backend, cache=cache, concurrency=3)
    assert len(backend.calls) == 2
    assert (cache.hits, cache.misses) == (0, 3)  # the twin waited for the first, in flight
    assert [r.article_id for r in results if isinstance(r, Brief)] == ["art-0", "twin", "art-1"]
    assert [r.meta.cached for r in results if isinstance(r, Brief)] == [False, True, False]


def test_a_row_that_no_longer_validates_is_a_miss(cache: Cache) -> None:
    extractor = Extractor(backend=scripted(ARTICLE), cache=cache)
    with closing(sqlite3.connect(cache.path)) as db:
        db.execute(
            "INSERT INTO briefs VALUES (?, 'm', '', ?, 0)",
            (extractor.cache_key(ARTICLE), '{"article_id": "old shape"}'),
        )
        db.commit()
    brief = extractor.extract_sync(ARTICLE)
    assert not brief.meta.cached
    assert cache.get(extractor.cache_key(ARTICLE)) == brief  # replaced


def test_run_stats_count_a_cached_run_as_free(cache: Cache) -> None:
    first = summarize(ARTICLES[:2], backend=scripted(*ARTICLES[:2]), cache=cache)
    assert first.stats.llm_calls == 2
    assert first.stats.prompt_tokens == 200
    again = summarize(ARTICLES[:2], backend=ScriptedBackend(replies=[]), cache=cache)
    assert again.stats.cache_hits == 2
    assert (again.stats.llm_calls, again.stats.total_tokens, again.usage.total_tokens) == (0, 0, 0)
    assert len(again.events) == len(first.events)


# ---------------------------------------------------------------------------
# A process killed mid-run
# ---------------------------------------------------------------------------

WRITER = textwrap.dedent(
    """
    import sys
    from summarizer.extract.cache import Cache
    from summarizer.types import Brief

    path, template = sys.argv[1], sys.argv[2]
    brief = Brief.model_validate_json(open(template, encoding="utf-8").read())
    cache = Cache(path)
    i = 0
    while True:
        cache.put(f"key-{i}", brief.model_copy(update={"article_id": f"a{i}"}))
        i += 1
        if i == 40:
            print("ready", flush=True)
    """
)


def test_a_process_killed_mid_run_leaves_a_usable_cache(tmp_path: Path) -> None:
    brief = Extractor(backend=scripted(ARTICLE)).extract_sync(ARTICLE)
    template = tmp_path / "brief.json"
    template.write_text(brief.model_dump_json(), encoding="utf-8")
    path = tmp_path / "briefs.sqlite"
    with subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), str(template)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    ) as writer:
        try:
            assert writer.stdout is not None
            assert writer.stdout.readline().strip() == "ready"  # 40 stored, still writing
            os.kill(writer.pid, signal.SIGKILL)
        finally:
            writer.kill()
            writer.wait(timeout=10)
    assert writer.returncode == -signal.SIGKILL

    with Cache(path) as cache:
        with closing(sqlite3.connect(path)) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = list(cache.briefs())
        n = len(cache)
        assert n >= 40
        assert len(stored) == n  # every stored brief validates
        # One transaction per brief, in order: exactly the first n were kept.
        assert {b.article_id for b in stored} == {f"a{i}" for i in range(n)}
        assert all(f"key-{i}" in cache for i in range(n))
        assert cache.get(f"key-{n - 1}") is not None
        # Still writable after the crash.
        cache.put("after", brief)
        assert cache.get("after") == brief
