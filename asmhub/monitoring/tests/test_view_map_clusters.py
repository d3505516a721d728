"""The map by zoom and view: what each role gets is what the presenter gives it.

``/monitoring/sites/clusters.geojson`` groups the sites of a window's tiles into cells
of the screen. Its clusters are made from the positions ``present.geojson`` gives the
user (flagged sites rounded without the grant), so neither a cluster's centre, nor its
count, nor which cell a site falls in can tell an exact position the user may not read.
These tests rebuild every answer from ``present.geojson`` for each role and compare.
"""

from __future__ import annotations

import gzip
import math
from collections import defaultdict
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from asmhub.conftest import make_org, make_user
from asmhub.monitoring import present, snapshot
from asmhub.monitoring.access import access_for
from asmhub.monitoring.models import Site
from asmhub.monitoring.present import CELL, SINGLES_ZOOM, TILE, MapFilter
from asmhub.monitoring.tests.conftest import leaked, make_site, visit

pytestmark = pytest.mark.django_db

URL = reverse("monitoring:sites-clusters")
ROLES = ("anonymous", "outsider", "editor", "granted", "superuser")


def login(client: Client, who: str, granted: Any) -> Any:
    if who == "outsider":
        client.force_login(make_user("outsider", "member", make_org("Other")))
    elif who == "editor":
        client.force_login(make_user("editor", "editor"))
    elif who == "granted":
        client.force_login(granted)
    elif who == "superuser":
        from asmhub.accounts.models import User

        client.force_login(User.objects.create_superuser("root", "root@example.org", "x-pass-91"))
    return client


def tile_of(latitude: float, longitude: float, zoom: int) -> tuple[int, int]:
    x, y = present.mercator(*map(_array, (latitude, longitude)))
    return int(x[0] * 2**zoom), int(y[0] * 2**zoom)


def _array(value: float) -> Any:
    import numpy as np

    return np.array([value])


def expected(geojson: dict[str, Any], zoom: int, x: tuple[int, int], y: tuple[int, int]) -> Any:
    """The answer rebuilt from the presenter's features, one site at a time."""
    cells: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
    for feature in geojson["features"]:
        longitude, latitude = feature["geometry"]["coordinates"]
        mx, my = present.mercator(_array(latitude), _array(longitude))
        px, py = float(mx[0]) * 2**zoom * TILE, float(my[0]) * 2**zoom * TILE
        if not (x[0] * TILE <= px < (x[1] + 1) * TILE and y[0] * TILE <= py < (y[1] + 1) * TILE):
            continue
        cell = (
            (int(px // CELL), int(py // CELL))
            if zoom < SINGLES_ZOOM
            else (feature["properties"]["id"], 0)
        )
        cells[cell].append(feature)
    singles, clusters = [], []
    for members in cells.values():
        if len(members) == 1:
            singles.append(members[0])
        else:
            clusters.append(
                (
                    len(members),
                    sum(m["geometry"]["coordinates"][0] for m in members) / len(members),
                    sum(m["geometry"]["coordinates"][1] for m in members) / len(members),
                )
            )
    return singles, clusters


def answer(
    client: Client, zoom: int, x: tuple[int, int], y: tuple[int, int], query: str = ""
) -> Any:
    response = client.get(f"{URL}?z={zoom}&x={x[0]}-{x[1]}&y={y[0]}-{y[1]}{query}")
    assert response.status_code == 200, response.content
    return response.json()


def assert_as_presented(
    client: Client, user: Any, zoom: int, x: Any, y: Any, query: str = ""
) -> Any:
    params = {k: [v] for k, v in (p.split("=") for p in query.strip("&").split("&") if p)}
    presented = present.geojson(snapshot.current(), access_for(user), MapFilter.from_params(params))
    import json

    geo = json.loads(presented)
    got = answer(client, zoom, x, y, query)
    singles, clusters = expected(geo, zoom, x, y)
    got_singles = [f for f in got["features"] if not f["properties"].get("cluster")]
    got_clusters = [f for f in got["features"] if f["properties"].get("cluster")]
    key = lambda f: f["properties"]["id"]  # noqa: E731
    assert sorted(got_singles, key=key) == sorted(singles, key=key)
    assert len(got_clusters) == len(clusters)
    for feature in got_clusters:
        lon, lat = feature["geometry"]["coordinates"]
        assert any(
            n == feature["properties"]["count"]
            and math.isclose(lon, cx, abs_tol=1e-9)
            and math.isclose(lat, cy, abs_tol=1e-9)
            for n, cx, cy in clusters
        ), (feature, clusters)
    assert got["count"] == len(geo["features"])
    assert got["approximate"] == sum(
        1 for f in geo["features"] if f["properties"].get("approximate")
    )
    return got


@pytest.fixture
def crowd(monitoring: dict[str, Any]) -> dict[str, Any]:
    """Sites close to the flagged Mpama (-1.234567, 28.765432), some flagged too."""
    programme = monitoring["programme"]
    for n in range(12):
        site = make_site(
            programme,
            f"codmine1{n:04}",
            f"Near {n}",
            ["gold"],
            latitude=-1.2 - 0.013 * n,
            longitude=28.7 + 0.011 * n,
            qualification="yellow",
        )
        visit(site, f"crowd:{n}", "2021-01-01", armed_presence=n % 3 == 0)
    from asmhub.monitoring import writer

    writer.refresh_sites(list(Site.objects.values_list("pk", flat=True)))
    snapshot.bump()
    return monitoring


def views() -> list[tuple[int, tuple[int, int], tuple[int, int]]]:
    """Windows of 7 × 7 tiles around the crowd, from the whole world to the streets."""
    found = []
    for zoom in (0, 3, 5, 6, 8, 10, 12, 13, 14, 15, 16):
        cx, cy = tile_of(-1.25, 28.75, zoom)
        last = 2**zoom - 1
        found.append(
            (zoom, (max(0, cx - 3), min(last, cx + 3)), (max(0, cy - 3), min(last, cy + 3)))
        )
    return found


@pytest.mark.parametrize("who", ROLES)
def test_every_view_is_what_the_presenter_gives_the_role(
    crowd: dict[str, Any], granted: Any, client: Client, who: str
) -> None:
    login(client, who, granted)
    user = client.get(reverse("monitoring:map")).wsgi_request.user
    flagged = Site.objects.filter(flagged=True).count()
    assert flagged >= 4  # Mpama and the crowd's armed sites
    kinds = set()
    for zoom, x, y in views():
        got = assert_as_presented(client, user, zoom, x, y)
        kinds |= {bool(f["properties"].get("cluster")) for f in got["features"]}
        if who not in ("granted", "superuser"):
            assert leaked(str(got)) == []
    assert kinds == {True, False}  # clusters and single sites were both compared
    # a filter, as the page passes it
    assert_as_presented(client, user, 6, (30, 37), (29, 34), "&qualification=red")
    assert_as_presented(client, user, 6, (30, 37), (29, 34), "&armed_presence=yes")


def test_a_flagged_site_falls_in_its_rounded_cell_without_the_grant(
    crowd: dict[str, Any], granted: Any, client: Client
) -> None:
    """At a zoom where the exact and the rounded positions are in different tiles, the
    public finds Mpama only at the rounded one; the granted user at the exact one."""
    zoom = 13
    exact = tile_of(-1.234567, 28.765432, zoom)
    rounded = tile_of(-1.2, 28.8, zoom)
    assert exact != rounded

    def ids(got: dict[str, Any]) -> set[Any]:
        return {f["properties"].get("id") for f in got["features"]}

    mpama = crowd["mpama"].pk
    public = Client()
    assert mpama not in ids(answer(public, zoom, (exact[0],) * 2, (exact[1],) * 2))  # type: ignore[arg-type]
    assert mpama in ids(answer(public, zoom, (rounded[0],) * 2, (rounded[1],) * 2))  # type: ignore[arg-type]
    client.force_login(granted)
    assert mpama in ids(answer(client, zoom, (exact[0],) * 2, (exact[1],) * 2))  # type: ignore[arg-type]


def test_a_cluster_s_centre_is_the_mean_of_the_positions_the_role_sees(
    crowd: dict[str, Any], granted: Any, client: Client
) -> None:
    view = (4, (0, 15), (0, 15))  # the whole world at zoom 4: Mpama shares a cell
    public = answer(Client(), *view)
    client.force_login(granted)
    private = answer(client, *view)
    centres = {
        who: {
            (f["properties"]["count"], tuple(f["geometry"]["coordinates"]))
            for f in got["features"]
            if f["properties"].get("cluster")
        }
        for who, got in (("public", public), ("granted", private))
    }
    assert centres["public"] and centres["public"] != centres["granted"]  # the grant moves them


def test_the_answer_is_compressed_and_tagged_by_the_data_s_version(
    monitoring: dict[str, Any], client: Client
) -> None:
    x, y = tile_of(-1.01, 28.42, 15)  # Bisie alone
    address = f"{URL}?z=15&x={x}&y={y}"
    first = client.get(address, HTTP_ACCEPT_ENCODING="gzip")
    assert first["Content-Encoding"] == "gzip" and "private" in first["Cache-Control"]
    data = gzip.decompress(first.content)
    assert data == client.get(address).content  # the same answer, compressed
    tag = first["ETag"]
    assert (
        client.get(address, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=tag).status_code == 304
    )
    Site.objects.filter(pk=monitoring["bisie"].pk).update(name="Bisie renamed")
    snapshot.bump()
    changed = client.get(address, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=tag)
    assert changed.status_code == 200 and changed["ETag"] != tag
    assert b"Bisie renamed" in gzip.decompress(changed.content)


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("", "z:"),
        ("z=19&x=0&y=0", "z:"),
        ("z=x&x=0&y=0", "z:"),
        ("z=2&x=0-4&y=0", "x:"),
        ("z=2&x=2-1&y=0", "x:"),
        ("z=2&x=0&y=a", "y:"),
        ("z=12&x=0-100&y=0-100", "at most"),
    ],
)
def test_a_bad_view_is_refused_with_what_is_wrong(
    monitoring: dict[str, Any], client: Client, query: str, named: str
) -> None:
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 400
    assert named in response.content.decode()
