"""Files the loader keeps in a build directory, written whole or not at all.

A file is written under a temporary name beside it, then renamed over it, so after a writer is
killed a reader sees the old bytes or the new ones (nothing is synced to disk: after a power
loss, the readers' digests tell a damaged file). A writer killed with SIGKILL cannot remove its
temporary file; :func:`remove_stale` removes those left for longer than :data:`STALE_SECONDS`.
A write takes well under a second, so only a writer stopped for that long in the middle of one
could lose its file, and its write would then fail.

Examples
--------
>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> write_atomic(folder / "state.json", b"{}", prefix=".tmp-state-")
>>> sorted(p.name for p in folder.iterdir())
['state.json']
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from pathlib import Path

__all__ = ["STALE_SECONDS", "remove_stale", "write_atomic"]

STALE_SECONDS = 600
"""A temporary file older than this (by its modification time) was left by a killed writer."""


def write_atomic(path: Path, data: bytes, *, prefix: str) -> None:
    """Write ``data`` to ``path`` through a temporary file named ``prefix…`` beside it.

    Raises
    ------
    OSError
        When the directory cannot be written; the temporary file is removed first.
    """
    fd, temporary = tempfile.mkstemp(prefix=prefix, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(temporary).unlink(missing_ok=True)
        raise


def remove_stale(directory: Path, prefix: str) -> None:
    """Remove the regular files named ``prefix…`` in ``directory`` older than :data:`STALE_SECONDS`."""
    limit = time.time() - STALE_SECONDS
    with contextlib.suppress(OSError), os.scandir(directory) as entries:
        for entry in entries:
            with contextlib.suppress(OSError):
                if not entry.name.startswith(prefix) or not entry.is_file(follow_symlinks=False):
                    continue
                if entry.stat(follow_symlinks=False).st_mtime < limit:
                    os.unlink(entry.path)
