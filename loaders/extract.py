"""Draft facts from a new article: amounts, known names, new names and dates, with their quotes.

Curating an article takes an analyst most of an hour, and most of that goes to finding the
amounts, the names the graph already knows, and copying quotes exactly. This module does that
part, offline, with rules and the graph's own names: it writes a draft in the project's fact
format where every candidate fact carries ``draft: true`` and the sentence it came from as a
verbatim quote. ``aidgraph check`` refuses a file while any draft is unconfirmed, so nothing
reaches the graph before a person has read it.

Hostile or odd input stays cheap: an article is read as bytes (at most
:data:`~loaders.paths.MAX_ARTICLE_BYTES`, a regular file only) and its SHA-256 is of those bytes,
exactly as ``check`` computes it (line endings kept); every step is linear in the text; a quote
from a sentence longer than :data:`LONG_SENTENCE` characters is the verbatim window of
:data:`QUOTE_CONTEXT` characters around the candidate; and a draft holds at most
:data:`MAX_DRAFTS` entries of each kind and :data:`MAX_HINTS` date hints (the header counts the
rest), so the output is proportional to what was found, never to the article's length squared.

Examples
--------
>>> found = find_amounts("It pledged $5.8 billion, and about $2 billion more.")
>>> [(a.amount, a.qualifier) for a in found]
[(Decimal('5800000000'), 'exact'), (Decimal('2000000000'), 'about')]
>>> normalize("López Obrador")
'lopez obrador'
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from loaders.errors import AidgraphError
from loaders.facts import FactSet
from loaders.records import ACTOR_KINDS
from loaders.text import shorten
from loaders.values import parse_amount

__all__ = [
    "LONG_SENTENCE",
    "MAX_DRAFTS",
    "MAX_HINTS",
    "QUOTE_CONTEXT",
    "Amount",
    "Article",
    "ArticleError",
    "Draft",
    "Sentence",
    "demonyms",
    "draft_article",
    "find_amounts",
    "find_dates",
    "normalize",
    "read_article",
    "sentences",
]

LONG_SENTENCE = 600
"""A "sentence" longer than this (characters) is quoted by a window around each candidate."""
QUOTE_CONTEXT = 150
"""Characters of context kept on each side of a candidate in a long sentence's quote."""
MAX_DRAFTS = 200
"""At most this many draft pledges, and this many new names, per article."""
MAX_HINTS = 100
"""At most this many date hints per article."""
_MAX_NAME = 120
"""A run of capitalized words longer than this is not a name."""

_ABBREVIATIONS = {
    "u.s", "corp", "inc", "co", "mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "st", "jan", "feb", "mar",
    "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "no", "vs", "jr", "sr", "ltd", "u.n", "d.c",
}  # fmt: skip
_SENTENCE_END = re.compile(r"[.!?…](?:[\"”’')\]]*)(?=\s+|$)|\n\s*\n|\n")
_AMOUNT = re.compile(
    r"(?P<lead>\b(?:about|around|roughly|some|nearly|almost|approximately|more than|over|at least|"
    r"up to|as much as|at most)\s+)?"
    r"(?:US)?\$\s?(?P<number>\d[\d,]*(?:\.\d+)?)(?:[\s-]?(?P<scale>thousand|million|billion|trillion)\b)?"
    r"(?P<each>\s+each\b)?",
    re.IGNORECASE,
)
_VAGUE = re.compile(r"\b(?:billions|millions|hundreds of millions|tens of millions) of dollars\b", re.IGNORECASE)
_QUALIFIERS = {
    "about": "about", "around": "about", "roughly": "about", "some": "about", "nearly": "about",
    "almost": "about", "approximately": "about", "more than": "at-least", "over": "at-least",
    "at least": "at-least", "up to": "up-to", "as much as": "up-to", "at most": "up-to",
}  # fmt: skip
_MONTHS = (
    r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|Aug(?:ust|\.)?|"
    r"Sept?(?:ember|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
)
_DATES = re.compile(
    rf"\b(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
    rf"|\b{_MONTHS}\s+\d{{1,2}}(?:,\s*\d{{4}})?"
    rf"|\b(?:in|since|by|last|next|this)\s+{_MONTHS}\b"
    rf"|\b(?:fiscal(?: year)?\s+)\d{{4}}\b|\b(?:the\s+)?(?:past|last|upcoming|next)\s+fiscal year\b"
    rf"|\b(?:over|for|in|within)\s+(?:the\s+)?(?:next\s+)?(?:\w+|\d+)\s+(?:years?|months?|weeks?)\b"
    rf"|\b(?:last|next|this)\s+(?:week|month|year)\b|\bearlier this year\b|\bin recent (?:months|years)\b"
    rf"|\b(?:19|20)\d{{2}}\b",
    re.IGNORECASE,
)
_CAPITALIZED = re.compile(
    r"\b[A-Z][a-zA-Z\u00C0-\u017F'’.-]+(?:\s+(?:[A-Z][a-zA-Z\u00C0-\u017F'’.-]+|of|for|de|del|la))*"
)
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9&-]{1,9}\b")
_AGENCY_WORDS = re.compile(
    r"\b(?:Agency|Department|Ministry|Secretariat|Corporation|Corp\.?|Command|Guard|Police|Congress|Bureau|"
    r"Administration|Office|Service|Commission|Court|Senate|House|Army|Navy|Patrol)\b"
)
_ORGANIZATION_WORDS = re.compile(
    r"\b(?:Institute|Center|Centre|Caucus|Foundation|Council|Bank|Fund|Group|Association|University|"
    r"Coalition|Network|Party|Times|Post|Reuters|Press|News)\b"
)
_PERSON_CUES = re.compile(
    r"\b(?:President|Secretary|Minister|Ambassador|Administrator|spokesman|spokeswoman|Vice President|"
    r"Sen\.|Rep\.|Gov\.|Mr\.|Ms\.|Dr\.)\s+$"
)
_STOP = {
    "The", "In", "But", "And", "A", "An", "It", "He", "She", "They", "We", "This", "That", "Those", "These",
    "Still", "Most", "Any", "Last", "Whether", "Of", "On", "For", "As", "If", "To", "Without", "Advocates",
    "Mass", "Migrants", "Popular", "Twitter", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
    "Saturday", "Sunday", "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December", "Experts", "Illegal", "Irregular", "Usually",
}  # fmt: skip


@dataclass(frozen=True)
class Sentence:
    """A sentence of the article: its text, exactly as written, and where it starts."""

    text: str
    start: int


@dataclass(frozen=True)
class Amount:
    """A money amount found in a sentence, normalized, with how exact the text says it is."""

    amount: Decimal | None
    qualifier: str
    written: str
    each: bool = False
    start: int = field(default=0, compare=False)
    """Where the amount starts in the sentence."""


@dataclass
class Draft:
    """Everything drafted from one article, ready to write as a fact file."""

    source_id: str
    file: str
    sha256: str
    title: str
    pledges: list[dict[str, object]] = field(default_factory=list)
    mentions: list[dict[str, object]] = field(default_factory=list)
    candidates: list[dict[str, object]] = field(default_factory=list)
    hints: list[tuple[str, str]] = field(default_factory=list)
    left_out: dict[str, int] = field(default_factory=dict)
    """Candidates over the caps, by kind ('amounts', 'new names', 'date hints'), not drafted."""

    def yaml(self) -> str:
        """The draft in the project's fact format, every candidate marked ``draft: true``."""
        q = _quoted
        lines = [
            f"# Draft facts for {self.file}, written by `aidgraph extract`.",
            "# Every entry marked `draft: true` is a candidate for a person to confirm: check it against",
            "# the article, complete or correct it, then delete its `draft: true` line (or the entry).",
            "# `aidgraph check` refuses this file while any draft is left.",
            "#",
            "# Dates and periods the article mentions (hints, not facts):",
            *[f"#   {q(text)} in: {q(shorten(sentence, 90))}" for text, sentence in self.hints],
            *[f"# {count} more {kind} were not drafted (the limit is per article)" for kind, count in self.left_out.items()],
            f"source: {self.source_id}",
            "",
            "sources:",
            f"  - id: {self.source_id}",
            f"    file: {q(self.file)}",
            f"    sha256: {self.sha256}",
            f"    title: {q(self.title)}",
            "    note: Publication date not yet established; infer it from the text and record how.",
        ]
        for section, entries in (("pledges", self.pledges), ("mentions", self.mentions)):
            if entries:
                lines += ["", f"{section}:"]
                lines += [line for entry in entries for line in _entry_lines(entry)]
        by_section: dict[str, list[dict[str, object]]] = {}
        for candidate in self.candidates:
            by_section.setdefault(str(candidate.pop("section")), []).append(candidate)
        for section, entries in sorted(by_section.items()):
            lines += ["", f"{section}:  # new names the graph does not know yet; the class is a guess"]
            lines += [line for entry in entries for line in _entry_lines(entry)]
        return "\n".join(lines) + "\n"


def normalize(text: str) -> str:
    """Lower case without accents, for matching names: 'López' and 'Lopez' are one name."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("’", "'")


def sentences(text: str) -> list[Sentence]:
    """The article's sentences (and lines), each an exact span of the text, stripped of spaces."""
    out: list[Sentence] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        word = _word_before(text, start, match.start() + 1)
        if match.group().startswith(".") and word and word.group(1).lower().rstrip(".") in _ABBREVIATIONS:
            following = text[end : end + 2].strip()[:1]
            if following and not following.isupper():
                continue
            if word.group(1).lower().rstrip(".") in ("u.s", "u.n", "d.c", "corp", "co", "inc"):
                continue
        _append(out, text, start, end)
        start = end
    _append(out, text, start, len(text))
    return out


_LAST_WORD = re.compile(r"([\w.]+)[.]$")


def _word_before(text: str, start: int, end: int) -> re.Match[str] | None:
    """The word ending with the period at ``end``, looked for in a bounded window (abbreviations
    are short), so splitting stays linear however long a run without a sentence end is."""
    window = max(start, end - 16)
    word = _LAST_WORD.search(text, window, end)
    if word and word.start() == window and window > start and (text[window - 1].isalnum() or text[window - 1] in "._"):
        return None  # the word is longer than the window: not an abbreviation
    return word


def find_amounts(sentence: str) -> list[Amount]:
    """Money amounts in a sentence: '$5.8 billion', '$750-million', 'more than $750 million',
    '$1 billion each', and vague ones ('billions of dollars', with no amount)."""
    found = []
    for match in _AMOUNT.finditer(sentence):
        written = f"${match['number']}" + (f" {match['scale']}" if match["scale"] else "")
        try:
            amount = parse_amount(written)
        except ValueError:
            continue
        lead = (match["lead"] or "").strip().lower()
        qualifier = _QUALIFIERS.get(lead, "exact")
        found.append(Amount(amount, qualifier, match.group().strip(), bool(match["each"]), match.start()))
    found += [Amount(None, "at-least", m.group(), start=m.start()) for m in _VAGUE.finditer(sentence)]
    return found


def find_dates(sentence: str) -> list[str]:
    """Dates and periods a sentence mentions: 'on Tuesday', 'fiscal 2019', 'over five years' …"""
    return [m.group().strip() for m in _DATES.finditer(sentence)]


@dataclass(frozen=True)
class Article:
    """An article as read for drafting: its file name, its text, and the SHA-256 of its bytes."""

    file: str
    text: str
    sha256: str


class ArticleError(AidgraphError):
    """An article that cannot be drafted from: unreadable, not a regular file, too large, not UTF-8."""


def read_article(path: Path) -> Article:
    """Read an article to draft from, as ``check`` will read it: bytes, bounded, hashed as read.

    The text keeps its line endings (a CRLF article stays CRLF), so the SHA-256 in the draft is
    the one ``check --corpus`` computes and every quote is a verbatim span of the file.

    Raises
    ------
    ArticleError
        One line naming the file: not a regular file (a FIFO, a device), over
        :data:`~loaders.paths.MAX_ARTICLE_BYTES`, unreadable, or not UTF-8.
    """
    from loaders.paths import MAX_ARTICLE_BYTES, ReadRefused, read_regular
    from loaders.text import printable

    try:
        data = read_regular(path, MAX_ARTICLE_BYTES, "article")
    except ReadRefused as err:
        raise ArticleError(f"{printable(str(path))}: {err.reason}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ArticleError(f"{printable(str(path))} is not UTF-8 text") from None
    return Article(path.name, text, hashlib.sha256(data).hexdigest())


def draft_article(
    text: str, *, file: str, facts: FactSet, source_id: str | None = None, sha256: str | None = None
) -> Draft:
    """Draft the facts of ``text`` (the article named ``file``) against the known ``facts``.

    ``sha256`` is the digest of the article's bytes (see :func:`read_article`); without it, the
    digest of ``text`` encoded as UTF-8, which is the same for text read without newline
    translation.
    """
    lines = text.splitlines()
    title = next((line.strip() for line in lines if line.strip()), file)
    draft = Draft(
        source_id=source_id or _slug(Path(file).stem),
        file=Path(file).name,
        sha256=sha256 or hashlib.sha256(text.encode("utf-8")).hexdigest(),
        title=shorten(title, 300),
    )
    names = _known_names(facts)
    mentioned: set[str] = set()
    new_names: dict[str, tuple[str, str]] = {}
    looked_at: set[str] = set()
    for number, sentence in enumerate(sentences(text)):
        normal, offsets = _normalized(sentence.text)
        known = [(entity_id, offsets[at]) for entity_id, at in _known_in(normal, names)]
        for entity_id, at in known:
            if entity_id not in mentioned:
                mentioned.add(entity_id)
                draft.mentions.append({"about": entity_id, "draft": True, "quote": _quote(sentence.text, at, at + 1)})
        _draft_pledges(draft, sentence.text, known, facts, number)
        for date in find_dates(sentence.text):
            if len(draft.hints) < MAX_HINTS:
                draft.hints.append((date, sentence.text))
            else:
                _left_out(draft, "date hints")
        for name, guess, at in _new_names(sentence.text, names, looked_at):
            if name in new_names:
                continue
            if len(new_names) >= MAX_DRAFTS:
                _left_out(draft, "new names")
                continue
            new_names[name] = (guess, _quote(sentence.text, at, at + len(name)))
    for name, (guess, quote) in new_names.items():
        entry: dict[str, object] = {"id": _slug(name), "draft": True, "label": name, "evidence": [quote]}
        entry["section"] = {"agency": "agencies", "person": "people"}.get(guess, "organizations")
        entry["note"] = f"Guessed class: {guess}. Fill in the fields its section needs."
        draft.candidates.append(entry)
    return draft


def _left_out(draft: Draft, kind: str, count: int = 1) -> None:
    draft.left_out[kind] = draft.left_out.get(kind, 0) + count


def _quote(sentence: str, start: int, end: int) -> str:
    """The sentence, or for a very long one the verbatim window around ``start:end``."""
    if len(sentence) <= LONG_SENTENCE:
        return sentence
    return sentence[max(0, start - QUOTE_CONTEXT) : end + QUOTE_CONTEXT].strip()


def _draft_pledges(draft: Draft, sentence: str, known: list[tuple[str, int]], facts: FactSet, number: int) -> None:
    """Draft pledges for the amounts of a sentence: the donor is the first actor named before the
    amount, recipients the places named after it, the program the first one named."""
    kinds = {entity_id: facts.records[entity_id].kind for entity_id, _ in known}
    programs = [e for e, _ in known if kinds[e] in ("program", "policy")]
    for index, amount in enumerate(find_amounts(sentence)):
        if len(draft.pledges) >= MAX_DRAFTS:
            _left_out(draft, "amounts")
            continue
        at = amount.start
        actors = [e for e, pos in known if kinds[e] in ACTOR_KINDS and pos < at]
        places = [e for e, pos in known if kinds[e] in ("country", "region") and pos > at]
        recipients = places[:3] if amount.each else places[:1]
        base: dict[str, object] = {"draft": True}
        if actors:
            base["pledged_by"] = actors[0]
        if programs:
            base["for_program"] = programs[0]
        if amount.amount is not None:
            base["amount"] = str(amount.amount)
            base["qualifier"] = amount.qualifier
        else:
            base["note"] = f"Vague amount {amount.written!r}: no figure to record; keep it in a note, or drop it."
        quote = _quote(sentence, at, at + len(amount.written))
        for recipient in recipients if amount.each else [None]:
            entry = {"id": f"{draft.source_id}-pledge-{number + 1}-{index + 1}", **base}
            entry["label"] = f"Draft: {amount.written}" + (f" for {recipient}" if recipient else "")
            if recipient:
                entry["id"] = f"{entry['id']}-{recipient}"
                entry["recipient"] = recipient
                entry["note"] = f"{amount.written!r}: one pledge per recipient."
            elif recipients and amount.amount is not None:
                entry["recipient"] = recipients[0]
            entry["evidence"] = [quote]
            draft.pledges.append(entry)


def demonyms(place: str) -> list[str]:
    """The adjective and people of a place name, by the common English endings.

    Examples
    --------
    >>> demonyms("Guatemala"), demonyms("Honduras"), demonyms("El Salvador"), demonyms("Mexico")
    (['Guatemalan', 'Guatemalans'], ['Honduran', 'Hondurans'], ['Salvadoran', 'Salvadorans'], ['Mexican', 'Mexicans'])
    """
    stem = place.removeprefix("El ").removeprefix("The ")
    if stem.endswith("as"):
        adjective = stem[:-1] + "n"
    elif stem.endswith("a"):
        adjective = stem + "n"
    elif stem.endswith("o"):
        adjective = stem[:-1] + "an"
    elif stem[-1:].isalpha() and stem[-1:] not in "aeiouy":
        adjective = stem + "an"
    else:
        return []
    return [adjective, adjective + "s"]


@dataclass
class _Names:
    """The known names as patterns (each with its fact's id), and all patterns as one text."""

    patterns: list[tuple[re.Pattern[str], str]]
    joined: str = ""

    def __post_init__(self) -> None:
        self.joined = "\0".join(pattern.pattern for pattern, _ in self.patterns)

    def cover(self, name: str) -> bool:
        """Does a known name occur in ``name``, or ``name`` in a known name?"""
        normal = normalize(name)
        return normal in self.joined or any(pattern.search(normal) for pattern, _ in self.patterns)


def _known_names(facts: FactSet) -> _Names:
    """Every label and alias of every known fact (and each place's demonyms), as accent- and
    case-insensitive patterns."""
    names = []
    for record in facts.records.values():
        if record.kind in ("pledge", "statistic"):
            continue
        extra = demonyms(record.label) if record.kind in ("country", "region") else []
        for name in {record.label, *record.aliases, *extra}:
            if len(name) >= 2:
                names.append((re.compile(rf"(?<!\w){re.escape(normalize(name))}(?!\w)"), record.id))
    return _Names(sorted(names, key=lambda n: -len(n[0].pattern)))


def _normalized(text: str) -> tuple[str, list[int]]:
    """``normalize(text)``, and for each of its characters the index in ``text`` it comes from
    (plus one past the end), so positions found in the normalized text point into the original."""
    if text.isascii():
        return text.lower(), list(range(len(text) + 1))
    parts: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        part = normalize(char)
        parts.append(part)
        offsets.extend([index] * len(part))
    offsets.append(len(text))
    return "".join(parts), offsets


def _known_in(normal: str, names: _Names) -> list[tuple[str, int]]:
    """Known facts named in the (normalized) sentence, with where each is first named, in that order."""
    found: dict[str, int] = {}
    for pattern, entity_id in names.patterns:
        match = pattern.search(normal)
        if match and (entity_id not in found or match.start() < found[entity_id]):
            found[entity_id] = match.start()
    return sorted(found.items(), key=lambda item: item[1])


_MAX_LOOKED_AT = 10 * MAX_DRAFTS
"""Distinct capitalized runs weighed against the known names per article, at most."""


def _new_names(sentence: str, names: _Names, looked_at: set[str]) -> list[tuple[str, str, int]]:
    """Runs of capitalized words and acronyms that no known name covers, with a guessed class and
    where each starts; ``looked_at`` holds the runs already weighed in this article, each once."""
    out = []
    candidates = [*_CAPITALIZED.finditer(sentence), *_ACRONYM.finditer(sentence)]
    for match in candidates:
        if len(match.group()) > _MAX_NAME:
            continue
        name = match.group().strip(" .,'’-")
        words = name.split()
        while words and (words[0] in _STOP or words[0].islower()):
            words.pop(0)
        while words and words[-1].islower():
            words.pop()
        name = " ".join(words)
        if not name or (len(words) < 2 and not _ACRONYM.fullmatch(name)) or name.upper() == name and len(name) < 2:
            continue
        if name in looked_at or len(looked_at) >= _MAX_LOOKED_AT:
            continue
        looked_at.add(name)
        if names.cover(name) or normalize(name) not in normalize(match.group()):
            continue
        guess = "organization"
        if _AGENCY_WORDS.search(name):
            guess = "agency"
        elif _ORGANIZATION_WORDS.search(name) or _ACRONYM.fullmatch(name):
            guess = "organization"
        elif _PERSON_CUES.search(sentence, max(0, match.start() - 40), match.start()) or 2 <= len(words) <= 4:
            guess = "person"
        out.append((name, guess, match.start() + match.group().find(words[0])))
    return out


def _append(out: list[Sentence], text: str, start: int, end: int) -> None:
    span = text[start:end]
    stripped = span.strip()
    if stripped:
        out.append(Sentence(stripped, start + span.index(stripped)))


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", normalize(text)).strip("-")
    return (slug or "source")[:60].strip("-")




def _quoted(value: object) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is a subset of it)."""
    return json.dumps(str(value), ensure_ascii=False)


def _entry_lines(entry: dict[str, object]) -> list[str]:
    lines = []
    for key, value in entry.items():
        prefix = "  - " if not lines else "    "
        if isinstance(value, bool):
            lines.append(f"{prefix}{key}: {'true' if value else 'false'}")
        elif isinstance(value, list):
            lines.append(f"{prefix}{key}:")
            lines += [f"      - {_quoted(item)}" for item in value]
        else:
            lines.append(f"{prefix}{key}: {_quoted(value)}")
    return lines
