"""Reminders to participants who have not yet answered a survey before its deadline.

A survey lists the days before its deadline on which to remind (``reminder_days``, such
as ``[7, 2]``). Once a step is due, each participant who has not answered and has an
e-mail address gets one message with their personal link; a ``Reminder`` row records it,
so running the job again sends nothing twice and a later step replaces an earlier one
that was missed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from asmhub.convenings.models import Participant
from asmhub.convenings.poll_models import Poll, Reminder
from asmhub.core.services import site_url
from asmhub.directory.models import ContactDetails


@dataclass(frozen=True)
class Due:
    poll: Poll
    participant: Participant
    days_before: int
    email: str


def current_step(poll: Poll, moment: dt.datetime) -> int | None:
    """The smallest reminder step whose day has come, while the survey is still open."""
    if poll.closes_at is None or poll.state_at(moment) != Poll.State.OPEN:
        return None
    reached = [d for d in poll.reminder_days if poll.closes_at - dt.timedelta(days=d) <= moment]
    return min(reached) if reached else None


def _email(participant: Participant, contacts: dict[int, str]) -> str:
    user = participant.user
    if user is not None and user.email:
        return str(user.email)
    return contacts.get(participant.person_id or 0, "")


def due(moment: dt.datetime | None = None) -> list[Due]:
    now = moment or timezone.now()
    found: list[Due] = []
    surveys = Poll.objects.filter(
        kind=Poll.Kind.SURVEY, illustrative=False, closes_at__gt=now, opens_at__lte=now
    ).select_related("convening")
    for poll in surveys:
        step = current_step(poll, now)
        if step is None:
            continue
        answered = set(poll.responses.values_list("respondent_key", flat=True))
        reminded = set(
            Reminder.objects.filter(poll=poll, days_before__lte=step).values_list(
                "participant_id", flat=True
            )
        )
        participants = list(poll.convening.participants.select_related("user", "person"))
        contacts = dict(
            ContactDetails.objects.filter(
                person_id__in=[p.person_id for p in participants if p.person_id]
            )
            .exclude(email="")
            .values_list("person_id", "email")
        )
        for participant in participants:
            if participant.pk in reminded or poll.respondent_key(participant) in answered:
                continue
            email = _email(participant, contacts)
            if email:
                found.append(Due(poll, participant, step, email))
    return found


def link(participant: Participant, poll: Poll) -> str:
    path = reverse("convenings:join", args=[poll.convening.slug, participant.token])
    return site_url(f"{path}?next=poll-{poll.pk}")


def send(reminder: Due) -> None:
    context = {
        "poll": reminder.poll,
        "participant": reminder.participant,
        "link": link(reminder.participant, reminder.poll),
        "days": reminder.days_before,
    }
    subject = render_to_string("convenings/email/reminder_subject.txt", context).strip()
    body = render_to_string("convenings/email/reminder.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [reminder.email])
    Reminder.objects.get_or_create(
        poll=reminder.poll, participant=reminder.participant, days_before=reminder.days_before
    )
