"""The aidgraph vocabulary as a closed rdflib namespace, and the project's prefixes.

``AG`` lists every term of ``aidgraph.ttl``; a misspelled term (``AG.pledgeBy``) raises
``AttributeError`` instead of minting a new IRI. A test checks that this list and the ontology
file name exactly the same terms, so code and ontology cannot drift.

Examples
--------
>>> AG.Pledge
rdflib.term.URIRef('https://w3id.org/aidgraph/ontology#Pledge')
>>> entity_iri("usaid")
rdflib.term.URIRef('https://w3id.org/aidgraph/id/usaid')
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

from ontology.prefixes import AG_NS, AID_NS, EV_NS, PREFIXES, SRC_NS

__all__ = [
    "AG",
    "AID",
    "EV",
    "OA",
    "ONTOLOGY_IRI",
    "SRC",
    "entity_iri",
    "evidence_iri",
    "source_iri",
]

ONTOLOGY_IRI = URIRef(AG_NS.rstrip("#"))
AID = Namespace(AID_NS)
SRC = Namespace(SRC_NS)
EV = Namespace(EV_NS)
OA = Namespace(PREFIXES["oa"])


class AG(DefinedNamespace):
    """Terms of the aidgraph ontology (``https://w3id.org/aidgraph/ontology#``)."""

    _NS = Namespace(AG_NS)
    _fail = True

    # classes
    Actor: URIRef  # anyone who can pledge, announce, receive or carry out something
    Organization: URIRef  # a body that is not a country
    Agency: URIRef  # a government body of one country
    Person: URIRef  # a named person
    Country: URIRef  # a sovereign state and its national government
    Region: URIRef  # a group of countries or a part of one
    Place: URIRef  # a country or a region
    Program: URIRef  # a development or protection initiative
    Policy: URIRef  # an enforcement, legal, budgetary or diplomatic measure
    Pledge: URIRef  # a commitment of money with a stated amount
    Statistic: URIRef  # a reported figure about migration
    SourceDocument: URIRef  # a curated news article
    Evidence: URIRef  # a verbatim quote supporting a fact
    AmountQualifier: URIRef  # exact, about, at least, up to
    PledgeKind: URIRef  # stage of money
    FundingType: URIRef  # whose money and in what form
    Overlap: URIRef  # money facts that restate or may overlap each other
    Inference: URIRef  # a property of a fact inferred, not stated, and why
    MoneyScope: URIRef  # cross-border or domestic
    OverlapKind: URIRef  # restatement or possible overlap
    # code lists
    amountQualifiers: URIRef
    pledgeKinds: URIRef
    fundingTypes: URIRef
    Exact: URIRef
    About: URIRef
    AtLeast: URIRef
    UpTo: URIRef
    AnnouncedPledge: URIRef
    PipelineCommitment: URIRef
    BudgetRequest: URIRef
    Appropriation: URIRef
    PlannedSpending: URIRef
    DevelopmentFinance: URIRef
    PublicMoney: URIRef
    PrivateMoney: URIRef
    Loans: URIRef
    Investment: URIRef
    moneyScopes: URIRef
    overlapKinds: URIRef
    CrossBorder: URIRef
    Domestic: URIRef
    Restatement: URIRef
    PossibleOverlap: URIRef
    # pledges
    pledgedBy: URIRef  # who commits the money
    recipient: URIRef  # who is to receive it
    forProgram: URIRef  # the program it is for
    amount: URIRef  # xsd:decimal, the full number
    currency: URIRef  # ISO 4217 code
    amountQualifier: URIRef  # exact, about, at least, up to
    pledgeKind: URIRef  # stage of money
    fundingType: URIRef  # public, private, loans, investment
    newMoney: URIRef  # xsd:boolean
    duration: URIRef  # ISO 8601 duration as text (xsd:string)
    partOf: URIRef  # a portion of another pledge
    announcedOn: URIRef  # date, year-month or year
    announcedBy: URIRef  # person or body
    scope: URIRef  # cross-border or domestic
    scopeStated: URIRef  # xsd:boolean: stated by the curator, or derived
    purpose: URIRef  # what the money is earmarked for
    condition: URIRef  # a condition attached to the money
    overlapKind: URIRef  # restatement or possible overlap
    overlapOf: URIRef  # Overlap -> Pledge
    inference: URIRef  # fact -> Inference
    inferredProperty: URIRef  # Inference -> the property inferred
    reason: URIRef  # Inference -> why
    # programs and policies
    implementedBy: URIRef  # bodies that carry it out
    targets: URIRef  # country or region aimed at
    administration: URIRef  # head of government whose administration adopted it
    startedOn: URIRef
    endedOn: URIRef
    goal: URIRef
    # actors and places
    agencyOf: URIRef  # Agency -> Country
    basedIn: URIRef  # Organization -> Country
    memberOf: URIRef  # Person -> Actor
    position: URIRef  # office as a string
    includes: URIRef  # Region -> Country or Region
    within: URIRef  # Region -> Country
    isoCode: URIRef  # ISO 3166-1 alpha-2
    # statistics
    value: URIRef
    unit: URIRef
    measure: URIRef
    periodStart: URIRef
    periodEnd: URIRef
    place: URIRef
    # evidence and sources
    evidence: URIRef
    source: URIRef
    quote: URIRef
    fileName: URIRef
    sha256: URIRef
    outlet: URIRef
    # events
    Event: URIRef  # a visit, meeting or speech, at a time and place
    participant: URIRef  # Event -> Actor taking part
    hostedBy: URIRef  # Event -> Actor hosting it
    heldIn: URIRef  # Event -> Place
    concerns: URIRef  # Event -> Program, Policy, Pledge or Statistic it is about
    planned: URIRef  # xsd:boolean: reported as still to come
    # trends of statistics
    trend: URIRef  # Statistic -> StatisticTrend
    origin: URIRef  # Statistic -> Place the people counted come from
    StatisticTrend: URIRef
    statisticTrends: URIRef
    Rising: URIRef
    Falling: URIRef
    RecordHigh: URIRef
    LargestShare: URIRef
    Majority: URIRef
    Recurring: URIRef


def entity_iri(entity_id: str) -> URIRef:
    """IRI of an actor, place, program, policy, pledge or statistic from its curated id."""
    return AID[entity_id]


def source_iri(source_id: str) -> URIRef:
    """IRI of a source document from its registry id."""
    return SRC[source_id]


def evidence_iri(evidence_id: str) -> URIRef:
    """IRI of an evidence node (a quote of a source)."""
    return EV[evidence_id]
