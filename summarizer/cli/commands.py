"""The commands: ``extract`` and ``run`` (through :func:`summarizer.pipeline.summarize`,
the one orchestrator), ``report`` and ``local``. Each takes the parsed arguments and
returns the exit code; this is the edge where the environment is read."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from summarizer.cli.display import Progress, RunSummary, failure_record, print_json, print_lines
from summarizer.errors import SummarizerError, UsageError
from summarizer.events.consolidate import events_json
from summarizer.extract.cache import Cache
from summarizer.inputs import load_articles
from summarizer.llm.config import LLMConfig
from summarizer.llm.costs import RunStats
from summarizer.output import report_html
from summarizer.pipeline import RunResult, summarize
from summarizer.types import Article, Brief, EventRecord

__all__ = [
    "EXIT_BACKEND",
    "EXIT_FAILURES",
    "EXIT_OK",
    "EXIT_USAGE",
    "backend_config",
    "extract",
    "local",
    "report",
]

EXIT_OK, EXIT_FAILURES, EXIT_USAGE, EXIT_BACKEND = 0, 1, 2, 3


@contextlib.contextmanager
def backend_config(args: argparse.Namespace) -> Iterator[LLMConfig]:
    """The backend the arguments (and the environment) name; ``--local`` starts the
    embedded model's server for the duration."""
    env = os.environ
    remote = (
        args.base_url or args.model or env.get("SUMMARIZER_MODEL") or env.get("OPENAI_BASE_URL")
    )
    if args.local or not remote:
        from summarizer.llm.local import local_server

        if not args.quiet:
            print("starting the embedded model server ...", file=sys.stderr)
        with local_server(args.gguf) as config:
            yield config
        return
    overrides: dict[str, Any] = {}
    if args.base_url:
        overrides["base_url"] = args.base_url
    if args.model:
        overrides["model"] = args.model
    if args.mode:
        overrides["mode"] = args.mode
    yield LLMConfig.from_env(**overrides)


def extract(args: argparse.Namespace) -> int:
    """``extract`` (briefs) and ``run`` (briefs and events; ``--html``: the report)."""
    started = time.perf_counter()
    human = not (args.quiet or args.json)
    loaded = load_articles(args.inputs)
    articles = [item for item in loaded if isinstance(item, Article)]
    failures: list[SummarizerError] = [item for item in loaded if not isinstance(item, Article)]
    for error in failures:
        print(f"error: {error}", file=sys.stderr)
    args.out.mkdir(parents=True, exist_ok=True)
    result = _summarize(args, articles)
    failures += result.failures
    events = result.events if args.command == "run" else None
    outputs = _write_run(args, result.briefs, failures, events, articles)
    if human:
        print_lines(result.briefs, failures, events)
    code = EXIT_FAILURES if failures else EXIT_OK
    elapsed = time.perf_counter() - started
    summary = RunSummary(
        command=args.command,
        exit_code=code,
        articles=len(loaded),
        briefs=len(result.briefs),
        events=None if events is None else len(events),
        failures=failures,
        stats=RunStats.from_results(
            [*result.briefs, *result.failures], model=result.model, wall_s=elapsed
        ),
        seconds=elapsed,
        outputs=outputs,
    )
    if args.json:
        print_json(summary.payload())
    elif human:
        summary.table()
    return code


def _summarize(args: argparse.Namespace, articles: Sequence[Article]) -> RunResult:
    """The run over the backend the arguments name (not even set up without articles)."""
    if not articles:
        return RunResult(briefs=[], events=[])
    with backend_config(args) as config:
        limits = {k: v for k, v in (("rpm", args.rpm), ("tpm", args.tpm)) if v is not None}
        config = config.replace(**limits) if limits else config
        cache = None if args.no_cache else Cache.from_env(os.environ)
        enabled = not args.quiet and sys.stderr.isatty()
        with Progress(len(articles), enabled=enabled) as progress:
            return summarize(
                articles,
                config,
                concurrency=args.concurrency,
                # While the backend is up: the model settles the cases the rules leave open.
                adjudicate=getattr(args, "adjudicate", False),
                cache=cache,
                on_done=progress.done,
                consolidate=args.command == "run",
            )


def _write_run(
    args: argparse.Namespace,
    briefs: Sequence[Brief],
    failures: Sequence[SummarizerError],
    events: Sequence[EventRecord] | None,
    articles: Sequence[Article],
) -> dict[str, Path | None]:
    """Write the run's files to ``args.out``; what was written, by kind."""
    briefs_path = args.out / "briefs.jsonl"
    with briefs_path.open("w", encoding="utf-8") as fh:
        for brief in briefs:
            fh.write(brief.model_dump_json() + "\n")
    failures_path = args.out / "failures.jsonl"
    if failures:
        with failures_path.open("w", encoding="utf-8") as fh:
            for error in failures:
                fh.write(json.dumps(failure_record(error)) + "\n")
    elif failures_path.exists():
        failures_path.unlink()
    events_path = report_path = None
    if events is not None:
        events_path = args.out / "events.json"
        events_path.write_text(
            json.dumps(events_json(events), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        if args.html:
            report_path = args.out / "report.html"
            report_path.write_text(report_html(events, briefs, articles), encoding="utf-8")
    return {
        "briefs": briefs_path,
        "events": events_path,
        "report": report_path,
        "failures": failures_path if failures else None,
    }


def _read_run(directory: Path) -> tuple[list[EventRecord], list[Brief]]:
    """The events and briefs a run wrote to ``directory``; a missing or bad file is a
    :class:`UsageError`."""
    events_path = directory / "events.json"
    if not events_path.is_file():
        raise UsageError(
            f"{events_path} not found: write it with `summarizer run INPUT... --out {directory}`"
        )
    try:
        data = json.loads(events_path.read_text(encoding="utf-8"))
        events = [EventRecord.model_validate(item) for item in data]
    except (ValueError, TypeError) as exc:  # JSON and pydantic errors are ValueErrors
        raise UsageError(f"{events_path} is not an events file: {_first_line(exc)}") from None
    briefs: list[Brief] = []
    briefs_path = directory / "briefs.jsonl"
    if briefs_path.is_file():
        lines = briefs_path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                briefs.append(Brief.model_validate_json(line))
            except ValueError as exc:
                raise UsageError(
                    f"{briefs_path}:{number} is not a brief: {_first_line(exc)}"
                ) from None
    return events, briefs


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def report(args: argparse.Namespace) -> int:
    """``report``: (re)write the HTML report of a finished run."""
    started = time.perf_counter()
    events, briefs = _read_run(args.dir)
    loaded = load_articles(args.articles) if args.articles else []
    articles = [item for item in loaded if isinstance(item, Article)]
    for error in loaded:
        if not isinstance(error, Article):
            print(f"error: {error}", file=sys.stderr)
    wanted = {a for event in events for a in event.articles}
    missing = sorted(wanted - {a.id for a in articles})
    if missing and not args.quiet:
        print(
            f"note: no text for {len(missing)} of {len(wanted)} articles "
            f"({', '.join(missing[:3])}{', ...' if len(missing) > 3 else ''}); their evidence "
            "is shown as quotes (give the run's inputs with --articles to highlight it)",
            file=sys.stderr,
        )
    output: Path = args.output or args.dir / "report.html"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(report_html(events, briefs, articles), encoding="utf-8")
    elapsed = time.perf_counter() - started
    if args.json:
        print_json(
            {
                "command": "report",
                "exit_code": EXIT_OK,
                "articles": len(wanted),
                "articles_with_text": len(wanted) - len(missing),
                "briefs": len(briefs),
                "events": len(events),
                "seconds": round(elapsed, 3),
                "outputs": {"report": str(output)},
            }
        )
    elif not args.quiet:
        print(
            f"{len(events)} events, {len(wanted) - len(missing)}/{len(wanted)} article texts "
            f"-> {output}"
        )
    return EXIT_OK


def local(args: argparse.Namespace) -> int:
    """``local fetch`` / ``local serve``: the embedded model."""
    from summarizer.llm.local import ensure_model, serve

    if args.local_command == "fetch":
        print(ensure_model())
        return EXIT_OK
    serve(args.gguf, port=args.port)
    return EXIT_OK
