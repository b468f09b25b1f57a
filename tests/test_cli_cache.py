"""The CLI's brief cache: a rerun of the same input makes no LLM call."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarizer.cli import main

from .fakeserver import FakeServer, answer_article  # a real HTTP server on 127.0.0.1


def _run(server: FakeServer, inputs: Path, out: Path, *extra: str) -> None:
    args = ["extract", str(inputs), "--out", str(out), "--json", "--base-url", server.base_url]
    assert main([*args, "--model", "fake", "--mode", "json_with_schema", *extra]) == 0


def test_rerun_is_served_from_the_cache(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-cli")
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, text in {
        "a": "NAIROBI - President William Ruto spoke with Marco Rubio on Monday about trade.",
        "b": "GENEVA - Ministers Ana Costa and Lars Berg met on Friday to discuss fishing rights.",
    }.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    with FakeServer() as server:
        server.script(*(answer_article() for _ in range(4)))
        _run(server, folder, tmp_path / "one")
        first = json.loads(capsys.readouterr().out)
        assert len(server.requests) == 2
        _run(server, folder, tmp_path / "two")
        second = json.loads(capsys.readouterr().out)
        assert len(server.requests) == 2  # nothing new asked
        _run(server, folder, tmp_path / "three", "--no-cache")
        capsys.readouterr()
        assert len(server.requests) == 4  # --no-cache asks again
    assert first["briefs"] == second["briefs"] == 2
    assert first["llm_calls"] == 2 and first["cache_hits"] == 0
    assert second["llm_calls"] == 0 and second["cache_hits"] == 2
    assert second["tokens"] == {"prompt": 0, "completion": 0, "total": 0}
    one = (tmp_path / "one" / "briefs.jsonl").read_text().splitlines()
    two = (tmp_path / "two" / "briefs.jsonl").read_text().splitlines()
    assert [json.loads(x)["article_id"] for x in one] == [json.loads(x)["article_id"] for x in two]
    assert all(json.loads(x)["meta"]["cached"] for x in two)
