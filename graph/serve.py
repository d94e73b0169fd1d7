"""``aidgraph serve``: Oxigraph's own SPARQL server on the built store, read-only, on loopback.

This starts the real server process (the ``oxigraph`` command of the PyPI package ``oxigraph``,
installed with the ``server`` extra); it does not implement one. The server reads the persisted
store of ``build/`` in read-only mode, so updates are refused, and it binds to 127.0.0.1 unless
told otherwise.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from graph.cache import STORE_DIR
from graph.errors import EndpointError

__all__ = ["check_started", "oxigraph_command", "start_server", "stop_server"]


def oxigraph_command() -> str:
    """The path of Oxigraph's server command, or an error saying how to install it."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        raise EndpointError("aidgraph serve needs Oxigraph's server: pip install 'aidgraph[server]'")
    return found


def start_server(build_dir: Path, *, bind: str = "127.0.0.1", port: int = 7878) -> subprocess.Popen[bytes]:
    """Start ``oxigraph serve-read-only`` on ``build_dir``'s store (see :func:`check_started`)."""
    command = [
        oxigraph_command(),
        "serve-read-only",
        "--location",
        str(build_dir / STORE_DIR),
        "--bind",
        f"{bind}:{port}",
    ]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def check_started(process: subprocess.Popen[bytes], *, bind: str, port: int, within: float = 15.0) -> None:
    """Wait until the server accepts connections; raise if it stops first (a port in use …)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if process.poll() is not None:
            detail = (process.stderr.read().decode("utf-8", "replace") if process.stderr else "").strip()
            last = detail.splitlines()[-1] if detail else "no message"
            raise EndpointError(f"the Oxigraph server stopped at once on {bind}:{port}: {last}")
        try:
            socket.create_connection((bind, port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise EndpointError(f"the Oxigraph server did not start listening on {bind}:{port} within {within:g} s")


def stop_server(process: subprocess.Popen[bytes], *, grace: float = 10.0) -> int:
    """Stop the server as Ctrl-C would (SIGINT), then for good if it lingers; its exit code."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode
