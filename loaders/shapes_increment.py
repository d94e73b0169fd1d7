"""The shapes of ``check``, kept per fact file, so that after an edit only the edited files' nodes are validated.

At 100k pledges the shapes take about 9 s on the whole set: 4 s to load its 1.35M triples into
an in-memory store, 4-5 s to run the shapes there. A one-file edit changes the results of few
nodes, and which ones follows from what a shape looks at. A focus node's results depend on its
own triples (every path is one property from it), on the triples pointing at it along an inverse
path, and on the types of the nodes its values are (``sh:class``). Every subject of the facts'
triples is the node of one fact file (:func:`loaders.rdf.nodes_by_file`), so:

* a file's triples change only when :func:`loaders.changes.changed_files` names it;
* the one inverse path of the shapes (``ag:inference``) links a fact to its own inference notes,
  nodes of the same file (:data:`SAME_FILE_LINKS`; shapes with another are run on the whole set);
* a node's type is its fact's kind, so another file's results can change only when a fact keeps
  its id and changes its kind (then everything is validated again).

After a run with a build directory, the state there (:mod:`loaders.shapes_state`) keeps each
file's digest, mentions and scopes digest (:class:`loaders.changes.FileState`), the kind of each
fact it defines, and the problems the shapes found on its nodes. The next run validates, in a
small in-memory store, the triples of the files to redo with the ontology and the facts and
sources they point at, keeps the problems of those files' own nodes, and takes every other
file's from the state. Anything that can change every result validates the whole set instead: no
state, or one that does not check out; another version of any module or Turtle file of
``loaders`` or ``ontology``, of Python, pyoxigraph, rdflib or pySHACL (whose wording the messages
use); a change to the sources or to the articles read (or a corpus given where the last check
had none, or the reverse); shapes following another property backwards; a fact whose kind changed; or an edit
touching most of the files. Tests compare each kind of edit with a clean check.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path

from loaders.changes import FileState, changed_files, quotes_by_file, scopes_by_file
from loaders.corpus import Positions
from loaders.errors import Problem
from loaders.facts import FactSet
from loaders.record_cache import loader_fingerprint
from loaders.shacl import inverse_paths
from loaders.shapes_state import ShapesState, read_state, write_state
from ontology.terms import ag

__all__ = ["SAME_FILE_LINKS", "KeptShapes", "kept_shape_problems"]

MOST = 0.5
"""Past this share of the fact files to redo, the whole set is validated (it is faster then)."""

SAME_FILE_LINKS = frozenset({ag("inference")})
"""Properties that link a node only to nodes of its own file (a fact to its inference notes,
:func:`loaders.rdf.nodes_by_file`): the shapes may follow these backwards and still validate a
file's nodes alone. Shapes with any other inverse path are run on the whole set."""


@dataclass(frozen=True)
class KeptShapes:
    """The shapes' problems, and which fact files they were found again in."""

    problems: list[Problem]
    redone: list[str] | None
    """The fact files whose nodes were validated again, the others' problems kept; None when the
    whole set was."""


@cache
def _code() -> str:
    """A digest of everything besides the facts and articles that shapes the results: every module
    and Turtle file of ``loaders`` and ``ontology``, and the versions of Python and the libraries."""
    import ontology

    digest = hashlib.sha256(f"aidgraph check shapes 1\0{loader_fingerprint()}\0{sys.version}\0".encode())
    for package in ("pyoxigraph", "rdflib", "pyshacl"):
        digest.update(f"{package} {version(package)}\0".encode())
    for folder in (Path(__file__).parent, Path(ontology.__file__).parent):
        for path in sorted([*folder.glob("*.py"), *folder.glob("*.ttl")]):
            digest.update(f"{folder.name}/{path.name}\0".encode() + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _context(facts: FactSet, articles: Mapping[str, str | None] | None) -> str:
    """The code's digest with the sources and the articles read (their quotes' positions are in
    the triples), as a build's index holds them."""
    sources = {source_id: source.model_dump(mode="json") for source_id, source in sorted(facts.sources.items())}
    digest = hashlib.sha256(_code().encode() + json.dumps(sources, sort_keys=True).encode())
    for name, sha in sorted((articles or {}).items()) if articles is not None else [("", "no corpus")]:
        digest.update(name.encode("utf-8", "surrogateescape") + b"\0" + (sha or "-").encode() + b"\0")
    return digest.hexdigest()


def kept_shape_problems(
    facts: FactSet,
    build_dir: Path,
    *,
    positions: Positions | None = None,
    articles: Mapping[str, str | None] | None = None,
) -> KeptShapes:
    """The shapes' problems on ``facts``, as :func:`loaders.shacl.check_shapes` finds them on the
    whole set, validating only what changed since the state in ``build_dir``, which is then replaced.

    ``facts`` must have been read with a cache directory (their files' ``digests`` known);
    ``positions`` and ``articles`` are the corpus check's (quote positions, and the SHA-256 of
    each article read), or None without a corpus.
    """
    context = _context(facts, articles)
    digests, quoted, scoped = facts.digests, quotes_by_file(facts), scopes_by_file(facts)
    state = read_state(build_dir)
    patched = _patched(state, facts, positions, context, quoted, scoped) if state is not None else None
    if patched is not None:
        problems, kinds, redone = patched
    else:
        problems, kinds, redone = _everything(facts, positions), _kinds(facts), None
    files = {file: FileState(digests.get(file, ""), frozenset(quoted[file]), scoped[file]) for file in facts.files}
    write_state(build_dir, ShapesState(context, files, kinds, problems))
    return KeptShapes(sorted(problem for found in problems.values() for problem in found), redone)


def _kinds(facts: FactSet, only: set[str] | None = None) -> dict[str, dict[str, str]]:
    """Fact file → each fact it defines → its kind (with ``only``, for those files alone)."""
    kinds: dict[str, dict[str, str]] = {file: {} for file in facts.files if only is None or file in only}
    for fact_id, where in facts.where.items():
        if where.path in kinds:
            kinds[where.path][fact_id] = facts.records[fact_id].kind
    return kinds


def _kinds_changed(state: ShapesState, facts: FactSet, redo: set[str]) -> bool:
    """Does a fact the files to redo defined before still exist, of another kind?

    Facts of other files may point at it, and their ``sh:class`` results depend on its kind.
    """
    for file in redo:
        for fact_id, kind in state.kinds.get(file, {}).items():
            record = facts.records.get(fact_id)
            if record is not None and record.kind != kind:
                return True
    return False


def _everything(facts: FactSet, positions: Positions | None) -> dict[str, list[Problem]]:
    """Each file's problems, from the shapes on the whole set."""
    from loaders.rdf import nodes_by_file
    from loaders.shacl import located, shape_results, shapes_store

    found = located(shape_results(shapes_store(facts, positions)), facts)
    owners = nodes_by_file(facts) if found else {}
    problems: dict[str, list[Problem]] = {file: [] for file in facts.files}
    problems[""] = []
    for focus, problem in found:
        problems[owners.get(focus, "")].append(problem)
    return problems


def _patched(
    state: ShapesState,
    facts: FactSet,
    positions: Positions | None,
    context: str,
    quoted: dict[str, set[str]],
    scoped: dict[str, str],
) -> tuple[dict[str, list[Problem]], dict[str, dict[str, str]], list[str]] | None:
    """The state's problems with those of the files to redo found again, on their nodes alone;
    with the kinds of the facts of every file, and the files redone. None when everything must be
    validated (see the module's description).

    The store holds the ontology, the files' triples and those of every fact and source they
    point at: each node of theirs has there all the triples its results depend on.
    """
    if state.context != context or not inverse_paths() <= SAME_FILE_LINKS:
        return None
    redo = changed_files(state.files, facts, facts.digests, quoted, scoped)
    if len(redo) > MOST * max(1, len(facts.files)) or _kinds_changed(state, facts, redo):
        return None
    import pyoxigraph as ox

    from loaders.rdf import (
        load_into_store,
        nodes_by_file,
        ntriples_by_file,
        ntriples_of_nodes,
    )
    from loaders.shacl import located, shape_results

    own = nodes_by_file(facts, only=redo)
    store = ox.Store()
    load_into_store(store, (text for _, text in ntriples_by_file(facts, positions=positions, only=redo)), on_disk=False)
    pointed_at = store.query(
        "SELECT DISTINCT ?o WHERE { ?s ?p ?o FILTER(isIRI(?o)) FILTER NOT EXISTS { ?o ?q ?r } }"
    )
    store.load(
        ntriples_of_nodes(facts, (row["o"].value for row in pointed_at), positions=positions).encode("utf-8"),
        format=ox.RdfFormat.N_TRIPLES,
    )
    problems = {file: list(found) for file, found in state.problems.items() if file not in redo}
    problems.update({file: [] for file in facts.files if file in redo})
    for focus, problem in located(shape_results(store, foci=own), facts, files=redo):
        problems[own[focus]].append(problem)
    kinds = {file: state.kinds[file] for file in facts.files if file not in redo} | _kinds(facts, redo)
    return problems, kinds, [file for file in facts.files if file in redo]
