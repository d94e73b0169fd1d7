"""Serialize the graph in the standard RDF formats, written by Oxigraph (JSON-LD by rdflib).

Turtle, TriG and RDF/XML bind the project's readable prefixes; JSON-LD is compacted with an
``@context`` of the same prefixes; TriG carries the graph in the named graph ``aidgraph push``
writes to (:data:`graph.push.DEFAULT_GRAPH`), so a dataset loaded from it matches the server's.
The same seeds give the same bytes.

Examples
--------
>>> sorted(RDF_FORMATS)
['jsonld', 'nt', 'trig', 'turtle', 'xml']
>>> dump(ox.Store(), "yaml")
Traceback (most recent call last):
...
graph.errors.FormatError: unknown RDF format 'yaml': choose jsonld, nt, trig, turtle or xml
"""

from __future__ import annotations

import json
from typing import Any

import pyoxigraph as ox

from graph.errors import FormatError
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
    """The default graph of ``store`` in ``fmt`` (one of :data:`RDF_FORMATS`) as bytes.

    Raises
    ------
    FormatError
        For a format not in :data:`RDF_FORMATS`.
    """
    if fmt not in RDF_FORMATS:
        *names, last = sorted(RDF_FORMATS)
        raise FormatError(f"unknown RDF format {fmt!r}: choose {', '.join(names)} or {last}")
    if fmt == "jsonld":
        return _compact_json_ld(store)
    if fmt == "trig":
        from graph.push import DEFAULT_GRAPH

        name = ox.NamedNode(DEFAULT_GRAPH)
        triples = store.quads_for_pattern(None, None, None, ox.DefaultGraph())
        quads = (ox.Quad(q.subject, q.predicate, q.object, name) for q in triples)
        return ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=PREFIXES) or b""
    prefixes = PREFIXES if fmt in ("turtle", "xml") else None
    data = store.dump(format=RDF_FORMATS[fmt][0], from_graph=ox.DefaultGraph(), prefixes=prefixes)
    assert data is not None
    return data


def _compact_json_ld(store: ox.Store) -> bytes:
    """JSON-LD compacted by rdflib's serializer with an ``@context`` of the project's prefixes."""
    from rdflib import Graph

    graph = Graph(bind_namespaces="none")
    graph.parse(data=store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()), format="nt")
    text = graph.serialize(format="json-ld", context=dict(PREFIXES), auto_compact=True)
    document = _in_order(json.loads(text))  # rdflib's order follows Python's hash seed
    return (json.dumps(document, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def _in_order(value: Any, key: str | None = None) -> Any:
    """``value`` with its arrays sorted, except ``@list`` arrays, whose order is data.

    Examples
    --------
    >>> _in_order({"b": [{"@id": "z"}, {"@id": "a"}], "c": {"@list": [3, 1]}})
    {'b': [{'@id': 'a'}, {'@id': 'z'}], 'c': {'@list': [3, 1]}}
    """
    if isinstance(value, dict):
        return {k: _in_order(v, k) for k, v in value.items()}
    if isinstance(value, list):
        items = [_in_order(v) for v in value]
        return items if key == "@list" else sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    return value
