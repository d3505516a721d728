"""E-mail reminders to the owners of actions and convening commitments: one a week before
the due date and one once it has passed, each sent once (``core.notify``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from asmhub.accounts.models import User
from asmhub.core.notify import notify
from asmhub.core.services import site_url
from asmhub.directory.models import ContactDetails
from asmhub.strategy.models import CLOSED, Action, today

DAYS_BEFORE = 7


def step(due_on: dt.date | None, closed: bool, on: dt.date) -> str | None:
    """``before-7`` in the week before the due date, ``overdue`` after it, else None."""
    if due_on is None or closed:
        return None
    if due_on < on:
        return "overdue"
    if due_on - dt.timedelta(days=DAYS_BEFORE) <= on:
        return f"before-{DAYS_BEFORE}"
    return None


def recipients(organization_id: int | None, person_id: int | None) -> list[str]:
    """The owner person's address, else the owner organization's members' accounts."""
    found: list[str] = []
    if person_id:
        found += list(
            ContactDetails.objects.filter(person_id=person_id)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    if organization_id and not found:
        found += list(
            User.objects.filter(organization_id=organization_id, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    return found


def _send(
    item: models.Model, kind: str, title: str, due_on: dt.date, url: str, which: str, to: list[str]
) -> list[str]:
    context: dict[str, Any] = {
        "title": title,
        "kind": kind,
        "due_on": due_on,
        "overdue": which == "overdue",
        "link": site_url(url),
    }
    subject = (
        _("Overdue: %(title)s") if which == "overdue" else _("Due on %(date)s: %(title)s")
    ) % {"title": title[:80], "date": due_on.isoformat()}
    return notify(
        to,
        subject,
        "strategy/email/reminder.txt",
        context,
        reason=f"strategy-{kind}",
        target=item,
        step=which,
    )


def send_due(on: dt.date | None = None) -> int:
    """Queue every reminder due on ``on`` (today); how many messages."""
    from django.urls import reverse

    from asmhub.convenings.models import Commitment

    day = on or today()
    sent = 0
    actions = Action.objects.exclude(status__in=CLOSED).exclude(due_on=None)
    for action in actions:
        which = step(action.due_on, False, day)
        if which and action.due_on:
            to = recipients(action.owner_organization_id, action.owner_person_id)
            sent += len(
                _send(
                    action,
                    "action",
                    action.title,
                    action.due_on,
                    action.get_absolute_url(),
                    which,
                    to,
                )
            )
    commitments = (
        Commitment.objects.filter(strategy_action__isnull=True)
        .exclude(state__in=["done", "dropped"])
        .exclude(due_on=None)
        .select_related("convening")
    )
    for commitment in commitments:
        which = step(commitment.due_on, False, day)
        if which and commitment.due_on:
            to = recipients(commitment.organization_id, commitment.person_id)
            url = reverse("convenings:commitments", args=[commitment.convening.slug])
            sent += len(
                _send(commitment, "commitment", str(commitment), commitment.due_on, url, which, to)
            )
    return sent
