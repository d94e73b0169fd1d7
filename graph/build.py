"""Build the knowledge graph from a seeds directory and write it under ``build/``.

``aidgraph build`` writes ``aidgraph.ttl`` (data and ontology) and ``manifest.json`` (a
fingerprint of the inputs) atomically: on any error nothing is written and earlier outputs stay.
Other commands reuse the Turtle when the fingerprint still matches the seeds, so they never read
stale data and never re-read the YAML needlessly.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from graph.export import serialize
from graph.files import write_atomic
from loaders import FactSet, check_corpus, facts_to_graph, load_facts
from loaders.facts import fact_files
from ontology import ontology_path

__all__ = ["BuildResult", "GRAPH_FILE", "MANIFEST_FILE", "build", "build_graph", "fingerprint"]

GRAPH_FILE = "aidgraph.ttl"
MANIFEST_FILE = "manifest.json"
_FORMAT_VERSION = "1"


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
    graph, facts = build_graph(seeds_dir, corpus_dir)
    key = fingerprint(seeds_dir, corpus_dir)
    graph_path = out_dir / GRAPH_FILE
    write_atomic(graph_path, serialize(graph, "turtle"))
    manifest = {"format": _FORMAT_VERSION, "fingerprint": key, "files": facts.files}
    write_atomic(out_dir / MANIFEST_FILE, (json.dumps(manifest, indent=2) + "\n").encode())
    return BuildResult(graph, facts, graph_path, key)


def fingerprint(seeds_dir: Path, corpus_dir: Path | None = None) -> str:
    """A SHA-256 over everything a build reads: fact files, ontology and the corpus articles.

    Content, not timestamps, decides whether an earlier build is current.
    """
    digest = hashlib.sha256(_FORMAT_VERSION.encode())
    digest.update(ontology_path().read_bytes())
    for path in fact_files(seeds_dir) if seeds_dir.is_dir() else []:
        digest.update(str(path.relative_to(seeds_dir)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    if corpus_dir is not None and corpus_dir.is_dir():
        for path in sorted(corpus_dir.iterdir()):
            if path.is_file():
                digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
