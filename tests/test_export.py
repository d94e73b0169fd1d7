"""Exports parse back to the same graph, with a second independent parser, and are deterministic."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph, Literal
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from graph.export import RDF_FORMATS, serialize

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("fmt", ["turtle", "nt", "jsonld", "xml"])
def test_export_round_trips_to_an_isomorphic_graph(seed_graph: Graph, fmt: str) -> None:
    data = serialize(seed_graph, fmt)
    parsed = Graph().parse(data=data, format=RDF_FORMATS[fmt][1])
    assert len(parsed) == len(seed_graph)
    assert isomorphic(parsed, seed_graph)


def test_trig_export_parses(seed_graph: Graph) -> None:
    from rdflib import Dataset

    dataset = Dataset().parse(data=serialize(seed_graph, "trig"), format="trig")
    assert len(dataset) == len(seed_graph)


def test_turtle_parses_with_oxigraph_to_the_same_triples(seed_graph: Graph) -> None:
    turtle = serialize(seed_graph, "turtle")
    store = pyoxigraph.Store()
    store.load(io.BytesIO(turtle), format=pyoxigraph.RdfFormat.TURTLE)
    assert len(store) == len(seed_graph)
    dump = store.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph())
    back = Graph().parse(data=dump, format="nt")
    assert isomorphic(_decimals_by_value(back), _decimals_by_value(seed_graph))


def _decimals_by_value(graph: Graph) -> Graph:
    """Oxigraph writes decimals canonically (5800000000, not 5800000000.0): compare their values."""
    out = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype == XSD.decimal:
            o = Literal(str(Decimal(str(o)).normalize()), datatype=XSD.decimal)
        out.add((s, p, o))
    return out


def test_turtle_uses_readable_prefixes(seed_graph: Graph) -> None:
    head = serialize(seed_graph, "turtle").decode()
    assert "@prefix ag: <https://w3id.org/aidgraph/ontology#> ." in head
    assert "@prefix aid: <https://w3id.org/aidgraph/id/> ." in head
    assert "aid:us-2018-central-america a ag:Pledge" in head


def test_repeat_builds_are_byte_identical(tmp_path: Path, corpus_dir: Path) -> None:
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [
                sys.executable,
                "-m",
                "graph",
                "build",
                "--seeds",
                str(ROOT / "seeds"),
                "--out",
                str(out),
                "--corpus",
                str(corpus_dir),
            ],
            check=True,
            capture_output=True,
            env=env,
        )
        outputs.append((out / "aidgraph.ttl").read_bytes())
    assert outputs[0] == outputs[1]
