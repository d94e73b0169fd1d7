"""The graph as an Oxigraph store: the built one while it is current, else built in memory.

Users never have to think about it: commands open the persisted store of ``build/`` read-only
when its manifest's fingerprint matches the seeds, and otherwise build the graph from the YAML
in memory (writing nothing), with the same corpus ``aidgraph build`` would read, so a quote's
place in its article is known either way.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pyoxigraph as ox

from graph.cache import pin_current_store
from graph.errors import AidgraphError, AidgraphWarning

__all__ = ["open_store", "require_seeds"]


def open_store(seeds_dir: Path, build_dir: Path = Path("build"), corpus_dir: Path | None = None) -> ox.Store:
    """An Oxigraph store holding the graph of ``seeds_dir`` (ontology included).

    The built store is opened only through the directory whose own manifest was checked against
    the seeds (see :func:`graph.cache.pin_current_store`): never a store from another build.

    Raises
    ------
    FactError
        When the graph must be built and the facts hold problems.
    """
    require_seeds(seeds_dir)
    pinned = pin_current_store(seeds_dir, build_dir)
    if pinned is not None:
        return ox.Store.read_only(pinned)
    from graph.build import build_store

    if corpus_dir is None:
        warnings.warn(
            "no corpus given (--corpus or AIDGRAPH_CORPUS): quotes carry no place in their articles",
            AidgraphWarning,
            stacklevel=2,
        )
    store, _ = build_store(seeds_dir, corpus_dir)
    return store


def require_seeds(seeds_dir: Path) -> None:
    """Refuse, in words that say what to do, to work without a seeds directory."""
    if not seeds_dir.is_dir():
        raise AidgraphError(
            f"no facts here: {seeds_dir} is not a directory; run aidgraph in the project folder, "
            "or point it at the facts with --seeds DIR or AIDGRAPH_SEEDS"
        )
