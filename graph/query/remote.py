"""A SPARQL 1.1 server behind Oxigraph's query interface (``--endpoint URL``), and its HTTP.

:class:`RemoteStore` sends a query to any SPARQL 1.1 endpoint and reads the answer back with
Oxigraph's result parsers, so tables, CSV and JSON come out the same whichever engine answered.
:func:`send` is the one HTTP request every server conversation goes through (``push`` too).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox

from graph.errors import EndpointError
from graph.query.engines import with_values
from graph.query.sparql import query_form
from ontology.prefixes import PREFIXES

__all__ = ["RemoteStore", "prologue", "send"]

_JSON = "application/sparql-results+json"
_NT = "application/n-triples"


def prologue(prefixes: Mapping[str, str]) -> str:
    """PREFIX declarations for engines that are not told the prefixes out of band.

    They share the query's first line, so a server's error still points at the user's line.
    """
    return "".join(f"PREFIX {name}: <{iri}> " for name, iri in prefixes.items())


class RemoteStore:
    """A SPARQL 1.1 endpoint that answers queries like an Oxigraph store.

    Parameters
    ----------
    endpoint
        The server's query URL, e.g. ``http://127.0.0.1:7878/query`` for Oxigraph.
    graph
        When given, queries read this named graph as their default graph (``default-graph-uri``),
        which is where ``aidgraph push`` puts the data.
    timeout
        Seconds to wait for the server before giving up.
    """

    times_out_itself = True  # each request carries the timeout: no watchdog process needed

    def __init__(self, endpoint: str, *, graph: str | None = None, timeout: float = 30.0) -> None:
        parsed = urllib.parse.urlparse(endpoint)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise EndpointError(f"{endpoint!r} is not an http(s) URL of a SPARQL endpoint")
        self.endpoint = endpoint
        self.graph = graph
        self.timeout = timeout

    def query(
        self,
        query: str,
        *,
        prefixes: Mapping[str, str] | None = None,
        substitutions: Mapping[ox.Variable, Any] | None = None,
    ) -> Any:
        text = prologue(prefixes or PREFIXES) + with_values(query, substitutions)
        graph_form = query_form(query) in ("CONSTRUCT", "DESCRIBE")
        url = self.endpoint
        if self.graph:
            url += ("&" if "?" in url else "?") + urllib.parse.urlencode({"default-graph-uri": self.graph})
        body = send(url, "POST", text.encode(), "application/sparql-query", _NT if graph_form else _JSON, self.timeout)
        try:
            if graph_form:
                return list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
            json.loads(body)  # a clearer error than the results parser's for non-JSON answers
            return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        except (ValueError, SyntaxError) as err:
            raise EndpointError(
                f"{self.endpoint} did not answer with SPARQL results: {_first_line(str(err))}"
            ) from None


def send(url: str, method: str, body: bytes | None, content_type: str | None, accept: str, timeout: float) -> bytes:
    """One HTTP request; every failure becomes an :class:`EndpointError` naming the server."""
    headers = {"Accept": accept}
    if content_type:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback and LAN: no proxy
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.read()
    except urllib.error.HTTPError as err:
        detail = _first_line(err.read().decode("utf-8", "replace"))
        raise EndpointError(
            f"{url} answered HTTP {err.code} {err.reason}" + (f": {detail}" if detail else "")
        ) from None
    except TimeoutError:
        raise EndpointError(f"{url} did not answer within {timeout:g} s") from None
    except (urllib.error.URLError, ConnectionError, OSError) as err:
        reason = getattr(err, "reason", err)
        raise EndpointError(f"cannot reach {url}: {reason}") from None


def _first_line(text: str, limit: int = 200) -> str:
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return line if len(line) <= limit else line[: limit - 1] + "…"
