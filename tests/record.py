"""Re-record the cassettes against the embedded model: ``make record``.

Each seed article (and ``tests/data/injection.txt``) is extracted once through a live
llama.cpp server with the embedded model, and the exchange is written to
``cassettes/extract/<id>.yaml``; each fictional report of ``tests/data/followups`` to
``cassettes/followups/<id>.yaml``; all with the same settings the tests replay with (request
bodies matched as JSON, credentials scrubbed). Recording does not depend on the tests'
assertions: run the suite afterwards to see what the new answers do.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import vcr

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from summarizer import Article, Extractor, local_server
from summarizer.evaluate import load_articles
from summarizer.inputs import read_text_article
from tests.conftest import (
    CASSETTES,
    FOLLOWUPS,
    SCRUBBED_HEADERS,
    SEEDS,
    json_body,
    scrub_response,
)

INJECTION = Path(__file__).parent / "data" / "injection.txt"


def to_record() -> list[tuple[Article, Path]]:
    """Every article recorded, with its cassette."""
    out = [(read_text_article(p), CASSETTES / "extract") for p in [*SEEDS, INJECTION]]
    out += [(a, CASSETTES / "followups") for a in load_articles(FOLLOWUPS / "articles.jsonl")]
    return [(article, folder / f"{article.id}.yaml") for article, folder in out]


def main() -> int:
    recorder = vcr.VCR(
        record_mode="all",
        match_on=["method", "path", "json_body"],
        filter_headers=list(SCRUBBED_HEADERS),
        before_record_response=scrub_response,
        decode_compressed_response=True,
    )
    recorder.register_matcher("json_body", json_body)
    only = set(sys.argv[1:])
    with local_server() as served:
        config = served.replace(timeout_s=1800.0)  # a busy machine must not fail a recording
        for article, cassette in to_record():
            if only and article.id not in only:
                continue
            cassette.unlink(missing_ok=True)
            started = time.perf_counter()
            with recorder.use_cassette(str(cassette)):
                brief = Extractor(config).extract_sync(article)
            usage = brief.meta.usage
            print(
                f"{article.id}: {time.perf_counter() - started:.1f} s, {brief.meta.attempts} "
                f"call(s), {usage.prompt_tokens} prompt + {usage.completion_tokens} completion"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
