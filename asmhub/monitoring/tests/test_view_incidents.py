"""Field teams enter incidents and corrective action plans on pages; managers verify."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from asmhub.accounts.models import User
from asmhub.conftest import make_org, make_user
from asmhub.core.models import AuditEntry
from asmhub.monitoring.models import CorrectiveAction, Incident, ProgrammeGrant
from asmhub.taxonomy.models import RiskCategory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(monitoring: dict[str, Any]) -> User:
    user = make_user("lead", None)
    ProgrammeGrant.objects.create(programme=monitoring["programme"], user=user, level="manager")
    return user


def new_incident(client: Client, site: Any) -> Any:
    return client.post(
        reverse("monitoring:incident-new", args=[site.pk]),
        {
            "date": "2024-05-01",
            "risk_category": RiskCategory.objects.get(slug="non-state-armed-groups").pk,
            "severity": "high",
            "state": "open",
            "description": "Armed men at the pit",
            "source": "field team",
        },
    )


def test_a_field_team_enters_an_incident_and_a_plan(
    login: Callable[[User], Client], granted: User, monitoring: dict[str, Any]
) -> None:
    client = login(granted)
    kamituga = monitoring["kamituga"]
    assert not kamituga.flagged
    response = new_incident(client, kamituga)
    incident = Incident.objects.get(description="Armed men at the pit")
    assert response.status_code == 302 and response["Location"] == incident.get_absolute_url()
    assert incident.created_by == granted and incident.site == kamituga
    kamituga.refresh_from_db()
    assert kamituga.flagged  # the open incident restricts its position
    owner = make_org("SAEMAPE")
    response = client.post(
        reverse("monitoring:plan-new", args=[incident.pk]),
        {
            "title": "Talk to the army",
            "description": "Meet",
            "owner": owner.pk,
            "due_on": "2024-09-01",
        },
    )
    assert response.status_code == 302
    action = CorrectiveAction.objects.get(plan__incidents=incident)
    assert (action.description, action.owner, action.state) == ("Meet", owner, "planned")
    incident.refresh_from_db()
    assert incident.state == Incident.State.UNDER_ACTION
    assert AuditEntry.for_object(incident).filter(action="create", actor=granted).exists()
    assert AuditEntry.for_object(action).filter(action="create").exists()
    page = client.get(incident.get_absolute_url()).content.decode()
    assert "Talk to the army" in page and "Meet" in page
    # a field team may record evidence, not verify
    edit = reverse("monitoring:action-edit", args=[action.pk])
    fields = {"description": "Meet", "owner": owner.pk, "due_on": "2024-09-01"}
    refused = client.post(edit, {**fields, "state": "verified", "evidence": "Minutes"})
    assert refused.status_code == 200 and "Only the programme" in refused.content.decode()
    action.refresh_from_db()
    assert action.state == "planned"
    assert client.post(edit, {**fields, "state": "done", "evidence": "Minutes"}).status_code == 302


def test_a_manager_verifies_on_evidence(
    login: Callable[[User], Client], manager: User, monitoring: dict[str, Any]
) -> None:
    client = login(manager)
    new_incident(client, monitoring["kamituga"])
    incident = Incident.objects.get(description="Armed men at the pit")
    owner = make_org("SAEMAPE")
    client.post(
        reverse("monitoring:plan-new", args=[incident.pk]),
        {"title": "Plan", "description": "Meet", "owner": owner.pk, "due_on": "2024-09-01"},
    )
    action = CorrectiveAction.objects.get()
    edit = reverse("monitoring:action-edit", args=[action.pk])
    fields = {"description": "Meet", "owner": owner.pk, "due_on": "2024-09-01", "state": "verified"}
    refused = client.post(edit, {**fields, "evidence": " "})
    assert "verified on evidence" in refused.content.decode()
    assert client.post(edit, {**fields, "evidence": "Minutes signed"}).status_code == 302
    action.refresh_from_db()
    assert action.state == "verified" and action.verified_on is not None
    closed = {
        "date": "2024-05-01",
        "risk_category": incident.risk_category_id,
        "severity": "high",
        "state": "resolved",
        "description": incident.description,
        "source": "",
    }
    client.post(reverse("monitoring:incident-edit", args=[incident.pk]), closed)
    monitoring["kamituga"].refresh_from_db()
    assert not monitoring["kamituga"].flagged


def test_without_the_grant_the_pages_do_not_exist(
    ungranted: Client, monitoring: dict[str, Any]
) -> None:
    response = new_incident(ungranted, monitoring["kamituga"])
    assert response.status_code in (302, 404)  # anonymous: to the login page
    assert not Incident.objects.filter(description="Armed men at the pit").exists()
    edit = ungranted.get(reverse("monitoring:incident-edit", args=[monitoring["incident"].pk]))
    assert edit.status_code in (302, 404)
