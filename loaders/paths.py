"""Where fact files are: a dependency-free helper shared by the loader and the build cache."""

from __future__ import annotations

from pathlib import Path

__all__ = ["fact_files"]


def fact_files(seeds_dir: Path) -> list[Path]:
    """The fact files under ``seeds_dir`` (``*.yaml`` and ``*.yml``, recursively), sorted."""
    return sorted(p for p in seeds_dir.rglob("*") if p.suffix in {".yaml", ".yml"} and p.is_file())
