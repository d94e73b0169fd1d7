"""Commands for SPARQL servers: ``push`` and ``serve``."""

from __future__ import annotations

from pathlib import Path

import click

from graph import choices
from graph.cli.common import (
    cli,
    graph_options,
    password_for,
    timeout_option,
    user_option,
)


@cli.command()
@click.option("--endpoint", required=True, metavar="URL", help="The server's SPARQL query URL.")
@click.option(
    "--graph",
    "graph_iri",
    default=choices.DEFAULT_GRAPH,
    show_default=True,
    metavar="IRI",
    help="Named graph to replace on the server.",
)
@click.option(
    "--store-url", metavar="URL", help="Graph Store Protocol URL (default: found from --endpoint for Oxigraph, Virtuoso, Fuseki)."
)
@click.option("--update-url", metavar="URL", help="SPARQL Update URL (default: found from --endpoint for Oxigraph, Virtuoso, Fuseki).")
@timeout_option(60.0, "Seconds to wait for the server.")
@user_option
@graph_options
def push(
    endpoint: str,
    graph_iri: str,
    store_url: str | None,
    update_url: str | None,
    timeout: float,
    user: str | None,
    seeds: Path,
    build_dir: Path,
    corpus: Path | None,
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
    import graph

    result = graph.push_graph(
        graph.open_store(seeds, build_dir, corpus),
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
@timeout_option(30.0, "Stop each query after this long.")
@graph_options
def serve(port: int, bind: str, timeout: float, seeds: Path, build_dir: Path, corpus: Path | None) -> None:
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
    import graph

    graph.serve_graph(seeds, build_dir, corpus, bind=bind, port=port, timeout=timeout, say=click.echo)
