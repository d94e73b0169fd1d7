"""Errors of the graph layer, under the project's one root :class:`loaders.errors.AidgraphError`."""

from __future__ import annotations

from loaders.errors import AidgraphError

__all__ = ["AidgraphError", "AidgraphWarning", "AnalysisError", "EndpointError", "FormatError", "QueryError"]


class QueryError(AidgraphError):
    """A query that cannot run: bad syntax, refused for safety, unknown name, missing parameter, timeout."""


class AnalysisError(AidgraphError):
    """A network analysis that cannot run: unknown metric or projection, empty graph, no convergence."""


class EndpointError(AidgraphError):
    """A remote SPARQL server that is unreachable, slow, or answers with an error or garbage."""


class AidgraphWarning(UserWarning):
    """Something the user should know that does not stop the command (printed once on stderr)."""


class FormatError(AidgraphError):
    """An export or projection format that does not exist."""
