"""``check`` with a build directory validates only what an edit changed, and reports what a clean check reports.

The project's shapes find nothing in facts the loader accepts, so these tests add shapes that
YAML can break: a program's label or a quote starting with "!", a donor that is not an agency
(which depends on a fact of another file), a pledge that is not cross-border (a scope derived
across files). Each test compares the kept check with a clean one, problem for problem, and
says whether the shapes ran on the edited files alone or on the whole set.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest
from click.testing import CliRunner

import loaders.shapes_increment as kept
from graph.cli import cli
from loaders.check import check_all
from loaders.shapes_state import MAX_STATE_BYTES, STATE_FILE
from ontology import shapes_path
from tests.conftest import edit_seed

ROOT = Path(__file__).resolve().parents[1]
FACTS = "facts/us-billions-southern-mexico-2018.yaml"
EXAMINER = "facts/examiner-amlo-visit-2020.yaml"
BODIES = "entities/bodies.yaml"
PLACES = "entities/places.yaml"
PROGRAM = "label: Mexican development plan for southern Mexico and Central America"

TEST_SHAPES = """
@prefix ag: <https://w3id.org/aidgraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
<urn:test:program-labels> sh:targetClass ag:Program ; sh:property [ sh:path rdfs:label ; sh:pattern "^[^!]" ] .
<urn:test:quotes> sh:targetClass ag:Evidence ; sh:property [ sh:path ag:quote ; sh:pattern "^[^!]" ] .
<urn:test:donors> sh:targetClass ag:Pledge ; sh:property [ sh:path ag:pledgedBy ; sh:class ag:Agency ] .
<urn:test:scopes> sh:targetClass ag:Pledge ; sh:property [ sh:path ag:scope ; sh:in ( ag:CrossBorder ) ] .
"""


@pytest.fixture
def seeds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the bundled seeds, checked against the project's shapes and the test shapes."""
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(shapes_path().read_text(encoding="utf-8") + TEST_SHAPES, encoding="utf-8")
    monkeypatch.setattr("loaders.shacl.shapes_path", lambda: shapes)
    copy = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", copy)
    return copy


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """How each kept check ran its shapes: ``everything`` or ``patched``."""
    ran: list[str] = []
    for name in ("_everything", "_patched"):
        original = getattr(kept, name)

        def recorded(*args: object, _original: Callable[..., object] = original, _name: str = name) -> object:
            result = _original(*args)
            if result is not None:  # _patched gives None when everything must be validated
                ran.append(_name.lstrip("_"))
            return result

        monkeypatch.setattr(kept, name, recorded)
    return ran


def _problems(seeds: Path, build_dir: Path | None, corpus: Path | None = None) -> list[str]:
    report = check_all(seeds, corpus, cache_dir=build_dir)
    return [str(problem) for problem in report.problems]


def _kept_and_clean(
    seeds: Path, tmp_path: Path, edit: Callable[[], object], corpus: Path | None = None
) -> tuple[list[str], list[str], list[str]]:
    """Check into a build directory, edit, check again there and without one: problems before, kept, clean."""
    before = _problems(seeds, tmp_path / "build", corpus)
    edit()
    return before, _problems(seeds, tmp_path / "build", corpus), _problems(seeds, None, corpus)


def test_the_test_shapes_find_problems_in_the_seeds(seeds: Path) -> None:
    problems = _problems(seeds, None)
    assert any("shape violation on ag:pledgedBy" in p and FACTS in p for p in problems)
    assert any("shape violation on ag:scope" in p for p in problems)


def test_an_edit_in_one_file_validates_that_file_alone(seeds: Path, tmp_path: Path, runs: list[str]) -> None:
    before, updated, clean = _kept_and_clean(seeds, tmp_path, partial(edit_seed, seeds, FACTS, PROGRAM, "label: '!Plan'"))
    assert runs == ["everything", "patched"]
    assert updated == clean != before
    assert any("mexico-development-plan" in p and "rdfs:label" in p for p in updated)
    assert any(BODIES not in p and "ag:pledgedBy" in p for p in updated)  # kept from the files not redone


def test_a_donor_changed_in_the_edited_file_is_judged_by_the_other_file_s_kind(
    seeds: Path, tmp_path: Path, runs: list[str]
) -> None:
    """The donor's type is in another file: the patched store must hold it."""
    edit = partial(edit_seed, seeds, FACTS, "pledged_by: opic", "pledged_by: us")
    before, updated, clean = _kept_and_clean(seeds, tmp_path, edit)
    assert runs == ["everything", "patched"]
    assert updated == clean
    assert len([p for p in updated if "ag:pledgedBy" in p]) == len([p for p in before if "ag:pledgedBy" in p]) + 1


def test_a_fact_that_changes_kind_validates_everything(seeds: Path, tmp_path: Path, runs: list[str]) -> None:
    """OPIC becomes an organization: a pledge in another, unchanged file now has a donor that is not an agency."""

    def opic_an_organization() -> None:
        edit_seed(seeds, BODIES, "  - id: opic\n", "  - id: opic-was-here\n")
        edit_seed(seeds, BODIES, "organizations:\n", "organizations:\n  - id: opic\n    label: OPIC\n    based_in: us\n"
              "    evidence:\n      - source: us-billions-southern-mexico-2018\n        quote: the Overseas Private\n")

    before, updated, clean = _kept_and_clean(seeds, tmp_path, opic_an_organization)
    assert runs == ["everything", "everything"]
    assert updated == clean
    assert any("opic-2018-new-money" in p and "ag:pledgedBy" in p for p in updated)
    assert not any("opic-2018-new-money" in p and "ag:pledgedBy" in p for p in before)


def test_a_mention_in_another_file_revalidates_the_evidence_of_the_fact_it_quotes(
    seeds: Path, tmp_path: Path, runs: list[str]
) -> None:
    """The quote's evidence is a node of the quoted fact's file, reported at the mention's line."""
    line = "quote: that would not be possible without the help of President Lopez Obrador with the Migrant Protection plan\n"
    edit = partial(edit_seed, seeds, EXAMINER, line, line.replace("quote: that", "quote: '!that").replace("plan\n", "plan'\n"))
    before, updated, clean = _kept_and_clean(seeds, tmp_path, edit)
    assert runs == ["everything", "patched"]
    assert updated == clean != before
    assert any(EXAMINER in p and "remain-in-mexico" in p and "ag:quote" in p for p in updated)


def test_a_place_moved_revalidates_the_pledges_whose_scope_it_changes(
    seeds: Path, tmp_path: Path, runs: list[str]
) -> None:
    edit = partial(edit_seed, seeds, PLACES, "aliases: [South Mexico]\n    within: mx\n", "aliases: [South Mexico]\n")
    before, updated, clean = _kept_and_clean(seeds, tmp_path, edit)
    assert runs == ["everything", "patched"]
    assert updated == clean != before


def test_files_added_and_removed_and_successive_edits_each_equal_a_clean_check(
    seeds: Path, tmp_path: Path, runs: list[str]
) -> None:
    build_dir = tmp_path / "build"
    _problems(seeds, build_dir)
    added = seeds / "facts" / "a-new-article.yaml"
    added.write_text(
        "programs:\n  - id: a-new-plan\n    label: '!A new plan'\n    evidence:\n"
        "      - source: examiner-amlo-visit-2020\n        quote: the Migration Policy Institute\n",
        encoding="utf-8",
    )
    assert _problems(seeds, build_dir) == _problems(seeds, None)
    assert any("a-new-plan" in p for p in _problems(seeds, build_dir))
    added.unlink()
    assert _problems(seeds, build_dir) == _problems(seeds, None)
    label = PROGRAM
    for n in range(3):
        edit_seed(seeds, FACTS, label, f"label: '!plan {n}'" if n % 2 == 0 else f"label: plan {n}")
        label = f"label: '!plan {n}'" if n % 2 == 0 else f"label: plan {n}"
        assert _problems(seeds, build_dir) == _problems(seeds, None), n
    assert runs == ["everything", *["patched"] * 6]


def test_the_corpus_is_part_of_what_the_state_describes(
    seeds: Path, tmp_path: Path, runs: list[str], corpus_dir: Path
) -> None:
    """Quote positions come from the articles: a check with other articles (or none) validates everything."""
    before, updated, clean = _kept_and_clean(seeds, tmp_path, partial(edit_seed, seeds, FACTS, PROGRAM, "label: '!Plan'"), corpus_dir)
    assert updated == clean != before
    assert _problems(seeds, tmp_path / "build") == _problems(seeds, None)
    assert runs == ["everything", "patched", "everything"]


def _signed(state: Path, payload: bytes) -> None:
    """Write ``payload`` as the state with its own digest: only its content can refuse it."""
    state.write_bytes(hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda state: state.write_bytes(b"not a state"), id="garbage"),
        pytest.param(lambda state: state.write_bytes(state.read_bytes()[:-9]), id="truncated"),
        pytest.param(lambda state: state.write_bytes(state.read_bytes().replace(b"shape violation", b"shape viola7ion")), id="a byte changed"),
        pytest.param(lambda state: _signed(state, state.read_bytes().partition(b"\n")[2].replace(b'"kinds"', b'"kindr"')), id="another shape"),
        pytest.param(lambda state: _signed(state, state.read_bytes().partition(b"\n")[2].replace(b'"format":1', b'"format":2')), id="another format"),
        pytest.param(lambda state: _signed(state, b"[" * 100_000), id="nested deeply"),
        pytest.param(lambda state: _signed(state, b'{"format":1,"context":"","files":{"a":{"sha256":0}},"unowned":[]}'), id="a number for a digest"),
        pytest.param(lambda state: state.write_bytes(b""), id="empty"),
        pytest.param(lambda state: _signed(state, state.read_bytes().partition(b"\n")[2].replace(b'"unowned":[]', b'"unowned":[["x",-5,1,"forged"]]')), id="a negative line"),
        pytest.param(lambda state: state.write_bytes(b" " * (MAX_STATE_BYTES + 1)), id="too large"),
        pytest.param(lambda state: state.unlink(), id="removed"),
        pytest.param(lambda state: (state.unlink(), state.mkdir()), id="a directory"),
    ],
)
def test_a_state_that_does_not_check_out_validates_everything(
    seeds: Path, tmp_path: Path, runs: list[str], damage: Callable[[Path], object]
) -> None:
    build_dir = tmp_path / "build"
    _problems(seeds, build_dir)
    damage(build_dir / STATE_FILE)
    edit_seed(seeds, FACTS, PROGRAM, "label: '!Plan'")
    assert _problems(seeds, build_dir) == _problems(seeds, None)
    assert runs == ["everything", "everything"]


def test_a_check_that_fails_on_the_facts_leaves_the_state_as_it_was(
    seeds: Path, tmp_path: Path, runs: list[str]
) -> None:
    build_dir = tmp_path / "build"
    _problems(seeds, build_dir)
    state = (build_dir / STATE_FILE).read_bytes()
    edit_seed(seeds, FACTS, "pledged_by: opic", "pledged_by: nobody-defined")
    assert any("nobody-defined" in p for p in _problems(seeds, build_dir))
    assert (build_dir / STATE_FILE).read_bytes() == state
    edit_seed(seeds, FACTS, "pledged_by: nobody-defined", "pledged_by: us")
    assert _problems(seeds, build_dir) == _problems(seeds, None)
    assert runs == ["everything", "patched"]


def test_the_reference_engine_keeps_no_state(seeds: Path, tmp_path: Path) -> None:
    check_all(seeds, cache_dir=tmp_path / "build", shacl_engine="pyshacl")
    assert not (tmp_path / "build" / STATE_FILE).exists()


def test_the_command_says_which_files_the_shapes_validated_again(seeds: Path, tmp_path: Path) -> None:
    command = ["check", "--seeds", str(seeds), "--build-dir", str(tmp_path / "build")]
    environment = {"AIDGRAPH_CORPUS": ""}

    def shapes_line() -> str:
        result = CliRunner().invoke(cli, command, env=environment)
        return next(line for line in result.output.splitlines() if line.startswith("shapes:"))

    files = len(list(seeds.rglob("*.yaml")))
    kept_line = "shapes: SHACL validation run on the nodes of {} of {} fact files, the others' results kept from the last check"
    assert shapes_line() == "shapes: SHACL validation run"
    edit_seed(seeds, FACTS, PROGRAM, "label: Plan")
    assert shapes_line() == kept_line.format(1, files)
    edit_seed(seeds, EXAMINER, "quote: that would not be possible", "quote: that would not be")
    assert shapes_line() == kept_line.format(2, files)  # the mention's file, and the quoted fact's
    assert shapes_line() == kept_line.format(0, files)


def test_shapes_that_follow_another_property_backwards_validate_everything(
    seeds: Path, tmp_path: Path, runs: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An agency's pledges are in other files: a shape on them cannot be run on one file's nodes."""
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        shapes.read_text(encoding="utf-8")
        + "<urn:test:donors-pledge> sh:targetClass ag:Agency ; sh:property [ sh:path [ sh:inversePath ag:pledgedBy ] ; sh:minCount 1 ] .\n",
        encoding="utf-8",
    )
    before, updated, clean = _kept_and_clean(seeds, tmp_path, partial(edit_seed, seeds, FACTS, "pledged_by: opic", "pledged_by: dfc"))
    assert runs == ["everything", "everything"]
    assert updated == clean != before
    assert any("agency 'opic'" in p for p in updated)


def test_the_state_is_of_this_code_and_these_versions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every module of loaders and ontology counts (a prefix changes how messages name terms), as do the libraries."""
    from importlib.metadata import version

    kept._code.cache_clear()
    base = kept._code()
    real = Path.read_bytes
    try:
        with monkeypatch.context() as patch:
            patch.setattr(Path, "read_bytes", lambda self: real(self) + (b"#" if self.name == "prefixes.py" else b""))
            kept._code.cache_clear()
            assert kept._code() != base
        with monkeypatch.context() as patch:
            patch.setattr(kept, "version", lambda package: "0" if package == "pyshacl" else version(package))
            kept._code.cache_clear()
            assert kept._code() != base
    finally:
        kept._code.cache_clear()
    assert kept._code() == base
