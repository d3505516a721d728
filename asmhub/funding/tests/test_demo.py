"""The demo donors from the seeds, and the concept the issue names."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from asmhub.directory.services import load_demo_directory
from asmhub.funding import matching
from asmhub.funding.models import Concept, DonorProfile, FundingCycle, Opportunity
from asmhub.funding.services import cycle_dates, load_demo_funding
from asmhub.library.services import load_demo_library

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db: Any) -> dict[str, int]:
    load_demo_directory()
    load_demo_library()
    return load_demo_funding()


def test_the_seed_donors_load_once(demo: dict[str, int]) -> None:
    assert demo["donor profiles"] == 7
    again = load_demo_funding()
    assert (
        DonorProfile.objects.count() == 7 and again["opportunities"] == Opportunity.objects.count()
    )
    usaid = DonorProfile.objects.get(organization__slug="usaid")
    assert usaid.priorities.get(lever_issue__slug="conflict-security").weight == 1.0
    assert (
        "dismantle conflicts"
        in usaid.priorities.get(lever_issue__slug="conflict-security").evidence
    )


def test_cycles_expand_from_their_rules(demo: dict[str, int]) -> None:
    fiscal = FundingCycle.objects.filter(profile__organization__slug="usaid", kind="fiscal-year")
    dates = cycle_dates(list(fiscal), dt.date(2026, 1, 1), dt.date(2027, 12, 31))
    assert [d.date for d in dates] == [dt.date(2026, 10, 1), dt.date(2027, 10, 1)]


def test_the_mercury_concept_ranks_donors_with_readable_reasons(demo: dict[str, int]) -> None:
    concept = Concept.objects.get(
        title="Reduce mercury exposure of women gold miners in southern Peru"
    )
    ranked = matching.rank_donors(concept, today=dt.date(2026, 12, 1))
    assert ranked[0].profile is not None and ranked[0].profile.organization.slug == "sdc"
    reasons = " ".join(p.reason for p in ranked[0].parts)
    assert "Mercury and chemical exposure" in reasons and "Peru" in reasons
    assert ranked[0].deadline == dt.date(2027, 2, 28)  # the open SDC call
    conflict_donor = next(m for m in ranked if m.profile and m.profile.organization.slug == "usaid")
    assert conflict_donor.score < ranked[0].score
