"""Schemas of the funding API: what each endpoint takes and answers.

No schema here carries a person's contact detail: champions are named by slug and name.
"""

import datetime as dt
from typing import Any

from ninja import Field, Schema

from asmhub.core.api_schemas import Ref, ref
from asmhub.funding import matching
from asmhub.funding.models import Activity, Concept, DonorProfile, Opportunity, Project


class PriorityOut(Schema):
    lever_issue: str | None
    sdg_goal: int | None
    weight: float
    evidence: str


class CycleOut(Schema):
    kind: str
    title: str
    rule: str = Field(..., description="RFC 5545 RRULE")
    starts_on: dt.date
    country: str | None
    next: dt.date | None


class DonorOut(Schema):
    slug: str
    name: str
    stakeholder_type: Ref
    mandate: str
    focus_countries: list[Ref]
    focus_regions: list[Ref]
    instruments: list[str]
    size_min: float | None
    size_max: float | None
    currency: str
    eligible_types: list[Ref]
    decision_process: str
    entry_points: list[str]
    strategy_link: str
    shies_away: str
    champions: list[Ref]
    last_verified: dt.date | None
    priorities: list[PriorityOut]
    url: str

    @staticmethod
    def resolve_slug(obj: DonorProfile) -> str:
        return obj.organization.slug

    @staticmethod
    def resolve_name(obj: DonorProfile) -> str:
        return obj.organization.name

    @staticmethod
    def resolve_stakeholder_type(obj: DonorProfile) -> dict[str, str]:
        return ref(obj.organization.stakeholder_type)

    @staticmethod
    def resolve_focus_countries(obj: DonorProfile) -> list[dict[str, str]]:
        return [ref(c, "code") for c in obj.focus_countries.all()]

    @staticmethod
    def resolve_focus_regions(obj: DonorProfile) -> list[dict[str, str]]:
        return [ref(r) for r in obj.focus_regions.all()]

    @staticmethod
    def resolve_eligible_types(obj: DonorProfile) -> list[dict[str, str]]:
        return [ref(t) for t in obj.eligible_types.all()]

    @staticmethod
    def resolve_champions(obj: DonorProfile) -> list[dict[str, str]]:
        return [{"id": p.slug, "name": p.name} for p in obj.champions.all()]

    @staticmethod
    def resolve_priorities(obj: DonorProfile) -> list[dict[str, Any]]:
        return [
            {
                "lever_issue": p.lever_issue.slug if p.lever_issue else None,
                "sdg_goal": p.sdg_goal.number if p.sdg_goal else None,
                "weight": p.weight,
                "evidence": p.evidence,
            }
            for p in obj.priorities.all()
        ]

    @staticmethod
    def resolve_url(obj: DonorProfile) -> str:
        return obj.get_absolute_url()


class OpportunityOut(Schema):
    slug: str
    title: str
    donor: Ref
    stage: str
    instrument: str
    description: str
    opens_on: dt.date | None
    closes_on: dt.date | None
    award_floor: float | None
    award_ceiling: float | None
    currency: str
    expected_awards: int | None
    cofinancing_required: bool
    eligible_types: list[Ref]
    countries: list[Ref]
    lever_issues: list[Ref]
    sdg_goals: list[int]
    link: str
    url: str

    @staticmethod
    def resolve_donor(obj: Opportunity) -> dict[str, str]:
        return ref(obj.donor)

    @staticmethod
    def resolve_eligible_types(obj: Opportunity) -> list[dict[str, str]]:
        return [ref(t) for t in obj.eligible_types.all()]

    @staticmethod
    def resolve_countries(obj: Opportunity) -> list[dict[str, str]]:
        return [ref(c, "code") for c in obj.countries.all()]

    @staticmethod
    def resolve_lever_issues(obj: Opportunity) -> list[dict[str, str]]:
        return [ref(i) for i in obj.lever_issues.all()]

    @staticmethod
    def resolve_sdg_goals(obj: Opportunity) -> list[int]:
        return [g.number for g in obj.sdg_goals.all()]

    @staticmethod
    def resolve_url(obj: Opportunity) -> str:
        return obj.get_absolute_url()


class ConceptOut(Schema):
    slug: str
    title: str
    status: str
    summary: str
    proposers: list[Ref]
    countries: list[Ref]
    areas: str
    minerals: list[Ref]
    lever_issues: list[Ref]
    sdg_goals: list[int]
    beneficiaries: list[str]
    budget: float | None
    currency: str
    instrument: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    url: str

    @staticmethod
    def resolve_proposers(obj: Concept) -> list[dict[str, str]]:
        return [ref(o) for o in obj.proposers.all()]

    @staticmethod
    def resolve_countries(obj: Concept) -> list[dict[str, str]]:
        return [ref(c, "code") for c in obj.countries.all()]

    @staticmethod
    def resolve_minerals(obj: Concept) -> list[dict[str, str]]:
        return [ref(m) for m in obj.minerals.all()]

    @staticmethod
    def resolve_lever_issues(obj: Concept) -> list[dict[str, str]]:
        return [ref(i) for i in obj.lever_issues.all()]

    @staticmethod
    def resolve_sdg_goals(obj: Concept) -> list[int]:
        return [g.number for g in obj.sdg_goals.all()]

    @staticmethod
    def resolve_url(obj: Concept) -> str:
        return obj.get_absolute_url()


class ConceptIn(Schema):
    title: str = Field(..., min_length=3, max_length=300)
    summary: str = ""
    proposers: list[str] = Field(default_factory=list, description="Organization slugs")
    countries: list[str] = Field(default_factory=list, description="ISO 3166-1 alpha-2 codes")
    areas: str = ""
    minerals: list[str] = Field(default_factory=list, description="Mineral slugs or names")
    lever_issues: list[str] = Field(default_factory=list, description="Lever issue slugs")
    sdg_goals: list[int] = Field(default_factory=list, description="SDG goal numbers")
    beneficiaries: list[str] = Field(default_factory=list, description="miners, women, ...")
    budget: float | None = Field(None, ge=0)
    currency: str = Field("USD", min_length=3, max_length=3)
    instrument: str = ""
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None


class PartOut(Schema):
    key: str
    label: str
    value: float = Field(..., description="0 to 1")
    weight: float = Field(..., description="Share of the total, the weights summing to 1")
    points: float = Field(..., description="value × weight × 100")
    reason: str


class MatchOut(Schema):
    donor: str = Field(..., description="Organization slug of the donor")
    donor_name: str
    opportunity: str | None = Field(None, description="Slug of the opportunity, if any")
    score: float = Field(..., description="0 to 100")
    summary: str
    deadline: dt.date | None
    deadline_what: str
    parts: list[PartOut]


class TargetOut(Schema):
    donor: str
    donor_name: str
    score: float
    entry_point: str
    entry_reason: str
    by: dt.date | None
    by_what: str
    evidence: list[str] = Field(..., description="Addresses of the records to bring")


class ProjectOut(Schema):
    slug: str
    title: str
    description: str
    funders: list[Ref]
    implementers: list[Ref]
    countries: list[Ref]
    lever_issues: list[Ref]
    starts_on: dt.date | None
    ends_on: dt.date | None
    iati_identifier: str | None
    url: str

    @staticmethod
    def resolve_funders(obj: Project) -> list[dict[str, str]]:
        return [ref(o) for o in obj.funders.all()]

    @staticmethod
    def resolve_implementers(obj: Project) -> list[dict[str, str]]:
        return [ref(o) for o in obj.implementers.all()]

    @staticmethod
    def resolve_countries(obj: Project) -> list[dict[str, str]]:
        return [ref(c, "code") for c in obj.countries.all()]

    @staticmethod
    def resolve_lever_issues(obj: Project) -> list[dict[str, str]]:
        return [ref(i) for i in obj.lever_issues.all()]

    @staticmethod
    def resolve_iati_identifier(obj: Project) -> str | None:
        return obj.activity.iati_identifier if obj.activity is not None else None

    @staticmethod
    def resolve_url(obj: Project) -> str:
        return obj.get_absolute_url()


class ActivityOut(Schema):
    iati_identifier: str
    title: str
    reporting_org: str = Field(..., description="Name of the publisher")
    status: str
    start: dt.date | None
    end: dt.date | None
    default_currency: str
    total_budget: float | None
    total_spent: float | None
    countries: list[str]
    sectors: list[str] = Field(..., description="vocabulary:code")
    sdg_goals: list[int]
    is_asm: bool
    asm_reasons: list[str]

    @staticmethod
    def resolve_reporting_org(obj: Activity) -> str:
        return obj.reporting_org_name

    @staticmethod
    def resolve_start(obj: Activity) -> Any:
        return obj.start

    @staticmethod
    def resolve_end(obj: Activity) -> Any:
        return obj.end

    @staticmethod
    def resolve_countries(obj: Activity) -> list[str]:
        return [c.country_id for c in obj.countries.all()]

    @staticmethod
    def resolve_sectors(obj: Activity) -> list[str]:
        return [f"{s.vocabulary}:{s.code}" for s in obj.sectors.all()]

    @staticmethod
    def resolve_sdg_goals(obj: Activity) -> list[int]:
        return [g.number for g in obj.sdg_goals.all()]


class IssueRowOut(Schema):
    issue: str
    name: str
    stakeholder: float
    donor: float
    groups: int


class MatrixRowOut(Schema):
    goal: str
    values: list[float]


class CommonGroundOut(Schema):
    columns: list[str] = Field(..., description="donor:<slug> and group:<stakeholder type>")
    among_stakeholders: list[IssueRowOut]
    stakeholders_and_donors: list[IssueRowOut]
    matrix: list[MatrixRowOut]


class DonorFilters(Schema):
    q: str = ""
    type: list[str] = Field(default_factory=list, description="Stakeholder type slugs")
    country: list[str] = Field(default_factory=list, description="Focus country codes")
    issue: list[str] = Field(default_factory=list, description="Priority lever issue slugs")


class OpportunityFilters(Schema):
    q: str = ""
    stage: list[str] = Field(default_factory=list, description="forecast, open, closed, ...")
    instrument: list[str] = Field(default_factory=list)
    donor: list[str] = Field(default_factory=list, description="Organization slugs")
    country: list[str] = Field(default_factory=list)
    issue: list[str] = Field(default_factory=list)


class ConceptFilters(Schema):
    q: str = ""
    country: list[str] = Field(default_factory=list)
    issue: list[str] = Field(default_factory=list)
    organization: list[str] = Field(default_factory=list, description="Proposer slugs")


class ProjectFilters(Schema):
    q: str = ""
    funder: list[str] = Field(default_factory=list)
    country: list[str] = Field(default_factory=list)
    issue: list[str] = Field(default_factory=list)


class ActivityFilters(Schema):
    q: str = ""
    all: bool = Field(False, description="Include activities that are not ASM-relevant")
    donor: list[str] = Field(default_factory=list, description="Publisher organization slugs")
    country: list[str] = Field(default_factory=list)
    issue: list[str] = Field(default_factory=list)


class MatchQuery(Schema):
    limit: int = Field(20, ge=1, le=100)
    w_priorities: float | None = Field(None, ge=0, le=100)
    w_geography: float | None = Field(None, ge=0, le=100)
    w_history: float | None = Field(None, ge=0, le=100)
    w_fit: float | None = Field(None, ge=0, le=100)
    w_eligibility: float | None = Field(None, ge=0, le=100)
    w_timing: float | None = Field(None, ge=0, le=100)

    def overrides(self) -> dict[str, float]:
        return {
            part: value
            for part in matching.PARTS
            if (value := getattr(self, f"w_{part}")) is not None
        }
