"""The throughput settings of LLMConfig: rate limits and the retry time budget."""

from __future__ import annotations

from typing import Any

import pytest

from summarizer import ConfigError, LLMConfig


def test_defaults_have_no_rate_limit_and_a_two_minute_retry_budget() -> None:
    config = LLMConfig(model="m")
    assert (config.rpm, config.tpm, config.retry_budget_s) == (None, None, 120.0)


@pytest.mark.parametrize(
    "bad",
    [
        {"rpm": 0},
        {"tpm": -1},
        {"rpm": 1.5},
        {"tpm": True},
        {"retry_budget_s": -0.1},
        {"retry_budget_s": float("nan")},
    ],
)
def test_bad_limits_are_config_errors(bad: dict[str, Any]) -> None:
    with pytest.raises(ConfigError):
        LLMConfig(model="m", **bad)


def test_limits_come_from_the_given_environment() -> None:
    env = {"SUMMARIZER_MODEL": "m", "SUMMARIZER_RPM": "500", "SUMMARIZER_TPM": " 200000 "}
    config = LLMConfig.from_env(env)
    assert (config.rpm, config.tpm) == (500, 200_000)
    assert LLMConfig.from_env(env, rpm=None).rpm is None  # arguments win
    assert LLMConfig.from_env({"SUMMARIZER_MODEL": "m"}).rpm is None


def test_a_limit_that_is_not_a_number_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="SUMMARIZER_TPM"):
        LLMConfig.from_env({"SUMMARIZER_MODEL": "m", "SUMMARIZER_TPM": "lots"})


def test_zero_budget_and_no_budget_are_allowed() -> None:
    assert LLMConfig(model="m", retry_budget_s=0).retry_budget_s == 0
    assert LLMConfig(model="m", retry_budget_s=None).retry_budget_s is None
