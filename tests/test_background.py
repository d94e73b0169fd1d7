"""Work in a forked child: the answer is always the one the work gives here, and no child outlives its block."""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import os
import signal
import sys
import threading
import time
from pathlib import Path

import pytest

from graph import background
from graph.background import InBackground

HERE = os.getpid()


def where() -> int:
    return os.getpid()


def test_the_work_runs_in_a_child_and_its_answer_comes_back() -> None:
    with InBackground(where) as work:
        assert work.forked
        assert work.result() not in (HERE, None)
        assert work.from_child
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


def test_an_interrupt_as_the_child_starts_stops_the_child(monkeypatch: pytest.MonkeyPatch) -> None:
    """SIGINT blocked while forking is delivered when unblocked, before any ``with`` block holds the child."""
    calls = []
    unblock = signal.pthread_sigmask

    def interrupted_on_unblocking(how: int, mask: object) -> object:
        calls.append(how)
        old = unblock(how, mask)  # type: ignore[arg-type]
        if how == signal.SIG_SETMASK:
            raise KeyboardInterrupt
        return old

    monkeypatch.setattr(background.signal, "pthread_sigmask", interrupted_on_unblocking)
    with pytest.raises(KeyboardInterrupt):
        InBackground(lambda: time.sleep(60))
    assert calls == [signal.SIG_BLOCK, signal.SIG_SETMASK]  # a child was started in between
    assert multiprocessing.active_children() == []  # killed and reaped


def test_a_daemonic_process_does_the_work_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    class Daemon:
        daemon = True

    monkeypatch.setattr(multiprocessing, "current_process", Daemon)
    with InBackground(where) as work:  # a daemonic process may not have children
        assert not work.forked
        assert work.result() == HERE


def test_no_process_to_be_had_leaves_the_work_to_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(self: object) -> None:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(multiprocessing.context.ForkProcess, "start", refused)
    with InBackground(where) as work:
        assert not work.forked
        assert work.result() == HERE and not work.from_child


def test_a_stuck_child_is_stopped_and_the_work_done_here(monkeypatch: pytest.MonkeyPatch) -> None:
    def stuck_in_a_child() -> int:
        if os.getpid() != HERE:
            time.sleep(60)
        return os.getpid()

    monkeypatch.setattr(background, "WAIT", 0.3)
    started = time.monotonic()
    with InBackground(stuck_in_a_child) as work:
        assert work.result() == HERE
    assert time.monotonic() - started < 10


def test_a_signal_to_the_child_runs_none_of_this_processs_handlers(tmp_path: Path) -> None:
    """A build turns SIGTERM into its cleanup; in the child, SIGTERM only ends the child."""
    marker = tmp_path / "handler ran"

    def handler(signum: int, frame: object) -> None:
        marker.write_text(str(os.getpid()))

    def terminated_in_a_child() -> int:
        if os.getpid() != HERE:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)
        return os.getpid()

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        with InBackground(terminated_in_a_child) as work:
            assert work.result() == HERE and not work.from_child
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert not marker.exists()
