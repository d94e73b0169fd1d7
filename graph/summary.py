"""A short summary of a built graph: triples, entities by class, pledges and their totals.

The money totals come from :func:`graph.network.flows.money_total`, the one computation of
totals: cross-border money as a range (possible overlaps counted once at the low end, every fact
at the high end), domestic plans and money of unknown scope apart, each currency apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

import pyoxigraph as ox

from graph.counts import Counts, count_store
from graph.network.flows import FlowTotal, money_of_facts, money_total
from graph.query.run import run_query
from loaders.facts import collector_paused

if TYPE_CHECKING:
    from loaders.facts import FactSet

__all__ = ["CLASS_ORDER", "PledgeMoney", "Summary", "pledge_money", "summarize", "summary_of"]

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
    ("Event", "events"),
    ("Overlap", "overlaps"),
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
    money: list[FlowTotal] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, tuple[Decimal, Decimal]]:
        """Cross-border money per currency as (low, high)."""
        return {t.currency: (t.low, t.high) for t in self.money if t.scope == "cross-border"}

    def lines(self) -> list[str]:
        """The summary as the lines ``aidgraph build`` prints."""
        counts = ", ".join(f"{n} {noun}" for noun, n in self.entities.items())
        lines = [
            f"{self.triples} triples",
            f"entities: {counts}",
            f"pledges: {self.pledges} ({self.top_level_pledges} not part of another)",
        ]
        for scope, title in _SCOPE_TITLES.items():
            rows = [t for t in self.money if t.scope == scope]
            if rows or scope == "cross-border":
                amounts = "; ".join(
                    f"{t.currency} {t.amount_text()}" + (f" ({t.qualifier_text()})" if t.qualifiers else "")
                    for t in rows
                )
                lines.append(f"{title}: {amounts or 'none'}")
        return lines


@dataclass(frozen=True)
class PledgeMoney:
    """How many pledges there are, how many are part of no other, and their money's totals.

    The part of a summary that costs (1.3 s at 100k pledges): a build computes it in a child
    while it writes (see :mod:`graph.background`), and adds the store's counts when they are known.
    """

    pledges: int
    top_level: int
    totals: list[FlowTotal]


def summarize(store: ox.Store) -> Summary:
    """Count the entities of each class and total the top-level pledges by currency.

    A build has its summary already, made from the facts in memory and the counts it keeps
    (:attr:`graph.BuildResult.summary`: the same figures, where reading the money back from the
    store takes 14 s at 100k pledges and counting it 1.6 s).

    Examples
    --------
    >>> store = ox.Store()
    >>> store.load(b'<urn:p> a <https://w3id.org/aidgraph/ontology#Pledge> ; '
    ...     b'<https://w3id.org/aidgraph/ontology#amount> 5.0 ; '
    ...     b'<https://w3id.org/aidgraph/ontology#currency> "USD" .', format=ox.RdfFormat.TURTLE)
    >>> summarize(store).totals  # a pledge whose scope the facts do not tell is not aid
    {}
    """
    pledges = run_query(store, _PLEDGES, limits=None).records()[0]
    return summary_of(count_store(store), PledgeMoney(pledges["all"], pledges["top"], money_total(store)))


def pledge_money(facts: FactSet) -> PledgeMoney:
    """The pledges of ``facts`` and their totals, as :func:`summarize` reads them from their graph.

    :func:`graph.network.flows.money_of_facts` takes the money from the facts as the graph holds
    it (tests/test_money.py proves the two readings equal); read back from the store, the money of
    100k pledges takes 14 s.
    """
    with collector_paused():  # 100k money facts and their groups, all alive until the totals are done
        money = money_of_facts(facts)
        totals = money_total(money)
    top = sum(1 for fact in money.facts.values() if not fact.part_of)
    return PledgeMoney(len(money.facts), top, totals)


def summary_of(counts: Counts, money: PledgeMoney) -> Summary:
    """The summary of a graph of ``counts`` whose pledges have ``money``."""
    entities = {noun: counts.classes.get(name, 0) for name, noun in CLASS_ORDER}
    return Summary(counts.triples, entities, money.pledges, money.top_level, money.totals)


_SCOPE_TITLES = {
    "cross-border": "money across borders",
    "domestic": "domestic spending plans (not aid, not added)",
    "unknown": "money of unknown scope (not added)",
}


_PLEDGES = """
SELECT (COUNT(?p) AS ?all) (SUM(IF(EXISTS { ?p ag:partOf ?whole }, 0, 1)) AS ?top) WHERE { ?p a ag:Pledge }"""
