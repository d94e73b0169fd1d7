"""Synthetic fact files in the project's own YAML format, shaped like the real seeds.

Deterministic from a seed: actors (countries, agencies, people), programs, policies and pledges
with amounts, dates, qualifiers and evidence quotes, in files of 1,000 pledges each, so a
benchmark can build 1k, 10k or 100k pledges (about 1.5 M triples at the top).

    python bench/generate.py --pledges 10000 --out /tmp/seeds-10k
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

PER_FILE = 1000


def generate(out: Path, pledges: int, *, seed: int = 2018) -> Path:
    """Write a seeds directory with ``pledges`` pledges under ``out``; return it."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    (out / "facts").mkdir(exist_ok=True)
    n_sources = max(5, pledges // 200)
    n_countries = 40
    n_agencies = max(10, pledges // 100)
    n_people = max(10, pledges // 100)
    n_programs = max(5, pledges // 50)
    n_policies = max(5, pledges // 100)
    sources = [f"src-{i:06d}" for i in range(n_sources)]
    countries = [f"country-{i:03d}" for i in range(n_countries)]
    agencies = [f"agency-{i:05d}" for i in range(n_agencies)]
    people = [f"person-{i:05d}" for i in range(n_people)]
    programs = [f"program-{i:05d}" for i in range(n_programs)]
    policies = [f"policy-{i:05d}" for i in range(n_policies)]

    lines = ["sources:"]
    for i, source in enumerate(sources):
        lines += [
            f"  - id: {source}",
            f"    file: article-{i:06d}.txt",
            f"    title: Synthetic article {i} on migration and development funding",
            f"    published: {2014 + i % 8}-{1 + i % 12:02d}",
        ]
    lines.append("countries:")
    for i, country in enumerate(countries):
        code = chr(65 + i // 26) + chr(65 + i % 26)
        lines += [f"  - id: {country}", f"    label: Country {i}", f"    iso_code: {code}", *_evidence(rng, sources)]
    lines.append("agencies:")
    for i, agency in enumerate(agencies):
        lines += [
            f"  - id: {agency}",
            f"    label: Agency {i} for International Development",
            f"    aliases: [AG{i}]",
            f"    agency_of: {rng.choice(countries)}",
            *_evidence(rng, sources),
        ]
    lines.append("people:")
    for i, person in enumerate(people):
        lines += [
            f"  - id: {person}",
            f"    label: Person {i}",
            f"    member_of: {rng.choice(agencies)}",
            "    position: Administrator",
            *_evidence(rng, sources),
        ]
    for section, ids, kind in (("programs", programs, "Program"), ("policies", policies, "Policy")):
        lines.append(f"{section}:")
        for i, item in enumerate(ids):
            lines += [
                f"  - id: {item}",
                f"    label: {kind} {i} on the root causes of migration",
                f"    implemented_by: [{rng.choice(agencies)}, {rng.choice(agencies)}]",
                f"    targets: {rng.choice(countries)}",
                f"    announced_by: {rng.choice(people)}",
                f"    announced_on: {2014 + i % 8}-{1 + i % 12:02d}",
                *_evidence(rng, sources),
            ]
    (out / "entities.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    for part in range((pledges + PER_FILE - 1) // PER_FILE):
        lines = ["pledges:"]
        for i in range(part * PER_FILE, min(pledges, (part + 1) * PER_FILE)):
            amount = rng.randint(1, 9999) * 10 ** rng.randint(4, 6)
            lines += [
                f"  - id: pledge-{i:07d}",
                f"    label: Pledge {i} for development",
                f"    pledged_by: {rng.choice(agencies + countries)}",
                f"    recipient: {rng.choice(countries)}",
                f"    for_program: {rng.choice(programs)}",
                f"    amount: {amount}",
                f"    qualifier: {rng.choice(['exact', 'exact', 'exact', 'about', 'at-least'])}",
                f"    announced_on: {2014 + i % 8}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                *_evidence(rng, sources),
            ]
        (out / "facts" / f"part-{part:04d}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def _evidence(rng: random.Random, sources: list[str]) -> list[str]:
    source = rng.choice(sources)
    number = rng.randint(1, 10**9)
    return [
        "    evidence:",
        f"      - source: {source}",
        f"        quote: officials said the plan, number {number}, would bring jobs and stem migration",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pledges", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    print(generate(args.out, args.pledges, seed=args.seed))


if __name__ == "__main__":
    main()
