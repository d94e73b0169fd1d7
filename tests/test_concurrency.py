"""Builds and readers at the same time: builds take turns, a reader never answers from a store
its manifest does not describe, and killed builds leave nothing behind that outlives them."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import MINIMAL_FACTS, MINIMAL_SOURCES
from tests.proc import process_stats

ROOT = Path(__file__).resolve().parents[1]
AMOUNTS = "SELECT ?a WHERE { ?p <https://w3id.org/aidgraph/ontology#amount> ?a } ORDER BY ?a"


def _seeds(folder: Path, amount: str, extra: str = "") -> Path:
    folder.mkdir(parents=True)
    (folder / "sources.yaml").write_text(MINIMAL_SOURCES)
    (folder / "facts.yaml").write_text(MINIMAL_FACTS.replace("1 billion", amount) + extra)
    return folder


def _answer(store) -> list[str]:
    """A full answer of a store: its amounts and its size."""
    return [str(row["a"].value) for row in store.query(AMOUNTS)] + [str(len(store))]


def _hold(directory: Path, how: int) -> int:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(fd, how)
    return fd


def test_error_a_second_build_waits_then_fails_with_one_line(tmp_path: Path) -> None:
    from graph.build import BuildBusyError, build

    seeds = _seeds(tmp_path / "seeds", "1 billion")
    out = tmp_path / "out"
    out.mkdir()
    other = _hold(out, fcntl.LOCK_EX)  # another build holds the directory
    try:
        started = time.monotonic()
        with pytest.raises(BuildBusyError) as busy:
            build(seeds, out, wait=0.3)
        assert time.monotonic() - started >= 0.3
        assert str(busy.value) == f"another build is writing {out} (waited 0.3 s): try again when it has finished"
        assert sorted(p.name for p in out.iterdir()) == []  # nothing written, no lock file left
    finally:
        os.close(other)


def test_a_waiting_build_runs_once_the_other_has_finished(tmp_path: Path) -> None:
    from graph.build import build

    seeds = _seeds(tmp_path / "seeds", "1 billion")
    out = tmp_path / "out"
    out.mkdir()
    other = _hold(out, fcntl.LOCK_EX)
    threading.Timer(0.5, os.close, [other]).start()
    result = build(seeds, out, wait=30)
    assert _answer(result.store)[0] == "1000000000"


def test_error_facts_edited_during_a_build_are_not_swapped_in(tmp_path: Path, monkeypatch) -> None:
    import graph.build
    from loaders.errors import AidgraphError

    seeds = _seeds(tmp_path / "seeds", "1 billion")
    out = tmp_path / "out"
    real = graph.build.load_facts

    def edited_meanwhile(*args, **kwargs):
        read = real(*args, **kwargs)
        facts = seeds / "facts.yaml"
        facts.write_text(facts.read_text().replace("1 billion", "2 billion"))
        return read

    monkeypatch.setattr(graph.build, "load_facts", edited_meanwhile)
    with pytest.raises(AidgraphError) as changed:
        graph.build.build(seeds, out)
    assert str(changed.value) == f"the fact files changed while {out} was built: build again"
    # no store whose manifest would not match; the record cache holds the facts as they were read
    assert sorted(p.name for p in out.iterdir()) == ["records"]


def test_a_pinned_reader_keeps_answering_from_the_store_it_checked(tmp_path: Path) -> None:
    import pyoxigraph as ox

    from graph.build import build
    from graph.cache import pin_current_store

    one = _seeds(tmp_path / "one", "1 billion")
    two = _seeds(tmp_path / "two", "2 billion")
    out = tmp_path / "out"
    build(one, out)
    pinned = pin_current_store(one, out)
    assert pinned is not None
    assert pin_current_store(two, out) is None  # the manifest is of the other seeds
    build(two, out)  # swaps in another store while the reader holds the first
    assert _answer(ox.Store.read_only(pinned))[0] == "1000000000"
    fresh = pin_current_store(two, out)
    assert fresh is not None and _answer(ox.Store.read_only(fresh))[0] == "2000000000"
    assert [p.name for p in out.iterdir() if p.name.startswith(".old-")]  # kept while read


def test_debris_of_killed_builds_goes_at_the_next_build_unless_read(tmp_path: Path) -> None:
    from graph.build import build

    seeds = _seeds(tmp_path / "seeds", "1 billion")
    out = tmp_path / "out"
    for folder in (".oxigraph-killed/", ".old-unread/oxigraph/", ".old-read/oxigraph/"):
        (out / folder).mkdir(parents=True)
        (out / folder / "000001.sst").write_bytes(b"\0" * 1000)
    for name in (".aidgraph.ttl.x1.tmp", ".manifest.json.x2.tmp", ".aidgraph.html.x3.tmp"):
        (out / name).write_bytes(b"partial")
    reader = _hold(out / ".old-read" / "oxigraph", fcntl.LOCK_SH)
    try:
        build(seeds, out)
    finally:
        os.close(reader)
    left = sorted(p.name for p in out.iterdir())
    # another command's half-written page is not the build's to remove
    assert left == [".aidgraph.html.x3.tmp", ".old-read", "aidgraph.ttl", "manifest.json", "oxigraph", "records"]


def _children(pid: int) -> set[int]:
    return {child for child, fields in process_stats() if int(fields[1]) == pid}


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to find the workers")
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_a_killed_build_leaves_no_worker_and_its_staging_goes(tmp_path: Path, how: int) -> None:
    seeds = _seeds(tmp_path / "seeds", "1 billion")
    entry = "  - {{id: big{f}-{i}, label: Pledge {i}, pledged_by: dfc, amount: {i}, evidence: [x]}}\n"
    for f in range(2):  # 2 × 2.5 MB: read by parallel workers
        with (seeds / f"big{f}.yaml").open("w") as stream:
            stream.write("source: s1\npledges:\n")
            stream.writelines(entry.format(f=f, i=i) for i in range(30_000))
    out = tmp_path / "out"
    build = subprocess.Popen(
        [sys.executable, "-m", "graph", "build", "-q", "--seeds", str(seeds), "--build-dir", str(out)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while len(workers) < 2 and time.monotonic() < deadline and build.poll() is None:
        workers |= _children(build.pid)
        time.sleep(0.05)
    assert len(workers) >= 2, "the build finished before its workers were seen"
    assert [p for p in out.iterdir() if p.name.startswith(".oxigraph-")]  # the staging store, mid-build
    build.send_signal(how)
    assert build.wait(timeout=60) == (-signal.SIGKILL if how == signal.SIGKILL else 128 + signal.SIGTERM)
    staged = [p for p in out.iterdir() if p.name.startswith(".oxigraph-")]
    assert bool(staged) == (how == signal.SIGKILL)  # a terminated build cleans up itself
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    survivors = [pid for pid in workers if _alive(pid)]
    for pid in survivors:  # do not leave them running when the test fails
        os.kill(pid, signal.SIGKILL)
    assert not survivors, "workers outlived the killed build"
    (seeds / "big0.yaml").unlink()
    (seeds / "big1.yaml").unlink()
    subprocess.run(
        [sys.executable, "-m", "graph", "build", "-q", "--seeds", str(seeds), "--build-dir", str(out)], cwd=ROOT, check=True
    )
    assert not [p for p in out.iterdir() if p.name.startswith(".oxigraph-")]


_BUILDER = """
import subprocess, sys, time
seeds, out, until = sys.argv[1], sys.argv[2], float(sys.argv[3])
codes = []
while time.time() < until:
    done = subprocess.run([sys.executable, "-m", "graph", "build", "-q", "--seeds", seeds, "--build-dir", out],
                          capture_output=True, text=True)
    codes.append(done.returncode)
    if done.returncode or done.stderr.strip():
        print(repr(done.stderr), file=sys.stderr)
print(len(codes))
sys.exit(max(codes, default=1))
"""

_READER = """
import json, sys, time
from pathlib import Path
import pyoxigraph as ox
from graph.cache import pin_current_store
seeds = {name: Path(path) for name, path in json.loads(sys.argv[1]).items()}
out, expected, until = Path(sys.argv[2]), json.loads(sys.argv[3]), float(sys.argv[4])
query = sys.argv[5]
hits, wrong = 0, []
while time.time() < until:
    for name, folder in seeds.items():
        pinned = pin_current_store(folder, out)
        if pinned is None:
            continue
        store = ox.Store.read_only(pinned)
        answer = [str(row["a"].value) for row in store.query(query)] + [str(len(store))]
        hits += 1
        if answer != expected[name]:
            wrong.append([name, answer])
print(json.dumps({"hits": hits, "wrong": wrong}))
"""


@pytest.mark.slow
def test_concurrent_builds_and_readers_never_mismatch(tmp_path: Path) -> None:
    from graph.build import build_store

    seeds = {
        "one": _seeds(tmp_path / "one", "1 billion"),
        "two": _seeds(tmp_path / "two", "2 billion", "  - id: sv-2\n    label: More\n    pledged_by: dfc\n"
                      "    recipient: sv\n    amount: 3 billion\n    evidence: [pledged $1 billion to El Salvador]\n"),
    }
    expected = {name: _answer(build_store(folder)[0]) for name, folder in seeds.items()}
    assert expected["one"] != expected["two"]
    out = tmp_path / "out"
    until = time.time() + 25
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    builders = [
        subprocess.Popen(
            [sys.executable, "-c", _BUILDER, str(folder), str(out), str(until)],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for folder in seeds.values()
    ]
    readers = [
        subprocess.Popen(
            [sys.executable, "-c", _READER, json.dumps({k: str(v) for k, v in seeds.items()}), str(out),
             json.dumps(expected), str(until), AMOUNTS],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for _ in range(2)
    ]
    builds = 0
    for builder in builders:
        stdout, stderr = builder.communicate(timeout=180)
        assert builder.returncode == 0 and not stderr, stderr
        builds += int(stdout)
    hits = 0
    for reader in readers:
        stdout, stderr = reader.communicate(timeout=60)
        assert reader.returncode == 0, stderr
        report = json.loads(stdout)
        assert report["wrong"] == []
        hits += report["hits"]
    assert builds >= 6 and hits >= 10, (builds, hits)  # the race was really run


@pytest.mark.parametrize("where", ["file/out", "/proc/aidgraph-out"], ids=["parent-is-a-file", "proc"])
def test_error_an_output_directory_that_cannot_be_made_is_one_line(tmp_path: Path, where: str) -> None:
    from click.testing import CliRunner

    from graph.cli import cli

    seeds = _seeds(tmp_path / "seeds", "1 billion")
    (tmp_path / "file").write_text("not a directory")
    out = tmp_path / where if not where.startswith("/") else Path(where)
    result = CliRunner().invoke(cli, ["build", "-q", "--seeds", str(seeds), "--build-dir", str(out)])
    assert result.exit_code == 1
    reason = "Not a directory" if where.startswith("file") else "No such file or directory"
    assert result.stderr.splitlines() == [f"Error: cannot build into {out}: {reason}"]
