"""Common priorities and the compatibility matrix on hand-made organizations."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from asmhub.conftest import make_org
from asmhub.core.models import Status
from asmhub.funding import commonground
from asmhub.taxonomy.models import LeverIssue

from .conftest import donor

pytestmark = pytest.mark.django_db


def _org(name: str, kind: str, *issues: str, status: str = Status.PUBLISHED) -> None:
    org = make_org(name, kind, status=status)
    org.lever_issues.set(LeverIssue.objects.filter(slug__in=issues))


@pytest.fixture
def sector(db: Any) -> None:
    for n in range(3):
        _org(f"NGO {n}", "national-ngo", "mercury-chemicals", "gender")
    for n in range(3):
        _org(f"Coop {n}", "miners-association", "mercury-chemicals", "finance")
    for n in range(3):
        _org(f"Lab {n}", "research-agency", "environment")
    _org("Secret NGO", "national-ngo", "migration", status=Status.DRAFT)
    donor("Mercury Donor", {"mercury-chemicals": 1.0, "sdg-3": 0.5})
    donor("Finance Donor", {"finance": 0.8})


def test_common_priorities_among_stakeholders(sector: None) -> None:
    ground = commonground.compute(AnonymousUser())
    assert {g.key for g in ground.groups} == {
        "national-ngo",
        "miners-association",
        "research-agency",
    }
    among = [r.issue.slug for r in ground.among_stakeholders]
    assert among[0] == "mercury-chemicals"  # in two of three groups
    assert "migration" not in among  # only a draft organization lists it


def test_common_priorities_between_stakeholders_and_donors(sector: None) -> None:
    ground = commonground.compute(AnonymousUser())
    both = [r.issue.slug for r in ground.stakeholders_and_donors]
    assert both[0] == "mercury-chemicals"
    row = next(r for r in ground.issues if r.issue.slug == "mercury-chemicals")
    assert row.donor == pytest.approx(0.5)  # 1.0 and 0 over two donors
    assert row.stakeholder == pytest.approx(2 / 3)  # all of two groups, none of the third
    assert "environment" not in both  # no donor gives it a weight


def test_the_matrix_reads_donor_goals_and_linked_issues(sector: None) -> None:
    ground = commonground.compute(AnonymousUser())
    columns = [c.key for c in ground.columns]
    sdg3 = next(r for r in ground.matrix if r.goal.number == 3)
    assert sdg3.values[columns.index("mercury-donor")] == pytest.approx(1.0)  # via the issue
    columns_out, rows = commonground.matrix_rows(ground)
    assert columns_out[0] == "goal" and len(rows) == 17


def test_mdg_rows_follow_the_crosswalk(sector: None) -> None:
    ground = commonground.compute(AnonymousUser(), goals="mdg")
    assert len(ground.matrix) == 8 and ground.matrix[0].label.startswith("MDG 1")
