"""Shared fixtures: cassette replay (vcrpy via pytest-recording) and the seed articles.

Cassettes live in ``cassettes/`` at the repository root. Tests replay them with the
network blocked; request bodies are matched as JSON. To re-record them against the
embedded model (it is started for the run):

    make record   (tests/record.py)
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from summarizer import Article, LLMConfig
from summarizer.inputs import read_text_article

REPO = Path(__file__).resolve().parents[1]
CASSETTES = REPO / "cassettes"
SEEDS = sorted((REPO / "examples" / "articles").glob("*.txt"))
# Fictional follow-up reports written for the tests (tests/data/followups/README.md).
FOLLOWUPS = REPO / "tests" / "data" / "followups"

# Never written to a cassette: credentials and account identifiers, both directions.
SCRUBBED_HEADERS = (
    "authorization",
    "api-key",
    "x-api-key",
    "cookie",
    "set-cookie",
    "openai-organization",
    "openai-project",
)


def _json_or_raw(body: Any) -> Any:
    if body is None:
        return None
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    try:
        return json.loads(body)
    except ValueError:
        return body


def json_body(r1: Any, r2: Any) -> None:
    """vcrpy matcher: request bodies are equal as JSON (key order and spacing don't matter)."""
    if _json_or_raw(r1.body) != _json_or_raw(r2.body):
        raise AssertionError("request bodies differ as JSON")


def scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in SCRUBBED_HEADERS:
            del headers[name]
    return response


def pytest_recording_configure(config: pytest.Config, vcr: Any) -> None:
    vcr.register_matcher("json_body", json_body)


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    return {
        # Host and port are configuration (the recording server's port is random).
        "match_on": ["method", "path", "json_body"],
        "filter_headers": list(SCRUBBED_HEADERS),
        "before_record_response": scrub_response,
        "decode_compressed_response": True,
    }


@pytest.fixture(scope="module")
def vcr_cassette_dir() -> str:
    return str(CASSETTES)


@pytest.fixture(scope="session")
def model_config(record_mode: str | None) -> Iterator[LLMConfig]:
    """The embedded model's config: a live server when recording, else a replay address."""
    from summarizer.llm.local import local_config, local_server

    if record_mode in (None, "none"):
        yield local_config("http://127.0.0.1:9/v1")  # never reached: replay only
        return
    with local_server() as config:
        yield config


def seed(article_id_prefix: str) -> Article:
    """A seed article by the start of its id, e.g. ``seed("000")``."""
    (path,) = [p for p in SEEDS if p.name.startswith(article_id_prefix)]
    return read_text_article(path)


@pytest.fixture(autouse=True, scope="session")
def _session_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The CLI caches briefs under $SUMMARIZER_CACHE_DIR: never the user's cache in tests
    (this covers module- and session-scoped fixtures too)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path_factory.mktemp("session-cache")))
        yield


@pytest.fixture(autouse=True)
def _private_cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test its own empty cache: no test is served another test's briefs."""
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path / "cache"))
