"""Versioned prompt files with strict variables.

A prompt ``NAME.vN`` is the files ``NAME.vN.system.txt`` (optional) and
``NAME.vN.user.txt`` in the prompts folder. Variables are ``${name}``; rendering
fails with :class:`PromptError` when a variable is missing or unexpected. A
prompt's hash (sha256 over its files, first 16 hex digits) goes into every brief's
metadata and every cache key, so editing a prompt is visible downstream.

The wheel ships the prompts inside the package (``summarizer/prompts``); a source
checkout reads the top-level ``prompts/`` folder.
"""

from __future__ import annotations

import hashlib
import re
import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from summarizer.errors import PromptError

__all__ = ["Prompt", "load_prompt", "prompts_dir"]


_PLACEHOLDER = re.compile(r"\$\{?([A-Za-z_]\w*)")


def prompts_dir() -> Path:
    """Where the prompt files are: inside the installed package, else the checkout."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "prompts", package.parent / "prompts"):
        if candidate.is_dir():
            return candidate
    raise PromptError(f"no prompts folder in {package} or beside it")


def _variables(template: string.Template) -> frozenset[str]:
    names: set[str] = set()
    for match in template.pattern.finditer(template.template):
        name = match.group("named") or match.group("braced")
        if name is not None:
            names.add(name)
        elif match.group("invalid") is not None:
            raise PromptError(f"malformed placeholder in prompt near {match.group(0)!r}")
    return frozenset(names)


@dataclass(frozen=True)
class Prompt:
    """A loaded prompt: its id, hash, system text and user template."""

    id: str
    system: str
    user: str
    hash: str

    @property
    def variables(self) -> frozenset[str]:
        return _variables(string.Template(self.user))

    def render_user(self, **values: str) -> str:
        """The user message, with exactly this prompt's variables filled in."""
        expected = self.variables
        missing = expected - values.keys()
        extra = values.keys() - expected
        if missing or extra:
            raise PromptError(
                f"prompt {self.id}: missing variables {sorted(missing)}, "
                f"unexpected variables {sorted(extra)}"
            )
        return string.Template(self.user).substitute(values)


@lru_cache(maxsize=32)
def load_prompt(prompt_id: str, folder: Path | None = None) -> Prompt:
    """Load ``prompt_id`` (e.g. ``"extract.v1"``) from ``folder`` or the default folder."""
    base = folder if folder is not None else prompts_dir()
    user_path = base / f"{prompt_id}.user.txt"
    system_path = base / f"{prompt_id}.system.txt"
    try:
        user = user_path.read_text(encoding="utf-8")
        system = system_path.read_text(encoding="utf-8") if system_path.exists() else ""
    except OSError as exc:
        raise PromptError(f"cannot read prompt {prompt_id!r} in {base}: {exc}") from exc
    system_vars = _PLACEHOLDER.findall(system)
    if system_vars:
        # The system part is sent as written (a "$5" stays "$5"); a $name in it is a mistake.
        raise PromptError(
            f"prompt {prompt_id}: the system part must be constant "
            f"(it is the cacheable prefix), found variables {sorted(set(system_vars))}"
        )
    digest = hashlib.sha256()
    for part in (prompt_id, system, user):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    prompt = Prompt(id=prompt_id, system=system, user=user, hash=digest.hexdigest()[:16])
    _variables(string.Template(user))  # fail early on malformed placeholders
    return prompt
