"""A fake of the OpenAI Files and Batches endpoints, for tests.

A real HTTP/1.1 server on 127.0.0.1 (random free port, ``TCP_NODELAY``) in a background
thread, speaking the wire format the ``openai`` client expects:

- ``POST /v1/files`` (multipart upload, ``purpose=batch``) -> a file object;
- ``POST /v1/batches`` -> a batch, ``validating``;
- ``GET /v1/batches/{id}`` -> the batch; after ``polls`` retrievals it is finished
  (``final_status``): every request line of its input file is answered by
  ``answer(custom_id, body)`` (a :mod:`tests.fakeserver` behaviour: :func:`ok`,
  :func:`truncated`, :func:`status`; ``None`` leaves the line without a result) into an
  output file and an error file;
- ``GET /v1/files/{id}/content`` -> the file's bytes.

``faults`` is a queue of HTTP status codes answered (with an OpenAI-style error body)
to the next requests, whatever they are, to exercise the client's HTTP retry layer.
"""

from __future__ import annotations

import email.parser
import email.policy
import itertools
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .fakeserver import Behaviour, completion_body

__all__ = ["FakeBatchServer"]

Answerer = Callable[[str, dict[str, Any]], Behaviour | None]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _route(self, method: str) -> None:
        fake = self.server.fake
        raw = self._body()
        with fake._lock:
            fake.calls.append((method, self.path))
            fault = fake.faults.popleft() if fake.faults else None
        if fault is not None:
            error = {"error": {"message": f"fake fault {fault}", "type": "server_error"}}
            self._json(fault, error)
            return
        code, payload = fake._handle(method, self.path, raw, self.headers.get("Content-Type", ""))
        if isinstance(payload, bytes):
            self._send(code, payload, "application/octet-stream")
        else:
            self._json(code, payload)

    def do_GET(self) -> None:
        self._route("GET")

    def do_POST(self) -> None:
        self._route("POST")

    def _json(self, code: int, payload: Any) -> None:
        self._send(code, json.dumps(payload).encode("utf-8"), "application/json")

    def _send(self, code: int, body: bytes, content_type: str) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeBatchServer


def _multipart(raw: bytes, content_type: str) -> dict[str, tuple[str | None, bytes]]:
    """Form fields of a multipart body: name -> (file name, bytes)."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + raw
    )
    fields: dict[str, tuple[str | None, bytes]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        fields[str(name)] = (part.get_filename(), payload if isinstance(payload, bytes) else b"")
    return fields


@dataclass
class FakeBatchServer:
    """The fake Files + Batches API; a context manager (started on enter)."""

    answer: Answerer
    polls: int = 2
    final_status: str = "completed"
    host: str = "127.0.0.1"
    files: dict[str, bytes] = field(default_factory=dict)
    batches: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[tuple[str, str]] = field(default_factory=list)
    uploads: list[list[dict[str, Any]]] = field(default_factory=list)
    """The request lines of every uploaded file, parsed."""
    faults: deque[int] = field(default_factory=deque)
    retrievals: int = 0
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _httpd: _Server | None = None
    _thread: threading.Thread | None = None

    def __enter__(self) -> FakeBatchServer:
        httpd = _Server((self.host, 0), _Handler)
        httpd.fake = self
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def base_url(self) -> str:
        assert self._httpd is not None
        return f"http://{self.host}:{self._httpd.server_address[1]}/v1"

    # -- the API --

    def _handle(self, method: str, path: str, raw: bytes, ctype: str) -> tuple[int, Any]:
        parts = path.split("?")[0].strip("/").split("/")  # ["v1", "files", ...]
        with self._lock:
            if method == "POST" and parts == ["v1", "files"]:
                return self._upload(_multipart(raw, ctype))
            if method == "POST" and parts == ["v1", "batches"]:
                return self._create(json.loads(raw))
            if method == "GET" and parts[:2] == ["v1", "batches"] and len(parts) == 3:
                return self._retrieve(parts[2])
            if method == "GET" and parts[:2] == ["v1", "files"] and parts[3:] == ["content"]:
                data = self.files.get(parts[2])
                return (200, data) if data is not None else (404, _error("no such file"))
        return 404, _error(f"no route for {method} {path}")

    def _new_file(self, data: bytes, name: str, purpose: str) -> dict[str, Any]:
        file_id = f"file-{next(self._ids)}"
        self.files[file_id] = data
        return {
            "id": file_id,
            "object": "file",
            "bytes": len(data),
            "created_at": int(time.time()),
            "filename": name,
            "purpose": purpose,
            "status": "processed",
        }

    def _upload(self, fields: dict[str, tuple[str | None, bytes]]) -> tuple[int, Any]:
        purpose = fields.get("purpose", (None, b""))[1].decode()
        name, data = fields.get("file", (None, b""))
        if purpose != "batch" or not data:
            return 400, _error("expected purpose=batch and a file")
        self.uploads.append([json.loads(line) for line in data.decode().splitlines() if line])
        return 200, self._new_file(data, name or "upload.jsonl", purpose)

    def _create(self, request: dict[str, Any]) -> tuple[int, Any]:
        if request.get("input_file_id") not in self.files:
            return 404, _error("no such input file")
        batch_id = f"batch_{next(self._ids)}"
        batch = {
            "id": batch_id,
            "object": "batch",
            "endpoint": request["endpoint"],
            "input_file_id": request["input_file_id"],
            "completion_window": request["completion_window"],
            "status": "validating",
            "created_at": int(time.time()),
            "metadata": request.get("metadata"),
            "output_file_id": None,
            "error_file_id": None,
        }
        self.batches[batch_id] = batch
        return 200, batch

    def _retrieve(self, batch_id: str) -> tuple[int, Any]:
        batch = self.batches.get(batch_id)
        if batch is None:
            return 404, _error("no such batch")
        self.retrievals += 1
        if batch["status"] in ("validating", "in_progress"):
            batch["status"] = "in_progress"
            if self.retrievals >= self.polls:
                self._run(batch)
        return 200, batch

    def _run(self, batch: dict[str, Any]) -> None:
        outputs, errors = [], []
        lines = self.files[batch["input_file_id"]].decode().splitlines()
        for i, line in enumerate(json.loads(x) for x in lines if x):
            behaviour = self.answer(line["custom_id"], line["body"])
            if behaviour is None:
                continue
            record: dict[str, Any] = {"id": f"batch_req_{i}", "custom_id": line["custom_id"]}
            if behaviour.answer is not None:
                body = json.loads(completion_body(behaviour.answer, line["body"]))
                record.update(response={"status_code": 200, "body": body}, error=None)
                outputs.append(record)
            else:
                body = json.loads(behaviour.body or b"{}")
                record.update(response={"status_code": behaviour.code, "body": body}, error=None)
                errors.append(record)
        for kind, records in (("output_file_id", outputs), ("error_file_id", errors)):
            if records:
                data = "".join(json.dumps(r) + "\n" for r in records).encode()
                batch[kind] = self._new_file(data, f"{kind}.jsonl", "batch_output")["id"]
        batch["status"] = self.final_status
        batch["request_counts"] = {
            "total": len(lines),
            "completed": len(outputs),
            "failed": len(errors),
        }


def _error(message: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": "invalid_request_error"}}
