"""The ``summarizer`` command line: the edge where the environment is read.

Commands: ``extract`` (briefs), ``run`` (briefs and events, ``--html`` a report),
``report`` (the HTML report of a finished run), ``local`` (the embedded model).

Output: the files in ``--out``; on stdout one readable line per article and a summary
table, or with ``--json`` one JSON object and nothing else; on stderr errors and, when
stderr is a terminal and ``--quiet`` is not given, a progress bar with ETA.

Exit codes: 0 all articles done; 1 some articles failed (see ``failures.jsonl``);
2 usage or configuration error; 3 the backend could not be set up.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, get_args

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from summarizer.events.adjudicate import LLMAdjudicator
from summarizer.extract.cache import Cache
from summarizer.llm.config import LLMConfig, Mode
from summarizer.events.consolidate import consolidate, events_json
from summarizer.llm.costs import RunStats
from summarizer.errors import ConfigError, LocalModelError, SummarizerError, UsageError
from summarizer.extract.extractor import Extractor
from summarizer.inputs import load_articles
from summarizer.output.render import report_html
from summarizer.types import Article, Brief, EventRecord

__all__ = ["main"]

EXIT_OK, EXIT_FAILURES, EXIT_USAGE, EXIT_BACKEND = 0, 1, 2, 3


_EPILOG = """\
examples:
  summarizer run examples/articles --out out --html
      briefs, events and a readable report: out/briefs.jsonl, out/events.json, out/report.html
  summarizer report out --articles examples/articles
      (re)write out/report.html from out/events.json, evidence highlighted in the texts
  summarizer extract news.jsonl --out out --json
      briefs only; one JSON object on stdout (counts, failures, tokens, seconds, paths)

exit codes:
  0  every article done            1  some articles failed (listed in DIR/failures.jsonl)
  2  usage or configuration error  3  the backend could not be set up

A progress bar with ETA goes to stderr when it is a terminal (off with --quiet).
"""

_INPUT_HELP = (
    "a .txt file (id = file name), a directory of them, or a .jsonl file "
    "(id, text, optional title, published, source, url)"
)


def _add_backend_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "backend",
        "Default: the embedded local model, unless SUMMARIZER_MODEL or OPENAI_BASE_URL is set "
        "(then OPENAI_API_KEY, OPENAI_BASE_URL, SUMMARIZER_MODEL, SUMMARIZER_MODE are used).",
    )
    group.add_argument("--local", action="store_true", help="use the embedded local model")
    group.add_argument("--base-url", help="an OpenAI-compatible server, e.g. http://host:8000/v1")
    group.add_argument("--model", help="model name on that server")
    group.add_argument(
        "--mode",
        choices=get_args(Mode),
        help="how structured output is requested (default: tools)",
    )
    group.add_argument("--gguf", type=Path, help="with --local: another GGUF model file")


def _add_output_options(parser: argparse.ArgumentParser, *, html: bool = False) -> None:
    group = parser.add_argument_group("output")
    if html:
        group.add_argument(
            "--html",
            action="store_true",
            help="also write DIR/report.html: every event with its evidence highlighted",
        )
    group.add_argument(
        "--quiet",
        action="store_true",
        help="no progress bar and no summary: print nothing but errors",
    )
    group.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object to stdout (counts, failures, tokens, seconds, output "
        "paths) and nothing else",
    )


def _add_run_options(parser: argparse.ArgumentParser, *, html: bool) -> None:
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help=_INPUT_HELP)
    if html:  # the run command: consolidation options
        parser.add_argument(
            "--adjudicate",
            action="store_true",
            help="let the model decide the grouping and naming cases the rules leave open "
            "(a few small calls; each decision is recorded in events.json)",
        )
    parser.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="output directory (created)"
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=1,
        metavar="N",
        help="articles in flight at once (default: 1)",
    )
    parser.add_argument("--rpm", type=int, metavar="N", help="at most N requests per minute")
    parser.add_argument("--tpm", type=int, metavar="N", help="at most N tokens per minute")
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="neither read nor write the brief cache (default: $SUMMARIZER_CACHE_DIR or the "
        "user cache folder; a rerun makes no call for briefs already made)",
    )
    _add_output_options(parser, html=html)
    _add_backend_options(parser)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="summarizer",
        description="Source-grounded news briefs with an LLM, consolidated into one record "
        "per real-world event.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    extract = commands.add_parser(
        "extract",
        help="write one grounded brief per article to DIR/briefs.jsonl",
        description="Extract a grounded brief from every article into DIR/briefs.jsonl (input "
        "order); articles that fail are listed in DIR/failures.jsonl.",
    )
    _add_run_options(extract, html=False)

    run = commands.add_parser(
        "run",
        help="extract, then consolidate: DIR/briefs.jsonl, DIR/events.json (--html: report)",
        description="Extract a grounded brief from every article, then group the briefs "
        "into real-world events and merge each group into one record (DIR/events.json). "
        "With --html, also DIR/report.html.",
    )
    _add_run_options(run, html=True)

    report = commands.add_parser(
        "report",
        help="write DIR/report.html from DIR/events.json (and DIR/briefs.jsonl)",
        description="Write one self-contained HTML report from the output of `summarizer "
        "run`: every event with its facts, each linked to its evidence. Give the articles "
        "with --articles to see the evidence highlighted in their texts.",
    )
    report.add_argument("dir", type=Path, metavar="DIR", help="the --out directory of a run")
    report.add_argument(
        "--articles",
        nargs="+",
        default=[],
        metavar="INPUT",
        help="the articles the run read (" + _INPUT_HELP + ")",
    )
    report.add_argument(
        "--output", type=Path, metavar="FILE", help="where to write (default: DIR/report.html)"
    )
    _add_output_options(report)

    local = commands.add_parser("local", help="the embedded model and its llama.cpp server")
    local_commands = local.add_subparsers(dest="local_command", required=True, metavar="ACTION")
    local_commands.add_parser("fetch", help="assemble and verify the model file in the cache")
    serve = local_commands.add_parser("serve", help="run the server on 127.0.0.1 until Ctrl-C")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--gguf", type=Path, help="another GGUF model file")
    return parser


@contextlib.contextmanager
def _backend_config(args: argparse.Namespace) -> Iterator[LLMConfig]:
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


def _summary_line(brief: Brief) -> str:
    d = brief.diagnostics
    names = ", ".join(p.name for p in brief.participants) or "-"
    when = brief.event.date.isoformat() if brief.event.date else (brief.event.date_text or "?")
    return (
        f"{brief.article_id}: {brief.event.what} [{when}] | {names} | "
        f"spans {d.spans_exact} exact/{d.spans_normalized} norm/{d.spans_fuzzy} fuzzy, "
        f"{len(d.dropped)} dropped | {brief.meta.latency_s:.0f}s, "
        f"{brief.meta.usage.completion_tokens} out tokens"
    )


def _failure_record(error: SummarizerError) -> dict[str, object]:
    return {
        "article_id": error.article_id,
        "error": type(error).__name__,
        "message": error.message,
        "attempts": getattr(error, "attempts", 0),
    }


class _Progress:
    """A progress bar with ETA on stderr, shown only when stderr is a terminal."""

    def __init__(self, total: int, *, enabled: bool) -> None:
        self._bar = Progress(
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

    def __enter__(self) -> _Progress:
        self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._bar.stop()

    def done(self, article: Article, result: Brief | SummarizerError) -> None:
        self.failed += not isinstance(result, Brief)
        failed = f", {self.failed} failed" if self.failed else ""
        self._bar.update(
            self._task, advance=1, description=f"extracting · done {escape(article.id)}{failed}"
        )


def _show_progress(args: argparse.Namespace) -> bool:
    return not args.quiet and sys.stderr.isatty()


def _summary_table(title: str, rows: Sequence[tuple[str, str]], paths: Sequence[Path]) -> None:
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


def _print_json(payload: dict[str, Any]) -> None:
    print(json.dumps(payload, ensure_ascii=False))


def _extract(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    human = not (args.quiet or args.json)
    loaded = load_articles(args.inputs)
    articles = [item for item in loaded if isinstance(item, Article)]
    failures: list[SummarizerError] = [item for item in loaded if not isinstance(item, Article)]
    for error in failures:
        print(f"error: {error}", file=sys.stderr)
    args.out.mkdir(parents=True, exist_ok=True)
    results: list[Brief | SummarizerError] = []
    events_judged: list[EventRecord] | None = None
    model: str | None = None
    if articles:
        with _backend_config(args) as config:
            limits = {k: v for k, v in (("rpm", args.rpm), ("tpm", args.tpm)) if v is not None}
            config = config.replace(**limits) if limits else config
            model = config.model
            cache = None if args.no_cache else Cache.from_env(os.environ)
            extractor = Extractor(config, cache=cache)
            with _Progress(len(articles), enabled=_show_progress(args)) as progress:
                results = extractor.sync(
                    lambda ex: ex.extract_many(
                        articles, concurrency=args.concurrency, on_done=progress.done
                    )
                )
            if args.command == "run" and args.adjudicate:
                # While the backend is up: the model settles the cases the rules leave open.
                judged = [r for r in results if isinstance(r, Brief)]
                judge = LLMAdjudicator(config)
                events_judged = consolidate(judged, articles, adjudicator=judge)
    briefs = [r for r in results if isinstance(r, Brief)]
    failures += [r for r in results if not isinstance(r, Brief)]
    briefs_path = args.out / "briefs.jsonl"
    with briefs_path.open("w", encoding="utf-8") as fh:
        for brief in briefs:
            fh.write(brief.model_dump_json() + "\n")
    failures_path = args.out / "failures.jsonl"
    if failures:
        with failures_path.open("w", encoding="utf-8") as fh:
            for error in failures:
                fh.write(json.dumps(_failure_record(error)) + "\n")
    elif failures_path.exists():
        failures_path.unlink()
    if human:
        for brief in briefs:
            print(_summary_line(brief))
        for error in failures:
            print(f"FAILED {error.article_id}: {type(error).__name__}: {error.message}")

    events: list[EventRecord] | None = None
    events_path = report_path = None
    if args.command == "run":
        events = events_judged if events_judged is not None else consolidate(briefs, articles)
        events_path = args.out / "events.json"
        events_path.write_text(
            json.dumps(events_json(events), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        if args.html:
            report_path = args.out / "report.html"
            report_path.write_text(report_html(events, briefs, articles), encoding="utf-8")
        if human:
            for event in events:
                when = event.date.isoformat() if event.date else (event.date_text or "?")
                print(f"event {event.id}: {event.title} [{when}] <- {', '.join(event.articles)}")

    code = EXIT_FAILURES if failures else EXIT_OK
    elapsed = time.perf_counter() - started
    stats = RunStats.from_results(results, model=model, wall_s=elapsed)
    usage = stats.usage  # this run's own tokens: cache hits add none
    cost = "unknown" if stats.cost_usd is None else f"${stats.cost_usd:.4f}"
    outputs = {
        "briefs": briefs_path,
        "events": events_path,
        "report": report_path,
        "failures": failures_path if failures else None,
    }
    if args.json:
        _print_json(
            {
                "command": args.command,
                "exit_code": code,
                "articles": len(loaded),
                "briefs": len(briefs),
                "events": None if events is None else len(events),
                "failed": len(failures),
                "failures": [_failure_record(error) for error in failures],
                "tokens": {
                    "prompt": usage.prompt_tokens,
                    "completion": usage.completion_tokens,
                    "total": usage.total_tokens,
                },
                "llm_calls": stats.llm_calls,
                "cache_hits": stats.cache_hits,
                "cost_usd": stats.cost_usd,
                "seconds": round(elapsed, 3),
                "outputs": {k: None if v is None else str(v) for k, v in outputs.items()},
            }
        )
    elif human:
        rows = [("articles", str(len(loaded))), ("briefs", str(len(briefs)))]
        if events is not None:
            rows.append(("events", str(len(events))))
        rows += [
            ("failures", str(len(failures))),
            ("cache hits", str(stats.cache_hits)),
            ("LLM calls", str(stats.llm_calls)),
            (
                "tokens",
                f"{usage.total_tokens:,} ({usage.prompt_tokens:,} prompt + "
                f"{usage.completion_tokens:,} completion)",
            ),
            ("cost", cost),
            ("time", f"{elapsed:.1f}s"),
        ]
        paths = [path for path in outputs.values() if path is not None]
        _summary_table(f"summarizer {args.command}", rows, paths)
    return code


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


def _report(args: argparse.Namespace) -> int:
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
        _print_json(
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


def _local(args: argparse.Namespace) -> int:
    from summarizer.llm.local import ensure_model, serve

    if args.local_command == "fetch":
        print(ensure_model())
        return EXIT_OK
    serve(args.gguf, port=args.port)
    return EXIT_OK


def _error_exit(args: argparse.Namespace, code: int, exc: BaseException) -> int:
    print(f"error: {exc}", file=sys.stderr)
    if getattr(args, "json", False):
        _print_json(
            {
                "command": args.command,
                "exit_code": code,
                "error": {"type": type(exc).__name__, "message": str(exc)},
            }
        )
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (see the module docstring)."""
    args = _parser().parse_args(argv)
    try:
        if args.command in ("extract", "run"):
            return _extract(args)
        if args.command == "report":
            return _report(args)
        return _local(args)
    except (UsageError, ConfigError) as exc:
        return _error_exit(args, EXIT_USAGE, exc)
    except LocalModelError as exc:
        return _error_exit(args, EXIT_BACKEND, exc)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
