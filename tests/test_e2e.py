"""End to end: the real CLI, the real embedded model on a real llama.cpp server.

Runs in CI. If the model cannot be set up (missing [local] extra, bad weights,
server crash) the test fails and says why: it never skips.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from summarizer import Brief
from summarizer.llm.local import DEFAULT_MODEL_ALIAS

from .conftest import SEEDS

pytestmark = pytest.mark.e2e


def test_cli_extracts_a_grounded_brief_with_the_embedded_model(tmp_path: Path) -> None:
    path = next(p for p in SEEDS if p.name.startswith("002"))
    out = tmp_path / "out"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "summarizer.cli",
            "extract",
            str(path),
            "--out",
            str(out),
            "--local",
        ],
        capture_output=True,
        text=True,
        timeout=900,
        # An empty cache of its own: the model really runs, and the user's cache is untouched.
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(Path.home()),
            "SUMMARIZER_CACHE_DIR": str(tmp_path / "cache"),
        },
    )
    if proc.returncode == 3:
        pytest.fail(f"the embedded model could not be set up:\n{proc.stderr}")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = (out / "briefs.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    brief = Brief.model_validate_json(lines[0])
    text = path.read_text(encoding="utf-8")
    assert brief.article_id == path.stem
    assert brief.meta.model == DEFAULT_MODEL_ALIAS
    assert brief.spans()
    for span in brief.spans():
        assert text[span.start : span.end] == span.text
    assert any("Ruto" in p.name for p in brief.participants)
    assert brief.event.date is None  # "on Monday" and no publication date
    assert path.stem in proc.stdout  # the readable summary line
    assert not brief.meta.cached and brief.meta.attempts >= 1
    assert not (out / "failures.jsonl").exists()
    json.loads(lines[0])
