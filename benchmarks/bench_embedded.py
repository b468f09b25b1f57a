"""Benchmark: the embedded model (Qwen2.5-Coder-1.5B Q4_K_M, llama.cpp) per seed article.

Run: ``.venv/bin/python benchmarks/bench_embedded.py [--live]``

Reads the recorded cassettes (``cassettes/extract/*.yaml``: real exchanges with the
embedded model on the five seed articles): per article the LLM calls (the answer, plus
the grounding re-ask when there was one), prompt and completion tokens, and the server's
own processing time (``openai-processing-ms``, as llama-cpp-python's server reports it).

``--live`` also briefs one seed article with a freshly started embedded model and times
it — only when no other llama.cpp server is running (the machine has 2 cores; a busy one
would make the number meaningless), else it says so and skips.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def cassette_rows() -> list[tuple[str, int, int, int, float]]:
    rows = []
    seeds = {path.stem for path in (REPO / "examples" / "articles").glob("*.txt")}
    for path in sorted((REPO / "cassettes" / "extract").glob("*.yaml")):
        if path.stem not in seeds:  # e.g. the prompt-injection test article
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        calls = prompt = completion = 0
        seconds = 0.0
        for interaction in data["interactions"]:
            response = interaction["response"]
            body = json.loads(response["body"]["string"])
            usage = body.get("usage") or {}
            calls += 1
            prompt += int(usage.get("prompt_tokens") or 0)
            completion += int(usage.get("completion_tokens") or 0)
            ms = response.get("headers", {}).get("openai-processing-ms", ["0"])
            seconds += float(ms[0] if isinstance(ms, list) else ms) / 1000
        rows.append((path.stem, calls, prompt, completion, seconds))
    return rows


def llama_busy() -> bool:
    found = subprocess.run(["pgrep", "-f", "llama_cpp.server"], capture_output=True, text=True)
    return bool(found.stdout.strip())


def live() -> tuple[str, float, int, int] | str:
    if llama_busy():
        return "skipped: another llama.cpp server is running"
    from summarizer import Extractor, local_server
    from summarizer.inputs import read_text_article

    path = sorted((REPO / "examples" / "articles").glob("*.txt"))[0]
    article = read_text_article(path)
    with local_server() as config:
        started = time.perf_counter()
        brief = Extractor(config).extract_sync(article)
        wall = time.perf_counter() - started
    usage = brief.meta.usage
    return path.stem, wall, usage.prompt_tokens, usage.completion_tokens


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--live", action="store_true")
    args = parser.parse_args()
    rows = cassette_rows()
    print("embedded model, from the recorded cassettes (server processing time)")
    print(f"{'article':<22} {'calls':>5} {'prompt tok':>10} {'compl. tok':>10} {'seconds':>8}")
    for name, calls, prompt, completion, seconds in rows:
        print(f"{name:<22} {calls:>5} {prompt:>10,} {completion:>10,} {seconds:>8.1f}")
    n = len(rows) or 1
    total = [sum(r[i] for r in rows) for i in (1, 2, 3, 4)]
    print(
        f"{'mean per article':<22} {total[0] / n:>5.1f} {total[1] / n:>10,.0f} "
        f"{total[2] / n:>10,.0f} {total[3] / n:>8.1f}"
    )
    if args.live:
        result = live()
        if isinstance(result, str):
            print(f"{'live':<22} {result}")
        else:
            name, wall, prompt, completion = result
            print(f"{'live ' + name:<22} {'':>5} {prompt:>10,} {completion:>10,} {wall:>8.1f}")


if __name__ == "__main__":
    main()
