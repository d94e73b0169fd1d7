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

from graph.cache import STORE_DIR, current_build

__all__ = ["ENGINES", "open_engine", "open_store"]

ENGINES = ("oxigraph", "memory")


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


def open_engine(
    seeds_dir: Path,
    build_dir: Path = Path("build"),
    *,
    store: str = "oxigraph",
    endpoint: str | None = None,
    graph: str | None = None,
    timeout: float = 30.0,
    user: str | None = None,
    password: str | None = None,
) -> Any:
    """What answers the queries: a remote endpoint if given, else the Oxigraph or rdflib store.

    Every engine's answers come out alike (lists sorted, booleans canonical: see
    :mod:`graph.query.canonical`); ``user`` and ``password`` log in to the endpoint.
    """
    if endpoint is not None:
        from graph.query.remote import RemoteStore

        return RemoteStore(endpoint, graph=graph, timeout=timeout, user=user, password=password)
    from graph.query.canonical import Canonical

    if store == "memory":
        from graph.build import build_graph
        from graph.query.engines import RdflibStore

        return Canonical(RdflibStore(build_graph(seeds_dir)[0]))
    return Canonical(open_store(seeds_dir, build_dir))
