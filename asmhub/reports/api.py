"""Reports API: the public counts per area, and the figures for the programmes' granted roles.

No endpoint returns a report, its text or anything of its sender: reports are read on
the triage pages only.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from asmhub.accounts.auth import PUBLIC
from asmhub.core.api_schemas import answers
from asmhub.monitoring.access import access_for
from asmhub.reports import services

router = Router(tags=["reports"], auth=PUBLIC)


class AreaCountOut(Schema):
    area: str
    reports: int


class FigureOut(Schema):
    area: str
    month: str
    received: int
    verified: int
    incidents: int
    responded: int
    mean_hours: float | None


@router.get("/counts", response=answers(list[AreaCountOut]), summary="Reports per area (public)")
def counts(request: HttpRequest) -> list[dict[str, object]]:
    """Reports per area, counting only reports at least 30 days old and areas with at least 5."""
    return services.public_counts()


@router.get("/figures", response=answers(list[FigureOut], 404), summary="Report figures")
def figures(request: HttpRequest) -> list[dict[str, object]]:
    """Received, verified, turned into incidents and mean hours to a first response, per area
    and month, over the programmes whose reports the user reads (404 for everyone else)."""
    access = access_for(request.user)
    if not access.any_restricted:
        raise HttpError(404, "Not found.")
    return services.figures(access).rows
