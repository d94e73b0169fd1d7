"""Bounded reads of what users hand the tool as text: a query file, or standard input.

Nothing is read without a size limit, nothing but a regular file (or standard input) is read
(:func:`loaders.paths.read_regular`), and bytes that are not UTF-8 are one clear error, never a
traceback.

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
loaders.errors.AidgraphError: .../q.rq: query is larger than the limit of 3 bytes
"""

from __future__ import annotations

import sys
from pathlib import Path

from loaders.errors import AidgraphError
from loaders.paths import ReadRefused, read_regular, size_text
from loaders.text import printable

__all__ = ["read_text"]


def read_text(path: Path, *, limit: int, what: str) -> str:
    """The UTF-8 text of ``path`` (``-`` for standard input), at most ``limit`` bytes.

    Raises
    ------
    AidgraphError
        One line naming the file: missing or unreadable, not a regular file, over ``limit``
        bytes, or not UTF-8.
    """
    if str(path) == "-":
        name = "standard input"
        data = sys.stdin.buffer.read(limit + 1)
        if len(data) > limit:
            raise AidgraphError(f"{name}: {what} is larger than the limit of {size_text(limit)}")
    else:
        name = printable(str(path))
        try:
            data = read_regular(path, limit, what)
        except ReadRefused as err:
            raise AidgraphError(f"{name}: {err.reason}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise AidgraphError(f"{name}: {what} is not UTF-8 text (byte {err.start})") from None
