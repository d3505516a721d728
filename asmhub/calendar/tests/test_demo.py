"""The demo calendar: the seeds' events, and the donors' recurring cycles beside them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from icalendar import Calendar

from asmhub.calendar import ical, services
from asmhub.calendar.demo import load_demo_calendar
from asmhub.calendar.models import Event
from asmhub.directory.services import load_demo_directory
from asmhub.funding.services import load_demo_funding
from asmhub.library.services import load_demo_library

pytestmark = pytest.mark.django_db
ANON = AnonymousUser()


@pytest.fixture
def demo(db: Any) -> dict[str, int]:
    load_demo_directory()
    load_demo_library()
    load_demo_funding()
    return load_demo_calendar()


def _titles(first: dt.date, last: dt.date) -> list[str]:
    return [e.title for e in services.entries_for(ANON, {}, first, last) if e.origin == "event"]


def test_the_washington_conference_and_its_sessions(demo: dict[str, int]) -> None:
    conference = Event.objects.get(uid="mdg-asm-conference-2005@asmhub")
    assert conference.first_day == dt.date(2005, 6, 16) and conference.last_day == dt.date(
        2005, 6, 17
    )
    sessions = {s.title: s for s in conference.sessions.all()}
    assert {"Session One: Development Priorities", "Donor Discussion"} <= set(sessions)
    donor = sessions["Donor Discussion"]
    assert donor.local_start.strftime("%H:%M %Z") == "14:45 EDT"
    assert donor.organizer and donor.organizer.slug == "casm"


def test_the_2005_and_2020_seed_events_are_on_their_dates(demo: dict[str, int]) -> None:
    assert "CASM annual conference, Salvador de Bahia" in _titles(
        dt.date(2005, 9, 1), dt.date(2005, 9, 30)
    )
    assert Event.objects.get(uid="casm-annual-conference-2005@asmhub").month_only
    assert _titles(dt.date(2020, 9, 30), dt.date(2020, 9, 30)) == ["PPA member lightning talks"]
    assert _titles(dt.date(2020, 10, 6), dt.date(2020, 10, 6)) == ["PPA member lightning talks"]
    assert _titles(dt.date(2020, 11, 9), dt.date(2020, 11, 9)) == [
        "2020 PPA Member Meeting (ninth member meeting)"
    ]
    assert _titles(dt.date(2020, 11, 27), dt.date(2020, 11, 27)) == [
        "PPA member survey closes: 2021 work planning"
    ]


def test_donor_cycles_recur_beside_the_events(demo: dict[str, int]) -> None:
    found = services.entries_for(ANON, {}, dt.date(2027, 1, 1), dt.date(2027, 12, 31))
    cycles = [e for e in found if e.origin == "cycle"]
    assert len({e.uid for e in cycles}) >= 5
    assert any(e.title.startswith("USAID") and e.first_day == dt.date(2027, 10, 1) for e in cycles)
    # The monthly secretariat call repeats in 2027 from its rule.
    calls = [e for e in found if e.uid == "secretariat-monthly-call@asmhub"]
    assert len(calls) == 12


def test_the_demo_loads_once_and_its_feed_parses(demo: dict[str, int]) -> None:
    assert demo["events"] == Event.objects.count() == load_demo_calendar()["events"]
    parsed = Calendar.from_ical(ical.write_feed(services.select(ANON, {}), "Demo"))
    uids = {str(e["uid"]) for e in parsed.walk("VEVENT")}
    assert {"ppa-member-meeting-2020@asmhub", "mdg-asm-conference-2005@asmhub"} <= uids
    assert [str(z["tzid"]) for z in parsed.walk("VTIMEZONE")] == ["America/New_York"]
