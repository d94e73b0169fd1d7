"""Serialize the graph to the standard RDF formats.

Turtle output binds the project's readable prefixes and is byte-identical across runs on the
same facts (rdflib sorts subjects and predicates; every node has a minted IRI).

Examples
--------
>>> sorted(RDF_FORMATS)
['jsonld', 'nt', 'trig', 'turtle', 'xml']
"""

from __future__ import annotations

from rdflib import Graph

__all__ = ["RDF_FORMATS", "serialize"]

RDF_FORMATS: dict[str, tuple[str, str]] = {
    "turtle": ("turtle", "turtle"),
    "nt": ("nt", "nt"),
    "jsonld": ("json-ld", "json-ld"),
    "xml": ("xml", "xml"),
    "trig": ("trig", "trig"),
}
"""Format name on the command line → (rdflib serializer, rdflib parser that reads it back)."""


def serialize(graph: Graph, fmt: str = "turtle") -> bytes:
    """The graph in ``fmt`` (one of :data:`RDF_FORMATS`) as UTF-8 bytes.

    N-Triples lines are sorted, so that output is deterministic too.
    """
    serializer, _ = RDF_FORMATS[fmt]
    data = graph.serialize(format=serializer, encoding="utf-8")
    if fmt == "nt":
        data = b"".join(sorted(data.splitlines(keepends=True)))
    return data
