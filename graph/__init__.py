"""The built aidgraph knowledge graph and everything done with it, plus the ``aidgraph`` CLI.

The Python API mirrors the CLI. Names are imported lazily, so ``import graph`` (and the CLI's
``--help``) stays fast; the heavy libraries load on first use.

Examples
--------
>>> import graph
>>> from pathlib import Path
>>> store = graph.open_store(Path("seeds"), Path("no-such-build"))
>>> graph.summarize(store).totals  # cross-border money as (low, high): Mexico's plan at home is not aid
{'USD': (Decimal('7800000000'), Decimal('13550000000'))}
>>> [r.node for r in graph.rank(graph.project(store, "actors"), "degree", top=2)]
['us', 'mx']
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "BuildResult",
    "build",
    "build_graph",
    "build_store",
    "check_all",
    "dump",
    "flow_totals",
    "open_store",
    "project",
    "query",
    "query_frame",
    "query_rows",
    "rank",
    "summarize",
]

_HOMES = {
    "BuildResult": "graph.build",
    "build": "graph.build",
    "build_graph": "graph.build",
    "build_store": "graph.build",
    "check_all": "loaders.check",
    "dump": "graph.export",
    "flow_totals": "graph.network.flows",
    "open_store": "graph.store",
    "project": "graph.network.projections",
    "query": "graph.query.run",
    "query_frame": "graph.query.run",
    "query_rows": "graph.query.run",
    "rank": "graph.network.centrality",
    "summarize": "graph.summary",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'graph' has no attribute {name!r}")
