"""examples/quickstart.ipynb runs top to bottom, offline.

The kernel gets an IPython startup file (tests/notebook_startup.py, in a temporary
IPYTHONDIR) that replays the seed cassettes and makes ``local_server()`` yield the embedded
model's configuration without starting it; the notebook itself is what users read.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from .conftest import REPO
from .replay import RECORDED, merge_cassettes

NOTEBOOK = REPO / "examples" / "quickstart.ipynb"


def _texts(cell: Any) -> list[str]:
    """Every text and HTML output of a cell."""
    texts = []
    for output in cell.get("outputs", []):
        if output["output_type"] == "stream":
            texts.append(output["text"])
        for mime in ("text/plain", "text/html", "text/markdown"):
            if mime in output.get("data", {}):
                texts.append(output["data"][mime])
    return texts


def test_quickstart_notebook_runs_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "examples"
    shutil.copytree(REPO / "examples" / "articles", work / "articles")
    startup = tmp_path / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    shutil.copy(Path(__file__).with_name("notebook_startup.py"), startup / "00-replay.py")
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    monkeypatch.setenv(
        "SUMMARIZER_REPLAY_CASSETTE", str(merge_cassettes(RECORDED, tmp_path / "c.yaml"))
    )
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")

    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(work)}}
    ).execute()

    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    errors = [o for c in code for o in c.outputs if o["output_type"] == "error"]
    assert errors == []
    # No test plumbing is visible in the notebook users read.
    source = "\n".join(cell.source for cell in nb.cells)
    assert "vcr" not in source and "cassette" not in source and "127.0.0.1:9" not in source
    assert "with local_server() as config:" in source

    outputs = ["\n".join(_texts(cell)) for cell in code]
    assert any("5 briefs, 0 failures" in text for text in outputs)
    (events_out,) = [text for text in outputs if " events\n" in text]
    assert events_out.startswith("4 events\n") and "<table" in events_out  # a DataFrame
    htmls = [
        o["data"]["text/html"] for c in code for o in c.outputs if "text/html" in o.get("data", {})
    ]
    assert any("<mark" in h for h in htmls)  # evidence highlighted in the article
    assert any('class="summarizer"' in h and "Participants" in h for h in htmls)  # brief repr
    report = work / "out" / "report.html"
    assert report.is_file() and report.read_text().count('<section class="event"') == 4
