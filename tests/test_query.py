"""`aidgraph query` and the Python query API: formats, parameters, errors and safety."""

from __future__ import annotations

import csv
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner

from graph.cli import cli
from graph.errors import QueryError
from graph.query.run import execute, query_rows, resolve
from graph.query.sparql import check_safety, query_form

ROOT = Path(__file__).resolve().parents[1]
SEEDS = str(ROOT / "seeds")


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, ["query", "--seeds", SEEDS, "--build-dir", "/nonexistent-build", *args], input=input)


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


def test_keywords_inside_strings_and_comments_are_not_refused() -> None:
    text = '# SERVICE and INSERT in a comment\nSELECT ("SERVICE <http://x/> FROM" AS ?s) WHERE {}'
    assert check_safety(text) == "SELECT"
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
                execute(seed_store, text, {}, "table")
    finally:
        server.shutdown()
    assert _Recorder.requests == []


def test_timeout_stops_a_runaway_query() -> None:
    result = run("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", "--timeout", "0.5")
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: query stopped after 0.5 s (--timeout); narrow it or raise the limit"


def test_timeout_returns_answers_of_quick_queries(seed_store) -> None:
    rendered = execute(seed_store, "ASK { aid:dfc a ag:Agency }", {}, "table", timeout=10)
    assert (rendered.data, rendered.boolean) == (b"true\n", True)


def test_python_api_returns_rows_of_python_values() -> None:
    rows = query_rows(named="pledges", params={"donor": "mx"}, seeds=Path(SEEDS), build_dir=Path("/nonexistent"))
    assert len(rows) == 1
    assert rows[0]["amount"] == __import__("decimal").Decimal("30000000000")
    assert rows[0]["donor"] == "aid:mx"


def test_error_api_needs_one_query() -> None:
    with pytest.raises(QueryError, match="either a query text or a named query"):
        resolve()
    with pytest.raises(QueryError, match="--param applies to named queries only"):
        resolve("ASK {}", params={"a": "b"})


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


def test_dataframe_helper_for_notebooks() -> None:
    from graph.query.run import query_frame

    frame = query_frame(named="totals-by-donor", seeds=Path(SEEDS), build_dir=Path("/nonexistent"))
    assert list(frame.columns) == ["donorName", "currency", "high", "pledges", "inexact"]
    assert frame["high"].sum() == __import__("decimal").Decimal("13550000000")
