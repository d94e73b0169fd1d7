"""Where fact files are, and how any input file is read safely: dependency-free helpers.

Every entry under the seeds directory named like a fact file (``*.yaml`` or ``*.yml``, in any
case: ``FACTS.YAML`` is read too) is either read or refused with a reason, never skipped in
silence: a broken symbolic link, a link loop, a directory, a FIFO or a device named like a fact
file is a problem to report. Directories (symbolic links to directories included) are walked
once each, so a link loop among directories ends.

:func:`read_regular` is the one way input files are read: it never blocks on a FIFO (it opens
without waiting and refuses what is not a regular file) and never reads more than a limit.

Examples
--------
>>> import tempfile
>>> seeds = Path(tempfile.mkdtemp())
>>> _ = (seeds / "a.yaml").write_text("x: 1"); _ = (seeds / "B.YML").write_text("x: 1")
>>> (seeds / "c.yaml").symlink_to(seeds / "missing")
>>> scan = scan_fact_files(seeds)
>>> [p.name for p in scan.files], [(p.name, why) for p, why in scan.refused]
(['B.YML', 'a.yaml'], [('c.yaml', 'broken symbolic link (its target does not exist)')])
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["FACT_SUFFIXES", "MAX_ARTICLE_BYTES", "MAX_FILE_BYTES", "FactFiles", "ReadRefused", "is_fact_name", "read_inside", "read_regular", "scan_fact_files", "size_text"]

FACT_SUFFIXES = (".yaml", ".yml")
"""Fact file name endings, compared without regard to case."""

_KINDS = {
    stat.S_IFDIR: "a directory",
    stat.S_IFIFO: "a FIFO",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


MAX_FILE_BYTES = 16 * 2**20
"""A fact file of more than 16 MiB is refused before parsing: split it (one file per article)."""
MAX_ARTICLE_BYTES = 4 * 2**20
"""The largest article read (4 MiB): news articles are tens of kilobytes."""


class ReadRefused(OSError):
    """A file that is not read: not a regular file, larger than its limit, or unreadable."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def __str__(self) -> str:
        return self.reason


@dataclass
class FactFiles:
    """The regular files to read, and the entries named like fact files that cannot be read."""

    files: list[Path] = field(default_factory=list)
    refused: list[tuple[Path, str]] = field(default_factory=list)


def is_fact_name(name: str) -> bool:
    """True for names ending in ``.yaml`` or ``.yml``, in any case."""
    return name.lower().endswith(FACT_SUFFIXES)


def scan_fact_files(seeds_dir: Path) -> FactFiles:
    """Every fact file under ``seeds_dir`` (recursively, sorted), and the entries refused, with why."""
    found = FactFiles()
    visited: set[tuple[int, int]] = set()
    pending = [seeds_dir]
    while pending:
        folder = pending.pop()
        try:
            info = folder.stat()
            if (info.st_dev, info.st_ino) in visited:
                continue  # reached again through a link: walked once
            visited.add((info.st_dev, info.st_ino))
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as err:
            found.refused.append((folder, f"cannot read directory: {_reason(err)}"))
            continue
        for entry in entries:
            path = Path(entry.path)
            try:
                mode = os.stat(path).st_mode
            except OSError as err:
                if is_fact_name(entry.name) or entry.is_symlink():
                    found.refused.append((path, _reason(err, link=entry.is_symlink())))
                continue
            if stat.S_ISDIR(mode):
                pending.append(path)
                if is_fact_name(entry.name):
                    found.refused.append((path, "is a directory, not a fact file (rename it)"))
            elif is_fact_name(entry.name):
                if stat.S_ISREG(mode):
                    found.files.append(path)
                else:
                    found.refused.append((path, f"is {_KINDS.get(stat.S_IFMT(mode), 'not a regular file')}, not a fact file"))
    found.files.sort()
    found.refused.sort()
    return found


def read_regular(path: Path, limit: int, what: str = "file") -> bytes:
    """The bytes of ``path``, which must be a regular file of at most ``limit`` bytes.

    The file is opened without blocking (a FIFO would otherwise wait for a writer forever) and
    checked on the open descriptor, so it cannot be swapped between the check and the read.

    Raises
    ------
    ReadRefused
        With a one-line reason: not a regular file, over the limit, or an OS error.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as err:
        raise ReadRefused(f"cannot read {what}: {_reason(err)}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
            raise ReadRefused(f"{what} is {kind}, not a regular file")
        chunks = []
        size = 0
        while chunk := os.read(fd, min(1 << 20, limit + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise ReadRefused(f"{what} is larger than the limit of {size_text(limit)}")
        return b"".join(chunks)
    except ReadRefused:
        raise
    except OSError as err:
        raise ReadRefused(f"cannot read {what}: {_reason(err)}") from None
    finally:
        os.close(fd)


def read_inside(directory: Path, name: str, limit: int, what: str = "file") -> bytes:
    """The bytes of the file ``name`` directly inside ``directory``, refusing any way out of it.

    ``name`` must be a plain file name (records check that when facts load); a symbolic link in
    ``directory`` that resolves elsewhere is refused as well, before anything is read.

    Raises
    ------
    ReadRefused
        With a one-line reason: outside the directory, not a regular file, too large, unreadable.
    """
    root = directory.resolve()
    path = (root / name).resolve()
    if path.parent != root or "/" in name or name in ("", ".", ".."):
        raise ReadRefused(f"file {name!r} leads outside {directory} (a link?): refused")
    return read_regular(path, limit, what)


def _reason(err: OSError, *, link: bool = False) -> str:
    if err.errno == errno.ENOENT:
        return "broken symbolic link (its target does not exist)" if link else "no such file"
    if err.errno == errno.ELOOP:
        return "symbolic link loop"
    return err.strerror.lower() if err.strerror else str(err)


def size_text(limit: int) -> str:
    """A byte limit as people read it: '4 MiB', or '1,500 bytes'."""
    return f"{limit // 2**20} MiB" if limit % 2**20 == 0 else f"{limit:,} bytes"
