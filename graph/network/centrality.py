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

from dataclasses import dataclass
from typing import Any

import networkx as nx

from graph.choices import require
from graph.errors import AnalysisError

__all__ = ["METRICS", "Ranked", "centrality", "rank"]

METRICS = ("degree", "betweenness", "closeness", "pagerank", "eigenvector", "in-strength", "out-strength")


@dataclass(frozen=True)
class Ranked:
    """One node of a ranking: its place, id, label, class and score."""

    rank: int
    node: str
    label: str
    cls: str
    score: float


def centrality(G: nx.Graph, metric: str, *, weight: bool = False) -> dict[Any, float]:
    """Score every node of ``G`` by ``metric`` (one of :data:`METRICS`).

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
    require(metric, METRICS, what="metric", error=AnalysisError)
    if G.number_of_nodes() == 0:
        raise AnalysisError("the projection is empty: there is nothing to rank")
    attr = "weight" if weight else None
    if metric in ("betweenness", "closeness"):
        H = _with_distances(G) if weight else G
        distance = "distance" if weight else None
        if metric == "betweenness":
            return nx.betweenness_centrality(H, weight=distance)
        return nx.closeness_centrality(H, distance=distance)
    if metric == "degree":
        return {n: float(d) for n, d in G.degree(weight="weight")} if weight else nx.degree_centrality(G)
    if metric == "pagerank":
        return nx.pagerank(G, weight=attr)
    if metric == "eigenvector":
        try:
            return nx.eigenvector_centrality(G, max_iter=1000, weight=attr)
        except (nx.PowerIterationFailedConvergence, nx.NetworkXException) as err:
            raise AnalysisError(
                f"eigenvector centrality did not converge on this projection ({err}); try pagerank"
            ) from None
    if not G.is_directed():
        raise AnalysisError(f"{metric} needs a directed projection (funding or entities)")
    degrees = G.in_degree(weight=attr) if metric == "in-strength" else G.out_degree(weight=attr)
    return {n: float(d) for n, d in degrees}


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


def _with_distances(G: nx.Graph) -> nx.Graph:
    """A copy of ``G`` whose edges carry ``distance = 1 / weight`` (strong links are short)."""
    H = G.copy()
    for _, _, data in H.edges(data=True):
        weight = float(data.get("weight", 1) or 0)
        data["distance"] = 1.0 / weight if weight > 0 else float("inf")
    return H
