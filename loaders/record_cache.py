"""A per-file cache of validated records, so editing one fact file re-reads only that file.

Reading and validating YAML is most of a build's time (at 100k pledges, seconds per thousand
entries). Each fact file's validated entries are kept, pickled, under the build directory, keyed
by the file's path and the SHA-256 of its bytes; a key also holds a fingerprint of everything
that shapes a result — the loader's source code, the ontology, the shapes and the versions of
pydantic and PyYAML — so a change to any of them invalidates every entry. Only files that read
without a problem are cached (a file with problems is read again, and reports them again).
Inside an entry, the file's records are a pickle of their own: the rest (each fact's sketch, its
sources, mentions and references) is what the checks across files read, and the records are
unpickled (:func:`restricted_loads`) only when something asks for one of them.

An entry is read as a regular file of at most :data:`MAX_ENTRY_BYTES`, checked against the
SHA-256 written before its pickle, and unpickled with only the classes a cached result is made
of (the loader's own records, locations and results, and ``Decimal``): a damaged entry (a byte
changed, cut short) or a hand-made one (naming ``os.system``, claiming a gigabyte-long bytes
object, holding another type of result) is a miss, and the file is read again. The digest
detects damage, not forgery: an entry made by hand with a matching digest is taken as the
loader's (its fields are not validated again), and such a pickle can still ask for gigabytes of
memo, hash nested tuples for hours or crash the interpreter; so the build directory stays as
trusted as the code.

Examples
--------
>>> import tempfile
>>> cache = RecordCache(Path(tempfile.mkdtemp()))
>>> cache.get("seeds/x.yaml", b"pledges: []\\n", dict) is None
True
"""

from __future__ import annotations

import hashlib
import importlib
import io
import pickle
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from loaders.atomic import remove_stale, write_atomic
from loaders.paths import MAX_FILE_BYTES, ReadRefused, read_regular

__all__ = ["CACHE_DIR", "MAX_ENTRY_BYTES", "RecordCache", "loader_fingerprint", "restricted_loads"]

CACHE_DIR = "records"
"""Name of the cache's directory inside a build directory."""

MAX_ENTRY_BYTES = 4 * MAX_FILE_BYTES
"""The largest entry read: a fact file's entry is about 1.3 times its YAML (500 KB for 1,000 pledges)."""

_CLASS_MODULES = frozenset({"loaders.errors", "loaders.facts", "loaders.records"})
"""The modules whose classes a cached result is made of (with ``decimal.Decimal``)."""

_DAMAGED = (
    EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ArithmeticError, LookupError,
    MemoryError, RecursionError,
)
"""What unpickling a hand-made entry whose digest matches can raise (truncated, sizes past memory
or ``sys.maxsize``, wrong states, memo indexes out of range), found by fuzzing: each is a miss."""

_TEMPORARY = ".tmp-record-"
"""How an entry being written is named until it is complete."""

_DIGEST = 32
"""An entry is the SHA-256 of its pickle (32 bytes), then the pickle: a damaged byte is a miss."""

T = TypeVar("T")

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

    def get(self, file: str, content: bytes, kind: type[T]) -> T | None:
        """The cached result for ``file`` if it was made from exactly ``content`` and is a ``kind``, else None."""
        try:
            entry = read_regular(self._entry(file), MAX_ENTRY_BYTES, "record cache entry")
            pickled = memoryview(entry)[_DIGEST:]  # hashed in place; the unpickler's buffer is its one copy
            if hashlib.sha256(pickled).digest() != entry[:_DIGEST]:
                raise pickle.UnpicklingError("damaged: its digest does not match")
            stored_key, result = _EntryUnpickler(io.BytesIO(pickled)).load()
        except (ReadRefused, *_DAMAGED):
            self.misses += 1
            return None
        if stored_key != self.key(content) or not isinstance(result, kind):
            self.misses += 1
            return None
        self.hits += 1
        return result

    def put(self, file: str, content: bytes, result: Any) -> None:
        """Keep ``result`` for ``file`` as read from ``content`` (written atomically)."""
        pickled = pickle.dumps((self.key(content), result), protocol=pickle.HIGHEST_PROTOCOL)
        write_atomic(self._entry(file), hashlib.sha256(pickled).digest() + pickled, prefix=_TEMPORARY, mode=0o600, durable=False)

    def prune(self, files: list[str]) -> None:
        """Remove entries of files no longer among ``files`` (and of older loader versions), and
        what killed writers left (:func:`loaders.atomic.remove_stale`)."""
        if not self.directory.is_dir():
            return
        keep = {self._entry(file).name for file in files}
        for path in self.directory.glob("*.pickle"):
            if path.name not in keep:
                path.unlink(missing_ok=True)
        remove_stale(self.directory, _TEMPORARY)


def restricted_loads(data: bytes) -> Any:
    """Unpickle ``data`` allowing only the classes a cached result is made of; None when it cannot be.

    For a part of a result pickled apart from the rest (a file's records, unpickled only when
    asked for): its bytes were inside an entry whose digest checked out, so only a hand-made
    entry gets None here, and the caller reads the file again (as for any miss).
    """
    try:
        return _EntryUnpickler(io.BytesIO(data)).load()
    except _DAMAGED:
        return None


class _EntryUnpickler(pickle.Unpickler):
    """Unpickles only the classes a cached result is made of, so an entry cannot run code."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("decimal", "Decimal") or module in _CLASS_MODULES:
            found = getattr(importlib.import_module(module), name, None)
            if isinstance(found, type) and found.__module__ == module:
                return found
        raise pickle.UnpicklingError(f"a record cache entry may not name {module}.{name}")
