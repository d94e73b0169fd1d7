"""The graph as a queryable Oxigraph store, from ``build/`` when current, else built on the fly.

Users never have to think about it: a query reuses ``build/aidgraph.ttl`` when its manifest's
fingerprint matches the seeds, and otherwise builds the graph from the YAML in memory (without
writing anything).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from graph.cache import current_graph

__all__ = ["open_store"]


def open_store(seeds_dir: Path, build_dir: Path = Path("build")) -> ox.Store:
    """An in-memory Oxigraph store holding the graph of ``seeds_dir`` (ontology included).

    Raises
    ------
    FactError
        When the graph must be built and the facts hold problems.
    """
    store = ox.Store()
    built = current_graph(seeds_dir, build_dir)
    if built is not None:
        store.load(path=str(built), format=ox.RdfFormat.TURTLE)
        return store
    from graph.build import build_graph
    from graph.export import serialize

    graph, _ = build_graph(seeds_dir)
    store.load(serialize(graph, "nt"), format=ox.RdfFormat.N_TRIPLES)
    return store
