"""The CLI for people and for scripts: --json, --quiet, the progress bar, the summary table,
``run --html`` and ``report``; replayed from the seed cassettes (no model, no network)."""

from __future__ import annotations

import contextlib
import io
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import summarizer.llm.local
from summarizer import Brief, EventRecord
from summarizer.cli import main

from .conftest import REPO, SEEDS
from .replay import REPLAY_URL, replaying_seeds

SEED_DIR = REPO / "examples" / "articles"
SEED_002 = next(p for p in SEEDS if p.name.startswith("002"))


@contextlib.contextmanager
def _no_server(model_path: Path | None = None, **kwargs: Any) -> Iterator[Any]:
    yield summarizer.llm.local.local_config(REPLAY_URL)


@contextlib.contextmanager
def replayed(tmp: Path) -> Iterator[None]:
    """The CLI's --local backend answered from the seed cassettes."""
    with pytest.MonkeyPatch.context() as mp, replaying_seeds(tmp):
        mp.setattr(summarizer.llm.local, "local_server", _no_server)
        yield


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    out: Path


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """``summarizer run examples/articles --html --json --local``, once for the module."""
    tmp = tmp_path_factory.mktemp("seed-run")
    stdout, stderr = io.StringIO(), io.StringIO()
    with (
        replayed(tmp),
        contextlib.redirect_stdout(stdout),
        contextlib.redirect_stderr(stderr),
    ):
        code = main(
            ["run", str(SEED_DIR), "--out", str(tmp / "out"), "--html", "--json", "--local"]
        )
    return Run(code, stdout.getvalue(), stderr.getvalue(), tmp / "out")


def test_run_json_is_one_object_on_stdout_and_nothing_else(seed_run: Run) -> None:
    assert seed_run.code == 0, seed_run.stderr
    lines = seed_run.stdout.splitlines()
    assert len(lines) == 1
    payload = json.loads(lines[0])
    briefs = [
        Brief.model_validate_json(line)
        for line in (seed_run.out / "briefs.jsonl").read_text().splitlines()
    ]
    events = json.loads((seed_run.out / "events.json").read_text())
    assert payload["command"] == "run" and payload["exit_code"] == 0
    assert (payload["articles"], payload["briefs"], payload["events"]) == (5, 5, 4)
    assert len(briefs) == 5 and len(events) == 4
    assert [b.article_id for b in briefs] == [p.stem for p in SEEDS]  # input order
    assert payload["failed"] == 0 and payload["failures"] == []
    tokens = payload["tokens"]
    assert tokens["total"] == sum(b.meta.usage.total_tokens for b in briefs) > 0
    assert tokens["total"] == tokens["prompt"] + tokens["completion"]
    assert payload["seconds"] >= 0
    outputs = payload["outputs"]
    assert outputs["failures"] is None
    for name in ("briefs", "events", "report"):
        assert Path(outputs[name]).is_file(), name
    assert Path(outputs["report"]) == seed_run.out / "report.html"
    assert "<mark" in (seed_run.out / "report.html").read_text()


def test_run_progress_never_reaches_stdout_and_is_off_without_a_tty(seed_run: Run) -> None:
    # stderr is a StringIO here (not a terminal): no progress bar, only the startup note.
    assert seed_run.stderr.strip() == "starting the embedded model server ..."


def _extract(
    args: list[str], tmp: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    with replayed(tmp):
        code = main(["extract", *args, "--out", str(tmp / "out"), "--local"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_human_output_has_a_line_per_article_and_a_summary_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _extract([str(SEED_002)], tmp_path, capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith(f"{SEED_002.stem}: ")
    table = "\n".join(lines[1:])
    for row in ("articles", "briefs", "failures", "tokens", "time"):
        assert re.search(rf"^│ {row} +│ \S", table, re.M), row
    assert lines[-1] == f"-> {tmp_path / 'out' / 'briefs.jsonl'}"
    assert "events" not in table  # extract does not consolidate
    assert "\x1b[" not in out  # no colour codes when stdout is not a terminal
    assert err.strip() == "starting the embedded model server ..."


def test_progress_bar_on_a_terminal_and_off_with_quiet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    code, out, err = _extract([str(SEED_002), str(empty)], tmp_path / "a", capsys)
    assert code == 1  # the empty article failed; the other is done
    # The bar: count, elapsed, ETA and the last article done, all on stderr.
    err = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", err)
    assert "1/1" in err and re.search(r"\beta\b", err) and SEED_002.stem in err
    assert "1/1" not in out and not re.search(r"\beta\b", out)
    assert "FAILED empty: InputError" in out

    code, out, err = _extract([str(SEED_002), str(empty), "--quiet"], tmp_path / "b", capsys)
    assert code == 1
    assert out == ""
    assert err == "error: [empty] article text is empty\n"  # errors only, no progress
    failures = (tmp_path / "b" / "out" / "failures.jsonl").read_text().splitlines()
    assert [json.loads(line)["article_id"] for line in failures] == ["empty"]


def test_json_with_failures_exit_code_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    code, out, _ = _extract([str(SEED_002), str(empty), "--json"], tmp_path, capsys)
    payload = json.loads(out)
    assert code == payload["exit_code"] == 1
    assert payload["events"] is None and payload["briefs"] == 1
    assert payload["failures"] == [
        {
            "article_id": "empty",
            "error": "InputError",
            "message": "article text is empty",
            "attempts": 0,
        }
    ]
    assert Path(payload["outputs"]["failures"]).is_file()


def test_report_command_rewrites_the_report_from_a_run(
    seed_run: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "r" / "again.html"
    code = main(
        [
            "report",
            str(seed_run.out),
            "--articles",
            str(SEED_DIR),
            "--output",
            str(output),
            "--json",
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    payload = json.loads(captured.out)
    assert (payload["events"], payload["briefs"], payload["articles"]) == (4, 5, 5)
    assert payload["articles_with_text"] == 5
    assert payload["outputs"] == {"report": str(output)}
    page = output.read_text()
    assert page == (seed_run.out / "report.html").read_text()  # same as run --html
    assert page.count('<section class="event"') == 4
    assert captured.err == ""

    # Without the articles: still a report, evidence as quotes, and a note on stderr.
    code = main(["report", str(seed_run.out), "--output", str(output)])
    captured = capsys.readouterr()
    assert code == 0
    assert "no text for 5 of 5 articles" in captured.err
    assert "<mark" not in output.read_text()
    assert captured.out.strip().endswith(str(output))


def test_report_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(tmp_path)]) == 2
    assert "events.json not found" in capsys.readouterr().err

    (tmp_path / "events.json").write_text('[{"id": 1}]')
    assert main(["report", str(tmp_path), "--json"]) == 2
    captured = capsys.readouterr()
    payload = json.loads(captured.out)
    assert payload["exit_code"] == 2 and payload["error"]["type"] == "UsageError"
    assert "is not an events file" in payload["error"]["message"]


def test_help_reads_well(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    for needle in ("extract", "run", "report", "local", "exit codes:", "--html", "--json"):
        assert needle in text
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    text = capsys.readouterr().out
    for needle in ("--quiet", "--json", "--html", "--concurrency", "INPUT"):
        assert needle in text


def test_event_records_in_the_run_are_valid(seed_run: Run) -> None:
    data = json.loads((seed_run.out / "events.json").read_text())
    events = [EventRecord.model_validate(item) for item in data]
    partition = sorted(sorted(a[:3] for a in e.articles) for e in events)
    assert partition == [["000", "002"], ["001"], ["003"], ["004"]]
