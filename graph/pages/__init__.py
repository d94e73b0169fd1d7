"""HTML pages that work offline: the network (vis-network), the money (Sankey) and the timeline (Plotly)."""
