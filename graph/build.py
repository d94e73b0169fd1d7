"""Build the knowledge graph from a seeds directory into an Oxigraph store under ``build/``.

The facts become N-Triples text that Oxigraph bulk-loads natively (building millions of Python
term objects would cost more than the store itself). ``aidgraph build`` leaves in ``build/``:

* ``oxigraph/`` — the persisted store that ``query``, ``centrality``, ``viz`` … open read-only;
* ``aidgraph.ttl`` — the graph (facts and ontology) in Turtle, byte-identical for the same seeds;
* ``manifest.json`` — the fingerprint of the inputs, written last.

Every file is replaced atomically and the store is built in a staging directory and swapped in,
so an error or an interruption leaves the previous build as it was.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from graph.cache import (
    GRAPH_FILE,
    MANIFEST_FILE,
    STORE_DIR,
    fingerprint,
    manifest_bytes,
)
from graph.export import dump
from graph.files import write_atomic
from loaders import FactSet, check_corpus, load_facts
from loaders.rdf import facts_to_ntriples
from ontology import ontology_path

__all__ = ["BuildResult", "build", "build_store"]


@dataclass
class BuildResult:
    """What a build produced: the store, the facts it came from, and the files written."""

    store: ox.Store
    facts: FactSet
    graph_path: Path
    fingerprint: str


def build_store(
    seeds_dir: Path,
    corpus_dir: Path | None = None,
    *,
    path: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[ox.Store, FactSet]:
    """Load and check the facts under ``seeds_dir`` into an Oxigraph store (on disk at ``path``).

    With ``corpus_dir``, each quote found in its article gets its character offsets;
    ``progress`` is told of each fact file read (see :func:`loaders.facts.load_facts`).
    """
    facts = load_facts(seeds_dir, progress=progress)
    positions = check_corpus(facts, corpus_dir).positions if corpus_dir else None
    data = "".join(facts_to_ntriples(facts, positions=positions)).encode()
    if path is None:
        store = ox.Store()
        store.load(path=str(ontology_path()), format=ox.RdfFormat.TURTLE)
        store.load(data, format=ox.RdfFormat.N_TRIPLES)
    else:
        store = ox.Store(str(path))
        store.bulk_load(path=str(ontology_path()), format=ox.RdfFormat.TURTLE)
        store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
        store.optimize()
    return store, facts


def build(
    seeds_dir: Path,
    out_dir: Path,
    corpus_dir: Path | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> BuildResult:
    """Build the store and write ``oxigraph/``, ``aidgraph.ttl`` and ``manifest.json`` into ``out_dir``."""
    key = fingerprint(seeds_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".oxigraph-", dir=out_dir))
    try:
        store, facts = build_store(seeds_dir, corpus_dir, path=staging, progress=progress)
        turtle = dump(store, "turtle")
        (out_dir / MANIFEST_FILE).unlink(missing_ok=True)  # the build is not current until the end
        write_atomic(out_dir / GRAPH_FILE, turtle)
        del store  # close the staging store before it moves
        _replace_directory(staging, out_dir / STORE_DIR)
        write_atomic(out_dir / MANIFEST_FILE, manifest_bytes(key, facts.files, corpus_dir is not None))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    store = ox.Store.read_only(str(out_dir / STORE_DIR))
    return BuildResult(store, facts, out_dir / GRAPH_FILE, key)


def _replace_directory(new: Path, target: Path) -> None:
    """Put ``new`` in place of ``target`` with renames, so readers see the old or the new, whole."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=".old-", dir=target.parent))
        target.rename(old / target.name)
    new.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
