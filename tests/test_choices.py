"""One registry of choices: what the CLI offers is exactly what the library accepts."""

from __future__ import annotations

import click
import pytest

from graph import choices
from graph.cli import cli
from graph.errors import AnalysisError, QueryError


def _choices_offered() -> dict[tuple[str, str], tuple[str, ...]]:
    """Every click.Choice of every command, by (command, option)."""
    offered = {}
    for name, command in cli.commands.items():
        for param in command.params:
            if isinstance(param.type, click.Choice):
                offered[(name, param.name)] = tuple(param.type.choices)
    return offered


def test_every_choice_the_cli_offers_comes_from_the_registry() -> None:
    registry = {
        value
        for value in vars(choices).values()
        if isinstance(value, tuple) and all(isinstance(v, str) for v in value)
    }
    combined = {choices.RDF_FORMATS + choices.PROJECTION_FORMATS}
    for where, offered in _choices_offered().items():
        assert offered in registry | combined, where


def test_library_tables_offer_exactly_the_registered_names() -> None:
    from graph.export import RDF_FORMATS
    from graph.network.centrality import METRICS
    from graph.network.projections import PROJECTIONS

    assert tuple(METRICS) == choices.METRICS
    assert tuple(PROJECTIONS) == choices.PROJECTIONS
    assert tuple(RDF_FORMATS) == choices.RDF_FORMATS


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        ("centrality", AnalysisError, "unknown metric 'pagerenk' (did you mean 'pagerank'?)"),
        ("project", AnalysisError, "unknown projection 'actor' (did you mean 'actors'?)"),
        ("flows", AnalysisError, "unknown grouping 'doner' (did you mean 'donor'?)"),
        ("timeline", AnalysisError, "unknown timeline grouping 'kinds' (did you mean 'kind'?)"),
        ("render", QueryError, "unknown result format 'xlsx'"),
        ("engine", QueryError, "unknown engine 'virtuoso'"),
    ],
)
def test_error_the_library_refuses_unregistered_names(call, error, message, seed_store) -> None:
    import networkx as nx

    from graph.network.centrality import centrality
    from graph.network.flows import flow_totals
    from graph.network.projections import project
    from graph.pages.timeline import timeline_page
    from graph.query.engines import open_engine
    from graph.query.results import QueryResult, render

    calls = {
        "centrality": lambda: centrality(nx.path_graph(3), "pagerenk"),
        "project": lambda: project(seed_store, "actor"),
        "flows": lambda: flow_totals(seed_store, by="doner"),
        "timeline": lambda: timeline_page(seed_store, group_by="kinds"),
        "render": lambda: render(QueryResult("SELECT"), "xlsx"),
        "engine": lambda: open_engine(__import__("pathlib").Path("seeds"), engine="virtuoso"),
    }
    with pytest.raises(error) as raised:
        calls[call]()
    assert str(raised.value).startswith(message)
