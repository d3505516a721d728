"""The demo donors from the seeds, and the concept the issue names."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from asmhub.conftest import make_org
from asmhub.directory.services import load_demo_directory
from asmhub.funding import matching
from asmhub.funding.models import Concept, DonorProfile, FundingCycle, Opportunity
from asmhub.funding.services import DEMO_DIR, FundingDataError, cycle_dates, load_demo_funding
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


@pytest.mark.parametrize("rule", ["FREQ=SECONDLY", "FREQ=MINUTELY", "FREQ=HOURLY"])
def test_a_funding_cycle_more_frequent_than_daily_is_refused(db: Any, rule: str) -> None:
    org = make_org("Swiss Agency", "bilateral-donor")
    cycle = FundingCycle(
        profile=DonorProfile.objects.create(organization=org),
        kind=FundingCycle.Kind.BOARD,
        title="Board",
        rule=rule,
        starts_on=dt.date(2026, 1, 1),
    )
    with pytest.raises(ValidationError) as caught:
        cycle.full_clean()
    assert f"{rule} repeats more often than once a day" in caught.value.message_dict["rule"][0]


def test_the_demo_loader_refuses_an_hourly_cycle_and_keeps_the_data(
    demo: dict[str, int], tmp_path: Path
) -> None:
    bad = tmp_path / "demo"
    shutil.copytree(DEMO_DIR, bad)
    donors = bad / "donors.yaml"
    text = donors.read_text(encoding="utf-8")
    donors.write_text(
        text.replace('rule: "FREQ=YEARLY;BYMONTH=10;BYMONTHDAY=1"', 'rule: "FREQ=HOURLY"', 1),
        encoding="utf-8",
    )
    before = sorted(FundingCycle.objects.values_list("rule", flat=True))
    with pytest.raises(FundingDataError, match="FREQ=HOURLY repeats more often"):
        load_demo_funding(bad)
    assert sorted(FundingCycle.objects.values_list("rule", flat=True)) == before
