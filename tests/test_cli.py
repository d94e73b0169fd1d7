"""The command line: exit codes, exact messages, nothing written on error, the console script."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

from graph.cli import cli
from ontology import AG, entity_iri
from tests.conftest import corpus_path

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_build_writes_turtle_and_prints_summary(runner: CliRunner, write_seeds, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(cli, ["build", "--seeds", str(write_seeds()), "--build-dir", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == f"Wrote {out / 'aidgraph.ttl'}"
    assert "pledges: 1 (1 not part of another)\n  money across borders: USD 1,000,000,000\n" in result.output
    graph = Graph().parse(out / "aidgraph.ttl")
    assert graph.value(entity_iri("dfc-sv"), AG.pledgedBy) == entity_iri("dfc")
    assert (out / "manifest.json").is_file()


def test_build_reads_its_old_option_name_with_a_warning(runner: CliRunner, write_seeds, tmp_path: Path) -> None:
    seeds, out = str(write_seeds()), tmp_path / "out"
    result = runner.invoke(cli, ["build", "-q", "--seeds", seeds, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stderr == "Warning: --out is now --build-dir, as in the other commands; --out will go\n"
    assert result.stdout.splitlines()[0] == f"Wrote {out / 'aidgraph.ttl'}"
    both = runner.invoke(cli, ["build", "--seeds", seeds, "--out", str(out), "--build-dir", str(tmp_path / "other")])
    assert both.exit_code == 2
    assert both.stderr.splitlines()[-1] == "Error: --out is the old name of --build-dir: give --build-dir alone"
    options = [line.split()[0] for line in runner.invoke(cli, ["build", "--help"]).output.splitlines() if line.startswith("  -")]
    assert "--build-dir" in options and "--out" not in options  # the old name is read, not offered


def test_build_again_says_how_much_it_rewrote(runner: CliRunner, tmp_path: Path) -> None:
    seeds, out = tmp_path / "seeds", tmp_path / "out"
    shutil.copytree(ROOT / "seeds", seeds)
    runner.invoke(cli, ["build", "--seeds", str(seeds), "--build-dir", str(out)])
    facts = seeds / "facts" / "reuters-kelly-mexico-2017.yaml"
    facts.write_text(facts.read_text(encoding="utf-8").replace("label: ", "label: The ", 1), encoding="utf-8")
    result = runner.invoke(cli, ["build", "--seeds", str(seeds), "--build-dir", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == f"Wrote {out / 'aidgraph.ttl'} (updated: 1 of 9 fact files rewritten)"


def test_error_build_prints_every_problem_and_writes_nothing(runner: CliRunner, write_seeds, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "aidgraph.ttl").write_text("previous build")
    seeds = write_seeds(
        {
            "x.yaml": "source: s1\npledges:\n  - id: p2\n    label: P\n    pledged_by: dfcc\n    amount: 5\n    evidence: [x]\n"
        }
    )
    result = runner.invoke(cli, ["build", "--seeds", str(seeds), "--build-dir", str(out)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{seeds / 'x.yaml'}:5:17: pledge 'p2': unknown actor 'dfcc' (did you mean 'dfc'?)",
        "Error: 1 problem in the facts; nothing was written",
    ]
    assert (out / "aidgraph.ttl").read_text() == "previous build"
    assert sorted(p.name for p in out.iterdir()) == ["aidgraph.ttl"]


def test_seeds_from_environment(runner: CliRunner, write_seeds, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["build", "--build-dir", str(tmp_path / "o")], env={"AIDGRAPH_SEEDS": str(write_seeds())})
    assert result.exit_code == 0, result.output


def test_check_passes_with_corpus(runner: CliRunner, write_seeds, minimal_corpus: Path) -> None:
    result = runner.invoke(cli, ["check", "--seeds", str(write_seeds()), "--corpus", str(minimal_corpus)])
    assert result.exit_code == 0, result.output
    assert "quotes: 4 checked against the corpus" in result.output
    assert result.output.splitlines()[-1] == "result: OK"


def test_check_without_corpus_says_quotes_were_not_verified(runner: CliRunner, write_seeds) -> None:
    result = runner.invoke(cli, ["check", "--seeds", str(write_seeds())], env={"AIDGRAPH_CORPUS": ""})
    assert result.exit_code == 0
    assert "quotes: not verified" in result.output


def test_error_build_without_a_usable_temporary_directory_says_so_and_check_needs_none(
    runner: CliRunner, write_seeds, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    missing = tmp_path / "no-such-tmp"
    monkeypatch.setattr(tempfile, "tempdir", str(missing))  # where a build writes the triples for its bulk load
    seeds = str(write_seeds())
    result = runner.invoke(cli, ["build", "--seeds", seeds, "--build-dir", str(tmp_path / "out")], env={"AIDGRAPH_CORPUS": ""})
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[-1] == (
        f"Error: cannot write the triples to a temporary file in {missing}: No such file or directory "
        "(free space there, or point TMPDIR elsewhere)"
    )
    assert not (tmp_path / "out" / "aidgraph.ttl").exists()
    checked = runner.invoke(cli, ["check", "--seeds", seeds], env={"AIDGRAPH_CORPUS": ""})  # its store is in memory
    assert checked.exit_code == 0, checked.output
    assert "result: OK" in checked.output


def test_error_check_reports_missing_quote_and_bad_hash(runner: CliRunner, write_seeds, minimal_corpus: Path) -> None:
    seeds = write_seeds(
        {
            "sources.yaml": "sources:\n  - id: s1\n    file: article.txt\n    title: A\n    sha256: " + "0" * 64 + "\n",
            "more.yaml": "source: s1\ncountries:\n  - id: mx\n    label: Mexico\n    iso_code: MX\n    evidence: [Mexico pledged]\n",
        }
    )
    result = runner.invoke(cli, ["check", "--seeds", str(seeds), "--corpus", str(minimal_corpus)])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert (
        f"{seeds / 'more.yaml'}:6:16: country 'mx': quote not found verbatim in source 's1': 'Mexico pledged'" in lines
    )
    assert any(line.startswith(f"{seeds / 'sources.yaml'}:2:5: source 's1': sha256 is ") for line in lines)
    assert lines[-1] == "Error: 2 problem(s) found"


def test_export_formats_to_stdout_and_file(runner: CliRunner, write_seeds, tmp_path: Path) -> None:
    seeds = str(write_seeds())
    result = runner.invoke(cli, ["export", "--seeds", seeds, "--format", "nt"])
    assert result.exit_code == 0
    assert "<https://w3id.org/aidgraph/id/dfc-sv> <https://w3id.org/aidgraph/ontology#amount>" in result.stdout
    target = tmp_path / "g.jsonld"
    result = runner.invoke(cli, ["export", "--seeds", seeds, "--format", "jsonld", "-o", str(target)])
    assert result.exit_code == 0
    assert len(Graph().parse(target, format="json-ld")) > 0


def test_error_unknown_export_format(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["export", "--format", "yaml"])
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.stderr


def test_every_command_has_help_with_examples(runner: CliRunner) -> None:
    for name, command in cli.commands.items():
        assert command.help and "Examples:" in command.help, name
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0 and "Usage: " in result.output


def test_installed_console_script_runs() -> None:
    script = Path(sys.executable).parent / "aidgraph"
    result = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "aidgraph, version 0.1.0"


def test_python_dash_m_graph(write_seeds, tmp_path: Path) -> None:
    env = {**os.environ, "AIDGRAPH_SEEDS": str(write_seeds())}
    result = subprocess.run(
        [sys.executable, "-m", "graph", "build", "--build-dir", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert "1 not part of another" in result.stdout


def test_no_arguments_prints_the_overview_and_exits_0() -> None:
    result = subprocess.run([sys.executable, "-m", "graph"], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert result.stdout.startswith("Usage: ")
    assert "Commands:" in result.stdout and "query" in result.stdout


def test_error_outside_a_project_folder_says_what_it_looked_for(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["query", "--named", "pledges"], env={"AIDGRAPH_SEEDS": ""})
    assert (result.exit_code, result.stderr.strip()) == (
        1,
        (
            "Error: no facts here: seeds is not a directory; run aidgraph in the project folder, "
            "or point it at the facts with --seeds DIR or AIDGRAPH_SEEDS"
        ),
    )


def test_a_non_ascii_parameter_under_the_c_locale_is_one_line() -> None:
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "AIDGRAPH_SEEDS": str(ROOT / "seeds"),
           "AIDGRAPH_CORPUS": str(corpus_path())}
    result = subprocess.run(
        [sys.executable, "-m", "graph", "query", "--named", "involvement", "--param", "entity=dfcé"],
        capture_output=True, check=False, env=env,
    )
    assert result.returncode == 1
    assert result.stderr.decode("utf-8", "replace").strip() in (
        "Error: parameter entity: 'dfcé' is not an id",
        "Error: parameter entity: 'dfc\\xe9' is not an id",  # how Python writes é to an ASCII terminal
    )


def test_error_a_failing_service_under_allow_federation_is_one_line() -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    text = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    where = ["--seeds", str(ROOT / "seeds"), "--corpus", str(corpus_path())]
    result = CliRunner().invoke(cli, ["query", *where, "--allow-federation", text])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: query failed: ")
    assert len(result.stderr.strip().splitlines()) == 1


def test_shell_completion_offers_named_queries() -> None:
    env = {**os.environ, "_AIDGRAPH_COMPLETE": "bash_complete", "COMP_WORDS": "aidgraph query --named tot", "COMP_CWORD": "3"}
    result = subprocess.run([sys.executable, "-m", "graph"], capture_output=True, text=True, check=False, env=env)
    offered = [line.split(",", 1)[1] for line in result.stdout.splitlines() if "," in line]
    assert offered == ["totals-by-donor", "totals-by-program", "totals-by-recipient"]


@pytest.mark.parametrize("command", [["query", "ASK {}"], ["push", "--endpoint", "http://127.0.0.1:9/query"], ["serve"]])
@pytest.mark.parametrize("value", ["nan", "inf", "1e300", "0"])
def test_error_every_timeout_is_a_real_number_of_seconds(command: list[str], value: str) -> None:
    result = CliRunner().invoke(cli, [*command, "--timeout", value])
    assert result.exit_code == 2
    assert "Invalid value for '--timeout'" in result.stderr
    assert "Traceback" not in result.output
