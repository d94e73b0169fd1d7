"""Centrality on a projection, with NetworkX's algorithms and deterministic rankings.

Weights mean strength in the projections (facts linking two actors, USD between two nodes), but
path-based measures (betweenness, closeness) read a weight as a distance. With ``weight=True``
those measures therefore use ``1 / weight`` as the distance: strongly linked nodes are close.

Examples
--------
A star: the centre is on every shortest path between leaves.

>>> G = nx.star_graph(3)
>>> centrality(G, "betweenness")
{0: 1.0, 1: 0.0, 2: 0.0, 3: 0.0}
>>> centrality(G, "degree")[0]
1.0
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from graph.choices import require
from graph.errors import AnalysisError

__all__ = ["METRICS", "REGISTRY", "Ranked", "centrality", "rank"]

Weight = str | None
"""The edge attribute holding weights, or None for unweighted (networkx's ``weight=`` convention)."""


@dataclass(frozen=True)
class Ranked:
    """One node of a ranking: its place, id, label, class and score."""

    rank: int
    node: str
    label: str
    cls: str
    score: float


def _degree(G: nx.Graph, weight: Weight) -> dict[Any, float]:
    return {n: float(d) for n, d in G.degree(weight=weight)} if weight else nx.degree_centrality(G)


def _betweenness(G: nx.Graph, weight: Weight) -> dict[Any, float]:
    return _path_based(G, "betweenness", weight, lambda H, d: nx.betweenness_centrality(H, weight=d))


def _closeness(G: nx.Graph, weight: Weight) -> dict[Any, float]:
    return _path_based(G, "closeness", weight, lambda H, d: nx.closeness_centrality(H, distance=d))


def _path_based(
    G: nx.Graph, metric: str, weight: Weight, measure: Callable[[nx.Graph, str | None], dict[Any, float]]
) -> dict[Any, float]:
    """A shortest-path measure: igraph's when it gives networkx's scores, else networkx's on distances."""
    fast = _accelerated(G, metric, weight)
    if fast is not None:
        return fast
    H, distance = _with_distances(G, weight)
    return measure(H, distance)


def _pagerank(G: nx.Graph, weight: Weight) -> dict[Any, float]:
    return nx.pagerank(G, weight=weight)


def _eigenvector(G: nx.Graph, weight: Weight) -> dict[Any, float]:
    try:
        return nx.eigenvector_centrality(G, max_iter=1000, weight=weight)
    except (nx.PowerIterationFailedConvergence, nx.NetworkXException) as err:
        raise AnalysisError(f"eigenvector centrality did not converge on this projection ({err}); try pagerank") from None


def _directed_only(metric: str, degrees: Callable[[nx.DiGraph, Weight], Any]) -> Callable[[nx.Graph, Weight], dict[Any, float]]:
    """Like networkx's ``not_implemented_for("undirected")``, with a sentence a user can act on."""

    def score(G: nx.Graph, weight: Weight) -> dict[Any, float]:
        if not G.is_directed():
            raise AnalysisError(f"{metric} needs a directed projection (funding or entities)")
        return {n: float(d) for n, d in degrees(G, weight)}

    score.__name__ = f"_{metric.replace('-', '_')}"
    return score


REGISTRY: dict[str, Callable[[nx.Graph, Weight], dict[Any, float]]] = {
    "degree": _degree,
    "betweenness": _betweenness,
    "closeness": _closeness,
    "pagerank": _pagerank,
    "eigenvector": _eigenvector,
    "in-strength": _directed_only("in-strength", lambda G, w: G.in_degree(weight=w)),
    "out-strength": _directed_only("out-strength", lambda G, w: G.out_degree(weight=w)),
}
"""Metric name → function(G, weight) → {node: score}: the one list ``centrality`` dispatches on."""

METRICS = tuple(REGISTRY)
"""The metric names, in the order the CLI offers them."""


def centrality(G: nx.Graph, metric: str, *, weight: bool = False) -> dict[Any, float]:
    """Score every node of ``G`` by ``metric`` (one of :data:`METRICS`).

    Exact betweenness and closeness run in python-igraph when it is installed (the ``fast``
    extra: 2,040 nodes and 47k edges in about a second instead of 70), with the same scores as
    networkx, which stays the reference and the fallback.

    Parameters
    ----------
    G
        A projection (see :mod:`graph.network.projections`).
    metric
        ``degree`` (share of other nodes linked; with ``weight``, the sum of edge weights),
        ``betweenness``, ``closeness``, ``pagerank``, ``eigenvector``, or for directed projections
        ``in-strength`` / ``out-strength`` (sum of incoming / outgoing weights, or edge counts).
    weight
        Use the edges' ``weight`` attribute (as a distance ``1/weight`` for path-based measures).

    Raises
    ------
    AnalysisError
        For an unknown metric, an empty graph, a directed-only metric on an undirected graph, or
        eigenvector centrality that does not converge.

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b", {"weight": 3.0}), ("a", "c", {"weight": 1.0})])
    >>> centrality(G, "out-strength", weight=True)
    {'a': 4.0, 'b': 0.0, 'c': 0.0}
    """
    score = REGISTRY[require(metric, METRICS, what="metric", error=AnalysisError)]
    if G.number_of_nodes() == 0:
        raise AnalysisError("the projection is empty: there is nothing to rank")
    return score(G, "weight" if weight else None)


def rank(G: nx.Graph, metric: str, *, weight: bool = False, top: int | None = None) -> list[Ranked]:
    """Nodes of ``G`` ranked by ``metric``, highest first; ties broken by label, then id.

    Examples
    --------
    >>> G = nx.Graph([("b", "a"), ("b", "c")])
    >>> [(r.rank, r.node, r.score) for r in rank(G, "degree")]
    [(1, 'b', 1.0), (2, 'a', 0.5), (3, 'c', 0.5)]
    """
    scores = centrality(G, metric, weight=weight)
    order = sorted(scores, key=lambda n: (-scores[n], str(G.nodes[n].get("label", n)), str(n)))
    if top is not None:
        order = order[:top]
    return [
        Ranked(i, str(n), str(G.nodes[n].get("label", n)), str(G.nodes[n].get("class", "")), float(scores[n]))
        for i, n in enumerate(order, start=1)
    ]


def _with_distances(G: nx.Graph, weight: Weight) -> tuple[nx.Graph, str | None]:
    """``G`` and the attribute to read as a distance: with weights, a copy whose edges carry
    ``distance = 1 / weight`` (strong links are short)."""
    if weight is None:
        return G, None
    H = G.copy()
    for _, _, data in H.edges(data=True):
        value = float(data.get(weight, 1) or 0)
        data["distance"] = 1.0 / value if value > 0 else float("inf")
    return H, "distance"


def _accelerated(G: nx.Graph, metric: str, weight: Weight) -> dict[Any, float] | None:
    """Betweenness or closeness computed by python-igraph, scaled as networkx scales them.

    None when igraph is not installed or the graph is one igraph would treat differently from
    networkx: a multigraph, fewer than three nodes, a weight that is not a positive number, and
    weighted betweenness. Betweenness counts shortest paths of equal length, and sums of
    ``1 / weight`` that are equal in exact arithmetic differ in the last bit in floating point:
    networkx then sees two lengths where igraph (comparing with a tolerance) sees a tie, and the
    scores differ (by up to 5e-4 on random graphs). networkx is the reference, so it answers.
    """
    try:
        import igraph
    except ImportError:
        return None
    n = G.number_of_nodes()
    if G.is_multigraph() or n < 3 or (metric == "betweenness" and weight is not None):
        return None
    nodes = list(G)
    index = {node: i for i, node in enumerate(nodes)}
    edges = [(index[u], index[v]) for u, v in G.edges()]
    distances = None
    if weight is not None:
        weights = [data.get(weight, 1) for _, _, data in G.edges(data=True)]
        if not all(isinstance(w, int | float) and 0 < w < float("inf") for w in weights):
            return None
        distances = [1.0 / float(w) for w in weights]
    g = igraph.Graph(n=n, edges=edges, directed=G.is_directed())
    if metric == "betweenness":
        raw = g.betweenness(weights=distances)
        scale = (1.0 if G.is_directed() else 2.0) / ((n - 1) * (n - 2))
        return {node: value * scale for node, value in zip(nodes, raw, strict=True)}
    mode = "in" if G.is_directed() else "all"  # networkx measures distances *to* each node
    table = g.distances(weights=distances, mode=mode)
    scores = {}
    for node, row in zip(nodes, table, strict=True):
        reached = [d for d in row if d != float("inf")]
        total = sum(reached)
        scores[node] = (len(reached) - 1) ** 2 / (total * (n - 1)) if total > 0 else 0.0
    return scores
