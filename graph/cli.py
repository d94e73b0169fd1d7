"""The ``aidgraph`` command line: thin commands over the ``graph`` and ``loaders`` packages.

Each command parses its options, calls one library function and prints. Library errors
(:class:`loaders.errors.AidgraphError`) are rendered once, here, as ``Error: …`` with exit code 1;
fact problems print one line each (``file:line:column: message``) before it. Heavy libraries are
imported inside the commands so that ``aidgraph --help`` starts instantly.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
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
def build(seeds: Path, corpus: Path | None, out: Path) -> None:
    """Build the graph from the fact files and print a summary.

    Writes OUT/aidgraph.ttl (facts and ontology, in Turtle) atomically: when the facts hold
    any problem, every problem is listed and nothing is written. With --corpus, each quote
    records where it sits in its article.

    \b
    Examples:
      aidgraph build
      aidgraph build --seeds my-seeds --out /tmp/graph --corpus ../shared/corpus
    """
    from graph.build import build as run_build
    from graph.summary import summarize

    result = run_build(seeds, out, corpus)
    click.echo(f"Wrote {result.graph_path}")
    for line in summarize(result.graph).lines():
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
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["turtle", "nt", "jsonld", "xml", "trig"]),
    default="turtle",
    show_default=True,
    help="RDF serialization.",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: stdout)."
)
def export(seeds: Path, fmt: str, output: Path | None) -> None:
    """Export the graph (facts and ontology) as Turtle, N-Triples, JSON-LD, RDF/XML or TriG.

    \b
    Examples:
      aidgraph export > aidgraph.ttl
      aidgraph export --format jsonld -o aidgraph.jsonld
    """
    from graph.build import build_graph
    from graph.export import serialize
    from graph.files import write_atomic

    graph, _ = build_graph(seeds)
    data = serialize(graph, fmt)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        write_atomic(output, data)
        click.echo(f"Wrote {output}", err=True)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="aidgraph")
