"""Ask the graph: one entry point for ad-hoc and named queries, from the CLI or from Python.

Examples
--------
>>> rows = query_rows(named="totals-by-donor")
>>> [(r["donorName"], r["high"]) for r in rows]
[('United States', Decimal('13550000000'))]
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph.errors import AidgraphError, QueryError
from graph.query.named import bind_parameters, get_named
from graph.query.results import Rendered, render
from graph.query.sparql import QueryResult, answer_query, run_query
from graph.store import open_engine

__all__ = ["execute", "query", "query_frame", "query_rows", "resolve"]


def resolve(
    text: str | None = None, *, named: str | None = None, params: Mapping[str, str] | None = None
) -> tuple[str, dict[str, Any]]:
    """The SPARQL text and bound parameters for an ad-hoc query or a named one."""
    if (text is None) == (named is None):
        raise QueryError("give either a query text or a named query")
    if named is not None:
        definition = get_named(named)
        return definition.text, bind_parameters(definition, dict(params or {}))
    if params:
        raise QueryError("--param applies to named queries only; write values into an ad-hoc query")
    assert text is not None
    return text, {}


def query(
    text: str | None = None,
    *,
    named: str | None = None,
    params: Mapping[str, str] | None = None,
    seeds: Path = Path("seeds"),
    build_dir: Path = Path("build"),
    store: str = "oxigraph",
    endpoint: str | None = None,
    graph: str | None = None,
    allow_federation: bool = False,
) -> QueryResult:
    """Run a query on the graph of ``seeds`` (or on ``endpoint``) and return the whole answer.

    ``store="memory"`` answers with rdflib's engine; ``endpoint`` sends the query to a SPARQL 1.1
    server, reading the named ``graph`` as default graph when given (see ``aidgraph push``).
    """
    sparql, bindings = resolve(text, named=named, params=params)
    engine = open_engine(seeds, build_dir, store=store, endpoint=endpoint, graph=graph)
    return run_query(engine, sparql, bindings=bindings, allow_federation=allow_federation)


def query_rows(text: str | None = None, **options: Any) -> list[dict[str, Any]]:
    """SELECT results as a list of dicts of Python values (Decimal, int, bool, str)."""
    return query(text, **options).records()


def query_frame(text: str | None = None, **options: Any) -> Any:
    """SELECT results as a pandas DataFrame (install the ``notebook`` extra for pandas)."""
    try:
        import pandas as pd
    except ImportError:
        raise QueryError("query_frame needs pandas: pip install 'aidgraph[notebook]'") from None
    result = query(text, **options)
    return pd.DataFrame(result.records(), columns=result.variables)


def execute(
    store: ox.Store,
    text: str,
    bindings: Mapping[str, Any],
    fmt: str,
    *,
    allow_federation: bool = False,
    timeout: float | None = None,
) -> Rendered:
    """Run and render a query; with ``timeout``, in a child process that is killed when time runs out.

    Oxigraph cannot be interrupted from Python while it evaluates, so a runaway query (a cross
    product, say) is stopped by ending the process that runs it. A remote endpoint needs no such
    process: its HTTP requests carry the timeout themselves.
    """
    if timeout is None or getattr(store, "times_out_itself", False):
        return render(answer_query(store, text, bindings=bindings, allow_federation=allow_federation), fmt)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    worker = context.Process(
        target=_work, args=(sender, store, text, dict(bindings), fmt, allow_federation), daemon=True
    )
    worker.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise QueryError(f"query stopped after {timeout:g} s (--timeout); narrow it or raise the limit")
        outcome, payload = receiver.recv()
    except EOFError:
        raise QueryError("the query process ended without an answer") from None
    finally:
        worker.kill()
        worker.join()
        receiver.close()
    if outcome == "error":
        raise QueryError(payload)
    return payload


def _work(sender: Any, store: ox.Store, text: str, bindings: dict[str, Any], fmt: str, allow: bool) -> None:
    try:
        sender.send(("ok", render(answer_query(store, text, bindings=bindings, allow_federation=allow), fmt)))
    except AidgraphError as err:
        sender.send(("error", str(err)))
