"""Output files that never lose what was there: atomic writes that respect what the user pointed at.

:func:`write_atomic` writes to a temporary file beside the target and renames it over the
target, so a reader never sees a half-written file and a failure leaves the previous output
untouched. :func:`write_output` is what every ``-o FILE`` goes through; it keeps the user's files
as they are meant to be:

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
>>> write_atomic(target, b"data")
>>> target.read_bytes()
b'data'
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from graph.errors import AidgraphError

__all__ = ["OutputError", "write_atomic", "write_output"]


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


def write_atomic(path: Path, data: bytes, *, like: os.stat_result | None = None) -> None:
    """Write ``data`` to ``path`` atomically, creating parent directories as needed.

    The new file gets mode 0644, or the mode (and, when running as root, the owner) of ``like``.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, stat.S_IMODE(like.st_mode) if like is not None else 0o644)
        if like is not None and os.geteuid() == 0:
            os.chown(temporary, like.st_uid, like.st_gid)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _write_through(path: Path, data: bytes) -> None:
    try:
        with open(path, "wb") as stream:
            stream.write(data)
    except OSError as err:
        raise OutputError(f"cannot write {path}: {err.strerror or err}") from None


def _is_inside(path: Path, folder: Path) -> bool:
    return path.is_relative_to(Path(os.path.realpath(folder)))
