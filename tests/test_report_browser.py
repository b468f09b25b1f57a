"""The seed report in a real browser: Debian's headless chromium renders it (screenshot) and
dumps its DOM. Fails, never skips, when chromium is missing (.ci/run installs it)."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from summarizer import Article, summarize
from summarizer.llm.local import local_config
from summarizer.output.report import report_html

from .conftest import SEEDS, seed
from .replay import REPLAY_URL, replaying_seeds

HOSTILE = "<script>alert(1)</script>"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,2000",
]


def _chromium() -> str:
    found = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    if found is None:
        pytest.fail("chromium is missing: apt-get install -y chromium (.ci/run does this)")
    return found


class _Dom(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


@pytest.fixture(scope="module")
def seed_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of the five seed articles (replayed), one with a script appended to its text
    and one participant renamed to a script: both must stay text."""
    tmp = tmp_path_factory.mktemp("report")
    articles = [seed(p.name[:3]) for p in SEEDS]
    with replaying_seeds(tmp):
        result = summarize(articles, local_config(REPLAY_URL))
    assert result.failures == []
    # Appending keeps every span's offsets valid.
    hostile = articles[0].model_copy(update={"text": articles[0].text + "\n" + HOSTILE + "\n"})
    events = list(result.events)
    first = events[0]
    renamed = first.participants[0].model_copy(update={"name": "<script>alert(2)</script>"})
    events[0] = first.model_copy(update={"participants": [renamed, *first.participants[1:]]})
    shown: list[Article] = [hostile, *articles[1:]]
    path = tmp / "report.html"
    path.write_text(report_html(events, result.briefs, shown), encoding="utf-8")
    return path


def test_chromium_renders_the_seed_report(seed_report: Path, tmp_path: Path) -> None:
    chromium = _chromium()
    url = seed_report.as_uri()
    profile = tmp_path / "profile"
    png = tmp_path / "report.png"
    shot = subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--screenshot={png}", url],
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert shot.returncode == 0, shot.stderr[-2000:]
    assert png.is_file() and png.stat().st_size > 50_000  # a page of text, not a blank
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    dump = subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", url],
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert dump.returncode == 0, dump.stderr[-2000:]
    dom = _Dom()
    dom.feed(dump.stdout)
    classes = [(tag, attrs.get("class") or "") for tag, attrs in dom.tags]
    assert classes.count(("section", "event")) == 4
    assert classes.count(("section", "article")) == 5
    marks = [attrs for tag, attrs in dom.tags if tag == "mark"]
    assert len(marks) > 20 and all(m.get("data-spans") for m in marks)
    # Every evidence link points at an anchor that exists.
    ids = {attrs.get("id") for _, attrs in dom.tags}
    links = [a["href"] for tag, a in dom.tags if tag == "a" and (a.get("href") or "")[:3] == "#a-"]
    assert links and all(href[1:] in ids for href in links)
    # The conflict table: two values side by side, both sources named in it.
    tables = re.findall(r'<table class="conflict">.*?</table>', dump.stdout, re.S)
    assert tables
    two_sided = [t for t in tables if t.count("<th>") >= 2 and "000_" in t and "002_" in t]
    assert two_sided, tables
    # Only our own script ran; the article's and the name's scripts are text.
    assert len(dom.scripts) == 1 and "alert" not in dom.scripts[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dump.stdout
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in dump.stdout
