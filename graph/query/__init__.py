"""Questions to the graph: safe SPARQL, the library of named queries, the engines that answer, and results."""
