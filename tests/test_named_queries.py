"""Every named query answers its question on the seeds (asserted against the curated facts)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pyoxigraph as ox
import pytest

from graph.errors import QueryError
from graph.query.named import named_queries, parse_named_query
from graph.query.run import run_query
from ontology.prefixes import AG_NS, AID_NS, PREFIXES, SRC_NS
from tests.conftest import raises_exactly


@pytest.fixture(scope="module")
def ask(seed_store):
    def run(name: str, **params: str) -> list[dict]:
        return run_query(seed_store, named=name, params=params).records()

    return run


def _split(value: str, separator: str) -> set[str]:
    return set(value.split(separator)) if value else set()


def test_the_library_has_at_least_fifteen_documented_queries() -> None:
    queries = named_queries()
    assert len(queries) >= 15
    for query in queries.values():
        assert query.title and query.description and query.text.strip()


def test_error_header_without_title() -> None:
    with raises_exactly(QueryError, "named query 'x' needs '# title:' and '# description:' header lines"):
        parse_named_query("x", "SELECT * WHERE {}")


def test_pledges(ask) -> None:
    rows = ask("pledges")
    assert len(rows) == 9
    top = rows[0]
    assert (top["donorName"], top["amount"], top["announced"]) == ("Mexico", Decimal(30000000000), "2018-12")
    assert top["sources"] == "migrant refugee US Central America"
    opic = next(r for r in rows if "OPIC" in r["pledge"])
    assert opic["qualifier"] == "about"
    assert _split(opic["partOf"], " + ") == {
        "U.S. $5.8 billion for Central America (December 2018)",
        "U.S. additional $2 billion for southern Mexico (December 2018)",
    }
    assert [r["donorName"] for r in ask("pledges", donor="us")] == ["United States"] * 3


def test_totals_by_donor_count_cross_border_money_with_agencies_rolled_up(ask) -> None:
    # Mexico's $30 billion is spending at home, not aid; the DFC and OPIC are U.S. agencies
    assert [(r["donorName"], r["high"], r["pledges"], r["inexact"]) for r in ask("totals-by-donor")] == [
        ("United States", Decimal(13550000000), 7, 1),
    ]


def test_totals_by_recipient_keep_joint_sums_together(ask) -> None:
    totals = {frozenset(_split(r["recipients"], " + ")): r["high"] for r in ask("totals-by-recipient")}
    assert totals[frozenset({"Central America"})] == Decimal(6550000000)
    assert totals[frozenset({"Southern Mexico"})] == Decimal(2000000000)  # the U.S. money only, not Mexico's plan
    assert totals[frozenset({"(recipient not stated)"})] == Decimal(2000000000)
    assert totals[frozenset({"Honduras"})] == Decimal(1000000000)
    assert sum(totals.values()) == Decimal(13550000000)


def test_totals_by_program(ask) -> None:
    assert [(r["program"], r["high"]) for r in ask("totals-by-program")] == [
        ("Mexican development plan for southern Mexico and Central America", Decimal(7800000000)),
        ("U.S.–Mexico long-term strategy on illegal migration", Decimal(5000000000)),
        ("Alliance for Prosperity", Decimal(750000000)),
    ]


@pytest.mark.parametrize(("name", "by", "key"), [
    ("totals-by-donor", "donor", "donorName"),
    ("totals-by-recipient", "recipient", "recipients"),
    ("totals-by-program", "program", "program"),
])  # fmt: skip
def test_totals_queries_give_the_high_end_of_flows(ask, seed_store, name: str, by: str, key: str) -> None:
    from graph.network.flows import flow_totals

    flows = {(frozenset(t.key.split(" + ")), t.currency): (t.high, t.pledges) for t in flow_totals(seed_store, by=by)}
    query = {(frozenset(_split(r[key], " + ")), r["currency"]): (r["high"], r["pledges"]) for r in ask(name)}
    assert query == flows


def test_involvement_of_an_agency(ask) -> None:
    rows = {(r["role"], r["name"]) for r in ask("involvement", entity="usaid")}
    assert rows == {
        ("agency of", "United States"),
        ("has member", "Mark Green"),
        ("implements", "Planting Opportunities"),
        ("announced", "Anti-corruption cases in Honduras have increased with U.S. support"),
    }
    dfc = {(r["role"], r["class"]) for r in ask("involvement", entity="dfc")}
    assert ("pledged", "Pledge") in dfc


def test_programs_by_country_follow_regions(ask) -> None:
    rows = {(r["class"], r["name"], r["via"]) for r in ask("programs-by-country", country="hn")}
    assert ("Program", "Planting Opportunities", "") in rows
    assert ("Program", "Planting Opportunities", "Northern Triangle") in rows
    assert ("Program", "Alliance for Prosperity", "Central America") in rows
    mexico = {(r["name"], r["via"]) for r in ask("programs-by-country", country="mx")}
    assert ("Mexican development plan for southern Mexico and Central America", "Southern Mexico") in mexico


def test_policies(ask) -> None:
    rows = {r["policy"]: r for r in ask("policies")}
    assert len(rows) == 23
    deployment = rows["Deployment of Mexico's National Guard to its borders"]
    assert (deployment["administration"], deployment["started"]) == ("Andrés Manuel López Obrador", "2019-06")
    assert _split(deployment["implementedBy"], ", ") == {"Mexican National Guard", "Mexican federal police"}


def test_policies_by_administration(ask) -> None:
    obama = [(r["class"], r["name"]) for r in ask("policies-by-administration", administration="barack-obama")]
    assert obama == [
        ("Program", "Alliance for Prosperity"),
        ("Program", "Deferred Action for Childhood Arrivals"),
        ("Program", "Obama-era program of temporary legal residence for Central American children under threat"),
    ]
    trump = {r["name"]: r["date"] for r in ask("policies-by-administration", administration="donald-trump")}
    assert trump["Ending Deferred Action for Childhood Arrivals"] == "2017-09"


def test_people_and_offices(ask) -> None:
    people = {r["person"]: r for r in ask("people")}
    assert len(people) == 14
    assert people["Marcelo Ebrard"]["position"] == "Foreign Secretary of Mexico"
    # his Southern Command post was a former one ("from his time as chief"), so not a membership
    assert _split(people["John Kelly"]["memberOf"], ", ") == {"U.S. Department of Homeland Security"}


def test_evidence_behind_an_entity(ask) -> None:
    rows = ask("evidence", entity="opic-2018-new-money")
    assert [r["quote"] for r in rows] == [
        "About $2 billion is new money potentially available through the Overseas Private Investment Corp.",
        (
            'The funds, including loans, are distributed based on the "commercial viability" of projects, '
            "State Department officials said."
        ),
    ]
    assert {r["source"] for r in rows} == {"migrant refugee US Central America"}


def test_entities_in_more_than_one_source(ask) -> None:
    counts = {r["name"]: r["sourceCount"] for r in ask("multi-source")}
    assert counts["Donald Trump"] == 5 and counts["Mexico"] == 5
    assert counts["Remain in Mexico"] == 3
    assert "Marcelo Ebrard" not in counts
    assert all(count > 1 for count in counts.values())


def test_multi_source_lists_exactly_the_facts_with_two_sources_in_their_evidence(seed_store, ask) -> None:
    """Every row, counted from the store's triples in Python rather than by a query."""
    sources: dict[ox.NamedNode, set[str]] = defaultdict(set)
    for link in seed_store.quads_for_pattern(None, ox.NamedNode(AG_NS + "evidence"), None):
        for said in seed_store.quads_for_pattern(link.object, ox.NamedNode(AG_NS + "source"), None):
            sources[link.subject].add(said.object.value.removeprefix(SRC_NS))
    expected = {
        (label.object.value, kind.object.value.removeprefix(AG_NS), len(ids), ", ".join(sorted(ids)))
        for fact, ids in sources.items()
        if len(ids) > 1
        for label in seed_store.quads_for_pattern(fact, ox.NamedNode(PREFIXES["rdfs"] + "label"), None)
        for kind in seed_store.quads_for_pattern(fact, ox.NamedNode(PREFIXES["rdf"] + "type"), None)
        if kind.object.value.startswith(AG_NS)
    }
    rows = [(r["name"], r["class"], r["sourceCount"], r["sources"]) for r in ask("multi-source")]
    assert len(expected) > 20 and sorted(rows) == sorted(expected)
    assert [(-count, name) for name, _, count, _ in rows] == sorted((-count, name) for name, _, count, _ in rows)


def test_multi_source_keeps_apart_facts_that_share_a_name_in_one_order() -> None:
    """A program, two countries and a policy all named "Twin", each with two sources: four rows, by class."""
    ag, said = (lambda name: ox.NamedNode(AG_NS + name)), []
    for fact, kind, sources in (("a", "Program", "s1 s2"), ("b", "Country", "s2 s3"), ("c", "Policy", "s1 s3"), ("d", "Country", "s1 s3")):
        node = ox.NamedNode(AID_NS + fact)
        said += [ox.Quad(node, ox.NamedNode(PREFIXES["rdfs"] + "label"), ox.Literal("Twin"))]
        said += [ox.Quad(node, ox.NamedNode(PREFIXES["rdf"] + "type"), ag(kind))]
        for source in sources.split():
            evidence = ox.NamedNode(f"{AID_NS}{fact}-{source}")
            said += [ox.Quad(node, ag("evidence"), evidence), ox.Quad(evidence, ag("source"), ox.NamedNode(SRC_NS + source))]
    store = ox.Store()
    store.extend(said)
    rows = run_query(store, named="multi-source").records()
    assert [r["class"] for r in rows] == ["Country", "Country", "Policy", "Program"]
    assert sorted((r["class"], r["sources"]) for r in rows) == [
        ("Country", "s1, s3"), ("Country", "s2, s3"), ("Policy", "s1, s3"), ("Program", "s1, s2"),
    ]  # fmt: skip


def test_timeline_is_in_date_order_with_its_precision(ask) -> None:
    rows = ask("timeline")
    dates = [r["date"] for r in rows]
    assert dates == sorted(dates)
    assert ("2017-10-26", "announced", "U.S.–Mexico collaboration in the Northern Triangle (2017)") in [
        (r["date"], r["event"], r["name"]) for r in rows
    ]
    assert sum(1 for r in rows if r["event"] == "published") == 5


def test_what_each_source_says(ask) -> None:
    rows = ask("source-facts", source="reuters-kelly-mexico-2017")
    facts = {r["fact"] for r in rows}
    assert {"Alliance for Prosperity", "John Kelly", "William Brownfield"} <= facts
    assert {r["source"] for r in rows} == {"src:reuters-kelly-mexico-2017"}
    assert "Planting Opportunities" not in facts


def test_pledge_parts(ask) -> None:
    parts = [(r["whole"], r["part"], r["partAmount"]) for r in ask("pledge-parts")]
    opic = "About $2 billion of new money through OPIC (December 2018)"
    assert parts == [
        ("U.S. $5.8 billion for Central America (December 2018)", opic, Decimal(2000000000)),
        ("U.S. additional $2 billion for southern Mexico (December 2018)", opic, Decimal(2000000000)),
    ]


def test_statistics(ask) -> None:
    rows = {r["figure"]: r for r in ask("statistics")}
    assert len(rows) == 9
    tripled = rows["Asylum requests in Mexico from Central Americans tripled (2012–2015)"]
    assert (tripled["value"], tripled["from"], tripled["until"]) == (Decimal(3), "2012", "2015")
    assert [r["figure"] for r in ask("statistics", place="sv")] == [
        "33 towns in El Salvador where the U.S. helps fight crime"
    ]
    # the 500,000 youth have no stated place (only the collaboration's start is in Honduras)
    assert ask("statistics", place="hn") == []


def test_agencies_by_country(ask) -> None:
    mexican = {r["agency"] for r in ask("agencies", country="mx")}
    assert mexican == {
        "Mexican Agency for International Development Cooperation",
        "Mexican Ministry of Foreign Affairs",
        "Mexican National Guard",
        "Mexican federal police",
    }
    assert len(ask("agencies")) == 14


def test_names_find_ids_from_any_spelling(ask) -> None:
    rows = ask("names", search="obrador")
    assert {r["id"] for r in rows} == {
        "lopez-obrador",
        "lopez-obrador-central-america-social-programs",
        "lopez-obrador-washington-visit-2020",
        "root-causes-vow-2021",
    }
    assert "Lopez Obrador" in {r["name"] for r in rows}


def test_pledge_kinds(ask) -> None:
    kinds = {r["pledge"]: (r["kind"], r["newMoney"]) for r in ask("pledge-kinds")}
    assert kinds["About $2 billion of new money through OPIC (December 2018)"] == ("development-finance", True)
    assert kinds["Mexico's $30 billion over five years for southern Mexico"] == ("planned-spending", None)


def test_vague_figures(ask) -> None:
    rows = {r["name"]: r["qualifier"] for r in ask("vague-figures")}
    assert rows["U.S. funding for the Alliance for Prosperity (more than $750 million)"] == "at-least"
    assert rows["About 1.7 million people detained along the US border in the past fiscal year"] == "about"
    assert len(rows) == 6


def test_every_named_query_is_covered_by_a_test() -> None:
    covered = {
        "pledges", "totals-by-donor", "totals-by-recipient", "totals-by-program", "involvement",
        "programs-by-country", "policies", "policies-by-administration", "people", "evidence", "multi-source",
        "timeline", "source-facts", "pledge-parts", "statistics", "agencies", "names", "pledge-kinds",
        "vague-figures",
    }  # fmt: skip
    assert set(named_queries()) == covered
