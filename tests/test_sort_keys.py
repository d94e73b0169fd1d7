"""The listings that sort on ``CONCAT("key ", STR(?x))`` give the rows in exactly the order of ``?x``.

The key is there for speed alone (Oxigraph compares a string it computed in memory, where it reads
a stored one back from disk at every comparison), so every listing written so is compared, row by
row and in order, with the same query sorted on the plain variables: on the seeds, on a generated
set and on names and IRIs hard to sort, with Oxigraph and with rdflib, and (slow tests) on
Oxigraph's server and Virtuoso; and the idiom itself on strings that share prefixes or hold
control characters. (A suffix would not do: "a" + U+0001 sorts after "a" + U+0000 + "b", and
Virtuoso refuses a U+0000 in a query.)
"""

from __future__ import annotations

import re
from decimal import Decimal

import pyoxigraph as ox
import pytest
from rdflib import Graph

from bench.generate import generate
from graph.push import push
from graph.query.engines import OxigraphEngine, RdflibEngine
from graph.query.named import named_queries
from graph.query.remote import RemoteStore
from graph.query.run import run_query
from graph.store import open_store

KEY = re.compile(r'CONCAT\("key ", STR\((\?\w+)\)\)')
PLAIN = {
    "source-facts": "?source ?start ?class ?fact",
    "timeline": "STR(?date) ?event ?name",
    "vague-figures": "?class ?name",
}
"""Each keyed listing's order as it reads: on the variables themselves."""
ORDER_GRAPH = "urn:aidgraph:test:sort-keys"
HARD_GRAPH = "urn:aidgraph:test:sort-keys-hard"


def plain(text: str, name: str) -> str:
    """``text``, the query ``name``, sorted on the variables themselves rather than on their keys."""
    return text.rpartition("ORDER BY")[0] + "ORDER BY " + PLAIN[name]


def test_the_long_listings_sort_on_keys_of_the_variables_they_name() -> None:
    keyed = {name: q.text.rpartition("ORDER BY")[2] for name, q in named_queries().items() if KEY.search(q.text)}
    assert keyed.keys() == PLAIN.keys()
    for name, clause in keyed.items():
        assert KEY.sub(r"\1", clause).strip() == PLAIN[name]


@pytest.fixture(scope="module")
def generated_store(tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    folder = tmp_path_factory.mktemp("sort-keys")
    return open_store(generate(folder / "seeds", 1000), folder / "no-build")


@pytest.mark.parametrize("name", PLAIN)
def test_a_keyed_listing_orders_its_rows_as_its_plain_variables_do(name: str, seed_store, generated_store) -> None:
    text = named_queries()[name].text
    for store in (seed_store, generated_store):
        keyed = run_query(store, text).rows
        assert len(keyed) > 1
        assert keyed == run_query(store, plain(text, name)).rows


@pytest.mark.parametrize("name", PLAIN)
def test_rdflib_orders_a_keyed_listing_as_its_plain_variables_too(name: str, seed_graph: Graph) -> None:
    graph = seed_graph
    text = named_queries()[name].text
    keyed = run_query(RdflibEngine(graph), text).rows
    assert len(keyed) > 1
    assert keyed == run_query(RdflibEngine(graph), plain(text, name)).rows


LABELS = ["", "a", "a\u0000", "a\u0000b", "a\u0001", "a\u0001b", "ab", "a b", "é", "a\U0001f600", "b", "a"]
NAMES = [label for label in LABELS if label] + ["B", "e\u0301", "\uff5e", "\ue000", "10", "9", "a" * 40, "a" * 40 + "b"]
SOURCES = ["s", "s-1", "s1", "sA", "sa", "s_", "s.x", "s~"]


def _hard_to_sort(names: list[str] = NAMES) -> str:
    """Pledges, evidence and sources that the three keyed listings all list, with names and source
    IRIs that share prefixes, differ in case or hold controls, so that any key but an order-keeping
    one moves a row (one date for all: the names decide the timeline's order)."""
    lines = [
        "@prefix ag: <https://w3id.org/aidgraph/ontology#> .",
        "@prefix aid: <https://w3id.org/aidgraph/id/> .",
        "@prefix ev: <https://w3id.org/aidgraph/evidence/> .",
        "@prefix src: <https://w3id.org/aidgraph/source/> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
        'ag:About skos:notation "about" .',
    ]
    for i, source in enumerate(SOURCES):
        title = _escaped(names[-1 - i])
        lines.append(f'<https://w3id.org/aidgraph/source/{source}> a ag:SourceDocument ; dcterms:title "{title}" ;')
        lines.append('  dcterms:issued "2019"^^xsd:gYear .')
    for i, name in enumerate(names):
        source = SOURCES[i % len(SOURCES)]
        lines.append(f'aid:p{i} a ag:Pledge ; rdfs:label "{_escaped(name)}" ; ag:amountQualifier ag:About ;')
        lines.append(f'  ag:amount {i} ; ag:announcedOn "2019"^^xsd:gYear ; ag:evidence ev:e{i} .')
        lines.append(f'ev:e{i} a ag:Evidence ; ag:source <https://w3id.org/aidgraph/source/{source}> ; ag:quote "q" .')
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("name", PLAIN)
@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_a_keyed_listing_keeps_its_order_on_names_and_iris_hard_to_sort(name: str, engine: str) -> None:
    if engine == "oxigraph":
        store = ox.Store()
        store.load(_hard_to_sort().encode(), format=ox.RdfFormat.TURTLE)
        answer: OxigraphEngine | RdflibEngine = OxigraphEngine(store)
    else:
        answer = RdflibEngine(Graph().parse(data=_hard_to_sort(), format="turtle"))
    text = named_queries()[name].text
    keyed = run_query(answer, text).rows
    assert len(keyed) >= len(NAMES)
    assert keyed == run_query(answer, plain(text, name)).rows


def _in_order(store) -> dict[str, list[tuple]]:
    """The keyed listings' rows as they come, decimals compared by value."""
    return {
        name: [tuple(v.normalize() if isinstance(v, Decimal) else v for v in row.values()) for row in rows]
        for name in PLAIN
        for rows in [run_query(store, named=name).records()]
    }


@pytest.mark.slow
def test_the_servers_give_the_keyed_listings_in_the_embedded_order(oxigraph_server, virtuoso, seed_store) -> None:
    embedded = _in_order(seed_store)
    push(seed_store, oxigraph_server, graph=ORDER_GRAPH)
    push(seed_store, virtuoso.endpoint, graph=ORDER_GRAPH, user=virtuoso.user, password=virtuoso.password)
    for endpoint in (oxigraph_server, virtuoso.endpoint):
        assert _in_order(RemoteStore(endpoint, graph=ORDER_GRAPH)) == embedded, endpoint


@pytest.mark.slow
def test_on_the_servers_a_keyed_listing_keeps_its_plain_order_on_names_hard_to_sort(oxigraph_server, virtuoso) -> None:
    store = ox.Store()
    printable = [name for name in NAMES if all(ord(c) >= 0x20 for c in name)]  # Virtuoso refuses U+0000 in a query
    store.load(_hard_to_sort(printable).encode(), format=ox.RdfFormat.TURTLE)
    push(store, oxigraph_server, graph=HARD_GRAPH)
    push(store, virtuoso.endpoint, graph=HARD_GRAPH, user=virtuoso.user, password=virtuoso.password)
    for endpoint in (oxigraph_server, virtuoso.endpoint):
        remote = RemoteStore(endpoint, graph=HARD_GRAPH)
        for name in PLAIN:
            text = named_queries()[name].text
            keyed = run_query(remote, text).rows
            assert len(keyed) >= len(printable)
            assert keyed == run_query(remote, plain(text, name)).rows, (endpoint, name)


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_the_key_keeps_the_order_of_strings_with_shared_prefixes_and_control_characters(engine: str) -> None:
    lines = "".join(f'<urn:x:{i}> <urn:label> "{_escaped(label)}" .\n' for i, label in enumerate(LABELS))
    first = []
    if engine == "oxigraph":  # a row without a label sorts first, on the key as on the label
        lines += "<urn:x:unlabelled> <urn:other> <urn:y> .\n"
        first = ["urn:x:unlabelled"]
        store = ox.Store()
        store.load(lines.encode(), format=ox.RdfFormat.N_TRIPLES)
        answer: OxigraphEngine | RdflibEngine = OxigraphEngine(store)
    else:  # rdflib cannot sort on an expression without a value (it compares None with a tuple);
        # the listings' keys always have one: the shapes give every entity a label, every source a title
        answer = RdflibEngine(Graph().parse(data=lines, format="nt"))
    query = "SELECT ?x WHERE { ?x ?p ?o OPTIONAL { ?x <urn:label> ?label } } ORDER BY %s ?x"
    keyed = _subjects(answer, query % 'CONCAT("key ", STR(?label))')
    assert keyed == _subjects(answer, query % "?label")
    expected = sorted(range(len(LABELS)), key=lambda i: (LABELS[i], f"urn:x:{i}"))
    assert keyed == [*first, *(f"urn:x:{i}" for i in expected)]


def _subjects(engine: OxigraphEngine | RdflibEngine, query: str) -> list[str]:
    return [row[0].value for row in run_query(engine, query).rows]


def _escaped(label: str) -> str:
    return "".join(f"\\u{ord(c):04X}" if ord(c) < 0x20 else c for c in label)
