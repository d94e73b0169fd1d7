"""A per-file cache of validated records, so editing one fact file re-reads only that file.

Reading and validating YAML is most of a build's time (at 100k pledges, seconds per thousand
entries). Each fact file's validated entries are kept, pickled, under the build directory, keyed
by the file's path and the SHA-256 of its bytes; a key also holds a fingerprint of everything
that shapes a result — the loader's source code, the ontology, the shapes and the versions of
pydantic and PyYAML — so a change to any of them invalidates every entry. Only files that read
without a problem are cached (a file with problems is read again, and reports them again).

The cache lives in the build directory, which is as trusted as the code that writes it: a
pickle there runs code when loaded, like anything else in ``build/`` or the virtualenv.

Examples
--------
>>> import tempfile
>>> cache = RecordCache(Path(tempfile.mkdtemp()))
>>> cache.get("seeds/x.yaml", b"pledges: []\\n") is None
True
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["CACHE_DIR", "RecordCache", "loader_fingerprint"]

CACHE_DIR = "records"
"""Name of the cache's directory inside a build directory."""

_SOURCES = ("errors.py", "facts.py", "paths.py", "records.py", "record_cache.py", "values.py", "yamlsource.py")


@cache
def loader_fingerprint() -> str:
    """A digest of what a file's validated records depend on besides the file itself.

    Examples
    --------
    >>> len(loader_fingerprint())
    64
    """
    from importlib.metadata import version

    from ontology import ontology_path, shapes_path

    digest = hashlib.sha256(b"aidgraph record cache 1\0")
    here = Path(__file__).parent
    for path in [*(here / name for name in _SOURCES), ontology_path(), shapes_path()]:
        digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    for package in ("pydantic", "pydantic-core", "PyYAML"):
        digest.update(f"{package} {version(package)}\0".encode())
    return digest.hexdigest()


class RecordCache:
    """Validated results of fact files, one pickle per file, under ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory / CACHE_DIR
        self.hits = 0
        self.misses = 0

    def _entry(self, file: str) -> Path:
        name = hashlib.sha256(f"{loader_fingerprint()}\0{file}".encode()).hexdigest()
        return self.directory / f"{name}.pickle"

    @staticmethod
    def key(content: bytes) -> str:
        """The content part of a key: the SHA-256 of the file's bytes."""
        return hashlib.sha256(content).hexdigest()

    def get(self, file: str, content: bytes) -> Any | None:
        """The cached result for ``file`` if it was made from exactly ``content``, else None."""
        try:
            with open(self._entry(file), "rb") as handle:
                stored_key, result = pickle.load(handle)
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
            self.misses += 1
            return None
        if stored_key != self.key(content):
            self.misses += 1
            return None
        self.hits += 1
        return result

    def put(self, file: str, content: bytes, result: Any) -> None:
        """Keep ``result`` for ``file`` as read from ``content`` (written atomically)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        target = self._entry(file)
        fd, temp = tempfile.mkstemp(prefix=".tmp-", dir=self.directory)
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump((self.key(content), result), handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    def prune(self, files: list[str]) -> None:
        """Remove entries of files no longer among ``files`` (and of older loader versions)."""
        if not self.directory.is_dir():
            return
        keep = {self._entry(file).name for file in files}
        for path in self.directory.glob("*.pickle"):
            if path.name not in keep:
                path.unlink(missing_ok=True)
