"""YAML facts → validated records → RDF.

The public entry points: :func:`load_facts` reads and checks a seeds directory, :func:`load_graph` gives its graph,
:func:`facts_to_graph` turns the facts into an rdflib graph, :func:`check_corpus` verifies quotes
and hashes against the articles, and :func:`check_shapes` runs the SHACL shapes. Errors a user
can cause are :class:`AidgraphError`; fact problems are :class:`FactError` listing each one.
Names load on first use, so importing a light submodule (``loaders.errors``) stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

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
    "load_graph",
    "new_graph",
]

_HOMES = {
    "AidgraphError": "loaders.errors",
    "FactError": "loaders.errors",
    "Location": "loaders.errors",
    "Problem": "loaders.errors",
    "CorpusReport": "loaders.corpus",
    "check_corpus": "loaders.corpus",
    "FactSet": "loaders.facts",
    "Quote": "loaders.facts",
    "load_facts": "loaders.facts",
    "facts_to_graph": "loaders.rdf",
    "load_graph": "loaders.rdfgraph",
    "new_graph": "loaders.rdf",
    "check_shapes": "loaders.shacl",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'loaders' has no attribute {name!r}")
