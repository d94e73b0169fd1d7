"""The project's namespaces as plain strings, importable without rdflib (for fast start-up).

Examples
--------
>>> PREFIXES["ag"]
'https://w3id.org/aidgraph/ontology#'
>>> compact("https://w3id.org/aidgraph/id/usaid")
'aid:usaid'
"""

from __future__ import annotations

__all__ = ["AG_NS", "AID_NS", "BASE", "EV_NS", "PREFIXES", "SRC_NS", "XSD_NS", "compact"]

BASE = "https://w3id.org/aidgraph/"
AG_NS = BASE + "ontology#"
AID_NS = BASE + "id/"
SRC_NS = BASE + "source/"
EV_NS = BASE + "evidence/"
XSD_NS = "http://www.w3.org/2001/XMLSchema#"

PREFIXES: dict[str, str] = {
    "ag": AG_NS,
    "aid": AID_NS,
    "src": SRC_NS,
    "ev": EV_NS,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": XSD_NS,
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "oa": "http://www.w3.org/ns/oa#",
}
"""Prefixes bound in every export and available to every query without declaring them."""


def compact(iri: str) -> str:
    """``iri`` as a prefixed name when one of :data:`PREFIXES` covers it, else unchanged."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            local = iri[len(namespace) :]
            if local and all(c.isalnum() or c in "-_." for c in local):
                return f"{prefix}:{local}"
    return iri
