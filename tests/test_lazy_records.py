"""Loaded lazy (as ``check`` loads), a cached file's records are unpickled only when asked for,
and the facts are exactly an eager load's."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

import loaders.facts as facts_module
from bench.generate import generate
from graph.build import build
from loaders import FactError, load_facts
from loaders.check import check_all
from loaders.facts import FactSet
from ontology import shapes_path
from tests.test_increment import _outputs

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
LABELS_WITHOUT_BANG = """
@prefix ag: <https://w3id.org/aidgraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
<urn:test:pledge-labels> sh:targetClass ag:Pledge ; sh:property [ sh:path rdfs:label ; sh:pattern "^[^!]" ] .
"""


def _snapshot(facts: FactSet) -> dict[str, Any]:
    """Everything a load gives, in the order it gives it."""
    return {
        "records": [(fact_id, type(record).__name__, record.model_dump()) for fact_id, record in facts.records.items()],
        "evidence": list(facts.evidence.items()),
        "quotes": facts.quote_count(),
        "where": list(facts.where.items()),
        "sources": list(facts.sources.items()),
        "source_where": list(facts.source_where.items()),
        "files": facts.files,
        "scopes": list(facts.scopes.items()),
        "inferences": facts.inferences,
        "waivers": facts.waivers,
        "mentioned": facts.mentioned,
        "digests": facts.digests,
    }


@pytest.fixture
def unpickled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The fact files whose cached records were unpickled."""
    seen: list[str] = []
    real = facts_module._FileResult.fact_records

    def spy(self):  # type: ignore[no-untyped-def]
        if self.pickled is not None:
            seen.append(Path(self.file).name)
        return real(self)

    monkeypatch.setattr(facts_module._FileResult, "fact_records", spy)
    return seen


@pytest.mark.parametrize("which", ["bundled", "generated"])
def test_a_lazy_load_gives_an_eager_loads_facts(tmp_path: Path, which: str) -> None:
    """The bundled seeds have mentions across files, default sources, inferred fields, overlaps
    and parts of pledges; the generated set has many files."""
    seeds = tmp_path / "seeds"
    if which == "bundled":
        shutil.copytree(SEEDS, seeds)
    else:
        generate(seeds, 3000, seed=5)
    cache = tmp_path / "build"
    loaded = load_facts(seeds, workers=1, cache_dir=cache)
    eager = _snapshot(loaded)
    assert eager["quotes"] == sum(len(quotes) for _, quotes in eager["evidence"])
    assert all(quote.source in loaded.sources for _, quotes in eager["evidence"] for quote in quotes)
    for path in seeds.rglob("*.yaml"):  # each mention's quote is in its fact's evidence
        for mention in yaml.safe_load(path.read_text(encoding="utf-8")).get("mentions") or []:
            assert mention["quote"] in [quote.quote for quote in loaded.evidence[mention["about"]]]
    assert _snapshot(load_facts(seeds, workers=1, cache_dir=cache)) == eager  # every file from the cache
    assert _snapshot(load_facts(seeds, workers=1, cache_dir=cache, lazy=True)) == eager
    without_cache = _snapshot(load_facts(seeds, workers=1, lazy=True))
    assert without_cache == eager | {"digests": {}}


def test_a_lazy_load_unpickles_a_file_when_one_of_its_facts_is_asked_for(tmp_path: Path, unpickled: list[str]) -> None:
    seeds, cache = generate(tmp_path / "seeds", 3000, seed=5), tmp_path / "build"
    eager = load_facts(seeds, workers=1, cache_dir=cache)
    facts = load_facts(seeds, workers=1, cache_dir=cache, lazy=True)
    assert unpickled == []
    assert len(facts.records) == len(eager.records) and list(facts.records) == list(eager.records)
    assert facts.quote_count() == eager.quote_count()
    assert "pledge-0001000" in facts.records and "nothing" not in facts.evidence
    assert facts.records.get("nothing") is None and facts.evidence.get("nothing", []) == []
    assert unpickled == []
    assert facts.evidence["pledge-0001000"] == eager.evidence["pledge-0001000"]
    assert facts.records["pledge-0001999"] == eager.records["pledge-0001999"]
    assert unpickled == ["part-0001.yaml"]


def test_check_after_an_edit_unpickles_only_the_records_it_validates(tmp_path: Path, unpickled: list[str]) -> None:
    """The edited file is read again; of the cached files, only the one defining the actors,
    programs and sources its pledges point at is unpickled (the shapes validate those nodes)."""
    seeds, cache = generate(tmp_path / "seeds", 3000, seed=5), tmp_path / "build"
    check_all(seeds, cache_dir=cache)
    part = seeds / "facts" / "part-0001.yaml"
    part.write_text(part.read_text(encoding="utf-8").replace("for development", "for roads", 1), "utf-8")
    unpickled.clear()
    report = check_all(seeds, cache_dir=cache)
    assert unpickled == ["entities.yaml"]
    assert report.shapes_redone == [str(part)]
    clean = check_all(seeds)
    assert (report.problems, report.facts, report.files, report.quotes, report.inferences) == (
        clean.problems, clean.facts, clean.files, clean.quotes, clean.inferences,
    )


def test_a_shape_problem_after_an_edit_is_located_from_the_edited_files_records(
    tmp_path: Path, unpickled: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(shapes_path().read_text(encoding="utf-8") + LABELS_WITHOUT_BANG, encoding="utf-8")
    monkeypatch.setattr("loaders.shacl.shapes_path", lambda: shapes)
    seeds, cache = generate(tmp_path / "seeds", 3000, seed=5), tmp_path / "build"
    check_all(seeds, cache_dir=cache)
    part = seeds / "facts" / "part-0001.yaml"
    lines = part.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace("label: ", "label: '!", 1).rstrip("\n") + "'\n"  # the first pledge's label
    part.write_text("".join(lines), "utf-8")
    unpickled.clear()
    report = check_all(seeds, cache_dir=cache)
    assert unpickled == ["entities.yaml"]
    assert [str(p) for p in report.problems] == [str(p) for p in check_all(seeds).problems]
    assert len(report.problems) == 1 and "shape violation on rdfs:label" in str(report.problems[0])
    assert report.problems[0].where.path == str(part)


def test_contradicted_scopes_read_the_countries_labels_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each message names the countries; their file's records are taken once, not once per message."""
    seeds, cache = generate(tmp_path / "seeds", 1000, seed=5), tmp_path / "build"
    load_facts(seeds, workers=1, cache_dir=cache)
    part = seeds / "facts" / "part-0000.yaml"
    part.write_text(part.read_text(encoding="utf-8").replace("    pledged_by: ", "    scope: domestic\n    pledged_by: "), "utf-8")
    taken: list[str] = []
    real = facts_module._SetRecords.read

    def spy(self, result, defined):  # type: ignore[no-untyped-def]
        taken.append(Path(result.file).name)
        return real(self, result, defined)

    monkeypatch.setattr(facts_module._SetRecords, "read", spy)
    with pytest.raises(FactError) as err:
        load_facts(seeds, workers=1, cache_dir=cache, lazy=True)
    contradicted = [p for p in err.value.problems if "contradicts the facts: the donor's country is" in p.message]
    assert len(contradicted) > 100
    assert taken == ["entities.yaml"]


@pytest.mark.parametrize("fork_at", [0, 10**9], ids=["money totalled in a child", "money totalled in a thread"])
def test_a_build_after_an_edit_leaves_the_records_to_the_money_and_equals_a_clean_build(
    tmp_path: Path, unpickled: list[str], monkeypatch: pytest.MonkeyPatch, fork_at: int
) -> None:
    """The patch rewrites the edited file's part from its own records; the other files' records
    are unpickled only where the summary's money is totalled (in a forked child at scale)."""
    seeds, out = generate(tmp_path / "seeds", 3000, seed=5), tmp_path / "out"
    build(seeds, out)
    part = seeds / "facts" / "part-0001.yaml"
    part.write_text(part.read_text(encoding="utf-8").replace("for development", "for roads", 1), "utf-8")
    monkeypatch.setattr("graph.build.FORK_SUMMARY_AT", fork_at)
    unpickled.clear()
    edited = build(seeds, out)
    assert edited.rewritten == [str(part)]
    assert sorted(unpickled) == ([] if fork_at == 0 else ["entities.yaml", "part-0000.yaml", "part-0002.yaml"])
    summary = edited.summary.lines()
    clean = build(seeds, tmp_path / "clean")
    assert _outputs(out) == _outputs(tmp_path / "clean") and summary == clean.summary.lines()


def test_records_read_lazily_leave_the_callers_garbage_to_the_collector(tmp_path: Path) -> None:
    """The load freezes what it made; a file's records read later must not freeze (keep from the
    collector) what the caller holds at that moment."""
    import gc
    import weakref

    class Node:
        pass

    seeds, cache = generate(tmp_path / "seeds", 2000, seed=5), tmp_path / "build"
    load_facts(seeds, workers=1, cache_dir=cache)
    facts = load_facts(seeds, workers=1, cache_dir=cache, lazy=True)
    cycle = Node()
    cycle.itself = cycle  # type: ignore[attr-defined]
    alive = weakref.ref(cycle)
    assert facts.records["pledge-0001000"].id == "pledge-0001000"
    del cycle
    gc.collect()
    assert alive() is None and gc.isenabled()
