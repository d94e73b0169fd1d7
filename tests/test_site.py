"""The evidence site: pages per entity and article, links that resolve, escaping, determinism, browsers.

The fast tests read the written files (every link and anchor of every page is followed); the
slow ones open the pages in headless Chromium with the network off, and run axe-core on them.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.compare import isomorphic

from graph.cli import cli
from graph.pages.site import site_files, write_site
from graph.pages.site.layout import CSP
from graph.pages.timeline import timeline_figure
from graph.store import open_store
from loaders import check_corpus, load_facts
from tests.browser import browse
from tests.conftest import SEEDS

HOSTILE = '<img src=x onerror="window.__pwned=1;alert(1)">'
SCRIPT = "</script><script>window.__pwned=2;alert(2)</script>"
LINK = '<a href="javascript:window.__pwned=3">open</a> "><svg onload=alert(3)>'
ARTICLE = f"Intro. {HOSTILE} quote and {SCRIPT} then {LINK} and toString here, said the Cancillería.\n"


def _write_hostile_seeds(folder: Path) -> tuple[Path, Path]:
    seeds, corpus = folder / "seeds", folder / "corpus"
    seeds.mkdir()
    corpus.mkdir()
    (corpus / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (seeds / "facts.yaml").write_text(
        f"""
sources:
  - id: s1
    file: a.txt
    title: '{HOSTILE} {SCRIPT}'
    published: 2019-05
    note: '{LINK}'
source: s1
countries:
  - id: us
    label: '{HOSTILE}'
    aliases: ['{SCRIPT}', '__proto__']
    iso_code: US
    note: '{LINK}'
    evidence: ['{HOSTILE} quote']
  - id: sv
    label: '{SCRIPT}'
    iso_code: SV
    evidence: ['{SCRIPT}']
  - id: constructor
    label: toString
    aliases: [__proto__, Cancillería Mexicana, hasOwnProperty]
    iso_code: TS
    evidence: [toString here]
programs:
  - id: prog
    label: '{LINK}'
    goals: ['{HOSTILE}']
    announced_on: 2019-05
    evidence: ['{LINK}']
pledges:
  - id: p
    label: '{HOSTILE}'
    pledged_by: us
    recipient: [sv, constructor]
    for_program: prog
    amount: 1 billion
    qualifier: about
    announced_on: 2019-05-02
    note: '{SCRIPT}'
    evidence: ['{SCRIPT}']
""",
        encoding="utf-8",
    )
    return seeds, corpus


@pytest.fixture(scope="module")
def seed_site(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Path:
    folder = tmp_path_factory.mktemp("site")
    write_site(SEEDS, folder / "site", corpus_dir=corpus_dir, build_dir=folder / "no-build")
    return folder / "site"


@pytest.fixture(scope="module")
def plain_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("plain")
    write_site(SEEDS, folder / "site", build_dir=folder / "no-build")
    return folder / "site"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile-site")
    seeds, corpus = _write_hostile_seeds(folder)
    write_site(seeds, folder / "site", corpus_dir=corpus, build_dir=folder / "no-build")
    return folder / "site"


class _Links(HTMLParser):
    """The ids, links and script/style sources of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.csp: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(found["id"] or "")
        for name in ("href", "src"):
            if found.get(name) is not None:
                self.links.append(found[name] or "")
        if tag == "meta" and found.get("http-equiv") == "Content-Security-Policy":
            self.csp.append(found.get("content") or "")


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def _crawl(site: Path) -> list[str]:
    """Every broken link or anchor of every page, as 'page: link'."""
    pages = {p.relative_to(site).as_posix(): _parse(p) for p in sorted(site.rglob("*.html"))}
    broken = []
    for name, page in pages.items():
        for link in page.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                broken.append(f"{name}: {link} (leaves the site)")
                continue
            target = (Path(name).parent / unquote(parts.path)).as_posix() if parts.path else name
            target = str(Path(target)).replace("\\", "/")
            normal = Path(target).as_posix()
            resolved = (site / normal).resolve()
            if site.resolve() not in resolved.parents or not resolved.is_file():
                broken.append(f"{name}: {link} (no such file)")
            elif parts.fragment:
                key = resolved.relative_to(site.resolve()).as_posix()
                if key not in pages or parts.fragment not in pages[key].ids:
                    broken.append(f"{name}: {link} (no such anchor)")
    return broken


# ---------------------------------------------------------------- files


def test_site_is_deterministic(tmp_path: Path, corpus_dir: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    write_site(SEEDS, first, corpus_dir=corpus_dir, build_dir=tmp_path / "b")
    write_site(SEEDS, second, corpus_dir=corpus_dir, build_dir=tmp_path / "b")
    names = sorted(p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(second).as_posix() for p in second.rglob("*") if p.is_file())
    assert len(names) > 250
    different = [n for n in names if (first / n).read_bytes() != (second / n).read_bytes()]
    assert different == []


def test_site_has_a_page_per_entity_and_article(seed_site: Path, seed_store) -> None:
    query = (
        "SELECT ?x WHERE { ?x a ?c FILTER(STRSTARTS(STR(?x), 'https://w3id.org/aidgraph/id/'))"
        " FILTER NOT EXISTS { ?x a ag:Inference } }"
    )
    entities = {r[0] for r in seed_store.query(query, prefixes={"ag": "https://w3id.org/aidgraph/ontology#"})}
    assert len(entities) == len(load_facts(SEEDS).records)  # one page per curated record, none for inferences
    assert not list((seed_site / "id").rglob("*inferred*"))
    for entity in entities:
        stem = seed_site / "id" / entity.value.rsplit("/", 1)[1]
        assert stem.with_suffix(".html").is_file() and stem.with_suffix(".ttl").is_file()
        assert stem.with_suffix(".jsonld").is_file()
    assert len(list((seed_site / "source").glob("*.html"))) == 5
    assets = sorted(p.name for p in (seed_site / "assets").iterdir())
    assert assets == [
        "network.js",
        "plotly.min.js",
        "plots.js",
        "search-index.js",
        "search.js",
        "site.css",
        "vis-network.css",
        "vis-network.min.js",
    ]


def test_every_link_and_anchor_resolves(seed_site: Path, plain_site: Path, hostile_site: Path) -> None:
    assert _crawl(seed_site) == []
    assert _crawl(plain_site) == []
    assert _crawl(hostile_site) == []


def test_every_page_has_the_policy_and_one_copy_of_each_library(seed_site: Path) -> None:
    for page in seed_site.rglob("*.html"):
        parsed = _parse(page)
        assert parsed.csp == [CSP], page
        scripts = [link for link in parsed.links if link.endswith(".js")]
        assert all(s.startswith(("assets/", "../assets/")) for s in scripts), page
        text = page.read_text(encoding="utf-8")
        assert "<script>" not in text, page  # no inline script: the policy would block it anyway
    assert "default-src 'none'" in CSP and "script-src 'self'" in CSP and "connect-src 'none'" in CSP


def test_entity_page_shows_names_facts_quotes_and_links(seed_site: Path) -> None:
    page = (seed_site / "id" / "usaid.html").read_text(encoding="utf-8")
    assert "<h1>United States Agency for International Development</h1>" in page
    assert '<a href="../class/Agency.html">Agency</a>' in page
    assert '<span class="alias">USAID</span>' in page
    assert '<a href="../id/us.html" title="Country">United States</a>' in page  # agency of
    assert '<a href="../ontology.html#agencyOf" title="The country whose government the agency belongs to.">agency of</a>' in page
    assert "the United States Agency for International Development (USAID)" in page
    assert re.search(r'href="\.\./source/planting-opportunities-2021\.html#q-usaid-[0-9a-f]{12}"', page)
    assert '<link rel="alternate" type="text/turtle" href="../id/usaid.ttl">' in page
    assert '<link rel="alternate" type="application/ld+json" href="../id/usaid.jsonld">' in page
    # incoming relations: the people who are members of USAID link here
    assert "Linked from" in page and '<a href="../id/mark-green.html" title="Person">' in page


def test_pledge_reads_amount_with_qualifier_currency_and_stated_date(seed_site: Path) -> None:
    page = (seed_site / "id" / "us-2018-central-america.html").read_text(encoding="utf-8")
    assert "USD 5,800,000,000 (exact)" in page
    assert '<time datetime="2018-12">December 2018</time>' in page
    assert "commitment already in the pipeline" in page
    assert "private money" in page and "public money" in page
    vague = (seed_site / "id" / "opic-2018-new-money.html").read_text(encoding="utf-8")
    assert "about USD 2,000,000,000" in vague
    # a portion of two amounts together (the text does not say which): both wholes are linked
    assert (
        'part of <a href="../id/us-2018-central-america.html" title="Pledge">U.S. $5.8 billion for Central America (December 2018)</a>'
        ' and <a href="../id/us-2018-southern-mexico.html" title="Pledge">'
    ) in vague


def test_twins_hold_the_same_bounded_description(seed_site: Path) -> None:
    turtle = Graph().parse(seed_site / "id" / "usaid.ttl", format="turtle")
    document = json.loads((seed_site / "id" / "usaid.jsonld").read_text(encoding="utf-8"))
    assert document["@context"]["ag"] == "https://w3id.org/aidgraph/ontology#"
    assert {node["@id"] for node in document["@graph"]} >= {"aid:usaid"}
    assert any(node["@id"].startswith("ev:usaid-") for node in document["@graph"])
    jsonld = Graph().parse(data=json.dumps(document), format="json-ld")
    assert isomorphic(turtle, jsonld)
    quotes = {str(o) for o in turtle.objects(None, None) if "USAID" in str(o)}
    assert "the United States Agency for International Development (USAID)" in quotes


def _quotes_of(source: str) -> list[str]:
    """The quotes the seed files give for ``source``, read by the loader (not from the graph)."""
    return [q.quote for quotes in load_facts(SEEDS).evidence.values() for q in quotes if q.source == source]


def test_article_page_highlights_every_quote_it_finds(seed_site: Path, seed_store, corpus_dir: Path) -> None:
    name = "us-billions-southern-mexico-2018"
    page = (seed_site / "source" / f"{name}.html").read_text(encoding="utf-8")
    evidence = [
        r[0].value.rsplit("/", 1)[1]
        for r in seed_store.query(f"SELECT ?e WHERE {{ ?e ag:source <https://w3id.org/aidgraph/source/{name}> }}", prefixes={"ag": "https://w3id.org/aidgraph/ontology#"})
    ]
    quotes = _quotes_of(name)
    assert len(evidence) == len(quotes) > 20
    for evidence_id in evidence:
        assert page.count(f'id="q-{evidence_id}"') == 1, evidence_id
        assert f'<span class="anchor" id="q-{evidence_id}"></span>' in page  # inside the text
    assert f"{len(quotes)} of {len(quotes)} quotes found in the text" in page
    # overlapping quotes share a highlight: count the runs of overlapping spans the loader located
    located = check_corpus(load_facts(SEEDS), corpus_dir).positions
    spans = sorted(located[(name, q)] for q in quotes)
    runs = sum(1 for i, (start, _) in enumerate(spans) if i == 0 or start >= max(end for _, end in spans[:i]))
    assert runs < len(quotes)
    assert page.count('<span class="hl" tabindex="0"') == runs
    assert 'Supports: <a href="../id/' in page
    assert "Guillermo Arias / AFP/Getty Images" in page  # the article's own text is there


def test_article_page_without_corpus_lists_quotes_and_says_why(plain_site: Path) -> None:
    page = (plain_site / "source" / "us-billions-southern-mexico-2018.html").read_text(encoding="utf-8")
    assert "built without the corpus (aidgraph site --corpus DIR)" in page
    assert 'class="hl"' not in page
    assert page.count("<blockquote>") == len(_quotes_of("us-billions-southern-mexico-2018"))
    assert "Guillermo Arias" not in page


def test_hostile_strings_are_escaped_in_every_file(hostile_site: Path) -> None:
    for path in hostile_site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "<img src=x" not in text and "<svg onload" not in text, path
        assert "<script>window.__pwned" not in text, path
        assert 'href="javascript:' not in text, path
    page = (hostile_site / "id" / "us.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=&#34;window.__pwned=1;alert(1)&#34;&gt;" in page


def test_inferred_field_is_marked_with_its_reason(tmp_path: Path, write_seeds) -> None:
    from tests.conftest import MINIMAL_FACTS

    facts = MINIMAL_FACTS.replace(
        "    amount: 1 billion\n", "    amount: 1 billion\n    inferred:\n      recipient: read from the next sentence\n"
    )
    store = open_store(write_seeds({"facts.yaml": facts}), tmp_path / "no-build")
    files = site_files(store)
    page = files["id/dfc-sv.html"].decode()
    rows = re.findall(r'<tr class="inferred">.*?</tr>', page, re.DOTALL)
    assert len(rows) == 1 and ">recipient<" in rows[0]
    assert '<span class="mark-inferred">inferred</span> <span class="why">read from the next sentence</span>' in rows[0]
    assert "recipient <a" in page and "(inferred)" in page
    assert not [name for name in files if "inferred" in name]  # the inference is a mark on the page, not a page


def _total_rows(store, by: str) -> list[str]:
    """The table rows the site should show for ``flow_totals(by=by)``: one per total, every amount as text."""
    from markupsafe import escape

    from graph.network.flows import flow_totals

    return [
        f'<tr><th scope="row">{escape(t.key)}</th><td class="num">{t.currency}</td><td class="num">{t.amount_text()}</td>'
        f'<td class="num">{t.pledges}</td><td class="num">{t.scope}</td><td class="num">{escape(t.qualifier_text())}</td></tr>'
        for t in flow_totals(store, by=by)
    ]


def test_money_summary_reads_each_total_as_a_range(seed_site: Path, seed_store) -> None:
    page = (seed_site / "index.html").read_text(encoding="utf-8")
    money = re.search(r'id="money-h".*?</table>', page, re.DOTALL)[0]
    header = '<th scope="col">donor</th><th scope="col" class="num">currency</th><th scope="col" class="num">total</th>'
    assert header in money
    rows = _total_rows(seed_store, "donor")
    assert rows and all(row in money for row in rows)
    assert money.count("<tr>") == len(rows) + 1  # the header and one row per total
    # possible overlaps make the United States' total a range: every pledge at the high end, each group once at the low
    assert '<th scope="row">United States</th><td class="num">USD</td><td class="num">7,800,000,000 – 13,550,000,000</td>' in money
    assert "&#39;" not in money and "Collapse(" not in money  # no Python reprs of the totals' inner parts


def test_money_page_lists_every_total_under_the_diagram(seed_site: Path, seed_store) -> None:
    page = (seed_site / "money.html").read_text(encoding="utf-8")
    for by in ("donor", "recipient", "program"):
        caption = (
            f"<caption>Totals by {by}: cross-border money, each currency apart, a portion of another pledge not added again;"
            " low – high where pledges may overlap</caption>"
        )
        assert caption in page
        rows = _total_rows(seed_store, by)
        assert rows and all(row in page for row in rows), by


def test_index_counts_classes_and_lists_sources(seed_site: Path) -> None:
    page = (seed_site / "index.html").read_text(encoding="utf-8")
    assert f"{len(load_facts(SEEDS).records)} entities by class" in page
    assert '<a href="class/Pledge.html" title="A commitment of money' in page
    assert page.count('href="source/') == 5
    index = (seed_site / "assets" / "search-index.js").read_text(encoding="utf-8")
    entries = json.loads(index.removeprefix("window.AIDGRAPH_SEARCH = ").rstrip().removesuffix(";"))
    usaid = next(e for e in entries if e[0] == "id/usaid.html")
    assert usaid == ["id/usaid.html", "United States Agency for International Development", "Agency", ["U.S. Agency for International Development", "USAID"]]


def _pledges_announced(month: str) -> list[str]:
    """The ids of the seed pledges announced in ``month`` (``YYYY-MM``), at month precision."""
    return [p.id for p in load_facts(SEEDS).of_kind("pledge") if str(p.announced_on) == month]


def test_timeline_stacks_overlapping_marks_in_plain_lanes(seed_store) -> None:
    figure, _ = timeline_figure(seed_store)
    december = [
        (y, data[0])
        for trace in figure.data
        for y, data in zip(trace.y, trace.customdata, strict=True)
        if "announced December 2018 · Pledge" in data[1]
    ]
    assert sorted(token for _, token in december) == sorted(_pledges_announced("2018-12"))
    assert len(december) > 2
    assert len({y for y, _ in december}) == len(december)  # a row each: each bar can be hovered
    lanes = list(figure.layout.yaxis.ticktext)
    assert lanes == ["Events", "Pledges", "Policies", "Programs", "Source documents", "Statistics"]


def test_cli_writes_the_site_and_never_replaces_another_folder(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "site"
    result = runner.invoke(cli, ["site", "-o", str(out), "--seeds", str(SEEDS), "--build-dir", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    facts = load_facts(SEEDS)
    classes = {record.kind for record in facts.records.values()}
    # a page per curated record, article and class, plus index, network, money, timeline and ontology
    pages = len(facts.records) + len(facts.sources) + len(classes) + 5
    files = pages + 2 * len(facts.records) + 8  # each record's Turtle and JSON-LD twins, and the eight assets
    assert result.output == f"Wrote {pages} pages ({files} files) to {out}\nOpen {out / 'index.html'}\n"
    assert len(list(out.rglob("*.html"))) == pages
    assert len([p for p in out.rglob("*") if p.is_file()]) == files
    again = runner.invoke(cli, ["site", "-o", str(out), "--seeds", str(SEEDS), "--build-dir", str(tmp_path / "b")])
    assert again.exit_code == 0
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me", encoding="utf-8")
    refused = runner.invoke(cli, ["site", "-o", str(mine), "--seeds", str(SEEDS), "--build-dir", str(tmp_path / "b")])
    assert refused.exit_code == 1
    assert refused.stderr == f"Error: {mine} exists and is not a site written by aidgraph: it is left alone (choose another --output)\n"
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "keep me"


# ---------------------------------------------------------------- in the browser


def _wait(seen, name: str) -> None:
    if name in ("money.html", "timeline.html") or name.startswith("timeline-"):
        if seen.page.locator("#figure").count():
            seen.page.wait_for_selector("body[data-drawn=true]", timeout=30_000)
    elif name == "network.html":
        seen.page.wait_for_selector("body[data-stabilized=true]", timeout=60_000)


@pytest.mark.slow
def test_every_page_loads_offline_without_errors(seed_site: Path) -> None:
    pages = sorted(p.relative_to(seed_site).as_posix() for p in seed_site.rglob("*.html"))
    assert len(pages) > 100  # every entity, article and class, and the index, words and pictures
    with browse(seed_site) as open_page:
        for name in pages:
            seen = open_page(seed_site / name)
            _wait(seen, name)
            assert seen.errors == [], name
            assert seen.requests == [], name


@pytest.mark.slow
def test_hostile_strings_run_nothing_on_any_page(hostile_site: Path) -> None:
    pages = sorted(p.relative_to(hostile_site).as_posix() for p in hostile_site.rglob("*.html"))
    with browse(hostile_site) as open_page:
        for name in pages:
            seen = open_page(hostile_site / name)
            _wait(seen, name)
            for tip in seen.page.locator(".hl").all():
                tip.focus()
            assert seen.page.evaluate("window.__pwned") is None, name
            assert seen.page.locator("img, svg[onload], script:not([src]):not([type])").count() == 0, name
            assert seen.dialogs == [] and seen.errors == [] and seen.requests == [], name
        seen = open_page(hostile_site / "network.html")
        _wait(seen, "network.html")
        for text in ("toString", "__proto__", "constructor", "hasOwnProperty", "valueOf"):
            seen.page.fill("#search", text)
            seen.page.dispatch_event("#search", "change")
        assert seen.page.evaluate("window.aidgraph.find('toString', false)") == "constructor"
        assert seen.page.evaluate("window.aidgraph.find('__proto__', false)") in ("constructor", "us")
        assert seen.page.evaluate("window.aidgraph.find('valueOf', true)") is None
        assert seen.errors == []
        seen = open_page(hostile_site / "index.html")
        for text in ("toString", "__proto__", "constructor"):
            seen.page.fill("#q", text)
        assert seen.errors == []


@pytest.mark.slow
def test_search_finds_any_name_ignoring_case_and_accents(seed_site: Path, hostile_site: Path) -> None:
    with browse(seed_site) as open_page:
        seen = open_page(seed_site / "index.html")
        seen.page.fill("#q", "lopez obrador")
        assert seen.page.inner_text("#hits li:first-child a") == "Andrés Manuel López Obrador"
        seen.page.fill("#q", "usaid")
        first = seen.page.locator("#hits li:first-child a")
        assert first.inner_text() == "United States Agency for International Development"
        first.click()
        seen.page.wait_for_url("**/id/usaid.html")
        assert seen.errors == []
    with browse(hostile_site) as open_page:
        seen = open_page(hostile_site / "index.html")
        seen.page.fill("#q", "CANCILLERIA mexicana")  # only an alias, written with an accent
        assert seen.page.inner_text("#hits") .startswith("toString")
        assert seen.page.get_attribute("#hits li:first-child a", "href") == "id/constructor.html"
        assert seen.page.inner_text("#hits-status") == "1 match"


@pytest.mark.slow
def test_network_page_finds_aliases_hides_edge_labels_and_opens_pages(seed_site: Path) -> None:
    with browse(seed_site) as open_page:
        seen = open_page(seed_site / "network.html")
        page = seen.page
        page.wait_for_selector("body[data-stabilized=true]", timeout=60_000)
        page.fill("#search", "usaid")
        assert page.evaluate("window.aidgraph.selected()") == ["usaid"]
        assert page.inner_text("#search-status") == "Found: United States Agency for International Development"
        page.fill("#search", "andres manuel lopez obrador")
        assert page.evaluate("window.aidgraph.selected()") == ["lopez-obrador"]
        labelled = "window.aidgraph.edges.get().filter(e => e.label).length"
        assert page.evaluate(labelled) == 0  # the fitted view is not cluttered
        page.evaluate("window.aidgraph.network.moveTo({scale: 2.5})")
        page.evaluate("() => { window.aidgraph.network.emit('zoom', {scale: 2.5}); }")  # emit returns vis objects: return nothing
        assert page.evaluate(labelled) == page.evaluate("window.aidgraph.edges.length") > 100  # every edge names its relation
        page.evaluate("() => { window.aidgraph.network.moveTo({scale: 0.5}); window.aidgraph.network.emit('zoom', {}); }")
        page.evaluate("() => { window.aidgraph.network.body.emitter.emit('hoverEdge', {edge: 'e0'}); }")
        assert page.evaluate(labelled) == 1
        assert seen.errors == [] and seen.requests == []
        seen = open_page(seed_site / "network.html")  # a fresh view: no animation from the search running
        page = seen.page
        page.wait_for_selector("body[data-stabilized=true]", timeout=60_000)
        position = page.evaluate(
            "(() => { const n = window.aidgraph.network; const p = n.getPositions(['n:usaid'])['n:usaid'];"
            " n.moveTo({position: p, scale: 1.5}); return n.canvasToDOM(p); })()"
        )
        page.wait_for_timeout(300)
        box = page.locator("#network").bounding_box()
        page.mouse.click(box["x"] + position["x"], box["y"] + position["y"])
        page.wait_for_url("**/id/usaid.html")
        assert seen.errors == [] and seen.requests == []


@pytest.mark.slow
def test_timeline_marks_each_hover_and_open_their_page(seed_site: Path) -> None:
    with browse(seed_site) as open_page:
        seen = open_page(seed_site / "timeline.html")
        page = seen.page
        page.wait_for_selector("body[data-drawn=true]")
        points = page.evaluate(
            """(() => { const gd = document.getElementById('figure'); const L = gd._fullLayout;
              const box = gd.querySelector('.main-svg').getBoundingClientRect();
              return gd.data.flatMap((t, c) => t.customdata.map((d, p) => {
                const x = t.type === 'bar' ? new Date(t.base[p]).getTime() + t.x[p] / 2 : new Date(t.x[p]).getTime();
                return [c, p, d[0], d[1], box.left + L._size.l + L.xaxis.l2p(x), box.top + L._size.t + L.yaxis.l2p(t.y[p])];
              })); })()"""
        )
        december = [p for p in points if "announced December 2018 · Pledge" in p[3]]
        assert sorted(p[2] for p in december) == sorted(_pledges_announced("2018-12"))
        for _, _, _, text, x, y in december:  # the mouse reaches each of them, one above the other
            page.mouse.move(x, y)
            page.wait_for_timeout(150)
            shown = page.text_content("#figure .hoverlayer")
            label = text.split("<br>")[0].removeprefix("<b>").removesuffix("</b>")
            assert label in shown, (label, shown)
        curve, point, token = december[0][:3]
        page.evaluate(
            f"(() => {{ const gd = document.getElementById('figure');"
            f" gd.emit('plotly_click', {{points: [{{customdata: gd.data[{curve}].customdata[{point}]}}]}}); }})()"
        )
        page.wait_for_url(f"**/id/{token}.html")
        assert seen.errors == []


@pytest.mark.slow
def test_plot_clicks_open_the_entities_named_in_customdata(seed_site: Path, seed_store) -> None:
    import plotly.graph_objects as go

    from graph.pages.site.charts import _plot_page
    from graph.pages.site.data import read_site_data

    # customdata as the money page writes it: a node [entity id or null, hover], a flow [[pledge ids], hover];
    # the hover texts name ids too, and must not be read as what a mark stands for
    figure = go.Figure(
        go.Sankey(
            node={"label": ["USAID", "A + B", "United States"], "customdata": [["usaid", "us"], [None, "usaid"], ["us", "opic"]]},
            link={
                "source": [2, 2],
                "target": [0, 1],
                "value": [5, 3],
                "customdata": [[["us-2018-central-america", "opic-2018-new-money", "nobody"], "usaid"], [["dfc-guatemala-1bn"], "us"]],
            },
        )
    )
    page = _plot_page(read_site_data(seed_store), "money-test.html", "Test", "", "", figure=figure)
    (seed_site / "money-test.html").write_bytes(page)
    click = (
        "([kind, index]) => { const gd = document.getElementById('figure');"
        " gd.emit('plotly_click', {points: [{customdata: gd.data[0][kind].customdata[index]}]}); }"
    )
    try:
        pages = json.loads(re.search(r'<script type="application/json" id="figure-data">(.*?)</script>', page.decode(), re.DOTALL)[1])["pages"]
        assert [token for token, _ in pages] == sorted(["dfc-guatemala-1bn", "opic-2018-new-money", "us", "us-2018-central-america", "usaid"])
        with browse(seed_site) as open_page:
            seen = open_page(seed_site / "money-test.html")
            seen.page.wait_for_selector("body[data-drawn=true]")
            seen.page.evaluate(click, ["node", 1])  # a joint node is no one entity: nothing opens
            assert seen.page.locator("#picked a").count() == 0
            seen.page.evaluate(click, ["link", 0])
            links = seen.page.locator("#picked a")
            assert [links.nth(i).get_attribute("href") for i in range(links.count())] == [
                "id/us-2018-central-america.html",
                "id/opic-2018-new-money.html",
            ]
            seen.page.evaluate(click, ["node", 0])
            seen.page.wait_for_url("**/id/usaid.html")
            assert seen.errors == []
            seen = open_page(seed_site / "money-test.html")
            seen.page.wait_for_selector("body[data-drawn=true]")
            seen.page.evaluate(click, ["link", 1])  # a flow of one pledge opens it
            seen.page.wait_for_url("**/id/dfc-guatemala-1bn.html")
            assert seen.errors == []
    finally:
        (seed_site / "money-test.html").unlink()


@pytest.mark.slow
def test_money_page_clicks_open_the_pledges_of_a_flow(seed_site: Path) -> None:
    with browse(seed_site) as open_page:
        seen = open_page(seed_site / "money.html")
        seen.page.wait_for_selector("body[data-drawn=true]", timeout=30_000)
        flows = seen.page.evaluate("document.getElementById('figure').data[0].link.customdata.map(d => d[0])")
        several = next(i for i, ids in enumerate(flows) if len(ids) > 1)
        seen.page.evaluate(
            "(i) => { const gd = document.getElementById('figure');"
            " gd.emit('plotly_click', {points: [{customdata: gd.data[0].link.customdata[i]}]}); }",
            several,
        )
        links = seen.page.locator("#picked a")
        assert [links.nth(i).get_attribute("href") for i in range(links.count())] == [f"id/{p}.html" for p in flows[several]]
        assert seen.errors == []


@pytest.mark.slow
@pytest.mark.parametrize(
    "name", ["index.html", "id/usaid.html", "source/us-billions-southern-mexico-2018.html", "timeline.html", "ontology.html"]
)
def test_no_serious_accessibility_violations(seed_site: Path, name: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    with browse(seed_site) as open_page:
        seen = open_page(seed_site / name)
        _wait(seen, name)
        results = Axe().run(seen.page)
        serious = [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == []


@pytest.mark.slow
def test_keyboard_reaches_highlights_and_the_facts_they_support(seed_site: Path) -> None:
    with browse(seed_site) as open_page:
        seen = open_page(seed_site / "source" / "us-billions-southern-mexico-2018.html")
        page = seen.page
        for _ in range(200):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.classList.contains('hl')"):
                break
        else:
            pytest.fail("no highlight reached with Tab")
        tip = page.evaluate("document.activeElement.id") + "-tip"
        assert page.is_visible(f"#{tip}")
        page.keyboard.press("Tab")
        assert page.evaluate(f"document.activeElement.closest('#{tip}') !== null")
        assert page.evaluate("document.activeElement.getAttribute('href')").startswith("../id/")
        assert page.is_visible(f"#{tip}")


def test_article_files_are_read_only_inside_the_corpus_and_bounded(tmp_path: Path) -> None:
    from graph.errors import AnalysisError
    from graph.pages.site.article import MAX_ARTICLE_BYTES, read_article
    from graph.pages.site.data import SiteData

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (tmp_path / "secret.txt").write_text("not an article", encoding="utf-8")
    (corpus / "big.txt").write_bytes(b"x" * (MAX_ARTICLE_BYTES + 1))
    source = "https://w3id.org/aidgraph/source/s1"
    for name, expected in (
        ("../secret.txt", "The file name '../secret.txt' does not name a file inside the corpus folder."),
        ("/etc/passwd", "The file name '/etc/passwd' does not name a file inside the corpus folder."),
        ("missing.txt", "The file 'missing.txt' was not found in the corpus folder."),
    ):
        data = SiteData(outgoing={source: [("https://w3id.org/aidgraph/ontology#fileName", ox.Literal(name))]})
        article = read_article(data, source, corpus)
        assert (article.text, article.reason) == (None, expected)
    data = SiteData(outgoing={source: [("https://w3id.org/aidgraph/ontology#fileName", ox.Literal("big.txt"))]})
    with pytest.raises(AnalysisError) as raised:
        read_article(data, source, corpus)
    assert str(raised.value) == f"{(corpus / 'big.txt').resolve()}: larger than 5,000,000 bytes; not an article, not read"


def test_error_output_that_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "site"
    target.write_text("a file", encoding="utf-8")
    result = CliRunner().invoke(cli, ["site", "-o", str(target), "--seeds", str(SEEDS), "--build-dir", str(tmp_path / "b")])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == f"Error: Invalid value for '-o' / '--output': Directory '{target}' is a file."
