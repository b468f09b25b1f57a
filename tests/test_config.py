"""Tests for summarizer.llm.config: secrets never shown, explicit env mapping, validation."""

from __future__ import annotations

import dataclasses

import pytest

from summarizer.errors import ConfigError, UsageError
from summarizer.llm.backend import OpenAIBackend
from summarizer.llm.config import OPENAI_BASE_URL, LLMConfig

SECRET = "sk-test-SECRET123"


def make(**changes: object) -> LLMConfig:
    values: dict[str, object] = {"model": "gpt-test", "api_key": SECRET}
    values.update(changes)
    return LLMConfig(**values)  # type: ignore[arg-type]


# --- the key is never shown -------------------------------------------------------------


def test_repr_and_str_hide_the_api_key() -> None:
    config = make()

    for shown in (repr(config), str(config), f"{config}", f"{config!r}"):
        assert SECRET not in shown
        assert "SECRET" not in shown
        assert "gpt-test" in shown
        assert "api_key=***" in shown


def test_repr_without_a_key_says_so() -> None:
    config = make(api_key="")
    assert "api_key=''" in repr(config)


def test_repr_of_containers_hides_the_api_key() -> None:
    config = make()
    assert SECRET not in repr([config])
    assert SECRET not in repr({"cfg": config})


def test_backend_repr_hides_the_api_key() -> None:
    backend = OpenAIBackend(make())

    assert SECRET not in repr(backend)
    assert SECRET not in str(backend)
    assert repr(backend).startswith("OpenAIBackend(LLMConfig(")
    assert backend.model == "gpt-test"


def test_validation_errors_do_not_show_the_api_key() -> None:
    for changes in (
        {"base_url": "ftp://example.com"},
        {"mode": "xml"},
        {"timeout_s": 0},
        {"reasks": -1},
    ):
        with pytest.raises(ConfigError) as info:
            make(**changes)
        assert SECRET not in str(info.value)
        assert SECRET not in repr(info.value)


# --- from_env with an explicit mapping --------------------------------------------------


def test_from_env_reads_all_four_variables() -> None:
    env = {
        "OPENAI_API_KEY": SECRET,
        "OPENAI_BASE_URL": "http://localhost:8080/v1",
        "SUMMARIZER_MODEL": "qwen2.5-7b",
        "SUMMARIZER_MODE": "json_with_schema",
    }

    config = LLMConfig.from_env(env)

    assert config.api_key == SECRET
    assert config.base_url == "http://localhost:8080/v1"
    assert config.model == "qwen2.5-7b"
    assert config.mode == "json_with_schema"
    assert SECRET not in repr(config)


def test_from_env_defaults() -> None:
    config = LLMConfig.from_env(env={"SUMMARIZER_MODEL": "m"})

    assert config.model == "m"
    assert config.api_key == ""
    assert config.base_url == OPENAI_BASE_URL
    assert config.mode == "tools"
    assert config == LLMConfig(model="m")


def test_from_env_empty_values_mean_default() -> None:
    config = LLMConfig.from_env(
        env={"SUMMARIZER_MODEL": "m", "OPENAI_BASE_URL": "", "SUMMARIZER_MODE": ""}
    )

    assert config.base_url == OPENAI_BASE_URL
    assert config.mode == "tools"


def test_from_env_overrides_win() -> None:
    env = {
        "OPENAI_API_KEY": "sk-env",
        "OPENAI_BASE_URL": "http://env:1/v1",
        "SUMMARIZER_MODEL": "env-model",
        "SUMMARIZER_MODE": "json",
    }

    config = LLMConfig.from_env(
        env,
        model="override-model",
        base_url="https://override.example/v1",
        api_key=SECRET,
        mode="json_schema",
        reasks=0,
        max_tokens=64,
    )

    assert config.model == "override-model"
    assert config.base_url == "https://override.example/v1"
    assert config.api_key == SECRET
    assert config.mode == "json_schema"
    assert config.reasks == 0
    assert config.max_tokens == 64


def test_from_env_model_override_without_env_model() -> None:
    assert LLMConfig.from_env(env={}, model="m").model == "m"


def test_from_env_missing_model_is_a_config_error() -> None:
    with pytest.raises(ConfigError) as info:
        LLMConfig.from_env(env={"OPENAI_API_KEY": SECRET})

    assert "SUMMARIZER_MODEL" in str(info.value)
    assert SECRET not in str(info.value)
    assert isinstance(info.value, UsageError)


def test_from_env_empty_model_is_a_config_error() -> None:
    with pytest.raises(ConfigError):
        LLMConfig.from_env(env={"SUMMARIZER_MODEL": ""})


def test_from_env_invalid_mode_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="mode"):
        LLMConfig.from_env(env={"SUMMARIZER_MODEL": "m", "SUMMARIZER_MODE": "grammar"})


@pytest.mark.parametrize("url", ["ftp://example.com", "localhost:8080/v1", "api.openai.com"])
def test_from_env_non_http_base_url_is_a_config_error(url: str) -> None:
    with pytest.raises(ConfigError, match="base_url"):
        LLMConfig.from_env(env={"SUMMARIZER_MODEL": "m", "OPENAI_BASE_URL": url})


# --- validation in the constructor ------------------------------------------------------


@pytest.mark.parametrize("timeout", [0, 0.0, -1, -0.5])
def test_non_positive_timeout_is_a_config_error(timeout: float) -> None:
    with pytest.raises(ConfigError, match="timeout_s"):
        make(timeout_s=timeout)
    with pytest.raises(ConfigError, match="timeout_s"):
        LLMConfig.from_env(env={"SUMMARIZER_MODEL": "m"}, timeout_s=timeout)


@pytest.mark.parametrize(
    "changes",
    [{"model": ""}, {"max_tokens": 0}, {"http_retries": -1}, {"reasks": -1}, {"mode": "TOOLS"}],
)
def test_other_invalid_values(changes: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        make(**changes)


@pytest.mark.parametrize("mode", ["tools", "json_schema", "json", "json_with_schema"])
def test_every_mode_is_accepted(mode: str) -> None:
    assert make(mode=mode).mode == mode


# --- immutability -----------------------------------------------------------------------


def test_config_is_frozen() -> None:
    config = make()

    with pytest.raises(dataclasses.FrozenInstanceError):
        config.model = "other"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.api_key = "sk-other"  # type: ignore[misc]
    assert config.model == "gpt-test"


def test_replace_returns_a_changed_copy() -> None:
    config = make()

    changed = config.replace(model="other", reasks=3, temperature=0.7)

    assert changed is not config
    assert (changed.model, changed.reasks, changed.temperature) == ("other", 3, 0.7)
    assert changed.api_key == SECRET
    assert changed.base_url == config.base_url
    assert (config.model, config.reasks, config.temperature) == ("gpt-test", 1, 0.0)


def test_replace_validates() -> None:
    with pytest.raises(ConfigError):
        make().replace(base_url="file:///etc/passwd")
    with pytest.raises(ConfigError):
        make().replace(timeout_s=0)
