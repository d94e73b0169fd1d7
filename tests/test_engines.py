"""The same questions, the same answers: Oxigraph, rdflib in memory, and a real SPARQL server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli import cli
from graph.errors import EndpointError
from graph.push import DEFAULT_GRAPH, push
from graph.query.engines import RdflibStore
from graph.query.named import named_queries
from graph.query.remote import RemoteStore
from graph.query.run import resolve
from graph.query.sparql import run_query
from graph.serve import oxigraph_command

ROOT = Path(__file__).resolve().parents[1]
REQUIRED = {"entity": "usaid"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except urllib.error.HTTPError:
            return  # the server answers
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not come up")


def answers(store) -> dict[str, list[tuple]]:
    """Every named query's rows on ``store``, normalized for comparison between engines."""
    out = {}
    for name, query in named_queries().items():
        params = {p.name: REQUIRED[p.name] for p in query.parameters if p.required}
        text, bindings = resolve(named=name, params=params)
        rows = run_query(store, text, bindings=bindings).records()
        out[name] = sorted((tuple(_normal(v) for v in row.values()) for row in rows), key=repr)
    return out


def _normal(value: object) -> object:
    """Values compared by value; lists joined by GROUP_CONCAT compared as sets (order is free)."""
    if isinstance(value, Decimal):
        return value.normalize()
    if isinstance(value, str):
        for separator in (" + ", ", ", " | "):
            if separator in value:
                return tuple(sorted(value.split(separator)))
    return value


@pytest.fixture(scope="module")
def embedded(seed_store) -> dict[str, list[tuple]]:
    return answers(seed_store)


def test_rdflib_in_memory_gives_the_same_answers(embedded) -> None:
    memory = answers(RdflibStore(_graph_without_positions()))
    assert memory.keys() == embedded.keys()
    for name in embedded:
        assert memory[name] == embedded[name], name


def _graph_without_positions():
    from graph.build import build_graph

    return build_graph(ROOT / "seeds")[0]


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `oxigraph serve` on 127.0.0.1, a free port and a temporary directory."""
    port = free_port()
    location = tmp_path_factory.mktemp("oxigraph-server")
    process = subprocess.Popen(
        [oxigraph_command(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/")
        yield f"http://127.0.0.1:{port}/query"
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)


def test_push_then_every_named_query_answers_the_same_on_the_server(oxigraph_server, seed_store, embedded) -> None:
    result = push(seed_store, oxigraph_server)
    assert (result.graph, result.method) == (DEFAULT_GRAPH, "graph store protocol")
    assert result.triples == len(seed_store)
    remote = answers(RemoteStore(oxigraph_server, graph=DEFAULT_GRAPH))
    for name in embedded:
        assert remote[name] == embedded[name], name


def test_push_replaces_the_graph_and_falls_back_to_sparql_update(oxigraph_server, seed_store) -> None:
    endpoint = oxigraph_server
    graph = "https://example.org/aidgraph-copy"
    first = push(seed_store, endpoint, graph=graph, store_url=endpoint.replace("/query", "/no-such-store"))
    assert first.method == "sparql update"
    push(seed_store, endpoint, graph=graph)  # again: replaced, not doubled
    count = run_query(RemoteStore(endpoint, graph=graph), "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").records()
    assert count == [{"n": len(seed_store)}]


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


def test_python_api_queries_an_endpoint(oxigraph_server, seed_store) -> None:
    from graph.query.run import query_rows

    push(seed_store, oxigraph_server)
    rows = query_rows(named="pledges", params={"donor": "mx"}, endpoint=oxigraph_server, graph=DEFAULT_GRAPH)
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

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
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
