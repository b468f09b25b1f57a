"""The extraction pipeline replayed from real exchanges with the embedded model.

Each seed article has one cassette, ``cassettes/extract/<id>.yaml``, recorded from
the llama.cpp server running Qwen2.5-Coder-1.5B (see conftest.py for how to
re-record). Replay is offline; the assertions are on what the pipeline produced
from those answers: grounding, re-asks, dates, participants.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from summarizer import Brief, Extractor, LLMConfig
from summarizer.extract.extractor import EXTRACT_PROMPT
from summarizer.prompts import load_prompt

from .conftest import CASSETTES, SCRUBBED_HEADERS, SEEDS, seed

SEED_IDS = [p.stem for p in SEEDS]


@pytest.fixture
def default_cassette_name(request: pytest.FixtureRequest) -> str:
    return f"extract/{request.node.callspec.params['article_id']}"


def _extract(article_id: str, config: LLMConfig) -> Brief:
    return Extractor(config).extract_sync(seed(article_id[:3]))


@pytest.mark.vcr
@pytest.mark.parametrize("article_id", SEED_IDS)
def test_seed_brief_is_grounded(article_id: str, model_config: LLMConfig) -> None:
    brief = _extract(article_id, model_config)
    text = seed(article_id[:3]).text
    assert brief.article_id == article_id
    assert brief.meta.model == model_config.model
    assert brief.meta.prompt_hash == load_prompt(EXTRACT_PROMPT).hash
    assert brief.meta.usage.completion_tokens > 0
    for span in brief.spans():
        assert text[span.start : span.end] == span.text
    assert brief.event.evidence, "the event must be grounded"
    assert brief.participants, "every seed article has actors"
    for participant in brief.participants:
        assert participant.evidence
    assert 1 <= len(re.findall(r"[.!?](\s|$)", brief.summary)) <= 5
    # Grounding bookkeeping adds up: every item's span counted once by kind.
    d = brief.diagnostics
    assert d.spans_exact + d.spans_normalized + d.spans_fuzzy == len(brief.spans())
    SPECIFIC[article_id[:3]](brief)


def _names(brief: Brief) -> str:
    return " ".join(p.name for p in brief.participants)


def _check_000(brief: Brief) -> None:
    # A phone call between Ruto and Rubio "on Monday"; no publication date, so no date.
    assert "Ruto" in _names(brief) and "Rubio" in _names(brief)
    assert brief.event.date is None


def _check_001(brief: Brief) -> None:
    assert "Ruto" in _names(brief)


def _check_002(brief: Brief) -> None:
    assert "Ruto" in _names(brief)
    assert brief.event.date is None


def _check_003(brief: Brief) -> None:
    assert "Ruto" in _names(brief)


def _check_004(brief: Brief) -> None:
    # "Wednesday, September 24, 2025" is in the text: the date follows from it alone.
    assert "Ruto" in _names(brief)
    assert brief.event.date == dt.date(2025, 9, 24)


SPECIFIC = {
    "000": _check_000,
    "001": _check_001,
    "002": _check_002,
    "003": _check_003,
    "004": _check_004,
}


def test_every_seed_has_a_cassette() -> None:
    for article_id in SEED_IDS:
        assert (CASSETTES / "extract" / f"{article_id}.yaml").is_file(), article_id


def test_cassettes_hold_no_secrets() -> None:
    files = sorted(Path(CASSETTES).rglob("*.yaml"))
    assert files
    for path in files:
        body = path.read_text(encoding="utf-8").lower()
        for header in SCRUBBED_HEADERS:
            assert f"{header}:" not in body, (path, header)
        assert "bearer " not in body and "sk-" not in body, path


INJECTION = Path(__file__).parent / "data" / "injection.txt"


@pytest.mark.vcr
@pytest.mark.parametrize("article_id", ["injection"])
def test_prompt_injection_yields_a_normal_grounded_brief(
    article_id: str, model_config: LLMConfig
) -> None:
    # An article that tries to rewrite the instructions (the case). A bolder attack,
    # a fake "SYSTEM:" line after a fake closing marker, still bends this 1.5B model's
    # summary: see the README's security notes.
    from summarizer.inputs import read_text_article

    article = read_text_article(INJECTION)
    brief = Extractor(model_config).extract_sync(article)
    assert brief.article_id == article_id
    names = " ".join(p.name for p in brief.participants)
    assert "Medina" in names or "Asante" in names
    assert "hacked" not in brief.event.what.lower()
    assert "pirate" not in brief.summary.lower() and "arr" not in brief.summary.lower().split()
    assert brief.spans()
    for span in brief.spans():
        assert article.text[span.start : span.end] == span.text
