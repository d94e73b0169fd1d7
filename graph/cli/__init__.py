"""The ``aidgraph`` command line: thin commands over the ``graph`` and ``loaders`` packages.

Each command parses its options, calls one library function and prints. Library errors
(:class:`loaders.errors.AidgraphError`) are rendered once, in :mod:`graph.cli.common`, as
``Error: …`` with exit code 1. Commands live in modules by topic (facts, questions, network,
servers); heavy libraries are imported inside them so that ``aidgraph --help`` starts instantly.
"""

from __future__ import annotations

import sys

import click

from graph.cli import facts, network, query, server, site  # noqa: F401 - they register the commands
from graph.cli.common import cli, silence_stdout

__all__ = ["cli", "main"]


def main() -> None:
    """Console-script entry point: the command, then standard output flushed with its errors caught.

    A full disk or a closed pipe on standard output is one line on stderr and exit code 1, not a
    traceback (the last flush happens here, not at interpreter exit).
    """
    try:
        try:
            cli(prog_name="aidgraph")
        finally:
            sys.stdout.flush()
    except OSError as err:
        silence_stdout()
        if not isinstance(err, BrokenPipeError):
            click.echo(f"Error: cannot write to standard output: {err.strerror or err}", err=True)
        sys.exit(1)
