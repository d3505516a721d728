"""Schemas of the calendar API. No schema carries a person's contact detail: the contact
person is named by slug and name."""

import datetime as dt
from typing import Any

from ninja import Field, Schema

from asmhub.calendar.models import Event
from asmhub.calendar.services import Entry
from asmhub.core import permissions
from asmhub.core.api_schemas import Ref, ref


class EventFilters(Schema):
    q: str = ""
    kind: list[str] = Field(default_factory=list, description="conference, webinar, ...")
    country: list[str] = Field(default_factory=list, description="ISO 3166-1 alpha-2 codes")
    issue: list[str] = Field(default_factory=list, description="Lever issue slugs")
    organizer: list[str] = Field(default_factory=list, description="Organization slugs")
    advocacy: bool = Field(False, description="Advocacy opportunities only")


class EntryQuery(EventFilters):
    start: dt.date = Field(..., description="First day (included)")
    end: dt.date = Field(..., description="Last day (included)")


class EventOut(Schema):
    slug: str
    uid: str
    title: str
    kind: str
    state: str
    status: str
    start: dt.datetime
    end: dt.datetime = Field(..., description="Exclusive for all-day events, as in iCalendar")
    all_day: bool
    month_only: bool
    timezone: str
    rule: str
    sequence: int
    place: str
    online_url: str
    organizer: Ref | None
    parent: str | None
    countries: list[Ref]
    lever_issues: list[Ref]
    audience: str
    is_advocacy: bool
    advocacy_message: str
    link: str
    contact: Ref | None
    source: str
    url: str
    ics: str

    @staticmethod
    def resolve_organizer(obj: Event, context: Any) -> dict[str, str] | None:
        organizer = permissions.if_visible(context["request"].user, obj.organizer)
        return ref(organizer) if organizer else None

    @staticmethod
    def resolve_parent(obj: Event, context: Any) -> str | None:
        parent = permissions.if_visible(context["request"].user, obj.parent)
        return parent.slug if parent else None

    @staticmethod
    def resolve_countries(obj: Event) -> list[dict[str, str]]:
        return [ref(c, "code") for c in obj.countries.all()]

    @staticmethod
    def resolve_lever_issues(obj: Event) -> list[dict[str, str]]:
        return [ref(i) for i in obj.lever_issues.all()]

    @staticmethod
    def resolve_contact(obj: Event, context: Any) -> dict[str, str] | None:
        contact = permissions.if_visible(context["request"].user, obj.contact)
        return ref(contact) if contact else None

    @staticmethod
    def resolve_url(obj: Event) -> str:
        return obj.get_absolute_url()

    @staticmethod
    def resolve_ics(obj: Event) -> str:
        from django.urls import reverse

        return reverse("calendar:event-ics", args=[obj.slug])


class EntryOut(Schema):
    uid: str
    title: str
    kind: str
    origin: str = Field(..., description="event, cycle (a donor's funding cycle) or opportunity")
    start: dt.datetime
    end: dt.datetime
    all_day: bool
    month_only: bool
    timezone: str
    cancelled: bool
    advocacy: bool
    organizer: Ref | None
    place: str
    url: str

    @staticmethod
    def resolve_organizer(obj: Entry) -> dict[str, str] | None:
        return ref(obj.organizer) if obj.organizer else None


class EventIn(Schema):
    title: str = Field(..., min_length=3, max_length=300)
    kind: str
    description: str = ""
    start_day: dt.date
    end_day: dt.date | None = None
    start_time: dt.time | None = Field(None, description="Empty for an all-day event")
    end_time: dt.time | None = None
    timezone: str = Field("UTC", description="IANA name, e.g. Africa/Kinshasa")
    rule: str = Field("", description="RFC 5545 RRULE")
    month_only: bool = False
    state: str = "confirmed"
    organizer: str | None = Field(None, description="Organization slug")
    parent: str | None = Field(None, description="Slug of the event this belongs to")
    place: str = ""
    online_url: str = ""
    countries: list[str] = Field(default_factory=list)
    lever_issues: list[str] = Field(default_factory=list)
    audience: str = ""
    advocacy_message: str = Field("", description="Makes the event an advocacy opportunity")
    link: str = ""
    source: str = ""

    def values(self) -> dict[str, Any]:
        return self.dict()
