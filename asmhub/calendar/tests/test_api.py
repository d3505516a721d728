"""The calendar API: events, every date of a period, and adding an event."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from asmhub.calendar.models import Event, Kind
from asmhub.calendar.tests.conftest import NEW_YORK, all_day, timed
from asmhub.conftest import make_person
from asmhub.core.models import Status
from asmhub.directory.models import ContactDetails

pytestmark = pytest.mark.django_db


def test_events_list_public_events_with_their_filters(client: Client, owner: Any) -> None:
    contact = make_person("Margaret Lee")
    ContactDetails.objects.create(person=contact, email="mlee@example.org")
    timed(
        "Meeting",
        dt.datetime(2020, 11, 9, 9, tzinfo=NEW_YORK),
        dt.datetime(2020, 11, 9, 12, tzinfo=NEW_YORK),
        kind=Kind.MEMBER_MEETING,
        contact=contact,
    )
    all_day("Webinar", dt.date(2020, 9, 30), kind=Kind.WEBINAR)
    all_day(
        "Draft", dt.date(2020, 9, 30), status=Status.DRAFT, owner_organization=owner.organization
    )
    body = client.get("/api/calendar/events").json()
    assert [e["title"] for e in body["items"]] == ["Webinar", "Meeting"]
    assert body["items"][1]["timezone"] == "America/New_York"
    assert body["items"][1]["contact"]["name"] == "Margaret Lee"
    assert "mlee@example.org" not in str(body)
    webinars = client.get("/api/calendar/events", {"kind": "webinar"}).json()["items"]
    assert [e["title"] for e in webinars] == ["Webinar"]


def test_entries_cover_a_period_cut_to_400_days(client: Client) -> None:
    all_day("Survey closes", dt.date(2020, 11, 27), kind=Kind.DEADLINE)
    all_day("Much later", dt.date(2022, 11, 27), kind=Kind.DEADLINE)
    found = client.get("/api/calendar/entries", {"start": "2020-11-01", "end": "2020-11-30"})
    assert [(e["title"], e["origin"]) for e in found.json()] == [("Survey closes", "event")]
    long = client.get("/api/calendar/entries", {"start": "2020-11-01", "end": "2023-01-01"})
    assert [e["title"] for e in long.json()] == ["Survey closes"]
    reversed_ = client.get("/api/calendar/entries", {"start": "2020-11-30", "end": "2020-11-01"})
    assert reversed_.json() == []


def test_entries_of_a_stored_secondly_event_are_capped(client: Client) -> None:
    # Inserted directly, as a row saved before such rules were refused would be.
    timed(
        "Every second",
        dt.datetime(2026, 3, 1, 0, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 1, 0, 0, tzinfo=dt.UTC),
        rule="FREQ=SECONDLY",
    )
    found = client.get("/api/calendar/entries", {"start": "2026-03-01", "end": "2026-03-30"})
    assert found.status_code == 200
    assert 0 < len(found.json()) <= 500
    later = client.get("/api/calendar/entries", {"start": "2026-04-01", "end": "2027-05-05"})
    assert later.status_code == 200 and later.json() == []


def test_a_member_adds_an_event_through_the_api(client: Client, login: Any, owner: Any) -> None:
    payload = {
        "title": "Lightning talks",
        "kind": "webinar",
        "start_day": "2020-10-06",
        "start_time": "10:00",
        "end_time": "11:00",
        "timezone": "America/New_York",
        "countries": ["CD"],
        "lever_issues": ["traceability-due-diligence"],
    }
    response = login(owner).post("/api/calendar/events", payload, content_type="application/json")
    assert response.status_code == 200, response.content
    event = Event.objects.get()
    assert event.status == Status.DRAFT and event.start.hour == 14
    assert [c.code for c in event.countries.all()] == ["CD"]


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"end_time": "09:00"}, "ends before it starts"),
        ({"countries": ["XX"]}, "countries"),
        ({"kind": "party"}, "kind"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"rule": "FREQ=SOMETIMES"}, "rule"),
        ({"rule": "FREQ=SECONDLY"}, "rule: FREQ=SECONDLY repeats more often than once a day"),
        ({"rule": "FREQ=MINUTELY"}, "rule: FREQ=MINUTELY repeats more often than once a day"),
        ({"rule": "FREQ=HOURLY"}, "rule: FREQ=HOURLY repeats more often than once a day"),
        ({"rule": "FREQ=DAILY;BYHOUR=1,2"}, "rule: BYHOUR=1,2 repeats more often"),
    ],
)
def test_a_bad_event_is_refused_with_the_field(
    login: Any, owner: Any, change: dict[str, Any], says: str
) -> None:
    payload = {
        "title": "Talks",
        "kind": "webinar",
        "start_day": "2020-10-06",
        "start_time": "10:00",
        "timezone": "America/New_York",
        **change,
    }
    response = login(owner).post("/api/calendar/events", payload, content_type="application/json")
    assert response.status_code == 422 and says in str(response.json()["detail"])
    assert not Event.objects.exists()


def test_visitors_cannot_add_events(client: Client) -> None:
    response = client.post(
        "/api/calendar/events",
        {"title": "x", "kind": "webinar", "start_day": "2020-10-06"},
        content_type="application/json",
    )
    assert response.status_code == 401
