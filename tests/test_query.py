"""`aidgraph query` and the Python query API: formats, parameters, errors and safety."""

from __future__ import annotations

import csv
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from graph.cli import cli
from graph.errors import QueryError
from graph.query.engines import RdflibEngine, open_engine
from graph.query.results import render
from graph.query.run import Limits, run_query
from graph.query.sparql import MAX_NESTING, check_query, inline_bindings, query_form
from tests.conftest import corpus_path, raises_exactly

ROOT = Path(__file__).resolve().parents[1]
SEEDS = str(ROOT / "seeds")


def run(*args: str, input: str | None = None):
    where = ["--seeds", SEEDS, "--build-dir", "/nonexistent-build", "--corpus", str(corpus_path())]
    return CliRunner().invoke(cli, ["query", *where, *args], input=input)


def test_adhoc_select_with_project_prefixes_prints_a_table() -> None:
    result = run("SELECT ?iso WHERE { ?c a ag:Country ; ag:isoCode ?iso } ORDER BY ?iso")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["iso", "---", "GT", "HN", "MX", "SV", "US", "(5 rows)"]


def test_csv_tsv_and_json_are_the_w3c_formats() -> None:
    query = "SELECT ?iso ?name WHERE { ?c ag:isoCode ?iso ; rdfs:label ?name } ORDER BY ?iso LIMIT 2"
    rows = list(csv.reader(io.StringIO(run(query, "--format", "csv").stdout)))
    assert rows == [["iso", "name"], ["GT", "Guatemala"], ["HN", "Honduras"]]
    tsv = run(query, "--format", "tsv").stdout.splitlines()
    assert tsv == ["?iso\t?name", '"GT"\t"Guatemala"', '"HN"\t"Honduras"']
    document = json.loads(run(query, "--format", "json").stdout)
    assert document["head"]["vars"] == ["iso", "name"]
    assert document["results"]["bindings"][0]["name"] == {"type": "literal", "value": "Guatemala"}


def test_csv_quotes_what_rfc_4180_needs_and_reads_back_cell_for_cell(seed_store) -> None:
    hostile = ["plain", "a,b", 'say "no"', "two\nlines", "cr\rhere", " spaced ", "", "tab\there", "ünï"]
    values = " ".join(json.dumps(v) for v in hostile)
    query = f"SELECT ?text ?iri ?none WHERE {{ VALUES ?text {{ {values} }} BIND(IRI(CONCAT('http://e/', ENCODE_FOR_URI(?text), ',x')) AS ?iri) }}"
    data = render(run_query(seed_store, query), "csv")
    assert data.endswith(b"\r\n") and data.startswith(b"text,iri,none\r\n")
    rows = list(csv.reader(io.StringIO(data.decode(), newline="")))
    assert sorted(r[0] for r in rows[1:]) == sorted(hostile)
    assert all(r[1].endswith(",x") and r[2] == "" for r in rows[1:])  # an IRI with a comma is quoted too
    literal = render(run_query(seed_store, f"SELECT ?text WHERE {{ VALUES ?text {{ {values} }} }}"), "csv")
    oxigraph = seed_store.query(f"SELECT ?text WHERE {{ VALUES ?text {{ {values} }} }}")
    assert literal == oxigraph.serialize(format=ox.QueryResultsFormat.CSV)  # what Oxigraph writes, byte for byte


def test_ask_prints_boolean_and_sets_exit_code() -> None:
    yes = run("ASK { aid:dfc a ag:Agency }")
    no = run("ASK { aid:dfc a ag:Person }")
    assert (yes.exit_code, yes.stdout) == (0, "true\n")
    assert (no.exit_code, no.stdout) == (1, "false\n")


def test_construct_prints_turtle() -> None:
    result = run("CONSTRUCT { ?c ag:isoCode ?iso } WHERE { ?c ag:isoCode ?iso }")
    assert result.exit_code == 0
    assert "@prefix aid: <https://w3id.org/aidgraph/id/> ." in result.stdout
    assert 'aid:mx ag:isoCode "MX"' in result.stdout


def test_query_from_file_and_stdin(tmp_path: Path) -> None:
    path = tmp_path / "q.rq"
    path.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?p a ag:Pledge }")
    assert run("--file", str(path), "--format", "csv").stdout.splitlines() == ["n", "9"]
    assert run("-", "--format", "csv", input=path.read_text()).stdout.splitlines() == ["n", "9"]


def test_named_query_with_parameter() -> None:
    result = run("--named", "pledges", "--param", "donor=dfc", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 4 and {r["donorName"] for r in rows} == {"U.S. International Development Finance Corporation"}


def test_queries_lists_named_queries_with_titles() -> None:
    result = CliRunner().invoke(cli, ["queries"])
    lines = result.stdout.splitlines()
    assert len(lines) >= 15
    assert any(line.startswith("evidence ") and "Evidence behind an entity  [entity=ID]" in line for line in lines)
    shown = CliRunner().invoke(cli, ["queries", "totals-by-donor"])
    assert shown.stdout.startswith("# title: Totals by donor")


def test_error_syntax_error_names_line_and_column() -> None:
    result = run("SELECT ?x WHERE {\n  ?x ag:label }")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: SPARQL syntax error at line 2, column 15: expected one of")
    assert "Traceback" not in result.output


def test_error_unknown_named_query_suggests_closest() -> None:
    result = run("--named", "pledge")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: unknown named query 'pledge' (did you mean 'pledges' or 'pledge-parts' or 'pledge-kinds'?); "
        "`aidgraph queries` lists them"
    )


def test_error_missing_and_unknown_parameters() -> None:
    missing = run("--named", "evidence")
    assert missing.stderr.strip() == (
        "Error: named query 'evidence' needs --param entity=… (id: the fact to explain, e.g. opic-2018-new-money)"
    )
    unknown = run("--named", "evidence", "--param", "entity=dfc", "--param", "colour=red")
    assert unknown.stderr.strip() == "Error: named query 'evidence' has no parameter 'colour' (parameters: entity)"
    bad = run("--named", "evidence", "--param", "entity=Not An Id")
    assert bad.stderr.strip() == "Error: parameter entity: 'Not An Id' is not an id"


def test_error_needs_exactly_one_query_source() -> None:
    assert run().exit_code == 2
    assert run("ASK {}", "--named", "pledges").exit_code == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("INSERT DATA { aid:a aid:b aid:c }", "SPARQL Update (INSERT) is refused: aidgraph query is read-only"),
        ("DELETE WHERE { ?s ?p ?o }", "SPARQL Update (DELETE) is refused"),
        ("LOAD <http://example.org/data.ttl>", "SPARQL Update (LOAD) is refused"),
        ("PREFIX x: <urn:x> CLEAR ALL", "SPARQL Update (CLEAR) is refused"),
        ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE is refused"),
        ("SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }", "FROM <http://example.org/g> is refused"),
        ("SELECT * FROM NAMED <file:///etc/passwd> WHERE { ?s ?p ?o }", "FROM <file:///etc/passwd> is refused"),
    ],
)
def test_error_unsafe_queries_are_refused(text: str, message: str) -> None:
    result = run(text)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {message}")
    assert len(result.stderr.splitlines()) == 1


def test_keywords_inside_strings_and_comments_are_not_refused() -> None:
    text = '# SERVICE and INSERT in a comment\nSELECT ("SERVICE <http://x/> FROM" AS ?s) WHERE {}'
    assert check_query(text).form == "SELECT"
    assert query_form("BASE <http://x/> PREFIX a: <http://y/> DESCRIBE a:b") == "DESCRIBE"


class _Recorder(BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.requests.append(self.path)
        self.send_response(200)
        self.end_headers()

    do_POST = do_GET

    def log_message(self, *args: object) -> None:
        pass


def test_no_request_leaves_for_service_or_from(seed_store) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/sparql"
    try:
        for text in (
            f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
            f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}",
            f"LOAD <{url}>",
        ):
            with pytest.raises(QueryError):
                run_query(seed_store, text)
    finally:
        server.shutdown()
    assert _Recorder.requests == []


def test_timeout_stops_a_runaway_query() -> None:
    result = run("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", "--timeout", "0.5")
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: query stopped after 0.5 s (--timeout); narrow it or raise the limit"


def test_limits_return_answers_of_quick_queries(seed_store) -> None:
    result = run_query(seed_store, "ASK { aid:dfc a ag:Agency }", limits=Limits(10, 512))
    assert (render(result, "table"), result.boolean) == (b"true\n", True)
    rows = run_query(seed_store, named="pledges", params={"donor": "mx"}, limits=Limits(10, 512)).rows
    assert rows == run_query(seed_store, named="pledges", params={"donor": "mx"}, limits=None).rows


def test_memory_limit_stops_a_query_that_would_exhaust_the_machine() -> None:
    cross = "SELECT ?a ?b ?c WHERE { ?a ?p ?x . ?b ?q ?y . ?c ?r ?z } ORDER BY ?a ?b ?c"
    result = run(cross, "--memory-limit", "64", "--timeout", "120")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: the query needed more than 64 MB (--memory-limit) and was stopped; narrow it"
    )


@pytest.mark.parametrize("value", ["inf", "nan", "1e300", "0", "-1"])
def test_error_timeout_must_be_a_real_number_of_seconds(value: str) -> None:
    result = run("ASK {}", "--timeout", value)
    assert result.exit_code == 2
    assert "Invalid value for '--timeout'" in result.stderr
    assert "Traceback" not in result.stderr


def test_python_api_returns_rows_of_python_values() -> None:
    engine = open_engine(Path(SEEDS), Path("/nonexistent"))
    rows = run_query(engine, named="pledges", params={"donor": "mx"}).records()
    assert len(rows) == 1
    assert rows[0]["amount"] == __import__("decimal").Decimal("30000000000")
    assert rows[0]["donor"] == "aid:mx"


def test_error_api_needs_one_query(seed_store) -> None:
    with raises_exactly(QueryError, "give either a query text or a named query"):
        run_query(seed_store)
    with raises_exactly(QueryError, "--param applies to named queries only; write values into an ad-hoc query"):
        run_query(seed_store, "ASK {}", params={"a": "b"})


def test_query_reuses_a_current_build_and_notices_edits(tmp_path: Path, write_seeds, monkeypatch) -> None:
    import graph.build

    seeds = write_seeds()
    out = tmp_path / "out"
    graph.build.build(seeds, out)

    def no_rebuild(*args: object, **kwargs: object) -> None:
        raise AssertionError("the current build/ should have been reused")

    monkeypatch.setattr(graph.build, "build_store", no_rebuild)
    args = ["query", "--seeds", str(seeds), "--build-dir", str(out), "--format", "csv"]
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?p a ag:Pledge }"
    assert CliRunner().invoke(cli, [*args, count]).stdout.splitlines() == ["n", "1"]
    monkeypatch.undo()
    facts = seeds / "facts.yaml"
    facts.write_text(facts.read_text().replace("amount: 1 billion", "amount: 2 billion"))
    amount = "SELECT ?a WHERE { ?p ag:amount ?a }"
    assert CliRunner().invoke(cli, [*args, amount]).stdout.splitlines() == ["a", "2000000000"]


def test_dataframe_helper_for_notebooks(seed_store) -> None:
    frame = run_query(seed_store, named="totals-by-donor").frame()
    assert list(frame.columns) == ["donorName", "currency", "high", "pledges", "inexact"]
    assert frame["high"].sum() == __import__("decimal").Decimal("13550000000")


# Refusals see what the engines see: escapes expanded, every line terminator, both engines.
FORBIDDEN = {
    "SERVICE": "SELECT * WHERE {{ {kw} <http://127.0.0.1:9/sparql> {{ ?s ?p ?o }} }}",
    "FROM": "SELECT * {kw} <http://127.0.0.1:9/g> WHERE {{ ?s ?p ?o }}",
    "INSERT": "{kw} DATA {{ <urn:a> <urn:b> <urn:c> }}",
    "LOAD": "{kw} <http://127.0.0.1:9/data.ttl>",
}


def _disguises(keyword: str) -> list[str]:
    first = keyword[0]
    return [
        keyword,
        keyword.lower(),
        f"\\u{ord(first):04X}{keyword[1:]}",
        f"\\U{ord(first):08x}{keyword[1:]}",
        "".join(f"\\u{ord(c):04x}" for c in keyword),
    ]


@pytest.mark.parametrize("keyword", sorted(FORBIDDEN))
@pytest.mark.parametrize("engine_name", ["oxigraph", "rdflib"])
def test_error_every_forbidden_keyword_in_every_spelling_on_every_engine(keyword, engine_name, seed_store, seed_graph) -> None:
    engine = seed_store if engine_name == "oxigraph" else RdflibEngine(seed_graph)
    for spelling in _disguises(keyword):
        text = FORBIDDEN[keyword].format(kw=spelling)
        with pytest.raises(QueryError, match=f"{keyword} |SPARQL Update \\({keyword}\\)"):
            run_query(engine, text, limits=None)
        # A comment ended by a lone carriage return does not hide what follows it.
        with pytest.raises(QueryError, match=f"{keyword} |SPARQL Update \\({keyword}\\)"):
            run_query(engine, "# a comment\r" + text, limits=None)


def test_error_an_escape_that_spells_an_escape_is_refused() -> None:
    with raises_exactly(QueryError, "an escape that spells another escape is refused: write the character itself"):
        check_query("SELECT * WHERE { \\u005Cu0053ERVICE <http://x/> { } }")


def test_escaped_characters_in_strings_still_work(seed_store) -> None:
    rows = run_query(seed_store, 'SELECT ?n WHERE { ?c ag:isoCode "\\u004DX" ; rdfs:label ?n }').records()
    assert rows == [{"n": "Mexico"}]


@pytest.mark.parametrize("opening", ["(", "{", "["])
def test_error_deep_nesting_is_refused_before_any_parser_sees_it(opening: str) -> None:
    closing = {"(": ")", "{": "}", "[": "]"}[opening]
    text = "SELECT * WHERE { FILTER(" + opening * 5000 + "1" + closing * 5000 + ") }"
    result = run(text)
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: the query nests brackets more than {MAX_NESTING} deep; flatten it"


def test_values_bind_inside_where_never_in_a_construct_template() -> None:
    import pyoxigraph as ox

    bound = inline_bindings("CONSTRUCT { ?x ag:p ?y } { ?x ag:q ?y }", {"y": ox.Literal("v")})
    assert bound == 'CONSTRUCT { ?x ag:p ?y } { VALUES ?y { "v" } ?x ag:q ?y }'
    bound = inline_bindings("SELECT * WHERE { { SELECT ?y WHERE { ?y ?p ?o } } }", {"y": ox.Literal("v")})
    assert bound == 'SELECT * WHERE { VALUES ?y { "v" } { SELECT ?y WHERE { ?y ?p ?o } } }'


def test_parameters_accept_what_the_output_shows() -> None:
    plain = run("--named", "involvement", "--param", "entity=dfc", "--format", "csv")
    prefixed = run("--named", "involvement", "--param", "entity=aid:dfc", "--format", "csv")
    full = run("--named", "involvement", "--param", "entity=https://w3id.org/aidgraph/id/dfc", "--format", "csv")
    assert plain.exit_code == 0, plain.output
    assert plain.stdout == prefixed.stdout == full.stdout
    assert len(plain.stdout.splitlines()) > 2


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("dfcc", "Error: parameter entity: nothing in the graph has the id 'dfcc' (did you mean 'dfc'?)"),
        ("dfc\n", "Error: parameter entity: 'dfc\\n' is not an id"),
        ("dfc\u00e9", "Error: parameter entity: 'dfc\u00e9' is not an id"),
    ],
)
def test_error_parameter_that_names_nothing(value: str, message: str) -> None:
    result = run("--named", "involvement", "--param", f"entity={value}")
    assert result.exit_code == 1
    assert result.stderr.strip() == message


def test_error_query_file_that_is_not_utf8_or_too_large(tmp_path: Path) -> None:
    latin = tmp_path / "latin.rq"
    latin.write_bytes("ASK { ?s rdfs:label \"caf\u00e9\" }".encode("latin-1"))
    result = run("--file", str(latin))
    assert (result.exit_code, result.stderr.strip()) == (1, f"Error: {latin}: query is not UTF-8 text (byte 24)")
    result = run("--file", "/dev/zero")
    assert (result.exit_code, result.stderr.strip()) == (
        1, "Error: /dev/zero: query is a character device, not a regular file"
    )
    result = CliRunner().invoke(cli, ["query", "--seeds", SEEDS, "-"], input=b"\xff")
    assert (result.exit_code, result.stderr.strip()) == (1, "Error: standard input: query is not UTF-8 text (byte 0)")


def test_error_endless_standard_input_is_cut_at_the_limit() -> None:
    import io as _io

    from graph.query.sparql import MAX_QUERY_CHARS

    class Endless(_io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            buffer[:] = b"#" * len(buffer)
            return len(buffer)

    result = CliRunner().invoke(cli, ["query", "--seeds", SEEDS, "-"], input=_io.BufferedReader(Endless()))
    assert result.stderr.strip() == f"Error: standard input: query is larger than the limit of {MAX_QUERY_CHARS:,} bytes"


def test_terminal_control_characters_in_data_are_shown_escaped_in_tables() -> None:
    result = run('SELECT ?label WHERE { BIND("evil\\u001b[2Jname\\u0007" AS ?label) }')
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[2] == "evil\\x1b[2Jname\\x07"
    csv_out = run('SELECT ?label WHERE { BIND("a\\u001bb" AS ?label) }', "--format", "csv")
    assert csv_out.stdout.splitlines()[1] == "a\x1bb"  # machine formats keep the data exact


def test_error_extract_refuses_endless_and_special_files() -> None:
    result = CliRunner().invoke(cli, ["extract", "/dev/zero", "--seeds", SEEDS])
    assert (result.exit_code, result.stderr.strip()) == (
        1, "Error: /dev/zero: article is a character device, not a regular file"
    )
