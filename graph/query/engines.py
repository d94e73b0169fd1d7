"""rdflib's engine behind Oxigraph's query interface (``--store memory``).

Every command works on an object with ``query(text, prefixes=…, substitutions=…)`` that answers
with Oxigraph's own result types; :class:`RdflibStore` gives an rdflib graph that interface, so
tables, CSV and JSON come out the same whichever engine answered.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox

from graph.errors import QueryError
from graph.query.sparql import inline_bindings

__all__ = ["RdflibStore", "with_values"]

class RdflibStore:
    """An rdflib graph that answers queries like an Oxigraph store, with rdflib's own engine."""

    def __init__(self, graph: Any) -> None:
        self.graph = graph

    def query(
        self,
        query: str,
        *,
        prefixes: Mapping[str, str] | None = None,
        substitutions: Mapping[ox.Variable, Any] | None = None,
    ) -> Any:
        text = with_values(query, substitutions)
        try:
            result = self.graph.query(text, initNs=dict(prefixes or {}))
            if result.type in ("CONSTRUCT", "DESCRIBE"):
                data = result.graph.serialize(format="nt", encoding="utf-8")
                return list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
            data = result.serialize(format="json")
        except QueryError:
            raise
        except Exception as err:  # noqa: BLE001 - rdflib raises pyparsing and engine errors of many kinds
            raise QueryError(f"rdflib could not run the query: {' '.join(str(err).split())}") from None
        return ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)


def with_values(query: str, substitutions: Mapping[ox.Variable, Any] | None) -> str:
    """Oxigraph-style substitutions, for an engine without them: a VALUES block in the query."""
    return inline_bindings(query, {variable.value: term for variable, term in (substitutions or {}).items()})
