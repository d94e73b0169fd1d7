"""The aidgraph ontology and SHACL shapes (Turtle package data) and the vocabulary namespace.

Examples
--------
>>> from ontology import AG, ontology_path
>>> ontology_path().name
'aidgraph.ttl'
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ontology.namespace import (
    AG,
    AID,
    EV,
    OA,
    ONTOLOGY_IRI,
    PREFIXES,
    SRC,
    entity_iri,
    evidence_iri,
    source_iri,
)

__all__ = [
    "AG",
    "AID",
    "EV",
    "OA",
    "ONTOLOGY_IRI",
    "PREFIXES",
    "SRC",
    "entity_iri",
    "evidence_iri",
    "ontology_path",
    "shapes_path",
    "source_iri",
]


def ontology_path() -> Path:
    """Path of the OWL ontology in Turtle, as installed with the package."""
    return Path(str(resources.files(__name__).joinpath("aidgraph.ttl")))


def shapes_path() -> Path:
    """Path of the SHACL shapes in Turtle, as installed with the package."""
    return Path(str(resources.files(__name__).joinpath("shapes.ttl")))
