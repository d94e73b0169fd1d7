"""Make the README's screenshots of the three pages and of the evidence site from the bundled seeds.

Run with `make screenshots` (or `.venv/bin/python tests/make_screenshots.py`): it builds the
pages and the site (with the corpus, so articles show their highlights) from `seeds/`, opens each
in headless Chromium with the network off, and writes small PNGs to `tests/screenshots/`.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graph.pages.money import sankey_page
from graph.pages.network import network_page
from graph.pages.site import write_site
from graph.pages.timeline import timeline_page
from graph.store import open_store
from tests.browser import browse, visit
from tests.conftest import corpus_path

OUT = ROOT / "tests" / "screenshots"
READY = {
    "network": "body[data-stabilized=true]",
    "sankey": ".sankey-link",
    "timeline": "#aidgraph-timeline .main-svg",
}


def main() -> None:
    store = open_store(ROOT / "seeds", ROOT / "build")
    pages = {
        "network": network_page(store, projection="actors"),
        "sankey": sankey_page(store),
        "timeline": timeline_page(store, group_by="actor"),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        for name, page in pages.items():
            path = Path(folder) / f"{name}.html"
            path.write_text(page, encoding="utf-8")
            with visit(path, width=1100, height=640) as seen:
                seen.page.wait_for_selector(READY[name], timeout=30_000)
                seen.page.wait_for_timeout(400)
                seen.page.screenshot(path=str(OUT / f"{name}.png"))
            print(f"Wrote {OUT / f'{name}.png'}")
        site_screenshots(Path(folder) / "site")


def site_screenshots(site: Path) -> None:
    """An entity page, and an article page with one highlight focused to show the facts it supports."""
    write_site(ROOT / "seeds", site, corpus_dir=corpus_path(), build_dir=ROOT / "build")
    with browse(site, width=1000, height=1000) as open_page:
        seen = open_page(site / "id" / "us-2018-central-america.html")
        seen.page.screenshot(path=str(OUT / "site-entity.png"))
        print(f"Wrote {OUT / 'site-entity.png'}")
        seen = open_page(site / "source" / "us-billions-southern-mexico-2018.html")
        highlight = seen.page.locator(".hl").nth(3)
        highlight.focus()
        seen.page.evaluate("window.scrollBy(0, -120)")
        seen.page.wait_for_timeout(200)
        seen.page.screenshot(path=str(OUT / "site-article.png"))
        print(f"Wrote {OUT / 'site-article.png'}")


if __name__ == "__main__":
    main()
