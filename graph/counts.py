"""The size of a built store as ``aidgraph build`` reports it: its triples, and the instances of each class.

Counting them in the store takes 1.6 s at 100k pledges, close to half of the summary after a
one-file edit. So a build counts once, after a clean build, keeps the counts in its index
(:mod:`graph.increment`), and an update moves them by the triples it actually removes and adds
(:class:`Tally`). Tests compare an updated build's index, counts included, with a clean build's.
The index is as trusted as the store beside it: counts that are not whole numbers make the next
build a clean one, and so does a store whose number of triples is not the index's (it was changed
since its build).

Examples
--------
>>> store = ox.Store()
>>> store.load(b'<urn:a> a <https://w3id.org/aidgraph/ontology#Pledge> ; <urn:p> 1 .', format=ox.RdfFormat.TURTLE)
>>> count_store(store)
Counts(triples=2, classes={'Pledge': 1})
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from graph.query.run import run_query
from ontology.prefixes import AG_NS

__all__ = ["Counts", "Tally", "count_store"]

_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
_CLASSES = """
SELECT ?class (COUNT(?x) AS ?n) WHERE { ?x a ?type . FILTER(STRSTARTS(STR(?type), STR(ag:)))
  BIND(STRAFTER(STR(?type), STR(ag:)) AS ?class) } GROUP BY ?class"""


@dataclass(frozen=True)
class Counts:
    """Triples of the default graph, and ontology class (local name) → its instances (a class with none is left out)."""

    triples: int
    classes: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        """The counts as the build index keeps them."""
        return {"triples": self.triples, "classes": dict(sorted(self.classes.items()))}

    @classmethod
    def from_json(cls, value: Any) -> Counts:
        """The counts kept in a build index.

        Raises
        ------
        ValueError, TypeError, KeyError, AttributeError
            When ``value`` is not counts as :meth:`to_json` writes them.
        """
        triples = value["triples"]
        classes = {str(name): n for name, n in value["classes"].items()}
        if any(type(n) is not int or n <= 0 for n in classes.values()) or type(triples) is not int or triples < 0:
            raise ValueError("counts must be whole numbers")
        return cls(triples, classes)


def count_store(store: ox.Store) -> Counts:
    """Count the triples of ``store`` and the instances of each ontology class in it."""
    triples = run_query(store, _TRIPLES, limits=None).records()[0]["n"]
    classes = {row["class"]: row["n"] for row in run_query(store, _CLASSES, limits=None).records()}
    return Counts(triples, classes)


class Tally:
    """Counts being adjusted, triple by triple, while a store is patched.

    Examples
    --------
    >>> pledge = ox.Triple(ox.NamedNode("urn:a"), _RDF_TYPE, ox.NamedNode(AG_NS + "Pledge"))
    >>> tally = Tally(Counts(5, {"Pledge": 1}))
    >>> tally.removed(pledge)
    >>> tally.counts()
    Counts(triples=4, classes={})
    """

    def __init__(self, counts: Counts) -> None:
        self._triples = counts.triples
        self._classes = dict(counts.classes)

    def added(self, triple: ox.Triple | ox.Quad) -> None:
        """One triple the store did not hold went in."""
        self._note(triple, 1)

    def removed(self, triple: ox.Triple | ox.Quad) -> None:
        """One triple the store held went out."""
        self._note(triple, -1)

    def counts(self) -> Counts:
        """The counts now."""
        return Counts(self._triples, {name: n for name, n in sorted(self._classes.items()) if n})

    def _note(self, triple: ox.Triple | ox.Quad, change: int) -> None:
        self._triples += change
        kind = triple.object
        # As the class query reads it: the text of an IRI or a literal that starts with ag:.
        if triple.predicate == _RDF_TYPE and isinstance(kind, ox.NamedNode | ox.Literal) and kind.value.startswith(AG_NS):
            name = kind.value[len(AG_NS) :]
            self._classes[name] = self._classes.get(name, 0) + change
