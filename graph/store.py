"""The graph as a queryable store: the built Oxigraph store, rdflib in memory, or a remote server.

Users never have to think about it: commands open the persisted store of ``build/`` read-only
when its manifest's fingerprint matches the seeds, and otherwise build the graph from the YAML
in memory (writing nothing). ``--store memory`` answers with rdflib's engine instead, and
``--endpoint URL`` with a SPARQL 1.1 server; all three answer through Oxigraph's query interface.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph.cache import pin_current_store

__all__ = ["ENGINES", "open_engine", "open_store"]

ENGINES = ("oxigraph", "memory")


def open_store(seeds_dir: Path, build_dir: Path = Path("build")) -> ox.Store:
    """An Oxigraph store holding the graph of ``seeds_dir`` (ontology included).

    The built store is opened only through the directory whose own manifest was checked against
    the seeds (see :func:`graph.cache.pin_current_store`): never a store from another build.

    Raises
    ------
    FactError
        When the graph must be built and the facts hold problems.
    """
    pinned = pin_current_store(seeds_dir, build_dir)
    if pinned is not None:
        return ox.Store.read_only(pinned)
    from graph.build import build_store

    store, _ = build_store(seeds_dir)
    return store


def open_engine(
    seeds_dir: Path,
    build_dir: Path = Path("build"),
    *,
    store: str = "oxigraph",
    endpoint: str | None = None,
    graph: str | None = None,
    timeout: float = 30.0,
) -> Any:
    """What answers the queries: a remote endpoint if given, else the Oxigraph or rdflib store."""
    if endpoint is not None:
        from graph.query.remote import RemoteStore

        return RemoteStore(endpoint, graph=graph, timeout=timeout)
    if store == "memory":
        from graph.build import build_graph
        from graph.query.engines import RdflibStore

        return RdflibStore(build_graph(seeds_dir)[0])
    return open_store(seeds_dir, build_dir)
