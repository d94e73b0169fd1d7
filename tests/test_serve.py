"""``aidgraph serve``: read-only, offline, deaf to other web pages, and stopped by any signal."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli import cli
from graph.serve import QueryServer, check_port
from ontology.prefixes import PREFIXES
from tests.proc import process_stats
from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[1]
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@pytest.fixture(scope="module")
def served(seed_store) -> Iterator[str]:
    server = QueryServer(seed_store, "127.0.0.1", 0, timeout=20)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.port}"
    server.shutdown()
    server.server_close()


def ask(url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with OPENER.open(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def form(query: str, **extra: str) -> bytes:
    return urllib.parse.urlencode({"query": query, **extra}).encode()


def test_error_a_port_in_use_is_refused_before_anything_is_printed() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--port", str(port), "--seeds", str(ROOT / "seeds")])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"Error: port {port} is in use; try --port\n"


def test_answers_by_accept_header_and_format(served: str) -> None:
    query = "SELECT ?iso WHERE { ?c ag:isoCode ?iso } ORDER BY ?iso"
    status, headers, body = ask(served + "/query", data=form(query), headers={"Accept": "text/csv"})
    assert (status, headers["Content-Type"], body) == (200, "text/csv; charset=utf-8", b"iso\r\nGT\r\nHN\r\nMX\r\nSV\r\nUS\r\n")
    status, headers, body = ask(served + "/sparql?" + urllib.parse.urlencode({"query": query, "format": "table"}))
    assert body.decode().splitlines()[:3] == ["iso", "---", "GT"]
    status, headers, body = ask(served + "/query?" + urllib.parse.urlencode({"query": "ASK { aid:dfc a ag:Agency }"}))
    assert (headers["Content-Type"], body) == ("application/sparql-results+json", b'{"head":{},"boolean":true}\n')
    construct = "CONSTRUCT WHERE { aid:mx ag:isoCode ?iso }"
    status, headers, body = ask(served + "/query", data=construct.encode(), headers={"Content-Type": "application/sparql-query"})
    assert (headers["Content-Type"], b'aid:mx ag:isoCode "MX"' in body) == ("text/turtle; charset=utf-8", True)


def test_error_service_from_and_updates_are_refused_and_nothing_is_fetched(served: str) -> None:
    fetched: list[str] = []

    class Recorder(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            fetched.append(self.path)
            self.send_response(500)
            self.end_headers()

        do_POST = do_GET

        def log_message(self, *args: object) -> None:
            pass

    target = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=target.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{target.server_port}/sparql"
    try:
        status, _, body = ask(served + "/query", data=form(f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"))
        assert (status, body) == (
            400,
            b"SERVICE is refused: queries do not reach the network (use --allow-federation to permit it)\n",
        )
        status, _, body = ask(served + "/query", data=form(f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}"))
        assert status == 400 and body.startswith(b"FROM <")
        status, _, body = ask(served + "/query", data=form(f"LOAD <{url}>"))
        assert (status, body) == (400, b"SPARQL Update (LOAD) is refused: aidgraph query is read-only\n")
        status, _, _ = ask(served + "/update", data=urllib.parse.urlencode({"update": "DROP ALL"}).encode())
        assert status == 403
    finally:
        target.shutdown()
    assert fetched == []


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({"Origin": "https://evil.example"}, b"refused: requests from other web pages are not answered\n"),
        ({"Origin": "null"}, b"refused: requests from other web pages are not answered\n"),
        ({"Host": "rebound.evil.example:7878"}, b"refused: this server answers requests for localhost only\n"),
    ],
)
def test_error_other_web_pages_are_refused(served: str, headers: dict[str, str], message: bytes) -> None:
    """A page elsewhere may send a form POST (no CORS needed) or rebind its DNS name to 127.0.0.1."""
    status, answer_headers, body = ask(
        served + "/query", data=form("ASK {}"), headers={**headers, "Content-Type": "application/x-www-form-urlencoded"}
    )
    assert (status, body) == (403, message)
    assert not any(key.lower().startswith("access-control-") for key in answer_headers)


def test_the_query_page_lists_the_prefixes_and_loads_nothing(served: str) -> None:
    origin = served
    status, headers, body = ask(served + "/")
    page = body.decode()
    assert status == 200 and headers["Content-Security-Policy"].startswith("default-src 'none'")
    for name, iri in PREFIXES.items():
        assert f"<code>{name}:</code></td><td><code>{iri}</code>" in page
    assert "http" not in page.replace(next(iter(PREFIXES.values())), "").split("<table>")[0].split("<textarea")[0]
    same_origin = {"Origin": origin, "Content-Type": "application/x-www-form-urlencoded"}
    status, _, body = ask(served + "/query", data=form("SELECT ?n WHERE { aid:mx rdfs:label ?n }", format="table"), headers=same_origin)
    assert (status, body.decode().splitlines()[2]) == (200, "Mexico")


def _group_members(pgid: int) -> list[int]:
    return [pid for pid, fields in process_stats() if int(fields[2]) == pgid and fields[0] != "Z"]


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_stops_the_server_and_leaves_no_process(tmp_path: Path, signum: int) -> None:
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "graph", "serve", "--port", str(port), "--seeds", str(ROOT / "seeds")]
    process = subprocess.Popen(
        [*command, "--build-dir", str(tmp_path / "build")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
    )
    try:
        assert process.stdout is not None
        while not (line := process.stdout.readline().decode()).startswith("Serving"):
            assert line, process.stderr.read().decode() if process.stderr else ""
        runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"

        def run_away() -> None:
            with contextlib.suppress(Exception):  # the server stops while it runs: any ending will do
                ask(f"http://127.0.0.1:{port}/query", data=form(runaway))

        threading.Thread(target=run_away, daemon=True).start()
        deadline = time.monotonic() + 10
        while len(_group_members(process.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)  # the query runs in a child process
        assert len(_group_members(process.pid)) >= 2
        process.send_signal(signum)
        out, _ = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert out.decode().rstrip().endswith("Stopped.") and process.returncode == 0
    time.sleep(0.2)
    assert _group_members(process.pid) == []
    check_port("127.0.0.1", port)  # the port is free again
