"""The Batch API path against a local fake of the Files/Batches endpoints (real HTTP).

The request lines must be the very bodies the online path sends (checked against what
the fault-injecting chat server receives), and the answers must go through the same
parsing, item checks and assembly (no call follows an answer).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from summarizer import (
    Article,
    BackendError,
    Brief,
    Cache,
    ConfigError,
    Extractor,
    InputError,
    LLMConfig,
    OpenAIBackend,
    OutputError,
    RunawayOutputError,
    run_batch,
)
from summarizer.extract.batch import batch_requests
from summarizer.extract.schema import Draft
from summarizer.testing import ScriptedBackend

from .fakebatch import FakeBatchServer
from .fakeserver import (
    UNGROUNDED,
    Behaviour,
    FakeServer,
    article_of,
    bad_draft_json,
    draft_json,
    fake_config,
    ok,
    status,
    truncated,
)
from .test_faults import ARTICLE, ARTICLES, INVALID, assert_brief

MODES = ["json_with_schema", "json", "json_schema", "tools"]


def config(base_url: str, **changes: Any) -> LLMConfig:
    return fake_config(base_url, **changes)


def by_article(custom_id: str, body: dict[str, Any]) -> Behaviour:
    """A grounded answer for the article the request carries."""
    return ok(draft_json(Article(id=custom_id, text=article_of(body))))


@pytest.fixture
def batch_server() -> Iterator[FakeBatchServer]:
    with FakeBatchServer(answer=by_article) as fake:
        yield fake


@pytest.mark.parametrize("mode", MODES)
def test_a_batch_line_is_the_body_the_online_path_sends(mode: str) -> None:
    with FakeServer() as server:
        server.script(ok(draft_json(ARTICLE)))
        extractor = Extractor(config(server.base_url, mode=mode))
        assert_brief(extractor.extract_sync(ARTICLE))
        (seen,) = server.requests
    (line,) = batch_requests(extractor, [ARTICLE])
    assert line["custom_id"] == ARTICLE.id
    assert (line["method"], line["url"]) == ("POST", "/v1/chat/completions")
    assert line["body"] == seen.body


def test_a_whole_batch_gives_briefs_in_input_order(batch_server: FakeBatchServer) -> None:
    result = run_batch(ARTICLES, config(batch_server.base_url), poll_s=0.01, metadata={"job": "t"})
    assert result.status == "completed"
    assert result.batch_id is not None
    assert [r.article_id for r in result.results] == [a.id for a in ARTICLES]
    for brief, article in zip(result.briefs, ARTICLES, strict=True):
        assert_brief(brief, article)
        assert brief.meta.attempts == 1 and not brief.meta.cached
    assert result.dropped == 0
    (upload,) = batch_server.uploads
    assert [line["custom_id"] for line in upload] == [a.id for a in ARTICLES]
    extractor = Extractor(config(batch_server.base_url))
    assert upload == batch_requests(extractor, ARTICLES)
    assert batch_server.batches[result.batch_id]["metadata"] == {"job": "t"}
    paths = [f"{m} {p.split('/')[2]}" for m, p in batch_server.calls]
    assert paths[:2] == ["POST files", "POST batches"]
    assert set(paths[2:]) == {"GET batches", "GET files"}  # polls, then downloads
    assert batch_server.retrievals == 2
    stats = result.stats()
    assert (stats.briefs, stats.llm_calls, stats.prompt_tokens) == (len(ARTICLES), 6, 600)


def test_items_that_fail_their_checks_are_dropped_and_counted_without_a_call() -> None:
    def answer(custom_id: str, body: dict[str, Any]) -> Behaviour:
        article = Article(id=custom_id, text=article_of(body))
        return ok(bad_draft_json(article) if custom_id == ARTICLES[1].id else draft_json(article))

    with FakeBatchServer(answer=answer) as server:
        result = run_batch(ARTICLES[:3], config(server.base_url), poll_s=0.01)
    assert [type(r) for r in result.results] == [Brief, Brief, Brief]
    second = result.briefs[1]
    assert second.participants == []
    assert [(d.kind, d.label, d.reason) for d in second.diagnostics.dropped] == [
        ("participant", UNGROUNDED, "not_found")
    ]
    assert second.diagnostics.reasked == 0
    assert result.dropped == 1
    assert not [p for _, p in server.calls if "chat" in p]  # no online call


def test_a_batch_answer_makes_the_brief_the_online_path_makes() -> None:
    # One answer with an item that fails its check: both paths check and assemble alike.
    answer = bad_draft_json(ARTICLE)
    with FakeServer() as server:
        server.script(ok(answer))
        online = Extractor(config(server.base_url)).extract_sync(ARTICLE)
    with FakeBatchServer(answer=lambda custom_id, body: ok(answer)) as fake:
        (batched,) = run_batch([ARTICLE], config(fake.base_url), poll_s=0.01).briefs
    assert [d.reason for d in online.diagnostics.dropped] == ["not_found"]
    assert batched.model_copy(update={"meta": online.meta}) == online


def test_failed_missing_cut_and_invalid_answers_fail_their_article_only() -> None:
    outcomes: dict[str, Behaviour | None] = {
        ARTICLES[1].id: status(500),
        ARTICLES[2].id: None,  # no result line at all
        ARTICLES[3].id: truncated('{"what": "a a a'),
        ARTICLES[4].id: ok(INVALID),
    }

    def answer(custom_id: str, body: dict[str, Any]) -> Behaviour | None:
        return outcomes.get(custom_id, by_article(custom_id, body))

    with FakeBatchServer(answer=answer, final_status="expired") as server:
        result = run_batch(ARTICLES, config(server.base_url), poll_s=0.01)
    assert result.status == "expired"
    kinds = [type(r) for r in result.results]
    assert kinds == [Brief, BackendError, BackendError, RunawayOutputError, OutputError, Brief]
    failures = result.results
    assert "HTTP 500" in str(failures[1])
    assert "no result" in str(failures[2]) and "expired" in str(failures[2])
    assert failures[4].last_response == INVALID  # type: ignore[union-attr]
    for article, outcome in zip(ARTICLES, result.results, strict=True):
        assert outcome.article_id == article.id
    assert result.stats().failures == 4


def test_cached_articles_are_not_sent_and_new_briefs_are_stored(tmp_path: Path) -> None:
    with Cache(tmp_path / "briefs.sqlite") as cache, FakeBatchServer(answer=by_article) as server:
        first = run_batch(ARTICLES[:4], config(server.base_url), cache=cache, poll_s=0.01)
        assert len(cache) == 4
        again = run_batch(ARTICLES, config(server.base_url), cache=cache, poll_s=0.01)
    assert [r.meta.cached for r in again.briefs] == [True] * 4 + [False] * 2
    assert [[line["custom_id"] for line in u] for u in server.uploads] == [
        [a.id for a in ARTICLES[:4]],
        [a.id for a in ARTICLES[4:]],
    ]
    assert again.stats().cache_hits == 4
    assert first.briefs[0].model_copy(update={"meta": again.briefs[0].meta}) == again.briefs[0]


def test_everything_cached_or_invalid_sends_nothing(tmp_path: Path) -> None:
    empty = Article(id="empty", text="  ")
    with FakeBatchServer(answer=by_article) as server:
        result = run_batch([empty, empty], config(server.base_url), poll_s=0.01)
    assert [type(r) for r in result.results] == [InputError, InputError]
    assert (result.status, result.batch_id, server.calls) == ("skipped", None, [])


def test_the_files_and_batches_calls_go_through_the_http_retry_layer() -> None:
    with FakeBatchServer(answer=by_article) as server:
        server.faults.extend([503, 502])  # the upload fails twice, then goes through
        result = run_batch(ARTICLES[:2], config(server.base_url, http_retries=2), poll_s=0.01)
    assert [type(r) for r in result.results] == [Brief, Brief]
    assert server.calls[:3] == [("POST", "/v1/files")] * 3


def test_a_batch_that_is_not_finished_in_time_is_a_backend_error() -> None:
    with (
        FakeBatchServer(answer=by_article, polls=10**6) as server,
        pytest.raises(BackendError) as info,
    ):
        run_batch(ARTICLES[:1], config(server.base_url), poll_s=0.01, timeout_s=0.05)
    assert "still in_progress" in info.value.message


def test_the_batch_api_needs_an_openai_backend() -> None:
    with pytest.raises(ConfigError):
        batch_requests(Extractor(backend=ScriptedBackend(replies=[])), ARTICLES)


def test_duplicate_ids_are_input_errors_in_place() -> None:
    twin = Article(id=ARTICLES[0].id, text=ARTICLES[1].text)
    with FakeBatchServer(answer=by_article) as server:
        result = run_batch([ARTICLES[0], twin], config(server.base_url), poll_s=0.01)
    assert [type(r) for r in result.results] == [Brief, InputError]
    with pytest.raises(InputError):
        batch_requests(Extractor(config(server.base_url)), [ARTICLES[0], twin])


def test_parse_uses_the_online_parser() -> None:
    # The same completion parses the same way through both paths, in every mode.
    from openai.types.chat import ChatCompletion

    from .fakeserver import completion_body

    for mode in MODES:
        backend = OpenAIBackend(config("http://127.0.0.1:9/v1", mode=mode))
        body = backend.request_body(Extractor(backend=backend).messages(ARTICLE), Draft)
        answer = json.loads(completion_body(ok(draft_json(ARTICLE)).answer, body))  # type: ignore[arg-type]
        draft = backend.parse(ChatCompletion.model_validate(answer), Draft)
        assert isinstance(draft, Draft)
        assert draft.model_dump() == json.loads(draft_json(ARTICLE))
