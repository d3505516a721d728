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


def geojson(snapshot: Snapshot, access: Access, chosen: MapFilter) -> str:
    """The sites the filter keeps, as a GeoJSON FeatureCollection (text)."""
    slugs = dict(Mineral.objects.values_list("pk", "slug"))
    prefix = reverse("monitoring:site", args=[0])[:-2]
    features = []
    for site in snapshot.sites:
        if site.latitude is None or site.longitude is None or not chosen.matches(site):
            continue
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
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
                "properties": properties,
            }
        )
    return json.dumps(
        {"type": "FeatureCollection", "features": features},
        separators=(",", ":"),
        ensure_ascii=False,
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
