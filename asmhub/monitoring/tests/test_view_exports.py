"""Downloads of the sites: CSV, XLSX and GeoJSON, filtered as the map, read as allowed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from asmhub.monitoring.present import SITE_COLUMNS
from asmhub.monitoring.tests.conftest import csv_rows, leaked, text, xlsx_rows

pytestmark = pytest.mark.django_db

CSV = reverse("monitoring:sites-export", args=["csv"])
XLSX = reverse("monitoring:sites-export", args=["xlsx"])
GEOJSON = reverse("monitoring:sites-geojson")


def test_the_csv_lists_every_matching_site_with_the_public_columns(
    monitoring: dict[str, Any], client: Client
) -> None:
    response = client.get(CSV)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="asmhub-sites-')
    assert "private" in response["Cache-Control"]
    rows = csv_rows(response)
    assert list(rows[0]) == list(SITE_COLUMNS)
    assert [r["name"] for r in rows] == ["Bisie", "Kamituga", "Mpama", "Nowhere"]
    bisie = rows[0]
    assert bisie["pcode"] == "codmine00001" and bisie["minerals"] == "tin"
    assert (bisie["latitude"], bisie["longitude"]) == ("-1.01", "28.42")
    assert bisie["province"] == "Nord-Kivu" and bisie["qualification"] == "green"
    nowhere = rows[3]
    assert nowhere["latitude"] == "" and nowhere["province"] == "Sud-Kivu"


def test_the_xlsx_holds_the_same_rows(monitoring: dict[str, Any], client: Client) -> None:
    response = client.get(f"{XLSX}?mineral=gold")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = xlsx_rows(response)
    assert rows[0] == list(SITE_COLUMNS)
    assert [r[2] for r in rows[1:]] == ["Kamituga", "Mpama", "Nowhere"]
    mpama = dict(zip(SITE_COLUMNS, rows[2], strict=True))
    assert (mpama["latitude"], mpama["longitude"], mpama["approximate_location"]) == (
        -1.2,
        28.8,
        True,
    )
    assert mpama["last_visit_on"].date() == dt.date(2020, 5, 1)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("mineral=gold&mercury=yes", ["Kamituga", "Mpama", "Nowhere"]),
        ("armed_presence=no", ["Bisie", "Kamituga", "Nowhere"]),
        ("year=2019", ["Bisie"]),
        ("qualification=yellow", ["Kamituga"]),
        ("women=yes&mercury=yes", ["Kamituga"]),
        ("mineral=diamonds", []),
    ],
)
def test_the_downloads_follow_the_map_filters(
    monitoring: dict[str, Any], client: Client, query: str, expected: list[str]
) -> None:
    assert [r["name"] for r in csv_rows(client.get(f"{CSV}?{query}"))] == expected
    assert [r[2] for r in xlsx_rows(client.get(f"{XLSX}?{query}"))[1:]] == expected


def test_the_downloads_filter_by_province(monitoring: dict[str, Any], client: Client) -> None:
    rows = csv_rows(client.get(f"{CSV}?province={monitoring['sud'].pk}"))
    assert [r["name"] for r in rows] == ["Kamituga", "Nowhere"]


def test_other_formats_are_not_found(monitoring: dict[str, Any], client: Client) -> None:
    for fmt in ("pdf", "json", "CSV"):
        address = reverse("monitoring:sites-export", args=[fmt])
        assert client.get(address).status_code == 404


def test_the_geojson_download_is_an_attachment(monitoring: dict[str, Any], client: Client) -> None:
    response = client.get(f"{GEOJSON}?download=1&mineral=tin")
    assert response["Content-Type"] == "application/geo+json"
    assert response["Content-Disposition"].startswith('attachment; filename="asmhub-sites-')
    assert response["Content-Disposition"].endswith('.geojson"')
    assert [f["properties"]["name"] for f in response.json()["features"]] == ["Bisie"]


def test_no_download_holds_a_restricted_value_without_the_grant(
    monitoring: dict[str, Any], ungranted: Client
) -> None:
    for address in (CSV, XLSX, f"{GEOJSON}?download=1", f"{CSV}?armed_presence=yes"):
        response = ungranted.get(address)
        assert response.status_code == 200
        assert leaked(text(response)) == [], address
    mpama = next(r for r in csv_rows(ungranted.get(CSV)) if r["name"] == "Mpama")
    assert (mpama["latitude"], mpama["longitude"], mpama["approximate_location"]) == (
        "-1.2",
        "28.8",
        "True",
    )


@pytest.mark.parametrize("who", ["granted", "granted_in_person"])
def test_a_granted_user_downloads_the_exact_position(
    monitoring: dict[str, Any], client: Client, who: str, request: Any
) -> None:
    client.force_login(request.getfixturevalue(who))
    mpama = next(r for r in csv_rows(client.get(CSV)) if r["name"] == "Mpama")
    assert (mpama["latitude"], mpama["longitude"], mpama["approximate_location"]) == (
        "-1.234567",
        "28.765432",
        "False",
    )
    assert "1.234567" in text(client.get(XLSX))
    assert "28.765432" in text(client.get(f"{GEOJSON}?download=1"))
