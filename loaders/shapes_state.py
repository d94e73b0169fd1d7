"""What ``check`` keeps of its shapes' run in a build directory: ``check-shapes.json``.

JSON, validated on reading, with the SHA-256 of its text on the first line: a state that is
damaged, truncated, of another shape or larger than :data:`MAX_STATE_BYTES` reads as no state
(the next check validates everything and writes a new one), never as a wrong answer. It is
replaced atomically, so a check interrupted while writing leaves the previous state, which still
describes the run that wrote it.

Examples
--------
>>> import tempfile
>>> from loaders.changes import FileState
>>> folder = Path(tempfile.mkdtemp())
>>> state = ShapesState("ctx", {"a.yaml": FileState("00", frozenset(), "s")}, {"a.yaml": {"p": "pledge"}}, {"a.yaml": [], "": []})
>>> write_state(folder, state)
>>> read_state(folder) == state
True
>>> _ = (folder / STATE_FILE).write_text("0" * 64 + "\\n{}")
>>> read_state(folder) is None
True
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from loaders.atomic import remove_stale, write_atomic
from loaders.changes import FileState
from loaders.errors import Location, Problem
from loaders.paths import ReadRefused, read_regular

__all__ = ["MAX_STATE_BYTES", "STATE_FILE", "ShapesState", "read_state", "write_state"]

STATE_FILE = "check-shapes.json"
"""The state's name inside a build directory."""
_TEMPORARY = ".tmp-check-shapes-"
"""How a state being written is named until it is complete."""
MAX_STATE_BYTES = 32 << 20
"""A state larger than this is not read, and the check validates everything (a state is about
3 MB at 100k pledges without violations; parsing one takes about 40 times its size in memory)."""


@dataclass(frozen=True)
class ShapesState:
    """What a check kept of its shapes' run."""

    context: str
    """A digest of what every result depends on besides the facts (code, versions, sources, articles)."""
    files: dict[str, FileState]
    kinds: dict[str, dict[str, str]]
    """Fact file → each fact it defines → the fact's kind."""
    problems: dict[str, list[Problem]]
    """Fact file → the problems on its nodes; ``""`` for nodes no file defines."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


_Position = Annotated[int, Field(ge=0, le=2**31)]
_Row = tuple[str, _Position, _Position, str]
"""A problem: its file, line and column (0 when unknown) and its message."""


class _File(_Strict):
    sha256: str
    quotes: list[str]
    scopes: str
    kinds: dict[str, str]
    problems: list[_Row]


class _State(_Strict):
    format: int
    context: str
    files: dict[str, _File]
    unowned: list[_Row]


_FORMAT = 1


def read_state(build_dir: Path) -> ShapesState | None:
    """The state in ``build_dir``, or None when there is none or it does not check out."""
    try:
        digest, _, payload = read_regular(build_dir / STATE_FILE, MAX_STATE_BYTES, "check state").partition(b"\n")
        if hashlib.sha256(payload).hexdigest().encode() != digest:
            return None
        stored = _State.model_validate_json(payload)
    except (ReadRefused, ValidationError):
        return None
    if stored.format != _FORMAT:
        return None
    files = {name: FileState(file.sha256, frozenset(file.quotes), file.scopes) for name, file in stored.files.items()}
    problems = {name: [_problem(p) for p in file.problems] for name, file in stored.files.items()}
    problems[""] = [_problem(p) for p in stored.unowned]
    return ShapesState(stored.context, files, {name: file.kinds for name, file in stored.files.items()}, problems)


def write_state(build_dir: Path, state: ShapesState) -> None:
    """Replace the state in ``build_dir`` atomically; a directory that cannot take it keeps the old
    one, which still describes the run that wrote it (its digests are that run's)."""
    stored = _State(
        format=_FORMAT,
        context=state.context,
        files={
            name: _File(
                sha256=entry.sha256,
                quotes=sorted(entry.quotes),
                scopes=entry.scopes,
                kinds=state.kinds.get(name, {}),
                problems=[_row(p) for p in state.problems.get(name, [])],
            )
            for name, entry in state.files.items()
        },
        unowned=[_row(p) for p in state.problems.get("", [])],
    )
    payload = stored.model_dump_json().encode("utf-8")
    with contextlib.suppress(OSError):
        build_dir.mkdir(parents=True, exist_ok=True)
        remove_stale(build_dir, _TEMPORARY)
        signed = hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload
        write_atomic(build_dir / STATE_FILE, signed, prefix=_TEMPORARY, mode=0o600, durable=False)


def _row(problem: Problem) -> tuple[str, int, int, str]:
    return (problem.where.path, problem.where.line, problem.where.column, problem.message)


def _problem(row: tuple[str, int, int, str]) -> Problem:
    return Problem(Location(row[0], row[1], row[2]), row[3])
