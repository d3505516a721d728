"""Background work of the strategy: reminders to owners (Django tasks API)."""

from __future__ import annotations

from django_tasks import task

from asmhub.strategy import reminders


@task()
def send_strategy_reminders() -> int:
    """Queue the reminders that are due; how many messages."""
    return reminders.send_due()


def enqueue_strategy_reminders() -> str:
    """What ``asmhub send-strategy-reminders`` does, daily from cron."""
    return str(send_strategy_reminders.enqueue().id)
