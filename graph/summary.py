"""A short summary of a built graph: triples, entities by class, pledges and their totals.

Totals count only pledges that are part of no other pledge, per currency, so an amount announced
together with its portions is never counted twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pyoxigraph as ox

from graph.query.run import run_query
from loaders.values import plain_decimal

__all__ = ["CLASS_ORDER", "Summary", "summarize"]

CLASS_ORDER = [
    ("Country", "countries"),
    ("Region", "regions"),
    ("Agency", "agencies"),
    ("Organization", "organizations"),
    ("Person", "people"),
    ("Program", "programs"),
    ("Policy", "policies"),
    ("Pledge", "pledges"),
    ("Statistic", "statistics"),
    ("SourceDocument", "sources"),
    ("Evidence", "quotes"),
]
"""Ontology class → plural noun, in the order the summary lists them."""


@dataclass
class Summary:
    """Counts of a built graph."""

    triples: int
    entities: dict[str, int]
    pledges: int
    top_level_pledges: int
    totals: dict[str, Decimal] = field(default_factory=dict)

    def lines(self) -> list[str]:
        """The summary as the lines ``aidgraph build`` prints."""
        counts = ", ".join(f"{n} {noun}" for noun, n in self.entities.items())
        totals = "; ".join(f"{currency} {amount:,}" for currency, amount in sorted(self.totals.items()))
        return [
            f"{self.triples} triples",
            f"entities: {counts}",
            f"pledges: {self.pledges} ({self.top_level_pledges} not part of another), total {totals or 'none'}",
        ]


def summarize(store: ox.Store) -> Summary:
    """Count the entities of each class and total the top-level pledges by currency.

    Examples
    --------
    >>> store = ox.Store()
    >>> store.load(b'<urn:p> a <https://w3id.org/aidgraph/ontology#Pledge> ; '
    ...     b'<https://w3id.org/aidgraph/ontology#amount> 5.0 ; '
    ...     b'<https://w3id.org/aidgraph/ontology#currency> "USD" .', format=ox.RdfFormat.TURTLE)
    >>> summarize(store).totals
    {'USD': Decimal('5')}
    """
    counts = {row["class"]: row["n"] for row in run_query(store, _COUNTS, limits=None).records()}
    entities = {noun: counts.get(name, 0) for name, noun in CLASS_ORDER}
    totals = {row["currency"]: plain_decimal(row["total"]) for row in run_query(store, _TOTALS, limits=None).records()}
    pledges = run_query(store, _PLEDGES, limits=None).records()[0]
    triples = run_query(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", limits=None).records()[0]["n"]
    return Summary(triples, entities, pledges["all"], pledges["top"], totals)


_COUNTS = """
SELECT ?class (COUNT(?x) AS ?n) WHERE { ?x a ?type . FILTER(STRSTARTS(STR(?type), STR(ag:)))
  BIND(STRAFTER(STR(?type), STR(ag:)) AS ?class) } GROUP BY ?class"""
_TOTALS = """
SELECT ?currency (SUM(?amount) AS ?total) WHERE { ?p a ag:Pledge ; ag:amount ?amount ; ag:currency ?currency .
  FILTER NOT EXISTS { ?p ag:partOf ?whole } } GROUP BY ?currency"""
_PLEDGES = """
SELECT (COUNT(?p) AS ?all) (SUM(IF(BOUND(?whole), 0, 1)) AS ?top) WHERE { ?p a ag:Pledge
  OPTIONAL { ?p ag:partOf ?whole } }"""
