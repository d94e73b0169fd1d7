"""Typed records of the fact format, validated with pydantic.

One model per section of a fact file. Models check what can be checked inside one record (types,
id syntax, amounts, dates, code lists, unknown fields); references between records are checked
later by :mod:`loaders.facts`, which sees every file. A field that holds ids accepts one id or a
list of ids.

Examples
--------
>>> Pledge.model_validate({"id": "p1", "label": "A pledge", "pledged_by": "us",
...     "amount": "5.8 billion", "recipient": "central-america"}).amount
Decimal('5800000000')
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from loaders.values import ID_PATTERN, check_duration, check_partial_date, parse_amount

__all__ = [
    "ACTOR_KINDS",
    "ID_PATTERN",
    "MAX_QUOTE_CHARS",
    "SECTIONS",
    "Agency",
    "Country",
    "Event",
    "EvidenceItem",
    "Mention",
    "NotCurated",
    "Organization",
    "Overlap",
    "Person",
    "Pledge",
    "Policy",
    "Program",
    "Record",
    "Region",
    "Source",
    "Statistic",
]



def _one_or_many(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _text_amount(value: Any) -> Any:
    return parse_amount(value) if isinstance(value, str) else value


MAX_QUOTE_CHARS = 2_000
"""A quote is a short verbatim excerpt; longer text is a sign of pasting an article (or an attack)."""


def _short_quote(value: str) -> str:
    if len(value) > MAX_QUOTE_CHARS:
        raise ValueError(
            f"a quote is a short verbatim excerpt: at most {MAX_QUOTE_CHARS:,} characters (this one has {len(value):,})"
        )
    return value


def _file_name(value: str) -> str:
    """A source's file is a plain name inside the corpus directory: no path, nothing to escape it."""
    if (
        value in (".", "..")
        or any(c in value for c in "/\\\0")
        or any(ord(c) < 32 or ord(c) == 127 for c in value)
        or len(value.encode()) > 255
    ):
        raise ValueError(
            f"{value!r} is not a file name in the corpus directory: "
            "give the article's name alone (no '/', '\\', '..' or control characters)"
        )
    return value


Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
Ids = Annotated[list[Id], BeforeValidator(_one_or_many)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Texts = Annotated[list[Text], BeforeValidator(_one_or_many)]
Amount = Annotated[Decimal, BeforeValidator(_text_amount), Field(ge=0, allow_inf_nan=False)]
PartialDate = Annotated[str, AfterValidator(check_partial_date)]
Duration = Annotated[str, AfterValidator(check_duration)]
Qualifier = Literal["exact", "about", "at-least", "up-to"]
PledgeKind = Literal[
    "announced-pledge",
    "pipeline-commitment",
    "budget-request",
    "appropriation",
    "planned-spending",
    "development-finance",
]
FundingType = Literal["public", "private", "loans", "investment"]
Scope = Literal["cross-border", "domestic"]
OverlapKind = Literal["restatement", "possible-overlap"]
Trend = Literal["rising", "falling", "record-high", "largest-share", "majority", "recurring"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


QuoteText = Annotated[Text, AfterValidator(_short_quote)]
FileName = Annotated[Text, AfterValidator(_file_name)]


class EvidenceItem(_Strict):
    """A verbatim quote and the source it is from (defaults to the file's ``source``)."""

    source: Id | None = None
    quote: QuoteText


def _quote_or_mapping(value: Any) -> Any:
    return {"quote": value} if isinstance(value, str) else value


Evidence = Annotated[EvidenceItem, BeforeValidator(_quote_or_mapping)]


class Record(_Strict):
    """Fields every curated fact has: id, label, other names, a note and evidence."""

    kind: ClassVar[str] = "record"
    id: Id
    label: Text
    aliases: list[Text] = Field(default_factory=list)
    note: Text | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    inferred: dict[str, Text] = Field(default_factory=dict)
    """Field name → why it was inferred: fields the text does not state outright."""


class Country(Record):
    """A sovereign state (and its national government)."""

    kind: ClassVar[str] = "country"
    iso_code: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]


class Region(Record):
    """A group of countries or a part of one country."""

    kind: ClassVar[str] = "region"
    includes: Ids = Field(default_factory=list)
    within: Id | None = None


class Organization(Record):
    """A non-government body: think tank, caucus, company, gang."""

    kind: ClassVar[str] = "organization"
    based_in: Ids = Field(default_factory=list)


class Agency(Record):
    """A government body of one country."""

    kind: ClassVar[str] = "agency"
    agency_of: Id


class Person(Record):
    """A person, with the bodies they serve and their office at the time of the sources."""

    kind: ClassVar[str] = "person"
    member_of: Ids = Field(default_factory=list)
    position: Text | None = None


class _Initiative(Record):
    implemented_by: Ids = Field(default_factory=list)
    targets: Ids = Field(default_factory=list)
    announced_by: Ids = Field(default_factory=list)
    announced_on: PartialDate | None = None
    administration: Id | None = None
    started_on: PartialDate | None = None
    ended_on: PartialDate | None = None
    goals: list[Text] = Field(default_factory=list)


class Program(_Initiative):
    """A development or protection initiative."""

    kind: ClassVar[str] = "program"


class Policy(_Initiative):
    """An enforcement, legal, budgetary or diplomatic measure."""

    kind: ClassVar[str] = "policy"


class Pledge(Record):
    """A commitment of money with a stated amount."""

    kind: ClassVar[str] = "pledge"
    pledged_by: Id
    recipient: Ids = Field(default_factory=list)
    for_program: Id | None = None
    amount: Amount
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = "USD"
    qualifier: Qualifier = "exact"
    pledge_kind: Annotated[list[PledgeKind], BeforeValidator(_one_or_many)] = Field(default_factory=list)
    funding: list[FundingType] = Field(default_factory=list)
    new_money: bool | None = None
    duration: Duration | None = None
    part_of: Ids = Field(default_factory=list)
    scope: Scope | None = None
    purpose: Texts = Field(default_factory=list)
    conditions: Texts = Field(default_factory=list)
    announced_on: PartialDate | None = None
    announced_by: Ids = Field(default_factory=list)
    targets: Ids = Field(default_factory=list)


class Overlap(Record):
    """Money facts that restate the same money, or may (in part) be the same money.

    Distinct from a pledge's ``part_of`` (a stated portion): an overlap is a curator's judgement,
    so its ``note`` (the reasoning) is required. The YAML field ``kind`` is ``relation`` here,
    because ``kind`` names the record type.
    """

    kind: ClassVar[str] = "overlap"
    relation: OverlapKind = Field(alias="kind")
    facts: Annotated[list[Id], Field(min_length=2)]
    note: Text


class Statistic(Record):
    """A figure a source reports about migration or the measures against it.

    A source may state a trend without a figure ("has dwindled", "record numbers", "made up the
    largest amounts"): then ``trend`` is given and ``value`` left out, never invented.
    """

    kind: ClassVar[str] = "statistic"
    measure: Text
    value: Amount | None = None
    unit: Text | None = None
    qualifier: Qualifier | None = "exact"
    trend: Trend | None = None
    origin: Ids = Field(default_factory=list)
    period: PartialDate | None = None
    period_end: PartialDate | None = None
    place: Id | None = None
    announced_by: Ids = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _no_qualifier_without_value(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("value") is None and "qualifier" not in data:
            return {**data, "qualifier": None}
        return data

    @model_validator(mode="after")
    def _value_or_trend(self) -> Statistic:
        if self.value is None and self.trend is None:
            raise ValueError("a statistic states a value (with its unit) or a trend")
        if (self.value is None) != (self.unit is None):
            raise ValueError("'value' and 'unit' go together: give both or neither")
        return self


class Event(Record):
    """Something that happens at a time and place: a visit, a meeting, a speech."""

    kind: ClassVar[str] = "event"
    participants: Ids = Field(default_factory=list)
    hosted_by: Ids = Field(default_factory=list)
    held_in: Id | None = None
    started_on: PartialDate | None = None
    ended_on: PartialDate | None = None
    planned: bool | None = None
    concerns: Ids = Field(default_factory=list)
    announced_by: Ids = Field(default_factory=list)


class Source(_Strict):
    """An entry of the source registry: one article of the corpus."""

    kind: ClassVar[str] = "source"
    id: Id
    file: FileName
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")] | None = None
    title: Text
    outlet: Text | None = None
    published: PartialDate | None = None
    note: Text | None = None


class Mention(_Strict):
    """Extra evidence for a fact defined elsewhere, e.g. a known agency named in a new article."""

    kind: ClassVar[str] = "mention"
    about: Id
    source: Id | None = None
    quote: QuoteText


def _holds_a_number(quote: str) -> str:
    from loaders.coverage import find_numbers

    if not find_numbers(quote):
        raise ValueError("holds no number: a waiver quotes the number it waives")
    return quote


class NotCurated(_Strict):
    """A number of an article that no fact records, and why (a waiver in the coverage ledger)."""

    kind: ClassVar[str] = "not_curated"
    source: Id | None = None
    quote: Annotated[Text, AfterValidator(_holds_a_number)]
    reason: Text


SECTIONS: dict[str, type[_Strict]] = {
    "sources": Source,
    "countries": Country,
    "regions": Region,
    "agencies": Agency,
    "organizations": Organization,
    "people": Person,
    "programs": Program,
    "policies": Policy,
    "pledges": Pledge,
    "overlaps": Overlap,
    "statistics": Statistic,
    "mentions": Mention,
    "events": Event,
    "not_curated": NotCurated,
}
"""Section name in a fact file → the model of its entries."""

ACTOR_KINDS = frozenset({"country", "agency", "organization", "person"})
