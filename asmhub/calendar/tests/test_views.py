"""The calendar's pages: views, event page, moderation, feeds, saved filters and import."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from asmhub.calendar.models import Event, Kind, SavedFilter
from asmhub.calendar.tests.conftest import NEW_YORK, all_day, timed
from asmhub.conftest import make_person
from asmhub.core.models import Status
from asmhub.directory.models import ContactDetails

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting() -> Event:
    contact = make_person("Margaret Lee")
    ContactDetails.objects.create(person=contact, email="mlee@example.org")
    return timed(
        "Ninth PPA meeting",
        dt.datetime(2020, 11, 9, 9, 0, tzinfo=NEW_YORK),
        dt.datetime(2020, 11, 9, 12, 30, tzinfo=NEW_YORK),
        kind=Kind.MEMBER_MEETING,
        contact=contact,
        is_advocacy=True,
        advocacy_message="Tell them about taxes returned to communities.",
    )


def test_the_month_shows_events_at_their_local_time(client: Client, meeting: Event) -> None:
    page = client.get(reverse("calendar:month"), {"month": "2020-11"}).content.decode()
    assert "November 2020" in page
    assert "09:00</time> Ninth PPA meeting" in page  # New York time, not UTC (14:00)


def test_the_week_and_the_list_show_the_event(client: Client, meeting: Event) -> None:
    week = client.get(reverse("calendar:week"), {"week": "2020-11-11"}).content.decode()
    assert "9 Nov" in week and "Ninth PPA meeting" in week and "America/New_York" in week
    listed = client.get(reverse("calendar:list"), {"from": "2020-11-01", "to": "2020-11-30"})
    assert "Ninth PPA meeting" in listed.content.decode()
    empty = client.get(reverse("calendar:list"), {"from": "2020-12-01", "to": "2020-12-31"})
    assert "Ninth PPA meeting" not in empty.content.decode()


def test_filters_and_htmx_return_the_calendar_fragment(client: Client, meeting: Event) -> None:
    response = client.get(
        reverse("calendar:list"),
        {"from": "2020-11-01", "to": "2020-11-30", "kind": "webinar"},
        headers={"HX-Request": "true", "HX-Target": "calendar"},
    )
    body = response.content.decode()
    assert "<html" not in body and "Ninth PPA meeting" not in body
    assert "Nothing on the calendar" in body


def test_bad_dates_in_the_address_fall_back_to_today(client: Client) -> None:
    for params in ({"month": "2020-13"}, {"month": "x"}):
        assert client.get(reverse("calendar:month"), params).status_code == 200
    assert client.get(reverse("calendar:week"), {"week": "nope"}).status_code == 200
    assert (
        client.get(reverse("calendar:list"), {"from": "x", "to": "1900-01-01"}).status_code == 200
    )


def test_the_event_page_names_the_contact_but_shows_details_only_with_the_grant(
    client: Client, meeting: Event, login: Any, owner: Any, editor: Any
) -> None:
    url = meeting.get_absolute_url()
    public = client.get(url).content.decode()
    assert "Margaret Lee" in public and "mlee@example.org" not in public
    assert "Tell them about taxes" in public
    assert "mlee@example.org" not in login(owner).get(url).content.decode()
    assert "mlee@example.org" in login(editor).get(url).content.decode()


def test_the_event_ics_holds_the_event_in_its_zone(client: Client, meeting: Event) -> None:
    response = client.get(reverse("calendar:event-ics", args=[meeting.slug]))
    assert response["Content-Type"].startswith("text/calendar")
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert event["uid"] == meeting.uid and event["dtstart"].params["TZID"] == "America/New_York"
    assert b"mlee@example.org" not in response.content


def test_a_draft_is_hidden_from_others(
    client: Client, login: Any, owner: Any, outsider: Any
) -> None:
    draft = all_day(
        "Draft", dt.date(2026, 6, 1), status=Status.DRAFT, owner_organization=owner.organization
    )
    url = draft.get_absolute_url()
    assert client.get(url).status_code == 404
    assert client.get(reverse("calendar:event-ics", args=[draft.slug])).status_code == 404
    assert login(outsider).get(url).status_code == 404
    assert login(owner).get(url).status_code == 200


def _form(**extra: Any) -> dict[str, Any]:
    return {
        "title": "Lightning talks",
        "kind": Kind.WEBINAR,
        "state": "confirmed",
        "start_day": "2020-09-30",
        "start_time": "10:00",
        "end_time": "11:30",
        "timezone": "America/New_York",
        **extra,
    }


def test_a_member_adds_an_event_as_a_draft_and_an_editor_publishes_it(
    client: Client, login: Any, owner: Any, editor: Any
) -> None:
    response = login(owner).post(reverse("calendar:event-create"), _form())
    event = Event.objects.get(title="Lightning talks")
    assert response.status_code == 302 and event.status == Status.DRAFT
    assert event.start == dt.datetime(2020, 9, 30, 14, 0, tzinfo=dt.UTC)
    assert event.owner_organization == owner.organization
    status_url = reverse("calendar:event-status", args=[event.slug])
    login(owner).post(status_url, {"status": "published"})
    event.refresh_from_db()
    assert event.status == Status.DRAFT  # only an editor publishes
    login(owner).post(status_url, {"status": "submitted"})
    login(editor).post(status_url, {"status": "published"})
    event.refresh_from_db()
    assert event.status == Status.PUBLISHED


def test_the_form_refuses_an_event_ending_before_it_starts(login: Any, owner: Any) -> None:
    response = login(owner).post(reverse("calendar:event-create"), _form(end_time="09:00"))
    assert response.status_code == 200 and "ends before it starts" in response.content.decode()
    assert not Event.objects.exists()


@pytest.mark.parametrize("rule", ["FREQ=SECONDLY", "FREQ=MINUTELY", "FREQ=HOURLY"])
def test_the_form_refuses_a_rule_more_frequent_than_daily(
    login: Any, owner: Any, rule: str
) -> None:
    response = login(owner).post(reverse("calendar:event-create"), _form(rule=rule))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "more often than once a day" in " ".join(errors["rule"]) and rule in errors["rule"][0]
    assert not Event.objects.exists()


def test_the_month_of_a_stored_secondly_event_shows_a_bounded_number(client: Client) -> None:
    # A row saved before such rules were refused: the page still answers, capped.
    timed(
        "Every second",
        dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC),
        rule="FREQ=SECONDLY",
    )
    response = client.get(reverse("calendar:list"), {"from": "2026-03-01", "to": "2026-03-31"})
    assert response.status_code == 200
    assert len(response.context["entries"]) == 500


def test_an_outsider_cannot_edit(login: Any, outsider: Any, owner: Any) -> None:
    event = all_day("Ours", dt.date(2026, 6, 1), owner_organization=owner.organization)
    response = login(outsider).post(
        reverse("calendar:event-edit", args=[event.slug]), _form(title="Taken")
    )
    assert response.status_code == 403
    event.refresh_from_db()
    assert event.title == "Ours"


def test_visitors_are_sent_to_sign_in_for_writes(client: Client) -> None:
    for name in ("calendar:event-create", "calendar:feeds", "calendar:import"):
        assert client.get(reverse(name)).status_code == 302


def test_a_saved_filter_has_its_own_feed_of_public_events(
    client: Client, login: Any, owner: Any, meeting: Event
) -> None:
    all_day(
        "Webinar draft",
        dt.date(2020, 11, 10),
        kind=Kind.WEBINAR,
        status=Status.DRAFT,
        owner_organization=owner.organization,
    )
    login(owner).post(
        reverse("calendar:feeds"), {"name": "Member meetings", "kind": "member-meeting"}
    )
    saved = SavedFilter.objects.get(user=owner)
    assert saved.params == {"kind": ["member-meeting"]}
    client.logout()
    feed = client.get(saved.feed_path())
    uids = [str(e["uid"]) for e in Calendar.from_ical(feed.content).walk("VEVENT")]
    assert uids == [meeting.uid]
    again = client.get(saved.feed_path(), headers={"If-None-Match": feed["ETag"]})
    assert again.status_code == 304
    assert client.get("/calendar/feeds/not-a-token.ics").status_code == 404


def test_only_the_owner_changes_a_saved_filter(login: Any, owner: Any, outsider: Any) -> None:
    saved = SavedFilter.objects.create(user=owner, name="Mine")
    url = reverse("calendar:feed-change", args=[saved.pk])
    assert login(outsider).post(url, {"delete": "1"}).status_code == 404
    login(owner).post(url, {"weekly_digest": "on"})
    saved.refresh_from_db()
    assert saved.weekly_digest


GOOD = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x@example.org\r\n"
    "SUMMARY:Imported workshop\r\nDTSTART;VALUE=DATE:20261201\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def test_the_import_page_checks_first_then_imports(login: Any, editor: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(editor)
    upload = SimpleUploadedFile("events.ics", GOOD.encode(), "text/calendar")
    defaults = {"default_kind": "workshop", "default_timezone": "UTC"}
    checked = client.post(reverse("calendar:import"), {"file": upload, **defaults})
    assert "would import (dry run): 1 new" in checked.content.decode()
    assert not Event.objects.exists()
    done = client.post(
        reverse("calendar:import"),
        {"content": GOOD, "source": "events.ics", "commit": "1", **defaults},
    )
    assert done.status_code == 302
    assert Event.objects.get().kind == Kind.WORKSHOP


def test_the_import_page_shows_the_bad_line(login: Any, editor: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = GOOD.replace("UID:x@example.org\r\n", "")
    upload = SimpleUploadedFile("bad.ics", bad.encode(), "text/calendar")
    response = login(editor).post(
        reverse("calendar:import"),
        {"file": upload, "default_kind": "workshop", "default_timezone": "UTC"},
    )
    assert "bad.ics:3" in response.content.decode() and "no UID" in response.content.decode()
    assert not Event.objects.exists()


def test_a_private_address_is_not_fetched(login: Any, editor: Any) -> None:
    response = login(editor).post(
        reverse("calendar:import"),
        {"url": "http://127.0.0.1:9/x.ics", "default_kind": "workshop", "default_timezone": "UTC"},
    )
    assert "private network" in response.content.decode()


def test_the_import_page_refuses_a_file_that_is_not_text_or_too_large(
    login: Any, editor: Any, settings: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(editor)
    defaults = {"default_kind": "workshop", "default_timezone": "UTC"}
    latin1 = SimpleUploadedFile("latin.ics", GOOD.replace("workshop", "café").encode("latin-1"))
    body = client.post(reverse("calendar:import"), {"file": latin1, **defaults}).content.decode()
    assert "latin.ics: not UTF-8 text (byte 83)" in body
    settings.ASMHUB_ICS_MAX_BYTES = 100
    big = SimpleUploadedFile("big.ics", GOOD.encode())
    body = client.post(reverse("calendar:import"), {"file": big, **defaults}).content.decode()
    assert "big.ics: larger than 100 bytes" in body
    assert not Event.objects.exists()
