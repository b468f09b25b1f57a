"""Configuration in explicit frozen objects; only `LLMConfig.from_env` reads the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal, get_args

from summarizer.errors import ConfigError

__all__ = ["LLMConfig", "Mode", "Transport"]

Mode = Literal["tools", "json_schema", "json", "json_with_schema"]
"""How structured output is requested from the server.

- ``tools``: a function/tool call (OpenAI, vLLM, Ollama, llama.cpp).
- ``json_schema``: ``response_format={"type": "json_schema", ...}`` (OpenAI structured outputs).
- ``json``: ``response_format={"type": "json_object"}``; the schema is only in the prompt.
- ``json_with_schema``: JSON mode plus the schema passed as
  ``response_format={"type": "json_object", "schema": ...}``, which llama.cpp's server
  turns into a grammar (its ``json_schema`` type fails in llama-cpp-python 0.3.x).
"""

Transport = Literal["aiohttp", "httpx"]
"""The ``openai`` client's HTTP transport: ``aiohttp`` (``openai.DefaultAioHttpClient``,
the SDK's choice for many concurrent requests: ~0.6 ms less CPU per request) or its
default ``httpx`` one. Answers are the same either way."""

OPENAI_BASE_URL = "https://api.openai.com/v1"


@dataclass(frozen=True)
class LLMConfig:
    """Where and how to call the model. Immutable; derive variants with :meth:`replace`.

    The backend is chosen by these values alone (base URL, key, model, mode), never
    guessed from a model name.
    """

    model: str
    base_url: str = OPENAI_BASE_URL
    api_key: str = field(default="", repr=False)
    mode: Mode = "tools"
    timeout_s: float = 180.0
    http_retries: int = 2
    """Retries of 429/5xx/connection errors in the HTTP layer (Retry-After is honoured)."""
    retry_budget_s: float | None = 120.0
    """Bound on one request's total time, tries and waits included: no HTTP retry starts
    (or is waited for) beyond it. ``None``: bounded by ``http_retries`` only."""
    rpm: int | None = None
    """Client-side limit on requests per minute (HTTP retries included); ``None``: none."""
    tpm: int | None = None
    """Client-side limit on tokens per minute (estimated from the prompt's length plus
    ``max_tokens``, corrected by the usage the server reports); ``None``: none."""
    reasks: int = 1
    """Extra calls allowed after an invalid or ungrounded answer (0 disables re-asking)."""
    max_tokens: int = 1400
    """Bound on one answer's length: an answer cut here counts as runaway output."""
    temperature: float = 0.0
    seed: int | None = 0
    frequency_penalty: float | None = None
    extra_body: Mapping[str, Any] = field(default_factory=dict)
    """Sent as-is with every request (server-specific sampling options)."""
    transport: Transport = "aiohttp"
    server_id: str | None = None
    """What names the server in the brief cache's key instead of ``base_url``: the embedded
    server takes a free port every run, so it sets the name of its weights file."""

    def __post_init__(self) -> None:
        if not self.model:
            raise ConfigError("model must be set")
        if self.mode not in get_args(Mode):
            raise ConfigError(f"mode must be one of {get_args(Mode)}, not {self.mode!r}")
        if self.transport not in get_args(Transport):
            raise ConfigError(
                f"transport must be one of {get_args(Transport)}, not {self.transport!r}"
            )
        if not self.base_url.startswith(("http://", "https://")):
            raise ConfigError(f"base_url must be an http(s) URL, not {self.base_url!r}")
        if not (self.timeout_s > 0) or self.max_tokens <= 0:  # also rejects NaN
            raise ConfigError("timeout_s and max_tokens must be positive")
        if self.http_retries < 0 or self.reasks < 0:
            raise ConfigError("http_retries and reasks must be >= 0")
        if self.retry_budget_s is not None and not (self.retry_budget_s >= 0):
            raise ConfigError("retry_budget_s must be >= 0 or None")
        for name in ("rpm", "tpm"):
            limit = getattr(self, name)
            if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)):
                raise ConfigError(f"{name} must be a whole number or None, not {limit!r}")
            if limit is not None and limit <= 0:
                raise ConfigError(f"{name} must be positive or None, not {limit}")

    def __repr__(self) -> str:
        key = "***" if self.api_key else "''"
        return (
            f"LLMConfig(model={self.model!r}, base_url={self.base_url!r}, api_key={key}, "
            f"mode={self.mode!r}, timeout_s={self.timeout_s}, max_tokens={self.max_tokens})"
        )

    def replace(self, **changes: Any) -> LLMConfig:
        """A copy with some fields changed."""
        return replace(self, **changes)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> LLMConfig:
        """Read ``OPENAI_API_KEY``, ``OPENAI_BASE_URL``, ``SUMMARIZER_MODEL``,
        ``SUMMARIZER_MODE``, ``SUMMARIZER_RPM`` and ``SUMMARIZER_TPM``; keyword arguments
        win over the environment."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {
            "model": env.get("SUMMARIZER_MODEL", ""),
            "base_url": env.get("OPENAI_BASE_URL") or OPENAI_BASE_URL,
            "api_key": env.get("OPENAI_API_KEY", ""),
        }
        if env.get("SUMMARIZER_MODE"):
            values["mode"] = env["SUMMARIZER_MODE"]
        for name in ("rpm", "tpm"):
            raw = env.get(f"SUMMARIZER_{name.upper()}", "").strip()
            if raw:
                try:
                    values[name] = int(raw)
                except ValueError:
                    raise ConfigError(
                        f"SUMMARIZER_{name.upper()} must be a whole number, not {raw!r}"
                    ) from None
        values.update(overrides)
        if not values["model"]:
            raise ConfigError("no model: set SUMMARIZER_MODEL or pass model=...")
        return cls(**values)
