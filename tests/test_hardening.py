"""Adversarial input: every bad fact file gives one clear error at its line, quickly, in bounded
memory, and leaves the previous build untouched; fuzzed fact sets build or fail cleanly."""

from __future__ import annotations

import hashlib
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import MINIMAL_FACTS, MINIMAL_SOURCES

BAD = Path(__file__).resolve().parent / "bad_facts"
HEADER = re.compile(r"^\ufeff?# expect: (?P<where>\d+:\d+|): (?P<fragment>.+)$")
MEMORY_LIMIT = 2 * 1024**3


def expectation(path: Path) -> tuple[str, str]:
    """(line:column or '', message fragment) from the file's first-line header."""
    first = path.read_bytes().split(b"\n", 1)[0].decode("utf-8", "replace")
    match = HEADER.match(first)
    if match is None:  # a file too broken to carry a header: the empty file
        return "", "file is empty"
    return match["where"], match["fragment"]


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


@pytest.fixture(scope="module")
def previous_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A good seeds directory and its build, to prove a failed build leaves it as it was."""
    root = tmp_path_factory.mktemp("hardening")
    seeds = root / "good"
    seeds.mkdir()
    (seeds / "sources.yaml").write_text(MINIMAL_SOURCES)
    (seeds / "facts.yaml").write_text(MINIMAL_FACTS)
    out = root / "build"
    subprocess.run([sys.executable, "-m", "graph", "build", "--seeds", str(seeds), "--build-dir", str(out)], check=True)
    return out, _digests(out)


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()
    }


def test_there_are_at_least_thirty_bad_files() -> None:
    assert len(list(BAD.glob("*.yaml"))) >= 30


def _run_bad(seeds: Path, out: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "graph", "build", "--seeds", str(seeds), "--build-dir", str(out)],
        capture_output=True,
        text=True,
        timeout=30,
        preexec_fn=_limit_memory,
        check=False,
    )
    return done, time.monotonic() - started


@pytest.mark.parametrize("bad", sorted(BAD.glob("*.yaml")), ids=lambda p: p.stem)
def test_error_bad_fact_file(bad: Path, tmp_path: Path, previous_build) -> None:
    out, before = previous_build
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "sources.yaml").write_text(MINIMAL_SOURCES)
    (seeds / "facts.yaml").write_text(MINIMAL_FACTS)
    target = seeds / "new" / bad.name  # read after the good files, as a new article's would be
    target.parent.mkdir()
    target.write_bytes(bad.read_bytes())
    done, seconds = _run_bad(seeds, out)
    where, fragment = expectation(bad)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    prefix = f"{target}:{where}: " if where else f"{target}: "
    lines = done.stderr.splitlines()
    assert any(line.startswith(prefix) and fragment in line for line in lines), (prefix, fragment, lines)
    assert lines[-1].startswith("Error: ") and lines[-1].endswith("nothing was written")
    assert seconds < 10
    assert _digests(out) == before


def test_error_fifty_megabyte_file(tmp_path: Path, previous_build) -> None:
    out, before = previous_build
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "sources.yaml").write_text(MINIMAL_SOURCES)
    huge = seeds / "huge.yaml"
    with huge.open("w") as stream:
        stream.write("pledges:\n")
        line = "  - {id: p, label: x, pledged_by: dfc, amount: 5, evidence: [quote]}\n"
        for _ in range(50 * 2**20 // len(line) + 1):
            stream.write(line)
    done, seconds = _run_bad(seeds, out)
    assert done.returncode == 1
    assert f"{huge}: file is 50.0 MiB; fact files must be under 16 MiB (split it)" in done.stderr
    assert seconds < 10
    assert _digests(out) == before


def test_error_build_interrupted_while_writing_leaves_earlier_outputs(tmp_path: Path, write_seeds, monkeypatch) -> None:
    import graph.build
    from graph.build import build

    seeds = write_seeds()
    out = tmp_path / "out"
    build(seeds, out)
    before = _digests(out)
    (seeds / "facts.yaml").write_text((seeds / "facts.yaml").read_text().replace("1 billion", "2 billion"))

    def fail_midway(path: Path, data: bytes) -> None:
        path.with_name(path.name + ".partial").write_bytes(data[: len(data) // 2])
        raise OSError("disk full")

    monkeypatch.setattr(graph.build, "write_atomic", fail_midway)
    with pytest.raises(OSError, match="disk full"):
        build(seeds, out)
    # The record cache (records/) may learn the edited file: it is a cache, not an output.
    after = {k: v for k, v in _digests(out).items() if not k.endswith(".partial") and not k.startswith("records/")}
    assert after == {k: v for k, v in before.items() if k != "manifest.json" and not k.startswith("records/")}
    assert not (out / "manifest.json").exists()  # the build is not current: nothing stale is reused
    assert not [p for p in out.iterdir() if p.name.startswith(".oxigraph-")]  # the staging store is gone


# -- entries under the seeds: read or refused, never skipped --------------------------------------


def test_error_unreadable_entries_named_like_fact_files_are_each_refused(write_seeds) -> None:
    import os

    from click.testing import CliRunner

    from graph.cli import cli

    seeds = write_seeds()
    (seeds / "dangling.yaml").symlink_to(seeds / "missing.yaml")
    (seeds / "loop.yaml").symlink_to(seeds / "loop.yaml")
    os.mkfifo(seeds / "pipe.yaml")
    (seeds / "folder.yaml").mkdir()
    result = CliRunner().invoke(cli, ["check", "--seeds", str(seeds)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{seeds / 'dangling.yaml'}: broken symbolic link (its target does not exist)",
        f"{seeds / 'folder.yaml'}: is a directory, not a fact file (rename it)",
        f"{seeds / 'loop.yaml'}: symbolic link loop",
        f"{seeds / 'pipe.yaml'}: is a FIFO, not a fact file",
        "Error: 4 problem(s) found",
    ]


def test_fact_files_in_any_case_are_read_and_linked_folders_walked_once(write_seeds, tmp_path: Path) -> None:
    from loaders import load_facts

    extra = "source: s1\ncountries:\n  - id: {id}\n    label: {id}\n    iso_code: {iso}\n    evidence: [x]\n"
    seeds = write_seeds({"UPPER.YAML": extra.format(id="gt", iso="GT"), "Mixed.Yml": extra.format(id="hn", iso="HN")})
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "more.yaml").write_text(extra.format(id="mx", iso="MX"))
    (seeds / "linked").symlink_to(shared)
    (shared / "back").symlink_to(seeds)  # a loop of folders: each is walked once
    facts = load_facts(seeds)
    assert {"gt", "hn", "mx"} <= set(facts.records)
    assert sorted(Path(f).name for f in facts.files) == ["Mixed.Yml", "UPPER.YAML", "facts.yaml", "more.yaml", "sources.yaml"]


def test_error_filename_with_newline_and_escape_stays_one_escaped_line(write_seeds) -> None:
    seeds = write_seeds({"bad\n\x1b[31mred.yaml": "countries: [\n"})
    done = subprocess.run(
        [sys.executable, "-m", "graph", "check", "--seeds", str(seeds)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 1
    assert "\x1b" not in done.stderr
    assert done.stderr.splitlines()[0].startswith(f"{seeds}/bad\\n\\x1b[31mred.yaml:2:1: malformed YAML: ")
    assert done.stderr.splitlines()[1] == "Error: 1 problem(s) found"


def test_problem_rendering_escapes_every_control_character() -> None:
    from loaders.errors import Location, Problem

    problem = Problem(Location("a\rb\x9bc\u202ed.yaml", 3, 4), "id 'x\x07y' and \x00 and \u2028")
    assert str(problem) == "a\\rb\\x9bc\\u202ed.yaml:3:4: id 'x\\x07y' and \\x00 and \\u2028"


# -- cycles and chains: linear ----------------------------------------------------------------------


def _alarm(seconds: int):
    """Fail (not hang) if the block runs longer than ``seconds``: a guard, not a speed assertion."""
    import contextlib
    import signal

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    @contextlib.contextmanager
    def guard():
        previous = signal.signal(signal.SIGALRM, expired)
        signal.alarm(seconds)
        try:
            yield
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)

    return guard()


def test_a_long_part_of_chain_is_checked_in_linear_time(write_seeds) -> None:
    from loaders import load_facts

    count = 5_000  # the former check took 15.5 s for 2,000 and grew with the cube
    lines = ["source: s1", "pledges:"]
    for i in range(count):
        lines += [f"  - id: p{i}", "    label: P", "    pledged_by: dfc", "    amount: 5", "    evidence: [x]"]
        if i:
            lines.append(f"    part_of: p{i - 1}")
    seeds = write_seeds({"chain.yaml": "\n".join(lines) + "\n"})
    with _alarm(30):
        facts = load_facts(seeds)
    assert facts.records[f"p{count - 1}"].part_of == [f"p{count - 2}"]


def test_error_one_report_per_cycle_with_a_long_cycle_elided(write_seeds) -> None:
    from loaders import FactError, load_facts

    lines = ["source: s1", "pledges:"]
    for i in range(30):
        lines += [f"  - id: q{i:02d}", "    label: P", "    pledged_by: dfc", "    amount: 5", "    evidence: [x]"]
        lines.append(f"    part_of: q{(i + 1) % 30:02d}")
    seeds = write_seeds({"ring.yaml": "\n".join(lines) + "\n"})
    with pytest.raises(FactError) as refused:
        load_facts(seeds)
    assert [str(p) for p in refused.value.problems] == [
        (
            f"{seeds / 'ring.yaml'}:8:14: pledge 'q00' is part of itself through "
            "q00 → q01 → q02 → q03 → q04 → q05 → … (19 more) … → q25 → q26 → q27 → q28 → q29 → q00"
        )
    ]


# -- the corpus: names inside it, bounded reads, hashes required, fingerprints -----------------------


def _facts_with_source(write_seeds, file: str = "article.txt", sha: str | None = None):
    from loaders import load_facts

    registry = f"sources:\n  - id: s1\n    file: {file}\n    title: An article\n"
    if sha:
        registry += f"    sha256: {sha}\n"
    return load_facts(write_seeds({"sources.yaml": registry}))


def test_error_corpus_link_out_of_the_directory_is_refused(write_seeds, tmp_path: Path) -> None:
    from loaders.corpus import check_corpus

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("The United States pledged money")
    (corpus / "article.txt").symlink_to(secret)
    facts = _facts_with_source(write_seeds)
    report = check_corpus(facts, corpus)
    assert [p.message for p in report.problems] == [
        f"source 's1': file 'article.txt' leads outside {corpus} (a link?): refused"
    ]
    assert not report.positions


def test_error_fifo_and_huge_articles_are_refused_without_waiting(write_seeds, tmp_path: Path) -> None:
    import os

    from loaders.corpus import check_corpus

    facts = _facts_with_source(write_seeds)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    os.mkfifo(corpus / "article.txt")
    with _alarm(10):
        report = check_corpus(facts, corpus)
    assert [p.message for p in report.problems] == ["source 's1': article is a FIFO, not a regular file"]
    (corpus / "article.txt").unlink()
    with (corpus / "article.txt").open("wb") as sparse:
        sparse.truncate(5 * 2**20)
    report = check_corpus(facts, corpus)
    assert [p.message for p in report.problems] == ["source 's1': article is larger than the limit of 4 MiB"]


def test_error_check_with_corpus_requires_every_source_hash(write_seeds, minimal_corpus: Path) -> None:
    import hashlib

    from click.testing import CliRunner

    from graph.cli import cli
    from tests.conftest import MINIMAL_ARTICLE

    seeds = write_seeds({"sources.yaml": "sources:\n  - id: s1\n    file: article.txt\n    title: An article\n"})
    result = CliRunner().invoke(cli, ["check", "--seeds", str(seeds), "--corpus", str(minimal_corpus)])
    digest = hashlib.sha256(MINIMAL_ARTICLE.encode()).hexdigest()
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        (
            f"{seeds / 'sources.yaml'}:2:5: source 's1': no sha256 to prove the article is the one curated "
            f"(add 'sha256: {digest}')"
        ),
        "Error: 1 problem(s) found",
    ]


def test_a_build_with_a_corpus_is_stale_once_an_article_changes(write_seeds, minimal_corpus: Path, tmp_path: Path) -> None:
    from graph.build import build
    from graph.cache import current_build, pin_current_store

    seeds = write_seeds()
    out = tmp_path / "out"
    build(seeds, out, minimal_corpus)
    assert current_build(seeds, out) == out
    article = minimal_corpus / "article.txt"
    article.write_text(article.read_text().replace("pledged money", "pledged cash"))
    assert current_build(seeds, out) is None
    assert pin_current_store(seeds, out) is None
    build(seeds, out, minimal_corpus)
    assert current_build(seeds, out) == out
    article.unlink()
    assert current_build(seeds, out) is None


# -- extract: bytes as read, bounded, linear --------------------------------------------------------


def test_extract_hashes_a_crlf_article_as_check_does(write_seeds, tmp_path: Path) -> None:
    import hashlib

    from loaders import load_facts
    from loaders.corpus import check_corpus
    from loaders.extract import draft_article, read_article
    from tests.conftest import MINIMAL_ARTICLE

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    data = MINIMAL_ARTICLE.rstrip("\n").replace(". ", ".\n").replace("\n", "\r\n").encode() + b"\r\n"
    (corpus / "article.txt").write_bytes(data)
    article = read_article(corpus / "article.txt")
    facts = load_facts(write_seeds())
    draft = draft_article(article.text, file=article.file, facts=facts, sha256=article.sha256)
    assert draft.sha256 == hashlib.sha256(data).hexdigest()
    checked = check_corpus(_facts_with_source(write_seeds, sha=draft.sha256), corpus)
    assert checked.problems == []
    assert all(str(q) in article.text for p in draft.pledges for q in p["evidence"])  # type: ignore[union-attr]


def test_error_extract_refuses_devices_fifos_and_huge_files(tmp_path: Path) -> None:
    import os

    from loaders.extract import ArticleError, read_article

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as sparse:
        sparse.truncate(5 * 2**20)
    latin = tmp_path / "latin.txt"
    latin.write_bytes("caf\xe9".encode("latin-1"))
    cases = {
        Path("/dev/zero"): "/dev/zero: article is a character device, not a regular file",
        fifo: f"{fifo}: article is a FIFO, not a regular file",
        huge: f"{huge}: article is larger than the limit of 4 MiB",
        latin: f"{latin} is not UTF-8 text",
        tmp_path / "none.txt": f"{tmp_path / 'none.txt'}: cannot read article: no such file",
    }
    with _alarm(10):
        for path, message in cases.items():
            with pytest.raises(ArticleError) as refused:
                read_article(path)
            assert str(refused.value) == message


@pytest.mark.parametrize(
    "text",
    [
        "$5 million, " * (200_000 // 12),
        "The U.S. and " * (200_000 // 13),
        "Aaaa Bbbb " * 20_000,
        "in 2019 the Rural Agency of Oaxaca " * 6_000,
        "a" * 200_000 + ".",
        "López Obrador y $3 billion " * 8_000,
    ],
    ids=["amounts", "abbreviations", "capitals", "names-and-dates", "one-word", "accents"],
)
def test_extract_on_one_long_line_is_bounded(text: str, seed_build) -> None:
    from loaders.extract import (
        LONG_SENTENCE,
        MAX_DRAFTS,
        MAX_HINTS,
        QUOTE_CONTEXT,
        draft_article,
    )
    from loaders.records import MAX_QUOTE_CHARS

    _, facts = seed_build
    with _alarm(20):  # each took from 100 s to hours before
        draft = draft_article(text, file="long.txt", facts=facts)
        written = draft.yaml()
    assert len(draft.pledges) <= MAX_DRAFTS and len(draft.candidates) <= MAX_DRAFTS and len(draft.hints) <= MAX_HINTS
    quotes = [str(q) for e in draft.pledges + draft.candidates for q in e["evidence"]]  # type: ignore[union-attr]
    quotes += [str(m["quote"]) for m in draft.mentions]
    assert all(q in text and len(q) <= max(LONG_SENTENCE, 2 * QUOTE_CONTEXT + 200) <= MAX_QUOTE_CHARS for q in quotes)
    assert len(written) < 600_000  # proportional to the candidates drafted, not to the text squared


def test_error_a_megabytes_long_quote_is_refused_before_any_parser_sees_it(write_seeds) -> None:
    from loaders.check import check_all

    quote = "The United States pledged money " * 80_000  # 2.56 MB: rdflib's parser took 46 s on this
    seeds = write_seeds({"long.yaml": f"source: s1\nmentions:\n  - about: us\n    quote: {quote.strip()}\n"})
    with _alarm(20):
        report = check_all(seeds)
    assert [str(p) for p in report.problems] == [
        f"{seeds / 'long.yaml'}:4:12: value is 2,559,999 characters; a value in a fact file is at most 10,000"
    ]
