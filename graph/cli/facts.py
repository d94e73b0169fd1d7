"""Commands for the facts: ``build``, ``check``, ``export`` and ``extract``."""

from __future__ import annotations

from pathlib import Path

import click
from click.core import ParameterSource

from graph import choices
from graph.cli.common import (
    choice_option,
    cli,
    corpus_option,
    graph_options,
    output_option,
    progress_bar,
    save,
    seeds_option,
)


@cli.command()
@seeds_option
@corpus_option
@click.option(
    "--build-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("build"),
    show_default=True,
    help="Directory to write aidgraph.ttl, the store and manifest.json into (what the other commands read).",
)
@click.option("--out", "old_name", type=click.Path(file_okay=False, path_type=Path), hidden=True)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar (there is none when stderr is not a terminal).")
def build(seeds: Path, corpus: Path | None, build_dir: Path, old_name: Path | None, quiet: bool) -> None:
    """Build the graph from the fact files and print a summary.

    Writes BUILD_DIR/aidgraph.ttl (facts and ontology, in Turtle) and the Oxigraph store
    BUILD_DIR/oxigraph that other commands reuse (their --build-dir), atomically: when the facts
    hold any problem, every problem is listed and nothing is written. With --corpus, each quote
    records where it sits in its article. Building BUILD_DIR again after an edit rewrites only the
    fact files' parts the edit can change; the result is byte for byte what a build into an
    empty directory gives. (--out is the option's old name, still read, with a warning.)

    \b
    Examples:
      aidgraph build
      aidgraph build --seeds my-seeds --build-dir /tmp/graph --corpus ../shared/corpus
    """
    import graph

    if old_name is not None:
        if click.get_current_context().get_parameter_source("build_dir") is not ParameterSource.DEFAULT:
            raise click.UsageError("--out is the old name of --build-dir: give --build-dir alone")
        click.echo("Warning: --out is now --build-dir, as in the other commands; --out will go", err=True)
        build_dir = old_name
    with progress_bar("Reading facts", quiet) as progress:
        result = graph.build_graph(seeds, build_dir, corpus, progress=progress)
    if result.rewritten is None:
        click.echo(f"Wrote {result.graph_path}")
    else:
        files = len(result.facts.files)
        click.echo(f"Wrote {result.graph_path} (updated: {len(result.rewritten)} of {files} fact files rewritten)")
    for line in result.summary.lines():
        click.echo(f"  {line}")


@cli.command()
@graph_options
@choice_option(
    "--shacl-engine",
    options=choices.SHACL_ENGINES,
    default="sparql",
    help="Run the shapes as SPARQL on Oxigraph (fast), or with pySHACL (the reference; minutes at 100k pledges).",
)
@click.option(
    "--coverage",
    is_flag=True,
    help="Also find every number in the articles and report those no fact covers and no waiver excuses.",
)
@click.option("-v", "--verbose", is_flag=True, help="With --coverage: list every number and what accounts for it.")
@click.option("--inferences", is_flag=True, help="Also list every inferred field: file:line: id field: reason.")
def check(
    seeds: Path,
    build_dir: Path,
    corpus: Path | None,
    shacl_engine: str,
    coverage: bool,
    verbose: bool,
    inferences: bool,
) -> None:
    """Validate the facts, run the SHACL shapes, and verify quotes against the articles.

    Prints one line per problem (file:line:column: message) and exits 1 when there is any.
    Without --corpus (or AIDGRAPH_CORPUS) quotes and hashes are not verified. With --coverage,
    every number of every article must sit inside a fact's quote or a `not_curated:` waiver;
    each one that does not is listed (article:line:column) and the exit code is 1.
    --inferences lists the fields the curators inferred rather than read in the text, with their
    reasons. Validated files are cached under BUILD_DIR/records, so a check after editing one
    file re-reads only that file, and the shapes' problems are kept in BUILD_DIR/check-shapes.json,
    so the shapes run again only on the nodes of the files an edit can change (remove that file to
    run them on everything).

    \b
    Examples:
      aidgraph check
      aidgraph check --corpus ../shared/corpus
      aidgraph check --coverage --corpus ../shared/corpus
      aidgraph check --inferences
      aidgraph check --shacl-engine pyshacl
    """
    import graph

    if coverage and corpus is None:
        raise click.UsageError("--coverage reads the articles: give --corpus DIR (or set AIDGRAPH_CORPUS)")
    report = graph.check_all(seeds, corpus, coverage=coverage, shacl_engine=shacl_engine, cache_dir=build_dir)
    for line in [*map(str, report.problems), *report.missing_lines()]:
        click.echo(line, err=True)
    if verbose and report.coverage is not None:
        for article in report.coverage.articles:
            click.echo("\n".join(article.ledger_lines()))
    for line in report.inferences if inferences else []:
        click.echo(line)
    for line in report.lines():
        click.echo(line)
    failures = [f"{len(report.problems)} problem(s) found"] if report.problems else []
    if report.coverage is not None and report.coverage.missing:
        failures.append(f"{report.coverage.missing} number(s) not covered by any fact or waived")
    if failures:
        raise click.ClickException("; ".join(failures))


@cli.command()
@graph_options
@choice_option(
    "--format",
    "fmt",
    options=choices.RDF_FORMATS + choices.PROJECTION_FORMATS,
    default=None,
    help="RDF serialization of the graph (default turtle), or gexf|graphml|csv for a --projection (default gexf).",
)
@choice_option(
    "--projection", options=choices.PROJECTIONS, default=None, help="Export a network projection instead of the RDF graph."
)
@output_option()
@click.option("--force", is_flag=True, help="Replace a file under the seeds directory.")
def export(
    seeds: Path,
    build_dir: Path,
    corpus: Path | None,
    fmt: str | None,
    projection: str | None,
    output: Path | None,
    force: bool,
) -> None:
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
    import graph

    store = graph.open_store(seeds, build_dir, corpus)
    if projection is None:
        if fmt in choices.PROJECTION_FORMATS:
            raise click.UsageError(f"--format {fmt} exports a network: add --projection {'|'.join(choices.PROJECTIONS)}")
        data = graph.dump(store, fmt or "turtle")
    else:
        if fmt not in (None, *choices.PROJECTION_FORMATS):
            raise click.UsageError(f"a projection exports as {', '.join(choices.PROJECTION_FORMATS)}, not {fmt}")
        data = graph.projection_bytes(graph.project(store, projection), fmt or "gexf")
    save(output, data, protect=seeds, force=force)


@cli.command()
@click.argument("article_path", metavar="ARTICLE", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--source-id", metavar="ID", help="Id for the article in the source registry (default: from its file name)."
)
@output_option(help="Draft file to write ('-' or nothing for standard output).")
@click.option("--force", is_flag=True, help="Replace a file under the seeds directory.")
@seeds_option
def extract(article_path: Path, source_id: str | None, output: Path | None, force: bool, seeds: Path) -> None:
    """Draft facts from a new article for a person to confirm.

    Finds money amounts (with donor, recipients and program from the same sentence), every name
    the graph already knows (accents and case ignored), new names with a guessed class, and the
    dates and periods mentioned. Each candidate is marked `draft: true` and quotes its sentence
    verbatim; `aidgraph check` refuses the file until every draft is confirmed.

    \b
    Examples:
      aidgraph extract new-article.txt -o drafts/new-article.yaml
      aidgraph extract new-article.txt --source-id latimes-2019-06
    """
    import graph

    article = graph.read_article(article_path)
    facts = graph.load_facts(seeds)
    draft = graph.draft_article(
        article.text, file=article.file, facts=facts, source_id=source_id, sha256=article.sha256
    )
    counts = f"{len(draft.pledges)} pledges, {len(draft.mentions)} known names, {len(draft.candidates)} new names"
    what = f"{counts}, {len(draft.hints)} date hints (all drafts to confirm)"
    save(output, draft.yaml().encode(), what=what, protect=seeds, force=force)
