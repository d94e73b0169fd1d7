"""The ontology's terms as plain IRI strings, read from ``aidgraph.ttl`` itself: ``ag("Pledge")``.

Code that writes RDF as text (the loader's N-Triples) names every ``ag:`` term through
:func:`ag`, so a misspelt term fails when the module that names it is imported, instead of
minting an IRI the ontology does not have. The terms come from the ontology file (parsed once by
Oxigraph, in milliseconds), so there is no second list to keep in step; the closed rdflib
namespace :data:`ontology.AG` names the same terms (a test checks both against the file).

Examples
--------
>>> ag("Pledge")
'https://w3id.org/aidgraph/ontology#Pledge'
>>> ag("pledgeBy")
Traceback (most recent call last):
...
AttributeError: 'pledgeBy' is not a term of the aidgraph ontology (did you mean 'pledgedBy'?)
"""

from __future__ import annotations

import difflib
from functools import cache

from ontology.prefixes import AG_NS

__all__ = ["ag", "terms"]


@cache
def terms() -> frozenset[str]:
    """The local names of every term the ontology file declares in the ``ag:`` namespace."""
    import pyoxigraph as ox

    from ontology import ontology_path

    found = set()
    for triple in ox.parse(path=str(ontology_path()), format=ox.RdfFormat.TURTLE):
        subject = triple.subject
        if isinstance(subject, ox.NamedNode) and subject.value.startswith(AG_NS):
            found.add(subject.value.removeprefix(AG_NS))
    return frozenset(found)


def ag(local: str) -> str:
    """The IRI of the ontology term ``local``; AttributeError if the ontology has no such term."""
    if local not in terms():
        close = difflib.get_close_matches(local, terms(), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise AttributeError(f"{local!r} is not a term of the aidgraph ontology{hint}")
    return AG_NS + local
