"""One orchestrator: :func:`summarize`/:func:`asummarize` serve the library and the CLI."""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any

import pytest

import summarizer.pipeline
from summarizer import RunResult, asummarize, summarize
from summarizer.cli import main
from summarizer.errors import BackendError, SummarizerError
from summarizer.testing import ScriptedBackend
from summarizer.types import Article, Brief

from .fakeserver import draft_json
from .test_faults import ARTICLES


def test_both_forms_take_the_same_arguments() -> None:
    sync, coro = inspect.signature(summarize), inspect.signature(asummarize)
    assert list(sync.parameters) == list(coro.parameters)
    for name in ("adjudicate", "on_done", "consolidate", "cache", "concurrency"):
        assert sync.parameters[name].default == coro.parameters[name].default


def test_an_extract_only_run_reports_each_article_and_keeps_its_failures() -> None:
    done: list[tuple[str, str]] = []

    def on_done(article: Article, result: Brief | SummarizerError) -> None:
        done.append((article.id, type(result).__name__))

    backend = ScriptedBackend(replies=[draft_json(ARTICLES[0])])  # none left for the second
    result = summarize(ARTICLES[:2], backend=backend, on_done=on_done, consolidate=False)
    assert [b.article_id for b in result.briefs] == ["art-0"]
    assert [(type(e).__name__, e.article_id) for e in result.failures] == [
        ("BackendError", "art-1")
    ]
    assert result.events == []
    assert done == [("art-0", "Brief"), ("art-1", "BackendError")]
    assert result.model == "scripted" and result.stats.articles == 2


def test_adjudication_uses_the_run_s_backend_and_needs_consolidation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    judges: list[Any] = []

    class Judge:
        name = "test"

        def __init__(self, *, backend: Any) -> None:
            judges.append(backend)

        def same_event(self, a: str, b: str) -> bool | None:
            return None

        def same_entity(self, a: str, b: str) -> bool | None:
            return None

    monkeypatch.setattr(summarizer.pipeline, "LLMAdjudicator", Judge)
    backend = ScriptedBackend(replies=[draft_json(a) for a in ARTICLES[:2]])
    result = summarize(ARTICLES[:2], backend=backend, adjudicate=True)
    assert len(judges) == 1 and judges[0] is backend
    assert len(result.briefs) == 2 and result.events
    with pytest.raises(ValueError, match="consolidate"):
        summarize(ARTICLES[:1], backend=backend, adjudicate=True, consolidate=False)


@pytest.mark.parametrize("command", ["extract", "run"])
def test_the_cli_runs_through_the_orchestrator(
    command: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[list[Article], dict[str, Any]]] = []

    def fake(articles: list[Article], config: Any, **kwargs: Any) -> RunResult:
        calls.append((list(articles), kwargs))
        down = BackendError("down", article_id=articles[0].id, attempts=2)
        return RunResult(briefs=[], events=[], failures=[down], model=config.model)

    monkeypatch.setattr("summarizer.cli.commands.summarize", fake)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-pipeline")
    (tmp_path / "a.txt").write_text("The council approved a budget on Tuesday.")
    args = [command, str(tmp_path / "a.txt"), "--out", str(tmp_path / "out"), "--json"]
    args += ["--no-cache", "--concurrency", "3", "--base-url", "http://127.0.0.1:9/v1"]
    args += ["--model", "m", *(["--adjudicate"] if command == "run" else [])]
    assert main(args) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["failures"] == [
        {"article_id": "a", "error": "BackendError", "message": "down", "attempts": 2}
    ]
    assert payload["llm_calls"] == 2 and payload["events"] == (0 if command == "run" else None)
    [(articles, kwargs)] = calls
    assert [a.id for a in articles] == ["a"]
    assert kwargs["concurrency"] == 3 and kwargs["cache"] is None and callable(kwargs["on_done"])
    assert kwargs["consolidate"] is kwargs["adjudicate"] is (command == "run")
