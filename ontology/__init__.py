"""The aidgraph ontology and SHACL shapes (Turtle package data) and the vocabulary namespace.

``PREFIXES`` and the path helpers import nothing heavy; the rdflib namespace objects (``AG``,
``entity_iri`` …) are loaded on first use, so tools that only need prefixes start fast.

Examples
--------
>>> from ontology import AG, ontology_path
>>> ontology_path().name
'aidgraph.ttl'
>>> AG.Pledge
rdflib.term.URIRef('https://w3id.org/aidgraph/ontology#Pledge')
"""

from __future__ import annotations

import importlib
from importlib import resources
from pathlib import Path
from typing import Any

from ontology.prefixes import PREFIXES, compact

__all__ = [
    "AG",
    "AID",
    "EV",
    "OA",
    "ONTOLOGY_IRI",
    "PREFIXES",
    "SRC",
    "compact",
    "entity_iri",
    "evidence_iri",
    "ontology_path",
    "shapes_path",
    "source_iri",
]

_NAMESPACE_NAMES = {"AG", "AID", "EV", "OA", "ONTOLOGY_IRI", "SRC", "entity_iri", "evidence_iri", "source_iri"}


def __getattr__(name: str) -> Any:
    if name in _NAMESPACE_NAMES:
        return getattr(importlib.import_module("ontology.namespace"), name)
    raise AttributeError(f"module 'ontology' has no attribute {name!r}")


def ontology_path() -> Path:
    """Path of the OWL ontology in Turtle, as installed with the package."""
    return Path(str(resources.files(__name__).joinpath("aidgraph.ttl")))


def shapes_path() -> Path:
    """Path of the SHACL shapes in Turtle, as installed with the package."""
    return Path(str(resources.files(__name__).joinpath("shapes.ttl")))
