"""Work in a forked child: the answer is always the one the work gives here, and no child outlives its block."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path

import pytest

from graph.background import InBackground

HERE = os.getpid()


def where() -> int:
    return os.getpid()


def test_the_work_runs_in_a_child_and_its_answer_comes_back() -> None:
    with InBackground(where) as work:
        assert work.forked
        assert work.result() not in (HERE, None)
        assert not work.forked


def test_without_a_fork_the_work_runs_here() -> None:
    with InBackground(where, fork=False) as work:
        assert not work.forked
        assert work.result() == HERE


def test_while_another_thread_runs_nothing_is_forked() -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        with InBackground(where) as work:
            assert not work.forked
            assert work.result() == HERE
    finally:
        stop.set()
        other.join()


def test_a_child_that_fails_leaves_the_work_to_this_process(capfd: pytest.CaptureFixture[str]) -> None:
    def fails_in_a_child() -> int:
        if os.getpid() != HERE:
            print("a child's traceback", file=sys.stderr)
            raise RuntimeError("only in the child")
        return os.getpid()

    with InBackground(fails_in_a_child) as work:
        assert work.forked
        assert work.result() == HERE
    assert capfd.readouterr().err == ""  # the child's standard error goes nowhere


def test_a_killed_child_leaves_the_work_to_this_process() -> None:
    def killed_in_a_child() -> int:
        if os.getpid() != HERE:
            os.kill(os.getpid(), signal.SIGKILL)
        return os.getpid()

    with InBackground(killed_in_a_child) as work:
        assert work.result() == HERE


def test_an_answer_that_cannot_cross_is_computed_here() -> None:
    with InBackground(lambda: (os.getpid(), lambda: None)) as work:  # a lambda does not pickle
        pid, answer = work.result()
    assert pid == HERE and callable(answer)


def test_an_error_of_the_work_is_raised_here() -> None:
    def fails() -> None:
        raise ValueError("the work's own error")

    with InBackground(fails) as work, pytest.raises(ValueError, match="the work's own error"):
        work.result()


def test_leaving_the_block_stops_a_child_not_asked_for(tmp_path: Path) -> None:
    marker = tmp_path / "child"

    def waits() -> None:
        marker.write_text(str(os.getpid()))
        time.sleep(60)

    with InBackground(waits):
        deadline = time.monotonic() + 10
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
    child = int(marker.read_text())
    with pytest.raises(ProcessLookupError):  # killed and reaped
        os.kill(child, 0)
