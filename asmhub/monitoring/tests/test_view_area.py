"""An area's page: its breakdown, the areas within it, its sites."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_area_page_shows_the_breakdown(areas: dict[str, Any], client: Client) -> None:
    page = client.get(areas["walikale"].get_absolute_url()).content.decode()
    assert "Armed interference" in page and "Sites where seen" in page
    assert "Site w1" in page and "Site m1" not in page
    assert "Nord-Kivu" in page  # the breadcrumb


def test_the_province_lists_its_territories(areas: dict[str, Any], client: Client) -> None:
    page = client.get(areas["province"].get_absolute_url()).content.decode()
    assert "Within this area" in page and "Walikale" in page and "Masisi" in page


def test_one_area_in_the_api(areas: dict[str, Any], client: Client) -> None:
    found = client.get(f"/api/monitoring/areas/{areas['masisi'].slug}/index").json()
    assert found["visited"] == 2 and found["score"] == 0.0
    assert client.get("/api/monitoring/areas/nowhere/index").status_code == 404
    assert client.get("/monitoring/areas/nowhere/").status_code == 404
