"""Finding mine sites by name or P-code: in the site-wide search and on the map, through
``present.py``, so that a flagged site's exact position reaches only the granted."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse

from asmhub.conftest import make_org, make_user
from asmhub.core.search import search_everything
from asmhub.monitoring.models import ProgrammeGrant

pytestmark = pytest.mark.django_db

EXACT = ("1.234567", "28.765432")  # Mpama's position, flagged: restricted
SECRETS = ("SECRET-ACTOR", "SECRET-INFORMANT", "SECRET-NOTES", "SECRET-INCIDENT")


def test_a_site_is_found_by_name_or_pcode(monitoring: dict[str, Any], client: Client) -> None:
    url = reverse("monitoring:sites-find")
    by_name = client.get(url, {"q": "mpa"}).json()
    assert [s["name"] for s in by_name["sites"]] == ["Mpama"] and by_name["total"] == 1
    by_code = client.get(url, {"q": "CODMINE00001"}).json()
    assert by_code["sites"][0]["name"] == "Bisie"
    assert by_code["sites"][0]["url"] == monitoring["bisie"].get_absolute_url()
    every = client.get(url, {"q": "codmine"}).json()
    assert every["total"] == 4
    assert client.get(url, {"q": "  "}).json() == {"query": "  ", "total": 0, "sites": []}


def test_the_exact_code_comes_first(monitoring: dict[str, Any], client: Client) -> None:
    found = client.get(reverse("monitoring:sites-find"), {"q": "codmine00002"}).json()
    assert found["sites"][0]["name"] == "Kamituga"


def test_without_the_grant_a_flagged_site_is_found_at_its_rounded_position(
    monitoring: dict[str, Any], client: Client
) -> None:
    response = client.get(reverse("monitoring:sites-find"), {"q": "Mpama"})
    body = response.content.decode()
    assert not any(value in body for value in EXACT + SECRETS)
    site = response.json()["sites"][0]
    assert (site["latitude"], site["longitude"], site["approximate"]) == (-1.2, 28.8, True)
    assert "private" in response["Cache-Control"]
    page = client.get(reverse("core:search"), {"q": "Mpama"}).content.decode()
    assert "Mpama" in page and not any(value in page for value in EXACT + SECRETS)


def test_with_the_grant_the_exact_position_is_found(
    monitoring: dict[str, Any], client: Client
) -> None:
    team = make_org("Field team")
    ProgrammeGrant.objects.create(programme=monitoring["programme"], organization=team)
    client.force_login(make_user("analyst", "member", team))
    site = client.get(reverse("monitoring:sites-find"), {"q": "Mpama"}).json()["sites"][0]
    assert (site["latitude"], site["longitude"], site["approximate"]) == (
        -1.234567,
        28.765432,
        False,
    )


def test_sites_are_a_kind_of_the_site_wide_search(monitoring: dict[str, Any]) -> None:
    groups = {g.kind: g for g in search_everything(AnonymousUser(), "codmine", limit=2)}
    sites = groups["sites"]
    assert [i.title for i in sites.items] == ["Bisie", "Kamituga"] and sites.total == 4
    assert sites.more_url == f"{reverse('monitoring:map')}?site=codmine"


def test_the_map_has_a_site_search_box(monitoring: dict[str, Any], client: Client) -> None:
    page = client.get(reverse("monitoring:map"), {"site": "Bisie"}).content.decode()
    assert 'id="map-site"' in page and 'value="Bisie"' in page
    assert f'data-find="{reverse("monitoring:sites-find")}"' in page
