"""Re-record the cassettes against the embedded model: ``make record``.

Each seed article (and ``tests/data/injection.txt``) is extracted once through a live
llama.cpp server with the embedded model, and the exchange is written to
``cassettes/extract/<id>.yaml`` with the same settings the tests replay with (request
bodies matched as JSON, credentials scrubbed). Recording does not depend on the tests'
assertions: run the suite afterwards to see what the new answers do.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import vcr

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from summarizer import Extractor, local_server
from summarizer.inputs import read_text_article
from tests.conftest import CASSETTES, SCRUBBED_HEADERS, SEEDS, json_body, scrub_response

INJECTION = Path(__file__).parent / "data" / "injection.txt"


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
        for path in [*SEEDS, INJECTION]:
            article = read_text_article(path)
            if only and article.id not in only:
                continue
            cassette = CASSETTES / "extract" / f"{article.id}.yaml"
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
