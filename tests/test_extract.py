"""`aidgraph extract`: drafts from a new article, measured against the curated seeds."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from bench.extract_quality import scores
from graph.cli import cli
from loaders import FactError, load_facts
from loaders.extract import (
    draft_article,
    find_amounts,
    find_dates,
    normalize,
    sentences,
)

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("committed to $5.8 billion in public money", [(Decimal(5800000000), "exact", False)]),
        ("That $750-million initiative", [(Decimal(750000000), "exact", False)]),
        ("approve more than $750 million in aid", [(Decimal(750000000), "at-least", False)]),
        ("About $2 billion is new money", [(Decimal(2000000000), "about", False)]),
        ("$1 billion each to El Salvador, Guatemala, and Honduras", [(Decimal(1000000000), "exact", True)]),
        ("adding billions of dollars to a project", [(None, "at-least", False)]),
    ],
)
def test_amounts_are_found_and_normalized(text: str, expected: list) -> None:
    assert [(a.amount, a.qualifier, a.each) for a in find_amounts(text)] == expected


def test_dates_and_periods_are_hints() -> None:
    assert find_dates("The United States on Tuesday announced") == ["on Tuesday"]
    assert "fiscal 2019" in find_dates("encountered at the southern border in fiscal 2019.")
    assert "over five years" in find_dates("plans to spend $30 billion over five years for development")


def test_names_match_without_accents_or_case() -> None:
    assert normalize("Andrés Manuel LÓPEZ Obrador") == normalize("andres manuel lopez obrador")


def test_sentences_are_exact_spans_and_keep_abbreviations() -> None:
    text = "The U.S. State Department said so. Mexico agreed.\nNew line here"
    found = sentences(text)
    assert [s.text for s in found] == ["The U.S. State Department said so.", "Mexico agreed.", "New line here"]
    assert all(text[s.start : s.start + len(s.text)] == s.text for s in found)


def test_each_means_one_draft_pledge_per_recipient(seed_build) -> None:
    _, facts = seed_build
    text = "The U.S. International Development Finance Corporation pledged $1 billion each to El Salvador, Guatemala, and Honduras."
    draft = draft_article(text, file="new.txt", facts=facts)
    assert sorted(p["recipient"] for p in draft.pledges) == ["gt", "hn", "sv"]
    assert {p["pledged_by"] for p in draft.pledges} == {"dfc"}
    assert all(p["draft"] is True and p["evidence"] == [text] for p in draft.pledges)


def test_known_names_link_new_names_are_guesses(seed_build) -> None:
    _, facts = seed_build
    text = "Lopez Obrador met the Inter-American Development Bank and the Rural Agency of Oaxaca on Monday."
    draft = draft_article(text, file="new.txt", facts=facts)
    assert [m["about"] for m in draft.mentions] == ["lopez-obrador"]
    guesses = {c["label"]: c["section"] for c in draft.candidates}
    assert guesses["Rural Agency of Oaxaca"] == "agencies"
    assert all(c["draft"] is True and "Guessed class" in str(c["note"]) for c in draft.candidates)
    assert draft.hints == [("on Monday", text)]


def test_recall_against_the_curated_seeds(corpus_dir: Path) -> None:
    results = scores(ROOT / "seeds", corpus_dir)
    assert len(results) == 5
    pledges = sum(s.pledges_found for s in results) / sum(s.pledges_curated for s in results)
    entities = sum(s.entities_found for s in results) / sum(s.entities_curated for s in results)
    assert pledges >= 0.9, pledges
    assert entities >= 0.9, entities
    assert all(s.quotes_verbatim for s in results)


def test_check_refuses_unconfirmed_drafts(tmp_path: Path, corpus_dir: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for path in (ROOT / "seeds").rglob("*.yaml"):
        target = seeds / path.relative_to(ROOT / "seeds")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    article = corpus_dir / "003_0900b88f7300df9c.txt"
    result = CliRunner().invoke(
        cli, ["extract", str(article), "--source-id", "again", "--seeds", str(seeds), "-o", str(seeds / "draft.yaml")]
    )
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(f"Wrote {seeds / 'draft.yaml'}: 0 pledges, ")
    with pytest.raises(FactError) as refused:
        load_facts(seeds)
    messages = [str(p) for p in refused.value.problems]
    assert messages and all("unconfirmed draft" in m for m in messages)
    assert any("mention of 'amexcid': unconfirmed draft" in m for m in messages)
