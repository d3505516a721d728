"""No reporter's number and no report's text reaches a page, API answer or export without
the grant. Every GET route of the app and of its API is walked, so new routes are covered;
the public counts are aggregated and delayed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, reverse
from django.utils import timezone

from asmhub.accounts.models import User
from asmhub.conftest import make_org, make_user
from asmhub.monitoring.tests.test_access import _text
from asmhub.reports import services, urls
from asmhub.reports.models import Report
from asmhub.reports.tests.test_triage import new_report

pytestmark = pytest.mark.django_db
NUMBER = "+243990123456"
SECRETS = (
    "SECRET-PHOTO",
    "SECRET-REPORT-TEXT",
    "SECRET-ACTOR-NAME",
    "SECRET-PLACE",
    NUMBER,
    "990123456",
)
SKIP = {"sms-inbound", "step"}  # POST only


@pytest.fixture
def reported(monitoring: dict[str, Any], settings: Any, tmp_path: Any) -> Report:
    settings.MEDIA_ROOT = str(tmp_path)
    report = new_report(
        number=NUMBER,
        text="SECRET-REPORT-TEXT at the pit",
        actor="SECRET-ACTOR-NAME",
        place="SECRET-PLACE",
    )
    report.photo.save("photo.jpg", ContentFile(b"SECRET-PHOTO"))
    return report


def _addresses(client: Client, report: Report) -> list[str]:
    found = []
    for pattern in urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        if pattern.name in SKIP:
            continue
        names = list(pattern.pattern.converters)
        if not names:
            found.append(reverse(f"reports:{pattern.name}"))
        elif names == ["pk"]:
            found.append(reverse(f"reports:{pattern.name}", args=[report.pk]))
        elif names == ["fmt"]:
            found += [reverse(f"reports:{pattern.name}", args=[f]) for f in ("csv", "xlsx")]
        else:
            raise AssertionError(f"cannot fill the parameters of {pattern.name}: {names}")
    found.append(reverse("reports:status") + f"?ref={report.reference}")
    spec = client.get("/api/openapi.json").json()
    api = [p for p, ops in spec["paths"].items() if p.startswith("/api/reports") and "get" in ops]
    assert api and all("{" not in p for p in api)
    return found + api + [reverse("monitoring:dashboard")]


@pytest.mark.parametrize("who", ["anonymous", "outsider", "editor", "admin"])
def test_no_number_or_text_reaches_a_user_without_the_grant(
    client: Client, reported: Report, who: str
) -> None:
    if who != "anonymous":
        role = {"outsider": "member", "editor": "editor", "admin": "secretariat-admin"}[who]
        client.force_login(make_user(who, role, make_org("Other")))
    leaks = {}
    for address in _addresses(client, reported):
        response = client.get(address)
        assert response.status_code in (200, 404), (address, response.status_code)
        text = _text(response)
        found = [s for s in SECRETS if s in text]
        if found:
            leaks[address] = found
    assert leaks == {}


def test_the_granted_officer_reads_the_text_but_never_the_number(
    client: Client, reported: Report, officer: User
) -> None:
    client.force_login(officer)
    page = _text(client.get(reported.get_absolute_url()))
    assert "SECRET-REPORT-TEXT" in page and "SECRET-ACTOR-NAME" in page
    for address in _addresses(client, reported):
        text = _text(client.get(address))
        assert NUMBER not in text and "990123456" not in text, address
        assert reported.number_hash not in text and reported.number_sealed not in text


def _age(report: Report, days: int) -> None:
    Report.objects.filter(pk=report.pk).update(received_at=timezone.now() - dt.timedelta(days=days))


def test_the_public_sees_only_areas_with_five_reports_thirty_days_old(
    client: Client, monitoring: dict[str, Any]
) -> None:
    walikale = monitoring["bisie"].territory
    mwenga = monitoring["kamituga"].territory
    for n in range(5):
        _age(new_report(number="", site=monitoring["bisie"]), 31 + n)
    for _n in range(4):
        _age(new_report(number="", site=monitoring["kamituga"]), 40)
    new_report(number="", site=monitoring["kamituga"])  # the fifth, but too recent
    assert services.public_counts() == [{"area": walikale.name, "reports": 5}]
    page = client.get(reverse("reports:public")).content.decode()
    assert walikale.name in page and mwenga.name not in page
    assert client.get("/api/reports/counts").json() == [{"area": walikale.name, "reports": 5}]
