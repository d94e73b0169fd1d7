"""The one way a query runs: text or a named query, parameters, an engine and limits → a QueryResult.

:func:`run_query` is called by ``aidgraph query``, by the Python API and by every part of the
library that asks the graph something. It checks the query (:mod:`graph.query.sparql`), binds the
parameters as RDF terms, and runs it within :class:`Limits`: an embedded engine cannot be
interrupted from Python while it evaluates, so a query with limits runs in a child process that
is killed when its time runs out and whose address space is capped, so a runaway query (a cross
product, say) ends with one clear message instead of a hung terminal or an exhausted machine. A
remote server needs no such process: its requests carry their own deadline.

Examples
--------
>>> from pathlib import Path
>>> from graph.query.engines import open_engine
>>> engine = open_engine(Path("seeds"), Path("no-such-build"))
>>> run_query(engine, "ASK { aid:dfc a ag:Agency }").boolean
True
>>> rows = run_query(engine, named="pledges", params={"donor": "mx"}).records()
>>> [(r["donor"], r["amount"]) for r in rows]
[('aid:mx', Decimal('30000000000'))]
"""

from __future__ import annotations

import math
import multiprocessing
import os
import signal
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph.background import quiet_child
from graph.choices import QUERY_MEGABYTES, QUERY_SECONDS
from graph.errors import AidgraphError, QueryError
from graph.query.canonical import list_columns
from graph.query.engines import Engine, as_engine
from graph.query.named import NAMESPACES, NamedQuery, bind_parameters, get_named
from graph.query.results import QueryResult
from graph.query.sparql import MAX_QUERY_CHARS, SafeQuery, check_query
from loaders.reading import read_text
from loaders.text import did_you_mean
from ontology.prefixes import PREFIXES

__all__ = ["DEFAULT_LIMITS", "Limits", "read_query", "run_query"]


@dataclass(frozen=True)
class Limits:
    """How long a query may run and how much memory it may take (None: no limit)."""

    seconds: float | None = QUERY_SECONDS
    megabytes: int | None = QUERY_MEGABYTES

    def __post_init__(self) -> None:
        if self.seconds is not None and not (math.isfinite(self.seconds) and 0 < self.seconds <= 86_400):
            raise QueryError(f"a time limit must be more than 0 and at most 86400 seconds, not {self.seconds!r}")
        if self.megabytes is not None and not 64 <= self.megabytes <= 1_048_576:
            raise QueryError(f"a memory limit must be between 64 and 1048576 MB, not {self.megabytes!r}")


DEFAULT_LIMITS = Limits()
"""60 seconds and 4096 MB: generous for every named query at 100k pledges, fatal to runaways."""


def run_query(
    engine: Engine | ox.Store,
    text: str | None = None,
    *,
    named: str | None = None,
    params: Mapping[str, str] | None = None,
    limits: Limits | None = DEFAULT_LIMITS,
    allow_federation: bool = False,
) -> QueryResult:
    """Run SPARQL ``text``, or the query ``named``, on ``engine`` and return the whole answer.

    Parameters
    ----------
    engine
        What answers (see :func:`graph.query.engines.open_engine`); an Oxigraph store will do.
    text, named
        The query: SPARQL text, or the name of a query of the library (``aidgraph queries``).
    params
        Values of a named query's parameters, as the user writes them (``{"donor": "dfc"}``).
    limits
        Time and memory for an embedded engine; None runs the query in this process, unbounded.
    allow_federation
        Permit ``SERVICE`` and ``FROM``, which reach other graphs or the network.

    Raises
    ------
    QueryError
        For a refused or malformed query, a bad parameter, or a query over its limits.
    """
    if (text is None) == (named is None):
        raise QueryError("give either a query text or a named query")
    engine = as_engine(engine)
    if named is not None:
        definition = get_named(named)
        bindings = bind_parameters(definition, dict(params or {}))
        text = definition.text_for(bindings)
        _require_known(engine, definition, bindings)
    elif params:
        raise QueryError("--param applies to named queries only; write values into an ad-hoc query")
    else:
        bindings = {}
    assert text is not None
    safe = check_query(text, allow_federation=allow_federation)
    substitutions = {ox.Variable(name): term for name, term in bindings.items()}
    if limits is None or getattr(engine, "times_out_itself", False):
        with _engine_failures():
            answer = engine.query(safe.text, prefixes=PREFIXES, substitutions=substitutions)
            return QueryResult.from_answer(answer, safe.form, list_columns(safe.text))
    return _run_limited(engine, safe, substitutions, limits)


def read_query(path: Path) -> str:
    """The text of a query file (``-`` for standard input), read within the query size limit."""
    return read_text(path, limit=MAX_QUERY_CHARS, what="query")


def _require_known(engine: Engine, definition: NamedQuery, bindings: Mapping[str, Any]) -> None:
    """An id that names nothing in the graph is an error, with the closest ids, not an empty answer."""
    for param in definition.parameters:
        term = bindings.get(param.name)
        if param.type not in NAMESPACES or term is None or engine.query(f"ASK {{ {term} ?p ?o }}"):
            continue
        namespace = NAMESPACES[param.type]
        known = engine.query(f"SELECT DISTINCT ?s WHERE {{ ?s a ?type FILTER(STRSTARTS(STR(?s), {ox.Literal(namespace)})) }}")
        names = [solution["s"].value.removeprefix(namespace) for solution in known]
        local = term.value.removeprefix(namespace)
        raise QueryError(f"parameter {param.name}: nothing in the graph has the id {local!r}{did_you_mean(local, names)}")


def _run_limited(engine: Engine, safe: SafeQuery, substitutions: dict[ox.Variable, Any], limits: Limits) -> QueryResult:
    """Answer in a forked child within ``limits``; the answer comes back in a W3C format (rows as TSV,
    which :func:`graph.query.results.render` can print without reading it into Python terms)."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    worker = context.Process(target=_work, args=(sender, engine, safe.text, substitutions, limits), daemon=True)
    worker.start()
    sender.close()
    try:
        if not receiver.poll(limits.seconds):
            raise QueryError(
                f"query stopped after {limits.seconds:g} s (--timeout); narrow it or raise the limit"
            )
        outcome, payload = receiver.recv()
    except EOFError:
        worker.join()
        raise QueryError(_death_message(worker.exitcode, limits)) from None
    finally:
        worker.kill()
        worker.join()
        receiver.close()
    if outcome == "error":
        raise QueryError(payload)
    if outcome == "graph":
        return QueryResult.from_answer(ox.parse(payload, format=ox.RdfFormat.N_TRIPLES), safe.form)
    if outcome == "rows":
        return QueryResult.from_tsv(payload, safe.form, list_columns(safe.text))
    answer = ox.parse_query_results(payload, format=ox.QueryResultsFormat.JSON)
    return QueryResult.from_answer(answer, safe.form, list_columns(safe.text))


def _work(sender: Any, engine: Engine, text: str, substitutions: dict[ox.Variable, Any], limits: Limits) -> None:
    """The child: die with the parent, cap memory, answer, send the answer serialized.

    Its standard error goes nowhere: an engine that runs out of memory aborts with a message of
    its own, and the parent reports it in one line.
    """
    quiet_child()
    if limits.megabytes is not None:
        _cap_memory(limits.megabytes)
    try:
        with _engine_failures():
            answer = engine.query(text, prefixes=PREFIXES, substitutions=substitutions)
            if isinstance(answer, ox.QuerySolutions):  # TSV: lossless, and the quickest to read back
                sender.send(("rows", answer.serialize(format=ox.QueryResultsFormat.TSV)))
            elif isinstance(answer, ox.QueryBoolean):  # TSV has no booleans
                sender.send(("results", answer.serialize(format=ox.QueryResultsFormat.JSON)))
            else:
                sender.send(("graph", ox.serialize(answer, format=ox.RdfFormat.N_TRIPLES) or b""))
    except AidgraphError as err:
        sender.send(("error", str(err)))
    except MemoryError:
        sender.send(("error", f"the query needed more than {limits.megabytes} MB (--memory-limit); narrow it"))


@contextmanager
def _engine_failures() -> Iterator[None]:
    """Errors an engine raises while it evaluates (answers are lazy) as one QueryError line."""
    try:
        yield
    except (OSError, RuntimeError, ValueError) as err:
        raise QueryError(f"query failed: {' '.join(str(err).split())}") from None


def _death_message(exitcode: int | None, limits: Limits) -> str:
    if exitcode in (-signal.SIGABRT, -signal.SIGSEGV, -signal.SIGKILL) and limits.megabytes is not None:
        return f"the query needed more than {limits.megabytes} MB (--memory-limit) and was stopped; narrow it"
    return f"the query process ended without an answer (exit code {exitcode})"


def _cap_memory(megabytes: int) -> None:
    """Limit this process's address space to what it maps now plus ``megabytes``."""
    import resource

    with open("/proc/self/statm", encoding="ascii") as stream:
        mapped = int(stream.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    limit = mapped + megabytes * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
