"""The SPARQL protocol as servers speak it, logins, and push's refusals, against a recording server."""

from __future__ import annotations

import base64
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from graph.auth import Login, login_for
from graph.cli import cli
from graph.errors import EndpointError
from graph.push import push
from graph.query.remote import MAX_GET_URL, RemoteStore
from graph.query.run import run_query

ROOT = Path(__file__).resolve().parents[1]
SECRET = "pa:ss@w0rd/%"
XSD = "http://www.w3.org/2001/XMLSchema#"


class Recorder:
    """A loopback HTTP server that records requests and answers with a set reply.

    ``basic`` makes it ask for HTTP Basic (user ``ann``, password :data:`SECRET`) first.
    """

    def __init__(self, status: int = 200, content_type: str = "application/sparql-results+json",
                 body: bytes = b'{"head":{},"boolean":true}', basic: bool = False) -> None:
        self.requests: list[dict] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                data = self.rfile.read(length)
                auth = self.headers.get("Authorization")
                recorder.requests.append(
                    {"method": self.command, "path": self.path, "body": data, "headers": dict(self.headers)}
                )
                expected = "Basic " + base64.b64encode(f"ann:{SECRET}".encode()).decode()
                if basic and auth != expected:
                    self.send_response(401)
                    self.send_header("WWW-Authenticate", 'Basic realm="sparql"')
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = _answer

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def query_params(self, index: int = -1) -> dict[str, list[str]]:
        request = self.requests[index]
        text = urllib.parse.urlsplit(request["path"]).query if request["method"] == "GET" else request["body"].decode()
        return urllib.parse.parse_qs(text)


@pytest.fixture
def recorder() -> Iterator[type[Recorder]]:
    started: list[Recorder] = []

    def start(**options: object) -> Recorder:
        server = Recorder(**options)
        started.append(server)
        return server

    yield start
    for server in started:
        server.server.shutdown()


def test_a_short_query_goes_as_get_with_the_graph_and_asks_for_json_first(recorder) -> None:
    server = recorder()
    assert run_query(RemoteStore(server.base + "/sparql", graph="urn:g"), "ASK { ?s ?p ?o }").boolean is True
    request = server.requests[0]
    assert request["method"] == "GET" and request["path"].startswith("/sparql?query=PREFIX")
    assert server.query_params()["default-graph-uri"] == ["urn:g"]
    assert server.query_params()["query"][0].endswith("ASK { ?s ?p ?o }")
    assert request["headers"]["Accept"].startswith("application/sparql-results+json, application/sparql-results+xml")


def test_a_long_query_goes_as_a_form_post(recorder) -> None:
    server = recorder()
    text = "ASK { ?s ?p " + '"' + "x" * MAX_GET_URL + '" }'
    run_query(RemoteStore(server.base + "/sparql"), text)
    request = server.requests[0]
    assert (request["method"], request["path"]) == ("POST", "/sparql")
    assert request["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    assert server.query_params()["query"][0].endswith(text)


XML_ROWS = b"""<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>
<variable name="flag"/><variable name="names"/></head><results><result>
<binding name="flag"><literal datatype="http://www.w3.org/2001/XMLSchema#boolean">1</literal></binding>
<binding name="names"><literal>b, a</literal></binding></result></results></sparql>"""
TSV_ROWS = b'?flag\t?names\n"0"^^<http://www.w3.org/2001/XMLSchema#boolean>\t"b, a"\n'


@pytest.mark.parametrize(
    ("content_type", "body"),
    [("application/sparql-results+xml; charset=UTF-8", XML_ROWS), ("text/tab-separated-values", TSV_ROWS)],
)
def test_answers_are_read_by_content_type_and_come_out_canonical(recorder, content_type: str, body: bytes) -> None:
    server = recorder(content_type=content_type, body=body)
    query = 'SELECT ?flag (GROUP_CONCAT(?n; separator=", ") AS ?names) WHERE { ?s ?p ?n } GROUP BY ?flag'
    rows = run_query(RemoteStore(server.base + "/sparql"), query).rows
    assert [[term.value for term in row] for row in rows] == [["true" if b">1<" in body else "false", "a, b"]]
    assert rows[0][0].datatype == ox.NamedNode(XSD + "boolean")


def test_an_ask_answered_as_a_one_cell_table_is_a_boolean(recorder) -> None:
    """Virtuoso 7.2 answers ASK with a table holding 1 or 0 under __ASK_RETVAL."""
    body = b'{"head":{"vars":["__ASK_RETVAL"]},"results":{"bindings":[{"__ASK_RETVAL":{"type":"typed-literal",' \
           b'"datatype":"http://www.w3.org/2001/XMLSchema#integer","value":"0"}}]}}'
    server = recorder(body=body)
    assert run_query(RemoteStore(server.base + "/sparql"), "ASK { ?s ?p ?o }").boolean is False


def test_a_construct_answer_is_read_by_its_content_type(recorder) -> None:
    server = recorder(content_type="text/turtle", body=b"<urn:a> <urn:b> 'c' .\n")
    result = run_query(RemoteStore(server.base + "/sparql"), "CONSTRUCT WHERE { ?s ?p ?o }")
    assert [str(t) for t in result.triples] == ['<urn:a> <urn:b> "c"']
    assert server.requests[0]["headers"]["Accept"].startswith("application/n-triples, text/turtle")


def test_error_an_html_page_is_not_an_answer(recorder) -> None:
    server = recorder(content_type="text/html", body=b"<html>login here</html>")
    with pytest.raises(EndpointError) as error:
        run_query(RemoteStore(server.base + "/sparql"), "SELECT * WHERE { ?s ?p ?o }")
    assert str(error.value) == f"{server.base}/sparql did not answer with SPARQL results: it sent text/html"


def test_basic_login_from_the_url_is_used_and_stripped(recorder) -> None:
    server = recorder(basic=True)
    quoted = urllib.parse.quote(SECRET, safe="")
    store = RemoteStore(f"http://ann:{quoted}@127.0.0.1:{server.server.server_port}/sparql")
    assert store.endpoint == server.base + "/sparql" and SECRET not in repr(store.login)
    assert run_query(store, "ASK {}").boolean is True
    first, second = server.requests
    assert "Authorization" not in first["headers"] and second["headers"]["Authorization"].startswith("Basic ")


def test_error_a_failing_server_never_shows_the_password(recorder) -> None:
    server = recorder(status=500, content_type="text/plain", body=b"store exploded")
    quoted = urllib.parse.quote(SECRET, safe="")
    url = f"http://ann:{quoted}@127.0.0.1:{server.server.server_port}/sparql"
    result = CliRunner().invoke(cli, ["query", "ASK {}", "--endpoint", url])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {server.base}/sparql answered HTTP 500 Internal Server Error: store exploded\n"
    pushed = CliRunner().invoke(cli, ["push", "--endpoint", url, "--seeds", str(ROOT / "seeds")])
    assert pushed.exit_code == 1 and SECRET not in pushed.output and quoted not in pushed.output
    assert pushed.stderr.startswith(f"Error: {server.base}/sparql-graph-crud-auth answered HTTP 500")


def test_error_a_wrong_password_is_one_line_naming_the_user_only(recorder) -> None:
    server = recorder(basic=True)
    store = RemoteStore(server.base + "/sparql", user="ann", password="wrong")
    with pytest.raises(EndpointError) as error:
        run_query(store, "ASK {}")
    assert str(error.value) == f"{server.base}/sparql refused the login of user 'ann' from --user (HTTP 401)"


def test_error_a_server_that_needs_a_login_says_how_to_give_one(recorder, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("NETRC", str(tmp_path / "none"))
    server = recorder(basic=True)
    result = CliRunner().invoke(cli, ["query", "ASK {}", "--endpoint", server.base + "/sparql"])
    assert result.stderr == (
        f"Error: {server.base}/sparql needs a login (HTTP 401): give --user NAME, a ~/.netrc entry, or user@ in the URL\n"
    )


def test_the_netrc_named_by_NETRC_gives_the_login(recorder, monkeypatch, tmp_path) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text(f'machine 127.0.0.1 login ann password "{SECRET}"\n')
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    server = recorder(basic=True)
    store = RemoteStore(server.base + "/sparql")
    assert store.login == Login("ann", SECRET)
    assert run_query(store, "ASK {}").boolean is True


def test_user_takes_the_password_from_the_environment(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("NETRC", str(tmp_path / "none"))
    monkeypatch.setenv("AIDGRAPH_PASSWORD", SECRET)
    assert login_for("http://h/sparql", user="ann") == ("http://h/sparql", Login("ann", SECRET))


def test_error_push_user_without_a_password_and_no_terminal(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("NETRC", str(tmp_path / "none"))
    monkeypatch.delenv("AIDGRAPH_PASSWORD", raising=False)
    args = ["push", "--endpoint", "http://127.0.0.1:9/sparql", "--user", "ann", "--seeds", str(ROOT / "seeds")]
    result = CliRunner().invoke(cli, args, input="")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: no password for user 'ann': set AIDGRAPH_PASSWORD, add a ~/.netrc entry for 127.0.0.1, "
        "or run in a terminal to be asked\n"
    )


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--store-url", "file:///etc/passwd#", "Error: --store-url must be an http(s) URL, not 'file:///etc/passwd'"),
        ("--update-url", "ftp://h/u", "Error: --update-url must be an http(s) URL, not 'ftp://h/u'"),
        ("--graph", "urn:a> } ; DROP ALL ; #", "Error: --graph must be an absolute IRI, not 'urn:a> } ; DROP ALL ; #'"),
        ("--graph", "relative/graph", "Error: --graph must be an absolute IRI, not 'relative/graph'"),
    ],
)
def test_error_push_refuses_bad_urls_and_graphs(option: str, value: str, message: str) -> None:
    args = ["push", "--endpoint", "http://127.0.0.1:9/query", option, value, "--seeds", str(ROOT / "seeds")]
    result = CliRunner().invoke(cli, args)
    assert (result.exit_code, result.stderr) == (1, message + "\n")


def test_error_push_endpoint_must_be_http() -> None:
    result = CliRunner().invoke(cli, ["push", "--endpoint", "file:///etc/passwd#", "--seeds", str(ROOT / "seeds")])
    assert result.stderr == "Error: 'file:///etc/passwd' is not an http(s) URL of a SPARQL endpoint\n"


def test_error_a_server_that_answers_200_with_a_page_has_not_stored_anything(recorder, seed_store) -> None:
    """A Graph Store URL that is really a web page: the count on the server shows nothing arrived."""
    page = recorder(content_type="text/html", body=b"<html>welcome</html>")
    counts = recorder(body=b'{"head":{"vars":["n"]},"results":{"bindings":[{"n":{"type":"literal",'
                           b'"datatype":"http://www.w3.org/2001/XMLSchema#integer","value":"0"}}]}}')
    with pytest.raises(EndpointError) as error:
        push(seed_store, counts.base + "/sparql", store_url=page.base + "/", update_url=page.base + "/update")
    assert str(error.value) == (
        f"{page.base}/ accepted the data, but the server then held 0 of the {len(seed_store)} triples sent; "
        "<https://w3id.org/aidgraph/graph> was left as it was"
    )
    assert [r["method"] for r in page.requests] == ["PUT", "POST"]  # the upload, then the staging graph dropped
    assert urllib.parse.parse_qs(page.requests[1]["body"].decode())["update"][0].startswith("DROP SILENT GRAPH <urn:uuid:")


def test_user_is_asked_for_the_password_on_a_terminal_and_it_is_not_echoed(recorder, monkeypatch, tmp_path) -> None:
    import graph.cli.common

    monkeypatch.setenv("NETRC", str(tmp_path / "none"))
    monkeypatch.delenv("AIDGRAPH_PASSWORD", raising=False)
    monkeypatch.setattr(graph.cli.common, "_interactive", lambda: True)
    server = recorder(status=500, content_type="text/plain", body=b"no store here", basic=True)
    args = ["push", "--endpoint", server.base + "/query", "--user", "ann", "--seeds", str(ROOT / "seeds")]
    result = CliRunner().invoke(cli, [*args, "--build-dir", str(tmp_path / "none")], input=SECRET + "\n")
    assert result.stderr.startswith("Password for ann: \nError: ")
    assert SECRET not in result.output
    challenged, answered = server.requests[:2]
    assert (challenged["method"], answered["method"]) == ("PUT", "PUT")  # the push went ahead, logged in
    assert answered["headers"]["Authorization"] == "Basic " + base64.b64encode(f"ann:{SECRET}".encode()).decode()


def test_error_a_server_that_trickles_its_answer_meets_the_total_deadline() -> None:
    import threading
    import time as clock
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Trickle(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.end_headers()
            for _ in range(20):  # one byte every 0.3 s: each read is quick, the answer never ends in time
                self.wfile.write(b" ")
                self.wfile.flush()
                clock.sleep(0.3)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/sparql"
    started = clock.monotonic()
    try:
        with pytest.raises(EndpointError) as raised:
            run_query(RemoteStore(url, timeout=1.0), "ASK {}")
    finally:
        server.shutdown()
    assert str(raised.value) == f"{url} did not answer within 1 s"
    assert clock.monotonic() - started < 4
