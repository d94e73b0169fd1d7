"""Exports parse back to the same graph the facts make, and builds are deterministic."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from graph.build import build
from graph.export import RDF_FORMATS, dump

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path):
    return build(ROOT / "seeds", tmp_path_factory.mktemp("build"), corpus_dir)


@pytest.mark.parametrize("fmt", ["turtle", "nt", "jsonld", "xml"])
def test_export_parses_back_with_rdflib_to_the_graph_of_the_facts(built, seed_graph: Graph, fmt: str) -> None:
    data = dump(built.store, fmt)
    parsed = Graph().parse(data=data, format=RDF_FORMATS[fmt][1])
    assert len(parsed) == len(seed_graph)
    assert isomorphic(parsed, seed_graph)


def test_trig_export_parses(built, seed_graph: Graph) -> None:
    dataset = Dataset().parse(data=dump(built.store, "trig"), format="trig")
    assert len(dataset) == len(seed_graph)


def test_the_written_turtle_is_the_graph_of_the_facts(built, seed_graph: Graph) -> None:
    """Oxigraph writes the Turtle; rdflib, an independent parser, reads it back."""
    assert isomorphic(Graph().parse(built.graph_path, format="turtle"), seed_graph)


def test_turtle_uses_readable_prefixes(built) -> None:
    text = built.graph_path.read_text(encoding="utf-8")
    assert "@prefix ag: <https://w3id.org/aidgraph/ontology#> ." in text
    assert "@prefix aid: <https://w3id.org/aidgraph/id/> ." in text
    assert "aid:us-2018-central-america " in text and 'ag:amount "5800000000"^^xsd:decimal' in text


def test_repeat_builds_are_byte_identical(tmp_path: Path, corpus_dir: Path) -> None:
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        command = [sys.executable, "-m", "graph", "build", "--seeds", str(ROOT / "seeds"), "--out", str(out)]
        subprocess.run([*command, "--corpus", str(corpus_dir)], check=True, capture_output=True, env=env)
        outputs.append((out / "aidgraph.ttl").read_bytes())
    assert outputs[0] == outputs[1]


def test_a_failed_build_leaves_the_previous_build(tmp_path: Path, write_seeds) -> None:
    from loaders import FactError

    seeds = write_seeds()
    out = tmp_path / "out"
    build(seeds, out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (seeds / "facts.yaml").write_text("pledges: [\n")
    with pytest.raises(FactError):
        build(seeds, out)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
