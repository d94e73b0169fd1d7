"""Build the knowledge graph from a seeds directory and write it under ``build/``.

``aidgraph build`` writes ``aidgraph.ttl`` (data and ontology) and ``manifest.json`` (a
fingerprint of the inputs) atomically: on any error nothing is written and earlier outputs stay.
Other commands reuse the Turtle while :func:`graph.cache.current_graph` says it still matches the
seeds, so they never read stale data and never re-read the YAML needlessly.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from graph.cache import GRAPH_FILE, MANIFEST_FILE, fingerprint, manifest_bytes
from graph.export import serialize
from graph.files import write_atomic
from loaders import FactSet, check_corpus, facts_to_graph, load_facts

__all__ = ["BuildResult", "build", "build_graph"]


@dataclass
class BuildResult:
    """What a build produced: the graph, the facts it came from, and the files written."""

    graph: Graph
    facts: FactSet
    graph_path: Path
    fingerprint: str


def build_graph(seeds_dir: Path, corpus_dir: Path | None = None) -> tuple[Graph, FactSet]:
    """Load and check the facts under ``seeds_dir`` and return their graph (with the ontology).

    With ``corpus_dir``, each quote found in its article gets its character offsets.
    """
    facts = load_facts(seeds_dir)
    positions = check_corpus(facts, corpus_dir).positions if corpus_dir else None
    return facts_to_graph(facts, positions=positions), facts


def build(seeds_dir: Path, out_dir: Path, corpus_dir: Path | None = None) -> BuildResult:
    """Build the graph and write ``aidgraph.ttl`` and ``manifest.json`` into ``out_dir``."""
    key = fingerprint(seeds_dir)
    graph, facts = build_graph(seeds_dir, corpus_dir)
    graph_path = out_dir / GRAPH_FILE
    write_atomic(graph_path, serialize(graph, "turtle"))
    write_atomic(out_dir / MANIFEST_FILE, manifest_bytes(key, facts.files, corpus_dir is not None))
    return BuildResult(graph, facts, graph_path, key)
