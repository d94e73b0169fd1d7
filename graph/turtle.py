"""The build's Turtle file, written one fact file at a time so that an edit rewrites only its part.

``aidgraph.ttl`` is the project's prefixes, then the ontology, then the triples each fact file
defines (:func:`loaders.rdf.ntriples_by_file`), file after file in the order they were read,
each part written by Oxigraph's Turtle serializer. A subject's triples all come from one file's
text, so every part is whole Turtle blocks and the parts simply follow one another: after an
edit the parts of the files whose text did not change are copied from the previous file, byte
for byte, and the result is the file a clean build writes (see :mod:`graph.increment`).

Examples
--------
>>> part = turtle_part('<https://w3id.org/aidgraph/id/mx> <http://www.w3.org/2000/01/rdf-schema#label> "Mexico" .\\n')
>>> print(part.decode(), end="")
aid:mx rdfs:label "Mexico" .
>>> turtle_part("")
b''
"""

from __future__ import annotations

from functools import cache

import pyoxigraph as ox

from ontology import ontology_path
from ontology.prefixes import PREFIXES

__all__ = ["TurtleParts", "prologue", "turtle_part"]


@cache
def header() -> bytes:
    """The ``@prefix`` lines Oxigraph's serializer begins a Turtle document with, for the project's prefixes."""
    subject = ox.NamedNode("urn:aidgraph:header")
    data = ox.serialize([ox.Triple(subject, subject, subject)], format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    return data[: data.index(b"<urn:aidgraph:header>")]


def _without_header(data: bytes) -> bytes:
    if not data:
        return b""
    if not data.startswith(header()):
        raise AssertionError("Oxigraph's Turtle serializer began a document with other prefix lines")
    return data[len(header()) :]


def turtle_part(ntriples: str) -> bytes:
    """The Turtle of the N-Triples text ``ntriples``, without the prefix lines (empty for no triples)."""
    triples = ox.parse(ntriples.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return _without_header(ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b"")


def prologue() -> bytes:
    """What the Turtle file begins with: the prefix lines and the ontology."""
    triples = ox.parse(path=str(ontology_path()), format=ox.RdfFormat.TURTLE)
    return header() + _without_header(ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b"")


class TurtleParts:
    """The Turtle file being assembled: the prologue, then one part per fact file, with each part's place.

    Examples
    --------
    >>> parts = TurtleParts(b"P")
    >>> parts.add("a.yaml", b"AA")
    >>> parts.add("b.yaml", b"B")
    >>> parts.data(), parts.spans
    (b'PAAB', {'a.yaml': (1, 2), 'b.yaml': (3, 1)})
    """

    def __init__(self, first: bytes) -> None:
        self._pieces = [first]
        self._size = len(first)
        self.prologue = len(first)
        """Bytes before the first part."""
        self.spans: dict[str, tuple[int, int]] = {}
        """Fact file → (offset, length) of its part in the file."""

    def add(self, file: str, part: bytes) -> None:
        """Append ``file``'s part."""
        self.spans[file] = (self._size, len(part))
        self._pieces.append(part)
        self._size += len(part)

    def data(self) -> bytes:
        """The whole file."""
        return b"".join(self._pieces)
