"""Open a page in headless Chromium with the network off, recording console errors and requests.

Debian's ``chromium`` is driven by Playwright (``executable_path``); no browser is downloaded.
Every request that is not the page file itself is aborted and recorded, so a test can assert
that nothing left the page.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass
class PageVisit:
    """The open page and what it did: console errors, page errors, dialogs and requests."""

    page: Any
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


def chromium_path() -> str:
    path = shutil.which("chromium") or "/usr/bin/chromium"
    assert Path(path).exists(), "Debian's chromium is needed for browser tests: make browser"
    return path


@contextmanager
def visit(
    path: Path, *, width: int = 1280, height: int = 800, settle_ms: int = 0, root: Path | None = None
) -> Iterator[PageVisit]:
    """Open ``path`` (a local HTML file) offline and yield what happened.

    With ``root`` (a site's folder), files under it may load (the site's own assets and pages);
    every other request is aborted and recorded.
    """
    from playwright.sync_api import sync_playwright

    url = path.resolve().as_uri()
    allowed = root.resolve().as_uri() + "/" if root is not None else None
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": width, "height": height}, offline=True)
            page = context.new_page()
            seen = PageVisit(page)

            def route(request_route: Any) -> None:
                wanted = request_route.request.url
                if wanted == url or (allowed is not None and wanted.startswith(allowed) and ".." not in wanted):
                    request_route.continue_()
                else:
                    seen.requests.append(request_route.request.url)
                    request_route.abort()

            context.route("**/*", route)
            page.on("console", lambda m: seen.errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: seen.errors.append(str(e)))
            page.on("dialog", lambda d: (seen.dialogs.append(d.message), d.dismiss()))
            page.goto(url)
            if settle_ms:
                page.wait_for_timeout(settle_ms)
            yield seen
        finally:
            browser.close()


@contextmanager
def browse(root: Path, *, width: int = 1280, height: int = 800) -> Iterator[Any]:
    """One offline browser for a whole site under ``root``; yields ``open(path) -> PageVisit``.

    Each call opens ``path`` in a new tab (closing the previous one); files under ``root`` may load,
    every other request is aborted and recorded on the visit of the page that made it.
    """
    from playwright.sync_api import sync_playwright

    allowed = root.resolve().as_uri() + "/"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": width, "height": height}, offline=True)
            current: list[PageVisit] = []

            def route(request_route: Any) -> None:
                wanted = request_route.request.url
                if wanted.startswith(allowed) and ".." not in wanted:
                    request_route.continue_()
                else:
                    if current:
                        current[-1].requests.append(wanted)
                    request_route.abort()

            context.route("**/*", route)

            def open_page(path: Path) -> PageVisit:
                if current:
                    current.pop().page.close()
                page = context.new_page()
                seen = PageVisit(page)
                current.append(seen)
                page.on("console", lambda m: seen.errors.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda e: seen.errors.append(str(e)))
                page.on("dialog", lambda d: (seen.dialogs.append(d.message), d.dismiss()))
                page.goto(path.resolve().as_uri())
                return seen

            yield open_page
        finally:
            browser.close()
