"""Triage by the programme's granted roles: every step audited, the sender told in their language."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from asmhub.accounts.models import User
from asmhub.conftest import make_user
from asmhub.core.models import AuditEntry
from asmhub.monitoring.models import Incident, Site
from asmhub.reports import services
from asmhub.reports.models import Outbound, Report, Step
from asmhub.reports.triage import Triage
from asmhub.taxonomy.models import RiskCategory

pytestmark = pytest.mark.django_db
NUMBER = "+243990005566"


def new_report(number: str = NUMBER, language: str = "sw", **values: Any) -> Report:
    fields = {
        "text": "Soldiers take a bag of ore per team",
        "place": "Near Kamituga",
        "risk_category": RiskCategory.objects.get(slug="security-forces"),
        **values,
    }
    return services.create("web", fields, number=number, language=language)


def _replies() -> list[str]:
    return list(Outbound.objects.values_list("text", flat=True))


def test_the_triage_pages_are_for_the_granted_roles_only(
    client: Client, monitoring: dict[str, Any], officer: User, editor: User
) -> None:
    report = new_report()
    for path in (reverse("reports:triage"), report.get_absolute_url()):
        assert client.get(path).status_code == 404
        client.force_login(editor)
        assert client.get(path).status_code == 404
        client.force_login(officer)
        assert "Soldiers take a bag" in client.get(path).content.decode()
        client.logout()


def test_a_report_linked_verified_and_turned_into_an_incident_flags_its_site(
    client: Client, monitoring: dict[str, Any], officer: User
) -> None:
    kamituga: Site = monitoring["kamituga"]
    assert not kamituga.flagged
    report = new_report()
    client.force_login(officer)
    step = reverse("reports:step", args=[report.pk])
    client.post(step, {"verb": "link", "site": kamituga.pk})
    report.refresh_from_db()
    assert report.site == kamituga and report.state == "checking"
    assert report.first_response_at is not None
    client.post(step, {"verb": "verify"})
    client.post(step, {"verb": "incident", "severity": "high"})
    report.refresh_from_db()
    incident = Incident.objects.get(pk=report.incident_id)
    assert report.state == "incident" and report.verified_at is not None
    assert incident.site == kamituga and incident.severity == "high"
    assert incident.description == report.text and report.reference in incident.source
    kamituga.refresh_from_db()
    assert kamituga.flagged
    assert [s.verb for s in Step.objects.filter(report=report)] == ["link", "verify", "incident"]
    audited = AuditEntry.objects.filter(target_id=str(report.pk), action__startswith="report:")
    assert {a.action for a in audited} >= {"report:link", "report:verify", "report:incident"}
    assert AuditEntry.objects.filter(action="create", target_id=str(incident.pk)).exists()
    # received, being checked, followed up: in Swahili, and the number is dropped at the end
    replies = _replies()
    assert len(replies) == 3
    assert "Imepokelewa" in replies[0] and "inachunguzwa" in replies[1]
    assert "imefuatiliwa" in replies[2]
    assert report.number_sealed == ""


def test_closing_takes_a_reason_that_the_sender_reads(
    monitoring: dict[str, Any], officer: User
) -> None:
    report = new_report(language="fr")
    with pytest.raises(ValidationError):
        Triage(officer, report, "close", reason=" ").execute()
    report.refresh_from_db()
    assert report.state == "new" and not Step.objects.exists()
    Triage(officer, report, "close", reason="hors de la zone du programme").execute()
    assert "est clos: hors de la zone du programme" in _replies()[-1]
    with pytest.raises(ValidationError, match="already"):
        Triage(officer, report, "verify").execute()


def test_a_duplicate_merges_into_an_earlier_report(
    client: Client, monitoring: dict[str, Any], officer: User
) -> None:
    first, second = new_report(), new_report(number="+243990001111", language="fr")
    client.force_login(officer)
    client.post(
        reverse("reports:step", args=[second.pk]), {"verb": "merge", "into": first.reference}
    )
    second.refresh_from_db()
    assert second.duplicate_of == first and second.state == "merged"
    assert "suivi avec un signalement antérieur" in _replies()[-1]
    page = client.get(first.get_absolute_url()).content.decode()
    assert second.reference in page


def test_bad_steps_are_refused_with_a_message_and_write_nothing(
    client: Client, monitoring: dict[str, Any], officer: User
) -> None:
    report = new_report()
    client.force_login(officer)
    step = reverse("reports:step", args=[report.pk])
    answer = client.post(step, {"verb": "incident"}, follow=True)
    assert "Link the report to a site" in answer.content.decode()
    answer = client.post(step, {"verb": "merge", "into": report.reference}, follow=True)
    assert "another report" in answer.content.decode()
    answer = client.post(step, {"verb": "explode"}, follow=True)
    assert "Unknown triage step" in answer.content.decode()
    report.refresh_from_db()
    assert report.state == "new" and report.first_response_at is None
    assert not Step.objects.exists() and len(_replies()) == 1


def test_a_user_without_the_grant_cannot_take_a_step(
    client: Client, monitoring: dict[str, Any], editor: User
) -> None:
    report = new_report()
    with pytest.raises(PermissionDenied):
        Triage(make_user("nobody", "member"), report, "verify").execute()
    client.force_login(editor)
    assert (
        client.post(reverse("reports:step", args=[report.pk]), {"verb": "verify"}).status_code
        == 404
    )
    report.refresh_from_db()
    assert report.state == "new"
