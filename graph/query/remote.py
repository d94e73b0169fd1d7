"""A SPARQL 1.1 server behind Oxigraph's query interface (``--endpoint URL``), and its HTTP.

:class:`RemoteStore` speaks the SPARQL 1.1 Protocol the way common clients do, so every server
understands it: ``GET`` with ``query=`` (and ``default-graph-uri=``) while the URL stays short,
otherwise a form-encoded ``POST`` (Virtuoso, for one, does not accept a direct
``application/sparql-query`` body). It asks for JSON with XML and TSV as fallbacks (N-Triples,
Turtle or RDF/XML for graphs), and parses the answer by its ``Content-Type`` with Oxigraph's
parsers; an ASK sent back as a one-cell table (Virtuoso) is read as the boolean it is.

:func:`send` is the one HTTP request every server conversation goes through (``push`` too): no
proxy, a bounded read, HTTP Basic or Digest when the server asks and a login is known
(:mod:`graph.auth`), and one-line errors that never show a password.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from graph.auth import Login, login_for, shown_url
from graph.errors import EndpointError
from graph.query.engines import with_values
from graph.query.sparql import query_form
from loaders.text import shorten
from ontology.prefixes import PREFIXES

__all__ = ["GRAPH_ACCEPT", "MAX_GET_URL", "RESULTS_ACCEPT", "RemoteStore", "Reply", "prologue", "send"]

RESULTS_ACCEPT = (
    "application/sparql-results+json, application/sparql-results+xml;q=0.9, text/tab-separated-values;q=0.8"
)
"""What SELECT and ASK ask for: every results format Oxigraph parses (CSV is lossy, so not it)."""
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.8"
"""What CONSTRUCT and DESCRIBE ask for."""
_GRAPH_FORMATS = (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML, ox.RdfFormat.N3)
MAX_GET_URL = 2000
"""Longest URL sent as GET; longer queries go as a form-encoded POST (proxies cut long URLs)."""
MAX_ANSWER = 512 * 1024 * 1024
"""Largest answer read from a server, in bytes."""


def prologue(prefixes: Mapping[str, str]) -> str:
    """PREFIX declarations for engines that are not told the prefixes out of band.

    They share the query's first line, so a server's error still points at the user's line.
    """
    return "".join(f"PREFIX {name}: <{iri}> " for name, iri in prefixes.items())


@dataclass(frozen=True)
class Reply:
    """A server's successful answer: its body and media type (``Content-Type`` without parameters)."""

    body: bytes
    media_type: str


class RemoteStore:
    """A SPARQL 1.1 endpoint that answers queries like an Oxigraph store.

    Parameters
    ----------
    endpoint
        The server's query URL, e.g. ``http://127.0.0.1:7878/query`` for Oxigraph or
        ``http://127.0.0.1:8890/sparql`` for Virtuoso. ``user:password@`` in it is used as the
        login and removed from the URL.
    graph
        When given, queries read this named graph as their default graph (``default-graph-uri``),
        which is where ``aidgraph push`` puts the data.
    timeout
        Seconds to wait for the server before giving up.
    user, password
        The login, when the server asks for one (see :func:`graph.auth.login_for`: without
        them, the URL's user information or the ``~/.netrc`` entry for the host).
    """

    times_out_itself = True  # each request carries the timeout: no watchdog process needed

    def __init__(
        self,
        endpoint: str,
        *,
        graph: str | None = None,
        timeout: float = 30.0,
        user: str | None = None,
        password: str | None = None,
    ) -> None:
        parsed = urllib.parse.urlsplit(endpoint)
        if parsed.scheme.lower() not in ("http", "https") or not parsed.hostname:
            raise EndpointError(f"{shown_url(endpoint)!r} is not an http(s) URL of a SPARQL endpoint")
        self.endpoint, self.login = login_for(endpoint, user=user, password=password)
        self.graph = graph
        self.timeout = timeout

    def query(
        self,
        query: str,
        *,
        prefixes: Mapping[str, str] | None = None,
        substitutions: Mapping[ox.Variable, Any] | None = None,
    ) -> Any:
        form = query_form(query)
        text = prologue(prefixes or PREFIXES) + with_values(query, substitutions)
        graph_form = form in ("CONSTRUCT", "DESCRIBE")
        reply = self.request(text, GRAPH_ACCEPT if graph_form else RESULTS_ACCEPT)
        if graph_form:
            return self._triples(reply)
        answer = self._results(reply)
        if form == "ASK":
            return _as_boolean(answer, shown_url(self.endpoint))
        return answer

    def request(self, text: str, accept: str) -> Reply:
        """Send the query text: ``GET`` while the URL stays under :data:`MAX_GET_URL`, else a form ``POST``."""
        params = [("query", text)] + ([("default-graph-uri", self.graph)] if self.graph else [])
        encoded = urllib.parse.urlencode(params)
        url = self.endpoint + ("&" if "?" in self.endpoint else "?") + encoded
        if len(url) <= MAX_GET_URL:
            return send(url, "GET", None, None, accept, self.timeout, self.login)
        return send(
            self.endpoint, "POST", encoded.encode(), "application/x-www-form-urlencoded", accept, self.timeout, self.login
        )

    def _results(self, reply: Reply) -> Any:
        fmt = ox.QueryResultsFormat.from_media_type(reply.media_type) if reply.media_type else None
        if fmt is None and reply.body.lstrip()[:1] == b"{":
            fmt = ox.QueryResultsFormat.JSON  # a server that labels JSON results loosely
        if fmt is None:
            raise self._not_results(f"it sent {reply.media_type or 'no Content-Type'}")
        try:
            if fmt == ox.QueryResultsFormat.JSON:
                json.loads(reply.body)  # a clearer error than the results parser's for non-JSON answers
            return ox.parse_query_results(reply.body, format=fmt)
        except (ValueError, SyntaxError) as err:
            raise self._not_results(_first_line(str(err))) from None

    def _triples(self, reply: Reply) -> list[ox.Triple]:
        fmt = ox.RdfFormat.from_media_type(reply.media_type) if reply.media_type else None
        if fmt not in _GRAPH_FORMATS:
            raise self._not_results(f"it sent {reply.media_type or 'no Content-Type'}")
        try:
            return list(ox.parse(reply.body, format=fmt))
        except (ValueError, SyntaxError) as err:
            raise self._not_results(_first_line(str(err))) from None

    def _not_results(self, why: str) -> EndpointError:
        return EndpointError(f"{shown_url(self.endpoint)} did not answer with SPARQL results: {why}")


def send(
    url: str,
    method: str,
    body: bytes | None,
    content_type: str | None,
    accept: str,
    timeout: float,
    login: Login | None = None,
) -> Reply:
    """One HTTP request; every failure becomes a one-line :class:`EndpointError` naming the server.

    With a ``login``, urllib answers the server's Basic or Digest challenge (never sent before
    one). Messages show the URL without its query string and user information.
    """
    shown = shown_url(url)
    headers = {"Accept": accept}
    if content_type:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    handlers: list[urllib.request.BaseHandler] = [urllib.request.ProxyHandler({})]  # loopback and LAN: no proxy
    if login is not None:
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, url, login.user, login.password)
        handlers += [urllib.request.HTTPDigestAuthHandler(passwords), urllib.request.HTTPBasicAuthHandler(passwords)]
    opener = urllib.request.build_opener(*handlers)
    deadline = time.monotonic() + timeout
    try:
        with opener.open(request, timeout=timeout) as response:
            data = _read_within(response, deadline, shown, timeout)
            media_type = response.headers.get_content_type() if response.headers.get("Content-Type") else ""
            return Reply(data, media_type)
    except urllib.error.HTTPError as err:
        if err.code == 401:
            raise EndpointError(_refused_login(shown, login)) from None
        detail = _first_line(err.read(64 * 1024).decode("utf-8", "replace")) if err.fp else ""
        raise EndpointError(
            f"{shown} answered HTTP {err.code} {err.reason}" + (f": {detail}" if detail else "")
        ) from None
    except TimeoutError:
        raise EndpointError(f"{shown} did not answer within {timeout:g} s") from None
    except ValueError as err:  # urllib's Basic handler on an auth scheme it does not know
        raise EndpointError(f"{shown}: cannot log in: {_first_line(str(err))}") from None
    except (urllib.error.URLError, ConnectionError, OSError) as err:
        reason = getattr(err, "reason", err)
        if isinstance(reason, TimeoutError):
            raise EndpointError(f"{shown} did not answer within {timeout:g} s") from None
        raise EndpointError(f"cannot reach {shown}: {reason}") from None



def _read_within(response: Any, deadline: float, shown: str, timeout: float) -> bytes:
    """The whole answer, read before ``deadline`` and within :data:`MAX_ANSWER` bytes.

    The socket's timeout bounds each read, not the answer: a server that sends a byte now and
    then would hold the command forever without the deadline.
    """
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read1(1 << 16):
        size += len(chunk)
        if size > MAX_ANSWER:
            raise EndpointError(f"{shown} answered more than {MAX_ANSWER // 2**20} MiB; narrow the query")
        if time.monotonic() > deadline:
            raise EndpointError(f"{shown} did not answer within {timeout:g} s")
        chunks.append(chunk)
    return b"".join(chunks)


def _as_boolean(answer: Any, shown: str) -> ox.QueryBoolean:
    """An ASK answer as a boolean, also from servers that send it as a one-cell table (Virtuoso)."""
    if isinstance(answer, ox.QueryBoolean):
        return answer
    rows = [[s[v] for v in answer.variables] for s in answer]
    if len(rows) > 1 or any(len(row) != 1 for row in rows):
        raise EndpointError(f"{shown} answered an ASK query with a table, not true or false")
    term = rows[0][0] if rows else None
    value = isinstance(term, ox.Literal) and term.value in ("true", "1")
    document = json.dumps({"head": {}, "boolean": value}).encode()
    return ox.parse_query_results(document, format=ox.QueryResultsFormat.JSON)


def _refused_login(shown: str, login: Login | None) -> str:
    if login is None:
        return f"{shown} needs a login (HTTP 401): give --user NAME, a ~/.netrc entry, or user@ in the URL"
    return f"{shown} refused the login of user {login.user!r} from {login.source} (HTTP 401)"


def _first_line(text: str, limit: int = 200) -> str:
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return shorten(line, limit)

