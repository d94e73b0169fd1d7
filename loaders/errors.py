"""The project's exceptions and the source locations they point at.

Every error a user can cause derives from :class:`AidgraphError`. The library raises; the CLI
renders ``Error: …`` once and exits non-zero. Fact problems carry a :class:`Location` so each
message starts with ``file:line:column``.

A file name or an id may hold a newline or a terminal escape; rendering shows every control
character escaped (:func:`loaders.text.printable`), so a problem stays one line and never drives the terminal.

Examples
--------
>>> str(Problem(Location("seeds/facts/x.yaml", 42, 3), "pledge 'dfc-sv': unknown actor 'dfcc'"))
"seeds/facts/x.yaml:42:3: pledge 'dfc-sv': unknown actor 'dfcc'"
>>> print(Problem(Location("a" + chr(10) + "b" + chr(27) + "[31m.yaml"), "no"))
a\\nb\\x1b[31m.yaml: no
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from loaders.text import printable

__all__ = ["AidgraphError", "FactError", "Location", "Problem"]

class AidgraphError(Exception):
    """Root of every error aidgraph raises for something the user can fix."""


@dataclass(frozen=True, order=True)
class Location:
    """A position in a fact file: 1-based line and column (0 when unknown)."""

    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if not self.line:
            return printable(self.path)
        return f"{printable(self.path)}:{self.line}:{self.column}"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the facts, where it is and what to do about it."""

    where: Location
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {printable(self.message)}"


class FactError(AidgraphError):
    """The fact files hold one or more problems; ``problems`` lists every one found in the run."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))
