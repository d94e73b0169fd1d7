"""Precision and recall of `aidgraph extract` against the curated seeds, article by article.

For each corpus article it drafts facts with the graph's own names and compares them with what
the curators recorded from that article:

* pledge amounts: a curated pledge is recalled when a drafted pledge has its amount; a drafted
  amount is precise when some curated pledge of the article has it;
* entities (countries, regions, agencies, organizations, people): a curated entity the article
  mentions (it has a quote from it) is recalled when the draft links it; a drafted link is precise
  when the curators quote that entity from the article.

    python bench/extract_quality.py [--corpus ../shared/corpus]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from loaders import FactSet, load_facts
from loaders.extract import draft_article

NAMED = {"country", "region", "agency", "organization", "person"}


@dataclass
class Score:
    """Matches and totals for one article."""

    source: str
    pledges_found: int
    pledges_curated: int
    amounts_right: int
    amounts_drafted: int
    entities_found: int
    entities_curated: int
    links_right: int
    links_drafted: int
    quotes_verbatim: bool


def score_article(facts: FactSet, source_id: str, text: str) -> Score:
    """Draft one article and compare the draft with the curated facts quoted from it."""
    draft = draft_article(text, file=facts.sources[source_id].file, facts=facts, source_id=source_id)
    quoted = {fid for fid, quotes in facts.evidence.items() if any(q.source == source_id for q in quotes)}
    curated_pledges = [facts.records[f] for f in quoted if facts.records[f].kind == "pledge"]
    drafted_amounts = [str(p["amount"]) for p in draft.pledges if "amount" in p]
    curated_amounts = {str(p.amount) for p in curated_pledges}
    curated_entities = {f for f in quoted if facts.records[f].kind in NAMED}
    linked = {str(m["about"]) for m in draft.mentions}
    linked_named = {f for f in linked if facts.records[f].kind in NAMED}
    quotes = [str(q) for p in draft.pledges for q in p["evidence"]] + [str(m["quote"]) for m in draft.mentions]
    return Score(
        source=source_id,
        pledges_found=sum(str(p.amount) in drafted_amounts for p in curated_pledges),
        pledges_curated=len(curated_pledges),
        amounts_right=sum(a in curated_amounts for a in drafted_amounts),
        amounts_drafted=len(drafted_amounts),
        entities_found=len(curated_entities & linked),
        entities_curated=len(curated_entities),
        links_right=len(linked_named & curated_entities),
        links_drafted=len(linked_named),
        quotes_verbatim=all(q in text for q in quotes),
    )


def scores(seeds: Path, corpus: Path) -> list[Score]:
    facts = load_facts(seeds)
    return [
        score_article(facts, source_id, (corpus / source.file).read_text(encoding="utf-8"))
        for source_id, source in sorted(facts.sources.items())
    ]


def _ratio(part: int, whole: int) -> str:
    return f"{part}/{whole} = {part / whole:.0%}" if whole else "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=ROOT / "seeds")
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    args = parser.parse_args()
    results = scores(args.seeds, args.corpus)
    print("| article | pledge recall | amount precision | entity recall | entity precision | quotes verbatim |")
    print("|---|---|---|---|---|---|")
    for s in results:
        print(
            f"| {s.source} | {_ratio(s.pledges_found, s.pledges_curated)} | {_ratio(s.amounts_right, s.amounts_drafted)}"
            f" | {_ratio(s.entities_found, s.entities_curated)} | {_ratio(s.links_right, s.links_drafted)}"
            f" | {'yes' if s.quotes_verbatim else 'NO'} |"
        )
    total = [sum(getattr(s, f) for s in results) for f in ("pledges_found", "pledges_curated", "amounts_right",
             "amounts_drafted", "entities_found", "entities_curated", "links_right", "links_drafted")]  # fmt: skip
    print(
        f"| all | {_ratio(total[0], total[1])} | {_ratio(total[2], total[3])} | {_ratio(total[4], total[5])}"
        f" | {_ratio(total[6], total[7])} | {'yes' if all(s.quotes_verbatim for s in results) else 'NO'} |"
    )


if __name__ == "__main__":
    main()
