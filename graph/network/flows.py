"""Funding totals by donor, recipient, program or year, without double counting.

Only pledges that are part of no other pledge are summed, so an amount announced together with
its portions counts once; totals are kept per currency, so a pledge in another currency is never
added to USD. A sum announced for several recipients together is reported under the joint
recipient ("A + B").

Examples
--------
>>> from pathlib import Path
>>> from graph.store import open_store
>>> rows = flow_totals(open_store(Path("seeds")), by="donor")
>>> [(r.key, r.currency, r.total) for r in rows]
[('Mexico', 'USD', Decimal('30000000000')), ('United States', 'USD', Decimal('8550000000')), ('U.S. International Development Finance Corporation', 'USD', Decimal('5000000000'))]
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pyoxigraph as ox

from graph.choices import FLOW_KEYS, require
from graph.errors import AnalysisError
from graph.network.projections import top_level_pledges
from loaders.values import plain_decimal

__all__ = ["FlowTotal", "flow_totals"]


@dataclass(frozen=True)
class FlowTotal:
    """The money of one donor, recipient, program or year in one currency."""

    key: str
    currency: str
    total: Decimal
    pledges: int


def flow_totals(store: ox.Store, *, by: str = "donor") -> list[FlowTotal]:
    """Totals of top-level pledges grouped ``by`` donor, recipient, program or year, per currency."""
    require(by, FLOW_KEYS, what="grouping", error=AnalysisError)
    totals: dict[tuple[str, str], list[Any]] = defaultdict(lambda: [Decimal(0), 0])
    for pledge in top_level_pledges(store):
        group = totals[(_key(pledge, by), pledge["currency"])]
        group[0] += pledge["amount"]
        group[1] += 1
    rows = [FlowTotal(key, currency, plain_decimal(total), count) for (key, currency), (total, count) in totals.items()]
    return sorted(rows, key=lambda r: (r.currency != "USD", r.currency, -r.total, r.key))


def _key(pledge: dict[str, Any], by: str) -> str:
    if by == "donor":
        return pledge["donor"][1]
    if by == "program":
        return pledge["program"][1] if pledge["program"] else "(no program named)"
    if by == "year":
        return pledge["year"] or "(undated)"
    labels = sorted(label for _, label, _ in pledge["recipients"])
    return " + ".join(labels) if labels else "(recipient not stated)"
