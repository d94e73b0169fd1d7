"""Which fact files an edit can have changed the triples of: what incremental work redoes.

A fact file's triples depend on more than its own bytes: a mention in another file adds evidence
to a fact defined here, and a pledge's scope is derived across files (the donor's country, the
recipients' places). So a run that kept something per file from the last one (the build's
Turtle parts, the check's shape results) redoes:

* the files whose bytes changed, and the files that appeared or went;
* the files defining a fact that such a file quotes (a mention), before or after the edit;
* the files defining a pledge whose scope changed, found by comparing each file's digest of its
  pledges' scopes.

:func:`changed_files` says which, from what the last run kept of each file (:class:`FileState`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass

from loaders.facts import FactSet

__all__ = ["FileState", "changed_files", "quotes_by_file", "scopes_by_file"]


@dataclass(frozen=True)
class FileState:
    """What a run kept of one fact file, to tell whether the next must redo it."""

    sha256: str
    quotes: frozenset[str]
    """Facts defined in other files that this file quotes."""
    scopes: str
    """SHA-256 of the scopes of the pledges this file defines (see :func:`scopes_by_file`)."""


def quotes_by_file(facts: FactSet) -> dict[str, set[str]]:
    """Fact file → the facts defined in other files that its quotes (mentions) support.

    Only a mention quotes a fact outside its own file, and the loader notes those as it attaches
    them (``facts.mentioned``): scanning the evidence for them took 0.15 s at 100k pledges.
    """
    return {file: set(facts.mentioned.get(file, ())) for file in facts.files}


def scopes_by_file(facts: FactSet) -> dict[str, str]:
    """Fact file → SHA-256 of the scopes (``facts.scopes``) of the pledges it defines.

    A run keeps these digests, not 100k pledges' scopes: comparing them finds the same files to
    redo (a pledge is defined in one file, and a file whose bytes changed is redone anyway) at a
    hundredth of the size.

    Examples
    --------
    >>> from loaders import Location
    >>> facts = FactSet(files=["a.yaml"], where={"p": Location("a.yaml", 3)}, scopes={"p": ("domestic", False)})
    >>> scopes_by_file(facts)["a.yaml"] == hashlib.sha256(b'[["p","domestic",false]]').hexdigest()
    True
    """
    scoped: dict[str, list[tuple[str, str, bool]]] = {file: [] for file in facts.files}
    for fact_id, (scope, stated) in facts.scopes.items():
        scoped[facts.where[fact_id].path].append((fact_id, scope, stated))
    return {
        file: hashlib.sha256(json.dumps(sorted(scopes), separators=(",", ":")).encode()).hexdigest()
        for file, scopes in scoped.items()
    }


def changed_files(
    before: Mapping[str, FileState],
    facts: FactSet,
    digests: Mapping[str, str],
    quoted: Mapping[str, set[str]],
    scoped: Mapping[str, str],
) -> set[str]:
    """The fact files (now or before) whose triples may differ from those of the run that kept ``before``.

    ``digests``, ``quoted`` and ``scoped`` describe the files of ``facts`` as ``facts.digests``,
    :func:`quotes_by_file` and :func:`scopes_by_file` give them.

    Examples
    --------
    >>> from loaders import Location
    >>> facts = FactSet(files=["a.yaml", "b.yaml"], where={"p": Location("a.yaml", 3)})
    >>> kept = {name: FileState(name + "-sha", frozenset(), "s") for name in ("a.yaml", "b.yaml")}
    >>> now = {"a.yaml": "a.yaml-sha", "b.yaml": "edited"}
    >>> sorted(changed_files(kept, facts, now, {"a.yaml": set(), "b.yaml": {"p"}}, {"a.yaml": "s", "b.yaml": "s"}))
    ['a.yaml', 'b.yaml']
    """
    now = set(facts.files)
    changed = {file for file in before.keys() | now if file not in before or before[file].sha256 != digests.get(file)}
    facts_touched = {fact_id for file in changed if file in before for fact_id in before[file].quotes}
    facts_touched |= {fact_id for file in changed & now for fact_id in quoted[file]}
    rescoped = {file for file in now - changed if before[file].scopes != scoped[file]}
    return changed | rescoped | {facts.where[fact_id].path for fact_id in facts_touched if fact_id in facts.where}
