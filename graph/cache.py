"""Is ``build/`` current? A content fingerprint of the inputs, kept in ``build/manifest.json``.

Commands that read the graph reuse the built Turtle only when the fingerprint of the fact files
and the ontology still matches, so an edit to a fact is never missed (content, not timestamps,
decides). This module imports nothing heavy: checking the cache must stay cheaper than a build.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from loaders.paths import fact_files
from ontology import ontology_path

__all__ = ["GRAPH_FILE", "MANIFEST_FILE", "STORE_DIR", "current_build", "fingerprint", "manifest_bytes"]

GRAPH_FILE = "aidgraph.ttl"
MANIFEST_FILE = "manifest.json"
STORE_DIR = "oxigraph"
_FORMAT_VERSION = "2"


def fingerprint(seeds_dir: Path) -> str:
    """A SHA-256 over the fact files (names and bytes) and the ontology.

    Examples
    --------
    >>> import tempfile
    >>> empty = Path(tempfile.mkdtemp())
    >>> fingerprint(empty) == fingerprint(empty)
    True
    """
    digest = hashlib.sha256(_FORMAT_VERSION.encode())
    digest.update(hashlib.sha256(ontology_path().read_bytes()).digest())
    for path in fact_files(seeds_dir) if seeds_dir.is_dir() else []:
        digest.update(path.relative_to(seeds_dir).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def manifest_bytes(key: str, files: list[str], with_positions: bool) -> bytes:
    """The manifest written beside a build."""
    manifest = {"format": _FORMAT_VERSION, "fingerprint": key, "quote_positions": with_positions, "files": files}
    return (json.dumps(manifest, indent=2) + "\n").encode()


def current_build(seeds_dir: Path, build_dir: Path) -> Path | None:
    """``build_dir`` if it holds a complete build of exactly these seeds, else None."""
    try:
        manifest = json.loads((build_dir / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    complete = (build_dir / GRAPH_FILE).is_file() and (build_dir / STORE_DIR).is_dir()
    if not complete or manifest.get("format") != _FORMAT_VERSION:
        return None
    return build_dir if manifest.get("fingerprint") == fingerprint(seeds_dir) else None
