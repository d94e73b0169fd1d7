"""YAML facts → validated records → RDF.

The public entry points: :func:`load_facts` reads and checks a seeds directory,
:func:`facts_to_graph` turns the facts into an rdflib graph, :func:`check_corpus` verifies quotes
and hashes against the articles, and :func:`check_shapes` runs the SHACL shapes. Errors a user
can cause are :class:`AidgraphError`; fact problems are :class:`FactError` listing each one.
"""

from __future__ import annotations

from loaders.corpus import CorpusReport, check_corpus
from loaders.errors import AidgraphError, FactError, Location, Problem
from loaders.facts import FactSet, Quote, load_facts
from loaders.rdf import facts_to_graph, new_graph
from loaders.shacl import check_shapes

__all__ = [
    "AidgraphError",
    "CorpusReport",
    "FactError",
    "FactSet",
    "Location",
    "Problem",
    "Quote",
    "check_corpus",
    "check_shapes",
    "facts_to_graph",
    "load_facts",
    "new_graph",
]
