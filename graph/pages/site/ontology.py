"""``ontology.html``: every class, field and code of the ontology, in words, with an anchor each.

The field names on entity pages link here (``ontology.html#pledgedBy``), so a reader can learn
what "pledge kind" means without hovering. Read from the ontology in the store, so a new term
shows without code changes.
"""

from __future__ import annotations

import pyoxigraph as ox

from graph.pages.site.data import LABEL, RDF_TYPE, SiteData
from graph.pages.site.layout import class_path, render
from ontology.prefixes import AG_NS, PREFIXES

__all__ = ["ONTOLOGY_PAGE", "ontology_page", "term_anchor"]

ONTOLOGY_PAGE = "ontology.html"
_OWL = PREFIXES["owl"]
_KINDS = (
    ("classes", "Classes", (_OWL + "Class",)),
    ("fields", "Fields", (_OWL + "ObjectProperty", _OWL + "DatatypeProperty")),
    ("codes", "Codes", ()),
)


def term_anchor(data: SiteData, iri: str) -> str | None:
    """``ontology.html#<name>`` for a term of the ontology that has a label, else None."""
    if iri.startswith(AG_NS) and data.text(iri, LABEL):
        return f"{ONTOLOGY_PAGE}#{iri.removeprefix(AG_NS)}"
    return None


def ontology_page(data: SiteData, classes_with_members: set[str]) -> bytes:
    """The page listing the ontology's classes, fields and codes (concepts of its code lists)."""
    from graph.pages.site.entity import (
        Value,  # entity pages link here: imported late, no cycle
    )

    terms = sorted(s for s in data.outgoing if s.startswith(AG_NS) and data.text(s, LABEL))
    sections = []
    for key, heading, types in _KINDS:
        rows = []
        for iri in terms:
            kinds = {t.value for t in data.values(iri, RDF_TYPE) if isinstance(t, ox.NamedNode)}
            is_code = any(k.startswith(AG_NS) for k in kinds)
            if (types and kinds & set(types)) or (not types and is_code):
                members = Value("members", class_path(iri)) if iri in classes_with_members else None
                rows.append((iri.removeprefix(AG_NS), data.label(iri), data.definition(iri), members))
        sections.append((key, heading, sorted(rows, key=lambda r: (r[1].casefold(), r[0]))))
    return render("site-ontology.html", ONTOLOGY_PAGE, title="What the words mean", sections=sections)
