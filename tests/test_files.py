"""Every -o FILE keeps what the user pointed at: links, devices, modes, and the facts themselves."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli import cli
from graph.files import OutputError, write_output
from tests.conftest import SEEDS, corpus_path, raises_exactly


def test_a_new_file_is_written_whole_with_mode_0644(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "out.ttl"
    write_output(target, b"data")
    assert target.read_bytes() == b"data"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_an_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.ttl"
    target.write_bytes(b"old")
    target.chmod(0o600)
    write_output(target, b"new")
    assert (target.read_bytes(), stat.S_IMODE(target.stat().st_mode)) == (b"new", 0o600)


def test_a_symlink_stays_a_link_and_its_target_gets_the_data(tmp_path: Path) -> None:
    real = tmp_path / "real.ttl"
    real.write_bytes(b"old")
    link = tmp_path / "link.ttl"
    link.symlink_to(real)
    write_output(link, b"new")
    assert link.is_symlink()
    assert real.read_bytes() == b"new"


def test_a_hard_linked_file_is_rewritten_in_place_for_every_name(tmp_path: Path) -> None:
    first = tmp_path / "a.ttl"
    first.write_bytes(b"old")
    second = tmp_path / "b.ttl"
    os.link(first, second)
    write_output(second, b"new")
    assert first.read_bytes() == second.read_bytes() == b"new"
    assert first.stat().st_ino == second.stat().st_ino


def test_character_devices_are_written_through_never_replaced() -> None:
    write_output(Path("/dev/null"), b"data")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_fifo_is_written_through(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    write_output(fifo, b"through the pipe")
    reader.join(timeout=10)
    assert received == [b"through the pipe"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_error_a_fact_file_is_not_overwritten_without_force(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    (seeds / "facts").mkdir(parents=True)
    fact = seeds / "facts" / "article.yaml"
    fact.write_bytes(b"pledges: []\n")
    message = f"{fact} is a fact file under {seeds}: refusing to overwrite it (add --force to replace it)"
    with raises_exactly(OutputError, message):
        write_output(fact, b"draft", protect=seeds)
    assert fact.read_bytes() == b"pledges: []\n"
    write_output(fact, b"draft", protect=seeds, force=True)
    assert fact.read_bytes() == b"draft"


@pytest.mark.parametrize(
    ("name", "reason"),
    [("file/out.ttl", "Not a directory"), ("dir", "it is not a regular file"), ("/proc/x/out", "No such file")],
)
def test_error_unwritable_outputs_are_one_line(tmp_path: Path, name: str, reason: str) -> None:
    (tmp_path / "dir").mkdir()
    (tmp_path / "file").write_bytes(b"")
    target = tmp_path / name
    with pytest.raises(OutputError) as raised:
        write_output(target, b"data")
    assert str(raised.value).startswith(f"cannot write {target}: ")
    assert reason in str(raised.value)


def test_cli_export_refuses_to_overwrite_a_fact_file_and_writes_dash_to_stdout(tmp_path: Path) -> None:
    import shutil

    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    fact = seeds / "sources.yaml"
    before = fact.read_bytes()
    runner = CliRunner(env={"AIDGRAPH_CORPUS": str(corpus_path())})
    where = ["--seeds", str(seeds), "--build-dir", str(tmp_path / "build")]
    refused = runner.invoke(cli, ["export", *where, "-o", str(fact)])
    assert (refused.exit_code, refused.stderr.strip()) == (
        1,
        f"Error: {fact} is a fact file under {seeds}: refusing to overwrite it (add --force to replace it)",
    )
    assert fact.read_bytes() == before
    dash = runner.invoke(cli, ["export", *where, "--format", "nt", "-o", "-"])
    assert dash.exit_code == 0
    assert dash.stdout.count("\n") > 1000 and not Path("-").exists()


def test_error_a_full_disk_on_stdout_is_one_line() -> None:
    import subprocess
    import sys

    with open("/dev/full", "wb") as full:
        result = subprocess.run(
            [sys.executable, "-m", "graph", "queries"], stdout=full, stderr=subprocess.PIPE, check=False,
            env={**os.environ, "AIDGRAPH_SEEDS": str(SEEDS)},
        )
    assert result.returncode == 1
    assert result.stderr.decode().strip() == "Error: cannot write to standard output: No space left on device"


def test_error_a_file_the_command_cannot_write_is_named_in_one_line(tmp_path: Path) -> None:
    """Not the standard output's fault: a build directory whose Turtle file is a directory."""
    import subprocess
    import sys

    (tmp_path / "out" / "aidgraph.ttl").mkdir(parents=True)
    result = subprocess.run(
        [sys.executable, "-m", "graph", "build", "-q", "--seeds", str(SEEDS), "--build-dir", str(tmp_path / "out")],
        capture_output=True, check=False, env={**os.environ, "AIDGRAPH_CORPUS": ""},
    )
    assert result.returncode == 1
    assert result.stderr.decode() == f"Error: {tmp_path / 'out' / 'aidgraph.ttl'}: Is a directory\n"
    assert result.stdout == b""


def test_error_a_librarys_own_oserror_is_its_message_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """pyoxigraph raises OSError with a message and no error number: not standard output's fault."""
    import graph.cli

    def locked(**kwargs: object) -> None:
        raise OSError("IO error: lock hold by current process")

    monkeypatch.setattr(graph.cli, "cli", locked)
    with pytest.raises(SystemExit) as ended:
        graph.cli.main()
    assert ended.value.code == 1
    assert capsys.readouterr().err == "Error: IO error: lock hold by current process\n"
