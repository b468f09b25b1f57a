"""The per-article LLM stage on a Ray Data actor pool.

:func:`extract_dataset` maps a Dataset of articles (input rows, see
:mod:`summarizer.scale.rows`) to a Dataset of result rows with
``map_batches(ExtractWorker, compute=ActorPoolStrategy(size=actors))``. Each actor holds one
:class:`~summarizer.extract.extractor.Extractor` per model server URL (usually one), built
from the same frozen :class:`~summarizer.llm.config.LLMConfig` as the local path (same
prompts, grounding, checks and cache keys), and one :class:`~summarizer.llm.ratelimit.Slots`
bounding its requests in flight across every batch it holds at once (Ray Data runs up to
four batches of an async UDF concurrently, and :func:`extract_dataset` lets an actor hold two
tasks). A failed article is a failure row with its typed error, never an exception that
fails the job; rows carry their article id (Ray Data does not keep order).

Ray is imported only when a function here runs, never by ``import summarizer``.
"""

from __future__ import annotations

import asyncio
import math
import zlib
from collections.abc import Collection, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from summarizer.errors import InputError, RunError, SummarizerError
from summarizer.extract.cache import Cache
from summarizer.extract.extractor import Extractor
from summarizer.llm.config import LLMConfig
from summarizer.llm.ratelimit import Slots
from summarizer.scale.rows import RESULT_COLUMNS, article_of_row, brief_row, failure_row
from summarizer.scale.session import quiet_data_context, resolve
from summarizer.types import Article, Brief

if TYPE_CHECKING:
    import pyarrow as pa
    from ray.data import Dataset

__all__ = ["ExtractWorker", "briefs_of", "extract_dataset", "failures_of", "split_config"]


def split_config(config: LLMConfig, actors: int) -> LLMConfig:
    """``config`` for one of ``actors`` actors: its ``rpm``/``tpm`` (the job's limits) are
    shared evenly among them (rounded up), so the job as a whole keeps to them."""
    changes = {
        name: math.ceil(limit / actors)
        for name in ("rpm", "tpm")
        if (limit := getattr(config, name)) is not None
    }
    return config.replace(**changes) if changes else config


class ExtractWorker:
    """One actor of the LLM stage: articles in (a batch of input rows), result rows out.

    ``base_urls`` (default: ``config.base_url``) are model servers behind the same model:
    each article goes to one of them by a hash of its id. ``skip`` holds ids that already
    have a result (a resumed run): such rows give no output row and no call. Subclass and
    override :meth:`extract` to change what is done per article.
    """

    def __init__(
        self,
        config: LLMConfig,
        *,
        concurrency: int = 8,
        lines: bool = False,
        base_urls: Sequence[str] = (),
        cache_path: str | None = None,
        skip: Any = None,
    ) -> None:
        urls = list(base_urls) or [config.base_url]
        self.extractors = [
            Extractor(
                config.replace(base_url=url),
                cache=Cache(cache_path) if cache_path is not None else None,
            )
            for url in urls
        ]
        self.slots = Slots(concurrency)
        self.lines = lines
        self.skip: Collection[str] = resolve(skip) if skip is not None else frozenset()

    async def extract(self, article: Article) -> Brief:
        """The brief of one article (raises a :class:`SummarizerError` when it fails)."""
        extractors = self.extractors
        extractor = extractors[zlib.crc32(article.id.encode()) % len(extractors)]
        async with self.slots.hold():
            return await extractor.extract(article)

    async def one(self, row: Mapping[str, Any]) -> dict[str, Any] | None:
        """The result row of one input row (``None``: skipped, it has a result already)."""
        article = article_of_row(row, lines=self.lines)
        if isinstance(article, InputError):
            return failure_row(article)
        if article.id in self.skip:
            return None
        try:
            brief = await self.extract(article)
        except SummarizerError as exc:
            return failure_row(exc, article)
        except Exception as exc:  # a bug must not fail the job: a failure row, typed
            error = RunError(f"{type(exc).__name__}: {exc}", article_id=article.id)
            return {**failure_row(error, article), "error": type(exc).__name__}
        return brief_row(article, brief)

    async def __call__(self, batch: pa.Table) -> pa.Table:
        import pyarrow as pa

        results = await asyncio.gather(*(self.one(row) for row in batch.to_pylist()))
        rows = [r for r in results if r is not None]
        return pa.Table.from_pylist(rows, schema=result_schema())


def result_schema() -> pa.Schema:
    """The Arrow schema of result rows (see :mod:`summarizer.scale.rows`)."""
    import pyarrow as pa

    types = {"attempts": pa.int64()}
    return pa.schema([(name, types.get(name, pa.string())) for name in RESULT_COLUMNS])


def extract_dataset(
    ds: Dataset,
    config: LLMConfig,
    *,
    actors: int = 2,
    concurrency: int = 8,
    batch_size: int | None = None,
    lines: bool = False,
    base_urls: Sequence[str] = (),
    cache_path: str | None = None,
    skip_ids: Collection[str] = (),
    num_cpus: float = 0.5,
    blocks: int | None = None,
    worker: type[ExtractWorker] = ExtractWorker,
) -> Dataset:
    """Result rows (a brief or a failure per article, with its id) for a Dataset of articles.

    ``actors`` actors each hold at most ``concurrency`` requests in flight (the job:
    ``actors * concurrency``); ``config.rpm``/``tpm`` are the job's limits, shared among the
    actors. ``lines``: the rows are JSONL lines (``ray.data.read_text``). ``skip_ids``:
    articles with a result already (no call, no row). ``cache_path``: an SQLite brief cache
    every actor opens (a node-local or shared path). A dead actor is restarted and its
    batches retried: Ray Data 2.60 gives pool actors ``max_restarts=-1`` and
    ``max_task_retries=-1`` (its ``ray_remote_args`` to change them are deprecated).
    ``blocks``: split the input into that many blocks first (an input of fewer blocks than
    ``actors * 2`` leaves actors idle: a single JSONL file is one block).
    The Dataset is lazy: write it, or :meth:`materialize` it before splitting it with
    :func:`briefs_of` / :func:`failures_of`.
    """
    import ray
    from ray.data import ActorPoolStrategy

    quiet_data_context()
    # Batches of several rounds of requests: an actor keeps `concurrency` requests in flight
    # through a batch (its Slots), and Ray Data's per-batch cost is spread over many rows.
    batch = batch_size or concurrency * 8
    skip = ray.put(frozenset(skip_ids)) if skip_ids else None
    # (A streaming repartition by rows per block fused with this stage on Ray 2.60 and fed
    # one actor only: 2.6x the asyncio path's time; a split into ``blocks`` does not.)
    if blocks is not None:
        ds = ds.repartition(blocks)
    return ds.map_batches(
        worker,
        batch_size=batch,
        batch_format="pyarrow",
        # min_size 1: a small input (one block) is no reason for Ray Data to warn
        compute=ActorPoolStrategy(
            min_size=1, max_size=actors, initial_size=actors, max_concurrent_calls_per_actor=2
        ),
        fn_constructor_args=(split_config(config, actors),),
        fn_constructor_kwargs={
            "concurrency": concurrency,
            "lines": lines,
            "base_urls": tuple(base_urls),
            "cache_path": cache_path,
            "skip": skip,
        },
        num_cpus=num_cpus,
    )


def _status_is(batch: pa.Table, status: str) -> pa.Table:
    import pyarrow.compute as pc

    return batch.filter(pc.equal(batch["status"], status))


def briefs_of(results: Dataset) -> Dataset:
    """The ``ok`` rows of a result Dataset."""
    return results.map_batches(partial(_status_is, status="ok"), batch_format="pyarrow")


def failures_of(results: Dataset) -> Dataset:
    """The failure rows of a result Dataset (``article_id``, ``error``, ``message``)."""
    return results.map_batches(partial(_status_is, status="failed"), batch_format="pyarrow")
