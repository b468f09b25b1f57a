"""A whole run on Ray: what ``summarizer run INPUT --engine ray`` does.

Output folder ``OUT``:

* ``OUT/results/run-<UTC time>/*.parquet``: every run's result rows (see
  :mod:`summarizer.scale.rows`), written as the run goes. **Resume**: a run first reads the
  ids that have a brief there and makes no call for them; failures are tried again. A run
  interrupted half-way keeps the blocks it wrote.
* ``OUT/briefs/``: the briefs (result rows with ``status == "ok"``), Parquet or JSONL files;
* ``OUT/failures.jsonl``: one failure row per article still without a brief (its latest
  failure): ``{"article_id", "error", "message", "attempts"}`` (as the local path writes it);
* ``OUT/events/``: one row per event (``event_id``, ``record`` as JSON, ``n_articles``).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from summarizer.errors import InputError
from summarizer.llm.config import LLMConfig
from summarizer.scale.consolidate import consolidate_dataset
from summarizer.scale.extract import briefs_of, extract_dataset
from summarizer.scale.session import connect

if TYPE_CHECKING:
    import pyarrow as pa
    from ray.data import Dataset

__all__ = ["RayRun", "read_inputs", "run_dataset"]

Format = Literal["parquet", "jsonl"]


@dataclass(frozen=True)
class RayRun:
    """What a run did: ``articles`` seen this run, ``skipped`` (a brief already there),
    ``calls`` (LLM calls this run), and the totals in the output folder."""

    articles: int
    skipped: int
    calls: int
    briefs: int
    failures: list[dict[str, Any]]
    events: int
    wall_s: float


def read_inputs(inputs: Sequence[str | Path]) -> tuple[Dataset, bool]:
    """The Dataset of ``inputs`` (JSONL files, or Parquet files/folders; not mixed) and
    whether its rows are JSONL lines."""
    import ray.data

    paths = [str(p) for p in inputs]
    kinds = {"jsonl" if p.endswith(".jsonl") else "parquet" for p in paths}
    if len(kinds) != 1:
        raise InputError("--engine ray reads .jsonl files or Parquet, not both in one run")
    missing = [p for p in paths if not Path(p).exists() and "://" not in p]
    if missing:
        raise InputError(f"no such file or directory: {missing[0]}")
    if kinds == {"jsonl"}:
        return ray.data.read_text(paths), True
    return ray.data.read_parquet(paths), False


def _write(ds: Dataset, path: Path, fmt: Format) -> None:
    if path.exists():
        shutil.rmtree(path)
    if fmt == "jsonl":
        ds.write_json(str(path))
    else:
        ds.write_parquet(str(path))


def _results(out: Path) -> Dataset | None:
    import ray.data

    root = out / "results"
    if not root.exists() or not any(root.rglob("*.parquet")):
        return None
    return ray.data.read_parquet(str(root), include_paths=True)


def _done_ids(results: Dataset | None) -> set[str]:
    if results is None:
        return set()
    ok = briefs_of(results.select_columns(["article_id", "status"]))
    return {str(r["article_id"]) for r in ok.iter_rows()}


def _open_failures(results: Dataset, done: set[str]) -> list[dict[str, Any]]:
    """The latest failure row of every article still without a brief."""
    latest: dict[str, tuple[str, dict[str, Any]]] = {}
    columns = ["article_id", "status", "error", "message", "attempts", "path"]
    for row in results.select_columns(columns).iter_rows():
        article_id = str(row["article_id"])
        if row["status"] == "ok" or article_id in done:
            continue
        failure = {k: row[k] for k in ("article_id", "error", "message", "attempts")}
        if article_id not in latest or row["path"] >= latest[article_id][0]:
            latest[article_id] = (str(row["path"]), failure)
    return [latest[k][1] for k in sorted(latest)]


def run_dataset(
    inputs: Sequence[str | Path],
    out: Path,
    config: LLMConfig,
    *,
    address: str | None = None,
    actors: int = 2,
    concurrency: int = 8,
    fmt: Format = "parquet",
    consolidate: bool = True,
    base_urls: Sequence[str] = (),
    cache_path: str | None = None,
    **extract_args: Any,
) -> RayRun:
    """Extract every article of ``inputs`` not done yet, then write briefs, failures and
    (with ``consolidate``) events into ``out`` (see the module docstring)."""
    import time

    started = time.perf_counter()
    connect(address)
    ds, lines = read_inputs(inputs)
    done = _done_ids(_results(out))
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    run_dir = out / "results" / f"run-{stamp}"
    results = extract_dataset(
        ds,
        config,
        actors=actors,
        concurrency=concurrency,
        lines=lines,
        base_urls=base_urls,
        cache_path=cache_path,
        skip_ids=done,
        **({"blocks": actors * 4} | extract_args),
    )
    results.write_parquet(str(run_dir))
    this_run = _results_of(run_dir)
    everything = _results(out)
    assert everything is not None
    now_done = _done_ids(everything)
    failures = _open_failures(everything, now_done)
    out.mkdir(parents=True, exist_ok=True)
    with (out / "failures.jsonl").open("w", encoding="utf-8") as f:
        f.writelines(json.dumps(row) + "\n" for row in failures)
    briefs = briefs_of(everything.drop_columns(["path"])).materialize()
    _write(briefs, out / "briefs", fmt)
    n_events = 0
    if consolidate:
        events = consolidate_dataset(briefs).materialize()
        _write(events, out / "events", fmt)
        n_events = events.count()
    return RayRun(
        articles=this_run[0],
        skipped=len(done),
        calls=this_run[1],
        briefs=len(now_done),
        failures=failures,
        events=n_events,
        wall_s=time.perf_counter() - started,
    )


def _results_of(run_dir: Path) -> tuple[int, int]:
    """Rows and LLM calls of one run's results."""
    import ray.data

    if not any(run_dir.rglob("*.parquet")):
        return 0, 0
    ds = ray.data.read_parquet(str(run_dir)).select_columns(["attempts"])
    rows = calls = 0
    for batch in ds.iter_batches(batch_format="pyarrow"):
        table: pa.Table = batch
        rows += table.num_rows
        calls += sum(table.column("attempts").to_pylist())
    return rows, calls
