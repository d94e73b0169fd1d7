"""The money page: a Sankey diagram of funding flows, donor → program → recipient.

Drawn from the ``funding`` projection, so its flows count each amount once (only pledges that are
part of no other) and carry USD only; a sum announced for several recipients together flows into
one joint node. Built with Plotly, self-contained and offline (see :mod:`graph.pages.plotly`).
"""

from __future__ import annotations

import pyoxigraph as ox

from graph.errors import AnalysisError
from graph.network.projections import funding_projection
from graph.pages.plotly import figure_page, plot_text
from graph.pages.style import CLASS_STYLES, readable_amount

__all__ = ["sankey_page"]


def sankey_page(store: ox.Store, *, title: str = "aidgraph: funding flows (USD)") -> str:
    """The HTML page of the funding Sankey diagram."""
    import plotly.graph_objects as go

    G = funding_projection(store)
    edges = [(u, v, d) for u, v, d in sorted(G.edges(data=True)) if d["weight"] > 0]
    if not edges:
        raise AnalysisError("nothing to draw: no USD pledges in the graph")
    nodes = sorted(G, key=str)
    index = {node: i for i, node in enumerate(nodes)}
    e = plot_text
    labels = [e(G.nodes[n]["label"]) for n in nodes]
    classes = [G.nodes[n]["class"] for n in nodes]
    figure = go.Figure(
        go.Sankey(
            arrangement="snap",
            valueformat="$,.0f",
            node={
                "label": labels,
                "color": [CLASS_STYLES.get(c, ("#999999", ""))[0] for c in classes],
                "customdata": [e(c) for c in classes],
                "hovertemplate": "%{label}<br>%{customdata}<br>%{value}<extra></extra>",
                "pad": 18,
                "thickness": 16,
            },
            link={
                "source": [index[u] for u, _, _ in edges],
                "target": [index[v] for _, v, _ in edges],
                "value": [d["weight"] for _, _, d in edges],
                "customdata": [
                    f"{readable_amount(d['weight'])} · {len(d['pledges'])} pledge{'s' * (len(d['pledges']) != 1)}"
                    f"<br>{e(', '.join(d['pledges']))}"
                    for _, _, d in edges
                ],
                "hovertemplate": "%{source.label} → %{target.label}<br>%{customdata}<extra></extra>",
            },
        )
    )
    figure.update_layout(
        title={"text": e(title)},
        font={"size": 12},
        margin={"l": 20, "r": 20, "t": 50, "b": 20},
        annotations=[
            {
                "text": "Only pledges that are part of no other pledge; USD only; joint recipients kept together.",
                "showarrow": False,
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": -0.04,
                "font": {"size": 11, "color": "#666"},
            }
        ],
    )
    return figure_page(figure, div_id="aidgraph-sankey", title=title)
