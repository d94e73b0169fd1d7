"""The ``site`` command: write the evidence site, a static folder that works offline."""

from __future__ import annotations

from pathlib import Path

import click

from graph.cli.common import cli, graph_options


@cli.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("build/site"),
    show_default=True,
    help="Folder to write the site into (replaced whole; only a site written before is replaced).",
)
@graph_options
def site(output: Path, seeds: Path, build_dir: Path, corpus: Path | None) -> None:
    """Write the evidence site: a page per entity and per article, searchable, offline.

    Every entity gets a page at a path mirroring its IRI (id/usaid.html, with id/usaid.ttl and
    id/usaid.jsonld beside it), every article a page (source/<id>.html), and index.html counts
    what the graph holds, sums the money and finds any entity by any name. With --corpus, each
    article page shows its full text with every quote highlighted. Open index.html in a browser:
    the folder needs no server and loads nothing from the network.

    \b
    Examples:
      aidgraph site
      aidgraph site -o /media/usb/aidgraph --corpus ../shared/corpus
    """
    import graph

    summary = graph.write_site(seeds, output, corpus_dir=corpus, build_dir=build_dir)
    click.echo(f"Wrote {summary.pages:,} pages ({summary.files:,} files) to {output}")
    click.echo(f"Open {output / 'index.html'}")
