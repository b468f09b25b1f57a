"""Replaying all five seed cassettes at once, outside pytest-recording's ``vcr`` marker.

vcrpy honours only the innermost of nested ``use_cassette`` contexts, so the cassettes'
interactions are merged into one temporary cassette file. Matching is that of
``tests/conftest.py``: method, path, and the request body compared as JSON.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import vcr
import yaml

from .conftest import CASSETTES, SEEDS, json_body

SEED_IDS = [p.stem for p in SEEDS]
RECORDED = [CASSETTES / "extract" / f"{i}.yaml" for i in SEED_IDS]
REPLAY_URL = "http://127.0.0.1:9/v1"  # never reached: every request is answered by vcrpy


def merge_cassettes(paths: list[Path], dest: Path) -> Path:
    """One cassette file with every interaction of ``paths``, in order."""
    interactions: list[Any] = []
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        interactions += data["interactions"]
    dest.write_text(
        yaml.safe_dump({"interactions": interactions, "version": 1}, allow_unicode=True),
        encoding="utf-8",
    )
    return dest


@contextlib.contextmanager
def replaying_seeds(tmp: Path) -> Iterator[None]:
    """Every HTTP request answered from the seed cassettes (replay only, never recorded)."""
    tmp.mkdir(parents=True, exist_ok=True)
    merged = merge_cassettes(RECORDED, tmp / "seed-cassettes.yaml")
    replay = vcr.VCR(
        record_mode="none",
        match_on=["method", "path", "json_body"],
        decode_compressed_response=True,
    )
    replay.register_matcher("json_body", json_body)
    with replay.use_cassette(str(merged)):
        yield
