"""Money totals that add up: the one computation behind ``flows``, the summary and the Sankey.

What is counted, and why:

- **Cross-border money by default.** A pledge's ``ag:scope`` says whether its money leaves the
  donor's country (aid, development finance) or is a plan to spend at home. Domestic plans, and
  pledges whose scope the facts cannot tell, are reported apart only when asked (``include``).
- **Each amount once.** A pledge that is part of another (``ag:partOf``) is inside its whole's
  amount and is never added again.
- **Ranges where overlaps are declared.** An ``ag:Overlap`` groups money facts: a restatement is
  the same money (counted once at both ends); a possible overlap may be the same money, so
  ``high`` counts every fact and ``low`` counts each connected group once, at its largest amount.
  A portion (``partOf``) in such a group is already counted inside its whole, so the group adds
  only what its largest amount exceeds that portion by.
- **Per currency.** Money in another currency is never added to USD.
- **By country or by body.** ``by="donor"`` rolls each agency up to its country (``ag:agencyOf``),
  so the money of the DFC, OPIC and the United States meets in one total and their overlaps
  collapse; ``by="body"`` lists each body apart.

Overlaps are applied within each total: a group whose facts fall under different keys does not
collapse any one of them.

Examples
--------
>>> from pathlib import Path
>>> from graph.store import open_store
>>> rows = flow_totals(open_store(Path("seeds")), by="donor")
>>> [(r.key, r.currency, r.low, r.high) for r in rows]
[('United States', 'USD', Decimal('7800000000'), Decimal('13550000000'))]
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise
from typing import TYPE_CHECKING, Any, NamedTuple

import pyoxigraph as ox

from graph.choices import FLOW_KEYS, INCLUDABLE_SCOPES, SCOPES, require
from graph.errors import AnalysisError
from graph.query.results import QueryResult, python_value
from graph.query.run import run_query
from loaders.values import plain_decimal
from ontology.prefixes import AG_NS, AID_NS

if TYPE_CHECKING:
    from loaders.facts import FactSet

__all__ = [
    "Collapse",
    "FlowLink",
    "FlowTotal",
    "Money",
    "MoneyFact",
    "OverlapNote",
    "explain_totals",
    "flow_links",
    "flow_table",
    "flow_totals",
    "money_of_facts",
    "money_total",
    "read_money",
]


_UNKNOWN = ("unknown",)
NO_RECIPIENT = "(recipient not stated)"
NO_PROGRAM = "(no program named)"
UNDATED = "(undated)"

Node = tuple[str, str, str]
"""An entity as (id, label, class)."""


class MoneyFact(NamedTuple):
    """One pledge as the totals see it (a named tuple: 100k are made in 0.05 s, frozen dataclasses in 0.19 s)."""

    id: str
    label: str
    amount: Decimal
    currency: str
    qualifier: str
    scope: str
    body: Node
    country: Node
    program: Node | None
    recipients: tuple[Node, ...]
    year: str
    part_of: tuple[str, ...]


@dataclass(frozen=True)
class OverlapNote:
    """A declared overlap between money facts, with the curator's reasoning."""

    id: str
    label: str
    kind: str
    note: str
    facts: tuple[str, ...]


@dataclass(frozen=True)
class Money:
    """Every pledge and overlap of a graph, read once."""

    facts: dict[str, MoneyFact]
    overlaps: tuple[OverlapNote, ...]

    @functools.cached_property
    def overlaps_of(self) -> dict[str, tuple[OverlapNote, ...]]:
        """Fact id → the overlaps that name it, so a total looks only at its own facts' overlaps."""
        found: dict[str, list[OverlapNote]] = defaultdict(list)
        for overlap in self.overlaps:
            for fact in overlap.facts:
                found[fact].append(overlap)
        return {fact: tuple(overlaps) for fact, overlaps in found.items()}


@dataclass(frozen=True)
class Collapse:
    """Money facts of one total that a group of overlaps counts once, and the amount it saves."""

    overlaps: tuple[OverlapNote, ...]
    facts: tuple[str, ...]
    saved: Decimal
    kind: str


@dataclass(frozen=True)
class FlowTotal:
    """The money of one key (donor, body, recipient, program or year) in one currency and scope.

    ``low`` counts each group of possibly overlapping facts once, ``high`` counts them all;
    ``facts`` are the ids of the pledges added (portions of other pledges are not), and
    ``qualifiers`` the hedges of their amounts ("about", "at-least", "up-to").
    """

    key: str
    ids: tuple[str, ...]
    currency: str
    scope: str
    low: Decimal
    high: Decimal
    facts: tuple[str, ...]
    qualifiers: tuple[str, ...] = ()
    collapsed: tuple[Collapse, ...] = field(default=())

    @property
    def pledges(self) -> int:
        """How many pledges the total adds."""
        return len(self.facts)

    def amount_text(self) -> str:
        """``low – high`` when they differ, else the one amount, with thousands separators."""
        return f"{self.low:,}" if self.low == self.high else f"{self.low:,} – {self.high:,}"

    def qualifier_text(self) -> str:
        """'includes "about", "more than" figures', or '' when every amount is exact."""
        words = [_HEDGES[q] for q in self.qualifiers]
        return f"includes {', '.join(words)} figures" if words else ""


@dataclass(frozen=True)
class FlowLink:
    """Money flowing along one step of donor body → program → recipient, in one currency and scope."""

    source: Node
    target: Node
    total: FlowTotal


def read_money(store: ox.Store) -> Money:
    """Read every pledge (with donor, its country, recipients, program, year, scope) and overlap."""
    facts: dict[str, dict[str, Any]] = {}
    for row in _rows(store, _PLEDGE_QUERY):
        body = (row["body"], row["bodyLabel"], row["bodyClass"])
        country = (row["country"], row["countryLabel"], "Country") if row["country"] else body
        facts[row["id"]] = {
            "id": row["id"],
            "label": row["label"],
            "amount": plain_decimal(row["amount"]),
            "currency": row["currency"],
            "qualifier": row["qualifier"] or "exact",
            "scope": row["scope"] or "unknown",
            "body": body,
            "country": country,
            "program": (row["program"], row["programLabel"], row["programClass"]) if row["program"] else None,
            "recipients": [],
            "year": row["year"] or "",
            "part_of": [],
        }
    for row in _rows(store, _RECIPIENT_QUERY):
        if row["id"] in facts:
            facts[row["id"]]["recipients"].append((row["recipient"], row["label"], row["class"]))
    for row in _rows(store, _PART_QUERY):
        if row["id"] in facts and row["whole"] in facts:
            facts[row["id"]]["part_of"].append(row["whole"])
    overlaps: dict[str, dict[str, Any]] = {}
    for row in _rows(store, _OVERLAP_QUERY):
        overlap = overlaps.setdefault(
            row["id"], {"id": row["id"], "label": row["label"], "kind": row["kind"], "note": row["note"], "facts": []}
        )
        if row["fact"] in facts:
            overlap["facts"].append(row["fact"])
    return Money(
        {
            key: MoneyFact(
                **{**f, "recipients": tuple(sorted(f["recipients"])), "part_of": tuple(sorted(f["part_of"]))}
            )
            for key, f in sorted(facts.items())
        },
        tuple(OverlapNote(**{**o, "facts": tuple(sorted(o["facts"]))}) for _, o in sorted(overlaps.items())),
    )


def money_of_facts(facts: FactSet) -> Money:
    """The money of ``facts`` exactly as :func:`read_money` reads it from the graph built of them.

    ``aidgraph build`` has the facts in memory and its summary needs their totals: read back
    from the store, 100k pledges take 14 s, taken from the facts a fraction of a second.
    ``tests/test_money.py`` proves both readings equal on the seeds and on a generated set.
    """
    from loaders.rdf import CLASSES
    from loaders.records import Agency, Overlap, Pledge

    records, scopes = facts.records, facts.scopes
    nodes: dict[str, Node] = {}  # only the donors, programs and recipients, each made once

    def node(record_id: str) -> Node:
        found = nodes.get(record_id)
        if found is None:
            record = records[record_id]
            found = nodes[record_id] = (record_id, record.label, CLASSES[record.kind].removeprefix(AG_NS))
        return found

    countries: dict[str, Node] = {}  # each donor's country (the donor itself when it is no agency)

    def country_of(body: Node) -> Node:
        found = countries.get(body[0])
        if found is None:
            donor = records[body[0]]
            country = donor.agency_of if isinstance(donor, Agency) else None
            found = countries[body[0]] = (country, records[country].label, "Country") if country else body
        return found

    money = {}
    for pledge_id, pledge in sorted((i, r) for i, r in records.items() if isinstance(r, Pledge)):
        body = node(pledge.pledged_by)
        recipients = pledge.recipient
        money[pledge_id] = MoneyFact(
            pledge_id,
            pledge.label,
            plain_decimal(pledge.amount),
            pledge.currency,
            pledge.qualifier,
            scopes.get(pledge_id, _UNKNOWN)[0],  # a stated scope is in facts.scopes too
            body,
            country_of(body),
            node(pledge.for_program) if pledge.for_program else None,
            # the common cases (one recipient, not a portion) without building a set to sort
            (node(recipients[0]),) if len(recipients) == 1 else tuple(sorted({node(r) for r in recipients})),
            (pledge.announced_on or "")[:4],
            tuple(sorted(set(pledge.part_of))) if pledge.part_of else (),
        )
    overlaps = tuple(
        OverlapNote(r.id, r.label, r.relation, r.note, tuple(sorted(set(r.facts))))
        for _, r in sorted((i, r) for i, r in records.items() if isinstance(r, Overlap))
    )
    return Money(money, overlaps)


def flow_totals(
    store: ox.Store | Money, *, by: str = "donor", include: Iterable[str] = ()
) -> list[FlowTotal]:
    """Totals of the money grouped ``by`` a key, per currency and scope, as ranges.

    Parameters
    ----------
    store
        The graph's store (or money already read from it with :func:`read_money`).
    by
        ``donor`` (each body rolled up to its country), ``body``, ``recipient``, ``program`` or ``year``.
    include
        Scopes counted besides cross-border money: ``domestic``, ``unknown``. Each scope is
        totalled apart, never added to another.

    Raises
    ------
    AnalysisError
        For an unknown key or scope.
    """
    require(by, FLOW_KEYS, what="grouping", error=AnalysisError)
    return _totals(_money(store), _KEYS[by], _scopes(include))


def money_total(store: ox.Store | Money, *, include: Iterable[str] = SCOPES) -> list[FlowTotal]:
    """One total per currency and scope (key ``all``): what ``aidgraph build`` reports."""
    return _totals(_money(store), lambda fact: ("all", ("all",)), _scopes(include))


def flow_links(store: ox.Store | Money, *, include: Iterable[str] = ()) -> list[FlowLink]:
    """The steps money takes, donor body → (program →) recipient, each with its total.

    Money with no stated recipient flows to a node ``(recipient not stated)`` (class ``Not
    stated``); a sum announced for several recipients together flows to one joint node ("A + B").
    Portions of other pledges are not drawn: their money flows with their wholes.
    """
    money = _money(store)
    scopes = _scopes(include)
    steps: dict[tuple[Node, Node, str, str], list[str]] = defaultdict(list)
    for fact in money.facts.values():
        if fact.part_of or fact.scope not in scopes:
            continue
        path = [fact.body, *([fact.program] if fact.program else []), _recipient_node(fact)]
        for source, target in pairwise(path):
            steps[(source, target, fact.scope, fact.currency)].append(fact.id)
    return [
        FlowLink(source, target, _one_total("", (), currency, scope, [money.facts[i] for i in ids], money))
        for (source, target, scope, currency), ids in sorted(steps.items())
    ]


def flow_table(totals: list[FlowTotal], *, by: str, table: bool = False) -> QueryResult:
    """Totals as a table to render: ``key,currency,low,high,facts,scope,qualifiers`` (CSV, JSON),
    or, for people, the key named by ``by`` and one ``total`` column showing ``low – high``."""
    if table:
        header = [by, "currency", "total", "facts", "scope", "figures"]
        rows = [(t.key, t.currency, t.amount_text(), t.pledges, t.scope, t.qualifier_text()) for t in totals]
    else:
        header = ["key", "currency", "low", "high", "facts", "scope", "qualifiers"]
        rows = [(t.key, t.currency, t.low, t.high, t.pledges, t.scope, " ".join(t.qualifiers)) for t in totals]
    return QueryResult.from_records(header, rows)


def explain_totals(money: Money, totals: list[FlowTotal]) -> list[str]:
    """Under each total, the facts it adds and the overlaps it collapsed, with their notes."""
    lines = []
    for total in totals:
        hedge = f", {total.qualifier_text()}" if total.qualifiers else ""
        lines.append(f"{total.key} ({total.currency}, {total.scope}): {total.amount_text()}{hedge}")
        for fact_id in total.facts:
            fact = money.facts[fact_id]
            qualifier = f" ({_HEDGES[fact.qualifier]})" if fact.qualifier in _HEDGES else ""
            lines.append(f"  + {fact.amount:,}{qualifier} {fact_id}: {fact.label}")
        for collapse in total.collapsed:
            kind = collapse.kind.replace("-", " ")
            lines.append(f"  - {collapse.saved:,} collapsed ({kind}): {', '.join(collapse.facts)}")
            lines.extend(f"      {o.id}: {o.note}" for o in collapse.overlaps)
    return lines


# -- computing ---------------------------------------------------------------------------------


def _totals(
    money: Money, key: Callable[[MoneyFact], tuple[str, tuple[str, ...]]], scopes: tuple[str, ...]
) -> list[FlowTotal]:
    groups: dict[tuple[str, tuple[str, ...], str, str], list[MoneyFact]] = defaultdict(list)
    for fact in money.facts.values():
        if fact.scope in scopes:
            label, ids = key(fact)
            groups[(label, ids, fact.currency, fact.scope)].append(fact)
    rows = [
        _one_total(label, ids, currency, scope, facts, money)
        for (label, ids, currency, scope), facts in groups.items()
        if any(not f.part_of for f in facts)
    ]
    return sorted(rows, key=lambda r: (r.currency != "USD", r.currency, SCOPES.index(r.scope), -r.high, r.key))


def _one_total(
    key: str, ids: tuple[str, ...], currency: str, scope: str, facts: list[MoneyFact], money: Money
) -> FlowTotal:
    """Low and high of one group of facts: portions dropped, restatements merged, overlaps collapsed."""
    here = {f.id: f for f in facts}
    counted = sorted(f.id for f in facts if not f.part_of)
    counted_set = set(counted)
    # A portion stands for money counted elsewhere in this total when all its wholes are here.
    portions = {f.id for f in facts if f.part_of and all(w in here for w in f.part_of)}
    overlaps_of = money.overlaps_of
    overlaps = sorted({o for f in overlaps_of.keys() & here.keys() for o in overlaps_of[f]}, key=lambda o: o.id)
    restated = [
        (members[0], other)
        for overlap in overlaps
        if overlap.kind == "restatement"
        for members in [[m for m in overlap.facts if m in counted_set]]
        for other in members[1:]
    ]
    # Most facts are in no overlap: each is a unit of its own, and only linked ones form groups.
    unit_groups = _linked(restated)
    unit_of = {member: root for root, group in unit_groups.items() for member in group}
    collapses: list[Collapse] = []
    unit_amount = {root: max(here[m].amount for m in group) for root, group in unit_groups.items()}
    unit_amount |= {item: here[item].amount for item in counted if item not in unit_of}
    for root, group in sorted(unit_groups.items()):
        if len(group) > 1:
            saved = sum((here[m].amount for m in group), Decimal(0)) - unit_amount[root]
            notes = tuple(o for o in overlaps if o.kind == "restatement" and set(o.facts) & set(group))
            collapses.append(Collapse(notes, tuple(group), plain_decimal(saved), "restatement"))
    high = sum(unit_amount.values(), Decimal(0))
    # Possible overlaps join units (and portions) into groups counted once at their largest amount.
    possible: dict[str, list[OverlapNote]] = defaultdict(list)
    joined: list[tuple[str, str]] = []
    for overlap in overlaps:
        members = [unit_of.get(m, m) for m in overlap.facts if m in counted_set or m in portions]
        if overlap.kind == "possible-overlap" and len(set(members)) > 1:
            possible[members[0]].append(overlap)
            joined.extend((members[0], other) for other in members[1:])
    low = high
    for _root, group in sorted(_linked(joined).items()):
        if len(group) < 2:
            continue
        held = [g for g in group if g in unit_amount]
        # A portion whose whole is in the group is inside the group's money; one whose wholes are
        # elsewhere in this total is already counted there, so the group adds only the excess.
        elsewhere = [
            here[g].amount
            for g in group
            if g in portions and not any(w in counted_set and unit_of.get(w, w) in held for w in here[g].part_of)
        ]
        largest = max((unit_amount[g] for g in held), default=Decimal(0))
        adds = max(Decimal(0), largest - max(elsewhere, default=Decimal(0)))
        saved = sum((unit_amount[g] for g in held), Decimal(0)) - adds
        low -= saved
        notes = tuple(sorted((o for g in group for o in possible.get(g, ())), key=lambda o: o.id))
        members = tuple(sorted(m for g in group for m in unit_groups.get(g, [g])))
        collapses.append(Collapse(notes, members, plain_decimal(saved), "possible-overlap"))
    # The low end leans on the amounts of collapsed portions too: their hedges count.
    used = {*counted, *(m for c in collapses if c.saved for m in c.facts if m in here)}
    qualifiers = sorted({here[f].qualifier for f in used} - {"exact"}, key=list(_HEDGES).index)
    return FlowTotal(
        key,
        ids,
        currency,
        scope,
        plain_decimal(low),
        plain_decimal(high),
        tuple(counted),
        tuple(qualifiers),
        tuple(c for c in collapses if c.saved or c.kind == "restatement"),
    )


def _linked(links: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """The groups ``links`` join (networkx's union-find), each sorted, keyed by its smallest id."""
    import networkx as nx

    joined = nx.utils.UnionFind()
    for a, b in links:
        joined.union(a, b)
    return {min(group): sorted(group) for group in joined.to_sets()}


def _money(store: ox.Store | Money) -> Money:
    return store if isinstance(store, Money) else read_money(store)


def _scopes(include: Iterable[str]) -> tuple[str, ...]:
    extra = tuple(include)
    for scope in extra:
        if scope != "cross-border":  # always counted; naming it changes nothing
            require(scope, INCLUDABLE_SCOPES, what="scope to include", error=AnalysisError)
    return tuple(s for s in SCOPES if s == "cross-border" or s in extra)


def _recipient_node(fact: MoneyFact) -> Node:
    if not fact.recipients:
        return (NO_RECIPIENT, NO_RECIPIENT, "Not stated")
    if len(fact.recipients) == 1:
        return fact.recipients[0]
    return (
        " + ".join(r[0] for r in fact.recipients),
        " + ".join(r[1] for r in fact.recipients),
        "Joint recipients",
    )


def _recipient_key(fact: MoneyFact) -> tuple[str, tuple[str, ...]]:
    if not fact.recipients:
        return NO_RECIPIENT, ()
    return " + ".join(sorted(r[1] for r in fact.recipients)), tuple(r[0] for r in fact.recipients)


_KEYS: dict[str, Callable[[MoneyFact], tuple[str, tuple[str, ...]]]] = {
    "donor": lambda f: (f.country[1], (f.country[0],)),
    "body": lambda f: (f.body[1], (f.body[0],)),
    "recipient": _recipient_key,
    "program": lambda f: (f.program[1], (f.program[0],)) if f.program else (NO_PROGRAM, ()),
    "year": lambda f: (f.year or UNDATED, ()),
}

_HEDGES = {"about": '"about"', "at-least": '"more than"', "up-to": '"up to"'}


# -- reading -----------------------------------------------------------------------------------


def _rows(store: ox.Store, text: str) -> list[dict[str, Any]]:
    """Rows of a money query: entity IRIs as ids, other values as Python values."""
    result = run_query(store, text, limits=None)
    return [
        {
            name: term.value.removeprefix(AID_NS) if isinstance(term, ox.NamedNode) else python_value(term)
            for name, term in zip(result.variables, row, strict=True)
        }
        for row in result.rows
    ]


# Each pattern over every pledge sits in a sub-SELECT of its own, so that Oxigraph evaluates it
# once and hash-joins the results: written as one group of patterns, the same rows took 17 s at
# 100k pledges, so written 8.5 s (tests/test_money.py compares the two on the seeds, a
# generated set and cases made to tell them apart).
_TYPED = "?{x} a ?{x}Type FILTER(STRSTARTS(STR(?{x}Type), STR(ag:))) BIND(STRAFTER(STR(?{x}Type), STR(ag:)) AS ?{x}Class)"
_PLEDGE_QUERY = f"""
SELECT ?id ?label ?amount ?currency ?qualifier ?scope ?year ?body ?bodyLabel ?bodyClass
       ?country ?countryLabel ?program ?programLabel ?programClass WHERE {{
  {{ SELECT ?id WHERE {{ ?id a ag:Pledge }} }}
  {{ SELECT ?id ?label WHERE {{ ?id rdfs:label ?label }} }}
  {{ SELECT ?id ?amount WHERE {{ ?id ag:amount ?amount }} }}
  {{ SELECT ?id ?currency WHERE {{ ?id ag:currency ?currency }} }}
  {{ SELECT ?id ?body WHERE {{ ?id ag:pledgedBy ?body }} }}
  {{ SELECT ?body ?bodyLabel WHERE {{ ?body rdfs:label ?bodyLabel }} }}
  {{ SELECT ?body ?bodyClass WHERE {{ {_TYPED.format(x="body")} }} }}
  OPTIONAL {{ SELECT ?id ?qualifier WHERE {{ ?id ag:amountQualifier/skos:notation ?qualifier }} }}
  OPTIONAL {{ SELECT ?id ?scope WHERE {{ ?id ag:scope/skos:notation ?scope }} }}
  OPTIONAL {{ SELECT ?body ?country ?countryLabel WHERE {{ ?body ag:agencyOf ?country . ?country rdfs:label ?countryLabel }} }}
  OPTIONAL {{
    SELECT ?id ?program ?programLabel ?programClass
    WHERE {{ ?id ag:forProgram ?program . ?program rdfs:label ?programLabel . {_TYPED.format(x="program")} }}
  }}
  OPTIONAL {{ SELECT ?id ?on WHERE {{ ?id ag:announcedOn ?on }} }}
  BIND(SUBSTR(STR(?on), 1, 4) AS ?year)
}}"""
_RECIPIENT_QUERY = f"""
SELECT ?id ?recipient ?label ?class WHERE {{
  {{ SELECT ?id WHERE {{ ?id a ag:Pledge }} }}
  {{ SELECT ?id ?recipient WHERE {{ ?id ag:recipient ?recipient }} }}
  {{ SELECT ?recipient ?label WHERE {{ ?recipient rdfs:label ?label }} }}
  {{ SELECT ?recipient ?class WHERE {{ {_TYPED.format(x="recipient")} BIND(?recipientClass AS ?class) }} }}
}}"""
_PART_QUERY = "SELECT ?id ?whole WHERE { ?id a ag:Pledge ; ag:partOf ?whole }"
_OVERLAP_QUERY = """
SELECT ?id ?label ?kind ?note ?fact WHERE {
  ?id a ag:Overlap ; rdfs:label ?label ; ag:overlapKind/skos:notation ?kind ; ag:overlapOf ?fact .
  OPTIONAL { ?id skos:note ?note }
}"""
