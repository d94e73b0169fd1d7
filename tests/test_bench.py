"""The benchmark runs end to end at its smallest size (a smoke test: no timing asserts)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.generate import generate
from bench.run import (
    AGGREGATES,
    LISTINGS,
    _deadline,
    goals,
    growth,
    reasons,
    run_size,
    table,
)
from loaders import load_facts


def test_generator_is_deterministic_and_valid(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", 1200, seed=7)
    second = generate(tmp_path / "b", 1200, seed=7)
    files = sorted(p.relative_to(first) for p in first.rglob("*.yaml"))
    assert files == sorted(p.relative_to(second) for p in second.rglob("*.yaml"))
    assert all((first / f).read_bytes() == (second / f).read_bytes() for f in files)
    facts = load_facts(first, workers=2)
    assert len(facts.of_kind("pledge")) == 1200


@pytest.mark.slow
def test_benchmark_smoke_at_the_smallest_size() -> None:
    from graph.query.named import named_queries

    rows = run_size(1000)
    steps = {row["step"]: row for row in rows}
    queries = {f"query:{name}" for name in [*named_queries(), "pledges-by-donor"]}
    assert set(steps) == {
        "yaml", "build", "floor", "turtle", "raw-dump", "aggregate", "join", "pagerank", "betweenness", "closeness", "html",
        "in-memory",
        "check", "check-edit", "build-dir", "build-edit", "check-pyshacl",
        "rdflib-load", "rdflib-turtle", "rdflib-aggregate", "rdflib-join", *queries,
    }  # fmt: skip
    # 1,000 pledges and the generator's 40 countries, 10 agencies, 10 people, 20 programs, 10 policies
    assert steps["yaml"]["records"] == 1090
    assert steps["check"]["facts"] == steps["check-edit"]["facts"] == 1090
    assert steps["check"]["problems"] == steps["check-edit"]["problems"] == steps["check-pyshacl"]["problems"] == 0
    assert steps["build"]["triples"] == steps["build-dir"]["triples"] == steps["rdflib-load"]["triples"] > 14_000
    assert steps["build-edit"]["triples"] == steps["build"]["triples"]  # the edit changes a word, not a triple count
    assert steps["aggregate"]["rows"] == steps["rdflib-aggregate"]["rows"] == steps["query:totals-by-donor"]["rows"] > 0
    assert steps["join"]["rows"] == steps["rdflib-join"]["rows"] == steps["query:pledges"]["rows"] == 1000
    assert 0 < steps["query:pledges-by-donor"]["rows"] < 1000
    assert steps["betweenness"]["nodes"] == steps["closeness"]["nodes"] > 50
    assert all(row["seconds"] >= 0 and row["peak_mb"] > 0 for row in rows)
    assert "| 1,000 | join |" in table({1000: rows})
    report = goals({1000: rows})
    assert "| check at 10k | 3 s | not run at this size | — |" in report
    assert steps["floor"]["seconds"] >= steps["floor"]["yaml_s"] + steps["floor"]["load_s"] > 0
    assert "| build at 100k against the floor | 2x | not run at this size | — |" in report
    assert all(steps[f"query:{name}"]["unordered_s"] > 0 for name in LISTINGS)
    assert all(steps["in-memory"][f"{name}_s"] > 0 for name in (*AGGREGATES, *LISTINGS))
    layers = [steps["check-edit"][f"{layer}_s"] for layer in ("facts", "shapes")]
    assert all(seconds > 0 for seconds in layers)
    assert steps["build-edit"]["rewritten"] is None  # one file of 1k pledges is most of the parts: a clean build
    assert steps["build-edit"]["files"] == 2
    assert reasons({1000: rows}) == ""  # the reasons are about the 100k goals only
    assert reasons({100_000: rows}) == ""  # and only about goals missed
    slow = [{**row, "seconds": 99.0} if row["step"] in ("check-edit", "query:pledges-by-donor") else row for row in rows]
    why = reasons({100_000: slow})
    assert f"{steps['query:pledges-by-donor']['rows']:,} rows by one donor" in why
    assert f"the rest kept from the last check, {layers[1]:.2f} s" in why
    assert "build after a one-file edit" not in why


def test_build_reports_progress_per_file(write_seeds, tmp_path: Path) -> None:
    from graph.build import build

    seen: list[tuple[int, int]] = []
    build(write_seeds(), tmp_path / "out", progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 2), (2, 2)]


def test_a_baseline_query_past_its_deadline_is_cut_off_and_the_alarm_is_cleared() -> None:
    import signal
    import time

    started = time.perf_counter()
    with pytest.raises(TimeoutError), _deadline(0.05):
        while True:  # like rdflib's engine comparing row pairs for hours
            pass
    assert time.perf_counter() - started < 5
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    with _deadline(5):  # in time: nothing raised
        pass


def test_growth_names_the_steps_that_grow_faster_than_the_data() -> None:
    results = {
        1000: [{"step": "linear", "seconds": 1.0}, {"step": "square", "seconds": 1.0}, {"step": "tiny", "seconds": 0.01}],
        10000: [{"step": "linear", "seconds": 10.0}, {"step": "square", "seconds": 100.0}, {"step": "tiny", "seconds": 9.0}],
    }
    text = growth(results)
    assert "| linear | 10.0x |" in text and "| square | 100.0x |" in text
    assert "| tiny | — |" in text  # under 0.05 s at the smaller size: no ratio
    assert text.endswith("these grew more than 1.5 times faster than the data: square 100.0x.")


def test_growth_of_a_listing_shows_its_growth_without_the_sort_beside() -> None:
    results = {
        1000: [{"step": "query:list", "seconds": 1.0, "unordered_s": 0.5}, {"step": "other", "seconds": 1.0}],
        10000: [{"step": "query:list", "seconds": 30.0, "unordered_s": 6.0}, {"step": "other", "seconds": 40.0}],
    }
    assert growth(results).endswith("data: query:list 30.0x (unordered 12.0x), other 40.0x.")
