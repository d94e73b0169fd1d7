"""Make the README's screenshots of the three pages from the bundled seeds.

Run with `make screenshots` (or `.venv/bin/python tests/make_screenshots.py`): it builds the
pages from `seeds/`, opens each in headless Chromium with the network off, and writes small PNGs
to `tests/screenshots/`.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graph.pages.money import sankey_page
from graph.pages.network import network_page
from graph.pages.timeline import timeline_page
from graph.store import open_store
from tests.browser import visit

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


if __name__ == "__main__":
    main()
