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
        command = [sys.executable, "-m", "graph", "build", "--seeds", str(ROOT / "seeds"), "--build-dir", str(out)]
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


def test_json_ld_is_compacted_with_the_project_prefixes_and_reads_back(built, seed_graph: Graph) -> None:
    import json

    from ontology.prefixes import PREFIXES

    document = json.loads(dump(built.store, "jsonld"))
    assert document["@context"] == dict(PREFIXES)
    pledge = next(node for node in document["@graph"] if node["@id"] == "aid:us-2018-central-america")
    assert pledge["@type"] == "ag:Pledge"
    assert pledge["ag:amount"] == {"@type": "xsd:decimal", "@value": "5800000000"}
    assert isomorphic(Graph().parse(data=json.dumps(document), format="json-ld"), seed_graph)


@pytest.mark.slow
def test_json_ld_is_byte_identical_whatever_the_hash_seed(tmp_path: Path) -> None:
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        command = [sys.executable, "-m", "graph", "export", "--format", "jsonld", "--seeds", str(ROOT / "seeds")]
        done = subprocess.run([*command, "--build-dir", str(tmp_path / "none")], check=True, capture_output=True, env=env)
        outputs.add(done.stdout)
    assert len(outputs) == 1


def test_trig_holds_the_graph_in_the_named_graph_push_writes(built, seed_graph: Graph) -> None:
    from rdflib import URIRef

    from graph.push import DEFAULT_GRAPH

    dataset = Dataset().parse(data=dump(built.store, "trig"), format="trig")
    assert [str(g.identifier) for g in dataset.graphs() if len(g)] == [DEFAULT_GRAPH]
    assert isomorphic(dataset.graph(URIRef(DEFAULT_GRAPH)), seed_graph)


def test_error_unknown_formats_in_the_library() -> None:
    import networkx as nx
    import pyoxigraph as ox

    from graph.errors import FormatError
    from graph.network.export import projection_bytes

    with pytest.raises(FormatError) as rdf:
        dump(ox.Store(), "yaml")
    assert str(rdf.value) == "unknown RDF format 'yaml': choose jsonld, nt, trig, turtle or xml"
    with pytest.raises(FormatError) as network:
        projection_bytes(nx.Graph(), "pdf")
    assert str(network.value) == "unknown projection format 'pdf': choose gexf, graphml or csv"


GEXF = "{http://www.gexf.net/1.2draft}"


@pytest.mark.parametrize("name", ["actors", "funding", "entities"])
def test_gexf_meets_the_gexf_1_2_schema(built, name: str) -> None:
    """The constraints of gexf.xsd 1.2draft (no package ships the XSD, so they are checked here).

    Root ``gexf`` version 1.2 with ``meta`` then ``graph``; ``graph`` attributes from the schema's
    enumerations and no empty ``name``; every ``attvalue`` refers to a declared attribute of its
    class with a value of the declared type; node ids unique; edges between declared nodes with a
    unique id and a numeric weight; no date that changes from day to day.
    """
    import xml.etree.ElementTree as ET

    from graph.network.export import projection_bytes
    from graph.network.projections import project

    root = ET.fromstring(projection_bytes(project(built.store, name), "gexf"))
    assert (root.tag, root.get("version")) == (f"{GEXF}gexf", "1.2")
    assert [child.tag for child in root] == [f"{GEXF}meta", f"{GEXF}graph"]
    meta, graph = list(root)
    assert "lastmodifieddate" not in meta.attrib
    assert set(graph.attrib) <= {"defaultedgetype", "mode", "name", "timeformat", "idtype"}
    assert graph.get("name", "x") != ""
    assert graph.get("defaultedgetype") in ("directed", "undirected", "mutual")
    assert graph.get("mode") in ("static", "dynamic")
    declared = {}
    for block in graph.findall(f"{GEXF}attributes"):
        assert block.get("class") in ("node", "edge") and block.get("mode") in ("static", "dynamic")
        for attribute in block.findall(f"{GEXF}attribute"):
            assert attribute.get("type") in ("integer", "long", "double", "float", "boolean", "string", "liststring", "anyURI")
            declared[block.get("class"), attribute.get("id")] = attribute.get("type")
    numeric = {"integer": int, "long": int, "double": float, "float": float}
    nodes = graph.findall(f"{GEXF}nodes/{GEXF}node")
    ids = [node.get("id") for node in nodes]
    assert ids and len(set(ids)) == len(ids) and all(ids)
    edges = graph.findall(f"{GEXF}edges/{GEXF}edge")
    assert len({edge.get("id") for edge in edges}) == len(edges)
    for edge in edges:
        assert {edge.get("source"), edge.get("target")} <= set(ids)
        assert float(edge.get("weight", "1")) > 0
    for kind, elements in (("node", nodes), ("edge", edges)):
        for element in elements:
            for value in element.findall(f"{GEXF}attvalues/{GEXF}attvalue"):
                kind_type = declared[kind, value.get("for")]
                numeric.get(kind_type, str)(value.get("value"))
