"""Commands for SPARQL servers: ``push`` and ``serve``."""

from __future__ import annotations

from pathlib import Path

import click

from graph.cli.common import (
    build_dir_option,
    cli,
    corpus_option,
    seeds_option,
)


@cli.command()
@click.option("--endpoint", required=True, metavar="URL", help="The server's SPARQL query URL.")
@click.option(
    "--graph",
    "graph_iri",
    default="https://w3id.org/aidgraph/graph",
    show_default=True,
    metavar="IRI",
    help="Named graph to replace on the server.",
)
@click.option(
    "--store-url", metavar="URL", help="Graph Store Protocol URL (default: Oxigraph's /store beside --endpoint)."
)
@click.option("--update-url", metavar="URL", help="SPARQL Update URL (default: Oxigraph's /update beside --endpoint).")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=60.0,
    show_default=True,
    help="Seconds to wait for the server.",
)
@seeds_option
@build_dir_option
def push(
    endpoint: str,
    graph_iri: str,
    store_url: str | None,
    update_url: str | None,
    timeout: float,
    seeds: Path,
    build_dir: Path,
) -> None:
    """Load the graph into a SPARQL 1.1 server, replacing one named graph in one step.

    Uses the Graph Store Protocol (PUT), falling back to one SPARQL Update request; either way
    a failed push leaves the server's graph as it was. Query it afterwards with
    `aidgraph query --endpoint URL --graph IRI`.

    \b
    Examples:
      aidgraph push --endpoint http://127.0.0.1:7878/query
      aidgraph push --endpoint http://localhost:3030/ds/sparql --store-url http://localhost:3030/ds/data
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
    )
    click.echo(f"Pushed {result.triples} triples into <{result.graph}> ({result.method})")


@cli.command()
@click.option("--port", type=click.IntRange(1, 65535), default=7878, show_default=True, help="Port to listen on.")
@click.option("--bind", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@seeds_option
@corpus_option
@build_dir_option
def serve(port: int, bind: str, seeds: Path, corpus: Path | None, build_dir: Path) -> None:
    """Serve the built graph read-only with Oxigraph's own SPARQL server (Ctrl-C stops it).

    Builds first when build/ is not current. Needs the server: pip install 'aidgraph[server]'.

    \b
    Examples:
      aidgraph serve
      aidgraph serve --port 8080
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * WHERE { ?s a <https://w3id.org/aidgraph/ontology#Agency> }' http://127.0.0.1:7878/query
    """
    from graph.cache import current_build
    from graph.serve import check_started, oxigraph_command, start_server, stop_server

    oxigraph_command()
    if current_build(seeds, build_dir) is None:
        from graph.build import build as run_build

        run_build(seeds, build_dir, corpus)
        click.echo(f"Built {build_dir}")
    process = start_server(build_dir, bind=bind, port=port)
    host = f"[{bind}]" if ":" in bind else bind
    try:
        check_started(process, bind=bind, port=port)
        click.echo(
            f"Serving {build_dir / 'oxigraph'} read-only at http://{host}:{port}/ (SPARQL: http://{host}:{port}/query)"
        )
        click.echo("Press Ctrl-C to stop.")
        process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        code = stop_server(process)
    click.echo("Stopped.")
    if code not in (0, -2, 130):
        raise click.ClickException(f"the Oxigraph server exited with code {code}")
