"""Commands for SPARQL servers: ``push`` and ``serve``; the ``--user`` login option they share."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from graph.cli.common import (
    build_dir_option,
    cli,
    corpus_option,
    seeds_option,
)

F = TypeVar("F", bound=Callable[..., Any])


def user_option(func: F) -> F:
    """``--user NAME``: log in to the server as NAME (password: $AIDGRAPH_PASSWORD or a prompt)."""
    return click.option(
        "--user",
        metavar="NAME",
        help="Log in as NAME (HTTP Basic or Digest); the password comes from AIDGRAPH_PASSWORD or a prompt.",
    )(func)


def password_for(user: str | None) -> str | None:
    """The password for ``--user``: ``$AIDGRAPH_PASSWORD``, else asked on a terminal (never echoed).

    Returns None when no user is named or stdin is not a terminal; the library then looks in
    ``~/.netrc`` and says what is missing.
    """
    from graph.auth import PASSWORD_VARIABLE

    if user is None or os.environ.get(PASSWORD_VARIABLE) is not None:
        return None
    if not _interactive():
        return None
    return click.prompt(f"Password for {user}", hide_input=True, err=True)


def _interactive() -> bool:
    """True when a person can be asked: stdin is a terminal."""
    return sys.stdin.isatty()


@cli.command()
@click.option("--endpoint", required=True, metavar="URL", help="The server's SPARQL query URL.")
@click.option(
    "--graph",
    "graph_iri",
    default="https://w3id.org/aidgraph/graph",  # graph.push.DEFAULT_GRAPH, not imported for a fast --help
    show_default=True,
    metavar="IRI",
    help="Named graph to replace on the server.",
)
@click.option(
    "--store-url", metavar="URL", help="Graph Store Protocol URL (default: found from --endpoint for Oxigraph, Virtuoso, Fuseki)."
)
@click.option("--update-url", metavar="URL", help="SPARQL Update URL (default: found from --endpoint for Oxigraph, Virtuoso, Fuseki).")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=60.0,
    show_default=True,
    help="Seconds to wait for the server.",
)
@user_option
@seeds_option
@build_dir_option
def push(
    endpoint: str,
    graph_iri: str,
    store_url: str | None,
    update_url: str | None,
    timeout: float,
    user: str | None,
    seeds: Path,
    build_dir: Path,
) -> None:
    """Load the graph into a SPARQL 1.1 server, replacing one named graph, all or nothing.

    Sends the data into a staging graph (Graph Store Protocol PUT, or one SPARQL Update),
    counts it on the server, then replaces the named graph in one MOVE and counts again; a
    failed or interrupted push leaves the server's graph as it was. Knows the layouts of
    Oxigraph (.../query), Virtuoso (/sparql) and Fuseki (/ds/sparql). Logs in with --user,
    user:password@ in the URL, or ~/.netrc. Query it afterwards with
    `aidgraph query --endpoint URL --graph IRI`.

    \b
    Examples:
      aidgraph push --endpoint http://127.0.0.1:7878/query
      aidgraph push --endpoint http://127.0.0.1:8890/sparql --user ann
      aidgraph push --endpoint http://localhost:3030/ds/sparql
    """
    from graph.push import push as push_graph
    from graph.store import open_store

    result = push_graph(
        open_store(seeds, build_dir),
        endpoint,
        graph=graph_iri,
        store_url=store_url,
        update_url=update_url,
        timeout=timeout,
        user=user,
        password=password_for(user),
    )
    click.echo(f"Pushed {result.triples} triples into <{result.graph}> ({result.method})")


@cli.command()
@click.option("--port", type=click.IntRange(1, 65535), default=7878, show_default=True, help="Port to listen on.")
@click.option("--bind", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=30.0,
    show_default=True,
    help="Stop each query after SECONDS.",
)
@seeds_option
@corpus_option
@build_dir_option
def serve(port: int, bind: str, timeout: float, seeds: Path, corpus: Path | None, build_dir: Path) -> None:
    """Serve the built graph read-only over the SPARQL 1.1 Protocol (Ctrl-C stops it).

    Builds first when build/ is not current. Queries get the same checks as `aidgraph query`
    (no update, SERVICE or FROM) and the project's prefixes; the page at / lists them. Requests
    from other web pages are refused. SIGTERM and SIGHUP stop it as Ctrl-C does.

    \b
    Examples:
      aidgraph serve
      aidgraph serve --port 8080
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * WHERE { ?s a ag:Agency }' http://127.0.0.1:7878/query
    """
    import signal

    from graph.cache import current_build
    from graph.serve import QueryServer, check_port

    check_port(bind, port)
    if current_build(seeds, build_dir) is None:
        from graph.build import build as run_build

        run_build(seeds, build_dir, corpus)
        click.echo(f"Built {build_dir}")
    from graph.query.canonical import Canonical
    from graph.store import open_store

    server = QueryServer(Canonical(open_store(seeds, build_dir)), bind, port, timeout=timeout)
    host = f"[{bind}]" if ":" in bind else bind

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    def default_signals() -> None:  # a query's child process must die of SIGTERM, not raise
        for signum in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_DFL)

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop)
    os.register_at_fork(after_in_child=default_signals)
    click.echo(f"Serving {build_dir / 'oxigraph'} read-only at http://{host}:{port}/ (SPARQL: http://{host}:{port}/query)")
    click.echo("Press Ctrl-C to stop.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    click.echo("Stopped.")
