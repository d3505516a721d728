"""Monitoring pages: the map of sites, a site's page, and the sites' downloads.

What a page shows of sites and visits comes from ``present.py`` with the user's
``Access``; the restricted parts of a site page (armed actors, informants, notes,
incidents, observed taxes) are rendered only with the programme's grant.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from asmhub.core.crud import query_params
from asmhub.monitoring import present, snapshot, streams
from asmhub.monitoring.access import Access, access_for, point
from asmhub.monitoring.models import AdminUnit, ArmedActor, Indicator, Site
from asmhub.monitoring.present import MAP_FLAGS, MapFilter
from asmhub.monitoring.snapshot import Snapshot
from asmhub.monitoring.tax_models import ObservedTax
from asmhub.monitoring.templatetags.asmhub_monitoring import rounded
from asmhub.taxonomy.models import Mineral

R = TypeVar("R", bound=HttpResponseBase)
FILTER_KEYS = ("mineral", "year", "qualification", "province", "programme", *MAP_FLAGS)
NUMBERS = ("year", "from", "to", "province")
EXPORTS = ("csv", "xlsx")
HIERARCHY = ("province", "territory", "collectivite", "groupement")


def _params(request: HttpRequest) -> dict[str, list[str]]:
    """The query's map filters; numbers that are not plain ASCII digits are dropped."""
    params = query_params(request)
    for key in NUMBERS:
        if key in params:
            params[key] = [v for v in params[key] if v.isascii() and v.isdigit()]
    return params


def _query(params: dict[str, list[str]]) -> str:
    """The map filters of ``params`` as a query string, for the data and download links."""
    pairs = [(k, v) for k in FILTER_KEYS for v in params.get(k, []) if v]
    return urlencode(pairs)


def _private(response: R) -> R:
    patch_cache_control(response, private=True)  # what a user sees depends on their grants
    return response


def _years(snap: Snapshot) -> list[int]:
    dated = [s for s in snap.sites if s.dates]
    if not dated:
        return []
    first = dt.date.fromordinal(min(s.dates[0] for s in dated)).year
    last = dt.date.fromordinal(max(s.dates[-1] for s in dated)).year
    return list(range(last, first - 1, -1))


def _choices(snap: Snapshot) -> dict[str, Any]:
    """The options of the map's filter form: what the sites hold."""
    province_ids = {s.province for s in snap.sites if s.province}
    return {
        "minerals": Mineral.objects.filter(mine_sites__isnull=False).distinct(),
        "years": _years(snap),
        "provinces": AdminUnit.objects.filter(pk__in=province_ids).order_by("name"),
        "qualifications": Site.Qualification.choices,
        "flags": [
            ("armed_presence", _("Armed presence")),
            ("mercury", _("Mercury")),
            ("children", _("Children under 15")),
            ("women", _("Women")),
        ],
    }


def _map_config() -> dict[str, Any]:
    """What map.js needs to label the sites, in the page's language."""
    return {
        "minerals": {m.slug: m.tr("name") for m in Mineral.objects.all()},
        "qualifications": {k: str(v) for k, v in Site.Qualification.choices},
        "text": {
            "approximate": _("Location rounded to about 11 km"),
            "open": _("Open the site page"),
            "unqualified": _("No qualification recorded"),
            "failed": _("The sites could not be loaded."),
            "none": _("No site has this name or P-code."),
            "more": _("%(shown)s of %(total)s sites shown: add to the words."),
            "show": _("Show on the map"),
        },
    }


def map_page(request: HttpRequest) -> HttpResponse:
    params = _params(request)
    chosen = MapFilter.from_params(params)
    snap = snapshot.current()
    access = access_for(request.user)
    matching = present.matching_sites(snap, chosen)
    located = [s for s in matching if s.latitude is not None and s.longitude is not None]
    query = _query(params)
    context = {
        **_choices(snap),
        "selected": {k: params.get(k, []) for k in FILTER_KEYS},
        "filtered": bool(query),
        "query": query,
        "count": len(located),
        "unlocated": len(matching) - len(located),
        "approximate": sum(
            1 for s in located if point(access, s.programme, s.flagged, s.latitude, s.longitude)[2]
        ),
        "synthetic": bool(chosen.scope and chosen.scope.synthetic),
        "scope": chosen.scope,
        "tile_url": settings.ASMHUB_MAP_TILE_URL,
        "tile_attribution": settings.ASMHUB_MAP_TILE_ATTRIBUTION,
        "map_config": _map_config(),
        "site_query": request.GET.get("site", "")[:200],
    }
    return render(request, "monitoring/map.html", context)


def sites_geojson(request: HttpRequest) -> HttpResponse:
    """The map's data; ``?download=1`` makes it a file to save."""
    chosen = MapFilter.from_params(_params(request))
    body = present.geojson(snapshot.current(), access_for(request.user), chosen)
    response = HttpResponse(body, content_type="application/geo+json")
    if request.GET.get("download"):
        stamp = timezone.now().strftime("%Y%m%d")
        response["Content-Disposition"] = f'attachment; filename="asmhub-sites-{stamp}.geojson"'
    return _private(response)


# The map's answers by view, per process: (token, grants, filter, view, gzip) → body.
_CLUSTERS: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()
_CLUSTERS_KEPT = 512
_CLUSTERS_LOCK = threading.Lock()


def sites_clusters(request: HttpRequest) -> HttpResponse:
    """The map's sites in the tiles of one window (``?z=6&x=30-35&y=31-34`` and the
    filters): clusters by cell of the screen, or the sites themselves, as
    ``present.clusters`` lets the user see them; gzip-compressed when the browser takes
    it, and kept per data version, grants, filter and view (``ETag``)."""
    try:
        view = present.View.parse(
            request.GET.get("z", ""), request.GET.get("x", ""), request.GET.get("y", "")
        )
    except ValueError as error:
        return _private(HttpResponse(str(error), status=400, content_type="text/plain"))
    chosen = MapFilter.from_params(_params(request))
    access = access_for(request.user)
    snap = snapshot.current()
    zipped = "gzip" in request.headers.get("Accept-Encoding", "")
    key = (snap.token, access.restricted, chosen.key(), view, zipped)
    tag = '"' + hashlib.sha256(repr(key).encode()).hexdigest()[:32] + '"'
    if request.headers.get("If-None-Match") == tag:
        response = HttpResponse(status=304)
    else:
        with _CLUSTERS_LOCK:
            body = _CLUSTERS.get(key)
            if body is not None:
                _CLUSTERS.move_to_end(key)
        if body is None:
            body = present.clusters(snap, access, chosen, view).encode()
            if zipped:
                body = gzip.compress(body, compresslevel=5)
            with _CLUSTERS_LOCK:
                _CLUSTERS[key] = body
                while len(_CLUSTERS) > _CLUSTERS_KEPT:
                    _CLUSTERS.popitem(last=False)
        response = HttpResponse(body, content_type="application/geo+json")
        if zipped:
            response["Content-Encoding"] = "gzip"
    response["ETag"] = tag
    response["Vary"] = "Accept-Encoding, Cookie"
    patch_cache_control(response, no_cache=True)  # ask again, answered 304 when unchanged
    return _private(response)


FIND_LIMIT = 10


def sites_find(request: HttpRequest) -> JsonResponse:
    """The map's site search: sites by name or P-code, as ``present.find_sites`` lets the
    user read them (flagged sites' positions coarsened without the grant)."""
    text = request.GET.get("q", "")[:200]
    found, total = present.find_sites(
        snapshot.current(), access_for(request.user), text, FIND_LIMIT
    )
    response = JsonResponse({"query": text, "total": total, "sites": found})
    _private(response)
    return response


def sites_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The filtered sites as CSV or XLSX rows, with the columns the user may read,
    streamed (``streams.py``): the sites are read from the database 500 at a time."""
    if fmt not in EXPORTS:
        raise Http404
    chosen = MapFilter.from_params(_params(request))
    access = access_for(request.user)

    def rows() -> Iterator[list[Any]]:  # the sites are chosen once the header has left
        entries = present.matching_sites(snapshot.current(), chosen)
        yield from present.site_rows(present.sites_of(entries), access)

    return _private(streams.stream(present.SITE_COLUMNS, rows(), "sites", fmt))


def _risk_chart(visits: list[dict[str, Any]]) -> dict[str, Any]:
    """The charts' data: workers and the four map observations per on-site visit."""
    onsite = sorted(
        (v for v in visits if v["onsite"] and v.get("record_type", "onsite") == "onsite"),
        key=lambda v: (v["date"], v["id"]),
    )

    def when(day: dt.date) -> float:
        return round(day.year + (day.timetuple().tm_yday - 1) / 366, 4)

    risks = {
        "armed_presence": _("Armed presence"),
        "mercury": _("Mercury"),
        "children_under_15": _("Children under 15"),
        "women": _("Women"),
    }
    return {
        "workers": [
            {"x": when(v["date"]), "y": v["workers"], "date": v["date"].isoformat()}
            for v in onsite
            if v["workers"] is not None
        ],
        "risks": [
            {"x": when(v["date"]), "date": v["date"].isoformat(), "key": key, "value": v[key]}
            for v in onsite
            for key in risks
        ],
        "labels": {
            **risks,
            "workers": _("Workers"),
            "seen": _("Seen"),
            "absent": _("Not seen"),
            "unknown": _("No data"),
        },
    }


def _value(value: Any) -> str:
    """An indicator's value as the page shows it."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float):
        return rounded(value, 2 if abs(value) < 100 else 0)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "—" if value is None else str(value)


def _hierarchy(site: Site) -> list[tuple[str, AdminUnit]]:
    labels = dict(AdminUnit.Level.choices)
    units = [getattr(site, level) for level in HIERARCHY]
    return [(str(labels[unit.level]), unit) for unit in units if unit is not None]


def _restricted(site: Site, access: Access) -> dict[str, Any]:
    """The site's incidents and observed taxes, for the programme's granted users only."""
    if not access.reads_restricted(site.programme_id):
        return {"reads_restricted": False}
    taxes = (
        ObservedTax.objects.filter(Q(site=site) | Q(visit__site=site))
        .select_related("levying_body", "legal_tax", "place")
        .order_by("-date", "-pk")
    )
    return {
        "reads_restricted": True,
        "manages": access.may_manage(site.programme_id),
        "incidents": site.incidents.select_related("risk_category").order_by("-date", "-pk"),
        "taxes": taxes,
    }


def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_object_or_404(
        Site.objects.select_related("programme", "country", *HIERARCHY).prefetch_related(
            "minerals"
        ),
        pk=pk,
    )
    access = access_for(request.user)
    visits = [
        present.visit_data(v, access, site.programme_id)
        for v in site.visits.prefetch_related(
            "minerals__mineral", "armed_actors", "indicator_values__indicator"
        ).order_by("-date", "-pk")
    ]
    slugs = {slug for v in visits for slug in v["indicators"]}
    indicators = {i.slug: i.tr("name") for i in Indicator.objects.filter(slug__in=slugs)}
    for visit in visits:
        visit["indicator_list"] = [
            (indicators.get(slug, slug), _value(value))
            for slug, value in visit["indicators"].items()
        ]
    latitude, longitude, approximate = present.site_point(site, access)
    context = {
        "site": site,
        "hierarchy": _hierarchy(site),
        "visits": visits,
        "latitude": latitude,
        "longitude": longitude,
        "approximate": approximate,
        "synthetic": site.programme.is_synthetic,
        "chart": _risk_chart(visits),
        "yesno": _("yes,no,—"),
        "labels": {
            "qualification": dict(Site.Qualification.choices),
            "kind": dict(ArmedActor.Kind.choices),
            "activity": dict(ArmedActor.ACTIVITIES),
        },
        "tile_url": settings.ASMHUB_MAP_TILE_URL,
        "tile_attribution": settings.ASMHUB_MAP_TILE_ATTRIBUTION,
        **_restricted(site, access),
    }
    return _private(render(request, "monitoring/site.html", context))


def area_detail(request: HttpRequest, slug: str) -> HttpResponse:
    raise Http404


def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404
