"""Reminders before a due date and once overdue, each sent once through core.notify."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from asmhub.accounts.models import User
from asmhub.convenings.models import Commitment
from asmhub.convenings.tests.conftest import make_convening
from asmhub.core.models import Notification
from asmhub.core.notify import already_sent, notify
from asmhub.directory.models import Organization
from asmhub.strategy import reminders
from asmhub.strategy.models import Action, Progress

pytestmark = pytest.mark.django_db
DUE = dt.date(2026, 6, 30)


@pytest.fixture
def owned(action: Action, org: Organization, owner: User) -> Action:
    owner.email = "owner@agc.example"
    owner.save()
    action.owner_organization = org
    action.due_on = DUE
    action.save()
    return action


def test_the_steps_of_a_due_date() -> None:
    assert reminders.step(DUE, False, DUE - dt.timedelta(days=8)) is None
    assert reminders.step(DUE, False, DUE - dt.timedelta(days=7)) == "before-7"
    assert reminders.step(DUE, False, DUE) == "before-7"
    assert reminders.step(DUE, False, DUE + dt.timedelta(days=1)) == "overdue"
    assert reminders.step(DUE, True, DUE + dt.timedelta(days=1)) is None
    assert reminders.step(None, False, DUE) is None


def test_an_owner_is_reminded_before_and_when_overdue_once_each(owned: Action) -> None:
    assert reminders.send_due(DUE - dt.timedelta(days=10)) == 0
    assert reminders.send_due(DUE - dt.timedelta(days=5)) == 1
    assert reminders.send_due(DUE - dt.timedelta(days=4)) == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["owner@agc.example"]
    assert owned.title in mail.outbox[0].body and "Due on 2026-06-30" in mail.outbox[0].subject
    assert reminders.send_due(DUE + dt.timedelta(days=1)) == 1
    assert reminders.send_due(DUE + dt.timedelta(days=9)) == 0
    assert len(mail.outbox) == 2 and mail.outbox[1].subject.startswith("Overdue")
    assert already_sent("owner@agc.example", "strategy-action", owned, "overdue")


def test_done_actions_are_not_chased(owned: Action) -> None:
    owned.status = Progress.DONE
    owned.save()
    assert reminders.send_due(DUE + dt.timedelta(days=1)) == 0
    assert mail.outbox == []


def test_commitment_owners_are_reminded_too(org: Organization, owner: User) -> None:
    owner.email = "owner@agc.example"
    owner.save()
    convening = make_convening(org)
    Commitment.objects.create(convening=convening, organization=org, what="Report", due_on=DUE)
    assert reminders.send_due(DUE + dt.timedelta(days=2)) == 1
    assert "Report" in mail.outbox[0].body


def test_notify_sends_once_per_recipient_reason_target_and_step(owned: Action) -> None:
    args = ("Subject", "strategy/email/reminder.txt", {"title": "T", "due_on": DUE, "link": "x"})
    sent = notify(["A@example.org", "a@example.org "], *args, reason="r", target=owned, step="s")
    assert sent == ["a@example.org"]
    assert notify(["a@example.org"], *args, reason="r", target=owned, step="s") == []
    assert notify(["a@example.org"], *args, reason="r", target=owned, step="t") == ["a@example.org"]
    assert len(mail.outbox) == 2
    assert Notification.objects.count() == 2


def test_the_command_queues_the_run(owned: Action) -> None:
    owned.due_on = timezone.localdate() - dt.timedelta(days=1)
    owned.save()
    call_command("send-strategy-reminders")  # the immediate backend runs it at once
    sent = Notification.objects.get(reason="strategy-action")
    assert (sent.step, sent.recipient) == ("overdue", "owner@agc.example")
    assert len(mail.outbox) == 1
