"""``aidgraph serve``: the built graph over the SPARQL 1.1 Protocol, read-only, offline, on loopback.

Why not Oxigraph's own server (``oxigraph serve-read-only``)? It answers ``SERVICE`` by fetching
any URL a query names, and has no switch to stop it; it does not check the ``Host`` header, and
its query page cannot be told the project's prefixes. Any web page the user visits can send it a
form ``POST`` (a "simple" cross-origin request needs no CORS permission) or reach it through DNS
rebinding, which makes it a relay into the user's network. So this module serves the store with
the same path ``aidgraph query`` takes (:func:`graph.query.run.run_query`: no update, no
``SERVICE``, no ``FROM``, and a child process that is stopped after ``timeout`` seconds or when
it needs more memory than the default limit). Requests from another origin (an
``Origin`` header that is not the server's own) and, on a loopback address, requests naming
another host are refused with 403. No CORS header is ever sent.

Endpoints: ``/`` (a query page listing the prefixes every query can use), ``/query`` and
``/sparql`` (``GET`` with ``query=``, form ``POST``, or a direct ``application/sparql-query``
``POST``). Answers by ``Accept`` (or ``format=``): SPARQL JSON (default), CSV, TSV, or an aligned
text table; graphs as Turtle.
"""

from __future__ import annotations

import errno
import html
import os
import signal
import socket
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from graph.errors import EndpointError
from ontology.prefixes import PREFIXES

__all__ = ["MAX_QUERY_BYTES", "MAX_RUNNING", "QueryServer", "check_port", "negotiate", "serve_graph"]

MAX_QUERY_BYTES = 1024 * 1024
"""Largest request body accepted."""
MAX_RUNNING = 4
"""Queries evaluated at once; more wait for a turn."""
_MEDIA = {
    "json": "application/sparql-results+json",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "table": "text/plain; charset=utf-8",
}
_BY_MEDIA = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "text/plain": "table",
}
_LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


def serve_graph(
    seeds_dir: Path,
    build_dir: Path,
    corpus_dir: Path | None = None,
    *,
    bind: str = "127.0.0.1",
    port: int = 7878,
    timeout: float = 30.0,
    say: Callable[[str], None] = print,
) -> None:
    """Serve the graph of ``seeds_dir`` until Ctrl-C, SIGTERM or SIGHUP; ``say`` tells what happens.

    The port is checked first, so a port in use is an error before anything is built or said;
    ``build_dir`` is built first when it is not current.
    """
    from graph.build import build
    from graph.cache import current_build
    from graph.store import open_store

    check_port(bind, port)
    if current_build(seeds_dir, build_dir) is None:
        build(seeds_dir, build_dir, corpus_dir)
        say(f"Built {build_dir}")
    server = QueryServer(open_store(seeds_dir, build_dir, corpus_dir), bind, port, timeout=timeout)
    host = f"[{bind}]" if ":" in bind else bind
    with _stopped_by_signals():
        say(f"Serving {build_dir / 'oxigraph'} read-only at http://{host}:{port}/ (SPARQL: http://{host}:{port}/query)")
        say("Press Ctrl-C to stop.")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
    say("Stopped.")


@contextmanager
def _stopped_by_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP stop the server as Ctrl-C does; a query's child dies of them as usual."""

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    def default_signals() -> None:
        for signum in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_DFL)

    previous = {signum: signal.signal(signum, stop) for signum in (signal.SIGTERM, signal.SIGHUP)}
    os.register_at_fork(after_in_child=default_signals)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def check_port(bind: str, port: int) -> None:
    """Raise a one-line error when ``bind:port`` cannot be listened on (in use, say).

    Examples
    --------
    >>> with socket.socket() as taken:
    ...     taken.bind(("127.0.0.1", 0)); taken.listen()
    ...     check_port("127.0.0.1", taken.getsockname()[1])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    graph.errors.EndpointError: port ... is in use; try --port
    """
    family = socket.AF_INET6 if ":" in bind else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server itself will
        try:
            probe.bind((bind, port))
        except OSError as err:
            raise _listen_error(err, bind, port) from None


def negotiate(accept: str, requested: str | None = None) -> str:
    """The answer format for an ``Accept`` header, or ``format=`` when given: json, csv, tsv or table.

    Examples
    --------
    >>> negotiate("text/csv;q=0.5, application/sparql-results+json")
    'json'
    >>> negotiate("text/html,*/*;q=0.8")
    'json'
    >>> negotiate("", "tsv")
    'tsv'
    """
    if requested in _MEDIA:
        return requested
    ranked = []
    for index, part in enumerate(accept.split(",")):
        media, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media.strip().lower() in _BY_MEDIA and quality > 0:
            ranked.append((-quality, index, _BY_MEDIA[media.strip().lower()]))
    return min(ranked)[2] if ranked else "json"


class QueryServer(ThreadingHTTPServer):
    """The read-only SPARQL server over ``store`` (see the module docstring)."""

    daemon_threads = True

    def __init__(self, store: Any, bind: str, port: int, *, timeout: float = 30.0) -> None:
        self.address_family = socket.AF_INET6 if ":" in bind else socket.AF_INET
        try:
            super().__init__((bind, port), _Handler)
        except OSError as err:
            raise _listen_error(err, bind, port) from None
        self.store = store
        self.query_timeout = timeout
        self.running = threading.BoundedSemaphore(MAX_RUNNING)  # each query is a process: a few at a time
        self.loopback = bind in _LOOPBACK_NAMES or bind.startswith("127.")
        self.port = self.server_address[1]


class _Handler(BaseHTTPRequestHandler):
    server: QueryServer
    server_version = "aidgraph"

    def do_GET(self) -> None:
        path, _, query_string = self.path.partition("?")
        if not self._allowed():
            return
        if path == "/":
            self._send(200, "text/html; charset=utf-8", _page().encode())
        elif path in ("/query", "/sparql"):
            self._answer(urllib.parse.parse_qs(query_string))
        else:
            self._send(404, _MEDIA["table"], b"not found: the SPARQL endpoint is /query\n")

    def do_POST(self) -> None:
        path = self.path.partition("?")[0]
        if not self._allowed():
            return
        if path not in ("/query", "/sparql"):
            self._send(403 if path == "/update" else 404, _MEDIA["table"], b"read-only: updates are refused\n")
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_QUERY_BYTES:
            self._send(413, _MEDIA["table"], b"query too long\n")
            return
        body = self.rfile.read(length).decode("utf-8", "replace")
        media = self.headers.get_content_type()
        if media == "application/sparql-query":
            params = urllib.parse.parse_qs(self.path.partition("?")[2])
            params["query"] = [body]
        elif media == "application/x-www-form-urlencoded":
            params = urllib.parse.parse_qs(body)
        else:
            self._send(415, _MEDIA["table"], b"send a form or application/sparql-query\n")
            return
        self._answer(params)

    def do_PUT(self) -> None:
        self._send(405, _MEDIA["table"], b"read-only: updates are refused\n")

    do_DELETE = do_PATCH = do_PUT

    def _allowed(self) -> bool:
        """Refuse other origins, and on loopback other host names (DNS rebinding)."""
        host = self.headers.get("Host", "")
        name = urllib.parse.urlsplit(f"//{host}").hostname or ""
        if self.server.loopback and name not in _LOOPBACK_NAMES and not name.startswith("127."):
            self._send(403, _MEDIA["table"], b"refused: this server answers requests for localhost only\n")
            return False
        origin = self.headers.get("Origin")
        if origin is not None and origin != f"http://{host}":
            self._send(403, _MEDIA["table"], b"refused: requests from other web pages are not answered\n")
            return False
        return True

    def _answer(self, params: dict[str, list[str]]) -> None:
        from graph.errors import AidgraphError
        from graph.query.results import render
        from graph.query.run import Limits, run_query

        if "update" in params:
            self._send(403, _MEDIA["table"], b"read-only: updates are refused\n")
            return
        texts = params.get("query", [])
        if len(texts) != 1:
            self._send(400, _MEDIA["table"], b"give one query= parameter\n")
            return
        if params.get("default-graph-uri") or params.get("named-graph-uri"):
            self._send(400, _MEDIA["table"], b"default-graph-uri and named-graph-uri are not supported\n")
            return
        fmt = negotiate(self.headers.get("Accept", ""), (params.get("format") or [None])[0])
        try:
            with self.server.running:
                result = run_query(self.server.store, texts[0], limits=Limits(seconds=self.server.query_timeout))
            body = render(result, fmt)
        except AidgraphError as err:
            self._send(400, _MEDIA["table"], f"{err}\n".encode())
            return
        media = "text/turtle; charset=utf-8" if result.triples or result.form in ("CONSTRUCT", "DESCRIBE") else _MEDIA[fmt]
        self._send(200, media, body)

    def _send(self, status: int, media: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        if media.startswith("text/html"):
            self.send_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # requests are not logged: queries may hold what the user would rather keep


def _listen_error(err: OSError, bind: str, port: int) -> EndpointError:
    if err.errno == errno.EADDRINUSE:
        return EndpointError(f"port {port} is in use; try --port")
    return EndpointError(f"cannot listen on {bind}:{port}: {err.strerror or err}")


_EXAMPLE = """SELECT ?agency ?name WHERE {
  ?agency a ag:Agency ; rdfs:label ?name .
}
ORDER BY ?name"""


def _page() -> str:
    """The query page: a form, the prefixes every query can use, nothing loaded from elsewhere."""
    prefixes = "\n".join(
        f"<tr><td><code>{html.escape(name)}:</code></td><td><code>{html.escape(iri)}</code></td></tr>"
        for name, iri in PREFIXES.items()
    )
    formats = "".join(f'<option value="{f}">{f}</option>' for f in ("table", "json", "csv", "tsv"))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>aidgraph SPARQL</title>
<style>body{{font-family:sans-serif;max-width:60rem;margin:2rem auto}}textarea{{width:100%;font-family:monospace}}</style>
</head><body>
<h1>aidgraph SPARQL endpoint</h1>
<p>Read-only. Queries can use these prefixes without declaring them.</p>
<form method="post" action="/query">
<textarea name="query" rows="10">{html.escape(_EXAMPLE)}</textarea>
<p><label>Answer as <select name="format">{formats}</select></label> <button type="submit">Run</button></p>
</form>
<table>{prefixes}</table>
</body></html>
"""
