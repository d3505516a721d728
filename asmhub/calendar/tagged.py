"""What the calendar shows on taxonomy term and organization pages: its events."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from asmhub.calendar.models import Event
from asmhub.core import permissions
from asmhub.directory.models import Organization
from asmhub.taxonomy.models import Country, LeverIssue
from asmhub.taxonomy.registry import TaggedSection, register_tagged

FIELDS: dict[type[Model], str] = {
    LeverIssue: "lever_issues",
    Country: "countries",
    Organization: "organizer",
}


def calendar_sections(user: Any, term: Model) -> list[TaggedSection]:
    field = FIELDS.get(type(term))
    if field is None:
        return []
    events = permissions.visible(user, Event.objects.filter(**{field: term})).order_by("-start")
    section = TaggedSection(_("Events"), events[:20])
    return [section] if section.count else []


def register() -> None:
    register_tagged(calendar_sections)
