"""A site's page: facts, areas, visit history, charts, and its restricted parts."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from asmhub.accounts.models import User
from asmhub.monitoring.models import Indicator, IndicatorValue, Site, VisitMineral
from asmhub.monitoring.tests.conftest import leaked, text, visit
from asmhub.taxonomy.models import Mineral

pytestmark = pytest.mark.django_db


def page(client: Client, site: Site) -> str:
    response = client.get(site.get_absolute_url())
    assert response.status_code == 200
    return text(response)


def chart(content: str) -> dict[str, Any]:
    found = re.search(r'<script id="site-chart" type="application/json">(.*?)</script>', content)
    assert found
    return dict(json.loads(found.group(1)))


def test_the_page_shows_the_site_and_its_areas(monitoring: dict[str, Any], client: Client) -> None:
    content = page(client, monitoring["bisie"])
    assert "<h1>Bisie <span" in content and "codmine00001" in content
    for unit in ("nord", "walikale"):
        assert f'href="{reverse("monitoring:area", args=[monitoring[unit].slug])}"' in content
    assert "Tin" in content
    assert "Green" in content and "since 2021-07-01" in content
    assert "-1.01, 28.42" in content
    assert 'data-lat="-1.01"' in content and 'data-approximate=""' in content
    assert "rounded to about 11 km" not in content


def test_the_visit_history_lists_every_visit_newest_first(
    monitoring: dict[str, Any], client: Client
) -> None:
    content = page(client, monitoring["bisie"])
    dates = re.findall(r'<th scope="row">(\d{4}-\d\d-\d\d)<br>', content)
    assert dates == ["2021-07-01", "2021-06-01", "2019-03-01"]
    assert "status record" in content and "ITSCI" in content and "CEEC" in content
    assert "1200" in content and "900" in content


def test_a_visit_shows_minerals_services_and_indicators(
    monitoring: dict[str, Any], client: Client
) -> None:
    found = visit(
        monitoring["kamituga"],
        "ipis:8",
        "2022-04-01",
        women=True,
        state_services=[{"name": "SAEMAPE", "taxes": False}, {"name": "Mines", "taxes": False}],
        state_service_present=True,
        traceability=False,
    )
    VisitMineral.objects.create(
        visit=found,
        mineral=Mineral.objects.get(slug="gold"),
        name="Or",
        selling_points="Kamituga centre",
        final_destination="Bujumbura",
    )
    depth = Indicator.objects.create(name="Deepest pit", kind="number", unit="m")
    IndicatorValue.objects.create(visit=found, indicator=depth, value=35)
    content = page(client, monitoring["kamituga"])
    assert "Or → Kamituga centre → Bujumbura" in content
    assert "SAEMAPE, Mines" in content
    assert "Deepest pit: <strong>35</strong>" in content


def test_a_blank_observation_reads_as_no_data(monitoring: dict[str, Any], client: Client) -> None:
    content = page(client, monitoring["bisie"])
    assert 'class="flag flag-none">—</td>' in content  # mercury at the 2021 visit
    assert 'class="flag flag-no">no</td>' in content  # mercury in 2019


def test_the_charts_read_the_on_site_visits(monitoring: dict[str, Any], client: Client) -> None:
    content = page(client, monitoring["bisie"])
    assert 'id="workers-chart"' in content and 'id="risks-chart"' in content
    assert "chart-4.5.1.umd.min.js" in content and "monitoring/site.js" in content
    data = chart(content)
    assert [(p["date"], p["y"]) for p in data["workers"]] == [
        ("2019-03-01", 1200),
        ("2021-06-01", 900),
    ]  # the status record counted nobody
    mercury = [(r["date"], r["value"]) for r in data["risks"] if r["key"] == "mercury"]
    assert mercury == [("2019-03-01", False), ("2021-06-01", None)]
    assert 2019 < data["workers"][0]["x"] < 2019.2
    assert data["labels"]["women"] == "Women"


def test_a_site_without_visits_has_no_charts(monitoring: dict[str, Any], client: Client) -> None:
    site = Site.objects.create(
        programme=monitoring["programme"],
        pcode="empty",
        name="Empty",
        country=monitoring["programme"].country,
    )
    content = page(client, site)
    assert "No visit recorded." in content and 'id="site-chart"' not in content
    assert 'id="site-position"' not in content and "not recorded" in content


def test_an_unknown_site_is_not_found(monitoring: dict[str, Any], client: Client) -> None:
    assert client.get(reverse("monitoring:site", args=[999999])).status_code == 404


def test_the_restricted_parts_are_hidden_without_the_grant(
    monitoring: dict[str, Any], ungranted: Client
) -> None:
    content = page(ungranted, monitoring["mpama"])
    assert leaked(content) == []
    assert "Restricted" not in content
    assert reverse("monitoring:incident", args=[monitoring["incident"].pk]) not in content
    assert "-1.2, 28.8" in content and "location rounded to about 11 km" in content
    assert 'data-approximate="1"' in content
    assert "Mpama" in content and "Or → Mubi → Bukavu" in content  # the public part stays


@pytest.mark.parametrize("who", ["granted", "granted_in_person"])
def test_a_granted_user_reads_the_restricted_parts(
    monitoring: dict[str, Any], client: Client, who: str, request: Any
) -> None:
    client.force_login(request.getfixturevalue(who))
    content = page(client, monitoring["mpama"])
    for secret in ("SECRET-ACTOR", "SECRET-INFORMANT", "SECRET-NOTES", "SECRET-INCIDENT"):
        assert secret in content
    assert "SECRET-TAX-BODY" in content and "No law allows it" in content
    assert "Non-state armed group" in content and "Taxation at the entrance" in content
    assert reverse("monitoring:incident", args=[monitoring["incident"].pk]) in content
    assert "-1.234567, 28.765432" in content and 'data-approximate=""' in content
    assert "Report as an incident" not in content  # only for the programme's managers


def test_a_manager_may_report_an_observed_tax(
    monitoring: dict[str, Any], client: Client, granted: User
) -> None:
    grant = monitoring["programme"].grants.get()
    grant.level = "manager"
    grant.save()
    client.force_login(granted)
    assert "Report as an incident" in page(client, monitoring["mpama"])


def test_the_page_reads_visits_in_a_fixed_number_of_queries(
    monitoring: dict[str, Any], client: Client, granted: User, django_assert_max_num_queries: Any
) -> None:
    client.force_login(granted)
    site = monitoring["bisie"]
    page(client, site)
    gold = Mineral.objects.get(slug="gold")
    depth = Indicator.objects.create(name="Deepest pit", kind="number")
    for n in range(12):
        found = visit(site, f"extra:{n}", f"2015-01-{n + 1:02d}", armed_presence=True)
        found.armed_actors.create(name=f"Group {n}", kind="army")
        VisitMineral.objects.create(visit=found, mineral=gold, name="Or")
        IndicatorValue.objects.create(visit=found, indicator=depth, value=n)
    with django_assert_max_num_queries(25):
        content = page(client, site)
    assert "Group 11" in content
