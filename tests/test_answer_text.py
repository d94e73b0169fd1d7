"""An answer that comes back from the query process as TSV text prints exactly as its rows would.

A query run within limits answers in a child process, which sends SELECT rows as W3C TSV
(:func:`graph.query.run.run_query`); :func:`graph.query.results.render` then lets Oxigraph write
CSV, TSV and JSON from that text, a list cell's parts sorted in the text itself, unless a boolean
came as ``1`` or Oxigraph's CSV would differ (an IRI with a comma). Each test compares the text's
output with the output of the same rows as terms, which is how every other answer prints.
"""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from graph.errors import QueryError
from graph.query.canonical import canonical_term, list_columns
from graph.query.named import named_queries
from graph.query.results import QueryResult, _tsv_string, render
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


LIST_QUERY = """SELECT ?plain ?tagged ?pipes ?dots ?lines ?quotes ?none WHERE {{
  {{ SELECT (GROUP_CONCAT(?text; separator=", ") AS ?plain) (GROUP_CONCAT(?text; separator="|") AS ?pipes)
            (GROUP_CONCAT(?text; separator=" · ") AS ?dots) (GROUP_CONCAT(?text; separator="\\n") AS ?lines)
            (GROUP_CONCAT(?text; separator='"\\\\') AS ?quotes) WHERE {{ VALUES ?text {{ {values} }} }} }}
  BIND(STRLANGDIR(?plain, "en", "ltr") AS ?tagged)
}}"""
LISTS = {"plain": ", ", "tagged": ", ", "pipes": "|", "dots": " · ", "lines": "\n", "quotes": '"\\', "none": ", "}


def _printed_from_text(result: QueryResult, fmt: str) -> bytes:
    """``render(result, fmt)``, checking that CSV, TSV and JSON came from the text, not the rows."""
    printed = render(result, fmt)
    assert repr(result).endswith("rows not read yet)") == (fmt != "table"), fmt
    return printed


@pytest.mark.parametrize("values", [HOSTILE, ["b", "a"], ["z", "ä", "😀", "a", "Z", "~"], ['a\\b', "a]", "a\\", '"\\']])
def test_list_cells_of_any_text_print_sorted_from_the_text(values: list[str]) -> None:
    """Sorted in the text itself, a list cell prints as its sorted term: escapes, tags, separators TSV escapes."""
    literals = " ".join(json.dumps(v, ensure_ascii=False) for v in values)
    tsv = ox.Store().query(LIST_QUERY.format(values=literals)).serialize(format=ox.QueryResultsFormat.TSV)
    for fmt in FORMATS:
        result = QueryResult.from_tsv(tsv, "SELECT", LISTS)
        if fmt == "csv" and "<a,b>" in values:  # text that looks like an IRI with a comma: the rows print it
            assert render(result, fmt) == render(_from_terms(tsv, LISTS), fmt)
            continue
        assert _printed_from_text(result, fmt) == render(_from_terms(tsv, LISTS), fmt), fmt
    [row] = QueryResult.from_tsv(tsv, "SELECT", LISTS).records()
    assert row["pipes"] == "|".join(sorted(values))
    assert row["lines"] == "\n".join(sorted("\n".join(values).split("\n")))  # a value's own line break splits it


def test_a_list_cell_keeps_its_language_and_direction_when_sorted() -> None:
    term = ox.Literal("b, a", language="ar", direction=ox.BaseDirection.RTL)
    assert canonical_term(term, ", ") == ox.Literal("a, b", language="ar", direction=ox.BaseDirection.RTL)


def test_strings_are_written_escaped_as_oxigraph_writes_them() -> None:
    """The text path writes a sorted cell's escapes itself: the same bytes as Oxigraph's TSV, character by character."""
    characters = [*map(chr, range(0x250)), "\u2028", "\u2029", "\ufeff", "\uffff", "\U00010000", "😀", "\U0010ffff"]
    store = ox.Store()
    store.extend(ox.Quad(ox.NamedNode(f"http://e/{i}"), ox.NamedNode("http://e/p"), ox.Literal(f"a{c}b"))
                 for i, c in enumerate(characters))
    for row in store.query("SELECT ?s ?v WHERE { ?s ?p ?v }").serialize(format=ox.QueryResultsFormat.TSV).split(b"\n")[1:-1]:
        subject, written = row.split(b"\t")
        character = characters[int(subject.decode()[len("<http://e/"):-1])]
        assert written == b'"' + _tsv_string(f"a{character}b") + b'"', hex(ord(character))


@pytest.mark.parametrize("cell", [b"2.1", b"<http://e/a.b>", b"_:a.b", b'"a.b', b'"a.\\qb"', b'"\\uD83D.b"'])
def test_a_list_cell_that_is_no_string_prints_through_the_rows(cell: bytes) -> None:
    """A number, an IRI, a blank node, or text that is no TSV string: the rows decide what it is."""
    tsv = b"?v\n" + cell + b"\n"
    result = QueryResult.from_tsv(tsv, "SELECT", {"v": "."})
    assert result._printable_text("tsv") is None
    try:
        expected = render(_from_terms(tsv, {"v": "."}), "tsv")
    except (SyntaxError, ValueError):  # Oxigraph refuses the text: so does the answer
        with pytest.raises((SyntaxError, ValueError)):
            render(result, "tsv")
    else:
        assert render(result, "tsv") == expected


def test_a_long_list_cell_with_escapes_prints_from_the_text() -> None:
    """9 MB in one cell: sorted in the text, without a detour through JSON (whose reader stops at 16 MB)."""
    numbers = " ".join(map(str, range(1000)))
    query = f"""SELECT (GROUP_CONCAT(?s; separator=", ") AS ?x) WHERE {{ VALUES ?a {{ {numbers} }} VALUES ?b {{ {numbers} }}
      BIND(CONCAT(IF(?a = 0 && ?b = 0, "\\\\", ""), STR(?a), "-", STR(?b)) AS ?s) }}"""
    tsv = ox.Store().query(query).serialize(format=ox.QueryResultsFormat.TSV)
    assert len(tsv) > 8_000_000
    lists = list_columns(query)
    assert _printed_from_text(QueryResult.from_tsv(tsv, "SELECT", lists), "csv") == render(_from_terms(tsv, lists), "csv")


@pytest.mark.parametrize(
    ("raised", "expected"),
    [(MemoryError("Reached the buffer maximal size of 16777216"), QueryError), (MemoryError(), MemoryError)],
    ids=["Oxigraph's limit", "out of memory"],
)
def test_only_oxigraphs_buffer_limit_is_named_a_long_row(
    monkeypatch: pytest.MonkeyPatch, raised: MemoryError, expected: type[Exception]
) -> None:
    """The 16 MB message is for Oxigraph's reading limit; a machine out of memory is not told to select less."""
    answer = run_query(ox.Store(), 'SELECT ?x WHERE { VALUES ?x { "a" } }', limits=Limits(120, 2048))

    def reads(*_args: object, **_kwargs: object) -> None:
        raise raised

    monkeypatch.setattr(ox, "parse_query_results", reads)
    with pytest.raises(expected):
        render(answer, "json")


@pytest.mark.slow  # 8 s: a 17 MB answer
def test_a_row_longer_than_oxigraph_reads_is_refused_in_one_line() -> None:
    """17 MB in one cell: what Oxigraph cannot read back is one clear error in every format that needs it."""
    numbers = " ".join(map(str, range(1400)))
    query = f"""SELECT (GROUP_CONCAT(?s; separator=", ") AS ?x) WHERE {{ VALUES ?a {{ {numbers} }} VALUES ?b {{ {numbers} }}
      BIND(CONCAT(STR(?a), "-", STR(?b)) AS ?s) }}"""
    store = ox.Store()
    answer = run_query(store, query, limits=Limits(120, 2048))
    assert len(answer.tsv or b"") > 16 * 1024 * 1024
    for fmt in ("tsv", "json"):
        with raises_exactly(QueryError, "a row of the answer is longer than the 16 MB Oxigraph reads at once: select less of it (fewer parts in a GROUP_CONCAT, or SUBSTR)"):
            render(answer, fmt)
    in_process = run_query(store, query, limits=None)
    with raises_exactly(QueryError, "a row of the answer is longer than the 16 MB Oxigraph reads at once: select less of it (fewer parts in a GROUP_CONCAT, or SUBSTR)"):
        render(in_process, "json")
    assert render(in_process, "csv").startswith(b"x\r\n\"0-0, 0-1, 0-10, ")  # the rows write CSV themselves
