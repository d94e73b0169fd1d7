"""A build after an edit rewrites only what the edit can change, and equals a clean build byte for byte.

Each test edits a copy of the project's seeds, builds the same directory again (which updates the
previous build) and builds a fresh directory from the same seeds, then compares every output:
the Turtle file, the manifest (but for the store's id), the build index and the store's triples.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from graph.background import InBackground
from graph.build import build
from graph.cache import GRAPH_FILE, MANIFEST_FILE, STORE_DIR
from graph.increment import INDEX_FILE, copy_previous
from graph.summary import pledge_money, summarize
from loaders import load_facts
from loaders.changes import quotes_by_file
from tests.conftest import edit_seed

ROOT = Path(__file__).resolve().parents[1]
FACTS = "facts/us-billions-southern-mexico-2018.yaml"
PLACES = "entities/places.yaml"
EXAMINER = "facts/examiner-amlo-visit-2020.yaml"
REUTERS = "facts/reuters-kelly-mexico-2017.yaml"
RELABEL = ("label: Mexican development plan for southern Mexico and Central America", "label: A development plan for southern Mexico")


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    copy = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", copy)
    return copy


def _outputs(out: Path) -> dict[str, object]:
    manifest = json.loads((out / MANIFEST_FILE).read_text())
    manifest.pop("store_id")
    store = ox.Store.read_only(str(out / STORE_DIR))
    triples = sorted(str(quad.triple) for quad in store)
    return {
        "turtle": (out / GRAPH_FILE).read_bytes(),
        "manifest": manifest,
        "index": (out / STORE_DIR / INDEX_FILE).read_bytes(),
        "triples": triples,
    }


def _children_recorded(monkeypatch: pytest.MonkeyPatch, work: Callable[..., Any]) -> list[bool]:
    """For each answer the build asks of ``work`` in the background: whether a child gave it."""
    from_child: list[bool] = []

    class Recorded(InBackground):  # type: ignore[type-arg]
        def result(self) -> Any:
            answer = super().result()
            if self._work.func is work:  # type: ignore[attr-defined]
                from_child.append(self.from_child)
            return answer

    monkeypatch.setattr("graph.build.InBackground", Recorded)
    return from_child


def _rebuilt_and_clean(
    seeds: Path, tmp_path: Path, edit: Callable[[], object], corpus: Path | None = None
) -> tuple[list[str] | None, dict[str, object], dict[str, object]]:
    """Build, edit, build again into the same directory and into a new one: what was rewritten, both outputs."""
    out = tmp_path / "out"
    assert build(seeds, out, corpus).rewritten is None  # the first build is a clean one
    edit()
    rewritten = build(seeds, out, corpus).rewritten
    return rewritten, _outputs(out), _outputs(build(seeds, tmp_path / "clean", corpus).graph_path.parent)


def _seed_file(seeds: Path, name: str) -> str:
    return str(seeds / name)


def test_an_edit_to_one_fact_rewrites_its_file_alone(seeds: Path, tmp_path: Path) -> None:
    edit = partial(edit_seed, seeds, FACTS, *RELABEL)
    rewritten, updated, clean = _rebuilt_and_clean(seeds, tmp_path, edit)
    assert rewritten == [_seed_file(seeds, FACTS)]
    assert updated == clean
    assert b"A development plan for southern Mexico" in updated["turtle"]  # type: ignore[operator]


def test_an_edit_with_the_corpus_keeps_every_quote_position(seeds: Path, tmp_path: Path, corpus_dir: Path) -> None:
    edit = partial(edit_seed, seeds, FACTS, *RELABEL)
    rewritten, updated, clean = _rebuilt_and_clean(seeds, tmp_path, edit, corpus_dir)
    assert rewritten == [_seed_file(seeds, FACTS)]
    assert updated == clean
    assert b"oa:start" in updated["turtle"]  # type: ignore[operator]


def test_a_place_moved_rewrites_the_files_whose_scopes_it_changes(seeds: Path, tmp_path: Path) -> None:
    """Whether southern Mexico is in Mexico decides the scope of pledges defined in another file."""
    edit = partial(edit_seed, seeds, PLACES, "aliases: [South Mexico]\n    within: mx\n", "aliases: [South Mexico]\n")
    rewritten, updated, clean = _rebuilt_and_clean(seeds, tmp_path, edit)
    assert rewritten == sorted([_seed_file(seeds, PLACES), _seed_file(seeds, FACTS)])
    assert updated == clean
    domestic = "<https://w3id.org/aidgraph/id/mexico-southern-development-30bn> <https://w3id.org/aidgraph/ontology#scope> <https://w3id.org/aidgraph/ontology#Domestic>"
    assert domestic not in updated["triples"]  # no longer derived: the place is in no country


def test_successive_edits_each_equal_a_clean_build(seeds: Path, tmp_path: Path) -> None:
    """Each update starts from the previous update's store, whose last writes must all be there."""
    out = tmp_path / "out"
    build(seeds, out)
    label = RELABEL[0]
    for n in range(3):
        edit_seed(seeds, FACTS, label, f"label: Development plan, edit {n}")
        label = f"label: Development plan, edit {n}"
        assert build(seeds, out).rewritten == [_seed_file(seeds, FACTS)]
        assert _outputs(out) == _outputs(build(seeds, tmp_path / f"clean-{n}").graph_path.parent), n


MENTION = (
    "mentions:\n  - about: remain-in-mexico\n"
    "    quote: that would not be possible without the help of President Lopez Obrador with the Migrant Protection plan\n"
)


ADDED = "  - about: alliance-for-prosperity-funding\n    quote: the help of President\n"


@pytest.mark.parametrize(
    ("old", "new", "quoted"),
    [
        pytest.param(MENTION, MENTION.replace(" with the Migrant Protection plan", ""), [FACTS], id="quote shortened"),
        pytest.param(MENTION, "", [FACTS], id="mention removed"),
        pytest.param(MENTION, MENTION + ADDED, [FACTS, REUTERS], id="mention added"),
    ],
)
def test_a_mention_rewrites_the_files_defining_the_facts_it_quotes(
    seeds: Path, tmp_path: Path, old: str, new: str, quoted: list[str]
) -> None:
    rewritten, updated, clean = _rebuilt_and_clean(seeds, tmp_path, partial(edit_seed, seeds, EXAMINER, old, new))
    assert rewritten == sorted(_seed_file(seeds, name) for name in [EXAMINER, *quoted])
    assert updated == clean


def test_a_file_added_or_removed_is_a_part_added_or_removed(seeds: Path, tmp_path: Path) -> None:
    added = seeds / "facts" / "a-new-article.yaml"
    add = partial(
        added.write_text,
        "organizations:\n  - id: a-new-group\n    label: A new group\n    based_in: us\n    evidence:\n"
        "      - source: examiner-amlo-visit-2020\n        quote: the Migration Policy Institute\n",
        encoding="utf-8",
    )
    rewritten, updated, clean = _rebuilt_and_clean(seeds, tmp_path, add)
    assert rewritten == [str(added)]
    assert updated == clean
    out = tmp_path / "out"
    added.unlink()
    assert build(seeds, out).rewritten == []
    assert _outputs(out) == _outputs(build(seeds, tmp_path / "clean-again").graph_path.parent)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda out: (out / GRAPH_FILE).write_bytes(b"# edited by hand\n"), id="turtle file edited"),
        pytest.param(lambda out: (out / GRAPH_FILE).unlink(), id="turtle file removed"),
        pytest.param(lambda out: _flip_last_byte(out / GRAPH_FILE), id="turtle file edited, same size"),
        pytest.param(lambda out: (out / STORE_DIR / INDEX_FILE).write_text("{"), id="index damaged"),
        pytest.param(lambda out: (out / STORE_DIR / INDEX_FILE).write_text('{"files": 3}'), id="index of another shape"),
        pytest.param(lambda out: (out / STORE_DIR / INDEX_FILE).unlink(), id="index removed"),
        pytest.param(lambda out: _shift_a_part(out / STORE_DIR / INDEX_FILE), id="parts that overlap"),
        pytest.param(lambda out: _set_prologue(out / STORE_DIR / INDEX_FILE, "Infinity"), id="index with Infinity"),
        pytest.param(lambda out: (out / STORE_DIR / INDEX_FILE).write_text("[" * 200_000), id="index nested deeply"),
        pytest.param(lambda out: _set_counts(out / STORE_DIR / INDEX_FILE, {"triples": -1, "classes": {}}), id="negative counts"),
        pytest.param(lambda out: _set_counts(out / STORE_DIR / INDEX_FILE, {"triples": 9, "classes": {"Pledge": "9"}}), id="counts as text"),
        pytest.param(lambda out: _set_counts(out / STORE_DIR / INDEX_FILE, {"triples": True, "classes": {}}), id="counts as true"),
        pytest.param(lambda out: (out / STORE_DIR / "CURRENT").unlink(), id="store damaged"),
        pytest.param(lambda out: (out / STORE_DIR / "CURRENT").write_text("garbage\n"), id="store corrupted"),
        pytest.param(lambda out: ((out / GRAPH_FILE).unlink(), (out / STORE_DIR / "CURRENT").write_text("garbage\n")), id="turtle file removed, store corrupted"),
    ],
)
def test_a_previous_build_that_does_not_check_out_gives_a_clean_build(
    seeds: Path, tmp_path: Path, damage: Callable[[Path], object]
) -> None:
    out = tmp_path / "out"
    build(seeds, out)
    damage(out)
    edit_seed(seeds, FACTS, *RELABEL)
    assert build(seeds, out).rewritten is None
    assert _outputs(out) == _outputs(build(seeds, tmp_path / "clean").graph_path.parent)


def _flip_last_byte(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[:-1] + (b" " if data[-1:] != b" " else b"\n"))


def _set_prologue(index: Path, value: str) -> None:
    data = json.loads(index.read_text())
    data["prologue"] = "PROLOGUE"
    index.write_text(json.dumps(data).replace('"PROLOGUE"', value))


def test_kept_counts_that_disagree_with_the_store_give_a_clean_build(seeds: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(seeds, out)
    index = out / STORE_DIR / INDEX_FILE
    kept = json.loads(index.read_text())["counts"]
    _set_counts(index, {**kept, "triples": kept["triples"] + 7})  # well formed, but not the store's
    edit_seed(seeds, FACTS, *RELABEL)
    assert build(seeds, out).rewritten is None
    assert _outputs(out) == _outputs(build(seeds, tmp_path / "clean").graph_path.parent)


@pytest.mark.parametrize("fork_at", [0, 10**12], ids=["counted in a child", "counted here"])
def test_a_store_changed_since_its_build_gives_a_clean_build(
    seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fork_at: int
) -> None:
    """A triple put into the store behind the builds' back would stay in a patched copy of it."""
    from_child = _children_recorded(monkeypatch, copy_previous)
    monkeypatch.setattr("graph.build.FORK_COUNT_AT", fork_at)
    out = tmp_path / "out"
    del build(seeds, out).store  # closed, so that it can be opened for writing
    store = ox.Store(str(out / STORE_DIR))
    store.add(ox.Quad(ox.NamedNode("urn:by-hand"), ox.NamedNode("urn:note"), ox.Literal("not from the facts")))
    store.flush()
    del store
    edit_seed(seeds, FACTS, *RELABEL)
    assert build(seeds, out).rewritten is None
    assert _outputs(out) == _outputs(build(seeds, tmp_path / "clean").graph_path.parent)
    assert from_child == [fork_at == 0]  # the child's count, not the parent's redoing it


@pytest.mark.parametrize("fork_at", [0, 10**12], ids=["copied in a child", "copied here"])
def test_a_write_to_the_store_while_the_facts_are_read_is_not_in_the_update(
    seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fork_at: int
) -> None:
    """The update patches the copy it counted: one taken before the write, or one that counts it."""
    import graph.build

    monkeypatch.setattr("graph.build.FORK_COUNT_AT", fork_at)
    out = tmp_path / "out"
    del build(seeds, out).store
    read_facts = graph.build._read_facts

    def written_meanwhile(*args: Any, **kwargs: Any) -> Any:
        store = ox.Store(str(out / STORE_DIR))
        store.add(ox.Quad(ox.NamedNode("urn:by-hand"), ox.NamedNode("urn:note"), ox.Literal("written meanwhile")))
        store.flush()
        del store
        return read_facts(*args, **kwargs)

    monkeypatch.setattr(graph.build, "_read_facts", written_meanwhile)
    edit_seed(seeds, FACTS, *RELABEL)
    build(seeds, out)
    monkeypatch.undo()
    assert _outputs(out) == _outputs(build(seeds, tmp_path / "clean").graph_path.parent)


@pytest.mark.parametrize("error", [OSError(28, "No space left on device"), RuntimeError("Corruption: block checksum mismatch")])
def test_a_patch_that_fails_gives_a_clean_build(
    seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    """A copy that cannot be written, or turns out corrupted as it is patched, is built afresh."""
    import graph.build

    out = tmp_path / "out"
    build(seeds, out)
    patch = graph.build.patch_store

    def failing(store_dir: Path, *args: Any) -> Any:
        store, _ = patch(store_dir, *args)  # the copy patched, then the failure
        del store
        raise error

    monkeypatch.setattr(graph.build, "patch_store", failing)
    edit_seed(seeds, FACTS, *RELABEL)
    assert build(seeds, out).rewritten is None
    monkeypatch.undo()
    assert _outputs(out) == _outputs(build(seeds, tmp_path / "clean").graph_path.parent)


def _set_counts(index: Path, counts: object) -> None:
    data = json.loads(index.read_text())
    data["counts"] = counts
    index.write_text(json.dumps(data))


def _shift_a_part(index: Path) -> None:
    data = json.loads(index.read_text())
    part = next(iter(data["files"].values()))
    part["span"] = [part["span"][0] + 1, part["span"][1]]
    index.write_text(json.dumps(data))


def test_a_changed_source_or_corpus_gives_a_clean_build(seeds: Path, tmp_path: Path, corpus_dir: Path) -> None:
    out = tmp_path / "out"
    build(seeds, out)
    assert build(seeds, out, corpus_dir).rewritten is None  # the quotes' positions are new
    assert build(seeds, out, corpus_dir).rewritten == []  # nothing changed: every part is copied
    text = (seeds / "sources.yaml").read_text(encoding="utf-8")
    (seeds / "sources.yaml").write_text(text.replace("title: ", "title: The ", 1), encoding="utf-8")
    assert build(seeds, out, corpus_dir).rewritten is None
    assert _outputs(out) == _outputs(build(seeds, tmp_path / "clean", corpus_dir).graph_path.parent)


def test_a_failed_update_leaves_the_previous_build(seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import graph.build

    out = tmp_path / "out"
    build(seeds, out)
    before = _outputs(out)
    edit_seed(seeds, FACTS, *RELABEL)

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(graph.build, "patch_store", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(seeds, out)
    assert _outputs(out) == before
    assert sorted(p.name for p in out.iterdir()) == [GRAPH_FILE, MANIFEST_FILE, STORE_DIR, "records"]


@pytest.mark.parametrize("fork_at", [0, 10**9], ids=["totalled in a child", "totalled here"])
def test_the_builds_summary_is_the_one_read_from_its_graph(
    seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fork_at: int
) -> None:
    """Clean or updated, with its money totalled beside the writes or after them: the graph's own figures."""
    from_child = _children_recorded(monkeypatch, pledge_money)
    monkeypatch.setattr("graph.build.FORK_SUMMARY_AT", fork_at)
    out = tmp_path / "out"
    first = build(seeds, out)
    assert first.summary == summarize(first.store)
    edit_seed(seeds, PLACES, "aliases: [South Mexico]\n    within: mx\n", "aliases: [South Mexico]\n")
    updated = build(seeds, out)
    assert updated.rewritten is not None
    assert updated.summary == summarize(updated.store) != first.summary  # a pledge's scope is unknown now
    assert from_child == [fork_at == 0] * 2  # the child's answer, not the parent's redoing it


def test_the_files_quoting_facts_elsewhere_are_those_the_evidence_shows(seeds: Path) -> None:
    """``quotes_by_file`` from the loader's note of mentions equals a scan of every quote."""
    edit_seed(seeds, EXAMINER, MENTION, MENTION + ADDED)  # two facts of two other files
    facts = load_facts(seeds)
    scanned: dict[str, set[str]] = {file: set() for file in facts.files}
    for fact_id, quotes in facts.evidence.items():
        for quote in quotes:
            if quote.where.path != facts.where[fact_id].path:
                scanned[quote.where.path].add(fact_id)
    assert quotes_by_file(facts) == scanned
    assert sum(map(len, scanned.values())) == 2


def test_a_file_read_only_at_a_second_try_is_rewritten_by_the_next_build(
    seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The loader keeps no digest for it (its first read failed): the index says so, and the next build redoes it."""
    import loaders.facts

    out = tmp_path / "out"
    build(seeds, out)
    real = loaders.facts._bytes
    failed: list[Path] = []

    def first_read_fails(path: Path) -> bytes | None:
        if path.name == "places.yaml" and not failed:
            failed.append(path)
            return None
        return real(path)

    with monkeypatch.context() as patch:
        patch.setattr(loaders.facts, "_bytes", first_read_fails)
        build(seeds, out)
    assert failed
    assert build(seeds, out).rewritten == [_seed_file(seeds, PLACES)]
    assert _outputs(out) == _outputs(build(seeds, tmp_path / "clean").graph_path.parent)
