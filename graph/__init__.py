"""The built aidgraph knowledge graph and everything done with it, plus the ``aidgraph`` CLI.

The Python API mirrors the CLI. Names are imported lazily, so ``import graph`` (and the CLI's
``--help``) stays fast; the heavy libraries load on first use.

Examples
--------
>>> import graph
>>> from pathlib import Path
>>> g, facts = graph.build_graph(Path("seeds"))
>>> graph.summarize(g).totals
{'USD': Decimal('43550000000')}
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "BuildResult",
    "build",
    "build_graph",
    "check_all",
    "serialize",
    "summarize",
]

_HOMES = {
    "BuildResult": "graph.build",
    "build": "graph.build",
    "build_graph": "graph.build",
    "check_all": "graph.check",
    "serialize": "graph.export",
    "summarize": "graph.summary",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'graph' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
