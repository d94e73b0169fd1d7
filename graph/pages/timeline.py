"""The timeline page: every dated fact on one interactive time axis.

Pledges, programs and policies (announced, started, ended), figures (their period) and source
publications, in lanes by kind (named in plain words: "Pledges", "Source documents") or by actor.
A vague date is drawn as the span it stands for (a year, a month), never as an invented day; a
full date is a point. Marks that would overlap are stacked in their lane, so every fact can be
hovered, and every fact is listed in a table under the chart. Hover shows the label, the amount
where there is one, and a quote with its source. Built with Plotly, self-contained and offline
(see :mod:`graph.pages.plotly`); every string from the data is escaped.

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

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from graph.choices import TIMELINE_GROUPINGS, require
from graph.errors import AnalysisError
from graph.pages.plotly import figure_page, plot_text
from graph.pages.style import CLASS_STYLES, readable_amount
from graph.query.run import run_query
from loaders.text import shorten

__all__ = ["TimelineItem", "lane_name", "span", "timeline_figure", "timeline_items", "timeline_list", "timeline_page"]


@dataclass(frozen=True)
class TimelineItem:
    """One dated fact: what happened, when (as written), to what, and the quote behind it.

    ``token`` names the fact's page: its entity id, or ``src:<id>`` for a source's publication.
    """

    date: str
    event: str
    cls: str
    label: str
    actor: str
    amount: str
    quote: str
    source: str
    kind: str = ""
    token: str = ""


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


def lane_name(class_label: str) -> str:
    """A lane of the timeline named in plain words: the plural of the class's label.

    Examples
    --------
    >>> lane_name("Policy"), lane_name("Source document"), lane_name("Pledge")
    ('Policies', 'Source documents', 'Pledges')
    """
    if class_label.endswith("y") and not class_label.endswith(("ay", "ey", "oy")):
        return class_label[:-1] + "ies"
    return class_label + "s"


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
                kind=row["kindLabel"] or row["class"],
                token=row["token"] or "",
            )
        )
    return sorted(items, key=lambda i: (i.date, i.event, i.label, i.token))


def timeline_figure(
    store: ox.Store,
    *,
    group_by: str = "kind",
    title: str = "aidgraph: timeline",
    items: list[TimelineItem] | None = None,
) -> tuple[Any, list[TimelineItem]]:
    """The Plotly figure of the timeline and the items drawn on it.

    Each lane (a kind of fact, or an actor) is cut into as many rows as it needs for no two marks to
    overlap: five pledges announced in December 2018 are five bars, one above the other, each with
    its own hover. Each mark's ``customdata`` is ``[token, hover text]``, the token naming the page
    the site opens on a click. ``items`` draws those instead of all of the graph's.
    """
    import plotly.graph_objects as go

    require(group_by, TIMELINE_GROUPINGS, what="timeline grouping", error=AnalysisError)
    items = timeline_items(store) if items is None else items
    if not items:
        raise AnalysisError("nothing to draw: no dated facts in the graph")
    rows, ticks = _rows(items, group_by)
    e = plot_text
    figure = go.Figure()
    for cls in sorted({i.cls for i in items}):
        color = CLASS_STYLES.get(cls, ("#999999", ""))[0] if cls != "SourceDocument" else "#555555"
        chosen = [i for i in items if i.cls == cls]
        spans = [i for i in chosen if len(i.date) != 10]
        points = [i for i in chosen if len(i.date) == 10]
        name = e(lane_name(chosen[0].kind))
        common = {"name": name, "legendgroup": name, "hovertemplate": "%{customdata[1]}<extra></extra>"}
        if spans:
            starts, ends = zip(*(span(i.date) for i in spans), strict=True)
            figure.add_trace(
                go.Bar(
                    orientation="h",
                    base=list(starts),
                    x=[_milliseconds(s, t) for s, t in zip(starts, ends, strict=True)],
                    y=[rows[id(i)] for i in spans],
                    width=0.8,
                    marker={"color": color, "opacity": 0.6, "line": {"color": color, "width": 1}},
                    customdata=[[i.token, _hover(i)] for i in spans],
                    **common,
                )
            )
        if points:
            figure.add_trace(
                go.Scatter(
                    mode="markers",
                    x=[i.date for i in points],
                    y=[rows[id(i)] for i in points],
                    marker={"color": color, "size": 12, "symbol": "diamond", "line": {"color": "#333", "width": 1}},
                    customdata=[[i.token, _hover(i)] for i in points],
                    showlegend=not spans,
                    **common,
                )
            )
    height = 140 + 24 * (max(rows.values()) + 1)
    figure.update_layout(
        title={"text": e(title)},
        barmode="overlay",
        xaxis={
            "type": "date",
            "title": "bars: a year or month the source gives no finer date for; diamonds: exact days",
        },
        yaxis={
            "autorange": "reversed",
            "automargin": True,
            "tickmode": "array",
            "tickvals": [(first + last) / 2 for first, last, _ in ticks],
            "ticktext": [e(name) for _, _, name in ticks],
            "showgrid": False,
            "zeroline": False,
        },
        height=height,
        margin={"l": 20, "r": 20, "t": 50, "b": 60},
        hoverlabel={"align": "left"},
        # every other lane shaded, so a lane's stacked rows read as one
        shapes=[
            {
                "type": "rect",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "y0": first - 0.5,
                "y1": last + 0.5,
                "fillcolor": "rgba(0,0,0,0.045)",
                "line": {"width": 0},
                "layer": "below",
            }
            for number, (first, last, _) in enumerate(ticks)
            if number % 2 == 0
        ],
        legend={"orientation": "h", "y": -0.15 if height > 400 else -0.3},
    )
    return figure, items


def timeline_page(store: ox.Store, *, group_by: str = "kind", title: str = "aidgraph: timeline") -> str:
    """The HTML page of the timeline, one lane per kind of fact or per actor, with the list of facts below.

    A fact's actor is its donor, else the administration behind it, else who announced it, else
    who carries it out; a source's is its outlet.
    """
    figure, items = timeline_figure(store, group_by=group_by, title=title)
    return figure_page(figure, div_id="aidgraph-timeline", title=title, after=timeline_list(items))


def timeline_list(items: list[TimelineItem], link: Callable[[TimelineItem], str | None] | None = None) -> str:
    """Every fact of the timeline as an HTML table in date order, under the chart: nothing hidden.

    ``link`` gives the page a fact's label links to (the site's), or None for plain text.
    """
    e = html.escape
    rows = []
    for item in items:
        href = link(item) if link else None
        label = f'<a href="{e(href)}">{e(item.label)}</a>' if href else e(item.label)
        rows.append(
            f"<tr><td>{e(_readable(item.date))}</td><td>{e(item.event)}</td><td>{label}"
            f' <span class="cls">{e(item.kind)}</span></td><td>{e(item.actor)}</td><td>{e(item.amount)}</td></tr>'
        )
    return (
        '<table class="facts timeline"><caption>Every dated fact, in date order</caption>'
        '<thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">Fact</th>'
        '<th scope="col">Who</th><th scope="col">Amount</th></tr></thead><tbody>' + "".join(rows) + "</tbody></table>"
    )


def _rows(items: list[TimelineItem], group_by: str) -> tuple[dict[int, int], list[tuple[int, int, str]]]:
    """Each item's row number (lanes one after another, stacked where marks would overlap) and the lane ticks."""
    lanes: dict[str, list[TimelineItem]] = {}
    for item in items:
        lanes.setdefault(_group(item, group_by), []).append(item)
    order = sorted(lanes, key=lambda name: (min(i.date for i in lanes[name]), name)) if group_by == "actor" else sorted(lanes)
    first = min(span(i.date)[0] for i in items)
    last = max(span(i.date)[1] for i in items)
    pad = max(1, (_days(first, last)) // 60)  # a diamond is drawn wider than its day: keep this much apart
    rows: dict[int, int] = {}
    ticks = []
    row = 0
    for name in order:
        ends: list[int] = []  # per stacked row, the day its last mark ends
        for item in sorted(lanes[name], key=lambda i: (span(i.date)[0], i.date, i.label, i.token)):
            start, end = span(item.date)
            begin, finish = _days(first, start), _days(first, end)
            if begin == finish:
                begin, finish = begin - pad, finish + pad
            slot = next((k for k, until in enumerate(ends) if until <= begin), len(ends))
            if slot == len(ends):
                ends.append(finish)
            else:
                ends[slot] = finish
            rows[id(item)] = row + slot
        ticks.append((row, row + len(ends) - 1, lane_name(name) if group_by == "kind" else name))
        row += len(ends)
    return rows, ticks


def _group(item: TimelineItem, group_by: str) -> str:
    return item.actor if group_by == "actor" else item.kind


def _readable(date: str) -> str:
    from graph.pages.site.layout import readable_date

    if "/" in date:
        return " to ".join(_readable(part) for part in date.split("/", 1))
    precision = {4: "gYear", 7: "gYearMonth"}.get(len(date), "date")
    return readable_date(date, precision)


def _hover(item: TimelineItem) -> str:
    e = plot_text
    lines = [f"<b>{e(item.label)}</b>", f"{e(item.event)} {e(_readable(item.date))} · {e(item.kind)}"]
    if item.amount:
        lines.append(e(item.amount))
    if item.quote:
        quote = shorten(item.quote, 160)
        lines.append(f"“{e(quote)}”")
        lines.append(f"<i>{e(item.source)}</i>")
    return "<br>".join(lines)


def _days(start: str, end: str) -> int:
    from datetime import date

    return (date.fromisoformat(end) - date.fromisoformat(start)).days


def _milliseconds(start: str, end: str) -> int:
    return _days(start, end) * 86_400_000


_ITEMS = """
SELECT ?date ?event ?class ?kindLabel ?token ?label ?actor ?amount ?currency ?quote ?source WHERE {
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
  OPTIONAL { ?type rdfs:label ?kindLabel }
  BIND(STR(?d) AS ?date)
  BIND(STRAFTER(STR(?type), STR(ag:)) AS ?class)
  BIND(IF(STRSTARTS(STR(?x), STR(aid:)), STRAFTER(STR(?x), STR(aid:)), CONCAT("src:", STRAFTER(STR(?x), STR(src:)))) AS ?token)
  BIND(COALESCE(?name, ?title) AS ?label)
  BIND(COALESCE(?donor, ?administration, ?announcer, ?implementer, ?outlet) AS ?actor)
}"""
