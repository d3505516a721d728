"""Programmes stay apart: the index, most need, the map and the exports read the
programmes asked for, and synthetic data never mix silently with real data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from asmhub.core.models import AuditEntry
from asmhub.monitoring import snapshot
from asmhub.monitoring.models import Programme, Visit
from asmhub.monitoring.observations import flags_of
from asmhub.monitoring.tests.areadata import visited_site
from asmhub.monitoring.tests.conftest import csv_rows
from asmhub.taxonomy.models import Country

pytestmark = pytest.mark.django_db


@pytest.fixture
def real(areas: dict[str, Any]) -> Programme:
    """A real programme beside the fixture's synthetic one: two Masisi sites, armed."""
    programme = Programme.objects.create(name="IPIS", country=Country.objects.get(code="CD"))
    armed = {"armed_presence": True, "armed_interference": True, "mercury": False}
    for pcode in ("r1", "r2"):
        visited_site(programme, pcode, areas["masisi"], **armed)
    quiet = visited_site(programme, "r3", areas["masisi"], armed_presence=False, mercury=True)
    known, present = flags_of({"armed_presence": True, "armed_interference": True})
    Visit.objects.create(
        site=quiet, key="early", date=dt.date(2019, 1, 1), known=known, present=present
    )
    snapshot.bump()
    return programme


def api(client: Client, **params: Any) -> dict[str, dict[str, Any]]:
    found = client.get("/api/monitoring/index", params).json()
    return {a["name"]: a for a in found}


def test_by_default_synthetic_data_stay_out_beside_real_data(
    areas: dict[str, Any], real: Programme, client: Client
) -> None:
    found = api(client)
    assert set(found) == {"Masisi"}  # Walikale holds only synthetic sites
    assert found["Masisi"]["visited"] == 3 and found["Masisi"]["programmes"] == [real.slug]
    page = client.get(reverse("monitoring:index")).content.decode()
    assert "Synthetic demo data" not in page
    assert "left out by default (synthetic)" in page and "Survey" in page


def test_the_programme_filter_scopes_every_output(
    areas: dict[str, Any], real: Programme, client: Client
) -> None:
    synthetic = areas["programme"].slug
    only = api(client, programme=synthetic)
    assert only["Masisi"]["visited"] == 2 and only["Walikale"]["visited"] == 2
    both = api(client, programme=[synthetic, real.slug])
    assert both["Masisi"]["visited"] == 5
    page = client.get(reverse("monitoring:index"), {"programme": [synthetic, real.slug]})
    text = page.content.decode()
    assert "mixes real and synthetic" in text and "Synthetic demo data" in text
    rows = csv_rows(client.get(reverse("monitoring:index-export", args=["csv"])))
    assert [r["area"] for r in rows] == ["Masisi"] and rows[0]["programmes"] == real.slug
    geojson = client.get(reverse("monitoring:sites-geojson"), {"programme": real.slug}).json()
    assert {f["properties"]["pcode"] for f in geojson["features"]} == {"r1", "r2", "r3"}
    default_map = client.get(reverse("monitoring:sites-geojson")).json()
    assert {f["properties"]["pcode"] for f in default_map["features"]} == {"r1", "r2", "r3"}


def test_an_unknown_programme_is_named(areas: dict[str, Any], client: Client) -> None:
    response = client.get("/api/monitoring/index", {"programme": "nowhere"})
    assert response.status_code == 400 and "nowhere" in response.json()["detail"]
    page = client.get(reverse("monitoring:index"), {"programme": "nowhere"}).content.decode()
    assert "No programme is called “nowhere”" in page


def test_the_page_says_which_components_the_score_could_not_use(
    areas: dict[str, Any], real: Programme, client: Client
) -> None:
    # The real programme records incidents nowhere and children never: not measured.
    page = client.get(reverse("monitoring:index")).content.decode()
    assert "so the score could not use:" in page
    unused = page.split("so the score could not use:")[1].split("</p>")[0]
    assert "Open corrective actions" in unused and "Children at work" in unused
    assert "Armed interference" not in unused and "Mercury use" not in unused
    found = api(client)["Masisi"]
    assert "open_corrective_actions" in found["not_measured"]
    assert found["score_low"] < found["score"] < found["score_high"]
    assert found["rank"] == 1


def test_create_programme_makes_one_with_an_audit_entry(db: Any, capsys: Any) -> None:
    call_command("create-programme", "Kivu 2025", "--country", "cd", "--synthetic")
    programme = Programme.objects.get(name="Kivu 2025")
    assert programme.is_synthetic and programme.country.code == "CD"
    assert AuditEntry.objects.filter(action="create", target_id=str(programme.pk)).exists()
    assert "slug kivu-2025" in capsys.readouterr().out
    with pytest.raises(CommandError, match="exists already"):
        call_command("create-programme", "kivu 2025", "--country", "CD")
    with pytest.raises(CommandError, match="--country: no country with the code 'XX'"):
        call_command("create-programme", "Other", "--country", "XX")
    assert Programme.objects.count() == 1
