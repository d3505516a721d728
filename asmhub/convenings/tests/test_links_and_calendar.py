"""Personal links that lead to a poll, and published convenings on the shared calendar."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from asmhub.calendar.models import Event
from asmhub.convenings.models import Convening
from asmhub.convenings.tests.conftest import make_convening, make_participant
from asmhub.convenings.tests.test_convening_views import _form
from asmhub.convenings.tests.test_poll_views import setup_poll
from asmhub.core.models import AuditEntry, Status

pytestmark = pytest.mark.django_db


def test_the_personal_links_offered_from_a_poll_open_that_poll(
    login: Any, owner: Any, convening: Convening, org: Any
) -> None:
    organizer = login(owner)
    poll = setup_poll(organizer, convening)
    member = make_participant(convening, "Field Researcher", org)
    poll_page = organizer.get(poll.get_absolute_url()).content.decode()
    links_url = reverse("convenings:participant-links", args=[convening.slug])
    assert f"{links_url}?poll={poll.pk}" in poll_page
    page = organizer.get(links_url, {"poll": poll.pk})
    link = next(url for p, url in page.context["rows"] if p == member)
    opened = Client().get(link)
    assert opened.status_code == 302 and opened["Location"] == poll.get_absolute_url()


def test_the_overview_links_stay_without_a_poll(
    login: Any, owner: Any, convening: Convening, org: Any
) -> None:
    organizer = login(owner)
    member = make_participant(convening, "Field Researcher", org)
    links_url = reverse("convenings:participant-links", args=[convening.slug])
    page = organizer.get(links_url, {"poll": "not-a-number"})
    link = next(url for p, url in page.context["rows"] if p == member)
    assert "next=" not in link
    assert Client().get(link)["Location"] == convening.get_absolute_url()


def test_a_convening_goes_on_the_calendar_when_an_editor_publishes_it(
    login: Any, owner: Any, editor: Any, org: Any, settings: Any
) -> None:
    settings.ASMHUB_SITE_URL = "https://hub.example.org"
    login(owner).post(reverse("convenings:create"), _form(org.pk))
    convening = Convening.objects.get()
    assert convening.status == Status.DRAFT and convening.event is None
    assert not Event.objects.exists()
    moderator = login(editor)
    moderator.post(
        reverse("convenings:status", args=[convening.slug]), {"status": Status.PUBLISHED}
    )
    convening.refresh_from_db()
    event = convening.event
    assert event is not None and event.status == Status.PUBLISHED
    assert event.title == "Donor round table on gold" and event.all_day
    assert (event.first_day, event.last_day) == (dt.date(2027, 3, 2), dt.date(2027, 3, 3))
    assert event.place == "Bukavu"
    assert event.link == "https://hub.example.org" + convening.get_absolute_url()
    assert AuditEntry.for_object(convening).filter(action="update").exists()
    month = Client().get(reverse("calendar:month"), {"month": "2027-03"})
    assert "Donor round table on gold" in month.content.decode()
    moderator.post(reverse("convenings:status", args=[convening.slug]), {"status": "archived"})
    moderator.post(
        reverse("convenings:status", args=[convening.slug]), {"status": Status.PUBLISHED}
    )
    assert Event.objects.count() == 1


def test_a_convening_linked_to_an_event_keeps_it(editor: Any, org: Any) -> None:
    from asmhub.convenings import services

    convening = make_convening(org)
    assert services.put_on_calendar(editor, convening) is not None
    again = services.put_on_calendar(editor, Convening.objects.get(pk=convening.pk))
    assert again == convening.event and Event.objects.count() == 1


def test_a_served_host_without_a_dot_leaves_the_event_link_empty(
    login: Any, editor: Any, org: Any, settings: Any
) -> None:
    settings.ASMHUB_SITE_URL = ""
    convening = make_convening(org, status=Status.DRAFT)
    login(editor).post(
        reverse("convenings:status", args=[convening.slug]), {"status": Status.PUBLISHED}
    )
    convening.refresh_from_db()
    assert convening.event is not None and convening.event.link == ""
