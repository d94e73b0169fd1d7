"""What every ``aidgraph`` command shares: the group, its error handling, common options, output.

Library errors (:class:`loaders.errors.AidgraphError`) are rendered once, here, as ``Error: …``
with exit code 1; fact problems print one line each (``file:line:column: message``) before it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import click

__all__ = [
    "METRIC_NAMES",
    "PROJECTION_NAMES",
    "build_dir_option",
    "cli",
    "corpus_option",
    "endpoint_options",
    "key_value",
    "output_format_option",
    "print_rows",
    "progress_bar",
    "seeds_option",
]

F = TypeVar("F", bound=Callable[..., Any])

# Kept here, not imported, so --help needs no analytics libraries; a test checks they match.
PROJECTION_NAMES = ["actors", "funding", "entities"]
METRIC_NAMES = ["degree", "betweenness", "closeness", "pagerank", "eigenvector", "in-strength", "out-strength"]


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


@contextmanager
def progress_bar(label: str, quiet: bool) -> Iterator[Callable[[int, int], None] | None]:
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


def print_rows(rows: list[dict[str, Any]], fmt: str, formats: dict[str, Callable[[Any], str]]) -> None:
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
    from graph.query.results import format_table

    cells = [[formats.get(k, str)(row[k]) for k in header] for row in rows]
    numeric = {i for i, k in enumerate(header) if rows and isinstance(rows[0][k], int | float | Decimal)}
    click.echo(format_table(header, cells, numeric))


def _json_number(value: Any) -> int | float:
    """Decimals as JSON numbers: integers stay exact."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def key_value(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise click.BadParameter(f"{text!r} is not KEY=VALUE", param_hint="--param")
    return key, value
