"""Tests for summarizer.errors: one tree, one root, article ids and run-time costs."""

from __future__ import annotations

import pickle

import pytest

import summarizer.errors as errors_module
from summarizer.errors import (
    BackendError,
    ConfigError,
    InputError,
    LocalModelError,
    OutputError,
    PromptError,
    RunawayOutputError,
    RunError,
    SummarizerError,
    UsageError,
)
from summarizer.types import Usage

# Each class and its direct parent.
TREE = {
    UsageError: SummarizerError,
    RunError: SummarizerError,
    ConfigError: UsageError,
    PromptError: UsageError,
    InputError: UsageError,
    BackendError: RunError,
    OutputError: RunError,
    LocalModelError: RunError,
    RunawayOutputError: OutputError,
}


def test_root_is_an_exception() -> None:
    assert SummarizerError.__bases__ == (Exception,)


@pytest.mark.parametrize(("child", "parent"), list(TREE.items()), ids=lambda c: c.__name__)
def test_tree_shape(child: type[Exception], parent: type[Exception]) -> None:
    assert child.__bases__ == (parent,)
    assert issubclass(child, SummarizerError)


def test_usage_and_run_errors_are_disjoint() -> None:
    for cls in (ConfigError, PromptError, InputError):
        assert not issubclass(cls, RunError)
    for cls in (BackendError, OutputError, RunawayOutputError, LocalModelError):
        assert not issubclass(cls, UsageError)


def test_tree_covers_the_module() -> None:
    assert set(errors_module.__all__) == {c.__name__ for c in TREE} | {"SummarizerError"}


def test_docstring_has_the_diagram() -> None:
    doc = errors_module.__doc__
    assert doc is not None
    for cls in [SummarizerError, *TREE]:
        assert cls.__name__ in doc, cls.__name__
    # The diagram nests children under parents, in this order.
    lines = [line for line in doc.splitlines() if "Error" in line and ("├" in line or "└" in line)]
    names = [line.split("── ")[1].split()[0] for line in lines]
    assert names == [
        "UsageError",
        "ConfigError",
        "PromptError",
        "InputError",
        "RunError",
        "BackendError",
        "OutputError",
        "RunawayOutputError",
        "LocalModelError",
    ]


def test_str_includes_the_article_id() -> None:
    error = InputError("article text is empty", article_id="reuters-1")

    assert str(error) == "[reuters-1] article text is empty"
    assert error.message == "article text is empty"
    assert error.article_id == "reuters-1"


def test_str_without_an_article_id_is_the_message() -> None:
    error = ConfigError("model must be set")

    assert str(error) == "model must be set"
    assert error.article_id is None


def test_run_error_carries_attempts_usage_and_last_response() -> None:
    usage = Usage(prompt_tokens=1200, completion_tokens=1400)
    error = RunawayOutputError(
        "answer hit max_tokens twice",
        article_id="a1",
        attempts=2,
        usage=usage,
        last_response='{"what": "talks talks talks',
    )

    assert error.attempts == 2
    assert error.usage == usage
    assert error.usage.total_tokens == 2600
    assert error.last_response == '{"what": "talks talks talks'
    assert str(error) == "[a1] answer hit max_tokens twice"
    assert isinstance(error, OutputError)
    assert isinstance(error, RunError)


def test_run_error_defaults() -> None:
    error = BackendError("server unreachable")

    assert error.attempts == 0
    assert error.usage == Usage()
    assert error.usage.total_tokens == 0
    assert error.last_response is None
    assert error.article_id is None
    assert str(error) == "server unreachable"


def test_default_usage_is_not_shared() -> None:
    a, b = RunError("a"), RunError("b")
    assert a.usage == b.usage == Usage()


def test_catch_by_root() -> None:
    with pytest.raises(SummarizerError) as info:
        raise LocalModelError("no model", article_id="x")
    assert str(info.value) == "[x] no model"


def test_errors_survive_pickling() -> None:
    # Errors cross process boundaries (worker pools); nothing may be lost on the way.
    error = OutputError(
        "invalid", article_id="a1", attempts=2, usage=Usage(prompt_tokens=5), last_response="{"
    )

    copy = pickle.loads(pickle.dumps(error))

    assert type(copy) is OutputError
    assert str(copy) == "[a1] invalid"
    assert (copy.attempts, copy.usage, copy.last_response) == (2, Usage(prompt_tokens=5), "{")

    usage_copy = pickle.loads(pickle.dumps(InputError("empty", article_id="b")))
    assert str(usage_copy) == "[b] empty"
