"""Prices, cost estimates and per-run stats."""

from __future__ import annotations

import pytest

from summarizer import (
    BackendError,
    InputError,
    OutputError,
    Price,
    RunStats,
    Usage,
    estimate_cost,
    extract_briefs,
    summarize,
)
from summarizer.llm.costs import PRICES, price_of
from summarizer.llm.local import local_config
from summarizer.testing import ScriptedBackend

from .fakeserver import draft_json
from .test_faults import ARTICLES

MILLION = Usage(prompt_tokens=1_000_000, completion_tokens=1_000_000)


def test_known_models_are_priced_per_million_tokens() -> None:
    assert estimate_cost(MILLION, "gpt-4o-mini") == pytest.approx(0.15 + 0.60)
    assert estimate_cost(Usage(prompt_tokens=2000, completion_tokens=500), "gpt-4o") == (
        pytest.approx(2000 * 2.50 / 1e6 + 500 * 10.00 / 1e6)
    )


def test_a_dated_variant_takes_its_longest_listed_prefix() -> None:
    assert price_of("gpt-4o-mini-2024-07-18") == PRICES["gpt-4o-mini"]
    assert price_of("gpt-4o-2024-08-06") == PRICES["gpt-4o"]
    assert price_of("gpt-4.1-nano-2025-04-14") == PRICES["gpt-4.1-nano"]


def test_an_unknown_model_has_no_price_not_a_guess() -> None:
    assert estimate_cost(MILLION, "llama-3-70b") is None
    assert price_of("4o") is None


def test_the_embedded_model_is_free() -> None:
    model = local_config("http://127.0.0.1:9/v1").model
    assert estimate_cost(MILLION, model) == 0.0


def test_users_extend_or_override_the_table() -> None:
    mine = {**PRICES, "my-vllm-model": Price(0.0, 0.0), "gpt-4o": Price(1.0, 1.0)}
    assert estimate_cost(MILLION, "my-vllm-model", mine) == 0.0
    assert estimate_cost(MILLION, "gpt-4o", mine) == 2.0
    assert estimate_cost(MILLION, "gpt-4o", {"gpt-4o": (3.0, 4.0)}) == 7.0  # type: ignore[dict-item]


def test_the_batch_api_is_half_price() -> None:
    assert estimate_cost(MILLION, "gpt-4o-mini", batch=True) == pytest.approx(0.375)


def scripted_results() -> list[object]:
    backend = ScriptedBackend(
        replies=[draft_json(ARTICLES[0]), BackendError("HTTP 503", attempts=3)],
        model="gpt-4o-mini",
    )
    return list(extract_briefs(ARTICLES[:2], backend=backend))


def test_run_stats_count_briefs_failures_calls_tokens_and_cost() -> None:
    brief, failure = scripted_results()
    failure.usage = Usage(prompt_tokens=7, completion_tokens=0)  # type: ignore[attr-defined]
    empty = InputError("article text is empty", article_id="e")
    invalid = OutputError("did not fit", attempts=2, usage=Usage(prompt_tokens=200))
    stats = RunStats.from_results([brief, failure, empty, invalid], wall_s=1.23456)  # type: ignore[list-item]
    assert (stats.articles, stats.briefs, stats.failures, stats.cache_hits) == (4, 1, 3, 0)
    assert stats.llm_calls == 1 + 3 + 0 + 2
    assert (stats.prompt_tokens, stats.completion_tokens) == (100 + 7 + 200, 50)
    # Failures are priced as the briefs' model when there is just one.
    assert stats.cost_usd == pytest.approx((307 * 0.15 + 50 * 0.60) / 1e6)
    assert stats.wall_s == 1.235
    assert "from cache" in stats.table()


def test_unpriced_tokens_make_the_cost_unknown() -> None:
    backend = ScriptedBackend(replies=[draft_json(ARTICLES[0])], model="my-local")
    stats = RunStats.from_results(extract_briefs(ARTICLES[:1], backend=backend))
    assert stats.cost_usd is None
    assert "unknown" in stats.table()
    priced = RunStats.from_results(
        extract_briefs(ARTICLES[:1], backend=ScriptedBackend([draft_json(ARTICLES[0])], "m")),
        prices={"m": Price(1.0, 1.0)},
    )
    assert priced.cost_usd == pytest.approx(150 / 1e6)


def test_no_tokens_cost_nothing_even_unpriced() -> None:
    assert RunStats.from_results([]).cost_usd == 0.0
    assert RunStats.from_results([InputError("empty", article_id="x")]).cost_usd == 0.0


def test_the_run_result_carries_its_stats() -> None:
    backend = ScriptedBackend(replies=[draft_json(a) for a in ARTICLES[:3]], model="gpt-4o-mini")
    result = summarize(ARTICLES[:3], backend=backend)
    stats = result.stats
    assert (stats.articles, stats.briefs, stats.llm_calls) == (3, 3, 3)
    assert stats.usage == result.usage == Usage(prompt_tokens=300, completion_tokens=150)
    assert result.model == "gpt-4o-mini"
    assert stats.wall_s == round(result.wall_s, 3) and result.wall_s > 0
    assert stats.cost_usd == pytest.approx((300 * 0.15 + 150 * 0.60) / 1e6)
