"""What the calendar tells followers of (``outreach.alerts``): an event published."""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from asmhub.core.alerts import AlertSource


def event_topics(event: Any) -> list[Model]:
    found: list[Model] = [*event.lever_issues.all(), *event.countries.all()]
    if event.organizer_id:
        found.append(event.organizer)
    return found


def alert_sources() -> list[AlertSource]:
    return [AlertSource(kind="event", model="calendar.Event", topics=event_topics)]
