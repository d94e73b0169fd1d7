"""The coverage ledger: numbers found in tricky sentences, covered or waived, and `check --coverage`."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli import cli
from loaders import FactError, load_facts
from loaders.check import check_all
from loaders.coverage import (
    MAX_ARTICLE_BYTES,
    _covering,
    coverage_of,
    excerpt,
    find_numbers,
    ledger,
)
from tests.conftest import SEEDS

ARTICLE = (
    "The DFC pledged $1 billion to El Salvador in fiscal 2019.\n"
    "Ten CEOs attended a two-day summit on Dec. 1, and tens of thousands waited.\n"
)
FACTS = """\
source: s1
countries:
  - id: sv
    label: El Salvador
    iso_code: SV
    evidence: [El Salvador]
agencies:
  - id: dfc
    label: DFC
    agency_of: sv
    evidence: [The DFC pledged $1 billion to El Salvador in fiscal 2019.]
"""
WAIVERS = """\
not_curated:
  - quote: Ten CEOs attended a two-day summit on Dec. 1
    reason: the summit is context here
  - quote: tens of thousands waited
    reason: a crowd, not a figure about migration
"""


def numbers(text: str) -> list[tuple[str, str]]:
    return [(n.text, n.kind) for n in find_numbers(text)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("committed to $5.8 billion in public money", [("$5.8 billion", "money")]),
        ("That $750-million initiative", [("$750-million", "money")]),
        ("detained certain 1.7 million people", [("1.7 million", "count")]),
        ("more than 200,000 Central Americans", [("200,000", "count")]),
        ("Ten Mexican CEOs, 10 top U.S. CEOs", [("Ten", "word"), ("10", "count")]),
        ("tens of thousands or hundreds of thousands", [("tens of thousands", "magnitude"), ("hundreds of thousands", "magnitude")]),
        ("dozens of caravans and thousands of people", [("dozens", "magnitude"), ("thousands", "magnitude")]),
        ("a suggested 30% cutback, down 85 percent", [("30%", "percent"), ("85 percent", "percent")]),
        ("encountered at the southern border in fiscal 2019.", [("2019", "year")]),
        ("who took office on Dec. 1, told reporters", [("Dec. 1", "date")]),
        ("published Oct. 26, 2017 at 7:40 p.m.", [("Oct. 26, 2017", "date"), ("7:40 p.m.", "time")]),
        ("since taking office in December 2018.", [("December 2018", "date")]),
        ("In August, Trump ended", [("August", "date")]),
        ("a two-day visit with twenty-five aides", [("two", "word"), ("twenty-five", "word")]),
        ("beginning in the 1990s", [("1990s", "decade")]),
        ("requests tripled, the first rise", [("tripled", "multiple"), ("first", "ordinal")]),
        ("one million people and one billion dollars", [("one million", "word"), ("one billion", "word")]),
        ("the 21st century", [("21st", "ordinal")]),
    ],
)
def test_numbers_in_tricky_sentences(sentence: str, expected: list[tuple[str, str]]) -> None:
    assert numbers(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "members of MS-13, a gang",  # digits inside a name
        "a sensitive one, one of the things",  # 'one' alone is a pronoun far more often than a count
        "You may go on Tuesday in May",  # 'may', 'May' without a day and weekdays are not numbers
        "often tense, on behalf of the tenants",  # number words inside other words
    ],
)
def test_words_that_are_not_numbers(sentence: str) -> None:
    assert numbers(sentence) == []


def test_trying_only_where_a_number_can_start_finds_the_same_numbers(corpus_dir: Path) -> None:
    from loaders.coverage import _NUMBER

    for path in sorted(corpus_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8") + " US$5 million, 'the '90s, 7:40 p.m. and MS13 or 3x"
        every_position = [(m.start(), m.group()) for m in _NUMBER.finditer(text)]
        assert [(n.start, n.text) for n in find_numbers(text)] == every_position


def test_number_spans_point_into_the_text() -> None:
    text = "It was $5.8 billion."
    (number,) = find_numbers(text)
    assert text[number.start : number.end] == "$5.8 billion"


def test_a_quote_covers_a_number_only_whole() -> None:
    text = "The U.S. pledged $5.8 billion in 2018."
    whole = text.index("$5.8 billion")
    entries = ledger(text, {"cut": [(whole, whole + 4)], "full": [(0, len(text))]}, {})
    assert [(n.text, e.facts) for n, e in entries.items()] == [("$5.8 billion", ("full",)), ("2018", ("full",))]
    only_cut = ledger(text, {"cut": [(whole, whole + 4)]}, {})
    assert [e.accounted for e in only_cut.values()] == [False, False]


def test_a_waiver_counts_only_where_no_fact_covers() -> None:
    text = "Ten came in 2018."
    entries = ledger(text, {"fact": [(0, 8)]}, {"context": [(0, len(text))]})
    assert [(n.text, e.facts, e.waiver) for n, e in entries.items()] == [
        ("Ten", ("fact",), None),
        ("2018", (), "context"),
    ]


def test_covering_sweep_matches_brute_force() -> None:
    rng = random.Random(14)
    text = " ".join(str(rng.randint(1, 999)) for _ in range(200))
    found = find_numbers(text)
    spans = [(a, a + rng.randint(1, 40), f"f{i}") for i, a in enumerate(rng.randint(0, len(text)) for _ in range(150))]
    brute = [sorted({name for s, e, name in spans if s <= n.start and n.end <= e}) for n in found]
    assert _covering(found, spans) == brute


def test_excerpt_keeps_the_sentence_and_skips_abbreviations() -> None:
    text = "Intro here. Lopez Obrador, who took office on Dec. 1, told reporters in Mexico City last week. Next."
    start = text.index("Dec. 1")
    assert excerpt(text, start, start + 6) == "Lopez Obrador, who took office on Dec. 1, told reporters in Mexico City last week."
    long = "Words " * 40 + "with 33 towns " + "and more " * 30 + "end."
    start = long.index("33")
    cut = excerpt(long, start, start + 2)
    assert cut.startswith("…") and cut.endswith("…") and "with 33 towns" in cut and len(cut) <= 92


def _setup(write_seeds, tmp_path: Path, facts: str, article: str = ARTICLE) -> tuple[Path, Path]:
    corpus = tmp_path / "articles"
    corpus.mkdir(exist_ok=True)
    (corpus / "article.txt").write_text(article, encoding="utf-8")
    digest = hashlib.sha256(article.encode("utf-8")).hexdigest()
    sources = f"sources:\n  - id: s1\n    file: article.txt\n    title: An article\n    sha256: {digest}\n"
    return write_seeds({"facts.yaml": facts, "sources.yaml": sources}), corpus


def test_ledger_of_an_article(write_seeds, tmp_path: Path) -> None:
    seeds, corpus = _setup(write_seeds, tmp_path, FACTS + WAIVERS)
    report = coverage_of(load_facts(seeds), corpus)
    (article,) = report.articles
    assert report.problems == [] and report.missing == 0
    assert article.ledger_lines() == [
        f'{corpus}/article.txt:1:17: "$1 billion": covered by dfc',
        f'{corpus}/article.txt:1:53: "2019": covered by dfc',
        f'{corpus}/article.txt:2:1: "Ten": waived: the summit is context here',
        f'{corpus}/article.txt:2:21: "two": waived: the summit is context here',
        f'{corpus}/article.txt:2:39: "Dec. 1": waived: the summit is context here',
        f'{corpus}/article.txt:2:51: "tens of thousands": waived: a crowd, not a figure about migration',
    ]
    assert article.summary() == "coverage: s1 (article.txt): 6 numbers, 2 covered by facts, 4 waived, 0 not covered"


def test_uncovered_numbers_are_listed_with_their_place(write_seeds, tmp_path: Path) -> None:
    seeds, corpus = _setup(write_seeds, tmp_path, FACTS)
    (article,) = coverage_of(load_facts(seeds), corpus).articles
    assert article.missing_lines() == [
        (f'{corpus}/article.txt:2:1: s1: "Ten" in "Ten CEOs attended a two-day summit on Dec. 1, and tens of thousands waited."'
        " is not covered by any fact or waived"),
        (f'{corpus}/article.txt:2:21: s1: "two" in "Ten CEOs attended a two-day summit on Dec. 1, and tens of thousands waited."'
        " is not covered by any fact or waived"),
        (f'{corpus}/article.txt:2:39: s1: "Dec. 1" in "Ten CEOs attended a two-day summit on Dec. 1, and tens of thousands waited."'
        " is not covered by any fact or waived"),
        (f'{corpus}/article.txt:2:51: s1: "tens of thousands" in "Ten CEOs attended a two-day summit on Dec. 1, and tens of'
        ' thousands waited." is not covered by any fact or waived'),
    ]


def _problems(seeds: Path) -> list[str]:
    with pytest.raises(FactError) as err:
        load_facts(seeds)
    return [str(p) for p in err.value.problems]


def test_error_waiver_without_number_reason_or_source(write_seeds) -> None:
    seeds = write_seeds(
        {
            "w.yaml": "source: s1\nnot_curated:\n  - quote: no figure here\n    reason: r\n  - quote: 10 CEOs\n"
            "  - quote: 10 CEOs\n    reasons: typo\n",
            "v.yaml": "not_curated:\n  - quote: 10 CEOs\n    reason: r\n  - quote: 10 CEOs\n    source: s9\n    reason: r\n",
        }
    )
    assert _problems(seeds) == [
        f"{seeds / 'v.yaml'}:2:5: not_curated #1: quote has no source (add 'source:' to the quote or at the top of the file)",
        f"{seeds / 'v.yaml'}:5:13: not_curated #2: unknown source 's9'",
        f"{seeds / 'w.yaml'}:3:12: not_curated #1: quote: holds no number: a waiver quotes the number it waives",
        f"{seeds / 'w.yaml'}:5:5: not_curated #2: missing required field 'reason'",
        f"{seeds / 'w.yaml'}:6:5: not_curated #3: missing required field 'reason'",
        f"{seeds / 'w.yaml'}:7:14: not_curated #3: unknown field 'reasons' (did you mean 'reason'?)",
    ]


def test_error_waivers_checked_against_the_article(write_seeds, tmp_path: Path) -> None:
    waivers = (
        "not_curated:\n"
        "  - quote: Eleven CEOs attended\n    reason: r\n"  # not in the article
        "  - quote: pledged $1\n    reason: r\n"  # cuts "$1 billion"
        "  - quote: in fiscal 2019\n    reason: r\n"  # already covered by the dfc quote
        "  - quote: tens of thousands waited\n    reason: r\n"
        "  - quote: Ten CEOs attended a two-day summit on Dec. 1\n    reason: r\n"
    )
    seeds, corpus = _setup(write_seeds, tmp_path, FACTS + waivers)
    report = check_all(seeds, corpus)
    facts = seeds / "facts.yaml"
    assert [str(p) for p in report.problems] == [
        f"{facts}:13:12: not_curated #1: quote not found verbatim in the article: 'Eleven CEOs attended'",
        (f"{facts}:15:12: not_curated #2: quote holds no whole number of the article"
        " (quote the number whole, e.g. '$5.8 billion', not '$5.8')"),
        f"{facts}:17:12: not_curated #3: not needed: every number in its quote is covered by a fact (dfc); delete it",
    ]
    assert report.coverage is None  # the ledger is printed only when asked for


def test_error_inferred_names_a_field_that_is_set(write_seeds) -> None:
    seeds = write_seeds(
        {
            "p.yaml": "source: s1\npolicies:\n  - id: p1\n    label: P\n    inferred:\n      started_on: a guess\n"
            "    evidence: [x]\n  - id: p2\n    label: P\n    inferred: {kind: k}\n    evidence: [x]\n"
            "  - id: p3\n    label: P\n    started_on: '2019'\n    inferred: {started_on: last June}\n    evidence: [x]\n",
        }
    )
    assert _problems(seeds) == [
        f"{seeds / 'p.yaml'}:6:19: policy 'p1': inferred field 'started_on' is not set (set it, or remove it from 'inferred')",
        f"{seeds / 'p.yaml'}:10:22: policy 'p2': inferred names unknown field 'kind'",
    ]


def test_error_statistic_states_a_value_or_a_trend(write_seeds) -> None:
    seeds = write_seeds(
        {
            "s.yaml": "source: s1\nstatistics:\n  - id: s1\n    label: S\n    measure: m\n    evidence: [x]\n"
            "  - id: s2\n    label: S\n    measure: m\n    value: 5\n    evidence: [x]\n"
            "  - id: s3\n    label: S\n    measure: m\n    trend: sideways\n    evidence: [x]\n"
            "  - id: s4\n    label: S\n    measure: m\n    trend: falling\n    evidence: [x]\n",
        }
    )
    problems = _problems(seeds)
    assert problems[:2] == [
        f"{seeds / 's.yaml'}:3:5: statistic 's1': a statistic states a value (with its unit) or a trend",
        f"{seeds / 's.yaml'}:7:5: statistic 's2': 'value' and 'unit' go together: give both or neither",
    ]
    assert problems[2].startswith(f"{seeds / 's.yaml'}:15:12: statistic 's3': trend: should be 'rising', 'falling'")
    assert len(problems) == 3


def test_error_event_references(write_seeds) -> None:
    seeds = write_seeds(
        {
            "e.yaml": "source: s1\nevents:\n  - id: e1\n    label: A visit\n    participants: [dfc, nobody]\n"
            "    held_in: dfc\n    concerns: sv\n    planned: maybe\n    evidence: [x]\n",
        }
    )
    assert _problems(seeds) == [
        f"{seeds / 'e.yaml'}:8:14: event 'e1': planned: should be a valid boolean, unable to interpret input",
    ]
    seeds = write_seeds(
        {
            "e.yaml": "source: s1\nevents:\n  - id: e1\n    label: A visit\n    participants: [dfc, nobody]\n"
            "    held_in: dfc\n    concerns: sv\n    evidence: [x]\n",
        }
    )
    assert _problems(seeds) == [
        f"{seeds / 'e.yaml'}:5:25: event 'e1': unknown actor 'nobody'",
        f"{seeds / 'e.yaml'}:6:14: event 'e1': held_in 'dfc' is a agency, expected country or region",
        f"{seeds / 'e.yaml'}:7:15: event 'e1': concerns 'sv' is a country, expected pledge or policy or program or statistic",
    ]


def test_an_oversized_article_is_refused_not_scanned(write_seeds, tmp_path: Path) -> None:
    seeds, corpus = _setup(write_seeds, tmp_path, FACTS)
    with (corpus / "article.txt").open("ab") as handle:
        handle.truncate(MAX_ARTICLE_BYTES + 1)
    report = coverage_of(load_facts(seeds), corpus)
    assert report.articles == []
    assert [str(p) for p in report.problems] == [
        f"{seeds / 'sources.yaml'}:2:5: article 'article.txt' is over 1 MiB: not scanned"
    ]


# -- the command ----------------------------------------------------------------------------------


def test_check_coverage_ok_exits_0(write_seeds, tmp_path: Path) -> None:
    seeds, corpus = _setup(write_seeds, tmp_path, FACTS + WAIVERS)
    result = CliRunner().invoke(cli, ["check", "--coverage", "--seeds", str(seeds), "--corpus", str(corpus)])
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines()[-2:] == [
        "coverage: s1 (article.txt): 6 numbers, 2 covered by facts, 4 waived, 0 not covered",
        "result: OK",
    ]


def test_check_coverage_verbose_lists_every_number(write_seeds, tmp_path: Path) -> None:
    seeds, corpus = _setup(write_seeds, tmp_path, FACTS + WAIVERS)
    args = ["check", "--coverage", "-v", "--seeds", str(seeds), "--corpus", str(corpus)]
    lines = CliRunner().invoke(cli, args).stdout.splitlines()
    assert lines[0] == f'{corpus}/article.txt:1:17: "$1 billion": covered by dfc'
    assert len([line for line in lines if '": ' in line]) == 6


def test_error_check_coverage_lists_uncovered_numbers_and_exits_1(write_seeds, tmp_path: Path) -> None:
    seeds, corpus = _setup(write_seeds, tmp_path, FACTS + WAIVERS.split("  - quote: tens")[0])
    result = CliRunner().invoke(cli, ["check", "--coverage", "--seeds", str(seeds), "--corpus", str(corpus)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        (f'{corpus}/article.txt:2:51: s1: "tens of thousands" in "Ten CEOs attended a two-day summit on Dec. 1, and tens of'
        ' thousands waited." is not covered by any fact or waived'),
        "Error: 1 number(s) not covered by any fact or waived",
    ]
    assert result.stdout.splitlines()[-2:] == [
        "coverage: s1 (article.txt): 6 numbers, 2 covered by facts, 3 waived, 1 not covered",
        "result: 1 number not covered",
    ]


def test_error_check_coverage_needs_the_corpus(write_seeds) -> None:
    result = CliRunner().invoke(cli, ["check", "--coverage", "--seeds", str(write_seeds())], env={"AIDGRAPH_CORPUS": ""})
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: --coverage reads the articles: give --corpus DIR (or set AIDGRAPH_CORPUS)"
    )


def test_error_check_coverage_with_broken_facts_reports_the_facts(write_seeds, tmp_path: Path) -> None:
    seeds, corpus = _setup(write_seeds, tmp_path, FACTS + "not_curated:\n  - quote: no number\n    reason: r\n")
    result = CliRunner().invoke(cli, ["check", "--coverage", "--seeds", str(seeds), "--corpus", str(corpus)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{seeds / 'facts.yaml'}:13:12: not_curated #1: quote: holds no number: a waiver quotes the number it waives",
        "Error: 1 problem(s) found",
    ]
    assert result.stdout.splitlines() == ["facts: not loaded"]


# -- the seeds ------------------------------------------------------------------------------------


def test_seeds_account_for_every_number_in_the_corpus(corpus_dir: Path) -> None:
    report = check_all(SEEDS, corpus_dir, coverage=True)
    assert [str(p) for p in report.problems] == []
    assert report.coverage is not None and report.coverage.missing == 0
    assert [line.split(": ", 2)[2] for line in report.lines() if line.startswith("coverage:")] == [
        "11 numbers, 10 covered by facts, 1 waived, 0 not covered",
        "3 numbers, 1 covered by facts, 2 waived, 0 not covered",
        "19 numbers, 16 covered by facts, 3 waived, 0 not covered",
        "3 numbers, 3 covered by facts, 0 waived, 0 not covered",
        "24 numbers, 20 covered by facts, 4 waived, 0 not covered",
    ]
    assert report.lines()[-1] == "result: OK"


def test_seeds_migration_figures_are_curated_not_waived(corpus_dir: Path) -> None:
    report = coverage_of(load_facts(SEEDS), corpus_dir)
    waived = {n.text for a in report.articles for n, e in a.entries.items() if not e.facts}
    # only context is waived: counts of the sentence's own subjects, page furniture, publication times
    assert waived == {"two", "2018", "first", "thousands", "5:55 a.m.", "Oct. 26", "7:40 p.m."}
    covered = {(a.source, n.text): e.facts for a in report.articles for n, e in a.entries.items()}
    assert covered["planting-opportunities-2021", "1.7 million"] == ("us-border-detentions-fy-1-7m",)
    assert covered["examiner-amlo-visit-2020", "2019"] == ("northern-triangle-largest-share-fy2019",)
    assert covered["examiner-amlo-visit-2020", "Ten"] == ("lopez-obrador-washington-visit-2020",)
    assert covered["latimes-mass-deportations-2017", "1990s"] == ("ms-13-deportations-1990s",)
