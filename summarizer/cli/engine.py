"""``summarizer run INPUT --engine ray``: the run on Ray Data (:mod:`summarizer.scale`)."""

from __future__ import annotations

import argparse
import sys
import time

from summarizer.cli.commands import EXIT_FAILURES, EXIT_OK, EXIT_USAGE, backend_config
from summarizer.cli.display import print_json

__all__ = ["run_ray"]


def run_ray(args: argparse.Namespace) -> int:
    """Extract (resuming), consolidate and write the run's files; the exit code."""
    try:
        from summarizer.scale.run import run_dataset
    except ImportError as exc:  # pragma: no cover - without the extra
        print(
            f"error: --engine ray needs ray: pip install 'summarizer[ray]' ({exc})", file=sys.stderr
        )
        return EXIT_USAGE
    started = time.perf_counter()
    urls = [u.strip() for u in (args.base_url or "").split(",") if u.strip()]
    args.base_url = urls[0] if urls else None
    with backend_config(args) as config:
        limits = {k: v for k, v in (("rpm", args.rpm), ("tpm", args.tpm)) if v is not None}
        config = config.replace(**limits) if limits else config
        run = run_dataset(
            args.inputs,
            args.out,
            config,
            address=args.address,
            actors=args.actors,
            concurrency=args.concurrency,
            fmt=args.format,
            base_urls=urls,
        )
    code = EXIT_FAILURES if run.failures else EXIT_OK
    outputs = {
        name: str(args.out / name)
        for name in ("results", "briefs", "events", "failures.jsonl")
        if (args.out / name).exists()
    }
    payload = {
        "command": "run",
        "engine": "ray",
        "exit_code": code,
        "articles": run.articles,
        "skipped": run.skipped,
        "llm_calls": run.calls,
        "briefs": run.briefs,
        "events": run.events,
        "failures": run.failures,
        "seconds": round(time.perf_counter() - started, 3),
        "outputs": outputs,
    }
    if args.json:
        print_json(payload)
    elif not args.quiet:
        for failure in run.failures:
            print(f"failed  {failure['article_id']}: {failure['error']}: {failure['message']}")
        print(
            f"{run.articles} articles this run ({run.skipped} had a brief already), "
            f"{run.calls} LLM calls; {run.briefs} briefs, {len(run.failures)} failures, "
            f"{run.events} events in {payload['seconds']} s -> {args.out}",
            file=sys.stdout,
        )
    return code
