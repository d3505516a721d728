"""Area pages: the need index, one area's breakdown, areas of most need, the incident and
corrective-action dashboard, and an incident's page (restricted)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlencode

import h3
from django.apps import apps as django_apps
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render

from asmhub.core.crud import query_params
from asmhub.monitoring import need, services, streams
from asmhub.monitoring.access import access_for
from asmhub.monitoring.models import AdminUnit, Incident, Site

INDEX_COLUMNS = [
    "rank",
    "area",
    "parent",
    "score",
    "score_low",
    "score_high",
    "sites",
    "sites_visited",
    "coverage",
    "programmes",
    "not_measured",
]


def _context(request: HttpRequest, choice: services.Choice, **extra: Any) -> dict[str, Any]:
    defaults = need.weights()
    return {
        "choice": choice,
        "choice_query": urlencode(choice.params(), doseq=True),
        "levels": services.LEVEL_CHOICES,
        "resolutions": list(services.H3_RESOLUTIONS),
        "components": [
            (c, choice.weights.get(c.key, c.weight), defaults[c.key]) for c in need.components()
        ],
        "synthetic": bool(choice.scope and choice.scope.synthetic),
        "scope": choice.scope,
        "unmeasured": choice.unmeasured(),
        **extra,
    }


def index_page(request: HttpRequest) -> HttpResponse:
    choice = services.Choice.from_params(query_params(request))
    rows = services.index_rows(choice)
    cells = [
        {
            "cell": r.cell,
            "score": _round(r.index.score),
            "low": _round(r.index.low),
            "high": _round(r.index.high),
            "sites": r.index.visited,
            "boundary": h3.cell_to_boundary(r.cell),
        }
        for r in rows
        if r.cell and r.index.score is not None
    ]
    return render(
        request,
        "monitoring/index.html",
        _context(
            request,
            choice,
            rows=rows,
            cells_json=json.dumps(cells),
            tile_url=settings.ASMHUB_MAP_TILE_URL,
            tile_attribution=settings.ASMHUB_MAP_TILE_ATTRIBUTION,
        ),
    )


def index_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    choice = services.Choice.from_params(query_params(request))
    keys = [c.key for c in need.components()]
    columns = INDEX_COLUMNS + [f"{k}_share" for k in keys] + [f"{k}_points" for k in keys]
    programmes = ", ".join(p.slug for p in choice.scope.programmes) if choice.scope else ""
    unmeasured = ", ".join(c.key for c in choice.unmeasured())

    def rows() -> Iterator[list[Any]]:
        for position, row in enumerate(services.iter_index_rows(choice), start=1):
            area = row.index
            yield (
                [
                    position if area.score is not None else None,
                    row.name,
                    row.parent,
                    _round(area.score),
                    _round(area.low),
                    _round(area.high),
                    area.sites,
                    area.visited,
                    _round(area.coverage, 3),
                    programmes,
                    unmeasured,
                ]
                + [_round(p.share, 3) for p in area.parts]
                + [_round(p.points) for p in area.parts]
            )

    return streams.stream(columns, rows(), "need-index", fmt)


def _round(value: float | None, digits: int = 1) -> float | None:
    """Rounded half up (45.25 is 45.3), as the pages show it."""
    if value is None:
        return None
    return float(Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP))


def area_detail(request: HttpRequest, slug: str) -> HttpResponse:
    unit = get_object_or_404(AdminUnit.objects.select_related("parent", "country"), slug=slug)
    choice = services.Choice.from_params(query_params(request))
    area = services.area_index(unit, choice)
    level = need.LEVELS[unit.level - 1]
    children: list[services.AreaRow] = []
    if unit.level < len(need.LEVELS):
        child_choice = services.Choice(
            need.LEVELS[unit.level], choice.resolution, choice.period, choice.weights, choice.scope
        )
        wanted = set(unit.children.values_list("pk", flat=True))
        children = [r for r in services.index_rows(child_choice) if r.index.key in wanted]
    in_scope = Site.objects.filter(**{level: unit})
    if choice.programmes is not None:
        in_scope = in_scope.filter(programme__in=choice.programmes)
    sites = in_scope.select_related("territory").prefetch_related("minerals").order_by("name")[:200]
    ancestors: list[AdminUnit] = []
    parent = unit.parent
    while parent is not None:
        ancestors.insert(0, parent)
        parent = parent.parent
    issues = area.issues() if area else []
    return render(
        request,
        "monitoring/area.html",
        _context(
            request,
            choice,
            unit=unit,
            area=area,
            children=children,
            sites=sites,
            ancestors=ancestors,
            issues=services.LeverIssue.objects.filter(slug__in=issues),
            level_label=dict(services.LEVEL_CHOICES)[level],
        ),
    )


def most_need(request: HttpRequest) -> HttpResponse:
    choice = services.Choice.from_params(query_params(request))
    return render(
        request,
        "monitoring/most_need.html",
        _context(request, choice, areas=services.most_need(choice)),
    )


def _report_figures(access: Any) -> Any:
    """The community reports' figures for the granted roles, when that app is installed."""
    if not access.any_restricted or not django_apps.is_installed("asmhub.reports"):
        return None
    from asmhub.reports.services import figures

    return figures(access)


def dashboard(request: HttpRequest) -> HttpResponse:
    summary = services.cap_summary()
    access = access_for(request.user)
    recent = (
        services.incidents_for(access)
        .select_related("site", "risk_category")
        .order_by("-date", "-pk")[:20]
    )
    chart = {
        "years": [r["year"] for r in summary.incidents_by_year],
        "incidents": {
            state: [r[state] for r in summary.incidents_by_year]
            for state, _label in Incident.State.choices
        },
        "labels": {state: str(label) for state, label in Incident.State.choices},
    }
    return render(
        request,
        "monitoring/dashboard.html",
        {
            "summary": summary,
            "recent": recent,
            "restricted": access.any_restricted,
            "chart_json": json.dumps(chart),
            "report_figures": _report_figures(access),
        },
    )


def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = access_for(request.user)
    incident = (
        services.incidents_for(access)
        .select_related("site", "site__programme", "risk_category")
        .prefetch_related("plans__actions__owner")
        .filter(pk=pk)
        .first()
    )
    if incident is None:
        raise Http404
    return render(
        request,
        "monitoring/incident.html",
        {"incident": incident, "manages": access.may_manage(incident.site.programme_id)},
    )
