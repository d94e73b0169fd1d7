"""The graph read once into plain Python for the site: every triple, grouped by subject and object.

A site of ten thousand pledges has tens of thousands of pages; one query per page would cost
minutes. Instead every triple of the store is read once (a single scan of the default graph),
kept as ``subject → [(predicate, object)]`` and ``object → [(subject, predicate)]``, and each
page is rendered from these maps. Nothing is special-cased by property: labels and definitions
come from the ontology in the same store, so a new term shows on the pages without code changes.

Examples
--------
>>> from pathlib import Path
>>> from graph.store import open_store
>>> data = read_site_data(open_store(Path("seeds")))
>>> data.label(AID_NS + "usaid"), data.class_of(AID_NS + "usaid")
('United States Agency for International Development', 'https://w3id.org/aidgraph/ontology#Agency')
>>> data.term_label(AG_NS + "pledgedBy")
'pledged by'
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from ontology.prefixes import AG_NS, AID_NS, EV_NS, PREFIXES, SRC_NS, compact

__all__ = ["RDF_TYPE", "SiteData", "read_site_data"]

RDF_TYPE = PREFIXES["rdf"] + "type"
LABEL = PREFIXES["rdfs"] + "label"
ALT_LABEL = PREFIXES["skos"] + "altLabel"
DEFINITION = PREFIXES["skos"] + "definition"
TITLE = PREFIXES["dcterms"] + "title"

# Terms the ontology reuses from other vocabularies, named as a reader says them.
_READABLE = {
    RDF_TYPE: "class",
    LABEL: "name",
    ALT_LABEL: "also called",
    PREFIXES["skos"] + "note": "note",
    TITLE: "title",
    PREFIXES["dcterms"] + "issued": "published",
    PREFIXES["oa"] + "start": "starts at character",
    PREFIXES["oa"] + "end": "ends at character",
    PREFIXES["rdf"] + "subject": "about",
    PREFIXES["rdf"] + "predicate": "field",
    PREFIXES["rdf"] + "object": "value",
}

Term = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass
class SiteData:
    """Every triple of the graph, by subject and by object, with names for every term."""

    outgoing: dict[str, list[tuple[str, Term]]] = field(default_factory=lambda: defaultdict(list))
    incoming: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    _by_predicate: dict[str, dict[str, list[Term]]] = field(default_factory=dict, repr=False)

    def values(self, subject: str, predicate: str) -> list[Term]:
        """The objects of ``subject predicate ?``, in a stable order."""
        index = self._by_predicate.get(subject)
        if index is None:
            index = {}
            for p, o in self.outgoing.get(subject, ()):
                index.setdefault(p, []).append(o)
            self._by_predicate[subject] = index
        return index.get(predicate, [])

    def text(self, subject: str, predicate: str) -> str | None:
        """The first literal of ``subject predicate ?`` as text, or None."""
        for term in self.values(subject, predicate):
            if isinstance(term, ox.Literal):
                return term.value
        return None

    def label(self, iri: str) -> str:
        """What a reader calls ``iri``: its rdfs:label, a document's title, or its local name."""
        return self.text(iri, LABEL) or self.text(iri, TITLE) or _READABLE.get(iri) or compact(iri)

    def term_label(self, iri: str) -> str:
        """A property's or class's name: the ontology's label, a reused term's plain name, or its IRI."""
        return self.text(iri, LABEL) or _READABLE.get(iri) or compact(iri)

    def definition(self, iri: str) -> str:
        """The ontology's ``skos:definition`` of a term, or an empty string."""
        return self.text(iri, DEFINITION) or ""

    def aliases(self, iri: str) -> list[str]:
        """Every other name (``skos:altLabel``) of ``iri``, sorted."""
        return sorted(t.value for t in self.values(iri, ALT_LABEL) if isinstance(t, ox.Literal))

    def class_of(self, iri: str) -> str:
        """The most specific ontology class of ``iri`` (its first ``ag:`` type), else any type."""
        types = sorted(t.value for t in self.values(iri, RDF_TYPE) if isinstance(t, ox.NamedNode))
        own = [t for t in types if t.startswith(AG_NS)]
        return (own or types or [""])[0]

    def entities(self) -> list[str]:
        """Every typed node in the ``aid:`` namespace: one page each."""
        return sorted(s for s in self.outgoing if self.is_page(s) and s.startswith(AID_NS))

    def sources(self) -> list[str]:
        """Every source document (``src:`` node)."""
        return sorted(s for s in self.outgoing if s.startswith(SRC_NS))

    def evidence_of(self, iri: str) -> list[str]:
        """The evidence nodes of ``iri``, in id order."""
        return sorted(t.value for t in self.values(iri, AG_NS + "evidence") if isinstance(t, ox.NamedNode))

    def is_page(self, iri: str) -> bool:
        """Whether the site has a page for ``iri`` (an entity or a source)."""
        if iri not in self.outgoing:
            return False
        if iri.startswith(SRC_NS):
            return True
        types = {t.value for t in self.values(iri, RDF_TYPE) if isinstance(t, ox.NamedNode)}
        return iri.startswith(AID_NS) and bool(types) and types != {AG_NS + "Inference"}


def read_site_data(store: ox.Store) -> SiteData:
    """Read every triple of ``store``'s default graph once, sorted so pages come out the same."""
    data = SiteData()
    for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        subject, predicate, obj = quad.subject, quad.predicate.value, quad.object
        if isinstance(subject, ox.NamedNode):
            key = subject.value
        elif isinstance(subject, ox.BlankNode):
            key = f"_:{subject.value}"
        else:  # a quoted triple (RDF-star) as subject: no page shows it
            continue
        data.outgoing[key].append((predicate, obj))
        if isinstance(obj, ox.NamedNode) and obj.value.startswith((AID_NS, SRC_NS, EV_NS)):
            data.incoming[obj.value].append((key, predicate))
    for triples in data.outgoing.values():
        triples.sort(key=lambda pair: (pair[0], _sort_key(pair[1])))
    for links in data.incoming.values():
        links.sort()
    data.outgoing = dict(data.outgoing)
    data.incoming = dict(data.incoming)
    return data


def _sort_key(term: object) -> tuple[int, str]:
    if isinstance(term, ox.Literal):
        return 1, f"{term.value}\0{term.datatype.value}\0{term.language or ''}"
    return 0, str(getattr(term, "value", term))
