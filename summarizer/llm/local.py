"""The embedded local backend: a GGUF model served by llama-cpp-python's OpenAI-compatible server.

The model file comes from :mod:`summarizer.llm.weights` (:func:`ensure_model`, re-exported
here with its constants); :class:`LocalServer` (or :func:`local_server`) runs
``python -m llama_cpp.server`` on loopback and hands back a ready
:class:`~summarizer.llm.config.LLMConfig`; :func:`serve` runs one in the foreground for the
CLI. This module reads no environment variable for itself; the server process gets the
environment without the variables llama-cpp-python's server would take as its own settings
(``_SERVER_ENV_NAMES``), so a ``HOST``, ``PORT``, ``MODEL`` or ``CONFIG_FILE`` set for
something else cannot change or replace the flags given here.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any, NoReturn

from summarizer.errors import ConfigError, LocalModelError
from summarizer.llm.config import LLMConfig
from summarizer.llm.weights import (
    DEFAULT_MODEL_ALIAS,
    INSTALL_HINT,
    MODEL_PARTS,
    MODEL_SHA256,
    MODEL_SIZE,
    default_cache_dir,
    ensure_model,
)

__all__ = [
    "DEFAULT_MODEL_ALIAS",
    "MODEL_PARTS",
    "MODEL_SHA256",
    "MODEL_SIZE",
    "LocalServer",
    "default_cache_dir",
    "ensure_model",
    "local_config",
    "local_server",
    "serve",
]

_API_KEY = "local"  # the server checks it only because we pass it explicitly
_SERVER_MODULES = ("llama_cpp", "uvicorn", "fastapi", "sse_starlette", "starlette_context")
_STOP_TIMEOUT_S = 10.0

# llama-cpp-python 0.3.x: ModelSettings and ServerSettings read every field from the
# environment without a prefix, in any case; CONFIG_FILE replaces every flag.
_SERVER_SETTINGS = (
    "api_key cache cache_size cache_type chat_format chat_template_kwargs clip_model_path "
    "config_file disable_ping_events draft_model draft_model_num_pred_tokens embedding "
    "flash_attn hf_model_repo_id hf_pretrained_model_name_or_path "
    "hf_tokenizer_config_path host interrupt_requests kv_overrides last_n_tokens_size "
    "logits_all lora_base lora_path main_gpu model model_alias models mul_mat_q n_batch "
    "n_ctx n_gpu_layers n_threads n_threads_batch n_ubatch numa offload_kqv port "
    "root_path rope_freq_base rope_freq_scale rope_scaling_type rpc_servers seed "
    "split_mode ssl_certfile ssl_keyfile tensor_split type_k type_v use_mlock use_mmap "
    "verbose vocab_only yarn_attn_factor yarn_beta_fast yarn_beta_slow yarn_ext_factor "
    "yarn_orig_ctx"
)
_SERVER_ENV_NAMES = frozenset(_SERVER_SETTINGS.split())
"""Environment variables (lower-cased) the llama.cpp server would read as its settings."""


def _server_env(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` without the variables the llama.cpp server would take as its settings."""
    return {k: v for k, v in env.items() if k.lower() not in _SERVER_ENV_NAMES}


def local_config(
    base_url: str, *, alias: str = DEFAULT_MODEL_ALIAS, server_id: str | None = None
) -> LLMConfig:
    """The configuration for a llama.cpp server of ours at ``base_url`` (``server_id``:
    what names it in the brief cache's key, when its port is not stable)."""
    return LLMConfig(
        model=alias,
        base_url=base_url,
        api_key=_API_KEY,
        mode="json_with_schema",
        timeout_s=300.0,
        server_id=server_id,
    )


def _free_port(host: str) -> int:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        port: int = s.getsockname()[1]
        return port


def _log_tail(path: Path, lines: int = 20) -> str:
    try:
        with path.open("rb") as f:
            f.seek(max(0, path.stat().st_size - 64 * 1024))
            text = f.read().decode("utf-8", errors="replace")
    except OSError as exc:
        return f"(log unreadable: {exc})"
    return "\n".join(text.splitlines()[-lines:]) or "(log is empty)"


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the server is killed when the process that started it dies (even by SIGKILL);
    SIGKILL, since a graceful stop would first finish the generation in flight."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


def _terminate(proc: subprocess.Popen[bytes], *, kill: bool) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if sys.platform == "win32":
            proc.kill() if kill else proc.terminate()
        else:
            os.killpg(proc.pid, signal.SIGKILL if kill else signal.SIGTERM)


# Readiness polls go straight to loopback, never through a proxy configured for the process.
_NO_PROXY_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class LocalServer:
    """A ``python -m llama_cpp.server`` subprocess serving one GGUF model.

    ``start()`` launches it in its own process group with output to ``log_path`` (default: a
    temporary file, removed by a clean ``stop()`` and kept when start-up fails), waits until
    ``GET /v1/models`` answers 200 and returns the :class:`LLMConfig` to use. ``stop()`` is
    idempotent and also runs at interpreter exit. As a context manager it yields itself, started.
    """

    def __init__(
        self,
        model_path: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        n_ctx: int = 8192,
        n_threads: int | None = None,
        alias: str = DEFAULT_MODEL_ALIAS,
        log_path: Path | None = None,
        startup_timeout_s: float = 180.0,
    ) -> None:
        if not 0 <= port <= 65535:
            raise ConfigError(f"port must be in 0..65535, not {port}")
        if n_ctx <= 0 or (n_threads is not None and n_threads <= 0):
            raise ConfigError("n_ctx and n_threads must be positive")
        if startup_timeout_s <= 0:
            raise ConfigError("startup_timeout_s must be positive")
        if not alias or not host:
            raise ConfigError("alias and host must not be empty")
        self.model_path = Path(model_path)
        self.host = host
        self.port = port
        self._auto_port = port == 0
        self.n_ctx = n_ctx
        self.n_threads = n_threads or os.cpu_count() or 1
        self.alias = alias
        self.log_path = Path(log_path) if log_path is not None else None
        self.startup_timeout_s = startup_timeout_s
        self._temp_log = False
        self._proc: subprocess.Popen[bytes] | None = None
        self._config: LLMConfig | None = None

    @property
    def base_url(self) -> str:
        """``http://host:port/v1``; known before ``start()`` only if a port was given."""
        if self.port == 0:
            raise LocalModelError("the server's port is chosen at start(); start it first")
        host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(self.host, self.host)
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}/v1"

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def command(self) -> list[str]:
        """The exact command line ``start()`` runs (the port must be known)."""
        return [
            sys.executable, "-m", "llama_cpp.server",
            "--model", str(self.model_path),
            "--model_alias", self.alias,
            "--host", self.host,
            "--port", str(self.port),
            "--n_ctx", str(self.n_ctx),
            "--n_threads", str(self.n_threads),
            # The server's defaults keep every prompt token's logits (n_ctx x 152k floats, for
            # logprobs we never ask for) and mlock the whole model: both are off here.
            "--logits_all", "False",
            "--use_mlock", "False",
            # Explicit, so that an API_KEY variable inherited by the server cannot lock us out.
            "--api_key", _API_KEY,
        ]  # fmt: skip

    def wait(self) -> int:
        """Block until the server process exits; return its exit code."""
        if self._proc is None:
            raise LocalModelError("the local server is not running; call start() first")
        return self._proc.wait()

    def config(self) -> LLMConfig:
        """The config for the running server."""
        if self._config is None or not self.running:
            raise LocalModelError("the local server is not running; call start() first")
        return self._config

    def start(self) -> LLMConfig:
        """Launch the server, wait until it answers, and return its config."""
        if self._config is not None and self.running:
            return self._config
        self.stop()
        missing = [m for m in _SERVER_MODULES if importlib.util.find_spec(m) is None]
        if missing:
            raise LocalModelError(
                f"llama-cpp-python's server is not installed (no {', '.join(missing)}); "
                + INSTALL_HINT
            )
        if not self.model_path.is_file():
            raise LocalModelError(f"model file {self.model_path} does not exist")
        if self._auto_port:
            self.port = _free_port(self.host)
        if self.log_path is None:
            fd, name = tempfile.mkstemp(prefix="summarizer-llama-server-", suffix=".log")
            os.close(fd)
            self.log_path, self._temp_log = Path(name), True
        if sys.platform == "win32":
            flags = subprocess.CREATE_NEW_PROCESS_GROUP
        else:
            flags = 0  # a new session instead: its own process group for killpg()
        try:
            with self.log_path.open("ab") as log:
                self._proc = subprocess.Popen(
                    self.command(),
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    creationflags=flags,
                    start_new_session=sys.platform != "win32",
                    preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
                    env=_server_env(os.environ),
                )
        except OSError as exc:
            raise LocalModelError(f"cannot launch the llama.cpp server: {exc}") from exc
        atexit.register(self.stop)
        self._wait_ready()
        # a free port every run: the cache knows the server by its weights, not its URL
        server_id = f"llama.cpp:{self.model_path.name}" if self._auto_port else None
        self._config = local_config(self.base_url, alias=self.alias, server_id=server_id)
        return self._config

    def _wait_ready(self) -> None:
        assert self._proc is not None
        url = f"{self.base_url}/models"
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {_API_KEY}"})
        deadline = time.monotonic() + self.startup_timeout_s
        while True:
            code = self._proc.poll()
            if code is not None:
                self._fail(f"llama.cpp server exited with code {code} during start-up")
            try:
                with _NO_PROXY_OPENER.open(request, timeout=2.0) as resp:
                    if resp.status == 200:
                        return
            except urllib.error.HTTPError as exc:
                if exc.code in (401, 403):
                    self._fail(f"llama.cpp server at {url} refused our API key (HTTP {exc.code})")
            except (OSError, ValueError):
                pass
            if time.monotonic() >= deadline:
                self._fail(f"llama.cpp server not ready after {self.startup_timeout_s:g} s")
            time.sleep(0.25)

    def _fail(self, message: str) -> NoReturn:
        self._stop(keep_log=True)
        assert self.log_path is not None
        raise LocalModelError(
            f"{message}; command: {' '.join(self.command())}\n"
            f"last lines of {self.log_path}:\n{_log_tail(self.log_path)}"
        )

    def stop(self) -> None:
        """Terminate the server's process group (SIGTERM, then SIGKILL after 10 s). Idempotent."""
        self._stop(keep_log=False)

    def _stop(self, *, keep_log: bool) -> None:
        proc, self._proc, self._config = self._proc, None, None
        atexit.unregister(self.stop)
        if proc is None:
            return
        if proc.poll() is None:  # while unreaped, its pid (= the group's id) cannot be reused
            _terminate(proc, kill=False)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=_STOP_TIMEOUT_S)
            _terminate(proc, kill=True)  # the leader if still there, and any stragglers
            proc.wait()
        if self._temp_log and not keep_log and self.log_path is not None:
            self.log_path.unlink(missing_ok=True)
            self.log_path, self._temp_log = None, False

    def __enter__(self) -> LocalServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


@contextlib.contextmanager
def local_server(model_path: Path | None = None, **kwargs: Any) -> Iterator[LLMConfig]:
    """Start a :class:`LocalServer` (on :func:`ensure_model`'s file by default), yield its ready
    config, and always stop it. ``kwargs`` go to :class:`LocalServer`."""
    server = LocalServer(model_path if model_path is not None else ensure_model(), **kwargs)
    try:
        yield server.start()
    finally:
        server.stop()


def serve(
    model_path: Path | None = None, *, port: int = 8080, host: str = "127.0.0.1", **kw: Any
) -> None:
    """Run a server in the foreground until Ctrl-C or SIGTERM, printing how to point
    summarizer at it once it is ready. Raises :class:`LocalModelError` if it dies."""

    def on_sigterm(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, on_sigterm) if in_main else None
    server: LocalServer | None = None
    try:
        path = model_path if model_path is not None else ensure_model()
        server = LocalServer(path, port=port, host=host, **kw)
        cfg = server.start()
        print(
            f"llama.cpp server ready at {cfg.base_url} (model {cfg.model}; log {server.log_path})\n"
            "point summarizer at it with:\n"
            f"  export OPENAI_BASE_URL={cfg.base_url} OPENAI_API_KEY={cfg.api_key} "
            f"SUMMARIZER_MODEL={cfg.model} SUMMARIZER_MODE={cfg.mode}\n"
            "press Ctrl-C to stop",
            flush=True,
        )
        code = server.wait()
        server._fail(f"llama.cpp server exited with code {code}")
    except KeyboardInterrupt:
        print("stopping llama.cpp server", flush=True)
    finally:
        if server is not None:
            server.stop()
        if in_main:
            signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)
