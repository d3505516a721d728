"""The map page and the GeoJSON it reads: filters, counts, coarse positions, the CSP."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from asmhub.accounts.models import User
from asmhub.monitoring import snapshot
from asmhub.monitoring.models import Programme
from asmhub.monitoring.tests.conftest import leaked, make_site, text, visit

pytestmark = pytest.mark.django_db

MAP = reverse("monitoring:map")
GEOJSON = reverse("monitoring:sites-geojson")


def names(client: Client, query: str = "") -> list[str]:
    features = client.get(f"{GEOJSON}?{query}").json()["features"]
    return sorted(f["properties"]["name"] for f in features)


def test_the_map_page_offers_the_filters_of_the_sites_data(
    monitoring: dict[str, Any], client: Client
) -> None:
    response = client.get(MAP)
    assert response.status_code == 200
    page = text(response)
    clusters = reverse("monitoring:sites-clusters")
    assert 'id="site-map"' in page and f'data-clusters="{clusters}"' in page
    assert '<option value="gold">Gold</option>' in page  # the minerals the sites hold
    assert '<option value="tin">Tin</option>' in page
    assert 'value="diamonds"' not in page  # no site holds it
    for year in ("2021", "2020", "2019"):
        assert f'<option value="{year}">{year}</option>' in page
    assert f'<option value="{monitoring["nord"].pk}">Nord-Kivu</option>' in page
    for name in ("armed_presence", "mercury", "children", "women", "qualification"):
        assert f'name="{name}"' in page
    assert "leaflet-1.9.4.js" in page  # the server clusters: no clustering script
    assert "leaflet.markercluster-1.5.3.js" not in page
    assert "monitoring/map.js" in page


def test_the_page_counts_the_sites_shown_and_those_rounded(
    monitoring: dict[str, Any], client: Client
) -> None:
    page = text(client.get(MAP))
    assert '<strong id="site-count">3</strong>' in page  # Nowhere has no coordinates
    assert "1 more matching site has no coordinates" in page
    assert "<span data-number>1</span> with the location rounded to about 11 km" in page
    page = text(client.get(f"{MAP}?mineral=tin"))
    assert '<strong id="site-count">1</strong>' in page
    assert "no coordinates" not in page


def test_a_granted_user_sees_no_rounded_position(
    monitoring: dict[str, Any], client: Client, granted: User
) -> None:
    client.force_login(granted)
    page = text(client.get(MAP))
    assert 'id="site-approximate" hidden' in page


def test_the_filters_are_kept_in_the_data_and_download_links(
    monitoring: dict[str, Any], client: Client
) -> None:
    page = text(client.get(f"{MAP}?mineral=gold&mercury=yes&junk=1&year=2021"))
    assert 'data-query="mineral=gold&amp;year=2021&amp;mercury=yes"' in page
    assert (
        f'href="{reverse("monitoring:sites-export", args=["csv"])}?mineral=gold&amp;year=2021'
        in page
    )
    assert f'href="{GEOJSON}?download=1&amp;mineral=gold&amp;year=2021&amp;mercury=yes"' in page
    assert '<option value="gold" selected>' in page
    assert '<option value="yes" selected>seen</option>' in page
    assert 'id="map-reset">Clear the filters' in page  # not hidden


def test_synthetic_data_carry_a_banner(monitoring: dict[str, Any], client: Client) -> None:
    assert "Synthetic demo data" not in text(client.get(MAP))
    demo = Programme.objects.create(
        name="Demo", country=monitoring["programme"].country, is_synthetic=True
    )
    make_site(demo, "demo1", "Demo site", ["gold"], latitude=-2.0, longitude=28.0)
    snapshot.bump()
    # by default the synthetic programme is left out beside real data, and the page says so
    page = text(client.get(MAP))
    assert "Synthetic demo data" not in page and "left out by default (synthetic)" in page
    assert "Synthetic demo data" in text(client.get(MAP, {"programme": demo.slug}))


def test_the_tile_server_is_allowed_by_the_csp(monitoring: dict[str, Any], client: Client) -> None:
    response = client.get(MAP)
    policy = response["Content-Security-Policy"]
    img_src = next(d for d in policy.split(";") if d.strip().startswith("img-src"))
    assert "https://tile.openstreetmap.org" in img_src
    assert 'data-tiles="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in text(response)
    assert "OpenStreetMap&lt;/a&gt; contributors" in text(response)  # an attribute


def test_an_empty_tile_url_shows_the_map_without_a_base_layer(
    monitoring: dict[str, Any], client: Client, settings: Any
) -> None:
    settings.ASMHUB_MAP_TILE_URL = ""
    assert 'data-tiles=""' in text(client.get(MAP))


def test_the_tile_origin_is_read_from_the_url() -> None:
    from asmhub.settings import _tile_origin

    assert _tile_origin("https://tile.openstreetmap.org/{z}/{x}/{y}.png") == (
        "https://tile.openstreetmap.org"
    )
    assert _tile_origin("https://{s}.tiles.example.org/{z}/{x}/{y}.png") == (
        "https://*.tiles.example.org"
    )
    assert _tile_origin("/tiles/{z}/{x}/{y}.png") == ""  # served by the site: 'self'
    assert _tile_origin("") == ""


def test_the_geojson_lists_located_sites_coloured_and_linked(
    monitoring: dict[str, Any], client: Client
) -> None:
    response = client.get(GEOJSON)
    assert response["Content-Type"] == "application/geo+json"
    assert "private" in response["Cache-Control"]
    assert "Content-Disposition" not in response
    data = response.json()
    assert data["type"] == "FeatureCollection"
    bisie = next(f for f in data["features"] if f["properties"]["name"] == "Bisie")
    assert bisie["geometry"] == {"type": "Point", "coordinates": [28.42, -1.01]}
    assert bisie["properties"]["qualification"] == "green"
    assert bisie["properties"]["minerals"] == ["tin"]
    assert bisie["properties"]["url"] == monitoring["bisie"].get_absolute_url()
    assert "approximate" not in bisie["properties"]
    assert names(client) == ["Bisie", "Kamituga", "Mpama"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("mineral=gold", ["Kamituga", "Mpama"]),
        ("mineral=tin,gold", ["Bisie", "Kamituga", "Mpama"]),
        ("mineral=diamonds", []),
        ("year=2019", ["Bisie"]),
        ("year=2020", ["Mpama"]),
        ("armed_presence=yes", ["Mpama"]),
        ("armed_presence=no", ["Bisie", "Kamituga"]),
        ("mercury=yes", ["Kamituga", "Mpama"]),
        ("mercury=no", []),  # Bisie's latest visit left mercury blank: no data, not "no"
        ("mercury=no&year=2019", ["Bisie"]),
        ("children=yes", ["Mpama"]),
        ("women=yes", ["Bisie", "Kamituga"]),
        ("women=no", ["Mpama"]),
        ("qualification=green", ["Bisie"]),
        ("qualification=red&qualification=yellow", ["Kamituga", "Mpama"]),
        ("mineral=gold&women=yes", ["Kamituga"]),
        ("mercury=maybe&year=1800", ["Bisie", "Kamituga", "Mpama"]),  # ignored
        ("year=%C2%B2&province=%C2%B2", ["Bisie", "Kamituga", "Mpama"]),  # "²" is no number
    ],
)
def test_the_geojson_filters(
    monitoring: dict[str, Any], client: Client, query: str, expected: list[str]
) -> None:
    assert names(client, query) == expected


def test_the_geojson_filters_by_province(monitoring: dict[str, Any], client: Client) -> None:
    assert names(client, f"province={monitoring['sud'].pk}") == ["Kamituga"]
    assert names(client, f"province={monitoring['nord'].pk}") == ["Bisie", "Mpama"]


def test_a_flagged_site_is_rounded_for_users_without_the_grant(
    monitoring: dict[str, Any], ungranted: Client
) -> None:
    mpama = next(
        f for f in ungranted.get(GEOJSON).json()["features"] if f["properties"]["name"] == "Mpama"
    )
    assert mpama["geometry"]["coordinates"] == [28.8, -1.2]
    assert mpama["properties"]["approximate"] is True
    for address in (MAP, GEOJSON, f"{GEOJSON}?mineral=gold", f"{MAP}?armed_presence=yes"):
        assert leaked(text(ungranted.get(address))) == []


@pytest.mark.parametrize("who", ["granted", "granted_in_person"])
def test_a_granted_user_reads_the_exact_position(
    monitoring: dict[str, Any], client: Client, who: str, request: Any
) -> None:
    client.force_login(request.getfixturevalue(who))
    mpama = next(
        f for f in client.get(GEOJSON).json()["features"] if f["properties"]["name"] == "Mpama"
    )
    assert mpama["geometry"]["coordinates"] == [28.765432, -1.234567]
    assert "approximate" not in mpama["properties"]


def test_the_map_reads_new_visits(monitoring: dict[str, Any], client: Client) -> None:
    visit(monitoring["kamituga"], "ipis:9", "2022-01-10", armed_presence=True)
    assert names(client, "armed_presence=yes") == ["Kamituga", "Mpama"]
