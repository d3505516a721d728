"""The platform's one way to e-mail someone about a record: ``notify``.

    notify(["a@example.org"], "Due in 7 days", "strategy/email/due.txt",
           {"action": action}, reason="strategy-due", target=action, step="before-7")

renders ``template`` with ``context`` for each recipient, and queues it through the tasks
backend (``core.tasks.send_email``, sent with Django's configured e-mail backend). Each
(recipient, reason, target, step) goes once: a ``core.Notification`` row is written in the
same transaction as the queueing, so running a reminder job twice sends nothing twice.
Reminders (strategy actions, commitments) and alerts reuse this module; a new reason is
a new string and a template, with no change here.

``headers`` (optional) gives each recipient's extra mail headers, such as the
``List-Unsubscribe`` of an alert.

The moderation e-mails (to editors when something is submitted, to the contributor when
it is decided) and the followers' alerts are sent from ``outreach``, which listens to
``core.signals``; see docs/outreach.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string

from asmhub.core.models import Notification
from asmhub.core.services import site_url


def already_sent(recipient: str, reason: str, target: models.Model, step: str = "") -> bool:
    return Notification.objects.filter(
        recipient=recipient.lower(),
        reason=reason,
        target_type=ContentType.objects.get_for_model(target),
        target_id=str(target.pk),
        step=step,
    ).exists()


def notify(
    recipients: Iterable[str],
    subject: str,
    template: str,
    context: dict[str, Any],
    *,
    reason: str,
    target: models.Model,
    step: str = "",
    headers: Callable[[str], dict[str, str]] | None = None,
) -> list[str]:
    """Queue ``template`` to every recipient not yet told; the addresses queued."""
    from asmhub.core.tasks import send_email

    target_type = ContentType.objects.get_for_model(target)
    sent: list[str] = []
    for address in sorted({r.strip().lower() for r in recipients if r and r.strip()}):
        body = render_to_string(template, {**context, "recipient": address, "site_url": site_url()})
        try:
            with transaction.atomic():
                Notification.objects.create(
                    recipient=address,
                    reason=reason,
                    target_type=target_type,
                    target_id=str(target.pk),
                    step=step,
                    subject=subject[:300],
                )
                if headers is None:
                    send_email.enqueue(subject, body, [address])
                else:
                    send_email.enqueue(subject, body, [address], headers(address))
        except IntegrityError:
            continue  # told already
        sent.append(address)
    return sent
