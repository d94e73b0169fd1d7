"""The three HTML pages, opened in headless Chromium with the network off.

Each page must load without console errors, request nothing beyond its own file, draw what the
graph holds, and run no script that hostile data tries to smuggle in.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.pages.money import sankey_amount, sankey_page
from graph.pages.network import network_page
from graph.pages.style import readable_amount
from graph.pages.timeline import timeline_items, timeline_page
from graph.store import open_store
from tests.browser import visit

HOSTILE = '<img src=x onerror="window.__pwned=1;alert(1)">'
SCRIPT = "</script><script>window.__pwned=2;alert(2)</script>"
LINK = '<a href="javascript:window.__pwned=3">open</a> "><svg onload=alert(3)>'

CANVAS_INK = """() => {
  const canvas = document.querySelector('#network canvas');
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let ink = 0;
  for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) ink++; }
  return ink;
}"""


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory, seed_store) -> dict[str, Path]:
    return _write_pages(seed_store, tmp_path_factory.mktemp("pages"))


def _write_pages(store, folder: Path) -> dict[str, Path]:
    """The network, money and timeline pages of ``store``, written into ``folder``."""
    written = {}
    for name, page in {
        "network": network_page(store),
        "sankey": sankey_page(store),
        "timeline": timeline_page(store),
    }.items():
        written[name] = folder / f"{name}.html"
        written[name].write_text(page, encoding="utf-8")
    return written


def test_network_page_draws_every_node_offline(pages: dict[str, Path], seed_store) -> None:
    with visit(pages["network"]) as seen:
        page = seen.page
        page.wait_for_selector("body[data-stabilized=true]", timeout=30_000)
        assert page.evaluate("window.aidgraph.nodes.length") == 103
        assert page.evaluate("window.aidgraph.edges.length") == 183
        assert page.evaluate("window.aidgraph.network.physics.physicsEnabled") is False
        assert page.evaluate(CANVAS_INK) > 20_000
        page.fill("#search", "United States Agency for International Development")
        page.dispatch_event("#search", "change")
        assert page.evaluate("window.aidgraph.selected()") == ["usaid"]
        legend = page.inner_text("#legend")
        assert "Pledge" in legend and "Person" in legend
    assert seen.errors == []
    assert seen.requests == []


def test_sankey_page_shows_the_funding_flows(pages: dict[str, Path], seed_store) -> None:
    from graph.network.flows import flow_totals

    with visit(pages["sankey"]) as seen:
        page = seen.page
        page.wait_for_selector(".sankey-link")
        assert page.locator(".sankey-link").count() == 10
        data = page.evaluate("document.getElementById('aidgraph-sankey').data[0]")
        # each cross-border pledge crosses donor → program → recipient: twice its amount in all
        assert sum(data["link"]["value"]) == pytest.approx(2 * 13_550_000_000)
        nodes = dict(zip([c[0] for c in data["node"]["customdata"]], data["node"]["label"], strict=True))
        assert nodes[None].startswith("(recipient not stated)<br>$2 B")  # money with no recipient is drawn
        assert "mx" not in nodes and "opic" not in nodes  # not aid; a portion of U.S. money
        # every node's amount is its row of `aidgraph flows`: bodies, programs and recipients
        assert nodes["us"] == "United States<br>$7.8 B – $8.55 B"
        assert nodes["central-america"] == "Central America<br>$5.8 B – $6.55 B"
        for total in flow_totals(seed_store, by="program"):
            (program,) = total.ids
            assert nodes[program].endswith(sankey_amount(total.low, total.high))
        links = data["link"]["customdata"]
        assert ["dfc-private-sector-2bn"] in [c[0] for c in links]
        assert all("-" not in line.split(" ")[0] for c in links for line in c[1].split("<br>")[:2])  # labels, not ids
        legend = " ".join(page.locator(".annotation-text").all_text_contents())
        assert "agency" in legend and "cross-border money (aid, development finance)" in legend
        # a tooltip shows labels and stays inside the page
        box = page.locator(".sankey-node").nth(0).bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_selector(".hoverlayer .hovertext")
        tip = page.locator(".hoverlayer .hovertext").bounding_box()
        viewport = page.viewport_size
        assert tip["x"] >= 0 and tip["y"] >= 0
        assert tip["x"] + tip["width"] <= viewport["width"] and tip["y"] + tip["height"] <= viewport["height"]
    assert seen.errors == []
    assert seen.requests == []


def test_sankey_draws_domestic_plans_apart_when_asked(tmp_path: Path, seed_store) -> None:
    from graph.pages.money import LINK_COLOURS

    path = tmp_path / "sankey.html"
    path.write_text(sankey_page(seed_store, include=["domestic"]), encoding="utf-8")
    with visit(path) as seen:
        page = seen.page
        page.wait_for_selector(".sankey-link")
        data = page.evaluate("document.getElementById('aidgraph-sankey').data[0]")
        colours = {c[0][0]: colour for c, colour in zip(data["link"]["customdata"], data["link"]["color"], strict=True)}
        assert colours["mexico-southern-development-30bn"] == LINK_COLOURS["domestic"] != colours["us-2018-central-america"]
        labels = dict(zip([c[0] for c in data["node"]["customdata"]], data["node"]["label"], strict=True))
        assert labels["mx"] == "Mexico<br>$30 B (domestic)"
        assert "domestic spending plan (not aid)" in " ".join(page.locator(".annotation-text").all_text_contents())
    assert seen.errors == []


def test_timeline_page_shows_every_dated_fact(pages: dict[str, Path], seed_store) -> None:
    expected = len(timeline_items(seed_store))
    with visit(pages["timeline"]) as seen:
        page = seen.page
        page.wait_for_selector("#aidgraph-timeline .main-svg")
        count = page.evaluate("document.getElementById('aidgraph-timeline').data.reduce((n, t) => n + t.x.length, 0)")
        assert count == expected == 38
        drawn = page.locator("#aidgraph-timeline .point").count()
        assert drawn == expected
    assert seen.errors == []
    assert seen.requests == []


def test_pages_are_deterministic(seed_store) -> None:
    assert network_page(seed_store) == network_page(seed_store)
    assert sankey_page(seed_store) == sankey_page(seed_store)
    assert timeline_page(seed_store) == timeline_page(seed_store)


@pytest.fixture(scope="module")
def hostile_pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    seeds = folder / "seeds"
    seeds.mkdir()
    (seeds / "facts.yaml").write_text(
        f"""
sources:
  - id: s1
    file: a.txt
    title: '{HOSTILE} {SCRIPT}'
    published: 2019-05
source: s1
countries:
  - id: us
    label: '{HOSTILE}'
    aliases: ['{SCRIPT}']
    iso_code: US
    evidence: ['{HOSTILE} quote']
  - id: sv
    label: '{SCRIPT}'
    iso_code: SV
    evidence: ['{SCRIPT}']
programs:
  - id: prog
    label: '{LINK}'
    goals: ['{HOSTILE}']
    announced_on: 2019-05
    evidence: ['{HOSTILE}']
pledges:
  - id: p
    label: '{HOSTILE}'
    pledged_by: us
    recipient: sv
    for_program: prog
    amount: 1 billion
    announced_on: 2019-05-02
    note: '{SCRIPT}'
    evidence: ['{SCRIPT}']
""",
        encoding="utf-8",
    )
    return _write_pages(open_store(seeds, folder / "no-build"), folder)


def test_hostile_strings_show_as_text_and_run_nothing_in_the_network(hostile_pages: dict[str, Path]) -> None:
    with visit(hostile_pages["network"]) as seen:
        page = seen.page
        page.wait_for_selector("body[data-stabilized=true]", timeout=30_000)
        position = page.evaluate(
            "(() => { const n = window.aidgraph.network; const p = n.getPositions(['n:us'])['n:us'];"
            " return n.canvasToDOM(p); })()"
        )
        box = page.locator("#network").bounding_box()
        page.mouse.move(box["x"] + position["x"], box["y"] + position["y"])
        page.wait_for_selector("div.vis-tooltip", state="visible")
        tooltip = page.inner_text("div.vis-tooltip")
        assert HOSTILE in tooltip
        assert page.evaluate("window.__pwned") is None
    assert seen.dialogs == []
    assert seen.errors == []
    assert seen.requests == []


def test_hostile_strings_show_as_text_and_run_nothing_in_the_sankey(hostile_pages: dict[str, Path]) -> None:
    with visit(hostile_pages["sankey"], settle_ms=300) as seen:
        page = seen.page
        page.wait_for_selector(".sankey-node")
        labels = page.text_content(".sankey")
        assert "<img src=x onerror=" in labels and '<a href="javascript:' in labels  # shown as text
        assert page.evaluate("window.__pwned") is None
        assert page.locator("img, svg svg[onload]").count() == 0
    assert seen.dialogs == []
    assert seen.requests == []


def test_hostile_strings_show_as_text_and_run_nothing_in_the_timeline(hostile_pages: dict[str, Path]) -> None:
    with visit(hostile_pages["timeline"], settle_ms=300) as seen:
        page = seen.page
        page.wait_for_selector("#aidgraph-timeline .main-svg")
        traces = page.evaluate("document.getElementById('aidgraph-timeline').data.length")
        shown = []
        for trace in range(traces):
            page.evaluate(f"Plotly.Fx.hover('aidgraph-timeline', [{{curveNumber: {trace}, pointNumber: 0}}])")
            page.wait_for_timeout(100)
            shown.append(page.text_content("#aidgraph-timeline .hoverlayer"))
        assert any("<img src=x onerror=" in text for text in shown), shown
        assert any('<a href="javascript:' in text for text in shown), shown
        assert page.evaluate("window.__pwned") is None
        assert page.locator("img, svg svg[onload]").count() == 0
    assert seen.dialogs == []
    assert seen.requests == []


def test_readable_amounts() -> None:
    assert [readable_amount(v) for v in (5.8e9, 2e9, 7.5e8, 999)] == ["$5.8 B", "$2.0 B", "$750 M", "$999"]
