"""The coverage ledger: every number in every article, and the fact or waiver that accounts for it.

A number is anything an article states as a figure or a date: money (``$5.8 billion``,
``$750-million``), counts (``1.7 million``, ``25,000``), percentages (``30%``), years and decades
(``2019``, ``1990s``), dates and times (``Dec. 1``, ``December 2018``, ``In June``,
``7:40 p.m.``), spelled-out numbers (``Ten``, ``two-day``, ``tens of thousands``, ``dozens``),
ordinals (``first``) and multiples (``tripled``). Two words are left out on purpose: ``one``
alone (far more often a pronoun, "a sensitive one", "one of the things", than a count; ``one
million`` is found) and weekday names (relative dates, like "last week"); digits inside a name
(``MS-13``) are not a number either.

**Covered** means: some quote in the evidence of a curated fact (or a ``mentions:`` entry) of
the same source occurs in the article at a span that contains the number's whole span. Every
occurrence of a quote counts, since the same words state the same thing wherever they stand.
A quote that cuts a number (``$5.8`` of ``$5.8 billion``) does not state it, so it does not
cover it. **Waived** means the same for a ``not_curated:`` entry's quote, which carries the
curator's reason. A number neither covered nor waived is reported, and ``aidgraph check
--coverage`` fails until none is left.

Work is bounded: an article is read only up to :data:`MAX_ARTICLE_BYTES`; numbers are found in
one left-to-right pass that tries the number pattern only where a number can start (a digit, a
currency sign or the first letter of a word), linear in the article; each distinct quote is
searched once per article; spans are matched to numbers in one sorted sweep.

Examples
--------
>>> [n.text for n in find_numbers("The U.S. pledged $5.8 billion, up 30% since Dec. 1, 2018.")]
['$5.8 billion', '30%', 'Dec. 1, 2018']
>>> text = "Ten CEOs came. It cost $2 billion."
>>> [(n.text, e.facts) for n, e in ledger(text, {"dinner": [(0, 14)]}, {}).items()]
[('Ten', ('dinner',)), ('$2 billion', ())]
"""

from __future__ import annotations

import bisect
import heapq
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from loaders.errors import Location, Problem
from loaders.text import shorten

if TYPE_CHECKING:
    from loaders.facts import FactSet, Waiver

__all__ = [
    "MAX_ARTICLE_BYTES",
    "ArticleCoverage",
    "CoverageReport",
    "Entry",
    "Number",
    "coverage_of",
    "excerpt",
    "find_numbers",
    "ledger",
    "occurrences",
    "sentence_span",
]

MAX_ARTICLE_BYTES = 1024 * 1024
"""An article longer than 1 MiB is not a news article (those are tens of KB): refused, not scanned."""

_UNITS = "two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_SCALE = "hundred|thousand|million|billion|trillion"
_ORDINALS = (
    "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|"
    "fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth|fortieth|"
    "fiftieth|hundredth|thousandth|millionth"
)
_MONTHS = "January|February|March|April|June|July|August|September|October|November|December"
_MONTH_ABBR = r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\."
_CARDINAL = rf"(?:(?:{_TENS})(?:-(?:{_UNITS}))?|{_UNITS}|{_SCALE}|one(?=[\s-]+(?:{_SCALE}|dozen)\b))"
_DIGITS = r"\d+(?:[.,:]\d+)*"

_PATTERNS: list[tuple[str, str]] = [
    # a date: "Dec. 1", "Oct. 26, 2017", "December 2018", "June" ("May" only with a day or a year)
    ("date", rf"\b(?:{_MONTH_ABBR}\s\d{{1,2}}\b(?:,\s\d{{4}}\b)?)"),
    ("date", rf"\b(?:(?:{_MONTHS})(?:\s\d{{1,2}}\b(?:,\s\d{{4}}\b)?|\s\d{{4}}\b)?|May(?:\s\d{{1,2}}\b(?:,\s\d{{4}}\b)?|\s\d{{4}}\b))"),
    # a clock time: "7:40 p.m."
    ("time", r"(?<![\w.,:])\d{1,2}:\d{2}(?:\s?[ap]\.m\.)?"),
    # money: "$5.8 billion", "$750-million", "US$2 million"
    ("money", rf"(?:US)?[$€£]\s?{_DIGITS}(?:[\s-](?:{_SCALE}))?\b"),
    # a percentage: "30%", "85 percent"
    ("percent", rf"(?<![\w.,:-]){_DIGITS}(?:\s?%|\s(?:percent|per cent)\b)"),
    # a decade: "1990s", "the '90s"
    ("decade", r"(?<![\w.,:-])(?:\d{2})?\d0s\b|'\d0s\b"),
    # a digit ordinal: "21st"
    ("ordinal", r"(?<![\w.,:-])\d+(?:st|nd|rd|th)\b"),
    # a year: 1800–2099 written without a separator
    ("year", r"(?<![\w.,:$-])(?:18|19|20)\d\d\b(?![.,:]\d|[\s-](?:hundred|thousand|million|billion|trillion)\b)"),
    # a count in digits, with its scale word: "1.7 million", "200,000", "33"
    ("count", rf"(?<![\w.,:$-]){_DIGITS}(?:[\s-](?:{_SCALE}))?\b"),
    # an order of magnitude: "tens of thousands", "hundreds of thousands", "dozens", "thousands"
    ("magnitude", r"\b(?:(?:tens|hundreds|dozens)\s+of\s+(?:thousands|millions|billions)|dozens|hundreds|thousands|millions|billions|a\s+dozen)\b"),
    # a spelled-out number: "Ten", "twenty-five", "two million", "one billion"
    ("word", rf"\b{_CARDINAL}(?:[\s-]+(?:{_CARDINAL}|dozen))*\b"),
    ("ordinal", rf"\b(?:(?:{_TENS})-)?(?:{_ORDINALS})\b"),
    ("multiple", r"\b(?:twice|double[ds]?|doubling|triple[ds]?|tripling|quadrupled?|halved|halves|half)\b"),
]
_CASE_SENSITIVE = frozenset({"date"})
_NUMBER = re.compile(
    "|".join(
        f"(?P<{kind}_{i}>{pattern})" if kind in _CASE_SENSITIVE else f"(?P<{kind}_{i}>(?i:{pattern}))"
        for i, (kind, pattern) in enumerate(_PATTERNS)
    )
)

_CANDIDATE = re.compile(r"[\d$€£']|\b[A-Za-z]")
"""Where a number can start: trying the full pattern only there is several times faster."""

_ABBREVIATIONS = frozenset(
    {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}
    | {"mr", "mrs", "ms", "dr", "st", "sen", "rep", "gov", "gen", "lt", "col", "jr", "sr"}
    | {"corp", "inc", "co", "ltd", "no", "vs", "etc", "a.m", "p.m", "u.s", "u.n"}
)


@dataclass(frozen=True, order=True)
class Number:
    """A number found in a text: its character span, its text and what kind of number it is."""

    start: int
    end: int
    text: str
    kind: str


@dataclass(frozen=True)
class Entry:
    """One number of an article and what accounts for it: covering facts, or a waiver's reason."""

    facts: tuple[str, ...] = ()
    waiver: str | None = None

    @property
    def accounted(self) -> bool:
        """True when a fact covers the number or a waiver excuses it."""
        return bool(self.facts) or self.waiver is not None


def find_numbers(text: str) -> list[Number]:
    """Every number in ``text``, in order, found in one left-to-right pass.

    Examples
    --------
    >>> [(n.text, n.kind) for n in find_numbers("Ten CEOs and tens of thousands, fiscal 2019, a two-day trip")]
    [('Ten', 'word'), ('tens of thousands', 'magnitude'), ('2019', 'year'), ('two', 'word')]
    >>> [n.text for n in find_numbers("MS-13 members, one of them, one million people, the 1990s")]
    ['one million', '1990s']
    """
    found = []
    end = 0
    for candidate in _CANDIDATE.finditer(text):
        if candidate.start() < end:
            continue
        match = _NUMBER.match(text, candidate.start())
        if match is None:
            continue
        kind = (match.lastgroup or "count").rsplit("_", 1)[0]
        found.append(Number(match.start(), match.end(), match.group(), kind))
        end = match.end()
    return found


def occurrences(text: str, quote: str) -> list[tuple[int, int]]:
    """The spans of every occurrence of ``quote`` in ``text`` (overlapping ones included).

    Examples
    --------
    >>> occurrences("a b a b a", "a b a")
    [(0, 5), (4, 9)]
    """
    spans = []
    start = text.find(quote) if quote else -1
    while start >= 0:
        spans.append((start, start + len(quote)))
        start = text.find(quote, start + 1)
    return spans


def ledger(
    text: str,
    fact_spans: Mapping[str, Iterable[tuple[int, int]]],
    waiver_spans: Mapping[str, Iterable[tuple[int, int]]],
) -> dict[Number, Entry]:
    """Account for every number of ``text``: the facts whose quotes cover it, or a waiver.

    ``fact_spans`` maps a fact id to the spans its quotes occupy in the text; ``waiver_spans``
    maps a waiver's reason to the spans of its quote. A span covers a number when it contains the
    number's whole span. A number covered by a fact needs no waiver, so ``waiver`` is set only
    for numbers no fact covers.

    Examples
    --------
    >>> text = "It was $5.8 billion in 2018."
    >>> entries = ledger(text, {"cut": [(7, 11)]}, {"a year of context": [(20, 27)]})
    >>> [(n.text, e.facts, e.waiver) for n, e in entries.items()]
    [('$5.8 billion', (), None), ('2018', (), 'a year of context')]

    The quote ``$5.8`` cuts the number, so it does not cover it.
    """
    numbers = find_numbers(text)
    facts = _covering(numbers, [(s, e, fact) for fact, spans in fact_spans.items() for s, e in spans])
    waivers = _covering(numbers, [(s, e, why) for why, spans in waiver_spans.items() for s, e in spans])
    return {
        number: Entry(tuple(facts[i]), None if facts[i] or not waivers[i] else waivers[i][0])
        for i, number in enumerate(numbers)
    }


def sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of the sentence holding ``text[start:end]``, within its line (and 300 characters).

    A sentence ends at ``.``, ``!`` or ``?`` (and any closing quote) followed by a space and an
    upper-case letter or an opening quote, unless the word before the full stop is an
    abbreviation (``Dec.``, ``U.S.``, ``Corp.``) or a single initial (``Michael R. Pompeo``).

    Examples
    --------
    >>> text = "It began on Dec. 1 in the U.S. Capital. Then 10 more came."
    >>> s, e = sentence_span(text, 45, 47); text[s:e]
    'Then 10 more came.'
    >>> s, e = sentence_span(text, 17, 18); text[s:e]
    'It began on Dec. 1 in the U.S. Capital.'
    """
    reach = max(start - _REACH, 0)
    line_start = max(text.rfind("\n", reach, start) + 1, reach)
    line_end = text.find("\n", end, end + _REACH)
    line_end = min(len(text), end + _REACH) if line_end < 0 else line_end
    ends = [m.end() for m in _SENTENCE_END.finditer(text, line_start, line_end) if not _abbreviated(text, m.start())]
    before = [e for e in ends if e <= start]
    after = [e for e in ends if e >= end]
    first = before[-1] if before else line_start
    while first < start and text[first].isspace():
        first += 1
    last = after[0] if after else line_end
    return first, last


def excerpt(text: str, start: int, end: int, width: int = 90) -> str:
    """The sentence around ``text[start:end]``, cut to about ``width`` characters around it.

    Examples
    --------
    >>> excerpt("Short. It cost $2 billion in all. Next.", 15, 25)
    'It cost $2 billion in all.'
    """
    first, last = sentence_span(text, start, end)
    if last - first <= width:
        return text[first:last].strip()
    room = max(width - (end - start), 0) // 2
    left = max(first, start - room)
    right = min(last, end + room)
    if left > first:
        space = text.find(" ", left, start)
        left = space + 1 if space >= 0 else left
    if right < last:
        space = text.rfind(" ", end, right)
        right = space if space >= 0 else right
    return f"{'…' if left > first else ''}{text[left:right].strip()}{'…' if right < last else ''}"


@dataclass
class ArticleCoverage:
    """The ledger of one article: each number, what accounts for it, and where it is."""

    source: str
    path: Path
    text: str
    entries: dict[Number, Entry] = field(default_factory=dict)
    _line_starts: list[int] | None = field(default=None, repr=False, compare=False)

    @property
    def missing(self) -> list[Number]:
        """Numbers that no fact covers and no waiver excuses."""
        return [n for n, e in self.entries.items() if not e.accounted]

    def where(self, number: Number) -> str:
        """``path:line:column`` of a number (1-based, columns in characters)."""
        if self._line_starts is None:
            self._line_starts = [0, *(m.end() for m in re.finditer("\n", self.text))]
        line = bisect.bisect_right(self._line_starts, number.start)
        return f"{self.path}:{line}:{number.start - self._line_starts[line - 1] + 1}"

    def missing_lines(self) -> list[str]:
        """One line per number that is not accounted for."""
        return [
            f'{self.where(n)}: {self.source}: "{n.text}" in "{excerpt(self.text, n.start, n.end)}"'
            " is not covered by any fact or waived"
            for n in self.missing
        ]

    def ledger_lines(self) -> list[str]:
        """One line per number, with the facts that cover it or the reason it is waived."""
        lines = []
        for number, entry in self.entries.items():
            if entry.facts:
                what = "covered by " + ", ".join(entry.facts)
            elif entry.waiver is not None:
                what = f"waived: {entry.waiver}"
            else:
                what = "NOT COVERED"
            lines.append(f'{self.where(number)}: "{number.text}": {what}')
        return lines

    def summary(self) -> str:
        """Counts for the article: numbers, covered, waived and not covered."""
        covered = sum(1 for e in self.entries.values() if e.facts)
        waived = sum(1 for e in self.entries.values() if not e.facts and e.waiver is not None)
        return (
            f"coverage: {self.source} ({self.path.name}): {len(self.entries)} numbers, "
            f"{covered} covered by facts, {waived} waived, {len(self.missing)} not covered"
        )


@dataclass
class CoverageReport:
    """The ledger of every article, and problems with the waivers themselves."""

    articles: list[ArticleCoverage] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def missing(self) -> int:
        """How many numbers are neither covered nor waived, in all articles."""
        return sum(len(article.missing) for article in self.articles)


def coverage_of(facts: FactSet, corpus_dir: Path) -> CoverageReport:
    """The coverage ledger of every registered article found in ``corpus_dir``.

    Waivers are checked too: each quote must occur verbatim in its article, hold a whole number
    of it, and excuse at least one number that no fact covers (otherwise it is stale). An article
    that cannot be read is left to :func:`loaders.corpus.check_corpus`, which reports it.
    """
    report = CoverageReport()
    for source_id, source in sorted(facts.sources.items(), key=lambda item: (item[1].file, item[0])):
        path = corpus_dir / source.file
        text = _read_article(path, facts.source_where[source_id], report.problems)
        if text is None:
            continue
        fact_spans = _spans_of(text, ((f, q.quote) for f, qs in facts.evidence.items() for q in qs if q.source == source_id))
        waivers = [w for w in facts.waivers if w.source == source_id]
        waiver_spans: dict[str, list[tuple[int, int]]] = {}
        for waiver in waivers:
            waiver_spans.setdefault(waiver.reason, []).extend(occurrences(text, waiver.quote))
        article = ArticleCoverage(source_id, path, text, ledger(text, fact_spans, waiver_spans))
        report.articles.append(article)
        report.problems.extend(_check_waivers(article, waivers))
    report.problems.sort()
    return report


def _read_article(path: Path, where: Location, problems: list[Problem]) -> str | None:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_ARTICLE_BYTES + 1)
    except OSError:
        return None
    if len(data) > MAX_ARTICLE_BYTES:
        problems.append(Problem(where, f"article {path.name!r} is over {MAX_ARTICLE_BYTES // 2**20} MiB: not scanned"))
        return None
    return data.decode("utf-8", errors="replace")


def _spans_of(text: str, quotes: Iterable[tuple[str, str]]) -> dict[str, list[tuple[int, int]]]:
    """Fact id → spans of its quotes in ``text``; each distinct quote is searched once."""
    found: dict[str, list[tuple[int, int]]] = {}
    spans: dict[str, list[tuple[int, int]]] = {}
    for fact_id, quote in quotes:
        if quote not in found:
            found[quote] = occurrences(text, quote)
        spans.setdefault(fact_id, []).extend(found[quote])
    return spans


def _check_waivers(
    article: ArticleCoverage, waivers: list[Waiver]) -> list[Problem]:
    problems = []
    numbers = list(article.entries)
    starts = [n.start for n in numbers]
    for waiver in waivers:
        name = waiver.name
        spans = occurrences(article.text, waiver.quote)
        if not spans:
            short = shorten(waiver.quote, 60)
            problems.append(Problem(waiver.where, f"{name}: quote not found verbatim in the article: {short!r}"))
            continue
        inside = {n for s, e in spans for n in _within(numbers, starts, s, e)}
        if not inside:
            message = "quote holds no whole number of the article (quote the number whole, e.g. '$5.8 billion', not '$5.8')"
            problems.append(Problem(waiver.where, f"{name}: {message}"))
        elif all(article.entries[n].facts for n in inside):
            covering = sorted({f for n in inside for f in article.entries[n].facts})
            message = f"not needed: every number in its quote is covered by a fact ({', '.join(covering)}); delete it"
            problems.append(Problem(waiver.where, f"{name}: {message}"))
    return problems


def _within(numbers: list[Number], starts: list[int], start: int, end: int) -> Iterator[Number]:
    """The numbers (sorted, with their ``starts``) lying wholly inside ``start``–``end``."""
    for i in range(bisect.bisect_left(starts, start), len(numbers)):
        if numbers[i].start >= end:
            return
        if numbers[i].end <= end:
            yield numbers[i]


def _covering(numbers: list[Number], spans: list[tuple[int, int, str]]) -> list[list[str]]:
    """For each number (in text order), the sorted names of the spans containing it.

    Numbers do not overlap, so a span that ends before one number ends can cover no later one:
    one sweep with a heap of open spans, ordered by their end, does the matching.
    """
    spans = sorted(spans)
    result: list[list[str]] = []
    open_spans: list[tuple[int, str]] = []
    i = 0
    for number in numbers:
        while i < len(spans) and spans[i][0] <= number.start:
            heapq.heappush(open_spans, (spans[i][1], spans[i][2]))
            i += 1
        while open_spans and open_spans[0][0] < number.end:
            heapq.heappop(open_spans)
        result.append(sorted({name for _, name in open_spans}))
    return result


_REACH = 300
"""How far a sentence is looked for on each side of a number, so the work per number is bounded."""

_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*(?=\s+[\"“‘(]?[A-Z0-9])")


def _abbreviated(text: str, stop: int) -> bool:
    """True when the full stop at ``stop`` ends an abbreviation or an initial, not a sentence."""
    if text[stop] != ".":
        return False
    begin = stop
    while begin > 0 and (text[begin - 1].isalpha() or text[begin - 1] == "."):
        begin -= 1
    word = text[begin:stop].lower()
    return len(word) == 1 or word in _ABBREVIATIONS or "." in word
