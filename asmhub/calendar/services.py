"""What the calendar shows: events, funding cycles and deadlines, for a user and a filter.

Four sources feed one calendar. Events are stored here. Funding cycles (fiscal years,
board meetings, PRS cycles, annual calls) are the funding capability's recurrence rules,
expanded when asked for; opportunity deadlines are the opening and closing dates of its
calls; a strategy's review dates come from its review cycle, another recurrence rule.
``select`` applies a filter to all of them; ``entries`` lays them out between two
dates; ``ical.write_feed`` writes the same selection as an iCalendar feed.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext

from asmhub.calendar.models import Event, Kind, zone_of
from asmhub.core import dataversions, permissions
from asmhub.core.models import AuditEntry
from asmhub.directory.models import Organization
from asmhub.funding.models import FundingCycle, Opportunity
from asmhub.funding.services import visible_cycles
from asmhub.lib.recurrence import local_occurrences
from asmhub.strategy.models import Strategy

UTC = dt.UTC
# A donor's cycles are listed under the lever issues it weighs at least this much.
CYCLE_ISSUE_WEIGHT = 0.5
CYCLE_KINDS: dict[FundingCycle.Kind, Kind] = {
    FundingCycle.Kind.CALL_OPENS: Kind.FUNDING_DEADLINE,
    FundingCycle.Kind.CALL_CLOSES: Kind.FUNDING_DEADLINE,
    FundingCycle.Kind.FISCAL_YEAR: Kind.PLANNING,
    FundingCycle.Kind.BOARD: Kind.PLANNING,
    FundingCycle.Kind.COUNTRY_STRATEGY: Kind.PLANNING,
    FundingCycle.Kind.PRS: Kind.PLANNING,
}
FILTER_KEYS = ("kind", "country", "issue", "organizer", "advocacy", "q")


@dataclass(frozen=True)
class Filter:
    """A calendar filter, from query parameters or a saved filter: alternatives within a
    key, all keys together."""

    kinds: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    issues: tuple[str, ...] = ()
    organizers: tuple[str, ...] = ()
    advocacy: bool = False
    q: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Filter:
        def values(key: str) -> tuple[str, ...]:
            raw = params.get(key) or []
            items = [raw] if isinstance(raw, str) else list(raw)
            return tuple(sorted({str(v).strip() for v in items if str(v).strip()}))

        kinds = tuple(k for k in values("kind") if k in Kind.values)
        return cls(
            kinds=kinds,
            countries=tuple(c.upper() for c in values("country")),
            issues=values("issue"),
            organizers=values("organizer"),
            advocacy=any(v in ("1", "true", "on", "yes") for v in values("advocacy")),
            q=" ".join(values("q"))[:200],
        )

    def as_params(self) -> dict[str, list[str]]:
        """The filter as query parameters: what a saved filter stores."""
        found: dict[str, list[str]] = {
            "kind": list(self.kinds),
            "country": list(self.countries),
            "issue": list(self.issues),
            "organizer": list(self.organizers),
            "advocacy": ["1"] if self.advocacy else [],
            "q": [self.q] if self.q else [],
        }
        return {k: v for k, v in found.items() if v}

    @property
    def is_empty(self) -> bool:
        return not self.as_params()

    def wants(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds


@dataclass
class Selection:
    """The records a filter selects, before they are laid out on dates."""

    events: list[Event]
    cycles: list[FundingCycle]
    opportunities: list[Opportunity]
    reviews: list[Strategy] = field(default_factory=list)


@dataclass(frozen=True)
class Entry:
    """One occurrence on the calendar, whatever it comes from."""

    uid: str
    title: str
    kind: str
    start: dt.datetime  # aware
    end: dt.datetime  # aware; exclusive for all-day entries
    all_day: bool
    timezone: str
    url: str
    origin: str  # "event", "cycle", "opportunity" or "review"
    organizer: Organization | None = None
    event: Event | None = None
    month_only: bool = False
    cancelled: bool = False
    advocacy: bool = False
    place: str = ""
    note: str = ""
    countries: tuple[str, ...] = field(default=(), compare=False)

    @property
    def kind_label(self) -> str:
        return str(Kind(self.kind).label)

    @property
    def local_start(self) -> dt.datetime:
        return self.start.astimezone(zone_of(self.timezone, self.all_day))

    @property
    def local_end(self) -> dt.datetime:
        return self.end.astimezone(zone_of(self.timezone, self.all_day))

    @property
    def first_day(self) -> dt.date:
        return self.local_start.date()

    @property
    def last_day(self) -> dt.date:
        if self.all_day:
            return (self.end - dt.timedelta(days=1)).date()
        return max(self.local_start.date(), self.local_end.date())

    @property
    def is_multiday(self) -> bool:
        return self.last_day > self.first_day

    def covers(self, day: dt.date) -> bool:
        return self.first_day <= day <= self.last_day


def midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=UTC)


# -- selecting -------------------------------------------------------------------------


def visible_events(user: Any) -> QuerySet[Event]:
    return permissions.visible(user, Event.objects.all())


def _filtered_events(user: Any, wanted: Filter) -> QuerySet[Event]:
    events = visible_events(user)
    if wanted.kinds:
        events = events.filter(kind__in=wanted.kinds)
    if wanted.countries:
        events = events.filter(countries__code__in=wanted.countries)
    if wanted.issues:
        events = events.filter(lever_issues__slug__in=wanted.issues)
    if wanted.organizers:
        events = events.filter(organizer__slug__in=wanted.organizers)
    if wanted.advocacy:
        events = events.filter(is_advocacy=True)
    if wanted.q:
        events = events.filter(
            Q(title__icontains=wanted.q)
            | Q(description__icontains=wanted.q)
            | Q(place__icontains=wanted.q)
        )
    ids = events.values("pk")
    return (
        Event.objects.filter(pk__in=ids)
        .select_related("organizer", "parent")
        .prefetch_related("countries", "lever_issues")
    )


def events_matching(user: Any, wanted: Filter) -> QuerySet[Event]:
    """The events (not the funding dates) that ``user`` may see under ``wanted``."""
    return _filtered_events(user, wanted)


def _cycle_matches(cycle: FundingCycle, wanted: Filter) -> bool:
    profile = cycle.profile
    if not wanted.wants(CYCLE_KINDS.get(FundingCycle.Kind(cycle.kind), Kind.PLANNING)):
        return False
    if wanted.organizers and profile.organization.slug not in wanted.organizers:
        return False
    if wanted.countries:
        codes = (
            {cycle.country.code}
            if cycle.country
            else {c.code for c in profile.focus_countries.all()}
        )
        if not codes & set(wanted.countries):
            return False
    if wanted.issues:
        issues = {
            p.lever_issue.slug
            for p in profile.priorities.all()
            if p.lever_issue and p.weight >= CYCLE_ISSUE_WEIGHT
        }
        if not issues & set(wanted.issues):
            return False
    text = f"{cycle.title} {profile.organization.name}".lower()
    return not wanted.q or wanted.q.lower() in text


def _reviews(user: Any, wanted: Filter) -> list[Strategy]:
    """The strategies ``user`` may see whose review cycle the filter lets through: review
    dates are planning milestones of the network, tied to no country, issue or organizer."""
    if wanted.advocacy or not wanted.wants(Kind.PLANNING):
        return []
    if wanted.countries or wanted.issues or wanted.organizers:
        return []
    found = permissions.visible(user, Strategy.objects.all()).exclude(review_rule="")
    if wanted.q:
        found = found.filter(title__icontains=wanted.q)
    return list(found)


def _opportunities(user: Any, wanted: Filter) -> QuerySet[Opportunity]:
    found = (
        permissions.visible(user, Opportunity.objects.all())
        .exclude(stage=Opportunity.Stage.ARCHIVED)
        .filter(Q(opens_on__isnull=False) | Q(closes_on__isnull=False))
    )
    if wanted.countries:
        found = found.filter(countries__code__in=wanted.countries)
    if wanted.issues:
        found = found.filter(lever_issues__slug__in=wanted.issues)
    if wanted.organizers:
        found = found.filter(donor__slug__in=wanted.organizers)
    if wanted.q:
        found = found.filter(title__icontains=wanted.q)
    return (
        Opportunity.objects.filter(pk__in=found.values("pk"))
        .select_related("donor")
        .prefetch_related("countries")
    )


def select(user: Any, params: Mapping[str, Any] | Filter) -> Selection:
    """What ``user`` may see of the calendar under the filter ``params``."""
    wanted = params if isinstance(params, Filter) else Filter.from_params(params)
    events = list(_filtered_events(user, wanted))
    cycles: list[FundingCycle] = []
    opportunities: list[Opportunity] = []
    if not wanted.advocacy:  # funding dates are not advocacy opportunities
        if wanted.wants(Kind.FUNDING_DEADLINE) or wanted.wants(Kind.PLANNING):
            cycles = [
                c
                for c in visible_cycles(user).prefetch_related(
                    "profile__focus_countries", "profile__priorities__lever_issue"
                )
                if _cycle_matches(c, wanted)
            ]
        if wanted.wants(Kind.FUNDING_DEADLINE):
            opportunities = list(_opportunities(user, wanted))
    return Selection(events, cycles, opportunities, _reviews(user, wanted))


# -- laying out on dates ---------------------------------------------------------------


def event_occurrences(
    event: Event, start: dt.datetime, end: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The (start, end) in UTC of each occurrence of ``event`` that overlaps start..end.

    A repeating event's occurrences keep its wall-clock length in its own time zone.
    """
    if not event.rule:
        return [(event.start, event.end)] if event.start < end and event.end > start else []
    zone = event.tzinfo
    first = event.local_start.replace(tzinfo=None)
    wall = event.local_end.replace(tzinfo=None) - first
    found = local_occurrences(
        event.rule,
        first,
        (start.astimezone(zone) - wall).replace(tzinfo=None),
        end.astimezone(zone).replace(tzinfo=None),
    )
    spans = [
        (o.replace(tzinfo=zone).astimezone(UTC), (o + wall).replace(tzinfo=zone).astimezone(UTC))
        for o in found
    ]
    return [(s, e) for s, e in spans if s < end and e > start]


def _event_entries(event: Event, start: dt.datetime, end: dt.datetime) -> list[Entry]:
    place = event.place or (gettext("online") if event.online_url else "")
    countries = tuple(c.code for c in event.countries.all())
    return [
        Entry(
            uid=event.uid,
            title=event.title,
            kind=event.kind,
            start=s,
            end=e,
            all_day=event.all_day,
            timezone=event.timezone,
            url=event.get_absolute_url(),
            origin="event",
            organizer=event.organizer,
            event=event,
            month_only=event.month_only,
            cancelled=event.is_cancelled,
            advocacy=event.is_advocacy,
            place=place,
            countries=countries,
        )
        for s, e in event_occurrences(event, start, end)
    ]


def cycle_uid(cycle: FundingCycle) -> str:
    return f"funding-cycle-{cycle.pk}@asmhub"


def opportunity_uid(opportunity: Opportunity, which: str) -> str:
    return f"funding-opportunity-{opportunity.pk}-{which}@asmhub"


def _cycle_entries(cycle: FundingCycle, start: dt.date, end: dt.date) -> list[Entry]:
    donor = cycle.profile.organization
    days = max(cycle.duration_days, 1)
    first = start - dt.timedelta(days=days - 1)
    return [
        Entry(
            uid=cycle_uid(cycle),
            title=f"{donor.short_name}: {cycle.title}",
            kind=CYCLE_KINDS.get(FundingCycle.Kind(cycle.kind), Kind.PLANNING),
            start=midnight(day),
            end=midnight(day + dt.timedelta(days=days)),
            all_day=True,
            timezone="UTC",
            url=f"{reverse('funding:donor', args=[donor.slug])}#cycles",
            origin="cycle",
            organizer=donor,
            note=cycle.get_kind_display(),
        )
        for day in cycle.occurrences(first, end)
    ]


def review_uid(strategy: Strategy) -> str:
    return f"strategy-review-{strategy.pk}@asmhub"


def _review_entries(strategy: Strategy, start: dt.date, end: dt.date) -> list[Entry]:
    return [
        Entry(
            uid=review_uid(strategy),
            title=gettext("Strategy review: %(title)s") % {"title": strategy.title},
            kind=Kind.PLANNING,
            start=midnight(day),
            end=midnight(day + dt.timedelta(days=1)),
            all_day=True,
            timezone="UTC",
            url=strategy.get_absolute_url(),
            origin="review",
            note=gettext("Review cycle"),
        )
        for day in strategy.review_dates(start, end)
    ]


def opportunity_dates(opportunity: Opportunity) -> list[tuple[str, dt.date, str]]:
    """The dates a call puts on the calendar: (which, day, label) for its opening and closing."""
    found = [
        ("opens", opportunity.opens_on, gettext("Call opens")),
        ("closes", opportunity.closes_on, gettext("Call closes")),
    ]
    return [(which, day, label) for which, day, label in found if day]


def _opportunity_entries(opportunity: Opportunity, start: dt.date, end: dt.date) -> list[Entry]:
    found = []
    for which, day, label in opportunity_dates(opportunity):
        if start <= day <= end:
            found.append(
                Entry(
                    uid=opportunity_uid(opportunity, which),
                    title=f"{label}: {opportunity.title}",
                    kind=Kind.FUNDING_DEADLINE,
                    start=midnight(day),
                    end=midnight(day + dt.timedelta(days=1)),
                    all_day=True,
                    timezone="UTC",
                    url=opportunity.get_absolute_url(),
                    origin="opportunity",
                    organizer=opportunity.donor,
                    note=opportunity.get_stage_display(),
                    countries=tuple(c.code for c in opportunity.countries.all()),
                )
            )
    return found


def entries(selection: Selection, first: dt.date, last: dt.date) -> list[Entry]:
    """Every occurrence from the day ``first`` to the day ``last`` (both included), in
    order of start."""
    start, end = midnight(first), midnight(last + dt.timedelta(days=1))
    found: list[Entry] = []
    for event in selection.events:
        found.extend(_event_entries(event, start, end))
    for cycle in selection.cycles:
        found.extend(_cycle_entries(cycle, first, last))
    for opportunity in selection.opportunities:
        found.extend(_opportunity_entries(opportunity, first, last))
    for strategy in selection.reviews:
        found.extend(_review_entries(strategy, first, last))
    return sorted(found, key=lambda e: (e.start, not e.all_day, e.title))


def entries_for(user: Any, params: Mapping[str, Any], first: dt.date, last: dt.date) -> list[Entry]:
    return entries(select(user, params), first, last)


def cached_entries_for(
    user: Any, params: Mapping[str, Any], first: dt.date, last: dt.date
) -> list[Entry]:
    """``entries_for``, expanded once per change of the data (events, cycles, calls and
    reviews come from several apps) for each visitor, filter, span and language."""
    from django.utils.translation import get_language

    who = user.pk if user.is_authenticated else "anonymous"
    wanted = sorted(Filter.from_params(params).as_params().items())
    return list(
        dataversions.remember(
            "calendar-entries",
            None,
            lambda: entries_for(user, params, first, last),
            who,
            wanted,
            first,
            last,
            get_language(),
        )
    )


# -- grids -----------------------------------------------------------------------------


@dataclass
class Day:
    date: dt.date
    in_range: bool
    entries: list[Entry]
    is_today: bool = False


def days_of(
    found: Iterable[Entry], first: dt.date, last: dt.date, today: dt.date | None = None
) -> list[Day]:
    """One ``Day`` per date from ``first`` to ``last``, each with the entries covering it
    (entries known only by their month are left out: they head the month)."""
    dated = [e for e in found if not e.month_only]
    days = []
    day = first
    while day <= last:
        days.append(Day(day, True, [e for e in dated if e.covers(day)], day == today))
        day += dt.timedelta(days=1)
    return days


def month_grid_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    """The Monday before the month's first day and the Sunday after its last."""
    first = dt.date(year, month, 1)
    last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return first - dt.timedelta(days=first.weekday()), last + dt.timedelta(days=6 - last.weekday())


def month_weeks(
    found: list[Entry], year: int, month: int, today: dt.date | None = None
) -> list[list[Day]]:
    """The month as weeks from Monday to Sunday, padded with the neighbouring months' days."""
    days = days_of(found, *month_grid_bounds(year, month), today)
    for d in days:
        d.in_range = d.date.month == month
    return [days[i : i + 7] for i in range(0, len(days), 7)]


def history(obj: Any) -> QuerySet[AuditEntry]:
    return AuditEntry.for_object(obj)[:50]


def local_span(
    first: dt.date,
    last: dt.date | None,
    starts: dt.time | None,
    ends: dt.time | None,
    zone: str,
) -> tuple[dt.datetime, dt.datetime, bool]:
    """Days and wall-clock times in ``zone`` as the UTC (start, end, all day) an event
    stores; no start time means an all-day event. ValueError says what is wrong."""
    last = last or first
    if last < first:
        raise ValueError("the last day is before the first")
    if starts is None:
        return midnight(first), midnight(last + dt.timedelta(days=1)), True
    try:
        tz = zoneinfo.ZoneInfo(zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"timezone: {zone!r} is not a time zone name") from exc
    start = dt.datetime.combine(first, starts, tzinfo=tz)
    end = dt.datetime.combine(last, ends or starts, tzinfo=tz)
    if end < start:
        raise ValueError("the event ends before it starts")
    return start.astimezone(UTC), end.astimezone(UTC), False
