"""Build the knowledge graph from a seeds directory into an Oxigraph store under ``build/``.

The facts become N-Triples text that Oxigraph bulk-loads natively (building millions of Python
term objects would cost more than the store itself). ``aidgraph build`` leaves in ``build/``:

* ``oxigraph/`` — the persisted store that ``query``, ``centrality``, ``viz`` … open read-only,
  with its manifest inside (``aidgraph-manifest.json``: the fingerprint of the inputs);
* ``aidgraph.ttl`` — the graph (facts and ontology) in Turtle, byte-identical for the same seeds;
* ``manifest.json`` — a copy of the store's manifest, written last.

Every file is replaced atomically and the store is built in a staging directory and swapped in,
so an error or an interruption leaves the previous build as it was. Builds into one directory
take turns: each holds an exclusive ``flock`` on the directory itself (no lock file is left
behind), and a second build waits up to :data:`LOCK_WAIT` seconds, then fails with one line.
Holding the lock, a build removes what killed builds left (staging stores, half-written files)
and old stores no reader holds; a terminated build (SIGTERM) removes its own staging store.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import signal
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pyoxigraph as ox

from graph.background import InBackground
from graph.cache import (
    GRAPH_FILE,
    MANIFEST_FILE,
    STORE_DIR,
    STORE_MANIFEST,
    corpus_entry,
    fingerprint,
    manifest_bytes,
    pin_store,
    with_articles,
)
from graph.counts import Counts, count_store
from graph.increment import (
    INDEX_FILE,
    BuildIndex,
    build_context,
    copy_previous,
    files_to_redo,
    index_bytes,
    patch_store,
    read_index,
    read_turtle,
)
from graph.summary import Summary, pledge_money, summary_of
from graph.turtle import TurtleParts, prologue, turtle_part
from loaders import FactSet, check_corpus, load_facts
from loaders.atomic import write_atomic
from loaders.changes import quotes_by_file, scopes_by_file
from loaders.corpus import Positions
from loaders.errors import AidgraphError
from loaders.rdf import facts_to_ntriples, load_into_store, ntriples_by_file
from loaders.text import printable

__all__ = ["LOCK_WAIT", "BuildBusyError", "BuildResult", "build", "build_store"]

LOCK_WAIT = 120.0
"""Seconds a build waits for another build of the same directory to finish before giving up."""

FORK_SUMMARY_AT = 20_000
"""Records from which the summary's money is totalled in a forked child while the build writes
(:mod:`graph.background`): at 100k pledges (210k records) a one-file edit's build took 5.1-5.6 s
with the totals after the writes and 4.6-5.2 s with them beside (four pairs); below, a fork costs
more than it saves."""

FORK_COUNT_AT = 100_000
"""Triples of the previous store from which it is copied and counted, and its Turtle file hashed,
in a forked child while the facts are read (a build updating them checks they are what its index
says: :func:`graph.increment.copy_previous`). At 100k pledges (1.55M triples) counting takes
0.37 s; counted in a thread after the facts, beside the summary's child, it cost a one-file
edit's build 0.4-0.6 s. A fork costs about 0.01 s, the count of 100k triples 0.02 s."""

_STAGING = ".oxigraph-"
_OLD = ".old-"


class BuildBusyError(AidgraphError):
    """Another build is writing the same output directory and did not finish in time."""


@dataclass
class BuildResult:
    """What a build produced: the store, the facts it came from, and the files written."""

    store: ox.Store
    facts: FactSet
    graph_path: Path
    fingerprint: str
    counts: Counts
    """The store's triples and instances per class (see :mod:`graph.counts`)."""
    summary: Summary
    """What ``aidgraph build`` prints: the counts and the money totals (:mod:`graph.summary`)."""
    corpus: dict[str, str | None] | None = None
    """The articles read (file → SHA-256 of the bytes read, None if unreadable), with a corpus."""
    rewritten: list[str] | None = None
    """When the build updated the previous one: the fact files whose part it rewrote (else None)."""


def build_store(
    seeds_dir: Path,
    corpus_dir: Path | None = None,
    *,
    path: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    articles: dict[str, str | None] | None = None,
    cache_dir: Path | None = None,
) -> tuple[ox.Store, FactSet]:
    """Load and check the facts under ``seeds_dir`` into an Oxigraph store (on disk at ``path``).

    With ``corpus_dir``, each quote found in its article gets its character offsets, and
    ``articles`` (if given) is filled with the SHA-256 of each article read; ``progress`` is
    told of each fact file read, and with ``cache_dir`` unchanged files are not read again (see
    :func:`loaders.facts.load_facts`).
    """
    facts, positions = _read_facts(seeds_dir, corpus_dir, progress, articles, cache_dir, lazy=False)
    store = ox.Store() if path is None else ox.Store(str(path))
    load_into_store(store, facts_to_ntriples(facts, positions=positions), on_disk=path is not None)
    if path is not None:
        store.optimize()
    return store, facts


def _read_facts(
    seeds_dir: Path,
    corpus_dir: Path | None,
    progress: Callable[[int, int], None] | None,
    articles: dict[str, str | None] | None,
    cache_dir: Path | None,
    *,
    lazy: bool,
) -> tuple[FactSet, Positions | None]:
    facts = load_facts(seeds_dir, progress=progress, cache_dir=cache_dir, lazy=lazy)
    if not corpus_dir:
        return facts, None
    corpus = check_corpus(facts, corpus_dir)
    if articles is not None:
        articles.update(corpus.read)
    return facts, corpus.positions


def build(
    seeds_dir: Path,
    out_dir: Path,
    corpus_dir: Path | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
    wait: float = LOCK_WAIT,
) -> BuildResult:
    """Build the store and write ``oxigraph/``, ``aidgraph.ttl`` and ``manifest.json`` into ``out_dir``.

    When ``out_dir`` holds a previous build, only the parts of the fact files an edit can have
    changed are rewritten (see :mod:`graph.increment`); the result is the same as a clean build's.

    Raises
    ------
    BuildBusyError
        When another build holds ``out_dir`` for more than ``wait`` seconds.
    FactError
        When the facts hold problems (nothing is written).
    """
    with _build_lock(out_dir, wait), _terminate_as_exit():
        _remove_debris(out_dir)
        staging = Path(tempfile.mkdtemp(prefix=_STAGING, dir=out_dir))
        try:
            key = fingerprint(seeds_dir)
            index = read_index(out_dir / STORE_DIR)
            previous = read_turtle(out_dir / GRAPH_FILE, index) if index is not None else None
            if previous is None:
                index = None  # no previous build to update
            counting = index is not None and index.counts.triples >= FORK_COUNT_AT
            # Asked for only when there is a previous build (then ``previous`` is its Turtle file).
            copying = partial(copy_previous, out_dir / STORE_DIR, staging, previous or b"")
            with InBackground(copying, fork=counting) as copied:
                articles: dict[str, str | None] = {}
                # A patch reads the records of the files it redoes; the money's child unpickles the
                # rest beside it. A clean build reads them all here, before that child forks.
                facts, positions = _read_facts(seeds_dir, corpus_dir, progress, articles, out_dir, lazy=index is not None)
                if index is not None and copied.result() != (index.counts.triples, index.turtle[0]):
                    index = previous = None  # the store or the Turtle file changed since the build
            with InBackground(partial(pledge_money, facts), fork=len(facts.records) >= FORK_SUMMARY_AT) as money:
                if fingerprint(seeds_dir) != key:  # the manifest must describe what was read
                    where = printable(str(out_dir))
                    raise AidgraphError(f"the fact files changed while {where} was built: build again")
                corpus = articles if corpus_dir is not None else None
                key = with_articles(key, corpus)
                context = build_context(facts, corpus_entry(corpus_dir, corpus))
                quoted, scoped = quotes_by_file(facts), scopes_by_file(facts)
                redo = files_to_redo(index, facts, facts.digests, quoted, scoped, context)
                written = None
                if index is not None and previous is not None and redo is not None:
                    try:
                        written = _write_patched(staging, index, previous, facts, positions, redo)
                    except (OSError, RuntimeError):  # the copy cannot be written, or is corrupted: build afresh
                        redo = None
                if written is None:
                    shutil.rmtree(staging)  # it may hold the previous store's copy
                    staging.mkdir()
                    written = _write_clean(staging, facts, positions)
                store, parts, counts = written
                del store, written  # close the staging store before it moves
                turtle = parts.data()
                manifest = manifest_bytes(
                    key, facts.files, corpus is not None, corpus_dir=corpus_dir, corpus=corpus, store_id=uuid.uuid4().hex
                )
                (staging / STORE_MANIFEST).write_bytes(manifest)  # the store carries its own manifest
                (staging / INDEX_FILE).write_bytes(index_bytes(facts, facts.digests, quoted, scoped, context, parts.spans, turtle, parts.prologue, counts))
                (out_dir / MANIFEST_FILE).unlink(missing_ok=True)  # the copy is stale until the end
                write_atomic(out_dir / GRAPH_FILE, turtle)
                _replace_directory(staging, out_dir / STORE_DIR)
                write_atomic(out_dir / MANIFEST_FILE, manifest)
                summary = summary_of(counts, money.result())
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        pinned = pin_store(out_dir / STORE_DIR)  # still under the lock: the store just built
    store = ox.Store.read_only(pinned or str(out_dir / STORE_DIR))
    rewritten = None if redo is None else sorted(redo & set(facts.files))
    return BuildResult(store, facts, out_dir / GRAPH_FILE, key, counts, summary, corpus, rewritten)


Written = tuple[ox.Store, TurtleParts, Counts]
"""A build's new store, its Turtle file's parts, and the store's counts."""


def _write_clean(staging: Path, facts: FactSet, positions: Positions | None) -> Written:
    """A new store in ``staging`` and the Turtle file's parts, from every fact file."""
    store = ox.Store(str(staging))
    parts = TurtleParts(prologue())

    def texts() -> Iterator[str]:
        for file, text in ntriples_by_file(facts, positions=positions):
            parts.add(file, turtle_part(text))
            yield text

    load_into_store(store, texts(), on_disk=True)
    store.optimize()
    return store, parts, count_store(store)


def _write_patched(
    staging: Path,
    index: BuildIndex,
    previous: bytes,
    facts: FactSet,
    positions: Positions | None,
    redo: set[str],
) -> Written:
    """The previous build's store (its copy in ``staging``) and Turtle file with the parts of the
    files ``redo`` rewritten."""
    texts = dict(ntriples_by_file(facts, positions=positions, only=redo))
    parts = TurtleParts(previous[: index.prologue])
    for file in facts.files:
        offset, length = index.files[file].span if file not in texts else (0, 0)
        parts.add(file, turtle_part(texts[file]) if file in texts else previous[offset : offset + length])
    spans = [index.files[file].span for file in sorted(redo) if file in index.files]
    removed = [previous[o : o + n] for o, n in spans]
    store, counts = patch_store(staging, removed, texts.values(), index.counts)
    return store, parts, counts


@contextmanager
def _build_lock(out_dir: Path, wait: float) -> Iterator[None]:
    """Hold the exclusive build lock of ``out_dir`` (made if missing), waiting up to ``wait`` seconds."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(out_dir, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as err:
        raise AidgraphError(f"cannot build into {printable(str(out_dir))}: {err.strerror or err}") from None
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as err:
                if err.errno not in (errno.EWOULDBLOCK, errno.EAGAIN) or time.monotonic() >= deadline:
                    if err.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                        raise
                    raise BuildBusyError(
                        f"another build is writing {printable(str(out_dir))} (waited {wait:g} s): try again when it has finished"
                    ) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # releases the lock


@contextmanager
def _terminate_as_exit() -> Iterator[None]:
    """Turn SIGTERM into SystemExit while building, so a terminated build removes its staging store.

    Only in the main thread and only where SIGTERM has its default action (a host application's
    own handler is left alone). SIGKILL cannot be caught: the next build removes what it leaves.
    """
    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGTERM) != signal.SIG_DFL:
        yield
        return

    def leave(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, leave)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _remove_debris(out_dir: Path) -> None:
    """Remove what killed builds left in ``out_dir``; the caller holds the build lock.

    Staging stores and half-written outputs can only belong to a build that held the lock, so
    all of them are dead. An old store is removed only when no reader holds it (a reader keeps a
    shared lock on the store directory while it reads; see :mod:`graph.cache`).
    """
    for entry in out_dir.iterdir():
        name = entry.name
        if name.startswith(_STAGING) and entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        elif name.startswith(_OLD) and entry.is_dir() and not entry.is_symlink():
            _remove_unless_read(entry, entry / STORE_DIR)
        elif name.startswith((f".{GRAPH_FILE}.", f".{MANIFEST_FILE}.")) and name.endswith(".tmp"):
            entry.unlink(missing_ok=True)


def _remove_unless_read(folder: Path, store_dir: Path) -> bool:
    """Delete ``folder`` unless a reader holds ``store_dir`` (its shared lock); True if deleted."""
    try:
        fd = os.open(store_dir, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)  # no store inside: nothing can be reading it
        return True
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False  # in use: the next build will look again
        shutil.rmtree(folder, ignore_errors=True)
        return True
    finally:
        os.close(fd)


def _replace_directory(new: Path, target: Path) -> None:
    """Put ``new`` in place of ``target`` with renames, so readers see the old or the new, whole.

    The old directory is deleted at once unless a reader holds it; then a later build does.
    """
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=_OLD, dir=target.parent))
        target.rename(old / target.name)
    new.rename(target)
    if old is not None:
        _remove_unless_read(old, old / target.name)
