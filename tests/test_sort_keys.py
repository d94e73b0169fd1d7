"""The listings that sort on ``CONCAT("key ", STR(?x))`` give the rows in exactly the order of ``?x``.

The key is there for speed alone (Oxigraph compares a string it computed in memory, where it reads
a stored one back from disk at every comparison), so every listing written so is compared, row by
row and in order, with the same query sorted on the plain variables: on the seeds, on a generated
set, with Oxigraph and with rdflib; and the idiom itself on strings that share prefixes or hold
control characters. (A suffix would not do: "a" + U+0001 sorts after "a" + U+0000 + "b", and
Virtuoso refuses a U+0000 in a query.)
"""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
from rdflib import Graph

from bench.generate import generate
from graph.query.engines import OxigraphEngine, RdflibEngine
from graph.query.named import named_queries
from graph.query.run import run_query
from graph.store import open_store

KEY = re.compile(r'CONCAT\("key ", STR\((\?\w+)\)\)')
PLAIN = {
    "source-facts": "?source ?start ?class ?fact",
    "timeline": "STR(?date) ?event ?name",
    "vague-figures": "?class ?name",
}
"""Each keyed listing's order as it reads: on the variables themselves."""


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
