"""Files written whole or not at all: every output of a build, and what the loader keeps there.

A file is written under a temporary name beside it (``.<name>.…tmp``, or a given prefix), then
renamed over it, so a reader sees the old bytes or the new ones, never part of them, and a failed
write leaves the old file as it was. An output a user keeps (the Turtle file, the manifest, a
``-o FILE``) is synced to disk before the rename, so it survives a power loss whole; the record
cache and the shapes' state are not (``durable=False``): they are made again when lost, so a
sync would only cost time, and their readers' digests tell a damaged file.

A writer killed with SIGKILL cannot remove its temporary file; :func:`remove_stale` removes those
left for longer than :data:`STALE_SECONDS`. A write takes well under a second, so only a writer
stopped for that long in the middle of one could lose its file, and its write would then fail.

Examples
--------
>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> write_atomic(folder / "state.json", b"{}", prefix=".tmp-state-", mode=0o600, durable=False)
>>> sorted(p.name for p in folder.iterdir())
['state.json']
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import time
from pathlib import Path

__all__ = ["STALE_SECONDS", "remove_stale", "write_atomic"]

STALE_SECONDS = 600
"""A temporary file older than this (by its modification time) was left by a killed writer."""


def write_atomic(
    path: Path,
    data: bytes,
    *,
    prefix: str | None = None,
    mode: int = 0o644,
    like: os.stat_result | None = None,
    durable: bool = True,
) -> None:
    """Write ``data`` to ``path`` through a temporary file beside it, creating parent directories.

    Parameters
    ----------
    prefix
        How the temporary file's name starts (default ``.<name>.``), for :func:`remove_stale`.
    mode
        The new file's permission bits (0600 for what only aidgraph reads back).
    like
        The file whose mode (and owner, when run as root) the new file takes instead.
    durable
        Sync the data to disk before the rename (see the module's description).

    Raises
    ------
    OSError
        When the directory cannot be written; the temporary file is removed first.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=prefix or f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(temporary, stat.S_IMODE(like.st_mode) if like is not None else mode)
        if like is not None and os.geteuid() == 0:
            os.chown(temporary, like.st_uid, like.st_gid)
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
