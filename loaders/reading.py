"""Bounded reads of what users point the tool at: a query file, standard input, an article.

Nothing is read without a size limit, nothing but a regular file (or standard input) is read,
and bytes that are not UTF-8 are one clear error, never a traceback.

Examples
--------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "q.rq"
>>> _ = path.write_bytes(b"ASK {}")
>>> read_text(path, limit=100, what="query")
'ASK {}'
>>> read_text(path, limit=3, what="query")
Traceback (most recent call last):
...
loaders.errors.AidgraphError: the query in ... is larger than 3 bytes
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from loaders.errors import AidgraphError
from loaders.text import printable

__all__ = ["MAX_ARTICLE_BYTES", "read_article", "read_text"]

MAX_ARTICLE_BYTES = 16 * 1024 * 1024
"""The largest article read (16 MiB): news articles are a few tens of kilobytes."""


def read_text(path: Path, *, limit: int, what: str) -> str:
    """The UTF-8 text of ``path`` (``-`` for standard input), at most ``limit`` bytes.

    Raises
    ------
    AidgraphError
        For a missing or unreadable file, one that is not a regular file, one over ``limit``
        bytes, or bytes that are not UTF-8.
    """
    name = "standard input" if str(path) == "-" else printable(str(path))
    try:
        if str(path) == "-":
            data = sys.stdin.buffer.read(limit + 1)
        else:
            with open(path, "rb", opener=_nonblocking) as stream:
                if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                    raise AidgraphError(f"{name} is not a regular file: give the {what} as a file")
                data = stream.read(limit + 1)
    except OSError as err:
        raise AidgraphError(f"cannot read the {what} in {name}: {err.strerror or err}") from None
    if len(data) > limit:
        raise AidgraphError(f"the {what} in {name} is larger than {limit:,} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise AidgraphError(f"the {what} in {name} is not UTF-8 text (byte {err.start})") from None


def read_article(path: Path) -> str:
    """The text of an article file (``-`` for standard input), within :data:`MAX_ARTICLE_BYTES`."""
    return read_text(path, limit=MAX_ARTICLE_BYTES, what="article")


def _nonblocking(path: str, flags: int) -> int:
    """Open without blocking, so a FIFO is refused instead of waited on."""
    return os.open(path, flags | os.O_NONBLOCK)
