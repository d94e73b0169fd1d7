"""Every command in README's ``console`` blocks runs, and prints what README shows.

The commands run in order in a scratch directory holding a copy of the seeds (and the corpus at
``../shared/corpus``), so README cannot drift from the code. A server started by a block
(``aidgraph serve``, ``oxigraph serve``) runs in the background until the block ends.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, corpus_path

pytestmark = pytest.mark.slow

SERVERS = ("aidgraph serve", "oxigraph serve")


def console_blocks(text: str) -> list[list[tuple[str, list[str]]]]:
    """Each ``console`` block as a list of (command, the output lines README shows)."""
    blocks = []
    for body in re.findall(r"```console\n(.*?)```", text, re.DOTALL):
        commands: list[tuple[str, list[str]]] = []
        for line in textwrap.dedent(body).splitlines():
            if line.startswith("$ "):
                commands.append((line[2:], []))
            elif commands:
                commands[-1][1].append(line)
        blocks.append(commands)
    return blocks


def test_readme_has_console_blocks() -> None:
    blocks = console_blocks((ROOT / "README.md").read_text(encoding="utf-8"))
    commands = [command for block in blocks for command, _ in block]
    assert len(commands) >= 15
    assert all(block for block in blocks), "a console block without a `$ ` command"
    assert any(c.startswith("aidgraph query") for c in commands) and any(
        c.startswith("aidgraph serve") for c in commands
    )


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    top = tmp_path_factory.mktemp("readme")
    (top / "shared").mkdir()
    (top / "shared" / "corpus").symlink_to(corpus_path().resolve())
    work = top / "work"
    work.mkdir()
    shutil.copytree(ROOT / "seeds", work / "seeds")
    return work


def _environment() -> dict[str, str]:
    bin_dir = str(Path(sys.executable).parent)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIDGRAPH_")}
    return {**env, "PATH": f"{bin_dir}:{env.get('PATH', '')}", "PYTHONUNBUFFERED": "1"}


def _wait_for_port(port: int, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listens on port {port}")


@pytest.mark.parametrize("index", range(len(console_blocks((ROOT / "README.md").read_text(encoding="utf-8")))))
def test_readme_block_runs_as_shown(workspace: Path, index: int) -> None:
    assert shutil.which("curl"), "the README test needs curl (make test installs it)"
    block = console_blocks((ROOT / "README.md").read_text(encoding="utf-8"))[index]
    servers: list[subprocess.Popen[str]] = []
    try:
        for command, expected in block:
            if command.startswith(SERVERS):
                process = subprocess.Popen(
                    command, shell=True, cwd=workspace, env=_environment(), text=True,
                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True,
                )  # fmt: skip
                servers.append(process)
                assert process.stdout is not None
                shown = [process.stdout.readline().rstrip("\n") for _ in expected]
                assert shown == expected, command
                _wait_for_port(int(re.search(r":(\d{4,5})", command + " ".join(expected) + ":7878")[1]))
                continue
            done = subprocess.run(
                command,
                shell=True,
                cwd=workspace,
                env=_environment(),
                text=True,
                capture_output=True,
                timeout=300,
                check=False,
            )
            assert done.returncode == 0, f"{command}\n{done.stderr}"
            if expected:
                printed = (done.stdout + done.stderr).rstrip("\n").splitlines()
                assert [line.rstrip() for line in printed] == [line.rstrip() for line in expected], command
    finally:
        for process in servers:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
