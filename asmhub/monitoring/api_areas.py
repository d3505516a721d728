"""Monitoring API, areas: the need index with its breakdown, areas of most need, and the
aggregates of corrective action plans. Everything here is aggregate: public."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from pydantic import create_model

from asmhub.accounts.auth import PUBLIC
from asmhub.core.api_schemas import answers
from asmhub.monitoring import need, services
from asmhub.monitoring.models import AdminUnit

router = Router(tags=["monitoring"], auth=PUBLIC)


class _Choice(Schema):
    level: str = Field(
        "territory", description="province, territory, collectivite, groupement or h3"
    )
    resolution: int = Field(5, description="H3 resolution (3 to 8), for level=h3")
    year_from: int | None = Field(None, alias="from", description="first year of visits")
    year_to: int | None = Field(None, alias="to", description="last year of visits")
    programme: list[str] | None = Field(
        None,
        description="a programme's slug, repeatable; by default every programme that is "
        "not synthetic (the synthetic ones when no other has sites)",
    )


IndexQuery: Any = create_model(  # type: ignore[call-overload]  # a weight per component
    "IndexQuery",
    __base__=_Choice,
    **{
        f"w_{c.key}": (float | None, Field(None, description=f"weight of {c.key} (0 to 10)"))
        for c in need.components()
    },
)


class NeedPartOut(Schema):
    """One component of an area's need index."""

    component: str
    label: str
    lever_issue: str
    weight: float
    known: int = Field(..., description="sites whose latest visit recorded it")
    present: int = Field(..., description="sites whose latest visit saw it")
    share: float | None
    share_low: float | None = Field(..., description="the share's 95 % interval (Wilson)")
    share_high: float | None
    points: float | None
    counted: bool = Field(..., description="recorded at enough of the area's sites to count")
    measured: bool = Field(
        ..., description="some programme of the area's sites records both of its values"
    )


class AreaOut(Schema):
    key: str
    name: str
    slug: str = Field("", description="the area page's address; empty for hexagons")
    parent: str
    rank: int | None = Field(..., description="1 for most need; none without a score")
    score: float | None = Field(..., description="none when no observation could be used")
    score_low: float | None = Field(..., description="the score's 95 % interval")
    score_high: float | None
    sites: int
    visited: int
    coverage: float
    programmes: list[str] = Field(..., description="the programmes in scope")
    not_measured: list[str] = Field(
        ..., description="components no programme in scope measures: the score cannot use them"
    )
    parts: list[NeedPartOut]


class StoryOut(Schema):
    slug: str
    title: str


class NeedDonorOut(Schema):
    """A donor whose priorities meet the area's needs."""

    organization: str
    name: str
    score: float


class NeedOut(Schema):
    area: AreaOut
    lever_issues: list[str]
    stories: list[StoryOut]
    donors: list[NeedDonorOut]


class CapOut(Schema):
    by_category: list[dict[str, Any]]
    by_province: list[dict[str, Any]]
    by_owner: list[dict[str, Any]]
    by_state: list[dict[str, Any]]
    incidents_by_year: list[dict[str, Any]]
    actions_by_year: list[dict[str, Any]]
    overdue: int


def _choice(query: Any) -> services.Choice:
    data = query.dict(by_alias=True)
    params = {
        k: [str(x) for x in v] if isinstance(v, list) else [str(v)]
        for k, v in data.items()
        if v is not None
    }
    choice = services.Choice.from_params(params)
    if choice.scope is not None and choice.scope.unknown:
        raise HttpError(
            400, f"programme: no programme {', '.join(repr(s) for s in choice.scope.unknown)}"
        )
    return choice


def _area(
    row: services.AreaRow, choice: services.Choice, rank: int | None = None
) -> dict[str, Any]:
    area = row.index
    return {
        "key": str(area.key),
        "name": row.name,
        "slug": row.slug,
        "parent": row.parent,
        "rank": rank if area.score is not None else None,
        "score": area.score,
        "score_low": area.low,
        "score_high": area.high,
        "sites": area.sites,
        "visited": area.visited,
        "coverage": area.coverage,
        "programmes": [p.slug for p in choice.scope.programmes] if choice.scope else [],
        "not_measured": [c.key for c in choice.unmeasured()],
        "parts": [
            {
                "component": p.component.key,
                "label": p.component.label,
                "lever_issue": p.component.lever_issue,
                "weight": p.weight,
                "known": p.known,
                "present": p.present,
                "share": p.share,
                "share_low": p.low,
                "share_high": p.high,
                "points": p.points,
                "counted": p.counted,
                "measured": p.measured,
            }
            for p in area.parts
        ],
    }


@router.get(
    "/index",
    response=answers(list[AreaOut], 400),
    summary="Need index of every area, ranked by the lower bound of its 95 % interval",
)
def index(request: HttpRequest, query: Query[IndexQuery]) -> Any:
    choice = _choice(query)
    return [
        _area(row, choice, rank) for rank, row in enumerate(services.index_rows(choice), start=1)
    ]


@router.get(
    "/areas/{slug}/index", response=answers(AreaOut, 400, 404), summary="Need index of one area"
)
def area(request: HttpRequest, slug: str, query: Query[IndexQuery]) -> Any:
    unit = get_object_or_404(AdminUnit.objects.select_related("parent"), slug=slug)
    choice = _choice(query)
    found = services.area_index(unit, choice)
    if found is None:
        found = need.AreaIndex(
            unit.pk, parts=[need.Part(c, choice.weights[c.key]) for c in need.components()]
        )
    parent = unit.parent.name if unit.parent else ""
    return _area(services.AreaRow(found, unit.name, unit.slug, parent), choice)


@router.get("/most-need", response=answers(list[NeedOut], 400), summary="Areas of most need")
def most_need(request: HttpRequest, query: Query[IndexQuery]) -> Any:
    choice = _choice(query)
    return [
        {
            "area": _area(item.row, choice, rank),
            "lever_issues": [i.slug for i in item.issues],
            "stories": [{"slug": s.slug, "title": s.title} for s in item.stories],
            "donors": [
                {"organization": p.organization.slug, "name": p.organization.name, "score": score}
                for p, score in item.donors
            ],
        }
        for rank, item in enumerate(services.most_need(choice), start=1)
    ]


@router.get(
    "/corrective-actions/summary",
    response=answers(CapOut),
    summary="Incidents and corrective actions in aggregate",
)
def corrective_summary(request: HttpRequest) -> Any:
    summary = services.cap_summary()
    return {
        "by_category": summary.by_category,
        "by_province": summary.by_province,
        "by_owner": summary.by_owner,
        "by_state": summary.by_state,
        "incidents_by_year": summary.incidents_by_year,
        "actions_by_year": summary.actions_by_year,
        "overdue": summary.overdue,
    }
