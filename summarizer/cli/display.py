"""What the command line shows: the progress bar (stderr, on a terminal only), one line
per article and per event, the summary table, and the ``--json`` object (stdout)."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichProgress
from rich.table import Table

from summarizer.errors import SummarizerError
from summarizer.llm.costs import RunStats
from summarizer.types import Article, Brief, EventRecord

__all__ = [
    "Progress",
    "RunSummary",
    "failure_record",
    "print_json",
    "print_lines",
    "summary_line",
    "summary_table",
]


def summary_line(brief: Brief) -> str:
    """One readable line about a brief: event, date, participants, grounding, cost."""
    d = brief.diagnostics
    names = ", ".join(p.name for p in brief.participants) or "-"
    when = brief.event.date.isoformat() if brief.event.date else (brief.event.date_text or "?")
    return (
        f"{brief.article_id}: {brief.event.what} [{when}] | {names} | "
        f"spans {d.spans_exact} exact/{d.spans_normalized} norm/{d.spans_fuzzy} fuzzy, "
        f"{len(d.dropped)} dropped | {brief.meta.latency_s:.0f}s, "
        f"{brief.meta.usage.completion_tokens} out tokens"
    )


def failure_record(error: SummarizerError) -> dict[str, object]:
    """A failed article as written to ``failures.jsonl`` and listed by ``--json``."""
    return {
        "article_id": error.article_id,
        "error": type(error).__name__,
        "message": error.message,
        "attempts": getattr(error, "attempts", 0),
    }


def print_lines(
    briefs: Sequence[Brief],
    failures: Sequence[SummarizerError],
    events: Sequence[EventRecord] | None,
) -> None:
    """One line per brief, per failed article and per event, on stdout."""
    for brief in briefs:
        print(summary_line(brief))
    for error in failures:
        print(f"FAILED {error.article_id}: {type(error).__name__}: {error.message}")
    for event in events or ():
        when = event.date.isoformat() if event.date else (event.date_text or "?")
        print(f"event {event.id}: {event.title} [{when}] <- {', '.join(event.articles)}")


class Progress:
    """A progress bar with ETA on stderr, shown only when ``enabled``."""

    def __init__(self, total: int, *, enabled: bool) -> None:
        self._bar = RichProgress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("[progress.elapsed]elapsed"),
            TimeElapsedColumn(),
            TextColumn("[progress.remaining]eta"),
            TimeRemainingColumn(),
            console=Console(file=sys.stderr),
            disable=not enabled,
            redirect_stdout=False,  # stdout is for results only
        )
        self._task = self._bar.add_task("extracting", total=total)
        self.failed = 0

    def __enter__(self) -> Progress:
        self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._bar.stop()

    def done(self, article: Article, result: Brief | SummarizerError) -> None:
        """Count ``article`` as finished (the ``on_done`` of a run)."""
        self.failed += not isinstance(result, Brief)
        failed = f", {self.failed} failed" if self.failed else ""
        self._bar.update(
            self._task, advance=1, description=f"extracting · done {escape(article.id)}{failed}"
        )


def summary_table(title: str, rows: Sequence[tuple[str, str]], paths: Sequence[Path]) -> None:
    """A two-column table on stdout, then one ``-> path`` line per output file."""
    table = Table(
        title=title, title_justify="left", title_style="bold", box=box.ROUNDED, show_header=False
    )
    table.add_column(style="bold")
    table.add_column()
    for name, value in rows:
        table.add_row(name, value)
    console = Console(file=sys.stdout, highlight=False)
    console.print(table)
    for path in paths:  # whole, never cut to the terminal's width
        print(f"-> {path}")


def print_json(payload: Mapping[str, Any]) -> None:
    """``payload`` as one line of JSON on stdout."""
    print(json.dumps(payload, ensure_ascii=False))


@dataclass(frozen=True)
class RunSummary:
    """What ``extract`` and ``run`` report: counts, failures, cost, time and output files.

    ``events`` is ``None`` for ``extract`` (no consolidation); ``outputs`` maps briefs,
    events, report and failures to their file, or ``None`` when not written.
    """

    command: str
    exit_code: int
    articles: int
    briefs: int
    events: int | None
    failures: Sequence[SummarizerError]
    stats: RunStats
    seconds: float
    outputs: Mapping[str, Path | None]

    def payload(self) -> dict[str, Any]:
        """The ``--json`` object."""
        usage = self.stats.usage  # this run's own tokens: cache hits add none
        return {
            "command": self.command,
            "exit_code": self.exit_code,
            "articles": self.articles,
            "briefs": self.briefs,
            "events": self.events,
            "failed": len(self.failures),
            "failures": [failure_record(error) for error in self.failures],
            "tokens": {
                "prompt": usage.prompt_tokens,
                "completion": usage.completion_tokens,
                "total": usage.total_tokens,
            },
            "llm_calls": self.stats.llm_calls,
            "cache_hits": self.stats.cache_hits,
            "cost_usd": self.stats.cost_usd,
            "seconds": round(self.seconds, 3),
            "outputs": {k: None if v is None else str(v) for k, v in self.outputs.items()},
        }

    def table(self) -> None:
        """The summary table on stdout, then the files written."""
        usage, cost_usd = self.stats.usage, self.stats.cost_usd
        rows = [("articles", str(self.articles)), ("briefs", str(self.briefs))]
        if self.events is not None:
            rows.append(("events", str(self.events)))
        rows += [
            ("failures", str(len(self.failures))),
            ("cache hits", str(self.stats.cache_hits)),
            ("LLM calls", str(self.stats.llm_calls)),
            (
                "tokens",
                f"{usage.total_tokens:,} ({usage.prompt_tokens:,} prompt + "
                f"{usage.completion_tokens:,} completion)",
            ),
            ("cost", "unknown" if cost_usd is None else f"${cost_usd:.4f}"),
            ("time", f"{self.seconds:.1f}s"),
        ]
        paths = [path for path in self.outputs.values() if path is not None]
        summary_table(f"summarizer {self.command}", rows, paths)
