"""The ``summarizer`` command line: the edge where the environment is read.

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

from .config import LLMConfig, Mode
from .consolidate import consolidate, events_json
from .errors import ConfigError, LocalModelError, SummarizerError, UsageError
from .extract import Extractor
from .inputs import load_articles
from .types import Article, Brief

__all__ = ["main"]

EXIT_OK, EXIT_FAILURES, EXIT_USAGE, EXIT_BACKEND = 0, 1, 2, 3


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


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", metavar="INPUT")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR")
    parser.add_argument("--concurrency", type=int, default=1, metavar="N")
    parser.add_argument("--quiet", action="store_true", help="print nothing but errors")
    _add_backend_options(parser)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="summarizer",
        description="Source-grounded news briefs with an LLM.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    extract = commands.add_parser(
        "extract",
        help="write one grounded brief per article to DIR/briefs.jsonl",
        description="Extract a grounded brief from every article. INPUT is a .txt file "
        "(id = file name), a directory of them, or a .jsonl file (id, text, optional "
        "title, published, source, url).",
    )
    _add_run_options(extract)

    run = commands.add_parser(
        "run",
        help="extract, then consolidate: DIR/briefs.jsonl and DIR/events.json",
        description="Extract a grounded brief from every article, then group the briefs "
        "into real-world events and merge each group into one record (DIR/events.json).",
    )
    _add_run_options(run)

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
        from .local import local_server

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


def _extract(args: argparse.Namespace) -> int:
    loaded = load_articles(args.inputs)
    articles = [item for item in loaded if isinstance(item, Article)]
    failures: list[SummarizerError] = [item for item in loaded if not isinstance(item, Article)]
    for error in failures:
        print(f"error: {error}", file=sys.stderr)
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    results: list[Brief | SummarizerError] = []
    if articles:
        with _backend_config(args) as config:
            extractor = Extractor(config)
            results = extractor.sync(
                lambda ex: ex.extract_many(articles, concurrency=args.concurrency)
            )
    briefs = [r for r in results if isinstance(r, Brief)]
    failures += [r for r in results if not isinstance(r, Brief)]
    with (args.out / "briefs.jsonl").open("w", encoding="utf-8") as fh:
        for brief in briefs:
            fh.write(brief.model_dump_json() + "\n")
    failures_path = args.out / "failures.jsonl"
    if failures:
        with failures_path.open("w", encoding="utf-8") as fh:
            for error in failures:
                fh.write(json.dumps(_failure_record(error)) + "\n")
    elif failures_path.exists():
        failures_path.unlink()
    if not args.quiet:
        for brief in briefs:
            print(_summary_line(brief))
        for error in failures:
            print(f"FAILED {error.article_id}: {type(error).__name__}: {error.message}")
        elapsed = time.perf_counter() - started
        tokens = sum(b.meta.usage.total_tokens for b in briefs)
        print(
            f"{len(briefs)} briefs, {len(failures)} failed, {tokens} tokens, {elapsed:.0f}s "
            f"-> {args.out / 'briefs.jsonl'}"
        )
    if args.command == "run":
        events = consolidate(briefs, articles)
        (args.out / "events.json").write_text(
            json.dumps(events_json(events), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        if not args.quiet:
            for event in events:
                when = event.date.isoformat() if event.date else (event.date_text or "?")
                print(f"event {event.id}: {event.title} [{when}] <- {', '.join(event.articles)}")
            print(f"{len(events)} events -> {args.out / 'events.json'}")
    return EXIT_FAILURES if failures else EXIT_OK


def _local(args: argparse.Namespace) -> int:
    from .local import ensure_model, serve

    if args.local_command == "fetch":
        print(ensure_model())
        return EXIT_OK
    serve(args.gguf, port=args.port)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command in ("extract", "run"):
            return _extract(args)
        return _local(args)
    except (UsageError, ConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except LocalModelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BACKEND
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
