"""The module paths of 0.1 (one flat package), still importable for one release.

``import summarizer.backend`` finds :mod:`summarizer.llm.backend` and warns
(:class:`DeprecationWarning`); the names of the public surface never moved:
``from summarizer import ...`` is the way in. ``summarizer.consolidate`` is not aliased:
importing a module under that path would replace the function of that name on the package
(its module is :mod:`summarizer.events.consolidate`).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import warnings
from collections.abc import Sequence
from types import ModuleType
from typing import Any

__all__ = ["MOVED", "install", "moved_attribute"]

MOVED: dict[str, str] = {
    "summarizer.adjudicate": "summarizer.events.adjudicate",
    "summarizer.assemble": "summarizer.extract.assemble",
    "summarizer.backend": "summarizer.llm.backend",
    "summarizer.batch": "summarizer.extract.batch",
    "summarizer.cache": "summarizer.extract.cache",
    "summarizer.config": "summarizer.llm.config",
    "summarizer.costs": "summarizer.llm.costs",
    "summarizer.dates": "summarizer.extract.dates",
    "summarizer.entities": "summarizer.events.entities",
    "summarizer.export": "summarizer.output.export",
    "summarizer.ground": "summarizer.extract.ground",
    "summarizer.group": "summarizer.events.group",
    "summarizer.local": "summarizer.llm.local",
    "summarizer.merge": "summarizer.events.merge",
    "summarizer.numbers": "summarizer.extract.numbers",
    "summarizer.ratelimit": "summarizer.llm.ratelimit",
    "summarizer.render": "summarizer.output",
    "summarizer.retry": "summarizer.llm.retry",
    "summarizer.schema": "summarizer.extract.schema",
}
"""Old module path -> where it lives now."""


def _warn(old: str, new: str) -> None:
    warnings.warn(
        f"{old} moved to {new}; the old path goes in the next release "
        "(or import the name from summarizer)",
        DeprecationWarning,
        stacklevel=3,
    )


class _Alias(importlib.abc.Loader):
    def __init__(self, new: str) -> None:
        self.new = new

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        _warn(spec.name, self.new)
        return importlib.import_module(self.new)

    def exec_module(self, module: ModuleType) -> None:
        """The module is already executed under its new name."""


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        new = MOVED.get(fullname)
        if new is None:
            return None
        return importlib.machinery.ModuleSpec(fullname, _Alias(new))


def install() -> None:
    """Make the old module paths importable (idempotent)."""
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.append(_Finder())


def moved_attribute(package: str, name: str, moved: dict[str, str]) -> Any:
    """For a package's ``__getattr__``: ``name`` from the module ``moved`` names, with a
    warning; :class:`AttributeError` for any other name."""
    module = moved.get(name)
    if module is None:
        raise AttributeError(f"module {package!r} has no attribute {name!r}")
    _warn(f"{package}.{name}", f"{module}.{name}")
    return getattr(importlib.import_module(module), name)
