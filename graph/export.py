"""Serialize the graph in the standard RDF formats, written by Oxigraph.

Turtle and TriG bind the project's readable prefixes; the same seeds give the same bytes.

Examples
--------
>>> sorted(RDF_FORMATS)
['jsonld', 'nt', 'trig', 'turtle', 'xml']
"""

from __future__ import annotations

import pyoxigraph as ox

from ontology.prefixes import PREFIXES

__all__ = ["RDF_FORMATS", "dump"]

RDF_FORMATS: dict[str, tuple[ox.RdfFormat, str]] = {
    "turtle": (ox.RdfFormat.TURTLE, "turtle"),
    "nt": (ox.RdfFormat.N_TRIPLES, "nt"),
    "jsonld": (ox.RdfFormat.JSON_LD, "json-ld"),
    "xml": (ox.RdfFormat.RDF_XML, "xml"),
    "trig": (ox.RdfFormat.TRIG, "trig"),
}
"""Format name on the command line → (Oxigraph format, rdflib parser name that reads it back)."""


def dump(store: ox.Store, fmt: str = "turtle") -> bytes:
    """The default graph of ``store`` in ``fmt`` (one of :data:`RDF_FORMATS`) as bytes."""
    rdf_format = RDF_FORMATS[fmt][0]
    prefixes = PREFIXES if fmt in ("turtle", "trig", "xml") else None
    graph = None if fmt == "trig" else ox.DefaultGraph()
    data = store.dump(format=rdf_format, from_graph=graph, prefixes=prefixes)
    assert data is not None
    return data
