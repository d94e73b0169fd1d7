"""Files the loader keeps in a build directory: written whole, and what killed writers left removed."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from loaders import load_facts
from loaders.atomic import STALE_SECONDS, remove_stale, write_atomic
from loaders.check import check_all
from loaders.record_cache import CACHE_DIR


def _left_by_a_killed_writer(path: Path, age: float = STALE_SECONDS + 60) -> Path:
    path.write_bytes(b"half a state")
    past = time.time() - age
    os.utime(path, (past, past))
    return path


def test_a_write_leaves_the_file_alone_and_a_failed_one_leaves_nothing(tmp_path: Path) -> None:
    write_atomic(tmp_path / "state.json", b"one", prefix=".tmp-state-")
    write_atomic(tmp_path / "state.json", b"two", prefix=".tmp-state-")
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]
    assert (tmp_path / "state.json").read_bytes() == b"two"
    (tmp_path / "taken").mkdir()
    with pytest.raises(OSError):
        write_atomic(tmp_path / "taken", b"three", prefix=".tmp-taken-")  # a directory is in the way
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json", "taken"]


def test_an_output_is_synced_before_its_rename_and_a_cache_entry_is_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (events.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(os, "replace", lambda a, b: (events.append(f"replace {Path(b).name}"), real_replace(a, b))[1])
    write_atomic(tmp_path / "deep" / "aidgraph.ttl", b"kept")
    write_atomic(tmp_path / "entry.pickle", b"cache", prefix=".tmp-record-", mode=0o600, durable=False)
    assert events == ["fsync", "replace aidgraph.ttl", "replace entry.pickle"]
    assert (tmp_path / "deep" / "aidgraph.ttl").read_bytes() == b"kept"
    modes = {p.name: oct(p.stat().st_mode & 0o777) for p in tmp_path.rglob("*") if p.is_file()}
    assert modes == {"aidgraph.ttl": "0o644", "entry.pickle": "0o600"}


def test_only_old_temporary_files_of_the_prefix_are_removed(tmp_path: Path) -> None:
    stale = _left_by_a_killed_writer(tmp_path / ".tmp-state-abc")
    writing = _left_by_a_killed_writer(tmp_path / ".tmp-state-def", age=5)  # another writer's, now
    other = _left_by_a_killed_writer(tmp_path / "notes.txt")
    link = tmp_path / ".tmp-state-link"
    link.symlink_to(other)
    os.utime(link, (0, 0), follow_symlinks=False)  # an old link to an old file: not a temporary file
    remove_stale(tmp_path, ".tmp-state-")
    assert not stale.exists()
    assert writing.exists() and other.exists() and link.is_symlink()
    remove_stale(tmp_path / "missing", ".tmp-state-")  # nothing to clean is not an error


def test_a_load_and_a_check_remove_what_killed_ones_left(write_seeds, tmp_path: Path) -> None:
    seeds, build = write_seeds(), tmp_path / "build"
    load_facts(seeds, cache_dir=build)
    entry = _left_by_a_killed_writer(build / CACHE_DIR / ".tmp-record-0123abcd")
    state = _left_by_a_killed_writer(build / ".tmp-check-shapes-0123abcd")
    fresh = _left_by_a_killed_writer(build / ".tmp-check-shapes-4567ef", age=1)
    assert not check_all(seeds, cache_dir=build).problems
    assert not entry.exists() and not state.exists()
    assert fresh.exists()
    assert (build / "check-shapes.json").is_file()
