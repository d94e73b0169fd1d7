"""Network analysis: projections of the graph, centrality on them, money flows, and projection export."""
