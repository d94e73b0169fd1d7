"""The per-file record cache: one edited file is read again, and the result is a clean load's."""

from __future__ import annotations

import hashlib
import os
import pickle
import random
from functools import partial
from pathlib import Path

import pytest

import loaders.facts as facts_module
from bench.generate import generate
from loaders import AidgraphError, FactError, load_facts
from loaders.rdf import facts_to_ntriples
from loaders.record_cache import CACHE_DIR, RecordCache


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files the loader actually parses."""
    seen: list[str] = []
    real = facts_module._read_file

    def spy(path: Path, content: bytes | None = None):  # type: ignore[no-untyped-def]
        seen.append(path.name)
        return real(path, content)

    monkeypatch.setattr(facts_module, "_read_file", spy)
    return seen


def _triples(seeds: Path, **kwargs) -> str:  # type: ignore[no-untyped-def]
    return "".join(facts_to_ntriples(load_facts(seeds, workers=1, **kwargs)))


def test_unchanged_files_come_from_the_cache(write_seeds, tmp_path: Path, reads: list[str]) -> None:
    seeds, cache = write_seeds(), tmp_path / "build"
    clean = _triples(seeds)
    assert _triples(seeds, cache_dir=cache) == clean
    assert len(list((cache / CACHE_DIR).glob("*.pickle"))) == 2
    reads.clear()
    assert _triples(seeds, cache_dir=cache) == clean
    assert reads == []


def test_one_edited_file_is_read_again_and_the_result_is_a_clean_loads(
    write_seeds, tmp_path: Path, reads: list[str]
) -> None:
    seeds, cache = write_seeds(), tmp_path / "build"
    _triples(seeds, cache_dir=cache)
    facts = seeds / "facts.yaml"
    facts.write_text(facts.read_text(encoding="utf-8").replace("amount: 1 billion", "amount: 2 billion"), "utf-8")
    reads.clear()
    cached = _triples(seeds, cache_dir=cache)
    assert reads == ["facts.yaml"]
    assert cached == _triples(seeds)
    assert '"2000000000"' in cached


def test_an_edit_that_breaks_a_reference_is_reported_as_without_cache(write_seeds, tmp_path: Path) -> None:
    seeds, cache = write_seeds(), tmp_path / "build"
    load_facts(seeds, cache_dir=cache)
    (seeds / "sources.yaml").write_text("sources:\n  - id: s2\n    file: a.txt\n    title: T\n", "utf-8")
    with pytest.raises(FactError) as cached:
        load_facts(seeds, cache_dir=cache)
    with pytest.raises(FactError) as clean:
        load_facts(seeds)
    assert cached.value.problems == clean.value.problems
    assert "unknown source 's1'" in str(cached.value)


def test_a_file_with_problems_is_not_cached_and_reports_again(write_seeds, tmp_path: Path) -> None:
    seeds = write_seeds({"bad.yaml": "pledges:\n  - id: BAD\n"})
    cache = tmp_path / "build"
    for _ in range(2):
        with pytest.raises(FactError) as err:
            load_facts(seeds, cache_dir=cache)
        assert f"{seeds / 'bad.yaml'}:2:9: pledge 'BAD': id: id 'BAD' cannot form an IRI" in str(err.value)
    assert not (cache / CACHE_DIR).exists()  # a load that fails writes nothing, not even its good files
    (seeds / "bad.yaml").unlink()
    load_facts(seeds, cache_dir=cache)
    assert len(list((cache / CACHE_DIR).glob("*.pickle"))) == 2


def test_a_new_loader_version_or_a_damaged_entry_is_a_miss(
    write_seeds, tmp_path: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    seeds, cache = write_seeds(), tmp_path / "build"
    clean = _triples(seeds, cache_dir=cache)
    for entry in (cache / CACHE_DIR).glob("*.pickle"):
        entry.write_bytes(b"not a pickle")
    reads.clear()
    assert _triples(seeds, cache_dir=cache) == clean
    assert sorted(reads) == ["facts.yaml", "sources.yaml"]
    monkeypatch.setattr("loaders.record_cache.loader_fingerprint", lambda: "another loader")
    reads.clear()
    assert _triples(seeds, cache_dir=cache) == clean
    assert sorted(reads) == ["facts.yaml", "sources.yaml"]
    assert len(list((cache / CACHE_DIR).glob("*.pickle"))) == 2  # the old version's entries are pruned


def test_build_with_the_cache_is_byte_identical_to_a_clean_build(
    write_seeds, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What graph/build.py does once it passes its build directory as ``cache_dir``."""
    import graph.build

    seeds = write_seeds()
    cached_out, clean_out = tmp_path / "cached", tmp_path / "clean"
    with monkeypatch.context() as patch:
        patch.setattr(graph.build, "load_facts", partial(load_facts, cache_dir=cached_out))
        graph.build.build(seeds, cached_out)
        facts = seeds / "facts.yaml"
        facts.write_text(facts.read_text(encoding="utf-8").replace("label: El Salvador", "label: Salvador"), "utf-8")
        graph.build.build(seeds, cached_out)
    graph.build.build(seeds, clean_out)
    assert (cached_out / "aidgraph.ttl").read_bytes() == (clean_out / "aidgraph.ttl").read_bytes()
    assert b'"Salvador"' in (cached_out / "aidgraph.ttl").read_bytes()


def test_records_come_from_the_bytes_their_key_and_digest_were_taken_from(
    write_seeds, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file saved again while it is read is not read twice: what is kept under a file's digest
    is what those bytes say (else an edit undone later would bring back the other version's results)."""
    import hashlib

    seeds = write_seeds()
    path = seeds / "facts.yaml"
    read = path.read_bytes()
    path.write_text(path.read_text(encoding="utf-8").replace("label: Development Finance Corporation", "label: Saved later"))
    real = facts_module._bytes
    monkeypatch.setattr(facts_module, "_bytes", lambda p: read if p == path else real(p))
    facts = load_facts(seeds, cache_dir=tmp_path / "build")
    assert facts.records["dfc"].label == "Development Finance Corporation"
    assert facts.digests[str(path)] == hashlib.sha256(read).hexdigest()


class _RunsCode:
    """Unpickles as a call of ``pathlib.Path.touch``: what a hand-made entry could ask for."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (Path.touch, (self.marker,))


def _signed(pickled: bytes) -> bytes:
    """An entry as the cache writes it: the pickle's SHA-256, then the pickle."""
    return hashlib.sha256(pickled).digest() + pickled


def _hostile_entries(key: str, marker: Path) -> dict[str, bytes]:
    """Entries with the right key and digest that a loader must not take: each is a miss, not a traceback.

    Not every forged entry can be refused: pickle can still build nested tuples that take hours
    to hash (see :mod:`loaders.record_cache`); these are the ones the unpickler does refuse."""
    return {
        "runs code": _signed(pickle.dumps((key, _RunsCode(marker)))),
        "names a module function": _signed(pickle.dumps((key, facts_module.load_facts))),
        "another type of result": _signed(pickle.dumps((key, {"items": []}))),
        "a bytes object of 2**62 bytes": _signed(b"\x80\x05\x8e" + (2**62).to_bytes(8, "little") + b"x"),
        "a bytes object of 2**34 bytes": _signed(b"\x80\x05\x8e" + (2**34).to_bytes(8, "little") + b"x"),
        "truncated": _signed(pickle.dumps((key, "x" * 100))[:-20]),
        "without its digest": pickle.dumps((key, "x" * 100)),
    }


@pytest.mark.parametrize("case", sorted(_hostile_entries("", Path())))
def test_a_hand_made_entry_is_a_miss_and_runs_nothing(
    case: str, write_seeds, tmp_path: Path, reads: list[str]
) -> None:
    seeds, cache, marker = write_seeds(), tmp_path / "build", tmp_path / "marker"
    clean = _triples(seeds, cache_dir=cache)
    for path in seeds.glob("*.yaml"):
        key = RecordCache.key(path.read_bytes())
        RecordCache(cache)._entry(str(path)).write_bytes(_hostile_entries(key, marker)[case])
    reads.clear()
    assert _triples(seeds, cache_dir=cache) == clean
    assert sorted(reads) == ["facts.yaml", "sources.yaml"]
    assert not marker.exists()
    reads.clear()
    assert _triples(seeds, cache_dir=cache) == clean  # the entries written again are taken
    assert reads == []


def test_an_entry_that_is_a_fifo_or_too_large_is_a_miss(
    write_seeds, tmp_path: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    seeds, cache = write_seeds(), tmp_path / "build"
    clean = _triples(seeds, cache_dir=cache)
    fifo = RecordCache(cache)._entry(str(seeds / "facts.yaml"))
    fifo.unlink()
    os.mkfifo(fifo)  # opening it to read would wait for a writer forever
    reads.clear()
    assert _triples(seeds, cache_dir=cache) == clean
    assert reads == ["facts.yaml"]
    monkeypatch.setattr("loaders.record_cache.MAX_ENTRY_BYTES", 100)
    reads.clear()
    assert _triples(seeds, cache_dir=cache) == clean
    assert sorted(reads) == ["facts.yaml", "sources.yaml"]


def test_a_damaged_entry_is_a_miss(write_seeds, tmp_path: Path) -> None:
    """Bytes changed, cut out or put in at random (seeded): the digest before the pickle no longer
    matches, so each read is a miss, before anything is unpickled."""
    import random

    seeds, cache = write_seeds(), tmp_path / "build"
    load_facts(seeds, cache_dir=cache)
    path = seeds / "facts.yaml"
    content, records = path.read_bytes(), RecordCache(cache)
    entry = records._entry(str(path))
    digest, good = entry.read_bytes()[:32], entry.read_bytes()[32:]
    assert records.get(str(path), content, facts_module._FileResult) is not None
    rng = random.Random(18)
    for _ in range(300):
        damaged = bytearray(good)
        position = rng.randrange(len(damaged))
        edit = rng.choice(("change", "cut", "insert"))
        if edit == "change":
            damaged[position] ^= rng.randrange(1, 256)
        elif edit == "cut":
            del damaged[position : position + rng.randint(1, 40)]
        else:
            damaged[position:position] = rng.randbytes(rng.randint(1, 8))
        entry.write_bytes(digest + damaged)
        assert records.get(str(path), content, facts_module._FileResult) is None


def _rename_id(text: str, old: str, new: str) -> str:
    assert f"  - id: {old}\n" in text
    return text.replace(f"  - id: {old}\n", f"  - id: {new}\n", 1)


def _breaks(seeds: Path, rng: random.Random) -> list[tuple[str, str]]:
    """One edit that breaks references, as (file, its new text): between a cached file and an edited one."""
    entities, part = seeds / "entities.yaml", seeds / "facts" / "part-0001.yaml"
    text, facts_text = entities.read_text(encoding="utf-8"), part.read_text(encoding="utf-8")
    n = rng.randrange(20)
    kind = rng.choice(["unknown", "wrong kind", "edited file", "edited file, wrong kind"])
    if kind == "unknown":  # facts in the cached files now name an id nothing defines
        target = rng.choice([f"agency-{n:05d}", f"program-{n:05d}", f"country-{n:03d}", f"person-{n % 20:05d}"])
        return [(str(entities), _rename_id(text, target, f"{target}-gone"))]
    if kind == "wrong kind":  # an agency takes a program's id: the cached pledges' for_program names an agency
        text = _rename_id(text, f"program-{n:05d}", f"program-{n:05d}-gone")
        return [(str(entities), _rename_id(text, f"agency-{n:05d}", f"program-{n:05d}"))]
    field, value = ("pledged_by", "nobody-known") if kind == "edited file" else ("for_program", f"agency-{n:05d}")
    lines = facts_text.splitlines(keepends=True)
    at = rng.choice([i for i, line in enumerate(lines) if line.startswith(f"    {field}: ")])
    lines[at] = f"    {field}: {value}\n"
    return [(str(part), "".join(lines))]


def test_references_broken_by_another_file_are_reported_as_without_cache(tmp_path: Path) -> None:
    """The set-wide check tests each file's referenced ids with set operations and walks a file's
    facts only when one of its references does not resolve: its messages must be a clean load's."""
    seeds = generate(tmp_path / "seeds", 2000, seed=3)
    cache = tmp_path / "build"
    originals = {str(p): p.read_text(encoding="utf-8") for p in seeds.rglob("*.yaml")}
    load_facts(seeds, workers=1, cache_dir=cache)
    rng = random.Random(18)
    for _ in range(10):
        edits = _breaks(seeds, rng)
        for path, text in edits:
            Path(path).write_text(text, encoding="utf-8")
        with pytest.raises(FactError) as cached:
            load_facts(seeds, workers=1, cache_dir=cache)
        with pytest.raises(FactError) as clean:
            load_facts(seeds, workers=1)
        assert cached.value.problems == clean.value.problems, edits
        assert any(" is a " in p.message or "unknown " in p.message for p in cached.value.problems)
        for path, _ in edits:
            Path(path).write_text(originals[path], encoding="utf-8")


def test_only_a_file_with_a_broken_reference_is_walked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seeds = generate(tmp_path / "seeds", 2000, seed=3)
    walked: list[str] = []
    real = facts_module._Loader._check_references

    def spy(self, record):  # type: ignore[no-untyped-def]
        walked.append(self.facts.where[record.id].path)
        return real(self, record)

    monkeypatch.setattr(facts_module._Loader, "_check_references", spy)
    load_facts(seeds, workers=1)
    assert walked == []
    part = seeds / "facts" / "part-0001.yaml"
    part.write_text(part.read_text(encoding="utf-8").replace("pledged_by: ", "pledged_by: x", 1), "utf-8")
    with pytest.raises(FactError, match="unknown actor 'xagency|unknown actor 'xcountry"):
        load_facts(seeds, workers=1)
    assert set(walked) == {str(part)} and len(walked) == 1000


INNER_CASES = ("another file's records", "names a module function", "one fewer", "other facts, as many", "runs code", "truncated")


def _inner_records(entry: bytes, marker: Path, other: bytes) -> dict[str, bytes]:
    """Hand-made records inside an entry whose digest matches: each must be read from the file again."""
    _, result = pickle.loads(entry[32:])
    records = pickle.loads(result.pickled)
    renamed = [(record.model_copy(update={"id": f"x{record.id}"}), wheres) for record, wheres in records]
    return {
        "runs code": pickle.dumps(_RunsCode(marker)),
        "names a module function": pickle.dumps(facts_module.load_facts),
        "truncated": result.pickled[:-20],
        "another file's records": pickle.loads(other[32:])[1].pickled,
        "other facts, as many": pickle.dumps(renamed),
        "one fewer": pickle.dumps(records[:-1]),
    }


@pytest.mark.parametrize("lazy", [False, True], ids=["eager", "lazy"])
@pytest.mark.parametrize("case", INNER_CASES)
def test_hand_made_records_inside_an_entry_are_read_from_the_file_again(
    case: str, lazy: bool, write_seeds, tmp_path: Path, reads: list[str]
) -> None:
    """A file's records are unpickled apart from the rest of its entry, when first asked for; if
    they are not that file's (the entry was made by hand, digest and all), the file is read again."""
    seeds, cache, marker = write_seeds(), tmp_path / "build", tmp_path / "marker"
    clean = load_facts(seeds, workers=1)
    load_facts(seeds, workers=1, cache_dir=cache)
    facts, sources = (RecordCache(cache)._entry(str(seeds / name)) for name in ("facts.yaml", "sources.yaml"))
    key, result = pickle.loads(facts.read_bytes()[32:])
    forged = _inner_records(facts.read_bytes(), marker, sources.read_bytes())
    assert sorted(forged) == sorted(INNER_CASES)
    result.pickled = forged[case]
    facts.write_bytes(_signed(pickle.dumps((key, result))))
    reads.clear()
    loaded = load_facts(seeds, workers=1, cache_dir=cache, lazy=lazy)
    assert dict(loaded.records) == dict(clean.records) and dict(loaded.evidence) == dict(clean.evidence)
    assert reads == ["facts.yaml"] and not marker.exists()


def test_records_read_again_from_a_file_that_changed_are_refused(write_seeds, tmp_path: Path) -> None:
    seeds, cache = write_seeds(), tmp_path / "build"
    load_facts(seeds, workers=1, cache_dir=cache)
    entry = RecordCache(cache)._entry(str(seeds / "facts.yaml"))
    key, result = pickle.loads(entry.read_bytes()[32:])
    result.pickled = b"not a pickle"
    entry.write_bytes(_signed(pickle.dumps((key, result))))
    facts = load_facts(seeds, workers=1, cache_dir=cache, lazy=True)
    edit = seeds / "facts.yaml"
    edit.write_text(edit.read_text(encoding="utf-8").replace("id: dfc", "id: dfc-renamed"), encoding="utf-8")
    with pytest.raises(AidgraphError, match=r"facts\.yaml: the file changed while it was read: run again"):
        facts.records["dfc"]
