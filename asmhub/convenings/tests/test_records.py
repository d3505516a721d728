"""Captured statements with their sources, and commitments."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from asmhub.convenings.models import Breakout, Commitment, Convening, Session, Statement
from asmhub.taxonomy.models import LeverIssue, StakeholderType

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(convening: Convening) -> Breakout:
    session = Session.objects.create(
        convening=convening, title="Breakout Session One", kind="breakouts", day=convening.starts_on
    )
    return Breakout.objects.create(session=session, name="Group Two")


def test_an_organizer_captures_a_priority_from_a_group(
    login: Any, owner: Any, convening: Convening, group: Breakout
) -> None:
    poverty = LeverIssue.objects.get(slug="poverty-livelihoods")
    ngo = StakeholderType.objects.get(slug="international-ngo")
    url = reverse("convenings:statement-add", args=[convening.slug]) + f"?breakout={group.pk}"
    form = login(owner).get(url).context["form"]
    assert form.initial["source"] == f"breakout:{group.pk}"
    response = login(owner).post(
        url,
        {
            "kind": "priority",
            "topic": "Poverty",
            "scope": "shared",
            "statement": "It is a common problem regardless of where ASM is practiced.",
            "source": f"breakout:{group.pk}",
            "quote": "1. Poverty: It is a common problem",
            "lever_issues": [poverty.pk],
            "stakeholder_groups": [ngo.pk],
        },
    )
    assert response.status_code == 302
    statement = Statement.objects.get()
    assert statement.breakout == group and statement.session is None
    assert statement.source_label() == str(group)
    assert statement.created_by == owner
    page = Client().get(reverse("convenings:statements", args=[convening.slug])).content.decode()
    assert "Poverty" in page and "stated as shared" in page and group.get_absolute_url() in page


def test_a_source_of_another_convening_is_refused(
    login: Any, owner: Any, convening: Convening, org: Any
) -> None:
    from asmhub.convenings.tests.conftest import make_convening

    other = make_convening(org, title="Another meeting")
    foreign = Session.objects.create(
        convening=other, title="Elsewhere", kind="plenary", day=other.starts_on
    )
    response = login(owner).post(
        reverse("convenings:statement-add", args=[convening.slug]),
        {
            "kind": "priority",
            "topic": "X",
            "statement": "Y",
            "scope": "held",
            "source": f"session:{foreign.pk}",
        },
    )
    assert response.status_code == 200 and "source" in response.context["form"].errors
    assert not Statement.objects.exists()


def test_commitments_need_someone_and_are_listed(
    login: Any, owner: Any, convening: Convening, org: Any
) -> None:
    url = reverse("convenings:commitment-add", args=[convening.slug])
    refused = login(owner).post(url, {"what": "Circulate the report", "state": "proposed"})
    assert refused.status_code == 200 and refused.context["form"].non_field_errors()
    login(owner).post(
        url,
        {
            "what": "Circulate the report",
            "state": "committed",
            "organization": org.pk,
            "due_on": "2026-07-31",
        },
    )
    commitment = Commitment.objects.get()
    assert commitment.who == str(org)
    page = Client().get(reverse("convenings:commitments", args=[convening.slug])).content.decode()
    assert "Circulate the report" in page and "31 Jul 2026" in page
    api = Client().get(f"/api/convenings/{convening.slug}/commitments").json()
    assert api == [
        {
            "id": commitment.pk,
            "who": str(org),
            "what": "Circulate the report",
            "due_on": "2026-07-31",
            "state": "committed",
        }
    ]


def test_outsiders_cannot_capture(login: Any, outsider: Any, convening: Convening) -> None:
    url = reverse("convenings:statement-add", args=[convening.slug])
    assert (
        login(outsider)
        .post(url, {"kind": "priority", "topic": "X", "statement": "Y", "scope": "held"})
        .status_code
        == 403
    )
    assert not Statement.objects.exists()
