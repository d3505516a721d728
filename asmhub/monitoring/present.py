"""The monitoring data as users may see it: the one way out for pages, API and exports.

Everything a user reads of sites and visits passes through here, with the user's
``Access``: restricted fields (``access.py``) are added only for programmes the user
is granted, and flagged sites' coordinates are coarsened for everyone else. A test
walks every page, endpoint and export with marked restricted values and fails if one
leaves the server without the grant.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.urls import reverse

from asmhub.monitoring.access import Access, point
from asmhub.monitoring.models import Site, Visit
from asmhub.monitoring.observations import BITS
from asmhub.monitoring.scope import Scope, scope_from
from asmhub.monitoring.snapshot import SiteEntry, Snapshot
from asmhub.taxonomy.models import Mineral

# What the map filters on, read from the bits of the site's latest visit.
MAP_FLAGS = ("armed_presence", "mercury", "children", "women")


@dataclass(frozen=True)
class MapFilter:
    minerals: frozenset[int] = frozenset()
    start: dt.date | None = None
    end: dt.date | None = None
    qualification: frozenset[str] = frozenset()
    flags: tuple[tuple[str, bool], ...] = ()  # (observation, wanted)
    province: int | None = None
    scope: Scope | None = None  # the programmes read (scope.py); None: every programme

    @classmethod
    def from_params(cls, params: Mapping[str, list[str]]) -> MapFilter:
        slugs = [s for v in params.get("mineral", []) for s in v.split(",") if s]
        minerals = frozenset(Mineral.objects.filter(slug__in=slugs).values_list("pk", flat=True))
        start = end = None
        year = _year((params.get("year") or [""])[-1])
        if year:
            start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        else:
            first, last = (
                _year((params.get("from") or [""])[-1]),
                _year((params.get("to") or [""])[-1]),
            )
            start = dt.date(first, 1, 1) if first else None
            end = dt.date(last, 12, 31) if last else None
        flags = []
        for name in MAP_FLAGS:
            value = (params.get(name) or [""])[-1]
            if value in ("yes", "no"):
                flags.append((name, value == "yes"))
        qualification = frozenset(q for q in params.get("qualification", []) if q)
        province = (params.get("province") or [""])[-1]
        return cls(
            minerals=minerals,
            start=start,
            end=end,
            qualification=qualification,
            flags=tuple(flags),
            province=int(province) if province.isascii() and province.isdigit() else None,
            scope=scope_from(params),
        )

    def key(self) -> str:
        """Everything ``matches`` reads, as text: the same for the same sites."""
        return repr(
            (
                sorted(self.minerals),
                self.start,
                self.end,
                sorted(self.qualification),
                self.flags,
                self.province,
                None if self.scope is None else sorted(self.scope.ids),
            )
        )

    def matches(self, site: SiteEntry) -> bool:
        if self.scope is not None and site.programme not in self.scope.ids:
            return False
        if self.minerals and not (self.minerals & site.minerals):
            return False
        if self.qualification and site.qualification not in self.qualification:
            return False
        if self.province and site.province != self.province:
            return False
        if self.start or self.end or self.flags:
            at = site.latest(self.start, self.end)
            if at is None:
                return False
            for name, wanted in self.flags:
                bit = BITS[name]
                if not site.known[at] & bit or bool(site.present[at] & bit) != wanted:
                    return False
        return True


def _year(value: str) -> int | None:
    return int(value) if value.isascii() and value.isdigit() and 1900 < int(value) < 2200 else None


def _state(site: SiteEntry, at: int | None, name: str) -> bool | None:
    if at is None or not site.known[at] & BITS[name]:
        return None
    return bool(site.present[at] & BITS[name])


def _feature(
    site: SiteEntry,
    access: Access,
    chosen: MapFilter,
    slugs: Mapping[int, str],
    prefix: str,
) -> dict[str, Any]:
    """One site as a GeoJSON feature: its position as ``point`` lets the user see it."""
    latitude, longitude, approximate = point(
        access, site.programme, site.flagged, site.latitude, site.longitude
    )
    at = site.latest(chosen.start, chosen.end)
    properties: dict[str, Any] = {
        "id": site.pk,
        "name": site.name,
        "pcode": site.pcode,
        "qualification": site.qualification,
        "minerals": sorted(slugs[m] for m in site.minerals if m in slugs),
        "url": f"{prefix}{site.pk}/",
    }
    for name in MAP_FLAGS:
        properties[name] = _state(site, at, name)
    if approximate:
        properties["approximate"] = True
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
        "properties": properties,
    }


def _dump(found: dict[str, Any]) -> str:
    return json.dumps(found, separators=(",", ":"), ensure_ascii=False)


def geojson(snapshot: Snapshot, access: Access, chosen: MapFilter) -> str:
    """The sites the filter keeps, as a GeoJSON FeatureCollection (text)."""
    slugs = dict(Mineral.objects.values_list("pk", "slug"))
    prefix = reverse("monitoring:site", args=[0])[:-2]
    features = [
        _feature(site, access, chosen, slugs, prefix)
        for site in snapshot.sites
        if site.latitude is not None and site.longitude is not None and chosen.matches(site)
    ]
    return _dump({"type": "FeatureCollection", "features": features})


# -- the map by zoom and view: the sites grouped in cells of the screen ------------------

TILE = 256  # pixels of a web map tile
CELL = 64  # pixels of a cell: four to a tile's side, so no cell crosses a tile's edge
SINGLES_ZOOM = 15  # from this zoom on, every site is its own marker
MAX_ZOOM = 18
MAX_TILES = 400  # tiles one request may cover (a 1280×800 window needs about 24)
_PLACED_KEPT = 16  # filters × grants whose placed sites a snapshot keeps


@dataclass(frozen=True)
class Placed:
    """The sites a filter keeps that have a position, at the position the user may see
    (``point``: flagged sites rounded without the grant). The map's cells and their
    counts and centres are made from these positions only, never from the exact ones."""

    index: np.ndarray  # positions in ``snapshot.sites``
    latitude: np.ndarray
    longitude: np.ndarray
    approximate: np.ndarray
    x: np.ndarray  # web Mercator, 0 … 1 from west to east
    y: np.ndarray  # 0 … 1 from north to south


def mercator(latitude: np.ndarray, longitude: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions in web Mercator's unit square (the tiles' projection)."""
    sine = np.clip(np.sin(np.radians(latitude)), -0.9999, 0.9999)
    x = (longitude + 180.0) / 360.0
    y = 0.5 - np.log((1 + sine) / (1 - sine)) / (4 * np.pi)
    return np.clip(x, 0.0, 1.0 - 1e-12), np.clip(y, 0.0, 1.0 - 1e-12)


def placed(snapshot: Snapshot, access: Access, chosen: MapFilter) -> Placed:
    """The sites of ``chosen`` at the positions ``access`` lets the user see, kept in the
    snapshot per filter and the programmes the user reads."""
    kept = snapshot.memo.setdefault("placed", {})
    name = (chosen.key(), access.restricted)
    found = kept.get(name)
    if found is not None:
        assert isinstance(found, Placed)
        return found
    index, latitude, longitude, approximate = [], [], [], []
    for i, site in enumerate(snapshot.sites):
        if site.latitude is None or site.longitude is None or not chosen.matches(site):
            continue
        lat, lon, rounded = point(
            access, site.programme, site.flagged, site.latitude, site.longitude
        )
        index.append(i)
        latitude.append(lat)
        longitude.append(lon)
        approximate.append(rounded)
    lat_a = np.array(latitude, dtype=np.float64)
    lon_a = np.array(longitude, dtype=np.float64)
    x, y = mercator(lat_a, lon_a)
    found = Placed(
        np.array(index, dtype=np.int64), lat_a, lon_a, np.array(approximate, dtype=bool), x, y
    )
    if len(kept) >= _PLACED_KEPT:
        kept.pop(next(iter(kept)))
    kept[name] = found
    return found


@dataclass(frozen=True)
class View:
    """The tiles a map window covers at a zoom: columns ``x0``–``x1``, rows ``y0``–``y1``."""

    zoom: int
    x0: int
    x1: int
    y0: int
    y1: int

    @classmethod
    def parse(cls, zoom: str, columns: str, rows: str) -> View:
        """From ``z``, ``x`` and ``y`` as the map sends them (``x=30-35``); ValueError
        names what is wrong."""
        if not (zoom.isascii() and zoom.isdigit()) or not 0 <= int(zoom) <= MAX_ZOOM:
            raise ValueError(f"z: a zoom from 0 to {MAX_ZOOM}, not {zoom[:20]!r}")
        z = int(zoom)
        bounds = []
        for name, value in (("x", columns), ("y", rows)):
            first, _, last = value.partition("-")
            last = last or first
            if not (first.isascii() and first.isdigit() and last.isascii() and last.isdigit()):
                raise ValueError(f"{name}: a tile range like 3-5, not {value[:20]!r}")
            low, high = int(first), int(last)
            if not low <= high < 2**z:
                raise ValueError(f"{name}: tiles 0 to {2**z - 1} at zoom {z}, not {value[:20]!r}")
            bounds.append((low, high))
        (x0, x1), (y0, y1) = bounds
        if (x1 - x0 + 1) * (y1 - y0 + 1) > MAX_TILES:
            raise ValueError(f"x, y: at most {MAX_TILES} tiles at once")
        return cls(z, x0, x1, y0, y1)


def clusters(snapshot: Snapshot, access: Access, chosen: MapFilter, view: View) -> str:
    """The sites of ``chosen`` in ``view`` as GeoJSON: one feature per cell of the screen
    (``CELL`` pixels) that holds sites, a site's own feature (as ``geojson`` gives it)
    where a cell holds one site or from ``SINGLES_ZOOM`` on, else a cluster with its
    count at the mean of its sites' visible positions. ``count`` and ``approximate``
    are the sites the filter keeps in all, as on the page."""
    found = placed(snapshot, access, chosen)
    scale = float(2**view.zoom) * TILE  # pixels of the world's width at this zoom
    px, py = found.x * scale, found.y * scale
    inside = (
        (px >= view.x0 * TILE)
        & (px < (view.x1 + 1) * TILE)
        & (py >= view.y0 * TILE)
        & (py < (view.y1 + 1) * TILE)
    )
    where = np.flatnonzero(inside)
    features: list[dict[str, Any]] = []
    singles: list[int] = []
    if view.zoom >= SINGLES_ZOOM:
        singles = where.tolist()
    elif len(where):
        cells = (px[where] // CELL).astype(np.int64) << 32 | (py[where] // CELL).astype(np.int64)
        _, first, inverse, counts = np.unique(
            cells, return_index=True, return_inverse=True, return_counts=True
        )
        latitude = np.bincount(inverse, weights=found.latitude[where]) / counts
        longitude = np.bincount(inverse, weights=found.longitude[where]) / counts
        for cell in np.argsort(first, kind="stable").tolist():
            if counts[cell] == 1:
                singles.append(int(where[first[cell]]))
                continue
            features.append(
                {
                    "type": "Feature",
                    "geometry": {
                        "type": "Point",
                        "coordinates": [float(longitude[cell]), float(latitude[cell])],
                    },
                    "properties": {"cluster": True, "count": int(counts[cell])},
                }
            )
    if singles:
        slugs = dict(Mineral.objects.values_list("pk", "slug"))
        prefix = reverse("monitoring:site", args=[0])[:-2]
        sites = snapshot.sites
        features.extend(
            _feature(sites[int(found.index[i])], access, chosen, slugs, prefix)
            for i in sorted(singles)
        )
    return _dump(
        {
            "type": "FeatureCollection",
            "count": len(found.index),
            "approximate": int(found.approximate.sum()),
            "features": features,
        }
    )


def site_point(site: Site, access: Access) -> tuple[float | None, float | None, bool]:
    return point(access, site.programme_id, site.flagged, site.latitude, site.longitude)


def site_data(site: Site, access: Access) -> dict[str, Any]:
    """A site as the user may read it (API, exports)."""
    latitude, longitude, approximate = site_point(site, access)
    return {
        "id": site.pk,
        "pcode": site.pcode,
        "name": site.name,
        "programme": site.programme.slug,
        "synthetic": site.programme.is_synthetic,
        "latitude": latitude,
        "longitude": longitude,
        "approximate_location": approximate,
        "province": site.province.name if site.province else "",
        "territory": site.territory.name if site.territory else "",
        "collectivite": site.collectivite.name if site.collectivite else "",
        "groupement": site.groupement.name if site.groupement else "",
        "village": site.village,
        "minerals": [m.slug for m in site.minerals.all()],
        "working": site.working,
        "legal_status": site.legal_status,
        "qualification": site.qualification,
        "qualified_on": site.qualified_on,
        "last_visit_on": site.last_visit_on,
        "flagged": site.flagged,
    }


PUBLIC_VISIT_FIELDS = (
    "date",
    "source",
    "project",
    "onsite",
    "record_type",
    "no_visit_reason",
    "workers",
    "pits",
    "armed_presence",
    "armed_interference",
    "state_service_present",
    "traceability",
    "traceability_scheme",
    "qualification",
    "mechanisation",
    "mechanisation_level",
    "women",
    "women_work",
    "pregnant_women",
    "separate_sanitation",
    "children_under_15",
    "children_under_15_work",
    "children_15_18",
    "children_15_18_work",
    "mercury",
    "accidents",
    "accident_causes",
    "phone_coverage",
)
RESTRICTED_VISIT_FIELDS = ("informant", "notes")


def visit_data(visit: Visit, access: Access, programme_id: int) -> dict[str, Any]:
    """A visit as the user may read it; armed actors and informants only with the grant."""
    data: dict[str, Any] = {"id": visit.pk, "key": visit.key}
    data.update({name: getattr(visit, name) for name in PUBLIC_VISIT_FIELDS})
    data["state_services"] = [s.get("name", "") for s in visit.state_services]
    data["minerals"] = [
        {
            "mineral": m.mineral.slug if m.mineral else None,
            "as_recorded": m.name,
            "selling_points": m.selling_points,
            "final_destination": m.final_destination,
        }
        for m in visit.minerals.all()
    ]
    data["indicators"] = {v.indicator.slug: v.value for v in visit.indicator_values.all()}
    if access.reads_restricted(programme_id):
        data["restricted"] = {
            **{name: getattr(visit, name) for name in RESTRICTED_VISIT_FIELDS},
            "state_services_taxing": [
                s.get("name", "") for s in visit.state_services if s.get("taxes")
            ],
            "armed_actors": [
                {
                    "name": a.name,
                    "kind": a.kind,
                    "frequency": a.frequency,
                    "activities": a.activities,
                    "conduct": a.conduct,
                }
                for a in visit.armed_actors.all()
            ],
        }
    return data


SITE_COLUMNS = (
    "id",
    "pcode",
    "name",
    "latitude",
    "longitude",
    "approximate_location",
    "province",
    "territory",
    "collectivite",
    "groupement",
    "village",
    "minerals",
    "qualification",
    "last_visit_on",
    "synthetic",
)


def site_rows(sites: Iterable[Site], access: Access) -> Iterable[list[Any]]:
    """Export rows in ``SITE_COLUMNS`` order: what ``site_data`` lets the user read."""
    for site in sites:
        data = site_data(site, access)
        data["minerals"] = ", ".join(data["minerals"])
        yield [data[c] for c in SITE_COLUMNS]


def matching_sites(snapshot: Snapshot, chosen: MapFilter) -> list[SiteEntry]:
    """The sites the filter keeps, with or without coordinates, by name."""
    found = [s for s in snapshot.sites if chosen.matches(s)]
    found.sort(key=lambda s: (s.name.casefold(), s.pk))
    return found


def sites_of(entries: Sequence[SiteEntry], chunk: int = 500) -> Iterator[Site]:
    """The database sites of ``entries``, in their order, loaded as ``site_data`` reads them."""
    for start in range(0, len(entries), chunk):
        pks = [e.pk for e in entries[start : start + chunk]]
        found = (
            Site.objects.select_related(
                "programme", "province", "territory", "collectivite", "groupement"
            )
            .prefetch_related("minerals")
            .in_bulk(pks)
        )
        yield from (found[pk] for pk in pks if pk in found)


def _site_rank(site: SiteEntry, words: str) -> int | None:
    """How well ``site`` answers ``words`` (lower is better), or None: the P-code exactly,
    then a name or P-code that starts with them, then one that holds them."""
    name, pcode = site.name.casefold(), site.pcode.casefold()
    if pcode == words:
        return 0
    if name.startswith(words) or pcode.startswith(words):
        return 1
    if words in name or words in pcode:
        return 2
    return None


def find_sites(
    snapshot: Snapshot, access: Access, text: str, limit: int
) -> tuple[list[dict[str, Any]], int]:
    """The sites whose name or P-code holds ``text``, best first, as the user may read them
    (the position coarsened where ``access`` says so), and how many match in all.

    Only public fields leave: name, P-code, qualification, the site page's address and
    the position that ``point`` gives."""
    words = " ".join(text.split()).casefold()
    if not words:
        return [], 0
    ranked = []
    for site in snapshot.sites:
        rank = _site_rank(site, words)
        if rank is not None:
            ranked.append((rank, site.name.casefold(), site.pk, site))
    ranked.sort(key=lambda row: row[:3])
    prefix = reverse("monitoring:site", args=[0])[:-2]
    found = []
    for *_key, site in ranked[:limit]:
        latitude, longitude, approximate = point(
            access, site.programme, site.flagged, site.latitude, site.longitude
        )
        found.append(
            {
                "id": site.pk,
                "name": site.name,
                "pcode": site.pcode,
                "qualification": site.qualification,
                "url": f"{prefix}{site.pk}/",
                "latitude": latitude,
                "longitude": longitude,
                "approximate": approximate,
            }
        )
    return found, len(ranked)
