"""Background work of outreach (Django tasks API): newsletters, deadlines, digests."""

from __future__ import annotations

from django_tasks import task

from asmhub.outreach import alerts, newsletter


@task()
def send_newsletter(newsletter_id: int) -> dict[str, int]:
    """Send a newsletter's queued recipient rows; the counts by outcome."""
    return newsletter.deliver(newsletter_id)


@task()
def announce_item(model_label: str, pk: str, kind: str) -> int:
    """Tell the followers of a record just published; how many were told or queued."""
    return alerts.announce_by_key(model_label, pk, kind)


@task()
def send_alerts() -> dict[str, int]:
    """The daily alert work: calls closing soon, then the digests that are due."""
    from asmhub.outreach.follows import forget_unconfirmed

    forgotten = forget_unconfirmed()
    deadlines = alerts.announce_deadlines()
    items = 0
    due = alerts.digests_due()
    for chosen in due:
        items += alerts.send_digest(chosen)
    return {
        "deadline_alerts": deadlines,
        "digests": len(due),
        "digest_items": items,
        "unconfirmed_forgotten": forgotten,
    }


def enqueue_alerts() -> str:
    """What ``asmhub send-alerts`` does, daily from cron."""
    return str(send_alerts.enqueue().id)
