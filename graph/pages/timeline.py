"""The timeline page: every dated fact on one interactive time axis.

Pledges, programs and policies (announced, started, ended), figures (their period) and source
publications, grouped by actor or by kind. A vague date is drawn as the span it stands for (a
year, a month), never as an invented day; a full date is a point. Hover shows the label, the
amount where there is one, and a quote with its source. Built with Plotly, self-contained and
offline (see :mod:`graph.pages.plotly`); every string from the data is escaped.

Examples
--------
>>> span("2018")
('2018-01-01', '2019-01-01')
>>> span("2018-12")
('2018-12-01', '2019-01-01')
>>> span("2017-10-26")
('2017-10-26', '2017-10-26')
>>> span("2012/2015")
('2012-01-01', '2016-01-01')
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from graph.choices import TIMELINE_GROUPINGS, require
from graph.errors import AnalysisError
from graph.pages.plotly import figure_page, plot_text
from graph.pages.style import CLASS_STYLES, readable_amount
from graph.query.run import run_query

__all__ = ["TimelineItem", "span", "timeline_items", "timeline_page"]


@dataclass(frozen=True)
class TimelineItem:
    """One dated fact: what happened, when (as written), to what, and the quote behind it."""

    date: str
    event: str
    cls: str
    label: str
    actor: str
    amount: str
    quote: str
    source: str


def span(date: str) -> tuple[str, str]:
    """The interval a partial date stands for: a whole year, a whole month, or one day (a point).

    A period written ``start/end`` runs from the start of the first to the end of the second.
    """
    if "/" in date:
        first, last = date.split("/", 1)
        return span(first)[0], span(last)[1]
    if len(date) == 4:
        return f"{date}-01-01", f"{int(date) + 1}-01-01"
    if len(date) == 7:
        year, month = int(date[:4]), int(date[5:])
        end = f"{year + 1}-01-01" if month == 12 else f"{year}-{month + 1:02d}-01"
        return f"{date}-01", end
    return date, date


def timeline_items(store: ox.Store) -> list[TimelineItem]:
    """Every dated fact of the graph, in date order."""
    result = run_query(store, _ITEMS, limits=None)
    items = []
    for row in result.records():
        amount = ""
        if row["amount"] is not None:
            amount = (
                readable_amount(float(row["amount"]))
                if row["currency"] == "USD"
                else f"{row['currency']} {row['amount']:,}"
            )
        items.append(
            TimelineItem(
                date=row["date"],
                event=row["event"],
                cls=row["class"],
                label=row["label"],
                actor=row["actor"] or "(no actor named)",
                amount=amount,
                quote=row["quote"] or "",
                source=row["source"] or "",
            )
        )
    return sorted(items, key=lambda i: (i.date, i.event, i.label))


def timeline_page(store: ox.Store, *, group_by: str = "kind", title: str = "aidgraph: timeline") -> str:
    """The HTML page of the timeline, one row per kind of fact or per actor.

    A fact's actor is its donor, else the administration behind it, else who announced it, else
    who carries it out; a source's is its outlet.
    """
    import plotly.graph_objects as go

    require(group_by, TIMELINE_GROUPINGS, what="timeline grouping", error=AnalysisError)
    items = timeline_items(store)
    if not items:
        raise AnalysisError("nothing to draw: no dated facts in the graph")
    e = plot_text
    figure = go.Figure()
    for cls in sorted({i.cls for i in items}):
        color = CLASS_STYLES.get(cls, ("#999999", ""))[0] if cls != "SourceDocument" else "#555555"
        chosen = [i for i in items if i.cls == cls]
        spans = [i for i in chosen if len(i.date) != 10]
        points = [i for i in chosen if len(i.date) == 10]
        common = {"name": e(cls), "legendgroup": e(cls), "hovertemplate": "%{customdata}<extra></extra>"}
        if spans:
            starts, ends = zip(*(span(i.date) for i in spans), strict=True)
            figure.add_trace(
                go.Bar(
                    orientation="h",
                    base=list(starts),
                    x=[_milliseconds(s, t) for s, t in zip(starts, ends, strict=True)],
                    y=[e(_group(i, group_by)) for i in spans],
                    marker={"color": color, "opacity": 0.55, "line": {"color": color, "width": 1}},
                    customdata=[_hover(i) for i in spans],
                    **common,
                )
            )
        if points:
            figure.add_trace(
                go.Scatter(
                    mode="markers",
                    x=[i.date for i in points],
                    y=[e(_group(i, group_by)) for i in points],
                    marker={"color": color, "size": 12, "symbol": "diamond", "line": {"color": "#333", "width": 1}},
                    customdata=[_hover(i) for i in points],
                    showlegend=not spans,
                    **common,
                )
            )
    figure.update_layout(
        title={"text": e(title)},
        barmode="overlay",
        xaxis={
            "type": "date",
            "title": "bars: a year or month the source gives no finer date for; diamonds: exact days",
        },
        yaxis={"autorange": "reversed", "automargin": True},
        height=max(420, 60 + 34 * len({_group(i, group_by) for i in items})),
        margin={"l": 20, "r": 20, "t": 50, "b": 60},
        hoverlabel={"align": "left"},
    )
    return figure_page(figure, div_id="aidgraph-timeline", title=title)


def _group(item: TimelineItem, group_by: str) -> str:
    return item.actor if group_by == "actor" else item.cls


def _hover(item: TimelineItem) -> str:
    e = plot_text
    lines = [f"<b>{e(item.label)}</b>", f"{e(item.event)} {e(item.date)} · {e(item.cls)}"]
    if item.amount:
        lines.append(e(item.amount))
    if item.quote:
        quote = item.quote if len(item.quote) <= 160 else item.quote[:159] + "…"
        lines.append(f"“{e(quote)}”")
        lines.append(f"<i>{e(item.source)}</i>")
    return "<br>".join(lines)


def _milliseconds(start: str, end: str) -> int:
    from datetime import date

    return (date.fromisoformat(end) - date.fromisoformat(start)).days * 86_400_000


_ITEMS = """
SELECT ?date ?event ?class ?label ?actor ?amount ?currency ?quote ?source WHERE {
  {
    { ?x ag:announcedOn ?d BIND("announced" AS ?event) }
    UNION { ?x ag:startedOn ?d BIND("started" AS ?event) }
    UNION { ?x ag:endedOn ?d BIND("ended" AS ?event) }
    UNION {
      ?x ag:periodStart ?start BIND("figure for" AS ?event)
      OPTIONAL { ?x ag:periodEnd ?end }
      BIND(IF(BOUND(?end), CONCAT(STR(?start), "/", STR(?end)), STR(?start)) AS ?d)
    }
    UNION { ?x dcterms:issued ?d BIND("published" AS ?event) }
  }
  ?x a ?type .
  FILTER(STRSTARTS(STR(?type), STR(ag:)))
  OPTIONAL { ?x rdfs:label ?name }
  OPTIONAL { ?x dcterms:title ?title }
  OPTIONAL { ?x ag:amount ?amount ; ag:currency ?currency }
  OPTIONAL { ?x ag:outlet ?outlet }
  OPTIONAL { ?x ag:pledgedBy/rdfs:label ?donor }
  OPTIONAL { ?x ag:administration/rdfs:label ?administration }
  OPTIONAL { SELECT ?x (MIN(?a) AS ?announcer) WHERE { ?x ag:announcedBy/rdfs:label ?a } GROUP BY ?x }
  OPTIONAL { SELECT ?x (MIN(?i) AS ?implementer) WHERE { ?x ag:implementedBy/rdfs:label ?i } GROUP BY ?x }
  OPTIONAL {
    SELECT ?x (MIN(?q) AS ?quote) (SAMPLE(?t) AS ?source) WHERE {
      ?x ag:evidence ?e . ?e ag:quote ?q ; ag:source/dcterms:title ?t
    } GROUP BY ?x
  }
  BIND(STR(?d) AS ?date)
  BIND(STRAFTER(STR(?type), STR(ag:)) AS ?class)
  BIND(COALESCE(?name, ?title) AS ?label)
  BIND(COALESCE(?donor, ?administration, ?announcer, ?implementer, ?outlet) AS ?actor)
}"""
