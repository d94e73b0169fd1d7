"""The ``aidgraph`` command line: thin commands over the ``graph`` and ``loaders`` packages.

Each command parses its options, calls one library function and prints. Library errors
(:class:`loaders.errors.AidgraphError`) are rendered once, in :mod:`graph.cli.common`, as
``Error: …`` with exit code 1. Commands live in modules by topic (facts, questions, network,
servers); heavy libraries are imported inside them so that ``aidgraph --help`` starts instantly.
"""

from __future__ import annotations

from graph.cli import facts, network, query, server, site  # noqa: F401 - they register the commands
from graph.cli.common import METRIC_NAMES, PROJECTION_NAMES, cli

__all__ = ["METRIC_NAMES", "PROJECTION_NAMES", "cli", "main"]


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="aidgraph")
