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

    A file the command could not read or write is one line naming it (``Error: build/aidgraph.ttl:
    Is a directory``), a library's own OSError (pyoxigraph's, with no error number) one line of
    its message; a full disk or a closed pipe on standard output is one line too (a system error
    that names no file is taken for standard output's); each exits with code 1, not a traceback
    (the last flush happens here, not at interpreter exit).
    """
    try:
        try:
            cli(prog_name="aidgraph")
        except OSError as err:
            if err.filename is None and err.errno is not None:  # the system's, naming no file: stdout's (below)
                raise
            click.echo(f"Error: {_os_error(err)}", err=True)
            sys.exit(1)
        finally:
            sys.stdout.flush()
    except OSError as err:
        silence_stdout()
        if not isinstance(err, BrokenPipeError):
            click.echo(f"Error: cannot write to standard output: {err.strerror or err}", err=True)
        sys.exit(1)


def _os_error(err: OSError) -> str:
    """An OSError in words: the file it concerns (a rename's target), if any, and why.

    Examples
    --------
    >>> _os_error(IsADirectoryError(21, "Is a directory", "build/.aidgraph.ttl.tmp", None, "build/aidgraph.ttl"))
    'build/aidgraph.ttl: Is a directory'
    >>> _os_error(FileExistsError(17, "File exists", "build/records"))
    'build/records: File exists'
    >>> _os_error(OSError("lock hold by current process"))
    'lock hold by current process'
    """
    from loaders.text import printable

    name = err.filename2 if err.filename2 is not None else err.filename
    reason = err.strerror or str(err)
    return printable(f"{name}: {reason}" if name is not None else reason)
