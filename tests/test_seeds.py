"""The curated facts of each article, asserted as SPARQL over the built seed graph.

A future edit that breaks an amount, a date or who pledged to whom fails here.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import Graph

from loaders.check import check_all
from ontology import PREFIXES
from tests.conftest import SEEDS

PROLOGUE = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def rows(graph: Graph, query: str) -> list[tuple]:
    """Query results as tuples of Python values (Decimal, str, …)."""
    return [tuple(None if v is None else v.toPython() for v in row) for row in graph.query(PROLOGUE + query)]


def pledge(graph: Graph, pledge_id: str) -> dict:
    """One pledge's fields; kinds and wholes (which may be several) joined in id order."""
    query = f"""
    SELECT ?donor ?amount ?currency ?qualifier ?on ?program
    WHERE {{
      aid:{pledge_id} a ag:Pledge ; ag:pledgedBy ?d ; ag:amount ?amount ; ag:currency ?currency ;
                      ag:amountQualifier/skos:notation ?qualifier .
      BIND(STRAFTER(STR(?d), STR(aid:)) AS ?donor)
      OPTIONAL {{ aid:{pledge_id} ag:announcedOn ?on }}
      OPTIONAL {{ aid:{pledge_id} ag:forProgram ?g . BIND(STRAFTER(STR(?g), STR(aid:)) AS ?program) }}
    }}"""
    (row,) = rows(graph, query)
    keys = ["donor", "amount", "currency", "qualifier", "on", "program"]
    result = dict(zip(keys, row, strict=True))
    result["on"] = None if result["on"] is None else str(result["on"])

    def ids(path: str) -> list[str]:
        query = f"SELECT (STRAFTER(STR(?r), STR(aid:)) AS ?id) WHERE {{ aid:{pledge_id} {path} ?r }} ORDER BY ?id"
        return [r[0] for r in rows(graph, query)]

    result["recipients"] = ids("ag:recipient")
    result["parent"] = ", ".join(ids("ag:partOf")) or None
    kinds = sorted(r[0] for r in rows(graph, f"SELECT ?k WHERE {{ aid:{pledge_id} ag:pledgeKind/skos:notation ?k }}"))
    result["kind"] = ", ".join(kinds) or None
    return result


def test_seeds_pass_every_check_with_the_corpus(corpus_dir) -> None:
    report = check_all(SEEDS, corpus_dir)
    assert [str(p) for p in report.problems] == []
    assert report.corpus_checked and report.quotes > 100


def test_every_source_is_registered_with_hash_title_and_date(seed_graph: Graph) -> None:
    found = rows(
        seed_graph,
        "SELECT ?file ?issued ?title WHERE { ?s a ag:SourceDocument ; ag:fileName ?file ; ag:sha256 ?sha ;"
        " dcterms:issued ?issued ; dcterms:title ?title } ORDER BY ?file",
    )
    assert [(f, str(d)) for f, d, _ in found] == [
        ("000_82c84af3a9d35e79.txt", "2018-12"),
        ("001_6d3b585246def78f.txt", "2017"),
        ("002_96092abe030347fe.txt", "2020"),
        ("003_0900b88f7300df9c.txt", "2021"),
        ("004_53a8dbf1426993b7.txt", "2017-10-26"),
    ]
    assert (
        found[4][2] == "The U.S. and Mexico want to slow migration from Central America. Will mass deportations help?"
    )


def test_2018_us_commitment_is_two_amounts_with_the_opic_money_inside(seed_graph: Graph) -> None:
    # The article gives $5.8 billion and "an additional $2 billion", no total: no umbrella pledge.
    assert not bool(seed_graph.query(PROLOGUE + "ASK { aid:us-2018-development-commitment ?p ?o }"))
    central = pledge(seed_graph, "us-2018-central-america")
    assert (central["amount"], central["recipients"], central["parent"]) == (
        Decimal(5800000000),
        ["central-america"],
        None,
    )
    south = pledge(seed_graph, "us-2018-southern-mexico")
    assert (south["amount"], south["recipients"], south["on"]) == (Decimal(2000000000), ["southern-mexico"], "2018-12")
    opic = pledge(seed_graph, "opic-2018-new-money")
    assert (opic["donor"], opic["amount"], opic["qualifier"], opic["kind"]) == (
        "opic",
        Decimal(2000000000),
        "about",
        "development-finance",
    )
    wholes = "SELECT (STRAFTER(STR(?w), STR(aid:)) AS ?id) WHERE { aid:opic-2018-new-money ag:partOf ?w } ORDER BY ?id"
    assert rows(seed_graph, wholes) == [("us-2018-central-america",), ("us-2018-southern-mexico",)]
    assert rows(seed_graph, "SELECT ?new WHERE { aid:opic-2018-new-money ag:newMoney ?new }") == [(True,)]


def test_2018_money_mixes_kinds_the_text_names(seed_graph: Graph) -> None:
    for pledge_id in ("us-2018-central-america", "us-2018-southern-mexico"):
        kinds = rows(seed_graph, f"SELECT ?k WHERE {{ aid:{pledge_id} ag:pledgeKind/skos:notation ?k }} ORDER BY ?k")
        assert kinds == [("budget-request",), ("development-finance",), ("pipeline-commitment",)]
        assert rows(seed_graph, f"SELECT ?n WHERE {{ aid:{pledge_id} ag:newMoney ?n }}") == []  # mixed: not said


def test_money_conditions_and_purpose(seed_graph: Graph) -> None:
    conditions = {c for (c,) in rows(seed_graph, "SELECT ?c WHERE { aid:us-2018-central-america ag:condition ?c }")}
    assert any('"hold up their end of the bargain"' in c for c in conditions)
    assert any("asylum-seekers be kept in Mexico" in c for c in conditions)
    opic = rows(seed_graph, "SELECT ?c WHERE { aid:opic-2018-new-money ag:condition ?c }")
    assert opic == [('distributed based on the "commercial viability" of projects',)]
    purposes = rows(seed_graph, "SELECT ?p WHERE { aid:dfc-private-sector-2bn ag:purpose ?p }")
    assert purposes == [("investments in private sector growth and job creation",)]


def test_scopes_are_derived_or_stated(seed_graph: Graph) -> None:
    found = {
        pid: (scope, stated)
        for pid, scope, stated in rows(
            seed_graph,
            "SELECT (STRAFTER(STR(?p), STR(aid:)) AS ?id) ?s ?stated WHERE {"
            " ?p ag:scope/skos:notation ?s ; ag:scopeStated ?stated }",
        )
    }
    assert found["mexico-southern-development-30bn"] == ("domestic", False)  # southern-mexico is within mx
    assert found["us-2018-southern-mexico"] == ("cross-border", False)
    assert found["opic-2018-new-money"] == ("cross-border", False)  # a portion of cross-border money
    assert found["dfc-private-sector-2bn"] == ("cross-border", True)  # no recipient: stated, and inferred
    assert len(found) == 9


def test_overlaps_between_money_facts(seed_graph: Graph) -> None:
    found = rows(
        seed_graph,
        "SELECT (STRAFTER(STR(?o), STR(aid:)) AS ?id) ?kind (COUNT(?f) AS ?n) WHERE {"
        " ?o a ag:Overlap ; ag:overlapKind/skos:notation ?kind ; ag:overlapOf ?f ; skos:note ?note ; ag:evidence ?e }"
        " GROUP BY ?o ?kind ORDER BY ?id",
    )
    assert [(i, k, int(n) > 0) for i, k, n in found] == [
        ("dfc-2020-may-restate-opic-2018", "possible-overlap", True),
        ("dfc-el-salvador-may-repeat-2018-money", "possible-overlap", True),
        ("dfc-guatemala-may-repeat-2018-money", "possible-overlap", True),
        ("dfc-honduras-may-repeat-2018-money", "possible-overlap", True),
        ("obama-era-money-in-2018-pipeline", "possible-overlap", True),
    ]


def test_2018_mexico_plans_30_billion_over_five_years(seed_graph: Graph) -> None:
    mexico = pledge(seed_graph, "mexico-southern-development-30bn")
    assert (mexico["donor"], mexico["amount"], mexico["kind"], mexico["recipients"]) == (
        "mx",
        Decimal(30000000000),
        "planned-spending",
        ["southern-mexico"],
    )
    assert rows(seed_graph, "SELECT (STR(?d) AS ?x) WHERE { aid:mexico-southern-development-30bn ag:duration ?d }") == [
        ("P5Y",)
    ]
    assert bool(
        seed_graph.query(PROLOGUE + "ASK { aid:mexico-southern-development-30bn ag:announcedBy aid:lopez-obrador }")
    )


def test_2017_reuters_alliance_for_prosperity(seed_graph: Graph) -> None:
    funding = pledge(seed_graph, "alliance-for-prosperity-funding")
    assert (funding["amount"], funding["qualifier"], funding["program"]) == (
        Decimal(750000000),
        "at-least",
        "alliance-for-prosperity",
    )
    assert rows(seed_graph, "SELECT ?p WHERE { aid:john-kelly ag:position ?p }") == [
        ("Secretary of Homeland Security",)
    ]
    assert bool(seed_graph.query(PROLOGUE + "ASK { aid:john-kelly ag:memberOf aid:dhs . aid:dhs ag:agencyOf aid:us }"))
    assert bool(seed_graph.query(PROLOGUE + "ASK { aid:alliance-for-prosperity ag:administration aid:barack-obama }"))


def test_2020_dfc_pledges_one_per_country(seed_graph: Graph) -> None:
    found = rows(
        seed_graph,
        "SELECT ?iso ?amount WHERE { ?p ag:pledgedBy aid:dfc ; ag:amount ?amount ; ag:recipient ?c . ?c ag:isoCode ?iso }"
        " ORDER BY ?iso",
    )
    assert found == [("GT", Decimal(1000000000)), ("HN", Decimal(1000000000)), ("SV", Decimal(1000000000))]
    private = pledge(seed_graph, "dfc-private-sector-2bn")
    assert (private["amount"], private["recipients"]) == (Decimal(2000000000), [])
    assert rows(seed_graph, "SELECT ?v WHERE { aid:national-guard-troops-25000 ag:value ?v }") == [(Decimal(25000),)]
    assert rows(seed_graph, "SELECT (STR(?d) AS ?x) WHERE { aid:tariff-threat-2019 ag:announcedOn ?d }") == [("2019",)]


def test_2021_planting_opportunities(seed_graph: Graph) -> None:
    implementers = rows(
        seed_graph, "SELECT ?b WHERE { aid:planting-opportunities ag:implementedBy ?x . ?x rdfs:label ?b } ORDER BY ?b"
    )
    assert implementers == [
        ("Mexican Agency for International Development Cooperation",),
        ("United States Agency for International Development",),
    ]
    assert bool(seed_graph.query(PROLOGUE + "ASK { aid:planting-opportunities ag:targets aid:northern-triangle }"))
    youth = rows(
        seed_graph,
        "SELECT ?v ?q WHERE { aid:planting-opportunities-youth-500k ag:value ?v ; ag:amountQualifier/skos:notation ?q }",
    )
    assert youth == [(Decimal(500000), "at-least")]
    detained = rows(
        seed_graph,
        "SELECT ?v ?q WHERE { aid:us-border-detentions-fy-1-7m ag:value ?v ; ag:amountQualifier/skos:notation ?q }",
    )
    assert detained == [(Decimal(1700000), "about")]


def test_2017_latimes_collaboration_and_enforcement_policies(seed_graph: Graph) -> None:
    dated = rows(
        seed_graph,
        "SELECT ?id (STR(?d) AS ?date) WHERE { VALUES ?x { aid:us-mexico-northern-triangle-collaboration aid:end-of-daca"
        " aid:end-of-central-american-minors-program } ?x ag:announcedOn ?d BIND(STRAFTER(STR(?x), STR(aid:)) AS ?id) }"
        " ORDER BY ?id",
    )
    assert dated == [
        ("end-of-central-american-minors-program", "2017-08"),
        ("end-of-daca", "2017-09"),
        ("us-mexico-northern-triangle-collaboration", "2017-10-26"),
    ]
    assert bool(
        seed_graph.query(
            PROLOGUE + "ASK { aid:us-mexico-northern-triangle-collaboration ag:announcedBy aid:mark-green }"
        )
    )
    children = rows(
        seed_graph,
        "SELECT ?v (STR(?y) AS ?year) WHERE { aid:unaccompanied-children-2014 ag:value ?v ; ag:periodStart ?y }",
    )
    assert children == [(Decimal(68000), "2014")]


@pytest.mark.parametrize(
    "policy",
    [
        "remain-in-mexico",
        "public-health-border-returns",
        "end-of-central-american-minors-program",
        "end-of-daca",
        "temporary-protected-status",
        "tariff-threat-2019",
        "mexico-troop-deployment",
    ],
)
def test_enforcement_and_legal_measures_are_policies(seed_graph: Graph, policy: str) -> None:
    assert bool(seed_graph.query(PROLOGUE + f"ASK {{ aid:{policy} a ag:Policy ; ag:evidence/ag:quote ?q }}"))


def test_donor_totals_respect_part_of(seed_graph: Graph) -> None:
    totals = rows(
        seed_graph,
        "SELECT ?donor (SUM(?a) AS ?total) WHERE { ?p a ag:Pledge ; ag:pledgedBy ?d ; ag:amount ?a ; ag:currency 'USD' ."
        " FILTER NOT EXISTS { ?p ag:partOf ?whole } BIND(STRAFTER(STR(?d), STR(aid:)) AS ?donor) } GROUP BY ?donor ORDER BY ?donor",
    )
    assert totals == [
        ("dfc", Decimal(5000000000)),
        ("mx", Decimal(30000000000)),
        ("us", Decimal(8550000000)),
    ]


def test_every_alias_the_texts_use_is_recorded(seed_graph: Graph) -> None:
    aliases = {row[0] for row in rows(seed_graph, "SELECT ?a WHERE { ?x skos:altLabel ?a }")}
    assert {"Amexcid", "Lopez Obrador", "López Obrador", "OPIC", "USAID", "DHS", "NAFTA", "Pena Nieto"} <= aliases


def test_regions_and_members(seed_graph: Graph) -> None:
    members = rows(
        seed_graph, "SELECT ?iso WHERE { aid:central-america ag:includes+ ?c . ?c ag:isoCode ?iso } ORDER BY ?iso"
    )
    assert members == [("GT",), ("HN",), ("SV",)]
    assert bool(seed_graph.query(PROLOGUE + "ASK { aid:southern-mexico ag:within aid:mx }"))


def _ids(graph: Graph, query: str) -> list[str]:
    return sorted(str(row[0]).rsplit("/", 1)[-1] for row in graph.query(PROLOGUE + query))


def test_corrected_readings(seed_graph: Graph) -> None:
    # Kelly's Southern Command post is a former one: no membership, only the note
    assert _ids(seed_graph, "SELECT ?b WHERE { aid:john-kelly ag:memberOf ?b }") == ["dhs"]
    # the re-tooled alliance is not announced yet and names no implementing department
    assert _ids(seed_graph, "SELECT ?x WHERE { aid:kelly-retooled-alliance ag:announcedBy|ag:implementedBy ?x }") == []
    # the 1.7 million detentions are for "the past fiscal year" (FY2021, marked inferred)
    period = rows(
        seed_graph,
        "SELECT (STR(?a) AS ?from) (STR(?b) AS ?until) WHERE { aid:us-border-detentions-fy-1-7m ag:periodStart ?a ; ag:periodEnd ?b }",
    )
    assert period == [("2020-10", "2021-09")]
    # the 500,000 youth are not placed in Honduras; only the collaboration starts there
    assert _ids(seed_graph, "SELECT ?p WHERE { aid:planting-opportunities-youth-500k ag:place ?p }") == []
    # the 1990s deportations are their own policy, not evidence for Trump's calls
    quotes = rows(seed_graph, "SELECT ?q WHERE { aid:ms-13-deportations ag:evidence/ag:quote ?q }")
    assert quotes and not any("1990s" in q for (q,) in quotes)
    assert _ids(seed_graph, "SELECT ?x WHERE { aid:ms-13-deportations-1990s ag:targets ?x }") == ["sv"]
    assert _ids(seed_graph, "SELECT ?x WHERE { aid:ms-13-deportations-1990s ag:administration ?x }") == []
    # the 2017 collaboration is carried out by "the two nations"; the text names no agency
    assert _ids(
        seed_graph, "SELECT ?x WHERE { aid:us-mexico-northern-triangle-collaboration ag:implementedBy ?x }"
    ) == ["mx", "us"]


def test_events_the_articles_report(seed_graph: Graph) -> None:
    visit = "aid:lopez-obrador-washington-visit-2020"
    assert _ids(seed_graph, f"SELECT ?p WHERE {{ {visit} a ag:Event ; ag:participant ?p }}") == [
        "donald-trump",
        "lopez-obrador",
    ]
    assert _ids(seed_graph, f"SELECT ?p WHERE {{ {visit} ag:heldIn ?p }}") == ["us"]
    assert _ids(seed_graph, f"SELECT ?p WHERE {{ {visit} ag:concerns ?p }}") == ["us-mexico-long-term-strategy", "usmca"]
    speech = rows(
        seed_graph,
        "SELECT ?planned (STRAFTER(STR(?c), STR(aid:)) AS ?about) WHERE { aid:kelly-central-america-speech-2017 a ag:Event ;"
        " ag:participant aid:john-kelly ; ag:heldIn aid:us ; ag:planned ?planned ; ag:concerns ?c }",
    )
    assert speech == [(True, "kelly-retooled-alliance")]
    assert len(set(_ids(seed_graph, "SELECT ?e WHERE { ?e a ag:Event ; ag:evidence ?q }"))) == 4


def test_trends_and_shares_the_articles_state(seed_graph: Graph) -> None:
    found = rows(
        seed_graph,
        "SELECT (STRAFTER(STR(?s), STR(aid:)) AS ?id) ?trend WHERE { ?s a ag:Statistic ; ag:trend/skos:notation ?trend"
        " FILTER NOT EXISTS { ?s ag:value ?v } } ORDER BY ?id",
    )
    assert found == [
        ("border-apprehensions-creep-up-2017", "rising"),
        ("border-apprehensions-dip-2017", "falling"),
        ("border-apprehensions-record-2021", "record-high"),
        ("central-americans-detained-rising-2018", "rising"),
        ("el-salvador-homicides-falling", "falling"),
        ("honduras-anti-corruption-cases-rising", "rising"),
        ("irregular-migration-surges-since-2010", "recurring"),
        ("majority-returned-to-mexico-2021", "majority"),
        ("mexicans-rising-share-2020", "rising"),
        ("northern-triangle-largest-share-fy2019", "largest-share"),
        ("northern-triangle-majority-of-arrivals-2021", "majority"),
        ("unaccompanied-children-2014-northern-triangle", "majority"),
        ("unaccompanied-children-falling-2017", "falling"),
        ("undocumented-mexicans-dwindled-2018", "falling"),
    ]
    assert _ids(seed_graph, "SELECT ?o WHERE { aid:northern-triangle-largest-share-fy2019 ag:origin ?o }") == [
        "gt",
        "hn",
        "sv",
    ]
    assert _ids(seed_graph, "SELECT ?o WHERE { aid:undocumented-mexicans-dwindled-2018 ag:origin ?o }") == ["mx"]
    # a trend never carries an invented figure, nor a qualifier of one
    assert _ids(
        seed_graph, "SELECT ?s WHERE { ?s a ag:Statistic FILTER NOT EXISTS { ?s ag:value ?v } ?s ag:amountQualifier ?q }"
    ) == []


def test_who_said_and_who_announced(seed_graph: Graph) -> None:
    said = rows(
        seed_graph,
        "SELECT (STRAFTER(STR(?f), STR(aid:)) AS ?fact) (STRAFTER(STR(?p), STR(aid:)) AS ?who) WHERE {"
        " VALUES ?f { aid:mexicans-rising-share-2020 aid:holistic-coordinated-approach aid:root-causes-vow-2021"
        " aid:mexico-cooperation-bargaining-chip } ?f ag:announcedBy ?p } ORDER BY ?fact ?who",
    )
    assert said == [
        ("holistic-coordinated-approach", "robert-palladino"),
        ("mexicans-rising-share-2020", "ariel-ruiz-soto"),
        ("mexico-cooperation-bargaining-chip", "enrique-pena-nieto"),
        ("root-causes-vow-2021", "joe-biden"),
        ("root-causes-vow-2021", "lopez-obrador"),
    ]
    assert _ids(seed_graph, "SELECT ?x WHERE { aid:mexico-troop-deployment ag:announcedBy ?x }") == []


def test_the_build_summary_counts_every_kind_of_record(seed_store) -> None:
    from graph.summary import summarize
    from loaders import load_facts

    entities = summarize(seed_store).entities
    facts = load_facts(SEEDS)
    kinds = {record.kind for record in facts.records.values()}
    plural = {"country": "countries", "agency": "agencies", "policy": "policies", "person": "people"}
    for kind in kinds:
        noun = plural.get(kind, kind + "s")
        assert entities[noun] == len(facts.of_kind(kind)), kind
