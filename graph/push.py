"""Push the graph into a SPARQL 1.1 server, replacing one named graph, all or nothing.

The data first goes into a fresh staging graph (``urn:uuid:…``), by the Graph Store Protocol's
``PUT`` or, where the server has no Graph Store endpoint, by one SPARQL Update request. Its
triples are counted on the server; only when the count matches does one ``MOVE`` request (one
transaction on the server) replace the target graph, which is counted again. A failed or
interrupted push drops the staging graph and leaves the target as it was. Without an Update
URL (``--store-url`` alone), the ``PUT`` goes straight to the target graph, which Graph Store
servers also replace in one transaction.

Server layouts found from the query URL (:func:`server_urls`): Oxigraph (``…/query``), Virtuoso
(``/sparql``: ``/sparql-graph-crud-auth`` and ``/sparql-auth``, both behind Digest login) and
Fuseki (``/ds/sparql``: ``/ds/data`` and ``/ds/update``).
"""

from __future__ import annotations

import urllib.parse
import uuid
from dataclasses import dataclass

import pyoxigraph as ox

from graph.auth import Login, check_http_url, login_for, shown_url
from graph.errors import EndpointError
from graph.query.remote import RemoteStore, send

__all__ = ["DEFAULT_GRAPH", "PushResult", "graph_iri", "push", "server_urls"]

DEFAULT_GRAPH = "https://w3id.org/aidgraph/graph"
"""The named graph ``aidgraph push`` writes to unless told otherwise."""

UPDATE_CHUNK = 250
"""Triples per SPARQL Update request when the data goes by ``INSERT DATA`` (see :func:`_chunks`)."""
_ANY_ANSWER = "application/sparql-results+json, text/plain;q=0.9, */*;q=0.1"
_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


@dataclass(frozen=True)
class PushResult:
    """How the graph reached the server: triples counted there, graph IRI, and how it was sent."""

    triples: int
    graph: str
    method: str  # "graph store protocol" or "sparql update"


def server_urls(endpoint: str) -> tuple[str | None, str | None]:
    """The Graph Store and Update URLs beside a query URL, for the layouts of common servers.

    Examples
    --------
    >>> server_urls("http://127.0.0.1:7878/query")  # Oxigraph
    ('http://127.0.0.1:7878/store', 'http://127.0.0.1:7878/update')
    >>> server_urls("http://127.0.0.1:8890/sparql")  # Virtuoso, with login
    ('http://127.0.0.1:8890/sparql-graph-crud-auth', 'http://127.0.0.1:8890/sparql-auth')
    >>> server_urls("http://localhost:3030/ds/sparql")  # Fuseki
    ('http://localhost:3030/ds/data', 'http://localhost:3030/ds/update')
    >>> server_urls("http://example.org/endpoint")
    (None, None)
    """
    parsed = urllib.parse.urlsplit(endpoint)
    path = parsed.path.rstrip("/")

    def beside(new_path: str) -> str:
        return urllib.parse.urlunsplit((parsed.scheme, parsed.netloc, new_path, "", ""))

    if path.endswith("/query"):
        base = path[: -len("/query")]
        return beside(base + "/store"), beside(base + "/update")
    if path == "/sparql":
        return beside("/sparql-graph-crud-auth"), beside("/sparql-auth")
    if path.endswith("/sparql"):
        base = path[: -len("/sparql")]
        return beside(base + "/data"), beside(base + "/update")
    return None, None


def graph_iri(graph: str) -> ox.NamedNode:
    """``graph`` as an IRI term, checked to be absolute and well formed (so it is safe in an update).

    Examples
    --------
    >>> graph_iri("urn:x> } ; DROP ALL ; INSERT DATA { <urn:y")
    Traceback (most recent call last):
    ...
    graph.errors.EndpointError: --graph must be an absolute IRI, not 'urn:x> } ; DROP ALL ; INSERT DATA { <urn:y'
    """
    try:
        return ox.NamedNode(graph)
    except ValueError:
        raise EndpointError(f"--graph must be an absolute IRI, not {graph!r}") from None


def push(
    store: ox.Store,
    endpoint: str,
    *,
    graph: str = DEFAULT_GRAPH,
    store_url: str | None = None,
    update_url: str | None = None,
    timeout: float = 60.0,
    user: str | None = None,
    password: str | None = None,
) -> PushResult:
    """Replace ``graph`` on the server with the default graph of ``store``, all or nothing.

    ``store_url`` and ``update_url`` default to the layout of the server behind ``endpoint``
    (:func:`server_urls`). The login (``user``/``password``, ``user:pass@`` in a URL, or
    ``~/.netrc``) is used wherever the server asks for one.

    Raises
    ------
    EndpointError
        When a URL is not http(s), the graph is not an absolute IRI, the server refuses or
        fails, or the server does not hold exactly the triples sent afterwards.
    """
    target = graph_iri(graph)
    query = RemoteStore(endpoint, timeout=timeout, user=user, password=password)
    derived_store, derived_update = server_urls(query.endpoint)
    gsp = _with_login(store_url, "--store-url", user, password, query.login) if store_url else None
    update = _with_login(update_url, "--update-url", user, password, query.login) if update_url else None
    gsp = gsp or ((derived_store, query.login) if derived_store else None)
    update = update or ((derived_update, query.login) if derived_update else None)
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b""
    expected = data.count(b"\n")
    if update is None:
        if gsp is None:
            raise EndpointError("no Graph Store or Update URL: give --store-url or --update-url for this server")
        _put(gsp, target, data, timeout)
        found = _count(query, target)
        if found != expected:
            raise EndpointError(
                f"{shown_url(gsp[0])} accepted the data, but {target} then held {found} triples, not {expected}"
            )
        return PushResult(expected, target.value, "graph store protocol")
    staging = ox.NamedNode(f"urn:uuid:{uuid.uuid4()}")
    try:
        method = _upload(gsp, update, staging, data, timeout)
        sent_to = (gsp if method == "graph store protocol" and gsp else update)[0]
        found = _count(query, staging)
        if found != expected:
            raise EndpointError(
                f"{shown_url(sent_to)} accepted the data, but the server then held {found} of the {expected} "
                f"triples sent; {target} was left as it was"
            )
        _update(update, f"MOVE SILENT GRAPH {staging} TO GRAPH {target}", timeout)
    except BaseException:
        _drop_quietly(update, staging, timeout)
        raise
    found = _count(query, target)
    if found != expected:
        raise EndpointError(f"after the push, {target} holds {found} triples on the server, not {expected}")
    return PushResult(expected, target.value, method)


def _with_login(
    url: str, what: str, user: str | None, password: str | None, fallback: Login | None
) -> tuple[str, Login | None]:
    check_http_url(url, what)
    clean, login = login_for(url, user=user, password=password)
    return clean, login or fallback


def _upload(
    gsp: tuple[str, Login | None] | None,
    update: tuple[str, Login | None],
    staging: ox.NamedNode,
    data: bytes,
    timeout: float,
) -> str:
    """Send ``data`` into ``staging``; how it went ("graph store protocol" or "sparql update")."""
    if gsp is not None:
        try:
            _put(gsp, staging, data, timeout)
            return "graph store protocol"
        except EndpointError as err:
            if not _unsupported(err):
                raise
    for chunk in _chunks(data):
        _update(update, f"INSERT DATA {{ GRAPH {staging} {{\n{chunk.decode()}}} }}", timeout)
    return "sparql update"


def _chunks(data: bytes, size: int = UPDATE_CHUNK) -> list[bytes]:
    """N-Triples lines in requests of ``size`` triples, those naming a blank node all in the first.

    Blank node labels hold within one request only, so the triples that share one must travel
    together; the rest are split because servers limit an update's size (Virtuoso refuses an
    ``INSERT DATA`` of ~1,500 triples: "generated SQL text has exceeded 10000 lines").

    Examples
    --------
    >>> [c.count(b"\\n") for c in _chunks(b"<a> <b> _:x .\\n<a> <b> <c> .\\n<a> <b> <d> .\\n_:x <b> <e> .\\n", 1)]
    [2, 1, 1]
    """
    lines = data.splitlines(keepends=True)
    blank = [line for line in lines if b"_:" in line]
    named = [line for line in lines if b"_:" not in line]
    first = blank + named[: max(size - len(blank), 0)]
    rest = named[len(first) - len(blank) :]
    return [b"".join(first)] + [b"".join(rest[i : i + size]) for i in range(0, len(rest), size)]


def _put(gsp: tuple[str, Login | None], graph: ox.NamedNode, data: bytes, timeout: float) -> None:
    url, login = gsp
    target = url + ("&" if "?" in url else "?") + urllib.parse.urlencode({"graph": graph.value})
    send(target, "PUT", data, "application/n-triples", _ANY_ANSWER, timeout, login)


def _update(update: tuple[str, Login | None], text: str, timeout: float) -> None:
    url, login = update
    body = urllib.parse.urlencode({"update": text}).encode()
    send(url, "POST", body, "application/x-www-form-urlencoded", _ANY_ANSWER, timeout, login)


def _drop_quietly(update: tuple[str, Login | None], staging: ox.NamedNode, timeout: float) -> None:
    """Remove the staging graph after a failure, without hiding that failure."""
    try:
        _update(update, f"DROP SILENT GRAPH {staging}", min(timeout, 10.0))
    except EndpointError:
        pass


def _count(query: RemoteStore, graph: ox.NamedNode) -> int:
    """How many triples the server holds in ``graph`` (the IRI is bound, not pasted)."""
    answer = query.query(_COUNT, substitutions={ox.Variable("g"): graph})
    counts = [solution["n"] for solution in answer]
    return int(counts[0].value) if counts and counts[0] is not None else 0


def _unsupported(error: EndpointError) -> bool:
    """True when the server has no Graph Store endpoint or does not allow PUT on it."""
    return any(f"HTTP {code} " in str(error) for code in (404, 405, 415, 501))
