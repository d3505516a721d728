"""Hand-made donors and concepts small enough to reason about in each test."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from asmhub.conftest import make_org
from asmhub.core.models import Status
from asmhub.directory.models import Organization
from asmhub.funding.models import Concept, DonorProfile, FundingCycle, Opportunity, Priority
from asmhub.taxonomy.models import Country, LeverIssue, SDGGoal, StakeholderType

TODAY = dt.date(2026, 12, 1)


def issue(slug: str) -> LeverIssue:
    return LeverIssue.objects.get(slug=slug)


def donor(
    name: str,
    priorities: dict[str, float],
    countries: tuple[str, ...] = (),
    status: str = Status.PUBLISHED,
    **fields: Any,
) -> DonorProfile:
    org = make_org(name, "bilateral-donor")
    eligible = fields.pop("eligible", ())
    profile = DonorProfile.objects.create(organization=org, status=status, **fields)
    for key, weight in priorities.items():
        if key.startswith("sdg-"):
            Priority.objects.create(
                profile=profile, sdg_goal=SDGGoal.objects.get(number=int(key[4:])), weight=weight
            )
        else:
            Priority.objects.create(profile=profile, lever_issue=issue(key), weight=weight)
    profile.focus_countries.set(Country.objects.filter(code__in=countries))
    profile.eligible_types.set(StakeholderType.objects.filter(slug__in=eligible))
    return profile


def concept(
    title: str,
    issues: tuple[str, ...],
    countries: tuple[str, ...],
    proposer: Organization | None = None,
    status: str = Status.PUBLISHED,
    **fields: Any,
) -> Concept:
    made = Concept.objects.create(title=title, status=status, owner_organization=proposer, **fields)
    made.lever_issues.set(LeverIssue.objects.filter(slug__in=issues))
    made.countries.set(Country.objects.filter(code__in=countries))
    if proposer is not None:
        made.proposers.set([proposer])
    return made


@pytest.fixture
def three_donors(db: Any) -> dict[str, DonorProfile]:
    """Mercury in Peru; mercury anywhere; conflict in the DRC."""
    return {
        "andes": donor(
            "Andes Fund",
            {"mercury-chemicals": 1.0, "gender": 0.8},
            ("PE", "BO"),
            instruments=["grant"],
            size_min=Decimal(100_000),
            size_max=Decimal(1_000_000),
            eligible=("national-ngo",),
        ),
        "global": donor("Global Mercury Trust", {"mercury-chemicals": 0.6}),
        "kivu": donor("Kivu Peace Fund", {"conflict-security": 1.0}, ("CD",)),
    }


@pytest.fixture
def mercury_concept(db: Any) -> Concept:
    proposer = make_org("Santa Filomena Women", "national-ngo")
    return concept(
        "Mercury-free gold for women in Peru",
        ("mercury-chemicals", "gender"),
        ("PE",),
        proposer,
        budget=Decimal(500_000),
        instrument="grant",
        starts_on=dt.date(2027, 6, 1),
        ends_on=dt.date(2028, 5, 31),
    )


def opportunity(
    donor_profile: DonorProfile, title: str, closes: dt.date, **fields: Any
) -> Opportunity:
    issues = fields.pop("issues", ())
    countries = fields.pop("countries", ())
    made = Opportunity.objects.create(
        title=title,
        donor=donor_profile.organization,
        closes_on=closes,
        status=fields.pop("status", Status.PUBLISHED),
        stage=fields.pop("stage", Opportunity.Stage.OPEN),
        **fields,
    )
    made.lever_issues.set(LeverIssue.objects.filter(slug__in=issues))
    made.countries.set(Country.objects.filter(code__in=countries))
    return made


def cycle(profile: DonorProfile, rule: str, first: dt.date, **fields: Any) -> FundingCycle:
    return FundingCycle.objects.create(
        profile=profile,
        kind=fields.pop("kind", FundingCycle.Kind.CALL_CLOSES),
        title=fields.pop("title", "Annual call closes"),
        rule=rule,
        starts_on=first,
        **fields,
    )
