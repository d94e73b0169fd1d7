"""Push the graph into any SPARQL 1.1 server, replacing one named graph in one request.

The Graph Store Protocol's ``PUT`` replaces a graph atomically; when the server has no Graph
Store endpoint (or refuses the method), the same replacement goes as one SPARQL Update request
(``DROP SILENT GRAPH`` then ``INSERT DATA``), which servers apply as one transaction. Either way a
failed push leaves the server's graph as it was.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

import pyoxigraph as ox

from graph.errors import EndpointError
from graph.query.remote import send

__all__ = ["DEFAULT_GRAPH", "PushResult", "oxigraph_urls", "push"]

DEFAULT_GRAPH = "https://w3id.org/aidgraph/graph"
"""The named graph ``aidgraph push`` writes to unless told otherwise."""


@dataclass(frozen=True)
class PushResult:
    """How the graph reached the server."""

    triples: int
    graph: str
    method: str  # "graph store protocol" or "sparql update"


def oxigraph_urls(endpoint: str) -> tuple[str | None, str | None]:
    """The Graph Store and Update URLs beside a query URL that follows Oxigraph's layout.

    Examples
    --------
    >>> oxigraph_urls("http://127.0.0.1:7878/query")
    ('http://127.0.0.1:7878/store', 'http://127.0.0.1:7878/update')
    >>> oxigraph_urls("http://localhost:3030/ds/sparql")
    (None, None)
    """
    if endpoint.rstrip("/").endswith("/query"):
        base = endpoint.rstrip("/")[: -len("/query")]
        return base + "/store", base + "/update"
    return None, None


def push(
    store: ox.Store,
    endpoint: str,
    *,
    graph: str = DEFAULT_GRAPH,
    store_url: str | None = None,
    update_url: str | None = None,
    timeout: float = 60.0,
) -> PushResult:
    """Replace ``graph`` on the server with the default graph of ``store``.

    ``store_url`` and ``update_url`` default to Oxigraph's layout beside ``endpoint``; give them
    for servers laid out otherwise (Fuseki: ``/ds/data`` and ``/ds/update``).
    """
    derived_store, derived_update = oxigraph_urls(endpoint)
    store_url = store_url or derived_store
    update_url = update_url or derived_update
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b""
    triples = data.count(b"\n")
    if store_url:
        target = store_url + ("&" if "?" in store_url else "?") + urllib.parse.urlencode({"graph": graph})
        try:
            send(target, "PUT", data, "application/n-triples", "*/*", timeout)
            return PushResult(triples, graph, "graph store protocol")
        except EndpointError as err:
            if update_url is None or not _unsupported(err):
                raise
    if update_url is None:
        raise EndpointError("no Graph Store or Update URL: give --store-url or --update-url for this server")
    update = f"DROP SILENT GRAPH <{graph}> ;\nINSERT DATA {{ GRAPH <{graph}> {{\n{data.decode()}}} }}"
    send(update_url, "POST", update.encode(), "application/sparql-update", "*/*", timeout)
    return PushResult(triples, graph, "sparql update")


def _unsupported(error: EndpointError) -> bool:
    """True when the server has no Graph Store endpoint or does not allow PUT on it."""
    return any(f"HTTP {code} " in str(error) for code in (404, 405, 415, 501))
