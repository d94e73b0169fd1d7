"""The facts of a seeds directory as one rdflib graph, for SHACL, rdflib's engine and rdflib users.

Examples
--------
>>> from pathlib import Path
>>> g = load_graph(Path("seeds"))
>>> len(g) > 1000
True
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from loaders.corpus import check_corpus
from loaders.facts import load_facts
from loaders.rdf import facts_to_graph

if TYPE_CHECKING:
    from rdflib import Graph

__all__ = ["load_graph"]


def load_graph(seeds_dir: Path, corpus_dir: Path | None = None) -> Graph:
    """The graph of ``seeds_dir`` (ontology included); with ``corpus_dir``, quotes carry their offsets.

    Raises
    ------
    FactError
        When the facts hold problems.
    """
    facts = load_facts(seeds_dir)
    positions = check_corpus(facts, corpus_dir).positions if corpus_dir else None
    return facts_to_graph(facts, positions=positions)
