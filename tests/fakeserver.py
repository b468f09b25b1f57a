"""A fault-injecting OpenAI-compatible chat completions server, for tests.

A real HTTP/1.1 server on 127.0.0.1 (random free port, keep-alive, ``TCP_NODELAY``) in
a background thread. It answers ``POST /v1/chat/completions`` from a **script**: a queue
of behaviours consumed one per request (:func:`ok`, :func:`status`, :func:`reset`,
:func:`slow`, :func:`malformed`, :func:`truncated`, :func:`empty_choices`), and logs
every request it receives (:class:`Seen`: time, JSON body, headers), faults included.

A request that finds the script empty is answered ``400`` (never retried by the client)
and counted in :attr:`FakeServer.unscripted`, so a test that sends more requests than it
scripted fails loudly.

>>> with FakeServer() as server:
...     server.script(status(503), ok(draft_json(article)))
...     ...  # point LLMConfig(base_url=server.base_url) at it
...     assert len(server.requests) == 2
"""

from __future__ import annotations

import itertools
import json
import re
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from summarizer import Article, LLMConfig
from summarizer.text import sentence_spans

__all__ = [
    "Answer",
    "Behaviour",
    "FakeServer",
    "Seen",
    "answer_article",
    "article_of",
    "bad_draft_json",
    "completion_body",
    "draft_json",
    "empty_choices",
    "malformed",
    "ok",
    "reset",
    "slow",
    "status",
    "truncated",
]

PROMPT_TOKENS = 100
COMPLETION_TOKENS = 20


# ---------------------------------------------------------------------------
# Behaviours
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """A chat completion to send, rendered for the request it answers."""

    content: str | None
    finish_reason: str = "stop"
    prompt_tokens: int = PROMPT_TOKENS
    completion_tokens: int = COMPLETION_TOKENS
    choices: bool = True


@dataclass(frozen=True)
class Behaviour:
    """What the server does with one request."""

    kind: str
    code: int = 200
    body: bytes = b""
    """A fixed response body (errors, malformed bodies); see also ``answer``."""
    answer: Answer | None = None
    """A completion to render for the request (instead of ``body``)."""
    content_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = ()
    delay_s: float = 0.0
    for_article: bool = False
    """Answer with :func:`draft_json` of the article the request carries (``answer``
    gives the token counts)."""

    def render(self, request: Any) -> bytes:
        if self.answer is None:
            return self.body
        if self.for_article:
            article = Article(id="request", text=article_of(request))
            return completion_body(replace(self.answer, content=draft_json(article)), request)
        return completion_body(self.answer, request)


def article_of(request: Any) -> str:
    """The article of an extraction request as the model reads it: the numbered sentences
    between its last ``<article>`` tags, one per line, without their ``[n]`` numbers (the
    sentence numbering of this text is the request's)."""
    messages = request.get("messages", []) if isinstance(request, dict) else []
    user = next((m["content"] for m in reversed(messages) if m.get("role") == "user"), "")
    start = user.rindex("<article>\n") + len("<article>\n")
    lines = user[start : user.rindex("\n</article>")].split("\n")
    return "\n".join(re.sub(r"^\[\d+\] ", "", line) for line in lines)


def _tool_name(request: Any) -> str | None:
    """The function a ``tools`` request asks for, or None for a plain/JSON-mode request."""
    if not isinstance(request, dict) or not request.get("tools"):
        return None
    choice = request.get("tool_choice")
    if isinstance(choice, dict):
        return str(choice["function"]["name"])
    return str(request["tools"][0]["function"]["name"])


def completion_body(answer: Answer, request: Any = None) -> bytes:
    """A ``chat.completion`` object as an OpenAI-compatible server sends it.

    When the request offers ``tools``, the content is sent as the arguments of a call to
    the requested tool (as a server does in tool mode); otherwise as the message content.
    """
    message: dict[str, Any] = {"role": "assistant", "content": answer.content}
    tool = _tool_name(request)
    if tool is not None:
        message = {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_fake",
                    "type": "function",
                    "function": {"name": tool, "arguments": answer.content or ""},
                }
            ],
        }
    choice = {
        "index": 0,
        "message": message,
        "finish_reason": answer.finish_reason,
        "logprobs": None,
    }
    payload: dict[str, Any] = {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": "fake",
        "choices": [choice] if answer.choices else [],
        "usage": {
            "prompt_tokens": answer.prompt_tokens,
            "completion_tokens": answer.completion_tokens,
            "total_tokens": answer.prompt_tokens + answer.completion_tokens,
        },
    }
    return json.dumps(payload).encode("utf-8")


def answer_article(
    *, prompt_tokens: int = PROMPT_TOKENS, completion_tokens: int = COMPLETION_TOKENS
) -> Behaviour:
    """A valid grounded answer for whichever article the request is about (so scripted
    answers fit their articles whatever order concurrent requests arrive in)."""
    answer = Answer(None, "stop", prompt_tokens, completion_tokens)
    return Behaviour("ok", answer=answer, for_article=True)


def ok(
    json_text: str,
    *,
    prompt_tokens: int = PROMPT_TOKENS,
    completion_tokens: int = COMPLETION_TOKENS,
) -> Behaviour:
    """A valid completion whose answer is ``json_text`` (``finish_reason: stop``)."""
    return Behaviour("ok", answer=Answer(json_text, "stop", prompt_tokens, completion_tokens))


def status(code: int, *, retry_after: float | None = None, message: str | None = None) -> Behaviour:
    """An HTTP error with an OpenAI-style error body, optionally with ``Retry-After``."""
    headers: tuple[tuple[str, str], ...] = ()
    if retry_after is not None:
        headers = (("Retry-After", f"{retry_after:g}"),)
    text = message if message is not None else f"fake server error {code}"
    body = json.dumps({"error": {"message": text, "type": "server_error", "code": code}}).encode(
        "utf-8"
    )
    return Behaviour("status", code=code, body=body, headers=headers)


def reset() -> Behaviour:
    """Close the connection abruptly (TCP RST: ``SO_LINGER`` 0), without any response."""
    return Behaviour("reset")


def slow(seconds: float, then: Behaviour | None = None) -> Behaviour:
    """Wait ``seconds`` before answering (with ``then``, default a valid empty-ish answer).

    Meant to outlast the client's timeout: the client hangs up first, and the late
    answer is written to a closed connection (ignored).
    """
    after = then or ok("{}")
    return Behaviour(
        "slow",
        code=after.code,
        body=after.body,
        answer=after.answer,
        content_type=after.content_type,
        headers=after.headers,
        delay_s=seconds,
    )


def malformed(
    body: str = "<html><body>502 Bad Gateway</body></html>",
    *,
    content_type: str = "application/json",
) -> Behaviour:
    """HTTP 200 with a body that is not JSON (by default while claiming to be JSON)."""
    return Behaviour("malformed", body=body.encode("utf-8"), content_type=content_type)


def truncated(
    json_prefix: str,
    *,
    prompt_tokens: int = PROMPT_TOKENS,
    completion_tokens: int = COMPLETION_TOKENS,
) -> Behaviour:
    """An answer cut at ``max_tokens``: ``finish_reason: "length"``."""
    answer = Answer(json_prefix, "length", prompt_tokens, completion_tokens)
    return Behaviour("truncated", answer=answer)


def empty_choices() -> Behaviour:
    """A well-formed completion with ``choices: []`` (usage still reported)."""
    return Behaviour("empty_choices", answer=Answer(None, choices=False))


# ---------------------------------------------------------------------------
# Answers for a given article
# ---------------------------------------------------------------------------


def draft_json(article: Article, **changes: Any) -> str:
    """A valid ``Draft`` answer for ``article`` that passes every check: its event is the
    first sentence of three words or more (sentence numbers as the prompt numbers them),
    its topic the next one, its ``what`` and summary words of that first sentence.

    ``changes`` replace fields of the answer (e.g. ``topics=[...]``).
    """
    sentences = [
        (n, " ".join(article.text[start:end].split()))
        for n, (start, end) in enumerate(sentence_spans(article.text), start=1)
    ]
    sentences = [(n, s) for n, s in sentences if len(s.split()) >= 3]
    if not sentences:
        raise ValueError("article too short for a draft")
    number, first = sentences[0]
    topic_number, topic = sentences[1] if len(sentences) > 1 else sentences[0]
    answer: dict[str, Any] = {
        "what": " ".join(first.split()[:6])[:120],
        "date_text": None,
        "place": None,
        "sentence": number,
        "participants": [],
        "mentioned": [],
        "topics": [{"label": " ".join(topic.split()[:4])[:80], "sentence": topic_number}],
        "speakers": [],
        "figures": [],
        "summary": first[:600],
    }
    answer.update(changes)
    return json.dumps(answer)


UNGROUNDED = "Zebulon Quillfeather"
"""A name that is in no test article."""


def bad_draft_json(article: Article) -> str:
    """A ``Draft`` that fits the schema but names a participant the article does not (the
    checks drop it as ``not_found``)."""
    assert UNGROUNDED.split()[-1] not in article.text
    number = json.loads(draft_json(article))["sentence"]
    participant = {"name": UNGROUNDED, "role": None, "country": None, "sentence": number}
    return draft_json(article, participants=[participant])


# ---------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Seen:
    """One request the server received."""

    time: float
    """``time.monotonic()`` when the request body had been read."""
    path: str
    headers: dict[str, str]
    """Header names lower-cased."""
    body: Any
    """The JSON body (or the raw text if it was not JSON)."""
    behaviour: str
    """The kind of behaviour that answered it (``"unscripted"`` if none was left)."""
    peer: tuple[str, int] = ("", 0)
    """The client's address: requests on one keep-alive connection share it."""

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages", [])) if isinstance(self.body, dict) else []

    @property
    def text(self) -> str:
        """Every message content of the request, joined."""
        return "\n".join(str(m.get("content") or "") for m in self.messages)


class _Reset(Exception):
    """Raised by the handler to abandon the connection after resetting it."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # TCP_NODELAY on every accepted connection
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: the server keeps its own log

    def handle(self) -> None:
        self.close_connection = True
        try:
            self.handle_one_request()
            while not self.close_connection:
                self.handle_one_request()
        except _Reset:
            pass
        except OSError:
            pass  # the client went away (timeouts): nothing to answer

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        fake = self.server.fake
        try:
            body: Any = json.loads(raw)
        except ValueError:
            body = raw.decode("utf-8", "replace")
        behaviour = fake.respond(body) if fake.respond is not None else fake._next()
        fake._record(
            Seen(
                time=time.monotonic(),
                path=self.path,
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
                behaviour=behaviour.kind if behaviour else "unscripted",
                peer=(str(self.client_address[0]), int(self.client_address[1])),
            )
        )
        if self.path.rstrip("/") != "/v1/chat/completions":
            self._send(404, b'{"error": {"message": "not found"}}')
            return
        if behaviour is None:
            self._send(400, b'{"error": {"message": "fake server: script exhausted"}}')
            return
        if behaviour.kind == "reset":
            self._reset()
        if behaviour.delay_s and fake._stopping.wait(behaviour.delay_s):
            self._reset()  # shutting down: don't keep the thread around
        self._send(
            behaviour.code, behaviour.render(body), behaviour.content_type, behaviour.headers
        )

    def do_GET(self) -> None:
        self._send(404, b'{"error": {"message": "not found"}}')

    def _send(
        self,
        code: int,
        body: bytes,
        content_type: str = "application/json",
        headers: tuple[tuple[str, str], ...] = (),
    ) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def _reset(self) -> None:
        # SO_LINGER 0: close() sends RST instead of FIN. The socket's file objects hold
        # references to it, so close them first or the descriptor stays open.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.rfile.close()
        self.wfile.close()
        self.connection.close()
        self.close_connection = True
        raise _Reset


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        self.fake._errors.append(f"handler error for {client_address}")


@dataclass
class FakeServer:
    """The fault-injecting server; a context manager (started on enter, stopped on exit)."""

    host: str = "127.0.0.1"
    transport: str = "aiohttp"
    """The client transport a test should use against this server (see ``fake_config``)."""
    requests: list[Seen] = field(default_factory=list)
    unscripted: int = 0
    respond: Callable[[Any], Behaviour] | None = None
    """Instead of the script: the behaviour for each request body (e.g. by its article,
    whatever order concurrent clients send them in)."""
    _queue: deque[Behaviour] = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stopping: threading.Event = field(default_factory=threading.Event)
    _errors: list[str] = field(default_factory=list)
    _httpd: _Server | None = None
    _thread: threading.Thread | None = None

    # -- lifecycle --

    def start(self) -> FakeServer:
        httpd = _Server((self.host, 0), _Handler)  # port 0: a free port
        httpd.fake = self
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    # -- script and log --

    def script(self, *behaviours: Behaviour) -> FakeServer:
        """Queue behaviours, consumed one per request in order."""
        with self._lock:
            self._queue.extend(behaviours)
        return self

    @property
    def pending(self) -> int:
        """Behaviours not consumed yet."""
        with self._lock:
            return len(self._queue)

    @property
    def errors(self) -> list[str]:
        """Unexpected handler exceptions (should stay empty)."""
        return list(self._errors)

    def gaps(self) -> list[float]:
        """Seconds between consecutive requests."""
        times = [r.time for r in self.requests]
        return [b - a for a, b in itertools.pairwise(times)]

    def _next(self) -> Behaviour | None:
        with self._lock:
            if self._queue:
                return self._queue.popleft()
            self.unscripted += 1
            return None

    def _record(self, seen: Seen) -> None:
        with self._lock:
            self.requests.append(seen)


KEY = "sk-test"
"""The API key every fake-server test uses (and checks never leaks)."""


def fake_config(base_url: str = "http://127.0.0.1:9/v1", **changes: Any) -> LLMConfig:
    """The configuration the fault, retry, limiter, cache and batch tests start from."""
    values: dict[str, Any] = {
        "model": "fake",
        "base_url": base_url,
        "api_key": KEY,
        "mode": "json_with_schema",
        "timeout_s": 2.0,
    }
    values.update(changes)
    return LLMConfig(**values)
