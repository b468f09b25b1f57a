"""The public surface of ``summarizer`` (in the spirit of httpx's test_exported_members)."""

from __future__ import annotations

import importlib
import importlib.metadata
import inspect
import sys
import types

import pytest

import summarizer
import summarizer.errors
from summarizer._compat import MOVED


def test_all_names_exist() -> None:
    missing = [name for name in summarizer.__all__ if not hasattr(summarizer, name)]
    assert missing == []


def test_all_has_no_duplicates() -> None:
    assert len(summarizer.__all__) == len(set(summarizer.__all__))


def test_all_is_sorted() -> None:
    assert summarizer.__all__ == sorted(summarizer.__all__)


def test_every_public_class_and_function_is_in_all() -> None:
    unlisted = []
    for name, value in vars(summarizer).items():
        if name.startswith("_") or isinstance(value, types.ModuleType):
            continue
        if not (inspect.isclass(value) or inspect.isfunction(value)):
            continue
        module = getattr(value, "__module__", "") or ""
        ours = module == "summarizer" or module.startswith("summarizer.")
        if ours and name not in summarizer.__all__:
            unlisted.append(name)
    assert unlisted == []


def test_public_names_come_from_summarizer() -> None:
    # Nothing in __all__ is a stray re-export of a third-party object.
    for name in summarizer.__all__:
        value = getattr(summarizer, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert value.__module__.startswith("summarizer."), name


def test_every_exception_is_exported_and_rooted() -> None:
    for name in summarizer.errors.__all__:
        assert name in summarizer.__all__, name
        error = getattr(summarizer, name)
        assert error is getattr(summarizer.errors, name)
        assert issubclass(error, summarizer.SummarizerError)
        assert issubclass(error, Exception)


def test_core_entry_points_are_exported() -> None:
    for name in (
        "Article",
        "Brief",
        "LLMConfig",
        "extract_brief",
        "extract_briefs",
        "load_articles",
        "load_prompt",
        "resolve_date",
    ):
        assert name in summarizer.__all__, name


def test_version_matches_the_distribution() -> None:
    assert summarizer.__version__ == importlib.metadata.version("summarizer")


def test_the_public_surface_of_0_1_still_answers() -> None:
    # Every name 0.1 exported at the top is still there (ScriptedBackend with a warning).
    old = {"ScriptedBackend"}
    assert old.isdisjoint(summarizer.__all__)
    with pytest.warns(DeprecationWarning, match="summarizer.testing"):
        scripted = summarizer.ScriptedBackend
    from summarizer.testing import ScriptedBackend

    assert scripted is ScriptedBackend


@pytest.mark.parametrize("old", sorted(MOVED))
def test_old_module_paths_import_with_a_warning(old: str) -> None:
    sys.modules.pop(old, None)
    with pytest.warns(DeprecationWarning, match=MOVED[old].replace(".", r"\.")):
        module = importlib.import_module(old)
    assert module is importlib.import_module(MOVED[old])
    sys.modules.pop(old, None)


def test_importing_every_old_path_leaves_the_public_functions_alone() -> None:
    for old in MOVED:
        with pytest.warns(DeprecationWarning):
            importlib.import_module(old)
        sys.modules.pop(old, None)
    for name in summarizer.__all__:
        value = getattr(summarizer, name)
        assert not isinstance(value, types.ModuleType), name


def test_an_unknown_name_is_still_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        summarizer.no_such_name  # noqa: B018
    extract = importlib.import_module("summarizer.extract")
    with pytest.warns(DeprecationWarning, match="summarizer.extract.extractor"):
        assert extract.Extractor is summarizer.Extractor
