"""Commands for the network and the money: ``centrality``, ``flows``, ``viz`` and ``timeline``."""

from __future__ import annotations

from pathlib import Path

import click

from graph import choices
from graph.cli.common import (
    choice_option,
    cli,
    emit,
    format_option,
    graph_options,
    output_option,
    save,
)


@cli.command()
@choice_option("--metric", options=choices.METRICS, default="degree", help="Centrality measure.")
@choice_option(
    "--projection", options=choices.PROJECTIONS, default="actors", help="Which network to measure (see README)."
)
@click.option("--weight", is_flag=True, help="Use edge weights (facts linking two actors, or USD).")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="How many to show.")
@format_option()
@graph_options
def centrality(
    metric: str, projection: str, weight: bool, top: int, fmt: str, seeds: Path, build_dir: Path, corpus: Path | None
) -> None:
    """Rank the actors (or other nodes) at the centre of the network.

    \b
    Examples:
      aidgraph centrality
      aidgraph centrality --metric betweenness --projection actors --top 5
      aidgraph centrality --metric in-strength --projection funding --weight --format csv
    """
    import graph

    G = graph.project(graph.open_store(seeds, build_dir, corpus), projection)
    ranking = graph.rank(G, metric, weight=weight, top=top)
    rows = [(r.rank, r.node, r.label, r.cls, r.score) for r in ranking]
    emit(graph.render(graph.QueryResult.from_records(["rank", "id", "label", "class", "score"], rows), fmt))


@cli.command()
@choice_option(
    "--by",
    options=choices.FLOW_KEYS,
    default="donor",
    help="Group the totals by: donor country (agencies rolled up), body, recipient, program, year.",
)
@click.option(
    "--include",
    type=click.Choice(choices.INCLUDABLE_SCOPES),
    multiple=True,
    help="Also total domestic spending plans, or money of unknown scope (each in its own rows).",
)
@click.option("--explain", is_flag=True, help="Under each total, list the facts it adds and the overlaps it collapsed.")
@format_option()
@graph_options
@output_option("--html", "html_path", help="Also write a Sankey diagram page ('-' for standard output).")
def flows(
    by: str,
    include: tuple[str, ...],
    explain: bool,
    fmt: str,
    seeds: Path,
    build_dir: Path,
    corpus: Path | None,
    html_path: Path | None,
) -> None:
    """Money totals by donor, body, recipient, program or year: cross-border money, as ranges.

    Counts money that crosses a border (aid, development finance); domestic spending plans only
    with --include domestic, in rows of their own. Each amount counts once (portions of other
    pledges are not added again), and each currency apart. Where facts may be the same money
    (declared overlaps), a total is a range: low counts each group once at its largest amount,
    high counts every fact. With --html, also write the money page: a self-contained Sankey
    diagram donor → program → recipient.

    \b
    Examples:
      aidgraph flows
      aidgraph flows --explain
      aidgraph flows --by recipient --include domestic --format csv
      aidgraph flows --html build/flows.html
    """
    import graph

    if explain and fmt != "table":
        raise click.UsageError("--explain prints text under the table: use it with --format table")
    store = graph.open_store(seeds, build_dir, corpus)
    if html_path is not None:
        save(html_path, graph.sankey_page(store, include=include).encode())
        if str(html_path) == "-":
            return
    money = graph.read_money(store)
    totals = graph.flow_totals(money, by=by, include=include)
    emit(graph.render(graph.flow_table(totals, by=by, table=fmt == "table"), fmt))
    if explain:
        click.echo("\n".join(["", *graph.explain_totals(money, totals)]))


@cli.command()
@output_option(default=Path("build/aidgraph.html"), help="HTML file to write ('-' for stdout).")
@choice_option("--projection", options=choices.PROJECTIONS, default="entities", help="Which network to draw.")
@click.option("--focus", metavar="ID", help="Draw only the neighbourhood of this entity.")
@click.option("--depth", type=click.IntRange(min=0), default=1, show_default=True, help="Steps around --focus.")
@click.option("--top", type=click.IntRange(min=1), help="Draw only the N most central nodes.")
@choice_option(
    "--size-by", options=choices.METRICS, default="degree", help="Centrality that sizes the nodes (and picks --top)."
)
@click.option("--open", "open_page", is_flag=True, help="Open the page in your browser.")
@graph_options
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
    corpus: Path | None,
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
    import graph

    page = graph.network_page(
        graph.open_store(seeds, build_dir, corpus),
        projection=projection,
        focus=focus,
        depth=depth,
        top=top,
        size_by=size_by,
    )
    save(output, page.encode())
    if open_page and str(output) != "-":
        import webbrowser

        webbrowser.open(output.resolve().as_uri())


@cli.command()
@output_option("--html", "html_path", default=Path("build/timeline.html"), help="HTML file to write ('-' for stdout).")
@choice_option(
    "--group-by", options=choices.TIMELINE_GROUPINGS, default="kind", help="One row per kind of fact, or per actor."
)
@graph_options
def timeline(html_path: Path, group_by: str, seeds: Path, build_dir: Path, corpus: Path | None) -> None:
    """Put every dated fact on one interactive timeline page.

    Pledges, programs and policies (announced, started, ended), the periods of figures and the
    publication of sources. A year or a month is drawn as that span, never as an invented day.

    \b
    Examples:
      aidgraph timeline
      aidgraph timeline --group-by actor --html build/timeline-actors.html
    """
    import graph

    save(html_path, graph.timeline_page(graph.open_store(seeds, build_dir, corpus), group_by=group_by).encode())
