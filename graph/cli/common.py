"""What every ``aidgraph`` command shares: the group, its error handling, common options, output.

Library errors (:class:`loaders.errors.AidgraphError`) are rendered once, here, as ``Error: …``
with exit code 1; fact problems print one line each (``file:line:column: message``) before it.
Control characters in any message are shown escaped, never sent to the terminal. The choices
offered come from :mod:`graph.choices`, the same names the library accepts.
"""

from __future__ import annotations

import math
import os
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from graph import choices

__all__ = [
    "choice_option",
    "cli",
    "emit",
    "endpoint_options",
    "format_option",
    "graph_options",
    "key_value",
    "limit_options",
    "output_option",
    "password_for",
    "progress_bar",
    "save",
    "seeds_option",
    "silence_stdout",
    "timeout_option",
    "user_option",
]

F = TypeVar("F", bound=Callable[..., Any])


class _Group(click.Group):
    """A group that turns the library's errors into one clear message and a non-zero exit."""

    def invoke(self, ctx: click.Context) -> Any:
        from graph.errors import AidgraphWarning
        from loaders.errors import AidgraphError, FactError
        from loaders.text import printable

        with warnings.catch_warnings():
            warnings.simplefilter("once", AidgraphWarning)
            warnings.showwarning = _show_warning
            try:
                return super().invoke(ctx)
            except FactError as err:
                for problem in err.problems:
                    click.echo(printable(str(problem)), err=True)
                count = len(err.problems)
                raise click.ClickException(
                    f"{count} problem{'s' * (count != 1)} in the facts; nothing was written"
                ) from None
            except AidgraphError as err:
                raise click.ClickException(printable(str(err))) from None


_python_showwarning = warnings.showwarning


def _show_warning(message: Warning | str, category: type[Warning], *args: Any, **kwargs: Any) -> None:
    """The library's own warnings as one line on stderr; others as Python shows them."""
    from graph.errors import AidgraphWarning
    from loaders.text import printable

    if issubclass(category, AidgraphWarning):
        click.echo(f"Warning: {printable(str(message))}", err=True)
    else:
        _python_showwarning(message, category, *args, **kwargs)


@click.group(
    cls=_Group,
    context_settings={"help_option_names": ["-h", "--help"]},
    invoke_without_command=True,
    no_args_is_help=False,
)
@click.version_option(package_name="aidgraph", prog_name="aidgraph")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """aidgraph: a knowledge graph of US–Mexico cooperation on Central American migration.

    Build the graph from curated YAML facts, check them against their sources, ask it questions,
    rank its actors, total its money, draw it and export it.

    \b
    Examples:
      aidgraph build                      # seeds/ -> build/, with a summary
      aidgraph check --corpus ../shared/corpus
      aidgraph queries                    # the library of named questions
      aidgraph query --named pledges
      aidgraph flows --by donor
      aidgraph export --format jsonld -o graph.jsonld

    Shell completion (commands, options, named queries):
    eval "$(_AIDGRAPH_COMPLETE=bash_source aidgraph)"  (zsh_source, fish_source for other shells)
    """
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


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
    """``--corpus DIR``: the articles the quotes come from (``$AIDGRAPH_CORPUS``, else ``../shared/corpus``)."""
    return click.option(
        "--corpus",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        envvar="AIDGRAPH_CORPUS",
        default=_default_corpus,
        show_default="../shared/corpus if present",
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


def graph_options(func: F) -> F:
    """``--seeds``, ``--build-dir`` and ``--corpus``: where the graph comes from."""
    return seeds_option(build_dir_option(corpus_option(func)))


def endpoint_options(func: F) -> F:
    """``--endpoint URL`` and ``--graph IRI``: ask a SPARQL 1.1 server instead of the embedded store."""
    func = click.option(
        "--graph",
        "graph_iri",
        metavar="IRI",
        help="With --endpoint: the named graph to read as default (where `aidgraph push` put it).",
    )(func)
    return click.option("--endpoint", metavar="URL", help="Ask this SPARQL 1.1 query URL instead.")(func)


def limit_options(func: F) -> F:
    """``--timeout SECONDS`` and ``--memory-limit MB`` for a query on the embedded engines."""
    func = click.option(
        "--memory-limit",
        type=click.IntRange(64, 1_048_576),
        default=choices.QUERY_MEGABYTES,
        show_default=True,
        metavar="MB",
        help="Stop a query that needs more memory than this.",
    )(func)
    return timeout_option(choices.QUERY_SECONDS, "Stop a query after this long.")(func)


def timeout_option(default: float, help: str) -> Callable[[F], F]:
    """``--timeout SECONDS``: a real number of seconds, more than 0 and at most a day (not inf, not nan)."""
    return click.option(
        "--timeout",
        type=click.FloatRange(min=0, max=86_400, min_open=True),
        callback=_finite,
        default=default,
        show_default=True,
        metavar="SECONDS",
        help=help,
    )


def choice_option(*names: str, options: tuple[str, ...], default: str | None, help: str) -> Callable[[F], F]:
    """An option offering ``options`` (a tuple of :mod:`graph.choices`), with its default shown."""
    return click.option(*names, type=click.Choice(options), default=default, show_default=default is not None, help=help)


def format_option(formats: tuple[str, ...] = choices.RESULT_FORMATS, default: str = "table") -> Callable[[F], F]:
    """``--format`` offering ``formats`` (the result formats unless told otherwise)."""
    return choice_option("--format", "fmt", options=formats, default=default, help="Output format.")


def output_option(
    *names: str, default: Path | None = None, help: str = "File to write ('-' for standard output)."
) -> Callable[[F], F]:
    """``-o/--output FILE`` (or ``names``): where to write; ``-`` (or nothing, without a default) is stdout."""
    return click.option(
        *(names or ("-o", "--output")),
        type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
        default=default,
        show_default=default is not None,
        help=help,
    )


def save(output: Path | None, data: bytes, *, what: str = "", protect: Path | None = None, force: bool = False) -> None:
    """Write ``data`` to ``output`` (standard output for None or ``-``) and say so on stderr."""
    if output is None or str(output) == "-":
        emit(data)
        return
    from graph.files import write_output

    write_output(output, data, protect=protect, force=force)
    click.echo(f"Wrote {output}" + (f": {what}" if what else ""), err=True)


def emit(data: bytes) -> None:
    """Write ``data`` to standard output; a full disk or a closed pipe is one clear line."""
    from loaders.errors import AidgraphError

    try:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()
        sys.exit(1)
    except OSError as err:
        silence_stdout()
        raise AidgraphError(f"cannot write to standard output: {err.strerror or err}") from None


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


def user_option(func: F) -> F:
    """``--user NAME``: log in to the server as NAME (password: $AIDGRAPH_PASSWORD or a prompt)."""
    return click.option(
        "--user",
        metavar="NAME",
        help="Log in as NAME (HTTP Basic or Digest); the password comes from AIDGRAPH_PASSWORD or a prompt.",
    )(func)


def password_for(user: str | None) -> str | None:
    """The password for ``--user``: ``$AIDGRAPH_PASSWORD``, else asked on a terminal (never echoed).

    Returns None when no user is named or stdin is not a terminal; the library then looks in
    ``~/.netrc`` and says what is missing.
    """
    from graph.auth import PASSWORD_VARIABLE

    if user is None or os.environ.get(PASSWORD_VARIABLE) is not None:
        return None
    if not _interactive():
        return None
    return click.prompt(f"Password for {user}", hide_input=True, err=True)


def _interactive() -> bool:
    """True when a person can be asked: stdin is a terminal."""
    return sys.stdin.isatty()


def key_value(text: str) -> tuple[str, str]:
    """``KEY=VALUE`` of a ``--param``; bytes the locale could not decode are read as UTF-8."""
    key, sep, value = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace").partition("=")
    if not sep or not key:
        raise click.BadParameter(f"{text!r} is not KEY=VALUE", param_hint="--param")
    return key, value


def _finite(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    if value is not None and math.isnan(value):
        raise click.BadParameter("nan is not a number of seconds")
    return value


def _default_corpus() -> Path | None:
    """The project's corpus beside it, when there is one (``../shared/corpus``).

    ``AIDGRAPH_CORPUS`` set to nothing means: no corpus.
    """
    if os.environ.get("AIDGRAPH_CORPUS") == "":
        return None
    beside = Path("..") / "shared" / "corpus"
    return beside if beside.is_dir() else None


def silence_stdout() -> None:
    """Point standard output at /dev/null so the interpreter's last flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
