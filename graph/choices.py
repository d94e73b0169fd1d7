"""Every name a user can choose, in one light module: the library checks against it, the CLI offers it.

Nothing heavy is imported here, so ``aidgraph --help`` builds its choices instantly. The modules
that act on a choice (``graph.network.centrality.METRICS``, ``graph.export.RDF_FORMATS`` …) keep
their own tables of functions; ``tests/test_choices.py`` proves each table offers exactly these
names.

Examples
--------
>>> require("pagerank", METRICS, what="metric")
'pagerank'
>>> require("pagerenk", METRICS, what="metric")
Traceback (most recent call last):
...
loaders.errors.AidgraphError: unknown metric 'pagerenk' (did you mean 'pagerank'?): choose one of degree, ...
"""

from __future__ import annotations

from collections.abc import Sequence

from loaders.errors import AidgraphError
from loaders.text import did_you_mean

__all__ = [
    "DEFAULT_GRAPH",
    "ENGINES",
    "FLOW_KEYS",
    "INCLUDABLE_SCOPES",
    "METRICS",
    "PROJECTIONS",
    "PROJECTION_FORMATS",
    "QUERY_MEGABYTES",
    "QUERY_SECONDS",
    "RDF_FORMATS",
    "RESULT_FORMATS",
    "SCOPES",
    "SHACL_ENGINES",
    "TIMELINE_GROUPINGS",
    "require",
]

METRICS = ("degree", "betweenness", "closeness", "pagerank", "eigenvector", "in-strength", "out-strength")
"""Centrality measures (``graph.network.centrality``)."""
PROJECTIONS = ("actors", "funding", "entities")
"""Networks drawn from the graph (``graph.network.projections``)."""
FLOW_KEYS = ("donor", "body", "recipient", "program", "year")
"""What money totals can be grouped by: donor country, donor body, recipient, program, year."""
INCLUDABLE_SCOPES = ("domestic", "unknown")
"""Scopes of money totalled only when asked (``flows --include``), each apart, never added in."""
SCOPES = ("cross-border", *INCLUDABLE_SCOPES)
"""Scopes of money (``graph.network.flows``): cross-border money is what totals count."""
TIMELINE_GROUPINGS = ("kind", "actor")
"""Rows of the timeline page (``graph.pages.timeline``)."""
RESULT_FORMATS = ("table", "csv", "tsv", "json")
"""How answers and tables print (``graph.query.results``)."""
RDF_FORMATS = ("turtle", "nt", "jsonld", "xml", "trig")
"""Serializations of the graph (``graph.export``)."""
PROJECTION_FORMATS = ("gexf", "graphml", "csv")
"""Serializations of a projection (``graph.network.export``)."""
ENGINES = ("oxigraph", "memory")
"""Embedded engines: Oxigraph, or rdflib in memory (``graph.query.engines``)."""
QUERY_SECONDS = 60.0
"""How long a query on an embedded engine may run unless told otherwise."""
QUERY_MEGABYTES = 4096
"""How much memory a query on an embedded engine may take unless told otherwise."""
SHACL_ENGINES = ("sparql", "pyshacl")
"""How ``check`` runs the shapes: as SPARQL on Oxigraph, or with pySHACL (``loaders.shacl``)."""
DEFAULT_GRAPH = "https://w3id.org/aidgraph/graph"
"""The named graph ``aidgraph push`` writes to, and TriG exports carry the graph in."""


def require(
    value: str, choices: Sequence[str], *, what: str, error: type[AidgraphError] = AidgraphError
) -> str:
    """``value`` if it is one of ``choices``; otherwise ``error`` naming the choices."""
    if value in choices:
        return value
    hint = did_you_mean(value, choices)
    raise error(f"unknown {what} {value!r}{hint}: choose one of {', '.join(choices)}")
