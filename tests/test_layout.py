"""The package's layout stays as the README's map says: small modules, small functions, no
private names across modules, and the stages' layers in one direction.

LLM side (llm/) <- extraction (extract/) <- pipeline <- cli; events (events/) use the LLM
side only to adjudicate; output/ and cli/ are leaves: no stage imports them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "summarizer"
MODULES = sorted(PACKAGE.rglob("*.py"))
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names) for every import of ``path``, relative ones made absolute."""
    package = _name(path) if path.name == "__init__.py" else _name(path).rpartition(".")[0]
    found: list[tuple[str, list[str]]] = []
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            found.extend((alias.name, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, module] if module else base)
            found.append((module, [alias.name for alias in node.names]))
    return found


def _is_module(dotted: str) -> bool:
    path = PACKAGE.parent.joinpath(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def test_the_package_has_the_subpackages_of_the_map() -> None:
    for sub in ("llm", "extract", "events", "output", "cli"):
        assert (PACKAGE / sub / "__init__.py").exists(), sub
    assert (PACKAGE / "text.py").exists() and (PACKAGE / "testing.py").exists()


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_no_module_is_over_the_limit(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{_name(path)}: {lines} lines"


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_no_function_is_over_the_limit(path: Path) -> None:
    long = [
        (node.name, node.end_lineno - node.lineno + 1)
        for node in ast.walk(_tree(path))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long, f"{_name(path)}: {long}"


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_no_private_name_is_imported_from_another_module(path: Path) -> None:
    private = [
        f"{module}.{name}"
        for module, names in _imports(path)
        if module.startswith("summarizer")
        for name in names
        if name.startswith("_") and not _is_module(f"{module}.{name}")
    ]
    assert not private, f"{_name(path)} imports {private}"


# Who may import what, by the importer's prefix: module prefixes it must not import.
FORBIDDEN = {
    "summarizer.types": ("summarizer.",),
    "summarizer.text": ("summarizer.",),
    "summarizer.errors": (
        "summarizer.llm",
        "summarizer.extract",
        "summarizer.events",
        "summarizer.scale",
    ),
    "summarizer.llm": (
        "summarizer.extract",
        "summarizer.events",
        "summarizer.pipeline",
        "summarizer.output",
        "summarizer.cli",
        "summarizer.scale",
    ),
    "summarizer.extract": (
        "summarizer.events",
        "summarizer.pipeline",
        "summarizer.output",
        "summarizer.cli",
        "summarizer.scale",
    ),
    "summarizer.events": (
        "summarizer.extract.",
        "summarizer.pipeline",
        "summarizer.output",
        "summarizer.cli",
        "summarizer.scale",
    ),
    "summarizer.pipeline": ("summarizer.output", "summarizer.cli", "summarizer.scale"),
    "summarizer.output": ("summarizer.cli", "summarizer.pipeline", "summarizer.scale"),
    # scale/ (Ray) sits beside the pipeline: it uses the stages, no stage uses it.
    "summarizer.scale": ("summarizer.output", "summarizer.cli"),
}
# types.py may use the standard library and pydantic only; errors.py may name Usage.
ALLOWED = {("summarizer.errors", "summarizer.types")}


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_layers_point_one_way(path: Path) -> None:
    importer = _name(path)
    rules = [banned for prefix, banned in FORBIDDEN.items() if importer.startswith(prefix)]
    crossing = [
        module
        for module, _ in _imports(path)
        for banned in rules
        for prefix in banned
        if module.startswith(prefix) and (importer, module) not in ALLOWED
    ]
    assert not crossing, f"{importer} imports {crossing}"


def test_instructor_is_behind_one_door() -> None:
    users = sorted(
        _name(path)
        for path in MODULES
        if any(module.split(".")[0] == "instructor" for module, _ in _imports(path))
    )
    assert users == ["summarizer.llm.structured"]
