"""Commands for the network and the money: ``centrality``, ``flows``, ``viz`` and ``timeline``."""

from __future__ import annotations

from pathlib import Path

import click

from graph.cli.common import (
    METRIC_NAMES,
    PROJECTION_NAMES,
    build_dir_option,
    cli,
    output_format_option,
    print_rows,
    seeds_option,
)


@cli.command()
@click.option(
    "--metric",
    type=click.Choice(METRIC_NAMES),
    default="degree",
    show_default=True,
    help="Centrality measure.",
)
@click.option(
    "--projection",
    type=click.Choice(PROJECTION_NAMES),
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
    from graph.network.centrality import rank
    from graph.network.projections import project
    from graph.store import open_store

    ranking = rank(project(open_store(seeds, build_dir), projection), metric, weight=weight, top=top)
    rows = [{"rank": r.rank, "id": r.node, "label": r.label, "class": r.cls, "score": r.score} for r in ranking]
    print_rows(rows, fmt, formats={"score": lambda v: f"{v:,.4f}" if v < 1000 else f"{v:,.0f}"})


@cli.command()
@click.option(
    "--by",
    type=click.Choice(["donor", "body", "recipient", "program", "year"]),
    default="donor",
    show_default=True,
    help="Group the totals by: donor country (agencies rolled up), body, recipient, program, year.",
)
@click.option(
    "--include",
    type=click.Choice(["domestic", "unknown"]),
    multiple=True,
    help="Also total domestic spending plans, or money of unknown scope (each in its own rows).",
)
@click.option("--explain", is_flag=True, help="Under each total, list the facts it adds and the overlaps it collapsed.")
@output_format_option
@seeds_option
@build_dir_option
@click.option(
    "--html", "html_path", type=click.Path(dir_okay=False, path_type=Path), help="Also write a Sankey diagram page."
)
def flows(
    by: str, include: tuple[str, ...], explain: bool, fmt: str, seeds: Path, build_dir: Path, html_path: Path | None
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
    from graph.network.flows import explain_totals, flow_rows, flow_totals, read_money
    from graph.store import open_store

    if explain and fmt != "table":
        raise click.UsageError("--explain prints text under the table: use it with --format table")
    store = open_store(seeds, build_dir)
    if html_path is not None:
        from graph.files import write_atomic
        from graph.pages.money import sankey_page

        write_atomic(html_path, sankey_page(store, include=include).encode())
        click.echo(f"Wrote {html_path}", err=True)
    money = read_money(store)
    totals = flow_totals(money, by=by, include=include)
    print_rows(flow_rows(totals, by=by, table=fmt == "table"), fmt, formats={})
    if explain:
        click.echo("\n".join(["", *explain_totals(money, totals)]))


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
    type=click.Choice(PROJECTION_NAMES),
    default="entities",
    show_default=True,
    help="Which network to draw.",
)
@click.option("--focus", metavar="ID", help="Draw only the neighbourhood of this entity.")
@click.option("--depth", type=click.IntRange(min=0), default=1, show_default=True, help="Steps around --focus.")
@click.option("--top", type=click.IntRange(min=1), help="Draw only the N most central nodes.")
@click.option(
    "--size-by",
    type=click.Choice(METRIC_NAMES),
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
    from graph.pages.network import network_page
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
    from graph.pages.timeline import timeline_page
    from graph.store import open_store

    write_atomic(html_path, timeline_page(open_store(seeds, build_dir), group_by=group_by).encode())
    click.echo(f"Wrote {html_path}")
