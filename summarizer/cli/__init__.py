"""The ``summarizer`` command line: the edge where the environment is read.

Commands: ``extract`` (briefs), ``run`` (briefs and events, ``--html`` a report),
``report`` (the HTML report of a finished run), ``local`` (the embedded model).

Output: the files in ``--out``; on stdout one readable line per article and a summary
table, or with ``--json`` one JSON object and nothing else; on stderr errors and, when
stderr is a terminal and ``--quiet`` is not given, a progress bar with ETA.

Exit codes: 0 all articles done; 1 some articles failed (see ``failures.jsonl``);
2 usage or configuration error; 3 the backend could not be set up.

Modules: :mod:`~summarizer.cli.parser` (the arguments), :mod:`~summarizer.cli.commands`
(what each command does; ``extract`` and ``run`` go through
:func:`summarizer.pipeline.summarize`, the one orchestrator), :mod:`~summarizer.cli.display`
(progress bar, lines, summary table, ``--json``). Nothing outside this package imports it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from summarizer.cli.commands import (
    EXIT_BACKEND,
    EXIT_FAILURES,
    EXIT_OK,
    EXIT_USAGE,
    extract,
    local,
    report,
)
from summarizer.cli.display import print_json
from summarizer.cli.parser import build_parser
from summarizer.errors import ConfigError, LocalModelError, UsageError

__all__ = ["EXIT_BACKEND", "EXIT_FAILURES", "EXIT_OK", "EXIT_USAGE", "main"]


def _error_exit(args: argparse.Namespace, code: int, exc: BaseException) -> int:
    print(f"error: {exc}", file=sys.stderr)
    if getattr(args, "json", False):
        print_json(
            {
                "command": args.command,
                "exit_code": code,
                "error": {"type": type(exc).__name__, "message": str(exc)},
            }
        )
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (see the module docstring)."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "run" and args.engine == "ray":
            from summarizer.cli.engine import run_ray

            return run_ray(args)
        if args.command in ("extract", "run"):
            return extract(args)
        if args.command == "report":
            return report(args)
        return local(args)
    except (UsageError, ConfigError) as exc:
        return _error_exit(args, EXIT_USAGE, exc)
    except LocalModelError as exc:
        return _error_exit(args, EXIT_BACKEND, exc)
    except KeyboardInterrupt:
        return 130
