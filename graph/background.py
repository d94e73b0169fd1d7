"""Work done in a forked child while this process goes on: a build's copy of the previous store
and its count, and the build's money totals.

A build's summary totals the money of every pledge, pure Python (1.0-1.3 s at 100k pledges),
while the build writes its store and Turtle file, which holds Python's lock too: the totals in a
thread gained 0.15 s of 5.7 s. A child forked once the facts are read sees them copy-on-write, so
nothing crosses but the answer, and the two run on two cores. Likewise a child forked before the
facts are read copies and counts the previous store (0.4 s) while this process reads them, on a
core that is idle then; forked before this process opens any store, it shares no store's native
threads' state (only Python's own threads are seen here: see below).

The answer is always the one the work gives in this process. Where a child cannot help or cannot
be made safely the work is done here when the answer is asked for: without ``fork``, and while
other Python threads run (a fork copies only the calling thread; a lock another holds stays held
in the child), in a daemonic process (which may have no children), and when no child can be
started (out of processes or memory). So is it when the child fails in any way (killed, out of
memory, an exception of the work, an answer that does not pickle, no answer within
:data:`WAIT`): the error, if there is one, is raised here.

SIGINT and SIGTERM are blocked while the child is forked and set back to their defaults in it:
a signal in between would otherwise run this process's handlers (a build's cleanup) in the child.

Examples
--------
>>> with InBackground(lambda: sum(range(10))) as total:
...     total.result()
45
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any, Generic, TypeVar

__all__ = ["WAIT", "InBackground", "quiet_child"]

T = TypeVar("T")

WAIT = 120.0
"""Seconds :meth:`InBackground.result` waits for the child before doing the work itself (the
build's totals take 1.3 s at 100k pledges: a child this late is stuck, not slow)."""

_SIGNALS = {signal.SIGINT, signal.SIGTERM}


class InBackground(Generic[T]):
    """``work()`` computed in a forked child from now on; :meth:`result` waits for its answer.

    Use it as a context manager: leaving the block stops a child whose answer was not asked for
    (the build failed, or was interrupted).
    """

    def __init__(self, work: Callable[[], T], *, fork: bool = True) -> None:
        self._work = work
        self._child: Any = None
        self.from_child = False
        """Whether :meth:`result` gave the child's answer (else it did the work here)."""
        if fork and _can_fork():
            try:
                self._start()
            except BaseException:  # an interrupt delivered as the signals are unblocked: no block to stop it
                self.close()
                raise

    def _start(self) -> None:
        context = multiprocessing.get_context("fork")
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
        try:
            self._answers, sender = context.Pipe(duplex=False)
            try:
                child = context.Process(target=_answer, args=(self._work, sender), daemon=True)
                child.start()
                self._child = child
            finally:
                sender.close()
                if self._child is None:
                    self._answers.close()
        except OSError:  # no pipe or no process to be had: the work is done here
            pass
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)

    @property
    def forked(self) -> bool:
        """Whether a child is computing the answer (until it is asked for)."""
        return self._child is not None

    def result(self) -> T:
        """The work's answer: the child's, or (without one, or if it failed) computed here."""
        if self._child is not None:
            try:
                if self._answers.poll(WAIT):
                    answer = self._answers.recv()
                    self.from_child = True
                    return answer  # type: ignore[no-any-return]
            except (EOFError, OSError, pickle.UnpicklingError):  # the child ended without an answer
                pass
            finally:
                self.close()
        return self._work()

    def close(self) -> None:
        """Stop the child, if there is one, and reap it."""
        if self._child is not None:
            self._child.kill()
            self._child.join()
            self._answers.close()
            self._child = None

    def __enter__(self) -> InBackground[T]:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self.close()


def _can_fork() -> bool:
    """Whether a child can be forked safely here: see the module's description."""
    return (
        hasattr(os, "fork")
        and threading.active_count() == 1
        and not multiprocessing.current_process().daemon
    )


def _answer(work: Callable[[], Any], sender: Any) -> None:
    """The child: send the answer, or end without one (the parent then does the work and reports)."""
    quiet_child()
    sender.send(work())  # an error ends the child, its traceback written to nothing


def quiet_child() -> None:
    """In a forked child: die when the parent dies, leave signals to their defaults, and write
    nothing to standard error.

    No child outlives its command (Linux's ``PR_SET_PDEATHSIG``; elsewhere the pipe's end stops
    it); an interrupt ends the child, not a handler of the parent's; and what a failing child would
    print is the parent's to report, in one line.
    """
    import ctypes

    for number in _SIGNALS:
        signal.signal(number, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _SIGNALS)
    parent = multiprocessing.parent_process()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    else:
        if parent is not None and os.getppid() != parent.pid:  # it died before the request took effect
            os._exit(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (open until the child ends)
