"""The benchmark runs end to end at its smallest size (a smoke test: no timing asserts)."""

from __future__ import annotations

from pathlib import Path

from bench.generate import generate
from bench.run import run_size, table
from loaders import load_facts


def test_generator_is_deterministic_and_valid(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", 1200, seed=7)
    second = generate(tmp_path / "b", 1200, seed=7)
    files = sorted(p.relative_to(first) for p in first.rglob("*.yaml"))
    assert files == sorted(p.relative_to(second) for p in second.rglob("*.yaml"))
    assert all((first / f).read_bytes() == (second / f).read_bytes() for f in files)
    facts = load_facts(first, workers=2)
    assert len(facts.of_kind("pledge")) == 1200


def test_benchmark_smoke_at_the_smallest_size() -> None:
    rows = run_size(1000)
    steps = {row["step"]: row for row in rows}
    assert set(steps) == {
        "yaml", "build", "turtle", "aggregate", "join", "pagerank", "betweenness", "html",
        "rdflib-load", "rdflib-turtle", "rdflib-aggregate", "rdflib-join",
    }  # fmt: skip
    assert steps["yaml"]["records"] == steps["yaml"]["records"] > 1000
    assert steps["build"]["triples"] == steps["rdflib-load"]["triples"]
    assert steps["aggregate"]["rows"] == steps["rdflib-aggregate"]["rows"] > 0
    assert steps["join"]["rows"] == steps["rdflib-join"]["rows"] == 1000
    assert all(row["seconds"] >= 0 and row["peak_mb"] > 0 for row in rows)
    assert "| 1,000 | join |" in table({1000: rows})


def test_build_reports_progress_per_file(write_seeds, tmp_path: Path) -> None:
    from graph.build import build

    seen: list[tuple[int, int]] = []
    build(write_seeds(), tmp_path / "out", progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 2), (2, 2)]
