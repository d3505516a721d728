"""Figures of the reports per area and month: on the figures page, the monitoring
dashboard, the API and the exports, for the programme's granted roles."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from asmhub.accounts.models import User
from asmhub.core.tests.test_export_injection import cells
from asmhub.reports import services
from asmhub.reports.models import Report
from asmhub.reports.tests.test_triage import new_report
from asmhub.reports.triage import Triage

pytestmark = pytest.mark.django_db


@pytest.fixture
def handled(monitoring: dict[str, Any], officer: User) -> dict[str, Any]:
    """Three reports at Bisie in March 2024: one answered in 2 hours and turned into an
    incident, one answered in 4 hours, one not answered."""
    received = timezone.make_aware(dt.datetime(2024, 3, 5, 8, 0))
    reports = [new_report(number="", site=monitoring["bisie"]) for _ in range(3)]
    Report.objects.update(received_at=received)
    for report, hours in zip(reports[:2], (2, 4), strict=True):
        report.refresh_from_db()
        report.first_response_at = received + dt.timedelta(hours=hours)
        report.save()
    Triage(officer, Report.objects.get(pk=reports[0].pk), "incident").execute()
    return {"area": monitoring["bisie"].territory.name}


def test_figures_count_per_area_and_month(handled: dict[str, Any], officer: User) -> None:
    from asmhub.monitoring.access import access_for

    found = services.figures(access_for(officer))
    assert found.rows == [
        {
            "area": handled["area"],
            "month": "2024-03",
            "received": 3,
            "verified": 1,
            "incidents": 1,
            "responded": 2,
            "mean_hours": 3.0,
        }
    ]
    assert found.totals["received"] == 3 and found.totals["mean_hours"] == 3.0


def test_the_dashboard_api_and_exports_show_the_figures_to_the_granted_only(
    client: Client, handled: dict[str, Any], officer: User, editor: User
) -> None:
    dashboard = reverse("monitoring:dashboard")
    client.force_login(editor)
    assert "report-figures" not in client.get(dashboard).content.decode()
    assert client.get("/api/reports/figures").status_code == 404
    assert client.get(reverse("reports:figures-export", args=["csv"])).status_code == 404
    client.force_login(officer)
    page = client.get(dashboard).content.decode()
    assert 'id="report-figures"' in page and "2024-03" in page
    assert client.get("/api/reports/figures").json()[0]["incidents"] == 1
    for fmt in ("csv", "xlsx"):
        answer = client.get(reverse("reports:figures-export", args=[fmt]))
        found = cells(answer.content, fmt)
        assert "mean_hours" in found and handled["area"] in found and "2024-03" in found
