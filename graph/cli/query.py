"""Commands for questions: ``query`` and ``queries``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from graph import choices
from graph.cli.common import (
    choice_option,
    cli,
    emit,
    endpoint_options,
    format_option,
    graph_options,
    key_value,
    limit_options,
    password_for,
    user_option,
)


def _named_query_names(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """Shell completion for named queries."""
    from graph.query.named import named_queries

    return [name for name in named_queries() if name.startswith(incomplete)]


@cli.command("query")
@click.argument("sparql", required=False)
@click.option(
    "-f", "--file", "query_file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="Read the query from a file ('-' for standard input).",
)
@click.option("-n", "--named", shell_complete=_named_query_names, help="Run a named query (see `aidgraph queries`).")
@click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE", help="A named query's parameter.")
@format_option()
@limit_options
@click.option(
    "--allow-federation", is_flag=True, help="Permit SERVICE and FROM, which reach other graphs or the network."
)
@choice_option("--store", "engine", options=choices.ENGINES, default="oxigraph", help="Embedded engine: Oxigraph, or rdflib in memory.")
@endpoint_options
@user_option
@graph_options
def query_command(
    sparql: str | None,
    query_file: Path | None,
    named: str | None,
    params: tuple[str, ...],
    fmt: str,
    timeout: float,
    memory_limit: int,
    allow_federation: bool,
    engine: str,
    endpoint: str | None,
    graph_iri: str | None,
    user: str | None,
    seeds: Path,
    build_dir: Path,
    corpus: Path | None,
) -> None:
    """Ask the graph a SPARQL question: ad hoc, from a file, from stdin (-) or by name.

    The project's prefixes (ag:, aid:, src:, rdfs:, skos:, dcterms:, …) are bound for you.
    The query is read-only and offline: updates, SERVICE and FROM are refused. ASK prints
    true or false and exits 0 or 1. CONSTRUCT and DESCRIBE print Turtle.

    \b
    Examples:
      aidgraph query --named totals-by-donor
      aidgraph query --named evidence --param entity=opic-2018-new-money
      aidgraph query 'SELECT ?name WHERE { ?a a ag:Agency ; rdfs:label ?name }' --format csv
      aidgraph query --file my-question.rq --format json
      echo 'ASK { aid:dfc a ag:Agency }' | aidgraph query -
      aidgraph query --named pledges --endpoint http://127.0.0.1:7878/query
    """
    import graph

    if sum([sparql is not None, query_file is not None, named is not None]) != 1:
        raise click.UsageError("give exactly one of: a query, --file FILE, --named NAME (or - for stdin)")
    if sparql == "-":
        query_file = Path("-")
    text = graph.read_query(query_file) if query_file is not None else sparql
    answerer = graph.open_engine(
        seeds,
        build_dir,
        engine=engine,
        corpus_dir=corpus,
        endpoint=endpoint,
        graph=graph_iri,
        timeout=timeout,
        user=user,
        password=password_for(user),
    )
    result = graph.run_query(
        answerer,
        text,
        named=named,
        params=dict(key_value(p) for p in params),
        limits=graph.Limits(timeout, memory_limit),
        allow_federation=allow_federation,
    )
    emit(graph.render(result, fmt))
    if result.boolean is False:
        sys.exit(1)


@cli.command("queries")
@click.argument("name", required=False, shell_complete=_named_query_names)
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
