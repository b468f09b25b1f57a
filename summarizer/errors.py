"""The exceptions summarizer raises: one tree, one root.

::

    SummarizerError                  root: catch this to catch everything
    ├── UsageError                   the caller must change something
    │   ├── ConfigError              bad or missing configuration
    │   ├── PromptError              a prompt file is missing or its variables do not fit
    │   └── InputError               an article cannot be read or is empty (carries its id)
    └── RunError                     went wrong while running; the input may be fine
        ├── BackendError             the server failed or was unreachable after HTTP retries
        ├── OutputError              the model's answer stayed invalid after the re-ask
        │   └── RunawayOutputError   the answer hit max_tokens (repetition) twice
        └── LocalModelError          the embedded model or its server could not be set up

Errors about one article carry ``article_id``; run-time errors also carry
``attempts`` (LLM calls made), ``usage`` (tokens spent, failed attempts
included) and ``last_response`` (the raw text of the last answer, if any).
An API key never appears in a message.
"""

from __future__ import annotations

from summarizer.types import Usage

__all__ = [
    "BackendError",
    "ConfigError",
    "InputError",
    "LocalModelError",
    "OutputError",
    "PromptError",
    "RunError",
    "RunawayOutputError",
    "SummarizerError",
    "UsageError",
]


class SummarizerError(Exception):
    """Root of every exception raised by summarizer."""

    def __init__(self, message: str, *, article_id: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.article_id = article_id

    def __str__(self) -> str:
        if self.article_id is None:
            return self.message
        return f"[{self.article_id}] {self.message}"


class UsageError(SummarizerError):
    """A mistake the caller can fix: configuration, prompts, input."""


class ConfigError(UsageError):
    pass


class PromptError(UsageError):
    pass


class InputError(UsageError):
    """An article that cannot be used: unreadable, undecodable, empty."""


class RunError(SummarizerError):
    """A failure while running, with what was spent on the way."""

    def __init__(
        self,
        message: str,
        *,
        article_id: str | None = None,
        attempts: int = 0,
        usage: Usage | None = None,
        last_response: str | None = None,
    ) -> None:
        super().__init__(message, article_id=article_id)
        self.attempts = attempts
        self.usage = usage if usage is not None else Usage()
        self.last_response = last_response


class BackendError(RunError):
    """HTTP or transport failure that outlasted the HTTP retry layer."""


class OutputError(RunError):
    """The model's answer did not fit the schema, even after the re-ask."""


class RunawayOutputError(OutputError):
    """The answer was cut at ``max_tokens`` (the model repeated itself), twice."""


class LocalModelError(RunError):
    """The embedded model or its llama.cpp server could not be set up."""
