"""The loader on good and bad fact files: every problem named with file, line and a fix."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from loaders import FactError, load_facts


def _problems(seeds: Path) -> list[str]:
    with pytest.raises(FactError) as info:
        load_facts(seeds)
    return [str(p) for p in info.value.problems]


def test_minimal_seeds_load(write_seeds) -> None:
    facts = load_facts(write_seeds())
    pledge = facts.records["dfc-sv"]
    assert pledge.amount == Decimal(1000000000)
    assert pledge.recipient == ["sv"]
    assert [q.source for q in facts.evidence["dfc-sv"]] == ["s1"]
    assert str(facts.where["dfc-sv"]).endswith("facts.yaml:17:5")


def test_bundled_seeds_load() -> None:
    facts = load_facts(Path(__file__).resolve().parents[1] / "seeds")
    assert len(facts.sources) == 5
    assert all(facts.evidence[i] for i in facts.records)


BAD_CASES = {
    "malformed": ("pledges: [\n", "x.yaml:2:1: malformed YAML"),
    "tab": ("pledges:\n\t- id: a\n", "x.yaml:2:1: malformed YAML"),
    "duplicate key": (
        "source: s1\ncountries:\n  - id: mx\n    label: Mexico\n    label: México\n    iso_code: MX\n    evidence: [x]\n",
        "x.yaml:5:5: duplicate key 'label' (first written on line 4)",
    ),
    "object tag": ("countries: !!python/object/apply:os.system [ls]\n", "x.yaml:1:12: YAML tag"),
    "alias": ("a: &x [1]\nsources: *x\n", "anchors and aliases"),
    "empty": ("", "x.yaml: file is empty"),
    "comment only": ("# nothing here\n", "x.yaml: file is empty"),
    "not a mapping": ("- a\n- b\n", "x.yaml:1:1: a fact file is a mapping of sections"),
    "unknown section": ("pledge:\n  - id: a\n", "x.yaml:2:3: unknown section 'pledge' (did you mean 'pledges'?)"),
    "section not a list": ("pledges: {id: a}\n", "section 'pledges' must be a list"),
    "missing field": (
        "source: s1\npledges:\n  - id: p2\n    label: P\n    pledged_by: dfc\n    evidence: [x]\n",
        "x.yaml:3:5: pledge 'p2': missing required field 'amount'",
    ),
    "unknown field": (
        "source: s1\npledges:\n  - id: p2\n    label: P\n    pledged_by: dfc\n    amout: 5\n    amount: 5\n    evidence: [x]\n",
        "x.yaml:6:12: pledge 'p2': unknown field 'amout' (did you mean 'amount'?)",
    ),
    "wrong type": (
        "source: s1\npledges:\n  - id: p2\n    label: P\n    pledged_by: dfc\n    amount: 5\n    recipient: {a: b}\n    evidence: [x]\n",
        "x.yaml:7:16: pledge 'p2': recipient: should be a valid list",
    ),
    "bad id": (
        "source: s1\ncountries:\n  - id: El Salvador\n    label: X\n    iso_code: SV\n    evidence: [x]\n",
        "x.yaml:3:9: country 'El Salvador': id: id 'El Salvador' cannot form an IRI",
    ),
    "bad amount": (
        "source: s1\npledges:\n  - id: p2\n    label: P\n    pledged_by: dfc\n    amount: five\n    evidence: [x]\n",
        "x.yaml:6:13: pledge 'p2': amount: 'five' is not an amount",
    ),
    "negative amount": (
        "source: s1\npledges:\n  - id: p2\n    label: P\n    pledged_by: dfc\n    amount: -5\n    evidence: [x]\n",
        "pledge 'p2': amount: '-5' is not an amount",
    ),
    "bad currency": (
        "source: s1\npledges:\n  - id: p2\n    label: P\n    pledged_by: dfc\n    amount: 5\n    currency: dollars\n    evidence: [x]\n",
        "x.yaml:7:15: pledge 'p2': currency: String should match pattern",
    ),
    "bad date": (
        "source: s1\npledges:\n  - id: p2\n    label: P\n    pledged_by: dfc\n    amount: 5\n    announced_on: 2019-02-30\n    evidence: [x]\n",
        "x.yaml:7:19: pledge 'p2': announced_on: '2019-02-30' is not a real date",
    ),
    "bad qualifier": (
        "source: s1\npledges:\n  - id: p2\n    label: P\n    pledged_by: dfc\n    amount: 5\n    qualifier: roughly\n    evidence: [x]\n",
        "pledge 'p2': qualifier: should be 'exact', 'about', 'at-least' or 'up-to'",
    ),
    "duplicate id": (
        "source: s1\ncountries:\n  - id: us\n    label: USA\n    iso_code: US\n    evidence: [x]\n",
        "x.yaml:3:9: country 'us': duplicate id (first defined at",
    ),
    "unknown reference": (
        "source: s1\npledges:\n  - id: p2\n    label: P\n    pledged_by: dfcc\n    amount: 5\n    evidence: [x]\n",
        "x.yaml:5:17: pledge 'p2': unknown actor 'dfcc' (did you mean 'dfc'?)",
    ),
    "wrong kind of reference": (
        "source: s1\npledges:\n  - id: p2\n    label: P\n    pledged_by: dfc\n    amount: 5\n    part_of: sv\n    evidence: [x]\n",
        "pledge 'p2': part_of 'sv' is a country, expected pledge",
    ),
    "unknown source": (
        "source: s2\ncountries:\n  - id: mx\n    label: Mexico\n    iso_code: MX\n    evidence: [x]\n",
        "x.yaml:1:9: file's default source: unknown source 's2'",
    ),
    "quote without source": (
        "countries:\n  - id: mx\n    label: Mexico\n    iso_code: MX\n    evidence: [x]\n",
        "x.yaml:5:16: country 'mx': quote has no source",
    ),
    "no evidence": (
        "countries:\n  - id: mx\n    label: Mexico\n    iso_code: MX\n",
        "x.yaml:2:5: country 'mx': no evidence",
    ),
    "part_of cycle": (
        "source: s1\npledges:\n  - id: p2\n    label: P\n    pledged_by: dfc\n    amount: 5\n    part_of: p2\n    evidence: [x]\n",
        "pledge 'p2' is part of itself through p2 → p2",
    ),
    "mention of unknown id": (
        "source: s1\nmentions:\n  - about: usaid\n    quote: x\n",
        "x.yaml:3:12: mention of 'usaid': unknown fact 'usaid'",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_error_bad_fact_file(write_seeds, case: str) -> None:
    text, expected = BAD_CASES[case]
    problems = _problems(write_seeds({"x.yaml": text}))
    assert any(expected in p for p in problems), problems
    assert all("x.yaml" in p for p in problems), problems


def test_error_non_utf8_file(write_seeds) -> None:
    problems = _problems(write_seeds({"x.yaml": b"sources:\n  - id: \xff\xfe\n"}))
    assert len(problems) == 1 and problems[0].endswith("x.yaml:2:9: file is not UTF-8 text (save it as UTF-8)")


def test_utf8_bom_is_accepted(write_seeds) -> None:
    seeds = write_seeds({"facts.yaml": b"\xef\xbb\xbf" + (write_seeds() / "facts.yaml").read_bytes()})
    assert "dfc-sv" in load_facts(seeds).records


def test_unknown_default_source_is_reported_once(write_seeds) -> None:
    text, _ = BAD_CASES["unknown source"]
    assert len(_problems(write_seeds({"x.yaml": text}))) == 1


def test_every_problem_of_every_file_is_reported(write_seeds) -> None:
    seeds = write_seeds(
        {
            "a.yaml": "pledges: [\n",
            "b.yaml": "source: s1\npledges:\n  - id: p2\n    label: P\n    pledged_by: nobody\n    amount: lots\n    evidence: [x]\n",
            "c.yaml": "source: s1\npledges:\n  - id: p3\n    label: P\n    pledged_by: nobody\n    amount: 5\n    evidence: [x]\n",
        }
    )
    problems = _problems(seeds)
    assert [p.split(":")[0].rsplit("/", 1)[-1] for p in problems] == ["a.yaml", "b.yaml", "c.yaml"]
    assert "unknown actor 'nobody'" in problems[2]


def test_reference_to_an_invalid_record_is_not_reported_twice(write_seeds) -> None:
    seeds = write_seeds(
        {
            "x.yaml": "source: s1\npledges:\n  - id: p2\n    label: P\n    pledged_by: dfc\n    amount: x\n    evidence: [q]\n"
            "  - id: p3\n    label: Q\n    pledged_by: dfc\n    amount: 5\n    part_of: p2\n    evidence: [q]\n"
        }
    )
    problems = _problems(seeds)
    assert len(problems) == 1 and "'x' is not an amount" in problems[0]


def test_error_missing_directory(tmp_path: Path) -> None:
    assert _problems(tmp_path / "nope")[0].endswith("nope: no such directory of fact files")


def test_error_directory_without_fact_files(tmp_path: Path) -> None:
    assert _problems(tmp_path)[0].endswith("no fact files (*.yaml) in this directory")


def test_yaml_scalars_stay_text(write_seeds) -> None:
    seeds = write_seeds(
        {
            "x.yaml": "source: s1\npledges:\n  - id: p2\n    label: '1e3'\n    pledged_by: dfc\n    amount: 183018138.20\n"
            "    announced_on: 2019-02-28\n    evidence: [q]\n"
        }
    )
    pledge = load_facts(seeds).records["p2"]
    assert pledge.label == "1e3"
    assert pledge.amount == Decimal("183018138.20")
    assert pledge.announced_on == "2019-02-28"
