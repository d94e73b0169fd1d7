"""Centrality on small hand-built graphs, against values computed by hand, and its errors."""

from __future__ import annotations

import networkx as nx
import pytest

from graph.errors import AnalysisError
from graph.network.centrality import METRICS, centrality, rank
from tests.conftest import raises_exactly


@pytest.fixture
def path4() -> nx.Graph:
    """a - b - c - d: b and c lie on the paths between the ends."""
    G = nx.path_graph(["a", "b", "c", "d"])
    for n in G:
        G.nodes[n]["label"] = n.upper()
    return G


def test_degree_by_hand(path4: nx.Graph) -> None:
    # degree / (n - 1): ends have 1 of 3 possible neighbours, middles 2 of 3
    assert centrality(path4, "degree") == pytest.approx({"a": 1 / 3, "b": 2 / 3, "c": 2 / 3, "d": 1 / 3})


def test_betweenness_by_hand(path4: nx.Graph) -> None:
    # b lies on a–c and a–d (2 of the 3 pairs not involving b): normalized 2 / 3
    assert centrality(path4, "betweenness") == pytest.approx({"a": 0, "b": 2 / 3, "c": 2 / 3, "d": 0})


def test_closeness_by_hand(path4: nx.Graph) -> None:
    # a: distances 1 + 2 + 3 = 6, closeness 3 / 6; b: 1 + 1 + 2 = 4, closeness 3 / 4
    assert centrality(path4, "closeness") == pytest.approx({"a": 0.5, "b": 0.75, "c": 0.75, "d": 0.5})


def test_weighted_degree_is_strength() -> None:
    G = nx.Graph([("a", "b", {"weight": 3}), ("b", "c", {"weight": 1})])
    assert centrality(G, "degree", weight=True) == {"a": 3.0, "b": 4.0, "c": 1.0}


def test_weighted_paths_treat_strong_links_as_short() -> None:
    # A square a-b-c-d-a with strong a-b, b-c (10) and weak c-d, d-a (1); distances are 1/weight.
    # Unweighted, both routes a→c tie and b, d share them. Weighted, a→c goes through b (0.2 < 2),
    # and b→d ties through a or c (1.1 each). Raw: b 1, a 0.5, c 0.5, d 0; normalized by 3 pairs.
    G = nx.cycle_graph(["a", "b", "c", "d"])
    nx.set_edge_attributes(G, {("a", "b"): 10, ("b", "c"): 10, ("c", "d"): 1, ("d", "a"): 1}, "weight")
    assert centrality(G, "betweenness") == pytest.approx({n: 1 / 6 for n in "abcd"})
    assert centrality(G, "betweenness", weight=True) == pytest.approx({"a": 1 / 6, "b": 1 / 3, "c": 1 / 6, "d": 0})


def test_in_and_out_strength_on_directed_graphs() -> None:
    G = nx.DiGraph(
        [("us", "plan", {"weight": 7.8}), ("mx", "plan", {"weight": 30.0}), ("plan", "south", {"weight": 30.0})]
    )
    assert centrality(G, "in-strength", weight=True) == {"us": 0.0, "plan": 37.8, "mx": 0.0, "south": 30.0}
    assert centrality(G, "out-strength") == {"us": 1.0, "plan": 1.0, "mx": 1.0, "south": 0.0}


def test_pagerank_and_eigenvector_of_a_cycle_are_uniform() -> None:
    G = nx.cycle_graph(4)
    assert centrality(G, "pagerank") == pytest.approx({n: 0.25 for n in G})
    assert centrality(G, "eigenvector") == pytest.approx({n: 0.5 for n in G})


def test_ties_are_broken_by_label_then_id() -> None:
    G = nx.Graph([("z", "hub"), ("y", "hub")])
    G.nodes["z"]["label"] = "Alpha"
    G.nodes["y"]["label"] = "Beta"
    assert [r.node for r in rank(G, "degree")] == ["hub", "z", "y"]
    assert [r.rank for r in rank(G, "degree", top=2)] == [1, 2]


def test_error_unknown_metric(path4: nx.Graph) -> None:
    message = "unknown metric 'fame': choose one of degree, betweenness, closeness, pagerank, eigenvector, in-strength, out-strength"
    with raises_exactly(AnalysisError, message):
        centrality(path4, "fame")


def test_error_empty_graph() -> None:
    with raises_exactly(AnalysisError, "the projection is empty: there is nothing to rank"):
        centrality(nx.Graph(), "degree")


def test_error_directed_metric_on_undirected_graph(path4: nx.Graph) -> None:
    with raises_exactly(AnalysisError, "in-strength needs a directed projection (funding or entities)"):
        centrality(path4, "in-strength")


def test_error_eigenvector_that_does_not_converge(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise nx.PowerIterationFailedConvergence(1000)

    monkeypatch.setattr(nx, "eigenvector_centrality", fail)
    with pytest.raises(AnalysisError, match="eigenvector centrality did not converge .*; try pagerank"):
        centrality(nx.cycle_graph(3), "eigenvector")


@pytest.mark.parametrize("metric", METRICS)
def test_every_metric_ranks_the_seed_projections(seed_store, metric: str) -> None:
    from graph.network.projections import project

    G = project(seed_store, "funding")
    ranking = rank(G, metric, weight=True)
    scores = centrality(G, metric, weight=True)
    assert len(ranking) == G.number_of_nodes()
    assert {r.node: r.score for r in ranking} == pytest.approx(scores)
    assert {(r.label, r.cls) for r in ranking} == {(G.nodes[n]["label"], G.nodes[n]["class"]) for n in G}


# -- the igraph accelerator gives networkx's scores ------------------------------------------------


def _reference(G: nx.Graph, metric: str, weight: bool) -> dict:
    """networkx itself, as the project used it before the accelerator (1 / weight as distance)."""
    H = G
    if weight:
        H = G.copy()
        for _, _, data in H.edges(data=True):
            data["distance"] = 1.0 / data["weight"]
    if metric == "betweenness":
        return nx.betweenness_centrality(H, weight="distance" if weight else None)
    return nx.closeness_centrality(H, distance="distance" if weight else None)


def _random_graphs() -> list[nx.Graph]:
    import random

    rng = random.Random(18)
    graphs = []
    for directed in (False, True):
        for n, p in ((12, 0.3), (40, 0.1), (60, 0.05)):
            G = nx.gnp_random_graph(n, p, seed=rng.randint(0, 10**6), directed=directed)
            G.add_node("isolated")
            for u, v in G.edges():
                G.edges[u, v]["weight"] = rng.choice([1, 2, 3, 5, 8, 1.5, 2.5e8])
            graphs.append(G)
    return graphs


@pytest.mark.parametrize("metric", ["betweenness", "closeness"])
@pytest.mark.parametrize("weight", [False, True])
def test_accelerated_scores_equal_networkx_on_random_graphs(metric: str, weight: bool) -> None:
    from graph.network.centrality import _accelerated

    for G in _random_graphs():
        fast = _accelerated(G, metric, "weight" if weight else None)
        if metric == "betweenness" and weight:
            assert fast is None  # float ties of 1/weight sums: networkx answers (see _accelerated)
            fast = centrality(G, metric, weight=weight)
        assert fast is not None  # igraph is in the test extra: the accelerated path is the one tested
        expected = _reference(G, metric, weight)
        assert fast.keys() == expected.keys()
        assert all(_close(fast[n], expected[n]) for n in G), (G, metric, weight)
        assert centrality(G, metric, weight=weight) == fast


def _close(a: float, b: float) -> bool:
    """Equal to 1e-9, relative for scores above 1 (closeness on USD weights is about 1e8)."""
    return abs(a - b) <= 1e-9 * max(1.0, abs(b))


@pytest.mark.parametrize("projection", ["actors", "funding", "entities"])
def test_accelerated_scores_equal_networkx_on_the_seed_projections(seed_store, projection: str) -> None:
    from graph.network.projections import project

    G = project(seed_store, projection)
    for metric in ("betweenness", "closeness"):
        for weight in (False, True):
            fast, expected = centrality(G, metric, weight=weight), _reference(G, metric, weight)
            assert all(_close(fast[n], expected[n]) for n in G), (projection, metric, weight)


def test_without_igraph_networkx_answers(monkeypatch: pytest.MonkeyPatch, path4: nx.Graph) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "igraph", None)  # import igraph now raises ImportError
    assert centrality(path4, "betweenness") == nx.betweenness_centrality(path4)
    assert centrality(path4, "closeness") == nx.closeness_centrality(path4)


def test_graphs_igraph_would_read_differently_fall_back_to_networkx() -> None:
    from graph.network.centrality import _accelerated

    assert _accelerated(nx.MultiGraph([(1, 2), (2, 3)]), "betweenness", None) is None
    assert _accelerated(nx.path_graph(2), "closeness", None) is None
    zero = nx.path_graph(4)
    nx.set_edge_attributes(zero, 0, "weight")
    assert _accelerated(zero, "closeness", "weight") is None
    assert centrality(zero, "closeness", weight=True) == _reference_with_infinite_distances(zero)


def _reference_with_infinite_distances(G: nx.Graph) -> dict:
    H = G.copy()
    nx.set_edge_attributes(H, float("inf"), "distance")
    return nx.closeness_centrality(H, distance="distance")


def test_the_metric_list_is_the_registry_the_cli_offers() -> None:
    from graph import choices
    from graph.network.centrality import REGISTRY

    assert METRICS == tuple(REGISTRY) == choices.METRICS


def test_error_out_strength_refuses_an_undirected_graph(path4: nx.Graph) -> None:
    with pytest.raises(AnalysisError) as err:
        centrality(path4, "out-strength", weight=True)
    assert str(err.value) == "out-strength needs a directed projection (funding or entities)"
