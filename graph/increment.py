"""What a build leaves beside its store so that the next one rewrites only what an edit changed.

A build's store directory holds, beside its manifest, ``aidgraph-index.json``: the SHA-256 of
each fact file read and where its part sits in ``aidgraph.ttl`` (see :mod:`graph.turtle`), the
facts each file quotes that another file defines, a digest of the scopes of the pledges each file
defines, the sources and the articles read, and the store's counts (:mod:`graph.counts`). The
next build of the same directory reads the facts as always (through the per-file record cache),
then :func:`files_to_redo` says whose parts may have changed (the rules of
:func:`loaders.changes.changed_files`: the files edited, those whose facts they quote, those
whose pledges' scopes changed).

The new store is a copy of the previous one (Oxigraph's backup: hard links, at once, taken
while the facts are read: :func:`copy_previous`) with those parts' old triples (parsed back from
the previous Turtle file) removed and their new triples added (:func:`patch_store`, which moves
the counts by what it changed); the Turtle file is the previous one with those parts replaced.
Whatever can change every part makes the build a clean one instead: another version of the
loader, of this code, of the ontology or shapes, or of pyoxigraph; a change to the sources, the
articles read or where they are; an index or Turtle file that does not check out, a previous
store that cannot be opened, copied or read, or whose copy's number of triples is not the one
its index records (the store was changed since its build: patching it would keep that change);
or an edit that touches most of the parts (a clean build is faster then). Tests compare each
kind of edit with a clean build, byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph.counts import Counts, Tally
from graph.turtle import header
from loaders import FactSet
from loaders.changes import FileState, changed_files
from loaders.paths import ReadRefused, read_regular
from loaders.record_cache import loader_fingerprint

__all__ = [
    "INDEX_FILE",
    "BuildIndex",
    "build_context",
    "copy_previous",
    "files_to_redo",
    "index_bytes",
    "patch_store",
    "read_index",
    "read_turtle",
]

INDEX_FILE = "aidgraph-index.json"
"""The index inside the store directory, written with the store's manifest."""
MAX_INDEX_BYTES = 512 << 20
"""An index larger than this is not read (about 40 MB at 300k pledges)."""
MOST = 0.5
"""Past this share of the Turtle file to rewrite, the build is a clean one."""


@cache
def code_version() -> str:
    """A digest of everything that shapes a build's triples and Turtle besides the facts.

    Examples
    --------
    >>> len(code_version())
    64
    """
    from loaders import changes, rdf

    digest = hashlib.sha256(f"aidgraph build index 1\0{loader_fingerprint()}\0pyoxigraph {version('pyoxigraph')}\0".encode())
    here = Path(__file__).parent
    for path in (Path(rdf.__file__), Path(changes.__file__), here / "turtle.py", here / "counts.py", Path(__file__)):
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@dataclass(frozen=True)
class FilePart(FileState):
    """One fact file as the previous build read it, and where its part sits in the Turtle file."""

    span: tuple[int, int] = (0, 0)
    """(offset, length) of its part in the Turtle file."""


@dataclass(frozen=True)
class BuildIndex:
    """What the previous build read and wrote (see the module's description)."""

    context: dict[str, Any]
    """What must be the same for a build to reuse this one: code, sources, articles."""
    files: dict[str, FilePart]
    turtle: tuple[str, int]
    """SHA-256 and size of the Turtle file written."""
    prologue: int
    """Bytes of prefix lines and ontology the Turtle file begins with."""
    counts: Counts
    """The store's triples and instances per class."""


def build_context(facts: FactSet, corpus: dict[str, Any] | None) -> dict[str, Any]:
    """What a build's parts depend on besides their own facts (``corpus``: the manifest's entry)."""
    sources = {source_id: source.model_dump(mode="json") for source_id, source in sorted(facts.sources.items())}
    return {"code": code_version(), "sources": sources, "corpus": corpus}


def index_bytes(
    facts: FactSet,
    digests: dict[str, str],
    quoted: dict[str, set[str]],
    scoped: dict[str, str],
    context: dict[str, Any],
    spans: dict[str, tuple[int, int]],
    turtle: bytes,
    prologue: int,
    counts: Counts,
) -> bytes:
    """The index of a build that read ``facts`` (files with SHA-256 ``digests``, quoting ``quoted``,
    their pledges' scopes digested as ``scoped``), wrote ``turtle`` and a store of ``counts``."""
    index = {
        "context": context,
        "files": {
            file: {
                "sha256": digests.get(file, ""),  # none: read only at a second try, so redone next time
                "span": list(spans[file]),
                "quotes": sorted(quoted[file]),
                "scopes": scoped[file],
            }
            for file in facts.files
        },
        "turtle": [hashlib.sha256(turtle).hexdigest(), len(turtle)],
        "prologue": prologue,
        "counts": counts.to_json(),
    }
    return (json.dumps(index, separators=(",", ":")) + "\n").encode()


def read_index(store_dir: Path) -> BuildIndex | None:
    """The index in ``store_dir``, or None when it is missing or not one this code wrote."""
    try:
        raw = json.loads(read_regular(store_dir / INDEX_FILE, MAX_INDEX_BYTES, "build index"))
        files = {
            str(file): FilePart(
                str(part["sha256"]), frozenset(map(str, part["quotes"])), str(part["scopes"]), _span(part["span"])
            )
            for file, part in raw["files"].items()
        }
        sha, size = raw["turtle"]
        counts = Counts.from_json(raw["counts"])
        index = BuildIndex(raw["context"], files, (str(sha), int(size)), int(raw["prologue"]), counts)
    except (ReadRefused, ValueError, KeyError, TypeError, AttributeError, OverflowError, RecursionError):
        return None  # OverflowError: a span of Infinity; RecursionError: JSON nested past Python's stack
    return index if _tiles(index) else None


def _tiles(index: BuildIndex) -> bool:
    """Do the files' parts follow one another from the prologue to the end of the Turtle file?"""
    end = index.prologue
    for part in index.files.values():
        if part.span[0] != end:
            return False
        end += part.span[1]
    return end == index.turtle[1]


def _span(value: Any) -> tuple[int, int]:
    offset, length = (int(v) for v in value)
    if offset < 0 or length < 0:
        raise ValueError("negative span")
    return offset, length


def read_turtle(path: Path, index: BuildIndex) -> bytes | None:
    """The Turtle file at ``path`` if it has the size ``index`` describes, else None.

    Its SHA-256 is for the caller to compare with the index's (:func:`copy_previous`).
    """
    try:
        data = read_regular(path, index.turtle[1], "Turtle file")
    except ReadRefused:
        return None
    return data if len(data) == index.turtle[1] else None


def files_to_redo(
    index: BuildIndex | None,
    facts: FactSet,
    digests: dict[str, str],
    quoted: dict[str, set[str]],
    scoped: dict[str, str],
    context: dict[str, Any],
) -> set[str] | None:
    """The fact files (now or before) whose Turtle parts and triples may differ from ``index``'s build.

    None when the build must be a clean one (see the module's description).
    """
    if index is None or index.context != context:
        return None
    redo = changed_files(index.files, facts, digests, quoted, scoped)
    rewritten = sum(index.files[file].span[1] for file in redo if file in index.files)
    return redo if rewritten <= MOST * max(1, index.turtle[1] - index.prologue) else None


def copy_previous(store_dir: Path, target: Path, turtle: bytes) -> tuple[int | None, str]:
    """Copy the store at ``store_dir`` into the directory ``target`` (replaced) and count the
    copy's triples (None when the store cannot be opened, copied or read: ``target`` is then left
    empty); with the SHA-256 of ``turtle``. What a build compares with its index before it patches
    the copy and the Turtle file.

    Oxigraph's backup makes hard links, at once, and the build patches this copy: what is counted
    is what is changed, whatever is written to ``store_dir`` meanwhile. At 100k pledges counting
    takes 0.37 s and hashing the Turtle file 0.1 s; a build does all of it in a child forked
    before it opens any store, while it reads the facts (see :func:`graph.build.build`).

    Examples
    --------
    >>> import tempfile
    >>> copy = Path(tempfile.mkdtemp()) / "copy"
    >>> copy_previous(copy.parent / "no-store", copy, b"")[0] is None, sorted(copy.iterdir())
    (True, [])
    """
    digest = hashlib.sha256(turtle).hexdigest()
    shutil.rmtree(target, ignore_errors=True)  # the backup makes it (and a failed try left it so)
    try:
        ox.Store.read_only(str(store_dir)).backup(str(target))
        return len(ox.Store.read_only(str(target))), digest
    except (OSError, RuntimeError):  # RuntimeError: pyoxigraph's word for a corrupted store
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir()
        return None, digest


def patch_store(
    store_dir: Path, removed: Iterable[bytes], added: Iterable[str], counts: Counts
) -> tuple[ox.Store, Counts]:
    """The store at ``store_dir`` (a copy of the previous build's, of ``counts``, which the caller
    checked are its own) with triples replaced, and its counts now.

    ``removed`` are Turtle parts of the previous build (without prefix lines) whose triples go,
    ``added`` N-Triples texts whose triples come in their place. A triple counts as removed only
    if the store holds it, as added only if it does not yet, asked one at a time: two spellings of
    one value (``"1.0"`` and ``"1"`` as decimals) are one triple in the store, and the second is
    found there.
    """
    store = ox.Store(str(store_dir))
    tally = Tally(counts)
    for part in removed:
        for quad in ox.parse(header() + part, format=ox.RdfFormat.TURTLE):
            if quad in store:
                store.remove(quad)
                tally.removed(quad)
    for text in added:
        for quad in dict.fromkeys(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)):  # once each
            if quad not in store:
                store.add(quad)
                tally.added(quad)
    # Written out of the write-ahead log: the next update backs this store up from a read-only
    # open, and a backup made so holds only what is flushed (without this, a second update lost
    # the first's changes).
    store.flush()
    return store, tally.counts()
