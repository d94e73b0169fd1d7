"""The evidence site: a static folder with a page for every entity and article, that works offline.

``write_site`` writes, under one folder that works from ``file://``, a USB stick or any static
host (no server, nothing fetched):

* ``index.html`` — counts by class, the money in brief, the sources, and a search by any name;
* ``id/<id>.html`` (+ ``.ttl``, ``.jsonld``) — one page per entity, at a path mirroring its IRI;
* ``source/<id>.html`` — one page per article, its text highlighted when built with the corpus;
* ``class/<Class>.html`` — the members of each class; ``ontology.html`` — what the words mean;
* ``network.html``, ``money.html``, ``timeline.html`` — the pictures, linked both ways;
* ``assets/`` — one copy of each script library and the site's own style and scripts.

The same facts give the same bytes. Modules: :mod:`.data` (the graph read once), :mod:`.layout`
(paths, shell, formats), :mod:`.entity`, :mod:`.article`, :mod:`.index`, :mod:`.charts`.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pyoxigraph as ox

from graph.errors import AnalysisError

__all__ = ["SiteSummary", "site_files", "write_site"]

_GENERATOR = b'<meta name="generator" content="aidgraph site">'
_OWN_ASSETS = ("site.css", "search.js", "plots.js", "network.js")


@dataclass(frozen=True)
class SiteSummary:
    """What was written: where, how many pages and files, their size, and the largest page."""

    folder: Path
    pages: int
    files: int
    total_bytes: int
    largest_page: str
    largest_bytes: int


def site_files(store: ox.Store, *, corpus_dir: Path | None = None) -> dict[str, bytes]:
    """Every file of the site, by path relative to its root; the same graph gives the same bytes."""
    from graph.pages.site.article import article_page
    from graph.pages.site.charts import chart_pages
    from graph.pages.site.data import read_site_data
    from graph.pages.site.entity import entity_files
    from graph.pages.site.index import class_pages, index_page, search_index
    from graph.pages.site.ontology import ONTOLOGY_PAGE, ontology_page

    data = read_site_data(store)
    files: dict[str, bytes] = {"index.html": index_page(data, store, with_corpus=corpus_dir is not None)}
    for iri in data.entities():
        files.update(entity_files(data, iri))
    for iri in data.sources():
        path, page = article_page(data, iri, corpus_dir)
        files[path] = page
    files.update(class_pages(data))
    files[ONTOLOGY_PAGE] = ontology_page(data, {data.class_of(iri) for iri in data.entities()})
    files.update(chart_pages(data, store))
    files["assets/search-index.js"] = search_index(data)
    files.update(_assets())
    return dict(sorted(files.items()))


def write_site(
    seeds_dir: Path, out_dir: Path, *, corpus_dir: Path | None = None, build_dir: Path = Path("build")
) -> SiteSummary:
    """Write the site of the graph of ``seeds_dir`` into ``out_dir``, replacing a site written before.

    With ``corpus_dir``, the graph is built with the quotes' offsets and each article page shows
    the text with its quotes highlighted. The site is written in a staging folder beside
    ``out_dir`` and swapped in whole, so a failure leaves the previous site as it was.

    Raises
    ------
    AnalysisError
        When ``out_dir`` exists and is not a site this command wrote (it is never overwritten).
    FactError
        When the graph must be built and the facts hold problems.
    """
    _check_target(out_dir)
    if corpus_dir is not None:
        from graph.build import build_store

        store, _ = build_store(seeds_dir, corpus_dir)
    else:
        from graph.store import open_store

        store = open_store(seeds_dir, build_dir)
    files = site_files(store, corpus_dir=corpus_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    try:
        for path, content in files.items():
            target = staging / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        staging.chmod(0o755)
        _swap(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    pages = {p: len(c) for p, c in files.items() if p.endswith(".html")}
    largest = max(pages, key=lambda p: (pages[p], p))
    return SiteSummary(out_dir, len(pages), len(files), sum(len(c) for c in files.values()), largest, pages[largest])


def _assets() -> dict[str, bytes]:
    """One copy of each script library and the site's own style and scripts."""
    import plotly.offline
    import pyvis

    vis = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
    templates = resources.files("graph.pages").joinpath("templates")
    files = {f"assets/{name}": templates.joinpath(name).read_bytes() for name in _OWN_ASSETS}
    files["assets/vis-network.min.js"] = (vis / "vis-network.min.js").read_bytes()
    files["assets/vis-network.css"] = (vis / "vis-network.css").read_bytes()
    files["assets/plotly.min.js"] = plotly.offline.get_plotlyjs().encode("utf-8")
    return files


def _check_target(out_dir: Path) -> None:
    """Refuse to replace a folder that is not a site written here (a home folder, a project)."""
    if out_dir.is_symlink() or (out_dir.exists() and not out_dir.is_dir()):
        raise AnalysisError(f"{out_dir} is not a folder: choose another --output")
    if not out_dir.is_dir() or not any(out_dir.iterdir()):
        return
    index = out_dir / "index.html"
    try:
        with index.open("rb") as stream:
            head = stream.read(4096)
    except OSError:
        head = b""
    if _GENERATOR not in head:
        raise AnalysisError(
            f"{out_dir} exists and is not a site written by aidgraph: it is left alone (choose another --output)"
        )


def _swap(new: Path, target: Path) -> None:
    """Put ``new`` in place of ``target`` with renames; the old site is removed after."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
        target.rename(old / target.name)
    new.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
