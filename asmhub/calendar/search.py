"""The calendar's part of the site-wide search (``core/search.py``): events by their words."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from asmhub.calendar.models import Event
from asmhub.calendar.services import Filter, events_matching
from asmhub.core.search import SearchGroup, SearchItem, with_query


def _when(event: Event) -> str:
    return date_format(event.start.astimezone(ZoneInfo(event.timezone or "UTC")).date())


def search_everything(user: Any, text: str, limit: int) -> list[SearchGroup]:
    """The events matching ``text`` (title, description, place) that ``user`` may see,
    latest first."""
    events = events_matching(user, Filter(q=text)).order_by("-start", "pk")
    found = list(events[:limit])
    items = [
        SearchItem(
            e.title,
            e.get_absolute_url(),
            " · ".join(part for part in (_when(e), e.place) if part),
        )
        for e in found
    ]
    total = events.count() if len(found) == limit else len(found)
    more = with_query(reverse("calendar:list"), text)
    return [SearchGroup("events", _("Events"), items, total, more, order=70)]
