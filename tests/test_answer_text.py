"""An answer that comes back from the query process as TSV text prints exactly as its rows would.

A query run within limits answers in a child process, which sends SELECT rows as W3C TSV
(:func:`graph.query.run.run_query`); :func:`graph.query.results.render` then lets Oxigraph write
CSV, TSV and JSON from that text, unless a cell needs rewriting (a list cell to sort, a boolean
written ``1``) or Oxigraph's CSV would differ (an IRI with a comma). Each test compares the text's
output with the output of the same rows as terms, which is how every other answer prints.
"""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from graph.errors import QueryError
from graph.query.canonical import canonical_term, list_columns
from graph.query.named import named_queries
from graph.query.results import QueryResult, render
from graph.query.run import Limits, run_query
from tests.conftest import raises_exactly

FORMATS = ("table", "csv", "tsv", "json")
BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
PARAMS = {"evidence": {"entity": "opic-2018-new-money"}, "involvement": {"entity": "usaid"}}
"""Values for the named queries that need one (the examples their files give)."""
HOSTILE = ["plain", "a,b", 'say "no"', "two\nlines", "cr\rhere", " spaced ", "", "tab\there", "ünï", "<a,b>", "😀"]


def _from_terms(tsv: bytes, lists: dict[str, str] | None = None) -> QueryResult:
    """The same answer as rows of terms, canonical: how an answer read in this process prints."""
    return QueryResult.from_answer(ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV), "SELECT", lists)


def _hostile_tsv(store: ox.Store) -> bytes:
    values = " ".join(json.dumps(v, ensure_ascii=False) for v in HOSTILE)  # JSON's escapes are SPARQL's
    query = f"""SELECT ?text ?tagged ?iri ?blank ?number ?none WHERE {{
      VALUES ?text {{ {values} }}
      BIND(STRLANG(?text, "en") AS ?tagged)
      BIND(IRI(CONCAT("http://e/", ENCODE_FOR_URI(?text))) AS ?iri)
      BIND(BNODE(?text) AS ?blank)
      BIND(STRLEN(?text) * 1.5 AS ?number)
    }}"""
    return store.query(query).serialize(format=ox.QueryResultsFormat.TSV)


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_every_named_query_prints_the_same_from_the_query_process(seed_store: ox.Store, name: str) -> None:
    """Within limits (TSV from the child) and without (terms read here): the same bytes in every format."""
    params = PARAMS.get(name, {})
    limited = run_query(seed_store, named=name, params=params, limits=Limits(30, 1024))
    direct = run_query(seed_store, named=name, params=params, limits=None)
    assert limited.tsv is not None and direct.tsv is None
    for fmt in FORMATS:
        assert render(limited, fmt) == render(direct, fmt), (name, fmt)
    assert limited.rows == direct.rows


def test_hostile_text_prints_the_same_as_its_terms() -> None:
    """Quotes, commas, line breaks, tabs, language tags, blank nodes and numbers, unbound cells."""
    tsv = _hostile_tsv(ox.Store())
    for fmt in FORMATS:
        assert render(QueryResult.from_tsv(tsv, "SELECT"), fmt) == render(_from_terms(tsv), fmt), fmt


def test_an_iri_with_a_comma_is_quoted_in_csv() -> None:
    """Oxigraph's CSV leaves such an IRI bare, which splits the row: the rows write it instead."""
    tsv = b'?iri\n<http://e/a,b>\n'
    assert ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV).serialize(
        format=ox.QueryResultsFormat.CSV
    ) == b"iri\r\nhttp://e/a,b\r\n"  # why the guard exists: if Oxigraph quotes it one day, this says so
    assert render(QueryResult.from_tsv(tsv, "SELECT"), "csv") == b'iri\r\n"http://e/a,b"\r\n'


def test_a_boolean_written_one_or_zero_prints_canonical() -> None:
    """Another engine may send ``1``; rows rewrite it ``true``, and the text is not printed as sent."""
    tsv = f'?b\t?n\n"1"^^<{BOOLEAN}>\t1\n"0"^^<{BOOLEAN}>\t0\ntrue\t2\n'.encode()
    result = QueryResult.from_tsv(tsv, "SELECT")
    assert render(result, "csv") == b"b,n\r\ntrue,1\r\nfalse,0\r\ntrue,2\r\n"
    for fmt in FORMATS:
        assert render(QueryResult.from_tsv(tsv, "SELECT"), fmt) == render(_from_terms(tsv), fmt), fmt


def test_list_cells_print_sorted() -> None:
    """A GROUP_CONCAT's parts come in any order from any engine; every answer prints them sorted."""
    query = 'SELECT (GROUP_CONCAT(?x; separator=" + ") AS ?names) WHERE { VALUES ?x { "b" "c" "a" } }'
    tsv = b'?names\n"b + c + a"\n'
    lists = list_columns(query)
    assert lists == {"names": " + "}
    assert render(QueryResult.from_tsv(tsv, "SELECT", lists), "csv") == b"names\r\na + b + c\r\n"
    for fmt in FORMATS:
        assert render(QueryResult.from_tsv(tsv, "SELECT", lists), fmt) == render(_from_terms(tsv, lists), fmt), fmt


def test_rows_read_and_changed_print_as_changed() -> None:
    """Once a caller holds the rows, they are the answer: the text is no longer printed."""
    result = QueryResult.from_tsv(b'?name\n"DFC"\n', "SELECT")
    result.rows[0][0] = ox.Literal("OPIC")
    assert render(result, "csv") == b"name\r\nOPIC\r\n"


def test_an_empty_answer_prints_its_header() -> None:
    store = ox.Store()
    tsv = store.query("SELECT ?a ?b WHERE { FILTER(false) }").serialize(format=ox.QueryResultsFormat.TSV)
    for fmt in FORMATS:
        assert render(QueryResult.from_tsv(tsv, "SELECT"), fmt) == render(_from_terms(tsv), fmt), fmt
    assert render(QueryResult.from_tsv(tsv, "SELECT"), "csv") == b"a,b\r\n"



def test_a_literal_with_a_direction_prints_the_same_within_limits_or_not() -> None:
    query = 'SELECT ?x WHERE { BIND(STRLANGDIR("hi", "ar", "rtl") AS ?x) }'
    store = ox.Store()
    for fmt in FORMATS:
        assert render(run_query(store, query, limits=Limits(30, 1024)), fmt) == render(run_query(store, query, limits=None), fmt), fmt
    assert b'"its:dir":"rtl"' in render(run_query(store, query, limits=None), "json")


def test_a_triple_term_is_refused_in_one_line_in_every_format() -> None:
    """RDF 1.2 triple terms have no reading here: one clear error, never a traceback or a broken CSV row."""
    query = 'SELECT ?t WHERE { BIND(TRIPLE(<http://e/s>, <http://e/p>, "a,b") AS ?t) }'
    store = ox.Store()
    for limits in (Limits(30, 1024), None):
        for fmt in FORMATS:
            with raises_exactly(QueryError, "the answer holds an RDF 1.2 triple term, which aidgraph does not print: select its parts (SUBJECT, PREDICATE, OBJECT)"):
                render(run_query(store, query, limits=limits), fmt)


def test_renamed_columns_print_renamed() -> None:
    result = QueryResult.from_tsv(b"?x\n1\n", "SELECT")
    result.variables = ["renamed"]
    assert render(result, "csv") == b"renamed\r\n1\r\n"


def test_showing_an_answer_does_not_read_its_rows() -> None:
    """A debug print of 100k rows must not cost their reading, nor the printing from the text after it."""
    result = QueryResult.from_tsv(b'?name\n"DFC"\n', "SELECT")
    for _ in range(2):  # the second shows the first read nothing
        assert repr(result) == "QueryResult('SELECT', variables=['name'], rows not read yet)"


LIST_QUERY = """SELECT ?plain ?tagged ?pipes ?dots ?number ?none WHERE {{
  {{ SELECT (GROUP_CONCAT(?text; separator=", ") AS ?plain) (GROUP_CONCAT(?text; separator="|") AS ?pipes)
            (GROUP_CONCAT(?text; separator=" · ") AS ?dots) WHERE {{ VALUES ?text {{ {values} }} }} }}
  BIND(STRLANGDIR(?plain, "en", "ltr") AS ?tagged)
  BIND(2.1 AS ?number)  # a bare cell with the separator: sorted through its term, as the rows sort it
}}"""
LISTS = {"plain": ", ", "tagged": ", ", "pipes": "|", "dots": " · ", "number": ".", "none": ", "}


@pytest.mark.parametrize("values", [HOSTILE, ["b", "a"], ["z", "ä", "😀", "a", "Z", "~"], ['a\\b', "a]", "a\\"]])
def test_list_cells_of_any_text_print_sorted_from_the_text(values: list[str]) -> None:
    """Sorted in the text itself, a list cell prints as its sorted term: escapes, tags, numbers, non-ASCII."""
    literals = " ".join(json.dumps(v, ensure_ascii=False) for v in values)
    tsv = ox.Store().query(LIST_QUERY.format(values=literals)).serialize(format=ox.QueryResultsFormat.TSV)
    for fmt in FORMATS:
        result = QueryResult.from_tsv(tsv, "SELECT", LISTS)
        assert render(result, fmt) == render(_from_terms(tsv, LISTS), fmt), fmt
        looks_like_iri_with_comma = fmt == "csv" and "<a,b>" in values  # the IRI guard reads the rows then
        read = not repr(result).endswith("rows not read yet)")
        assert read == (fmt == "table" or looks_like_iri_with_comma), fmt  # else printed from the text
    [row] = QueryResult.from_tsv(tsv, "SELECT", LISTS).records()
    assert row["pipes"] == "|".join(sorted(values))


def test_a_list_cell_keeps_its_language_and_direction_when_sorted() -> None:
    term = ox.Literal("b, a", language="ar", direction=ox.BaseDirection.RTL)
    assert canonical_term(term, ", ") == ox.Literal("a, b", language="ar", direction=ox.BaseDirection.RTL)


@pytest.mark.parametrize("separator", ["\n", "\t", '"', "\\"])
def test_a_separator_that_tsv_escapes_sorts_through_the_rows(separator: str) -> None:
    """A line break as separator is ``\\n`` in the text, where it cannot be split on: the rows sort it."""
    query = f'SELECT (GROUP_CONCAT(?x; separator={json.dumps(separator)}) AS ?parts) WHERE {{ VALUES ?x {{ "b" "a" }} }}'
    lists = list_columns(query)
    assert lists == {"parts": separator}
    tsv = ox.Store().query(query).serialize(format=ox.QueryResultsFormat.TSV)
    for fmt in FORMATS:
        assert render(QueryResult.from_tsv(tsv, "SELECT", lists), fmt) == render(_from_terms(tsv, lists), fmt), fmt
    assert QueryResult.from_tsv(tsv, "SELECT", lists).records() == [{"parts": f"a{separator}b"}]
