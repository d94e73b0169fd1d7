"""Is ``build/`` current? A content fingerprint of the inputs, kept in the store it describes.

Commands that read the graph reuse the built store only when the fingerprint of the fact files,
the ontology and the articles the build read (with ``--corpus``) still matches, so an edit to a
fact or an article is never missed (content, not timestamps, decides).

The manifest that says what a store holds is written *inside* the store's directory before the
store is swapped in, so a manifest can never sit beside another build's store. A reader pins the
store directory it checked (an open descriptor with a shared ``flock``), reads the manifest
through that descriptor and opens the store through it too: a build swapping in a new store
meanwhile changes nothing the reader sees, and a build deletes an old store only once no reader
holds it (see :mod:`graph.build`). ``build/manifest.json`` is a copy for people and tools.

This module imports nothing heavy: checking the cache must stay cheaper than a build.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from loaders.paths import (
    MAX_ARTICLE_BYTES,
    MAX_FILE_BYTES,
    ReadRefused,
    read_inside,
    read_regular,
    scan_fact_files,
)
from ontology import ontology_path

__all__ = [
    "GRAPH_FILE",
    "MANIFEST_FILE",
    "STORE_DIR",
    "STORE_MANIFEST",
    "corpus_entry",
    "current_build",
    "fingerprint",
    "manifest_bytes",
    "pin_current_store",
    "pin_store",
    "read_corpus_digests",
    "with_articles",
]

GRAPH_FILE = "aidgraph.ttl"
MANIFEST_FILE = "manifest.json"
STORE_DIR = "oxigraph"
STORE_MANIFEST = "aidgraph-manifest.json"
"""The manifest inside the store directory: the one readers trust."""
_FORMAT_VERSION = "3"

_PINNED: dict[tuple[int, int], int] = {}
"""Store directories this process reads: (device, inode) → descriptor holding a shared lock.

A store opened through ``/proc/self/fd/N`` needs descriptor N for as long as the store is used,
and pyoxigraph's Store cannot carry it or be watched for its end, so a pin lasts as long as the
process; one per store directory, however often it is opened.
"""


def fingerprint(seeds_dir: Path, corpus: dict[str, str | None] | None = None) -> str:
    """A SHA-256 over the fact files (names and bytes), the ontology and the articles read.

    ``corpus`` maps each article file a build read to the SHA-256 of its bytes (None when it
    could not be read). Entries named like fact files that cannot be read count by name and
    reason, so adding a broken link makes the build stale too.

    Examples
    --------
    An edit to a fact file, like a change in an article, gives another fingerprint:

    >>> import tempfile
    >>> seeds = Path(tempfile.mkdtemp())
    >>> _ = (seeds / "facts.yaml").write_text("pledges: []")
    >>> before = fingerprint(seeds)
    >>> _ = (seeds / "facts.yaml").write_text("pledges: [] ")
    >>> before == fingerprint(seeds)
    False
    >>> fingerprint(seeds, {"a.txt": "00"}) == fingerprint(seeds, {"a.txt": "01"})
    False
    """
    return with_articles(_seeds_key(seeds_dir), corpus)


def _seeds_key(seeds_dir: Path) -> str:
    """The fingerprint of the seeds without articles: the ontology, each fact file's name and bytes."""
    digest = hashlib.sha256(_FORMAT_VERSION.encode())
    digest.update(hashlib.sha256(ontology_path().read_bytes()).digest())
    scan = scan_fact_files(seeds_dir) if seeds_dir.is_dir() else None
    for path in scan.files if scan else []:
        digest.update(path.relative_to(seeds_dir).as_posix().encode("utf-8", "surrogateescape") + b"\0")
        try:
            digest.update(hashlib.sha256(read_regular(path, MAX_FILE_BYTES, "fact file")).digest())
        except ReadRefused as err:
            digest.update(b"refused\0" + err.reason.encode())
    for path, reason in scan.refused if scan else []:
        digest.update(b"refused\0" + str(path).encode("utf-8", "surrogateescape") + b"\0" + reason.encode())
    return digest.hexdigest()


def with_articles(key: str, corpus: dict[str, str | None] | None) -> str:
    """The fingerprint ``key`` of the seeds extended by the articles a build read (unchanged without)."""
    if corpus is None:
        return key
    digest = hashlib.sha256(key.encode())
    for name, sha in sorted(corpus.items()):
        digest.update(b"article\0" + name.encode("utf-8", "surrogateescape") + b"\0" + (sha or "-").encode())
    return digest.hexdigest()


def read_corpus_digests(corpus_dir: Path, names: list[str]) -> dict[str, str | None]:
    """The SHA-256 of each article ``names`` in ``corpus_dir`` now (None when unreadable)."""
    digests: dict[str, str | None] = {}
    for name in names:
        try:
            digests[name] = hashlib.sha256(read_inside(corpus_dir, name, MAX_ARTICLE_BYTES, "article")).hexdigest()
        except ReadRefused:
            digests[name] = None
    return digests


def manifest_bytes(
    key: str,
    files: list[str],
    with_positions: bool,
    *,
    corpus_dir: Path | None = None,
    corpus: dict[str, str | None] | None = None,
    store_id: str = "",
) -> bytes:
    """The manifest of a build: what it was built from, to tell later whether it is current."""
    manifest: dict[str, Any] = {
        "format": _FORMAT_VERSION,
        "store_id": store_id,
        "fingerprint": key,
        "quote_positions": with_positions,
        "corpus": corpus_entry(corpus_dir, corpus),
        "files": files,
    }
    return (json.dumps(manifest, indent=2) + "\n").encode()


def corpus_entry(corpus_dir: Path | None, corpus: dict[str, str | None] | None) -> dict[str, Any] | None:
    """The manifest's record of the articles a build read: their directory and digests (None without)."""
    return None if corpus_dir is None else {"dir": str(corpus_dir.resolve()), "files": corpus or {}}


def _is_current(manifest: Any, seeds_dir: Path) -> bool:
    """Does ``manifest`` describe a build of exactly these seeds and the articles as they are now?"""
    if not isinstance(manifest, dict) or manifest.get("format") != _FORMAT_VERSION:
        return False
    corpus = manifest.get("corpus")
    digests = None
    if isinstance(corpus, dict) and isinstance(corpus.get("files"), dict):
        digests = read_corpus_digests(Path(str(corpus.get("dir"))), sorted(corpus["files"]))
    elif corpus is not None:
        return False
    return manifest.get("fingerprint") == fingerprint(seeds_dir, digests)


def _read_json(path: str | Path) -> Any:
    try:
        return json.loads(read_regular(Path(path), 1 << 20, "manifest"))
    except (ReadRefused, ValueError):
        return None


def current_build(seeds_dir: Path, build_dir: Path) -> Path | None:
    """``build_dir`` if its store holds a complete build of exactly these seeds, else None.

    An answer for deciding whether to build; to read the store, use :func:`pin_current_store`,
    which checks and opens the same directory.
    """
    if not (build_dir / GRAPH_FILE).is_file():
        return None
    return build_dir if _is_current(_read_json(build_dir / STORE_DIR / STORE_MANIFEST), seeds_dir) else None


def pin_current_store(seeds_dir: Path, build_dir: Path) -> str | None:
    """A path to open the store of ``build_dir`` with, if it is current for ``seeds_dir``; else None.

    The path leads through a pinned descriptor of the directory whose manifest was checked
    (``/proc/self/fd/N`` on Linux), so the store opened is the one the manifest describes even if
    a build swaps in another meanwhile, and no build deletes it while this process runs.
    """
    pinned = pin_store(build_dir / STORE_DIR)
    if pinned is None or not _is_current(_read_json(f"{pinned}/{STORE_MANIFEST}"), seeds_dir):
        return None
    return pinned


def pin_store(target: Path) -> str | None:
    """A path to open the store directory ``target`` through, pinned as it is now; None if missing.

    The directory stays readable through the path for as long as this process runs: builds
    swap in other stores beside it but do not delete one a reader holds.
    """
    for _ in range(5):  # a build swapped the directory between opening and locking it: look again
        fd, key, fresh = _pin(target)
        if fd is None:
            return None
        try:
            now = os.stat(target)
        except OSError:
            now = None
        if now is not None and (now.st_dev, now.st_ino) == key:
            return f"/proc/self/fd/{fd}" if os.path.isdir(f"/proc/self/fd/{fd}") else str(target)
        if fresh:
            os.close(_PINNED.pop(key))
    return None


def _pin(directory: Path) -> tuple[int | None, tuple[int, int], bool]:
    """An open, share-locked descriptor of ``directory`` (one per directory per process), its
    (device, inode), and whether this call pinned it."""
    try:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return None, (0, 0), False
    info = os.fstat(fd)
    key = (info.st_dev, info.st_ino)
    if key in _PINNED:
        os.close(fd)
        return _PINNED[key], key, False
    fcntl.flock(fd, fcntl.LOCK_SH)  # waits only while a build deletes this (old) store
    _PINNED[key] = fd
    return fd, key, True
