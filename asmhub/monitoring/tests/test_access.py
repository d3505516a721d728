"""No restricted field leaves the server for a user without the programme's grant.

Every GET page and export of the monitoring app, and every GET endpoint of its API, is
asked for by users without a grant (anonymous, a member of another organization, a
platform editor) and by a granted user, over data holding marked restricted values. A
route with a parameter this test cannot fill fails the test, so new routes are covered.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, reverse

from asmhub.conftest import make_org, make_user
from asmhub.monitoring import snapshot, urls, writer
from asmhub.monitoring.models import (
    AdminUnit,
    ArmedActor,
    CorrectiveAction,
    CorrectivePlan,
    Incident,
    Programme,
    ProgrammeGrant,
    Site,
    Visit,
)
from asmhub.monitoring.observations import flags_of
from asmhub.taxonomy.models import Country, RiskCategory

pytestmark = pytest.mark.django_db

SECRETS = (
    "SECRET-ACTOR",
    "SECRET-INFORMANT",
    "SECRET-NOTES",
    "SECRET-INCIDENT",
    "1.234567",
    "28.765432",
)
SKIP_PATTERNS = {"import-commit", "report-tax"}  # POST only
# The map by view needs its window (zoom and tiles): the world, and the tiles of the
# site's exact and rounded positions at zooms where clusters and single sites answer.
CLUSTER_VIEWS = (
    "z=0&x=0&y=0",
    "z=4&x=0-15&y=0-15",
    "z=16&x=38010&y=32986",  # the rounded position
    "z=9&x=296&y=257",
    "z=16&x=38004&y=32992",  # the exact one
)


@pytest.fixture
def data(db: Any) -> dict[str, Any]:
    country = Country.objects.get(code="CD")
    programme = Programme.objects.create(name="Walikale survey", country=country)
    province = AdminUnit.objects.create(
        country=country, level=1, name="Nord-Kivu", key="cd/nord-kivu", slug="cd-nord-kivu"
    )
    territory = AdminUnit.objects.create(
        country=country,
        level=2,
        name="Walikale",
        parent=province,
        key="cd/nord-kivu/walikale",
        slug="cd-nord-kivu-walikale",
    )
    site = Site.objects.create(
        programme=programme,
        pcode="codmine09999",
        name="Mpama",
        latitude=-1.234567,
        longitude=28.765432,
        country=country,
        province=province,
        territory=territory,
    )
    actors = [{"name": "SECRET-ACTOR", "kind": "non-state", "activities": ["entry-taxation"]}]
    fields = {"armed_presence": True, "armed_interference": True, "mercury": True}
    known, present = flags_of({**fields, "armed_actors": actors})
    visit = Visit.objects.create(
        site=site,
        key="ipis:1",
        date=dt.date(2020, 5, 1),
        informant="SECRET-INFORMANT",
        notes="SECRET-NOTES",
        state_services=[{"name": "SAEMAPE", "taxes": True}],
        known=known,
        present=present,
        **fields,
    )
    ArmedActor.objects.create(visit=visit, **actors[0])
    incident = Incident.objects.create(
        site=site,
        date=dt.date(2020, 5, 2),
        risk_category=RiskCategory.objects.get(slug="non-state-armed-groups"),
        description="SECRET-INCIDENT at the pit entrance",
    )
    plan = CorrectivePlan.objects.create(programme=programme, title="Plan")
    plan.incidents.add(incident)
    action = CorrectiveAction.objects.create(
        plan=plan,
        description="Escalate",
        owner=make_org("ITSCI"),
        due_on=dt.date(2021, 1, 1),
        evidence="SECRET-INCIDENT evidence",
    )
    writer.refresh_sites([site.pk])
    snapshot.bump()
    return {
        "programme": programme,
        "site": site,
        "incident": incident,
        "plan": plan,
        "action": action,
        "unit": territory,
    }


def _fill(pattern: URLPattern, data: dict[str, Any]) -> list[str]:
    names = list(pattern.pattern.converters)
    if not names:
        return [reverse(f"monitoring:{pattern.name}")]
    if names == ["pk"]:
        pk = {
            "incident": data["incident"].pk,
            "incident-edit": data["incident"].pk,
            "plan-new": data["incident"].pk,
            "action-new": data["plan"].pk,
            "action-edit": data["action"].pk,
        }.get(pattern.name or "", data["site"].pk)
        return [reverse(f"monitoring:{pattern.name}", args=[pk])]
    if names == ["slug"]:
        return [reverse(f"monitoring:{pattern.name}", args=[data["unit"].slug])]
    if names == ["fmt"]:
        return [reverse(f"monitoring:{pattern.name}", args=[f]) for f in ("csv", "xlsx")]
    raise AssertionError(f"test_access cannot fill the parameters of {pattern.name}: {names}")


def _api_paths(client: Client, data: dict[str, Any]) -> list[str]:
    spec = client.get("/api/openapi.json").json()
    found = []
    for path, operations in spec["paths"].items():
        if not path.startswith("/api/monitoring") or "get" not in operations:
            continue
        filled = (
            path.replace("{id}", str(data["site"].pk))
            .replace("{pk}", str(data["site"].pk))
            .replace("{slug}", data["unit"].slug)
        )
        assert "{" not in filled, f"test_access cannot fill {path}"
        found.append(filled)
    return found


def _text(response: Any) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":  # an XLSX: read its XML parts
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "".join(archive.read(n).decode() for n in archive.namelist())
    return body.decode("utf-8", errors="replace")


def _addresses(client: Client, data: dict[str, Any]) -> list[str]:
    addresses = []
    for pattern in urls.urlpatterns:
        if pattern.name == "sites-clusters":
            addresses += [f"{reverse('monitoring:sites-clusters')}?{v}" for v in CLUSTER_VIEWS]
        elif isinstance(pattern, URLPattern) and pattern.name not in SKIP_PATTERNS:
            addresses += _fill(pattern, data)
    addresses.append(reverse("monitoring:sites-geojson") + "?download=1")
    return addresses + _api_paths(client, data)


def _leaks(client: Client, addresses: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for address in addresses:
        response = client.get(address)
        assert response.status_code in (200, 302, 403, 404), (address, response.status_code)
        text = _text(response)
        leaked = [s for s in SECRETS if s in text]
        if leaked:
            found[address] = leaked
    return found


@pytest.mark.parametrize("who", ["anonymous", "outsider", "editor", "member of the runner"])
def test_no_restricted_field_reaches_a_user_without_the_grant(
    data: dict[str, Any], who: str, client: Client
) -> None:
    if who != "anonymous":
        organization = make_org("Runner") if who == "member of the runner" else make_org("Other")
        user = make_user(
            who.replace(" ", "-"), "editor" if who == "editor" else "member", organization
        )
        if who == "member of the runner":
            data["programme"].owner_organization = organization
            data["programme"].save()  # running a programme grants nothing by itself
        client.force_login(user)
    assert _leaks(client, _addresses(client, data)) == {}


def test_a_granted_user_reads_the_restricted_fields(data: dict[str, Any], client: Client) -> None:
    organization = make_org("Field team")
    user = make_user("analyst", "member", organization)
    ProgrammeGrant.objects.create(programme=data["programme"], organization=organization)
    client.force_login(user)
    site_page = _text(client.get(data["site"].get_absolute_url()))
    for secret in ("SECRET-ACTOR", "SECRET-INFORMANT", "SECRET-NOTES", "1.234567"):
        assert secret in site_page
    incident_page = _text(client.get(reverse("monitoring:incident", args=[data["incident"].pk])))
    assert "SECRET-INCIDENT" in incident_page
    geojson = _text(client.get(reverse("monitoring:sites-geojson")))
    assert "28.765432" in geojson
    for view in CLUSTER_VIEWS[3:]:  # the tiles of the exact position
        assert "28.765432" in _text(client.get(f"{reverse('monitoring:sites-clusters')}?{view}")), (
            view
        )


def test_the_public_sees_the_site_at_a_coarse_position(
    data: dict[str, Any], client: Client
) -> None:
    feature = client.get(reverse("monitoring:sites-geojson")).json()["features"][0]
    assert feature["geometry"]["coordinates"] == [28.8, -1.2]
    assert feature["properties"]["approximate"] is True
    assert re.search(r"Mpama", _text(client.get(data["site"].get_absolute_url())))
