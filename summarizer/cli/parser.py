"""The command line's arguments: the commands ``extract``, ``run``, ``report`` and ``local``
and their options (argparse declarations only; :mod:`summarizer.cli.commands` runs them)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import get_args

from summarizer.llm.config import Mode

__all__ = ["build_parser"]

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
        _add_ray_options(parser)
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


def _add_ray_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "scale-out (pip install 'summarizer[ray]')",
        "--engine ray runs on Ray Data: INPUT is .jsonl files or Parquet; DIR gets results/ "
        "(every run's rows: a rerun calls only for articles without a brief), briefs/, "
        "events/ and failures.jsonl; --concurrency is per actor; --base-url may list "
        "several servers, comma-separated; --rpm/--tpm are shared by the actors.",
    )
    group.add_argument("--engine", choices=("local", "ray"), default="local")
    group.add_argument(
        "--address", help="the Ray cluster to join ('auto': the one on this machine)"
    )
    group.add_argument("--actors", type=int, default=2, metavar="N", help="LLM actors (2)")
    group.add_argument("--format", choices=("parquet", "jsonl"), default="parquet")


def build_parser() -> argparse.ArgumentParser:
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
