"""Feeds parse in two independent parsers, keep their UIDs, and carry time zones,
recurrence, updates and cancellations as calendar programs expect."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import vobject
from django.contrib.auth.models import AnonymousUser
from icalendar import Calendar

from asmhub.calendar import ical, services
from asmhub.calendar.models import Event, Kind
from asmhub.calendar.tests.conftest import NEW_YORK, all_day, timed
from asmhub.conftest import make_org, make_person
from asmhub.core.models import Status
from asmhub.directory.models import ContactDetails
from asmhub.funding.models import DonorProfile, FundingCycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def calendar_data() -> dict[str, Any]:
    contact = make_person("Margaret Lee")
    ContactDetails.objects.create(person=contact, email="mlee@example.org", phone="+1 555 0100")
    meeting = timed(
        "Member meeting",
        dt.datetime(2020, 11, 9, 9, 0, tzinfo=NEW_YORK),
        dt.datetime(2020, 11, 9, 12, 30, tzinfo=NEW_YORK),
        kind=Kind.MEMBER_MEETING,
        contact=contact,
        organizer=make_org("Public-Private Alliance", acronym="PPA"),
    )
    call = timed(
        "Monthly call",
        dt.datetime(2026, 1, 6, 10, 0, tzinfo=NEW_YORK),
        dt.datetime(2026, 1, 6, 11, 0, tzinfo=NEW_YORK),
        rule="FREQ=MONTHLY;BYDAY=1TU",
    )
    survey = all_day("Survey closes", dt.date(2020, 11, 27), kind=Kind.DEADLINE)
    all_day("A draft", dt.date(2020, 11, 28), status=Status.DRAFT)
    donor = DonorProfile.objects.create(
        organization=make_org("US Department of Labor", "bilateral-donor", acronym="DOL"),
        status=Status.PUBLISHED,
    )
    cycle = FundingCycle.objects.create(
        profile=donor,
        kind=FundingCycle.Kind.FISCAL_YEAR,
        title="US federal fiscal year starts",
        rule="FREQ=YEARLY;BYMONTH=10;BYMONTHDAY=1",
        starts_on=dt.date(2005, 10, 1),
    )
    return {"meeting": meeting, "call": call, "survey": survey, "cycle": cycle}


def _feed() -> bytes:
    return ical.write_feed(services.select(AnonymousUser(), {}), "Test feed")


def test_the_feed_parses_in_icalendar_with_every_public_event(
    calendar_data: dict[str, Any],
) -> None:
    parsed = Calendar.from_ical(_feed())
    events = {str(e["uid"]): e for e in parsed.walk("VEVENT")}
    assert set(events) == {
        calendar_data["meeting"].uid,
        calendar_data["call"].uid,
        calendar_data["survey"].uid,
        services.cycle_uid(calendar_data["cycle"]),
    }
    meeting = events[calendar_data["meeting"].uid]
    assert meeting["dtstart"].params["TZID"] == "America/New_York"
    assert meeting["dtstart"].dt == dt.datetime(2020, 11, 9, 9, 0, tzinfo=NEW_YORK)
    assert [tz["tzid"] for tz in parsed.walk("VTIMEZONE")] == ["America/New_York"]
    survey = events[calendar_data["survey"].uid]
    assert survey["dtstart"].dt == dt.date(2020, 11, 27)
    assert survey["dtend"].dt == dt.date(2020, 11, 28)  # exclusive, as RFC 5545 counts
    cycle = events[services.cycle_uid(calendar_data["cycle"])]
    assert dict(cycle["rrule"]) == {"FREQ": ["YEARLY"], "BYMONTH": [10], "BYMONTHDAY": [1]}
    assert cycle["dtstart"].dt == dt.date(2005, 10, 1)


def test_the_feed_parses_in_vobject_to_the_same_moments(calendar_data: dict[str, Any]) -> None:
    parsed = vobject.readOne(_feed().decode())
    events = {e.uid.value: e for e in parsed.vevent_list}
    meeting = events[calendar_data["meeting"].uid]
    assert meeting.dtstart.value.astimezone(dt.UTC) == dt.datetime(
        2020, 11, 9, 14, 0, tzinfo=dt.UTC
    )
    assert meeting.dtend.value.astimezone(dt.UTC) == dt.datetime(2020, 11, 9, 17, 30, tzinfo=dt.UTC)
    call = events[calendar_data["call"].uid]
    # vobject expands the rule with the VTIMEZONE of the feed: 10:00 local in March and April.
    occurrences = list(call.rruleset)[2:4]
    assert [o.astimezone(NEW_YORK).hour for o in occurrences] == [10, 10]
    assert [o.astimezone(dt.UTC).hour for o in occurrences] == [15, 14]
    cycle = events[services.cycle_uid(calendar_data["cycle"])]
    assert list(cycle.rruleset)[:2] == [dt.datetime(2005, 10, 1), dt.datetime(2006, 10, 1)]


def test_no_contact_detail_goes_into_a_feed(calendar_data: dict[str, Any]) -> None:
    body = _feed().decode()
    assert "Contact: Margaret Lee" in body.replace("\r\n ", "")
    assert "mlee@example.org" not in body and "555 0100" not in body
    assert "A draft" not in body


def test_an_edit_keeps_the_uid_and_raises_the_sequence(calendar_data: dict[str, Any]) -> None:
    meeting: Event = calendar_data["meeting"]
    before = Calendar.from_ical(ical.write_event(meeting)).walk("VEVENT")[0]
    meeting.start += dt.timedelta(hours=1)
    meeting.end += dt.timedelta(hours=1)
    meeting.save()
    meeting.description = "Agenda attached"  # not a change of schedule
    meeting.save()
    after = Calendar.from_ical(ical.write_event(meeting)).walk("VEVENT")[0]
    assert after["uid"] == before["uid"]
    assert (before["sequence"], after["sequence"]) == (0, 1)
    assert after["dtstart"].dt.hour == 10


def test_a_cancelled_event_stays_in_the_feed_as_cancelled(calendar_data: dict[str, Any]) -> None:
    meeting: Event = calendar_data["meeting"]
    meeting.state = Event.State.CANCELLED
    meeting.save()
    parsed = Calendar.from_ical(_feed())
    found = next(e for e in parsed.walk("VEVENT") if e["uid"] == meeting.uid)
    assert found["status"] == "CANCELLED" and found["sequence"] == 1


def test_a_month_only_event_is_tentative(calendar_data: dict[str, Any]) -> None:
    event = all_day("Annual conference", dt.date(2005, 9, 1), month_only=True)
    component = Calendar.from_ical(ical.write_event(event)).walk("VEVENT")[0]
    assert component["status"] == "TENTATIVE"
    assert "only the month is known" in str(component["description"])
