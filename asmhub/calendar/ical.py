"""iCalendar (RFC 5545) feeds and single-event files, written with ``icalendar``.

What calendar programs need to follow a subscription correctly:

- every VEVENT keeps its UID across edits (events store theirs; funding cycles and
  deadlines derive theirs from their record), so an edit replaces, never duplicates;
- SEQUENCE and LAST-MODIFIED go up when an event's time, place, title or state changes,
  and a cancelled event stays in the feed with STATUS:CANCELLED, so subscribers drop it;
- timed events carry their own TZID with a VTIMEZONE for each zone used; all-day events
  are DATE values, with an exclusive DTEND;
- a recurring event or funding cycle is one VEVENT with its RRULE, not a list of copies.

No personal contact detail goes into a feed: the contact person is named, not reached.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils.translation import gettext
from icalendar import Calendar, Timezone, vRecur
from icalendar import Event as VEvent

from asmhub import __version__
from asmhub.calendar.models import Event, Kind
from asmhub.calendar.services import (
    CYCLE_KINDS,
    Selection,
    cycle_uid,
    opportunity_dates,
    opportunity_uid,
    review_uid,
)
from asmhub.core.services import site_url
from asmhub.funding.models import FundingCycle, Opportunity
from asmhub.lib.recurrence import next_after
from asmhub.lib.vtimezone import vtimezone_lines
from asmhub.strategy.models import Strategy

PRODID = f"-//ASM Hub//ASM Hub {__version__}//EN"
KIND_PROPERTY = "X-ASMHUB-KIND"
COUNTRIES_PROPERTY = "X-ASMHUB-COUNTRIES"
ISSUES_PROPERTY = "X-ASMHUB-ISSUES"
# A zone's VTIMEZONE covers the years of the events that use it, and this many years
# more when one of them repeats.
ZONE_YEARS_AHEAD = 20


def _description(event: Event) -> str:
    parts = [event.description]
    if event.month_only:
        parts.append("Dates to be confirmed: only the month is known.")
    if event.is_advocacy and event.advocacy_message:
        parts.append(f"Advocacy opportunity. Message: {event.advocacy_message}")
    if event.contact_id:
        parts.append(f"Contact: {event.contact}")  # the name only, never the e-mail
    if event.online_url:
        parts.append(f"Online: {event.online_url}")
    parts.append(f"Details: {site_url(event.get_absolute_url())}")
    return "\n\n".join(p for p in parts if p)


def event_component(event: Event) -> VEvent:
    component = VEvent()
    component.add("uid", event.uid)
    component.add("dtstamp", event.updated_at)
    component.add("created", event.created_at)
    component.add("last-modified", event.updated_at)
    component.add("sequence", event.sequence)
    component.add("summary", event.title)
    if event.all_day:
        component.add("dtstart", event.start.date())
        component.add("dtend", event.end.date())
    else:
        component.add("dtstart", event.local_start)
        component.add("dtend", event.local_end)
    if event.rule:
        component.add("rrule", _rule(event.rule))
    component.add(
        "status",
        {"confirmed": "CONFIRMED", "tentative": "TENTATIVE", "cancelled": "CANCELLED"}[event.state]
        if not event.month_only or event.is_cancelled
        else "TENTATIVE",
    )
    component.add("transp", "TRANSPARENT" if event.all_day else "OPAQUE")
    location = event.place or event.online_url
    if location:
        component.add("location", location)
    component.add("url", event.link or site_url(event.get_absolute_url()))
    component.add("description", _description(event))
    component.add("categories", [str(Kind(event.kind).label)])
    component.add(KIND_PROPERTY, event.kind)
    countries = ",".join(c.code for c in event.countries.all())
    if countries:
        component.add(COUNTRIES_PROPERTY, countries)
    issues = ",".join(i.slug for i in event.lever_issues.all())
    if issues:
        component.add(ISSUES_PROPERTY, issues)
    if event.organizer is not None:
        component.add(
            "organizer",
            site_url(event.organizer.get_absolute_url()),
            parameters={"CN": event.organizer.name},
        )
    return component


def _rule(rule: str) -> vRecur:
    return vRecur.from_ical(rule.strip().removeprefix("RRULE:"))


def cycle_component(cycle: FundingCycle) -> VEvent:
    donor = cycle.profile.organization
    component = VEvent()
    component.add("uid", cycle_uid(cycle))
    component.add("dtstamp", cycle.profile.updated_at)
    component.add("last-modified", cycle.profile.updated_at)
    component.add("summary", f"{donor.short_name}: {cycle.title}")
    component.add("dtstart", cycle.starts_on)
    component.add("dtend", cycle.starts_on + dt.timedelta(days=max(cycle.duration_days, 1)))
    component.add("rrule", _rule(cycle.rule))
    component.add("transp", "TRANSPARENT")
    description = [cycle.get_kind_display(), cycle.notes]
    if cycle.source:
        description.append(f"Source: {cycle.source}")
    description.append(f"Donor profile: {site_url(donor.donor_profile.get_absolute_url())}")
    component.add("description", "\n\n".join(p for p in description if p))
    kind = CYCLE_KINDS.get(FundingCycle.Kind(cycle.kind), Kind.PLANNING)
    component.add("categories", [str(Kind(kind).label)])
    component.add(KIND_PROPERTY, kind)
    component.add("url", site_url(donor.donor_profile.get_absolute_url()))
    return component


def review_component(strategy: Strategy) -> VEvent | None:
    """A strategy's review cycle as one repeating all-day event, ending with the strategy;
    None when the cycle has no date within the strategy."""
    first = next_after(strategy.review_rule, strategy.starts_on, strategy.starts_on)
    if first is None or first > strategy.ends_on:
        return None
    rule = _rule(strategy.review_rule)
    if "COUNT" not in rule and "UNTIL" not in rule:
        rule["UNTIL"] = strategy.ends_on
    url = site_url(strategy.get_absolute_url())
    component = VEvent()
    component.add("uid", review_uid(strategy))
    component.add("dtstamp", strategy.updated_at)
    component.add("last-modified", strategy.updated_at)
    component.add("summary", gettext("Strategy review: %(title)s") % {"title": strategy.title})
    component.add("dtstart", first)
    component.add("dtend", first + dt.timedelta(days=1))
    component.add("rrule", rule)
    component.add("transp", "TRANSPARENT")
    component.add("description", f"{gettext('Review cycle')}\n\n{url}")
    component.add("categories", [str(Kind.PLANNING.label)])
    component.add(KIND_PROPERTY, Kind.PLANNING.value)
    component.add("url", url)
    return component


def opportunity_components(opportunity: Opportunity) -> list[VEvent]:
    found = []
    for which, day, label in opportunity_dates(opportunity):
        component = VEvent()
        component.add("uid", opportunity_uid(opportunity, which))
        component.add("dtstamp", opportunity.updated_at)
        component.add("last-modified", opportunity.updated_at)
        component.add("summary", f"{label}: {opportunity.title}")
        component.add("dtstart", day)
        component.add("dtend", day + dt.timedelta(days=1))
        component.add("transp", "TRANSPARENT")
        component.add(
            "description",
            f"{opportunity.donor.name} · {opportunity.get_stage_display()}\n\n"
            f"{opportunity.description}\n\n{site_url(opportunity.get_absolute_url())}".strip(),
        )
        component.add("categories", [str(Kind.FUNDING_DEADLINE.label)])
        component.add(KIND_PROPERTY, Kind.FUNDING_DEADLINE.value)
        component.add("url", site_url(opportunity.get_absolute_url()))
        found.append(component)
    return found


def _calendar(name: str, components: Iterable[VEvent], timed: list[Event]) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    # How often subscribers should look again (RFC 7986, and the older Microsoft name).
    calendar.add("refresh-interval", dt.timedelta(hours=6), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT6H")
    zones = sorted({e.timezone for e in timed if e.timezone != "UTC"})
    for zone in zones:
        years = [e.start.year for e in timed if e.timezone == zone]
        last = max(years) + (ZONE_YEARS_AHEAD if any(e.rule for e in timed) else 1)
        lines = vtimezone_lines(zone, min(years) - 1, last)
        calendar.add_component(Timezone.from_ical("\r\n".join(lines)))
    for component in components:
        calendar.add_component(component)
    return calendar


def write_feed(selection: Selection, name: str) -> bytes:
    """The selection as one iCalendar stream."""
    components: list[VEvent] = [event_component(e) for e in selection.events]
    components += [cycle_component(c) for c in selection.cycles]
    for opportunity in selection.opportunities:
        components += opportunity_components(opportunity)
    components += [c for c in map(review_component, selection.reviews) if c is not None]
    timed = [e for e in selection.events if not e.all_day]
    return _calendar(name, components, timed).to_ical()


def write_event(event: Event) -> bytes:
    return _calendar(
        event.title, [event_component(event)], [] if event.all_day else [event]
    ).to_ical()


def last_changed(selection: Selection) -> dt.datetime | None:
    """When anything in the selection last changed: the feed's Last-Modified."""
    stamps = [e.updated_at for e in selection.events]
    stamps += [c.profile.updated_at for c in selection.cycles]
    stamps += [o.updated_at for o in selection.opportunities]
    stamps += [s.updated_at for s in selection.reviews]
    return max(stamps) if stamps else None
