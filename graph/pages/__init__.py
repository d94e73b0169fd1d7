"""HTML pages that work offline: the network (vis-network), the money (Sankey), the timeline (Plotly), and the evidence site (``site/``)."""
