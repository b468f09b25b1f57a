"""A loopback OpenAI-compatible chat server for the throughput benchmarks.

Run as its own process (so it does not share the client's GIL):
``python benchmarks/loopback.py --latency 0.2`` prints ``PORT <n>`` once it listens on
127.0.0.1. Every ``POST /v1/chat/completions`` is answered after exactly ``latency``
seconds (``time.sleep`` in the request's own thread) with a valid ``Draft`` for the
article it carries (:func:`draft_for`: items citing the numbered sentences that support
them), as message content (JSON modes) or as a tool call (tools mode). ``GET /stats``
returns the number of chat requests served. ``TCP_NODELAY`` is on for every connection;
HTTP/1.1 keep-alive.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

_NUMBERED = re.compile(r"^\[(\d+)\] (.*)$", re.M)
_DATE = re.compile(r"\bon (?:Monday|Tuesday|Wednesday|Thursday|Friday)\b")
_VOTE = re.compile(r"\bin a vote of (\d+) to \d+")


def draft_for(article: str) -> dict[str, Any]:
    """A valid draft-4 answer for the article block of a prompt (``[n] sentence`` lines):
    every item cites a sentence that supports it, as a good model's answer would.

    The event is the first sentence of four words or more (its first two words, "The
    council", the participant; its verb and object the topic; its "on Monday" the date); the
    first "in a vote of 31 to 12" a figure. The summary is the event's sentence.
    """
    sentences = [(int(n), s) for n, s in _NUMBERED.findall(article)]
    usable = [(n, s) for n, s in sentences if len(s.split()) >= 4] or sentences
    number, first = usable[0]
    words = first.split()
    draft: dict[str, Any] = {
        "what": " ".join(words[:6]).rstrip(",."),
        "date_text": None,
        "place": None,
        "sentence": number,
        "participants": [
            {"name": " ".join(words[:2]), "role": None, "country": None, "sentence": number}
        ],
        "mentioned": [],
        "topics": [{"label": " ".join(words[2:6]).rstrip(",."), "sentence": number}],
        "speakers": [],
        "figures": [],
        "summary": first,
    }
    if date := _DATE.search(first):
        draft["date_text"] = date.group()
    for n, sentence in sentences:
        if (vote := _VOTE.search(sentence)) and not draft["figures"]:
            draft["figures"].append({"what": "votes in favour", "value": vote[1], "sentence": n})
    return draft


def answer(request: dict[str, Any]) -> bytes:
    user = next(m["content"] for m in reversed(request["messages"]) if m["role"] == "user")
    start = user.rindex("<article>\n") + len("<article>\n")
    content = json.dumps(draft_for(user[start : user.rindex("\n</article>")]))
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if request.get("tools"):
        name = request["tools"][0]["function"]["name"]
        message = {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_0",
                    "type": "function",
                    "function": {"name": name, "arguments": content},
                }
            ],
        }
    body = {
        "id": "chatcmpl-loopback",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.get("model", "loopback"),
        "choices": [{"index": 0, "message": message, "finish_reason": "stop", "logprobs": None}],
        "usage": {"prompt_tokens": 1500, "completion_tokens": 150, "total_tokens": 1650},
    }
    return json.dumps(body).encode("utf-8")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # TCP_NODELAY
    server: Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, code: int, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        received = time.monotonic()
        if self.path.rstrip("/") != "/v1/chat/completions":
            self._send(404, b'{"error": {"message": "not found"}}')
            return
        body = answer(json.loads(raw))
        with self.server.lock:
            self.server.served += 1
        time.sleep(max(0.0, self.server.latency - (time.monotonic() - received)))
        self._send(200, body)

    def do_GET(self) -> None:
        if self.path == "/stats":
            self._send(200, json.dumps({"served": self.server.served}).encode())
        else:
            self._send(404, b"{}")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    latency = 0.2
    served = 0
    lock = threading.Lock()


@contextmanager
def serve(latency: float) -> Iterator[str]:
    """Start the server in a subprocess; yield its base URL (``.../v1``)."""
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--latency", str(latency)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().split()
        yield f"http://127.0.0.1:{line[1]}/v1"
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


def served(base_url: str) -> int:
    """Chat requests the server has answered so far."""
    with urllib.request.urlopen(base_url.removesuffix("/v1") + "/stats") as response:
        return int(json.loads(response.read())["served"])


WORDS = {
    "who": "the council|the ministry|the union|the governor|the committee|the company|"
    "the mayor|the court|the agency|the opposition|the central bank|the regulator",
    "did": "approved|rejected|announced|proposed|delayed|defended|criticised|reviewed|"
    "expanded|suspended|welcomed|questioned",
    "what": "a new budget|the transport plan|a housing programme|the water project|"
    "an emergency fund|the tax reform|a trade agreement|the school reforms|new safety rules|"
    "the port expansion|a pension change|the energy subsidy",
    "when": "on Monday|on Tuesday|on Wednesday|on Thursday|on Friday|late on Sunday|"
    "earlier this week|after a long debate|during a tense session|at a press conference",
    "tail": "officials said|according to local media|the statement said|"
    "in a vote of 31 to 12|amid protests outside|to the surprise of analysts|"
    "after months of talks|despite warnings from experts",
}


def article_text(seed: int, tokens: int = 1000) -> str:
    """A deterministic news-like article of about ``tokens`` tokens (~4.5 chars each)."""
    rng = random.Random(seed)
    pick = {k: v.split("|") for k, v in WORDS.items()}
    sentences: list[str] = []
    while sum(len(s) for s in sentences) < tokens * 4.5:
        parts = [rng.choice(pick[k]) for k in ("who", "did", "what", "when", "tail")]
        sentences.append(f"{parts[0].capitalize()} {parts[1]} {parts[2]} {parts[3]}, {parts[4]}.")
    paragraphs = [" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4)]
    return f"Report {seed}.\n" + "\n".join(paragraphs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    server = Server(("127.0.0.1", args.port), Handler)
    server.latency = args.latency
    print(f"PORT {server.server_address[1]}", flush=True)
    with suppress(KeyboardInterrupt):
        server.serve_forever(poll_interval=0.05)
    sys.exit(0)


if __name__ == "__main__":
    main()
