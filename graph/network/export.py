"""Write a projection for the tools analysts already use: GEXF (Gephi), GraphML (Cytoscape), CSV.

GEXF and GraphML are written by NetworkX's own writers, with ``label`` and ``class`` on nodes and
``weight`` (plus ``relations`` or ``pledges``) on edges. GEXF then loses what a strict GEXF 1.2
reader rejects or what would change from day to day: the empty graph ``name`` and the meta
``lastmodifieddate``. CSV is one edge list with both ends'
labels and classes, ready for a spreadsheet. Attributes that hold lists become space-separated
text, as both XML formats need scalar values.

Examples
--------
>>> G = nx.Graph()
>>> G.add_node("a", label="A", **{"class": "Agency"})
>>> G.add_edge("a", "b", weight=2)
>>> print(projection_bytes(G, "csv").decode().splitlines()[0])
source,target,source_label,target_label,source_class,target_class,weight
>>> projection_bytes(G, "pdf")
Traceback (most recent call last):
...
graph.errors.FormatError: unknown projection format 'pdf': choose gexf, graphml or csv
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from typing import Any

import networkx as nx

from graph.errors import FormatError

__all__ = ["PROJECTION_FORMATS", "projection_bytes"]

PROJECTION_FORMATS = ("gexf", "graphml", "csv")


def projection_bytes(G: nx.Graph, fmt: str) -> bytes:
    """``G`` serialized as ``gexf``, ``graphml`` or ``csv``.

    Raises
    ------
    FormatError
        For any other format.
    """
    if fmt not in PROJECTION_FORMATS:
        raise FormatError(f"unknown projection format {fmt!r}: choose gexf, graphml or csv")
    H = _scalar_attributes(G)
    if fmt == "csv":
        return _edge_csv(H)
    buffer = io.BytesIO()
    if fmt == "gexf":
        nx.write_gexf(H, buffer)
        return _strict_gexf(buffer.getvalue())
    nx.write_graphml(H, buffer)
    return buffer.getvalue()


GEXF_NS = "http://www.gexf.net/1.2draft"


def _strict_gexf(data: bytes) -> bytes:
    """NetworkX's GEXF without the empty graph ``name`` and without the date it was written."""
    ET.register_namespace("", GEXF_NS)
    ET.register_namespace("xsi", "http://www.w3.org/2001/XMLSchema-instance")
    root = ET.fromstring(data)
    graph = root.find(f"{{{GEXF_NS}}}graph")
    if graph is not None and not graph.get("name"):
        graph.attrib.pop("name", None)
    meta = root.find(f"{{{GEXF_NS}}}meta")
    if meta is not None:
        meta.attrib.pop("lastmodifieddate", None)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _scalar_attributes(G: nx.Graph) -> nx.Graph:
    """A copy of ``G`` in sorted order whose list and dict attributes are flattened to text."""
    H = G.__class__()
    H.graph.update({k: _scalar(v) for k, v in G.graph.items()})
    H.add_nodes_from(sorted((n, {k: _scalar(v) for k, v in d.items()}) for n, d in G.nodes(data=True)))
    edges = sorted(G.edges(data=True), key=lambda e: (str(e[0]), str(e[1])))
    H.add_edges_from((u, v, {k: _scalar(x) for k, x in d.items() if _scalar(x) != ""}) for u, v, d in edges)
    return H


def _scalar(value: Any) -> Any:
    if isinstance(value, list | tuple | set):
        return " ".join(str(v) for v in value)
    if isinstance(value, dict):
        return " ".join(f"{k}={v}" for k, v in sorted(value.items()))
    return value


def _edge_csv(G: nx.Graph) -> bytes:
    extra = sorted({key for _, _, data in G.edges(data=True) for key in data} - {"weight"})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["source", "target", "source_label", "target_label", "source_class", "target_class", "weight", *extra]
    )
    for u, v, data in G.edges(data=True):
        ends = (G.nodes[u], G.nodes[v])
        writer.writerow(
            [u, v, ends[0].get("label", u), ends[1].get("label", v), ends[0].get("class", ""), ends[1].get("class", "")]
            + [data.get("weight", 1)]
            + [data.get(key, "") for key in extra]
        )
    return out.getvalue().encode()
