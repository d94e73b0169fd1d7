"""A short summary of a built graph: triples, entities by class, pledges and their totals.

Totals count only pledges that are part of no other pledge, per currency, so an amount announced
together with its portions is never counted twice.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import Graph
from rdflib.namespace import RDF

from loaders.values import plain_decimal
from ontology import AG

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
        totals = "; ".join(f"{currency} {amount:,.0f}" for currency, amount in sorted(self.totals.items()))
        return [
            f"{self.triples} triples",
            f"entities: {counts}",
            f"pledges: {self.pledges} ({self.top_level_pledges} not part of another), total {totals or 'none'}",
        ]


def summarize(graph: Graph) -> Summary:
    """Count the entities of each class and total the top-level pledges by currency.

    Examples
    --------
    >>> from rdflib import Literal, URIRef
    >>> g = Graph()
    >>> p = URIRef("urn:p")
    >>> _ = g.add((p, RDF.type, AG.Pledge)).add((p, AG.amount, Literal(Decimal(5)))).add((p, AG.currency, Literal("USD")))
    >>> summarize(g).totals
    {'USD': Decimal('5')}
    """
    entities = Counter({noun: 0 for _, noun in CLASS_ORDER})
    for name, noun in CLASS_ORDER:
        entities[noun] = sum(1 for _ in graph.subjects(RDF.type, AG[name]))
    pledges = list(graph.subjects(RDF.type, AG.Pledge))
    top_level = [p for p in pledges if graph.value(p, AG.partOf) is None]
    totals: dict[str, Decimal] = {}
    for pledge in top_level:
        currency = str(graph.value(pledge, AG.currency))
        amount = graph.value(pledge, AG.amount)
        totals[currency] = totals.get(currency, Decimal(0)) + Decimal(str(amount))
    totals = {currency: plain_decimal(total) for currency, total in totals.items()}
    return Summary(len(graph), dict(entities), len(pledges), len(top_level), totals)
