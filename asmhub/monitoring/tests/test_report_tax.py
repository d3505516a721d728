"""Reporting an observed illegal tax as an incident, in one step, by a programme manager."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from asmhub.accounts.models import User
from asmhub.core.models import AuditEntry
from asmhub.monitoring.models import Incident, ProgrammeGrant, Site
from asmhub.monitoring.tax_models import LevyingBody, ObservedTax
from asmhub.monitoring.taxes import ReportIllegalTax, TaxNotReportable
from asmhub.monitoring.tests.taxdata import body, places, site, tax

pytestmark = pytest.mark.django_db
ON = dt.date(2024, 3, 2)


@pytest.fixture
def mine(db: Any) -> Site:
    return site(places()["walikale"])


@pytest.fixture
def manager(owner: User, mine: Site) -> User:
    ProgrammeGrant.objects.create(programme=mine.programme, user=owner, level="manager")
    return owner


def observed(
    mine: Site | None, slug: str = "fardc", kind: str = "army", **fields: Any
) -> ObservedTax:
    levier = body(slug, kind, may_levy=kind == "state", name=slug.upper())
    fields.setdefault("amount", Decimal("2000"))
    return ObservedTax.objects.create(
        site=mine,
        date=ON,
        levying_body=levier,
        currency="CDF",
        roadblock="Mubi bridge",
        source="IPIS roadblock survey",
        verdict=ObservedTax.Verdict.ILLEGAL,
        **fields,
    )


def report_url(tax_row: ObservedTax) -> str:
    return reverse("monitoring:report-tax", args=[tax_row.pk])


def test_one_post_makes_one_incident_with_its_audit_entry(
    login: Callable[[User], Client], manager: User, mine: Site
) -> None:
    army_tax = observed(mine)
    response = login(manager).post(report_url(army_tax))
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("monitoring:incident", args=[incident.pk])
    army_tax.refresh_from_db()
    assert army_tax.incident == incident
    assert (incident.site, incident.date, incident.severity) == (mine, ON, "high")
    assert incident.risk_category.slug == "security-forces"
    assert incident.source == "IPIS roadblock survey"
    assert incident.created_by == manager
    assert "FARDC took 2,000 CDF at Mubi bridge" in incident.description
    assert "No law allows FARDC" in incident.description
    entry = AuditEntry.for_object(incident).get()
    assert (entry.actor, entry.action) == (manager, "report-tax")
    assert entry.changes["observed_tax"]["to"] == army_tax.pk


def test_reporting_twice_keeps_one_incident(
    login: Callable[[User], Client], manager: User, mine: Site
) -> None:
    army_tax = observed(mine)
    client = login(manager)
    first = client.post(report_url(army_tax))
    second = client.post(report_url(army_tax))
    assert first["Location"] == second["Location"]
    assert (
        Incident.objects.count() == 1
        and AuditEntry.objects.filter(action="report-tax").count() == 1
    )


@pytest.mark.parametrize(
    ("slug", "kind", "category"),
    [
        ("mai-mai", "non-state", "non-state-armed-groups"),
        ("pnc", "police", "security-forces"),
        ("territoire", "state", "taxes-fees-royalties"),
    ],
)
def test_the_risk_category_follows_who_levied(
    manager: User, mine: Site, slug: str, kind: str, category: str
) -> None:
    incident = ReportIllegalTax(manager, observed(mine, slug, kind)).execute()
    assert incident.risk_category.slug == category


def test_an_excessive_tax_may_be_reported(manager: User, mine: Site) -> None:
    row = observed(mine, "saemape", "state", amount=Decimal("9000"))
    tax(LevyingBody.objects.get(slug="saemape"), "5000")
    assert ReportIllegalTax(manager, row).execute().risk_category.slug == "taxes-fees-royalties"


def test_a_legal_tax_is_not_an_incident(manager: User, mine: Site) -> None:
    row = observed(mine, "saemape", "state", amount=Decimal("100"))
    tax(LevyingBody.objects.get(slug="saemape"), "5000")
    with pytest.raises(TaxNotReportable):
        ReportIllegalTax(manager, row).execute()
    assert not Incident.objects.exists()


def test_an_outsider_is_refused_and_nothing_is_written(
    login: Callable[[User], Client], outsider: User, mine: Site
) -> None:
    army_tax = observed(mine)
    assert login(outsider).post(report_url(army_tax)).status_code == 403
    with pytest.raises(PermissionDenied):
        ReportIllegalTax(outsider, army_tax).execute()
    army_tax.refresh_from_db()
    assert army_tax.incident is None
    assert not Incident.objects.exists() and not AuditEntry.objects.exists()


def test_a_restricted_reader_is_not_a_manager(owner: User, mine: Site) -> None:
    ProgrammeGrant.objects.create(programme=mine.programme, user=owner, level="restricted")
    with pytest.raises(PermissionDenied):
        ReportIllegalTax(owner, observed(mine)).execute()
    assert not Incident.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, mine: Site) -> None:
    response = client.post(report_url(observed(mine)))
    assert response.status_code == 302 and "/accounts/" in response["Location"]
    assert not Incident.objects.exists()


def test_a_tax_without_a_site_is_refused_clearly(
    login: Callable[[User], Client], manager: User
) -> None:
    roadside = observed(None)
    response = login(manager).post(report_url(roadside), follow=True)
    assert response.status_code == 200
    assert "not recorded at a mine site" in response.content.decode()
    assert not Incident.objects.exists() and not AuditEntry.objects.exists()


def test_a_visit_gives_its_site(manager: User, mine: Site) -> None:
    from asmhub.monitoring.models import Visit

    visit = Visit.objects.create(site=mine, key="ipis:1", date=ON)
    row = observed(None, visit=visit)
    assert ReportIllegalTax(manager, row).execute().site == mine


def test_get_is_not_allowed(login: Callable[[User], Client], manager: User, mine: Site) -> None:
    assert login(manager).get(report_url(observed(mine))).status_code == 405
