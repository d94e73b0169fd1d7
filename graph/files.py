"""Output files that never lose what was there: atomic writes that respect what the user pointed at.

:func:`write_output` is what every ``-o FILE`` goes through. A regular file is written whole or
not at all (:func:`loaders.atomic.write_atomic`: a temporary file beside it, synced, renamed over
it), so a reader never sees a half-written file and a failure leaves the previous output
untouched; and it keeps the user's files as they are meant to be:

* a character device or a FIFO (``/dev/null``, ``/dev/stdout``, a named pipe) is written
  through, never replaced by a regular file;
* a symbolic link stays a link: the file it points to is replaced;
* a file with other hard links is rewritten in place, so every name still shows the new data;
* an existing file keeps its permission bits (and its owner, when run as root);
* a file under a protected directory (the seeds) is not overwritten unless ``force``.

Examples
--------
>>> import tempfile, pathlib
>>> target = pathlib.Path(tempfile.mkdtemp()) / "out.ttl"
>>> write_output(target, b"data")
>>> target.read_bytes()
b'data'
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from graph.errors import AidgraphError
from loaders.atomic import write_atomic

__all__ = ["OutputError", "write_output"]


class OutputError(AidgraphError):
    """An output that cannot or must not be written."""


def write_output(path: Path, data: bytes, *, protect: Path | None = None, force: bool = False) -> None:
    """Write ``data`` to the file the user named, keeping links, devices, modes and the seeds safe.

    Raises
    ------
    OutputError
        When ``path`` is an existing file under ``protect`` and not ``force``, or cannot be written.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        info = None
    except OSError as err:
        raise OutputError(f"cannot write {path}: {err.strerror}") from None
    if info is not None and (stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode)):
        _write_through(path, data)
        return
    target = Path(os.path.realpath(path))
    if info is not None and protect is not None and not force and _is_inside(target, protect):
        raise OutputError(f"{path} is a fact file under {protect}: refusing to overwrite it (add --force to replace it)")
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise OutputError(f"cannot write {path}: it is not a regular file")
    try:
        if info is not None and info.st_nlink > 1:
            _write_through(target, data)
        else:
            write_atomic(target, data, like=info)
    except OSError as err:
        raise OutputError(f"cannot write {path}: {err.strerror or err}") from None


def _write_through(path: Path, data: bytes) -> None:
    try:
        with open(path, "wb") as stream:
            stream.write(data)
    except OSError as err:
        raise OutputError(f"cannot write {path}: {err.strerror or err}") from None


def _is_inside(path: Path, folder: Path) -> bool:
    return path.is_relative_to(Path(os.path.realpath(folder)))
