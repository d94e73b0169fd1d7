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
import unicodedata
from collections.abc import Iterable

__all__ = ["did_you_mean", "printable", "shorten"]


def did_you_mean(word: str, choices: Iterable[str], *, n: int = 1, cutoff: float = 0.6) -> str:
    """`` (did you mean 'x'?)`` naming the closest of ``choices`` to ``word``, or an empty string."""
    close = difflib.get_close_matches(word, list(choices), n=n, cutoff=cutoff)
    return f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, the last one an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def printable(text: str) -> str:
    """``text`` safe for a terminal: control and format characters shown as Python escapes.

    Labels, ids, file names and server answers reach messages and tables; a newline there would
    break the one-line format, an escape sequence would drive the terminal. Spaces of every kind
    stay as they are.
    """
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() or unicodedata.category(char) == "Zs" else _escape(char) for char in text)


def _escape(char: str) -> str:
    return repr(char)[1:-1] if char in "\n\r\t" else f"\\x{ord(char):02x}" if ord(char) < 256 else f"\\u{ord(char):04x}"
