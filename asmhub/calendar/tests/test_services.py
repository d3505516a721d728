"""Entries of the calendar: time zones, recurrence, funding rules, filters, visibility."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from asmhub.calendar import services
from asmhub.calendar.models import Event, Kind
from asmhub.calendar.tests.conftest import KINSHASA, NEW_YORK, all_day, timed
from asmhub.conftest import make_org
from asmhub.core.models import Status
from asmhub.funding.models import DonorProfile, FundingCycle, Opportunity, Priority
from asmhub.taxonomy.models import Country, LeverIssue

pytestmark = pytest.mark.django_db
ANON = AnonymousUser()


def test_a_timed_event_is_stored_in_utc_and_shown_in_its_own_zone() -> None:
    event = timed(
        "Donor Discussion",
        dt.datetime(2005, 6, 16, 14, 45, tzinfo=NEW_YORK),
        dt.datetime(2005, 6, 16, 15, 30, tzinfo=NEW_YORK),
    )
    event.refresh_from_db()
    assert event.start == dt.datetime(2005, 6, 16, 18, 45, tzinfo=dt.UTC)  # EDT is UTC-4
    assert event.local_start.strftime("%H:%M %Z") == "14:45 EDT"
    (entry,) = services.entries_for(ANON, {}, dt.date(2005, 6, 16), dt.date(2005, 6, 16))
    assert entry.local_start.hour == 14 and entry.first_day == dt.date(2005, 6, 16)


def test_a_late_evening_event_falls_on_its_local_day() -> None:
    # 23:30 in Kinshasa (UTC+1) is 22:30 UTC the same day; 00:30 local is the day before in UTC.
    timed(
        "Night call",
        dt.datetime(2026, 3, 10, 0, 30, tzinfo=KINSHASA),
        dt.datetime(2026, 3, 10, 1, 30, tzinfo=KINSHASA),
    )
    (entry,) = services.entries_for(ANON, {}, dt.date(2026, 3, 9), dt.date(2026, 3, 10))
    assert entry.start.date() == dt.date(2026, 3, 9)
    assert entry.first_day == dt.date(2026, 3, 10)
    days = services.days_of([entry], dt.date(2026, 3, 9), dt.date(2026, 3, 10))
    assert [len(d.entries) for d in days] == [0, 1]


def test_all_day_events_cover_each_of_their_days() -> None:
    all_day("Conference", dt.date(2005, 6, 16), dt.date(2005, 6, 17))
    found = services.entries_for(ANON, {}, dt.date(2005, 6, 1), dt.date(2005, 6, 30))
    days = services.days_of(found, dt.date(2005, 6, 15), dt.date(2005, 6, 18))
    assert [len(d.entries) for d in days] == [0, 1, 1, 0]
    assert found[0].last_day == dt.date(2005, 6, 17)


def test_a_recurring_event_keeps_its_local_time_across_daylight_saving() -> None:
    timed(
        "Monthly call",
        dt.datetime(2026, 1, 6, 10, 0, tzinfo=NEW_YORK),
        dt.datetime(2026, 1, 6, 11, 0, tzinfo=NEW_YORK),
        rule="FREQ=MONTHLY;BYDAY=1TU",
    )
    found = services.entries_for(ANON, {}, dt.date(2026, 2, 1), dt.date(2026, 4, 30))
    assert [e.first_day for e in found] == [
        dt.date(2026, 2, 3),
        dt.date(2026, 3, 3),
        dt.date(2026, 4, 7),
    ]
    assert {e.local_start.hour for e in found} == {10}
    # New York moves to daylight saving on 8 March 2026: the UTC hour changes, not the local one.
    assert [e.start.hour for e in found] == [15, 15, 14]
    assert all(e.end - e.start == dt.timedelta(hours=1) for e in found)


def test_an_occurrence_that_started_before_the_window_still_shows() -> None:
    all_day("Week-long mission", dt.date(2026, 1, 5), dt.date(2026, 1, 9), rule="FREQ=MONTHLY")
    found = services.entries_for(ANON, {}, dt.date(2026, 2, 7), dt.date(2026, 2, 8))
    assert [(e.first_day, e.last_day) for e in found] == [
        (dt.date(2026, 2, 5), dt.date(2026, 2, 9))
    ]


def _donor(name: str = "Swiss Agency", status: str = Status.PUBLISHED) -> DonorProfile:
    org = make_org(name, "bilateral-donor", acronym=name[:3].upper())
    return DonorProfile.objects.create(organization=org, status=status)


def test_funding_cycles_appear_from_their_rule_and_are_not_copied() -> None:
    profile = _donor()
    cycle = FundingCycle.objects.create(
        profile=profile,
        kind=FundingCycle.Kind.CALL_CLOSES,
        title="Annual call closes",
        rule="FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=31",
        starts_on=dt.date(2024, 3, 31),
    )
    found = services.entries_for(ANON, {}, dt.date(2026, 1, 1), dt.date(2027, 12, 31))
    assert [(e.first_day, e.kind, e.origin) for e in found] == [
        (dt.date(2026, 3, 31), Kind.FUNDING_DEADLINE, "cycle"),
        (dt.date(2027, 3, 31), Kind.FUNDING_DEADLINE, "cycle"),
    ]
    assert Event.objects.count() == 0
    cycle.rule = "FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=15"
    cycle.save()
    found = services.entries_for(ANON, {}, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert [e.first_day for e in found] == [dt.date(2026, 4, 15)]


def test_a_stored_hourly_funding_cycle_gives_a_bounded_number_of_dates() -> None:
    # Inserted directly, as a row saved before such rules were refused would be.
    FundingCycle.objects.create(
        profile=_donor(),
        kind=FundingCycle.Kind.BOARD,
        title="Every hour",
        rule="FREQ=HOURLY",
        starts_on=dt.date(2026, 1, 1),
    )
    found = services.entries_for(ANON, {}, dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert len(found) == 500


def test_a_draft_donor_profile_keeps_its_cycles_off_the_public_calendar() -> None:
    profile = _donor(status=Status.DRAFT)
    FundingCycle.objects.create(
        profile=profile,
        kind=FundingCycle.Kind.BOARD,
        title="Board",
        rule="FREQ=MONTHLY",
        starts_on=dt.date(2026, 1, 1),
    )
    assert services.entries_for(ANON, {}, dt.date(2026, 1, 1), dt.date(2026, 3, 1)) == []


def test_opportunities_give_their_opening_and_closing_dates() -> None:
    profile = _donor()
    Opportunity.objects.create(
        title="Mercury-free gold",
        donor=profile.organization,
        stage=Opportunity.Stage.OPEN,
        opens_on=dt.date(2026, 10, 1),
        closes_on=dt.date(2027, 2, 28),
        status=Status.PUBLISHED,
    )
    Opportunity.objects.create(
        title="Old call",
        donor=profile.organization,
        stage=Opportunity.Stage.ARCHIVED,
        closes_on=dt.date(2026, 11, 1),
        status=Status.PUBLISHED,
    )
    found = services.entries_for(ANON, {}, dt.date(2026, 9, 1), dt.date(2027, 3, 31))
    assert [(e.title, e.first_day) for e in found] == [
        ("Call opens: Mercury-free gold", dt.date(2026, 10, 1)),
        ("Call closes: Mercury-free gold", dt.date(2027, 2, 28)),
    ]


def test_filters_combine_and_funding_follows_them() -> None:
    peru = Country.objects.get(code="PE")
    mercury = LeverIssue.objects.get(slug="mercury-chemicals")
    agc = make_org("Artisanal Gold Council", acronym="AGC")
    in_peru = all_day("Lima workshop", dt.date(2026, 5, 4), kind=Kind.WORKSHOP, organizer=agc)
    in_peru.countries.add(peru)
    in_peru.lever_issues.add(mercury)
    forum = all_day("UN session", dt.date(2026, 5, 5), kind=Kind.HIGH_LEVEL, is_advocacy=True)
    profile = _donor()
    profile.focus_countries.add(peru)
    Priority.objects.create(profile=profile, lever_issue=mercury, weight=0.9)
    FundingCycle.objects.create(
        profile=profile,
        kind=FundingCycle.Kind.FISCAL_YEAR,
        title="Fiscal year",
        rule="FREQ=YEARLY;BYMONTH=5;BYMONTHDAY=6",
        starts_on=dt.date(2020, 5, 6),
    )
    window = (dt.date(2026, 5, 1), dt.date(2026, 5, 31))

    def titles(**params: Any) -> list[str]:
        return [e.title for e in services.entries_for(ANON, params, *window)]

    assert titles() == ["Lima workshop", "UN session", "SWI: Fiscal year"]
    assert titles(country=["PE"]) == ["Lima workshop", "SWI: Fiscal year"]
    assert titles(issue=["mercury-chemicals"]) == ["Lima workshop", "SWI: Fiscal year"]
    assert titles(issue=["gender"]) == []
    assert titles(advocacy=["1"]) == [forum.title]
    assert titles(kind=["workshop", "planning-milestone"]) == ["Lima workshop", "SWI: Fiscal year"]
    assert titles(kind=["high-level-forum"], country=["PE"]) == []
    assert titles(organizer=[agc.slug]) == ["Lima workshop"]
    assert titles(q=["lima"]) == ["Lima workshop"]
    assert titles(kind=["not-a-kind"]) == titles()


def test_a_filter_round_trips_through_its_parameters() -> None:
    wanted = services.Filter.from_params(
        {"kind": ["webinar", "bogus"], "country": ["pe"], "advocacy": ["on"], "q": [" gold "]}
    )
    assert wanted.as_params() == {
        "kind": ["webinar"],
        "country": ["PE"],
        "advocacy": ["1"],
        "q": ["gold"],
    }
    assert services.Filter.from_params(wanted.as_params()) == wanted


def test_drafts_are_seen_by_their_organization_and_editors_only(
    owner: Any, outsider: Any, editor: Any
) -> None:
    all_day(
        "Draft retreat",
        dt.date(2026, 6, 1),
        status=Status.DRAFT,
        owner_organization=owner.organization,
    )
    window = (dt.date(2026, 6, 1), dt.date(2026, 6, 1))
    assert [e.title for e in services.entries_for(owner, {}, *window)] == ["Draft retreat"]
    assert [e.title for e in services.entries_for(editor, {}, *window)] == ["Draft retreat"]
    assert services.entries_for(outsider, {}, *window) == []
    assert services.entries_for(ANON, {}, *window) == []


def test_the_month_grid_runs_monday_to_sunday_with_month_only_events_apart() -> None:
    all_day("Annual conference", dt.date(2005, 9, 1), month_only=True)
    all_day("Workshop", dt.date(2005, 9, 14))
    found = services.entries_for(ANON, {}, dt.date(2005, 8, 29), dt.date(2005, 10, 2))
    weeks = services.month_weeks(found, 2005, 9)
    assert weeks[0][0].date == dt.date(2005, 8, 29) and weeks[-1][-1].date == dt.date(2005, 10, 2)
    assert all(len(w) == 7 for w in weeks)
    placed = [e.title for w in weeks for d in w for e in d.entries]
    assert placed == ["Workshop"]


def test_local_span_turns_days_and_times_into_utc() -> None:
    start, end, whole = services.local_span(
        dt.date(2020, 11, 9), None, dt.time(9, 0), dt.time(12, 30), "America/New_York"
    )
    assert (start.hour, end.hour, end.minute, whole) == (14, 17, 30, False)  # EST, UTC-5
    start, end, whole = services.local_span(dt.date(2020, 11, 9), None, None, None, "UTC")
    assert whole and end - start == dt.timedelta(days=1)
    with pytest.raises(ValueError, match="before"):
        services.local_span(dt.date(2020, 11, 9), dt.date(2020, 11, 8), None, None, "UTC")
