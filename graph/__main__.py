"""``python -m graph`` runs the aidgraph command line."""

from graph.cli import main

main()
