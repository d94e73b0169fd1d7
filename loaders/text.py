r"""Small text helpers for messages people read: suggestions and shortened text.

Examples
--------
>>> did_you_mean("dfcc", ["dfc", "usaid"])
" (did you mean 'dfc'?)"
>>> did_you_mean("zzz", ["dfc"])
''
>>> shorten("a" * 10, 5)
'aaaa…'
>>> printable("evil\x1b[2Jname\n")
'evil\\x1b[2Jname\\n'
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

__all__ = ["did_you_mean", "printable", "shorten"]


def did_you_mean(word: str, choices: Iterable[str], *, n: int = 1, cutoff: float = 0.6) -> str:
    """`` (did you mean 'x'?)`` naming the closest of ``choices`` to ``word``, or an empty string."""
    close = difflib.get_close_matches(word, list(choices), n=n, cutoff=cutoff)
    return f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, the last one an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""C0 and C1 controls (a C1 CSI drives terminals too), line separators and bidirectional controls."""
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """``text`` safe for a terminal: control characters escaped as Python writes them (``\\n``, ``\\x1b``).

    Labels, ids, file names and server answers reach messages and tables; a newline there would
    break the one-line format, an escape sequence or a bidirectional control would drive the
    terminal.

    Examples
    --------
    >>> print(printable("evil" + chr(27) + "[2J" + chr(10) + "name" + chr(0x202E)))
    evil\\x1b[2J\\nname\\u202e
    """
    return _UNPRINTABLE.sub(lambda m: _NAMED.get(m[0]) or _escape(m[0]), text)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


