"""Background work of convenings: survey reminders (Django tasks API)."""

from __future__ import annotations

from django_tasks import task

from asmhub.convenings import reminders


@task()
def send_survey_reminders() -> int:
    """Send the reminders that are due; how many went out."""
    sent = 0
    for reminder in reminders.due():
        reminders.send(reminder)
        sent += 1
    return sent


def enqueue_survey_reminders() -> str:
    """Queue the reminder run; what ``asmhub send-survey-reminders`` does, hourly from cron."""
    return str(send_survey_reminders.enqueue().id)
