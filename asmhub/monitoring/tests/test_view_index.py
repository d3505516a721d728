"""The need index page, its exports, and the areas API."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from asmhub.monitoring.tests.conftest import body

pytestmark = pytest.mark.django_db


def test_the_index_ranks_territories_with_their_strongest_components(
    areas: dict[str, Any], client: Client
) -> None:
    page = client.get(reverse("monitoring:index")).content.decode()
    assert page.index("Walikale") < page.index("Masisi")
    assert "Synthetic demo data" in page
    assert "analyzed in aggregate to identify and drive investments to areas of most need" in page


def test_the_export_follows_the_chosen_weights(areas: dict[str, Any], client: Client) -> None:
    weights = {f"w_{k}": 0 for k in ("illegal_taxation", "child_labour", "no_state_service")}
    weights |= {"w_accidents": 0, "w_open_corrective_actions": 0, "w_mercury": 1}
    weights |= {"w_armed_interference": 1}
    response = client.get(reverse("monitoring:index-export", args=["csv"]), weights)
    rows = list(csv.DictReader(io.StringIO(body(response).decode("utf-8-sig"))))
    by_area = {r["area"]: r for r in rows}
    # Walikale: armed 2/2, mercury 1/2 → 100 × (1 × 1 + 1 × 0.5) / 2
    assert float(by_area["Walikale"]["score"]) == 75.0
    assert float(by_area["Masisi"]["score"]) == 0.0
    assert by_area["Walikale"]["mercury_share"] == "0.5"


def test_provinces_and_hexagons(areas: dict[str, Any], client: Client) -> None:
    provinces = client.get("/api/monitoring/index", {"level": "province"}).json()
    assert [a["name"] for a in provinces] == ["Nord-Kivu"]
    assert provinces[0]["visited"] == 4
    hexagons = client.get(reverse("monitoring:index"), {"level": "h3", "resolution": "6"})
    assert b'id="hex-data"' in hexagons.content
    cells = client.get("/api/monitoring/index", {"level": "h3", "resolution": "6"}).json()
    assert len(cells) == 1 and cells[0]["visited"] == 4 and cells[0]["slug"] == ""


def test_the_api_gives_the_breakdown_that_adds_up(areas: dict[str, Any], client: Client) -> None:
    found = client.get("/api/monitoring/index").json()
    walikale = next(a for a in found if a["name"] == "Walikale")
    assert walikale["score"] == pytest.approx(sum(p["points"] or 0 for p in walikale["parts"]))
    armed = next(p for p in walikale["parts"] if p["component"] == "armed_interference")
    assert (armed["known"], armed["present"], armed["lever_issue"]) == (2, 2, "conflict-security")


def test_a_period_without_visits_gives_no_score(areas: dict[str, Any], client: Client) -> None:
    found = client.get("/api/monitoring/index", {"from": "2022", "to": "2023"}).json()
    assert {a["score"] for a in found} == {None}
    page = client.get(reverse("monitoring:index"), {"from": "2022"}).content.decode()
    assert "no data" in page


def test_numbers_that_are_not_ascii_digits_are_ignored(
    areas: dict[str, Any], client: Client
) -> None:
    for params in ({"from": "²"}, {"to": "٣"}, {"resolution": "⁵", "level": "h3"}):
        assert client.get(reverse("monitoring:index"), params).status_code == 200
    assert (
        client.get(reverse("monitoring:sites-geojson"), {"year": "²", "province": "³"}).status_code
        == 200
    )
