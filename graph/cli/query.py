"""Commands for questions: ``query`` and ``queries``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from graph.cli.common import (
    build_dir_option,
    cli,
    endpoint_options,
    key_value,
    seeds_option,
)


@cli.command("query")
@click.argument("sparql", required=False)
@click.option("-f", "--file", "query_file", type=click.File("r", encoding="utf-8"), help="Read the query from a file.")
@click.option("-n", "--named", help="Run a named query (see `aidgraph queries`).")
@click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE", help="A named query's parameter.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json"]),
    default="table",
    show_default=True,
    help="Output format for SELECT and ASK (CONSTRUCT and DESCRIBE print Turtle).",
)
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), help="Stop the query after SECONDS.")
@click.option(
    "--allow-federation", is_flag=True, help="Permit SERVICE and FROM, which reach other graphs or the network."
)
@click.option(
    "--store",
    "engine",
    type=click.Choice(["oxigraph", "memory"]),
    default="oxigraph",
    show_default=True,
    help="Embedded engine: Oxigraph, or rdflib in memory.",
)
@endpoint_options
@seeds_option
@build_dir_option
def query_command(
    sparql: str | None,
    query_file: Any,
    named: str | None,
    params: tuple[str, ...],
    fmt: str,
    timeout: float | None,
    allow_federation: bool,
    engine: str,
    endpoint: str | None,
    graph_iri: str | None,
    seeds: Path,
    build_dir: Path,
) -> None:
    """Ask the graph a SPARQL question: ad hoc, from a file, from stdin (-) or by name.

    The project's prefixes (ag:, aid:, src:, rdfs:, skos:, dcterms:, …) are bound for you.
    The query is read-only and offline: updates, SERVICE and FROM are refused. ASK prints
    true or false and exits 0 or 1.

    \b
    Examples:
      aidgraph query --named totals-by-donor
      aidgraph query --named evidence --param entity=opic-2018-new-money
      aidgraph query 'SELECT ?name WHERE { ?a a ag:Agency ; rdfs:label ?name }' --format csv
      aidgraph query --file my-question.rq --format json
      echo 'ASK { aid:dfc a ag:Agency }' | aidgraph query -
      aidgraph query --named pledges --endpoint http://127.0.0.1:7878/query
    """
    from graph.query.run import execute, resolve
    from graph.store import open_engine

    sources = [sparql is not None, query_file is not None, named is not None]
    if sum(sources) != 1:
        raise click.UsageError("give exactly one of: a query, --file FILE, --named NAME (or - for stdin)")
    text = query_file.read() if query_file else (sys.stdin.read() if sparql == "-" else sparql)
    values = dict(key_value(p) for p in params)
    sparql_text, bindings = resolve(None if named else text, named=named, params=values)
    store = open_engine(seeds, build_dir, store=engine, endpoint=endpoint, graph=graph_iri, timeout=timeout or 30.0)
    rendered = execute(store, sparql_text, bindings, fmt, allow_federation=allow_federation, timeout=timeout)
    sys.stdout.buffer.write(rendered.data)
    sys.stdout.flush()
    if rendered.boolean is False:
        sys.exit(1)


@cli.command("queries")
@click.argument("name", required=False)
def queries_command(name: str | None) -> None:
    """List the named queries, or print one's SPARQL.

    \b
    Examples:
      aidgraph queries
      aidgraph queries evidence
    """
    from graph.query.named import get_named, named_queries

    if name:
        click.echo(get_named(name).text, nl=False)
        return
    queries = named_queries()
    width = max(len(n) for n in queries)
    for query_name, definition in queries.items():
        params = " ".join(f"{p.name}={p.type.upper()}" + ("" if p.required else "?") for p in definition.parameters)
        click.echo(f"{query_name.ljust(width)}  {definition.title}" + (f"  [{params}]" if params else ""))
