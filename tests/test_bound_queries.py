"""A named query's bound text (``queries/bound/<query>.<param>.rq``) answers exactly what its query does.

Each bound text is compared with its query, value by value, on a graph made of the cases where two
ways of writing a listing can part: a recipient or part without a label, a pledge without any, a
source without a title, a donor without a name, two labels or two qualifiers on one pledge; then on
the seeds and on a generated set, against the whole listing filtered by hand.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import Graph

from bench.generate import generate
from graph.errors import AidgraphWarning, QueryError
from graph.query.canonical import list_columns
from graph.query.engines import Engine, OxigraphEngine, RdflibEngine
from graph.query.named import get_named, named_queries, with_bound_texts
from graph.query.results import QueryResult
from graph.query.run import run_query
from graph.store import open_store
from ontology.prefixes import AID_NS, PREFIXES
from tests.conftest import raises_exactly

EDGE_CASES = """
@prefix ag: <https://w3id.org/aidgraph/ontology#> .
@prefix aid: <https://w3id.org/aidgraph/id/> .
@prefix src: <https://w3id.org/aidgraph/source/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

ag:Exact skos:notation "exact" .
ag:About skos:notation "about" .
src:one dcterms:title "Source one" .
src:two dcterms:title "Source two" .
src:untitled dcterms:issued "2019"^^xsd:gYear .
aid:d1 rdfs:label "Donor one" .
aid:d2 rdfs:label "Donor two" .
aid:named rdfs:label "Named recipient" .
aid:whole-a rdfs:label "Whole A" .
aid:whole-b rdfs:label "Whole B" .

aid:p1 a ag:Pledge ; rdfs:label "everything" ; ag:pledgedBy aid:d1 ; ag:amount 5 ; ag:currency "USD" ;
  ag:amountQualifier ag:Exact ; ag:announcedOn "2018-12"^^xsd:gYearMonth ;
  ag:recipient aid:named, aid:unlabeled ; ag:partOf aid:whole-a, aid:whole-b ;
  ag:evidence [ ag:source src:one ], [ ag:source src:two ], [ ag:source src:untitled ] .
aid:p2 a ag:Pledge ; rdfs:label "bare" ; ag:pledgedBy aid:d1 ; ag:amount 7 ; ag:currency "USD" ;
  ag:amountQualifier ag:About ; ag:evidence [ ag:source src:one ] .
aid:p3 a ag:Pledge ; rdfs:label "no titled source" ; ag:pledgedBy aid:d1 ; ag:amount 9 ; ag:currency "USD" ;
  ag:amountQualifier ag:Exact ; ag:evidence [ ag:source src:untitled ] .
aid:p4 a ag:Pledge ; rdfs:label "two labels", "deux noms" ; ag:pledgedBy aid:d2 ; ag:amount 3 ; ag:currency "MXN" ;
  ag:amountQualifier ag:Exact, ag:About ; ag:recipient aid:unlabeled ; ag:partOf aid:unlabeled-whole ;
  ag:evidence [ ag:source src:two ] .
aid:p5 a ag:Pledge ; rdfs:label "nameless donor" ; ag:pledgedBy aid:d3 ; ag:amount 1 ; ag:currency "USD" ;
  ag:amountQualifier ag:Exact ; ag:evidence [ ag:source src:one ] .
aid:p6 rdfs:label "not typed a pledge" ; ag:pledgedBy aid:d1 ; ag:amount 2 ; ag:currency "USD" ;
  ag:amountQualifier ag:Exact ; ag:evidence [ ag:source src:one ] .
"""
EDGE_VALUES = ["d1", "d2", "d3", "nobody"]


def _rows(engine: Engine, text: str, param: str, value: str) -> list[dict[str, Any]]:
    substitutions = {ox.Variable(param): ox.NamedNode(AID_NS + value)}
    answer = engine.query(text, prefixes=PREFIXES, substitutions=substitutions)
    return QueryResult.from_answer(answer, "SELECT", list_columns(text)).records()


def _edge_engines() -> dict[str, Engine]:
    store = ox.Store()
    store.load(EDGE_CASES, format=ox.RdfFormat.TURTLE)
    return {"oxigraph": OxigraphEngine(store), "rdflib": RdflibEngine(Graph().parse(data=EDGE_CASES, format="turtle"))}


def test_pledges_has_a_bound_text_for_its_donor() -> None:
    # a new bound text needs its own comparison with its query below
    assert [(q.name, param) for q in named_queries().values() for param, _ in q.bound_texts] == [("pledges", "donor")]


@pytest.mark.parametrize("engine_name", ["oxigraph", "rdflib"])
def test_pledges_by_donor_answers_what_pledges_answers_on_the_edge_cases(engine_name: str) -> None:
    engine = _edge_engines()[engine_name]
    query = get_named("pledges")
    for value in EDGE_VALUES:
        bound = _rows(engine, query.text_for({"donor": value}), "donor", value)
        whole = _rows(engine, query.text, "donor", value)
        assert sorted(map(repr, bound)) == sorted(map(repr, whole)), value  # the same rows
        # in the same order, as far as ORDER BY DESC(?amount) ?pledge defines one
        assert [(r["amount"], r["pledge"]) for r in bound] == [(r["amount"], r["pledge"]) for r in whole], value


def test_the_edge_cases_are_the_ones_meant() -> None:
    rows = _rows(_edge_engines()["oxigraph"], get_named("pledges").text_for({"donor": 1}), "donor", "d1")
    assert [(r["pledge"], r["recipients"], r["partOf"], r["sources"], r["announced"]) for r in rows] == [
        ("bare", "", "", "Source one", None),
        ("everything", "Named recipient", "Whole A + Whole B", "Source one | Source two", "2018-12"),
    ]
    two = _rows(_edge_engines()["oxigraph"], get_named("pledges").text_for({"donor": 1}), "donor", "d2")
    assert sorted((r["pledge"], r["qualifier"], r["recipients"], r["partOf"]) for r in two) == [
        ("deux noms", "about", "", ""), ("deux noms", "exact", "", ""),
        ("two labels", "about", "", ""), ("two labels", "exact", "", ""),
    ]


def test_pledges_by_donor_are_the_whole_listings_rows_of_that_donor(seed_store, tmp_path: Path) -> None:
    with pytest.warns(AidgraphWarning, match="no corpus given"):
        generated = open_store(generate(tmp_path / "generated", 1000), tmp_path / "no-build")
    for store in (seed_store, generated):
        listing = run_query(store, named="pledges").records()
        donors = sorted({row["donor"] for row in listing})
        assert len(donors) > 1
        for donor in donors:
            by_donor = run_query(store, named="pledges", params={"donor": donor}).records()
            assert by_donor == [row for row in listing if row["donor"] == donor], donor


def test_run_query_sends_the_bound_text_when_its_parameter_is_given() -> None:
    sent = []

    class Recorder:
        def query(self, text: str, **_: Any) -> Any:
            sent.append(text)
            return ox.Store().query("ASK {}" if text.startswith("ASK") else "SELECT * {}")

    run_query(Recorder(), named="pledges", params={"donor": "dfc"}, limits=None)
    run_query(Recorder(), named="pledges", limits=None)
    assert sent[1] == get_named("pledges").text_for({"donor": "aid:dfc"})  # sent[0] asks whether dfc exists
    assert sent[2] == get_named("pledges").text


def test_a_bound_text_for_no_query_is_refused() -> None:
    with raises_exactly(QueryError, "bound text 'pleges.donor': there is no named query 'pleges'"):
        with_bound_texts(named_queries(), {"pleges.donor": "SELECT * {}"})
