"""Benchmark aidgraph at 1k, 10k and 100k synthetic pledges against a plain-rdflib baseline.

For each size it generates fact files (``bench/generate.py``), then runs each step in its own
process and reports wall time and that process's peak memory:

* YAML load and validation; build (YAML to a queryable Oxigraph store on disk); Turtle export;
* a named aggregate query (``totals-by-donor``) and a named three-way join (``pledges``: pledge,
  donor, recipients and sources);
* PageRank and betweenness (sampled, k=256, above 1,000 nodes) on the actors projection;
* the HTML page of the top 500 nodes.

The baseline puts the same triples in an in-memory ``rdflib.Graph`` and runs the same queries on
rdflib's own engine; the ratio column is baseline time / aidgraph time.

    python bench/run.py --size 1000            # one size
    python bench/run.py --write bench/RESULTS.md   # all sizes, results kept
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SIZES = (1_000, 10_000, 100_000)
BASELINE_TIMEOUT = 300.0
"""rdflib's engine takes minutes on the join at 100k pledges: past this, the baseline is cut off."""
TARGETS = "100k pledges: build < 60 s and < 2 GB; each named query >= 10x the rdflib baseline; top-500 HTML < 5 s"


def step(name: str, work: Path) -> dict[str, object]:
    """Run one step in this process; return what to report."""
    seeds, build = work / "seeds", work / "build"
    started = time.perf_counter()
    extra: dict[str, object] = {}
    if name == "yaml":
        from loaders import load_facts

        extra["records"] = len(load_facts(seeds).records)
    elif name == "build":
        from graph.build import build_store

        build.mkdir(parents=True, exist_ok=True)
        store, _ = build_store(seeds, path=build / "oxigraph")
        extra["triples"] = len(store)
    elif name == "turtle":
        import pyoxigraph as ox

        from graph.export import dump

        (work / "graph.ttl").write_bytes(dump(ox.Store.read_only(str(build / "oxigraph")), "turtle"))
    elif name in ("aggregate", "join"):
        import pyoxigraph as ox

        from graph.query.run import run_query

        store = ox.Store.read_only(str(build / "oxigraph"))
        started = time.perf_counter()
        named = "totals-by-donor" if name == "aggregate" else "pledges"
        extra["rows"] = len(run_query(store, named=named, limits=None).rows)
    elif name in ("pagerank", "betweenness"):
        import networkx as nx
        import pyoxigraph as ox

        from graph.network.projections import project

        G = project(ox.Store.read_only(str(build / "oxigraph")), "actors")
        extra["nodes"] = G.number_of_nodes()
        started = time.perf_counter()
        if name == "pagerank":
            nx.pagerank(G, weight="weight")
        else:
            k = min(256, G.number_of_nodes()) if G.number_of_nodes() > 1000 else None
            nx.betweenness_centrality(G, k=k, seed=1)
    elif name == "html":
        import pyoxigraph as ox

        from graph.pages.network import network_page

        page = network_page(ox.Store.read_only(str(build / "oxigraph")), projection="actors", top=500)
        (work / "top500.html").write_text(page, encoding="utf-8")
    elif name == "rdflib":
        return _rdflib_steps(work)
    elif name == "rdflib-join":
        graph = _rdflib_graph(work)
        text = named_text("pledges")
        started = time.perf_counter()
        extra["rows"] = len(list(graph.query(text, initNs=_prefixes())))
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"step": name, "seconds": round(seconds, 3), "peak_mb": round(peak_mb), **extra}


def _rdflib_graph(work: Path):
    from rdflib import Graph

    graph = Graph()
    graph.parse(work / "graph.nt", format="nt")
    return graph


def _rdflib_steps(work: Path) -> list[dict[str, object]]:
    """The baseline's load, Turtle export and aggregate query, in one process (one parse)."""
    rows = []
    started = time.perf_counter()
    graph = _rdflib_graph(work)
    rows.append({"step": "rdflib-load", "seconds": round(time.perf_counter() - started, 3), "triples": len(graph)})
    started = time.perf_counter()
    graph.serialize(format="turtle")
    rows.append({"step": "rdflib-turtle", "seconds": round(time.perf_counter() - started, 3)})
    text = named_text("totals-by-donor")
    started = time.perf_counter()
    count = len(list(graph.query(text, initNs=_prefixes())))
    rows.append({"step": "rdflib-aggregate", "seconds": round(time.perf_counter() - started, 3), "rows": count})
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
    from bench.generate import generate

    rows = []
    with tempfile.TemporaryDirectory(prefix=f"aidgraph-bench-{pledges}-") as folder:
        work = Path(folder)
        generate(work / "seeds", pledges)
        steps = ["yaml", "build", "turtle", "aggregate", "join", "pagerank", "betweenness", "html"]
        for name in steps:
            rows.append(_child(name, work))
        if baseline:
            import pyoxigraph as ox

            from graph.export import dump

            (work / "graph.nt").write_bytes(dump(ox.Store.read_only(str(work / "build" / "oxigraph")), "nt"))
            rows.extend(_child("rdflib", work))
            rows.append(_child("rdflib-join", work, timeout=BASELINE_TIMEOUT))
    return rows


def _child(name: str, work: Path, *, timeout: float | None = None) -> Any:
    command = [sys.executable, __file__, "--step", name, "--work", str(work)]
    try:
        done = subprocess.run(command, check=True, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"step": name, "seconds": timeout, "peak_mb": 0, "timed_out": True}
    return json.loads(done.stdout.strip().splitlines()[-1])


def table(results: dict[int, list[dict[str, object]]]) -> str:
    """The results as a Markdown table, with the baseline ratio where there is one."""
    pairs = {"build": "rdflib-load", "turtle": "rdflib-turtle", "aggregate": "rdflib-aggregate", "join": "rdflib-join"}
    lines = ["| pledges | step | aidgraph s | peak MB | rdflib s | ratio |", "|---:|---|---:|---:|---:|---:|"]
    for pledges, rows in results.items():
        by_step = {r["step"]: r for r in rows}
        for row in rows:
            if str(row["step"]).startswith("rdflib-"):
                continue
            base = by_step.get(pairs.get(str(row["step"]), ""))
            over = ">" if base and base.get("timed_out") else ""
            base_s = f"{over}{base['seconds']:.2f}" if base else ""
            ratio = f"{over}{base['seconds'] / max(row['seconds'], 1e-6):.1f}x" if base else ""
            lines.append(
                f"| {pledges:,} | {row['step']} | {row['seconds']:.2f} | {row['peak_mb']} | {base_s} | {ratio} |"
            )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, action="append", help="pledges (repeatable; default 1k, 10k, 100k)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the rdflib baseline")
    parser.add_argument("--write", type=Path, help="also write the results to this Markdown file")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(step(args.step, args.work)))
        return 0
    results = {}
    for pledges in args.size or SIZES:
        results[pledges] = run_size(pledges, baseline=not args.no_baseline)
        print(f"{pledges:,} pledges done", file=sys.stderr)
    report = table(results)
    print(report)
    if args.write:
        args.write.write_text(_results_page(report), encoding="utf-8")
    return 0


def _results_page(report: str) -> str:
    from importlib.metadata import version

    versions = ", ".join(
        f"{p} {version(p)}" for p in ("pyoxigraph", "rdflib", "networkx", "pyvis", "PyYAML", "pydantic")
    )
    machine = f"{platform.machine()}, {__import__('os').cpu_count()} cores, Python {platform.python_version()}"
    return (
        "# Benchmark results\n\n"
        f"Made by `python bench/run.py --write bench/RESULTS.md` on {time.strftime('%Y-%m-%d')}.\n\n"
        f"Machine: {machine}. Versions: {versions}.\n\nTargets: {TARGETS}.\n\n{report}\n"
    )


if __name__ == "__main__":
    sys.exit(main())
