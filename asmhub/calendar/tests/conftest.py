"""Hand-made events small enough to reason about in each test."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from asmhub.calendar.models import Event, Kind
from asmhub.core.models import Status

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
KINSHASA = zoneinfo.ZoneInfo("Africa/Kinshasa")


def timed(
    title: str,
    start: dt.datetime,
    end: dt.datetime,
    kind: str = Kind.WORKSHOP,
    status: str = Status.PUBLISHED,
    **fields: Any,
) -> Event:
    """An event at local times: ``start`` and ``end`` carry their zone."""
    zone = getattr(start.tzinfo, "key", "UTC")
    return Event.objects.create(
        title=title,
        kind=kind,
        start=start.astimezone(dt.UTC),
        end=end.astimezone(dt.UTC),
        timezone=zone,
        status=status,
        **fields,
    )


def all_day(
    title: str,
    first: dt.date,
    last: dt.date | None = None,
    kind: str = Kind.CONFERENCE,
    status: str = Status.PUBLISHED,
    **fields: Any,
) -> Event:
    last = last or first
    return Event.objects.create(
        title=title,
        kind=kind,
        start=dt.datetime.combine(first, dt.time(), tzinfo=dt.UTC),
        end=dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC),
        all_day=True,
        status=status,
        **fields,
    )
