"""The weekly digest: what a saved filter's owner receives, and how often."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from asmhub.calendar import digest
from asmhub.calendar.models import Kind, SavedFilter
from asmhub.calendar.tests.conftest import all_day

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscribed(owner: Any) -> SavedFilter:
    owner.email = "owner@example.org"
    owner.save()
    return SavedFilter.objects.create(
        user=owner, name="Webinars", params={"kind": ["webinar"]}, weekly_digest=True
    )


def test_the_digest_lists_what_the_filter_selects_in_the_coming_days(
    subscribed: SavedFilter,
) -> None:
    today = timezone.localdate()
    all_day("Lightning talks", today + dt.timedelta(days=3), kind=Kind.WEBINAR)
    all_day("A conference", today + dt.timedelta(days=3), kind=Kind.CONFERENCE)
    all_day("Far webinar", today + dt.timedelta(days=40), kind=Kind.WEBINAR)
    call_command("send-digests")
    (sent,) = mail.outbox
    assert sent.to == ["owner@example.org"] and "Webinars" in sent.subject
    assert "Lightning talks" in sent.body
    assert "A conference" not in sent.body and "Far webinar" not in sent.body
    assert "/calendar/feeds/" in sent.body


def test_a_digest_goes_out_at_most_once_in_six_days(subscribed: SavedFilter) -> None:
    all_day("Lightning talks", timezone.localdate() + dt.timedelta(days=1), kind=Kind.WEBINAR)
    call_command("send-digests")
    call_command("send-digests")
    assert len(mail.outbox) == 1
    subscribed.refresh_from_db()
    later = subscribed.last_digest_at + dt.timedelta(days=7)
    assert digest.due(later) == [subscribed]


def test_no_mail_when_nothing_is_coming_or_nobody_asked(subscribed: SavedFilter) -> None:
    call_command("send-digests")
    assert mail.outbox == []
    subscribed.weekly_digest = False
    subscribed.save()
    assert digest.due() == []
