"""The scale-out on Ray Data (summarizer.scale), on a local 2-CPU Ray started once per run.

The LLM stage talks to the loopback fake server (real HTTP on 127.0.0.1, answered per
article whatever order the actors send requests in); the server counts every request.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from summarizer import Article, EventIndex, Extractor, LLMConfig, consolidate
from summarizer.cli import main
from summarizer.errors import BackendError
from summarizer.scale import (
    ExtractWorker,
    add_day,
    briefs_of,
    consolidate_dataset,
    event_records,
    extract_dataset,
    failures_of,
    run_dataset,
)
from summarizer.scale.rows import brief_row, result_of_row
from summarizer.scale.session import quiet_data_context
from summarizer.types import Brief

from .conftest import CASSETTES, REPO, SEEDS, seed
from .fakeserver import KEY, Behaviour, FakeServer, answer_article, article_of, fake_config, status

ray = pytest.importorskip("ray", reason="never skipped in CI: make installs the ray extra")
FAIL = "UNREACHABLE"  # an article whose text holds this word gets HTTP 500 from the server


@pytest.fixture(scope="session")
def ray_cluster() -> Iterator[None]:
    """One local Ray for the whole test run: 2 CPUs, a 200 MB object store, no dashboard."""
    ray.init(
        num_cpus=2,
        object_store_memory=200 * 1024**2,
        include_dashboard=False,
        log_to_driver=False,
        _node_ip_address="127.0.0.1",
    )
    quiet_data_context()
    ray.data.DataContext.get_current().enable_progress_bars = False
    # The dying worker below is defined here: ship it by value (workers cannot import tests).
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])
    yield
    ray.shutdown()


def respond(body: Any) -> Behaviour:
    return status(500) if FAIL in article_of(body) else answer_article()


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer(respond=respond) as fake:
        yield fake


def config_for(server: FakeServer) -> LLMConfig:
    return fake_config(server.base_url, http_retries=0, timeout_s=10.0)


def article(i: int, *, fail: bool = False) -> dict[str, Any]:
    town = f"Town{i:03d}"
    word = FAIL if fail else "approved"
    text = (
        f"The council of {town} {word} a new budget for the harbour on Monday. "
        f"The mayor of {town} welcomed the vote in a long statement to reporters."
    )
    return {"id": f"a{i:03d}", "text": text}


def called_ids(server: FakeServer) -> Counter[str]:
    """Requests per article (by the town in the text), as the server saw them."""
    return Counter(
        "a" + article_of(r.body).split("Town", 1)[1][:3] for r in server.requests if r.body
    )


def test_import_summarizer_does_not_import_ray() -> None:
    code = "import sys, summarizer, summarizer.scale, summarizer.cli; print('ray' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_every_article_once_and_failures_are_typed_rows(
    ray_cluster: None, server: FakeServer
) -> None:
    rows = [article(i, fail=i % 10 == 3) for i in range(40)]
    rows.append({"id": "empty", "text": "   "})
    ds = ray.data.from_items(rows)
    results = extract_dataset(ds, config_for(server), actors=2, concurrency=4).materialize()
    out = results.take_all()
    assert sorted(r["article_id"] for r in out) == sorted(r["id"] for r in rows)
    failures = {r["article_id"]: r for r in failures_of(results).take_all()}
    assert {k: v["error"] for k, v in failures.items()} == {
        "a003": "BackendError",
        "a013": "BackendError",
        "a023": "BackendError",
        "a033": "BackendError",
        "empty": "InputError",
    }
    assert "500" in failures["a003"]["message"] and failures["a003"]["attempts"] == 1
    assert isinstance(result_of_row(failures["a013"]), BackendError)
    briefs = briefs_of(results).take_all()
    assert len(briefs) == 36
    brief = result_of_row(briefs[0])
    assert isinstance(brief, Brief) and brief.article_id == briefs[0]["article_id"]
    assert called_ids(server) == Counter(r["id"] for r in rows if r["id"] != "empty")


class DyingWorker(ExtractWorker):
    """Kills its own process at the marked article, the first time only (a marker file)."""

    marker = ""

    async def extract(self, article: Article) -> Brief:
        if article.id == "a017" and not os.path.exists(self.marker):
            Path(self.marker).touch()
            os._exit(1)
        return await super().extract(article)


def test_a_killed_actor_is_restarted_and_the_job_completes(
    ray_cluster: None, server: FakeServer, tmp_path: Path
) -> None:
    DyingWorker.marker = str(tmp_path / "died")
    rows = [article(i) for i in range(30)]
    ds = ray.data.from_items(rows)
    # Ray Data's pool actors have max_restarts=-1, max_task_retries=-1 (its defaults).
    results = extract_dataset(ds, config_for(server), worker=DyingWorker)
    out = results.take_all()
    assert (tmp_path / "died").exists()  # it did die
    assert sorted(r["article_id"] for r in out) == [r["id"] for r in rows]
    assert {r["status"] for r in out} == {"ok"}


def test_a_resumed_run_calls_only_for_the_rest(
    ray_cluster: None, server: FakeServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.delenv("SUMMARIZER_MODEL", raising=False)
    source = tmp_path / "articles.jsonl"
    first = [article(i, fail=i in (2, 5)) for i in range(20)]
    source.write_text("".join(json.dumps(r) + "\n" for r in first) + "{broken\n")
    argv = ["run", str(source), "--engine", "ray", "--out", str(tmp_path / "out"), "--json"]
    argv += ["--base-url", server.base_url, "--model", "fake", "--mode", "json_with_schema"]
    assert main(argv) == 1  # two articles and one line failed
    assert len(server.requests) == 18 + 2 * 3  # a 500 is tried 3 times (http_retries=2)
    failures = [
        json.loads(x) for x in (tmp_path / "out" / "failures.jsonl").read_text().splitlines()
    ]
    assert {(f["article_id"], f["error"]) for f in failures} >= {
        ("a002", "BackendError"),
        ("a005", "BackendError"),
    }
    assert [f["error"] for f in failures].count("InputError") == 1

    # Interrupted runs look the same: written rows stay. Fix the two, add ten more articles.
    fixed = [article(i) for i in range(30)]
    source.write_text("".join(json.dumps(r) + "\n" for r in fixed) + "{broken\n")
    server.requests.clear()
    assert main(argv) == 1  # the broken line is still there
    assert sorted(called_ids(server)) == ["a002", "a005", *(f"a{i:03d}" for i in range(20, 30))]
    briefs = ray.data.read_parquet(str(tmp_path / "out" / "briefs")).take_all()
    assert sorted(r["article_id"] for r in briefs) == [r["id"] for r in fixed]
    (left,) = [
        json.loads(x) for x in (tmp_path / "out" / "failures.jsonl").read_text().split("\n")[:1]
    ]
    assert left["error"] == "InputError"
    events = ray.data.read_parquet(str(tmp_path / "out" / "events")).take_all()
    assert sum(r["n_articles"] for r in events) == 30


def test_parquet_in_jsonl_out_over_two_servers(ray_cluster: None, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [article(i) for i in range(12)]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "in.parquet")
    with FakeServer(respond=respond) as one, FakeServer(respond=respond) as two:
        run = run_dataset(
            [tmp_path / "in.parquet"],
            tmp_path / "out",
            config_for(one),
            fmt="jsonl",
            base_urls=[one.base_url, two.base_url],
        )
        assert len(one.requests) > 0 and len(two.requests) > 0
        assert len(one.requests) + len(two.requests) == 12
    assert (run.articles, run.calls, run.briefs, run.failures) == (12, 12, 12, [])
    lines = [
        json.loads(line)
        for path in (tmp_path / "out" / "briefs").glob("*.json*")
        for line in path.read_text().splitlines()
    ]
    assert sorted(r["article_id"] for r in lines) == [r["id"] for r in rows]


def _partition(records: Any) -> list[list[str]]:
    return sorted(sorted(r.articles) for r in records)


@pytest.mark.vcr(
    *[str(CASSETTES / "extract" / f"{p.stem}.yaml") for p in SEEDS], record_mode="none"
)
def test_the_seeds_partition_equals_consolidate(ray_cluster: None, model_config: LLMConfig) -> None:
    # The embedded model's briefs of the seeds, replayed from the cassettes.
    articles = [seed(p.stem[:3]) for p in SEEDS]
    extractor = Extractor(model_config)
    briefs = [extractor.extract_sync(a) for a in articles]
    by_id = {a.id: a for a in articles}
    ds = ray.data.from_items([brief_row(by_id[b.article_id], b) for b in briefs])
    events = event_records(consolidate_dataset(ds))
    local = consolidate(briefs, articles)
    assert _partition(events) == _partition(local)
    assert [e.model_dump() for e in events] == [e.model_dump() for e in local]
    assert [sorted(a[:3] for a in part) for part in _partition(events)] == [
        ["000", "002"],
        ["001"],
        ["003"],
        ["004"],
    ]


def test_a_synthetic_10k_partition_equals_consolidate(ray_cluster: None) -> None:
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from bench_consolidate import generate
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    briefs, articles, _ = generate(10_000)
    by_id = {a.id: a for a in articles}
    ds = ray.data.from_items([brief_row(by_id[b.article_id], b) for b in briefs])
    stats: dict[str, int] = {}
    events = event_records(consolidate_dataset(ds, stats=stats))
    local = consolidate(briefs, articles)
    assert _partition(events) == _partition(local)
    assert [e.model_dump() for e in events] == [e.model_dump() for e in local]
    assert stats["documents"] == 10_000 and stats["components"] <= len(local)


def test_a_days_briefs_join_the_open_events(ray_cluster: None) -> None:
    day1, day2 = dt.date(2025, 3, 3), dt.date(2025, 3, 4)
    texts = {
        "d1-a": "Kenyan President William Ruto met French President Emmanuel Macron in Paris.",
        "d1-b": "Ruto and Macron met in Paris on Monday to discuss climate finance, aides said.",
        "d2-a": "Ruto and Macron met in Paris on Monday and agreed on climate finance steps.",
    }
    index = EventIndex()
    rows = {}
    for article_id, text in texts.items():
        published = day1 if article_id.startswith("d1") else day2
        art = Article(id=article_id, text=text, published=published)
        brief = summarize_offline(art)
        rows[article_id] = brief_row(art, brief)
    first = add_day(index, [rows["d1-a"], rows["d1-b"]], day=day1, open_days=3)
    assert [c.kind for c in first.changes] == ["created", "joined"]
    second = add_day(index, ray.data.from_items([rows["d2-a"]]), day=day2, open_days=3)
    (change,) = second.changes
    assert change.kind == "joined" and change.version == 3
    later = add_day(index, [], day=day2 + dt.timedelta(days=10), open_days=3)
    assert [r.id for r in later.closed] == ["evt-d1-a"] and index.records == []


def summarize_offline(art: Article) -> Brief:
    """A grounded brief without a model: the fake server's answer, through the extractor."""
    from summarizer.extract.extractor import extract_brief
    from summarizer.testing import ScriptedBackend

    from .fakeserver import draft_json

    return extract_brief(art, backend=ScriptedBackend([draft_json(art)]))


def test_the_readme_documents_scaling_out() -> None:
    readme = (REPO / "README.md").read_text()
    assert "## Scaling out" in readme and "ray start --head" in readme
