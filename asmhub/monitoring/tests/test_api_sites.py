"""The sites API: the list (filtered, paginated), one site with its visits, the GeoJSON."""

from __future__ import annotations

import json
from typing import Any, get_args

import pytest
from django.test import Client

from asmhub.accounts.models import ApiToken
from asmhub.monitoring.models import Site
from asmhub.monitoring.schemas import Qualification
from asmhub.monitoring.tests.conftest import leaked, text

pytestmark = pytest.mark.django_db

SITES = "/api/monitoring/sites"
GEOJSON = "/api/monitoring/sites.geojson"


def names(client: Client, query: str = "") -> list[str]:
    response = client.get(f"{SITES}?{query}")
    assert response.status_code == 200, response.content
    return [s["name"] for s in response.json()["items"]]


def test_the_list_is_paginated_by_name(monitoring: dict[str, Any], client: Client) -> None:
    data = client.get(SITES).json()
    assert data["count"] == 4
    assert [s["name"] for s in data["items"]] == ["Bisie", "Kamituga", "Mpama", "Nowhere"]
    page = client.get(f"{SITES}?limit=2&offset=1").json()
    assert page["count"] == 4 and [s["name"] for s in page["items"]] == ["Kamituga", "Mpama"]
    assert client.get(f"{SITES}?offset=9999").json() == {"items": [], "count": 4}
    bisie = data["items"][0]
    assert bisie["minerals"] == ["tin"] and bisie["qualification"] == "green"
    assert bisie["programme"] == monitoring["programme"].slug and bisie["synthetic"] is False


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("mineral=gold", ["Kamituga", "Mpama", "Nowhere"]),
        ("mineral=gold&mineral=tin", ["Bisie", "Kamituga", "Mpama", "Nowhere"]),
        ("year=2019", ["Bisie"]),
        ("year=1", ["Bisie", "Kamituga", "Mpama", "Nowhere"]),  # out of range: ignored
        ("armed_presence=yes", ["Mpama"]),
        ("mercury=no&year=2019", ["Bisie"]),
        ("children=yes", ["Mpama"]),
        ("women=no", ["Mpama"]),
        ("qualification=green&qualification=red", ["Bisie", "Mpama"]),
        ("province=-4", ["Bisie", "Kamituga", "Mpama", "Nowhere"]),
        ("province=99999999999999999999999", []),
    ],
)
def test_the_list_filters_as_the_map(
    monitoring: dict[str, Any], client: Client, query: str, expected: list[str]
) -> None:
    assert names(client, query) == expected


def test_the_list_filters_by_province(monitoring: dict[str, Any], client: Client) -> None:
    assert names(client, f"province={monitoring['sud'].pk}") == ["Kamituga", "Nowhere"]


def test_values_outside_the_schema_are_refused(monitoring: dict[str, Any], client: Client) -> None:
    assert client.get(f"{SITES}?mercury=maybe").status_code == 422
    assert client.get(f"{SITES}?qualification=purple").status_code == 422
    assert client.get(f"{SITES}?limit=0").status_code == 422


def test_the_schema_knows_every_qualification() -> None:
    assert set(get_args(Qualification)) == set(Site.Qualification.values)


def test_one_site_with_its_visits(monitoring: dict[str, Any], client: Client) -> None:
    response = client.get(f"{SITES}/{monitoring['bisie'].pk}")
    assert response.status_code == 200
    data = response.json()
    assert data["name"] == "Bisie" and data["territory"] == "Walikale"
    assert [v["date"] for v in data["visits"]] == ["2021-07-01", "2021-06-01", "2019-03-01"]
    status, latest, first = data["visits"]
    assert status["onsite"] is False and status["traceability_scheme"] == "ITSCI"
    assert latest["mercury"] is None and first["mercury"] is False
    assert first["workers"] == 1200
    assert all("restricted" not in v for v in data["visits"])


def test_an_unknown_site_is_not_found(monitoring: dict[str, Any], client: Client) -> None:
    for pk in (0, 999999, 2**63, 10**30, -1):
        response = client.get(f"{SITES}/{pk}")
        assert response.status_code == 404, pk
        assert response.json() == {"detail": "Not found"}


def test_the_restricted_part_is_absent_without_the_grant(
    monitoring: dict[str, Any], ungranted: Client
) -> None:
    response = ungranted.get(f"{SITES}/{monitoring['mpama'].pk}")
    data = response.json()
    assert all("restricted" not in v for v in data["visits"])
    assert (data["latitude"], data["longitude"], data["approximate_location"]) == (
        -1.2,
        28.8,
        True,
    )
    for address in (SITES, f"{SITES}/{monitoring['mpama'].pk}", GEOJSON):
        assert leaked(text(ungranted.get(address))) == [], address


@pytest.mark.parametrize("who", ["granted", "granted_in_person"])
def test_a_granted_user_reads_the_restricted_part(
    monitoring: dict[str, Any], client: Client, who: str, request: Any
) -> None:
    client.force_login(request.getfixturevalue(who))
    data = client.get(f"{SITES}/{monitoring['mpama'].pk}").json()
    restricted = data["visits"][0]["restricted"]
    assert restricted["informant"] == "SECRET-INFORMANT"
    assert restricted["notes"] == "SECRET-NOTES"
    assert restricted["armed_actors"] == [
        {
            "name": "SECRET-ACTOR",
            "kind": "non-state",
            "frequency": "permanent",
            "activities": ["entry-taxation"],
            "conduct": "",
        }
    ]
    assert (data["latitude"], data["longitude"]) == (-1.234567, 28.765432)
    listed = next(s for s in client.get(SITES).json()["items"] if s["name"] == "Mpama")
    assert listed["approximate_location"] is False and listed["latitude"] == -1.234567


def test_a_token_carries_the_grant(
    monitoring: dict[str, Any], client: Client, granted: Any
) -> None:
    _, token = ApiToken.issue(granted, "field laptop")
    data = client.get(
        f"{SITES}/{monitoring['mpama'].pk}", HTTP_AUTHORIZATION=f"Bearer {token}"
    ).json()
    assert data["visits"][0]["restricted"]["informant"] == "SECRET-INFORMANT"


def test_the_geojson_is_the_maps_data(monitoring: dict[str, Any], client: Client) -> None:
    response = client.get(f"{GEOJSON}?mineral=gold")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(response.content)
    assert sorted(f["properties"]["name"] for f in data["features"]) == ["Kamituga", "Mpama"]
    assert client.get(f"{GEOJSON}?mineral=gold").content == (
        client.get("/monitoring/sites.geojson?mineral=gold").content
    )


def test_the_openapi_document_describes_the_endpoints(client: Client, db: Any) -> None:
    spec = client.get("/api/openapi.json").json()
    for path in (SITES, GEOJSON, SITES + "/{id}"):
        assert "get" in spec["paths"][path], path
    geojson = spec["paths"][GEOJSON]["get"]["responses"]["200"]["content"]
    assert "application/geo+json" in geojson
    visit = spec["components"]["schemas"]["VisitOut"]
    assert "restricted" not in visit.get("required", [])
