"""Adversarial input: every bad fact file gives one clear error at its line, quickly, in bounded
memory, and leaves the previous build untouched; fuzzed fact sets build or fail cleanly."""

from __future__ import annotations

import hashlib
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import MINIMAL_FACTS, MINIMAL_SOURCES

BAD = Path(__file__).resolve().parent / "bad_facts"
HEADER = re.compile(r"^\ufeff?# expect: (?P<where>\d+:\d+|): (?P<fragment>.+)$")
MEMORY_LIMIT = 2 * 1024**3


def expectation(path: Path) -> tuple[str, str]:
    """(line:column or '', message fragment) from the file's first-line header."""
    first = path.read_bytes().split(b"\n", 1)[0].decode("utf-8", "replace")
    match = HEADER.match(first)
    if match is None:  # a file too broken to carry a header: the empty file
        return "", "file is empty"
    return match["where"], match["fragment"]


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


@pytest.fixture(scope="module")
def previous_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A good seeds directory and its build, to prove a failed build leaves it as it was."""
    root = tmp_path_factory.mktemp("hardening")
    seeds = root / "good"
    seeds.mkdir()
    (seeds / "sources.yaml").write_text(MINIMAL_SOURCES)
    (seeds / "facts.yaml").write_text(MINIMAL_FACTS)
    out = root / "build"
    subprocess.run([sys.executable, "-m", "graph", "build", "--seeds", str(seeds), "--out", str(out)], check=True)
    return out, _digests(out)


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()
    }


def test_there_are_at_least_thirty_bad_files() -> None:
    assert len(list(BAD.glob("*.yaml"))) >= 30


def _run_bad(seeds: Path, out: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "graph", "build", "--seeds", str(seeds), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=30,
        preexec_fn=_limit_memory,
        check=False,
    )
    return done, time.monotonic() - started


@pytest.mark.parametrize("bad", sorted(BAD.glob("*.yaml")), ids=lambda p: p.stem)
def test_error_bad_fact_file(bad: Path, tmp_path: Path, previous_build) -> None:
    out, before = previous_build
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "sources.yaml").write_text(MINIMAL_SOURCES)
    (seeds / "facts.yaml").write_text(MINIMAL_FACTS)
    target = seeds / "new" / bad.name  # read after the good files, as a new article's would be
    target.parent.mkdir()
    target.write_bytes(bad.read_bytes())
    done, seconds = _run_bad(seeds, out)
    where, fragment = expectation(bad)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    prefix = f"{target}:{where}: " if where else f"{target}: "
    lines = done.stderr.splitlines()
    assert any(line.startswith(prefix) and fragment in line for line in lines), (prefix, fragment, lines)
    assert lines[-1].startswith("Error: ") and lines[-1].endswith("nothing was written")
    assert seconds < 10
    assert _digests(out) == before


def test_error_fifty_megabyte_file(tmp_path: Path, previous_build) -> None:
    out, before = previous_build
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "sources.yaml").write_text(MINIMAL_SOURCES)
    huge = seeds / "huge.yaml"
    with huge.open("w") as stream:
        stream.write("pledges:\n")
        line = "  - {id: p, label: x, pledged_by: dfc, amount: 5, evidence: [quote]}\n"
        for _ in range(50 * 2**20 // len(line) + 1):
            stream.write(line)
    done, seconds = _run_bad(seeds, out)
    assert done.returncode == 1
    assert f"{huge}: file is 50.0 MiB; fact files must be under 16 MiB (split it)" in done.stderr
    assert seconds < 10
    assert _digests(out) == before


def test_error_build_interrupted_while_writing_leaves_earlier_outputs(tmp_path: Path, write_seeds, monkeypatch) -> None:
    import graph.build
    from graph.build import build

    seeds = write_seeds()
    out = tmp_path / "out"
    build(seeds, out)
    before = _digests(out)
    (seeds / "facts.yaml").write_text((seeds / "facts.yaml").read_text().replace("1 billion", "2 billion"))

    def fail_midway(path: Path, data: bytes) -> None:
        path.with_name(path.name + ".partial").write_bytes(data[: len(data) // 2])
        raise OSError("disk full")

    monkeypatch.setattr(graph.build, "write_atomic", fail_midway)
    with pytest.raises(OSError, match="disk full"):
        build(seeds, out)
    after = {k: v for k, v in _digests(out).items() if not k.endswith(".partial")}
    assert after == {k: v for k, v in before.items() if k != "manifest.json"}
    assert not (out / "manifest.json").exists()  # the build is not current: nothing stale is reused
    assert not [p for p in out.iterdir() if p.name.startswith(".oxigraph-")]  # the staging store is gone
