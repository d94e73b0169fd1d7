"""Projections of the seed graph: what is a node, what is an edge, and what the weight means."""

from __future__ import annotations

from decimal import Decimal

import networkx as nx
import pytest
from click.testing import CliRunner

from graph.cli import cli
from graph.errors import AnalysisError
from graph.network.centrality import rank
from graph.network.export import projection_bytes
from graph.network.flows import flow_totals
from graph.network.projections import PROJECTIONS, funding_projection, project
from loaders import load_facts
from tests.conftest import SEEDS, corpus_path

SEEDS_ENV = {"AIDGRAPH_SEEDS": str(SEEDS), "AIDGRAPH_CORPUS": str(corpus_path())}
CURATED_CLASSES = {"Agency", "Organization", "Person", "Country", "Region", "Program", "Policy", "Pledge", "Statistic"}


@pytest.fixture(scope="module")
def projections(seed_store) -> dict[str, nx.Graph]:
    return {name: project(seed_store, name) for name in PROJECTIONS}


def test_no_projection_holds_a_literal_class_or_evidence_node(projections, seed_build) -> None:
    _, facts = seed_build
    curated = set(facts.records)
    for name, G in projections.items():
        for node, data in G.nodes(data=True):
            if data["class"] == "Joint recipients":
                assert set(node.split(" + ")) <= curated, node
                continue
            if data["class"] == "Not stated":
                assert node == data["label"] == "(recipient not stated)"
                continue
            assert node in curated, (name, node)
            assert data["class"] in CURATED_CLASSES
            assert data["label"] == facts.records[node].label


def test_actors_projection_nodes_and_weights(projections) -> None:
    G = projections["actors"]
    assert {data["class"] for _, data in G.nodes(data=True)} == {"Agency", "Organization", "Person", "Country"}
    assert not G.is_directed()
    # Mark Green is a member of USAID; the 2017 collaboration he announced is carried out by the
    # two nations (the text names no agency), so it adds a link to the U.S., not to USAID
    assert G.edges["mark-green", "usaid"]["weight"] == 1
    assert G.has_edge("mark-green", "us")
    # Ebrard: member of the foreign ministry, and announced the two December 2018 pledges with
    # the State Department (one pledge-sharing fact per pledge)
    assert G.edges["marcelo-ebrard", "us-state-department"]["weight"] == 2


def test_top_actors_by_degree_are_stable_and_sensible(projections) -> None:
    top = [r.node for r in rank(projections["actors"], "degree", top=5)]
    assert top[:3] == ["us", "mx", "us-state-department"]
    assert "lopez-obrador" in top


def test_funding_projection_counts_cross_border_money_once(projections, seed_build, seed_store) -> None:
    G = projections["funding"]
    _, facts = seed_build
    counted = [r for r in facts.of_kind("pledge") if not r.part_of and facts.scopes[r.id][0] == "cross-border"]
    out_of_donors = sum(G.out_degree(donor, weight="weight") for donor in {r.pledged_by for r in counted})
    assert Decimal(str(out_of_donors)) == sum(r.amount for r in counted) == Decimal(13550000000)
    assert "opic" not in G  # its $2 billion is a portion of the U.S. money
    assert "mx" not in G  # Mexico's plan at home is not aid
    assert G.edges["us", "mexico-development-plan"]["weight"] == 7.8e9
    assert G.edges["mexico-development-plan", "southern-mexico"]["weight"] == 2e9
    assert G.edges["us-mexico-long-term-strategy", "(recipient not stated)"]["pledges"] == ["dfc-private-sector-2bn"]
    assert (G.edges["us", "alliance-for-prosperity"]["low"], G.edges["us", "alliance-for-prosperity"]["weight"]) == (
        7.5e8,
        7.5e8,
    )
    with_plans = funding_projection(seed_store, include=("domestic",))
    assert with_plans.edges["mx", "mexico-development-plan"]["scopes"] == ["domestic"]
    assert with_plans.edges["mexico-development-plan", "southern-mexico"]["scopes"] == ["cross-border", "domestic"]


def test_entities_projection_holds_relations_only(projections) -> None:
    G = projections["entities"]
    assert G.number_of_nodes() == 103
    assert G.edges["opic-2018-new-money", "us-2018-central-america"]["relations"] == "partOf"
    assert G.edges["planting-opportunities", "usaid"]["relations"] == "implementedBy"
    relations = {r for _, _, d in G.edges(data=True) for r in d["relations"].split()}
    assert relations <= {
        "agencyOf", "basedIn", "memberOf", "includes", "within", "implementedBy", "targets", "announcedBy",
        "administration", "pledgedBy", "recipient", "forProgram", "partOf", "place",
    }  # fmt: skip


def test_error_unknown_projection(seed_store) -> None:
    with pytest.raises(AnalysisError, match="unknown projection 'people': choose one of actors, funding, entities"):
        project(seed_store, "people")


def test_flow_totals_high_equals_curated_cross_border_pledges(seed_store, seed_build) -> None:
    _, facts = seed_build
    expected: dict[str, Decimal] = {}
    for pledge in facts.of_kind("pledge"):
        if not pledge.part_of and facts.scopes[pledge.id][0] == "cross-border":
            body = facts.records[pledge.pledged_by]
            donor = facts.records[getattr(body, "agency_of", body.id)].label
            expected[donor] = expected.get(donor, Decimal(0)) + pledge.amount
    assert {r.key: r.high for r in flow_totals(seed_store, by="donor")} == expected
    for by in ("body", "recipient", "program", "year"):
        assert sum(r.high for r in flow_totals(seed_store, by=by)) == sum(expected.values())
    by_year = {r.key: (r.low, r.high) for r in flow_totals(seed_store, by="year")}
    assert by_year == {"2018": (Decimal(7800000000),) * 2, "(undated)": (Decimal(5750000000),) * 2}


def test_other_currencies_are_never_added_to_usd(write_seeds) -> None:
    from graph.store import open_store

    seeds = write_seeds(
        {
            "eur.yaml": "source: s1\npledges:\n  - id: eu\n    label: E\n    pledged_by: dfc\n    recipient: sv\n"
            "    amount: 5 million\n    currency: EUR\n    evidence: [x]\n"
        }
    )
    store = open_store(seeds, seeds / "no-build")
    totals = [(r.key, r.currency, r.high) for r in flow_totals(store, by="body")]
    assert totals == [
        ("Development Finance Corporation", "USD", Decimal(1000000000)),
        ("Development Finance Corporation", "EUR", Decimal(5000000)),
    ]
    G = project(store, "funding")
    assert G.edges["dfc", "sv"]["weight"] == 1e9
    assert G.edges["dfc", "sv"]["other_currencies"] == {"EUR": Decimal(5000000)}
    assert load_facts(seeds).records["eu"].currency == "EUR"


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
@pytest.mark.parametrize("name", ["actors", "funding", "entities"])
def test_gexf_and_graphml_read_back_to_the_same_network(projections, tmp_path, fmt: str, name: str) -> None:
    G = projections[name]
    path = tmp_path / f"g.{fmt}"
    path.write_bytes(projection_bytes(G, fmt))
    back = nx.read_gexf(path) if fmt == "gexf" else nx.read_graphml(path)
    assert set(back.nodes) == set(G.nodes)
    ends = tuple if G.is_directed() else frozenset
    assert back.is_directed() == G.is_directed()
    assert {ends((u, v)) for u, v in back.edges} == {ends((u, v)) for u, v in G.edges}
    for u, v, data in G.edges(data=True):
        assert back.edges[u, v]["weight"] == pytest.approx(data["weight"])
    assert all(back.nodes[n]["class"] == G.nodes[n]["class"] for n in G)


def test_cli_export_projection_and_errors(tmp_path) -> None:
    runner = CliRunner(env=SEEDS_ENV)
    target = tmp_path / "actors.graphml"
    result = runner.invoke(cli, ["export", "--projection", "actors", "--format", "graphml", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert nx.read_graphml(target).number_of_nodes() == 37
    csv_rows = runner.invoke(cli, ["export", "--projection", "funding", "--format", "csv"]).stdout.splitlines()
    assert csv_rows[0] == "source,target,source_label,target_label,source_class,target_class,weight,low,pledges,scopes"
    assert runner.invoke(cli, ["export", "--format", "gexf"]).exit_code == 2
    assert runner.invoke(cli, ["export", "--projection", "actors", "--format", "turtle"]).exit_code == 2


def test_cli_centrality_and_flows() -> None:
    runner = CliRunner(env=SEEDS_ENV)
    result = runner.invoke(cli, ["centrality", "--metric", "degree", "--projection", "actors", "--top", "2"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[2:4] == [
        "   1 | us | United States | Country | 0.5833",
        "   2 | mx | Mexico        | Country | 0.3333",
    ]
    error = runner.invoke(cli, ["centrality", "--metric", "in-strength", "--projection", "actors"])
    assert (error.exit_code, error.stderr.strip()) == (
        1,
        "Error: in-strength needs a directed projection (funding or entities)",
    )
    flows = runner.invoke(cli, ["flows", "--by", "donor", "--format", "json"])
    document = __import__("json").loads(flows.stdout)
    assert [{name: cell["value"] for name, cell in row.items()} for row in document["results"]["bindings"]] == [{
        "key": "United States", "currency": "USD", "low": "7800000000", "high": "13550000000", "facts": "7",
        "scope": "cross-border", "qualifiers": "about at-least",
    }]  # fmt: skip
