"""Calendar API: events, and every date of the calendar (events, funding cycles, deadlines)."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from asmhub.accounts.auth import PUBLIC, SIGNED_IN
from asmhub.calendar import services
from asmhub.calendar.models import Event
from asmhub.calendar.schemas import EntryOut, EntryQuery, EventFilters, EventIn, EventOut
from asmhub.core import permissions
from asmhub.core.api_schemas import answers, contribute, filter_params
from asmhub.core.crud import get_visible
from asmhub.core.pagination import Pagination
from asmhub.directory.models import Organization
from asmhub.taxonomy.lookup import Lookup, all_found

router = Router(tags=["calendar"], auth=PUBLIC)
MAX_DAYS = 400


@router.get("/events", response=answers(list[EventOut]), summary="List events")
@paginate(Pagination)
def list_events(request: HttpRequest, filters: Query[EventFilters]) -> Any:
    selection = services.select(request.user, filter_params(filters))
    ids = [e.pk for e in selection.events]
    return (
        Event.objects.filter(pk__in=ids)
        .select_related("organizer", "parent", "contact")
        .prefetch_related("countries", "lever_issues")
        .order_by("start", "pk")
    )


@router.get("/events/{slug}", response=answers(EventOut, 404), summary="One event")
def get_event(request: HttpRequest, slug: str) -> Any:
    return get_visible(request, Event.objects.all(), slug=slug)


@router.get(
    "/entries",
    response=answers(list[EntryOut]),
    summary="Every date between two days: events, donors' funding cycles, call deadlines",
    description=(
        f"From `start` to `end`, both included; a period longer than {MAX_DAYS} days is cut "
        f"to its first {MAX_DAYS}, and an `end` before `start` gives nothing."
    ),
)
def list_entries(request: HttpRequest, query: Query[EntryQuery]) -> Any:
    end = min(query.end, query.start + dt.timedelta(days=MAX_DAYS))
    params = filter_params(EventFilters(**query.dict(exclude={"start", "end"})))
    return services.entries_for(request.user, params, query.start, end)


def _resolve(user: Any, payload: EventIn) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """Slugs to records; an organizer or parent the user may not see is unknown."""
    lookup = Lookup()
    data = payload.dict()
    start, end, all_day = services.local_span(
        data.pop("start_day"),
        data.pop("end_day"),
        data.pop("start_time"),
        data.pop("end_time"),
        data["timezone"],
    )
    data.update(start=start, end=end, all_day=all_day, is_advocacy=bool(data["advocacy_message"]))
    if all_day:
        data["timezone"] = "UTC"
    organizer = data.pop("organizer")
    data["organizer"] = None
    if organizer:
        data["organizer"] = permissions.find_visible(
            user, Organization.objects.all(), slug=organizer
        )
        if data["organizer"] is None:
            raise ValueError(f"organizer: unknown organization {organizer!r}")
    parent = data.pop("parent")
    data["parent"] = (
        permissions.find_visible(user, Event.objects.all(), slug=parent) if parent else None
    )
    if parent and data["parent"] is None:
        raise ValueError(f"parent: unknown event {parent!r}")
    relations: dict[str, list[Any]] = {}
    for key, find in (("countries", lookup.country), ("lever_issues", lookup.issue)):
        relations[key] = all_found(key, data.pop(key), find)
    return data, relations


@router.post(
    "/events",
    auth=SIGNED_IN,
    response=answers(EventOut, 400, 403),
    summary="Add an event (a draft until an editor publishes it)",
)
def create_event(request: HttpRequest, payload: EventIn) -> Any:
    return contribute(request.user, Event(), lambda: _resolve(request.user, payload))
