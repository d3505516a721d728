"""The shared calendar: events members contribute, and the saved filters they follow.

The 2005 conference asked the secretariat to "Establish a Calendar of Events of
conference/workshop opportunities to facilitate advocacy for ASM outside the immediate
ASM sector", and its short-term campaign group proposed "a shared calendar of events that
members would contribute to in order to inform each other of targets of opportunity".
Events here are contributions, moderated like every other record. Funding cycles and
opportunity deadlines are not copied in: ``services.entries`` reads them from the funding
capability when a calendar, feed or digest is drawn.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
import zoneinfo
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from asmhub.core.models import Contribution, Slugged
from asmhub.directory.models import Organization, Person
from asmhub.funding.models import validate_rule
from asmhub.taxonomy.models import Country, LeverIssue


class Kind(models.TextChoices):
    CONFERENCE = "conference", _("Conference")
    WORKSHOP = "workshop", _("Workshop")
    WEBINAR = "webinar", _("Webinar")
    MEMBER_MEETING = "member-meeting", _("Member meeting")
    DONOR_MEETING = "donor-meeting", _("Donor meeting")
    HIGH_LEVEL = "high-level-forum", _("High-level forum")
    FUNDING_DEADLINE = "funding-deadline", _("Funding deadline")
    PLANNING = "planning-milestone", _("Planning-cycle milestone")
    FIELD_MISSION = "field-mission", _("Field mission")
    DEADLINE = "deadline", _("Other deadline (survey, consultation)")


def validate_timezone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(
            _("“%(value)s” is not a time zone name such as Africa/Kinshasa or UTC."),
            params={"value": value},
        ) from exc


def zone_of(name: str, all_day: bool = False) -> dt.tzinfo:
    """The time zone an event is shown in: its own, or UTC for all-day events (whole days)."""
    return dt.UTC if all_day else zoneinfo.ZoneInfo(name or "UTC")


def new_uid() -> str:
    return f"{uuid.uuid4()}@asmhub"


# Changes to these fields are what a subscribed calendar program must pick up: each one
# raises the event's iCalendar SEQUENCE.
SCHEDULE_FIELDS = ("title", "start", "end", "all_day", "timezone", "place", "rule", "state")


class Event(Slugged, Contribution):
    """Something that happens on a date: a meeting, a forum, a deadline, a mission.

    ``start`` and ``end`` are stored in UTC. A timed event keeps the time zone it was given
    in, so that it is shown and exported in its own local time; an all-day event runs from
    ``start`` (midnight UTC of its first day) to ``end`` (midnight after its last day),
    which is how RFC 5545 counts all-day events.
    """

    class State(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        TENTATIVE = "tentative", _("Tentative")
        CANCELLED = "cancelled", _("Cancelled")

    uid = models.CharField(
        _("iCalendar UID"),
        max_length=255,
        unique=True,
        default=new_uid,
        help_text=_("Stable across edits, so that calendar programs update, never duplicate."),
    )
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices, db_index=True)
    description = models.TextField(_("description"), blank=True)
    organizer = models.ForeignKey(
        Organization,
        verbose_name=_("organizer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organized_events",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sessions",
        help_text=_("The conference or meeting this session or deadline belongs to."),
    )
    start = models.DateTimeField(_("starts"), db_index=True)
    end = models.DateTimeField(_("ends"), db_index=True)
    all_day = models.BooleanField(_("all day"), default=False)
    month_only = models.BooleanField(
        _("only the month is known"),
        default=False,
        help_text=_("The dates are to be confirmed; the event is shown for its month."),
    )
    timezone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_timezone]
    )
    rule = models.CharField(
        _("repeats (RRULE)"),
        max_length=300,
        blank=True,
        validators=[validate_rule],
        help_text=_("RFC 5545 recurrence rule, e.g. FREQ=MONTHLY;BYDAY=1TU"),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.CONFIRMED
    )
    sequence = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    countries = models.ManyToManyField(
        Country, verbose_name=_("countries"), blank=True, related_name="events"
    )
    lever_issues = models.ManyToManyField(
        LeverIssue, verbose_name=_("lever issues"), blank=True, related_name="events"
    )
    audience = models.CharField(_("audience"), max_length=300, blank=True)
    is_advocacy = models.BooleanField(
        _("advocacy opportunity for the sector"), default=False, db_index=True
    )
    advocacy_message = models.TextField(_("the message that fits it"), blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    contact = models.ForeignKey(
        Person,
        verbose_name=_("contact person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(_("source"), max_length=400, blank=True)

    class Meta:
        ordering = ["start", "title"]
        indexes = [models.Index(fields=["status", "start", "end"], name="event_status_range")]
        verbose_name = _("event")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("calendar:event", args=[self.slug])

    def slug_text(self) -> str:
        return f"{self.title} {self.start:%Y}" if self.start else self.title

    @property
    def tzinfo(self) -> dt.tzinfo:
        return zone_of(self.timezone, self.all_day)

    @property
    def local_start(self) -> dt.datetime:
        return self.start.astimezone(self.tzinfo)

    @property
    def local_end(self) -> dt.datetime:
        return self.end.astimezone(self.tzinfo)

    @property
    def first_day(self) -> dt.date:
        return self.local_start.date()

    @property
    def last_day(self) -> dt.date:
        """The last day the event covers (an all-day end is exclusive)."""
        if self.all_day:
            return (self.end - dt.timedelta(days=1)).date()
        return self.local_end.date()

    @property
    def is_cancelled(self) -> bool:
        return self.state == self.State.CANCELLED

    def clean(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("An event cannot end before it starts.")})
        if self.all_day and self.start and self.end and self.end == self.start:
            raise ValidationError({"end": _("An all-day event lasts at least one day.")})
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("An event cannot be part of itself.")})

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk:
            before = type(self)._default_manager.filter(pk=self.pk).values(*SCHEDULE_FIELDS).first()
            if before and any(before[f] != getattr(self, f) for f in SCHEDULE_FIELDS):
                self.sequence += 1
                fields = kwargs.get("update_fields")
                if fields is not None:
                    kwargs["update_fields"] = {*fields, "sequence"}
        super().save(*args, **kwargs)


def new_token() -> str:
    return secrets.token_urlsafe(18)


class SavedFilter(models.Model):
    """A member's view of the calendar: a feed URL to subscribe to, and an optional digest."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_filters"
    )
    name = models.CharField(_("name"), max_length=120)
    params = models.JSONField(_("filter"), default=dict, blank=True)
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    weekly_digest = models.BooleanField(_("send me a weekly e-mail digest"), default=False)
    last_digest_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("saved calendar filter")

    def __str__(self) -> str:
        return self.name

    def feed_path(self) -> str:
        return reverse("calendar:saved-feed", args=[self.token])
