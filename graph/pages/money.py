"""The money page: a Sankey diagram of funding flows, donor → program → recipient.

Drawn from :func:`graph.network.flows.flow_links` and :func:`graph.network.flows.flow_totals`,
the one computation of money totals, so every amount it shows equals ``aidgraph flows``: a donor
node carries its ``--by body`` total, a program node its ``--by program`` total, a recipient node
its ``--by recipient`` total, each ``low – high`` where possible overlaps are declared. Only
cross-border money is drawn unless domestic plans are asked for; they are drawn in a different
colour and named as such. Money with no stated recipient flows to "(recipient not stated)".
Widths are the ``high`` end (every fact); USD only. Built with Plotly, self-contained and offline
(see :mod:`graph.pages.plotly`).

Every node's ``customdata`` is ``[entity id, hover text]`` (the id is a pledge's recipient, donor
or program id; "(recipient not stated)" and joint "a + b" nodes have no single entity) and every
link's is ``[[pledge ids], hover text]``, so a page that embeds the figure can open an entity's
page on click.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import pyoxigraph as ox

from graph.errors import AnalysisError
from graph.network.flows import FlowTotal, flow_links, flow_totals, read_money
from graph.pages.plotly import figure_page, plot_text
from graph.pages.style import CLASS_STYLES

__all__ = ["LINK_COLOURS", "sankey_amount", "sankey_page"]

LINK_COLOURS = {
    "cross-border": "rgba(78, 121, 167, 0.4)",
    "domestic": "rgba(225, 87, 89, 0.4)",
    "unknown": "rgba(150, 150, 150, 0.4)",
}
"""Scope → link colour: cross-border money in blue, domestic plans in red, unknown scope in grey."""

_NOT_STATED = ("#cccccc", "")
_WRAP = 60
_LISTED = 8
"""Pledges a flow's tooltip names; more are counted (a flow of thousands would outgrow the page)."""


def sankey_page(
    store: ox.Store,
    *,
    include: Iterable[str] = (),
    title: str = "aidgraph: funding flows (USD)",
    most: int | None = None,
) -> str:
    """The HTML page of the funding Sankey diagram (cross-border money, plus ``include`` scopes).

    With ``most``, only the ``most`` largest flows (by their high end) are drawn, and the title
    says how many there are: thousands of flows make a page no one can read or load.
    """
    import plotly.graph_objects as go

    include = tuple(include)
    money = read_money(store)
    links = [link for link in flow_links(money, include=include) if link.total.currency == "USD"]
    if not links:
        raise AnalysisError("nothing to draw: no cross-border USD pledges in the graph")
    if most is not None and len(links) > most:
        title = f"{title}: the {most:,} largest of {len(links):,} flows"
        links = sorted(links, key=lambda link: (-link.total.high, link.source[0], link.target[0]))[:most]
    nodes = sorted({n for link in links for n in (link.source, link.target)})
    index = {node[0]: i for i, node in enumerate(nodes)}
    sources = {link.source[0] for link in links}
    programs = {n[0] for n in nodes if n[2] in ("Program", "Policy")}
    role_totals = {
        by: _by_ids(flow_totals(money, by=by, include=include)) for by in ("body", "program", "recipient")
    }
    labels, node_data, colours = [], [], []
    for node in nodes:
        role = "program" if node[0] in programs else "body" if node[0] in sources else "recipient"
        totals = role_totals[role].get(_key_ids(role, node), [])
        amount = "; ".join(_scoped(t, len(totals) > 1) for t in totals)
        labels.append(f"{plot_text(node[1])}<br>{amount}")
        hover = [f"<b>{_wrap(node[1])}</b>", plot_text(node[2]), *[_scoped(t, True) for t in totals]]
        hover += [plot_text(t.qualifier_text()) for t in totals if t.qualifiers]
        node_data.append([node[0] if node[2] not in ("Not stated", "Joint recipients") else None, "<br>".join(hover)])
        colours.append(CLASS_STYLES.get(node[2], _NOT_STATED)[0])
    link_data = []
    for link in links:
        total = link.total
        lines = [
            f"{_wrap(link.source[1])} →",
            _wrap(link.target[1]),
            f"{sankey_amount(total.low, total.high)} ({total.scope})",
            *[f"· {_wrap(money.facts[f].label)}" for f in total.facts[:_LISTED]],
        ]
        if len(total.facts) > _LISTED:
            lines.append(f"… and {len(total.facts) - _LISTED:,} more pledges")
        if total.qualifiers:
            lines.append(plot_text(total.qualifier_text()))
        link_data.append([list(total.facts), "<br>".join(lines)])
    figure = go.Figure(
        go.Sankey(
            arrangement="snap",
            node={
                "label": labels,
                "color": colours,
                "customdata": node_data,
                "hovertemplate": "%{customdata[1]}<extra></extra>",
                "pad": 18,
                "thickness": 16,
            },
            link={
                "source": [index[link.source[0]] for link in links],
                "target": [index[link.target[0]] for link in links],
                "value": [float(link.total.high) for link in links],
                "color": [LINK_COLOURS[link.total.scope] for link in links],
                "customdata": link_data,
                "hovertemplate": "%{customdata[1]}<extra></extra>",
            },
            hoverlabel={"namelength": -1, "align": "left", "font": {"size": 12}},
        )
    )
    figure.update_layout(
        title={"text": plot_text(title)},
        font={"size": 12},
        margin={"l": 20, "r": 20, "t": 50, "b": 90},
        annotations=_legend(nodes, {link.total.scope for link in links}),
    )
    return figure_page(figure, div_id="aidgraph-sankey", title=title)


def sankey_amount(low: Decimal, high: Decimal) -> str:
    """An amount or range as the Sankey shows it, exact to the dollar's significant digits.

    Examples
    --------
    >>> sankey_amount(Decimal(7800000000), Decimal(13550000000))
    '$7.8 B – $13.55 B'
    >>> sankey_amount(Decimal(750000000), Decimal(750000000))
    '$750 M'
    """
    return _usd(low) if low == high else f"{_usd(low)} – {_usd(high)}"


def _usd(value: Decimal) -> str:
    for scale, unit in ((Decimal(10) ** 9, "B"), (Decimal(10) ** 6, "M")):
        if value >= scale:
            return f"${format((value / scale).normalize(), 'f')} {unit}"
    return f"${value:,}"


def _scoped(total: FlowTotal, named: bool) -> str:
    amount = sankey_amount(total.low, total.high)
    return f"{amount} ({total.scope})" if named or total.scope != "cross-border" else amount


def _by_ids(totals: list[FlowTotal]) -> dict[tuple[str, ...], list[FlowTotal]]:
    found: dict[tuple[str, ...], list[FlowTotal]] = {}
    for total in totals:
        if total.currency == "USD":
            found.setdefault(tuple(sorted(total.ids)), []).append(total)
    return found


def _key_ids(role: str, node: tuple[str, str, str]) -> tuple[str, ...]:
    if node[2] == "Not stated":
        return ()
    return tuple(sorted(node[0].split(" + "))) if role == "recipient" else (node[0],)


def _wrap(text: str) -> str:
    """Escaped text broken into lines of at most about 60 characters, so no tooltip runs off the page."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + len(word) < _WRAP:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(plot_text(line) for line in lines)


def _legend(nodes: list[tuple[str, str, str]], scopes: set[str]) -> list[dict[str, object]]:
    """Annotations that explain the colours: node classes present, then the kinds of flow drawn."""
    classes = sorted({n[2] for n in nodes})
    swatches = [
        f'<span style="color:{CLASS_STYLES.get(c, _NOT_STATED)[0]}">■</span> {plot_text(c.lower())}' for c in classes
    ]
    flows = {
        "cross-border": "cross-border money (aid, development finance)",
        "domestic": "domestic spending plan (not aid)",
        "unknown": "scope not known",
    }
    links = [
        f'<span style="color:{LINK_COLOURS[s].replace("0.4)", "1)")}">▬</span> {flows[s]}'
        for s in ("cross-border", "domestic", "unknown")
        if s in scopes
    ]
    note = (
        "Donors are bodies (flows --by body; a country with its agencies: --by donor). Width: every pledge "
        "counted (high end). Amounts: low – high where pledges may overlap; portions not drawn again; USD only."
    )
    rows = [" · ".join(swatches), "Flows: " + " · ".join(links), note]
    return [
        {
            "text": text,
            "showarrow": False,
            "xref": "paper",
            "yref": "paper",
            "x": 0,
            "xanchor": "left",
            "y": -0.06 - 0.05 * i,
            "font": {"size": 11, "color": "#444"},
        }
        for i, text in enumerate(rows)
    ]
