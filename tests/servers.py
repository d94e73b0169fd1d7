"""Real SPARQL servers for the tests, each on a free loopback port in a scratch directory.

:class:`OxigraphServer` runs ``oxigraph serve`` (the ``server`` extra); :class:`VirtuosoServer`
runs Virtuoso Open Source from Debian's ``virtuoso-opensource`` package (``virtuoso-t``, set up
by ``make system-deps``) with a user that holds the SPARQL_UPDATE role and logs in with Digest.
Each runs in its own process group, and :meth:`stop` ends the whole group, so no server
outlives the test session.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

__all__ = ["OxigraphServer", "VirtuosoServer", "free_port", "wait_for"]


def free_port() -> int:
    """A TCP port nobody listens on at the moment, on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen[bytes], seconds: float = 60.0) -> None:
    """Wait until ``url`` answers over HTTP (any status), failing early if ``process`` ends."""
    deadline = time.monotonic() + seconds
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped with code {process.returncode} before {url} answered")
        try:
            opener.open(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return  # the server answers
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds:g} s")


class _Server:
    """A server process in its own process group."""

    process: subprocess.Popen[bytes]

    def _start(self, command: list[str], cwd: Path, log: Path) -> None:
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    def stop(self, grace: float = 20.0) -> None:
        """Stop the whole process group: SIGTERM, then SIGKILL if it lingers."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # children too, if any remain
        except ProcessLookupError:
            pass
        self.process.wait()


class OxigraphServer(_Server):
    """``oxigraph serve`` on a scratch store; ``endpoint`` is its query URL."""

    def __init__(self, directory: Path) -> None:
        port = free_port()
        beside = Path(sys.executable).parent / "oxigraph"  # the PyPI package `oxigraph` (test extra)
        command = str(beside) if beside.exists() else shutil.which("oxigraph") or "oxigraph"
        self._start(
            [command, "serve", "--location", str(directory / "store"), "--bind", f"127.0.0.1:{port}"],
            directory,
            directory / "oxigraph.log",
        )
        self.endpoint = f"http://127.0.0.1:{port}/query"
        try:
            wait_for(f"http://127.0.0.1:{port}/", self.process, 20)
        except BaseException:
            self.stop()
            raise


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = {dir}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
CheckpointInterval = 0
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = 4
[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""


class VirtuosoServer(_Server):
    """Virtuoso Open Source with a fresh database and a user allowed to update (Digest login).

    ``endpoint`` is the public query URL (``/sparql``); ``user`` and ``password`` log in to the
    Graph Store (``/sparql-graph-crud-auth``) and Update (``/sparql-auth``) endpoints.
    """

    user = "aidgraph"

    @staticmethod
    def binary() -> str | None:
        """``virtuoso-t`` if Debian's package is installed."""
        return shutil.which("virtuoso-t")

    def __init__(self, directory: Path) -> None:
        binary, isql = self.binary(), shutil.which("isql-vt")
        if binary is None or isql is None:
            raise RuntimeError("virtuoso-t and isql-vt are needed: apt-get install virtuoso-opensource")
        sql_port = free_port()
        http_port = free_port()
        while http_port == sql_port:  # the system may hand out a just-freed port again
            http_port = free_port()
        ini = directory / "virtuoso.ini"
        ini.write_text(VIRTUOSO_INI.format(dir=directory, sql_port=sql_port, http_port=http_port))
        self.password = secrets.token_hex(12)
        self.endpoint = f"http://127.0.0.1:{http_port}/sparql"
        self.log = directory / "virtuoso.log"
        self._start([binary, "-f", "-c", str(ini)], directory, directory / "virtuoso.out")
        try:
            wait_for(self.endpoint, self.process, 120)
            admin = secrets.token_hex(12)
            script = (
                f"DB.DBA.USER_CREATE('{self.user}', '{self.password}');\n"
                f'GRANT SPARQL_UPDATE TO "{self.user}";\n'
                f"DB.DBA.USER_CHANGE_PASSWORD('dba', 'dba', '{admin}');\n"  # no default admin password on the port
            )
            done = subprocess.run(
                [isql, f"127.0.0.1:{sql_port}", "dba", "dba"],
                input=script.encode(),
                check=True,
                capture_output=True,
                timeout=60,
            )
            if b"*** Error" in done.stdout + done.stderr:
                raise RuntimeError(f"setting up the Virtuoso user failed: {done.stderr.decode(errors='replace')}")
        except BaseException:
            self.stop()
            raise
