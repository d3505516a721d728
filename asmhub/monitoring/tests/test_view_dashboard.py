"""The incidents and corrective actions dashboard, areas of most need, the incident page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from asmhub.conftest import make_org, make_user
from asmhub.monitoring import snapshot, writer
from asmhub.monitoring.models import ProgrammeGrant
from asmhub.monitoring.tests.areadata import visited_site

pytestmark = pytest.mark.django_db


def test_counts_are_public_and_incidents_are_not(areas: dict[str, Any], client: Client) -> None:
    page = client.get(reverse("monitoring:dashboard")).content.decode()
    assert "II.3" in page and "Pact" in page
    assert "Latest incidents" not in page
    summary = client.get("/api/monitoring/corrective-actions/summary").json()
    assert summary["by_category"][0]["incidents"] == 1
    assert summary["by_owner"][0]["open"] == 1
    assert summary["incidents_by_year"] == [
        {"year": 2021, "open": 1, "under-action": 0, "resolved": 0, "closed": 0}
    ]
    assert summary["overdue"] == 1
    incident = reverse("monitoring:incident", args=[areas["incident"].pk])
    assert client.get(incident).status_code == 404


def test_a_granted_user_reads_the_incident(areas: dict[str, Any], client: Client) -> None:
    team = make_org("Field team")
    ProgrammeGrant.objects.create(programme=areas["programme"], organization=team)
    client.force_login(make_user("analyst", "member", team))
    page = client.get(reverse("monitoring:incident", args=[areas["incident"].pk]))
    assert b"Armed group taxes the entrance" in page.content and b"Engage" in page.content
    assert b"Latest incidents" in client.get(reverse("monitoring:dashboard")).content


def test_most_need_links_the_area_to_its_lever_issues(
    areas: dict[str, Any], client: Client
) -> None:
    site = visited_site(areas["programme"], "w3", areas["walikale"], armed_presence=False)
    writer.refresh_sites([site.pk])
    snapshot.bump()
    page = client.get(reverse("monitoring:most-need"), {"level": "province"}).content.decode()
    assert "Nord-Kivu" in page
    found = client.get("/api/monitoring/most-need", {"level": "province"}).json()
    assert found[0]["area"]["name"] == "Nord-Kivu"
    assert "conflict-security" in found[0]["lever_issues"]
    # territories have two or three sites: fewer than the five an area of most need needs
    assert client.get("/api/monitoring/most-need").json() == []
