"""The ``aidgraph`` command line: thin commands over the ``graph`` and ``loaders`` packages.

Each command parses its options, calls one library function and prints. Library errors
(:class:`loaders.errors.AidgraphError`) are rendered once, here, as ``Error: …`` with exit code 1;
fact problems print one line each (``file:line:column: message``) before it. Heavy libraries are
imported inside the commands so that ``aidgraph --help`` starts instantly.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import click

__all__ = ["cli", "main"]

F = TypeVar("F", bound=Callable[..., Any])


class _Group(click.Group):
    """A group that turns the library's errors into one clear message and a non-zero exit."""

    def invoke(self, ctx: click.Context) -> Any:
        from loaders.errors import AidgraphError, FactError

        try:
            return super().invoke(ctx)
        except FactError as err:
            for problem in err.problems:
                click.echo(str(problem), err=True)
            count = len(err.problems)
            raise click.ClickException(
                f"{count} problem{'s' * (count != 1)} in the facts; nothing was written"
            ) from None
        except AidgraphError as err:
            raise click.ClickException(str(err)) from None


def seeds_option(func: F) -> F:
    """``--seeds DIR``: the fact files to read (default ``./seeds`` or ``$AIDGRAPH_SEEDS``)."""
    return click.option(
        "--seeds",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("seeds"),
        envvar="AIDGRAPH_SEEDS",
        show_default=True,
        help="Directory of YAML fact files (or set AIDGRAPH_SEEDS).",
    )(func)


def corpus_option(func: F) -> F:
    """``--corpus DIR``: the articles the quotes come from (or ``$AIDGRAPH_CORPUS``)."""
    return click.option(
        "--corpus",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        envvar="AIDGRAPH_CORPUS",
        help="Directory of the source articles (or set AIDGRAPH_CORPUS).",
    )(func)


def build_dir_option(func: F) -> F:
    """``--build-dir DIR``: where ``aidgraph build`` wrote the graph, reused while it is current."""
    return click.option(
        "--build-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("build"),
        show_default=True,
        help="Built graph to reuse while it matches the seeds.",
    )(func)


def endpoint_options(func: F) -> F:
    """``--endpoint URL`` and ``--graph IRI``: ask a SPARQL 1.1 server instead of the embedded store."""
    func = click.option(
        "--graph",
        "graph_iri",
        metavar="IRI",
        help="With --endpoint: the named graph to read as default (where `aidgraph push` put it).",
    )(func)
    return click.option("--endpoint", metavar="URL", help="Ask this SPARQL 1.1 query URL instead.")(func)


def output_format_option(func: F) -> F:
    """``--format table|csv|json`` for commands that print rows."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "csv", "json"]),
        default="table",
        show_default=True,
        help="Output format.",
    )(func)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="aidgraph", prog_name="aidgraph")
def cli() -> None:
    """aidgraph: a knowledge graph of US–Mexico cooperation on Central American migration.

    Build the graph from curated YAML facts, check them against their sources, and export it.

    \b
    Examples:
      aidgraph build                      # seeds/ -> build/aidgraph.ttl, with a summary
      aidgraph check --corpus ../shared/corpus
      aidgraph export --format jsonld -o graph.jsonld
      aidgraph queries                    # the library of named questions
      aidgraph query --named pledges
    """


@cli.command()
@seeds_option
@corpus_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("build"),
    show_default=True,
    help="Directory to write aidgraph.ttl and manifest.json into.",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar (there is none when stderr is not a terminal).")
def build(seeds: Path, corpus: Path | None, out: Path, quiet: bool) -> None:
    """Build the graph from the fact files and print a summary.

    Writes OUT/aidgraph.ttl (facts and ontology, in Turtle) and the Oxigraph store OUT/oxigraph
    that other commands reuse, atomically: when the facts hold any problem, every problem is
    listed and nothing is written. With --corpus, each quote records where it sits in its article.

    \b
    Examples:
      aidgraph build
      aidgraph build --seeds my-seeds --out /tmp/graph --corpus ../shared/corpus
    """
    from graph.build import build as run_build
    from graph.summary import summarize

    with _progress("Reading facts", quiet) as progress:
        result = run_build(seeds, out, corpus, progress=progress)
    click.echo(f"Wrote {result.graph_path}")
    for line in summarize(result.store).lines():
        click.echo(f"  {line}")


@cli.command()
@seeds_option
@corpus_option
def check(seeds: Path, corpus: Path | None) -> None:
    """Validate the facts, run the SHACL shapes, and verify quotes against the articles.

    Prints one line per problem (file:line:column: message) and exits 1 when there is any.
    Without --corpus (or AIDGRAPH_CORPUS) quotes and hashes are not verified.

    \b
    Examples:
      aidgraph check
      aidgraph check --corpus ../shared/corpus
    """
    from graph.check import check_all

    report = check_all(seeds, corpus)
    for problem in report.problems:
        click.echo(str(problem), err=True)
    for line in report.lines():
        click.echo(line)
    if report.problems:
        raise click.ClickException(f"{len(report.problems)} problem(s) found")


@cli.command()
@seeds_option
@build_dir_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["turtle", "nt", "jsonld", "xml", "trig", "gexf", "graphml", "csv"]),
    help="RDF serialization of the graph (default turtle), or gexf|graphml|csv for a --projection (default gexf).",
)
@click.option(
    "--projection",
    type=click.Choice(["actors", "funding", "entities"]),
    help="Export a network projection instead of the RDF graph.",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: stdout)."
)
def export(seeds: Path, build_dir: Path, fmt: str | None, projection: str | None, output: Path | None) -> None:
    """Export the RDF graph, or a network projection for Gephi, Cytoscape or a spreadsheet.

    The RDF graph (facts and ontology) goes out as Turtle, N-Triples, JSON-LD, RDF/XML or TriG.
    With --projection, the actors, funding or entities network goes out as GEXF, GraphML or a
    CSV edge list, with labels, classes and weights as attributes.

    \b
    Examples:
      aidgraph export > aidgraph.ttl
      aidgraph export --format jsonld -o aidgraph.jsonld
      aidgraph export --projection actors --format gexf -o actors.gexf
      aidgraph export --projection funding --format csv -o funding.csv
    """
    from graph.files import write_atomic
    from graph.store import open_store

    if projection is None:
        if fmt in ("gexf", "graphml", "csv"):
            raise click.UsageError(f"--format {fmt} exports a network: add --projection actors|funding|entities")
        from graph.export import dump

        data = dump(open_store(seeds, build_dir), fmt or "turtle")
    else:
        if fmt not in (None, "gexf", "graphml", "csv"):
            raise click.UsageError(f"a projection exports as gexf, graphml or csv, not {fmt}")
        from graph.netexport import projection_bytes
        from graph.projections import project

        data = projection_bytes(project(open_store(seeds, build_dir), projection), fmt or "gexf")
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        write_atomic(output, data)
        click.echo(f"Wrote {output}", err=True)


@cli.command()
@click.option(
    "--metric",
    type=click.Choice(["degree", "betweenness", "closeness", "pagerank", "eigenvector", "in-strength", "out-strength"]),
    default="degree",
    show_default=True,
    help="Centrality measure.",
)
@click.option(
    "--projection",
    type=click.Choice(["actors", "funding", "entities"]),
    default="actors",
    show_default=True,
    help="Which network to measure (see README: Projections).",
)
@click.option("--weight", is_flag=True, help="Use edge weights (facts linking two actors, or USD).")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="How many to show.")
@output_format_option
@seeds_option
@build_dir_option
def centrality(metric: str, projection: str, weight: bool, top: int, fmt: str, seeds: Path, build_dir: Path) -> None:
    """Rank the actors (or other nodes) at the centre of the network.

    \b
    Examples:
      aidgraph centrality
      aidgraph centrality --metric betweenness --projection actors --top 5
      aidgraph centrality --metric in-strength --projection funding --weight --format csv
    """
    from graph.centrality import rank
    from graph.projections import project
    from graph.store import open_store

    ranking = rank(project(open_store(seeds, build_dir), projection), metric, weight=weight, top=top)
    rows = [{"rank": r.rank, "id": r.node, "label": r.label, "class": r.cls, "score": r.score} for r in ranking]
    _print_rows(rows, fmt, formats={"score": lambda v: f"{v:,.4f}" if v < 1000 else f"{v:,.0f}"})


@cli.command()
@click.option(
    "--by",
    type=click.Choice(["donor", "recipient", "program", "year"]),
    default="donor",
    show_default=True,
    help="Group the totals by.",
)
@output_format_option
@seeds_option
@build_dir_option
@click.option(
    "--html", "html_path", type=click.Path(dir_okay=False, path_type=Path), help="Also write a Sankey diagram page."
)
def flows(by: str, fmt: str, seeds: Path, build_dir: Path, html_path: Path | None) -> None:
    """Funding totals by donor, recipient, program or year, each amount counted once.

    Only pledges that are part of no other pledge are summed, and each currency is totalled apart.
    With --html, also write the money page: a self-contained Sankey diagram donor → program →
    recipient.

    \b
    Examples:
      aidgraph flows
      aidgraph flows --by recipient --format csv
      aidgraph flows --html build/flows.html
    """
    from graph.flows import flow_totals
    from graph.store import open_store

    store = open_store(seeds, build_dir)
    if html_path is not None:
        from graph.files import write_atomic
        from graph.sankey import sankey_page

        write_atomic(html_path, sankey_page(store).encode())
        click.echo(f"Wrote {html_path}", err=True)
    totals = flow_totals(store, by=by)
    rows = [{by: t.key, "currency": t.currency, "total": t.total, "pledges": t.pledges} for t in totals]
    _print_rows(rows, fmt, formats={"total": lambda v: f"{v:,}"})


@cli.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("build/aidgraph.html"),
    show_default=True,
    help="HTML file to write.",
)
@click.option(
    "--projection",
    type=click.Choice(["actors", "funding", "entities"]),
    default="entities",
    show_default=True,
    help="Which network to draw.",
)
@click.option("--focus", metavar="ID", help="Draw only the neighbourhood of this entity.")
@click.option("--depth", type=click.IntRange(min=0), default=1, show_default=True, help="Steps around --focus.")
@click.option("--top", type=click.IntRange(min=1), help="Draw only the N most central nodes.")
@click.option(
    "--size-by",
    type=click.Choice(["degree", "betweenness", "closeness", "pagerank", "eigenvector", "in-strength", "out-strength"]),
    default="degree",
    show_default=True,
    help="Centrality that sizes the nodes (and picks --top).",
)
@click.option("--open", "open_page", is_flag=True, help="Open the page in your browser.")
@seeds_option
@build_dir_option
def viz(
    output: Path,
    projection: str,
    focus: str | None,
    depth: int,
    top: int | None,
    size_by: str,
    open_page: bool,
    seeds: Path,
    build_dir: Path,
) -> None:
    """Draw the network as an interactive HTML page that works offline.

    Nodes are coloured and shaped by class and sized by centrality; hover shows names, key facts
    and the quotes behind them; a search box finds a node. The page loads nothing from the network.

    \b
    Examples:
      aidgraph viz --open
      aidgraph viz --focus usaid --depth 2 -o usaid.html
      aidgraph viz --projection actors --top 15 --size-by betweenness
    """
    from graph.files import write_atomic
    from graph.html import network_page
    from graph.store import open_store

    page = network_page(
        open_store(seeds, build_dir), projection=projection, focus=focus, depth=depth, top=top, size_by=size_by
    )
    write_atomic(output, page.encode())
    click.echo(f"Wrote {output}")
    if open_page:
        import webbrowser

        webbrowser.open(output.resolve().as_uri())


@cli.command()
@click.option(
    "--html",
    "html_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("build/timeline.html"),
    show_default=True,
    help="HTML file to write.",
)
@click.option(
    "--group-by",
    type=click.Choice(["kind", "actor"]),
    default="kind",
    show_default=True,
    help="One row per kind of fact, or per actor.",
)
@seeds_option
@build_dir_option
def timeline(html_path: Path, group_by: str, seeds: Path, build_dir: Path) -> None:
    """Put every dated fact on one interactive timeline page.

    Pledges, programs and policies (announced, started, ended), the periods of figures and the
    publication of sources. A year or a month is drawn as that span, never as an invented day.

    \b
    Examples:
      aidgraph timeline
      aidgraph timeline --group-by actor --html build/timeline-actors.html
    """
    from graph.files import write_atomic
    from graph.store import open_store
    from graph.timeline import timeline_page

    write_atomic(html_path, timeline_page(open_store(seeds, build_dir), group_by=group_by).encode())
    click.echo(f"Wrote {html_path}")


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
    from graph.query import execute, resolve
    from graph.store import open_engine

    sources = [sparql is not None, query_file is not None, named is not None]
    if sum(sources) != 1:
        raise click.UsageError("give exactly one of: a query, --file FILE, --named NAME (or - for stdin)")
    text = query_file.read() if query_file else (sys.stdin.read() if sparql == "-" else sparql)
    values = dict(_key_value(p) for p in params)
    sparql_text, bindings = resolve(None if named else text, named=named, params=values)
    store = open_engine(seeds, build_dir, store=engine, endpoint=endpoint, graph=graph_iri, timeout=timeout or 30.0)
    rendered = execute(store, sparql_text, bindings, fmt, allow_federation=allow_federation, timeout=timeout)
    sys.stdout.buffer.write(rendered.data)
    sys.stdout.flush()
    if rendered.boolean is False:
        sys.exit(1)


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
    from graph.remote import push as push_graph
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


@cli.command()
@click.argument("article", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--source-id", metavar="ID", help="Id for the article in the source registry (default: from its file name)."
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Draft file to write (default: stdout)."
)
@seeds_option
def extract(article: Path, source_id: str | None, output: Path | None, seeds: Path) -> None:
    """Draft facts from a new article for a person to confirm.

    Finds money amounts (with donor, recipients and program from the same sentence), every name
    the graph already knows (accents and case ignored), new names with a guessed class, and the
    dates and periods mentioned. Each candidate is marked `draft: true` and quotes its sentence
    verbatim; `aidgraph check` refuses the file until every draft is confirmed.

    \b
    Examples:
      aidgraph extract new-article.txt -o seeds/facts/new-article.yaml
      aidgraph extract new-article.txt --source-id latimes-2019-06
    """
    from graph.files import write_atomic
    from loaders import load_facts
    from loaders.extract import draft_article

    try:
        text = article.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise click.ClickException(f"{article} is not UTF-8 text") from None
    draft = draft_article(text, file=article.name, facts=load_facts(seeds), source_id=source_id)
    if output is None:
        click.echo(draft.yaml(), nl=False)
        return
    write_atomic(output, draft.yaml().encode())
    counts = f"{len(draft.pledges)} pledges, {len(draft.mentions)} known names, {len(draft.candidates)} new names"
    click.echo(f"Wrote {output}: {counts}, {len(draft.hints)} date hints (all drafts to confirm)")


@cli.command("queries")
@click.argument("name", required=False)
def queries_command(name: str | None) -> None:
    """List the named queries, or print one's SPARQL.

    \b
    Examples:
      aidgraph queries
      aidgraph queries evidence
    """
    from graph.named import get_named, named_queries

    if name:
        click.echo(get_named(name).text, nl=False)
        return
    queries = named_queries()
    width = max(len(n) for n in queries)
    for query_name, definition in queries.items():
        params = " ".join(f"{p.name}={p.type.upper()}" + ("" if p.required else "?") for p in definition.parameters)
        click.echo(f"{query_name.ljust(width)}  {definition.title}" + (f"  [{params}]" if params else ""))


@contextmanager
def _progress(label: str, quiet: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr for long work, when stderr is a terminal and not --quiet."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    bar: Any = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label=label, file=sys.stderr).__enter__()
        bar.update(done - bar.pos)

    try:
        yield update
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


def _print_rows(rows: list[dict[str, Any]], fmt: str, formats: dict[str, Callable[[Any], str]]) -> None:
    """Print result rows as an aligned table, CSV or JSON."""
    if fmt == "json":
        import json

        click.echo(json.dumps(rows, indent=2, ensure_ascii=False, default=_json_number))
        return
    header = list(rows[0]) if rows else []
    if fmt == "csv":
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([[row[k] for k in header] for row in rows])
        return
    from graph.results import format_table

    cells = [[formats.get(k, str)(row[k]) for k in header] for row in rows]
    numeric = {i for i, k in enumerate(header) if rows and isinstance(rows[0][k], int | float | Decimal)}
    click.echo(format_table(header, cells, numeric))


def _json_number(value: Any) -> int | float:
    """Decimals as JSON numbers: integers stay exact."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _key_value(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise click.BadParameter(f"{text!r} is not KEY=VALUE", param_hint="--param")
    return key, value


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="aidgraph")
