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
from graph.network.projections import PROJECTIONS, project
from loaders import load_facts

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
    # Ebrard: member of the foreign ministry, and announced the three December 2018 pledges with
    # the State Department (one pledge-sharing fact per pledge)
    assert G.edges["marcelo-ebrard", "us-state-department"]["weight"] == 3


def test_top_actors_by_degree_are_stable_and_sensible(projections) -> None:
    top = [r.node for r in rank(projections["actors"], "degree", top=5)]
    assert top[:3] == ["us", "mx", "us-state-department"]
    assert "lopez-obrador" in top


def test_funding_projection_never_counts_a_part_twice(projections, seed_build) -> None:
    G = projections["funding"]
    _, facts = seed_build
    donors = {r.pledged_by for r in facts.of_kind("pledge") if r.part_of is None}
    out_of_donors = sum(G.out_degree(donor, weight="weight") for donor in donors)
    top_level = sum(r.amount for r in facts.of_kind("pledge") if r.part_of is None)
    assert Decimal(str(out_of_donors)) == top_level == Decimal(43550000000)
    assert "opic" not in G  # its $2 billion is part of the US commitment
    assert G.edges["us", "mexico-development-plan"]["weight"] == 7.8e9
    assert G.edges["mexico-development-plan", "central-america + southern-mexico"]["weight"] == 7.8e9
    assert G.nodes["central-america + southern-mexico"]["class"] == "Joint recipients"


def test_entities_projection_holds_relations_only(projections) -> None:
    G = projections["entities"]
    assert G.number_of_nodes() == 104
    assert G.edges["us-2018-central-america", "us-2018-development-commitment"]["relations"] == "partOf"
    assert G.edges["planting-opportunities", "usaid"]["relations"] == "implementedBy"
    relations = {r for _, _, d in G.edges(data=True) for r in d["relations"].split()}
    assert relations <= {
        "agencyOf", "basedIn", "memberOf", "includes", "within", "implementedBy", "targets", "announcedBy",
        "administration", "pledgedBy", "recipient", "forProgram", "partOf", "place",
    }  # fmt: skip


def test_error_unknown_projection(seed_store) -> None:
    with pytest.raises(AnalysisError, match="unknown projection 'people': choose one of actors, funding, entities"):
        project(seed_store, "people")


def test_flow_totals_equal_curated_pledges_with_part_of_respected(seed_store, seed_build) -> None:
    _, facts = seed_build
    expected: dict[str, Decimal] = {}
    for pledge in facts.of_kind("pledge"):
        if pledge.part_of is None:
            donor = facts.records[pledge.pledged_by].label
            expected[donor] = expected.get(donor, Decimal(0)) + pledge.amount
    assert {r.key: r.total for r in flow_totals(seed_store, by="donor")} == expected
    for by in ("recipient", "program", "year"):
        assert sum(r.total for r in flow_totals(seed_store, by=by)) == sum(expected.values())
    by_year = {r.key: r.total for r in flow_totals(seed_store, by="year")}
    assert by_year == {"2018": Decimal(37800000000), "(undated)": Decimal(5750000000)}


def test_other_currencies_are_never_added_to_usd(write_seeds) -> None:
    from graph.store import open_store

    seeds = write_seeds(
        {
            "eur.yaml": "source: s1\npledges:\n  - id: eu\n    label: E\n    pledged_by: dfc\n    recipient: sv\n"
            "    amount: 5 million\n    currency: EUR\n    evidence: [x]\n"
        }
    )
    store = open_store(seeds, seeds / "no-build")
    totals = [(r.key, r.currency, r.total) for r in flow_totals(store, by="donor")]
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
    assert {(u, v) for u, v in back.edges} == {(u, v) for u, v in G.edges} or not G.is_directed()
    for u, v, data in G.edges(data=True):
        assert back.edges[u, v]["weight"] == pytest.approx(data["weight"])
    assert all(back.nodes[n]["class"] == G.nodes[n]["class"] for n in G)


def test_cli_export_projection_and_errors(tmp_path) -> None:
    runner = CliRunner()
    target = tmp_path / "actors.graphml"
    result = runner.invoke(cli, ["export", "--projection", "actors", "--format", "graphml", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert nx.read_graphml(target).number_of_nodes() == 37
    csv_rows = runner.invoke(cli, ["export", "--projection", "funding", "--format", "csv"]).stdout.splitlines()
    assert csv_rows[0] == "source,target,source_label,target_label,source_class,target_class,weight,pledges"
    assert runner.invoke(cli, ["export", "--format", "gexf"]).exit_code == 2
    assert runner.invoke(cli, ["export", "--projection", "actors", "--format", "turtle"]).exit_code == 2


def test_cli_centrality_and_flows() -> None:
    runner = CliRunner()
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
    assert __import__("json").loads(flows.stdout)[0] == {
        "donor": "Mexico", "currency": "USD", "total": 30000000000, "pledges": 1,
    }  # fmt: skip
