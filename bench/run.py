"""Benchmark aidgraph at 1k, 10k, 100k and 300k synthetic pledges against a plain-rdflib baseline.

For each size it generates fact files (``bench/generate.py``), then runs each step in its own
process and reports wall time and that process's peak memory:

* YAML load and validation; build (YAML to a queryable Oxigraph store on disk) and ``aidgraph
  build`` itself (the store, the Turtle file, the manifest and its summary); Turtle export;
* the floor both are measured against: libyaml composing the same files plus Oxigraph's bulk
  load of the same triples into a new store on disk, and Oxigraph's own dump of the store;
* ``check`` (facts and SHACL shapes as SPARQL; it fills the per-file record cache), then, after
  one fact file is edited, ``check`` (and its three layers timed apart) and ``aidgraph build``
  again, each with its cache;
* every named query on the built store with its answer as CSV: the listings as the command
  ``aidgraph query --named … --format csv`` end to end, the others as that command answers them
  (parameterized ones with a parameter, given as a ``VALUES`` block); the listings once more
  without their ``ORDER BY``, and the aggregates and listings on an in-memory copy of the store,
  to show where time goes;
* PageRank, exact betweenness and closeness on the actors projection;
* the HTML page of the top 500 nodes.

The baseline puts the same triples in an in-memory ``rdflib.Graph``, runs the same queries on
rdflib's own engine and, up to 10k pledges, ``check`` with pySHACL (minutes beyond); past 100k
pledges it is left out (rdflib needs minutes and gigabytes there).

    python bench/run.py --size 1000            # one size
    python bench/run.py --write bench/RESULTS.md   # every size, results kept (``make bench``)
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import platform
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SIZES = (1_000, 10_000, 100_000, 300_000)
BASELINE_UP_TO = 100_000
"""rdflib's in-memory graph is not built beyond this size."""
BASELINE_TIMEOUT = 120.0
"""Seconds a baseline query may run. rdflib's engine compares every row of one sub-SELECT with
every row of the next (hours at 100k pledges): past this it is cut off and shown as more."""
PYSHACL_UP_TO = 10_000
"""pySHACL takes minutes and gigabytes beyond this size (134 s, 3.1 GB at 100k): the baseline stops here."""
EDITED = "facts/part-0000.yaml"
"""The fact file edited between the cached runs."""
PARAMS = {
    "involvement": {"entity": "agency-00001"},
    "evidence": {"entity": "pledge-0000001"},
    "pledges-by-donor": {"donor": "agency-00001"},
}
"""Parameters of the parameterized named queries in the generated data (``pledges-by-donor``
is the ``pledges`` query with ``--param donor=…``)."""
AGGREGATES = ("totals-by-donor", "totals-by-program", "totals-by-recipient", "multi-source")
LISTINGS = ("pledges", "timeline", "source-facts", "names", "pledge-kinds", "vague-figures")
GOALS = [
    # (goal, size, steps, limit in seconds or MB, what is measured)
    ("check at 10k", 10_000, ("check",), 3.0, "s"),
    ("check at 100k", 100_000, ("check",), 30.0, "s"),
    ("check at 100k, peak memory", 100_000, ("check",), 2048, "MB"),
    ("check after a one-file edit, 100k", 100_000, ("check-edit",), 3.0, "s"),
    ("build after a one-file edit, 100k", 100_000, ("build-edit",), 5.0, "s"),
    ("parameterized queries, 100k", 100_000, tuple(f"query:{n}" for n in PARAMS), 0.1, "s"),
    ("aggregate queries, 100k", 100_000, tuple(f"query:{n}" for n in AGGREGATES), 0.5, "s"),
    ("full listings with CSV, 100k", 100_000, tuple(f"query:{n}" for n in LISTINGS), 3.0, "s"),
    ("exact betweenness, 100k actors projection", 100_000, ("betweenness",), 2.0, "s"),
    ("exact closeness, 100k actors projection", 100_000, ("closeness",), 2.0, "s"),
    ("build at 100k, peak memory", 100_000, ("build", "build-dir"), 2048, "MB"),
]
RATIO_GOALS = [
    # (goal, size, step, the step it is measured against, at most this many times its time)
    ("build at 100k against the floor", 100_000, "build", "floor", 2.0),
    ("Turtle export at 100k against Oxigraph's dump", 100_000, "turtle", "raw-dump", 2.0),
]
NOTES = """Each step runs in its own process; seconds are wall time of the step alone (imports and
process start excluded), peak MB the maximum resident size of that process or of one it ran
(the process that starts them holds nothing large, as Linux counts its size into theirs). Each
query starts with the store's files just read, in the page cache as after a build. A
listing is timed end to end as a user runs it: the command `aidgraph query --named … --format csv`
on `build-dir`'s build, process start, the check that the build is current and the CSV written
into a file included. Other queries are timed from the query to its CSV, as the command answers
them (in a child process within the default limits), with parameters as a `VALUES` block (as
`graph/query/run.py` passes them to Oxigraph). `build-dir` is `aidgraph build` into an empty
build directory (store, Turtle file, manifest and the summary it prints; `build` is the store
alone), `build-edit` the
same build again after the edit, which updates the previous build in that directory (its record
cache, store and Turtle file: only the parts of the files the edit can change are rewritten, and
a test proves the result equals a clean build byte for byte). `floor` is
libyaml composing the same files plus Oxigraph's bulk load of the same triples into a new
store; `raw-dump` is Oxigraph's own Turtle dump of the store; `in-memory` is the bulk load of a
copy of the store into memory (its queries' times are in the reasons below). A step that also
times a breakdown (listings unordered, `check-edit`'s layers) reports its own time without it,
and its peak memory with it. Exact betweenness and closeness cost the actors projection's nodes
times its edges, and both grow with the data: expect about the square of the data's growth.
Single runs: expect noise of ±20 %."""


def step(name: str, work: Path) -> dict[str, object]:
    """Run one step in this process; return what to report."""
    seeds, build = work / "seeds", work / "build"
    started = time.perf_counter()
    stopped: float | None = None  # set where a step goes on to time a breakdown of itself
    extra: dict[str, object] = {}
    if name == "yaml":
        from loaders import load_facts

        extra["records"] = len(load_facts(seeds).records)
    elif name == "build":
        from graph.build import build_store

        build.mkdir(parents=True, exist_ok=True)
        store, _ = build_store(seeds, path=build / "oxigraph")
        extra["triples"] = len(store)
    elif name in ("check", "check-edit"):
        from loaders.check import check_all
        from loaders.shapes_state import STATE_FILE

        state = work / "cache" / STATE_FILE
        kept = state.read_bytes() if state.is_file() else None  # what the check starts from
        report = check_all(seeds, cache_dir=work / "cache")
        extra["problems"] = len(report.problems)
        extra["facts"] = report.facts
        if name == "check-edit" and kept is not None:
            stopped = time.perf_counter()
            state.write_bytes(kept)  # the breakdown starts from the same state, for the same edit
            extra.update(_check_phases(seeds, work / "cache"))
    elif name == "check-pyshacl":
        from loaders.check import check_all

        report = check_all(seeds, shacl_engine="pyshacl")
        extra["problems"] = len(report.problems)
    elif name in ("build-dir", "build-edit"):  # `aidgraph build` itself: store, Turtle, manifest, summary
        from graph.build import build as build_directory

        result = build_directory(seeds, work / "out")  # its summary made beside the writes
        result.summary.lines()
        extra["triples"] = len(result.store)
        extra["rewritten"] = None if result.rewritten is None else len(result.rewritten)  # None: a clean build
        extra["files"] = len(result.facts.files)
    elif name.startswith("query:"):
        from graph.cache import current_build

        query = name.removeprefix("query:")
        named = "pledges" if query == "pledges-by-donor" else query
        if current_build(seeds, work / "out") is None:  # else the command would time a build in memory
            raise RuntimeError(f"{work / 'out'} holds no build of {seeds}: run the build-dir step first")
        _read_through(work / "out" / "oxigraph")
        if query in LISTINGS:  # end to end, the command as a user runs it; then without its ORDER BY
            started = time.perf_counter()
            extra["rows"] = _command_csv(work, ["--named", named])
            stopped = time.perf_counter()
            (work / "unordered.rq").write_text(unordered_text(query), encoding="utf-8")
            _command_csv(work, ["--file", str(work / "unordered.rq")])
            extra["unordered_s"] = round(time.perf_counter() - stopped, 3)
        else:  # the query as the command answers it (in a child, within the default limits) to its CSV
            import pyoxigraph as ox

            from graph.query.results import render
            from graph.query.run import DEFAULT_LIMITS, run_query

            store = ox.Store.read_only(str(work / "out" / "oxigraph"))
            started = time.perf_counter()
            csv = render(run_query(store, named=named, params=PARAMS.get(query, {}), limits=DEFAULT_LIMITS), "csv")
            (work / "answer.csv").write_bytes(csv)
            extra["rows"] = csv.count(b"\n") - 1
    elif name == "in-memory":  # the same queries on a copy of the store in memory: what the disk costs
        import pyoxigraph as ox

        from graph.query.results import render
        from graph.query.run import DEFAULT_LIMITS, run_query

        quads = ox.Store.read_only(str(build / "oxigraph")).dump(format=ox.RdfFormat.N_QUADS)
        started = time.perf_counter()
        store = ox.Store()
        store.bulk_load(quads, format=ox.RdfFormat.N_QUADS)
        stopped = time.perf_counter()
        for query in (*AGGREGATES, *LISTINGS):  # as the command answers: in a child, within its limits
            timed = time.perf_counter()
            render(run_query(store, named=query, limits=DEFAULT_LIMITS), "csv")
            extra[f"{query}_s"] = round(time.perf_counter() - timed, 3)
    elif name == "floor":
        import pyoxigraph as ox
        import yaml

        texts = [path.read_text(encoding="utf-8") for path in sorted(seeds.rglob("*.yaml"))]
        triples = ox.Store.read_only(str(build / "oxigraph")).dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        started = time.perf_counter()
        for text in texts:
            yaml.compose(text, Loader=yaml.CSafeLoader)
        extra["yaml_s"] = round(time.perf_counter() - started, 3)
        with tempfile.TemporaryDirectory(dir=work) as scratch:
            loaded = time.perf_counter()
            ox.Store(scratch).bulk_load(triples, format=ox.RdfFormat.N_TRIPLES)
            extra["load_s"] = round(time.perf_counter() - loaded, 3)
    elif name == "raw-dump":
        import pyoxigraph as ox

        store = ox.Store.read_only(str(build / "oxigraph"))
        (work / "raw.ttl").write_bytes(store.dump(format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph()))
    elif name == "turtle":
        import pyoxigraph as ox

        from graph.export import dump

        (work / "graph.ttl").write_bytes(dump(ox.Store.read_only(str(build / "oxigraph")), "turtle"))
    elif name in ("aggregate", "join"):
        import pyoxigraph as ox

        from graph.query.run import run_query

        _read_through(build / "oxigraph")
        store = ox.Store.read_only(str(build / "oxigraph"))
        started = time.perf_counter()
        named = "totals-by-donor" if name == "aggregate" else "pledges"
        extra["rows"] = len(run_query(store, named=named, limits=None).rows)
    elif name in ("pagerank", "betweenness", "closeness"):
        import pyoxigraph as ox

        from graph.network.centrality import centrality
        from graph.network.projections import project

        G = project(ox.Store.read_only(str(build / "oxigraph")), "actors")
        extra["nodes"] = G.number_of_nodes()
        extra["edges"] = G.number_of_edges()
        started = time.perf_counter()
        centrality(G, name, weight=name == "pagerank")
    elif name == "html":
        import pyoxigraph as ox

        from graph.pages.network import network_page

        page = network_page(ox.Store.read_only(str(build / "oxigraph")), projection="actors", top=500)
        (work / "top500.html").write_text(page, encoding="utf-8")
    elif name == "baseline-input":  # what the baseline parses, written apart from what it times
        import pyoxigraph as ox

        from graph.export import dump

        (work / "graph.nt").write_bytes(dump(ox.Store.read_only(str(build / "oxigraph")), "nt"))
    elif name == "rdflib":
        return _rdflib_steps(work)
    elif name in ("rdflib-aggregate", "rdflib-join"):
        graph = _rdflib_graph(work)
        text = named_text("totals-by-donor" if name == "rdflib-aggregate" else "pledges")
        started = time.perf_counter()
        try:
            with _deadline(BASELINE_TIMEOUT):
                extra["rows"] = len(list(graph.query(text, initNs=_prefixes())))
        except TimeoutError:
            extra["timed_out"] = True
    seconds = (time.perf_counter() if stopped is None else stopped) - started
    # a query's child process (or a command's) does its work: its peak counts as the step's
    peak_mb = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024
    return {"step": name, "seconds": round(seconds, 3), "peak_mb": round(peak_mb), **extra}


def _read_through(directory: Path) -> None:
    """Read every file of a store once, untimed, so that a query finds it in the page cache as it
    is just after a build. The steps before may have pushed it out: at 300k pledges the first
    query after the centrality steps paid for reading the store from disk (``agencies`` 1.63 s,
    against 0.17-0.26 s with the store read; measured 2026-12-07)."""
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            with path.open("rb") as file:
                while file.read(1 << 20):
                    pass


def _check_phases(seeds: Path, cache: Path) -> dict[str, float]:
    """The two layers of ``check_all`` timed apart, on the same files, cache and kept shapes (the
    facts read lazy, as ``check_all`` reads them)."""
    from loaders import load_facts
    from loaders.shapes_increment import kept_shape_problems

    started = time.perf_counter()
    facts = load_facts(seeds, cache_dir=cache, lazy=True)
    loaded = time.perf_counter()
    kept_shape_problems(facts, cache)
    done = time.perf_counter()
    return {"facts_s": round(loaded - started, 3), "shapes_s": round(done - loaded, 3)}


def _command_csv(work: Path, query: list[str]) -> int:
    """Run ``aidgraph query … --format csv`` on the build in ``work/out`` as a user does, its CSV
    into a file; the rows it printed."""
    answer = work / "answer.csv"
    command = [sys.executable, "-m", "graph", "query", *query, "--format", "csv"]
    command += ["--seeds", str(work / "seeds"), "--build-dir", str(work / "out")]
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AIDGRAPH_")}
    environment["PYTHONPATH"] = str(ROOT)  # this checkout's graph, installed or not
    with answer.open("wb") as out:
        done = subprocess.run(command, stdout=out, stderr=subprocess.PIPE, cwd=work, env=environment, check=False)
    if done.returncode:
        raise RuntimeError(f"{' '.join(command)} failed: {done.stderr.decode(errors='replace').strip()}")
    with answer.open("rb") as written:
        return sum(1 for _ in written) - 1


def unordered_text(name: str) -> str:
    """The named query's text without its final ``ORDER BY`` clause (same rows, any order)."""
    text = named_text(name)
    unordered = re.sub(r"\nORDER BY [^\n]*\s*$", "\n", text)
    if unordered == text:
        raise ValueError(f"{name} does not end in an ORDER BY clause")
    return unordered


def _rdflib_graph(work: Path):
    from rdflib import Graph

    graph = Graph()
    graph.parse(work / "graph.nt", format="nt")
    return graph


@contextlib.contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Raise TimeoutError in this (main) thread once ``seconds`` have passed."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _rdflib_steps(work: Path) -> list[dict[str, object]]:
    """The baseline's load and Turtle export, in one process (one parse)."""
    rows = []
    started = time.perf_counter()
    graph = _rdflib_graph(work)
    rows.append({"step": "rdflib-load", "seconds": round(time.perf_counter() - started, 3), "triples": len(graph)})
    started = time.perf_counter()
    graph.serialize(format="turtle")
    rows.append({"step": "rdflib-turtle", "seconds": round(time.perf_counter() - started, 3)})
    peak_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return [{**row, "peak_mb": peak_mb} for row in rows]


def named_text(name: str) -> str:
    from graph.query.named import get_named

    return get_named(name).text


def _prefixes() -> dict[str, str]:
    from ontology.prefixes import PREFIXES

    return PREFIXES


def run_size(pledges: int, *, baseline: bool = True) -> list[dict[str, object]]:
    """Every step at one size, each in a fresh process."""
    baseline = baseline and pledges <= BASELINE_UP_TO
    rows = []
    with tempfile.TemporaryDirectory(prefix=f"aidgraph-bench-{pledges}-") as folder:
        work = Path(folder)
        # in a child, as everything this process would hold: Linux keeps a process's peak memory
        # across exec, so each step's own peak would otherwise count this process's as its floor
        generator = [sys.executable, str(ROOT / "bench" / "generate.py"), "--pledges", str(pledges)]
        subprocess.run([*generator, "--out", str(work / "seeds")], check=True, capture_output=True)
        steps = ["yaml", "build", "build-dir", "floor", "turtle", "raw-dump", "aggregate", "join"]
        steps += ["pagerank", "betweenness", "closeness", "html"]
        steps += [f"query:{name}" for name in _named_queries()]  # the commands read build-dir's build
        steps += ["in-memory", "check"]
        for name in steps:
            rows.append(_child(name, work))
        edited = work / "seeds" / EDITED
        edited.write_text(edited.read_text(encoding="utf-8").replace("for development", "for roads", 1), "utf-8")
        for name in ("check-edit", "build-edit"):
            rows.append(_child(name, work))
        if baseline and pledges <= PYSHACL_UP_TO:
            rows.append(_child("check-pyshacl", work))
        if baseline:
            _child("baseline-input", work)
            rows.extend(_child("rdflib", work))
            rows.append(_child("rdflib-aggregate", work))
            rows.append(_child("rdflib-join", work))
    return rows


def _named_queries() -> list[str]:
    from graph.query.named import named_queries

    return [*named_queries(), *(name for name in PARAMS if name.endswith("-by-donor"))]


def _child(name: str, work: Path) -> Any:
    command = [sys.executable, __file__, "--step", name, "--work", str(work)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def table(results: dict[int, list[dict[str, object]]]) -> str:
    """The results as a Markdown table, with the baseline ratio where there is one."""
    pairs = {
        "build": "rdflib-load",
        "turtle": "rdflib-turtle",
        "aggregate": "rdflib-aggregate",
        "join": "rdflib-join",
        "check": "check-pyshacl",
    }
    lines = ["| pledges | step | aidgraph s | peak MB | rdflib s | ratio |", "|---:|---|---:|---:|---:|---:|"]
    for pledges, rows in results.items():
        by_step = {r["step"]: r for r in rows}
        for row in rows:
            if str(row["step"]).startswith("rdflib-") or row["step"] == "check-pyshacl":
                continue
            base = by_step.get(pairs.get(str(row["step"]), ""))
            over = ">" if base and base.get("timed_out") else ""
            base_s = f"{over}{base['seconds']:.2f}" if base else ""
            ratio = f"{over}{base['seconds'] / max(row['seconds'], 1e-6):.1f}x" if base else ""
            lines.append(
                f"| {pledges:,} | {row['step']} | {row['seconds']:.2f} | {row['peak_mb']} | {base_s} | {ratio} |"
            )
    return "\n".join(lines)


def goals(results: dict[int, list[dict[str, object]]]) -> str:
    """Each goal of issue 18 with the worst measured step it covers and whether it is met."""
    lines = ["| goal | limit | measured (worst step) | met |", "|---|---:|---|---|"]
    for goal, size, steps, limit, unit in GOALS:
        worst = _worst(results, size, steps, unit)
        if worst is None:
            lines.append(f"| {goal} | {limit:g} {unit} | not run at this size | — |")
            continue
        step_name, value = worst
        shown = f"{value:.3f} s" if unit == "s" else f"{value:.0f} MB"
        lines.append(f"| {goal} | {limit:g} {unit} | {shown} ({step_name}) | {'yes' if value <= limit else 'no'} |")
    for goal, size, step_name, reference, limit in RATIO_GOALS:
        by_step = {r["step"]: float(r["seconds"]) for r in results.get(size, [])}  # type: ignore[arg-type]
        if step_name not in by_step or reference not in by_step:
            lines.append(f"| {goal} | {limit:g}x | not run at this size | — |")
            continue
        ratio = by_step[step_name] / max(by_step[reference], 1e-6)
        shown = f"{ratio:.2f}x ({step_name} {by_step[step_name]:.3f} s, {reference} {by_step[reference]:.3f} s)"
        lines.append(f"| {goal} | {limit:g}x | {shown} | {'yes' if ratio <= limit else 'no'} |")
    return "\n".join(lines)


def _worst(
    results: dict[int, list[dict[str, object]]], size: int, steps: tuple[str, ...], unit: str
) -> tuple[str, float] | None:
    """The step among ``steps`` at ``size`` that took longest (or most memory), and its figure."""
    rows = [r for r in results.get(size, []) if r["step"] in steps]
    if not rows:
        return None
    key = "seconds" if unit == "s" else "peak_mb"
    worst = max(rows, key=lambda r: float(r[key]))  # type: ignore[arg-type]
    return str(worst["step"]), float(worst[key])  # type: ignore[arg-type]


def _missed(results: dict[int, list[dict[str, object]]]) -> set[str]:
    """The goals of :data:`GOALS` measured and not met."""
    missed = set()
    for goal, size, steps, limit, unit in GOALS:
        worst = _worst(results, size, steps, unit)
        if worst is not None and worst[1] > limit:
            missed.add(goal)
    return missed


def reasons(results: dict[int, list[dict[str, object]]]) -> str:
    """Where a 100k goal is missed, the figures of this run that say why (empty if none is)."""
    steps = {str(r["step"]): r for r in results.get(100_000, [])}
    if "check-edit" not in steps:
        return ""
    edit = steps["check-edit"]
    memory = steps.get("in-memory", {})
    aggregates = ", ".join(
        f"{name} {steps[f'query:{name}']['seconds']:.2f} s (in memory {memory.get(f'{name}_s', float('nan')):.2f} s)"
        for name in AGGREGATES
    )
    listings = ", ".join(
        f"{name} {steps[f'query:{name}']['seconds']:.2f} s (unordered {steps[f'query:{name}']['unordered_s']:.2f} s, "
        f"in memory {memory.get(f'{name}_s', float('nan')):.2f} s)"
        for name in LISTINGS
    )
    by_donor, pledges, rebuilt = steps["query:pledges-by-donor"], steps["query:pledges"], steps["build-edit"]
    rewritten = "a clean build" if rebuilt["rewritten"] is None else f"{rebuilt['rewritten']} of {rebuilt['files']} files' parts rewritten"
    floor = steps["floor"]["seconds"]
    check_10k = next((r["seconds"] for r in results.get(10_000, []) if r["step"] == "check"), float("nan"))
    why = {
        "check at 10k": (
            f"- **check at 10k**: {check_10k:.2f} s in this run, whose floor at 100k (libyaml and Oxigraph's "
            f"bulk load, no aidgraph code) took {floor:.2f} s; in the full run of 2026-12-06 18:27 the floor "
            "took 11.90 s and check 2.55 s."
        ),
        "check at 100k": (
            f"- **check at 100k**: {steps['check']['seconds']:.2f} s in this run, whose floor took {floor:.2f} s; "
            "in the full run of 2026-12-06 18:27 the floor took 11.90 s and check 22.30 s."
        ),
        "check after a one-file edit, 100k": (
            f"- **check after a one-file edit**: its two layers timed apart after the edit: the facts "
            f"(the edited file read again, the other files' cached sketches, then the checks across the set) "
            f"{edit['facts_s']:.2f} s, the shapes on the edited file's nodes, the rest kept from the last check, "
            f"{edit['shapes_s']:.2f} s, in a run whose floor took {floor:.2f} s (this machine's speed moves by "
            "half within a day). Since 75f0fd4 the checks across files read a small sketch of each fact (id, "
            "kind, place, quote count and the fields scopes, cycles and overlaps follow) and `check` unpickles "
            "only the records of the files it validates again (the edited one, and those defining what its facts "
            "point at): in three pairs with the bench's edit on a loaded hour (2026-12-08) the code of 9ea83ee "
            "took 3.56-3.83 s and that of ec8cfff 1.25-1.62 s. What is left is the set's checks on 105k "
            "sketches (deriving the pledges' scopes about 0.3 s) and the shapes."
        ),
        "build after a one-file edit, 100k": (
            f"- **build after a one-file edit**: {rebuilt['seconds']:.2f} s ({rewritten}), as `aidgraph build` "
            "runs it. Since 423e0ad the facts are read lazy when there is a previous build to patch: the patch "
            "rewrites the edited file's part from its own records, and a forked child unpickles the other files' "
            "records to total the summary's money while the build patches the store and the Turtle file, after "
            "a first child has counted the previous store's copy and hashed its Turtle file (0.5 s). After the "
            "facts, the money is its critical path: unpickling 100k records about 1 s and totalling them 1.0-1.3 s "
            "beside the writes (measured 2026-12-07)."
        ),
        "parameterized queries, 100k": (
            f"- **parameterized `pledges`**: {by_donor['rows']:,} rows by one donor take "
            f"{by_donor['seconds']:.2f} s with its bound text (`queries/bound/pledges.donor.rq`, one join from the "
            f"donor's pledges), the full {pledges['rows']:,} rows {pledges['seconds']:.2f} s with the listing's "
            "sub-SELECTs, which Oxigraph evaluates in full even for one donor."
        ),
        "aggregate queries, 100k": (
            f"- **aggregates**: {aggregates}. Each joins single-pattern sub-SELECTs over every pledge "
            "(multi-source: every evidence node) and groups; where the in-memory time is as long, it is the "
            "engine's joining and grouping, not the disk. Each property a total reads is one hash join of "
            "100k rows, about 0.17 s: the five that totals-by-donor needs (body, scope, amount, currency, "
            "qualifier) take 0.75 s counted alone, before any grouping, and the same star pattern as one "
            "basic graph pattern (Oxigraph's nested-loop join) takes 2.1 s for two properties (measured once, "
            "2026-12-06). multi-source counts the sources of each of the 105k facts with evidence first, then "
            "names only the facts with two or more, each looked up from its row by an OPTIONAL triple pattern "
            "(since 532c481; 2.0 s before it). The generated set gives no fact a second "
            "source, so here it times the counting; with a second source on every fifth fact (21k rows) it "
            "took 1.2 s against 1.8 s for the query before it (measured once, 2026-12-08)."
        ),
        "full listings with CSV, 100k": (
            f"- **listings**: {listings}. Each is the command end to end: its start and the check that the "
            "build is current take about 0.15 s, and the rows come back from the query process as TSV text "
            "that prints without a Python term per cell, a list cell's parts sorted in the text (as "
            "Python terms they cost pledge-kinds 0.85 s). Oxigraph reads a stored string back from disk "
            "at every comparison of a sort, and compares a string it computed in memory: so `timeline`, "
            "`source-facts` and `vague-figures` sort on `CONCAT(\"key \", STR(x))` for each stored label or "
            "IRI x, the same order (tests/test_sort_keys.py); sorted on x itself they took about 7, 11 and "
            "3.5 s. `pledge-kinds` sorts mostly on kinds and amounts, where a key gained nothing (3.45 s "
            "either way): its query takes 1.0 s unordered, 1.1 s ordered on kinds alone, 1.7 s with the "
            "amounts and 2.5 s with the labels too, Oxigraph evaluating the keys at each comparison. Nor "
            "did a key help `pledges`, whose cost is its join: its seven single-pattern sub-SELECTs alone "
            "(no GROUP_CONCAT, no sort) take 3.2 s, and the recipients' and sources' GROUP_CONCATs about as "
            "much again (measured once, 2026-12-07)."
        ),
    }
    missed = _missed(results)
    return "\n".join(reason for goal, reason in why.items() if goal in missed)


def growth(results: dict[int, list[dict[str, object]]]) -> str:
    """Time at each size over time at the next smaller size, per step, beside the data's growth."""
    pairs = list(itertools.pairwise(sorted(results)))
    if not pairs:
        return ""
    by_size = {size: {r["step"]: float(r["seconds"]) for r in rows} for size, rows in results.items()}  # type: ignore[arg-type]
    head = " | ".join(f"{big // 1000}k / {small // 1000}k ({big / small:g}x data)" for small, big in pairs)
    lines = [f"| step | {head} |", "|---|" + "---:|" * len(pairs)]
    for step in by_size[pairs[-1][1]]:
        if str(step).startswith("rdflib-") or step == "check-pyshacl":
            continue
        cells = []
        for small, big in pairs:
            a, b = by_size[small].get(step), by_size[big].get(step)
            cells.append(f"{b / a:.1f}x" if a and b and a >= 0.05 else "—")
        lines.append(f"| {step} | {' | '.join(cells)} |")
    unordered = {
        size: {r["step"]: float(r["unordered_s"]) for r in rows if "unordered_s" in r}  # type: ignore[arg-type]
        for size, rows in results.items()
    }
    return "\n".join([*lines, "", _growth_verdict(by_size, pairs, unordered)])


def _growth_verdict(
    by_size: dict[int, dict[Any, float]], pairs: list[tuple[int, int]], unordered: dict[int, dict[Any, float]]
) -> str:
    """In words: the steps whose time grew more than 1.5 times faster than the data, per size step
    (for a listing, beside the growth of the same query without its ORDER BY)."""

    def without_sort(step: str, small: int, big: int) -> str:
        a, b = unordered.get(small, {}).get(step), unordered.get(big, {}).get(step)
        return f" (unordered {b / a:.1f}x)" if a and b else ""

    sentences = []
    for small, big in pairs:
        fast = [
            f"{step} {by_size[big][step] / by_size[small][step]:.1f}x{without_sort(step, small, big)}"
            for step in by_size[big]
            if by_size[small].get(step, 0) >= 0.05
            and not str(step).startswith("rdflib-")
            and by_size[big][step] / by_size[small][step] > 1.5 * big / small
        ]
        span = f"From {small // 1000}k to {big // 1000}k pledges ({big / small:g}x the data)"
        sentences.append(
            f"{span}, these grew more than 1.5 times faster than the data: {', '.join(fast)}."
            if fast
            else f"{span}, no step grew more than 1.5 times faster than the data."
        )
    return " ".join(sentences)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, action="append", help="pledges (repeatable; default 1k, 10k, 100k, 300k)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the rdflib baseline")
    parser.add_argument("--write", type=Path, help="also write the results to this Markdown file")
    parser.add_argument("--from-json", type=Path, help="report the results kept in this JSON file instead of running")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(step(args.step, args.work)))
        return 0
    if args.from_json:  # the report again from a kept run, e.g. after its wording changed
        results = {int(size): rows for size, rows in json.loads(args.from_json.read_text(encoding="utf-8")).items()}
    else:
        results = {}
        for pledges in args.size or SIZES:
            results[pledges] = run_size(pledges, baseline=not args.no_baseline)
            print(f"{pledges:,} pledges done", file=sys.stderr)
    report = "\n\n".join(
        [
            "## Goals (issue 18)\n\n" + goals(results),
            *(["## Goals not met, and why (figures of this run unless marked)\n\n" + why] if (why := reasons(results)) else []),
            "## Every step\n\n" + table(results),
            "## Growth (time at one size / time at the size before; linear is the data's growth; — under 0.05 s)\n\n"
            + growth(results),
        ]
    )
    print(report)
    if args.write:
        args.write.write_text(_results_page(report), encoding="utf-8")
        args.write.with_suffix(".json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


def _results_page(report: str) -> str:
    from importlib.metadata import version

    versions = ", ".join(
        f"{p} {version(p)}"
        for p in ("pyoxigraph", "rdflib", "pyshacl", "networkx", "igraph", "pyvis", "PyYAML", "pydantic")
    )
    machine = f"{platform.machine()}, {__import__('os').cpu_count()} cores, Python {platform.python_version()}"
    return (
        "# Benchmark results\n\n"
        f"Made by `python bench/run.py --write bench/RESULTS.md` on {time.strftime('%Y-%m-%d')}.\n\n"
        f"Machine: {machine}. Versions: {versions}.\n\n{NOTES}\n\n{report}\n"
    )


if __name__ == "__main__":
    sys.exit(main())
