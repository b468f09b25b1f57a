"""The OpenAI Batch API path, for large offline jobs (half price, results within 24 h).

:func:`arun_batch` does the whole job: articles already in the cache are not sent;
the others become one JSONL line each (:func:`batch_requests`: the very body the online
path sends first, built from :meth:`Extractor.messages` and the backend's request
options by the same instructor request handler); the file is uploaded
(``client.files.create``), the batch created (``client.batches.create``) and polled
(``client.batches.retrieve``); the output and error files are downloaded
(``client.files.content``) and mapped back to the articles by ``custom_id`` (the
article id). Each answer is parsed by the same instructor handler as online and goes
through the same checks and assembly (:meth:`Extractor.brief_from_draft`), with one
difference: there is no re-ask of an answer that does not fit the schema, so such an
answer, or one cut at ``max_tokens``, fails its article. Items that fail their checks
are dropped, as online (counted in :attr:`BatchResult.dropped`). New briefs are stored in the cache.

The steps are public too (:func:`asubmit_batch`, :func:`await_batch`,
:func:`acollect_batch`), so a job can be submitted now and collected by another process
later. Every Files/Batches call goes through the backend's HTTP retry layer.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from openai.types import Batch
from openai.types.chat import ChatCompletion
from pydantic import ValidationError

from summarizer.errors import BackendError, ConfigError, InputError, RunError, SummarizerError
from summarizer.extract.cache import Cache, from_cache
from summarizer.extract.extractor import Extractor
from summarizer.extract.guard import check_article
from summarizer.extract.schema import Draft
from summarizer.llm.backend import Backend, OpenAIBackend, usage_of
from summarizer.llm.config import LLMConfig
from summarizer.llm.costs import RunStats
from summarizer.llm.retry import retry_headers
from summarizer.sync import run_sync
from summarizer.types import Article, Brief, Usage

__all__ = [
    "BatchJob",
    "BatchResult",
    "acollect_batch",
    "arun_batch",
    "asubmit_batch",
    "await_batch",
    "batch_requests",
    "run_batch",
]

ENDPOINT: Final = "/v1/chat/completions"
FINISHED = frozenset({"completed", "failed", "expired", "cancelled"})


def _backend(extractor: Extractor) -> OpenAIBackend:
    if not isinstance(extractor.backend, OpenAIBackend):
        raise ConfigError("the Batch API needs an OpenAIBackend (an LLMConfig)")
    return extractor.backend


def batch_requests(extractor: Extractor, articles: Sequence[Article]) -> list[dict[str, Any]]:
    """One Batch API request line per article (``custom_id`` = article id)."""
    backend = _backend(extractor)
    seen: set[str] = set()
    lines = []
    for article in articles:
        check_article(article)
        if article.id in seen:
            raise InputError("duplicate article id in one batch", article_id=article.id)
        seen.add(article.id)
        body = backend.request_body(extractor.messages(article), Draft)
        lines.append({"custom_id": article.id, "method": "POST", "url": ENDPOINT, "body": body})
    return lines


@dataclass(frozen=True)
class BatchJob:
    """A submitted batch: its id, its input file and the articles it holds."""

    batch_id: str
    input_file_id: str
    article_ids: tuple[str, ...]


@dataclass(frozen=True)
class BatchResult:
    """Briefs and errors in input order, and what the batch did."""

    results: list[Brief | SummarizerError]
    batch_id: str | None
    status: str
    dropped: int
    """Items dropped from the briefs by the checks (as online)."""
    wall_s: float = 0.0

    @property
    def briefs(self) -> list[Brief]:
        return [r for r in self.results if isinstance(r, Brief)]

    @property
    def failures(self) -> list[SummarizerError]:
        return [r for r in self.results if not isinstance(r, Brief)]

    def stats(self, prices: Mapping[str, Any] | None = None) -> RunStats:
        """The run in numbers, priced at the Batch API's half price."""
        return RunStats.from_results(self.results, wall_s=self.wall_s, prices=prices, batch=True)


async def asubmit_batch(
    extractor: Extractor, articles: Sequence[Article], *, metadata: Mapping[str, str] | None = None
) -> BatchJob:
    """Upload the requests of ``articles`` and create the batch."""
    backend = _backend(extractor)
    lines = batch_requests(extractor, articles)
    data = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode()
    client = backend.raw_client()
    upload = await backend.retry.run(
        lambda n: client.files.create(
            file=("summarizer-batch.jsonl", data, "application/jsonl"),
            purpose="batch",
            extra_headers=retry_headers(n),
        )
    )
    batch = await backend.retry.run(
        lambda n: client.batches.create(
            input_file_id=upload.id,
            endpoint=ENDPOINT,
            completion_window="24h",
            metadata=dict(metadata) if metadata else None,
            extra_headers=retry_headers(n),
        )
    )
    return BatchJob(batch.id, upload.id, tuple(a.id for a in articles))


async def await_batch(
    extractor: Extractor, batch_id: str, *, poll_s: float = 30.0, timeout_s: float | None = None
) -> Batch:
    """Poll the batch every ``poll_s`` seconds until it is finished (completed, failed,
    expired or cancelled); :class:`BackendError` after ``timeout_s``."""
    backend = _backend(extractor)
    client = backend.raw_client()
    started = time.monotonic()
    while True:
        batch = await backend.retry.run(
            lambda n: client.batches.retrieve(batch_id, extra_headers=retry_headers(n))
        )
        if batch.status in FINISHED:
            return batch
        if timeout_s is not None and time.monotonic() - started + poll_s > timeout_s:
            raise BackendError(
                f"batch {batch_id} is still {batch.status} after {timeout_s:g} s; "
                "collect it later with acollect_batch",
                attempts=0,
            )
        await asyncio.sleep(poll_s)


async def _lines(backend: OpenAIBackend, file_id: str | None) -> dict[str, dict[str, Any]]:
    if not file_id:
        return {}
    client = backend.raw_client()
    content = await backend.retry.run(
        lambda n: client.files.content(file_id, extra_headers=retry_headers(n))
    )
    out: dict[str, dict[str, Any]] = {}
    for raw in content.text.splitlines():
        if raw.strip():
            line = json.loads(raw)
            out[str(line.get("custom_id"))] = line
    return out


def _failure(line: Mapping[str, Any]) -> BackendError | None:
    """The error of a result line, or ``None`` if it holds an answer."""
    response = line.get("response") or {}
    body = response.get("body")
    error = line.get("error") or (body.get("error") if isinstance(body, dict) else None)
    code = response.get("status_code")
    if error is None and code == 200 and isinstance(body, dict):
        return None
    message = error.get("message") if isinstance(error, dict) else error
    prefix = f"batch request failed (HTTP {code})" if code else "batch request failed"
    usage = body.get("usage") if isinstance(body, dict) else None
    spent = (
        Usage(
            prompt_tokens=int(usage.get("prompt_tokens") or 0),
            completion_tokens=int(usage.get("completion_tokens") or 0),
        )
        if isinstance(usage, dict)
        else None
    )
    return BackendError(f"{prefix}: {message or 'no answer'}", attempts=1, usage=spent)


async def acollect_batch(
    extractor: Extractor, batch: Batch, articles: Sequence[Article]
) -> list[Brief | SummarizerError]:
    """Briefs (or errors) of the ``articles`` sent in ``batch``, in their order."""
    backend = _backend(extractor)
    found = await _lines(backend, batch.error_file_id)
    found.update(await _lines(backend, batch.output_file_id))
    results: list[Brief | SummarizerError] = []
    for article in articles:
        line = found.get(article.id)
        result: Brief | SummarizerError
        if line is None:
            result = BackendError(f"no result in batch {batch.id} ({batch.status})", attempts=0)
        elif (failure := _failure(line)) is not None:
            result = failure
        else:
            result = await _brief(extractor, backend, article, line["response"]["body"])
        if isinstance(result, SummarizerError):
            result.article_id = article.id
        results.append(result)
    return results


async def _brief(
    extractor: Extractor, backend: OpenAIBackend, article: Article, body: dict[str, Any]
) -> Brief | SummarizerError:
    try:
        completion = ChatCompletion.model_validate(body)
    except ValidationError:
        return BackendError("the batch result is not a chat completion", attempts=1)
    try:
        draft = backend.parse(completion, Draft)
        return extractor.brief_from_draft(article, draft, usage=usage_of(completion), attempts=1)
    except RunError as error:
        return error


async def arun_batch(
    articles: Sequence[Article],
    config: LLMConfig | None = None,
    *,
    backend: Backend | None = None,
    cache: Cache | None = None,
    poll_s: float = 30.0,
    timeout_s: float | None = None,
    metadata: Mapping[str, str] | None = None,
) -> BatchResult:
    """Brief ``articles`` through the Batch API: submit, wait, collect (see the module)."""
    started = time.perf_counter()
    async with Extractor(config, backend=backend, cache=cache) as extractor:
        results: list[Brief | SummarizerError | None] = [None] * len(articles)
        todo: list[tuple[int, Article, str | None]] = []
        ids: set[str] = set()
        for i, article in enumerate(articles):
            try:
                check_article(article)
                if article.id in ids:
                    raise InputError("duplicate article id", article_id=article.id)
            except InputError as error:
                results[i] = error
                continue
            ids.add(article.id)
            key = extractor.cache_key(article) if cache is not None else None
            stored = cache.get(key) if cache is not None and key is not None else None
            if stored is not None:
                results[i] = from_cache(stored, article)
            else:
                todo.append((i, article, key))
        batch_id, status, dropped = None, "skipped", 0
        if todo:
            job = await asubmit_batch(extractor, [a for _, a, _ in todo], metadata=metadata)
            batch = await await_batch(extractor, job.batch_id, poll_s=poll_s, timeout_s=timeout_s)
            batch_id, status = batch.id, batch.status
            collected = await acollect_batch(extractor, batch, [a for _, a, _ in todo])
            for (i, article, key), result in zip(todo, collected, strict=True):
                results[i] = result
                if isinstance(result, Brief):
                    dropped += len(result.diagnostics.dropped)
                    if cache is not None and key is not None:
                        cache.put(key, result, article=article)
    done = [r for r in results if r is not None]
    return BatchResult(done, batch_id, status, dropped, round(time.perf_counter() - started, 3))


def run_batch(
    articles: Sequence[Article],
    config: LLMConfig | None = None,
    *,
    backend: Backend | None = None,
    cache: Cache | None = None,
    poll_s: float = 30.0,
    timeout_s: float | None = None,
    metadata: Mapping[str, str] | None = None,
) -> BatchResult:
    """:func:`arun_batch` for sync code (notebooks included)."""
    return run_sync(
        lambda: arun_batch(
            articles,
            config,
            backend=backend,
            cache=cache,
            poll_s=poll_s,
            timeout_s=timeout_s,
            metadata=metadata,
        )
    )
