"""A site's flag, and so whether its exact position is public, follows its incidents
whichever path opens or closes them: the tax report, the Django admin, the model."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from asmhub.accounts.models import User
from asmhub.monitoring import present, snapshot
from asmhub.monitoring.access import NOBODY
from asmhub.monitoring.models import Incident, ProgrammeGrant, Site
from asmhub.monitoring.tax_models import ObservedTax
from asmhub.monitoring.tests.taxdata import body, places, site
from asmhub.taxonomy.models import RiskCategory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mine(db: Any) -> Site:
    found = site(places()["walikale"])
    Site.objects.filter(pk=found.pk).update(latitude=-1.234567, longitude=28.765432)
    found.refresh_from_db()
    assert not found.flagged
    return found


def public_point(mine: Site) -> tuple[Any, Any, bool]:
    mine.refresh_from_db()
    return present.site_point(mine, NOBODY)


def open_incident(mine: Site, **fields: Any) -> Incident:
    return Incident.objects.create(
        site=mine,
        date=dt.date(2024, 3, 2),
        risk_category=RiskCategory.objects.get(slug="non-state-armed-groups"),
        description="Armed group at the pit",
        **fields,
    )


def test_reporting_a_tax_flags_the_site_and_rounds_its_public_position(
    login: Callable[[User], Client], owner: User, mine: Site
) -> None:
    ProgrammeGrant.objects.create(programme=mine.programme, user=owner, level="manager")
    taxed = ObservedTax.objects.create(
        site=mine,
        date=dt.date(2024, 3, 2),
        levying_body=body("fardc", "army", may_levy=False, name="FARDC"),
        amount=Decimal("2000"),
        currency="CDF",
        verdict=ObservedTax.Verdict.ILLEGAL,
    )
    before = snapshot.current().token
    response = login(owner).post(reverse("monitoring:report-tax", args=[taxed.pk]))
    assert response.status_code == 302 and Incident.objects.filter(site=mine).exists()
    assert public_point(mine) == (-1.2, 28.8, True)
    assert snapshot.current().by_pk[mine.pk].flagged
    assert snapshot.current().token != before


def test_closing_an_incident_in_the_admin_unflags_the_site(
    login: Callable[[User], Client], mine: Site
) -> None:
    admin_user = User.objects.create_superuser("root", "root@example.org", "pw")
    incident = open_incident(mine)
    assert public_point(mine)[2]  # open: rounded
    url = reverse("admin:monitoring_incident_change", args=[incident.pk])
    response = login(admin_user).post(
        url,
        {
            "site": mine.pk,
            "date": "2024-03-02",
            "risk_category": incident.risk_category_id,
            "description": incident.description,
            "severity": "medium",
            "source": "",
            "state": "closed",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    incident.refresh_from_db()
    assert incident.state == "closed", response["Location"]
    assert public_point(mine) == (-1.234567, 28.765432, False)
    assert not snapshot.current().by_pk[mine.pk].flagged


def test_deleting_or_moving_an_incident_unflags_the_site_it_leaves(mine: Site) -> None:
    incident = open_incident(mine)
    other = site(Site.objects.get(pk=mine.pk).territory, name="Mubi", programme=mine.programme)
    incident.site = other
    incident.save()
    assert not public_point(mine)[2] and public_point(other)[2]
    incident.delete()
    assert not public_point(other)[2]
