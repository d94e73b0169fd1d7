"""The built aidgraph knowledge graph and everything done with it: the Python API of the CLI.

Every ``aidgraph`` command is one call (or two: open, then act) of the functions named here,
so anything the command line does, a notebook does the same way. Names load on first use, so
``import graph`` (and the CLI's ``--help``) stays fast; no name here is also a submodule's.

The rooms: :mod:`graph.query` (safe SPARQL, named queries, engines, results),
:mod:`graph.network` (projections, centrality, money flows), :mod:`graph.pages` (HTML),
:mod:`graph.cli` (the command line), and beside them the store, build, export, push and serve.

Examples
--------
>>> import graph
>>> from pathlib import Path
>>> store = graph.open_store(Path("seeds"), Path("no-such-build"))
>>> graph.summarize(store).totals  # cross-border money as (low, high): Mexico's plan at home is not aid
{'USD': (Decimal('7800000000'), Decimal('13550000000'))}
>>> graph.run_query(store, named="pledges", params={"donor": "dfc"}).records()[0]["donor"]
'aid:dfc'
>>> [r.node for r in graph.rank(graph.project(store, "actors"), "degree", top=2)]
['us', 'mx']
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "BuildResult",
    "Limits",
    "QueryResult",
    "build_graph",
    "centrality",
    "check_all",
    "draft_article",
    "dump",
    "explain_totals",
    "flow_table",
    "flow_totals",
    "load_facts",
    "network_page",
    "open_engine",
    "open_store",
    "project",
    "projection_bytes",
    "push_graph",
    "rank",
    "read_article",
    "read_money",
    "read_query",
    "render",
    "run_query",
    "sankey_page",
    "serve_graph",
    "summarize",
    "timeline_page",
    "write_site",
]

_HOMES = {
    "BuildResult": ("graph.build", "BuildResult"),
    "Limits": ("graph.query.run", "Limits"),
    "QueryResult": ("graph.query.results", "QueryResult"),
    "build_graph": ("graph.build", "build"),
    "centrality": ("graph.network.centrality", "centrality"),
    "check_all": ("loaders.check", "check_all"),
    "draft_article": ("loaders.extract", "draft_article"),
    "explain_totals": ("graph.network.flows", "explain_totals"),
    "dump": ("graph.export", "dump"),
    "flow_table": ("graph.network.flows", "flow_table"),
    "flow_totals": ("graph.network.flows", "flow_totals"),
    "load_facts": ("loaders.facts", "load_facts"),
    "network_page": ("graph.pages.network", "network_page"),
    "open_engine": ("graph.query.engines", "open_engine"),
    "open_store": ("graph.store", "open_store"),
    "project": ("graph.network.projections", "project"),
    "projection_bytes": ("graph.network.export", "projection_bytes"),
    "push_graph": ("graph.push", "push"),
    "rank": ("graph.network.centrality", "rank"),
    "read_article": ("loaders.extract", "read_article"),
    "read_money": ("graph.network.flows", "read_money"),
    "read_query": ("graph.query.run", "read_query"),
    "render": ("graph.query.results", "render"),
    "run_query": ("graph.query.run", "run_query"),
    "sankey_page": ("graph.pages.money", "sankey_page"),
    "serve_graph": ("graph.serve", "serve_graph"),
    "summarize": ("graph.summary", "summarize"),
    "timeline_page": ("graph.pages.timeline", "timeline_page"),
    "write_site": ("graph.pages.site", "write_site"),
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        module, attribute = _HOMES[name]
        return getattr(importlib.import_module(module), attribute)
    raise AttributeError(f"module 'graph' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
