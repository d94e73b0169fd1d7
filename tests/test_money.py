"""Money that adds up: scope, overlaps, inferred fields, and the totals built on them."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli import cli
from graph.errors import AidgraphWarning, AnalysisError
from graph.network.flows import explain_totals, flow_totals, money_total, read_money
from graph.store import open_store
from loaders import FactError, check_shapes, facts_to_graph, load_facts
from loaders.facts import inference_lines
from ontology import AG, entity_iri
from tests.conftest import SEEDS, raises_exactly

MEXICO = """\
source: s1
countries:
  - id: mx
    label: Mexico
    iso_code: MX
    evidence: [x]
regions:
  - id: south
    label: Southern Mexico
    within: mx
    evidence: [x]
pledges:
  - id: mx-plan
    label: Mexico's plan for its south
    pledged_by: mx
    recipient: south
    amount: 30 billion
    evidence: [x]
"""

# US money: $5 billion to El Salvador; the DFC's $1 billion to El Salvador may be part of it; the
# DFC's $2 billion was announced twice (a restatement); $1 billion of the $5 billion is a portion.
OVERLAPPING = """\
source: s1
pledges:
  - id: us-sv
    label: U.S. $5 billion for El Salvador
    pledged_by: us
    recipient: sv
    amount: 5 billion
    evidence: [x]
  - id: us-sv-loans
    label: Loans within the $5 billion
    pledged_by: us
    recipient: sv
    part_of: us-sv
    amount: 1 billion
    evidence: [x]
  - id: dfc-sv-2019
    label: DFC $2 billion for El Salvador (2019)
    pledged_by: dfc
    recipient: sv
    amount: 2 billion
    qualifier: about
    evidence: [x]
  - id: dfc-sv-2020
    label: DFC $2 billion for El Salvador (2020)
    pledged_by: dfc
    recipient: sv
    amount: 2 billion
    evidence: [x]
overlaps:
  - id: dfc-may-be-us
    label: The DFC's $1 billion may be inside the U.S. $5 billion
    kind: possible-overlap
    facts: [dfc-sv, us-sv]
    note: Same recipient, same period; the DFC is a U.S. agency.
    evidence: [x]
  - id: dfc-said-twice
    label: The DFC's $2 billion, announced again
    kind: restatement
    facts: [dfc-sv-2019, dfc-sv-2020]
    note: The 2020 release repeats the 2019 pledge word for word.
    evidence: [x]
"""


def _problems(seeds: Path) -> list[str]:
    with pytest.raises(FactError) as info:
        load_facts(seeds)
    return [str(p) for p in info.value.problems]


# -- scope ---------------------------------------------------------------------------------------


def test_scope_is_derived_from_countries_and_places(write_seeds) -> None:
    facts = load_facts(write_seeds({"mx.yaml": MEXICO}))
    assert facts.scopes == {"dfc-sv": ("cross-border", False), "mx-plan": ("domestic", False)}


def test_error_stated_scope_contradicts_the_facts(write_seeds) -> None:
    seeds = write_seeds({"mx.yaml": MEXICO + "    scope: cross-border\n"})
    assert _problems(seeds) == [
        (
            f"{seeds / 'mx.yaml'}:19:12: pledge 'mx-plan': scope 'cross-border' contradicts the facts: "
            "the donor's country is Mexico and the money stays in Mexico (domestic)"
        )
    ]


def test_error_stated_scope_contradicts_cross_border_money(write_seeds) -> None:
    text = MEXICO.replace("recipient: south", "recipient: gt").replace(
        "regions:", "  - id: gt\n    label: Guatemala\n    iso_code: GT\n    evidence: [x]\nregions:"
    )
    seeds = write_seeds({"mx.yaml": text + "    scope: domestic\n"})
    assert _problems(seeds) == [
        (
            f"{seeds / 'mx.yaml'}:23:12: pledge 'mx-plan': scope 'domestic' contradicts the facts: "
            "the donor's country is Mexico and the money goes to Guatemala (cross-border)"
        )
    ]


def test_error_bad_scope(write_seeds) -> None:
    seeds = write_seeds({"mx.yaml": MEXICO + "    scope: abroad\n"})
    assert _problems(seeds) == [
        f"{seeds / 'mx.yaml'}:19:12: pledge 'mx-plan': scope: should be 'cross-border' or 'domestic'"
    ]


def test_stated_scope_where_the_facts_cannot_tell(write_seeds) -> None:
    text = (
        "source: s1\npledges:\n  - id: p\n    label: P\n    pledged_by: dfc\n    amount: 5\n"
        "    scope: cross-border\n    evidence: [x]\n  - id: q\n    label: Q\n    pledged_by: dfc\n"
        "    amount: 7\n    evidence: [x]\n"
    )
    seeds = write_seeds({"x.yaml": text})
    facts = load_facts(seeds)
    assert (facts.scopes["p"], "q" in facts.scopes) == (("cross-border", True), False)
    money = read_money(_store(seeds))
    rows = [(t.key, t.scope, t.high) for t in flow_totals(money, by="donor", include=["unknown"])]
    # q's scope is unknown: reported apart, never added to the cross-border total
    assert rows == [("United States", "cross-border", Decimal(1000000005)), ("United States", "unknown", Decimal(7))]


def test_portions_take_the_scope_their_wholes_agree_on_through_chains(write_seeds) -> None:
    def pledge(pledge_id: str, extra: str = "") -> str:
        head = f"  - id: {pledge_id}\n    label: {pledge_id}\n    pledged_by: dfc\n    amount: 5\n"
        return f"{head}{extra}    evidence: [x]\n"

    text = "source: s1\npledges:\n" + "".join(
        [
            pledge("whole-a", "    scope: cross-border\n"),
            pledge("whole-b", "    scope: domestic\n"),
            pledge("unscoped"),
            pledge("a-part-of-a-part", "    part_of: b-part\n"),  # first in id order: needs a second pass
            pledge("aa-part-of-that", "    part_of: a-part-of-a-part\n"),  # in the same pass, after it
            pledge("b-part", "    part_of: whole-a\n"),
            pledge("c-wholes-disagree", "    part_of: [whole-a, whole-b]\n"),
            pledge("d-whole-unscoped", "    part_of: unscoped\n"),
            pledge("e-wholes-agree", "    part_of: [whole-a, b-part]\n"),
        ]
    )
    facts = load_facts(write_seeds({"x.yaml": text}))
    assert list(facts.scopes.items()) == [  # in the order derived, which the build index keeps
        ("dfc-sv", ("cross-border", False)),  # the minimal seeds' own pledge
        ("whole-a", ("cross-border", True)),
        ("whole-b", ("domestic", True)),
        ("b-part", ("cross-border", False)),
        ("e-wholes-agree", ("cross-border", False)),
        ("a-part-of-a-part", ("cross-border", False)),
        ("aa-part-of-that", ("cross-border", False)),
    ]


def _store(seeds: Path):
    return open_store(seeds, seeds / "no-build")


# -- overlaps and inferences: model errors -----------------------------------------------------------


def test_error_overlap_with_an_unknown_fact(write_seeds) -> None:
    text = (
        "source: s1\noverlaps:\n  - id: o\n    label: O\n    kind: restatement\n"
        "    facts: [dfc-sv, dfc-vs]\n    note: why\n    evidence: [x]\n"
    )
    seeds = write_seeds({"x.yaml": text})
    assert _problems(seeds) == [f"{seeds / 'x.yaml'}:6:21: overlap 'o': unknown pledge 'dfc-vs' (did you mean 'dfc-sv'?)"]


def test_error_overlap_of_a_country_and_a_repeated_fact(write_seeds) -> None:
    text = (
        "source: s1\noverlaps:\n  - id: o\n    label: O\n    kind: possible-overlap\n"
        "    facts: [dfc-sv, dfc-sv, sv]\n    note: why\n    evidence: [x]\n"
    )
    seeds = write_seeds({"x.yaml": text})
    assert _problems(seeds) == [
        f"{seeds / 'x.yaml'}:6:12: overlap 'o': lists 'dfc-sv' more than once",
        f"{seeds / 'x.yaml'}:6:29: overlap 'o': facts 'sv' is a country, expected pledge",
    ]


def test_error_overlap_without_reasoning(write_seeds) -> None:
    text = "source: s1\noverlaps:\n  - id: o\n    label: O\n    kind: restatement\n    facts: [dfc-sv, dfc-sv]\n"
    problems = _problems(write_seeds({"x.yaml": text}))
    assert [p.split(": ", 1)[1] for p in problems] == ["overlap 'o': missing required field 'note'"]


def test_error_inferred_field_not_set_or_unknown(write_seeds) -> None:
    text = (
        "source: s1\npledges:\n  - id: p\n    label: P\n    pledged_by: dfc\n    recipient: sv\n    amount: 5\n"
        "    inferred:\n      announced_on: carried over from the previous sentence\n"
        "      recipent: read into the sentence\n    evidence: [x]\n"
    )
    seeds = write_seeds({"x.yaml": text})
    assert _problems(seeds) == [
        (
            f"{seeds / 'x.yaml'}:9:21: pledge 'p': inferred field 'announced_on' is not set "
            "(set it, or remove it from 'inferred')"
        ),
        f"{seeds / 'x.yaml'}:10:17: pledge 'p': inferred names unknown field 'recipent' (did you mean 'recipient'?)",
    ]


def test_inferences_become_nodes_and_check_lists_them(write_seeds) -> None:
    text = (
        "source: s1\npledges:\n  - id: p\n    label: P\n    pledged_by: dfc\n    recipient: sv\n    amount: 5\n"
        "    announced_on: 2019-06\n    inferred:\n      announced_on: the article is undated; from 'last June'\n"
        "    evidence: [x]\n"
    )
    seeds = write_seeds({"x.yaml": text})
    facts = load_facts(seeds)
    line = f"{seeds / 'x.yaml'}:10: p announced_on: the article is undated; from 'last June'"
    assert inference_lines(facts) == [line]
    graph = facts_to_graph(facts, with_ontology=False)
    (node,) = graph.objects(entity_iri("p"), AG.inference)
    assert str(node) == "https://w3id.org/aidgraph/id/p/inferred/announced_on"
    assert graph.value(node, AG.inferredProperty) == AG.announcedOn
    assert str(graph.value(node, AG.reason)) == "the article is undated; from 'last June'"
    result = CliRunner().invoke(cli, ["check", "--seeds", str(seeds), "--inferences"], env={"AIDGRAPH_CORPUS": ""})
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == line


def test_check_inferences_on_the_seeds_lists_every_inferred_field() -> None:
    result = CliRunner().invoke(cli, ["check", "--seeds", str(SEEDS), "--inferences"])
    lines = [line for line in result.stdout.splitlines() if line.startswith(f"{SEEDS}/")]
    facts = load_facts(SEEDS)
    expected = sum(len(r.inferred) for r in facts.records.values())
    assert len(lines) == expected >= 20
    assert (
        f"{SEEDS}/facts/us-billions-southern-mexico-2018.yaml:167: opic-2018-new-money announced_by: the sentence is "
        "not attributed; the next one reports what \"State Department officials said\" about these funds"
    ) in lines


# -- shapes --------------------------------------------------------------------------------------


def test_error_overlap_of_one_pledge_violates_the_shapes(write_seeds) -> None:
    facts = load_facts(write_seeds({"x.yaml": OVERLAPPING}))
    graph = facts_to_graph(facts)
    graph.remove((entity_iri("dfc-may-be-us"), AG.overlapOf, entity_iri("us-sv")))
    problems = [p.message for p in check_shapes(graph, facts)]
    assert problems == [
        "overlap 'dfc-may-be-us': shape violation on ag:overlapOf: an overlap relates at least two pledges (ag:overlapOf)"
    ]


def test_error_inference_without_reason_violates_the_shapes(write_seeds) -> None:
    text = (
        "source: s1\npledges:\n  - id: p\n    label: P\n    pledged_by: dfc\n    recipient: sv\n    amount: 5\n"
        "    announced_on: 2019\n    inferred: {announced_on: from the dateline}\n    evidence: [x]\n"
    )
    seeds = write_seeds({"x.yaml": text})
    facts = load_facts(seeds)
    graph = facts_to_graph(facts)
    from rdflib import URIRef

    graph.remove((URIRef("https://w3id.org/aidgraph/id/p/inferred/announced_on"), AG.reason, None))
    assert [str(p) for p in check_shapes(graph, facts)] == [
        (
            f"{seeds / 'x.yaml'}:9:30: pledge 'p' inferred 'announced_on': shape violation on ag:reason: "
            "an inference gives exactly one non-empty reason (ag:reason)"
        )
    ]


# -- totals --------------------------------------------------------------------------------------


@pytest.fixture
def overlapping(write_seeds):
    return read_money(_store(write_seeds({"x.yaml": OVERLAPPING, "mx.yaml": MEXICO})))


def test_totals_are_ranges_over_declared_overlaps(overlapping) -> None:
    (us,) = flow_totals(overlapping, by="donor")
    # high: 5 + 1 (DFC) + 2 (restated once) = 8; low: the DFC's 1 may be inside the 5
    assert (us.key, us.low, us.high, us.qualifiers) == ("United States", Decimal(7_000_000_000), Decimal(8_000_000_000), ("about",))
    assert us.facts == ("dfc-sv", "dfc-sv-2019", "dfc-sv-2020", "us-sv")
    bodies = {t.key: (t.low, t.high) for t in flow_totals(overlapping, by="body")}
    assert bodies == {
        "United States": (Decimal(5_000_000_000), Decimal(5_000_000_000)),  # the portion is never added
        "Development Finance Corporation": (Decimal(3_000_000_000), Decimal(3_000_000_000)),  # overlap with the US is not in here
    }


def test_domestic_plans_are_apart_and_never_added(overlapping) -> None:
    assert [t.key for t in flow_totals(overlapping, by="donor")] == ["United States"]
    rows = [(t.key, t.scope, t.high) for t in flow_totals(overlapping, by="donor", include=["domestic"])]
    assert rows == [("United States", "cross-border", Decimal(8_000_000_000)), ("Mexico", "domestic", Decimal(30_000_000_000))]
    assert [(t.scope, t.low, t.high) for t in money_total(overlapping)] == [
        ("cross-border", Decimal(7_000_000_000), Decimal(8_000_000_000)),
        ("domestic", Decimal(30_000_000_000), Decimal(30_000_000_000)),
    ]


def test_a_possible_overlap_with_a_portion_adds_only_the_excess(write_seeds) -> None:
    text = OVERLAPPING.replace("facts: [dfc-sv, us-sv]", "facts: [dfc-sv-2019, us-sv-loans]")
    money = read_money(_store(write_seeds({"x.yaml": text})))
    (us,) = flow_totals(money, by="donor")
    # the DFC's $2 billion (once) may hold the $1 billion portion already counted in the $5 billion
    assert (us.low, us.high) == (Decimal(7_000_000_000), Decimal(8_000_000_000))


def test_explain_lists_facts_added_and_overlaps_collapsed(overlapping) -> None:
    lines = explain_totals(overlapping, flow_totals(overlapping, by="donor"))
    assert lines == [
        'United States (USD, cross-border): 7,000,000,000 – 8,000,000,000, includes "about" figures',
        "  + 1,000,000,000 dfc-sv: DFC money for El Salvador",
        '  + 2,000,000,000 ("about") dfc-sv-2019: DFC $2 billion for El Salvador (2019)',
        "  + 2,000,000,000 dfc-sv-2020: DFC $2 billion for El Salvador (2020)",
        "  + 5,000,000,000 us-sv: U.S. $5 billion for El Salvador",
        "  - 2,000,000,000 collapsed (restatement): dfc-sv-2019, dfc-sv-2020",
        "      dfc-said-twice: The 2020 release repeats the 2019 pledge word for word.",
        "  - 1,000,000,000 collapsed (possible overlap): dfc-sv, us-sv",
        "      dfc-may-be-us: Same recipient, same period; the DFC is a U.S. agency.",
    ]


def test_error_unknown_key_or_scope(overlapping) -> None:
    with raises_exactly(AnalysisError, "unknown grouping 'country': choose one of donor, body, recipient, program, year"):
        flow_totals(overlapping, by="country")
    with raises_exactly(AnalysisError, "unknown scope to include 'abroad': choose one of domestic, unknown"):
        flow_totals(overlapping, include=["abroad"])


def test_cli_flows_csv_table_and_explain(write_seeds) -> None:
    seeds = write_seeds({"x.yaml": OVERLAPPING, "mx.yaml": MEXICO})
    runner = CliRunner()
    csv = runner.invoke(cli, ["flows", "--seeds", str(seeds), "--include", "domestic", "--format", "csv"])
    assert csv.stdout.splitlines() == [
        "key,currency,low,high,facts,scope,qualifiers",
        "United States,USD,7000000000,8000000000,4,cross-border,about",
        "Mexico,USD,30000000000,30000000000,1,domestic,",
    ]
    table = runner.invoke(cli, ["flows", "--seeds", str(seeds), "--by", "recipient"])
    assert table.stdout.splitlines()[2] == (
        "El Salvador | USD      | 7,000,000,000 – 8,000,000,000 |     4 | cross-border | includes \"about\" figures"
    )
    explained = runner.invoke(cli, ["flows", "--seeds", str(seeds), "--explain"])
    assert "      dfc-said-twice: The 2020 release repeats the 2019 pledge word for word." in explained.stdout
    refused = runner.invoke(cli, ["flows", "--seeds", str(seeds), "--explain", "--format", "csv"])
    assert (refused.exit_code, refused.stderr.splitlines()[-1]) == (
        2,
        "Error: --explain prints text under the table: use it with --format table",
    )


# -- the seeds -----------------------------------------------------------------------------------


def test_seed_us_total_is_a_range_whose_spread_is_the_declared_overlaps(seed_store) -> None:
    money = read_money(seed_store)
    (us,) = flow_totals(money, by="donor")
    assert (us.key, us.low, us.high) == ("United States", Decimal(7_800_000_000), Decimal(13_550_000_000))
    collapsed = {tuple(sorted(o.id for o in c.overlaps)): c.saved for c in us.collapsed}
    assert collapsed == {
        (
            "dfc-el-salvador-may-repeat-2018-money",
            "dfc-guatemala-may-repeat-2018-money",
            "dfc-honduras-may-repeat-2018-money",
            "obama-era-money-in-2018-pipeline",
        ): Decimal(3_750_000_000),  # three DFC $1 billion and the Alliance's $750 million inside the $5.8 billion
        ("dfc-2020-may-restate-opic-2018",): Decimal(2_000_000_000),  # the DFC's $2 billion may be OPIC's
    }
    assert us.high - us.low == sum(collapsed.values())
    assert us.qualifier_text() == 'includes "about", "more than" figures'


def test_seed_mexico_plan_is_not_aid(seed_store) -> None:
    assert "Mexico" not in {t.key for t in flow_totals(seed_store, by="donor")}
    domestic = [t for t in flow_totals(seed_store, by="donor", include=["domestic"]) if t.scope == "domestic"]
    assert [(t.key, t.high, t.facts) for t in domestic] == [
        ("Mexico", Decimal(30_000_000_000), ("mexico-southern-development-30bn",))
    ]


def test_seed_bodies_apart(seed_store) -> None:
    assert [(t.key, t.low, t.high) for t in flow_totals(seed_store, by="body")] == [
        ("United States", Decimal(7_800_000_000), Decimal(8_550_000_000)),
        ("U.S. International Development Finance Corporation", Decimal(5_000_000_000), Decimal(5_000_000_000)),
    ]


def test_a_portion_of_a_portion_in_an_overlap_is_handled(write_seeds) -> None:
    nested = OVERLAPPING.replace(
        "overlaps:\n",
        "  - id: us-sv-loans-small\n    label: Small loans within the loans\n    pledged_by: us\n    recipient: sv\n"
        "    part_of: us-sv-loans\n    amount: 500 million\n    evidence: [x]\n"
        "overlaps:\n",
    ).replace("facts: [dfc-sv, us-sv]", "facts: [dfc-sv, us-sv-loans-small]")
    money = read_money(_store(write_seeds({"x.yaml": nested})))
    (us,) = flow_totals(money, by="donor")
    # the DFC's $1 billion may hold the $500 million already counted inside the $5 billion
    assert (us.low, us.high) == (Decimal(7_500_000_000), Decimal(8_000_000_000))


def test_a_flow_of_many_pledges_names_a_few_and_counts_the_rest(write_seeds) -> None:
    from graph.pages.money import sankey_page
    from graph.store import open_store

    pledges = "".join(
        f"  - id: p{i:02d}\n    label: Pledge {i}\n    pledged_by: us\n    recipient: sv\n    amount: {i + 1} million\n"
        f"    evidence: [pledged $1 billion to El Salvador]\n"
        for i in range(20)
    )
    seeds = write_seeds({"many.yaml": "source: s1\npledges:\n" + pledges})
    page = sankey_page(open_store(seeds, seeds / "no-build", None))
    named = [i for i in range(20) if f"Pledge {i}\\u003cbr" in page]  # the figure's JSON escapes <
    assert named == list(range(8))  # the first eight by id (p00 … p07) are named
    assert "and 12 more pledges" in page


def test_a_sankey_with_most_draws_the_largest_flows_and_says_so(write_seeds) -> None:
    from graph.pages.money import sankey_page
    from graph.store import open_store

    pledges = "".join(
        f"  - id: p{i:02d}\n    label: Pledge {i}\n    pledged_by: us\n    recipient: {place}\n"
        f"    amount: {amount} million\n    evidence: [pledged $1 billion to El Salvador]\n"
        for i, (place, amount) in enumerate([("sv", 5), ("gt", 7), ("hn", 3)])
    )
    places = "countries:\n" + "".join(
        f"  - id: {code}\n    label: {name}\n    iso_code: {code.upper()}\n    evidence: [money to El Salvador]\n"
        for code, name in [("gt", "Guatemala"), ("hn", "Honduras")]
    )
    seeds = write_seeds({"many.yaml": "source: s1\n" + places + "pledges:\n" + pledges})
    page = sankey_page(open_store(seeds, seeds / "no-build", None), most=2)
    assert "the 2 largest of 4 flows" in page
    # dfc→sv ($1 B) and us→gt ($7 M) are drawn; us→sv ($5 M) and us→hn ($3 M) are not (plotly.js itself
    # names every country, so look for the figure's node labels: "Name<br>amount", JSON-escaped)
    assert "Guatemala\\u003cbr" in page and "Honduras\\u003cbr" not in page


# The money queries as one group of patterns each: the plain reading of what read_money asks,
# which flows.py writes as sub-SELECTs for speed. Both must give the same rows.
_PLAIN_CLASS = "BIND(STRAFTER(STR({t}), STR(ag:)) AS {c})"
PLAIN_PLEDGE_QUERY = f"""
SELECT ?id ?label ?amount ?currency ?qualifier ?scope ?year ?body ?bodyLabel ?bodyClass
       ?country ?countryLabel ?program ?programLabel ?programClass WHERE {{
  ?id a ag:Pledge ; rdfs:label ?label ; ag:amount ?amount ; ag:currency ?currency ; ag:pledgedBy ?body .
  ?body rdfs:label ?bodyLabel ; a ?bodyType . FILTER(STRSTARTS(STR(?bodyType), STR(ag:)))
  {_PLAIN_CLASS.format(t="?bodyType", c="?bodyClass")}
  OPTIONAL {{ ?id ag:amountQualifier/skos:notation ?qualifier }}
  OPTIONAL {{ ?id ag:scope/skos:notation ?scope }}
  OPTIONAL {{ ?body ag:agencyOf ?country . ?country rdfs:label ?countryLabel }}
  OPTIONAL {{
    ?id ag:forProgram ?program . ?program rdfs:label ?programLabel ; a ?programType .
    FILTER(STRSTARTS(STR(?programType), STR(ag:)))
  }}
  {_PLAIN_CLASS.format(t="?programType", c="?programClass")}
  OPTIONAL {{ ?id ag:announcedOn ?on }}
  BIND(SUBSTR(STR(?on), 1, 4) AS ?year)
}}"""
PLAIN_RECIPIENT_QUERY = f"""
SELECT ?id ?recipient ?label ?class WHERE {{
  ?id a ag:Pledge ; ag:recipient ?recipient . ?recipient rdfs:label ?label ; a ?type .
  FILTER(STRSTARTS(STR(?type), STR(ag:)))
  {_PLAIN_CLASS.format(t="?type", c="?class")}
}}"""

MONEY_EDGE_CASES = """
@prefix ag: <https://w3id.org/aidgraph/ontology#> .
@prefix aid: <https://w3id.org/aidgraph/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

ag:Exact skos:notation "exact" .
ag:CrossBorder skos:notation "cross-border" .
aid:us a ag:Country ; rdfs:label "United States" .
aid:dfc a ag:Agency, ag:Organization ; rdfs:label "DFC" ; ag:agencyOf aid:us .
aid:unnamed-country a ag:Country .
aid:agency a ag:Agency ; rdfs:label "Agency of an unnamed country" ; ag:agencyOf aid:unnamed-country .
aid:untyped rdfs:label "Untyped donor" .
aid:program a ag:Program ; rdfs:label "A program" .
aid:untyped-program rdfs:label "Untyped program" .
aid:sv a ag:Country, skos:Concept ; rdfs:label "El Salvador" .
aid:unlabeled-recipient a ag:Country .

aid:full a ag:Pledge ; rdfs:label "full" ; ag:amount 5.5 ; ag:currency "USD" ; ag:pledgedBy aid:dfc ;
  ag:amountQualifier ag:Exact ; ag:scope ag:CrossBorder ; ag:forProgram aid:program ;
  ag:announcedOn "2018-12"^^xsd:gYearMonth ; ag:recipient aid:sv, aid:unlabeled-recipient .
aid:bare a ag:Pledge ; rdfs:label "bare" ; ag:amount 1 ; ag:currency "MXN" ; ag:pledgedBy aid:agency ;
  ag:forProgram aid:untyped-program .
aid:untyped-donor a ag:Pledge ; rdfs:label "untyped donor" ; ag:amount 2 ; ag:currency "USD" ; ag:pledgedBy aid:untyped .
aid:no-amount a ag:Pledge ; rdfs:label "no amount" ; ag:currency "USD" ; ag:pledgedBy aid:us ; ag:recipient aid:sv .
"""


def test_the_money_queries_answer_what_their_plain_reading_does(seed_store, tmp_path: Path) -> None:
    import pyoxigraph as ox

    from bench.generate import generate
    from graph.errors import AidgraphWarning
    from graph.network import flows
    from graph.query.run import run_query
    from graph.store import open_store

    edge = ox.Store()
    edge.load(MONEY_EDGE_CASES, format=ox.RdfFormat.TURTLE)
    with pytest.warns(AidgraphWarning, match="no corpus given"):
        generated = open_store(generate(tmp_path / "generated", 1000), tmp_path / "no-build")

    def rows(store, text: str) -> list[str]:
        return sorted(map(repr, run_query(store, text, limits=None).records()))

    for store in (edge, seed_store, generated):
        pledges = rows(store, flows._PLEDGE_QUERY)
        assert pledges == rows(store, PLAIN_PLEDGE_QUERY)
        assert rows(store, flows._RECIPIENT_QUERY) == rows(store, PLAIN_RECIPIENT_QUERY)
        assert pledges
    assert len(rows(edge, flows._PLEDGE_QUERY)) == 3  # one row per type of the DFC; no untyped donor


def test_money_of_the_facts_is_the_money_read_from_their_graph(seed_store, tmp_path: Path) -> None:
    from bench.generate import generate
    from graph.counts import count_store
    from graph.network.flows import money_of_facts
    from graph.summary import pledge_money, summarize, summary_of

    assert money_of_facts(load_facts(SEEDS)) == read_money(seed_store)
    assert summary_of(count_store(seed_store), pledge_money(load_facts(SEEDS))) == summarize(seed_store)
    seeds = generate(tmp_path / "generated", 1000)
    (seeds / "facts" / "overlaps.yaml").write_text(
        "source: src-000001\noverlaps:\n  - id: same-money\n    label: Same money\n    kind: restatement\n"
        "    facts: [pledge-0000001, pledge-0000002]\n    note: Both articles report one announcement.\n"
        "    evidence: [x]\npledges:\n  - id: no-recipient\n    label: Money for no stated place\n"
        "    pledged_by: agency-00001\n    amount: 5 million\n    evidence: [x]\n",
        encoding="utf-8",
    )
    with pytest.warns(AidgraphWarning, match="no corpus given"):
        generated = open_store(seeds, tmp_path / "no-build")
    facts = load_facts(seeds)
    money = money_of_facts(facts)
    assert money == read_money(generated)
    assert summary_of(count_store(generated), pledge_money(facts)) == summarize(generated)
    assert len(money.facts) == 1001 and len(money.overlaps) == 1
    assert money.facts["no-recipient"].scope == "unknown"
