"""Scale-out on Ray Data (``pip install 'summarizer[ray]'``): past one machine.

>>> import ray
>>> from summarizer.scale import consolidate_dataset, extract_dataset, briefs_of
>>> results = extract_dataset(ray.data.read_parquet("articles/"), config, actors=8)
>>> results = results.materialize()           # or results.write_parquet("out/results")
>>> events = consolidate_dataset(briefs_of(results))

* :func:`extract_dataset`: articles -> result rows (a brief or a typed failure per article,
  with its id) on an actor pool; :func:`briefs_of` / :func:`failures_of` split them.
* :func:`consolidate_dataset`: briefs -> event records; the same partition and records as
  :func:`summarizer.consolidate`.
* :func:`add_day`: a day's briefs into an :class:`~summarizer.EventIndex` of the open events
  of the last N days (records grow with their ``version``).
* :func:`run_dataset`: the CLI's ``summarizer run --engine ray``: read, resume, write.

Importing this package does not import Ray; its functions do.
"""

from summarizer.scale.consolidate import consolidate_dataset, event_records
from summarizer.scale.extract import (
    ExtractWorker,
    briefs_of,
    extract_dataset,
    failures_of,
    split_config,
)
from summarizer.scale.incremental import add_day
from summarizer.scale.run import RayRun, run_dataset
from summarizer.scale.session import connect

__all__ = [
    "ExtractWorker",
    "RayRun",
    "add_day",
    "briefs_of",
    "connect",
    "consolidate_dataset",
    "event_records",
    "extract_dataset",
    "failures_of",
    "run_dataset",
    "split_config",
]
