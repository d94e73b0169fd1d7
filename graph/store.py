"""The graph as a queryable Oxigraph store: ``build/`` when current, else built on the fly.

Users never have to think about it: commands open the persisted store of ``build/`` read-only
when its manifest's fingerprint matches the seeds, and otherwise build the graph from the YAML
in memory (writing nothing).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from graph.cache import STORE_DIR, current_build

__all__ = ["open_store"]


def open_store(seeds_dir: Path, build_dir: Path = Path("build")) -> ox.Store:
    """An Oxigraph store holding the graph of ``seeds_dir`` (ontology included).

    Raises
    ------
    FactError
        When the graph must be built and the facts hold problems.
    """
    built = current_build(seeds_dir, build_dir)
    if built is not None:
        return ox.Store.read_only(str(built / STORE_DIR))
    from graph.build import build_store

    store, _ = build_store(seeds_dir)
    return store
