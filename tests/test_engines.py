"""The same questions, the same answers: Oxigraph, rdflib in memory, and a real SPARQL server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli import cli
from graph.errors import EndpointError
from graph.push import DEFAULT_GRAPH, push
from graph.query.engines import RdflibEngine
from graph.query.named import named_queries
from graph.query.remote import RemoteStore
from graph.query.run import run_query
from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[1]
REQUIRED = {"entity": "usaid"}
BOUND = {"donor": "us"}
"""A value for each parameter that has a bound text (``queries/bound``), so that text runs too."""


def answers(store) -> dict[str, list[tuple]]:
    """Every named query's rows on ``store``, and its bound texts' (lists are sorted by the engines)."""
    out = {}
    for name, query in named_queries().items():
        params = {p.name: REQUIRED[p.name] for p in query.parameters if p.required}
        runs = {name: params, **{f"{name}.{param}": {**params, param: BOUND[param]} for param, _ in query.bound_texts}}
        for key, values in runs.items():
            rows = run_query(store, named=name, params=values).records()
            out[key] = sorted((tuple(_normal(v) for v in row.values()) for row in rows), key=repr)
    return out


def _normal(value: object) -> object:
    """Numbers compared by value (servers write decimals canonically)."""
    return value.normalize() if isinstance(value, Decimal) else value


@pytest.fixture(scope="module")
def embedded(seed_store) -> dict[str, list[tuple]]:
    return answers(seed_store)


def test_rdflib_in_memory_gives_the_same_answers(embedded) -> None:
    memory = answers(RdflibEngine(_seed_graph()))
    assert memory.keys() == embedded.keys()
    for name in embedded:
        assert memory[name] == embedded[name], name


def _seed_graph():
    from loaders import load_graph
    from tests.conftest import corpus_path

    return load_graph(ROOT / "seeds", corpus_path())


@pytest.mark.slow
def test_push_then_every_named_query_answers_the_same_on_the_server(oxigraph_server, seed_store, embedded) -> None:
    result = push(seed_store, oxigraph_server)
    assert (result.graph, result.method) == (DEFAULT_GRAPH, "graph store protocol")
    assert result.triples == len(seed_store)
    remote = answers(RemoteStore(oxigraph_server, graph=DEFAULT_GRAPH))
    for name in embedded:
        assert remote[name] == embedded[name], name


@pytest.mark.slow
def test_push_replaces_the_graph_and_falls_back_to_sparql_update(oxigraph_server, seed_store) -> None:
    endpoint = oxigraph_server
    graph = "https://example.org/aidgraph-copy"
    first = push(seed_store, endpoint, graph=graph, store_url=endpoint.replace("/query", "/no-such-store"))
    assert first.method == "sparql update"
    push(seed_store, endpoint, graph=graph)  # again: replaced, not doubled
    count = run_query(RemoteStore(endpoint, graph=graph), "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").records()
    assert count == [{"n": len(seed_store)}]


@pytest.mark.slow
def test_cli_push_and_query_an_endpoint(oxigraph_server) -> None:
    runner = CliRunner()
    pushed = runner.invoke(cli, ["push", "--endpoint", oxigraph_server, "--seeds", str(ROOT / "seeds")])
    assert pushed.exit_code == 0, pushed.output
    assert pushed.stdout.startswith("Pushed ") and "(graph store protocol)" in pushed.stdout
    args = ["query", "--named", "totals-by-donor", "--endpoint", oxigraph_server, "--graph", DEFAULT_GRAPH]
    result = runner.invoke(cli, [*args, "--format", "csv"])
    assert result.stdout.splitlines()[1] == "United States,USD,13550000000,7,1"


def test_error_endpoint_down() -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(EndpointError, match="cannot reach"):
        run_query(RemoteStore(url), "ASK {}")
    result = CliRunner().invoke(cli, ["query", "ASK {}", "--endpoint", url])
    assert result.exit_code == 1 and result.stderr.startswith("Error: cannot reach http://127.0.0.1:")


def test_error_not_an_endpoint_url() -> None:
    with pytest.raises(EndpointError, match="is not an http"):
        RemoteStore("file:///etc/passwd")


@pytest.mark.slow
def test_aidgraph_serve_answers_queries_and_refuses_updates(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "graph", "serve", "--port", str(port), "--seeds", str(ROOT / "seeds")]
    process = subprocess.Popen(
        [*command, "--build-dir", str(tmp_path / "build")], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline().decode() for _ in range(2)]  # "Built …", "Serving …"
        assert f"read-only at http://127.0.0.1:{port}/ (SPARQL: http://127.0.0.1:{port}/query)" in lines[1]
        endpoint = f"http://127.0.0.1:{port}/query"
        rows = run_query(RemoteStore(endpoint), "SELECT (COUNT(?p) AS ?n) WHERE { ?p a ag:Pledge }").records()
        assert rows == [{"n": 9}]
        update = urllib.request.Request(
            f"http://127.0.0.1:{port}/update",
            data=b"INSERT DATA { <urn:a> <urn:b> <urn:c> }",
            headers={"Content-Type": "application/sparql-update"},
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(update, timeout=5)
        assert refused.value.code in (403, 404, 405)
        assert run_query(RemoteStore(endpoint), "ASK { <urn:a> ?p ?o }").boolean is False
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    assert out.decode().rstrip().endswith("Stopped.")
    assert process.returncode == 0, err.decode()


@pytest.mark.slow
def test_python_api_queries_an_endpoint(oxigraph_server, seed_store) -> None:
    import graph

    push(seed_store, oxigraph_server)
    engine = graph.open_engine(ROOT / "seeds", endpoint=oxigraph_server, graph=DEFAULT_GRAPH)
    rows = graph.run_query(engine, named="pledges", params={"donor": "mx"}).records()
    assert [(r["donorName"], r["amount"]) for r in rows] == [("Mexico", Decimal(30000000000))]


class _Misbehaving:
    """A tiny loopback HTTP server that answers every request the same bad way."""

    def __init__(self, mode: str) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                if mode == "slow":
                    time.sleep(3)
                if mode == "error":
                    self.send_response(500, "Internal Server Error")
                    self.end_headers()
                    self.wfile.write(b"store exploded\n")
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.end_headers()
                self.wfile.write(b"<html>surprise</html>")

            do_GET = do_POST = do_PUT = _answer

            def log_message(self, *args: object) -> None:
                pass

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                pass  # a client that gave up (the slow mode) is expected

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/query"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("error", "answered HTTP 500 Internal Server Error: store exploded"),
        ("garbage", "did not answer with SPARQL results"),
        ("slow", "did not answer within 1 s"),
    ],
)
def test_error_misbehaving_servers_get_a_clear_message(mode: str, message: str) -> None:
    server = _Misbehaving(mode)
    try:
        result = CliRunner().invoke(cli, ["query", "ASK {}", "--endpoint", server.url, "--timeout", "1"])
        assert result.exit_code == 1
        assert message in result.stderr and result.stderr.startswith("Error: ")
        assert "Traceback" not in result.output
    finally:
        server.close()


@pytest.mark.slow
def test_a_failed_push_leaves_the_server_graph_as_it_was(oxigraph_server, seed_store, write_seeds) -> None:
    graph = "https://example.org/kept"
    push(seed_store, oxigraph_server, graph=graph)
    broken = _Misbehaving("error")
    try:
        with pytest.raises(EndpointError, match="HTTP 500"):
            push(seed_store, oxigraph_server, graph=graph, store_url=broken.url, update_url=broken.url)
    finally:
        broken.close()
    count = run_query(RemoteStore(oxigraph_server, graph=graph), "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert count.records() == [{"n": len(seed_store)}]


@pytest.mark.slow
def test_virtuoso_push_with_a_login_then_every_named_query_answers_the_same(virtuoso, seed_store, embedded) -> None:
    result = push(seed_store, virtuoso.endpoint, user=virtuoso.user, password=virtuoso.password)
    assert (result.graph, result.method, result.triples) == (DEFAULT_GRAPH, "graph store protocol", len(seed_store))
    remote = answers(RemoteStore(virtuoso.endpoint, graph=DEFAULT_GRAPH))
    assert remote.keys() == embedded.keys()
    for name in embedded:
        assert remote[name] == embedded[name], name


@pytest.mark.slow
def test_virtuoso_cli_push_with_user_and_password_from_the_environment(
    virtuoso, seed_store, monkeypatch, tmp_path
) -> None:
    monkeypatch.setenv("AIDGRAPH_PASSWORD", virtuoso.password)
    graph = "https://example.org/cli-copy"
    args = ["push", "--endpoint", virtuoso.endpoint, "--user", virtuoso.user, "--graph", graph]
    result = CliRunner().invoke(cli, [*args, "--seeds", str(ROOT / "seeds"), "--build-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Pushed {len(seed_store)} triples into <{graph}> (graph store protocol)\n"
    kinds = run_query(RemoteStore(virtuoso.endpoint, graph=graph), named="pledge-kinds")
    column = kinds.variables.index("newMoney")
    assert {row[column].value for row in kinds.rows if row[column]} == {"true"}  # Virtuoso sends "1"
    ask = CliRunner().invoke(cli, ["query", "ASK { aid:dfc a ag:Agency }", "--endpoint", virtuoso.endpoint, "--graph", graph])
    assert (ask.exit_code, ask.stdout) == (0, "true\n")


@pytest.mark.slow
def test_error_virtuoso_wrong_password_leaves_the_graph_as_it_was(virtuoso, seed_store) -> None:
    graph = "https://example.org/guarded"
    push(seed_store, virtuoso.endpoint, graph=graph, user=virtuoso.user, password=virtuoso.password)
    with pytest.raises(EndpointError) as error:
        push(seed_store, virtuoso.endpoint, graph=graph, user=virtuoso.user, password="wrong")
    crud = virtuoso.endpoint + "-graph-crud-auth"
    assert str(error.value) == f"{crud} refused the login of user 'aidgraph' from --user (HTTP 401)"
    count = run_query(RemoteStore(virtuoso.endpoint, graph=graph), "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert count.records() == [{"n": len(seed_store)}]


@pytest.mark.slow
def test_virtuoso_push_by_sparql_update_with_the_login_in_the_url(virtuoso, seed_store) -> None:
    graph = "https://example.org/by-update"
    host = virtuoso.endpoint.replace("http://", f"http://{virtuoso.user}:{virtuoso.password}@")
    result = push(seed_store, host, graph=graph, store_url=virtuoso.endpoint + "-no-such-store")
    assert (result.method, result.triples) == ("sparql update", len(seed_store))
    count = run_query(RemoteStore(virtuoso.endpoint, graph=graph), "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert count.records() == [{"n": len(seed_store)}]
    leftovers = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), 'urn:uuid:')) } LIMIT 1"
    assert run_query(RemoteStore(virtuoso.endpoint), leftovers).rows == []


@pytest.mark.slow
def test_an_interrupted_push_leaves_the_graph_and_no_staging_graph(oxigraph_server, seed_store, monkeypatch) -> None:
    import graph.push

    graph_iri = "https://example.org/interrupted"
    push(seed_store, oxigraph_server, graph=graph_iri)
    before = run_query(RemoteStore(oxigraph_server, graph=graph_iri), "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")

    def interrupted(*args: object) -> int:
        raise KeyboardInterrupt  # Ctrl-C after the upload, before the graph is replaced

    monkeypatch.setattr(graph.push, "_count", interrupted)
    with pytest.raises(KeyboardInterrupt):
        push(seed_store, oxigraph_server, graph=graph_iri)
    after = run_query(RemoteStore(oxigraph_server, graph=graph_iri), "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert after.records() == before.records() == [{"n": len(seed_store)}]
    staging = "ASK { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), 'urn:uuid:')) }"
    assert run_query(RemoteStore(oxigraph_server), staging).boolean is False
