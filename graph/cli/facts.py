"""Commands for the facts: ``build``, ``check``, ``export`` and ``extract``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from graph.cli.common import (
    PROJECTION_NAMES,
    build_dir_option,
    cli,
    corpus_option,
    progress_bar,
    seeds_option,
)


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

    with progress_bar("Reading facts", quiet) as progress:
        result = run_build(seeds, out, corpus, progress=progress)
    click.echo(f"Wrote {result.graph_path}")
    for line in summarize(result.store).lines():
        click.echo(f"  {line}")


@cli.command()
@seeds_option
@corpus_option
@click.option(
    "--coverage",
    is_flag=True,
    help="Also find every number in the articles and report those no fact covers and no waiver excuses.",
)
@click.option("-v", "--verbose", is_flag=True, help="With --coverage: list every number and what accounts for it.")
def check(seeds: Path, corpus: Path | None, coverage: bool, verbose: bool) -> None:
    """Validate the facts, run the SHACL shapes, and verify quotes against the articles.

    Prints one line per problem (file:line:column: message) and exits 1 when there is any.
    Without --corpus (or AIDGRAPH_CORPUS) quotes and hashes are not verified. With --coverage,
    every number of every article must sit inside a fact's quote or a `not_curated:` waiver;
    each one that does not is listed (article:line:column) and the exit code is 1.

    \b
    Examples:
      aidgraph check
      aidgraph check --corpus ../shared/corpus
      aidgraph check --coverage --corpus ../shared/corpus
    """
    from loaders.check import check_all

    if coverage and corpus is None:
        raise click.UsageError("--coverage reads the articles: give --corpus DIR (or set AIDGRAPH_CORPUS)")
    report = check_all(seeds, corpus, coverage=coverage)
    for line in [*map(str, report.problems), *report.missing_lines()]:
        click.echo(line, err=True)
    if verbose and report.coverage is not None:
        for article in report.coverage.articles:
            click.echo("\n".join(article.ledger_lines()))
    for line in report.lines():
        click.echo(line)
    failures = [f"{len(report.problems)} problem(s) found"] if report.problems else []
    if report.coverage is not None and report.coverage.missing:
        failures.append(f"{report.coverage.missing} number(s) not covered by any fact or waived")
    if failures:
        raise click.ClickException("; ".join(failures))


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
    type=click.Choice(PROJECTION_NAMES),
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
        from graph.network.export import projection_bytes
        from graph.network.projections import project

        data = projection_bytes(project(open_store(seeds, build_dir), projection), fmt or "gexf")
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        write_atomic(output, data)
        click.echo(f"Wrote {output}", err=True)


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
